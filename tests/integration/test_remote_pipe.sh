#!/bin/bash
# The real pdns_server with launch=remote and the pipe connector
# (remote-connection-string=pipe:command=refract ...,timeout=2000): pdns
# starts refract processes itself and talks JSON over their stdin/stdout.
# The zone cache is ON (pdns's default zone-cache-refresh-interval), so
# pdns only answers the zones refract lists with getAllDomains.
#   - dig answers: A, AAAA, MX and SRV with additional processing, TXT
#     with several strings, CNAME chasing, NXDOMAIN and NODATA with the SOA
#     in the authority section, wildcards, a referral with glue, DS at the
#     cut, mixed case, TCP, a second zone reached through its own id, a
#     zone refract does not have (REFUSED);
#   - an empty non-terminal (_udp above _sip._udp) is NODATA, not
#     NXDOMAIN: refract returns it as {"qtype":"ENT"} (pipe cannot);
#   - AXFR (lookup SOA, getDomainInfo, list) equals data/ZONE.axfr, and
#     a 30003-record zone arrives whole;
#   - pdns_control list-zones and pdnsutil list-all-zones list every zone
#     (getAllDomains), with their ids and serials as refract reports them;
#     pdnsutil list-zone (getDomainInfo + list) lists a zone;
#   - pdnsutil backend-cmd remote stats/version/zones (directBackendCmd);
#   - nothing was killed and respawned: the refract processes serving
#     pdns after all that are the ones that served it before, pdns.log
#     has no backend error, and they exit by themselves when pdns stops.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdnsutil pdns_control pdns_server remotebackend python3

cat >"$IT_TMP/refract.conf" <<'EOF'
# the zone path is relative to this file; id 7 must reach pdns through
# getAllDomains and come back as the zone-id of every lookup
zone refract.test {
	file refract.test.zone
	id 7
}
EOF
ARGS=(--config "$IT_TMP/refract.conf" --zone "second.test=$IT_TMP/second.test.zone"
    --zone "big.test=$IT_TMP/big.test.zone")
SOA1='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'
SOA2='second.test. 120 IN SOA ns1.refract.test. hostmaster.second.test. 7 3600 600 86400 600'
GLUE='auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
add ns.sub.refract.test. 3600 IN A 192.0.2.77
add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77'

start_pdns_remote "$IT_TMP/rpipe" "pipe:command=$IT_BIN ${ARGS[*]},timeout=2000"
check_eq "the zone cache is on (pdns's default refresh interval)" "" \
    "$(grep zone-cache-refresh-interval "$PDNS_DIR/pdns.conf")"

# warm-up: pdns starts its backend processes lazily, one per thread on
# its first request (questions go to the UDP threads by id modulo 3);
# let every UDP thread and the TCP one start theirs (bounded: 60 digs)
dig_raw +tcp www.refract.test A
for i in $(seq 1 60); do
	[ "$(refract_pids | grep -c .)" -ge 4 ] && break
	dig_raw "w$i.refract.test" A
done
before=$(refract_pids)
remember_children
check_eq "one refract per pdns backend thread after the warm-up (3 UDP + 1 TCP)" \
    4 "$(printf '%s\n' "$before" | grep -c .)"

# --- answers ------------------------------------------------------------------
p=remote-pipe
expect_dig "$p: A" "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.1"
expect_dig "$p: AAAA" "www.refract.test AAAA" "
    NOERROR qr aa
    ans www.refract.test. 300 IN AAAA 2001:db8::1"
expect_dig "$p: MX, exchanger's A/AAAA in additional" "refract.test MX" "
    NOERROR qr aa
    ans refract.test. 3600 IN MX 10 mail.refract.test.
    ans refract.test. 3600 IN MX 20 mx.elsewhere.example.
    add mail.refract.test. 600 IN A 192.0.2.25
    add mail.refract.test. 600 IN AAAA 2001:db8::25"
expect_dig "$p: TXT with three strings" "txt.refract.test TXT" '
    NOERROR qr aa
    ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
expect_dig "$p: SRV, target's A in additional" "_sip._udp.refract.test SRV" "
    NOERROR qr aa
    ans _sip._udp.refract.test. 3600 IN SRV 10 20 5060 sip.refract.test.
    add sip.refract.test. 3600 IN A 192.0.2.60"
expect_dig "$p: SOA at the apex" "refract.test SOA" "
    NOERROR qr aa
    ans refract.test. 3600 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300"
