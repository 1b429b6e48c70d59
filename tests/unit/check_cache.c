/*
 * Unit tests for lib/cache.c over the scripted upstream (lib/resolver_fake.c)
 * and a manual clock: TTLs, negative caching (RFC 2308 §5), coalescing,
 * serve-stale (RFC 8767), eviction, cancellation; and the answers refract
 * stores itself (rf_cache_put/rf_cache_find).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/cache.h"
#include "lib/pool.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/sched.h"

static struct rf_sched sched;
static struct rf_upstream *up;
static struct rf_cache *cache;
static struct rf_cache_prefix K, J; /* keys of stored answers: "k", "j" */

struct got {
	int calls;
	int status;
	uint8_t rcode;
	size_t nrrs;
	uint32_t age;
	char content[64];
};

static void
on_answer(void *arg, struct rf_answer *a, uint32_t age)
{
	struct got *g = arg;

	g->calls++;
	g->status = a->status;
	g->rcode = a->rcode;
	g->nrrs = a->nrrs;
	g->age = age;
	if (a->nrrs > 0)
		snprintf(g->content, sizeof(g->content), "%s",
		    rf_answer_str(a, a->rrs[0].content));
}

static void
setup(void)
{
	struct rf_cache_conf c = { .max_entries = 4, .stale_ttl = 3600 };
	char err[256];

	rf_sched_init(&sched);
	rf_sched_manual_clock(&sched, 1000);
	up = rf_upstream_fake_new("up", &sched);
	cache = rf_cache_new(&c, &sched);
	rf_cache_prefix_init(&K, "k", 1);
	rf_cache_prefix_init(&J, "j", 1);
	ck_assert_int_eq(rf_fake_add(up, "example.net. 3600 SOA ns. h. 1 2 3 4 "
	    "60", err, sizeof(err)), 0);
	ck_assert_int_eq(rf_fake_add(up, "www.example.net. 300 A 192.0.2.1",
	    err, sizeof(err)), 0);
}

static void
teardown(void)
{
	rf_cache_free(cache);
	rf_upstream_unref(up);
	rf_sched_fini(&sched);
}

/* Ask; run the scheduler; return 1 for a hit (g filled from it). */
static int
ask(const char *name, uint16_t type, struct got *g)
{
	struct rf_answer *hit = NULL;
	struct rf_cache_wait *w = NULL;
	uint32_t age = 0;
	int rc;

	rc = rf_cache_get(cache, up, name, strlen(name), type, on_answer, g,
	    &hit, &age, &w);
	if (rc == 1) {
		on_answer(g, hit, age);
		rf_answer_unref(hit);
	}
	while (rf_sched_timeout(&sched) == 0)
		rf_sched_run(&sched);
	return rc;
}

START_TEST(positive_ttl)
{
	struct got g = { 0 };

	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 0);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_str_eq(g.content, "192.0.2.1");
	memset(&g, 0, sizeof(g));
	rf_sched_advance(&sched, 299000);
	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 1);
	ck_assert_uint_eq(g.age, 299);
	memset(&g, 0, sizeof(g));
	rf_sched_advance(&sched, 1000);
	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 0); /* expired */
	ck_assert_int_eq(g.calls, 1);
	ck_assert_uint_eq(up->stats.queries, 2);
}
END_TEST

START_TEST(negative_ttl)
{
	struct got g = { 0 };

	/* NXDOMAIN: min(SOA TTL 3600, MINIMUM 60) = 60 s */
	ck_assert_int_eq(ask("nope.example.net", RF_T_A, &g), 0);
	ck_assert_int_eq(g.rcode, 3);
	ck_assert_uint_eq(g.nrrs, 1); /* the authority SOA */
	rf_sched_advance(&sched, 59000);
	ck_assert_int_eq(ask("nope.example.net", RF_T_A, &g), 1);
	rf_sched_advance(&sched, 1000);
	ck_assert_int_eq(ask("nope.example.net", RF_T_A, &g), 0);
	/* NODATA is cached the same way */
	ck_assert_int_eq(ask("www.example.net", RF_T_AAAA, &g), 0);
	ck_assert_int_eq(g.rcode, 0);
	ck_assert_int_eq(ask("www.example.net", RF_T_AAAA, &g), 1);
}
END_TEST

