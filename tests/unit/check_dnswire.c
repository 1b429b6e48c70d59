/*
 * Unit tests for lib/dnswire.c: the bounded message reader, names and
 * compression, the content form of every record type, and the query
 * writer.  Packets are built by hand, byte by byte; the expected texts
 * are the ones pdns 4.7.3 prints for the same data (checked with sdig),
 * except where a comment says otherwise.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/dnswire.h"
#include "lib/rrtype.h"

/* ---- packet building ---------------------------------------------------- */

#define PK_MAX 70000

struct pk {
	uint8_t b[PK_MAX];
	size_t len;
	size_t rdlen_at;
};

static void
pk_u8(struct pk *p, unsigned v)
{
	ck_assert_uint_lt(p->len, PK_MAX);
	p->b[p->len++] = (uint8_t)v;
}

static void
pk_u16(struct pk *p, unsigned v)
{
	pk_u8(p, v >> 8 & 0xff);
	pk_u8(p, v & 0xff);
}

static void
pk_u32(struct pk *p, uint32_t v)
{
	pk_u16(p, v >> 16);
	pk_u16(p, v & 0xffff);
}

static void
pk_raw(struct pk *p, const void *d, size_t n)
{
	if (n == 0)
		return;
	ck_assert_uint_le(p->len + n, PK_MAX);
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

/* Plain dotted name ("" is the root), uncompressed. */
static void
pk_name(struct pk *p, const char *s)
{
	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t n = dot != NULL ? (size_t)(dot - s) : strlen(s);

		pk_u8(p, (unsigned)n);
		pk_raw(p, s, n);
		s += n;
		if (*s == '.')
			s++;
	}
	pk_u8(p, 0);
}

static void
pk_hdr(struct pk *p, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	p->len = 0;
	pk_u16(p, 0xbeef);
	pk_u16(p, 0x8180);
	pk_u16(p, qd);
	pk_u16(p, an);
	pk_u16(p, ns);
	pk_u16(p, ar);
}

/* Record header with the owner already written; rdlen patched later. */
static void
pk_rr_fixed(struct pk *p, unsigned type, uint32_t ttl)
{
	pk_u16(p, type);
	pk_u16(p, 1);
	pk_u32(p, ttl);
	p->rdlen_at = p->len;
	pk_u16(p, 0);
}

static void
pk_rr_end(struct pk *p)
{
	size_t n = p->len - p->rdlen_at - 2;

	p->b[p->rdlen_at] = (uint8_t)(n >> 8);
	p->b[p->rdlen_at + 1] = (uint8_t)n;
}

/*
 * The packet render() builds: a question for example.com at offset 12,
 * one answer owned by a pointer to it, rdata at offset 41.  A pointer
 * 0xc0 0x0c inside rdata therefore means "example.com.".
 */
#define QNAME_OFF 12
#define RDATA_OFF 41

static struct pk pkt;
static char result[4 * PK_MAX];

static void
check_pipe_safe(const char *s, size_t n)
{
	size_t i;

	/* Content goes on a PIPE line: no TAB, newline or other control
	 * byte may ever appear, nor anything above 0x7e. */
	for (i = 0; i < n; i++) {
		ck_assert_msg((unsigned char)s[i] >= 0x20 &&
			(unsigned char)s[i] < 0x7f,
		    "byte 0x%02x at %zu in '%.*s'", (unsigned char)s[i], i,
		    (int)n, s);
	}
}

/*
 * Render the rdata of the first answer of pkt after a prefix already in
 * the buffer.  On success return the text added; on failure check that
 * the buffer was left exactly as it was and return NULL.
 */
static const char *
render_pkt(void)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	struct rf_buf b;
	int rc;

	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	rf_buf_init(&b);
	rf_buf_adds(&b, "pre:");
	rc = rf_wire_rdata_to_text(&m, &rr, &b);
	if (rc != 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert_uint_eq(b.len, 4);
		ck_assert(memcmp(b.data, "pre:", 4) == 0);
		rf_buf_fini(&b);
		return NULL;
	}
	ck_assert_uint_ge(b.len, 4);
	ck_assert(memcmp(b.data, "pre:", 4) == 0);
	check_pipe_safe(b.data + 4, b.len - 4);
	memcpy(result, b.data + 4, b.len - 4);
	result[b.len - 4] = '\0';
	rf_buf_fini(&b);
	return result;
}

static const char *
render(unsigned type, const void *rdata, size_t n)
{
	pk_hdr(&pkt, 1, 1, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u16(&pkt, type);
	pk_u16(&pkt, 1);
	pk_u16(&pkt, 0xc00c);
	pk_rr_fixed(&pkt, type, 300);
	ck_assert_uint_eq(pkt.len, RDATA_OFF);
	pk_raw(&pkt, rdata, n);
	pk_rr_end(&pkt);
	return render_pkt();
}

/* rdata as bytes or as a string literal (which may hold \0). */
#define RB(type, ...)                                                          \
	render(type, (const uint8_t[]){ __VA_ARGS__ },                         \
	    sizeof((const uint8_t[]){ __VA_ARGS__ }))
#define RS(type, lit) render(type, lit, sizeof(lit) - 1)

#define ck_render(got, want)                                                   \
	do {                                                                   \
		const char *got_ = (got);                                      \
		ck_assert_msg(got_ != NULL, "render failed, want '%s'", want); \
		ck_assert_str_eq(got_, want);                                  \
	} while (0)
#define ck_render_fails(got) ck_assert_ptr_null(got)

/*
 * The tests lay packet bytes out by hand, splitting string literals where
 * a hex escape would swallow the next character; clang-format would give
 * every piece a line of its own.
 */
/* clang-format off */

/* ---- header, question, records ----------------------------------------- */

START_TEST(test_query_bytes)
{
	static const uint8_t want_plain[] = { 0x12, 0x34, 0x01, 0x00, 0, 1,
		0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 3, 'c', 'o', 'm', 0, 0, 28, 0, 1 };
	static const uint8_t want_edns[] = { 0xab, 0xcd, 0x00, 0x00, 0, 1,
		0, 0, 0, 0, 0, 1, 0, 0, 15, 0, 1, 0, 0, 41, 0x04, 0xd0, 0, 0,
		0, 0, 0, 0 };
	uint8_t out[512];
	int n;

	n = rf_wire_write_query(out, sizeof(out), 0x1234, "www.example.com",
	    15, 28, true, 0);
	ck_assert_int_eq(n, (int)sizeof(want_plain));
	ck_assert(memcmp(out, want_plain, sizeof(want_plain)) == 0);

	/* The root, no RD, EDNS0 with 1232 bytes and no DO bit. */
	n = rf_wire_write_query(out, sizeof(out), 0xabcd, ".", 1, 15, false,
	    1232);
	ck_assert_int_eq(n, (int)sizeof(want_edns));
	ck_assert(memcmp(out, want_edns, sizeof(want_edns)) == 0);

	/* A raw byte stands for itself, as its escape does. */
	n = rf_wire_write_query(out, sizeof(out), 1, "a b", 3, 1, true, 0);
	ck_assert_int_eq(n, 12 + 5 + 4);
	ck_assert(memcmp(out + 12, "\x03" "a b\x00", 5) == 0);

	/* A trailing dot and escapes are accepted. */
	n = rf_wire_write_query(out, sizeof(out), 1, "a\\.b\\032.c.", 11, 1,
	    true, 0);
	ck_assert_int_eq(n, 12 + 8 + 4);
	ck_assert(memcmp(out + 12, "\x04" "a.b \x01" "c\x00", 8) == 0);
}
END_TEST

START_TEST(test_query_errors)
{
	char l64[70], big[400], huge[2001];
	uint8_t out[600];
	size_t i;

	memset(l64, 'a', 64);
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, l64, 64, 1,
			     true, 0),
	    -1);
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, "a..b", 4,
			     1, true, 0),
	    -1);
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, "a\\", 2,
			     1, true, 0),
	    -1);

	/* 4 x 63 bytes: 257 on the wire. */
	memset(big, 'a', sizeof(big));
	big[63] = big[127] = big[191] = '.';
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, big, 255,
			     1, true, 0),
	    -1);
	/* 3 x 63 + 61 = 255 fits. */
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, big, 253,
			     1, true, 0),
	    12 + 255 + 4);
	/* Too long as text (a.a.a...: valid labels, far too many), and
	 * too small a buffer. */
	for (i = 0; i < sizeof(huge); i++)
		huge[i] = i % 2 == 0 ? 'a' : '.';
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, huge,
			     sizeof(huge), 1, true, 0),
	    -1);
	ck_assert_int_eq(rf_wire_write_query(out, sizeof(out), 1, huge, 1023,
			     1, true, 0),
	    -1);
	ck_assert_int_eq(rf_wire_write_query(out, 28, 1, "example.com", 11, 1,
			     true, 0),
	    -1);
	ck_assert_int_eq(rf_wire_write_query(out, 29, 1, "example.com", 11, 1,
			     true, 0),
	    29);
	ck_assert_int_eq(rf_wire_write_query(out, 39, 1, "example.com", 11, 1,
			     true, 512),
	    -1);
}
END_TEST

