#!/bin/bash
# Split-brain NAT map (README "Rules", data/rules/nat.conf) against the real
# upstream (pdns_server, bind backend: data/rules/corp.example.zone and the
# reverse zones 113.0.203.in-addr.arpa and 10.in-addr.arpa).  The inside
# group is 127.0.0.10 (dig -b) and 10.0.0.0/8 (ECS from the trusted
# resolver 127.0.0.1); outside is 127.0.0.1 without ECS.  Two pdns under
# test, both with their packet and query caches at their DEFAULTS and
# edns-subnet-processing=yes: "unix" (launch=remote over the refract
# daemon's socket, zone cache on) and "pipe" (launch=pipe, ABI 5, refract
# as coprocess).  For both:
#   - outside clients get the public A and AAAA; the inside client gets
#     the single mapped address (203.0.113.10 -> 10.0.0.10), the range
#     mapped with its host part (203.0.113.5 -> 10.1.2.5, 203.0.113.0/28 ->
#     10.1.2.0/28), the IPv6 prefix mapped (2001:db8:1::80 -> fd00:1::80);
#     addresses outside every map unchanged;
#   - the same through ECS from the trusted 127.0.0.1: 10.20.30.0/24 is
#     inside, 192.0.2.0/24 outside, and the reply echoes the scope (24);
#     ECS from 127.0.0.10 (not trusted) is ignored (inside, scope 32);
#   - PTR (ptr yes): the reverse name of a mapped internal address, from an
#     inside client (by -b and by ECS), gives the public address's name
#     (10.0.0.10 -> web.corp.example, 10.1.2.5 -> app.corp.example); an
#     outside client gets the internal reverse zone's own answer
#     (fw-dnat-10.corp.example, resp. NXDOMAIN); an unmapped internal
#     address (10.0.0.99) is the same for everybody.  pdns finds the zone
#     for the internal reverse names because refract forwards
#     10.in-addr.arpa, which the upstream serves;
#   - with the caches on, outside then inside and inside then outside for
#     the same name within the cache lifetime, A, AAAA and PTR, UDP and
#     TCP, and by ECS: no answer crosses over;
#   - PTR of 10.1.2.5, NXDOMAIN outside, data inside, either order, under
#     a third pdns with cache-ttl=0 and negquery-cache-ttl=0 (what README
#     prescribes for a rule that answers NXDOMAIN for one group and data
#     for another): no answer crosses over;
#   - sanity: pdns does cache an answer without scope (a name outside the
#     nat rule does not reach refract the second time), and every dig for
#     a nat-map name does reach refract.
# shellcheck disable=SC2086  # $IN, $OUT, $MAIL...: dig argument lists
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server bindbackend remotebackend pipebackend python3

rules_fixtures
R=$IT_TMP/rules
start_upstream up "corp.example=$R/corp.example.zone" \
    "113.0.203.in-addr.arpa=$R/113.0.203.in-addr.arpa.zone" \
    "10.in-addr.arpa=$R/10.in-addr.arpa.zone"
