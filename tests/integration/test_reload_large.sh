#!/bin/bash
# Reload of a large zone (README "Reload", "Large zones"): the refract
# daemon serves big.reload.test, 300 000 records written out one per line
# (no $GENERATE), with `zone-image` in its config, under a pdns with
# launch=remote over its socket (caches off).
#   - `refract compile` writes the image; the daemon maps it at start;
#   - a record is changed and the daemon reloads (backend-cmd over the
#     socket) while two probes run: digs through pdns in a loop, and a
#     client on the daemon's socket asking lookups one after the other:
#       every dig and every lookup is answered right, none takes longer
#       than 1 s (the event loop never stalls: the zones are compiled in a
#       child process), and lookups are answered while the reload is
#       still running (between the command and its answer);
#     the reload answers "reloaded: 1 zones, 300003 records" (mapped from
#     the image, not "read in place"), the zone-image file was compiled
#     again (its mtime and inode changed), and the changed record is
#     answered;
#   - a second reload with SIGHUP during the digs: the same.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server remotebackend python3 stat

D=$IT_TMP/large
mkdir -p "$D" || die "mkdir $D"
# gen_zone SERIAL ADDRESS-OF-h000001: the zone, written atomically
gen_zone() {
	python3 - "$D/big.zone.new" "$1" "$2" <<-'EOF' || die "generate the zone"
	import sys
	path, serial, addr1 = sys.argv[1], sys.argv[2], sys.argv[3]
	with open(path, "w") as f:
	    f.write("$ORIGIN big.reload.test.\n$TTL 300\n")
	    f.write("@ IN SOA ns1 hostmaster ( %s 3600 600 86400 300 )\n" % serial)
	    f.write("@ IN NS ns1\nns1 IN A 192.0.2.53\n")
	    for i in range(300000):
	        a = addr1 if i == 1 else "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
	        f.write("h%06d IN A %s\n" % (i, a))
	EOF
	mv "$D/big.zone.new" "$D/big.zone" || die "mv zone"
}
gen_zone 1 192.0.2.1
cat >"$D/large.conf" <<EOF
zone big.reload.test big.zone
zone-image zones.img
EOF
out=$(timeout 60 "$IT_BIN" compile --config "$D/large.conf" 2>&1)
check_eq "refract compile writes the image" \
    "refract: wrote $D/zones.img: 1 zone, 300003 records" "$out"
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$D/large.conf"
DPID=$DAEMON_PID
check_eq "the daemon maps the image at start (no 'not used' warning)" \
    "0 1" "$(grep -c 'not used' "$DAEMON_LOG") $(grep -c 'serving 1 zones, 300003 records' "$DAEMON_LOG")"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

expect_dig "before: h000001" "h000001.big.reload.test A" "
    NOERROR qr aa
    ans h000001.big.reload.test. 300 IN A 192.0.2.1"
expect_dig "before: h299999" "h299999.big.reload.test A" "
    NOERROR qr aa
    ans h299999.big.reload.test. 300 IN A 10.4.147.223"

