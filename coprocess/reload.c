/*
 * Reload in a child process (see reload.h).
 *
 * The child has a copy of everything; it builds a generation from the
 * files exactly as a start would (so every error a start would report is
 * reported), writes the zone image, writes its diagnostics to a pipe and
 * exits with 0 or 1.  The parent reads the pipe from the event loop; at
 * its end it collects the child and, on success, builds the generation
 * it will serve from the image — mapping, not parsing, so the loop never
 * stalls for a large zone.
 */
/* memfd_create(2) */
#define _GNU_SOURCE
#include "coprocess/reload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/zimage.h"
#include "lib/zone.h"

static void finish(struct rf_reloader *r, bool ok, const char *text);
static void run(struct rf_reloader *r);

static int
hook_reload(struct rf_engine *e, rf_reload_done_fn done, void *arg)
{
	rf_reloader_start(e->reload_ctx, done, arg);
	return 0;
}

static void
hook_cancel(struct rf_engine *e, void *arg)
{
	struct rf_reloader *r = e->reload_ctx;
	size_t i;

	for (i = 0; i < r->nwaiters; i++)
		if (r->waiters[i].arg == arg)
			r->waiters[i].done = NULL;
	for (i = 0; i < r->nnext; i++)
		if (r->next[i].arg == arg)
			r->next[i].done = NULL;
}

void
rf_reloader_init(struct rf_reloader *r, struct rf_loop *loop,
    struct rf_engine *eng)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->eng = eng;
	r->report_fd = -1;
	r->image_fd = -1;
	rf_buf_init(&r->report);
	eng->reload = hook_reload;
	eng->reload_cancel = hook_cancel;
	eng->reload_ctx = r;
}

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The socket is opened once, at start (it may need privileges the
 * process no longer has): a reload cannot move or re-own it. */
static bool
same_listen(const struct rf_listen_conf *a, const struct rf_listen_conf *b)
{
	return same_str(a->path, b->path) && a->mode == b->mode &&
	    same_str(a->owner, b->owner) && same_str(a->group, b->group) &&
	    a->max_connections == b->max_connections;
}

static void
drop_image(struct rf_reloader *r)
{
	if (r->image_fd >= 0) {
		close(r->image_fd);
		r->image_fd = -1;
	}
}

void
rf_reloader_fini(struct rf_reloader *r)
{
	if (r->child > 0) {
		kill(r->child, SIGKILL);
		waitpid(r->child, NULL, 0);
	}
	if (r->report_fd >= 0) {
		rf_loop_unwatch(r->loop, r->report_fd);
		close(r->report_fd);
	}
	drop_image(r);
	rf_buf_fini(&r->report);
	free(r->waiters);
	free(r->next);
	r->eng->reload = NULL;
	r->eng->reload_cancel = NULL;
}

/* The child: build from the files, write the image, report, exit. */
static void
child(struct rf_reloader *r, int report_fd)
{
	struct rf_options o = r->eng->opts;
	struct rf_diag diag;
	struct rf_gen *g;
	int ok = 0;
	size_t i;

	o.parse_zones = 1;
	o.image_fd = 0;
	rf_diag_init(&diag);
	g = rf_gen_build(r->eng, &o, &diag);
	if (g != NULL) {
		if (g->cfg.zone_image != NULL)
			ok = rf_zimage_write(g->zdb, g->cfg.zone_image,
			    &diag) == 0;
		else if (rf_zimage_write_fd(g->zdb, r->image_fd) < 0)
			rf_diag_add(&diag, NULL, 0, "cannot write the zone "
			    "image: %s", strerror(errno));
		else
			ok = 1;
	}
	for (i = 0; i < diag.count; i++) {
		size_t len = strlen(diag.msgs[i]);

		if (write(report_fd, diag.msgs[i], len) < 0 ||
		    write(report_fd, "\n", 1) < 0)
			break;
	}
	if (ok && g != NULL) {
		char line[128];
		int n = snprintf(line, sizeof(line), "%u zones, %u records\n",
		    (unsigned)g->zdb->nzones, (unsigned)g->zdb->nrecs);

		if (n > 0 && write(report_fd, line, (size_t)n) < 0)
			ok = 0;
	}
	/* no destructors: they belong to the parent's world (c-ares
	 * sockets, the listener) */
	_exit(ok ? 0 : 1);
}