expect_dig "$p: NS at the apex, hosts in additional" "refract.test NS" "
    NOERROR qr aa
    ans refract.test. 3600 IN NS ns1.refract.test.
    ans refract.test. 3600 IN NS ns2.refract.test.
    add ns1.refract.test. 3600 IN A 192.0.2.53
    add ns1.refract.test. 3600 IN AAAA 2001:db8::53
    add ns2.refract.test. 3600 IN A 192.0.2.54"
expect_dig "$p: CNAME is followed" "alias.refract.test A" "
    NOERROR qr aa
    ans alias.refract.test. 300 IN CNAME www.refract.test.
    ans www.refract.test. 300 IN A 192.0.2.1"
expect_dig "$p: CNAME asked for itself" "alias.refract.test CNAME" "
    NOERROR qr aa
    ans alias.refract.test. 300 IN CNAME www.refract.test."
expect_dig "$p: NXDOMAIN with the SOA (TTL = minimum)" "nope.refract.test A" "
    NXDOMAIN qr aa
    auth $SOA1"
expect_dig "$p: NXDOMAIN two labels down" "a.b.nope.refract.test TXT" "
    NXDOMAIN qr aa
    auth $SOA1"
expect_dig "$p: NODATA" "www.refract.test MX" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: NODATA at the apex" "refract.test SRV" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: empty non-terminal _udp (above _sip._udp) is NODATA, not NXDOMAIN" \
    "_udp.refract.test A" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: the ENT over TCP, another type" "+tcp _udp.refract.test TXT" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: below the ENT there is nothing else" "_tcp._udp.refract.test SRV" "
    NXDOMAIN qr aa
    auth $SOA1"
expect_dig "$p: wildcard A, one label" "foo.wild.refract.test A" "
    NOERROR qr aa
    ans foo.wild.refract.test. 120 IN A 192.0.2.99"
expect_dig "$p: wildcard A, two labels" "x.y.wild.refract.test A" "
    NOERROR qr aa
    ans x.y.wild.refract.test. 120 IN A 192.0.2.99"
expect_dig "$p: wildcard TXT" "foo.wild.refract.test TXT" '
    NOERROR qr aa
    ans foo.wild.refract.test. 120 IN TXT "wildcard"'
expect_dig "$p: wildcard NODATA" "foo.wild.refract.test MX" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: wild itself is an ENT: NODATA" "wild.refract.test A" "
    NOERROR qr aa
    auth $SOA1"
expect_dig "$p: referral below the cut: no aa, NS + glue" \
    "host.sub.refract.test A" "
    NOERROR qr
    $GLUE"
expect_dig "$p: referral for the glue name itself" "ns.sub.refract.test A" "
    NOERROR qr
    $GLUE"
expect_dig "$p: DS at the cut is the parent's, authoritative" \
    "sub.refract.test DS" "
    NOERROR qr aa
    ans sub.refract.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
expect_dig "$p: mixed case is matched" "WwW.ReFrAcT.TeSt A" "
    NOERROR qr aa
    ans WwW.ReFrAcT.TeSt. 300 IN A 192.0.2.1"
expect_dig "$p: over TCP" "+tcp txt.refract.test TXT" '
    NOERROR qr aa
    ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
expect_dig "$p: zone 2: A" "host.second.test A" "
    NOERROR qr aa
    ans host.second.test. 120 IN A 198.51.100.7"
expect_dig "$p: zone 2: NXDOMAIN, SOA TTL = its own TTL" "nope.second.test A" "
    NXDOMAIN qr aa
    auth $SOA2"
expect_dig "$p: the big zone is served" "h29999.big.test TXT" '
    NOERROR qr aa
    ans h29999.big.test. 300 IN TXT "record number 29999 of thirty thousand, padded to make the line longer"'
expect_dig "$p: a zone refract does not list is REFUSED" "www.example.org A" "
    REFUSED qr"
expect_dig "$p: the parent of a zone is REFUSED" "test SOA" "
    REFUSED qr"

# --- AXFR -------------------------------------------------------------------------
expect_axfr "$p" refract.test
expect_axfr "$p" second.test
dig_raw +tcp +time=30 AXFR big.test
check_eq "$p: AXFR of the 30003-record zone: 30004 records, SOA first and last" \
    "30004 SOA SOA" \
    "$(axfr_recs "$DIG_OUT" | awk 'NR == 1 { f = $4 } { l = $4 } END { print NR, f, l }')"
dig_raw +tcp AXFR example.org
check_eq "$p: AXFR of a zone refract does not have gives no records" "" \
    "$(axfr_recs "$DIG_OUT")"

