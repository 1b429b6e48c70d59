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
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/name.h"
#include "lib/pool.h"
#include "lib/util.h"

struct rf_cache_wait {
	struct rf_cache_wait *next;
	rf_cache_cb cb;
	void *arg;
	bool cancelled;
};

struct centry {
	/* what a hit reads: the first cache line, the key in it or right
	 * after */
	struct centry *hnext;
	uint32_t hash;
	uint32_t keylen;
	struct rf_answer *ans;          /* NULL until the first answer */
	uint64_t expires;               /* ms */
	struct centry *lprev, *lnext;   /* LRU: head = most recent */
	uint16_t type;
	bool referenced;                /* hit since it last left the head */
	bool busy;                      /* handing out an answer */
	bool in_answer;                 /* refract's own (rf_cache_put),
					 * allocated in front of ans and freed
					 * with it; else an upstream answer's,
					 * with a struct cextra after the key */
	char key[];                     /* upstream name \0 canon \0 type */
};

/* What only an upstream answer's entry needs. */
struct cextra {
	uint64_t stale_until;           /* ms */
	struct rf_upstream *up;         /* while pending: a reference */
	void *req;                      /* while pending */
	struct rf_cache_wait *waiters;
	struct rf_cache *cache;
};

static size_t
extra_offset(size_t keylen)
{
	size_t align = _Alignof(struct cextra);

	return (offsetof(struct centry, key) + keylen + align - 1) &
	    ~(align - 1);
}

static struct cextra *
X(const struct centry *e)
{
	return (struct cextra *)(void *)((char *)(uintptr_t)e +
	    extra_offset(e->keylen));
}

/* An upstream query in flight for it. */
static bool
pending(const struct centry *e)
{
	return !e->in_answer && X(e)->req != NULL;
}

/* A chained hash table, kept at most half full. */
struct ctable {
	struct centry **b;
	size_t n;                       /* buckets, a power of two */
	size_t count;
};

