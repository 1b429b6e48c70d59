#!/bin/bash
# Bad and hostile input on the refract daemon's connections (python
# clients from data/remote_client.py), and the same bad JSON over stdin
# (the remote backend's pipe connector):
#   - one JSON connection gets invalid JSON, wrong shapes and types,
#     unknown methods, lines over 1 MiB, binary garbage and NUL bytes,
#     with valid lookups in between: every request gets exactly one reply,
#     the defined one (failures: an object without "result"; unknown
#     methods: {"result":false}), and the valid ones stay right;
#   - a connection whose first line is garbage is a PIPE one (FAIL, then
#     HELO/Q work);
#   - a client that asks for many big listings and never reads: other
#     clients are answered promptly, and the daemon's memory stays
#     bounded, whether the requests come one per write or all in one;
#   - many requests in one write are answered in order; a request split
#     over two writes waits without blocking others; a half-closed client
#     gets all its answers, then EOF;
#   - clients that go away mid-answer (close, reset) cost the others
#     nothing;
#   - through all of it the daemon is the same process and counts the bad
#     requests; SIGTERM still ends it cleanly;
#   - over stdin, the same requests give one reply per line, the same
#     ones, and refract exits 0 at EOF.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need python3

SOCK=$IT_TMP/refract.sock
ZARGS=(--zone "refract.test=$IT_TMP/refract.test.zone"
    --zone "second.test=$IT_TMP/second.test.zone"
    --zone "big.test=$IT_TMP/big.test.zone")
PY=("$IT_DATA/remote_client.py")
rc_py() { timeout 120 python3 "${PY[@]}" "$@"; }

rc_py gen "$IT_TMP/bad.req" "$IT_TMP/bad.exp" || die "generating the requests"
nreq=$(wc -l <"$IT_TMP/bad.exp")

start_daemon "$SOCK" --listen "$SOCK" "${ZARGS[@]}"
DPID=$DAEMON_PID

# --- one connection, every kind of bad request --------------------------------------
got=$(rc_py ask "$SOCK" "$IT_TMP/bad.req" 2>&1)
if [ "$got" = "$(cat "$IT_TMP/bad.exp")" ]; then
	pass "socket: $nreq requests (bad JSON, wrong types, unknown methods, > 1 MiB, binary): one defined reply each"
else
	fail "socket: $nreq requests (bad JSON, wrong types, unknown methods, > 1 MiB, binary): one defined reply each" \
	    "$(diff <(nl -ba "$IT_TMP/bad.exp") <(printf '%s\n' "$got" | nl -ba))" \
	    "daemon log:" "$(daemon_log_tail)"
fi

check_eq "socket: a first line of garbage makes a PIPE connection" \
    "FAIL
OK	refract
DATA	0	1	www.refract.test	IN	A	300	1	192.0.2.1
DATA	0	1	www.refract.test	IN	AAAA	300	1	2001:db8::1
END
FAIL" "$(rc_py pipe "$SOCK" 2>&1)"

check_eq "socket: requests split and pipelined" \
    "while one client is mid-request another is answered: True
the rest of the request completes it: True" "$(rc_py partial "$SOCK" 2>&1)"
check_eq "socket: 300 requests in one write" \
    "replies: 300 in order: True nothing more: True" "$(rc_py pipeline "$SOCK" 300 2>&1)"
check_eq "socket: half-close" \
    "after shutdown(SHUT_WR): both answers, then EOF: True" "$(rc_py halfclose "$SOCK" 2>&1)"

# --- clients that do not read ------------------------------------------------------------
# 60 listings of big.test (about 4.6 MiB of JSON each, 280 MiB in all) to
# a client that never reads; refract stops reading from it once 8 MiB
# wait, so its memory must not grow by anything like that
for how in trickle burst; do
	out=$(rc_py stuck "$SOCK" "$DAEMON_PID" "$how" 60 2>"$IT_TMP/stuck.err")
	check_eq "socket: a client that never reads ($how: $(cat "$IT_TMP/stuck.err"))" \
	    "warm-up listing: 30003 records
others answered right: True
others answered promptly (< 1 s): True
memory growth under 64 MiB: True
after it goes: True" "$out"
done

check_eq "socket: clients gone mid-answer" \
    "after 20 clients went away mid-answer, another is answered: True" \
    "$(rc_py disconnect "$SOCK" 20 2>&1)"

# --- the daemon carried on --------------------------------------------------------------
check_eq "the daemon is the same process throughout" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
stats=$(printf '%s\n' '{"method":"directBackendCmd","parameters":{"query":"stats"}}' |
    sock_ask "$SOCK" | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["result"])' 2>&1)
bad=$(printf '%s\n' "$stats" | awk '$1 == "bad-requests" { print $2 }')
long=$(printf '%s\n' "$stats" | awk '$1 == "long-lines" { print $2 }')
nfail=$(grep -c '^FAILURE$' "$IT_TMP/bad.exp")
if [ -n "$bad" ] && [ "$bad" -ge "$nfail" ] && [ "$long" = 2 ]; then
	pass "the daemon counted the bad requests ($bad >= $nfail) and the 2 long lines"
else
	fail "the daemon counted the bad requests (>= $nfail) and the 2 long lines" "$stats"
fi
if grep -qiE 'assert|abort|fatal|sanitizer' "$DAEMON_LOG"; then
	fail "the daemon log shows no internal error" "$(grep -iE 'assert|abort|fatal|sanitizer' "$DAEMON_LOG" | head)"
else
	pass "the daemon log shows no internal error"
fi
stop_daemon TERM
check_eq "SIGTERM after all that: exit 0, socket removed" "0 gone" \
    "$DAEMON_RC $([ -e "$SOCK" ] || echo gone)"

# --- the same over stdin (remote pipe connector) -------------------------------------------
timeout 60 "$IT_BIN" "${ZARGS[@]}" <"$IT_TMP/bad.req" >"$IT_TMP/bad.out" 2>"$IT_TMP/bad.err"
rc=$?
check_eq "stdin: refract exits 0 at EOF after the bad requests" 0 "$rc"
check_eq "stdin: one reply line per request line" "$nreq" "$(wc -l <"$IT_TMP/bad.out")"
got=$(rc_py classify <"$IT_TMP/bad.out" 2>&1)
if [ "$got" = "$(cat "$IT_TMP/bad.exp")" ]; then
	pass "stdin: every reply is the defined one"
else
	fail "stdin: every reply is the defined one" \
	    "$(diff <(nl -ba "$IT_TMP/bad.exp") <(printf '%s\n' "$got" | nl -ba))"
fi
# the protocol is decided by the first line even when that is bad JSON
out=$(printf '%s\n' '{"method":' "$(sed -n 2p "$IT_TMP/bad.req")" 'garbage' |
    timeout 20 "$IT_BIN" "${ZARGS[@]}" 2>/dev/null | rc_py classify 2>&1)
check_eq "stdin: a first line of bad JSON still makes a JSON conversation" \
    "FAILURE
RESULT:A=192.0.2.1,AAAA=2001:db8::1
FAILURE" "$out"
finish
