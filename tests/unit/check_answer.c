/*
 * Unit tests for upstream answers (lib/answer.c): how long one may be
 * cached.
 */
#include <check.h>
#include <string.h>

#include "lib/answer.h"
#include "lib/rrtype.h"

static const char soa[] = "ns1.t. h.t. 1 3600 600 604800 3600";

static struct rf_answer *
answer(int rcode)
{
	struct rf_answer *a = rf_answer_new();

	a->rcode = (uint8_t)rcode;
	return a;
}

static void
add(struct rf_answer *a, uint8_t kind, const char *owner, uint16_t type,
    uint32_t ttl, const char *content)
{
	rf_answer_add(a, kind, owner, strlen(owner), type, ttl, content,
	    strlen(content));
}

START_TEST(ttl_positive_and_negative)
{
	struct rf_answer *a;

	/* data: the smallest record TTL */
	a = answer(0);
	add(a, RF_ARR_ANSWER, "www.t", RF_T_A, 300, "192.0.2.1");
	add(a, RF_ARR_ANSWER, "www.t", RF_T_A, 120, "192.0.2.2");
	ck_assert_uint_eq(rf_answer_ttl(a), 120);
	rf_answer_unref(a);

	/* NODATA / NXDOMAIN: RFC 2308 §5, min(SOA TTL, MINIMUM) */
	a = answer(3);
	add(a, RF_ARR_SOA, "t", RF_T_SOA, 900, soa);
	ck_assert_uint_eq(rf_answer_ttl(a), 900);
	rf_answer_unref(a);
	a = answer(0);
	add(a, RF_ARR_SOA, "t", RF_T_SOA, 7200, soa);
	ck_assert_uint_eq(rf_answer_ttl(a), 3600);
	rf_answer_unref(a);

	/* NXDOMAIN after a CNAME: the CNAME's TTL bounds it too */
	a = answer(3);
	add(a, RF_ARR_ANSWER, "cn.t", RF_T_CNAME, 2, "gone.t.");
	add(a, RF_ARR_SOA, "t", RF_T_SOA, 3600, soa);
	ck_assert_uint_eq(rf_answer_ttl(a), 2);
	rf_answer_unref(a);

	/* a negative answer without SOA is not cached */
	a = answer(3);
	ck_assert_uint_eq(rf_answer_ttl(a), 0);
	rf_answer_unref(a);
}
END_TEST

Suite *
answer_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("answer");

	tcase_add_test(tc, ttl_positive_and_negative);
	suite_add_tcase(s, tc);
	return s;
}
