#!/bin/bash
# Upstream faults, produced by data/fakedns.py (the first label of a name
# picks the fault), with the config data/forward/faults.conf (upstream
# timeout 3 s > the lookup deadline; serve-stale 1h; a zone file too).
# pdns's caches are at their DEFAULTS here (a failure must not become a
# cached NXDOMAIN).
#
# One refract daemon under a pdns with launch=remote over its socket
# (distributor-threads=4):
#   - silence: SERVFAIL after about the deadline (1500 ms), and while one
#     dig waits for it, 3 UDP digs (on pdns's other threads) and 3 TCP
#     digs for zone-file and forwarded names are answered at once; the
#     daemon keeps its PID; stats `deadlines` counts it;
#   - garbage (right id and question, malformed records): SERVFAIL at
#     once; noise (random bytes): SERVFAIL at the deadline; no crash;
#   - truncated UDP: the answer arrives (c-ares asked again over TCP, and
#     the upstream saw that TCP query);
#   - SERVFAIL and REFUSED upstream: SERVFAIL, and asked again SERVFAIL
#     again, never NXDOMAIN (nothing negative was cached by pdns);
#   - a slow (300 ms) upstream: answered;
#   - an upstream that puts its zone's NS in the authority section of
#     positive answers (authns.test): the A alone, and the apex NS is
#     answered, not taken for a referral;
#   - serve-stale: a 1 s record, then the upstream answers SERVFAIL: the old
#     answer with TTL 30; the same when the upstream goes silent instead
#     (README: "no answer before the deadline ... unless serve-stale has an
#     older answer");
# A pdns with launch=pipe (ABI 5, refract as coprocess, pipe-timeout
# 2000 ms) and a pdns with pipe-command=SOCKET (PIPE over the daemon's
# socket), distributor-threads=1:
#   - a silent upstream: SERVFAIL within about the deadline, the coprocess
#     kept; over the socket, the pdns thread still answers afterwards.
# Last, a reload while a query to a slow upstream (late.test, 2.5 s) is in
# flight from a connection already closed: its answer arrives after the
# upstream was replaced, and the daemon lives on.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_control pdns_server remotebackend pipebackend python3

MODEFILE=$IT_TMP/fault.mode
start_fakedns flt --zone fault.test --delay 300 --mode-file "$MODEFILE"
# late.test: every answer comes after 2.5 s, past any lookup's deadline
start_fakedns late --zone late.test --delay 2500 --mode delay
# authns.test: positive answers carry the zone's NS in the authority
# section, which is no delegation
start_fakedns authns --zone authns.test --auth-ns
CONF=$(fwd_conf "$IT_DATA/forward/faults.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
DPID=$DAEMON_PID
# shellcheck disable=SC2034  # read by lib.sh
PDNS_THREADS=4
PDNS_CACHES=default
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"
pdns_save unix

# td LABEL DIG-ARGS...: a timed dig at the current pdns; sets TD_OUT (the
# canonical answer), TD_STATUS, TD_MS
TD_N=0
td() {
	TD_N=$((TD_N + 1))
	shift
	timed_dig "$IT_TMP/td.$TD_N" "$@"
	TD_OUT=$(norm_dig <"$IT_TMP/td.$TD_N")
	TD_STATUS=$(printf '%s\n' "$TD_OUT" | head -n 1 | cut -d' ' -f1)
	TD_MS=$(cat "$IT_TMP/td.$TD_N.ms")
}
# within DESC STATUS MIN MAX: the last td got STATUS in MIN..MAX ms
within() {
	if [ "$TD_STATUS" = "$2" ] && [ "$TD_MS" -ge "$3" ] && [ "$TD_MS" -le "$4" ]; then
		pass "$1 ($TD_STATUS in $TD_MS ms)"
	else
		fail "$1" "expected $2 within $3..$4 ms, got $TD_STATUS in $TD_MS ms" \
		    "$TD_OUT"
	fi
}
fq() { fake_queries flt "$@"; }

expect_fwd "unix: a forwarded name answers" "ok.fault.test A" "
    NOERROR qr aa
    ans ok.fault.test. 300 IN A 192.0.2.1"
expect_dig "unix: a zone-file name answers" "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.1"

# --- NS in the authority section of an answer: not a referral ---------------------------
expect_fwd "unix: an answer with the zone's NS in its authority section: the A alone" \
    "www.authns.test A" "
    NOERROR qr aa
    ans www.authns.test. 300 IN A 192.0.2.1"
# pipe_ask LINE: one PIPE ABI 5 question straight over the daemon's socket;
# the DATA lines of its answer (to END)
pipe_ask() {
	timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"HELO\t5\n" + sys.argv[2].encode() + b"\n")
buf = b""
while not buf.endswith(b"\nEND\n") and not buf.endswith(b"FAIL\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
for line in buf.decode().split("\n")[1:]:
    if line.startswith("DATA"):
        print(line)' "$SOCK" "$1"
}
for i in 1 2; do
	check_eq "socket, PIPE: the apex's ANY holds its NS once, authoritative (#$i, then cached)" \
	    "$(printf 'DATA 0 1 authns.test IN NS ttl id ns1.authns.test.')" \
	    "$(pipe_ask "$(printf 'Q\tauthns.test\tIN\tANY\t-1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32')" |
	    awk -F'\t' '$6 == "NS" { $7 = "ttl"; $8 = "id"; print }')"
