/*
 * Unit tests for the PIPE protocol (lib/proto_pipe.c) and the session
 * that frames and orders it (lib/session.c), over zone data built in
 * memory.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/engine.h"
#include "lib/proto_pipe.h"
#include "lib/rrtype.h"
#include "lib/session.h"
#include "lib/zone.h"

static enum rf_pipe_kind
parse(const char *line, int abi, struct rf_pipe_req *r)
{
	return rf_pipe_parse(line, strlen(line), abi, r);
}

static int
slice_is(struct rf_slice s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

START_TEST(parse_helo)
{
	struct rf_pipe_req r;

	ck_assert_int_eq(parse("HELO\t3", 5, &r), RF_PIPE_HELO);
	ck_assert_int_eq(r.abi, 3);
	ck_assert_int_eq(parse("HELO\t9", 5, &r), RF_PIPE_HELO);
	ck_assert_int_eq(r.abi, 5);
	/* pdns sends any integer; below 2 it speaks ABI 1 */
	ck_assert_int_eq(parse("HELO\t0", 5, &r), RF_PIPE_HELO);
	ck_assert_int_eq(r.abi, 1);
	ck_assert_int_eq(parse("HELO\t-3", 5, &r), RF_PIPE_HELO);
	ck_assert_int_eq(r.abi, 1);
	ck_assert_int_eq(parse("HELO", 5, &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("HELO\tx", 5, &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("HELO\t5\r", 1, &r), RF_PIPE_HELO);
}
END_TEST

START_TEST(parse_q_per_abi)
{
	struct rf_pipe_req r;

	ck_assert_int_eq(parse("Q\ta.b\tIN\tANY\t1\t10.0.0.1", 1, &r),
	    RF_PIPE_Q);
	ck_assert(slice_is(r.qname, "a.b"));
	ck_assert(slice_is(r.remote, "10.0.0.1"));
	ck_assert_uint_eq(r.local.len, 0);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tANY\t1\t10.0.0.1", 2, &r),
	    RF_PIPE_BAD);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tANY\t-1\t10.0.0.1\t10.0.0.2", 2,
	    &r), RF_PIPE_Q);
	ck_assert_int_eq(r.zone_id, -1);
	ck_assert(slice_is(r.local, "10.0.0.2"));
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\t7\t1.1.1.1\t2.2.2.2\t"
	    "1.1.1.0/24", 3, &r), RF_PIPE_Q);
	ck_assert(slice_is(r.qtype, "SOA"));
	ck_assert(slice_is(r.real_remote, "1.1.1.0/24"));
	ck_assert_int_eq(r.zone_id, 7);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\t7\t1.1.1.1\t2.2.2.2", 5, &r),
	    RF_PIPE_BAD);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\tx\t1.1.1.1\t2.2.2.2\t1/0", 5,
	    &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\t-2\t1.1.1.1\t2.2.2.2\t1/0", 5,
	    &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\t2147483648\t1\t2\t1/0", 5,
	    &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("Q\t\tIN\tSOA\t1\t1\t2\t3", 5, &r),
	    RF_PIPE_BAD);
}
END_TEST