static void
report_readable(int fd, int events, void *arg)
{
	struct rf_reloader *r = arg;
	char buf[4096];
	ssize_t n;
	int status = 0;

	(void)events;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (r->report.len < (1u << 20))
				rf_buf_add(&r->report, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break; /* EOF or error: the child is done */
	}
	rf_loop_unwatch(r->loop, fd);
	close(fd);
	r->report_fd = -1;
	/* the child closes the pipe by exiting: this wait is short */
	while (waitpid(r->child, &status, 0) < 0 && errno == EINTR)
		;
	r->child = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *text = rf_buf_cstr(&r->report);

		drop_image(r);
		finish(r, false, r->report.len > 0 ? text :
		    "the reload process failed");
		return;
	}
	{
		struct rf_options o = r->eng->opts;
		struct rf_diag diag;
		struct rf_gen *g;
		struct stat st;

		/* map what the child compiled: the memory, or (left empty)
		 * the zone-image file the new config names */
		o.parse_zones = 0;
		o.image_fd = fstat(r->image_fd, &st) == 0 && st.st_size > 0 ?
		    r->image_fd : -1;
		rf_diag_init(&diag);
		g = rf_gen_build(r->eng, &o, &diag);
		drop_image(r);
		if (g == NULL) {
			struct rf_buf b;
			size_t i;

			rf_buf_init(&b);
			for (i = 0; i < diag.count; i++)
				rf_buf_printf(&b, "%s\n", diag.msgs[i]);
			finish(r, false, rf_buf_cstr(&b));
			rf_buf_fini(&b);
		} else {
			char text[256];
			bool relisten = !same_listen(&r->eng->gen->cfg.listen,
			    &g->cfg.listen);

			rf_engine_set_gen(r->eng, g);
			snprintf(text, sizeof(text), "reloaded: %u zones, %u "
			    "records%s%s", (unsigned)g->zdb->nzones,
			    (unsigned)g->zdb->nrecs,
			    g->from_image ? "" : " (zones read in place)",
			    relisten ? "; the changed 'listen' takes effect "
			    "at the next start" : "");
			finish(r, true, text);
		}
		rf_diag_fini(&diag);
	}
}

static void
finish(struct rf_reloader *r, bool ok, const char *text)
{
	struct rf_reload_waiter *w = r->waiters;
	size_t i, n = r->nwaiters;

	if (ok) {
		rf_notice("%s", text);
	} else {
		rf_err("reload failed; the previous configuration stays in "
		    "force:");
		rf_err("%s", text);
	}
	r->waiters = NULL;
	r->nwaiters = r->cap = 0;
	rf_buf_reset(&r->report);
	for (i = 0; i < n; i++)
		if (w[i].done != NULL)
			w[i].done(w[i].arg, ok, text);
	free(w);
	if (r->again) {
		r->again = false;
		r->waiters = r->next;
		r->nwaiters = r->nnext;
		r->cap = r->next_cap;
		r->next = NULL;
		r->nnext = r->next_cap = 0;
		run(r);
	}
}

static void
run(struct rf_reloader *r)
{
	int p[2];
	pid_t pid;

	rf_buf_reset(&r->report);
	/* whether the new config names a zone-image only the child knows:
	 * it writes there, or else into this memory */
	r->image_fd = memfd_create("refract-zones", MFD_CLOEXEC);
	if (r->image_fd < 0) {
		rf_log_errno(RF_LOG_ERR, "reload: memfd_create");
		finish(r, false, "cannot create the image memory");
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		rf_log_errno(RF_LOG_ERR, "reload: pipe");
		drop_image(r);
		finish(r, false, "cannot start the reload");
		return;
	}
	pid = fork();
	if (pid < 0) {
		rf_log_errno(RF_LOG_ERR, "reload: fork");
		close(p[0]);
		close(p[1]);
		drop_image(r);
		finish(r, false, "cannot start the reload process");
		return;
	}
	if (pid == 0) {
		close(p[0]);
		child(r, p[1]);
	}
	close(p[1]);
	r->child = pid;
	r->report_fd = p[0];
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	rf_loop_watch(r->loop, p[0], RF_EV_READ, report_readable, r);
	rf_info("reloading in process %ld", (long)pid);
}

void
rf_reloader_start(struct rf_reloader *r, rf_reload_done_fn done, void *arg)
{
	if (r->child > 0) {
		/* the files may have changed after the child read them */
		r->again = true;
		if (done != NULL) {
			rf_grow(&r->next, &r->next_cap, r->nnext + 1,
			    sizeof(*r->next));
			r->next[r->nnext].done = done;
			r->next[r->nnext].arg = arg;
			r->nnext++;
		}
		return;
	}
	if (done != NULL) {
		rf_grow(&r->waiters, &r->cap, r->nwaiters + 1,
		    sizeof(*r->waiters));
		r->waiters[r->nwaiters].done = done;
		r->waiters[r->nwaiters].arg = arg;
		r->nwaiters++;
	}
	run(r);
}
