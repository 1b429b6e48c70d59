/*
 * Connection I/O: read, feed the session, write back.
 *
 * Output is written right after the input that produced it, so a lock-step
 * pdns conversation costs one poll, one read and one write per request;
 * only a peer that stops reading makes us wait for POLLOUT.  When more
 * than RF_CONN_OUT_CAP bytes are waiting, reading pauses until the peer
 * catches up, so a client that never reads cannot grow our memory.
 */
#include "coprocess/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/log.h"

static void conn_io(int fd, int events, void *arg);

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
update_watch(struct rf_conn *c)
{
	bool want_write = rf_buf_pending(&c->out) > 0;
	bool want_read = !c->eof && rf_buf_pending(&c->out) < RF_CONN_OUT_CAP &&
	    !rf_session_holding(&c->session);

	c->reading = want_read;
	if (c->rfd == c->wfd) {
		rf_loop_set_events(c->loop, c->rfd,
		    (want_read ? RF_EV_READ : 0) |
		    (want_write ? RF_EV_WRITE : 0));
	} else {
		rf_loop_set_events(c->loop, c->rfd,
		    want_read ? RF_EV_READ : 0);
		rf_loop_set_events(c->loop, c->wfd,
		    want_write ? RF_EV_WRITE : 0);
	}
}

static void
conn_close(struct rf_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	rf_loop_unwatch(c->loop, c->rfd);
	if (c->wfd != c->rfd)
		rf_loop_unwatch(c->loop, c->wfd);
	if (c->closed != NULL)
		c->closed(c, c->closed_arg);
}

static void
session_notify(void *arg)
{
	rf_conn_flush(arg);
}

struct rf_conn *
rf_conn_new(struct rf_loop *loop, struct rf_engine *eng, int rfd, int wfd,
    bool stdio, rf_conn_closed_fn closed, void *arg)
{
	struct rf_conn *c = rf_xcalloc(1, sizeof(*c));

	c->loop = loop;
	c->rfd = rfd;
	c->wfd = wfd;
	c->stdio = stdio;
	c->closed = closed;
	c->closed_arg = arg;
	rf_buf_init(&c->out);
	rf_session_init(&c->session, eng, &c->out);
	c->session.notify = session_notify;
	c->session.notify_arg = c;
	c->session.out_cap = RF_CONN_OUT_CAP;
	set_nonblock(rfd);
	set_nonblock(wfd);
	rf_loop_watch(loop, rfd, RF_EV_READ, conn_io, c);
	if (wfd != rfd)
		rf_loop_watch(loop, wfd, 0, conn_io, c);
	c->reading = true;
	return c;
}

void
rf_conn_blocking_read(struct rf_conn *c)
{
	int fl = fcntl(c->rfd, F_GETFL);

	if (fl >= 0 && fcntl(c->rfd, F_SETFL, fl & ~O_NONBLOCK) == 0)
		c->blocking_read = true;
}

void
rf_conn_free(struct rf_conn *c)
{
	if (c == NULL)
		return;
	if (!c->dead) {
		rf_loop_unwatch(c->loop, c->rfd);
		if (c->wfd != c->rfd)
			rf_loop_unwatch(c->loop, c->wfd);
	}
	rf_session_fini(&c->session);
	rf_buf_fini(&c->out);
	if (!c->stdio) {
		close(c->rfd);
		if (c->wfd != c->rfd)
			close(c->wfd);
	}
	free(c);
}

void
rf_conn_flush(struct rf_conn *c)
{
again:
	while (!c->dead && rf_buf_pending(&c->out) > 0) {
		ssize_t n = write(c->wfd, rf_buf_head(&c->out),
		    rf_buf_pending(&c->out));

		if (n > 0) {
			rf_buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* EPIPE and friends: the peer is gone */
		if (errno != EPIPE)
			rf_log_errno(RF_LOG_WARNING, "write");
		rf_buf_reset(&c->out);
		conn_close(c);
		return;
	}
	if (c->dead)
		return;
	/* the peer took its answers: take the requests held back */
	if (rf_session_holding(&c->session) &&
	    rf_buf_pending(&c->out) < RF_CONN_OUT_CAP) {
		size_t before = rf_buf_pending(&c->out);

		rf_session_resume(&c->session);
		if (rf_buf_pending(&c->out) > before)
			goto again;
	}
	if (c->eof && rf_buf_pending(&c->out) == 0 &&
	    !rf_session_holding(&c->session) &&
	    rf_session_waiting(&c->session) == 0) {
		conn_close(c);
		return;
	}
	update_watch(c);
}

static void
conn_read(struct rf_conn *c)
{
	char buf[65536];
	int rounds = 0;

	/* A few reads per wakeup, so one busy peer cannot starve others. */
	while (c->reading && !c->eof && rounds++ < 4) {
		ssize_t n = read(c->rfd, buf, sizeof(buf));

		if (n > 0) {
			rf_session_feed(&c->session, buf, (size_t)n);
			if (rf_buf_pending(&c->out) >= RF_CONN_OUT_CAP)
				break;
			/* a blocking fd would block on a second read while the
			 * answer to the first is not written yet */
			if ((size_t)n < sizeof(buf) || c->blocking_read)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR && c->blocking_read)
			break; /* a signal: let the loop see it */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno != ECONNRESET)
			rf_log_errno(RF_LOG_WARNING, "read");
		c->eof = true;
	}
	rf_conn_flush(c);
}

static void
conn_io(int fd, int events, void *arg)
{
	struct rf_conn *c = arg;

	if ((events & RF_EV_WRITE) && fd == c->wfd)
		rf_conn_flush(c);
	if (!c->dead && (events & RF_EV_READ) && fd == c->rfd)
		conn_read(c);
}
