#!/bin/bash
# Reload (README "Reload") of the refract daemon (--listen) under a pdns
# with launch=remote over its socket (zone cache on, pdns's packet and
# query caches off so that every dig reaches refract).  The config
# ($IT_TMP/reload/reload.conf) serves the zone file reload.test.
#   - SIGHUP, and `pdnsutil backend-cmd remote reload` (answer
#     "reloaded: 1 zones, N records"): a changed record is answered after
#     each, by the same daemon process;
#   - a broken zone file, then a broken config: `backend-cmd remote
#     reload` answers "reload failed; the previous configuration stays in
#     force:" with FILE:LINE: of the error, the daemon logs it (also on
#     SIGHUP), the old answers stay, same PID; the fixed files load again;
#   - while dnsperf runs against pdns (5 s, 300 q/s, names of reload.test),
#     the record is changed and reloaded four times (SIGHUP and
#     backend-cmd in turn), each change answered after its reload:
#     dnsperf reports every query completed, "Queries lost: 0", and only
#     NOERROR responses;
#   - a zone added to the config by a reload: getAllDomains (straight over
#     the socket) lists it with its id at once; pdns answers REFUSED for it
#     until `pdns_control rediscover`, then answers it;
#   - a zone-image added to the config by a reload, then removed: each
#     reload succeeds and the changed record is answered (the image is
#     written where the new config says, or kept in memory);
#   - a changed `listen`: the reload answer says it takes effect at the
#     next start, and the daemon goes on serving its socket.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig dnsperf pdnsutil pdns_control pdns_server remotebackend python3

D=$IT_TMP/reload
mkdir -p "$D" || die "mkdir $D"
# write_zone ADDRESS SERIAL [EXTRA-LINE]: (re)write reload.test's zone file
# atomically (a reload never sees half a file)
write_zone() {
	cat >"$D/reload.test.zone.new" <<-EOF
	\$ORIGIN reload.test.
	\$TTL 300
	@     IN SOA ns1 hostmaster ( $2 3600 600 86400 300 )
	@     IN NS  ns1
	ns1   IN A   192.0.2.53
	www   IN A   $1
	mail  IN A   192.0.2.25
	txt   IN TXT "serial $2"
	${3:-}
	EOF
	mv "$D/reload.test.zone.new" "$D/reload.test.zone" || die "mv zone"
}
write_conf() {
	cat >"$D/reload.conf.new" <<-EOF
	# written by test_reload_daemon.sh
	zone reload.test reload.test.zone
	$*
	EOF
	mv "$D/reload.conf.new" "$D/reload.conf" || die "mv conf"
}
write_zone 192.0.2.1 1
write_conf
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$D/reload.conf"
DPID=$DAEMON_PID
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

# reloads_logged: how many reloads the daemon has logged as done (either way)
reloads_logged() {
	grep -cE 'reloaded: |reload failed; the previous configuration stays in force' "$DAEMON_LOG"
}
# hup: SIGHUP the daemon and wait (bounded, 20 s) until it logs the end of
# that reload
hup() {
	local n0 n=0
	n0=$(reloads_logged)
	kill -HUP "$DPID" || { fail "SIGHUP to $DPID"; return 1; }
	while [ "$(reloads_logged)" -le "$n0" ]; do
		n=$((n + 1))
		[ "$n" -lt 200 ] || { fail "no end of reload logged within 20 s of SIGHUP"; return 1; }
		sleep 0.1
	done
}
# cmd_reload: `pdnsutil backend-cmd remote reload`; its answer in CMD_OUT
CMD_OUT=
# (stdout: without pdnsutil's "== reload" header and empty lines; pdns's
# log lines on stderr go to $D/pdnsutil.err)
cmd_reload() {
	CMD_OUT=$(timeout 30 pdnsutil --config-dir="$PDNS_DIR" backend-cmd remote reload \
	    2>>"$D/pdnsutil.err" | grep -v -e '^== reload$' -e '^$')
}
www() { dig_answer A www.reload.test A; }
same_daemon() { echo "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"; }

