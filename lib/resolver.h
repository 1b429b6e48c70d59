/*
 * Upstream resolution: an upstream set (servers, timeout, tries) behind a
 * small ops table, so that the real one (c-ares, resolver_ares.c) and the
 * scripted one replay uses (resolver_fake.c) are interchangeable.
 *
 * Contract, for every implementation:
 *   - send() either fails at once (returns NULL; the callback is never
 *     called) or calls the callback exactly once later, from the event
 *     loop — never from inside send() itself;
 *   - after cancel() the callback is not called for that request;
 *   - the answer handed to the callback is a reference the callback owns;
 *   - an upstream is reference counted: requests in flight keep it alive
 *     after the configuration that made it is gone.
 */
#ifndef RF_RESOLVER_H
#define RF_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/answer.h"
#include "lib/conf.h"
#include "lib/diag.h"
#include "lib/sched.h"

struct rf_upstream;

typedef void (*rf_resolve_cb)(void *arg, struct rf_answer *a);

struct rf_upstream_ops {
	const char *kind;
	void *(*send)(struct rf_upstream *u, const char *canon, size_t len,
	    uint16_t type, rf_resolve_cb cb, void *arg);
	void (*cancel)(struct rf_upstream *u, void *req);
	void (*free)(struct rf_upstream *u);
};

struct rf_upstream_stats {
	uint64_t queries;     /* sent upstream */
	uint64_t answers;     /* NOERROR or NXDOMAIN answers */
	uint64_t timeouts;
	uint64_t failures;    /* everything else: SERVFAIL, REFUSED, bad */
	uint64_t latency_ms;  /* sum over answers */
	uint64_t latency_max_ms;
};

/* What an upstream block says (config.c fills it). */
struct rf_upstream_conf {
	char *name;
	char **servers;       /* "addr", "addr:port", "[v6]:port" */
	size_t nservers;      /* 0: the system's resolv.conf */
	unsigned long timeout_ms;
	int tries;
	bool recursion;       /* RD bit */
	const char *file;
	unsigned line;
};

struct rf_upstream {
	const struct rf_upstream_ops *ops;
	int refs;
	char *name;
	char *key;         /* what its answers are cached under: the name
			    * and a hash of the servers and RD, so that a
			    * reload that changes them starts afresh */
	struct rf_sched *sched;
	struct rf_upstream_stats stats;
	void *data;
};

struct rf_upstream *rf_upstream_ref(struct rf_upstream *u);
/** The cache key of an upstream configured as c (malloc'd). */
char *rf_upstream_key(const struct rf_upstream_conf *c);
void rf_upstream_unref(struct rf_upstream *u);

/** Start resolving (canon, type); see the contract above. */
void *rf_upstream_send(struct rf_upstream *u, const char *canon, size_t len,
    uint16_t type, rf_resolve_cb cb, void *arg);
void rf_upstream_cancel(struct rf_upstream *u, void *req);

/**
 * A c-ares upstream.  The servers are set from conf (or resolv.conf);
 * sockets are watched through io, timeouts run on sched.
 * @return the upstream, or NULL with the reason in diag.
 */
struct rf_upstream *rf_upstream_ares_new(const struct rf_upstream_conf *c,
    struct rf_sched *sched, const struct rf_io *io, struct rf_diag *diag);

/**
 * A scripted upstream for replay and tests: answers from data added with
 * rf_fake_*; delivered through sched after its delay.
 */
struct rf_upstream *rf_upstream_fake_new(const char *name,
    struct rf_sched *sched);
/** Add a record (zone-file syntax after the owner: "300 A 192.0.2.1"). */
int rf_fake_add(struct rf_upstream *u, const char *line, char *err,
    size_t errlen);
/** Make (canon, type) fail: "servfail", "refused", "timeout" (no
 *  answer at all) or "garbage" (a malformed answer). type 0 = any. */
int rf_fake_fail(struct rf_upstream *u, const char *canon, uint16_t type,
    const char *how);
/** Answer after ms of the sched clock (default 0: next loop turn). */
void rf_fake_delay(struct rf_upstream *u, uint64_t ms);
/** Forget all data and failures. */
void rf_fake_clear(struct rf_upstream *u);

#endif
