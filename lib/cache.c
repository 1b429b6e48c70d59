/*
 * The answer cache: a chained hash table with an intrusive LRU list.
 *
 * An entry is in one of three states: fresh (an answer within its TTL),
 * expired (an answer kept for serve-stale, or about to be replaced), or
 * pending (an upstream query in flight, with the list of waiters).  A
 * pending entry is never evicted.
 */
#include "lib/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/name.h"
#include "lib/util.h"

struct rf_cache_wait {
	struct rf_cache_wait *next;
	rf_cache_cb cb;
	void *arg;
	bool cancelled;
};

struct centry {
	/* what a lookup reads first, together in the first cache line */
	struct centry *hnext;
	uint32_t hash;
	uint32_t keylen;
	struct rf_answer *ans;          /* NULL until the first answer */
	uint64_t expires;               /* ms */
	uint16_t type;
	bool referenced;                /* hit since it last left the head */
	bool busy;                      /* handing out an answer */
	/* the rest */
	uint64_t stale_until;           /* ms */
	struct centry *lprev, *lnext;   /* LRU: head = most recent */
	struct rf_upstream *up;         /* while pending: a reference */
	void *req;                      /* while pending */
	struct rf_cache_wait *waiters;
	struct rf_cache *cache;
	char key[];                     /* upstream name \0 canon \0 type */
};

struct rf_cache {
	struct rf_cache_conf conf;
	struct rf_sched *sched;
	struct centry **buckets;
	size_t nbuckets;
	struct centry *lru_head, *lru_tail;
	struct rf_cache_stats stats;
};

static void
apply_defaults(struct rf_cache_conf *c)
{
	if (c->max_entries == 0)
		c->max_entries = 100000;
	if (c->max_ttl == 0)
		c->max_ttl = 86400;
}

struct rf_cache *
rf_cache_new(const struct rf_cache_conf *conf, struct rf_sched *sched)
{
	struct rf_cache *c = rf_xcalloc(1, sizeof(*c));

	c->conf = *conf;
	apply_defaults(&c->conf);
	c->sched = sched;
	c->nbuckets = 1024;
	c->buckets = rf_xcalloc(c->nbuckets, sizeof(*c->buckets));
	return c;
}

void
rf_cache_set_conf(struct rf_cache *c, const struct rf_cache_conf *conf)
{
	c->conf = *conf;
	apply_defaults(&c->conf);
}

