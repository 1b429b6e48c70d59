/*
 * Unit tests for lib/cache.c over the scripted upstream (lib/resolver_fake.c)
 * and a manual clock: TTLs, negative caching (RFC 2308 §5), coalescing,
 * serve-stale (RFC 8767), eviction, cancellation.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/cache.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/sched.h"

static struct rf_sched sched;
static struct rf_upstream *up;
static struct rf_cache *cache;

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
	suite_add_tcase(s, tc);
	return s;
}
