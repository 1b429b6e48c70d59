#!/bin/bash
# One refract daemon (refract --listen SOCKET) serving two pdns_server at
# once over the same socket:
#   "unix": launch=remote, remote-connection-string=unix:path=SOCKET
#           (JSON; zone cache on), distributor-threads=4;
#   "pipe": launch=pipe, pipe-command=SOCKET, pipe-abi-version=5 (PIPE
#           over the socket; zone-cache-refresh-interval=0),
#           distributor-threads=4;
# both with their caches off.  Checks:
#   - each pdns answers right (including the ENT NODATA over remote, and
#     an AXFR); pdnsutil list-all-zones and getAllDomains sent straight
#     over the socket list both zones with their ids and serials;
#   - 400 digs at once, 200 at each pdns, UDP and TCP mixed, all right;
#   - the daemon is the same process throughout and holds several
#     connections from each pdns (ss -x: at least 1 TCP + 4 UDP
#     instances each);
#   - `pdnsutil backend-cmd pipe stats` with the pipe config reaches the
#     daemon itself: its queries counter covers the digs of both pdns, and
#     `backend-cmd remote stats` with the unix config sees the same
#     counters (its commands count includes the pipe one);
#   - the pdns logs show no backend error; when both pdns stop, the
#     daemon keeps running with no connection left, and SIGTERM makes it
#     exit 0 and remove its socket.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdnsutil pdns_server pipebackend remotebackend python3

SOCK=$IT_TMP/refract.sock
SOA1='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'
start_daemon "$SOCK" --listen "$SOCK" --zone "refract.test=$IT_TMP/refract.test.zone" \
    --zone "second.test=$IT_TMP/second.test.zone"
DPID=$DAEMON_PID
check_eq "the socket is created with the default mode 0660" 660 \
    "$(stat -c %a "$SOCK")"

# shellcheck disable=SC2034  # read by lib.sh
PDNS_THREADS=4
# many TCP digs at once: more than pdns's default 20 TCP connections
PDNS_EXTRA="max-tcp-connections=250"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"
pdns_save unix
start_pdns_pipe_socket "$IT_TMP/pipe" "$SOCK" 5
pdns_save pipe

for name in unix pipe; do
	pdns_select "$name"
	expect_dig "$name: A" "www.refract.test A" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN A 192.0.2.1"
	expect_dig "$name: NXDOMAIN" "nope.refract.test A" "
	    NXDOMAIN qr aa
	    auth $SOA1"
	expect_dig "$name: CNAME over TCP" "+tcp alias.refract.test A" "
	    NOERROR qr aa
	    ans alias.refract.test. 300 IN CNAME www.refract.test.
	    ans www.refract.test. 300 IN A 192.0.2.1"
	expect_dig "$name: zone 2" "host.second.test A" "
	    NOERROR qr aa
	    ans host.second.test. 120 IN A 198.51.100.7"
	expect_dig "$name: referral" "host.sub.refract.test A" "
	    NOERROR qr
	    auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
	    auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
	    add ns.sub.refract.test. 3600 IN A 192.0.2.77
	    add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77"
done
pdns_select unix
expect_dig "unix: the ENT _udp is NODATA" "_udp.refract.test A" "
    NOERROR qr aa
    auth $SOA1"
expect_axfr unix second.test
out=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" list-all-zones 2>/dev/null)
check_eq "unix: pdnsutil list-all-zones lists both zones" \
    "refract.test