done
for i in 1 2; do
	expect_fwd "unix: ... and the apex NS is answered (no referral to itself; #$i, then cached)" \
	    "authns.test NS" "
	    NOERROR qr aa
	    ans authns.test. 3600 IN NS ns1.authns.test.
	    add ns1.authns.test. 300 IN A 192.0.2.1
	    add ns1.authns.test. 300 IN AAAA 2001:db8::1"
done

# --- silence: the deadline, while everybody else is served ------------------------------
td x silence-1.fault.test A
within "unix: silence: SERVFAIL after about the deadline (1500 ms)" SERVFAIL 1300 2600
dl_before=$(daemon_stat "$SOCK" deadlines)

dir=$IT_TMP/conc
mkdir -p "$dir"
timed_dig "$dir/slow" silence-2.fault.test A &
slow=$!
sleep 0.3
# pdns hands UDP questions to its 4 threads in turn: the next 3 go to the
# 3 threads the slow one is not on; TCP has its own backend connection
pids=()
i=0
# (names not asked before: pdns's packet cache must not answer them)
for q in "ns1.refract.test A" "fast-1.fault.test A" "mail.refract.test AAAA" \
    "+tcp txt.refract.test TXT" "+tcp fast-2.fault.test TXT" "+tcp _sip._udp.refract.test SRV"; do
	i=$((i + 1))
	# shellcheck disable=SC2086  # q is a word list
	timed_dig "$dir/fast$i" $q &
	pids+=($!)
	[ "$i" = 3 ] && wait "${pids[@]}"   # the UDP ones first, then TCP
