/*
 * libFuzzer harness for the DNS wire reader and renderer (lib/dnswire.c).
 *
 * The input is an upstream answer.  It is parsed, every record is walked
 * and its rdata rendered, both against the message and stand-alone.
 * Besides "no crash, no leak, no read outside the packet", the promises
 * of lib/dnswire.h that the rest of refract relies on are checked, and a
 * broken one aborts, which the fuzzer reports like a crash:
 *   - lengths match the strings and records lie inside the packet,
 *   - a failed rendering leaves the buffer exactly as it was,
 *   - a rendering can go on a PIPE line (only bytes 0x20..0x7e),
 *   - rendering is deterministic, and an AAAA reads as inet_ntop writes it,
 *   - every name read from the wire is a valid presentation name: written
 *     back into a query and parsed again it reads the same (lowercased,
 *     as the query writer canonicalises).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/dnswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX     "prefix "
#define PREFIX_LEN (sizeof(PREFIX) - 1)

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_dnswire: %s\n", what);
	abort();
}

static void
check_text(const char *s, size_t len, const char *what)
{
	size_t i;

	if (strlen(s) != len)
		broken(what);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			broken("byte outside 0x20..0x7e in text");
	}
}

/* Names from the wire must survive text -> query -> parse. */
static void
check_name_round_trip(const char *name, size_t len, uint16_t type)
{
	struct rf_wire_msg m;
	uint8_t q[600];
	size_t i;
	int n;

	n = rf_wire_write_query(q, sizeof(q), 1, name, len, type, true, 1232);
	if (n < 0)
		broken("a name read from the wire cannot be written back");
	if (rf_wire_parse(q, (size_t)n, &m) < 0)
		broken("a written query does not parse");
	if (m.qname_len != len || m.qtype != type)
		broken("query round trip changed the name or type");
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (m.qname[i] != c)
			broken("query round trip changed the name");
	}
}

/* Render into b after a prefix; check the promises either way. */
static int
render(const struct rf_wire_msg *m, const struct rf_wire_rr *rr,
    struct rf_buf *b)
{
	int rc;

	rf_buf_reset(b);
	rf_buf_add(b, PREFIX, PREFIX_LEN);
	rc = rf_wire_rdata_to_text(m, rr, b);
	if (rc != 0 && rc != -1)
		broken("rdata_to_text returned neither 0 nor -1");
	if (b->len < PREFIX_LEN || memcmp(b->data, PREFIX, PREFIX_LEN) != 0)
		broken("rendering touched what was in the buffer");
	if (rc < 0 && b->len != PREFIX_LEN)
		broken("failed rendering left text behind");
	if (rc == 0) {
		rf_buf_cstr(b);
		check_text(b->data + PREFIX_LEN, b->len - PREFIX_LEN,
		    "NUL inside rendered rdata");
	}
	return rc;
}

/* An AAAA reads exactly as inet_ntop (which pdns uses) writes it. */
static void
check_aaaa(const struct rf_wire_msg *m, const struct rf_wire_rr *rr,
    struct rf_buf *b)
{
	char want[INET6_ADDRSTRLEN];
	size_t n;

	if (inet_ntop(AF_INET6, rr->rdata, want, sizeof(want)) == NULL)
		broken("inet_ntop failed");
	n = strlen(want);
	if (render(m, rr, b) != 0 || b->len - PREFIX_LEN != n ||
	    memcmp(b->data + PREFIX_LEN, want, n) != 0)
		broken("AAAA text differs from inet_ntop");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	struct rf_buf a, b;
	unsigned records = 0;
	int rc;

	if (rf_wire_parse(data, size, &m) < 0)
		return 0;
	check_text(m.qname, m.qname_len, "qname_len does not match qname");
	if (m.qdcount > 0)
		check_name_round_trip(m.qname, m.qname_len, m.qtype);

	rf_buf_init(&a);
	rf_buf_init(&b);
	while ((rc = rf_wire_next(&m, &rr)) == 1) {
		records++;
		check_text(rr.name, rr.name_len,
		    "name_len does not match name");
		if (rr.rdata_off > size || size - rr.rdata_off < rr.rdlen ||
		    rr.rdata != data + rr.rdata_off)
			broken("rdata outside the packet");
		if (m.pos > size || m.seen != records)
			broken("cursor out of step");
		if ((rr.section == RF_SEC_ANSWER) != (records <= m.ancount))
			broken("wrong section");
		check_name_round_trip(rr.name, rr.name_len, rr.type);

		if (rr.type == 28 && rr.rdlen == 16)
			check_aaaa(&m, &rr, &a);
		if (render(&m, &rr, &a) == 0) {
			/* Deterministic: the same text a second time. */
			if (render(&m, &rr, &b) != 0 || a.len != b.len ||
			    memcmp(a.data, b.data, a.len) != 0)
				broken("rendering is not deterministic");
		}
		/* Stand-alone, pointers have nowhere to go; this must
		 * still be safe. */
		(void)render(NULL, &rr, &b);
	}
	if (rc == -1 && rf_wire_next(&m, &rr) != -1)
		broken("an error did not stick");
	if (rc == 0 && m.seen != (unsigned)m.ancount + m.nscount + m.arcount)
		broken("end before all records");
	rf_buf_fini(&a);
	rf_buf_fini(&b);

	/* Names at arbitrary offsets, as a rule would read them. */
	if (size > 2) {
		char name[RF_NAME_TEXT_MAX + 2];
		size_t off = ((size_t)data[0] << 8 | data[1]) % size, len;

		if (rf_wire_read_name(data, size, &off, name, &len) == 0) {
			check_text(name, len, "name length does not match");
			if (off > size)
				broken("name reader moved past the end");
		}
	}
	return 0;
}
