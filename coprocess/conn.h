/*
 * A connection: a pair of file descriptors (stdin/stdout, or one socket
 * for both) carrying one pdns conversation, with its input handed to a
 * session (lib/session.h) and its output buffered until the peer takes it.
 */
#ifndef RF_CONN_H
#define RF_CONN_H

#include <stdbool.h>

#include "coprocess/loop.h"
#include "lib/buf.h"
#include "lib/session.h"

/* Stop reading from a peer that does not read its answers past this. */
#define RF_CONN_OUT_CAP (8u << 20)

struct rf_conn;

typedef void (*rf_conn_closed_fn)(struct rf_conn *c, void *arg);

struct rf_conn {
	struct rf_loop *loop;
	int rfd, wfd;          /* equal for a socket */
	bool stdio;            /* never closed by refract; EOF ends the run */
	bool eof;              /* the peer closed its side */
	bool dead;             /* closed; to be freed */
	bool reading;          /* input watched */
	bool blocking_read;    /* rfd is blocking: one read per wakeup */
	struct rf_session session;
	struct rf_buf out;
	rf_conn_closed_fn closed;
	void *closed_arg;
};

/**
 * Make a connection over rfd/wfd (set non-blocking here) and start
 * reading.  closed is called once when the conversation is over (peer EOF
 * with everything written, or an I/O error).
 */
struct rf_conn *rf_conn_new(struct rf_loop *loop, struct rf_engine *eng,
    int rfd, int wfd, bool stdio, rf_conn_closed_fn closed, void *arg);
/** Leave rfd blocking and read it once per wakeup (the loop's fast path,
 *  rf_loop_set_fast_fd).  For a pipe backend's stdin. */
void rf_conn_blocking_read(struct rf_conn *c);
/** Close the fds (not stdio's) and free. */
void rf_conn_free(struct rf_conn *c);
/** Write what can be written now; used after input and by idle hooks. */
void rf_conn_flush(struct rf_conn *c);

#endif
