/*
 * DNS wire format: the bounded reader for upstream answers, the rendering
 * of record data as pdns content, and the query writer.
 *
 * Every byte is read through a cursor that knows where the packet and the
 * current rdata end, so a hostile packet can make a call fail but never
 * read outside the buffer.  Names are unpacked into a 255-byte wire buffer
 * first (bounded by RFC 1035 §2.3.4 and a pointer hop limit) and only then
 * turned into text, by the same rf_name_wire_to_text() that every other
 * module uses, so an owner name and a name inside rdata are escaped alike.
 *
 * Rendering appends to the caller's rf_buf and allocates nothing per
 * record.  Most types are described by a short string giving their wire
 * layout field by field (rdata_layout()); the few with structure of their
 * own (LOC, APL, SVCB/HTTPS, IPSECKEY, CERT) have a function each.
 *
 * The text is the one pdns 4.7.3 prints and parses back (RecordTextWriter
 * in pdns/rcpgenerator.cc, checked against pdns_server, sdig and pdnsutil
 * on this machine): numbers in decimal, hex in lowercase and "-" when
 * empty, base64 with padding, NSEC3 hashes in uppercase base32hex, SVCB
 * parameters in pdns's spelling.  Where the RFC allows a value pdns 4.7.3
 * cannot parse back (an empty key, a CERT of type 0, an IPSECKEY algorithm
 * above 2), rendering fails rather than hand pdns content it rejects: a
 * PIPE answer pdns cannot parse costs a SERVFAIL and may get the
 * coprocess restarted.  LOC is the exception in the other direction: its
 * sizes are written as dig writes them ("1m", not pdns's "1.00m"); pdns
 * reads both.
 */
#include "lib/dnswire.h"

#include <netinet/in.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/name.h"
#include "lib/rrtype.h"
#include "lib/util.h"

/* RFC 1035 §4.1.1: the header is 12 bytes. */
#define WIRE_HDR_LEN 12
/* RFC 1035 §4.1.2, §4.1.3: the smallest question is a root name plus type
 * and class; the smallest record adds TTL and RDLENGTH. */
#define WIRE_Q_MIN  5
#define WIRE_RR_MIN 11
/*
 * Compression pointers followed for one name.  A name has at most 127
 * labels and a compressor needs one pointer per label at worst, so this
 * refuses nothing real while bounding the work a pointer chain can cause.
 */
#define WIRE_MAX_HOPS 128
/* RFC 6891 §6.1.2: the OPT pseudo-record. */
#define WIRE_T_OPT 41

enum {
	T_MB = 7,
	T_MG = 8,
	T_MR = 9,
	T_MINFO = 14,
	T_RP = 17,
	T_AFSDB = 18,
	T_SIG = 24,
	T_KEY = 25,
	T_KX = 36,
	T_CERT = 37,
	T_APL = 42,
	T_SSHFP = 44,
	T_IPSECKEY = 45,
	T_DHCID = 49,
	T_NSEC3PARAM = 51,
	T_TLSA = 52,
	T_SMIMEA = 53,
	T_RKEY = 57,
	T_CDS = 59,
	T_CDNSKEY = 60,
	T_OPENPGPKEY = 61,
	T_CSYNC = 62,
	T_ZONEMD = 63,
	T_NID = 104,
	T_L32 = 105,
	T_L64 = 106,
	T_LP = 107,
	T_EUI48 = 108,
	T_EUI64 = 109,
	T_URI = 256,
	T_DLV = 32769,
	T_ALIAS = 65401,
	T_LUA = 65402,
};

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/*
 * A cursor over one rdata.  pkt/len is the whole message, because
 * compression pointers in names may reach anywhere before them in it;
 * pos..end is the rdata.  Invariant: pos <= end <= len.
 */
struct rd {
	const uint8_t *pkt;
	size_t len;
	size_t pos;
	size_t end;
};

/* ---- bounded reads ------------------------------------------------------ */

static size_t
rd_left(const struct rd *r)
{
	return r->end - r->pos;
}

static bool
rd_u8(struct rd *r, uint8_t *v)
{
	if (rd_left(r) < 1)
		return false;
	*v = r->pkt[r->pos++];
	return true;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static bool
rd_u16(struct rd *r, uint16_t *v)
{
	if (rd_left(r) < 2)
		return false;
	*v = get16(r->pkt + r->pos);
	r->pos += 2;
	return true;
}

static bool
rd_u32(struct rd *r, uint32_t *v)
{
	if (rd_left(r) < 4)
		return false;
	*v = get32(r->pkt + r->pos);
	r->pos += 4;
	return true;
}

/* Take n bytes; NULL if fewer are left. */
static const uint8_t *
rd_bytes(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (rd_left(r) < n)
		return NULL;
	p = r->pkt + r->pos;
	r->pos += n;
	return p;
}

/*
 * Unpack the name at *off into uncompressed wire form (at least
 * RF_NAME_WIRE_MAX bytes).  The labels before the first pointer must end
 * by `end` (the end of the rdata, or of the packet); after a pointer they
 * may run to the end of the packet.  *off moves past the name as it
 * stands at *off, i.e. past the first pointer if there is one.
 * @return the wire length, or -1.
 */
static int
unpack_name(const uint8_t *pkt, size_t len, size_t end, size_t *off,
    uint8_t *wire)
{
	size_t pos = *off, after = 0, o = 0;
	unsigned hops = 0;

	for (;;) {
		unsigned c;

		if (pos >= end)
			return -1;
		c = pkt[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (end - pos < 2)
				return -1;
			target = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];
			/*
			 * RFC 1035 §4.1.4: a pointer refers to a prior
			 * occurrence of the name.  Demanding that it point
			 * strictly backwards makes pure pointer chains
			 * finite; label loops end at the 255-byte limit.
			 */
			if (target >= pos || ++hops > WIRE_MAX_HOPS)
				return -1;
			if (hops == 1)
				after = pos + 2;
			pos = target;
			end = len;
			continue;
		}
		/* RFC 1035 §4.1.4 reserves 0x40 and 0x80; the extended
		 * label types of RFC 2671/2673 were withdrawn (RFC 6891
		 * §5). */
		if ((c & 0xc0) != 0)
			return -1;
		if (c == 0) {
			wire[o++] = 0;
			pos++;
			break;
		}
		/* RFC 1035 §2.3.4: 255 octets including the root label. */
		if (o + 1 + c + 1 > RF_NAME_WIRE_MAX || end - pos < 1 + c)
			return -1;
		memcpy(wire + o, pkt + pos, 1 + c);
		o += 1 + c;
		pos += 1 + c;
	}
	*off = hops > 0 ? after : pos;
	return (int)o;
}

