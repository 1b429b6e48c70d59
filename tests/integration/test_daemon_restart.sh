#!/bin/bash
# The refract daemon under a running pdns_server (launch=remote, unix
# connector, zone cache on) is killed, restarted and reloaded:
#   - SIGKILL leaves the socket file behind; pdns keeps running;
#   - a new `refract --listen` on the same path replaces the stale socket
#     (and says so), and within a few seconds pdns answers every question
#     right again (each pdns backend instance reconnects after at most one
#     failure: no permanent SERVFAIL), also under 100 concurrent digs;
#   - SIGHUP reloads the config and the zone files in the same process:
#     a changed record is served at once, a zone added to the config is
#     served after `pdns_control rediscover`; a reload with a broken zone
#     file is refused and the previous data stays in force;
#   - SIGTERM and SIGINT make the daemon exit 0 and remove its socket.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_control pdns_server remotebackend python3

SOCK=$IT_TMP/refract.sock
SOA1='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'
cat >"$IT_TMP/refract.conf" <<'EOF'
zone refract.test { file refract.test.zone; }
zone second.test { file second.test.zone; }
EOF
DARGS=(--listen "$SOCK" --config "$IT_TMP/refract.conf")
start_daemon "$SOCK" "${DARGS[@]}"
# many TCP digs at once: more than pdns's default 20 TCP connections
PDNS_EXTRA="max-tcp-connections=250"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

WWW_A="NOERROR qr aa
ans www.refract.test. 300 IN A 192.0.2.1"
expect_dig "before: A" "www.refract.test A" "$WWW_A"
expect_dig "before: NXDOMAIN" "nope.refract.test A" "
    NXDOMAIN qr aa
    auth $SOA1"
concurrent_digs "before" 50 "$PDNS_PORT"

# --- SIGKILL and restart -------------------------------------------------------------
first=$DAEMON_PID
stop_daemon KILL
check_eq "SIGKILL: the daemon is gone and its socket file is left behind" \
    "137 socket" "$DAEMON_RC $([ -S "$SOCK" ] && echo socket)"
# a few questions while it is down (each makes a pdns instance drop
# its dead connection; they get SERVFAIL, which is pdns's business)
for i in 1 2 3 4; do
	dig_raw +time=2 "www.refract.test" A
done
check_eq "pdns keeps running while the daemon is down" alive \
    "$(alive "$PDNS_PID" && echo alive)"

start_daemon "$SOCK" "${DARGS[@]}"
check_eq "the new daemon is another process" yes \
    "$([ "$DAEMON_PID" != "$first" ] && echo yes)"
check_eq "the new daemon replaced the stale socket (and said so)" 1 \
    "$(grep -c "replacing stale socket $SOCK" "$DAEMON_LOG")"

# burst ROUND: 12 UDP digs at once (spread over pdns's UDP threads) and 3
# over TCP; prints the number of wrong answers
burst() {
	local i d=$IT_TMP/burst.$1 bad=0
	local -a pids=()
	mkdir -p "$d"
	for i in $(seq 1 15); do
		if [ "$i" -le 12 ]; then
			dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +time=2 +tries=1 \
			    www.refract.test A >"$d/$i" 2>&1 &
		else
			dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +time=2 +tries=1 \
			    +tcp www.refract.test A >"$d/$i" 2>&1 &
		fi
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 1 15); do
		[ "$(norm_dig <"$d/$i")" = "$WWW_A" ] || bad=$((bad + 1))
	done
	echo "$bad"
}
# recovered = three bursts in a row all right; give it 10 s
start=$(date +%s)
ok_rounds=0
rounds=0
failures=0
while [ "$ok_rounds" -lt 3 ] && [ $(($(date +%s) - start)) -lt 10 ]; do
	rounds=$((rounds + 1))
	b=$(burst "$rounds")
	failures=$((failures + b))
	if [ "$b" -eq 0 ]; then
		ok_rounds=$((ok_rounds + 1))
	else
		ok_rounds=0
		sleep 0.2
	fi
