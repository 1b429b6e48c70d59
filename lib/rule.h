/*
 * The rule interface: every answer source plugs in here.
 *
 * A rule is a named ops table (struct rf_rule_ops) plus the instance state
 * its init hook built from the rule's config block.  The engine keeps the
 * configured rules in order and offers each query to them in turn:
 *
 *   query(rule, q) returns
 *     RF_RULE_DONE   the answer is complete (records added with
 *                    rf_query_add; none means "no data")
 *     RF_RULE_NEXT   not this rule's question; offer it to the next one
 *     RF_RULE_ASYNC  work was started (an upstream lookup, say); the rule
 *                    calls rf_query_resume(q, rc) exactly once later with
 *                    one of the other three results, from a callback of
 *                    the event loop, never from inside query() itself
 *     < 0            a negative errno: the lookup failed (PIPE FAIL; a
 *                    remote reply pdns turns into SERVFAIL) — never the
 *                    same as "no data", which pdns would cache
 *
 *   cancel(rule, q) stops a query the rule returned RF_RULE_ASYNC for
 *     (its connection went away or the deadline passed).  After cancel the
 *     rule must not call rf_query_resume for q.  May be NULL for rules
 *     that never return RF_RULE_ASYNC.
 *
 * Per-query rule state lives in q->rule_state, allocated from q->arena.
 * Rules reach the rest of refract only through struct rf_env (zone data,
 * clock, and in later versions the resolver and cache): no globals, no
 * file descriptors of their own.
 *
 * A new rule needs: lib/rules/<name>.c with a `const struct rf_rule_ops`,
 * a line in the registry in lib/rule.c, its keys in README.md, an
 * example in examples/, a Check suite and a golden replay case.
 */
#ifndef RF_RULE_H
#define RF_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/conf.h"
#include "lib/diag.h"
#include "lib/query.h"

enum {
	RF_RULE_DONE = 0,
	RF_RULE_NEXT = 1,
	RF_RULE_ASYNC = 2,
};

struct rf_zdb;
struct rf_rule;
struct rf_cache;
struct rf_config;
struct rf_rule_conf;
struct rf_sched;
struct rf_upstream;

/** What a rule may use.  Owned by the generation the rule belongs to. */
struct rf_env {
	const struct rf_zdb *zdb;      /* zone data; never NULL (may be empty) */
	struct rf_sched *sched;        /* clock, timers, deferred calls */
	struct rf_cache *cache;        /* upstream answers (process-wide) */
	struct rf_nameset *exchangers; /* mx-smarthost memory (process-wide) */
	struct rf_upstream **upstreams;/* the configured upstream sets */
	size_t nupstreams;
	const struct rf_config *cfg;
};

/** Emitted by a rule's zones hook for getAllDomains / getDomainInfo. */
typedef void (*rf_zone_emit_fn)(void *ctx, const char *canon, size_t len,
    int32_t id, uint32_t serial);

struct rf_rule_ops {
	const char *name; /* the config keyword */
	/**
	 * Build the rule from its block (NULL when the rule is implicit).
	 * Report every config problem to diag with the node's file:line.
	 * @return 0, or -1 on error.
	 */
	int (*init)(struct rf_rule *r, const struct rf_conf_node *block,
	    struct rf_env *env, struct rf_diag *diag);
	/** Answer q.  The engine calls it only right after
	 *  rf_rule_matches(r, q) held, so q->suffix indexes this rule's
	 *  suffixes. */
	int (*query)(struct rf_rule *r, struct rf_query *q);
	void (*cancel)(struct rf_rule *r, struct rf_query *q);
	/** The lookup's deadline passed while it was RF_RULE_ASYNC: answer
	 *  from what there is (e.g. stale data) and return RF_RULE_DONE, or
	 *  return a negative errno.  Either way the rule stops waiting (as
	 *  in cancel).  May be NULL: then cancel is called and the lookup
	 *  fails. */
	int (*deadline)(struct rf_rule *r, struct rf_query *q);
	void (*free)(struct rf_rule *r);
	/** The zones pdns should believe this rule is authoritative for
	 *  (remote getAllDomains): emit each.  Never waits.  May be NULL. */
	void (*zones)(struct rf_rule *r, rf_zone_emit_fn emit, void *ctx);
};

