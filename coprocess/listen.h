/*
 * The unix-socket listener: one socket, many pdns connections, each a
 * connection (conn.h) with its own session and protocol, all in the one
 * event loop.  Both `remote-connection-string=unix:path=PATH` and PIPE over
 * the socket (`pipe-command=PATH`) connect here.
 */
#ifndef RF_LISTEN_H
#define RF_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "coprocess/conn.h"
#include "coprocess/loop.h"
#include "lib/config.h"
#include "lib/engine.h"

struct rf_listener {
	struct rf_loop *loop;
	struct rf_engine *eng;
	int fd;
	char *path;             /* owned; unlinked on close */
	size_t max_conns;
	struct rf_conn **conns; /* live connections */
	size_t nconns, conns_cap;
	struct rf_conn **dead;  /* closed, freed before the next sleep */
	size_t ndead, dead_cap;
	bool paused;            /* accepting stopped (EMFILE) */
	struct rf_timer resume;
	unsigned long accepted, refused;
};

/**
 * Create the socket described by conf and start accepting.  A stale
 * socket file (nobody answers on it) is replaced; a live one, or a path
 * that is not a socket, is an error.
 * @return 0, or -1 with the reason logged.
 */
int rf_listener_open(struct rf_listener *l, struct rf_loop *loop,
    struct rf_engine *eng, const struct rf_listen_conf *conf);
/** Close every connection and the socket, and remove the socket file. */
void rf_listener_close(struct rf_listener *l);

#endif