check_eq "before: www" 192.0.2.1 "$(www)"

# --- SIGHUP and backend-cmd reload --------------------------------------------------------
write_zone 192.0.2.2 2
hup
check_eq "SIGHUP: the changed record is answered" 192.0.2.2 "$(www)"
check_eq "SIGHUP: logged as reloaded" 1 "$(grep -c 'reloaded: 1 zones, 6 records' "$DAEMON_LOG")"
write_zone 192.0.2.3 3
cmd_reload
check_eq "backend-cmd remote reload: answers 'reloaded: ...' when done" \
    "reloaded: 1 zones, 6 records" "$CMD_OUT"
check_eq "backend-cmd remote reload: the changed record is answered" 192.0.2.3 "$(www)"
check_eq "the same daemon process" "$DPID alive" "$(same_daemon)"

# --- broken files: the old answers stay ---------------------------------------------------
# line 9 of the zone file: an address that is not one
write_zone 192.0.2.4 4 "bad   IN A   300.1.2.3"
cmd_reload
check "broken zone file: the answer says the reload failed and the old configuration stays" \
    grep -q '^reload failed; the previous configuration stays in force:$' <<<"$CMD_OUT"
check "broken zone file: the answer names the file and line (reload.test.zone:9:)" \
    grep -q 'reload\.test\.zone:9: ' <<<"$CMD_OUT"
check_eq "broken zone file: the old answer stays" 192.0.2.3 "$(www)"
check "broken zone file: the daemon logs it" \
    grep -q 'reload failed; the previous configuration stays in force' "$DAEMON_LOG"
check_eq "broken zone file: the same daemon process" "$DPID alive" "$(same_daemon)"
n0=$(grep -c 'reload\.conf:3: ' "$DAEMON_LOG")
write_zone 192.0.2.5 5
write_conf "no-such-key yes"
hup
check "broken config, SIGHUP: the daemon logs the error with file:line (reload.conf:3:)" \
    test "$(grep -c 'reload\.conf:3: ' "$DAEMON_LOG")" -gt "$n0"
check_eq "broken config, SIGHUP: the old answer stays (the zone file's change too)" 192.0.2.3 "$(www)"
cmd_reload
check "broken config, backend-cmd: reload failed, reload.conf:3: in the answer" \
    test "$(grep -c -e '^reload failed; the previous configuration stays in force:$' \
    -e 'reload\.conf:3: ' <<<"$CMD_OUT")" = 2
check_eq "broken config: the old answer stays" 192.0.2.3 "$(www)"
check_eq "broken config: the same daemon process" "$DPID alive" "$(same_daemon)"
write_conf
cmd_reload
check_eq "fixed: reloaded" "reloaded: 1 zones, 6 records" "$CMD_OUT"
check_eq "fixed: the new answer" 192.0.2.5 "$(www)"

# --- reloads under load: no failed query ------------------------------------------------
printf '%s\n' "www.reload.test A" "mail.reload.test A" "txt.reload.test TXT" \
    "reload.test SOA" "reload.test NS" >"$D/queries"
timeout 30 dnsperf -s 127.0.0.1 -p "$PDNS_PORT" -d "$D/queries" -l 5 -Q 300 -c 4 -t 3 \
    >"$D/dnsperf.out" 2>&1 &
PERF=$!
got=""
want=""
ok0=$(grep -c 'reloaded: 1 zones, 6 records' "$DAEMON_LOG")
for i in 1 2 3 4; do
	sleep 0.8
	write_zone "192.0.2.1$i" "1$i"
	if [ $((i % 2)) = 1 ]; then
		hup
	else
		cmd_reload
	fi
	got="$got $(www)"
	want="$want 192.0.2.1$i"
done
wait "$PERF"
rc=$?
check_eq "under load: each change answered after its reload (SIGHUP, backend-cmd in turn)" \
    "$want" "$got"
check_eq "under load: the four reloads succeeded" 4 \
    "$(($(grep -c 'reloaded: 1 zones, 6 records' "$DAEMON_LOG") - ok0))"