# --- zone listings ----------------------------------------------------------------
out=$(timeout 20 pdns_control --config-dir="$PDNS_DIR" --socket-dir="$PDNS_DIR" list-zones 2>&1)
check_eq "$p: pdns_control list-zones lists every zone (getAllDomains)" \
    "All zonecount: 3
big.test.
refract.test.
second.test." "$(printf '%s\n' "$out" | grep -v '^$' | LC_ALL=C sort)"
out=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" list-all-zones 2>"$IT_TMP/pdnsutil.err")
check_eq "$p: pdnsutil list-all-zones lists every zone" \
    "big.test
refract.test
second.test" "$(printf '%s\n' "$out" | grep -v '^$' | LC_ALL=C sort)"
out=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" list-zone second.test 2>"$IT_TMP/pdnsutil.err")
check_eq "$p: pdnsutil list-zone (getDomainInfo + list)" \
    "host.second.test	120	IN	A	198.51.100.7
second.test	120	IN	NS	ns1.refract.test.
second.test	120	IN	SOA	ns1.refract.test. hostmaster.second.test. 7 3600 600 86400 600" \
    "$(printf '%s\n' "$out" | grep -v -e '^[$]ORIGIN' -e '^$' | LC_ALL=C sort)"

# getAllDomains as pdns sends it, straight to refract (as pdns starts it):
# ids and serials, and getDomainInfo the same
out=$(printf '%s\n' \
    '{"method": "initialize", "parameters": {"command": "x", "timeout": "2000"}}' \
    '{"method": "getAllDomains", "parameters": {"include_disabled": false}}' \
    '{"method": "getDomainInfo", "parameters": {"name": "Refract.Test."}}' |
    timeout 20 "$IT_BIN" "${ARGS[@]}" 2>"$IT_TMP/direct.err" |
    timeout 20 python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
print(len(lines), json.loads(lines[0]))
for d in sorted(json.loads(lines[1])["result"], key=lambda d: d["id"]):
    print(d["id"], d["zone"], d["kind"], d["serial"])
d = json.loads(lines[2])["result"]
print("info", d["id"], d["zone"], d["kind"], d["serial"])
' 2>&1)
check_eq "$p: getAllDomains gives every zone with its id and serial" \
    "3 {'result': True}
2 second.test. native 7
3 big.test. native 3
7 refract.test. native 2024050101
info 7 refract.test. native 2024050101" \
    "$out"

# --- backend commands ---------------------------------------------------------------
backend_cmd() {
	CMD_OUT=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" backend-cmd remote "$@" 2>"$IT_TMP/pdnsutil.err")
	CMD_RC=$?
}
backend_cmd stats
check_eq "$p: backend-cmd remote stats exits 0" 0 "$CMD_RC"
bad=
for k in queries answered empty failed bad-requests axfr commands long-lines uptime-seconds; do
	n=$(printf '%s\n' "$CMD_OUT" | grep -cE "^$k [0-9]+\$")
	[ "$n" = 1 ] || bad="$bad $k($n)"
done
check_eq "$p: backend-cmd remote stats has each counter once as 'name number'" "" "$bad"
check_eq "$p: stats comes from pdnsutil's own fresh refract (commands 1)" \
    "commands 1" "$(printf '%s\n' "$CMD_OUT" | grep '^commands ')"
backend_cmd version
check_eq "$p: backend-cmd remote version = refract --version" \
    "$("$REFRACT" --version)" "$(printf '%s\n' "$CMD_OUT" | grep -v '^$')"
backend_cmd zones
check_eq "$p: backend-cmd remote zones" \
    "2 second.test. serial 7 records 3
3 big.test. serial 3 records 30003
7 refract.test. serial 2024050101 records 31" \
    "$(printf '%s\n' "$CMD_OUT" | grep -v '^$' | sort -n)"
backend_cmd help
nohelp=
for c in help version stats zones; do
	printf '%s\n' "$CMD_OUT" | grep -qE "^ *$c " || nohelp="$nohelp $c"
done
check_eq "$p: backend-cmd remote help lists help, version, stats, zones" "" "$nohelp"

# --- nothing was recycled -------------------------------------------------------------
expect_dig "$p: still answering after all that" "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.1"
check_eq "$p: the refract processes serving pdns are the ones from before (none respawned)" \
    "$before" "$(refract_pids)"
pdns_log_clean "$p: pdns.log shows no backend error"
stop_pdns
finish