START_TEST(coalescing)
{
	struct got a = { 0 }, b = { 0 };
	struct rf_answer *hit;
	struct rf_cache_wait *w1, *w2;
	uint32_t age;

	rf_fake_delay(up, 20);
	ck_assert_int_eq(rf_cache_get(cache, up, "www.example.net", 15,
	    RF_T_A, on_answer, &a, &hit, &age, &w1), 0);
	ck_assert_int_eq(rf_cache_get(cache, up, "www.example.net", 15,
	    RF_T_A, on_answer, &b, &hit, &age, &w2), 0);
	ck_assert_uint_eq(up->stats.queries, 1);
	ck_assert_uint_eq(rf_cache_stats(cache)->coalesced, 1);
	rf_sched_advance(&sched, 20);
	rf_sched_run(&sched);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 1);
	ck_assert_str_eq(b.content, "192.0.2.1");
}
END_TEST

START_TEST(cancel_keeps_answer)
{
	struct got a = { 0 }, b = { 0 };
	struct rf_answer *hit;
	struct rf_cache_wait *w;
	uint32_t age;

	ck_assert_int_eq(rf_cache_get(cache, up, "www.example.net", 15,
	    RF_T_A, on_answer, &a, &hit, &age, &w), 0);
	rf_cache_cancel(cache, w);
	rf_sched_run(&sched);
	ck_assert_int_eq(a.calls, 0);
	/* the upstream answer still went into the cache */
	ck_assert_int_eq(ask("www.example.net", RF_T_A, &b), 1);
}
END_TEST

START_TEST(failures_and_stale)
{
	struct got g = { 0 };

	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 0);
	rf_sched_advance(&sched, 301000);
	rf_fake_fail(up, "www.example.net", RF_T_A, "servfail");
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 0);
	ck_assert_int_eq(g.status, 0);        /* served stale */
	ck_assert_uint_eq(g.age, UINT32_MAX);
	ck_assert_str_eq(g.content, "192.0.2.1");
	ck_assert_uint_eq(rf_cache_stats(cache)->stale, 1);
	/* past the stale window the failure comes through */
	rf_sched_advance(&sched, 3600000);
	memset(&g, 0, sizeof(g));
	ask("www.example.net", RF_T_A, &g);
	ck_assert_int_eq(g.status, -EIO);
	/* a failure without an older answer is not cached */
	rf_fake_fail(up, "x.example.net", 0, "refused");
	memset(&g, 0, sizeof(g));
	ask("x.example.net", RF_T_A, &g);
	ck_assert_int_eq(g.status, -EACCES);
	ask("x.example.net", RF_T_A, &g);
	ck_assert_int_eq(g.calls, 2);
}
END_TEST

START_TEST(eviction)
{
	struct got g = { 0 };
	char name[32];
	int i;

	/* max_entries 4: the least recently used goes */
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "n%d.example.net", i);
		ask(name, RF_T_A, &g);
	}
	ck_assert_uint_le(rf_cache_stats(cache)->entries, 4);
	ck_assert_uint_ge(rf_cache_stats(cache)->evictions, 2);
	ck_assert_int_eq(ask("n5.example.net", RF_T_A, &g), 1);
	ck_assert_int_eq(ask("n0.example.net", RF_T_A, &g), 0);
}
END_TEST

START_TEST(timeout_upstream)
{
	struct got g = { 0 };

	rf_fake_fail(up, "www.example.net", RF_T_A, "timeout");
	ck_assert_int_eq(ask("www.example.net", RF_T_A, &g), 0);
	ck_assert_int_eq(g.calls, 0);          /* silence so far */
	rf_sched_advance(&sched, 5000);
	rf_sched_run(&sched);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_int_eq(g.status, -ETIMEDOUT);
}
END_TEST

/* A small answer of refract's own: n A records of one owner. */
static struct rf_answer *
own_answer(int n, const char *first)
{
	struct rf_answer *a = rf_answer_new();
	int i;

	a->fetched_ms = rf_sched_now(&sched);
	for (i = 0; i < n; i++) {
		char text[32];

		snprintf(text, sizeof(text), "%s%d", first, i);
		rf_answer_add(a, RF_ARR_ANSWER, "m.example.net", 13, RF_T_A,
		    60, text, strlen(text));
	}
	return a;
}

