/*
 * refract: command line, start-up and the serving loop.
 *
 *   refract [options]                  serve one pdns conversation on
 *                                      stdin/stdout (launch=pipe)
 *   refract replay [options] FILE|-    answer a transcript
 *   refract check [options]            validate config and zones
 *
 * stdout carries protocol bytes only; everything else goes to stderr.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "coprocess/conn.h"
#include "coprocess/listen.h"
#include "coprocess/reload.h"
#include "coprocess/loop.h"
#include "coprocess/replay.h"
#include "lib/diag.h"
#include "lib/engine.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/zimage.h"
#include "lib/zone.h"

enum mode {
	MODE_SERVE,
	MODE_REPLAY,
	MODE_CHECK,
	MODE_COMPILE,
};

struct args {
	enum mode mode;
	struct rf_options opts;
	const char **zones;
	size_t nzones;
	int verbose;
	int abi;
	bool check;
	const char *transcript;
	const char *output;
};

static void
usage(FILE *f)
{
	fputs("usage: refract [--config FILE] [--zone ORIGIN=FILE ...] [-v]\n"
	      "       refract --listen PATH [--config FILE] [--zone ...] [-v]\n"
	      "       refract replay [--config FILE] [--zone ORIGIN=FILE ...]"
	      " [--abi N] [--check] TRANSCRIPT|-\n"
	      "       refract check [--config FILE] [--zone ORIGIN=FILE ...]\n"
	      "       refract compile [--config FILE] [--zone ...] [-o IMAGE]\n"
	      "       refract --help | --version\n"
	      "\n"
	      "Answers PowerDNS from zone files: over stdin/stdout (the PIPE\n"
	      "backend ABI 1-5, or the remote backend's JSON through its pipe\n"
	      "connector), or as a daemon on a unix socket (--listen) shared by\n"
	      "every pdns connection, PIPE and remote alike.\n"
	      "\n"
	      "  -c, --config FILE   the config file (see README.md)\n"
	      "  -z, --zone O=FILE   serve zone O from FILE (repeatable)\n"
	      "  -l, --listen PATH   serve the unix socket PATH until SIGTERM\n"
	      "  -v, --verbose       more log output on stderr (repeatable)\n"
	      "      --abi N         replay: ABI before any HELO (default 5)\n"
	      "      --check         replay: compare answers with the '>>'\n"
	      "                      lines and exit 1 on a difference\n"
	      "  -o, --output IMAGE  compile: where to write the zone image\n"
	      "                      (default: zone-image from the config)\n"
	      "  -h, --help          this text\n"
	      "  -V, --version       print the version\n",
	    f);
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "zone", required_argument, NULL, 'z' },
		{ "listen", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "abi", required_argument, NULL, 'A' },
		{ "check", no_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof(*a));
	a->abi = 5;
	if (argc > 1 && strcmp(argv[1], "replay") == 0) {
		a->mode = MODE_REPLAY;
		argv++;
		argc--;
	} else if (argc > 1 && strcmp(argv[1], "check") == 0) {
		a->mode = MODE_CHECK;
		argv++;
		argc--;
	} else if (argc > 1 && strcmp(argv[1], "compile") == 0) {
		a->mode = MODE_COMPILE;
		argv++;
		argc--;
	}
	a->zones = rf_xcalloc((size_t)argc, sizeof(*a->zones));
	while ((ch = getopt_long(argc, argv, "c:z:l:o:vhV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			a->opts.config_path = optarg;
			break;
		case 'z':
			a->zones[a->nzones++] = optarg;
			break;
		case 'l':
			a->opts.listen = optarg;
			break;
		case 'v':
			a->verbose++;
			break;
		case 'A': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end != '\0' || v < 1) {
				fprintf(stderr, "refract: --abi takes a number "
				    "from 1\n");
				return 2;
			}
			a->abi = v > 5 ? 5 : (int)v;
			break;
		}
		case 'C':
			a->check = true;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("refract %s\n", RF_VERSION);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if ((a->abi != 5 || a->check) && a->mode != MODE_REPLAY) {
		fprintf(stderr, "refract: --abi and --check are replay "
		    "options\n");
		return 2;
	}
	if (a->output != NULL && a->mode != MODE_COMPILE) {
		fprintf(stderr, "refract: --output is a compile option\n");
		return 2;
	}
	/* check and compile read the zone files themselves */
	if (a->mode == MODE_CHECK || a->mode == MODE_COMPILE)
		a->opts.parse_zones = 1;
	if (a->mode == MODE_REPLAY) {
		if (optind + 1 != argc) {
			fprintf(stderr, "refract: replay needs one transcript "
			    "(or - for stdin)\n");
			usage(stderr);
			return 2;
		}
		a->transcript = argv[optind];
	} else if (optind != argc) {
		fprintf(stderr, "refract: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	a->opts.zones = a->zones;
	a->opts.nzones = a->nzones;
	return 0;
}

static void
print_diag(const struct rf_diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
	if (d->dropped > 0)
		fprintf(stderr, "(%zu more errors not shown)\n", d->dropped);
}

/* ---- serving --------------------------------------------------------------- */

struct server {
	struct rf_loop *loop;
	struct rf_engine *eng;
	struct rf_conn *stdio;
	bool stdio_done;
	struct rf_listener listener;
	struct rf_reloader reloader;
};

/* Tell systemd (Type=notify) that the socket is there, so that a pdns
 * ordered after us finds it: pdns exits when getAllDomains fails at its
 * start.  The protocol is one datagram; no library needed. */
static void
notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sun, len) < 0)
		rf_log_errno(RF_LOG_WARNING, "sd_notify");
	close(fd);
}

