/*
 * The table of record types refract knows: number, mnemonic, and the shape
 * of the presentation form, which says which rdata fields are domain names
 * (made absolute when a zone file is loaded), numbers, addresses or
 * character-strings.
 *
 * The set is the one pdns 4.7.3 parses (pdns/qtype.cc and dnsrecords.cc);
 * anything else is written as TYPEnnn with RFC 3597 `\# len hex` data.
 */
#ifndef RF_RRTYPE_H
#define RF_RRTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RF_T_A = 1,
	RF_T_NS = 2,
	RF_T_CNAME = 5,
	RF_T_SOA = 6,
	RF_T_PTR = 12,
	RF_T_HINFO = 13,
	RF_T_MX = 15,
	RF_T_TXT = 16,
	RF_T_AAAA = 28,
	RF_T_LOC = 29,
	RF_T_SRV = 33,
	RF_T_NAPTR = 35,
	RF_T_DNAME = 39,
	RF_T_OPT = 41,
	RF_T_DS = 43,
	RF_T_RRSIG = 46,
	RF_T_NSEC = 47,
	RF_T_DNSKEY = 48,
	RF_T_NSEC3 = 50,
	RF_T_SVCB = 64,
	RF_T_HTTPS = 65,
	RF_T_SPF = 99,
	RF_T_IXFR = 251,
	RF_T_AXFR = 252,
	RF_T_ANY = 255,
	RF_T_CAA = 257,
	/* pdns's pseudo type for empty non-terminals (remote backend) */
	RF_T_ENT = 0,
};

/*
 * Shape letters, one per presentation field, in order:
 *   n  domain name (relative names are made absolute)
 *   u  unsigned 16-bit number      U  unsigned 32-bit number
 *   T  time value, BIND units (1h30m) allowed, written back in seconds
 *   4  IPv4 address                6  IPv6 address
 *   s  one token, passed through   q  one character-string (quoted)
 *   Q  one or more character-strings, to the end
 *   *  zero or more tokens, to the end      +  one or more tokens
 *   g  IPSECKEY gateway: a name when the gateway type field is 3
 */
struct rf_rrtype {
	uint16_t type;
	const char *name;
	const char *shape; /* NULL: no zone-file form (meta types) */
};

/** Flags for types needing special treatment on the PIPE wire. */
#define RF_RRT_PRIO_FIELD(t) ((t) == RF_T_MX || (t) == RF_T_SRV)

/** The entry for type t, or NULL if refract has none. */
const struct rf_rrtype *rf_rrtype_by_num(uint16_t t);
/**
 * Look up a mnemonic (case-insensitive), also TYPEnnn.
 * @return 0 and sets *t, or -1 if unknown.
 */
int rf_rrtype_parse(const char *s, size_t len, uint16_t *t);
/**
 * Write the mnemonic of t (or TYPEnnn) into out (at least 16 bytes).
 * @return its length.
 */
size_t rf_rrtype_format(uint16_t t, char *out);
/** Same, returning a pointer to static storage for known types, or to out. */
const char *rf_rrtype_str(uint16_t t, char out[16]);

#endif