START_TEST(test_query_round_trip)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	uint8_t out[512];
	int n;

	n = rf_wire_write_query(out, sizeof(out), 0x4242, "Mail.Example.COM",
	    16, 15, true, 1232);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(rf_wire_parse(out, (size_t)n, &m), 0);
	ck_assert_uint_eq(m.id, 0x4242);
	ck_assert_uint_eq(m.flags, RF_WIRE_RD);
	ck_assert_uint_eq(m.rcode, 0);
	ck_assert_uint_eq(m.qdcount, 1);
	ck_assert_uint_eq(m.ancount, 0);
	ck_assert_uint_eq(m.nscount, 0);
	ck_assert_uint_eq(m.arcount, 1);
	/* The writer goes through the canonical (lowercase) form. */
	ck_assert_str_eq(m.qname, "mail.example.com.");
	ck_assert_uint_eq(m.qname_len, 17);
	ck_assert_uint_eq(m.qtype, 15);
	ck_assert_uint_eq(m.qclass, 1);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_str_eq(rr.name, ".");
	ck_assert_uint_eq(rr.name_len, 1);
	ck_assert_uint_eq(rr.type, 41);
	ck_assert_uint_eq(rr.rclass, 1232);
	ck_assert_uint_eq(rr.ttl, 0);
	ck_assert_uint_eq(rr.rdlen, 0);
	ck_assert_int_eq(rr.section, RF_SEC_ADDITIONAL);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 0);

	/* Without EDNS there is nothing after the question. */
	n = rf_wire_write_query(out, sizeof(out), 7, "example.com.", 12, 1,
	    false, 0);
	ck_assert_int_eq(rf_wire_parse(out, (size_t)n, &m), 0);
	ck_assert_uint_eq(m.flags, 0);
	ck_assert_uint_eq(m.arcount, 0);
	ck_assert_str_eq(m.qname, "example.com.");
	ck_assert_int_eq(rf_wire_next(&m, &rr), 0);
}
END_TEST

START_TEST(test_sections)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	size_t soa_rd;

	pk_hdr(&pkt, 1, 2, 1, 1);
	pkt.b[3] = 0x83; /* RA, NXDOMAIN */
	pk_name(&pkt, "Example.COM");
	pk_u16(&pkt, 1);
	pk_u16(&pkt, 1);
	pk_u16(&pkt, 0xc00c);
	pk_rr_fixed(&pkt, 1, 60);
	pk_raw(&pkt, "\xc0\x00\x02\x01", 4);
	pk_rr_end(&pkt);
	pk_u16(&pkt, 0xc00c);
	pk_rr_fixed(&pkt, 28, 0x7fffffff);
	pk_raw(&pkt, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	pk_rr_end(&pkt);
	pk_name(&pkt, "");
	pk_rr_fixed(&pkt, 6, 3600);
	soa_rd = pkt.len;
	pk_raw(&pkt, "\x02ns\xc0\x0c\x02hm\xc0\x0c", 10);
	pk_u32(&pkt, 1);
	pk_u32(&pkt, 2);
	pk_u32(&pkt, 3);
	pk_u32(&pkt, 4);
	pk_u32(&pkt, 5);
	pk_rr_end(&pkt);
	/* An additional record owned by a name inside the SOA rdata. */
	pk_u16(&pkt, 0xc000 | (unsigned)soa_rd);
	pk_rr_fixed(&pkt, 1, 0x80000000);
	pk_raw(&pkt, "\x0a\x00\x00\x01", 4);
	pk_rr_end(&pkt);

	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_uint_eq(m.id, 0xbeef);
	ck_assert_uint_eq(m.flags, 0x8183);
	ck_assert_uint_eq(m.rcode, RF_RCODE_NXDOMAIN);
	ck_assert_str_eq(m.qname, "Example.COM.");

	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_int_eq(rr.section, RF_SEC_ANSWER);
	ck_assert_str_eq(rr.name, "Example.COM.");
	ck_assert_uint_eq(rr.name_len, 12);
	ck_assert_uint_eq(rr.type, 1);
	ck_assert_uint_eq(rr.rclass, 1);
	ck_assert_uint_eq(rr.ttl, 60);
	ck_assert_uint_eq(rr.rdlen, 4);
	ck_assert_uint_eq(rr.rdata_off, 41);
	ck_assert_ptr_eq(rr.rdata, pkt.b + 41);

	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_int_eq(rr.section, RF_SEC_ANSWER);
	ck_assert_uint_eq(rr.type, 28);
	ck_assert_uint_eq(rr.ttl, 0x7fffffff);

	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_int_eq(rr.section, RF_SEC_AUTHORITY);
	ck_assert_str_eq(rr.name, ".");
	ck_assert_uint_eq(rr.type, 6);

	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_int_eq(rr.section, RF_SEC_ADDITIONAL);
	ck_assert_str_eq(rr.name, "ns.Example.COM.");
	/* RFC 2181 §8: a TTL with the top bit set counts as zero. */
	ck_assert_uint_eq(rr.ttl, 0);

	ck_assert_int_eq(rf_wire_next(&m, &rr), 0);
	ck_assert_uint_eq(m.seen, 4);
	ck_assert_uint_eq(m.pos, pkt.len);
}
END_TEST

START_TEST(test_no_question)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;

	pk_hdr(&pkt, 0, 1, 0, 0);
	pk_name(&pkt, "a");
	pk_rr_fixed(&pkt, 1, 1);
	pk_raw(&pkt, "\x01\x02\x03\x04", 4);
	pk_rr_end(&pkt);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_uint_eq(m.qname_len, 0);
	ck_assert_str_eq(m.qname, "");
	ck_assert_uint_eq(m.qtype, 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_str_eq(rr.name, "a.");

	/* Two questions: the first is kept, both are skipped. */
	pk_hdr(&pkt, 2, 1, 0, 0);
	pk_name(&pkt, "first");
	pk_u16(&pkt, 1);
	pk_u16(&pkt, 1);
	pk_name(&pkt, "second");
	pk_u16(&pkt, 2);
	pk_u16(&pkt, 1);
	pk_u16(&pkt, 0xc000 | 23);
	pk_rr_fixed(&pkt, 1, 1);
	pk_raw(&pkt, "\x01\x02\x03\x04", 4);
	pk_rr_end(&pkt);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_str_eq(m.qname, "first.");
	ck_assert_uint_eq(m.qtype, 1);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_str_eq(rr.name, "second.");
}
END_TEST

