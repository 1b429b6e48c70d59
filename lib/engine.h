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

#include "lib/config.h"
#include "lib/diag.h"
#include "lib/query.h"
#include "lib/rule.h"

struct rf_zdb;

struct rf_gen {
	int refs;
	struct rf_config cfg;
	struct rf_zdb *zdb;
	struct rf_env env;
	struct rf_rule *rules;
	size_t nrules;
	bool from_image;      /* zdb is the mapped zone image */
};

struct rf_stats {
	uint64_t queries;      /* questions (Q / lookup) */
	uint64_t answered;     /* questions answered with at least one record */
	uint64_t empty;        /* questions answered with no records */
	uint64_t failed;       /* questions answered with a failure */
	uint64_t bad_requests; /* unparsable or unknown requests */
	uint64_t axfr;         /* zone listings */
	uint64_t commands;     /* CMD / directBackendCmd */
	uint64_t long_lines;   /* requests over the line cap */
};

struct rf_engine {
	struct rf_gen *gen;    /* current generation; never NULL once loaded */
	struct rf_stats stats;
	uint64_t started_ms;
	struct rf_options opts;/* what the current generation was built from */
};

/**
 * Build a generation from opts (config, zone files, rules).
 * @return a generation with one reference, or NULL (diag filled).
 */
struct rf_gen *rf_gen_build(const struct rf_options *opts,
    struct rf_diag *diag);
struct rf_gen *rf_gen_ref(struct rf_gen *g);
void rf_gen_unref(struct rf_gen *g);

void rf_engine_init(struct rf_engine *e);
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

/**
 * Run a backend command (PIPE CMD, remote directBackendCmd) and append its
 * text answer to out, one line per line, without a trailing newline.
 */
void rf_engine_command(struct rf_engine *e, const char *cmd, size_t len,
    struct rf_buf *out);

#endif