perf=$(cat "$D/dnsperf.out")
sent=$(sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' <<<"$perf")
lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' <<<"$perf")
codes=$(sed -n 's/^ *Response codes: *//p' <<<"$perf")
check "dnsperf ran (exit $rc) and sent at least 1000 queries ($sent)" \
    test "$rc" = 0 -a -n "$sent" -a "${sent:-0}" -ge 1000
check_eq "dnsperf: Queries lost: 0" "0" "$lost"
check_eq "dnsperf: only NOERROR responses (no SERVFAIL)" \
    "NOERROR $sent (100.00%)" "$codes"
if [ "$lost" != 0 ] || [ "$codes" != "NOERROR $sent (100.00%)" ]; then
	printf '%s\n' "$perf" | indent
fi
check_eq "under load: the same daemon process" "$DPID alive" "$(same_daemon)"

# --- a zone added by reload -------------------------------------------------------------
cat >"$D/added.test.zone" <<'EOF'
$ORIGIN added.test.
$TTL 300
@     IN SOA ns1 hostmaster ( 1 3600 600 86400 300 )
@     IN NS  ns1
ns1   IN A   192.0.2.53
www   IN A   192.0.2.77
EOF
expect_dig "before: added.test is not served (REFUSED)" "www.added.test A" "REFUSED qr"
write_conf "zone added.test { file added.test.zone; id 4242 }"
hup
out=$(printf '%s\n' '{"method":"getAllDomains","parameters":{"include_disabled":true}}' |
    sock_ask "$SOCK" | python3 -c '
import json, sys
for d in sorted(json.loads(sys.stdin.read())["result"], key=lambda d: d["zone"]):
    print(d["zone"], d["id"], d["serial"])' 2>&1)
check_eq "after the reload: getAllDomains lists the added zone (id 4242, serial 1)" \
    "added.test. 4242 1
reload.test. 1 14" "$out"
expect_dig "after the reload, before rediscover: pdns's zone cache does not know it yet" \
    "www.added.test A" "REFUSED qr"
out=$(pdns_ctl rediscover 2>&1)
check "pdns_control rediscover ($out)" test $? = 0
expect_dig "after rediscover: the added zone is answered" "www.added.test A" "
    NOERROR qr aa
    ans www.added.test. 300 IN A 192.0.2.77"
check_eq "after rediscover: the old zone still answers" 192.0.2.14 "$(www)"

# --- zone-image added, then removed, by reloads -------------------------------------------
ZCONF='zone added.test { file added.test.zone; id 4242 }'
write_zone 192.0.2.21 21
write_conf "$ZCONF
zone-image $D/zones.img"
cmd_reload
check_eq "zone-image added by a reload: reloaded from the image written" \
    "reloaded: 2 zones, 10 records" "$CMD_OUT"
check "zone-image added by a reload: the image file exists" test -s "$D/zones.img"
check_eq "zone-image added by a reload: the changed record is answered" 192.0.2.21 "$(www)"
write_zone 192.0.2.22 22
write_conf "$ZCONF"
cmd_reload
check_eq "zone-image removed by a reload: reloaded" \
    "reloaded: 2 zones, 10 records" "$CMD_OUT"
check_eq "zone-image removed by a reload: the changed record is answered" 192.0.2.22 "$(www)"
write_zone 192.0.2.23 23
cmd_reload
check_eq "and the next reload works too" "reloaded: 2 zones, 10 records" "$CMD_OUT"
check_eq "the next reload: the changed record is answered" 192.0.2.23 "$(www)"

# --- listen changed by a reload: said, not silently ignored -------------------------------
write_conf "$ZCONF
listen $SOCK { mode 0600 }"
cmd_reload
check_eq "listen changed by a reload: the answer says it waits for the next start" \
    "reloaded: 2 zones, 10 records; the changed 'listen' takes effect at the next start" \
    "$CMD_OUT"
check_eq "listen changed by a reload: still served" 192.0.2.23 "$(www)"

check_eq "the same daemon process throughout" "$DPID alive" "$(same_daemon)"
pdns_log_clean "pdns.log shows no backend error"
finish
