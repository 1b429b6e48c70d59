/*
 * rf_engine: what every connection shares — the current configuration
 * generation (config, zone data, rules) and the counters.
 *
 * A generation is reference counted: each query holds the generation it
 * started on, so a reload can swap in a new one while lookups in flight
 * finish on the old.
 */
#ifndef RF_ENGINE_H
#define RF_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/cache.h"
#include "lib/config.h"
#include "lib/diag.h"
#include "lib/query.h"
#include "lib/resolver.h"
#include "lib/rule.h"
#include "lib/sched.h"

struct rf_zdb;

struct rf_gen {
	int refs;
	struct rf_config cfg;
	struct rf_zdb *zdb;
	struct rf_env env;
	struct rf_rule *rules;
	size_t nrules;
	struct rf_upstream **upstreams; /* references */
	size_t nupstreams;
	bool from_image;      /* zdb is the mapped zone image */
	bool needs_client;    /* some rule looks at the client */
};

/* Deadline of a PIPE lookup when the config sets none: pdns waits 2000 ms
 * (pipe-timeout) for each answer line and then kills the coprocess. */
#define RF_DEADLINE_PIPE_MS 1500

struct rf_stats {
	uint64_t queries;      /* questions (Q / lookup) */
	uint64_t answered;     /* questions answered with at least one record */
	uint64_t empty;        /* questions answered with no records */
	uint64_t failed;       /* questions answered with a failure */
	uint64_t bad_requests; /* unparsable or unknown requests */
	uint64_t axfr;         /* zone listings */
	uint64_t commands;     /* CMD / directBackendCmd */
	uint64_t long_lines;   /* requests over the line cap */
	uint64_t deadlines;    /* lookups failed because time ran out */
};

/** Called when a requested reload is over; text says how it went. */
typedef void (*rf_reload_done_fn)(void *arg, bool ok, const char *text);

struct rf_engine {
	struct rf_gen *gen;    /* current generation; never NULL once loaded */
	struct rf_stats stats;
	uint64_t started_ms;
	struct rf_options opts;/* what the current generation was built from */
	struct rf_sched *sched;/* borrowed: the loop's, or replay's */
	struct rf_io io;       /* how c-ares sockets are watched */
	bool fake_upstreams;   /* replay: scripted upstreams, no network */
	struct rf_cache *cache;/* owned; kept across reloads */
	struct rf_nameset *exchangers; /* owned; kept across reloads */
	/* Reload on request (the `reload` backend command), provided by the
	 * driver, which owns processes; NULL where there is none (replay).
	 * done is called once, later; reload_cancel forgets a request. */
	int (*reload)(struct rf_engine *e, rf_reload_done_fn done, void *arg);
	void (*reload_cancel)(struct rf_engine *e, void *arg);
	void *reload_ctx;
};

/**
 * Build a generation from opts (config, zone files, upstreams, rules) for
 * the engine e (its scheduler, I/O and cache).
 * @return a generation with one reference, or NULL (diag filled).
 */
struct rf_gen *rf_gen_build(struct rf_engine *e,
    const struct rf_options *opts, struct rf_diag *diag);
struct rf_gen *rf_gen_ref(struct rf_gen *g);
void rf_gen_unref(struct rf_gen *g);

/** io may be NULL when no live upstream will be used (check, compile). */
void rf_engine_init(struct rf_engine *e, struct rf_sched *sched,
    const struct rf_io *io);
void rf_engine_fini(struct rf_engine *e);
/** Make g (its reference is taken over) the current generation. */
void rf_engine_set_gen(struct rf_engine *e, struct rf_gen *g);

/**
 * Run a query through the rules of the current generation.  q->done is
 * called when the answer is complete — possibly before this returns.
 */
void rf_engine_query(struct rf_engine *e, struct rf_query *q);
/** Stop a query that is still running (its requester went away).  Its
 *  done hook is not called. */
void rf_engine_cancel(struct rf_query *q);

/** The deadline for a lookup: the configured one, else 3/4 of the timeout
 *  pdns announced (timeout_ms; 0 = none announced, PIPE). */
uint32_t rf_engine_deadline(const struct rf_engine *e, long timeout_ms);

/** Call emit for every zone pdns should list (getAllDomains): zone files
 *  and the finite forwarded suffixes. */
void rf_engine_zones(struct rf_engine *e, rf_zone_emit_fn emit, void *ctx);

/**
 * Run a backend command (PIPE CMD, remote directBackendCmd) and append its
 * text answer to out, one line per line, without a trailing newline.
 */
void rf_engine_command(struct rf_engine *e, const char *cmd, size_t len,
    struct rf_buf *out);

#endif