CONF=$(fwd_conf "$IT_DATA/rules/nat.conf" "$R/nat.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
# shellcheck disable=SC2034  # read by lib.sh
PDNS_CACHES=default
PDNS_EXTRA="edns-subnet-processing=yes"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"
pdns_save unix
start_pdns "$IT_TMP/pipe" 5 --config "$CONF"
pdns_save pipe

IN="-b 127.0.0.10"
OUT="-b 127.0.0.1"
SOA='corp.example. 3600 IN SOA ns1.corp.example. hostmaster.corp.example. 2024070101 7200 900 1209600 3600'
for p in unix pipe; do
	pdns_select "$p"
	grep -q '^# pdns.s caches at their defaults' "$PDNS_DIR/pdns.conf" ||
	    fail "$p: pdns runs with its default caches"

	# --- the answers, each asked first by the client it is checked for --------
	expect_fwd "$p: outside: web A is public" "$OUT web.corp.example A" "
	    NOERROR qr aa
	    ans web.corp.example. 300 IN A 203.0.113.10"
	expect_fwd "$p: inside: web A is the single mapped address" \
	    "$IN web.corp.example A" "
	    NOERROR qr aa
	    ans web.corp.example. 300 IN A 10.0.0.10"
	expect_fwd "$p: inside: web AAAA, the /64 mapped with its host part" \
	    "$IN web.corp.example AAAA" "
	    NOERROR qr aa
	    ans web.corp.example. 300 IN AAAA fd00:1::80"
	expect_fwd "$p: outside: web AAAA is public" "$OUT web.corp.example AAAA" "
	    NOERROR qr aa
	    ans web.corp.example. 300 IN AAAA 2001:db8:1::80"
	expect_fwd "$p: inside: app A, the /28 range keeps the host part; an unmapped address stays" \
	    "$IN app.corp.example A" "
	    NOERROR qr aa
	    ans app.corp.example. 300 IN A 10.1.2.5
	    ans app.corp.example. 300 IN A 198.51.100.7"
	expect_fwd "$p: outside: app A is public" "$OUT app.corp.example A" "
	    NOERROR qr aa
	    ans app.corp.example. 300 IN A 203.0.113.5
	    ans app.corp.example. 300 IN A 198.51.100.7"
	expect_fwd "$p: inside: far (outside every map) is unchanged, A" \
	    "$IN far.corp.example A" "
	    NOERROR qr aa
	    ans far.corp.example. 300 IN A 203.0.113.77"
	expect_fwd "$p: inside: far (outside every map) is unchanged, AAAA" \
	    "$IN far.corp.example AAAA" "
	    NOERROR qr aa
	    ans far.corp.example. 300 IN AAAA 2001:db8:2::77"
	expect_fwd "$p: inside: NXDOMAIN stays NXDOMAIN" "$IN nope.corp.example A" "
	    NXDOMAIN qr aa
	    auth $SOA"

	# --- ECS from the trusted resolver ---------------------------------------------
	dig_raw $OUT +edns=0 +subnet=10.20.30.0/24 web.corp.example A
	check_eq "$p: ECS 10.20.30.0/24 from the trusted 127.0.0.1: inside, scope 24 echoed" \
	    "10.0.0.10 scope 24" "$(dig_answer_of A) scope $(dig_scope)"
	dig_raw $OUT +edns=0 +subnet=10.20.30.0/24 web.corp.example AAAA
	check_eq "$p: ECS 10.20.30.0/24: AAAA mapped, scope 24" \
	    "fd00:1::80 scope 24" "$(dig_answer_of AAAA) scope $(dig_scope)"
	dig_raw $OUT +edns=0 +subnet=192.0.2.0/24 web.corp.example A
	check_eq "$p: ECS 192.0.2.0/24 from the trusted 127.0.0.1: outside, scope 24 echoed" \
	    "203.0.113.10 scope 24" "$(dig_answer_of A) scope $(dig_scope)"
	dig_raw $IN +edns=0 +subnet=192.0.2.0/24 web.corp.example A
	check_eq "$p: ECS from 127.0.0.10 (not trusted) is ignored: inside, scope 32" \
	    "10.0.0.10 scope 32" "$(dig_answer_of A) scope $(dig_scope)"
	dig_raw $OUT +edns=0 +subnet=10.1.0.0/16 app.corp.example A
	check_eq "$p: ECS 10.1.0.0/16: the range mapped, scope 16" \
	    "10.1.2.5,198.51.100.7 scope 16" "$(dig_answer_of A) scope $(dig_scope)"

	# --- PTR --------------------------------------------------------------------------
	expect_fwd "$p: outside: PTR of 10.0.0.10 is the internal zone's own" \
	    "$OUT 10.0.0.10.in-addr.arpa PTR" "
	    NOERROR qr aa
	    ans 10.0.0.10.in-addr.arpa. 300 IN PTR fw-dnat-10.corp.example."
	expect_fwd "$p: inside: PTR of the mapped 10.0.0.10 is the public name" \
	    "$IN 10.0.0.10.in-addr.arpa PTR" "
	    NOERROR qr aa
	    ans 10.0.0.10.in-addr.arpa. 300 IN PTR web.corp.example."
	expect_fwd "$p: inside: PTR of 10.1.2.5 (range) is the public name" \
	    "$IN 5.2.1.10.in-addr.arpa PTR" "
	    NOERROR qr aa
	    ans 5.2.1.10.in-addr.arpa. 300 IN PTR app.corp.example."
	dig_raw $OUT +edns=0 +subnet=10.20.30.0/24 10.0.0.10.in-addr.arpa PTR
	check_eq "$p: ECS inside: PTR of 10.0.0.10 is the public name, scope 24" \
	    "web.corp.example. scope 24" "$(dig_answer_of PTR) scope $(dig_scope)"
	check_eq "$p: an unmapped internal address (10.0.0.99): the same PTR for everybody" \
	    "printer.corp.example. printer.corp.example." \
	    "$(dig_answer PTR $IN 99.0.0.10.in-addr.arpa PTR) $(dig_answer PTR $OUT 99.0.0.10.in-addr.arpa PTR)"
done

# --- pdns's caches: no cross-over, either order, within the cache lifetime ---------------
# (pdns_control purge empties pdns's packet and query caches before each
# order, so that the first client's answer is the one pdns could cache)
for p in unix pipe; do
	pdns_select "$p"
	# views DESC TYPE QNAME ARGS-A WANT-A ARGS-B WANT-B, after a purge
	views() { pdns_ctl purge >/dev/null 2>&1 || fail "$p: pdns_control purge"; expect_views "$@"; }
	views "$p: web A, outside first, alternating: no cross-over" \
	    A web.corp.example "$OUT" 203.0.113.10 "$IN" 10.0.0.10
	views "$p: web A, inside first, alternating: no cross-over" \
	    A web.corp.example "$IN" 10.0.0.10 "$OUT" 203.0.113.10
	views "$p: web AAAA, outside first: no cross-over" \
	    AAAA web.corp.example "$OUT" 2001:db8:1::80 "$IN" fd00:1::80
	views "$p: web AAAA, inside first: no cross-over" \
	    AAAA web.corp.example "$IN" fd00:1::80 "$OUT" 2001:db8:1::80
	views "$p: app A (range), inside first: no cross-over" \
	    A app.corp.example "$IN" 10.1.2.5,198.51.100.7 "$OUT" 198.51.100.7,203.0.113.5
	views "$p: ECS inside, then outside without ECS: no cross-over" \
	    A web.corp.example "$OUT +edns=0 +subnet=10.20.30.0/24" 10.0.0.10 "$OUT" 203.0.113.10
	views "$p: outside without ECS, then ECS inside: no cross-over" \
	    A web.corp.example "$OUT" 203.0.113.10 "$OUT +edns=0 +subnet=10.20.30.0/24" 10.0.0.10
	views "$p: ECS outside, then ECS inside: no cross-over" \
	    A web.corp.example "$OUT +edns=0 +subnet=192.0.2.0/24" 203.0.113.10 \
	    "$OUT +edns=0 +subnet=10.20.30.0/24" 10.0.0.10
	views "$p: PTR of 10.0.0.10, outside first: no cross-over" \
	    PTR 10.0.0.10.in-addr.arpa "$OUT" fw-dnat-10.corp.example. "$IN" web.corp.example.
	views "$p: PTR of 10.0.0.10, inside first: no cross-over" \
	    PTR 10.0.0.10.in-addr.arpa "$IN" web.corp.example. "$OUT" fw-dnat-10.corp.example.
done

# --- PTR where outside is NXDOMAIN and inside has data ---------------------------------------
# The internal zone has no name for 10.1.2.5: an outside client gets
# NXDOMAIN, an inside one app.corp.example.  A negative answer has no
# record to carry a scope, so pdns caches it for everybody, in its packet
# cache and its negative query cache; README ("Client-dependent answers
# never leak") says to run pdns with cache-ttl=0 and negquery-cache-ttl=0
# when a rule answers NXDOMAIN for one group and data for another.  A
# third pdns (remote, over the same daemon) runs with those two off and
# the query cache at its default.
PDNS_EXTRA="edns-subnet-processing=yes
cache-ttl=0
negquery-cache-ttl=0"
start_pdns_remote "$IT_TMP/neg" "unix:path=$SOCK,timeout=2000"
pdns_save neg
views() { pdns_ctl purge >/dev/null 2>&1 || fail "neg: pdns_control purge"; expect_views "$@"; }
views "neg: PTR of 10.1.2.5, inside first: no cross-over" \
    PTR 5.2.1.10.in-addr.arpa "$IN" app.corp.example. "$OUT" NXDOMAIN
views "neg: PTR of 10.1.2.5, outside (NXDOMAIN) first: no cross-over" \
    PTR 5.2.1.10.in-addr.arpa "$OUT" NXDOMAIN "$IN" app.corp.example.

# --- sanity: the caches are really on -------------------------------------------------------
# a name outside the nat rule (public-reverse: the same for everybody, no
# scope) is answered from pdns's packet cache the second time: refract's
# `queries` counter does not move
pdns_select unix
pdns_ctl purge >/dev/null 2>&1
dig_raw 77.113.0.203.in-addr.arpa PTR
q1=$(daemon_stat "$SOCK" queries)
dig_raw 77.113.0.203.in-addr.arpa PTR
q2=$(daemon_stat "$SOCK" queries)
check_eq "unix: sanity: pdns caches an answer without scope (refract queries $q1 -> $q2)" \
    "far.corp.example. $q1" "$(dig_answer_of PTR) $q2"
dig_raw $OUT web.corp.example A
q3=$(daemon_stat "$SOCK" queries)
dig_raw $OUT web.corp.example A
q4=$(daemon_stat "$SOCK" queries)
check "unix: the nat rule's answers are not cached by pdns: each dig reaches refract ($q3 -> $q4)" \
    test "$q3" != "?" -a "$q4" != "?" -a "$q4" -gt "$q3"
finish