/* Read a name with the record's cursor and append it as text. */
static int
put_name(struct rd *r, struct rf_buf *out)
{
	uint8_t wire[RF_NAME_WIRE_MAX];
	char *dst;

	if (unpack_name(r->pkt, r->len, r->end, &r->pos, wire) < 0)
		return -1;
	/* rf_name_wire_to_text writes at most RF_NAME_TEXT_MAX + 1
	 * characters and a NUL, which reserve() leaves room for. */
	dst = rf_buf_reserve(out, RF_NAME_TEXT_MAX + 1);
	out->len += rf_name_wire_to_text(wire, dst);
	return 0;
}

/* ---- text helpers ------------------------------------------------------- */

static size_t
fmt_ddd(char *d, unsigned c)
{
	d[0] = '\\';
	d[1] = (char)('0' + c / 100);
	d[2] = (char)('0' + c / 10 % 10);
	d[3] = (char)('0' + c % 10);
	return 4;
}

/*
 * A character-string (RFC 1035 §5.1) as pdns writes it: `"` and `\`
 * escaped, bytes outside 0x20..0x7e as \DDD.  The content must never
 * carry a TAB or newline: the PIPE protocol splits on them.
 */
static void
put_chars(struct rf_buf *out, const uint8_t *p, size_t n)
{
	char *d = rf_buf_reserve(out, 4 * n + 2);
	size_t i, o = 0;

	d[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned c = p[i];

		if (c == '"' || c == '\\') {
			d[o++] = '\\';
			d[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			o += fmt_ddd(d + o, c);
		} else {
			d[o++] = (char)c;
		}
	}
	d[o++] = '"';
	out->len += o;
}

/* pdns writes an empty hex field as "-" and reads "-" back as empty. */
static void
put_hex(struct rf_buf *out, const uint8_t *p, size_t n)
{
	char *d;
	size_t i;

	if (n == 0) {
		rf_buf_addc(out, '-');
		return;
	}
	d = rf_buf_reserve(out, 2 * n);
	for (i = 0; i < n; i++) {
		d[2 * i] = hex_lower[p[i] >> 4];
		d[2 * i + 1] = hex_lower[p[i] & 0x0f];
	}
	out->len += 2 * n;
}

/* RFC 4648 §4, with padding, as pdns's Base64Encode. */
static void
put_base64(struct rf_buf *out, const uint8_t *p, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *d = rf_buf_reserve(out, (n + 2) / 3 * 4);
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v =
		    (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		d[o++] = b64[v >> 18];
		d[o++] = b64[v >> 12 & 0x3f];
		d[o++] = b64[v >> 6 & 0x3f];
		d[o++] = b64[v & 0x3f];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		d[o++] = b64[v >> 18];
		d[o++] = b64[v >> 12 & 0x3f];
		d[o++] = i + 1 < n ? b64[v >> 6 & 0x3f] : '=';
		d[o++] = '=';
	}
	out->len += o;
}

/*
 * RFC 4648 §7 base32hex.  pdns 4.7.3 prints NSEC3 hashes in uppercase and
 * pads a final partial group with '=' (toBase32Hex); for the usual 20-byte
 * SHA-1 hash there is no padding.
 */
static void
put_base32hex(struct rf_buf *out, const uint8_t *p, size_t n)
{
	static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	static const unsigned char chars[5] = { 8, 2, 4, 5, 7 };
	char *d = rf_buf_reserve(out, (n + 4) / 5 * 8);
	size_t i, o = 0;

	for (i = 0; i < n; i += 5) {
		size_t k, take = RF_MIN(n - i, 5);
		unsigned nchars = chars[take % 5];
		uint64_t v = 0;

		for (k = 0; k < 5; k++)
			v = v << 8 | (k < take ? p[i + k] : 0);
		for (k = 0; k < 8; k++) {
			if (k < nchars)
				d[o++] = b32[v >> (35 - 5 * k) & 0x1f];
			else
				d[o++] = '=';
		}
	}
	out->len += o;
}

/* Dotted quad into d (at least 15 bytes); returns its length. */
static size_t
fmt_ipv4(char *d, const uint8_t *p)
{
	size_t i, o = 0;

	for (i = 0; i < 4; i++) {
		unsigned v = p[i];

		if (i > 0)
			d[o++] = '.';
		if (v >= 100)
			d[o++] = (char)('0' + v / 100);
		if (v >= 10)
			d[o++] = (char)('0' + v / 10 % 10);
		d[o++] = (char)('0' + v % 10);
	}
	return o;
}

static void
put_ipv4(struct rf_buf *out, const uint8_t *p)
{
	char *d = rf_buf_reserve(out, 15);

	out->len += fmt_ipv4(d, p);
}

/*
 * IPv6 text exactly as glibc's inet_ntop writes it, the form pdns and the
 * zone reader use: RFC 5952 §4 (lowercase, no leading zeros, the first
 * longest run of two or more zero groups as "::"), plus inet_ntop's
 * dotted tail for ::a.b.c.d and ::ffff:a.b.c.d.  Written by hand because
 * inet_ntop alone costs more than all the rest of an AAAA record.
 */
static void
put_ipv6(struct rf_buf *out, const uint8_t *p)
{
	char *d = rf_buf_reserve(out, INET6_ADDRSTRLEN);
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	unsigned w[8];
	size_t o = 0;
	int i;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)p[2 * i] << 8 | p[2 * i + 1];
		if (w[i] != 0) {
			cur = -1;
			continue;
		}
		if (cur < 0) {
			cur = i;
			cur_len = 0;
		}
		/* Only a strictly longer run replaces an earlier one. */
		if (++cur_len > best_len) {
			best = cur;
			best_len = cur_len;
		}
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				d[o++] = ':';
			continue;
		}
		if (i > 0)
			d[o++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			o += fmt_ipv4(d + o, p + 12);
			break;
		}
		if (w[i] >= 0x1000)
			d[o++] = hex_lower[w[i] >> 12];
		if (w[i] >= 0x100)
			d[o++] = hex_lower[w[i] >> 8 & 0xf];
		if (w[i] >= 0x10)
			d[o++] = hex_lower[w[i] >> 4 & 0xf];
		d[o++] = hex_lower[w[i] & 0xf];
	}
	if (best >= 0 && best + best_len == 8)
		d[o++] = ':';
	out->len += o;
}

