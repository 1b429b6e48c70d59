/*
 * DNS wire format: a bounded reader for upstream answers, the rendering of
 * record data in the content form pdns parses, and a query writer.
 *
 * Every read is checked against the packet length.  Names follow
 * compression pointers (RFC 1035 §4.1.4) with a hop limit, reject
 * pointers that leave the packet or point forward into themselves, labels
 * over 63 bytes, names over 255 bytes and the reserved label types
 * (0x40, 0x80).  Upstream packets are hostile input: malformed data gives
 * an error, never a crash or a read outside the packet.
 */
#ifndef RF_DNSWIRE_H
#define RF_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/name.h"

/* Header flags (RFC 1035 §4.1.1) */
#define RF_WIRE_QR 0x8000
#define RF_WIRE_AA 0x0400
#define RF_WIRE_TC 0x0200
#define RF_WIRE_RD 0x0100
#define RF_WIRE_RA 0x0080

enum {
	RF_RCODE_NOERROR = 0,
	RF_RCODE_FORMERR = 1,
	RF_RCODE_SERVFAIL = 2,
	RF_RCODE_NXDOMAIN = 3,
	RF_RCODE_NOTIMP = 4,
	RF_RCODE_REFUSED = 5,
};

enum rf_wire_section {
	RF_SEC_ANSWER = 1,
	RF_SEC_AUTHORITY = 2,
	RF_SEC_ADDITIONAL = 3,
};

/** A parsed message: header, question, and a cursor over the records. */
struct rf_wire_msg {
	const uint8_t *pkt;
	size_t len;
	uint16_t id, flags;
	uint8_t rcode;          /* header RCODE (extended bits not merged) */
	uint16_t qdcount, ancount, nscount, arcount;
	/* the first question, if any */
	char qname[RF_NAME_TEXT_MAX + 2]; /* text, trailing dot, wire case */
	size_t qname_len;
	uint16_t qtype, qclass;
	/* cursor (rf_wire_next) */
	size_t pos;
	unsigned seen;          /* records returned so far */
};

/** One resource record; rdata points into the packet. */
struct rf_wire_rr {
	char name[RF_NAME_TEXT_MAX + 2]; /* owner: text, trailing dot, case
					  * as in the packet, escaped like
					  * lib/name.h canonical text */
	size_t name_len;
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
	size_t rdata_off;       /* offset of rdata in the packet */
	enum rf_wire_section section;
};

/**
 * Parse the header and question of pkt (len bytes; borrowed for as long as
 * the message is used).
 * @return 0, or -1 if the packet is malformed.
 */
int rf_wire_parse(const uint8_t *pkt, size_t len, struct rf_wire_msg *m);

/**
 * The next record of the answer, authority and additional sections in
 * order.  A TTL with the top bit set reads as 0 (RFC 2181 §8), except
 * for OPT, whose TTL field holds flags.
 * @return 1 and fills rr, 0 at the end, -1 if the packet is malformed
 *         (and again on every later call).
 */
int rf_wire_next(struct rf_wire_msg *m, struct rf_wire_rr *rr);

/**
 * Read a possibly compressed name at *off in pkt and write it as text
 * (trailing dot, original case, escaped) to out; *off moves past it.
 * @param out    at least RF_NAME_TEXT_MAX + 2 bytes; NUL-terminated
 * @param outlen receives the length of the text
 * @return 0, or -1 if malformed (*off is then unchanged).
 */
int rf_wire_read_name(const uint8_t *pkt, size_t len, size_t *off,
    char *out, size_t *outlen);

/**
 * Append the rdata of rr in the content form pdns parses for its type
 * (the same form the zone reader produces: names absolute with a trailing
 * dot, MX/SRV priority first, character-strings quoted with \DDD for
 * bytes outside 0x20..0x7e and `"`/`\` escaped, numbers in decimal,
 * base64/hex as pdns prints them).  Types refract's table does not know
 * are written in RFC 3597 form, `\# len hex`.
 * @param m  the message rr was read from (names in the rdata may point
 *           anywhere before them in it; rr->rdata_off is used), or NULL
 *           for rdata standing alone at rr->rdata (no compression)
 * @return 0, or -1 if the rdata is malformed for its type, or holds a
 *         value pdns 4.7.3 cannot read back (out is then left as it
 *         was).
 */
int rf_wire_rdata_to_text(const struct rf_wire_msg *m,
    const struct rf_wire_rr *rr, struct rf_buf *out);

/**
 * Write a query for (name, type, class IN) into out (at least 512 bytes):
 * id, RD as asked, and an EDNS0 OPT record advertising payload bytes when
 * payload > 0.  The name goes through rf_name_to_wire(), so it is sent
 * in canonical (lowercase) form.
 * @return the length, or -1 if the name is invalid or cap too small.
 */
int rf_wire_write_query(uint8_t *out, size_t cap, uint16_t id,
    const char *name, size_t name_len, uint16_t type, bool rd,
    uint16_t payload);

#endif