second.test" "$(printf '%s\n' "$out" | grep -v '^$' | LC_ALL=C sort)"
out=$(printf '%s\n' '{"method":"getAllDomains","parameters":{"include_disabled":false}}' |
    sock_ask "$SOCK" | python3 -c '
import json, sys
for d in sorted(json.loads(sys.stdin.read())["result"], key=lambda d: d["id"]):
    print(d["id"], d["zone"], d["kind"], d["serial"])' 2>&1)
check_eq "getAllDomains straight over the socket: ids and serials" \
    "1 refract.test. native 2024050101
2 second.test. native 7" "$out"

pdns_select unix
UPORT=$PDNS_PORT
UPID=$PDNS_PID
pdns_select pipe
PPORT=$PDNS_PORT
PPID_=$PDNS_PID
concurrent_digs "both pdns at once" 400 "$UPORT" "$PPORT"

check_eq "the daemon is the same process after all the digs" \
    "$DPID alive" "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
n_unix=$(daemon_conns "$SOCK" "$UPID")
n_pipe=$(daemon_conns "$SOCK" "$PPID_")
n_all=$(daemon_conns "$SOCK")
if [ "$n_unix" -ge 5 ] && [ "$n_pipe" -ge 5 ] &&
    [ "$n_all" -ge $((n_unix + n_pipe)) ]; then
	pass "the daemon holds several connections from each pdns (unix $n_unix, pipe $n_pipe, all $n_all)"
else
	fail "the daemon holds several connections from each pdns (1 TCP + 4 UDP each)" \
	    "unix: $n_unix, pipe: $n_pipe, all: $n_all" "$(ss -xp | grep -F "$SOCK")"
fi

# --- the daemon's own counters, through both pdns configs ---------------------------
stat_of() { # stat_of NAME TEXT
	printf '%s\n' "$2" | awk -v k="$1" '$1 == k { print $2; exit }'
}
out_pipe=$(timeout 20 pdnsutil --config-dir="$IT_TMP/pipe" backend-cmd pipe stats 2>"$IT_TMP/pdnsutil.err")
q_pipe=$(stat_of queries "$out_pipe")
c_pipe=$(stat_of commands "$out_pipe")
# 400 digs, each at least two lookups (pipe: SOA walk + ANY; remote: apex
# + ANY); a fresh refract started by pdnsutil would say 0
if [ -n "$q_pipe" ] && [ "$q_pipe" -ge 800 ]; then
	pass "backend-cmd pipe stats reaches the daemon: queries $q_pipe >= 800"
else
	fail "backend-cmd pipe stats reaches the daemon: queries >= 800" \
	    "stdout:" "$out_pipe" "stderr:" "$(cat "$IT_TMP/pdnsutil.err")"
fi
out_unix=$(timeout 20 pdnsutil --config-dir="$IT_TMP/unix" backend-cmd remote stats 2>"$IT_TMP/pdnsutil.err")
q_unix=$(stat_of queries "$out_unix")
c_unix=$(stat_of commands "$out_unix")
if [ -n "$q_unix" ] && [ -n "$c_pipe" ] && [ "$q_unix" -ge "$q_pipe" ] &&
    [ "$c_unix" = $((c_pipe + 1)) ]; then
	pass "backend-cmd remote stats sees the same counters (queries $q_unix, commands $c_pipe then $c_unix)"
else
	fail "backend-cmd remote stats sees the same counters as the pipe one" \
	    "pipe:" "$out_pipe" "remote:" "$out_unix"
fi
out=$(timeout 20 pdnsutil --config-dir="$IT_TMP/pipe" backend-cmd pipe zones 2>/dev/null)
check_eq "backend-cmd pipe zones (through the daemon)" \
    "1 refract.test. serial 2024050101 records 31
2 second.test. serial 7 records 3" "$(printf '%s\n' "$out" | grep -v '^$')"

for name in unix pipe; do
	pdns_select "$name"
	expect_dig "$name: still answering" "www.refract.test AAAA" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN AAAA 2001:db8::1"
	pdns_log_clean "$name: pdns.log shows no backend error"
done

# --- pdns goes, the daemon stays ---------------------------------------------------
pdns_select unix
stop_pdns
pdns_select pipe
stop_pdns
n=0
while [ "$(daemon_conns "$SOCK")" -gt 0 ] && [ "$n" -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
check_eq "with both pdns gone the daemon runs on with no connection open" \
    "alive 0" "$(alive "$DAEMON_PID" && echo alive) $(daemon_conns "$SOCK")"
check_eq "a new client is still served" '{"result":true}' \
    "$(printf '%s\n' '{"method":"initialize","parameters":{}}' | sock_ask "$SOCK")"
stop_daemon TERM
check_eq "SIGTERM: the daemon exits 0" 0 "$DAEMON_RC"
check_eq "SIGTERM: the socket file is removed" "gone" \
    "$([ -e "$SOCK" ] || [ -L "$SOCK" ] || echo gone)"
finish
