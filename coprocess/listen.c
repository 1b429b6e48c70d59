/*
 * Unix-socket listener, after OpenBSD unwind's control.c: non-blocking
 * socket, stale path check, bind under a umask, chmod/chown, accept4.
 *
 * When accept fails for lack of file descriptors (EMFILE/ENFILE) the
 * listener stops polling for a second, or until a connection closes,
 * instead of waking up for the same pending connection forever.
 */
/* accept4(2) */
#define _GNU_SOURCE
#include "coprocess/listen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

static void accept_ready(int fd, int events, void *arg);
static void free_dead(struct rf_loop *loop, void *arg);

static int
make_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		rf_err("listen: socket path too long: %s", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* Is someone serving the socket at path?  1 yes, 0 no (stale), -1 error. */
static int
socket_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0)
		return 1;
	if (errno == ECONNREFUSED || errno == ENOENT)
		return 0;
	return -1;
}

int
rf_listener_open(struct rf_listener *l, struct rf_loop *loop,
    struct rf_engine *eng, const struct rf_listen_conf *conf)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->loop = loop;
	l->eng = eng;
	l->max_conns = (size_t)conf->max_connections;
	rf_timer_init(&l->resume);
	if (make_addr(conf->path, &sun) < 0)
		return -1;
	if (lstat(conf->path, &st) == 0) {
		int live;

		if (!S_ISSOCK(st.st_mode)) {
			rf_err("listen: %s exists and is not a socket",
			    conf->path);
			return -1;
		}
		live = socket_live(&sun);
		if (live > 0) {
			rf_err("listen: %s is in use by a running process",
			    conf->path);
			return -1;
		}
		if (live < 0) {
			rf_log_errno(RF_LOG_ERR, "listen: cannot check %s",
			    conf->path);
			return -1;
		}
		rf_notice("listen: replacing stale socket %s", conf->path);
		if (unlink(conf->path) < 0 && errno != ENOENT) {
			rf_log_errno(RF_LOG_ERR, "listen: unlink %s",
			    conf->path);
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rf_log_errno(RF_LOG_ERR, "listen: socket");
		return -1;
	}
	/* no window in which the socket is more open than configured */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		rf_log_errno(RF_LOG_ERR, "listen: bind %s", conf->path);
		close(fd);
		return -1;
	}
	umask(old);
	/* owner and group were looked up with the config (lib/config.c) */
	if ((conf->uid != (uid_t)-1 || conf->gid != (gid_t)-1) &&
	    chown(conf->path, conf->uid, conf->gid) < 0) {
		rf_log_errno(RF_LOG_ERR, "listen: chown %s", conf->path);
		goto fail;
	}
	if (chmod(conf->path, (mode_t)conf->mode) < 0) {
		rf_log_errno(RF_LOG_ERR, "listen: chmod %s", conf->path);
		goto fail;
	}
	if (listen(fd, 128) < 0) {
		rf_log_errno(RF_LOG_ERR, "listen: listen %s", conf->path);
		goto fail;
	}
	l->fd = fd;
	l->path = rf_xstrdup(conf->path);
	rf_loop_watch(loop, fd, RF_EV_READ, accept_ready, l);
	rf_loop_on_idle(loop, free_dead, l);
	rf_notice("listening on %s", conf->path);
	return 0;
fail:
	close(fd);
	unlink(conf->path);
	return -1;
}

static void
resume_accepting(void *arg)
{
	struct rf_listener *l = arg;

	if (!l->paused)
		return;
	l->paused = false;
	rf_timer_stop(rf_loop_sched(l->loop), &l->resume);
	rf_loop_set_events(l->loop, l->fd, RF_EV_READ);
}

static void
free_dead(struct rf_loop *loop, void *arg)
{
	struct rf_listener *l = arg;
	size_t i;

	(void)loop;
	for (i = 0; i < l->ndead; i++)
		rf_conn_free(l->dead[i]);
	l->ndead = 0;
}

static void
conn_closed(struct rf_conn *c, void *arg)
{
	struct rf_listener *l = arg;
	size_t i;

	for (i = 0; i < l->nconns; i++) {
		if (l->conns[i] == c) {
			l->conns[i] = l->conns[--l->nconns];
			break;
		}
	}
	/* freed before the loop sleeps: we may be inside c's callback */
	rf_grow(&l->dead, &l->dead_cap, l->ndead + 1, sizeof(*l->dead));
	l->dead[l->ndead++] = c;
	rf_debug("connection closed (%zu open)", l->nconns);
	resume_accepting(l);
}

static void
accept_ready(int fd, int events, void *arg)
{
	struct rf_listener *l = arg;
	struct rf_loop *loop = l->loop;
	int n;

	(void)events;
	for (n = 0; n < 16; n++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct rf_conn *c;

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EMFILE || errno == ENFILE) {
				rf_log_errno(RF_LOG_WARNING, "accept: pausing "
				    "for a second");
				l->paused = true;
				rf_loop_set_events(loop, fd, 0);
				rf_timer_start(rf_loop_sched(loop), &l->resume,
				    1000, resume_accepting, l);
				return;
			}
			rf_log_errno(RF_LOG_WARNING, "accept");
			return;
		}
		if (l->nconns >= l->max_conns) {
			/* pdns sees EOF at once and retries later, instead of
			 * waiting out its timeout in our backlog */
			l->refused++;
			rf_warn("connection refused: %zu connections open "
			    "(max-connections)", l->nconns);
			close(cfd);
			continue;
		}
		c = rf_conn_new(loop, l->eng, cfd, cfd, false, conn_closed, l);
		rf_grow(&l->conns, &l->conns_cap, l->nconns + 1,
		    sizeof(*l->conns));
		l->conns[l->nconns++] = c;
		l->accepted++;
		rf_debug("connection accepted (%zu open)", l->nconns);
	}
}

void
rf_listener_close(struct rf_listener *l)
{
	size_t i;

	if (l->fd >= 0) {
		rf_loop_unwatch(l->loop, l->fd);
		close(l->fd);
		l->fd = -1;
	}
	rf_timer_stop(rf_loop_sched(l->loop), &l->resume);
	free_dead(l->loop, l);
	for (i = 0; i < l->nconns; i++)
		rf_conn_free(l->conns[i]);
	l->nconns = 0;
	if (l->path != NULL) {
		unlink(l->path);
		free(l->path);
		l->path = NULL;
	}
	free(l->conns);
	free(l->dead);
	l->conns = l->dead = NULL;
}
