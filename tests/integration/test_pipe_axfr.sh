#!/bin/bash
# Outgoing AXFR through the real pdns_server, PIPE ABI 1, 3 and 5.
#
# pdns answers the SOA check on its TCP coprocess, then starts a fresh
# refract for the transfer and asks `AXFR <id>` (ABI 1-3: the zone id
# only, so the id must lead to the right zone) or `AXFR <id> <zone>`
# (ABI 4+).  For both fixture zones (refract.test with explicit id 7,
# second.test with id 2) the transfer must
#   - succeed over TCP,
#   - start and end with the zone's SOA, with no SOA in between,
#   - hold exactly the records of data/<zone>.axfr (hand-written from the
#     zone file), compared normalized and sorted.
# big.test ($GENERATE, 30003 records, several MB of PIPE output) must
# arrive whole: refract's output has to wait for pdns to read.
# A transfer of a zone refract does not have must fail without records.
# Afterwards pdns's persistent refract processes must be the ones it
# started with and its log must show no coprocess error.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server pipebackend

cat >"$IT_TMP/refract.conf" <<'EOF'
zone refract.test {
	file refract.test.zone
	id 7
}
EOF
ARGS=(--config "$IT_TMP/refract.conf" --zone "second.test=$IT_TMP/second.test.zone"
    --zone "big.test=$IT_TMP/big.test.zone")

# records of a dig AXFR, one per line, white space collapsed, in order
axfr_records() {
	printf '%s\n' "$1" | grep -v '^;' | grep -v '^[[:space:]]*$' |
	    sed -e 's/[[:space:]]\{1,\}/ /g' -e 's/ $//'
}

# check_axfr LABEL ZONE [DIG-ZONE-SPELLING]
check_axfr() {
	local p=$1 zone=$2 ask=${3:-$2} want recs n first last soa mid_soa
	want=$(grep -v '^#' "$IT_DATA/$zone.axfr" | grep -v '^[[:space:]]*$' |
	    sed -e 's/[[:space:]]\{1,\}/ /g' -e 's/ $//')
	soa=$(printf '%s\n' "$want" | awk '$4 == "SOA"')
	dig_raw +tcp AXFR "$ask"
	recs=$(axfr_records "$DIG_OUT")
	if [ "$ask" != "$zone" ]; then
		# pdns's name compression points names at the question's
		# spelling (case-insensitive match), so compare folded
		want=$(printf '%s\n' "$want" | tr '[:upper:]' '[:lower:]')
		soa=$(printf '%s\n' "$soa" | tr '[:upper:]' '[:lower:]')
		recs=$(printf '%s\n' "$recs" | tr '[:upper:]' '[:lower:]')
	fi
	n=$(printf '%s\n' "$recs" | grep -c .)
	if printf '%s\n' "$DIG_OUT" | grep -q 'Transfer failed\|timed out\|connection refused' ||
	    [ "$n" -lt 2 ]; then
		fail "$p: AXFR $ask succeeds" "$DIG_OUT"
		return
	fi
	pass "$p: AXFR $ask succeeds ($n records)"
	first=$(printf '%s\n' "$recs" | head -n 1)
	last=$(printf '%s\n' "$recs" | tail -n 1)
	check_eq "$p: AXFR $ask starts with the SOA" "$soa" "$first"
	check_eq "$p: AXFR $ask ends with the SOA" "$soa" "$last"
	mid_soa=$(printf '%s\n' "$recs" | sed '1d;$d' | awk '$4 == "SOA"')
	check_eq "$p: AXFR $ask has no SOA in between" "" "$mid_soa"
	# everything but the closing SOA, sorted, against the listing
	check_eq "$p: AXFR $ask holds exactly the zone's records" \
	    "$(printf '%s\n' "$want" | LC_ALL=C sort)" \
	    "$(printf '%s\n' "$recs" | sed '$d' | LC_ALL=C sort)"
}

for abi in 1 3 5; do
	start_pdns "$IT_TMP/abi$abi" "$abi" "${ARGS[@]}"
	before=$(refract_pids)
	check_axfr "ABI $abi" refract.test
	check_axfr "ABI $abi" second.test
	# a mixed-case zone name: pdns's SOA lookup sends it as typed
	check_axfr "ABI $abi" refract.test ReFrAcT.TeSt.
	dig_raw +tcp +time=20 AXFR big.test
	recs=$(axfr_records "$DIG_OUT")
	check_eq "ABI $abi: AXFR of a 30003-record zone: 30004 records, SOA first and last" \
	    "30004 SOA SOA 30000" \
	    "$(printf '%s\n' "$recs" | awk '
		$1 ~ /^h[0-9]+\.big\.test\.$/ && $4 == "TXT" {
			n = $1; sub(/^h/, "", n); sub(/\..*/, "", n)
			if ($0 == $1 " 300 IN TXT \"record number " n " of thirty thousand, padded to make the line longer\"") txt++
		}
		END { print NR, first, last, txt + 0 }
		NR == 1 { first = $4 } { last = $4 }')"
	dig_raw +tcp AXFR example.org
	if [ -z "$(axfr_records "$DIG_OUT")" ]; then
		pass "ABI $abi: AXFR of a zone refract does not serve gives no records"
	else
		fail "ABI $abi: AXFR of a zone refract does not serve gives no records" "$DIG_OUT"
	fi
	# the transfer coprocesses are SIGKILLed by pdns; the others stay
	check_eq "ABI $abi: the persistent refract processes are unchanged" \
	    "$before" "$(refract_pids)"
	pdns_log_clean "ABI $abi: pdns.log shows no coprocess error"
	stop_pdns
done
finish
