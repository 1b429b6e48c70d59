#!/bin/bash
# The upstream goes away and comes back: the real upstream (pdns_server,
# bind backend, data/forward/example.net.zone) behind one refract daemon
# (data/forward/outage.conf: serve-stale 1h), under a pdns with
# launch=remote over the daemon's socket, caches off.
#   - before: answers, among them stale.example.net with TTL 2;
#   - the upstream is stopped after that TTL:
#       stale.example.net is served from the expired answer with TTL 30
#       (RFC 8767), www.example.net (still fresh) as it was;
#       a name never asked before: SERVFAIL, quickly (nothing listens:
#       the upstream port refuses), and asked again SERVFAIL again, never
#       NXDOMAIN; the daemon keeps running; stats count the failures and
#       the stale answer;
#   - the upstream is started again on its port: that name is answered
#     at once, and stale.example.net is fresh again (TTL 2, not 30);
#   - a reload points the upstream at another server (up2, where www has
#     another address): www.example.net, still fresh in the cache, is
#     answered from the new server.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server bindbackend remotebackend python3

{ mkdir -p "$IT_TMP/forward" && cp "$IT_DATA"/forward/*.zone "$IT_TMP/forward/"; } ||
    die "copy fixtures"
start_upstream up "example.net=$IT_TMP/forward/example.net.zone"
CONF=$(fwd_conf "$IT_DATA/forward/outage.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
DPID=$DAEMON_PID
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

WWW="NOERROR qr aa
    ans www.example.net. 300 IN A 192.0.2.10"
expect_fwd "before: A" "www.example.net A" "$WWW"
FWD_TTL_SLACK=0 expect_fwd "before: a record with TTL 2" "stale.example.net A" "
    NOERROR qr aa
    ans stale.example.net. 2 IN A 192.0.2.222"
sleep 2.5
stop_upstream up
check_eq "the upstream is gone" gone "$(alive "${UP_PID[up]:-0}" || echo gone)"

FWD_TTL_SLACK=0 expect_fwd "upstream gone: the expired answer is served with TTL 30" \
    "stale.example.net A" "
    NOERROR qr aa
    ans stale.example.net. 30 IN A 192.0.2.222"
expect_fwd "upstream gone: a fresh cached answer as it was" "www.example.net A" "$WWW"
for i in 1 2; do
	t0=$(date +%s%N)
	dig_raw mail.example.net A
	ms=$((($(date +%s%N) - t0) / 1000000))
	check_eq "upstream gone: a name never asked: SERVFAIL (#$i, $ms ms)" \
	    "SERVFAIL yes" "$(dig_status) $([ "$ms" -lt 1500 ] && echo yes)"
done
dig_raw mail.example.net AAAA
check_eq "upstream gone: another type of it: SERVFAIL, not NXDOMAIN" SERVFAIL "$(dig_status)"
check_eq "the daemon keeps running" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
f=$(daemon_stat "$SOCK" upstream-failures)
s=$(daemon_stat "$SOCK" cache-stale)
check "stats: upstream-failures ($f) and cache-stale ($s) count the outage" \
    test "$f" != "?" -a "$s" != "?" -a "$f" -ge 1 -a "$s" -ge 1

start_upstream up
expect_fwd "upstream back: the name that failed is answered" "mail.example.net A" "
    NOERROR qr aa
    ans mail.example.net. 600 IN A 192.0.2.25"
FWD_TTL_SLACK=0 expect_fwd "upstream back: the stale answer is replaced by a fresh one" \
    "stale.example.net A" "
    NOERROR qr aa
    ans stale.example.net. 2 IN A 192.0.2.222"
check "the upstream was asked again after it came back" \
    test "$(upstream_queries up mail.example.net A)" -ge 1

# --- a reload that points the upstream elsewhere drops what it cached -----------------
sed 's/^www  *\(.*\)192\.0\.2\.10$/www \1192.0.2.99/' "$IT_TMP/forward/example.net.zone" \
    >"$IT_TMP/forward/up2.example.net.zone" || die "up2 zone"
grep -q '192\.0\.2\.99' "$IT_TMP/forward/up2.example.net.zone" || die "up2 zone: www not changed"
start_upstream up2 "example.net=$IT_TMP/forward/up2.example.net.zone"
sed "s/127\.0\.0\.1:${UP_PORT[up]}\$/127.0.0.1:${UP_PORT[up2]}/" "$CONF" >"$CONF.new" &&
    mv "$CONF.new" "$CONF" || die "rewrite $CONF"
grep -q "127.0.0.1:${UP_PORT[up2]}" "$CONF" || die "$CONF: server not changed"
check "the reload that changes the upstream's server succeeded" \
    hup_reloaded "$DPID" "$DAEMON_LOG"
expect_fwd "after the reload: www.example.net comes from the new server, not the cache" \
    "www.example.net A" "
    NOERROR qr aa
    ans www.example.net. 300 IN A 192.0.2.99"
finish
