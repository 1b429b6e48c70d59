/*
 * Unit tests for lib/zonefile.c, the RFC 1035 master-file reader.
 *
 * Every test loads a zone and compares the complete output with the
 * expected text: one line per record ("line owner ttl TYPE content", the
 * file name in front for $INCLUDE tests) and one line per diagnostic.
 * Comparing everything, not picking fields, is what makes a test fail when
 * any part of a feature breaks (a lost record, a wrong line number, an
 * extra error).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/rrtype.h"
#include "lib/zonefile.h"

#ifndef RF_TEST_DATA
#error "RF_TEST_DATA must name the tests/data directory"
#endif

#define ZONES RF_TEST_DATA "/zones/"

Suite *zonefile_suite(void);

struct result {
	struct rf_buf recs; /* one line per record */
	struct rf_buf errs; /* one line per diagnostic */
	int rc;
	bool with_file; /* prefix records with rr->file */
	int stop_after; /* callback returns -1 after this many (0 = never) */
	int count;
};

/* Drop the absolute data directory so expectations stay short. */
static void
add_stripped(struct rf_buf *b, const char *s)
{
	const char *hit;

	while ((hit = strstr(s, ZONES)) != NULL) {
		rf_buf_add(b, s, (size_t)(hit - s));
		s = hit + strlen(ZONES);
	}
	rf_buf_adds(b, s);
}

static int
collect(void *arg, const struct rf_zf_rr *rr)
{
	struct result *r = arg;
	char tname[16];

	/* The lengths are part of the contract, check them on every record. */
	ck_assert_uint_eq(strlen(rr->owner), rr->owner_len);
	ck_assert_uint_eq(strlen(rr->content), rr->content_len);
	if (r->with_file) {
		add_stripped(&r->recs, rr->file);
		rf_buf_addc(&r->recs, ':');
	}
	rf_buf_printf(&r->recs, "%u %s %u %s %s\n", rr->line, rr->owner,
	    (unsigned)rr->ttl, rf_rrtype_str(rr->type, tname), rr->content);
	r->count++;
	if (r->stop_after > 0 && r->count >= r->stop_after)
		return -1;
	return 0;
}

static void
finish(struct result *r, struct rf_diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		add_stripped(&r->errs, d->msgs[i]);
		rf_buf_addc(&r->errs, '\n');
	}
	rf_diag_fini(d);
	rf_buf_cstr(&r->recs);
	rf_buf_cstr(&r->errs);
}

static void
result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	rf_buf_init(&r->recs);
	rf_buf_init(&r->errs);
}

static void
result_fini(struct result *r)
{
	rf_buf_fini(&r->recs);
	rf_buf_fini(&r->errs);
}

static void
opts_init(struct rf_zf_opts *o, const char *origin)
{
	memset(o, 0, sizeof(*o));
	o->origin = origin;
}

static void
load_mem_opts(struct result *r, const char *text, size_t len,
    const struct rf_zf_opts *o)
{
	struct rf_diag d;

	rf_diag_init(&d);
	r->rc = rf_zf_load_mem("t.zone", text, len, o, collect, r, &d);
	finish(r, &d);
}

/* Load text with origin example.com and default options. */
static void
load(struct result *r, const char *text)
{
	struct rf_zf_opts o;

	opts_init(&o, "example.com");
	load_mem_opts(r, text, strlen(text), &o);
}

static void
load_path_opts(struct result *r, const char *path, const struct rf_zf_opts *o)
{
	struct rf_diag d;

	rf_diag_init(&d);
	r->with_file = true;
	r->rc = rf_zf_load_file(path, o, collect, r, &d);
	finish(r, &d);
}

/* Check the whole output of one load of text. */
static void
expect(const char *text, const char *recs, const char *errs, int rc)
{
	struct result r;

	result_init(&r);
	load(&r, text);
	ck_assert_str_eq(r.recs.data, recs);
	ck_assert_str_eq(r.errs.data, errs);
	ck_assert_int_eq(r.rc, rc);
	result_fini(&r);
}

/* One record in, its content (or its one error) out. */
static void
expect_content(const char *text, const char *content)
{
	struct result r;
	const char *sp;
	size_t i;

	result_init(&r);
	load(&r, text);
	ck_assert_str_eq(r.errs.data, "");
	ck_assert_int_eq(r.count, 1);
	/* skip "line owner ttl TYPE " */
	sp = r.recs.data;
	for (i = 0; i < 4; i++) {
		sp = strchr(sp, ' ');
		ck_assert_ptr_nonnull(sp);
		sp++;
	}
	ck_assert_uint_eq(strlen(sp), strlen(content) + 1);
	ck_assert_int_eq(memcmp(sp, content, strlen(content)), 0);
	result_fini(&r);
}

static void
expect_error(const char *text, const char *err)
{
	expect(text, "", err, 1);
}

/* The content of the one record text gives, appended to out. */
static void
content_of(const char *text, struct rf_buf *out)
{
	struct result r;
	const char *sp;
	size_t i;

	result_init(&r);
	load(&r, text);
	ck_assert_str_eq(r.errs.data, "");
	ck_assert_int_eq(r.count, 1);
	sp = r.recs.data;
	for (i = 0; i < 4; i++) {
		sp = strchr(sp, ' ');
		ck_assert_ptr_nonnull(sp);
		sp++;
	}
	/* without the final newline */
	rf_buf_add(out, sp, strlen(sp) - 1);
	rf_buf_cstr(out);
	result_fini(&r);
}

/* ---- basic records and names ------------------------------------------- */

START_TEST(test_basic)
{
	expect("$TTL 300\n"
	       "@ IN SOA ns1 hostmaster.Example.COM. 1 7200 900 1209600 300\n"
	       "@ NS ns1\n"
	       "  NS ns2.other.NET.\n"
	       "ns1 A 192.0.2.1\n"
	       "ns1 AAAA 2001:DB8:0:0::1\n"
	       "@ MX 10 mail\n"
	       "www CNAME @\n"
	       "_sip._tcp SRV 10 20 5060 sip.example.com.\n"
	       "txt TXT \"v=spf1 -all\"\n",
	    "2 example.com 300 SOA ns1.example.com. hostmaster.Example.COM. "
	    "1 7200 900 1209600 300\n"
	    "3 example.com 300 NS ns1.example.com.\n"
	    "4 example.com 300 NS ns2.other.NET.\n"
	    "5 ns1.example.com 300 A 192.0.2.1\n"
	    "6 ns1.example.com 300 AAAA 2001:db8::1\n"
	    "7 example.com 300 MX 10 mail.example.com.\n"
	    "8 www.example.com 300 CNAME example.com.\n"
	    "9 _sip._tcp.example.com 300 SRV 10 20 5060 sip.example.com.\n"
	    "10 txt.example.com 300 TXT \"v=spf1 -all\"\n",
	    "", 0);
}
END_TEST

START_TEST(test_owner_forms)
{
	expect("@ A 192.0.2.1\n"
	       "WWW.Sub A 192.0.2.2\n"
	       "Abs.Example.NET. A 192.0.2.3\n"
	       "\tA 192.0.2.4\n"
	       "* TXT wild\n"
	       "a\\.b\\065 A 192.0.2.5\n"
	       ". A 192.0.2.6\n",
	    "1 example.com 3600 A 192.0.2.1\n"
	    "2 www.sub.example.com 3600 A 192.0.2.2\n"
	    "3 abs.example.net 3600 A 192.0.2.3\n"
	    "4 abs.example.net 3600 A 192.0.2.4\n"
	    "5 *.example.com 3600 TXT \"wild\"\n"
	    "6 a\\.ba.example.com 3600 A 192.0.2.5\n"
	    "7  3600 A 192.0.2.6\n",
	    "", 0);
}
END_TEST

START_TEST(test_rdata_names)
{
	/* Case and escapes kept, relative names completed, @ is the origin. */
	expect_content("x CNAME Host.Sub\n", "Host.Sub.example.com.");
	expect_content("x CNAME Host.Other.ORG.\n", "Host.Other.ORG.");
	expect_content("x CNAME @\n", "example.com.");
	expect_content("x CNAME .\n", ".");
	expect_content("x CNAME a\\.b\n", "a\\.b.example.com.");
	expect_content("x CNAME a\\\\.\n", "a\\\\.");
	/* A control byte after a backslash can not go to pdns raw. */
	expect_content("x CNAME a\\\tb\n", "a\\009b.example.com.");
	expect_content("x CNAME a\\ b\n", "a\\032b.example.com.");
}
END_TEST

START_TEST(test_root_origin)
{
	struct rf_zf_opts o;
	struct result r;
	const char *text = "foo NS bar\n@ NS @\nfoo. MX 1 baz.\n";

	opts_init(&o, "");
	result_init(&r);
	load_mem_opts(&r, text, strlen(text), &o);
	ck_assert_str_eq(r.recs.data,
	    "1 foo 3600 NS bar.\n"
	    "2  3600 NS .\n"
	    "3 foo 3600 MX 1 baz.\n");
	ck_assert_str_eq(r.errs.data, "");
	result_fini(&r);
}
END_TEST

