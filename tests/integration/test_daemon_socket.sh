#!/bin/bash
# The refract daemon's socket, without pdns (python clients):
#   - a second `refract --listen` on a live socket exits 1 and leaves the
#     first one (its socket file and its service) alone;
#   - a stale socket file (nobody listening) is replaced;
#   - a regular file, a symlink or a directory at the path, a missing
#     directory or an over-long path: exit 1, nothing touched;
#   - `listen PATH { mode 0600; owner N; group N }` in the --config file
#     gives the socket that mode (and, as root, that owner and group);
#   - NOTIFY_SOCKET (a path, and an abstract @name): READY=1 arrives, and
#     by then the socket exists and accepts connections;
#   - `listen PATH { max-connections 3 }`: a 4th client is closed at once
#     while the 3 others are served; closing one lets a new one in;
#   - out of file descriptors (ulimit -n): the daemon does not spin on
#     the pending connections, keeps serving the open ones and accepts
#     again once some close.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need python3 stat

ZONES=(--zone "refract.test=$IT_TMP/refract.test.zone")
WWW_REQ='{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"A","zone-id":1}}'
WWW_REP='{"result":[{"qtype":"A","qname":"www.refract.test.","content":"192.0.2.1","ttl":300,"domain_id":1}]}'
S=$IT_TMP/live.sock

# refuse LABEL PATH: `refract --listen PATH` must exit 1 within 10 s
refuse() {
	local out rc
	out=$(timeout 10 "$IT_BIN" --listen "$2" "${ZONES[@]}" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = 1 ]; then
		pass "$1: exit 1 ($(printf '%s\n' "$out" | grep -m1 listen))"
	else
		fail "$1: exit 1" "exit status $rc" "$out"
	fi
}

# --- a live socket is not taken over ------------------------------------------------------
start_daemon "$S" --listen "$S" "${ZONES[@]}"
first=$DAEMON_PID
inode=$(stat -c %i "$S")
refuse "a second daemon on a live socket" "$S"
check_eq "the first daemon keeps its socket file (same inode) and runs on" \
    "$inode $first alive" "$(stat -c %i "$S" 2>&1) $DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
check_eq "the first daemon still answers" "$WWW_REP" \
    "$(printf '%s\n' "$WWW_REQ" | sock_ask "$S")"
stop_daemon TERM

# --- a stale socket is replaced -------------------------------------------------------------
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.close()' "$IT_TMP/stale.sock" || die "cannot make a stale socket"
check_eq "(a stale socket file is there, nobody listening)" "socket" \
    "$([ -S "$IT_TMP/stale.sock" ] && echo socket)"
start_daemon "$IT_TMP/stale.sock" --listen "$IT_TMP/stale.sock" "${ZONES[@]}"
check_eq "a stale socket is replaced (and logged)" 1 \
    "$(grep -c "replacing stale socket $IT_TMP/stale.sock" "$DAEMON_LOG")"
check_eq "the daemon on the replaced socket answers" "$WWW_REP" \
    "$(printf '%s\n' "$WWW_REQ" | sock_ask "$IT_TMP/stale.sock")"
stop_daemon TERM

# --- things at the path that are not ours -------------------------------------------------
echo precious >"$IT_TMP/file.sock"
refuse "a regular file at the path" "$IT_TMP/file.sock"
check_eq "the regular file is left as it was" precious "$(cat "$IT_TMP/file.sock")"
ln -s "$IT_TMP/file.sock" "$IT_TMP/link.sock"
refuse "a symlink at the path" "$IT_TMP/link.sock"
check_eq "the symlink and its target are left as they were" "link precious" \
    "$([ -L "$IT_TMP/link.sock" ] && echo link) $(cat "$IT_TMP/file.sock")"
mkdir "$IT_TMP/dir.sock"
refuse "a directory at the path" "$IT_TMP/dir.sock"
check_eq "the directory is left" dir "$([ -d "$IT_TMP/dir.sock" ] && echo dir)"
refuse "a path in a missing directory" "$IT_TMP/no/such/dir/r.sock"
long=$IT_TMP/$(printf 'x%.0s' $(seq 1 120)).sock
refuse "a path too long for a unix socket" "$long"
check_eq "nothing was created for the long path" "" \
    "$(compgen -G "$IT_TMP/xxxx*")"

