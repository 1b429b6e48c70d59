/*
 * Expiring name set: a chained hash table plus an insertion-ordered list
 * for eviction when full (oldest first; expired entries go first of all).
 */
#include "lib/nameset.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct nentry {
	struct nentry *hnext;
	struct nentry *prev, *next; /* insertion order */
	uint32_t hash;
	uint64_t expires;
	size_t len;
	char key[];
};

struct rf_nameset {
	struct nentry **buckets;
	size_t nbuckets, count, max;
	struct nentry *oldest, *newest;
};

struct rf_nameset *
rf_nameset_new(size_t max_entries)
{
	struct rf_nameset *s = rf_xcalloc(1, sizeof(*s));

	s->max = max_entries ? max_entries : 100000;
	s->nbuckets = 256;
	s->buckets = rf_xcalloc(s->nbuckets, sizeof(*s->buckets));
	return s;
}

static void
unlink_entry(struct rf_nameset *s, struct nentry *e)
{
	struct nentry **pp = &s->buckets[e->hash & (s->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		s->oldest = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		s->newest = e->prev;
	s->count--;
	free(e);
}

void
rf_nameset_free(struct rf_nameset *s)
{
	if (s == NULL)
		return;
	while (s->oldest != NULL)
		unlink_entry(s, s->oldest);
	free(s->buckets);
	free(s);
}

static struct nentry *
find(const struct rf_nameset *s, const char *key, size_t len, uint32_t h)
{
	struct nentry *e = s->buckets[h & (s->nbuckets - 1)];

	for (; e != NULL; e = e->hnext)
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static void
grow(struct rf_nameset *s)
{
	size_t n = s->nbuckets * 2, i;
	struct nentry **b = rf_xcalloc(n, sizeof(*b));

	for (i = 0; i < s->nbuckets; i++) {
		struct nentry *e = s->buckets[i], *next;

		for (; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
}

void
rf_nameset_put(struct rf_nameset *s, const char *key, size_t len,
    uint64_t expires_ms)
{
	uint32_t h = rf_hash(key, len);
	struct nentry *e = find(s, key, len, h);

	if (e != NULL) {
		if (expires_ms > e->expires)
			e->expires = expires_ms;
		return;
	}
	while (s->count >= s->max && s->oldest != NULL)
		unlink_entry(s, s->oldest);
	if (s->count + 1 > s->nbuckets)
		grow(s);
	e = rf_xmalloc(sizeof(*e) + len);
	e->hash = h;
	e->expires = expires_ms;
	e->len = len;
	memcpy(e->key, key, len);
	e->hnext = s->buckets[h & (s->nbuckets - 1)];
	s->buckets[h & (s->nbuckets - 1)] = e;
	e->next = NULL;
	e->prev = s->newest;
	if (s->newest != NULL)
		s->newest->next = e;
	else
		s->oldest = e;
	s->newest = e;
	s->count++;
}

bool
rf_nameset_has(const struct rf_nameset *s, const char *key, size_t len,
    uint64_t now_ms)
{
	const struct nentry *e = find(s, key, len, rf_hash(key, len));

	return e != NULL && now_ms < e->expires;
}

size_t
rf_nameset_count(const struct rf_nameset *s)
{
	return s->count;
}
