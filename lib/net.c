/*
 * Address and network parsing and matching.
 */
#include "lib/net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

int
rf_addr_parse(const char *s, size_t len, struct rf_addr *a)
{
	char tmp[64];
	const char *pct;

	memset(a, 0, sizeof(*a));
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* pdns may append %iface to link-local addresses (pipe docs) */
	if ((pct = strchr(tmp, '%')) != NULL)
		tmp[pct - tmp] = '\0';
	if (inet_pton(AF_INET, tmp, a->bytes) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, a->bytes) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

int
rf_net_parse(const char *s, size_t len, struct rf_net *n)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len, i;
	unsigned max;
	uint32_t p;

	memset(n, 0, sizeof(*n));
	if (rf_addr_parse(s, alen, &n->addr) < 0)
		return -1;
	max = n->addr.family == 4 ? 32 : 128;
	if (slash == NULL) {
		n->prefix = (uint8_t)max;
		return 0;
	}
	if (rf_parse_u32(slash + 1, len - alen - 1, max, &p) < 0)
		return -1;
	n->prefix = (uint8_t)p;
	for (i = 0; i < max / 8; i++) {
		unsigned bit0 = (unsigned)i * 8;
		uint8_t mask;

		if (bit0 + 8 <= p)
			continue;
		mask = bit0 >= p ? 0 : (uint8_t)(0xff << (8 - (p - bit0)));
		if (n->addr.bytes[i] & (uint8_t)~mask)
			return -1;
	}
	return 0;
}

bool
rf_net_contains(const struct rf_net *n, const struct rf_addr *a)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (a->family != n->addr.family)
		return false;
	if (memcmp(a->bytes, n->addr.bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->bytes[full] ^ n->addr.bytes[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
rf_nets_contain(const struct rf_net *n, size_t count, const struct rf_addr *a)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (rf_net_contains(&n[i], a))
			return true;
	return false;
}

bool
rf_nets_contain_subnet(const struct rf_net *n, size_t count,
    const struct rf_addr *a, unsigned bits)
{
	size_t i;

	if (bits == 0)
		return rf_nets_contain(n, count, a);
	for (i = 0; i < count; i++)
		if (n[i].prefix <= bits && rf_net_contains(&n[i], a))
			return true;
	return false;
}

void
rf_addr_format(const struct rf_addr *a, char *out, size_t outlen)
{
	if (a->family == 0 || inet_ntop(a->family == 4 ? AF_INET : AF_INET6,
	    a->bytes, out, (socklen_t)outlen) == NULL)
		snprintf(out, outlen, "-");
}

bool
rf_addr_is_any(const struct rf_addr *a)
{
	static const uint8_t zero[16];

	return a->family == 0 ||
	    memcmp(a->bytes, zero, a->family == 4 ? 4 : 16) == 0;
}
