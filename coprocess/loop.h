/*
 * rf_loop: the one single-threaded event loop (poll(2)).
 *
 * File descriptors are watched for reading and/or writing with one
 * callback each; timers and deferred calls live in lib/sched.h, which the
 * loop runs; idle hooks run before every sleep (flushing output, freeing
 * closed connections).  Signals are
 * turned into loop events by a self-pipe.
 *
 * The story of one pdns question in the loop: stdin (or a socket) becomes
 * readable, the connection reads what is there and feeds it to its
 * session (lib/session.h), which answers what it can at once; the
 * connection writes the answers before the loop sleeps again.  A rule
 * that waits on upstream leaves its query pending; its completion arrives
 * later through a watched c-ares socket or a timer, and the session tells
 * the connection to write.
 */
#ifndef RF_LOOP_H
#define RF_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sched.h"

struct rf_loop;

typedef void (*rf_loop_fn)(struct rf_loop *loop, void *arg);

struct rf_loop *rf_loop_new(void);
void rf_loop_free(struct rf_loop *loop);

/**
 * Watch fd for events (RF_EV_READ | RF_EV_WRITE); replaces an earlier
 * watch of the same fd.  events == 0 keeps the callback but polls for
 * nothing.
 */
void rf_loop_watch(struct rf_loop *loop, int fd, int events, rf_io_fn cb,
    void *arg);
/** An rf_io (lib/sched.h) that watches through this loop. */
struct rf_io rf_loop_io(struct rf_loop *loop);
/** Change only the events of a watched fd. */
void rf_loop_set_events(struct rf_loop *loop, int fd, int events);
void rf_loop_unwatch(struct rf_loop *loop, int fd);

/** The scheduler (timers, deferred calls, clock) the loop runs. */
struct rf_sched *rf_loop_sched(struct rf_loop *loop);

/**
 * fd is a blocking descriptor (stdin of a pipe backend): when it is the
 * only thing to wait for, call its read callback without polling first.
 * The callback must read at most once per call.
 */
void rf_loop_set_fast_fd(struct rf_loop *loop, int fd);

/** Register a hook run before each sleep (at most 8). */
void rf_loop_on_idle(struct rf_loop *loop, rf_loop_fn cb, void *arg);

/**
 * Catch SIGTERM, SIGINT and SIGHUP and call cb with the signal number
 * from inside the loop (never from the handler).
 * @return 0, or -1 if the self-pipe could not be made.
 */
typedef void (*rf_signal_fn)(struct rf_loop *loop, int signo, void *arg);
int rf_loop_signals(struct rf_loop *loop, rf_signal_fn cb, void *arg);

/** Run until rf_loop_stop. */
void rf_loop_run(struct rf_loop *loop);
void rf_loop_stop(struct rf_loop *loop);


#endif
