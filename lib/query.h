/*
 * rf_query: one question from pdns on its way through the rules.
 *
 * The story of a query:
 *
 *  1. A protocol parser (proto_pipe.c, later proto_remote.c) reads a
 *     request line and fills in the question: the name as pdns sent it,
 *     its canonical form, the type, the zone id and the client addresses.
 *  2. The engine (engine.c) walks the configured rules in order and calls
 *     each rule's query hook (rule.h).  A rule answers now (RF_RULE_DONE,
 *     records added with rf_query_add), passes (RF_RULE_NEXT), fails (a
 *     negative errno), or starts work and returns RF_RULE_ASYNC; then it
 *     calls rf_query_resume() exactly once later, from a callback, while
 *     the event loop serves other connections.
 *  3. When the query is complete, the engine calls q->done.  The session
 *     that owns the query renders the answer in its protocol and writes
 *     it out in request order.
 *
 * Everything a query owns lives in its arena and is freed with it.
 */
#ifndef RF_QUERY_H
#define RF_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/name.h"
#include "lib/net.h"
#include "lib/sched.h"

struct rf_engine;
struct rf_gen;
struct rf_query;

/** One answer record.  Pointers are borrowed: from the zone data of the
 *  query's generation or from the query's arena. */
struct rf_rr {
	const char *name;    /* owner without trailing dot; "" = root */
	const char *content; /* pdns content form (MX/SRV priority first) */
	uint32_t name_len;
	uint32_t content_len;
	uint32_t ttl;
	int32_t zone_id;
	uint16_t type;
	uint8_t auth;        /* 1 = authoritative */
	uint8_t scope;       /* ECS scope bits (0 = answer valid for all) */
};

typedef void (*rf_query_done_fn)(struct rf_query *q);

struct rf_query {
	/* --- the question (set by the protocol parser) --- */
	const char *qname;    /* as sent by pdns, without trailing dot */
	size_t qname_len;
	char canon[RF_NAME_TEXT_MAX + 1]; /* canonical form of qname */
	size_t canon_len;
	uint16_t qtype;       /* RF_T_ANY for ANY */
	int32_t zone_id;      /* -1 when pdns does not know the zone */
	int32_t asked_zone_id;/* as pdns sent it (a filter may change zone_id) */
	const char *remote;   /* client address text, "" if none */
	const char *local;    /* address the query arrived on, "" if none */
	const char *real_remote; /* ECS subnet or remote/32, "" if none */
	struct rf_addr client;   /* who asked, for client matching */
	bool has_client;         /* false for pdns's client-less lookups */
	uint8_t client_bits;     /* prefix the client is known by (ECS) */
	bool client_dependent;   /* a rule chose by client: answers carry
				  * a scope so pdns does not cache them */
	bool rewritten;          /* a filter changed canon (restored when
				  * the rule passes the question on) */
	bool stale;              /* some records are expired cache data
				  * (serve-stale, TTL 30 per RFC 8767):
				  * filters must not raise their TTLs */
	int suffix;              /* the rule now offered it: its longest
				  * suffix matching canon (before any
				  * rewrite), -1 for none
				  * (rf_rule_matches_name) */
	uint32_t deadline_ms;    /* 0: none */

	/* --- the answer --- */
	struct rf_rr *rrs;
	size_t nrrs, rrs_cap;
	int rc;               /* 0, or a negative errno: answer is a failure */

	/* --- plumbing --- */
	struct rf_gen *gen;   /* config generation the query runs on (a
	                       * reference, dropped by rf_query_free) */
	int proto;            /* enum rf_proto of the requester */
	int abi;              /* PIPE ABI the answer is rendered for */
	struct rf_buf reply;  /* rendered answer waiting for earlier ones */
	size_t rule;          /* index of the rule now handling the query */
	void *rule_state;     /* that rule's per-query state (in the arena) */
	bool async;           /* a rule is working on it in the background */
	bool reload;          /* a `reload` command waiting for its end */
	struct rf_timer deadline; /* running while async */
	struct rf_engine *eng;
	bool complete;
	rf_query_done_fn done;
	void *owner;          /* the session that issued it */
	struct rf_query *next;/* the owner's FIFO */
	struct rf_answer *held[4]; /* answers rrs point into (references) */
	size_t nheld;
	struct rf_arena arena;
};

/** A new query with an empty question; free with rf_query_free. */
struct rf_query *rf_query_new(void);
void rf_query_free(struct rf_query *q);

/**
 * Set the name: keeps a copy of (name, len) as sent (one trailing dot
 * dropped) and its canonical form.
 * @return 0, or -1 if the name is not a valid domain name.
 */
int rf_query_set_name(struct rf_query *q, const char *name, size_t len);

/** Append a record to the answer (the struct is copied; its pointers
 *  must stay valid as long as the query). */
void rf_query_add(struct rf_query *q, const struct rf_rr *rr);

/**
 * Keep a reference to an upstream answer until the query is freed, so
 * that records can point into it instead of being copied.
 * @return false if the query holds too many already (copy instead).
 */
struct rf_answer;
bool rf_query_hold(struct rf_query *q, struct rf_answer *a);

/** Copy (s, len) into the query's arena. */
char *rf_query_strdup(struct rf_query *q, const char *s, size_t len);

#endif