static void
put_type(struct rf_buf *out, uint16_t t)
{
	char tmp[16];

	rf_buf_adds(out, rf_rrtype_str(t, tmp));
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days(uint32_t days, unsigned *y, unsigned *mo, unsigned *d)
{
	uint32_t z = days + 719468;
	uint32_t era = z / 146097;
	uint32_t doe = z - era * 146097;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint32_t mp = (5 * doy + 2) / 153;

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*mo = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*mo <= 2 ? 1 : 0));
}

static size_t
fmt_digits(char *d, unsigned v, unsigned width)
{
	unsigned k;

	for (k = width; k > 0; k--) {
		d[k - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return width;
}

/*
 * RFC 4034 §3.2: signature times as YYYYMMDDHHmmSS in UTC.  pdns takes
 * the 32-bit value as seconds since 1970 (no serial arithmetic), so this
 * does too; it spans 1970 to 2106.
 */
static void
put_time(struct rf_buf *out, uint32_t t)
{
	char *d = rf_buf_reserve(out, 14);
	unsigned y, mo, day, secs = (unsigned)(t % 86400);
	size_t o = 0;

	civil_from_days(t / 86400, &y, &mo, &day);
	o += fmt_digits(d + o, y, 4);
	o += fmt_digits(d + o, mo, 2);
	o += fmt_digits(d + o, day, 2);
	o += fmt_digits(d + o, secs / 3600, 2);
	o += fmt_digits(d + o, secs / 60 % 60, 2);
	o += fmt_digits(d + o, secs % 60, 2);
	out->len += o;
}

/*
 * Type bitmap (RFC 4034 §4.1.2, shared by NSEC3 and CSYNC), written as
 * " TYPE TYPE ...": each mnemonic brings its own leading space, so an
 * empty bitmap (an NSEC3 for an empty non-terminal) adds nothing.
 */
static int
put_bitmap(struct rd *r, struct rf_buf *out)
{
	int prev = -1;

	while (rd_left(r) > 0) {
		const uint8_t *bits;
		uint8_t win, blen;
		unsigned i, b;

		if (!rd_u8(r, &win) || !rd_u8(r, &blen))
			return -1;
		/* RFC 4034 §4.1.2: windows in increasing order, each 1 to
		 * 32 octets long. */
		if ((int)win <= prev || blen == 0 || blen > 32)
			return -1;
		if ((bits = rd_bytes(r, blen)) == NULL)
			return -1;
		prev = win;
		for (i = 0; i < blen; i++) {
			for (b = 0; b < 8; b++) {
				if ((bits[i] & (0x80u >> b)) == 0)
					continue;
				rf_buf_addc(out, ' ');
				put_type(out,
				    (uint16_t)(win * 256u + i * 8 + b));
			}
		}
	}
	return 0;
}

/* ---- the common layouts ------------------------------------------------- */

/*
 * Wire layout of a type's rdata, one letter per field.  Fields are
 * written in order, separated by single spaces, and must use up the
 * rdata exactly.
 *   1 2 4  unsigned 8-, 16-, 32-bit number     n  domain name
 *   a A    IPv4 / IPv6 address                 t  type mnemonic (16 bits)
 *   T      time YYYYMMDDHHmmSS (32 bits)       i  NID/L64 locator (64 bits)
 *   s      one character-string                S  one or more, to the end
 *   r      the rest as one quoted string (CAA value, URI target)
 *   g      CAA tag: length byte, letters and digits
 *   x      the rest in hex ("-" if empty)      b  the rest in base64
 *   X      hex with a length byte (NSEC3 salt) H  base32hex, length byte
 *   B      type bitmap, to the end             e E  EUI-48 / EUI-64
 */
static const char *
rdata_layout(uint16_t type)
{
	switch (type) {
	case RF_T_A:
		return "a";
	case RF_T_AAAA:
		return "A";
	case RF_T_NS:
	case RF_T_CNAME:
	case RF_T_PTR:
	case RF_T_DNAME:
	case T_MB:
	case T_MG:
	case T_MR:
	case T_ALIAS:
		return "n";
	case RF_T_SOA:
		return "nn44444";
	case RF_T_MX:
	case T_AFSDB:
	case T_KX:
	case T_LP:
		return "2n";
	case T_MINFO:
	case T_RP:
		return "nn";
	case RF_T_SRV:
		return "222n";
	case RF_T_NAPTR:
		return "22sssn";
	case RF_T_TXT:
	case RF_T_SPF:
		return "S";
	case RF_T_HINFO:
		return "ss";
	case RF_T_CAA:
		return "1gr";
	case T_URI:
		return "22r";
	case T_SSHFP:
		return "11x";
	case T_TLSA:
	case T_SMIMEA:
		return "111x";
	case RF_T_DS:
	case T_CDS:
	case T_DLV:
		return "211x";
	case RF_T_DNSKEY:
	case T_CDNSKEY:
	case T_KEY:
	case T_RKEY:
		return "211b";
	case RF_T_RRSIG:
	case T_SIG:
		return "t114TT2nb";
	case RF_T_NSEC:
		return "nB";
	case RF_T_NSEC3:
		return "112XHB";
	case T_NSEC3PARAM:
		return "112X";
	case T_CSYNC:
		return "42B";
	case T_ZONEMD:
		return "411x";
	case T_DHCID:
	case T_OPENPGPKEY:
		return "b";
	case T_L32:
		return "2a";
	case T_NID:
	case T_L64:
		return "2i";
	case T_EUI48:
		return "e";
	case T_EUI64:
		return "E";
	case T_LUA:
		return "tS";
	default:
		return NULL;
	}
}

static int
put_field(struct rd *r, char f, struct rf_buf *out)
{
	const uint8_t *p;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	size_t i, n;

	switch (f) {
	case '1':
		if (!rd_u8(r, &u8))
			return -1;
		rf_buf_addu(out, u8);
		return 0;
	case '2':
		if (!rd_u16(r, &u16))
			return -1;
		rf_buf_addu(out, u16);
		return 0;
	case '4':
		if (!rd_u32(r, &u32))
			return -1;
		rf_buf_addu(out, u32);
		return 0;
	case 'n':
		return put_name(r, out);
	case 'a':
		if ((p = rd_bytes(r, 4)) == NULL)
			return -1;
		put_ipv4(out, p);
		return 0;
	case 'A':
		if ((p = rd_bytes(r, 16)) == NULL)
			return -1;
		put_ipv6(out, p);
		return 0;
	case 't':
		if (!rd_u16(r, &u16))
			return -1;
		put_type(out, u16);
		return 0;
	case 'T':
		if (!rd_u32(r, &u32))
			return -1;
		put_time(out, u32);
		return 0;
	case 's':
	case 'g':
		/* RFC 1035 §3.3: <character-string> is a length byte and
		 * that many bytes. */
		if (!rd_u8(r, &u8) || (p = rd_bytes(r, u8)) == NULL)
			return -1;
		if (f == 's') {
			put_chars(out, p, u8);
			return 0;
		}
		/* RFC 8659 §4.1: the tag is at least one byte, US-ASCII
		 * letters and digits only; pdns writes it unquoted. */
		if (u8 == 0)
			return -1;
		for (i = 0; i < u8; i++) {
			if (!((p[i] >= 'a' && p[i] <= 'z') ||
				(p[i] >= 'A' && p[i] <= 'Z') ||
				(p[i] >= '0' && p[i] <= '9')))
				return -1;
		}
		rf_buf_add(out, p, u8);
		return 0;
	case 'S':
		/* RFC 1035 §3.3.14: one or more character-strings. */
		if (rd_left(r) == 0)
			return -1;
		while (rd_left(r) > 0) {
			if (!rd_u8(r, &u8) || (p = rd_bytes(r, u8)) == NULL)
				return -1;
			put_chars(out, p, u8);
			if (rd_left(r) > 0)
				rf_buf_addc(out, ' ');
		}
		return 0;
	case 'r':
		n = rd_left(r);
		put_chars(out, rd_bytes(r, n), n);
		return 0;
	case 'x':
		n = rd_left(r);
		put_hex(out, rd_bytes(r, n), n);
		return 0;
	case 'b':
		/* pdns cannot read an empty base64 field back ("missing
		 * field at the end of record content"). */
		if ((n = rd_left(r)) == 0)
			return -1;
		put_base64(out, rd_bytes(r, n), n);
		return 0;
	case 'X':
		if (!rd_u8(r, &u8) || (p = rd_bytes(r, u8)) == NULL)
			return -1;
		put_hex(out, p, u8);
		return 0;
	case 'H':
		/* RFC 5155 §3.2: the hash is 1 to 255 bytes. */
		if (!rd_u8(r, &u8) || u8 == 0 || (p = rd_bytes(r, u8)) == NULL)
			return -1;
		put_base32hex(out, p, u8);
		return 0;
	case 'i': {
		/* RFC 6742 §2.1.2: four groups of 16 bits; pdns prints
		 * them as uppercase hex with leading zeros. */
		char *d;

		if ((p = rd_bytes(r, 8)) == NULL)
			return -1;
		d = rf_buf_reserve(out, 19);
		for (i = 0, n = 0; i < 8; i++) {
			if (i > 0 && i % 2 == 0)
				d[n++] = ':';
			d[n++] = hex_upper[p[i] >> 4];
			d[n++] = hex_upper[p[i] & 0x0f];
		}
		out->len += n;
		return 0;
	}
	case 'e':
	case 'E': {
		/* RFC 7043 §3.2, §4.2: hex pairs joined by '-'. */
		size_t len = f == 'e' ? 6 : 8;
		char *d;

		if ((p = rd_bytes(r, len)) == NULL)
			return -1;
		d = rf_buf_reserve(out, 3 * len);
		for (i = 0, n = 0; i < len; i++) {
			if (i > 0)
				d[n++] = '-';
			d[n++] = hex_lower[p[i] >> 4];
			d[n++] = hex_lower[p[i] & 0x0f];
		}
		out->len += n;
		return 0;
	}
	default:
		/* rdata_layout() uses only the letters above. */
		rf_abort_msg(__FILE__, __LINE__, "rdata layout letter");
	}
}

static int
put_layout(struct rd *r, const char *layout, struct rf_buf *out)
{
	const char *f;

	for (f = layout; *f != '\0'; f++) {
		/* The bitmap writes a space before each of its types. */
		if (f != layout && *f != 'B')
			rf_buf_addc(out, ' ');
		if (*f == 'B') {
			if (put_bitmap(r, out) < 0)
				return -1;
		} else if (put_field(r, *f, out) < 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- types with structure of their own ---------------------------------- */

/* RFC 3597 §5: `\# len hex`, and `\# 0` for empty data. */
static void
put_unknown(struct rd *r, struct rf_buf *out)
{
	size_t n = rd_left(r);

	rf_buf_add(out, "\\# ", 3);
	rf_buf_addu(out, n);
	if (n > 0) {
		rf_buf_addc(out, ' ');
		put_hex(out, rd_bytes(r, n), n);
	}
}

/*
 * RFC 1876 §2 size and precision: mantissa and power of ten in
 * centimetres, written in metres the way dig writes them (BIND
 * loc_29.c): "1m", "10000m", but "0.50m" below one metre.
 */
static int
put_precsize(struct rf_buf *out, uint8_t v)
{
	static const uint32_t pow10[10] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000 };
	unsigned mant = v >> 4, exp = v & 0x0f;

	/* RFC 1876 §2: both nibbles are decimal digits. */
	if (mant > 9 || exp > 9)
		return -1;
	rf_buf_addc(out, ' ');
	if (exp >= 2) {
		rf_buf_addu(out, mant * pow10[exp - 2]);
	} else {
		char d[4] = { '0', '.', 0, 0 };

		fmt_digits(d + 2, mant * pow10[exp], 2);
		rf_buf_add(out, d, sizeof(d));
	}
	rf_buf_addc(out, 'm');
	return 0;
}

/* One coordinate: thousandths of an arc second offset by 2^31. */
static int
put_coord(struct rf_buf *out, uint32_t v, uint32_t max_deg, char pos, char neg)
{
	char hemi = pos;
	uint32_t a;
	char d[4];

	if (v >= UINT32_C(0x80000000)) {
		a = v - UINT32_C(0x80000000);
	} else {
		a = UINT32_C(0x80000000) - v;
		hemi = neg;
	}
	/* RFC 1876 §2: at most 90 degrees of latitude, 180 of
	 * longitude. */
	if (a > max_deg * UINT32_C(3600000))
		return -1;
	rf_buf_addu(out, a / 3600000);
	rf_buf_addc(out, ' ');
	rf_buf_addu(out, a / 60000 % 60);
	rf_buf_addc(out, ' ');
	rf_buf_addu(out, a / 1000 % 60);
	d[0] = '.';
	fmt_digits(d + 1, a % 1000, 3);
	rf_buf_add(out, d, 4);
	rf_buf_addc(out, ' ');
	rf_buf_addc(out, hemi);
	return 0;
}

/* LOC, RFC 1876 §3 text form: d m s.sss N d m s.sss E alt size hp vp. */
static int
put_loc(struct rd *r, struct rf_buf *out)
{
	const uint8_t *p;
	uint32_t alt;
	char d[3];

	/* RFC 1876 §2: 16 bytes (the caller refuses any more), and only
	 * version 0 is defined. */
	if ((p = rd_bytes(r, 16)) == NULL || p[0] != 0)
		return -1;
	if (put_coord(out, get32(p + 4), 90, 'N', 'S') < 0)
		return -1;
	rf_buf_addc(out, ' ');
	if (put_coord(out, get32(p + 8), 180, 'E', 'W') < 0)
		return -1;
	/* Altitude: centimetres above a base 100000 m below the WGS 84
	 * reference spheroid. */
	alt = get32(p + 12);
	rf_buf_addc(out, ' ');
	if (alt < 10000000) {
		rf_buf_addc(out, '-');
		alt = 10000000 - alt;
	} else {
		alt -= 10000000;
	}
	rf_buf_addu(out, alt / 100);
	d[0] = '.';
	fmt_digits(d + 1, alt % 100, 2);
	rf_buf_add(out, d, 3);
	rf_buf_addc(out, 'm');
	if (put_precsize(out, p[1]) < 0 || put_precsize(out, p[2]) < 0 ||
	    put_precsize(out, p[3]) < 0)
		return -1;
	return 0;
}

/*
 * APL, RFC 3123 §4: items "[!]family:address/prefix".  pdns prints the
 * address with the bits beyond the prefix cleared (it goes through its
 * Netmask class), so this does too.
 */
static int
put_apl(struct rd *r, struct rf_buf *out)
{
	while (rd_left(r) > 0) {
		uint8_t addr[16] = { 0 };
		uint16_t family;
		uint8_t prefix, nlen;
		const uint8_t *p;
		size_t alen, i;

		if (!rd_u16(r, &family) || !rd_u8(r, &prefix) ||
		    !rd_u8(r, &nlen))
			return -1;
		/* RFC 3123 §4: family 1 is IPv4, 2 is IPv6; pdns knows no
		 * other.  AFDLENGTH is 7 bits, at most the address size. */
		if (family == 1)
			alen = 4;
		else if (family == 2)
			alen = 16;
		else
			return -1;
		if ((nlen & 0x7f) > alen || prefix > alen * 8)
			return -1;
		if ((p = rd_bytes(r, nlen & 0x7f)) == NULL)
			return -1;
		memcpy(addr, p, nlen & 0x7f);
		for (i = 0; i < alen; i++) {
			if (i * 8 >= prefix)
				addr[i] = 0;
			else if (i * 8 + 8 > prefix)
				addr[i] &= (uint8_t)(0xff00u >> (prefix % 8));
		}
		if ((nlen & 0x80) != 0)
			rf_buf_addc(out, '!');
		rf_buf_addc(out, family == 1 ? '1' : '2');
		rf_buf_addc(out, ':');
		if (family == 1)
			put_ipv4(out, addr);
		else
			put_ipv6(out, addr);
		rf_buf_addc(out, '/');
		rf_buf_addu(out, prefix);
		if (rd_left(r) > 0)
			rf_buf_addc(out, ' ');
	}
	return 0;
}

/*
 * IPSECKEY, RFC 4025 §2: precedence, gateway type, algorithm, gateway,
 * key.  pdns 4.7.3 writes (and only reads) no gateway token at all for
 * gateway type 0, rather than the RFC's ".", and knows key algorithms 0
 * (no key), 1 and 2 only.
 */
static int
put_ipseckey(struct rd *r, struct rf_buf *out)
{
	uint8_t prec, gwtype, alg;
	const uint8_t *p;
	size_t n;

	if (!rd_u8(r, &prec) || !rd_u8(r, &gwtype) || !rd_u8(r, &alg))
		return -1;
	rf_buf_addu(out, prec);
	rf_buf_addc(out, ' ');
	rf_buf_addu(out, gwtype);
	rf_buf_addc(out, ' ');
	rf_buf_addu(out, alg);
	switch (gwtype) {
	case 0:
		break;
	case 1:
		if ((p = rd_bytes(r, 4)) == NULL)
			return -1;
		rf_buf_addc(out, ' ');
		put_ipv4(out, p);
		break;
	case 2:
		if ((p = rd_bytes(r, 16)) == NULL)
			return -1;
		rf_buf_addc(out, ' ');
		put_ipv6(out, p);
		break;
	case 3:
		rf_buf_addc(out, ' ');
		if (put_name(r, out) < 0)
			return -1;
		break;
	default:
		/* RFC 4025 §2.3: other gateway types are reserved. */
		return -1;
	}
	/* Algorithm 0 has no key: any bytes left over are refused as
	 * trailing data by the caller. */
	if (alg == 0)
		return 0;
	if (alg > 2 || (n = rd_left(r)) == 0)
		return -1;
	rf_buf_addc(out, ' ');
	put_base64(out, rd_bytes(r, n), n);
	return 0;
}

/* RFC 4398 §2.1: CERT type 0 is reserved, and pdns refuses it. */
static int
put_cert(struct rd *r, struct rf_buf *out)
{
	if (rd_left(r) >= 2 && get16(r->pkt + r->pos) == 0)
		return -1;
	return put_layout(r, "221b", out);
}

/* ---- SVCB and HTTPS ----------------------------------------------------- */

/* RFC 9460 §14.3.2 registry names pdns 4.7.3 knows; others are keyNNNNN. */
static void
put_svc_key(struct rf_buf *out, uint16_t key)
{
	static const char *const names[] = { "mandatory", "alpn",
		"no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint" };

	if (key < RF_ARRAY_LEN(names)) {
		rf_buf_adds(out, names[key]);
	} else {
		rf_buf_add(out, "key", 3);
		rf_buf_addu(out, key);
	}
}

/*
 * One alpn-id in a value-list (RFC 9460 Appendix A.1): a comma is written
 * `\\,` and a backslash `\\\\`, the value-list escapes riding inside
 * character-string ones.  pdns 4.7.3 writes `"` and odd bytes with the
 * same double escape, `\\"` and `\\001`, and then cannot read them back
 * ("Unable to parse DNS SVCB value list"); written once, `\"` and
 * `\001`, it reads them, so that is what this writes.
 */
static void
put_alpn_id(struct rf_buf *out, const uint8_t *p, size_t n)
{
	char *d = rf_buf_reserve(out, 4 * n);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned c = p[i];

		if (c == ',') {
			memcpy(d + o, "\\\\,", 3);
			o += 3;
		} else if (c == '\\') {
			memcpy(d + o, "\\\\\\\\", 4);
			o += 4;
		} else if (c == '"') {
			d[o++] = '\\';
			d[o++] = '"';
		} else if (c < 0x20 || c >= 0x7f) {
			o += fmt_ddd(d + o, c);
		} else {
			d[o++] = (char)c;
		}
	}
	out->len += o;
}

static int
put_svc_alpn(struct rf_buf *out, const uint8_t *v, size_t vlen)
{
	bool quote = false;
	size_t i;

	/* RFC 9460 §7.1.1: one or more alpn-ids, none of them empty.
	 * Validate first: a space in any id quotes the whole list. */
	if (vlen == 0)
		return -1;
	for (i = 0; i < vlen; i += 1 + v[i]) {
		if (v[i] == 0 || v[i] > vlen - i - 1)
			return -1;
		if (memchr(v + i + 1, ' ', v[i]) != NULL)
			quote = true;
	}
	if (quote)
		rf_buf_addc(out, '"');
	for (i = 0; i < vlen; i += 1 + v[i]) {
		if (i > 0)
			rf_buf_addc(out, ',');
		put_alpn_id(out, v + i + 1, v[i]);
	}
	if (quote)
		rf_buf_addc(out, '"');
	return 0;
}

static int
put_svc_value(struct rf_buf *out, uint16_t key, const uint8_t *v, size_t vlen)
{
	size_t i;

	switch (key) {
	case 0:
		/* RFC 9460 §8: mandatory lists keys in strictly increasing
		 * order, never itself. */
		if (vlen == 0 || vlen % 2 != 0)
			return -1;
		for (i = 0; i < vlen; i += 2) {
			uint16_t k = get16(v + i);

			if (k == 0 || (i > 0 && k <= get16(v + i - 2)))
				return -1;
			if (i > 0)
				rf_buf_addc(out, ',');
			put_svc_key(out, k);
		}
		return 0;
	case 1:
		return put_svc_alpn(out, v, vlen);
	case 2:
		/* RFC 9460 §7.1.1: no-default-alpn has no value. */
		return vlen == 0 ? 0 : -1;
	case 3:
		/* RFC 9460 §7.2 */
		if (vlen != 2)
			return -1;
		rf_buf_addu(out, get16(v));
		return 0;
	case 4:
	case 6: {
		/* RFC 9460 §7.3: one or more addresses. */
		size_t alen = key == 4 ? 4 : 16;

		if (vlen == 0 || vlen % alen != 0)
			return -1;
		for (i = 0; i < vlen; i += alen) {
			if (i > 0)
				rf_buf_addc(out, ',');
			if (key == 4)
				put_ipv4(out, v + i);
			else
				put_ipv6(out, v + i);
		}
		return 0;
	}
	case 5:
		/* pdns quotes the ECHConfigList. */
		rf_buf_addc(out, '"');
		put_base64(out, v, vlen);
		rf_buf_addc(out, '"');
		return 0;
	default:
		put_chars(out, v, vlen);
		return 0;
	}
}

/* SVCB and HTTPS, RFC 9460 §2.2: priority, target, parameters. */
static int
put_svcb(struct rd *r, struct rf_buf *out)
{
	uint16_t prio;
	int32_t prev = -1;

	if (!rd_u16(r, &prio))
		return -1;
	rf_buf_addu(out, prio);
	rf_buf_addc(out, ' ');
	if (put_name(r, out) < 0)
		return -1;
	if (prio == 0) {
		/* RFC 9460 §2.4.2: AliasMode parameters are ignored; pdns
		 * prints none and reads none. */
		r->pos = r->end;
		return 0;
	}
	while (rd_left(r) > 0) {
		uint16_t key, vlen;
		const uint8_t *v;

		if (!rd_u16(r, &key) || !rd_u16(r, &vlen) ||
		    (v = rd_bytes(r, vlen)) == NULL)
			return -1;
		/* RFC 9460 §2.2: keys in strictly increasing order. */
		if ((int32_t)key <= prev)
			return -1;
		prev = key;
		rf_buf_addc(out, ' ');
		put_svc_key(out, key);
		if (key != 2)
			rf_buf_addc(out, '=');
		if (put_svc_value(out, key, v, vlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- exported ----------------------------------------------------------- */

int
rf_wire_read_name(const uint8_t *pkt, size_t len, size_t *off, char *out,
    size_t *outlen)
{
	uint8_t wire[RF_NAME_WIRE_MAX];
	size_t pos = *off;

	if (unpack_name(pkt, len, len, &pos, wire) < 0)
		return -1;
	*outlen = rf_name_wire_to_text(wire, out);
	*off = pos;
	return 0;
}

int
rf_wire_parse(const uint8_t *pkt, size_t len, struct rf_wire_msg *m)
{
	size_t pos = WIRE_HDR_LEN, need;
	unsigned i;

	memset(m, 0, sizeof(*m));
	/* RFC 1035 §4.1.1 */
	if (len < WIRE_HDR_LEN)
		return -1;
	m->pkt = pkt;
	m->len = len;
	m->id = get16(pkt);
	m->flags = get16(pkt + 2);
	m->rcode = (uint8_t)(m->flags & 0x0f);
	m->qdcount = get16(pkt + 4);
	m->ancount = get16(pkt + 6);
	m->nscount = get16(pkt + 8);
	m->arcount = get16(pkt + 10);
	/* Counts that cannot fit are refused up front, so that a short
	 * packet claiming 65535 records costs nothing. */
	need = WIRE_HDR_LEN + (size_t)m->qdcount * WIRE_Q_MIN +
	    ((size_t)m->ancount + m->nscount + m->arcount) * WIRE_RR_MIN;
	if (need > len)
		return -1;
	for (i = 0; i < m->qdcount; i++) {
		char other[RF_NAME_TEXT_MAX + 2];
		char *name = i == 0 ? m->qname : other;
		size_t name_len;

		/* RFC 1035 §4.1.2: QNAME, QTYPE, QCLASS. */
		if (rf_wire_read_name(pkt, len, &pos, name, &name_len) < 0 ||
		    len - pos < 4)
			return -1;
		if (i == 0) {
			m->qname_len = name_len;
			m->qtype = get16(pkt + pos);
			m->qclass = get16(pkt + pos + 2);
		}
		pos += 4;
	}
	m->pos = pos;
	return 0;
}

int
rf_wire_next(struct rf_wire_msg *m, struct rf_wire_rr *rr)
{
	unsigned total = (unsigned)m->ancount + m->nscount + m->arcount;
	size_t pos = m->pos, len;
	uint32_t ttl;

	if (m->seen >= total)
		return 0;
	/* RFC 1035 §4.1.3: NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA. */
	if (rf_wire_read_name(m->pkt, m->len, &pos, rr->name, &len) < 0 ||
	    m->len - pos < 10)
		return -1;
	rr->name_len = len;
	rr->type = get16(m->pkt + pos);
	rr->rclass = get16(m->pkt + pos + 2);
	ttl = get32(m->pkt + pos + 4);
	rr->rdlen = get16(m->pkt + pos + 8);
	pos += 10;
	if (m->len - pos < rr->rdlen)
		return -1;
	/* RFC 2181 §8: a TTL with the top bit set is treated as zero.  The
	 * OPT record's "TTL" is flags (RFC 6891 §6.1.3), left alone. */
	rr->ttl = rr->type != WIRE_T_OPT && ttl > INT32_MAX ? 0 : ttl;
	rr->rdata = m->pkt + pos;
	rr->rdata_off = pos;
	if (m->seen < m->ancount)
		rr->section = RF_SEC_ANSWER;
	else if (m->seen < (unsigned)m->ancount + m->nscount)
		rr->section = RF_SEC_AUTHORITY;
	else
		rr->section = RF_SEC_ADDITIONAL;
	m->pos = pos + rr->rdlen;
	m->seen++;
	return 1;
}

int
rf_wire_rdata_to_text(const struct rf_wire_msg *m, const struct rf_wire_rr *rr,
    struct rf_buf *out)
{
	const struct rf_rrtype *rt = rf_rrtype_by_num(rr->type);
	size_t start = out->len;
	const char *layout;
	struct rd r;
	int rc;

	if (m != NULL) {
		if (rr->rdata_off > m->len ||
		    m->len - rr->rdata_off < rr->rdlen)
			return -1;
		r.pkt = m->pkt;
		r.len = m->len;
		r.pos = rr->rdata_off;
	} else {
		/* Empty rdata may come with a NULL pointer. */
		r.pkt = rr->rdata != NULL ? rr->rdata : (const uint8_t *)"";
		r.len = rr->rdlen;
		r.pos = 0;
	}
	r.end = r.pos + rr->rdlen;

	if (rt == NULL || rt->shape == NULL) {
		put_unknown(&r, out);
		return 0;
	}
	switch (rr->type) {
	case RF_T_LOC:
		rc = put_loc(&r, out);
		break;
	case T_APL:
		rc = put_apl(&r, out);
		break;
	case T_IPSECKEY:
		rc = put_ipseckey(&r, out);
		break;
	case T_CERT:
		rc = put_cert(&r, out);
		break;
	case RF_T_SVCB:
	case RF_T_HTTPS:
		rc = put_svcb(&r, out);
		break;
	default:
		/* A type added to the table without a layout here still
		 * gets written, if not in a form pdns accepts for it. */
		layout = rdata_layout(rr->type);
		if (layout == NULL) {
			put_unknown(&r, out);
			return 0;
		}
		rc = put_layout(&r, layout, out);
		break;
	}
	/* Trailing bytes mean the rdata is not what its type says. */
	if (rc < 0 || rd_left(&r) != 0) {
		out->len = start;
		return -1;
	}
	return 0;
}

int
rf_wire_write_query(uint8_t *out, size_t cap, uint16_t id, const char *name,
    size_t name_len, uint16_t type, bool rd, uint16_t payload)
{
	uint8_t wire[RF_NAME_WIRE_MAX];
	size_t need, o;
	int wlen;

	if ((wlen = rf_name_to_wire(name, name_len, wire)) < 0)
		return -1;
	need = WIRE_HDR_LEN + (size_t)wlen + 4 + (payload > 0 ? 11 : 0);
	if (need > cap)
		return -1;
	/* RFC 1035 §4.1.1: ID, flags (a standard query: only RD may be
	 * set), QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 0 or 1. */
	memset(out, 0, WIRE_HDR_LEN);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = rd ? (uint8_t)(RF_WIRE_RD >> 8) : 0;
	out[5] = 1;
	out[11] = payload > 0 ? 1 : 0;
	o = WIRE_HDR_LEN;
	memcpy(out + o, wire, (size_t)wlen);
	o += (size_t)wlen;
	out[o++] = (uint8_t)(type >> 8);
	out[o++] = (uint8_t)type;
	out[o++] = 0;
	out[o++] = 1; /* class IN */
	if (payload > 0) {
		/* RFC 6891 §6.1.2: root owner, type OPT, class = UDP
		 * payload size, TTL = extended RCODE 0, version 0 and
		 * flags 0 (no DO bit), no options. */
		out[o++] = 0;
		out[o++] = 0;
		out[o++] = WIRE_T_OPT;
		out[o++] = (uint8_t)(payload >> 8);
		out[o++] = (uint8_t)payload;
		memset(out + o, 0, 6);
		o += 6;
	}
	return (int)o;
}