START_TEST(parse_axfr_cmd)
{
	struct rf_pipe_req r;

	ck_assert_int_eq(parse("AXFR\t3", 1, &r), RF_PIPE_AXFR);
	ck_assert_int_eq(r.zone_id, 3);
	ck_assert_uint_eq(r.zone.len, 0);
	ck_assert_int_eq(parse("AXFR\t3\texample.com", 4, &r), RF_PIPE_AXFR);
	ck_assert(slice_is(r.zone, "example.com"));
	ck_assert_int_eq(parse("AXFR", 4, &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("CMD\thello\tworld", 5, &r), RF_PIPE_CMD);
	ck_assert(slice_is(r.text, "hello\tworld"));
	ck_assert_int_eq(parse("CMD\t", 5, &r), RF_PIPE_CMD);
	ck_assert_uint_eq(r.text.len, 0);
	ck_assert_int_eq(parse("CMD\tstats", 4, &r), RF_PIPE_BAD);
	ck_assert(r.cmd);
	/* the text is verbatim, however many TABs and empty fields */
	ck_assert_int_eq(parse("CMD\ta\tb\tc\td\te\tf\tg\th\ti\tj\t\tk", 5,
	    &r), RF_PIPE_CMD);
	ck_assert(slice_is(r.text, "a\tb\tc\td\te\tf\tg\th\ti\tj\t\tk"));
	/* a broken SOA question is still known as one (FAIL, then END) */
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\tx\t10.0.0.1", 1, &r),
	    RF_PIPE_BAD);
	ck_assert(r.soa);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tSOA\t1\t1\t2\t3\t4\t5\t6", 1, &r),
	    RF_PIPE_BAD);
	ck_assert(r.soa);
	ck_assert_int_eq(parse("Q\ta.b\tIN\tA\tx\t10.0.0.1", 1, &r),
	    RF_PIPE_BAD);
	ck_assert(!r.soa);
	ck_assert_int_eq(parse("", 5, &r), RF_PIPE_BAD);
	ck_assert_int_eq(parse("DATA\tx", 5, &r), RF_PIPE_BAD);
}
END_TEST

static const char *
write_rr(int abi, uint16_t type, const char *content, uint8_t auth)
{
	static struct rf_buf b;
	struct rf_rr rr = {
		.name = "www.example.com",
		.name_len = 15,
		.content = content,
		.content_len = (uint32_t)strlen(content),
		.ttl = 300,
		.zone_id = 4,
		.type = type,
		.auth = auth,
		.scope = 0,
	};

	rf_buf_reset(&b);
	rf_pipe_write_rr(&b, abi, &rr);
	return rf_buf_cstr(&b);
}

START_TEST(write_layouts)
{
	ck_assert_str_eq(write_rr(1, RF_T_A, "192.0.2.1", 1),
	    "DATA\twww.example.com\tIN\tA\t300\t4\t192.0.2.1\n");
	ck_assert_str_eq(write_rr(2, RF_T_A, "192.0.2.1", 0),
	    "DATA\twww.example.com\tIN\tA\t300\t4\t192.0.2.1\n");
	ck_assert_str_eq(write_rr(3, RF_T_A, "192.0.2.1", 0),
	    "DATA\t0\t0\twww.example.com\tIN\tA\t300\t4\t192.0.2.1\n");
	ck_assert_str_eq(write_rr(5, RF_T_MX, "10 mx.example.com.", 1),
	    "DATA\t0\t1\twww.example.com\tIN\tMX\t300\t4\t10\t"
	    "mx.example.com.\n");
	ck_assert_str_eq(write_rr(1, RF_T_SRV, "1 2 3 t.example.com.", 1),
	    "DATA\twww.example.com\tIN\tSRV\t300\t4\t1\t2 3 t.example.com.\n");
	/* a TAB or newline in content must never reach pdns */
	ck_assert_str_eq(write_rr(5, RF_T_TXT, "\"a\tb\nc\"", 1),
	    "DATA\t0\t1\twww.example.com\tIN\tTXT\t300\t4\t\"a b c\"\n");
	ck_assert_str_eq(write_rr(5, 65280, "\\# 1 00", 1),
	    "DATA\t0\t1\twww.example.com\tIN\tTYPE65280\t300\t4\t\\# 1 00\n");
}
END_TEST

/* ---- sessions over an in-memory zone ------------------------------------ */

static struct rf_engine eng;
static struct rf_buf out;
static struct rf_session sess;

static void
add(struct rf_zdb_builder *b, const char *owner, uint16_t type,
    const char *content, struct rf_diag *d)
{
	ck_assert_int_eq(rf_zdb_builder_add(b, owner, strlen(owner), type, 60,
	    content, strlen(content), "t", 1, d), 0);
}