done
if [ "$ok_rounds" -ge 3 ]; then
	pass "after the restart pdns answers right again within $(($(date +%s) - start)) s ($failures wrong answers on the way, $rounds bursts)"
else
	fail "after the restart pdns answers right again within 10 s" \
	    "$failures wrong answers in $rounds bursts" "daemon log:" "$(daemon_log_tail)"
fi
concurrent_digs "after the restart" 100 "$PDNS_PORT"
expect_dig "after the restart: the ENT is NODATA" "_udp.refract.test A" "
    NOERROR qr aa
    auth $SOA1"

# --- SIGHUP -------------------------------------------------------------------------
second=$DAEMON_PID
sed -i 's/^www     300 IN A    192.0.2.1$/www     300 IN A    192.0.2.111/' \
    "$IT_TMP/refract.test.zone"
grep -q '192.0.2.111' "$IT_TMP/refract.test.zone" || die "could not edit the zone"
cat >"$IT_TMP/third.test.zone" <<'EOF'
$ORIGIN third.test.
@    300 IN SOA ns1.refract.test. hostmaster.third.test. 42 3600 600 86400 300
@    300 IN NS  ns1.refract.test.
host 300 IN A   203.0.113.3
EOF
echo 'zone third.test { file third.test.zone; }' >>"$IT_TMP/refract.conf"
expect_dig "before the reload a zone added to the config is not served" \
    "host.third.test A" "REFUSED qr"
# reload_and_wait N: SIGHUP, then wait (bounded) for the Nth reload line
reload_and_wait() {
	local n=0
	kill -HUP "$DAEMON_PID"
	until [ "$(grep -cE 'reloaded|reload failed' "$DAEMON_LOG")" -ge "$1" ]; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || break
		sleep 0.1
	done
}
reload_and_wait 1
check_eq "SIGHUP: the daemon reloads in the same process" \
    "$second alive 1" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive) $(grep -c 'reloaded: 3 zones' "$DAEMON_LOG")"
expect_dig "SIGHUP: the changed record is served" "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.111"
timeout 20 pdns_control --config-dir="$PDNS_DIR" --socket-dir="$PDNS_DIR" rediscover >/dev/null 2>&1
n=0
while :; do
	dig_raw host.third.test A
	[ "$(printf '%s\n' "$DIG_OUT" | norm_dig)" != "REFUSED qr" ] || [ "$n" -ge 20 ] && break
	n=$((n + 1))
	sleep 0.1
done
expect_dig "SIGHUP + pdns_control rediscover: the added zone is served" \
    "host.third.test A" "
    NOERROR qr aa
    ans host.third.test. 300 IN A 203.0.113.3"

cp "$IT_TMP/refract.test.zone" "$IT_TMP/refract.test.zone.good"
printf 'www 300 IN A 192.0.2.222\nbroken line here\n' >>"$IT_TMP/refract.test.zone"
reload_and_wait 2
check_eq "SIGHUP with a broken zone file: refused, same process" \
    "$second alive 1" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive) $(grep -c 'reload failed' "$DAEMON_LOG")"
expect_dig "SIGHUP with a broken zone file: the previous data stays" \
    "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.111"
expect_dig "SIGHUP with a broken zone file: the added zone stays" \
    "host.third.test A" "
    NOERROR qr aa
    ans host.third.test. 300 IN A 203.0.113.3"

# --- SIGTERM / SIGINT -----------------------------------------------------------------
mv "$IT_TMP/refract.test.zone.good" "$IT_TMP/refract.test.zone"
stop_daemon TERM
check_eq "SIGTERM with pdns connected: exit 0, socket removed" "0 gone" \
    "$DAEMON_RC $([ -e "$SOCK" ] || echo gone)"
start_daemon "$SOCK" "${DARGS[@]}"
check_eq "a daemon starts on the path SIGTERM cleaned (nothing to replace)" 0 \
    "$(grep -c 'replacing stale socket' "$DAEMON_LOG")"
stop_daemon INT
check_eq "SIGINT: exit 0, socket removed" "0 gone" \
    "$DAEMON_RC $([ -e "$SOCK" ] || echo gone)"
stop_pdns
finish
