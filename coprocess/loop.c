/*
 * poll(2) event loop running the scheduler of lib/sched.h, idle hooks
 * and a signal self-pipe, in the spirit of Redis' ae.c.
 *
 * The pollfd array is rebuilt only when the set of watches changed, so a
 * busy connection costs one poll, one read and one write per request.
 */
#include "coprocess/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

struct watch {
	rf_io_fn cb;
	void *arg;
	int events;
	bool used;
};

struct idle {
	rf_loop_fn cb;
	void *arg;
};

struct rf_loop {
	struct watch *watches; /* indexed by fd */
	size_t nwatches;
	struct pollfd *pfds;
	size_t npfds, pfds_cap;
	bool dirty;
	struct rf_sched sched;
	struct idle idle[8];
	size_t nidle;
	bool stop;
	int fast_fd;       /* see rf_loop_set_fast_fd; -1: none */
	int sig_pipe[2];
	rf_signal_fn sig_cb;
	void *sig_arg;
};

static int sig_write_fd = -1;
static volatile sig_atomic_t sig_seen;

struct rf_loop *
rf_loop_new(void)
{
	struct rf_loop *loop = rf_xcalloc(1, sizeof(*loop));

	loop->sig_pipe[0] = loop->sig_pipe[1] = -1;
	loop->fast_fd = -1;
	rf_sched_init(&loop->sched);
	return loop;
}

void
rf_loop_free(struct rf_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sig_pipe[0] >= 0) {
		close(loop->sig_pipe[0]);
		close(loop->sig_pipe[1]);
		sig_write_fd = -1;
	}
	free(loop->watches);
	free(loop->pfds);
	rf_sched_fini(&loop->sched);
	free(loop);
}

void
rf_loop_watch(struct rf_loop *loop, int fd, int events, rf_io_fn cb,
    void *arg)
{
	RF_REQUIRE(fd >= 0);
	if ((size_t)fd >= loop->nwatches) {
		size_t n = (size_t)fd + 16;

		loop->watches = rf_xreallocarray(loop->watches, n,
		    sizeof(*loop->watches));
		memset(loop->watches + loop->nwatches, 0,
		    (n - loop->nwatches) * sizeof(*loop->watches));
		loop->nwatches = n;
	}
	loop->watches[fd].cb = cb;
	loop->watches[fd].arg = arg;
	loop->watches[fd].events = events;
	loop->watches[fd].used = true;
	loop->dirty = true;
}

static void
io_watch(void *ctx, int fd, int events, rf_io_fn cb, void *arg)
{
	if (events == 0)
		rf_loop_unwatch(ctx, fd);
	else
		rf_loop_watch(ctx, fd, events, cb, arg);
}

struct rf_io
rf_loop_io(struct rf_loop *loop)
{
	struct rf_io io = { loop, io_watch };

	return io;
}

void
rf_loop_set_events(struct rf_loop *loop, int fd, int events)
{
	if (fd < 0 || (size_t)fd >= loop->nwatches || !loop->watches[fd].used)
		return;
	if (loop->watches[fd].events != events) {
		loop->watches[fd].events = events;
		loop->dirty = true;
	}
}

void
rf_loop_unwatch(struct rf_loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nwatches)
		return;
	memset(&loop->watches[fd], 0, sizeof(loop->watches[fd]));
	loop->dirty = true;
}

struct rf_sched *
rf_loop_sched(struct rf_loop *loop)
{
	return &loop->sched;
}

void
rf_loop_on_idle(struct rf_loop *loop, rf_loop_fn cb, void *arg)
{
	RF_REQUIRE(loop->nidle < RF_ARRAY_LEN(loop->idle));
	loop->idle[loop->nidle].cb = cb;
	loop->idle[loop->nidle].arg = arg;
	loop->nidle++;
}

/* ---- signals -------------------------------------------------------------- */

static void
on_signal(int signo)
{
	unsigned char b = (unsigned char)signo;
	int saved = errno;

	sig_seen = 1;
	if (sig_write_fd >= 0 && write(sig_write_fd, &b, 1) < 0) {
		/* the pipe is full: the signal is already pending */
	}
	errno = saved;
}

static void
sig_readable(int fd, int events, void *arg)
{
	struct rf_loop *loop = arg;
	unsigned char b[64];
	ssize_t n, i;

	(void)events;
	sig_seen = 0;
	while ((n = read(fd, b, sizeof(b))) > 0)
		for (i = 0; i < n; i++)
			loop->sig_cb(loop, b[i], loop->sig_arg);
}

