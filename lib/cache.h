/*
 * rf_cache: upstream answers, kept before any rule transforms them.
 *
 * One cache per process (in --listen mode shared by every pdns
 * connection).  Keyed on (upstream set, canonical name, type).  An entry
 * lives for the answer's TTL (the smallest record TTL, or for a negative
 * answer min(SOA TTL, MINIMUM), RFC 2308 §5), capped by max-ttl; the cache
 * holds at most max_entries and evicts the least recently used.
 *
 * Identical misses are coalesced: while one upstream query for a key is in
 * flight, later askers wait for it instead of sending their own.  With
 * serve-stale (RFC 8767) an expired answer is kept for stale_ttl more
 * seconds and handed out, with TTL 30, when a refresh fails.
 */
#ifndef RF_CACHE_H
#define RF_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/answer.h"
#include "lib/resolver.h"
#include "lib/sched.h"

struct rf_cache;
struct rf_cache_wait;

struct rf_cache_conf {
	size_t max_entries;   /* default 100000 */
	uint32_t max_ttl;     /* seconds; default 86400 */
	uint32_t stale_ttl;   /* seconds an expired answer may be served
			       * when upstream fails; 0 = never */
};

struct rf_cache_stats {
	uint64_t hits, misses, coalesced, stale, evictions, failures;
	uint64_t entries;
	uint64_t merged_bytes;  /* memory held for stored (merged) answers
				 * (rf_pool_bytes) */
};

/**
 * Called once with the answer (borrowed: take a reference to keep it) and
 * its age in seconds; for a stale answer age is UINT32_MAX.
 */
typedef void (*rf_cache_cb)(void *arg, struct rf_answer *a, uint32_t age);

struct rf_cache *rf_cache_new(const struct rf_cache_conf *conf,
    struct rf_sched *sched);
/** Drop everything; resolutions still in flight are cancelled. */
void rf_cache_free(struct rf_cache *c);
void rf_cache_set_conf(struct rf_cache *c, const struct rf_cache_conf *conf);

/**
 * Look (canon, type) up for upstream u.
 * @return 1 on a hit: *hit is a new reference, *age its age in seconds;
 *         0 on a miss: the answer comes to cb later, *wait can cancel it;
 *         -1 if the upstream query could not be started.
 */
int rf_cache_get(struct rf_cache *c, struct rf_upstream *u,
    const char *canon, size_t len, uint16_t type, rf_cache_cb cb, void *arg,
    struct rf_answer **hit, uint32_t *age, struct rf_cache_wait **wait);

/** Stop waiting; cb will not be called.  The upstream query goes on and
 *  its answer is still cached. */
void rf_cache_cancel(struct rf_cache *c, struct rf_cache_wait *w);

/**
 * A cached answer without asking upstream or touching the LRU order
 * (e.g. an SOA for getAllDomains, which must never wait).
 * @return a borrowed answer or NULL.
 */
const struct rf_answer *rf_cache_peek(struct rf_cache *c,
    const char *upstream_key, const char *canon, size_t len, uint16_t type);

/**
 * An expired answer still inside its serve-stale window (RFC 8767), for a
 * lookup whose time ran out before upstream answered.
 * @return a new reference, or NULL.
 */
struct rf_answer *rf_cache_stale(struct rf_cache *c, struct rf_upstream *u,
    const char *canon, size_t len, uint16_t type);

/*
 * Answers refract puts together itself (a forwarded ANY merged from its
 * typed parts), stored under a key of the caller's choosing (a prefix of
 * at most 255 bytes, hashed once by rf_cache_prefix_init) so that the
 * next ANY costs one lookup instead of one per type.
 */
struct rf_cache_prefix {
	const char *s;        /* not copied: must outlive its use */
	size_t len;
	uint32_t hash;
};

void rf_cache_prefix_init(struct rf_cache_prefix *p, const char *s,
    size_t len);
/** A fresh stored answer (new reference, *age in seconds) or NULL. */
struct rf_answer *rf_cache_find(struct rf_cache *c,
    const struct rf_cache_prefix *prefix, const char *canon, size_t len,
    uint16_t type, uint32_t *age);
/** Store a copy of a for ttl seconds (replacing what the key held). */
void rf_cache_put(struct rf_cache *c, const struct rf_cache_prefix *prefix,
    const char *canon, size_t len, uint16_t type, const struct rf_answer *a,
    uint32_t ttl);

const struct rf_cache_stats *rf_cache_stats(struct rf_cache *c);

#endif
