#!/bin/bash
# The real pdns_server with refract as its launch=pipe coprocess, once per
# PIPE ABI (1, 3 and 5), each queried with the same dig suite over the
# fixture zones in data/:
#   - every record type the fixture has (A, AAAA, MX with additional
#     processing, TXT with several strings, SRV, LOC, CAA, DS, TYPE65280),
#   - CNAME chasing, NXDOMAIN and NODATA with the SOA in the authority
#     section at TTL min(SOA TTL, minimum) for both orders of the two,
#   - wildcard synthesis, a referral (no aa, NS + glue), DS at the cut,
#   - mixed-case names (matched case-insensitively), UDP with and
#     without EDNS, TCP, a second zone reached through its own zone
#     id, an out-of-zone name (REFUSED),
# then checks that pdns logged no coprocess trouble and still runs the
# same refract processes it started with (nothing was recycled).
#
# Zone refract.test comes from a config file (explicit id 7, relative
# path); second.test from --zone (id 2: its position).
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server pipebackend

cat >"$IT_TMP/refract.conf" <<'EOF'
# the zone path is relative to this file
zone refract.test {
	file refract.test.zone
	id 7
}
EOF
ARGS=(--config "$IT_TMP/refract.conf" --zone "second.test=$IT_TMP/second.test.zone")

SOA1='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'
SOA2='second.test. 120 IN SOA ns1.refract.test. hostmaster.second.test. 7 3600 600 86400 600'

