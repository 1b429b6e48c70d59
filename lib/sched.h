/*
 * rf_sched: time inside refract — a clock, one-shot timers and deferred
 * calls — as pure data structures.  The event loop (coprocess/loop.c)
 * sleeps until rf_sched_timeout() and then calls rf_sched_run(); replay
 * drives the same scheduler with a clock that only moves when the
 * transcript says so, which makes TTL expiry and deadlines reproducible.
 *
 * Deferred calls run on the next turn of the loop, in the order they were
 * made.  They are how a completion that happens inside a call (c-ares may
 * answer from inside ares_send) reaches its caller later, so that no rule
 * ever sees a callback re-entrantly.
 */
#ifndef RF_SCHED_H
#define RF_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*rf_sched_fn)(void *arg);

/* Readiness events, and the callback of a watched file descriptor. */
#define RF_EV_READ  0x1
#define RF_EV_WRITE 0x2
typedef void (*rf_io_fn)(int fd, int events, void *arg);

/**
 * How lib/ asks the event loop to watch a file descriptor (c-ares'
 * sockets are the only ones lib/ has).  events 0 stops watching.
 */
struct rf_io {
	void *ctx;
	void (*watch)(void *ctx, int fd, int events, rf_io_fn cb, void *arg);
};

struct rf_timer {
	uint64_t when;   /* clock ms */
	rf_sched_fn cb;
	void *arg;
	size_t slot;     /* heap position, or (size_t)-1 when stopped */
};

struct rf_deferred {
	rf_sched_fn cb;
	void *arg;
};

struct rf_sched {
	struct rf_timer **heap;
	size_t nheap, heap_cap;
	struct rf_deferred *defer;   /* FIFO of deferred calls */
	size_t ndefer, defer_cap;
	bool manual;                 /* clock moves only by rf_sched_advance */
	uint64_t manual_now;
};

void rf_sched_init(struct rf_sched *s);
void rf_sched_fini(struct rf_sched *s);
/** Use a clock that starts at start_ms and moves only when told. */
void rf_sched_manual_clock(struct rf_sched *s, uint64_t start_ms);
/** Move a manual clock forward (timers that come due run at the next
 *  rf_sched_run). */
void rf_sched_advance(struct rf_sched *s, uint64_t ms);
/** The clock, in ms (monotonic, or the manual one). */
uint64_t rf_sched_now(const struct rf_sched *s);

void rf_timer_init(struct rf_timer *t);
/** (Re)start t to call cb(arg) once, ms from now. */
void rf_timer_start(struct rf_sched *s, struct rf_timer *t, uint64_t ms,
    rf_sched_fn cb, void *arg);
void rf_timer_stop(struct rf_sched *s, struct rf_timer *t);
static inline bool
rf_timer_active(const struct rf_timer *t)
{
	return t->slot != (size_t)-1;
}

/** Call cb(arg) on the next rf_sched_run, after earlier deferred calls. */
void rf_sched_defer(struct rf_sched *s, rf_sched_fn cb, void *arg);

/**
 * How long the loop may sleep: 0 if deferred calls wait, the ms to the
 * next timer, or -1 if there is nothing scheduled.
 */
int64_t rf_sched_timeout(const struct rf_sched *s);

/**
 * Run the deferred calls made before this call, then every timer that is
 * due.  Calls made meanwhile wait for the next run.
 * @return the number of callbacks run.
 */
size_t rf_sched_run(struct rf_sched *s);

#endif