/*
 * Filters transform what a rule's source produced, in the order the rule
 * lists them, on zone-file and forwarded data alike.  They are
 * synchronous: a filter never waits.
 */
struct rf_filter;

struct rf_filter_ops {
	const char *name; /* the config keyword inside a rule block */
	/* Answers after this filter depend on the client: they get a scope
	 * so that pdns does not cache them for everybody. */
	bool client_dependent;
	int (*init)(struct rf_filter *f, const struct rf_conf_node *node,
	    struct rf_env *env, struct rf_diag *diag);
	/** Before the source runs: may rewrite the question's canonical
	 *  name (q->canon; the owner written back stays q->qname).  May be
	 *  NULL. */
	void (*before)(struct rf_filter *f, struct rf_query *q);
	/** After the source answered (not on failure): transform q->rrs. */
	void (*after)(struct rf_filter *f, struct rf_query *q);
	void (*free)(struct rf_filter *f);
};

struct rf_filter {
	const struct rf_filter_ops *ops;
	struct rf_env *env;
	void *data;
};

struct rf_rule {
	const struct rf_rule_ops *ops;
	struct rf_env *env;  /* borrowed from the generation */
	void *data;          /* the rule's own state, freed by ops->free */
	/* what the rule matches (names, clients); NULL for the implicit zones
	 * rule, which is offered every question */
	const struct rf_rule_conf *conf;
	struct rf_filter *filters;
	size_t nfilters;
	bool client_dependent; /* a client condition or such a filter */
};

/** The filter type registered under name, or NULL. */
const struct rf_filter_ops *rf_filter_find(const char *name);
/** True for keys of a rule block that are not the source's own: the
 *  match keys and the filters.  A source skips them when checking. */
bool rf_rule_common_key(const char *key);

/**
 * Does the rule match the question?  Names by suffix or regex; the client
 * by network — the EDNS client subnet when the query came through a
 * trusted resolver, else the remote address.  A lookup without a client
 * (pdns's zone-finding and SOA lookups send 0.0.0.0) matches on the name
 * alone.  Notes in q->suffix which of the rule's suffixes matched.
 */
bool rf_rule_matches(const struct rf_rule *r, struct rf_query *q);
/**
 * The name part of rf_rule_matches alone.  q->suffix becomes the index of
 * the longest of the rule's suffixes at or above the name (-1 when the
 * rule has none or none matches), for the rule to use rather than match
 * again.
 */
bool rf_rule_matches_name(const struct rf_rule *r, struct rf_query *q);

/** The ops table registered under name, or NULL. */
const struct rf_rule_ops *rf_rule_find(const char *name);
/** The registered names, comma separated (for error messages). */
const char *rf_rule_names(void);

/**
 * Continue a query after RF_RULE_ASYNC.  rc is RF_RULE_DONE, RF_RULE_NEXT
 * or a negative errno, as the query hook would have returned.  Called by
 * rules from event-loop callbacks only.
 */
void rf_query_resume(struct rf_query *q, int rc);

/* The built-in rules and filters. */
extern const struct rf_rule_ops rf_rule_zones;
extern const struct rf_rule_ops rf_rule_forward;
extern const struct rf_rule_ops rf_rule_mx_smarthost;
extern const struct rf_filter_ops rf_filter_ttl;
extern const struct rf_filter_ops rf_filter_nat_map;

/** The zone id pdns sees for a forwarded apex: derived from the name, so
 *  that every process and every reload agree. */
int32_t rf_forward_zone_id(const char *canon, size_t len);

#endif