static void
setup(void)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_gen *g = calloc(1, sizeof(*g));
	struct rf_diag d;

	rf_diag_init(&d);
	rf_zdb_builder_zone(b, "example.com", 1, "t", &d);
	add(b, "example.com", RF_T_SOA, "ns. h. 1 2 3 4 5", &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "www.example.com", RF_T_AAAA, "2001:db8::1", &d);
	add(b, "a.b.example.com", RF_T_A, "192.0.2.2", &d);
	g->refs = 1;
	g->zdb = rf_zdb_builder_finish(b, &d);
	ck_assert_ptr_nonnull(g->zdb);
	g->env.zdb = g->zdb;
	g->rules = calloc(1, sizeof(*g->rules));
	g->rules[0].ops = &rf_rule_zones;
	g->rules[0].env = &g->env;
	g->nrules = 1;
	rf_diag_fini(&d);
	rf_engine_init(&eng, NULL, NULL);
	rf_engine_set_gen(&eng, g);
	rf_buf_init(&out);
	rf_session_init(&sess, &eng, &out);
}

static void
teardown(void)
{
	rf_session_fini(&sess);
	rf_buf_fini(&out);
	rf_engine_fini(&eng);
}

/* Feed text, return everything answered so far (and forget it). */
static const char *
feed(const char *text)
{
	static char *last;

	rf_session_feed(&sess, text, strlen(text));
	free(last);
	last = strdup(rf_buf_cstr(&out));
	rf_buf_reset(&out);
	return last;
}

START_TEST(session_answers)
{
	ck_assert_str_eq(feed("HELO\t3\n"), "OK\trefract\n");
	ck_assert_str_eq(feed("Q\tWWW.example.com\tIN\tA\t1\t1\t2\t3\n"),
	    "DATA\t0\t1\tWWW.example.com\tIN\tA\t60\t1\t192.0.2.1\nEND\n");
	ck_assert_str_eq(feed("Q\twww.example.com\tIN\tANY\t-1\t1\t2\t3\n"),
	    "DATA\t0\t1\twww.example.com\tIN\tA\t60\t1\t192.0.2.1\n"
	    "DATA\t0\t1\twww.example.com\tIN\tAAAA\t60\t1\t2001:db8::1\n"
	    "END\n");
	/* SOA: only at the apex */
	ck_assert_str_eq(feed("Q\twww.example.com\tIN\tSOA\t-1\t1\t2\t3\n"),
	    "END\n");
	ck_assert_str_eq(feed("Q\texample.com.\tIN\tSOA\t-1\t1\t2\t3\n"),
	    "DATA\t0\t1\texample.com\tIN\tSOA\t60\t1\tns. h. 1 2 3 4 5\n"
	    "END\n");
	/* the ENT b.example.com: nothing over PIPE */
	ck_assert_str_eq(feed("Q\tb.example.com\tIN\tANY\t1\t1\t2\t3\n"),
	    "END\n");
	/* a zone id that is not ours: no data */
	ck_assert_str_eq(feed("Q\twww.example.com\tIN\tANY\t9\t1\t2\t3\n"),
	    "END\n");
	ck_assert_uint_eq(eng.stats.queries, 6);
	/* the ENT counts as answered: the rule found the name */
	ck_assert_uint_eq(eng.stats.answered, 4);
	ck_assert_uint_eq(eng.stats.empty, 2);
}
END_TEST

START_TEST(session_framing)
{
	/* one request in pieces, two in one read, a CRLF line */
	ck_assert_str_eq(feed("HE"), "");
	ck_assert_str_eq(feed("LO\t5\nQ\twww.exa"), "OK\trefract\n");
	ck_assert_str_eq(feed("mple.com\tIN\tA\t1\t1\t2\t3\nHELO\t1\r\n"),
	    "DATA\t0\t1\twww.example.com\tIN\tA\t60\t1\t192.0.2.1\nEND\n"
	    "OK\trefract\n");
	ck_assert_int_eq(sess.abi, 1);
	ck_assert_str_eq(feed("Q\twww.example.com\tIN\tA\t1\t1\n"),
	    "DATA\twww.example.com\tIN\tA\t60\t1\t192.0.2.1\nEND\n");
}
END_TEST