done
wait "${pids[@]}"
wait "$slow"
exp=("NOERROR qr aa
ans ns1.refract.test. 3600 IN A 192.0.2.53" "NOERROR qr aa
ans fast-1.fault.test. 300 IN A 192.0.2.1" "NOERROR qr aa
ans mail.refract.test. 600 IN AAAA 2001:db8::25" 'NOERROR qr aa
ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""' 'NOERROR qr aa
ans fast-2.fault.test. 300 IN TXT "fake fast-2.fault.test."' "NOERROR qr aa
ans _sip._udp.refract.test. 3600 IN SRV 10 20 5060 sip.refract.test.
add sip.refract.test. 3600 IN A 192.0.2.60")
bad=
for i in 1 2 3 4 5 6; do
	got=$(norm_dig <"$dir/fast$i")
	ms=$(cat "$dir/fast$i.ms")
	if [ "$got" != "${exp[$((i - 1))]}" ] || [ "$ms" -gt 700 ]; then
		bad="$bad
#$i ($ms ms): $got"
	fi
done
check_eq "unix: while one dig waits for a silent upstream, 3 UDP + 3 TCP digs are answered right within 700 ms" \
    "" "$bad"
TD_OUT=$(norm_dig <"$dir/slow")
TD_STATUS=$(printf '%s\n' "$TD_OUT" | head -n 1 | cut -d' ' -f1)
TD_MS=$(cat "$dir/slow.ms")
within "unix: ... and the slow one gets SERVFAIL after about the deadline" SERVFAIL 1300 2600
dl_after=$(daemon_stat "$SOCK" deadlines)
if [ "$dl_before" != "?" ] && [ "$dl_before" -ge 1 ] && [ "$dl_after" -gt "$dl_before" ]; then
	pass "stats: deadlines counts them ($dl_before, then $dl_after)"
else
	fail "stats: deadlines counts them" "before $dl_before, after $dl_after"
fi

# --- garbage, noise, truncation, SERVFAIL, REFUSED, delay ---------------------------------
td x garbage.fault.test A
within "unix: garbage from upstream: SERVFAIL at once" SERVFAIL 0 1000
td x noise.fault.test A
within "unix: random bytes from upstream (ignored): SERVFAIL at the deadline" SERVFAIL 1300 2600
td x truncate.fault.test A
check_eq "unix: truncated UDP answer: the full answer arrives (over TCP)" \
    "NOERROR qr aa
ans truncate.fault.test. 300 IN A 192.0.2.1" "$TD_OUT"
check_eq "unix: the upstream got the TCP retry for each type" "1 1 1" \
    "$(fq tcp truncate.fault.test. A) $(fq tcp truncate.fault.test. AAAA) $(fq tcp truncate.fault.test. TXT)"
for f in servfail refused; do
	td x "$f.fault.test" A
	within "unix: upstream $f: SERVFAIL" SERVFAIL 0 1000
	td x "$f.fault.test" A
	within "unix: upstream $f, asked again: SERVFAIL again (not a cached NXDOMAIN)" SERVFAIL 0 1000
	td x "$f.fault.test" TXT
	within "unix: upstream $f, another type: SERVFAIL (not a cached NXDOMAIN)" SERVFAIL 0 1000
done
td x delay.fault.test A
within "unix: a 300 ms upstream: answered" NOERROR 250 1200
check_eq "the daemon is the same process after every fault" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"

# --- serve-stale ---------------------------------------------------------------------------
expect_fwd "unix: a 1 s record" "ttl1-st1.fault.test A" "
    NOERROR qr aa
    ans ttl1-st1.fault.test. 1 IN A 192.0.2.1"
expect_fwd "unix: another 1 s record" "ttl1-st2.fault.test A" "
    NOERROR qr aa
    ans ttl1-st2.fault.test. 1 IN A 192.0.2.1"
echo servfail >"$MODEFILE"
sleep 2
# pdns's own caches hold even a 1 s answer for longer: empty them
pdns_control --config-dir="$PDNS_DIR" --socket-dir="$PDNS_DIR" purge >/dev/null 2>&1 ||
    fail "pdns_control purge"
FWD_TTL_SLACK=0 expect_fwd "serve-stale: expired, upstream SERVFAIL: the old answer, TTL 30" \
    "ttl1-st1.fault.test A" "
    NOERROR qr aa
    ans ttl1-st1.fault.test. 30 IN A 192.0.2.1"
echo silence >"$MODEFILE"
td x ttl1-st2.fault.test A
FWD_TTL_SLACK=0 check_eq "serve-stale: expired, upstream silent: the old answer, TTL 30 (took $TD_MS ms)" \
    "NOERROR qr aa
ans ttl1-st2.fault.test. 30 IN A 192.0.2.1" "$TD_OUT"
rm -f "$MODEFILE"
stale=$(daemon_stat "$SOCK" cache-stale)
check "stats: cache-stale counts the stale answers ($stale)" test "$stale" != "?" -a "$stale" -ge 1

# --- PIPE: refract as coprocess -------------------------------------------------------------
PDNS_THREADS=3
start_pdns "$IT_TMP/pipe" 5 --config "$CONF"
pdns_save pipe
kids=$(refract_pids)
expect_fwd "pipe: a forwarded name answers" "ok.fault.test A" "
    NOERROR qr aa
    ans ok.fault.test. 300 IN A 192.0.2.1"
td x +time=8 silence-p.fault.test A
within "pipe: silence: SERVFAIL within about the deadline" SERVFAIL 1300 2600
check_eq "pipe: the coprocesses are kept (no timeout, no respawn)" "$kids" "$(refract_pids)"
remember_children
td x servfail-p.fault.test A
within "pipe: upstream servfail: SERVFAIL at once" SERVFAIL 0 1000
expect_fwd "pipe: still answering" "ok2.fault.test A" "
    NOERROR qr aa
    ans ok2.fault.test. 300 IN A 192.0.2.1"
check_eq "pipe: pdns never waited for more from a coprocess after its FAIL" "" \
    "$(grep -E 'Timeout waiting for data from coprocess|Backend error' "$PDNS_LOG" | sort | uniq -c)"
stop_pdns

# --- PIPE over the daemon's socket ----------------------------------------------------------
PDNS_THREADS=1
start_pdns_pipe_socket "$IT_TMP/psock" "$SOCK" 5
expect_fwd "pipe socket: a forwarded name answers" "ok.fault.test A" "
    NOERROR qr aa
    ans ok.fault.test. 300 IN A 192.0.2.1"
td x +time=3 servfail-s.fault.test A
within "pipe socket: upstream servfail: SERVFAIL at once" SERVFAIL 0 1000
td x +time=2 www.refract.test A
within "pipe socket: afterwards the pdns thread still answers" NOERROR 0 1000
# (its thread may be stuck in a read that never ends: no clean stop)
{
	is_ours "$PDNS_PID" && kill -TERM "$PDNS_PID"
	wait_gone "$PDNS_PID" 3 || { is_ours "$PDNS_PID" && kill -KILL "$PDNS_PID"; }
	wait "$PDNS_PID"
} 2>/dev/null

# --- a reload while an upstream query is in flight ----------------------------------------
# The question's connection is gone before its answer; the reload leaves
# its upstream with only that request; the answer comes later and c-ares
# hands it over inside its processing, where the upstream must not be
# destroyed.
# send_and_go LINE: one PIPE question over the socket; the connection is
# closed 0.1 s later, before any answer
send_and_go() {
	timeout 10 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"HELO\t5\n" + sys.argv[2].encode() + b"\n")
time.sleep(0.1)
s.close()' "$SOCK" "$1"
}
send_and_go "$(printf 'Q\twww.late.test\tIN\tA\t-1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32')"
check "a reload while an upstream query is in flight" hup_reloaded "$DPID" "$DAEMON_LOG"
sleep 3
check_eq "... the daemon outlives the late answer to that query" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
check "... and answers afterwards" grep -q '192.0.2.1' <(printf '%s\n' \
    '{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"A","zone-id":-1}}' |
    sock_ask "$SOCK" 2>&1)
check_eq "the daemon is the same process at the end" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
finish