static void
stdio_closed(struct rf_conn *c, void *arg)
{
	struct server *srv = arg;

	(void)c;
	/* pdns closed our stdin (shutdown) or stdout: nothing more to do */
	srv->stdio_done = true;
	rf_loop_stop(srv->loop);
}

static void
on_signal(struct rf_loop *loop, int signo, void *arg)
{
	struct server *srv = arg;

	if (signo == SIGHUP) {
		rf_notice("SIGHUP: reloading");
		rf_reloader_start(&srv->reloader, NULL, NULL);
		return;
	}
	rf_notice("signal %d: shutting down", signo);
	rf_loop_stop(loop);
}

static int
serve_socket(struct rf_loop *loop, struct rf_engine *eng)
{
	struct server srv;

	memset(&srv, 0, sizeof(srv));
	srv.eng = eng;
	srv.loop = loop;
	if (rf_loop_signals(srv.loop, on_signal, &srv) < 0 ||
	    rf_listener_open(&srv.listener, srv.loop, eng,
	    &eng->gen->cfg.listen) < 0)
		return 1;
	rf_reloader_init(&srv.reloader, loop, eng);
	notify_ready();
	rf_loop_run(srv.loop);
	rf_listener_close(&srv.listener);
	rf_reloader_fini(&srv.reloader);
	return 0;
}

static int
serve(struct rf_loop *loop, struct rf_engine *eng)
{
	struct server srv;
	int in_fl = fcntl(STDIN_FILENO, F_GETFL);
	int out_fl = fcntl(STDOUT_FILENO, F_GETFL);

	memset(&srv, 0, sizeof(srv));
	srv.eng = eng;
	srv.loop = loop;
	if (rf_loop_signals(srv.loop, on_signal, &srv) < 0) {
		rf_log_errno(RF_LOG_ERR, "signal pipe");
		return 1;
	}
	rf_reloader_init(&srv.reloader, loop, eng);
	srv.stdio = rf_conn_new(srv.loop, eng, STDIN_FILENO, STDOUT_FILENO,
	    true, stdio_closed, &srv);
	/* pdns talks lock-step: between two questions the loop can wait in
	 * read(2) itself (one system call less per round trip) */
	rf_conn_blocking_read(srv.stdio);
	rf_loop_set_fast_fd(srv.loop, STDIN_FILENO);
	rf_loop_run(srv.loop);
	/* EOF on stdin: write what is left before going */
	if (!srv.stdio->dead && rf_buf_pending(&srv.stdio->out) > 0) {
		fcntl(STDOUT_FILENO, F_SETFL, out_fl);
		rf_conn_flush(srv.stdio);
	}
	rf_conn_free(srv.stdio);
	rf_reloader_fini(&srv.reloader);
	/* leave a terminal as we found it */
	if (in_fl >= 0)
		fcntl(STDIN_FILENO, F_SETFL, in_fl);
	if (out_fl >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, out_fl);
	return 0;
}