START_TEST(stored_answers)
{
	struct rf_answer *a = own_answer(3, "192.0.2."), *b, *held, *again;
	uint32_t age = 99;

	/* a copy is stored: the caller's answer is its own */
	rf_cache_put(cache, &K, "m.example.net", 13, RF_T_ANY, a, 60);
	rf_answer_unref(a);
	held = rf_cache_find(cache, &K, "m.example.net", 13, RF_T_ANY,
	    &age);
	ck_assert_ptr_nonnull(held);
	ck_assert_uint_eq(age, 0);
	ck_assert_uint_eq(held->nrrs, 3);
	/* kept in the cache's own pool, apart from upstream answers */
	ck_assert_ptr_nonnull(held->pool);
	ck_assert_uint_eq(rf_cache_stats(cache)->merged_bytes, RF_POOL_BLOCK);
	/* one owner, one copy of its name */
	ck_assert_uint_eq(held->rrs[0].owner, held->rrs[2].owner);
	ck_assert_str_eq(rf_answer_str(held, held->rrs[2].content),
	    "192.0.2.2");
	/* other prefix, name or type: nothing */
	ck_assert_ptr_null(rf_cache_find(cache, &J, "m.example.net", 13,
	    RF_T_ANY, &age));
	ck_assert_ptr_null(rf_cache_find(cache, &K, "n.example.net", 13,
	    RF_T_ANY, &age));
	ck_assert_ptr_null(rf_cache_find(cache, &K, "m.example.net", 13,
	    RF_T_A, &age));
	/* no clash with an upstream answer of the same name and type */
	ck_assert_ptr_null(rf_cache_peek(cache, "k", "m.example.net", 13,
	    RF_T_ANY));

	/* replaced while a reference is held: the old one stays readable
	 * (the sanitizers run this too) */
	b = own_answer(1, "198.51.100.");
	rf_cache_put(cache, &K, "m.example.net", 13, RF_T_ANY, b, 30);
	rf_answer_unref(b);
	ck_assert_str_eq(rf_answer_str(held, held->rrs[1].content),
	    "192.0.2.1");
	rf_answer_unref(held);
	again = rf_cache_find(cache, &K, "m.example.net", 13, RF_T_ANY,
	    &age);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(again->nrrs, 1);
	ck_assert_str_eq(rf_answer_str(again, again->rrs[0].content),
	    "198.51.100.0");

	/* it lives for its TTL */
	rf_sched_advance(&sched, 29000);
	rf_answer_unref(again);
	again = rf_cache_find(cache, &K, "m.example.net", 13, RF_T_ANY,
	    &age);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(age, 29);
	rf_answer_unref(again);
	rf_sched_advance(&sched, 1000);
	ck_assert_ptr_null(rf_cache_find(cache, &K, "m.example.net", 13,
	    RF_T_ANY, &age));
	/* a TTL of 0 is not stored */
	a = own_answer(1, "203.0.113.");
	rf_cache_put(cache, &K, "z.example.net", 13, RF_T_ANY, a, 0);
	rf_answer_unref(a);
	ck_assert_ptr_null(rf_cache_find(cache, &K, "z.example.net", 13,
	    RF_T_ANY, &age));
}
END_TEST

START_TEST(stored_answers_evicted)
{
	struct rf_answer *a, *held;
	uint32_t age;
	char name[32];
	int i;

	/* max_entries 4 counts them too; one held past its eviction */
	a = own_answer(2, "192.0.2.");
	rf_cache_put(cache, &K, "s0.example.net", 14, RF_T_ANY, a, 60);
	held = rf_cache_find(cache, &K, "s0.example.net", 14, RF_T_ANY,
	    &age);
	ck_assert_ptr_nonnull(held);
	for (i = 1; i < 8; i++) {
		snprintf(name, sizeof(name), "s%d.example.net", i);
		rf_cache_put(cache, &K, name, strlen(name), RF_T_ANY, a,
		    60);
	}
	rf_answer_unref(a);
	ck_assert_uint_le(rf_cache_stats(cache)->entries, 4);
	ck_assert_ptr_null(rf_cache_find(cache, &K, "s0.example.net", 14,
	    RF_T_ANY, &age));
	ck_assert_ptr_null(rf_cache_find(cache, &K, "s1.example.net", 14,
	    RF_T_ANY, &age));
	ck_assert_str_eq(rf_answer_str(held, held->rrs[1].content),
	    "192.0.2.1");
	rf_answer_unref(held);
	held = rf_cache_find(cache, &K, "s7.example.net", 14, RF_T_ANY,
	    &age);
	ck_assert_ptr_nonnull(held);
	rf_answer_unref(held);
}
END_TEST