START_TEST(test_origin_option_checked)
{
	struct rf_zf_opts o;
	struct result r;

	/* A trailing dot and upper case are accepted and canonicalised. */
	opts_init(&o, "Example.COM.");
	result_init(&r);
	load_mem_opts(&r, "a A 192.0.2.1\n", 14, &o);
	ck_assert_str_eq(r.recs.data, "1 a.example.com 3600 A 192.0.2.1\n");
	result_fini(&r);

	opts_init(&o, "a..b");
	result_init(&r);
	load_mem_opts(&r, "a A 192.0.2.1\n", 14, &o);
	ck_assert_str_eq(r.recs.data, "");
	ck_assert_str_eq(r.errs.data, "t.zone: bad origin 'a..b'\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);
}
END_TEST

START_TEST(test_origin_directive)
{
	expect("$ORIGIN sub\n"
	       "a A 192.0.2.1\n"
	       "$ORIGIN deeper\n"
	       "b CNAME a\n"
	       "$ORIGIN Other.Net.\n"
	       "@ MX 1 mx\n"
	       "$origin @\n"
	       "c A 192.0.2.3\n",
	    "2 a.sub.example.com 3600 A 192.0.2.1\n"
	    "4 b.deeper.sub.example.com 3600 CNAME a.deeper.sub.example.com.\n"
	    "6 other.net 3600 MX 1 mx.other.net.\n"
	    "8 c.other.net 3600 A 192.0.2.3\n",
	    "", 0);
}
END_TEST

/* ---- TTL ---------------------------------------------------------------- */

START_TEST(test_ttl_defaults)
{
	struct rf_zf_opts o;
	struct result r;
	const char *text = "a A 192.0.2.1\n"
			   "b 120 A 192.0.2.2\n"
			   "c A 192.0.2.3\n"
			   "$TTL 1h30m\n"
			   "d A 192.0.2.4\n"
			   "e IN 60 A 192.0.2.5\n"
			   "f A 192.0.2.6\n"
			   "g 2w IN A 192.0.2.7\n";

	/* default 3600, then the last explicit TTL, then $TTL wins. */
	expect(text,
	    "1 a.example.com 3600 A 192.0.2.1\n"
	    "2 b.example.com 120 A 192.0.2.2\n"
	    "3 c.example.com 120 A 192.0.2.3\n"
	    "5 d.example.com 5400 A 192.0.2.4\n"
	    "6 e.example.com 60 A 192.0.2.5\n"
	    "7 f.example.com 5400 A 192.0.2.6\n"
	    "8 g.example.com 1209600 A 192.0.2.7\n",
	    "", 0);

	opts_init(&o, "example.com");
	o.default_ttl = 77;
	result_init(&r);
	load_mem_opts(&r, text, strlen(text), &o);
	ck_assert_int_eq(
	    strncmp(r.recs.data, "1 a.example.com 77 A 192.0.2.1\n", 31), 0);
	result_fini(&r);
}
END_TEST

START_TEST(test_parse_ttl)
{
	uint32_t v = 1;

	ck_assert_int_eq(rf_zf_parse_ttl("0", 1, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(rf_zf_parse_ttl("3600", 4, &v), 0);
	ck_assert_uint_eq(v, 3600);
	ck_assert_int_eq(rf_zf_parse_ttl("1h30m", 5, &v), 0);
	ck_assert_uint_eq(v, 5400);
	ck_assert_int_eq(rf_zf_parse_ttl("1W2d3H4m5S", 10, &v), 0);
	ck_assert_uint_eq(v, 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	ck_assert_int_eq(rf_zf_parse_ttl("4294967295", 10, &v), 0);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_int_eq(rf_zf_parse_ttl("7101w", 5, &v), 0);
	ck_assert_uint_eq(v, 7101u * 604800u);
	/* the length is honoured: "12" of "123" */
	ck_assert_int_eq(rf_zf_parse_ttl("123", 2, &v), 0);
	ck_assert_uint_eq(v, 12);

	v = 99;
	ck_assert_int_eq(rf_zf_parse_ttl("", 0, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("h", 1, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("1h30", 4, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("1x", 2, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("-1", 2, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("4294967296", 10, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("7102w", 5, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("99999999999", 11, &v), -1);
	ck_assert_int_eq(rf_zf_parse_ttl("1hh", 3, &v), -1);
	ck_assert_uint_eq(v, 99);
}
END_TEST

/* ---- lexical ------------------------------------------------------------ */

START_TEST(test_parentheses)
{
	expect("@ SOA ( ns1 ; primary\n"
	       "        hostmaster ; contact (not closing)\n"
	       "        2024010101 ; serial\n"
	       "        1h 15m ) ( 1w\n"
	       "        5m )\n"
	       "after A 192.0.2.1\n"
	       "multi TXT ( \"a\"\n"
	       "  \"b\" )  ; done\n",
	    "1 example.com 3600 SOA ns1.example.com. hostmaster.example.com. "
	    "2024010101 3600 900 604800 300\n"
	    "6 after.example.com 3600 A 192.0.2.1\n"
	    "7 multi.example.com 3600 TXT \"a\" \"b\"\n",
	    "", 0);
}
END_TEST

START_TEST(test_comments_and_blank_lines)
{
	expect("; leading comment\n"
	       "\n"
	       "   \t \n"
	       "   ; indented comment does not set an owner\n"
	       "a A 192.0.2.1;no space before comment\n"
	       "\n"
	       "\t; comment between records keeps the owner\n"
	       "\tAAAA ::1 ; trailing\n",
	    "5 a.example.com 3600 A 192.0.2.1\n"
	    "8 a.example.com 3600 AAAA ::1\n",
	    "", 0);
}
END_TEST

START_TEST(test_quoted_strings)
{
	/* Semicolons and parentheses inside quotes are text. */
	expect_content("t TXT \"a;b (c)\"\n", "\"a;b (c)\"");
	/* Escapes are kept as written. */
	expect_content("t TXT \"q\\\"uote\" \"back\\\\slash\" \"\\065\\066\"\n",
	    "\"q\\\"uote\" \"back\\\\slash\" \"\\065\\066\"");
	/* Unquoted words become quoted strings; a bare quote is escaped. */
	expect_content("t TXT foo ba\"r x\\\"y\n",
	    "\"foo\" \"ba\\\"r\" \"x\\\"y\"");
	/* Raw control bytes (TAB, DEL) inside strings become \DDD. */
	expect_content("t TXT \"a\tb\x7f\"\n", "\"a\\009b\\127\"");
	/* An escaped TAB is the same byte. */
	expect_content("t TXT \"a\\\tb\"\n", "\"a\\009b\"");
	/* Empty string. */
	expect_content("t TXT \"\"\n", "\"\"");
	/* Quoted string right after a word, no space. */
	expect_content("t TXT abc\"def\"\n", "\"abc\\\"def\\\"\"");
	/* High bytes are kept. */
	expect_content("t TXT \"\xc3\xa9t\xc3\xa9\"\n",
	    "\"\xc3\xa9t\xc3\xa9\"");
	expect_content("h HINFO \"Intel PC\" linux\n",
	    "\"Intel PC\" \"linux\"");
	expect_content("n NAPTR 100 10 U E2U+sip \"!^.*$!sip:x@y!\" .\n",
	    "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:x@y!\" .");
}
END_TEST

START_TEST(test_crlf_and_last_line)
{
	const char text[] = "a A 192.0.2.1\r\n"
			    "\tTXT \"x\" \r\n"
			    "b ( A\r\n"
			    " 192.0.2.2 )\r\n"
			    "c A 192.0.2.3";

	expect(text,
	    "1 a.example.com 3600 A 192.0.2.1\n"
	    "2 a.example.com 3600 TXT \"x\"\n"
	    "3 b.example.com 3600 A 192.0.2.2\n"
	    "5 c.example.com 3600 A 192.0.2.3\n",
	    "", 0);
}
END_TEST

START_TEST(test_length_honoured)
{
	struct rf_zf_opts o;
	struct result r;
	/* Only the first record is inside len; the rest must not be read. */
	const char text[] = "a A 192.0.2.1\nb A 192.0.2.2\n";

	opts_init(&o, "example.com");
	result_init(&r);
	load_mem_opts(&r, text, 13, &o);
	ck_assert_str_eq(r.recs.data, "1 a.example.com 3600 A 192.0.2.1\n");
	ck_assert_str_eq(r.errs.data, "");
	result_fini(&r);

	/* A NUL byte inside a token is a byte like any other. */
	result_init(&r);
	load_mem_opts(&r, "a\0b A 192.0.2.1\n", 16, &o);
	ck_assert_str_eq(r.recs.data,
	    "1 a\\000b.example.com 3600 A 192.0.2.1\n");
	result_fini(&r);

	result_init(&r);
	load_mem_opts(&r, "a A 1.2.3.4\0 junk\n", 18, &o);
	ck_assert_str_eq(r.recs.data, "");
	ck_assert_str_eq(r.errs.data,
	    "t.zone:1: bad IPv4 address '1.2.3.4\\000'\n");
	result_fini(&r);
}
END_TEST

START_TEST(test_type_mnemonics)
{
	expect("a a 192.0.2.1\n"
	       "b Mx 5 mail\n"
	       "c type1 192.0.2.3\n"
	       "d TYPE15 5 mail\n"
	       "e iN 10 TxT x\n",
	    "1 a.example.com 3600 A 192.0.2.1\n"
	    "2 b.example.com 3600 MX 5 mail.example.com.\n"
	    "3 c.example.com 3600 A 192.0.2.3\n"
	    "4 d.example.com 3600 MX 5 mail.example.com.\n"
	    "5 e.example.com 10 TXT \"x\"\n",
	    "", 0);
}
END_TEST

/* ---- shapes ------------------------------------------------------------- */

START_TEST(test_shape_numbers)
{
	/* u: 16 bits */
	expect_content("m MX 65535 mail\n", "65535 mail.example.com.");
	expect_content("m MX 007 mail\n", "7 mail.example.com.");
	expect_error("m MX 65536 mail\n",
	    "t.zone:1: bad 16-bit number '65536'\n");
	expect_error("m MX -1 mail\n", "t.zone:1: bad 16-bit number '-1'\n");
	expect_error("m MX \"10\" mail\n",
	    "t.zone:1: bad 16-bit number '\"10\"'\n");
	/* U: 32 bits (SOA serial) */
	expect_content("@ SOA a b 4294967295 1 2 3 4\n",
	    "a.example.com. b.example.com. 4294967295 1 2 3 4");
	expect_error("@ SOA a b 4294967296 1 2 3 4\n",
	    "t.zone:1: bad 32-bit number '4294967296'\n");
	/* T: BIND units written in seconds */
	expect_content("@ SOA a b 1 1H 30m 2W 1d\n",
	    "a.example.com. b.example.com. 1 3600 1800 1209600 86400");
	expect_error("@ SOA a b 1 1h 2 3 4x\n",
	    "t.zone:1: bad time value '4x'\n");
}
END_TEST

START_TEST(test_shape_addresses)
{
	expect_content("a A 192.0.2.1\n", "192.0.2.1");
	expect_content("a AAAA 2001:0DB8:0000::0001\n", "2001:db8::1");
	expect_content("a AAAA ::FFFF:192.0.2.1\n", "::ffff:192.0.2.1");
	expect_content("l L32 10 192.0.2.1\n", "10 192.0.2.1");
	expect_error("a A 192.0.2\n", "t.zone:1: bad IPv4 address '192.0.2'\n");
	expect_error("a A 192.0.2.256\n",
	    "t.zone:1: bad IPv4 address '192.0.2.256'\n");
	expect_error("a A ::1\n", "t.zone:1: bad IPv4 address '::1'\n");
	expect_error("a AAAA 192.0.2.1\n",
	    "t.zone:1: bad IPv6 address '192.0.2.1'\n");
	expect_error("a AAAA 1::2::3\n",
	    "t.zone:1: bad IPv6 address '1::2::3'\n");
	expect_error("a A \"192.0.2.1\"\n",
	    "t.zone:1: bad IPv4 address '\"192.0.2.1\"'\n");
}
END_TEST

START_TEST(test_shape_strings_and_tokens)
{
	/* s: one token passed through; q: quoted */
	expect_content("c CAA 0 issue letsencrypt.org\n",
	    "0 issue \"letsencrypt.org\"");
	expect_content("c CAA 128 iodef \"mailto:a@b\"\n",
	    "128 iodef \"mailto:a@b\"");
	/* +: one or more tokens */
	expect_content("d DS 60485 5 1 ( 2BB183AF5F22588179A53B0A\n"
		       " 98631FAD1A292118 )\n",
	    "60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118");
	/* *: zero or more tokens */
	expect_content("n NSEC next A NS SOA\n", "next.example.com. A NS SOA");
	expect_content("n NSEC next\n", "next.example.com.");
	expect_content("a APL\n", "");
	expect_content("a APL 1:192.0.2.0/24 !1:192.0.2.128/25\n",
	    "1:192.0.2.0/24 !1:192.0.2.128/25");
	/* quoted tokens in pass-through fields stay quoted */
	expect_content("s SVCB 1 . alpn=h2 key65000 \"a b\"\n",
	    "1 . alpn=h2 key65000 \"a b\"");
	/* Q: several strings */
	expect_content("t SPF \"v=spf1\" -all\n", "\"v=spf1\" \"-all\"");
	/* pass-through control bytes still can not reach pdns raw */
	expect_content("e EUI48 a\\\tb\n", "a\\009b");
}
END_TEST

START_TEST(test_shape_gateway)
{
	/* RFC 4025: precedence, gateway type, algorithm, gateway, key */
	expect_content("i IPSECKEY 10 3 2 gw AQNRU3mG7TVTO2BkR47usntb102uFJ\n",
	    "10 3 2 gw.example.com. AQNRU3mG7TVTO2BkR47usntb102uFJ");
	expect_content("i IPSECKEY 10 1 2 192.0.2.38 AQNR\n",
	    "10 1 2 192.0.2.38 AQNR");
	expect_content("i IPSECKEY 10 2 1 2001:DB8:0::1 AQNR\n",
	    "10 2 1 2001:db8::1 AQNR");
	/* the key is optional (algorithm 0) */
	expect_content("i IPSECKEY 10 3 0 gw.other.\n", "10 3 0 gw.other.");
	expect_content("i IPSECKEY 10 1 0 192.0.2.38\n", "10 1 0 192.0.2.38");
	/* a key may be split like any base64 field */
	expect_content("i IPSECKEY 10 1 2 192.0.2.38 ( AQNR\n U3mG )\n",
	    "10 1 2 192.0.2.38 AQNR U3mG");
	expect_error("i IPSECKEY 10 3 2 a..b AQNR\n",
	    "t.zone:1: bad name 'a..b'\n");
	expect_error("i IPSECKEY 10 1 2 gw AQNR\n",
	    "t.zone:1: bad IPv4 address 'gw'\n");
	expect_error("i IPSECKEY 10 2 2 192.0.2.38 AQNR\n",
	    "t.zone:1: bad IPv6 address '192.0.2.38'\n");
}
END_TEST

/*
 * Gateway type 0: the RFC writes "." for the missing gateway, pdns 4.7.3
 * reads no field at all and refuses the "." as trailing data.  Both
 * spellings are read; the content never has the ".".
 */
START_TEST(test_ipseckey_no_gateway)
{
	expect_content("i IPSECKEY 10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJ\n",
	    "10 0 2 AQNRU3mG7TVTO2BkR47usntb102uFJ");
	expect_content("i IPSECKEY 10 0 2 AQNRU3mG7TVTO2BkR47usntb102uFJ\n",
	    "10 0 2 AQNRU3mG7TVTO2BkR47usntb102uFJ");
	expect_content("i IPSECKEY 10 0 0 .\n", "10 0 0");
	expect_content("i IPSECKEY 10 0 0\n", "10 0 0");
	expect_content("i IPSECKEY 10 0 1 ( .\n AQNR )\n", "10 0 1 AQNR");
	/* the same record as RFC 3597 data gives the same content */
	expect_content("i IPSECKEY \\# 6 0a0002 010203\n", "10 0 2 AQID");
	expect_content("i IPSECKEY 10 0 2 . AQID\n", "10 0 2 AQID");
	/* a key needs algorithm 1 or 2; algorithm 0 has none */
	expect_error("i IPSECKEY 10 0 2 .\n",
	    "t.zone:1: too few fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 0 2\n",
	    "t.zone:1: too few fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 0 0 AQNR\n",
	    "t.zone:1: too many fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 0 0 . .\n",
	    "t.zone:1: too many fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 1 0 192.0.2.38 AQNR\n",
	    "t.zone:1: too many fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 1 2\n",
	    "t.zone:1: too few fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 3 0\n",
	    "t.zone:1: too few fields for IPSECKEY\n");
	expect_error("i IPSECKEY 10 0\n",
	    "t.zone:1: too few fields for IPSECKEY\n");
	/* what pdns 4.7.3 cannot take */
	expect_error("i IPSECKEY 10 4 0\n",
	    "t.zone:1: unsupported IPSECKEY gateway type 4\n");
	expect_error("i IPSECKEY 10 1 3 192.0.2.38 AQNR\n",
	    "t.zone:1: unsupported IPSECKEY algorithm 3\n");
	expect_error("i IPSECKEY 256 0 0\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("i IPSECKEY 10 0 256\n",
	    "t.zone:1: bad 8-bit number '256'\n");
}
END_TEST

START_TEST(test_field_counts)
{
	expect_error("a A\n", "t.zone:1: too few fields for A\n");
	expect_error("a A 192.0.2.1 192.0.2.2\n",
	    "t.zone:1: too many fields for A\n");
	expect_error("m MX 10\n", "t.zone:1: too few fields for MX\n");
	expect_error("s SRV 1 2 3\n", "t.zone:1: too few fields for SRV\n");
	expect_error("@ SOA a b 1 2 3 4\n",
	    "t.zone:1: too few fields for SOA\n");
	expect_error("@ SOA a b 1 2 3 4 5 6\n",
	    "t.zone:1: too many fields for SOA\n");
	expect_error("t TXT\n", "t.zone:1: too few fields for TXT\n");
	expect_error("d DS 1 2 3\n", "t.zone:1: too few fields for DS\n");
	expect_error("c CNAME a b\n", "t.zone:1: too many fields for CNAME\n");
}
END_TEST

START_TEST(test_meta_types)
{
	expect_error("a ANY 192.0.2.1\n",
	    "t.zone:1: type ANY cannot appear in a zone file\n");
	expect_error("a AXFR x\n",
	    "t.zone:1: type AXFR cannot appear in a zone file\n");
	expect_error("a TYPE41 \\# 0\n",
	    "t.zone:1: type OPT cannot appear in a zone file\n");
}
END_TEST

/* ---- RFC 3597 ----------------------------------------------------------- */

START_TEST(test_rfc3597_unknown)
{
	expect_content("u TYPE65280 \\# 3 ABcd ef\n", "\\# 3 abcdef");
	expect_content("u TYPE65280 ( \\# 4\n 0a0B\n 0C0d )\n",
	    "\\# 4 0a0b0c0d");
	expect_content("u TYPE65280 \\# 0\n", "\\# 0");
	expect_error("u TYPE65280 \\# 3 abcd\n",
	    "t.zone:1: \\# length 3 does not match 2 bytes of data\n");
	expect_error("u TYPE65280 \\# 2 abc\n",
	    "t.zone:1: odd number of hex digits in \\# data\n");
	expect_error("u TYPE65280 \\# 2 abzz\n",
	    "t.zone:1: bad hex data 'abzz'\n");
	expect_error("u TYPE65280 \\# 1 \"ab\"\n",
	    "t.zone:1: bad hex data '\"ab\"'\n");
	expect_error("u TYPE65280 \\# x ab\n",
	    "t.zone:1: bad \\# length 'x'\n");
	expect_error("u TYPE65280 \\# 65536\n",
	    "t.zone:1: bad \\# length '65536'\n");
	expect_error("u TYPE65280 \\#\n", "t.zone:1: missing \\# length\n");
	expect_error("u TYPE65280 abcd\n",
	    "t.zone:1: unknown type TYPE65280 needs \\# data\n");
}
END_TEST

/* \# data for a type pdns knows becomes the type's presentation form. */
START_TEST(test_rfc3597_known)
{
	expect_content("a A \\# 4 C0000201\n", "192.0.2.1");
	expect_content("a TYPE1 \\# 4 c0 00 02 01\n", "192.0.2.1");
	expect_content("a AAAA \\# 16 20010db8000000000000000000000001\n",
	    "2001:db8::1");
	expect_content("m MX \\# 20 000a046d61696c076578616d706c6503636f6d00\n",
	    "10 mail.example.com.");
	/* RFC 7505 null MX: the root as exchange */
	expect_content("m MX \\# 3 000a00\n", "10 .");
	/* quotes, TAB and backslash stay escaped inside the strings */
	expect_content("t TXT \\# 17 0b763d73706631202d616c6c046122095c\n",
	    "\"v=spf1 -all\" \"a\\\"\\009\\\\\"");
	expect_content("t TYPE16 \\# 2 0161\n", "\"a\"");
	expect_content("s SRV \\# 23 000a001413c403736970076578616d706c6503"
		       "636f6d00\n",
	    "10 20 5060 sip.example.com.");
	expect_content("c CAA \\# 22 000569737375656c657473656e637279707"
		       "42e6f7267\n",
	    "0 issue \"letsencrypt.org\"");
	expect_content("d DS \\# 24 ec4505012bb183af5f22588179a53b0a98631fad1a"
		       "292118\n",
	    "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118");
	expect_content(
	    "t TLSA ( \\# 35 0301010c72ac70b745ac19998811b131d662c9\n"
	    " ac69dbdbe7cb23e5b514b56664c5d3d6 )\n",
	    "3 1 1 0c72ac70b745ac19998811b131d662c9"
	    "ac69dbdbe7cb23e5b514b56664c5d3d6");
	expect_content("s SSHFP \\# 22 0101dd465c09cfa51fb45020cc83316fff21b9e"
		       "c74ac\n",
	    "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac");
	expect_content("l LOC \\# 16 001216138b3cf018810cbce0009895b8\n",
	    "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m");
	expect_content("n NAPTR \\# 38 0064000a0153075349502b44325500045f7369"
		       "70045f756470076578616d706c6503636f6d00\n",
	    "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.");
	expect_content("h HTTPS \\# 16 000100000100030268320003000220fb\n",
	    "1 . alpn=h2 port=8443");
	expect_content("@ SOA \\# 61 036e7331076578616d706c6503636f6d000a686f"
		       "73746d6173746572076578616d706c6503636f6d00000000010000"
		       "1c2000000384001275000000012c\n",
	    "ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300");
	/* quoted "\#" is a character-string, not RFC 3597 */
	expect_content("t TXT \"\\#\" 1\n", "\"\\#\" \"1\"");
}
END_TEST

/*
 * The content made from \# data reads back as the presentation form of
 * the same record: the zone reader and lib/dnswire.c agree on it.
 */
START_TEST(test_rfc3597_round_trip)
{
	static const char *const rrs[] = {
		"A \\# 4 c0000201",
		"AAAA \\# 16 20010db8000000000000ffff00000001",
		"NS \\# 3 016100",
		"MX \\# 20 000a046d61696c076578616d706c6503636f6d00",
		"TXT \\# 17 0b763d73706631202d616c6c046122095c",
		"SRV \\# 23 000a001413c403736970076578616d706c6503636f6d00",
		"CAA \\# 22 000569737375656c657473656e63727970742e6f7267",
		"DS \\# 24 ec4505012bb183af5f22588179a53b0a98631fad1a292118",
		"TLSA \\# 5 0301010c72",
		"SSHFP \\# 6 0101dd465c09",
		"LOC \\# 16 001216138b3cf018810cbce0009895b8",
		"NAPTR \\# 38 0064000a0153075349502b44325500045f736970045f756470"
		"076578616d706c6503636f6d00",
		"HTTPS \\# 16 000100000100030268320003000220fb",
		"DNSKEY \\# 7 0101030d010203",
		"CERT \\# 8 00013039080102ff",
		"IPSECKEY \\# 10 0a0102c0000201010203",
		"APL \\# 7 00011803c00002",
		"NSEC \\# 6 016100000140",
		"HINFO \\# 4 01410142",
		"SOA \\# 26 01610001620000000001000000020000000300000004000000"
		"05",
	};
	struct rf_buf text, first, second;
	size_t i;

	rf_buf_init(&text);
	rf_buf_init(&first);
	rf_buf_init(&second);
	for (i = 0; i < sizeof(rrs) / sizeof(rrs[0]); i++) {
		const char *sp = strchr(rrs[i], ' ');

		rf_buf_reset(&text);
		rf_buf_reset(&first);
		rf_buf_reset(&second);
		rf_buf_printf(&text, "x %s\n", rrs[i]);
		content_of(rf_buf_cstr(&text), &first);
		rf_buf_reset(&text);
		rf_buf_printf(&text, "x %.*s %s\n", (int)(sp - rrs[i]), rrs[i],
		    first.data);
		content_of(rf_buf_cstr(&text), &second);
		ck_assert_str_eq(second.data, first.data);
	}
	rf_buf_fini(&text);
	rf_buf_fini(&first);
	rf_buf_fini(&second);
}
END_TEST

/*
 * Every type in the table that has a zone-file form: \# data either
 * becomes its presentation form or is reported, and never reaches pdns
 * as \# (which pdns refuses for a type it knows).
 */
START_TEST(test_rfc3597_every_known_type)
{
	static const char *const datas[] = { "0", "1 00", "2 0000",
		"4 c0000201", "16 00000000000000000000000000000000",
		"12 000a0003010203040c0d0e0f" };
	struct rf_buf text, want;
	unsigned t, known = 0;
	size_t i;

	rf_buf_init(&text);
	rf_buf_init(&want);
	for (t = 0; t <= UINT16_MAX; t++) {
		const struct rf_rrtype *rt = rf_rrtype_by_num((uint16_t)t);

		if (rt == NULL || rt->shape == NULL)
			continue;
		known++;
		for (i = 0; i < sizeof(datas) / sizeof(datas[0]); i++) {
			struct result r;

			rf_buf_reset(&text);
			rf_buf_printf(&text, "x TYPE%u \\# %s\n", t, datas[i]);
			rf_buf_reset(&want);
			rf_buf_printf(&want,
			    "t.zone:1: \\# data is not a valid %s record\n",
			    rt->name);
			result_init(&r);
			load(&r, rf_buf_cstr(&text));
			if (r.count == 0) {
				ck_assert_str_eq(r.errs.data,
				    rf_buf_cstr(&want));
			} else {
				ck_assert_int_eq(r.count, 1);
				ck_assert_str_eq(r.errs.data, "");
				ck_assert_ptr_null(strstr(r.recs.data, "\\#"));
			}
			result_fini(&r);
		}
	}
	/* the table has its ~60 types with a zone-file form */
	ck_assert_uint_ge(known, 50);
	rf_buf_fini(&text);
	rf_buf_fini(&want);
}
END_TEST

/* Data that is not a record of its type is reported, with the type. */
START_TEST(test_rfc3597_malformed)
{
	/* too short, too long */
	expect_error("a A \\# 3 c00002\n",
	    "t.zone:1: \\# data is not a valid A record\n");
	expect_error("a A \\# 5 c000020100\n",
	    "t.zone:1: \\# data is not a valid A record\n");
	expect_error("a AAAA \\# 4 c0000201\n",
	    "t.zone:1: \\# data is not a valid AAAA record\n");
	/* a name cut short, a name missing */
	expect_error("m MX \\# 5 000a046d61\n",
	    "t.zone:1: \\# data is not a valid MX record\n");
	expect_error("m TYPE15 \\# 2 000a\n",
	    "t.zone:1: \\# data is not a valid MX record\n");
	/* a reserved label type (RFC 1035 §4.1.4) */
	expect_error("n NS \\# 2 4000\n",
	    "t.zone:1: \\# data is not a valid NS record\n");
	/* TXT has at least one string; a string longer than the data */
	expect_error("t TXT \\# 0\n",
	    "t.zone:1: \\# data is not a valid TXT record\n");
	expect_error("t TXT \\# 2 0561\n",
	    "t.zone:1: \\# data is not a valid TXT record\n");
	/* CAA tag must not be empty */
	expect_error("c CAA \\# 3 000061\n",
	    "t.zone:1: \\# data is not a valid CAA record\n");
	/* LOC version 1 is not defined */
	expect_error("l LOC \\# 16 011216138b3cf018810cbce0009895b8\n",
	    "t.zone:1: \\# data is not a valid LOC record\n");
	/* SRV without its target */
	expect_error("s SRV \\# 6 000a001413c4\n",
	    "t.zone:1: \\# data is not a valid SRV record\n");
	/* the generic checks come first */
	expect_error("m MX \\# 3 000a\n",
	    "t.zone:1: \\# length 3 does not match 2 bytes of data\n");
	expect_error("m MX \\# 2 000g\n", "t.zone:1: bad hex data '000g'\n");
	/* the record is dropped and the next one read */
	expect("a A \\# 3 c00002\n"
	       "b A \\# 4 c0000202\n",
	    "2 b.example.com 3600 A 192.0.2.2\n",
	    "t.zone:1: \\# data is not a valid A record\n", 1);
}
END_TEST

/* Content may be empty; it is legal and passed on (the PIPE writer
 * leaves it out, pdns cannot take it). */
START_TEST(test_rfc3597_empty)
{
	expect_content("a APL \\# 0\n", "");
	expect_content("a APL\n", "");
	/* and the same type with items */
	expect_content("a APL \\# 7 00011803c00002\n", "1:192.0.2.0/24");
	expect_content("a APL \\# 14 00011803c00002 00011983c00002\n",
	    "1:192.0.2.0/24 !1:192.0.2.0/25");
	expect_error("a APL \\# 7 00031803c00002\n",
	    "t.zone:1: \\# data is not a valid APL record\n");
	/* an empty record is emitted like any other */
	expect("a APL \\# 0\n"
	       "b APL\n",
	    "1 a.example.com 3600 APL \n"
	    "2 b.example.com 3600 APL \n",
	    "", 0);
}
END_TEST

/* ---- fields pdns wants as numbers -------------------------------------- */

START_TEST(test_cert_mnemonics)
{
	static const char *const types[] = { "PKIX", "SPKI", "PGP", "IPKIX",
		"ISPKI", "IPGP", "ACPKIX", "IACPKIX", "URI", "OID" };
	static const unsigned values[] = { 1, 2, 3, 4, 5, 6, 7, 8, 253, 254 };
	char text[128], want[64];
	size_t i;

	expect_content("c CERT PKIX 12345 RSASHA256 AQAB\n", "1 12345 8 AQAB");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(text, sizeof(text), "c CERT %s 1 0 AQAB\n", types[i]);
		snprintf(want, sizeof(want), "%u 1 0 AQAB", values[i]);
		expect_content(text, want);
	}
	/* mnemonics are case-insensitive; numbers pass as they are */
	expect_content("c CERT pgp 0 ed25519 AQAB\n", "3 0 15 AQAB");
	expect_content("c CERT 65535 65535 255 ( AQAB\n AQAB )\n",
	    "65535 65535 255 AQAB AQAB");
	expect_content("c CERT 007 1 008 AQAB\n", "7 1 8 AQAB");
	expect_error("c CERT 0 1 1 AQAB\n",
	    "t.zone:1: CERT type 0 is reserved\n");
	expect_error("c CERT PKIY 1 1 AQAB\n",
	    "t.zone:1: unknown CERT type 'PKIY'\n");
	expect_error("c CERT \"PKIX\" 1 1 AQAB\n",
	    "t.zone:1: bad 16-bit number '\"PKIX\"'\n");
	expect_error("c CERT 65536 1 1 AQAB\n",
	    "t.zone:1: bad 16-bit number '65536'\n");
	expect_error("c CERT 1 65536 1 AQAB\n",
	    "t.zone:1: bad 16-bit number '65536'\n");
	expect_error("c CERT 1 1 RSA AQAB\n",
	    "t.zone:1: unknown algorithm 'RSA'\n");
	expect_error("c CERT 1 1 256 AQAB\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("c CERT 1 1 8\n", "t.zone:1: too few fields for CERT\n");
}
END_TEST

START_TEST(test_dnssec_mnemonics)
{
	static const char *const algs[] = { "RSAMD5", "DH", "DSA", "RSASHA1",
		"DSA-NSEC3-SHA1", "RSASHA1-NSEC3-SHA1", "RSASHA256",
		"RSASHA512", "ECC-GOST", "ECDSAP256SHA256", "ECDSAP384SHA384",
		"ED25519", "ED448", "INDIRECT", "PRIVATEDNS", "PRIVATEOID",
		/* BIND's spellings */
		"NSEC3DSA", "NSEC3RSASHA1", "ECCGOST" };
	static const unsigned values[] = { 1, 2, 3, 5, 6, 7, 8, 10, 12, 13, 14,
		15, 16, 252, 253, 254, 6, 7, 12 };
	char text[128], want[64];
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		snprintf(text, sizeof(text), "d DS 60485 %s 2 abcd\n", algs[i]);
		snprintf(want, sizeof(want), "60485 %u 2 abcd", values[i]);
		expect_content(text, want);
	}
	/* the algorithm field of every type that has one */
	expect_content("d CDS 60485 rsasha1 1 abcd\n", "60485 5 1 abcd");
	expect_content("d DLV 60485 RSASHA1 1 abcd\n", "60485 5 1 abcd");
	expect_content("k DNSKEY 257 3 ECDSAP256SHA256 AQAB\n",
	    "257 3 13 AQAB");
	expect_content("k CDNSKEY 257 3 Ed25519 AQAB\n", "257 3 15 AQAB");
	expect_content("k KEY 256 3 DSA AQAB\n", "256 3 3 AQAB");
	expect_content("k RKEY 0 3 PRIVATEOID AQAB\n", "0 3 254 AQAB");
	expect_content("r RRSIG A RSASHA256 2 300 20250101000000 "
		       "20240101000000 12345 @ AQAB\n",
	    "A 8 2 300 20250101000000 20240101000000 12345 example.com. AQAB");
	/* numbers are unchanged */
	expect_content("k DNSKEY 257 3 13 AQAB\n", "257 3 13 AQAB");
	expect_content("r RRSIG MX 13 2 300 1 2 3 . AQAB\n",
	    "MX 13 2 300 1 2 3 . AQAB");
	/* only the algorithm field takes mnemonics */
	expect_error("d DS RSASHA1 5 1 abcd\n",
	    "t.zone:1: bad 16-bit number 'RSASHA1'\n");
	expect_error("d DS 60485 5 SHA-1 abcd\n",
	    "t.zone:1: bad 8-bit number 'SHA-1'\n");
	expect_error("d DS 60485 RSASHA 1 abcd\n",
	    "t.zone:1: unknown algorithm 'RSASHA'\n");
	expect_error("d DS 60485 -1 1 abcd\n",
	    "t.zone:1: unknown algorithm '-1'\n");
	/* 8-bit fields, as pdns reads them */
	expect_error("d DS 60485 256 1 abcd\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("d DS 60485 8 256 abcd\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("k DNSKEY 257 256 13 AQAB\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("r RRSIG A 8 256 300 1 2 3 . AQAB\n",
	    "t.zone:1: bad 8-bit number '256'\n");
	expect_error("k DNSKEY 257 3 13\n",
	    "t.zone:1: too few fields for DNSKEY\n");
}
END_TEST

/* ---- $GENERATE ---------------------------------------------------------- */

START_TEST(test_generate_forms)
{
	expect(
	    "$GENERATE 1-3 host$ A 192.0.2.$\n"
	    "$GENERATE 10-30/10 h${1,3} CNAME t${-1,2,x}.x${0,3,X}.y${0,0,X}\n"
	    "$GENERATE 8-9 o${0,3,o} 60 IN PTR p$.\n"
	    "$GENERATE 5-5 lit\\$$ IN 30 TXT \"cost \\$$ and $$\"\n"
	    "$GENERATE 1-2 @ MX $ mx$\n"
	    "$GENERATE 255-255 h${+1,0,d} A 192.0.2.$\n"
	    "$GENERATE 1-1 a\\.b$ TXT x\\\"$\n",
	    "1 host1.example.com 3600 A 192.0.2.1\n"
	    "1 host2.example.com 3600 A 192.0.2.2\n"
	    "1 host3.example.com 3600 A 192.0.2.3\n"
	    "2 h011.example.com 3600 CNAME t09.x00A.yA.example.com.\n"
	    "2 h021.example.com 3600 CNAME t13.x014.y14.example.com.\n"
	    "2 h031.example.com 3600 CNAME t1d.x01E.y1E.example.com.\n"
	    "3 o010.example.com 60 PTR p8.\n"
	    "3 o011.example.com 60 PTR p9.\n"
	    "4 lit$5.example.com 30 TXT \"cost $5 and $\"\n"
	    "5 example.com 30 MX 1 mx1.example.com.\n"
	    "5 example.com 30 MX 2 mx2.example.com.\n"
	    "6 h256.example.com 30 A 192.0.2.255\n"
	    "7 a\\.b1.example.com 30 TXT \"x\\\"1\"\n",
	    "", 0);
}
END_TEST

START_TEST(test_generate_owner_untouched)
{
	/* $GENERATE does not change the owner used by an indented line. */
	expect("a A 192.0.2.1\n"
	       "$GENERATE 1-1 g$ A 192.0.2.$\n"
	       "\tAAAA ::1\n",
	    "1 a.example.com 3600 A 192.0.2.1\n"
	    "2 g1.example.com 3600 A 192.0.2.1\n"
	    "3 a.example.com 3600 AAAA ::1\n",
	    "", 0);
}
END_TEST

START_TEST(test_generate_limits)
{
	struct rf_zf_opts o;
	struct result r;
	const char *text = "$GENERATE 1-5 h$ A 192.0.2.$\n"
			   "$GENERATE 1-4 g$ A 192.0.2.$\n";

	opts_init(&o, "example.com");
	o.max_generate = 4;
	result_init(&r);
	load_mem_opts(&r, text, strlen(text), &o);
	ck_assert_int_eq(r.count, 4);
	ck_assert_str_eq(r.errs.data,
	    "t.zone:1: $GENERATE range too large (5 records, max 4)\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);

	/* The default cap is 65536. */
	expect_error("$GENERATE 0-65536 h$ A 192.0.2.1\n",
	    "t.zone:1: $GENERATE range too large (65537 records, max 65536)\n");
	expect_error("$GENERATE 0-4294967295/2 h$ A 192.0.2.1\n",
	    "t.zone:1: $GENERATE range too large (2147483648 records, "
	    "max 65536)\n");
}
END_TEST

START_TEST(test_generate_errors)
{
	expect_error("$GENERATE 5-1 h$ A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE range '5-1'\n");
	expect_error("$GENERATE 1-5/0 h$ A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE range '1-5/0'\n");
	expect_error("$GENERATE 1 h$ A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE range '1'\n");
	expect_error("$GENERATE 1-x h$ A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE range '1-x'\n");
	expect_error("$GENERATE 1-2 h$ A\n",
	    "t.zone:1: $GENERATE takes a range, lhs, type and rhs\n");
	expect_error("$GENERATE 1-2 h$ 60 A\n",
	    "t.zone:1: $GENERATE takes a range, lhs, type and rhs\n");
	expect_error("$GENERATE 1-2 h${1,2,q} A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE modifier '${1,2,q}'\n");
	expect_error("$GENERATE 1-2 h${1,2 A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE modifier '${1,2'\n");
	expect_error("$GENERATE 1-2 h${} A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE modifier '${}'\n");
	expect_error("$GENERATE 1-2 h${0,256} A 192.0.2.1\n",
	    "t.zone:1: bad $GENERATE modifier '${0,256}'\n");
	expect_error("$GENERATE 1-2 h${-5} A 192.0.2.1\n",
	    "t.zone:1: $GENERATE value -4 is negative\n");
	expect_error("$GENERATE 1-2 h$ FOO 192.0.2.1\n",
	    "t.zone:1: unknown type 'FOO'\n");
	expect_error("$GENERATE 1-2 a..$ A 192.0.2.1\n",
	    "t.zone:1: bad owner name 'a..1'\n");
	expect_error("$GENERATE 1-2 \"h$\" A 192.0.2.1\n",
	    "t.zone:1: bad owner name '\"h$\"'\n");
	/* One mistake repeated by every step is reported once, and the
	 * steps before it are emitted. */
	expect("$GENERATE 254-258 h$ A 192.0.2.$\nok A 192.0.2.1\n",
	    "1 h254.example.com 3600 A 192.0.2.254\n"
	    "1 h255.example.com 3600 A 192.0.2.255\n"
	    "2 ok.example.com 3600 A 192.0.2.1\n",
	    "t.zone:1: bad IPv4 address '192.0.2.256'\n", 1);
}
END_TEST

/* ---- $INCLUDE ----------------------------------------------------------- */

START_TEST(test_include)
{
	struct rf_zf_opts o;
	struct result r;

	/* The include's origin is local to it, $ORIGIN inside it does not
	 * leak out, an included file starts without an owner while the
	 * parent keeps its own, and $TTL is global. */
	opts_init(&o, "ignored.example");
	result_init(&r);
	load_path_opts(&r, ZONES "main.zone", &o);
	ck_assert_str_eq(r.recs.data,
	    "main.zone:4 example.com 300 SOA ns.example.com. "
	    "hostmaster.example.com. 1 2 3 4 5\n"
	    "main.zone:5 www.example.com 300 A 192.0.2.1\n"
	    "inc/sub.zone:2 host.sub.example.com 300 A 192.0.2.2\n"
	    "inc/sub.zone:4 x.deeper.sub.example.com 300 CNAME "
	    "host.deeper.sub.example.com.\n"
	    "main.zone:7 www.example.com 60 TXT \"owner is still www\"\n"
	    "main.zone:8 after.example.com 60 A 192.0.2.9\n"
	    "inc/plain.zone:4 p.example.com 60 A 192.0.2.4\n"
	    "main.zone:10 end.example.com 60 MX 10 www.example.com.\n");
	ck_assert_str_eq(r.errs.data,
	    "inc/plain.zone:3: no previous owner name\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);
}
END_TEST

START_TEST(test_include_relative_dirs)
{
	struct rf_zf_opts o;
	struct result r;

	/* depth0.zone includes inc/deeper.zone, which includes
	 * ../depth2.zone relative to its own directory. */
	opts_init(&o, "example.com");
	result_init(&r);
	load_path_opts(&r, ZONES "depth0.zone", &o);
	ck_assert_str_eq(r.recs.data,
	    "inc/../depth2.zone:1 d2.example.com 3600 A 192.0.2.2\n");
	ck_assert_str_eq(r.errs.data, "");
	ck_assert_int_eq(r.rc, 0);
	result_fini(&r);

	/* load_mem resolves includes against the directory of its name. */
	result_init(&r);
	{
		struct rf_diag d;
		const char *text = "$INCLUDE depth2.zone\n";

		rf_diag_init(&d);
		r.with_file = true;
		r.rc = rf_zf_load_mem(ZONES "virtual.zone", text, strlen(text),
		    &o, collect, &r, &d);
		finish(&r, &d);
	}
	ck_assert_str_eq(r.recs.data,
	    "depth2.zone:1 d2.example.com 3600 A 192.0.2.2\n");
	ck_assert_int_eq(r.rc, 0);
	result_fini(&r);

	/* An absolute path is used as is, and escapes in the name are
	 * decoded (\104 is 'h'). */
	result_init(&r);
	{
		struct rf_diag d;
		const char *text = "$INCLUDE " ZONES "dept\\1042.zone\n"
				   "$INCLUDE \"" ZONES "inc/deeper.zone\"\n";

		rf_diag_init(&d);
		r.with_file = true;
		r.rc = rf_zf_load_mem("elsewhere/t.zone", text, strlen(text),
		    &o, collect, &r, &d);
		finish(&r, &d);
	}
	ck_assert_str_eq(r.recs.data,
	    "depth2.zone:1 d2.example.com 3600 A 192.0.2.2\n"
	    "inc/../depth2.zone:1 d2.example.com 3600 A 192.0.2.2\n");
	ck_assert_str_eq(r.errs.data, "");
	result_fini(&r);
}
END_TEST

START_TEST(test_include_depth)
{
	struct rf_zf_opts o;
	struct result r;

	/* loop.zone includes itself: the depth cap stops it. */
	opts_init(&o, "example.com");
	o.max_include_depth = 2;
	result_init(&r);
	load_path_opts(&r, ZONES "loop.zone", &o);
	ck_assert_str_eq(r.recs.data,
	    "loop.zone:1 l.example.com 3600 A 192.0.2.1\n"
	    "loop.zone:1 l.example.com 3600 A 192.0.2.1\n"
	    "loop.zone:1 l.example.com 3600 A 192.0.2.1\n");
	ck_assert_str_eq(r.errs.data,
	    "loop.zone:2: $INCLUDE nesting too deep (max 2)\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);

	/* Default 8: the file is read nine times. */
	opts_init(&o, "example.com");
	result_init(&r);
	load_path_opts(&r, ZONES "loop.zone", &o);
	ck_assert_int_eq(r.count, 9);
	ck_assert_str_eq(r.errs.data,
	    "loop.zone:2: $INCLUDE nesting too deep (max 8)\n");
	result_fini(&r);

	/* Depth 1 allows one level: depth0 -> inc/deeper, not further. */
	opts_init(&o, "example.com");
	o.max_include_depth = 1;
	result_init(&r);
	load_path_opts(&r, ZONES "depth0.zone", &o);
	ck_assert_str_eq(r.recs.data, "");
	ck_assert_str_eq(r.errs.data,
	    "inc/deeper.zone:1: $INCLUDE nesting too deep (max 1)\n");
	result_fini(&r);
}
END_TEST

START_TEST(test_include_errors)
{
	struct rf_zf_opts o;
	struct result r;

	opts_init(&o, "example.com");
	result_init(&r);
	load_path_opts(&r, ZONES "badinc.zone", &o);
	ck_assert_str_eq(r.recs.data,
	    "badinc.zone:2 ok.example.com 3600 A 192.0.2.1\n");
	ck_assert_str_eq(r.errs.data,
	    "badinc.zone:1: cannot open "
	    "'missing.zone': No such file or "
	    "directory\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);

	/* A missing top-level file is one error without a line. */
	result_init(&r);
	load_path_opts(&r, ZONES "no-such.zone", &o);
	ck_assert_str_eq(r.recs.data, "");
	ck_assert_str_eq(r.errs.data,
	    "no-such.zone: cannot open: No such file or directory\n");
	ck_assert_int_eq(r.rc, 1);
	result_fini(&r);

	/* A directory is not a zone file. */
	result_init(&r);
	load_path_opts(&r, RF_TEST_DATA "/zones", &o);
	ck_assert_str_eq(r.errs.data,
	    RF_TEST_DATA "/zones: cannot open: not a regular file\n");
	result_fini(&r);

	expect_error("$INCLUDE\n",
	    "t.zone:1: $INCLUDE takes a file name and "
	    "an optional origin\n");
	expect_error("$INCLUDE a b c\n",
	    "t.zone:1: $INCLUDE takes a file "
	    "name and an optional origin\n");
	expect_error("$INCLUDE x a..b\n", "t.zone:1: bad origin 'a..b'\n");
	expect_error("$INCLUDE a\\000b\n",
	    "t.zone:1: bad file name 'a\\000b'\n");
	expect_error("$INCLUDE \"\"\n", "t.zone:1: bad file name '\"\"'\n");
	expect_error("$INCLUDE a\\999\n", "t.zone:1: bad file name 'a\\999'\n");
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_directive_errors)
{
	expect_error("$ORIGIN\n", "t.zone:1: $ORIGIN takes one name\n");
	expect_error("$ORIGIN a b\n", "t.zone:1: $ORIGIN takes one name\n");
	expect_error("$ORIGIN a..b\n", "t.zone:1: bad origin 'a..b'\n");
	expect_error("$TTL\n", "t.zone:1: $TTL takes one value\n");
	expect_error("$TTL 1 2\n", "t.zone:1: $TTL takes one value\n");
	expect_error("$TTL 1y\n", "t.zone:1: bad TTL '1y'\n");
	/* RFC 2181 §8: a TTL never has its top bit set */
	expect_error("$TTL 2147483648\n",
	    "t.zone:1: $TTL '2147483648' is above 2147483647 (RFC 2181 §8)\n");
	expect_error("$FOO bar\n", "t.zone:1: unknown directive '$FOO'\n");
	/* An indented $TTL is not a directive. */
	expect("a A 192.0.2.1\n  $TTL 5\n",
	    "1 a.example.com 3600 A 192.0.2.1\n",
	    "t.zone:2: unknown type '$TTL'\n", 1);
}
END_TEST

START_TEST(test_record_errors)
{
	expect_error("a FOO 1\n", "t.zone:1: unknown type 'FOO'\n");
	expect_error("a IN \"A\" 1\n", "t.zone:1: unknown type '\"A\"'\n");
	expect_error("a CH A 192.0.2.1\n",
	    "t.zone:1: unsupported class 'CH'\n");
	expect_error("a 60 hs A 192.0.2.1\n",
	    "t.zone:1: unsupported class 'hs'\n");
	expect_error("a CLASS3 A 192.0.2.1\n",
	    "t.zone:1: unsupported class 'CLASS3'\n");
	expect_content("a CLASS1 A 192.0.2.1\n", "192.0.2.1");
	expect_error("a 1x A 192.0.2.1\n", "t.zone:1: bad TTL '1x'\n");
	expect_error("a 4294967295 A 192.0.2.1\n",
	    "t.zone:1: TTL '4294967295' is above 2147483647 (RFC 2181 §8)\n");
	expect_content("a 2147483647 A 192.0.2.1\n", "192.0.2.1");
	expect_error("a 60 IN\n", "t.zone:1: missing type\n");
	expect_error("a\n", "t.zone:1: missing type\n");
	expect_error("a 60 60 A 192.0.2.1\n", "t.zone:1: unknown type '60'\n");
	expect_error(" A 192.0.2.1\n", "t.zone:1: no previous owner name\n");
	expect_error("a..b A 192.0.2.1\n", "t.zone:1: bad owner name 'a..b'\n");
	expect_error("\"a\" A 192.0.2.1\n",
	    "t.zone:1: bad owner name '\"a\"'\n");
	expect_error("c CNAME a..b\n", "t.zone:1: bad name 'a..b'\n");
	expect_error("c CNAME \"x\"\n", "t.zone:1: bad name '\"x\"'\n");
	expect_error("c CNAME a\\0\n", "t.zone:1: bad name 'a\\0'\n");
}
END_TEST

START_TEST(test_name_limits)
{
	char text[1024], label63[64], label64[65];
	char expect_rec[1024], expect_err[1024];

	memset(label63, 'a', 63);
	label63[63] = '\0';
	memset(label64, 'b', 64);
	label64[64] = '\0';

	snprintf(text, sizeof(text), "%s A 192.0.2.1\n", label63);
	snprintf(expect_rec, sizeof(expect_rec),
	    "1 %s.example.com 3600 A 192.0.2.1\n", label63);
	expect(text, expect_rec, "", 0);

	snprintf(text, sizeof(text), "%s A 192.0.2.1\n", label64);
	snprintf(expect_err, sizeof(expect_err),
	    "t.zone:1: bad owner name '%s'\n", label64);
	expect_error(text, expect_err);

	/* 255 bytes on the wire is the limit, including the origin:
	 * 3 * 64 + 50 + 13 ("example.com") = 255. */
	snprintf(text, sizeof(text), "c CNAME %s.%s.%s.%.49s\n", label63,
	    label63, label63, label63);
	snprintf(expect_rec, sizeof(expect_rec),
	    "1 c.example.com 3600 CNAME %s.%s.%s.%.49s.example.com.\n", label63,
	    label63, label63, label63);
	expect(text, expect_rec, "", 0);
	snprintf(text, sizeof(text), "c CNAME %s.%s.%s.%.50s\n", label63,
	    label63, label63, label63);
	snprintf(expect_err, sizeof(expect_err),
	    "t.zone:1: bad name '%s....'\n", label63);
	expect_error(text, expect_err);
	/* Many short labels must be refused without overrunning anything. */
	{
		char big[4096];
		size_t i;

		memcpy(big, "x CNAME ", 8);
		/* 2000 characters: under the reader's own length cap, so
		 * rf_name_canon sees it. */
		for (i = 0; i < 1000; i++) {
			big[8 + 2 * i] = 'a';
			big[9 + 2 * i] = '.';
		}
		memcpy(big + 8 + 2000, "\n", 2);
		expect_error(big,
		    "t.zone:1: bad name 'a.a.a.a.a.a.a.a.a.a.a.a."
		    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
		    "...'\n");
	}
}
END_TEST

START_TEST(test_lexical_errors)
{
	/* The error is on the line where the record starts, and the record
	 * is skipped to its end. */
	expect("a TXT \"open\n"
	       "b A 192.0.2.2\n",
	    "2 b.example.com 3600 A 192.0.2.2\n",
	    "t.zone:1: unterminated quoted string\n", 1);
	expect("a A 192.0.2.1 )\n"
	       "b A 192.0.2.2\n",
	    "2 b.example.com 3600 A 192.0.2.2\n",
	    "t.zone:1: unexpected closing parenthesis\n", 1);
	expect("x A 192.0.2.1\n"
	       "a TXT ( \"x\"\n"
	       "   \"y\n"
	       "   \"z\" )\n"
	       "b A 192.0.2.2\n",
	    "1 x.example.com 3600 A 192.0.2.1\n"
	    "5 b.example.com 3600 A 192.0.2.2\n",
	    "t.zone:2: unterminated quoted string\n", 1);
	expect("a A 192.0.2.1\n"
	       "b SOA ( ns host\n"
	       "  1 2 3 4 5\n",
	    "1 a.example.com 3600 A 192.0.2.1\n",
	    "t.zone:2: missing closing parenthesis\n", 1);
	expect("a TXT abc\\\n"
	       "b A 192.0.2.2\n",
	    "2 b.example.com 3600 A 192.0.2.2\n",
	    "t.zone:1: backslash at end of line\n", 1);
	expect_error("a TXT abc\\", "t.zone:1: backslash at end of line\n");
	expect_error("a TXT \"abc\\\"",
	    "t.zone:1: unterminated quoted string\n");
	/* Only the first problem of a record is reported. */
	expect_error("a TXT ) \"x\n",
	    "t.zone:1: unexpected closing "
	    "parenthesis\n");
}
END_TEST

START_TEST(test_errors_keep_going)
{
	/* Each bad record is reported with its own (start) line, and every
	 * good record around it is still emitted. */
	expect("a A 192.0.2.1\n"
	       "b A 300.0.0.1\n"
	       "c MX ( 10\n"
	       "   mail ) \n"
	       "d MX ( 10\n"
	       "   a..b )\n"
	       "\tA 192.0.2.4\n"
	       "e FOO bar\n"
	       "\n"
	       "f AAAA ::1\n"
	       "g..x A 192.0.2.7\n"
	       "\tA 192.0.2.8\n"
	       "h A 192.0.2.9\n",
	    "1 a.example.com 3600 A 192.0.2.1\n"
	    "3 c.example.com 3600 MX 10 mail.example.com.\n"
	    "7 d.example.com 3600 A 192.0.2.4\n"
	    "10 f.example.com 3600 AAAA ::1\n"
	    "13 h.example.com 3600 A 192.0.2.9\n",
	    "t.zone:2: bad IPv4 address '300.0.0.1'\n"
	    "t.zone:5: bad name 'a..b'\n"
	    "t.zone:8: unknown type 'FOO'\n"
	    "t.zone:11: bad owner name 'g..x'\n"
	    "t.zone:12: no previous owner name\n",
	    5);
}
END_TEST

START_TEST(test_token_cap)
{
	struct result r;
	struct rf_buf text;
	size_t i;

	/* A lost parenthesis must not let one record grow without bound:
	 * past 131072 fields the record is refused, and reading goes on. */
	rf_buf_init(&text);
	rf_buf_adds(&text, "t TXT (");
	for (i = 0; i < 131072; i++)
		rf_buf_adds(&text, " x");
	rf_buf_adds(&text, " )\nok A 192.0.2.1\n");
	result_init(&r);
	load(&r, rf_buf_cstr(&text));
	ck_assert_str_eq(r.recs.data, "2 ok.example.com 3600 A 192.0.2.1\n");
	ck_assert_str_eq(r.errs.data, "t.zone:1: record has too many fields\n");
	result_fini(&r);
	rf_buf_fini(&text);
}
END_TEST

START_TEST(test_show_is_bounded)
{
	/* Diagnostics show control bytes as \DDD and cut long tokens. */
	expect_error("a A 1\x01\n", "t.zone:1: bad IPv4 address '1\\001'\n");
	expect_error(
	    "a FOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO"
	    "OOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO 1\n",
	    "t.zone:1: unknown type 'FOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO"
	    "OOOOOOOOOOOO"
	    "OOOOOOOOOOOOOOOOOOOOO...'\n");
}
END_TEST

START_TEST(test_callback_stop)
{
	struct rf_zf_opts o;
	struct result r;
	const char *text = "a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n"
			   "$GENERATE 1-9 g$ A 192.0.2.$\n";

	opts_init(&o, "example.com");
	result_init(&r);
	r.stop_after = 2;
	load_mem_opts(&r, text, strlen(text), &o);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.count, 2);
	result_fini(&r);

	/* ... also inside $GENERATE */
	result_init(&r);
	r.stop_after = 5;
	load_mem_opts(&r, text, strlen(text), &o);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.count, 5);
	result_fini(&r);

	/* ... and inside an $INCLUDE, which must not carry on after. */
	result_init(&r);
	r.stop_after = 3;
	load_path_opts(&r, ZONES "main.zone", &o);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.count, 3);
	result_fini(&r);
}
END_TEST

START_TEST(test_no_callback)
{
	struct rf_zf_opts o;
	struct rf_diag d;

	/* A NULL callback only checks the file. */
	opts_init(&o, "example.com");
	rf_diag_init(&d);
	ck_assert_int_eq(rf_zf_load_mem("t.zone", "a A 1\nb A 192.0.2.1\n", 20,
			     &o, NULL, NULL, &d),
	    1);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], "t.zone:1: bad IPv4 address '1'");
	rf_diag_fini(&d);
}
END_TEST

Suite *
zonefile_suite(void)
{
	Suite *s = suite_create("zonefile");
	TCase *tc;

	tc = tcase_create("records");
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_owner_forms);
	tcase_add_test(tc, test_rdata_names);
	tcase_add_test(tc, test_root_origin);
	tcase_add_test(tc, test_origin_option_checked);
	tcase_add_test(tc, test_origin_directive);
	tcase_add_test(tc, test_ttl_defaults);
	tcase_add_test(tc, test_parse_ttl);
	tcase_add_test(tc, test_type_mnemonics);
	suite_add_tcase(s, tc);

	tc = tcase_create("lexical");
	tcase_add_test(tc, test_parentheses);
	tcase_add_test(tc, test_comments_and_blank_lines);
	tcase_add_test(tc, test_quoted_strings);
	tcase_add_test(tc, test_crlf_and_last_line);
	tcase_add_test(tc, test_length_honoured);
	suite_add_tcase(s, tc);

	tc = tcase_create("shapes");
	tcase_add_test(tc, test_shape_numbers);
	tcase_add_test(tc, test_shape_addresses);
	tcase_add_test(tc, test_shape_strings_and_tokens);
	tcase_add_test(tc, test_shape_gateway);
	tcase_add_test(tc, test_ipseckey_no_gateway);
	tcase_add_test(tc, test_cert_mnemonics);
	tcase_add_test(tc, test_dnssec_mnemonics);
	tcase_add_test(tc, test_field_counts);
	tcase_add_test(tc, test_meta_types);
	tcase_add_test(tc, test_rfc3597_unknown);
	tcase_add_test(tc, test_rfc3597_known);
	tcase_add_test(tc, test_rfc3597_round_trip);
	tcase_add_test(tc, test_rfc3597_every_known_type);
	tcase_add_test(tc, test_rfc3597_malformed);
	tcase_add_test(tc, test_rfc3597_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("directives");
	tcase_add_test(tc, test_generate_forms);
	tcase_add_test(tc, test_generate_owner_untouched);
	tcase_add_test(tc, test_generate_limits);
	tcase_add_test(tc, test_generate_errors);
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_include_relative_dirs);
	tcase_add_test(tc, test_include_depth);
	tcase_add_test(tc, test_include_errors);
	tcase_add_test(tc, test_directive_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_record_errors);
	tcase_add_test(tc, test_name_limits);
	tcase_add_test(tc, test_lexical_errors);
	tcase_add_test(tc, test_errors_keep_going);
	tcase_add_test(tc, test_token_cap);
	tcase_add_test(tc, test_show_is_bounded);
	tcase_add_test(tc, test_callback_stop);
	tcase_add_test(tc, test_no_callback);
	suite_add_tcase(s, tc);
	return s;
}