static void
lru_unlink(struct rf_cache *c, struct centry *e)
{
	if (e->lprev != NULL)
		e->lprev->lnext = e->lnext;
	else
		c->lru_head = e->lnext;
	if (e->lnext != NULL)
		e->lnext->lprev = e->lprev;
	else
		c->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void
lru_front(struct rf_cache *c, struct centry *e)
{
	if (c->lru_head == e)
		return;
	if (e->lprev != NULL || e->lnext != NULL || c->lru_tail == e)
		lru_unlink(c, e);
	e->lnext = c->lru_head;
	if (c->lru_head != NULL)
		c->lru_head->lprev = e;
	c->lru_head = e;
	if (c->lru_tail == NULL)
		c->lru_tail = e;
}

static void
entry_free(struct rf_cache *c, struct centry *e)
{
	struct centry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
	struct rf_cache_wait *w, *next;

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	if (e->req != NULL)
		rf_upstream_cancel(e->up, e->req);
	rf_upstream_unref(e->up);
	for (w = e->waiters; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	rf_answer_unref(e->ans);
	free(e);
	c->stats.entries--;
}

void
rf_cache_free(struct rf_cache *c)
{
	if (c == NULL)
		return;
	while (c->lru_tail != NULL)
		entry_free(c, c->lru_tail);
	free(c->buckets);
	free(c);
}

static void
grow(struct rf_cache *c)
{
	size_t n = c->nbuckets * 2, i;
	struct centry **b = rf_xcalloc(n, sizeof(*b));

	for (i = 0; i < c->nbuckets; i++) {
		struct centry *e = c->buckets[i], *next;

		for (; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

/* The key: upstream name, NUL, canonical name, NUL, type (2 bytes). */
static size_t
make_key_len(char *out, const char *up, size_t ulen, const char *canon,
    size_t len, uint16_t type)
{
	memcpy(out, up, ulen);
	out[ulen] = '\0';
	memcpy(out + ulen + 1, canon, len);
	out[ulen + 1 + len] = '\0';
	out[ulen + 2 + len] = (char)(type >> 8);
	out[ulen + 3 + len] = (char)(type & 0xff);
	return ulen + 4 + len;
}

static size_t
make_key(char *out, const char *up, const char *canon, size_t len,
    uint16_t type)
{
	return make_key_len(out, up, strlen(up), canon, len, type);
}

static struct centry *
lookup(struct rf_cache *c, const char *key, size_t keylen, uint32_t h)
{
	struct centry *e = c->buckets[h & (c->nbuckets - 1)];

	for (; e != NULL; e = e->hnext)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

/*
 * Make room: drop the least recently used entries that are not pending.
 * A hit only marks its entry (no list surgery on the hot path); here a
 * marked entry gets a second chance at the head instead (CLOCK).
 */
static void
evict(struct rf_cache *c)
{
	struct centry *e = c->lru_tail;
	size_t chances = c->stats.entries;

	while (c->stats.entries >= c->conf.max_entries && e != NULL) {
		struct centry *prev = e->lprev;

		if (e->referenced && chances > 0) {
			chances--;
			e->referenced = false;
			lru_front(c, e);
		} else if (e->req == NULL && !e->busy) {
			entry_free(c, e);
			c->stats.evictions++;
		}
		e = prev;
	}
}

static struct centry *
new_entry(struct rf_cache *c, const char *key, size_t keylen, uint32_t h,
    uint16_t type)
{
	struct centry *e;

	evict(c);
	if (2 * (c->stats.entries + 1) > c->nbuckets)
		grow(c);
	e = rf_xcalloc(1, sizeof(*e) + keylen);
	e->cache = c;
	e->hash = h;
	e->type = type;
	memcpy(e->key, key, keylen);
	e->keylen = (uint32_t)keylen;
	e->hnext = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	c->stats.entries++;
	lru_front(c, e);
	return e;
}

static void
on_resolved(void *arg, struct rf_answer *ans)
{
	struct centry *e = arg;
	struct rf_cache *c = e->cache;
	struct rf_cache_wait *w, *list = e->waiters;
	uint64_t now = rf_sched_now(c->sched);
	struct rf_answer *give = ans;
	uint32_t age = 0;

	e->req = NULL;
	e->waiters = NULL;
	rf_upstream_unref(e->up);
	e->up = NULL;
	if (ans->status == 0) {
		uint32_t ttl = RF_MIN(rf_answer_ttl(ans), c->conf.max_ttl);

		rf_answer_unref(e->ans);
		/* kept compact: the cache holds many answers for long */
		e->ans = rf_answer_pack(ans);
		give = e->ans;
		e->expires = now + (uint64_t)ttl * 1000;
		e->stale_until = e->expires +
		    (uint64_t)c->conf.stale_ttl * 1000;
	} else {
		c->stats.failures++;
		if (e->ans != NULL && c->conf.stale_ttl > 0 &&
		    now < e->stale_until) {
			/* RFC 8767: better an old answer than none */
			give = e->ans;
			age = UINT32_MAX;
			c->stats.stale++;
		}
	}
	rf_answer_ref(give);
	/* a waiter may ask the cache again: keep e from being evicted */
	e->busy = true;
	for (w = list; w != NULL; w = w->next)
		if (!w->cancelled)
			w->cb(w->arg, give, age);
	e->busy = false;
	rf_answer_unref(give);
	while (list != NULL) {
		w = list->next;
		free(list);
		list = w;
	}
	rf_answer_unref(ans);
	/* a failure without a stale answer leaves nothing worth keeping */
	if (e->ans == NULL && e->req == NULL)
		entry_free(c, e);
}

int
rf_cache_get(struct rf_cache *c, struct rf_upstream *u, const char *canon,
    size_t len, uint16_t type, rf_cache_cb cb, void *arg,
    struct rf_answer **hit, uint32_t *age, struct rf_cache_wait **wait)
{
	char key[RF_NAME_TEXT_MAX + 300];
	size_t keylen;
	uint32_t h;
	uint64_t now = rf_sched_now(c->sched);
	struct centry *e;
	struct rf_cache_wait *w;

	if (strlen(u->name) > 255 || len > RF_NAME_TEXT_MAX)
		return -1;
	keylen = make_key(key, u->name, canon, len, type);
	h = rf_hash_fast(key, keylen);
	e = lookup(c, key, keylen, h);
	if (e != NULL && e->ans != NULL && now < e->expires) {
		c->stats.hits++;
		e->referenced = true;
		*hit = rf_answer_ref(e->ans);
		*age = (uint32_t)((now - e->ans->fetched_ms) / 1000);
		return 1;
	}
	w = rf_xcalloc(1, sizeof(*w));
	w->cb = cb;
	w->arg = arg;
	if (e != NULL && e->req != NULL) {
		c->stats.coalesced++;
		w->next = e->waiters;
		e->waiters = w;
		*wait = w;
		return 0;
	}
	c->stats.misses++;
	if (e == NULL)
		e = new_entry(c, key, keylen, h, type);
	else
		e->referenced = true;
	e->up = rf_upstream_ref(u);
	e->waiters = w;
	e->req = rf_upstream_send(u, canon, len, type, on_resolved, e);
	if (e->req == NULL) {
		e->waiters = NULL;
		free(w);
		rf_upstream_unref(e->up);
		e->up = NULL;
		if (e->ans == NULL)
			entry_free(c, e);
		return -1;
	}
	*wait = w;
	return 0;
}

void
rf_cache_cancel(struct rf_cache *c, struct rf_cache_wait *w)
{
	(void)c;
	/* freed with the entry's waiter list when the answer arrives */
	w->cancelled = true;
}

const struct rf_answer *
rf_cache_peek(struct rf_cache *c, const char *upstream, const char *canon,
    size_t len, uint16_t type)
{
	char key[RF_NAME_TEXT_MAX + 300];
	size_t keylen;
	struct centry *e;

	if (strlen(upstream) > 255 || len > RF_NAME_TEXT_MAX)
		return NULL;
	keylen = make_key(key, upstream, canon, len, type);
	e = lookup(c, key, keylen, rf_hash_fast(key, keylen));
	return e != NULL ? e->ans : NULL;
}

struct rf_answer *
rf_cache_stale(struct rf_cache *c, struct rf_upstream *u, const char *canon,
    size_t len, uint16_t type)
{
	char key[RF_NAME_TEXT_MAX + 300];
	size_t keylen;
	struct centry *e;
	uint64_t now = rf_sched_now(c->sched);

	if (c->conf.stale_ttl == 0 || strlen(u->name) > 255 ||
	    len > RF_NAME_TEXT_MAX)
		return NULL;
	keylen = make_key(key, u->name, canon, len, type);
	e = lookup(c, key, keylen, rf_hash_fast(key, keylen));
	if (e == NULL || e->ans == NULL || now >= e->stale_until)
		return NULL;
	c->stats.stale++;
	return rf_answer_ref(e->ans);
}

struct rf_answer *
rf_cache_find(struct rf_cache *c, const char *prefix, size_t prefix_len,
    const char *canon, size_t len, uint16_t type, uint32_t *age)
{
	char key[RF_NAME_TEXT_MAX + 300];
	size_t keylen;
	struct centry *e;
	uint64_t now = rf_sched_now(c->sched);

	if (prefix_len > 255 || len > RF_NAME_TEXT_MAX)
		return NULL;
	keylen = make_key_len(key, prefix, prefix_len, canon, len, type);
	e = lookup(c, key, keylen, rf_hash_fast(key, keylen));
	if (e == NULL || e->ans == NULL || now >= e->expires)
		return NULL;
	c->stats.hits++;
	e->referenced = true;
	*age = (uint32_t)((now - e->ans->fetched_ms) / 1000);
	return rf_answer_ref(e->ans);
}

void
rf_cache_put(struct rf_cache *c, const char *prefix, size_t prefix_len,
    const char *canon, size_t len, uint16_t type, struct rf_answer *a,
    uint32_t ttl)
{
	char key[RF_NAME_TEXT_MAX + 300];
	size_t keylen;
	uint32_t h;
	struct centry *e;
	uint64_t now = rf_sched_now(c->sched);

	if (prefix_len > 255 || len > RF_NAME_TEXT_MAX || ttl == 0)
		return;
	keylen = make_key_len(key, prefix, prefix_len, canon, len, type);
	h = rf_hash_fast(key, keylen);
	e = lookup(c, key, keylen, h);
	if (e == NULL)
		e = new_entry(c, key, keylen, h, type);
	else if (e->req != NULL)
		return;
	else
		e->referenced = true;
	rf_answer_unref(e->ans);
	e->ans = rf_answer_ref(a);
	e->expires = now + (uint64_t)RF_MIN(ttl, c->conf.max_ttl) * 1000;
	e->stale_until = e->expires;
}

const struct rf_cache_stats *
rf_cache_stats(const struct rf_cache *c)
{
	return &c->stats;
}