struct rf_cache {
	struct rf_cache_conf conf;
	struct rf_sched *sched;
	struct ctable answers;          /* upstream answers */
	struct ctable own;              /* refract's (rf_cache_put): apart,
					 * so that their lookups never walk
					 * through upstream entries */
	struct rf_pool *own_mem;        /* and their memory: close together,
					 * not among the upstream answers */
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
	c->answers.n = 1024;
	c->answers.b = rf_xcalloc(c->answers.n, sizeof(*c->answers.b));
	c->own.n = 64;
	c->own.b = rf_xcalloc(c->own.n, sizeof(*c->own.b));
	c->own_mem = rf_pool_new();
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
	struct ctable *t = e->in_answer ? &c->own : &c->answers;
	struct centry **pp = &t->b[e->hash & (t->n - 1)];
	struct rf_cache_wait *w, *next;

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	t->count--;
	lru_unlink(c, e);
	c->stats.entries--;
	if (e->in_answer) {
		rf_answer_unref(e->ans); /* and e with it, unless held */
		return;
	}
	if (X(e)->req != NULL)
		rf_upstream_cancel(X(e)->up, X(e)->req);
	rf_upstream_unref(X(e)->up);
	for (w = X(e)->waiters; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	rf_answer_unref(e->ans);
	free(e);
}

void
rf_cache_free(struct rf_cache *c)
{
	if (c == NULL)
		return;
	while (c->lru_tail != NULL)
		entry_free(c, c->lru_tail);
	free(c->answers.b);
	free(c->own.b);
	rf_pool_release(c->own_mem); /* gone with the last answer held */
	free(c);
}

static void
grow(struct ctable *t)
{
	size_t n = t->n * 2, i;
	struct centry **b = rf_xcalloc(n, sizeof(*b));

	for (i = 0; i < t->n; i++) {
		struct centry *e = t->b[i], *next;

		for (; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(t->b);
	t->b = b;
	t->n = n;
}

/*
 * A key: upstream name (or a caller's prefix), canonical name, type.  An
 * entry stores it as prefix, NUL, name, NUL, type (2 bytes); a lookup
 * hashes and compares the parts where they are, without copying them
 * together first.
 */
struct ckey {
	const char *up;
	size_t ulen;
	const char *canon;
	size_t len;
	uint16_t type;
	uint32_t hash;
};

static void
key_init_hashed(struct ckey *k, const char *up, size_t ulen,
    uint32_t uhash, const char *canon, size_t len, uint16_t type)
{
	uint64_t h;

	k->up = up;
	k->ulen = ulen;
	k->canon = canon;
	k->len = len;
	k->type = type;
	h = ((uint64_t)rf_hash_fast(canon, len) << 32 | uhash) ^ type;
	h *= 0x9e3779b97f4a7c15ULL;
	k->hash = (uint32_t)(h >> 32);
}

static void
key_init(struct ckey *k, const char *up, size_t ulen, const char *canon,
    size_t len, uint16_t type)
{
	key_init_hashed(k, up, ulen, rf_hash_fast(up, ulen), canon, len,
	    type);
}

void
rf_cache_prefix_init(struct rf_cache_prefix *p, const char *s, size_t len)
{
	p->s = s;
	p->len = len;
	p->hash = rf_hash_fast(s, len);
}

static size_t
key_size(const struct ckey *k)
{
	return k->ulen + k->len + 4;
}

static void
key_write(char *out, const struct ckey *k)
{
	memcpy(out, k->up, k->ulen);
	out[k->ulen] = '\0';
	memcpy(out + k->ulen + 1, k->canon, k->len);
	out[k->ulen + 1 + k->len] = '\0';
	out[k->ulen + 2 + k->len] = (char)(k->type >> 8);
	out[k->ulen + 3 + k->len] = (char)(k->type & 0xff);
}

static struct centry *
lookup(const struct ctable *t, const struct ckey *k)
{
	struct centry *e = t->b[k->hash & (t->n - 1)];
	size_t size = key_size(k), i;

	for (; e != NULL; e = e->hnext) {
		const char *x = e->key;

		if (e->hash != k->hash || e->keylen != size)
			continue;
		/* prefixes are short: no call for them */
		for (i = 0; i < k->ulen && x[i] == k->up[i]; i++)
			;
		if (i == k->ulen && x[k->ulen] == '\0' &&
		    memcmp(x + k->ulen + 1, k->canon, k->len) == 0 &&
		    (uint8_t)x[size - 2] == k->type >> 8 &&
		    (uint8_t)x[size - 1] == (k->type & 0xff))
			return e;
	}
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
		} else if (!pending(e) && !e->busy) {
			entry_free(c, e);
			c->stats.evictions++;
		}
		e = prev;
	}
}

/* Fill in a zeroed entry and link it in. */
static void
init_entry(struct rf_cache *c, struct centry *e, const struct ckey *k)
{
	struct ctable *t = e->in_answer ? &c->own : &c->answers;

	e->hash = k->hash;
	e->type = k->type;
	key_write(e->key, k);
	e->keylen = (uint32_t)key_size(k);
	if (!e->in_answer)
		X(e)->cache = c;
	e->hnext = t->b[k->hash & (t->n - 1)];
	t->b[k->hash & (t->n - 1)] = e;
	t->count++;
	c->stats.entries++;
	lru_front(c, e);
}

static struct centry *
new_entry(struct rf_cache *c, const struct ckey *k)
{
	struct centry *e;

	evict(c);
	if (2 * (c->answers.count + 1) > c->answers.n)
		grow(&c->answers);
	e = rf_xcalloc(1, extra_offset(key_size(k)) + sizeof(struct cextra));
	init_entry(c, e, k);
	return e;
}

static void
on_resolved(void *arg, struct rf_answer *ans)
{
	struct centry *e = arg;
	struct cextra *x = X(e);
	struct rf_cache *c = x->cache;
	struct rf_cache_wait *w, *list = x->waiters;
	uint64_t now = rf_sched_now(c->sched);
	struct rf_answer *give = ans;
	uint32_t age = 0;

	x->req = NULL;
	x->waiters = NULL;
	rf_upstream_unref(x->up);
	x->up = NULL;
	if (ans->status == 0) {
		uint32_t ttl = RF_MIN(rf_answer_ttl(ans), c->conf.max_ttl);

		rf_answer_unref(e->ans);
		/* kept compact: the cache holds many answers for long */
		e->ans = rf_answer_pack(ans);
		give = e->ans;
		e->expires = now + (uint64_t)ttl * 1000;
		x->stale_until = e->expires +
		    (uint64_t)c->conf.stale_ttl * 1000;
	} else {
		c->stats.failures++;
		if (e->ans != NULL && c->conf.stale_ttl > 0 &&
		    now < x->stale_until) {
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
	if (e->ans == NULL && x->req == NULL)
		entry_free(c, e);
}

int
rf_cache_get(struct rf_cache *c, struct rf_upstream *u, const char *canon,
    size_t len, uint16_t type, rf_cache_cb cb, void *arg,
    struct rf_answer **hit, uint32_t *age, struct rf_cache_wait **wait)
{
	struct ckey k;
	uint64_t now = rf_sched_now(c->sched);
	struct centry *e;
	struct rf_cache_wait *w;
	size_t ulen = strlen(u->key);

	if (ulen > 255 || len > RF_NAME_TEXT_MAX)
		return -1;
	key_init(&k, u->key, ulen, canon, len, type);
	e = lookup(&c->answers, &k);
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
	if (e != NULL && X(e)->req != NULL) {
		c->stats.coalesced++;
		w->next = X(e)->waiters;
		X(e)->waiters = w;
		*wait = w;
		return 0;
	}
	c->stats.misses++;
	if (e == NULL)
		e = new_entry(c, &k);
	else
		e->referenced = true;
	X(e)->up = rf_upstream_ref(u);
	X(e)->waiters = w;
	X(e)->req = rf_upstream_send(u, canon, len, type, on_resolved, e);
	if (X(e)->req == NULL) {
		X(e)->waiters = NULL;
		free(w);
		rf_upstream_unref(X(e)->up);
		X(e)->up = NULL;
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
	struct ckey k;
	struct centry *e;

	if (strlen(upstream) > 255 || len > RF_NAME_TEXT_MAX)
		return NULL;
	key_init(&k, upstream, strlen(upstream), canon, len, type);
	e = lookup(&c->answers, &k);
	return e != NULL ? e->ans : NULL;
}

struct rf_answer *
rf_cache_stale(struct rf_cache *c, struct rf_upstream *u, const char *canon,
    size_t len, uint16_t type)
{
	struct ckey k;
	struct centry *e;
	uint64_t now = rf_sched_now(c->sched);

	if (c->conf.stale_ttl == 0 || strlen(u->key) > 255 ||
	    len > RF_NAME_TEXT_MAX)
		return NULL;
	key_init(&k, u->key, strlen(u->key), canon, len, type);
	e = lookup(&c->answers, &k);
	if (e == NULL || e->ans == NULL || now >= X(e)->stale_until)
		return NULL;
	c->stats.stale++;
	return rf_answer_ref(e->ans);
}

struct rf_answer *
rf_cache_find(struct rf_cache *c, const struct rf_cache_prefix *prefix,
    const char *canon, size_t len, uint16_t type, uint32_t *age)
{
	struct ckey k;
	struct centry *e;
	uint64_t now = rf_sched_now(c->sched);

	if (prefix->len > 255 || len > RF_NAME_TEXT_MAX)
		return NULL;
	key_init_hashed(&k, prefix->s, prefix->len, prefix->hash, canon, len,
	    type);
	e = lookup(&c->own, &k);
	if (e == NULL || e->ans == NULL || now >= e->expires)
		return NULL;
	c->stats.hits++;
	if (!e->referenced)
		e->referenced = true;
	*age = (uint32_t)((now - e->ans->fetched_ms) / 1000);
	return rf_answer_ref(e->ans);
}

void
rf_cache_put(struct rf_cache *c, const struct rf_cache_prefix *prefix,
    const char *canon, size_t len, uint16_t type, const struct rf_answer *a,
    uint32_t ttl)
{
	struct ckey k;
	struct centry *e;
	void *head;
	struct rf_answer *p;
	uint64_t now = rf_sched_now(c->sched);

	if (prefix->len > 255 || len > RF_NAME_TEXT_MAX || ttl == 0)
		return;
	key_init_hashed(&k, prefix->s, prefix->len, prefix->hash, canon, len,
	    type);
	/* refract's own entries are never pending nor busy: replace */
	e = lookup(&c->own, &k);
	if (e != NULL)
		entry_free(c, e);
	evict(c);
	if (2 * (c->own.count + 1) > c->own.n)
		grow(&c->own);
	/* entry, key and answer in one block: a hit reads one run of
	 * memory instead of two places */
	p = rf_answer_pack_after(a, offsetof(struct centry, key) +
	    key_size(&k), &head, c->own_mem);
	e = head;
	memset(e, 0, sizeof(*e));
	e->in_answer = true;
	e->ans = p;
	init_entry(c, e, &k);
	e->expires = now + (uint64_t)RF_MIN(ttl, c->conf.max_ttl) * 1000;
}

const struct rf_cache_stats *
rf_cache_stats(struct rf_cache *c)
{
	c->stats.merged_bytes = rf_pool_bytes(c->own_mem);
	return &c->stats;
}