START_TEST(stored_answer_outlives_cache)
{
	struct rf_answer *a = own_answer(2, "198.51.100."), *held;
	uint32_t age;

	rf_cache_put(cache, &K, "m.example.net", 13, RF_T_ANY, a, 60);
	rf_answer_unref(a);
	held = rf_cache_find(cache, &K, "m.example.net", 13, RF_T_ANY, &age);
	ck_assert_ptr_nonnull(held);
	/* the cache goes while a query still holds the answer: its memory
	 * (the cache's pool) stays until the last reference; ASan and LSan
	 * tell a use after free or a leak */
	rf_cache_free(cache);
	cache = NULL;
	ck_assert_str_eq(rf_answer_str(held, held->rrs[1].content),
	    "198.51.100.1");
	rf_answer_unref(held);
}
END_TEST

START_TEST(pool_classes)
{
	struct rf_pool *p = rf_pool_new();
	char *a, *b, *c, *d, *e, *big, *many[600];
	size_t i;

	a = rf_pool_alloc(p, 100);
	b = rf_pool_alloc(p, 97);
	/* carved in order from one block: neighbours, 16-byte aligned */
	ck_assert_ptr_eq(b, a + 128);
	ck_assert_uint_eq((uintptr_t)a % 16, 0);
	big = rf_pool_alloc(p, RF_POOL_MAX + 1);
	memset(big, 1, RF_POOL_MAX + 1);
	c = rf_pool_alloc(p, 128);
	ck_assert_ptr_eq(c, b + 128); /* the large one came from malloc */
	memset(a, 0, 100);
	rf_pool_free(p, a, 100);
	/* a freed object goes to the next one of its class (97..128);
	 * under ASan never again (a use after free stays visible) */
	d = rf_pool_alloc(p, 120);
	if (rf_pool_reuses()) {
		ck_assert_ptr_eq(d, a);
		e = rf_pool_alloc(p, 129);
		ck_assert_ptr_eq(e, c + 128);
	} else {
		ck_assert_ptr_eq(d, c + 128);
		e = rf_pool_alloc(p, 129);
		ck_assert_ptr_eq(e, d + 128);
	}
	ck_assert_uint_eq(rf_pool_bytes(p), RF_POOL_BLOCK + RF_POOL_MAX + 1);
	for (i = 0; i < RF_ARRAY_LEN(many); i++)
		many[i] = rf_pool_alloc(p, 128);
	ck_assert_uint_eq(rf_pool_bytes(p),
	    2 * RF_POOL_BLOCK + RF_POOL_MAX + 1);
	for (i = 0; i < RF_ARRAY_LEN(many); i++)
		rf_pool_free(p, many[i], 128);
	rf_pool_free(p, b, 97);
	rf_pool_free(p, c, 128);
	rf_pool_free(p, d, 120);
	rf_pool_free(p, big, RF_POOL_MAX + 1);
	/* blocks stay at their peak; the large object is gone */
	ck_assert_uint_eq(rf_pool_bytes(p), 2 * RF_POOL_BLOCK);
	/* released with one object left: it goes with that object (LSan
	 * reports the blocks if not) */
	rf_pool_release(p);
	rf_pool_free(p, e, 129);
}
END_TEST

Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, positive_ttl);
	tcase_add_test(tc, negative_ttl);
	tcase_add_test(tc, coalescing);
	tcase_add_test(tc, cancel_keeps_answer);
	tcase_add_test(tc, failures_and_stale);
	tcase_add_test(tc, eviction);
	tcase_add_test(tc, timeout_upstream);
	tcase_add_test(tc, stored_answers);
	tcase_add_test(tc, stored_answers_evicted);
	tcase_add_test(tc, stored_answer_outlives_cache);
	tcase_add_test(tc, pool_classes);
	suite_add_tcase(s, tc);
	return s;
}