# --- mode, owner, group from the config -----------------------------------------------------
cat >"$IT_TMP/mode.conf" <<EOF
zone refract.test { file refract.test.zone; }
listen $IT_TMP/mode.sock {
	mode 0600
	$([ "$(id -u)" = 0 ] && echo 'owner 4343; group 4242')
}
EOF
start_daemon "$IT_TMP/mode.sock" --config "$IT_TMP/mode.conf"
check_eq "listen { mode 0600 } gives the socket mode 0600" 600 \
    "$(stat -c %a "$IT_TMP/mode.sock")"
if [ "$(id -u)" = 0 ]; then
	check_eq "listen { owner 4343; group 4242 } (as root)" "4343 4242" \
	    "$(stat -c '%u %g' "$IT_TMP/mode.sock")"
fi
check_eq "the daemon from the config answers" "$WWW_REP" \
    "$(printf '%s\n' "$WWW_REQ" | sock_ask "$IT_TMP/mode.sock")"
stop_daemon TERM

# --- NOTIFY_SOCKET ------------------------------------------------------------------------
# notify_check LABEL NOTIFY-ADDRESS: a python datagram receiver on the
# address; the daemon starts with NOTIFY_SOCKET set to it
notify_check() {
	local label=$1 addr=$2 sock=$IT_TMP/n$DAEMON_N.sock out=$IT_TMP/notify.$DAEMON_N.out
	local n=0 py
	rm -f "$IT_TMP/notify.bound"
	timeout 30 python3 -c '
import os, socket, stat, sys
addr, sock, bound = sys.argv[1:4]
n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
n.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(bound, "w").close()
n.settimeout(15)
try:
    msg = n.recv(4096)
except socket.timeout:
    print("no message within 15 s")
    sys.exit(0)
# right when READY=1 arrives: is the socket there, and accepting?
try:
    kind = "socket" if stat.S_ISSOCK(os.lstat(sock).st_mode) else "not-a-socket"
except FileNotFoundError:
    kind = "missing"
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    c.connect(sock)
    conn = "connects"
except OSError as e:
    conn = "connect-failed:" + e.strerror
print(msg.decode("ascii", "replace").strip(), kind, conn)
' "$addr" "$sock" "$IT_TMP/notify.bound" >"$out" 2>&1 &
	py=$!
	until [ -e "$IT_TMP/notify.bound" ]; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || die "python notify receiver did not start"
		sleep 0.1
	done
	NOTIFY_SOCKET=$addr start_daemon "$sock" --listen "$sock" "${ZONES[@]}"
	wait "$py"
	check_eq "$label: READY=1 arrives when the socket exists and accepts" \
	    "READY=1 socket connects" "$(cat "$out")"
	stop_daemon TERM
}
notify_check "NOTIFY_SOCKET path" "$IT_TMP/notify.dgram"
notify_check "NOTIFY_SOCKET abstract" "@refract-it-notify-$$-$RANDOM"