suite() {
	local p="ABI $1:"

	# --- positive answers, one per type -----------------------------------
	expect_dig "$p A" "www.refract.test A" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN A 192.0.2.1"
	expect_dig "$p AAAA (written 2001:db8:0:0::1 in the zone)" \
	    "www.refract.test AAAA" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN AAAA 2001:db8::1"
	expect_dig "$p MX, exchanger's A/AAAA in additional" \
	    "refract.test MX" "
	    NOERROR qr aa
	    ans refract.test. 3600 IN MX 10 mail.refract.test.
	    ans refract.test. 3600 IN MX 20 mx.elsewhere.example.
	    add mail.refract.test. 600 IN A 192.0.2.25
	    add mail.refract.test. 600 IN AAAA 2001:db8::25"
	expect_dig "$p TXT with three strings" "txt.refract.test TXT" '
	    NOERROR qr aa
	    ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
	expect_dig "$p TXT at the apex" "refract.test TXT" '
	    NOERROR qr aa
	    ans refract.test. 3600 IN TXT "v=spf1 mx -all"'
	expect_dig "$p SRV, target's A in additional" \
	    "_sip._udp.refract.test SRV" "
	    NOERROR qr aa
	    ans _sip._udp.refract.test. 3600 IN SRV 10 20 5060 sip.refract.test.
	    add sip.refract.test. 3600 IN A 192.0.2.60"
	expect_dig "$p LOC" "lax.refract.test LOC" "
	    NOERROR qr aa
	    ans lax.refract.test. 3600 IN LOC 33 56 36.233 N 118 24 29.808 W 0.00m 1m 10000m 10m"
	expect_dig "$p CAA (two records)" "caa.refract.test CAA" '
	    NOERROR qr aa
	    ans caa.refract.test. 3600 IN CAA 0 issue "letsencrypt.org"
	    ans caa.refract.test. 3600 IN CAA 128 iodef "mailto:security@refract.test"'
	expect_dig "$p unknown type TYPE65280 (RFC 3597)" \
	    "unknown.refract.test TYPE65280" '
	    NOERROR qr aa
	    ans unknown.refract.test. 3600 IN TYPE65280 \# 4 0A000001'
	expect_dig "$p SOA at the apex" "refract.test SOA" "
	    NOERROR qr aa
	    ans refract.test. 3600 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300"
	expect_dig "$p NS at the apex, in-zone hosts in additional" \
	    "refract.test NS" "
	    NOERROR qr aa
	    ans refract.test. 3600 IN NS ns1.refract.test.
	    ans refract.test. 3600 IN NS ns2.refract.test.
	    add ns1.refract.test. 3600 IN A 192.0.2.53
	    add ns1.refract.test. 3600 IN AAAA 2001:db8::53
	    add ns2.refract.test. 3600 IN A 192.0.2.54"

	# --- CNAME -----------------------------------------------------------
	expect_dig "$p CNAME to an in-zone name is followed" \
	    "alias.refract.test A" "
	    NOERROR qr aa
	    ans alias.refract.test. 300 IN CNAME www.refract.test.
	    ans www.refract.test. 300 IN A 192.0.2.1"
	expect_dig "$p CNAME asked for itself" "alias.refract.test CNAME" "
	    NOERROR qr aa
	    ans alias.refract.test. 300 IN CNAME www.refract.test."

	# --- negative answers ------------------------------------------------
	expect_dig "$p NXDOMAIN, SOA TTL = minimum (300 < 3600)" \
	    "nope.refract.test A" "
	    NXDOMAIN qr aa
	    auth $SOA1"
	expect_dig "$p NXDOMAIN two labels down" "a.b.nope.refract.test TXT" "
	    NXDOMAIN qr aa
	    auth $SOA1"
	expect_dig "$p NODATA (name exists, type does not)" \
	    "www.refract.test MX" "
	    NOERROR qr aa
	    auth $SOA1"
	expect_dig "$p NODATA at the apex" "refract.test SRV" "
	    NOERROR qr aa
	    auth $SOA1"
	expect_dig "$p NXDOMAIN in zone 2, SOA TTL = SOA's own TTL (120 < 600)" \
	    "nope.second.test A" "
	    NXDOMAIN qr aa
	    auth $SOA2"
	expect_dig "$p NODATA in zone 2" "host.second.test AAAA" "
	    NOERROR qr aa
	    auth $SOA2"
	expect_dig "$p A in zone 2 (routed by zone id)" "host.second.test A" "
	    NOERROR qr aa
	    ans host.second.test. 120 IN A 198.51.100.7"
	expect_dig "$p out-of-zone name is REFUSED" "www.example.org A" "
	    REFUSED qr"

	# --- wildcard --------------------------------------------------------
	expect_dig "$p wildcard A, one label" "foo.wild.refract.test A" "
	    NOERROR qr aa
	    ans foo.wild.refract.test. 120 IN A 192.0.2.99"
	expect_dig "$p wildcard A, two labels" "x.y.wild.refract.test A" "
	    NOERROR qr aa
	    ans x.y.wild.refract.test. 120 IN A 192.0.2.99"
	expect_dig "$p wildcard TXT" "foo.wild.refract.test TXT" '
	    NOERROR qr aa
	    ans foo.wild.refract.test. 120 IN TXT "wildcard"'
	expect_dig "$p wildcard NODATA" "foo.wild.refract.test MX" "
	    NOERROR qr aa
	    auth $SOA1"

	# --- delegation ------------------------------------------------------
	expect_dig "$p referral below the cut: no aa, NS + glue" \
	    "host.sub.refract.test A" "
	    NOERROR qr
	    auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
	    auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
	    add ns.sub.refract.test. 3600 IN A 192.0.2.77
	    add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77"
	expect_dig "$p referral for NS at the cut" "sub.refract.test NS" "
	    NOERROR qr
	    auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
	    auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
	    add ns.sub.refract.test. 3600 IN A 192.0.2.77
	    add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77"
	expect_dig "$p referral for the glue name itself" \
	    "ns.sub.refract.test A" "
	    NOERROR qr
	    auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
	    auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
	    add ns.sub.refract.test. 3600 IN A 192.0.2.77
	    add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77"
	expect_dig "$p DS at the cut is the parent's, authoritative" \
	    "sub.refract.test DS" "
	    NOERROR qr aa
	    ans sub.refract.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

	# --- case, transport, EDNS -------------------------------------------
	# pdns sends names in the client's case: refract must match them
	# case-insensitively.  (The answer's spelling says nothing about
	# refract: pdns compresses owner names into the question's.)
	expect_dig "$p mixed-case name is matched" \
	    "WwW.ReFrAcT.TeSt A" "
	    NOERROR qr aa
	    ans WwW.ReFrAcT.TeSt. 300 IN A 192.0.2.1"
	# refract sends the SOA rdata as in the zone file (lower case); pdns's
	# name compression matches case-insensitively and points the rdata
	# names at the owner's spelling, hence the upper case in the rdata.
	expect_dig "$p mixed-case NXDOMAIN" "NoPe.REFRACT.test A" "
	    NXDOMAIN qr aa
	    auth REFRACT.test. 300 IN SOA ns1.REFRACT.test. hostmaster.REFRACT.test. 2024050101 7200 900 1209600 300"
	expect_dig "$p mixed-case wildcard" "FOO.Wild.refract.test A" "
	    NOERROR qr aa
	    ans FOO.Wild.refract.test. 120 IN A 192.0.2.99"
	expect_dig "$p mixed-case CNAME" "ALIAS.refract.test A" "
	    NOERROR qr aa
	    ans ALIAS.refract.test. 300 IN CNAME www.refract.test.
	    ans www.refract.test. 300 IN A 192.0.2.1"
	expect_dig "$p over TCP" "+tcp www.refract.test AAAA" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN AAAA 2001:db8::1"
	expect_dig "$p with EDNS" "+edns=0 txt.refract.test TXT" '
	    NOERROR qr aa
	    ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
	expect_dig "$p ANY over TCP" "+tcp www.refract.test ANY" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN A 192.0.2.1
	    ans www.refract.test. 300 IN AAAA 2001:db8::1"
}

for abi in 1 3 5; do
	start_pdns "$IT_TMP/abi$abi" "$abi" "${ARGS[@]}"
	before=$(refract_pids)
	suite "$abi"
	check_eq "ABI $abi: the same refract processes before and after" \
	    "$before" "$(refract_pids)"
	pdns_log_clean "ABI $abi: pdns.log shows no coprocess error"
	stop_pdns
done
finish
