/*
 * Reloading without stalling: the config and zone files are read in a
 * child process, which compiles the zones into an image (the configured
 * zone-image, else an anonymous memory file) and exits; the parent keeps
 * serving meanwhile and, when the child is done, maps the image, rebuilds
 * the rules and swaps the new generation in.  Queries in flight finish on
 * the generation they started with.  A broken config or zone is reported
 * (log, and the `reload` command's answer) and the old generation stays.
 */
#ifndef RF_RELOAD_H
#define RF_RELOAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "coprocess/loop.h"
#include "lib/buf.h"
#include "lib/engine.h"

struct rf_reload_waiter {
	rf_reload_done_fn done;
	void *arg;
};

struct rf_reloader {
	struct rf_loop *loop;
	struct rf_engine *eng;
	pid_t child;          /* 0 when idle */
	int report_fd;        /* the child's diagnostics; -1 when idle */
	int image_fd;         /* the anonymous image; -1 when none */
	struct rf_buf report;
	struct rf_reload_waiter *waiters; /* for the running reload */
	size_t nwaiters, cap;
	struct rf_reload_waiter *next;    /* for the one after it */
	size_t nnext, next_cap;
	bool again;           /* asked again while running: run once more
			       * (the files may have changed after the child
			       * read them) */
};

/** Set up r for eng and install the engine's reload hooks. */
void rf_reloader_init(struct rf_reloader *r, struct rf_loop *loop,
    struct rf_engine *eng);
void rf_reloader_fini(struct rf_reloader *r);
/** Start a reload (or join the one running).  done may be NULL. */
void rf_reloader_start(struct rf_reloader *r, rf_reload_done_fn done,
    void *arg);

#endif
