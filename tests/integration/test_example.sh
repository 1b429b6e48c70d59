#!/bin/bash
# The shipped example (what examples/demo.sh runs) keeps working:
#   - `refract check --config examples/refract.conf` accepts it,
#   - examples/pdns-pipe.conf, with its placeholders filled in the way
#     demo.sh does it (and another port), starts the real pdns_server,
#   - the queries the demo suggests get the right answers (TXT with two
#     strings, LOC, CNAME, NXDOMAIN, AXFR with every record), and
#   - `pdnsutil backend-cmd pipe zones` reports the zone.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdnsutil pdns_server pipebackend

EX=$IT_LIB_DIR/../../examples
mkdir -p "$IT_TMP/ex" "$IT_TMP/pdns"
cp "$EX/refract.conf" "$EX/airports.example.zone" "$IT_TMP/ex/" || die "copy examples"

out=$("$IT_BIN" check --config "$IT_TMP/ex/refract.conf" 2>&1)
rc=$?
check_eq "refract check accepts examples/refract.conf" \
    "0 refract: configuration ok: 1 zone, 71 records" "$rc $out"

PDNS_PORT=$(pick_port) || die "no free port"
sed -e "s|@REFRACT@|$IT_BIN|" -e "s|@CONFIG@|$IT_TMP/ex/refract.conf|" \
    -e "s|^local-port=.*|local-port=$PDNS_PORT|" \
    -e "s|^\(cache-ttl\|query-cache-ttl\|negquery-cache-ttl\)=.*|\1=0|" \
    "$EX/pdns-pipe.conf" >"$IT_TMP/pdns/pdns.conf"
if grep -v '^#' "$IT_TMP/pdns/pdns.conf" | grep -q '@'; then
	die "placeholders left in pdns.conf"
fi
check_eq "examples/pdns-pipe.conf listens on 127.0.0.1:5300 as documented" \
    "127.0.0.1 5300" \
    "$(sed -n 's/^local-address=//p' "$EX/pdns-pipe.conf") $(sed -n 's/^local-port=//p' "$EX/pdns-pipe.conf")"
PDNS_THREADS=$(sed -n 's/^distributor-threads=//p' "$EX/pdns-pipe.conf")
launch_pdns "$IT_TMP/pdns" "examples/pdns-pipe.conf"

SOA='airports.example. 300 IN SOA ns1.airports.example. hostmaster.airports.example. 2024060101 3600 900 1209600 300'
expect_dig "lax TXT (the demo's first suggestion)" "lax.airports.example TXT" '
    NOERROR qr aa
    ans lax.airports.example. 3600 IN TXT "Los Angeles International Airport" "Los Angeles, United States"'
expect_dig "lax LOC" "lax.airports.example LOC" "
    NOERROR qr aa
    ans lax.airports.example. 3600 IN LOC 33 56 36.233 N 118 24 29.808 W 0.00m 1m 10000m 10m"
expect_dig "ams LOC below sea level" "ams.airports.example LOC" "
    NOERROR qr aa
    ans ams.airports.example. 3600 IN LOC 52 18 29.000 N 4 45 51.000 E -3.00m 1m 10000m 10m"
expect_dig "syd LOC in the southern/eastern hemisphere" "SYD.airports.example LOC" "
    NOERROR qr aa
    ans SYD.airports.example. 3600 IN LOC 33 56 46.000 S 151 10 38.000 E 6.00m 1m 10000m 10m"
expect_dig "heathrow is a CNAME to lhr" "heathrow.airports.example TXT" '
    NOERROR qr aa
    ans heathrow.airports.example. 3600 IN CNAME lhr.airports.example.
    ans lhr.airports.example. 3600 IN TXT "London Heathrow Airport" "London, United Kingdom"'
expect_dig "an unknown code is NXDOMAIN" "xyz.airports.example TXT" "
    NXDOMAIN qr aa
    auth $SOA"
expect_dig "the apex NS with addresses" "airports.example NS" "
    NOERROR qr aa
    ans airports.example. 3600 IN NS ns1.airports.example.
    ans airports.example. 3600 IN NS ns2.airports.example.
    add ns1.airports.example. 3600 IN A 192.0.2.53
    add ns1.airports.example. 3600 IN AAAA 2001:db8::53
    add ns2.airports.example. 3600 IN A 198.51.100.53
    add ns2.airports.example. 3600 IN AAAA 2001:db8:1::53"

# AXFR: every record of the zone file (71) plus the closing SOA; every
# airport has exactly one LOC and one TXT
dig_raw +tcp AXFR airports.example
recs=$(printf '%s\n' "$DIG_OUT" | grep -v '^;' | grep -v '^[[:space:]]*$')
check_eq "AXFR has the 71 records plus the closing SOA" 72 \
    "$(printf '%s\n' "$recs" | grep -c .)"
check_eq "AXFR: each airport has one LOC and one TXT" "" \
    "$(printf '%s\n' "$recs" | awk '
	$4 == "LOC" { loc[$1]++ } $4 == "TXT" && $1 != "airports.example." { txt[$1]++ }
	END {
		for (n in loc) if (loc[n] != 1 || txt[n] != 1) print n
		for (n in txt) if (!(n in loc)) print n
	}')"

out=$(timeout 20 pdnsutil --config-dir="$IT_TMP/pdns" backend-cmd pipe zones 2>/dev/null)
check_eq "pdnsutil backend-cmd pipe zones" \
    "1 airports.example. serial 2024060101 records 71" \
    "$(printf '%s\n' "$out" | grep -v '^$')"
pdns_log_clean "pdns.log shows no coprocess error"
stop_pdns
finish