START_TEST(test_bad_messages)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	size_t full;

	ck_assert_int_eq(rf_wire_parse(pkt.b, 0, &m), -1);
	pk_hdr(&pkt, 0, 0, 0, 0);
	ck_assert_int_eq(rf_wire_parse(pkt.b, 11, &m), -1);
	ck_assert_int_eq(rf_wire_parse(pkt.b, 12, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 0);

	/* Counts that cannot fit in the packet. */
	pk_hdr(&pkt, 1, 65535, 65535, 65535);
	pk_name(&pkt, "example.com");
	pk_u32(&pkt, 0x00010001);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), -1);
	pk_hdr(&pkt, 3, 0, 0, 0);
	pk_name(&pkt, "a");
	pk_u32(&pkt, 0x00010001);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), -1);
	/* Truncated question. */
	pk_hdr(&pkt, 1, 0, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u16(&pkt, 1);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), -1);
	pk_u16(&pkt, 1);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);

	/* The record count fits the minimum but the records are not all
	 * there: the first is read, the second is an error, and stays
	 * one. */
	pk_hdr(&pkt, 1, 2, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u32(&pkt, 0x00010001);
	pk_u16(&pkt, 0xc00c);
	pk_rr_fixed(&pkt, 1, 1);
	pk_raw(&pkt, "\x01\x02\x03\x04", 4);
	pk_rr_end(&pkt);
	full = pkt.len;
	pk_raw(&pkt, "\xc0\x0c\x00\x01\x00", 5);
	pk_raw(&pkt, "\0\0\0\0\0\0\0\0\0\0", 10);
	ck_assert_int_eq(rf_wire_parse(pkt.b, full + 11, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	ck_assert_int_eq(rf_wire_next(&m, &rr), -1);
	ck_assert_int_eq(rf_wire_next(&m, &rr), -1);

	/* RDLENGTH beyond the end. */
	pk_hdr(&pkt, 1, 1, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u32(&pkt, 0x00010001);
	pk_u16(&pkt, 0xc00c);
	pk_rr_fixed(&pkt, 1, 1);
	pk_raw(&pkt, "\x01\x02\x03\x04", 4);
	pk_rr_end(&pkt);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len - 1, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), -1);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	/* Fixed fields cut short. */
	ck_assert_int_eq(rf_wire_parse(pkt.b, 29 + 11, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), -1);
}
END_TEST

/* ---- names -------------------------------------------------------------- */

/* Read the name at off in pkt; NULL if malformed. */
static const char *
read_at(size_t off, size_t *end)
{
	static char out[RF_NAME_TEXT_MAX + 2];
	size_t len = 12345, pos = off;

	if (rf_wire_read_name(pkt.b, pkt.len, &pos, out, &len) < 0) {
		ck_assert_uint_eq(pos, off);
		return NULL;
	}
	ck_assert_uint_eq(len, strlen(out));
	if (end != NULL)
		*end = pos;
	return out;
}

START_TEST(test_names)
{
	size_t end;

	pkt.len = 0;
	pk_raw(&pkt, "\x03" "www\x07" "Example\x03" "COM\x00", 17);
	pk_raw(&pkt, "\x04mail\xc0\x04", 7);  /* 17: mail.Example.COM */
	pk_raw(&pkt, "\xc0\x11", 2);          /* 24: -> 17 */
	pk_raw(&pkt, "\x00", 1);              /* 26: root */
	pk_raw(&pkt, "\x03" "a.b\x02" "\\\"\x00", 9); /* 27 */
	pk_raw(&pkt, "\x04" "\x00\x20\x7f\xff\x00", 6); /* 36 */
	ck_assert_str_eq(read_at(0, &end), "www.Example.COM.");
	ck_assert_uint_eq(end, 17);
	ck_assert_str_eq(read_at(4, &end), "Example.COM.");
	ck_assert_str_eq(read_at(17, &end), "mail.Example.COM.");
	ck_assert_uint_eq(end, 24);
	ck_assert_str_eq(read_at(24, &end), "mail.Example.COM.");
	ck_assert_uint_eq(end, 26);
	ck_assert_str_eq(read_at(26, &end), ".");
	ck_assert_uint_eq(end, 27);
	/* Escapes as lib/name.h writes them. */
	ck_assert_str_eq(read_at(27, &end), "a\\.b.\\\\\".");
	ck_assert_str_eq(read_at(36, &end), "\\000\\032\\127\\255.");
	ck_assert_uint_eq(end, 42);
}
END_TEST

START_TEST(test_name_errors)
{
	pkt.len = 0;
	pk_raw(&pkt, "\x03www\x00", 5);
	pk_raw(&pkt, "\xc0\x05", 2);          /* 5: points at itself */
	pk_raw(&pkt, "\xc0\x09", 2);          /* 7: points forward */
	pk_raw(&pkt, "\xc0\x07", 2);          /* 9: -> 7 -> 9, forward */
	pk_raw(&pkt, "\x01x\xc0\x0b", 4);     /* 11: label, then itself */
	pk_raw(&pkt, "\xff\xff", 2);          /* 15: out of the packet */
	pk_raw(&pkt, "\x41" "a", 2);          /* 17: 0x40 label type */
	pk_raw(&pkt, "\x81" "a", 2);          /* 19: 0x80 label type */
	pk_raw(&pkt, "\x03" "ab", 3);         /* 21: label runs off */
	ck_assert_ptr_null(read_at(5, NULL));
	ck_assert_ptr_null(read_at(7, NULL));
	ck_assert_ptr_null(read_at(9, NULL));
	ck_assert_ptr_null(read_at(11, NULL));
	ck_assert_ptr_null(read_at(15, NULL));
	ck_assert_ptr_null(read_at(17, NULL));
	ck_assert_ptr_null(read_at(19, NULL));
	ck_assert_ptr_null(read_at(21, NULL));
	ck_assert_ptr_null(read_at(24, NULL)); /* at the end */
	ck_assert_ptr_null(read_at(1000, NULL));
	/* The reserved label types with room for the "label" they would
	 * be if taken as lengths: still refused. */
	pkt.len = 0;
	pk_u8(&pkt, 0x41);
	while (pkt.len < 1 + 65)
		pk_u8(&pkt, 'a');
	pk_u8(&pkt, 0);
	ck_assert_ptr_null(read_at(0, NULL));
	pkt.len = 0;
	pk_u8(&pkt, 0x81);
	while (pkt.len < 1 + 129)
		pk_u8(&pkt, 'a');
	pk_u8(&pkt, 0);
	ck_assert_ptr_null(read_at(0, NULL));
	/* A pointer cut in half, and a name with no root label. */
	pkt.len = 0;
	pk_raw(&pkt, "\x01" "a\xc0", 3);
	ck_assert_ptr_null(read_at(0, NULL));
	pkt.len = 0;
	pk_raw(&pkt, "\x01" "a\x01" "b", 4);
	ck_assert_ptr_null(read_at(0, NULL));
}
END_TEST

START_TEST(test_name_lengths)
{
	size_t i, end;

	/* RFC 1035 §2.3.4: a label of 63 is fine, 64 is a 0x40 type. */
	pkt.len = 0;
	pk_u8(&pkt, 63);
	for (i = 0; i < 63; i++)
		pk_u8(&pkt, 'a');
	pk_u8(&pkt, 0);
	ck_assert_ptr_nonnull(read_at(0, NULL));
	pkt.b[0] = 64;
	ck_assert_ptr_null(read_at(0, NULL));

	/* 3 x 63 + 61: exactly 255 bytes. */
	pkt.len = 0;
	for (i = 0; i < 3; i++) {
		pk_u8(&pkt, 63);
		while (pkt.len % 64 != 0)
			pk_u8(&pkt, 'a');
	}
	pk_u8(&pkt, 61);
	for (i = 0; i < 61; i++)
		pk_u8(&pkt, 'b');
	pk_u8(&pkt, 0);
	ck_assert_uint_eq(pkt.len, 255);
	ck_assert_ptr_nonnull(read_at(0, &end));
	ck_assert_uint_eq(end, 255);
	/* One more byte in the last label: 256. */
	pkt.b[192] = 62;
	pkt.b[254] = 'b';
	pkt.b[255] = 0;
	pkt.len = 256;
	ck_assert_ptr_null(read_at(0, NULL));

	/* Text of the longest name: every byte escaped. */
	pkt.len = 0;
	for (i = 0; i < 3; i++) {
		pk_u8(&pkt, 63);
		while (pkt.len % 64 != 0)
			pk_u8(&pkt, 0xff);
	}
	pk_u8(&pkt, 61);
	for (i = 0; i < 61; i++)
		pk_u8(&pkt, 0x01);
	pk_u8(&pkt, 0);
	ck_assert_uint_eq(strlen(read_at(0, NULL)), 250 * 4 + 4);
}
END_TEST

START_TEST(test_name_too_long_through_pointers)
{
	size_t i;

	/* Each name adds a label of 63 in front of the previous one: the
	 * fourth is 257 bytes, though no single run of labels is. */
	pkt.len = 0;
	pk_u8(&pkt, 0);
	for (i = 0; i < 4; i++) {
		size_t prev = i == 0 ? 0 : 1 + (i - 1) * 66;

		pk_u8(&pkt, 63);
		while ((pkt.len - 1) % 66 != 64)
			pk_u8(&pkt, 'z');
		pk_u16(&pkt, 0xc000 | (unsigned)prev);
	}
	ck_assert_ptr_nonnull(read_at(1 + 2 * 66, NULL));
	ck_assert_ptr_null(read_at(1 + 3 * 66, NULL));
}
END_TEST

START_TEST(test_pointer_hops)
{
	size_t i;

	/* 127 one-byte labels, each reached through its own pointer:
	 * the longest legal name uses 127 hops. */
	pkt.len = 0;
	pk_u8(&pkt, 0);
	for (i = 0; i < 127; i++) {
		pk_raw(&pkt, "\x01x", 2);
		pk_u16(&pkt, 0xc000 | (unsigned)(i == 0 ? 0 : 1 + (i - 1) * 4));
	}
	ck_assert_uint_eq(strlen(read_at(1 + 126 * 4, NULL)), 254);

	/* A chain of bare pointers, each to the one before: 128 hops are
	 * allowed, 129 are not. */
	pkt.len = 0;
	pk_raw(&pkt, "\x01y\x00", 3);
	for (i = 0; i < 129; i++)
		pk_u16(&pkt, 0xc000 | (unsigned)(i == 0 ? 0 : 3 + (i - 1) * 2));
	ck_assert_str_eq(read_at(3 + 127 * 2, NULL), "y.");
	ck_assert_ptr_null(read_at(3 + 128 * 2, NULL));
}
END_TEST

START_TEST(test_owner_errors)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;

	/* Owner pointing at itself. */
	pk_hdr(&pkt, 1, 1, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u32(&pkt, 0x00010001);
	pk_u16(&pkt, 0xc000 | 29);
	pk_rr_fixed(&pkt, 1, 1);
	pk_raw(&pkt, "\x01\x02\x03\x04", 4);
	pk_rr_end(&pkt);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), -1);
	/* Question name with a bad label type. */
	pk_hdr(&pkt, 1, 0, 0, 0);
	pk_raw(&pkt, "\x81" "a\x00", 3);
	pk_u32(&pkt, 0x00010001);
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), -1);
}
END_TEST

