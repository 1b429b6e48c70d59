/*
 * IP addresses and networks (IPv4 and IPv6) for client matching, trusted
 * resolvers and, later, NAT maps.
 */
#ifndef RF_NET_H
#define RF_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rf_addr {
	uint8_t family;   /* 4 or 6; 0 = none */
	uint8_t bytes[16];
};

struct rf_net {
	struct rf_addr addr; /* host bits cleared */
	uint8_t prefix;      /* 0..32 or 0..128 */
};

/** Parse an address (no prefix).  @return 0 or -1. */
int rf_addr_parse(const char *s, size_t len, struct rf_addr *a);
/** Parse "addr/prefix" or a bare address (full-length prefix).  Host bits
 *  set beyond the prefix are an error (a likely typo).  @return 0 or -1 */
int rf_net_parse(const char *s, size_t len, struct rf_net *n);
bool rf_net_contains(const struct rf_net *n, const struct rf_addr *a);
/** Does the address lie in any of the networks? */
bool rf_nets_contain(const struct rf_net *n, size_t count,
    const struct rf_addr *a);
/**
 * Does a network hold a client known by the subnet a/bits (an EDNS client
 * subnet; bits 0: the whole address)?  Only if the whole subnet lies in
 * it: an answer for 10.0.0.0/8 must not go to a resolver that would cache
 * it for 10.0.0.0/7.
 */
bool rf_nets_contain_subnet(const struct rf_net *n, size_t count,
    const struct rf_addr *a, unsigned bits);
/** Text form (at least 64 bytes). */
void rf_addr_format(const struct rf_addr *a, char *out, size_t outlen);
/** The unspecified address (0.0.0.0 or ::), which pdns sends when a lookup
 *  has no client. */
bool rf_addr_is_any(const struct rf_addr *a);

#endif
