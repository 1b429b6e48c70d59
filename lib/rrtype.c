/*
 * Record type table.  Sorted by number so that rf_rrtype_by_num can
 * bisect; mnemonic lookup is a linear scan over ~70 entries, only used
 * when loading zones and parsing the question type (a handful of
 * comparisons for the common types at the front).
 */
#include "lib/rrtype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* clang-format off */
static const struct rf_rrtype types[] = {
	{ 1, "A", "4" },
	{ 2, "NS", "n" },
	{ 5, "CNAME", "n" },
	{ 6, "SOA", "nnUTTTT" },
	{ 7, "MB", "n" },
	{ 8, "MG", "n" },
	{ 9, "MR", "n" },
	{ 12, "PTR", "n" },
	{ 13, "HINFO", "qq" },
	{ 14, "MINFO", "nn" },
	{ 15, "MX", "un" },
	{ 16, "TXT", "Q" },
	{ 17, "RP", "nn" },
	{ 18, "AFSDB", "un" },
	{ 25, "KEY", "uuu+" },
	{ 28, "AAAA", "6" },
	{ 29, "LOC", "+" },
	{ 33, "SRV", "uuun" },
	{ 35, "NAPTR", "uuqqqn" },
	{ 36, "KX", "un" },
	{ 37, "CERT", "sss+" },
	{ 39, "DNAME", "n" },
	{ 41, "OPT", NULL },
	{ 42, "APL", "*" },
	{ 43, "DS", "uuu+" },
	{ 44, "SSHFP", "uu+" },
	{ 45, "IPSECKEY", "uuug*" },
	{ 46, "RRSIG", "suuUssun+" },
	{ 47, "NSEC", "n*" },
	{ 48, "DNSKEY", "uuu+" },
	{ 49, "DHCID", "+" },
	{ 50, "NSEC3", "uuus+" },
	{ 51, "NSEC3PARAM", "uuus" },
	{ 52, "TLSA", "uuu+" },
	{ 53, "SMIMEA", "uuu+" },
	{ 57, "RKEY", "uuu+" },
	{ 59, "CDS", "uuu+" },
	{ 60, "CDNSKEY", "uuu+" },
	{ 61, "OPENPGPKEY", "+" },
	{ 62, "CSYNC", "Uu*" },
	{ 63, "ZONEMD", "Uuu+" },
	{ 64, "SVCB", "un*" },
	{ 65, "HTTPS", "un*" },
	{ 99, "SPF", "Q" },
	{ 104, "NID", "us" },
	{ 105, "L32", "u4" },
	{ 106, "L64", "us" },
	{ 107, "LP", "un" },
	{ 108, "EUI48", "s" },
	{ 109, "EUI64", "s" },
	{ 249, "TKEY", NULL },
	{ 250, "TSIG", NULL },
	{ 251, "IXFR", NULL },
	{ 252, "AXFR", NULL },
	{ 253, "MAILB", NULL },
	{ 254, "MAILA", NULL },
	{ 255, "ANY", NULL },
	{ 256, "URI", "uuq" },
	{ 257, "CAA", "usq" },
	{ 32769, "DLV", "uuu+" },
	{ 65401, "ALIAS", "n" },
	{ 65402, "LUA", "sq" },
};
/* clang-format on */

const struct rf_rrtype *
rf_rrtype_by_num(uint16_t t)
{
	size_t lo = 0, hi = RF_ARRAY_LEN(types);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (types[mid].type == t)
			return &types[mid];
		if (types[mid].type < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
rf_rrtype_parse(const char *s, size_t len, uint16_t *t)
{
	size_t i;
	uint32_t v;

	if (len == 0)
		return -1;
	/* what pdns asks nearly always, as pdns writes it */
	if (len == 3 && memcmp(s, "ANY", 3) == 0) {
		*t = RF_T_ANY;
		return 0;
	}
	if (len == 3 && memcmp(s, "SOA", 3) == 0) {
		*t = RF_T_SOA;
		return 0;
	}
	for (i = 0; i < RF_ARRAY_LEN(types); i++) {
		const char *n = types[i].name;

		/* first letters first: a full compare only for candidates */
		if ((n[0] | 0x20) != (s[0] | 0x20) || strlen(n) != len)
			continue;
		if (strncasecmp(n, s, len) == 0) {
			*t = types[i].type;
			return 0;
		}
	}
	if (len > 4 && strncasecmp(s, "TYPE", 4) == 0 &&
	    rf_parse_u32(s + 4, len - 4, 65535, &v) == 0) {
		*t = (uint16_t)v;
		return 0;
	}
	return -1;
}

size_t
rf_rrtype_format(uint16_t t, char *out)
{
	const struct rf_rrtype *rt = rf_rrtype_by_num(t);
	int n;

	if (rt != NULL) {
		size_t len = strlen(rt->name);

		memcpy(out, rt->name, len + 1);
		return len;
	}
	n = snprintf(out, 16, "TYPE%u", (unsigned)t);
	return n > 0 ? (size_t)n : 0;
}

const char *
rf_rrtype_str(uint16_t t, char out[16])
{
	const struct rf_rrtype *rt = rf_rrtype_by_num(t);

	if (rt != NULL)
		return rt->name;
	rf_rrtype_format(t, out);
	return out;
}