/* ---- rdata: addresses and names ---------------------------------------- */

START_TEST(test_rd_addresses)
{
	ck_render(RB(1, 192, 0, 2, 1), "192.0.2.1");
	ck_render(RB(1, 0, 0, 0, 0), "0.0.0.0");
	ck_render(RB(1, 255, 10, 99, 100), "255.10.99.100");
	ck_render_fails(RB(1, 1, 2, 3));
	ck_render_fails(RB(1, 1, 2, 3, 4, 5));
	ck_render_fails(render(1, NULL, 0));
	ck_render(RS(28, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"),
	    "2001:db8::1");
	ck_render(RS(28, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x01"),
	    "::ffff:192.0.2.1");
	ck_render(RS(28, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), "::");
	ck_render_fails(RS(28, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"));
	ck_render_fails(RS(28, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"));
}
END_TEST

/* AAAA must read exactly as inet_ntop writes it (pdns and the zone
 * reader use it): every pattern of zero groups, the IPv4 tails, and
 * random addresses. */
static void
check_ipv6(const uint8_t *a)
{
	char want[INET6_ADDRSTRLEN];

	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, want, sizeof(want)));
	ck_render(render(28, a, 16), want);
}

START_TEST(test_rd_ipv6_like_inet_ntop)
{
	static const unsigned vals[] = { 1, 0x10, 0xabc, 0xffff, 0x100 };
	uint8_t a[16];
	unsigned pat, v, i, k;

	for (pat = 0; pat < 256; pat++) {
		for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			for (i = 0; i < 8; i++) {
				unsigned w = (pat >> i & 1) ? vals[(v + i) % 5]
							    : 0;

				a[2 * i] = (uint8_t)(w >> 8);
				a[2 * i + 1] = (uint8_t)w;
			}
			check_ipv6(a);
			/* The same with ffff in the sixth group. */
			a[10] = a[11] = 0xff;
			check_ipv6(a);
		}
	}
	srand(42);
	for (k = 0; k < 5000; k++) {
		for (i = 0; i < 16; i += 2) {
			unsigned w = rand() % 3 == 0 ? 0 : (unsigned)rand();

			if (rand() % 4 == 0)
				w &= 0xff;
			a[i] = (uint8_t)(w >> 8);
			a[i + 1] = (uint8_t)w;
		}
		check_ipv6(a);
	}
}
END_TEST

START_TEST(test_rd_single_names)
{
	static const unsigned types[] = { 2, 5, 7, 8, 9, 12, 39, 65401 };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ck_render(RS(types[i], "\x03ns1\x07" "Example\x03net\x00"),
		    "ns1.Example.net.");
		/* Compressed: a label, then the question's example.com. */
		ck_render(RS(types[i], "\x03" "ns1\xc0\x0c"),
		    "ns1.example.com.");
		ck_render(RS(types[i], "\xc0\x0c"), "example.com.");
		ck_render(RS(types[i], "\x00"), ".");
		ck_render_fails(render(types[i], NULL, 0));
		/* Trailing byte, name running past the rdata, pointer to
		 * the rdata itself or past the packet. */
		ck_render_fails(RS(types[i], "\x00\x00"));
		ck_render_fails(RS(types[i], "\x03" "ns1"));
		ck_render_fails(RS(types[i], "\x03" "ns1\x00" "x"));
		ck_render_fails(RS(types[i], "\xc0\x29"));
		ck_render_fails(RS(types[i], "\xc0\xff"));
		ck_render_fails(RS(types[i], "\xc0"));
		ck_render_fails(RS(types[i], "\x41" "a\x00"));
	}
	/* Odd bytes in rdata names are escaped like owner names. */
	ck_render(RS(5, "\x03" "a.b\x03" "c d\x02\\\xff\x00"),
	    "a\\.b.c\\032d.\\\\\\255.");
	/* Case is kept. */
	ck_render(RS(12, "\x04HoSt\xc0\x0c"), "HoSt.example.com.");
}
END_TEST

START_TEST(test_rd_pointer_into_rdata)
{
	/* RP: the second name points at the first (offset 41). */
	ck_render(RS(17, "\x04mbox\xc0\x0c\x03txt\xc0\x29"),
	    "mbox.example.com. txt.mbox.example.com.");
	/* A pointer forward into the same rdata is refused. */
	ck_render_fails(RS(17, "\xc0\x2b\x00"));
}
END_TEST

START_TEST(test_rd_soa)
{
	ck_render(RS(6, "\x03ns1\xc0\x0c\x0aHost\\.Mstr\xc0\x0c"
			"\x78\xa5\x3c\x75\x00\x00\x0e\x10\x00\x00\x03\x84"
			"\x00\x12\x75\x00\x00\x00\x01\x2c"),
	    "ns1.example.com. Host\\\\\\.Mstr.example.com. 2024094837 3600 900 "
	    "1209600 300");
	ck_render(RS(6, "\x00\x00\xff\xff\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			"\0\0"),
	    ". . 4294967295 0 0 0 0");
	ck_render_fails(RS(6, "\x00\x00\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04"
			      "\0\0\0"));
	ck_render_fails(RS(6, "\x00\x00\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04"
			      "\0\0\0\x05\x00"));
	ck_render_fails(RS(6, "\x00"));
}
END_TEST

START_TEST(test_rd_prio_and_name)
{
	static const unsigned types[] = { 15, 18, 36, 107 };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ck_render(RS(types[i], "\x00\x0a\x04mail\xc0\x0c"),
		    "10 mail.example.com.");
		ck_render(RS(types[i], "\xff\xff\x00"), "65535 .");
		ck_render_fails(RS(types[i], "\x00"));
		ck_render_fails(RS(types[i], "\x00\x0a"));
		ck_render_fails(RS(types[i], "\x00\x0a\x00\x00"));
	}
	/* MINFO and RP: two names. */
	ck_render(RS(14, "\x02rm\xc0\x0c\x02" "em\xc0\x0c"),
	    "rm.example.com. em.example.com.");
	ck_render_fails(RS(14, "\x02rm\xc0\x0c"));
	ck_render(RS(33, "\x00\x0a\x00\x14\x13\xc4\x03sip\xc0\x0c"),
	    "10 20 5060 sip.example.com.");
	ck_render_fails(RS(33, "\x00\x0a\x00\x14\x13\xc4"));
	ck_render_fails(RS(33, "\x00\x0a\x00\x14\x13"));
}
END_TEST

/* ---- rdata: character-strings ------------------------------------------- */

START_TEST(test_rd_txt)
{
	ck_render(RS(16, "\x0bhello world"), "\"hello world\"");
	ck_render(RS(16, "\x05" "a\"b\\c\x00\x04\x01\xff\tx"),
	    "\"a\\\"b\\\\c\" \"\" \"\\001\\255\\009x\"");
	ck_render(RS(16, "\x00"), "\"\"");
	ck_render(RS(16, "\x02\x7f\x7e"), "\"\\127~\"");
	ck_render(RS(99, "\x0bv=spf1 -all"), "\"v=spf1 -all\"");
	/* RFC 1035 §3.3.14: at least one string; lengths must fit. */
	ck_render_fails(render(16, NULL, 0));
	ck_render_fails(RS(16, "\x05" "abc"));
	ck_render_fails(RS(16, "\x01" "a\x02" "b"));
	ck_render_fails(render(99, NULL, 0));
}
END_TEST

START_TEST(test_rd_txt_long)
{
	uint8_t rd[1024];
	size_t i;

	/* Four strings of 255 bytes, all escaped: the output is four
	 * times the input. */
	for (i = 0; i < 4; i++) {
		rd[i * 256] = 255;
		memset(rd + i * 256 + 1, '\n', 255);
	}
	ck_assert_uint_eq(strlen(render(16, rd, sizeof(rd))),
	    4 * (255 * 4 + 2) + 3);
}
END_TEST

START_TEST(test_rd_hinfo_naptr)
{
	ck_render(RS(13, "\x02PC\x05Linux"), "\"PC\" \"Linux\"");
	ck_render(RS(13, "\x00\x00"), "\"\" \"\"");
	ck_render_fails(RS(13, "\x02PC"));
	ck_render_fails(RS(13, "\x02PC\x01" "a\x01" "b"));
	ck_render(RS(35, "\x00\x64\x00\x32\x01s\x07SIP+D2U\x00"
			 "\x04_sip\x04_udp\xc0\x0c"),
	    "100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.com.");
	ck_render(RS(35, "\x00\x64\x00\x32\x01u\x07" "E2U+sip\x1b"
			 "!^.*$!sip:info@example.com!\x00"),
	    "100 50 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .");
	ck_render_fails(RS(35, "\x00\x64\x00\x32\x01s\x00\x00"));
	ck_render_fails(RS(35, "\x00\x64\x00\x32\x01s\x00\x00\x00\x00\x00"));
}
END_TEST

START_TEST(test_rd_caa_uri)
{
	ck_render(RS(257, "\x00\x05issueletsencrypt.org"),
	    "0 issue \"letsencrypt.org\"");
	ck_render(RS(257, "\x80\x03tbsUnknown \"q\"\\"),
	    "128 tbs \"Unknown \\\"q\\\"\\\\\"");
	ck_render(RS(257, "\x00\x05iodef"), "0 iodef \"\"");
	ck_render(RS(257, "\x00\x03" "A1z\x0a"), "0 A1z \"\\010\"");
	/* RFC 8659 §4.1: a tag of letters and digits, not empty. */
	ck_render_fails(RS(257, "\x00\x00value"));
	ck_render_fails(RS(257, "\x00\x03is ue"));
	ck_render_fails(RS(257, "\x00\x03is\""));
	ck_render_fails(RS(257, "\x00\x09issue"));
	ck_render_fails(RS(257, "\x00"));
	ck_render(RS(256, "\x00\x0a\x00\x01https://example.com/path"),
	    "10 1 \"https://example.com/path\"");
	ck_render(RS(256, "\xff\xff\x00\x00"), "65535 0 \"\"");
	ck_render_fails(RS(256, "\x00\x0a\x00"));
}
END_TEST

/* ---- rdata: DNSSEC and keys --------------------------------------------- */

START_TEST(test_rd_hex_types)
{
	ck_render(RS(44, "\x01\x01\x12\x34\x56\x78\x9a\xbc\xde\xf0"),
	    "1 1 123456789abcdef0");
	ck_render(RS(44, "\x04\x02"), "4 2 -");
	ck_render_fails(RS(44, "\x04"));
	ck_render(RS(52, "\x03\x01\x01\xab\xcd"), "3 1 1 abcd");
	ck_render(RS(53, "\x03\x01\x01\x00\xff"), "3 1 1 00ff");
	ck_render(RS(52, "\x03\x01\x01"), "3 1 1 -");
	ck_render_fails(RS(52, "\x03\x01"));
	ck_render(RS(43, "\x30\x39\x08\x02\x49\xfd\x46\xe6"),
	    "12345 8 2 49fd46e6");
	ck_render(RS(59, "\x00\x00\x00\x00\x00"), "0 0 0 00");
	ck_render(RS(32769, "\xff\xff\xff\xff\x01"), "65535 255 255 01");
	ck_render(RS(43, "\x30\x39\x08\x02"), "12345 8 2 -");
	ck_render_fails(RS(43, "\x30\x39\x08"));
	ck_render(RS(63, "\x78\xa5\x3c\x75\x01\x01\xde\xad"),
	    "2024094837 1 1 dead");
	ck_render_fails(RS(63, "\x78\xa5\x3c\x75\x01"));
}
END_TEST

START_TEST(test_rd_base64_types)
{
	static const unsigned keytypes[] = { 48, 60, 25, 57 };
	size_t i;

	for (i = 0; i < sizeof(keytypes) / sizeof(keytypes[0]); i++) {
		ck_render(RS(keytypes[i], "\x01\x01\x03\x08" "abc"),
		    "257 3 8 YWJj");
		ck_render(RS(keytypes[i], "\x01\x00\x03\x0d" "ab"),
		    "256 3 13 YWI=");
		ck_render(RS(keytypes[i], "\x01\x00\x03\x0d" "a"),
		    "256 3 13 YQ==");
		ck_render(RS(keytypes[i], "\x01\x00\x03\x0d\xff\xef\xbe\x00"),
		    "256 3 13 /+++AA==");
		/* pdns cannot read an empty key back. */
		ck_render_fails(RS(keytypes[i], "\x01\x00\x03\x0d"));
		ck_render_fails(RS(keytypes[i], "\x01\x00\x03"));
	}
	ck_render(RS(49, "\x00\x02\x01\x63\x6f\xc0\xb8\x27\x1c\x82\x82\x5b"
			 "\xb1\xac\x5c\x41\xcf\x53\x51\xaa\x69\xb4\xfe\xbd"
			 "\x94\xe8\xf1\x7c\xdb\x95\x00\x0d\xa4\x8c\x40"),
	    "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=");
	ck_render(RS(61, "keyring"), "a2V5cmluZw==");
	ck_render_fails(render(49, NULL, 0));
	ck_render_fails(render(61, NULL, 0));
	/* CERT: type, tag, algorithm, base64; type 0 is reserved. */
	ck_render(RS(37, "\x00\x01\x30\x39\x08" "abc"), "1 12345 8 YWJj");
	ck_render_fails(RS(37, "\x00\x00\x30\x39\x08" "abc"));
	ck_render_fails(RS(37, "\x00\x01\x30\x39\x08"));
	ck_render_fails(RS(37, "\x00"));
}
END_TEST

START_TEST(test_rd_rrsig)
{
	/* 1706745600 = 2024-02-01 00:00:00, 1704067200 = 2024-01-01. */
	ck_render(RS(46, "\x00\x01\x08\x02\x00\x00\x01\x2c\x65\xba\xdf\x00"
			 "\x65\x92\x00\x80\x30\x39\xc0\x0c" "abcd"),
	    "A 8 2 300 20240201000000 20240101000000 12345 example.com. "
	    "YWJjZA==");
	/* The extremes of the 32-bit clock, an unknown covered type, and
	 * the root signer. */
	ck_render(RS(46, "\xff\x00\x0d\x00\xff\xff\xff\xff\xff\xff\xff\xff"
			 "\x00\x00\x00\x00\x00\x00\x00" "a"),
	    "TYPE65280 13 0 4294967295 21060207062815 19700101000000 0 . "
	    "YQ==");
	/* A leap day and the end of a day. */
	ck_render(RS(46, "\x00\x30\x08\x01\x00\x00\x00\x00\x38\xbc\x5d\x7f"
			 "\x38\xbb\x0b\xff\x00\x00\x00" "a"),
	    "DNSKEY 8 1 0 20000229235959 20000228235959 0 . YQ==");
	/* SIG (24) is not a type pdns 4.7.3 knows: RFC 3597 form */
	ck_render(RS(24, "\x00\x02\x08\x02\x00\x00\x01\x2c\x65\xba\xdf\x00"
			 "\x65\x92\x00\x80\x30\x39\x00" "abcd"),
	    "\\# 23 000208020000012c65badf006592008030390061626364");
	ck_render_fails(RS(46, "\x00\x01\x08\x02\x00\x00\x01\x2c\x65\xba\xdf"
			       "\x00\x65\x92\x00\x80\x30\x39\x00"));
	ck_render_fails(RS(46, "\x00\x01\x08\x02\x00\x00\x01\x2c\x65\xba\xdf"
			       "\x00\x65\x92\x00\x80\x30\x39"));
	ck_render_fails(RS(46, "\x00\x01\x08\x02\x00\x00\x01\x2c"));
}
END_TEST

START_TEST(test_rd_nsec)
{
	/* Window 0: A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY; window 1: CAA;
	 * window 4: type 1234; window 255: 65535. */
	ck_render(RS(47, "\x01\x00\xc0\x0c"
			 "\x00\x07\x62\x01\x80\x08\x00\x03\x80"
			 "\x01\x01\x40"
			 "\x04\x1b\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			 "\0\0\0\0\0\x20"
			 "\xff\x20\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			 "\0\0\0\0\0\0\0\0\0\x01"),
	    "\\000.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA "
	    "TYPE1234 TYPE65535");
	/* No bitmap at all. */
	ck_render(RS(47, "\xc0\x0c"), "example.com.");
	/* RFC 4034 §4.1.2: increasing windows of 1 to 32 bytes. */
	ck_render_fails(RS(47, "\x00\x00\x01\x40\x00\x01\x40"));
	ck_render_fails(RS(47, "\x00\x01\x01\x40\x00\x01\x40"));
	ck_render_fails(RS(47, "\x00\x00\x00"));
	ck_render_fails(RS(47, "\x00\x00\x21\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			       "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"));
	ck_render_fails(RS(47, "\x00\x00\x02\x40"));
	ck_render_fails(RS(47, "\x00\x00"));
	ck_render_fails(RS(47, "\x00\x01"));
	/* CSYNC: serial, flags, bitmap. */
	ck_render(RS(62, "\x00\x00\x00\x42\x00\x03\x00\x04\x22\x00\x00\x08"),
	    "66 3 NS SOA AAAA");
	ck_render(RS(62, "\x00\x00\x00\x42\x00\x03"), "66 3");
	ck_render_fails(RS(62, "\x00\x00\x00\x42\x00"));
}
END_TEST

START_TEST(test_rd_nsec3)
{
	uint8_t rd[64];

	/* Salt aabbccdd, a 20-byte hash 0..19, A RRSIG. */
	memcpy(rd, "\x01\x01\x00\x0a\x04\xaa\xbb\xcc\xdd\x14", 10);
	for (int i = 0; i < 20; i++)
		rd[10 + i] = (uint8_t)i;
	memcpy(rd + 30, "\x00\x06\x40\x00\x00\x00\x00\x02", 8);
	ck_render(render(50, rd, 38),
	    "1 1 10 aabbccdd 000G40O40K30E209185GO38E1S8124GJ A RRSIG");
	/* No salt, no types, a hash that does not fill its last group:
	 * pdns pads it. */
	ck_render(RS(50, "\x01\x00\x00\x00\x00\x03\x00\x01\x02"),
	    "1 0 0 - 000G4===");
	ck_render(RS(50, "\x01\x00\x00\x00\x00\x01\xff"), "1 0 0 - VS======");
	ck_render(RS(50, "\x01\x00\x00\x00\x00\x05\xff\xff\xff\xff\xff"),
	    "1 0 0 - VVVVVVVV");
	/* RFC 5155 §3.2: the hash is not empty. */
	ck_render_fails(RS(50, "\x01\x00\x00\x00\x00\x00"));
	ck_render_fails(RS(50, "\x01\x00\x00\x00\x01"));
	ck_render_fails(RS(50, "\x01\x00\x00\x00\x00\x05\x01"));
	ck_render_fails(RS(50, "\x01\x00\x00\x00\x00\x01\x01\x00"));
	ck_render(RS(51, "\x01\x00\x00\x0a\x04\xaa\xbb\xcc\xdd"),
	    "1 0 10 aabbccdd");
	ck_render(RS(51, "\x01\x00\x00\x00\x00"), "1 0 0 -");
	ck_render_fails(RS(51, "\x01\x00\x00\x00\x00\x00"));
	ck_render_fails(RS(51, "\x01\x00\x00\x00\x02\x00"));
	ck_render_fails(RS(51, "\x01\x00\x00\x00"));
}
END_TEST

/* ---- rdata: the rest of the table --------------------------------------- */

START_TEST(test_rd_loc)
{
	/* The reference example: 33 56 36.233 N 118 24 29.808 W, altitude
	 * 0 (10000000 cm above the base), size 1e2 cm, horizontal 1e6 cm,
	 * vertical 1e3 cm.  Sizes are written as dig writes them; pdns
	 * prints "1.00m 10000.00m 10.00m" and reads both. */
	ck_render(RB(29, 0x00, 0x12, 0x16, 0x13,
		      0x87, 0x48, 0x91, 0x09,  /* 2^31 + 122196233 */
		      0x66, 0x97, 0xa3, 0x90,  /* 2^31 - 426269808 */
		      0x00, 0x98, 0x96, 0x80), /* 10000000 */
	    "33 56 36.233 N 118 24 29.808 W 0.00m 1m 10000m 10m");
	/* The corners: 90 S, 180 E, just below the base, the smallest and
	 * largest sizes. */
	ck_render(RB(29, 0x00, 0x00, 0x11, 0x99,
		      0x6c, 0xb0, 0x27, 0x00,  /* 2^31 - 90 degrees */
		      0xa6, 0x9f, 0xb2, 0x00,  /* 2^31 + 180 degrees */
		      0x00, 0x98, 0x96, 0x7f), /* 9999999 */
	    "90 0 0.000 S 180 0 0.000 E -0.01m 0.00m 0.10m 90000000m");
	/* The equator and meridian (N, E), the top altitude, 0.01m. */
	ck_render(RB(29, 0x00, 0x10, 0x91, 0x02,
		      0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
		      0xff, 0xff, 0xff, 0xff),
	    "0 0 0.000 N 0 0 0.000 E 42849672.95m 0.01m 0.90m 0m");
	/* RFC 1876: version 0 only, 16 bytes, digits 0-9 in the sizes,
	 * latitude within 90 and longitude within 180 degrees. */
	ck_render_fails(RB(29, 0x01, 0x12, 0x16, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80));
	ck_render_fails(RB(29, 0x00, 0x12, 0x16, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96));
	ck_render_fails(RB(29, 0x00, 0x12, 0x16, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80, 0x00));
	ck_render_fails(RB(29, 0x00, 0x1a, 0x16, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80));
	ck_render_fails(RB(29, 0x00, 0x12, 0xa6, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80));
	ck_render_fails(RB(29, 0x00, 0x12, 0x16, 0x1f, 0x87, 0x48, 0x91,
	    0x09, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80));
	ck_render_fails(RB(29, 0x00, 0x12, 0x16, 0x13, 0x6c, 0xb0, 0x26,
	    0xff, 0x66, 0x97, 0xa3, 0x90, 0x00, 0x98, 0x96, 0x80));
	ck_render_fails(RB(29, 0x00, 0x12, 0x16, 0x13, 0x87, 0x48, 0x91,
	    0x09, 0xa6, 0x9f, 0xb2, 0x01, 0x00, 0x98, 0x96, 0x80));
}
END_TEST

START_TEST(test_rd_apl)
{
	ck_render(RB(42, 0x00, 0x01, 21, 0x03, 192, 168, 32,
		      0x00, 0x01, 28, 0x84, 192, 168, 38, 0,
		      0x00, 0x02, 32, 0x04, 0x20, 0x01, 0x0d, 0xb8,
		      0x00, 0x01, 4, 0x01, 224, 0x00, 0x01, 0, 0x00),
	    "1:192.168.32.0/21 !1:192.168.38.0/28 2:2001:db8::/32 "
	    "1:224.0.0.0/4 1:0.0.0.0/0");
	/* Bits beyond the prefix are cleared, as pdns prints them. */
	ck_render(RB(42, 0x00, 0x01, 20, 0x04, 192, 168, 47, 255),
	    "1:192.168.32.0/20");
	ck_render(RB(42, 0x00, 0x02, 128, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0,
		      0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01),
	    "2:2001:db8::1/128");
	/* An empty APL is legal and empty. */
	ck_render(render(42, NULL, 0), "");
	/* RFC 3123 §4: families 1 and 2, address no longer than the
	 * family's, prefix within it. */
	ck_render_fails(RB(42, 0x00, 0x03, 0, 0x00));
	ck_render_fails(RB(42, 0x00, 0x01, 33, 0x00));
	ck_render_fails(RB(42, 0x00, 0x01, 32, 0x05, 1, 2, 3, 4, 5));
	ck_render_fails(RB(42, 0x00, 0x02, 129, 0x00));
	ck_render_fails(RB(42, 0x00, 0x01, 24, 0x03, 192, 168));
	ck_render_fails(RB(42, 0x00, 0x01, 24));
}
END_TEST

START_TEST(test_rd_ipseckey)
{
	ck_render(RS(45, "\x0a\x01\x02\xc0\x00\x02\x26" "abc"),
	    "10 1 2 192.0.2.38 YWJj");
	/* pdns 4.7.3 writes no gateway at all for type 0. */
	ck_render(RS(45, "\x0a\x00\x02" "abc"), "10 0 2 YWJj");
	ck_render(RS(45, "\x0a\x00\x00"), "10 0 0");
	ck_render(RS(45, "\x0a\x02\x00\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0"
			 "\x01"),
	    "10 2 0 2001:db8::1");
	ck_render(RS(45, "\x0a\x03\x01\x02gw\xc0\x0c" "abc"),
	    "10 3 1 gw.example.com. YWJj");
	/* Reserved gateway type, algorithms pdns does not know, a key with
	 * algorithm 0, a missing key, a short gateway. */
	ck_render_fails(RS(45, "\x0a\x04\x00"));
	ck_render_fails(RS(45, "\x0a\x00\x03" "abc"));
	ck_render_fails(RS(45, "\x0a\x00\x00" "abc"));
	ck_render_fails(RS(45, "\x0a\x01\x02\xc0\x00\x02\x26"));
	ck_render_fails(RS(45, "\x0a\x01\x00\xc0\x00\x02"));
	ck_render_fails(RS(45, "\x0a\x03\x00\x02gw"));
	ck_render_fails(RS(45, "\x0a\x01"));
}
END_TEST

START_TEST(test_rd_eui_ilnp)
{
	ck_render(RB(108, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x2a),
	    "00-00-5e-00-53-2a");
	ck_render(RB(109, 0x00, 0x00, 0x5e, 0xef, 0x10, 0x00, 0x00, 0x2a),
	    "00-00-5e-ef-10-00-00-2a");
	ck_render_fails(RB(108, 0x00, 0x00, 0x5e, 0x00, 0x53));
	ck_render_fails(RB(108, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x2a, 0x00));
	ck_render_fails(RB(109, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x2a));
	/* pdns prints node and locator ids in uppercase hex. */
	ck_render(RB(104, 0x00, 0x0a, 0x00, 0x14, 0x4f, 0xff, 0xff, 0x20,
		      0xee, 0x64),
	    "10 0014:4FFF:FF20:EE64");
	ck_render(RB(106, 0x00, 0x0a, 0x20, 0x01, 0x0d, 0xb8, 0x11, 0x40,
		      0x10, 0x00),
	    "10 2001:0DB8:1140:1000");
	ck_render_fails(RB(104, 0x00, 0x0a, 0x00, 0x14, 0x4f, 0xff));
	ck_render(RB(105, 0x00, 0x0a, 10, 1, 2, 0), "10 10.1.2.0");
	ck_render_fails(RB(105, 0x00, 0x0a, 10, 1, 2));
}
END_TEST

START_TEST(test_rd_lua)
{
	ck_render(RS(65402, "\x00\x01\x10return '1.2.3.4'"),
	    "A \"return '1.2.3.4'\"");
	ck_render_fails(RS(65402, "\x00\x01"));
}
END_TEST

/* ---- SVCB and HTTPS ----------------------------------------------------- */

START_TEST(test_rd_svcb)
{
	ck_render(RS(64, "\x00\x01\x03svc\xc0\x0c"
			 "\x00\x00\x00\x04\x00\x01\x00\x03"
			 "\x00\x01\x00\x06\x02h2\x02h3"
			 "\x00\x03\x00\x02\x20\xfb"
			 "\x00\x04\x00\x08\xc0\x00\x02\x01\xc0\x00\x02\x02"
			 "\x00\x05\x00\x05\x00\x43\xfe\x0d\x00"
			 "\x00\x06\x00\x20\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0"
			 "\0\x01\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02"),
	    "1 svc.example.com. mandatory=alpn,port alpn=h2,h3 port=8443 "
	    "ipv4hint=192.0.2.1,192.0.2.2 ech=\"AEP+DQA=\" "
	    "ipv6hint=2001:db8::1,2001:db8::2");
	/* Target ".", flags without values, unknown keys quoted. */
	ck_render(RS(65, "\x00\x01\x00\x00\x02\x00\x00"
			 "\x00\x07\x00\x10/dns-query{?dns}"
			 "\xfd\xe8\x00\x04" "a\"b\x01"
			 "\xff\xff\x00\x00"),
	    "1 . no-default-alpn key7=\"/dns-query{?dns}\" "
	    "key65000=\"a\\\"b\\001\" key65535=\"\"");
	/* AliasMode: parameters ignored, as pdns does. */
	ck_render(RS(64, "\x00\x00\x05" "alias\xc0\x0c"),
	    "0 alias.example.com.");
	ck_render(RS(64, "\x00\x00\x00\x00\x01\x00\x03\x02h2"), "0 .");
	ck_render(RS(64, "\x00\x00\x00\xff"), "0 .");
	ck_render(RS(64, "\x00\x01\x00"), "1 .");
	ck_render(RS(64, "\x00\x01\x00\x00\x05\x00\x00"), "1 . ech=\"\"");
	ck_render_fails(RS(64, "\x00\x01"));
	ck_render_fails(RS(64, "\x00"));
}
END_TEST

START_TEST(test_rd_svcb_alpn)
{
	/* A space anywhere quotes the whole list. */
	ck_render(RS(65, "\x00\x01\x00\x00\x01\x00\x07\x03" "a b\x02h2"),
	    "1 . alpn=\"a b,h2\"");
	/* Value-list escapes ride inside character-string escapes (RFC
	 * 9460 Appendix A.1) for ',' and '\\'.  '"' and odd bytes get one
	 * level only: pdns writes two but cannot read that back. */
	ck_render(RS(65, "\x00\x01\x00\x00\x01\x00\x0a\x04h3,x\x04" "a\\\"b"),
	    "1 . alpn=h3\\\\,x,a\\\\\\\\\\\"b");
	ck_render(RS(65, "\x00\x01\x00\x00\x01\x00\x03\x02\x01\xff"),
	    "1 . alpn=\\001\\255");
	ck_render(RS(65, "\x00\x01\x00\x00\x01\x00\x08\x03" "a b\x03" "c\"d"),
	    "1 . alpn=\"a b,c\\\"d\"");
	/* RFC 9460 §7.1.1: one or more ids, none empty, none cut off. */
	ck_render_fails(RS(65, "\x00\x01\x00\x00\x01\x00\x00"));
	ck_render_fails(RS(65, "\x00\x01\x00\x00\x01\x00\x01\x00"));
	ck_render_fails(RS(65, "\x00\x01\x00\x00\x01\x00\x03\x02h2\x00"));
	ck_render_fails(RS(65, "\x00\x01\x00\x00\x01\x00\x02\x02h"));
}
END_TEST

START_TEST(test_rd_svcb_errors)
{
	/* RFC 9460 §2.2: keys strictly increasing. */
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00\x02\x00\x01"
			       "\x00\x01\x00\x03\x02h2"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00\x02\x00\x01"
			       "\x00\x03\x00\x02\x00\x01"));
	/* A value longer than the rdata, a key cut short. */
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00\x03\x00\x01"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00"));
	/* RFC 9460 §8: mandatory non-empty, even, increasing, not 0. */
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x00\x00\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x00\x00\x03\x00\x01\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x00\x00\x04\x00\x03\x00\x01"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x00\x00\x04\x00\x01\x00\x01"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x00\x00\x02\x00\x00"));
	/* no-default-alpn has no value, port is 2 bytes, hints are whole
	 * addresses. */
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x02\x00\x01\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00\x03\x00\x01\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x03\x00\x01\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x04\x00\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x04\x00\x05\x01\x02\x03\x04"
			       "\x05"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x06\x00\x00"));
	ck_render_fails(RS(64, "\x00\x01\x00\x00\x06\x00\x04\x01\x02\x03\x04"));
	/* mandatory naming unknown keys is written by number. */
	ck_render(RS(64, "\x00\x01\x00\x00\x00\x00\x04\x00\x07\xfd\xe8"),
	    "1 . mandatory=key7,key65000");
}
END_TEST

/* ---- unknown types, the whole table, stand-alone rdata ------------------ */

START_TEST(test_rd_unknown)
{
	ck_render(RB(65280, 0x0a, 0x00, 0x00, 0x01), "\\# 4 0a000001");
	ck_render(render(65280, NULL, 0), "\\# 0");
	ck_render(RB(0, 0xff), "\\# 1 ff");
	/* Known to the table but without a zone form: OPT, TSIG, TKEY. */
	ck_render(RB(41, 0x00, 0x0a, 0x00, 0x02, 0xab, 0xcd),
	    "\\# 6 000a0002abcd");
	ck_render(RB(250, 0xAB), "\\# 1 ab");
	ck_render(render(249, NULL, 0), "\\# 0");
}
END_TEST

START_TEST(test_every_type_renders)
{
	uint8_t junk[300];
	uint32_t t;

	memset(junk, 0x41, sizeof(junk));
	/* Every type with a presentation shape has a renderer of its own:
	 * whatever it says about empty or junk rdata, it is never the
	 * RFC 3597 fallback, which pdns refuses for types it knows. */
	for (t = 0; t <= 65535; t++) {
		const struct rf_rrtype *rt = rf_rrtype_by_num((uint16_t)t);
		const char *s;

		if (rt == NULL || rt->shape == NULL)
			continue;
		s = render(t, NULL, 0);
		ck_assert_msg(s == NULL || strncmp(s, "\\#", 2) != 0,
		    "type %s falls back to \\#", rt->name);
		s = render(t, junk, sizeof(junk));
		ck_assert_msg(s == NULL || strncmp(s, "\\#", 2) != 0,
		    "type %s falls back to \\#", rt->name);
	}
}
END_TEST

START_TEST(test_standalone_rdata)
{
	struct rf_wire_rr rr;
	struct rf_buf b;

	memset(&rr, 0, sizeof(rr));
	rr.type = 15;
	rr.rdata = (const uint8_t *)"\x00\x05\x02mx\x07" "example\x00";
	rr.rdlen = 14;
	rf_buf_init(&b);
	ck_assert_int_eq(rf_wire_rdata_to_text(NULL, &rr, &b), 0);
	ck_assert_str_eq(rf_buf_cstr(&b), "5 mx.example.");
	/* Without the message a pointer has nothing to point into. */
	rf_buf_reset(&b);
	rr.rdata = (const uint8_t *)"\x00\x05\x02mx\xc0\x0c";
	rr.rdlen = 7;
	ck_assert_int_eq(rf_wire_rdata_to_text(NULL, &rr, &b), -1);
	ck_assert_uint_eq(b.len, 0);
	rf_buf_fini(&b);
}
END_TEST

START_TEST(test_rdata_outside_message)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	struct rf_buf b;

	ck_render(RB(1, 1, 2, 3, 4), "1.2.3.4");
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	ck_assert_int_eq(rf_wire_next(&m, &rr), 1);
	rf_buf_init(&b);
	/* A record that claims to lie past the message is refused. */
	rr.rdata_off = m.len - 3;
	ck_assert_int_eq(rf_wire_rdata_to_text(&m, &rr, &b), -1);
	rr.rdata_off = m.len + 10;
	ck_assert_int_eq(rf_wire_rdata_to_text(&m, &rr, &b), -1);
	ck_assert_uint_eq(b.len, 0);
	rf_buf_fini(&b);
}
END_TEST