int
main(int argc, char **argv)
{
	struct args a;
	struct rf_engine eng;
	struct rf_diag diag;
	struct rf_gen *g;
	struct rf_loop *loop = NULL;
	struct rf_sched replay_sched;
	struct rf_io io;
	int rc;

	/* pdns ignores SIGPIPE before forking us; be sure anyway, so that a
	 * vanished peer is an EPIPE and not a death. */
	signal(SIGPIPE, SIG_IGN);
	rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc;
	rf_log_set_level(RF_LOG_NOTICE + a.verbose);

	if (a.mode == MODE_REPLAY) {
		/* a clock that moves only when the transcript says so, and
		 * scripted upstreams: replays are reproducible */
		rf_sched_init(&replay_sched);
		rf_sched_manual_clock(&replay_sched, 1000000);
		rf_engine_init(&eng, &replay_sched, NULL);
		eng.fake_upstreams = true;
	} else {
		loop = rf_loop_new();
		io = rf_loop_io(loop);
		rf_engine_init(&eng, rf_loop_sched(loop), &io);
	}
	eng.opts = a.opts;
	rf_diag_init(&diag);
	g = rf_gen_build(&eng, &a.opts, &diag);
	if (g == NULL) {
		print_diag(&diag);
		if (a.mode == MODE_CHECK)
			fprintf(stderr, "refract: %zu error%s\n",
			    diag.count + diag.dropped,
			    diag.count + diag.dropped == 1 ? "" : "s");
		rf_diag_fini(&diag);
		rc = 1;
		goto out;
	}
	rf_diag_fini(&diag);
	rf_engine_set_gen(&eng, g);

	switch (a.mode) {
	case MODE_CHECK:
		printf("refract: configuration ok: %u zone%s, %u records",
		    (unsigned)g->zdb->nzones, g->zdb->nzones == 1 ? "" : "s",
		    (unsigned)g->zdb->nrecs);
		if (g->cfg.nrules > 0 || g->nupstreams > 0)
			printf(", %zu rule%s, %zu upstream%s", g->cfg.nrules,
			    g->cfg.nrules == 1 ? "" : "s", g->nupstreams,
			    g->nupstreams == 1 ? "" : "s");
		printf("\n");
		rc = 0;
		break;
	case MODE_COMPILE: {
		const char *out = a.output ? a.output : g->cfg.zone_image;

		if (out == NULL) {
			fprintf(stderr, "refract: compile needs zone-image in "
			    "the config or --output IMAGE\n");
			rc = 2;
			break;
		}
		rf_diag_init(&diag);
		if (rf_zimage_write(g->zdb, out, &diag) < 0) {
			print_diag(&diag);
			rc = 1;
		} else {
			printf("refract: wrote %s: %u zone%s, %u records\n",
			    out, (unsigned)g->zdb->nzones,
			    g->zdb->nzones == 1 ? "" : "s",
			    (unsigned)g->zdb->nrecs);
			rc = 0;
		}
		rf_diag_fini(&diag);
		break;
	}
	case MODE_REPLAY: {
		struct rf_replay_opts ro = {
			.path = a.transcript,
			.abi = a.abi,
			.check = a.check,
		};

		rc = rf_replay_run(&eng, &ro);
		break;
	}
	case MODE_SERVE:
		if (g->cfg.listen.path != NULL) {
			rf_notice("serving %u zones, %u records",
			    (unsigned)g->zdb->nzones,
			    (unsigned)g->zdb->nrecs);
			rc = serve_socket(loop, &eng);
			break;
		}
		rf_info("serving %u zones, %u records on stdin/stdout",
		    (unsigned)g->zdb->nzones, (unsigned)g->zdb->nrecs);
		rc = serve(loop, &eng);
		break;
	}
out:
	rf_engine_fini(&eng);
	if (loop != NULL)
		rf_loop_free(loop);
	else
		rf_sched_fini(&replay_sched);
	free(a.zones);
	return rc;
}