# dig_loop OUTDIR STOPFILE: timed digs (timed_dig) in turn for two names
# until STOPFILE exists (at most 600 digs)
dig_loop() {
	local dir=$1 stop=$2 i=0
	mkdir -p "$dir"
	while [ ! -e "$stop" ] && [ "$i" -lt 600 ]; do
		i=$((i + 1))
		timed_dig "$dir/$i" h150000.big.reload.test A
		i=$((i + 1))
		timed_dig "$dir/$i" h000001.big.reload.test A
	done
}
# dig_report DIR OLD NEW: "N digs, max M ms, B bad" (a bad dig: not
# NOERROR with the one expected A record; h000001 may have its OLD or its
# NEW address, since the reload happens during the loop)
dig_report() {
	local dir=$1 f n=0 max=0 bad=0 ms got
	for f in "$dir"/*.ms; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		ms=$(cat "$f")
		[ "$ms" -gt "$max" ] && max=$ms
		got=$(norm_dig <"${f%.ms}" | tr '\n' ' ')
		case $got in
		"NOERROR qr aa ans h150000.big.reload.test. 300 IN A 10.2.73.240 ") ;;
		"NOERROR qr aa ans h000001.big.reload.test. 300 IN A $2 ") ;;
		"NOERROR qr aa ans h000001.big.reload.test. 300 IN A $3 ") ;;
		*) bad=$((bad + 1)) ;;
		esac
	done
	echo "$n digs, max $max ms, $bad bad"
}
# sock_probe SOCKET RELOAD(yes|no) STOPFILE: lookups one after the other on
# one connection; with RELOAD=yes a second connection sends `reload` after
# 0.3 s.  Stops 0.5 s after the reload's answer (or when STOPFILE exists).
# Prints: "lookups N, max MS ms, bad B, during-reload K, reload: TEXT"
sock_probe() {
	timeout 120 python3 - "$@" <<-'EOF'
	import json, socket, sys, threading, time, os
	path, do_reload, stop = sys.argv[1], sys.argv[2] == "yes", sys.argv[3]
	req = (json.dumps({"method": "lookup", "parameters": {
	    "qname": "h150000.big.reload.test.", "qtype": "ANY", "zone-id": 1,
	    "remote": "127.0.0.1", "local": "127.0.0.1",
	    "real-remote": "127.0.0.1/32"}}) + "\n").encode()
	want = "10.2.73.240"
	rl = {"start": None, "end": None, "text": "(none)"}
	def reload():
	    time.sleep(0.3)
	    s = socket.socket(socket.AF_UNIX)
	    s.connect(path)
	    f = s.makefile("rb")
	    rl["start"] = time.monotonic()
	    s.sendall(b'{"method":"directBackendCmd","parameters":{"query":"reload"}}\n')
	    line = f.readline()
	    rl["end"] = time.monotonic()
	    try:
	        rl["text"] = json.loads(line)["result"].replace("\n", " | ")
	    except Exception:
	        rl["text"] = repr(line)
	s = socket.socket(socket.AF_UNIX)
	s.settimeout(10)
	s.connect(path)
	f = s.makefile("rb")
	th = None
	if do_reload:
	    th = threading.Thread(target=reload, daemon=True)
	    th.start()
	times, n, bad, mx = [], 0, 0, 0.0
	t_first = time.monotonic()
	while True:
	    now = time.monotonic()
	    if os.path.exists(stop) or now - t_first > 60:
	        break
	    if rl["end"] is not None and now - rl["end"] > 0.5:
	        break
	    if not do_reload and now - t_first > 3:
	        break
	    t0 = time.monotonic()
	    s.sendall(req)
	    try:
	        line = f.readline()
	    except socket.timeout:
	        line = b""
	    t1 = time.monotonic()
	    n += 1
	    mx = max(mx, t1 - t0)
	    times.append(t1)
	    try:
	        r = json.loads(line)["result"]
	        if [x["content"] for x in r] != [want]:
	            bad += 1
	    except Exception:
	        bad += 1
	        break
	during = 0
	if rl["start"] is not None and rl["end"] is not None:
	    during = sum(1 for t in times if rl["start"] < t < rl["end"])
	print("lookups %d, max %d ms, bad %d, during-reload %d (reload took %d ms), reload: %s" % (
	    n, mx * 1000, bad, during,
	    ((rl["end"] or 0) - (rl["start"] or 0)) * 1000, rl["text"]))
	EOF
}
# probe_ok REPORT (sock_probe's): at least 10 lookups, 3 of them answered
# during the reload, none bad, none over 1000 ms
# shellcheck disable=SC2317  # called through check
probe_ok() {
	awk '{
	    n = $2 + 0; max = $4 + 0; bad = $7 + 0; dur = $9 + 0
	    exit !(n >= 10 && max < 1000 && bad == 0 && dur >= 3)
	}' <<<"${1//,/}"
}
# digs_ok REPORT (dig_report's): at least 4 digs, none bad, none over 1000 ms
# shellcheck disable=SC2317  # called through check
digs_ok() {
	awk '{ exit !($1 >= 4 && $4 < 1000 && $6 == 0) }' <<<"${1//,/}"
}

# --- reload through the backend command ------------------------------------------------
img_before=$(stat -c '%i %.9Y' "$D/zones.img")
sleep 1.1 # a new mtime is visible even on coarse file systems
gen_zone 2 192.0.2.2
rm -f "$D/stop1"
dig_loop "$D/digs1" "$D/stop1" &
LOOP=$!
probe=$(sock_probe "$SOCK" yes "$D/stop1")
touch "$D/stop1"
wait "$LOOP"
say "probe: $probe"
check "backend-cmd reload: the reload answers 'reloaded: 1 zones, 300003 records' (from the image)" \
    grep -q 'reload: reloaded: 1 zones, 300003 records$' <<<"$probe"
check "backend-cmd reload: socket lookups answered during the reload, all right, none over 1 s ($probe)" \
    probe_ok "$probe"
rep=$(dig_report "$D/digs1" 192.0.2.1 192.0.2.2)
check "backend-cmd reload: digs during the reload all right, none over 1 s ($rep)" \
    digs_ok "$rep"
img_after=$(stat -c '%i %.9Y' "$D/zones.img")
check "the zone image was compiled again (inode mtime: $img_before -> $img_after)" \
    test "${img_before%% *}" != "${img_after%% *}" -a "${img_before#* }" != "${img_after#* }"
expect_dig "after the reload: the changed record" "h000001.big.reload.test A" "
    NOERROR qr aa
    ans h000001.big.reload.test. 300 IN A 192.0.2.2"

# --- reload by SIGHUP ------------------------------------------------------------------------
img_before=$img_after
sleep 1.1
gen_zone 3 192.0.2.3
n0=$(grep -c 'reloaded: 1 zones, 300003 records' "$DAEMON_LOG")
rm -f "$D/stop2"
dig_loop "$D/digs2" "$D/stop2" &
LOOP=$!
sleep 0.3
kill -HUP "$DPID"
n=0
while [ "$(grep -c 'reloaded: 1 zones, 300003 records' "$DAEMON_LOG")" -le "$n0" ]; do
	n=$((n + 1))
	[ "$n" -lt 300 ] || { fail "SIGHUP: no 'reloaded' logged within 30 s"; break; }
	sleep 0.1
done
sleep 0.3
touch "$D/stop2"
wait "$LOOP"
rep=$(dig_report "$D/digs2" 192.0.2.2 192.0.2.3)
check "SIGHUP: digs during the reload all right, none over 1 s ($rep)" \
    digs_ok "$rep"
img_after=$(stat -c '%i %.9Y' "$D/zones.img")
check "SIGHUP: the zone image was compiled again (inode mtime: $img_before -> $img_after)" \
    test "${img_before%% *}" != "${img_after%% *}" -a "${img_before#* }" != "${img_after#* }"
expect_dig "after SIGHUP: the changed record" "h000001.big.reload.test A" "
    NOERROR qr aa
    ans h000001.big.reload.test. 300 IN A 192.0.2.3"
check_eq "no 'read in place' reload (every reload mapped the image)" 0 \
    "$(grep -c 'zones read in place' "$DAEMON_LOG")"
check_eq "the same daemon process" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"
finish