START_TEST(test_append_many)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	struct rf_buf b;
	unsigned i, n = 0;

	/* 200 records rendered one after another into one buffer. */
	pk_hdr(&pkt, 1, 200, 0, 0);
	pk_name(&pkt, "example.com");
	pk_u32(&pkt, 0x000f0001);
	for (i = 0; i < 200; i++) {
		pk_u16(&pkt, 0xc00c);
		pk_rr_fixed(&pkt, 15, 300);
		pk_u16(&pkt, i);
		pk_raw(&pkt, "\x02mx\xc0\x0c", 5);
		pk_rr_end(&pkt);
	}
	ck_assert_int_eq(rf_wire_parse(pkt.b, pkt.len, &m), 0);
	rf_buf_init(&b);
	while (rf_wire_next(&m, &rr) == 1) {
		ck_assert_int_eq(rf_wire_rdata_to_text(&m, &rr, &b), 0);
		rf_buf_addc(&b, '\n');
		n++;
	}
	ck_assert_uint_eq(n, 200);
	ck_assert(strncmp(rf_buf_cstr(&b),
		      "0 mx.example.com.\n1 mx.example.com.\n", 36) == 0);
	ck_assert(strstr(b.data, "\n199 mx.example.com.\n") != NULL);
	rf_buf_fini(&b);
}
END_TEST

