/*
 * Unit tests for lib/sched.c: timer order, stop/restart, deferred calls
 * and the manual clock replay uses.
 */
#include <check.h>
#include <string.h>

#include "lib/sched.h"

static char trace[64];

static void
mark(void *arg)
{
	size_t n = strlen(trace);

	trace[n] = *(const char *)arg;
	trace[n + 1] = '\0';
}

static struct rf_sched *defer_target;
static char c1[] = "1", c2[] = "2", c3[] = "3", cz[] = "z";

static void
mark_and_defer(void *arg)
{
	mark(arg);
	rf_sched_defer(defer_target, mark, cz);
}

START_TEST(timers_in_order)
{
	struct rf_sched s;
	struct rf_timer t[5];
	static char names[] = "abcde";
	static const uint64_t ms[] = { 50, 9, 30, 10, 40 };
	size_t i;

	trace[0] = '\0';
	rf_sched_init(&s);
	rf_sched_manual_clock(&s, 1000);
	for (i = 0; i < 5; i++) {
		rf_timer_init(&t[i]);
		rf_timer_start(&s, &t[i], ms[i], mark, &names[i]);
	}
	ck_assert_int_eq(rf_sched_timeout(&s), 9);
	rf_timer_stop(&s, &t[2]);          /* c never fires */
	rf_timer_start(&s, &t[0], 5, mark, &names[0]); /* a first */
	ck_assert(!rf_timer_active(&t[2]));
	ck_assert_uint_eq(rf_sched_run(&s), 0);
	rf_sched_advance(&s, 10);
	ck_assert_uint_eq(rf_sched_run(&s), 3);
	ck_assert_str_eq(trace + 0, "abd");
	rf_sched_advance(&s, 100);
	rf_sched_run(&s);
	ck_assert_str_eq(trace, "abde");
	ck_assert_int_eq(rf_sched_timeout(&s), -1);
	rf_sched_fini(&s);
}
END_TEST

START_TEST(deferred_calls)
{
	struct rf_sched s;

	trace[0] = '\0';
	rf_sched_init(&s);
	defer_target = &s;
	rf_sched_defer(&s, mark, c1);
	rf_sched_defer(&s, mark_and_defer, c2);
	rf_sched_defer(&s, mark, c3);
	ck_assert_int_eq(rf_sched_timeout(&s), 0);
	/* a call deferred during a run waits for the next run */
	ck_assert_uint_eq(rf_sched_run(&s), 3);
	ck_assert_str_eq(trace, "123");
	ck_assert_int_eq(rf_sched_timeout(&s), 0);
	ck_assert_uint_eq(rf_sched_run(&s), 1);
	ck_assert_str_eq(trace, "123z");
	ck_assert_int_eq(rf_sched_timeout(&s), -1);
	rf_sched_fini(&s);
}
END_TEST

START_TEST(many_timers)
{
	struct rf_sched s;
	static struct rf_timer t[1000];
	static char c = 'x';
	size_t i;

	trace[0] = '\0';
	rf_sched_init(&s);
	rf_sched_manual_clock(&s, 0);
	for (i = 0; i < 1000; i++) {
		rf_timer_init(&t[i]);
		rf_timer_start(&s, &t[i], (i * 7919) % 1000 + 1, mark, &c);
	}
	for (i = 0; i < 1000; i += 2)
		rf_timer_stop(&s, &t[i]);
	for (i = 1; i <= 1000; i++) {
		int64_t to = rf_sched_timeout(&s);

		ck_assert_int_ge(to, 0);
		rf_sched_advance(&s, 1);
		rf_sched_run(&s);
		trace[0] = '\0';
	}
	for (i = 0; i < 1000; i++)
		ck_assert(!rf_timer_active(&t[i]));
	ck_assert_int_eq(rf_sched_timeout(&s), -1);
	rf_sched_fini(&s);
}
END_TEST

Suite *
sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("sched");

	tcase_add_test(tc, timers_in_order);
	tcase_add_test(tc, deferred_calls);
	tcase_add_test(tc, many_timers);
	suite_add_tcase(s, tc);
	return s;
}