START_TEST(session_long_line)
{
	size_t n = RF_SESSION_LINE_MAX + 100, i;
	char *big = malloc(n + 1);

	for (i = 0; i < n; i++)
		big[i] = 'x';
	big[n] = '\0';
	/* in several pieces, then its newline and a good request */
	ck_assert_str_eq(feed(big), "");
	ck_assert_str_eq(feed(big), "");
	ck_assert_str_eq(feed("\nHELO\t5\n"), "FAIL\nOK\trefract\n");
	ck_assert_uint_eq(eng.stats.long_lines, 1);
	/* a line just under the cap is parsed (and is garbage) */
	big[RF_SESSION_LINE_MAX - 1] = '\n';
	big[RF_SESSION_LINE_MAX] = '\0';
	ck_assert_str_eq(feed(big), "FAIL\n");
	ck_assert_uint_eq(eng.stats.long_lines, 1);
	/* a whole line over the cap in one piece (as input held back while
	 * the output was over its cap comes back): skipped, not parsed */
	big[RF_SESSION_LINE_MAX - 1] = 'x';
	big[RF_SESSION_LINE_MAX] = 'x';
	big[RF_SESSION_LINE_MAX + 50] = '\n';
	big[RF_SESSION_LINE_MAX + 51] = '\0';
	ck_assert_str_eq(feed(big), "FAIL\n");
	ck_assert_uint_eq(eng.stats.long_lines, 2);
	free(big);
}
END_TEST

START_TEST(session_commands)
{
	const char *a;

	feed("HELO\t5\n");
	a = feed("CMD\tversion\n");
	ck_assert_str_eq(a, "refract " RF_VERSION "\nEND\n");
	feed("Q\twww.example.com\tIN\tA\t1\t1\t2\t3\n");
	feed("bogus\n");
	a = feed("CMD\tstats\n");
	ck_assert_ptr_nonnull(strstr(a, "queries 1\n"));
	ck_assert_ptr_nonnull(strstr(a, "bad-requests 1\n"));
	ck_assert_ptr_nonnull(strstr(a, "commands 2\n"));
	ck_assert_str_eq(a + strlen(a) - 4, "END\n");
}
END_TEST

START_TEST(session_axfr)
{
	feed("HELO\t4\n");
	ck_assert_str_eq(feed("AXFR\t1\tExample.COM\n"),
	    "DATA\t0\t1\texample.com\tIN\tSOA\t60\t1\tns. h. 1 2 3 4 5\n"
	    "DATA\t0\t1\twww.example.com\tIN\tA\t60\t1\t192.0.2.1\n"
	    "DATA\t0\t1\twww.example.com\tIN\tAAAA\t60\t1\t2001:db8::1\n"
	    "DATA\t0\t1\ta.b.example.com\tIN\tA\t60\t1\t192.0.2.2\n"
	    "END\n");
	ck_assert_str_eq(feed("AXFR\t2\n"), "FAIL\n");
	ck_assert_str_eq(feed("AXFR\t1\texample.net\n"), "FAIL\n");
}
END_TEST

Suite *
pipe_suite(void)
{
	Suite *s = suite_create("pipe");
	TCase *tc = tcase_create("parse");
	TCase *ts = tcase_create("session");

	tcase_add_test(tc, parse_helo);
	tcase_add_test(tc, parse_q_per_abi);
	tcase_add_test(tc, parse_axfr_cmd);
	tcase_add_test(tc, write_layouts);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, session_answers);
	tcase_add_test(ts, session_framing);
	tcase_add_test(ts, session_long_line);
	tcase_add_test(ts, session_commands);
	suite_add_tcase(s, ts);
	tcase_add_test(ts, session_axfr);
	return s;
}
