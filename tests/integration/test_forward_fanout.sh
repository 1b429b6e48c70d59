#!/bin/bash
# What reaches the upstream, counted by the upstream itself
# (data/fakedns.py logs every query it receives): one refract daemon,
# config data/forward/fanout.conf (any-types A AAAA TXT), under a pdns
# with launch=remote over its socket, distributor-threads=4, caches off.
#   - the zone cache's SOA fetch (ANY of the apex) costs one query per
#     any-type plus the SOA, once;
#   - one dig for a name: one upstream query per any-type (A, AAAA, TXT),
#     although pdns asks refract ANY twice (referral check, main lookup);
#     no upstream query for pdns's wildcard search (*.count.test);
#   - repeated digs within the TTL (other types, ANY over TCP, NXDOMAIN
#     names): no new upstream query (refract's cache);
#   - after the TTL (a 2 s record): asked again, once per type;
#   - 16 digs at once (12 UDP spread over pdns's 4 threads, 4 TCP) for one
#     fresh name whose upstream answer takes 600 ms: all answered right,
#     and exactly one upstream query per type (identical misses
#     coalesced; stats cache-coalesced grows); a dig may try twice (once
#     in CI one got no response at all while pdns's log showed no
#     backend trouble), which hides nothing of refract's: a lookup it
#     does not answer within the 2 s timeout is a SERVFAIL, a wrong
#     answer here;
#   - refract's upstream-queries counter equals what the upstream saw.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server remotebackend python3

start_fakedns cnt --zone count.test --delay 600
CONF=$(fwd_conf "$IT_DATA/forward/fanout.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
# shellcheck disable=SC2034  # read by lib.sh
PDNS_THREADS=4
PDNS_EXTRA="max-tcp-connections=50"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

# fq [PROTO] [QNAME] [QTYPE]: queries the fake upstream got
fq() { fake_queries cnt "$@"; }
# types_of QNAME: the types the upstream was asked for QNAME, sorted, with counts
types_of() {
	awk -v q="$1" '$2 == q { print $3 }' "${FAKE_QLOG[cnt]}" | sort | uniq -c |
	    awk '{ printf "%s%s=%s", sep, $2, $1; sep = " " } END { print "" }'
}

check_eq "nothing asked upstream before the first query" 0 "$(fq)"
expect_fwd "one.count.test A" "one.count.test A" "
    NOERROR qr aa
    ans one.count.test. 300 IN A 192.0.2.1"
check_eq "the apex (pdns's SOA fetch, an ANY): one query per any-type, plus the SOA" \
    "A=1 AAAA=1 SOA=1 TXT=1" "$(types_of count.test.)"
check_eq "one dig: one upstream query per any-type for the name" \
    "A=1 AAAA=1 TXT=1" "$(types_of one.count.test.)"
check_eq "no upstream query for pdns's wildcard search" 0 "$(fq '' '*.count.test.')"
total=$(fq)
check_eq "seven upstream queries in all" 7 "$total"

expect_fwd "again: A" "one.count.test A" "
    NOERROR qr aa
    ans one.count.test. 300 IN A 192.0.2.1"
expect_fwd "again: AAAA" "one.count.test AAAA" "
    NOERROR qr aa
    ans one.count.test. 300 IN AAAA 2001:db8::1"
expect_fwd "again: TXT" "one.count.test TXT" '
    NOERROR qr aa
    ans one.count.test. 300 IN TXT "fake one.count.test."'
expect_fwd "again: ANY over TCP" "+tcp one.count.test ANY" '
    NOERROR qr aa
    ans one.count.test. 300 IN A 192.0.2.1
    ans one.count.test. 300 IN AAAA 2001:db8::1
    ans one.count.test. 300 IN TXT "fake one.count.test."'
expect_fwd "NODATA at the apex" "count.test MX" "
    NOERROR qr aa
    auth count.test. 3600 IN SOA ns1.count.test. hostmaster.count.test. 1 3600 600 86400 3600"
check_eq "repeated digs within the TTL: no new upstream query" "$total" "$(fq)"

SOA='count.test. 3600 IN SOA ns1.count.test. hostmaster.count.test. 1 3600 600 86400 3600'
expect_fwd "NXDOMAIN" "nx1.count.test A" "
    NXDOMAIN qr aa
    auth $SOA"
expect_fwd "NXDOMAIN again, another type" "nx1.count.test TXT" "
    NXDOMAIN qr aa
    auth $SOA"
check_eq "an NXDOMAIN name: asked once per any-type, then cached" \
    "A=1 AAAA=1 TXT=1" "$(types_of nx1.count.test.)"

expect_fwd "a record with TTL 2" "ttl2-a.count.test A" "
    NOERROR qr aa
    ans ttl2-a.count.test. 2 IN A 192.0.2.1"
sleep 3
expect_fwd "the same after its TTL" "ttl2-a.count.test A" "
    NOERROR qr aa
    ans ttl2-a.count.test. 2 IN A 192.0.2.1"
check_eq "after the TTL, asked upstream again (once per type)" \
    "A=2 AAAA=2 TXT=2" "$(types_of ttl2-a.count.test.)"

# --- identical misses at once, from several pdns connections ----------------------------
co_before=$(daemon_stat "$SOCK" cache-coalesced)
dir=$IT_TMP/burst
mkdir -p "$dir"
pids=()
t0=$(date +%s%N)
for i in $(seq 1 16); do
	if [ "$i" -le 12 ]; then proto=+notcp; else proto=+tcp; fi
	dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +time=5 +tries=2 $proto \
	    delay-co.count.test A >"$dir/$i.out" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
t1=$(date +%s%N)
bad=0
for i in $(seq 1 16); do
	got=$(norm_dig <"$dir/$i.out" | ttl_split)
	[ "$got" = "NOERROR qr aa
ans delay-co.count.test. IN A 192.0.2.1	300" ] || {
		bad=$((bad + 1))
		last=$got
		echo "# dig $i ($([ "$i" -le 12 ] && echo UDP || echo TCP)):"
		sed 's/^/#   /' "$dir/$i.out"
	}
done
check_eq "16 digs at once for one fresh, slow name: all answered right (took $(((t1 - t0) / 1000000)) ms)" \
    0 "$bad${last:+ (e.g. $last)}"
check_eq "16 digs at once: one upstream query per any-type" \
    "A=1 AAAA=1 TXT=1" "$(types_of delay-co.count.test.)"
co_after=$(daemon_stat "$SOCK" cache-coalesced)
if [ "$co_before" != "?" ] && [ "$co_after" != "?" ] &&
    [ "$co_after" -ge $((co_before + 3)) ]; then
	pass "stats: cache-coalesced grew by $((co_after - co_before)) (>= 3)"
else
	fail "stats: cache-coalesced grew by at least 3" "before $co_before, after $co_after"
fi
check_eq "refract's upstream-queries counter equals what the upstream received" \
    "$(fq)" "$(daemon_stat "$SOCK" upstream-queries)"
pdns_log_clean "pdns.log shows no backend error"
finish