# --- max-connections -------------------------------------------------------------------------
cat >"$IT_TMP/max.conf" <<EOF
zone refract.test { file refract.test.zone; }
listen $IT_TMP/max.sock { max-connections 3; }
EOF
start_daemon "$IT_TMP/max.sock" --config "$IT_TMP/max.conf"
out=$(timeout 60 python3 -c '
import socket, sys, time
path, req = sys.argv[1], (sys.argv[2] + "\n").encode()

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(path)
    return s

def ask(s):
    try:
        s.sendall(req)
        buf = b""
        while not buf.endswith(b"\n"):
            b = s.recv(4096)
            if not b:
                return "EOF"
            buf += b
        return "answer" if buf.startswith(b"{\"result\":[{") else "other:" + buf.decode()
    except socket.timeout:
        return "TIMEOUT"
    except (BrokenPipeError, ConnectionResetError):
        return "EOF"

three = [conn() for _ in range(3)]
print("three clients:", *[ask(s) for s in three])
t0 = time.time()
fourth = conn()
r = ask(fourth)
print("a 4th:", r, "at once" if time.time() - t0 < 1 else "after %.1f s" % (time.time() - t0))
print("the three still:", *[ask(s) for s in three])
three[0].close()
for attempt in range(30):
    new = conn()
    r = ask(new)
    if r != "EOF":
        break
    time.sleep(0.1)
print("after closing one, a new client:", r)
print("the other two:", *[ask(s) for s in three[1:]])
print("one more over the limit:", ask(conn()))
' "$IT_TMP/max.sock" "$WWW_REQ" 2>&1)
check_eq "max-connections 3" "three clients: answer answer answer
a 4th: EOF at once
the three still: answer answer answer
after closing one, a new client: answer
the other two: answer answer
one more over the limit: EOF" "$out"
check_eq "the limited daemon runs on" alive "$(alive "$DAEMON_PID" && echo alive)"
stop_daemon TERM

# --- out of file descriptors -----------------------------------------------------------------
DAEMON_NOFILE=16 start_daemon "$IT_TMP/fd.sock" --listen "$IT_TMP/fd.sock" "${ZONES[@]}"
out=$(timeout 60 python3 -c '
import socket, sys, time
path, req, pid = sys.argv[1], (sys.argv[2] + "\n").encode(), sys.argv[3]

def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])

def ask(s, timeout=0.5):
    s.settimeout(timeout)
    try:
        s.sendall(req)
        buf = b""
        while not buf.endswith(b"\n"):
            b = s.recv(4096)
            if not b:
                return "EOF"
            buf += b
        return "answer"
    except socket.timeout:
        return "wait"
    except OSError:
        return "EOF"

socks = []
for i in range(40):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
# every client asks at once; the ones the daemon accepted answer at once
for s in socks:
    s.sendall(req)
time.sleep(0.5)
res = []
for s in socks:
    s.settimeout(0.01)
    try:
        b = s.recv(4096)
        res.append("answer" if b.endswith(b"\n") else "EOF" if not b else "partial")
    except socket.timeout:
        res.append("wait")
served = [s for s, r in zip(socks, res) if r == "answer"]
sys.stderr.write("served %d of 40: %s\n" % (len(served), " ".join(res)))
print("some served, the rest waiting:", len(served) >= 5 and len(served) < 40 and set(res) <= {"answer", "wait"})
c0 = cpu()
time.sleep(2)
ticks = cpu() - c0
print("no spinning (%d ticks in 2 s):" % ticks, ticks < 40)
print("the served ones still answered:", all(ask(s, 3) == "answer" for s in served))
for s in socks:
    s.close()
time.sleep(0.2)
ok = 0
for i in range(5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    ok += ask(s, 5) == "answer"
    s.close()
print("after they close, new clients are served:", ok == 5)
' "$IT_TMP/fd.sock" "$WWW_REQ" "$DAEMON_PID" 2>"$IT_TMP/fd.err")
exp="some served, the rest waiting: True
no spinning: True
the served ones still answered: True
after they close, new clients are served: True"
got=$(printf '%s\n' "$out" | sed 's/ ([0-9]* ticks in 2 s)//')
if [ "$got" = "$exp" ]; then
	pass "out of file descriptors (ulimit -n 16): $(cut -d: -f1 "$IT_TMP/fd.err"); $(printf '%s\n' "$out" | grep -o '[0-9]* ticks in 2 s')"
else
	fail "out of file descriptors (ulimit -n 16)" "expected:" "$exp" \
	    "actual:" "$out" "$(cat "$IT_TMP/fd.err")" "daemon log:" "$(daemon_log_tail)"
fi
check_eq "it logged that it paused accepting" yes \
    "$(grep -q 'accept: pausing' "$DAEMON_LOG" && echo yes)"
check_eq "the daemon runs on" alive "$(alive "$DAEMON_PID" && echo alive)"
stop_daemon TERM
check_eq "SIGTERM: exit 0, socket removed" "0 gone" \
    "$DAEMON_RC $([ -e "$IT_TMP/fd.sock" ] || echo gone)"
finish