/* clang-format on */

Suite *
dnswire_suite(void)
{
	Suite *s = suite_create("dnswire");
	TCase *tc;

	tc = tcase_create("message");
	tcase_add_test(tc, test_query_bytes);
	tcase_add_test(tc, test_query_errors);
	tcase_add_test(tc, test_query_round_trip);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_no_question);
	tcase_add_test(tc, test_bad_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_name_errors);
	tcase_add_test(tc, test_name_lengths);
	tcase_add_test(tc, test_name_too_long_through_pointers);
	tcase_add_test(tc, test_pointer_hops);
	tcase_add_test(tc, test_owner_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("rdata");
	tcase_add_test(tc, test_rd_addresses);
	tcase_add_test(tc, test_rd_ipv6_like_inet_ntop);
	tcase_add_test(tc, test_rd_single_names);
	tcase_add_test(tc, test_rd_pointer_into_rdata);
	tcase_add_test(tc, test_rd_soa);
	tcase_add_test(tc, test_rd_prio_and_name);
	tcase_add_test(tc, test_rd_txt);
	tcase_add_test(tc, test_rd_txt_long);
	tcase_add_test(tc, test_rd_hinfo_naptr);
	tcase_add_test(tc, test_rd_caa_uri);
	tcase_add_test(tc, test_rd_hex_types);
	tcase_add_test(tc, test_rd_base64_types);
	tcase_add_test(tc, test_rd_rrsig);
	tcase_add_test(tc, test_rd_nsec);
	tcase_add_test(tc, test_rd_nsec3);
	tcase_add_test(tc, test_rd_loc);
	tcase_add_test(tc, test_rd_apl);
	tcase_add_test(tc, test_rd_ipseckey);
	tcase_add_test(tc, test_rd_eui_ilnp);
	tcase_add_test(tc, test_rd_lua);
	tcase_add_test(tc, test_rd_svcb);
	tcase_add_test(tc, test_rd_svcb_alpn);
	tcase_add_test(tc, test_rd_svcb_errors);
	tcase_add_test(tc, test_rd_unknown);
	tcase_add_test(tc, test_every_type_renders);
	tcase_add_test(tc, test_standalone_rdata);
	tcase_add_test(tc, test_rdata_outside_message);
	tcase_add_test(tc, test_append_many);
	suite_add_tcase(s, tc);
	return s;
}