int
rf_loop_signals(struct rf_loop *loop, rf_signal_fn cb, void *arg)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (pipe(loop->sig_pipe) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(loop->sig_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(loop->sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	sig_write_fd = loop->sig_pipe[1];
	loop->sig_cb = cb;
	loop->sig_arg = arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocking read on the fast path (see
	 * rf_loop_set_fast_fd) must return EINTR so the loop sees it */
	sa.sa_flags = 0;
	for (i = 0; i < RF_ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	rf_loop_watch(loop, loop->sig_pipe[0], RF_EV_READ, sig_readable, loop);
	return 0;
}

/* ---- running ------------------------------------------------------------- */

static void
rebuild(struct rf_loop *loop)
{
	size_t fd;

	loop->npfds = 0;
	for (fd = 0; fd < loop->nwatches; fd++) {
		const struct watch *w = &loop->watches[fd];
		struct pollfd *p;

		if (!w->used || w->events == 0)
			continue;
		rf_grow(&loop->pfds, &loop->pfds_cap, loop->npfds + 1,
		    sizeof(*loop->pfds));
		p = &loop->pfds[loop->npfds++];
		p->fd = (int)fd;
		p->events = (short)(((w->events & RF_EV_READ) ? POLLIN : 0) |
		    ((w->events & RF_EV_WRITE) ? POLLOUT : 0));
		p->revents = 0;
	}
	loop->dirty = false;
}

void
rf_loop_set_fast_fd(struct rf_loop *loop, int fd)
{
	loop->fast_fd = fd;
}

/*
 * The fast path: when the only thing the loop waits for is one blocking
 * descriptor (a pipe backend's stdin between two questions: nothing to
 * write, nothing scheduled, no other socket), its callback is called
 * directly and blocks in read(2), instead of a poll(2) first.  That is
 * one system call less for each of the 4+ round trips of a pdns query.
 * A signal interrupts the read (no SA_RESTART) and the next turn polls.
 */
static bool
fast_path(struct rf_loop *loop)
{
	const struct watch *w;
	size_t i;

	if (loop->fast_fd < 0 || sig_seen ||
	    rf_sched_timeout(&loop->sched) >= 0 ||
	    (size_t)loop->fast_fd >= loop->nwatches)
		return false;
	w = &loop->watches[loop->fast_fd];
	if (!w->used || w->events != RF_EV_READ)
		return false;
	for (i = 0; i < loop->npfds; i++)
		if (loop->pfds[i].fd != loop->fast_fd &&
		    loop->pfds[i].fd != loop->sig_pipe[0])
			return false;
	w->cb(loop->fast_fd, RF_EV_READ, w->arg);
	return true;
}

void
rf_loop_run(struct rf_loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		int timeout, n;
		int64_t t;
		size_t i, count;

		/* deferred completions and due timers, then the hooks that
		 * write what they produced */
		rf_sched_run(&loop->sched);
		for (i = 0; i < loop->nidle; i++)
			loop->idle[i].cb(loop, loop->idle[i].arg);
		if (loop->stop)
			break;
		if (loop->dirty)
			rebuild(loop);
		if (fast_path(loop))
			continue;
		t = rf_sched_timeout(&loop->sched);
		timeout = t < 0 ? -1 : (int)RF_MIN(t, 60000);
		n = poll(loop->pfds, (nfds_t)loop->npfds, timeout);
		if (n < 0) {
			if (errno != EINTR)
				rf_log_errno(RF_LOG_ERR, "poll");
			continue;
		}
		count = loop->npfds;
		for (i = 0; i < count && n > 0; i++) {
			struct pollfd *p = &loop->pfds[i];
			struct watch *w;
			int ev = 0;

			if (p->revents == 0)
				continue;
			n--;
			if (p->revents & (POLLIN | POLLHUP | POLLERR))
				ev |= RF_EV_READ;
			if (p->revents & (POLLOUT | POLLERR | POLLHUP))
				ev |= RF_EV_WRITE;
			if (p->revents & POLLNVAL)
				ev |= RF_EV_READ | RF_EV_WRITE;
			/* a callback may have unwatched this fd */
			if ((size_t)p->fd >= loop->nwatches)
				continue;
			w = &loop->watches[p->fd];
			ev &= w->events;
			if (!w->used || ev == 0)
				continue;
			w->cb(p->fd, ev, w->arg);
			if (loop->stop)
				break;
		}
	}
}

void
rf_loop_stop(struct rf_loop *loop)
{
	loop->stop = true;
}
