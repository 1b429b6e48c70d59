#!/bin/bash
# Client-dependent rules over PIPE ABI 1 and 2, which have no scope field
# (README "Client-dependent answers never leak through pdns's caches";
# data/rules/abi.conf: a nat-map on corp.example, a client rule on
# shop.example followed by a plain rule for it, a plain rule for
# other.example; the real upstream behind).  pdns with launch=pipe,
# refract as coprocess:
#   - pipe-abi-version 1 and 2, pdns's caches at their defaults: every
#     lookup the client-dependent rules match is SERVFAIL, for inside and
#     outside clients alike (refract answers FAIL rather than let pdns
#     cache an inside answer for everybody) and refract logs the error
#     (in pdns.log: the coprocesses' stderr); other.example (no
#     client-dependent rule) is answered;
#   - the same config plus `pdns-caches-off yes`, pdns with cache-ttl=0,
#     query-cache-ttl=0 (and negquery-cache-ttl=0): the lookups work, each
#     client gets its own answer (nat-map inside 10.0.0.10, outside
#     203.0.113.10; the mail server 127.0.0.25 gets the relay for the
#     exchanger mx1 after the MX question, another client the real A).
# shellcheck disable=SC2086  # $IN, $OUT, $MAIL...: dig argument lists
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server bindbackend pipebackend

rules_fixtures
R=$IT_TMP/rules
start_upstream up "corp.example=$R/corp.example.zone" \
    "shop.example=$R/shop.example.zone" "other.example=$R/other.example.zone"
CONF=$(fwd_conf "$IT_DATA/rules/abi.conf" "$R/abi.conf")
CONF_OFF=$R/abi-caches-off.conf
{ cat "$CONF"; printf '\n# pdns runs with cache-ttl=0 and query-cache-ttl=0\npdns-caches-off yes\n'; } \
    >"$CONF_OFF" || die "write $CONF_OFF"

IN="-b 127.0.0.10"
OUT="-b 127.0.0.1"
MAIL="-b 127.0.0.25"
for abi in 1 2; do
	# shellcheck disable=SC2034  # read by lib.sh
	PDNS_CACHES=default
	start_pdns "$IT_TMP/abi$abi" "$abi" --config "$CONF"
	p="ABI $abi, default caches"
	check_eq "$p: nat-map rule: SERVFAIL for inside and outside clients" \
	    "SERVFAIL SERVFAIL" \
	    "$(dig_answer A $IN web.corp.example A) $(dig_answer A $OUT web.corp.example A)"
	check_eq "$p: client rule (and the rule after it, for the same names): SERVFAIL for both" \
	    "SERVFAIL SERVFAIL" \
	    "$(dig_answer A $MAIL www.shop.example A) $(dig_answer A $OUT www.shop.example A)"
	check_eq "$p: a name no client-dependent rule matches is answered" \
	    "198.51.100.99" "$(dig_answer A $IN nomx.other.example A)"
	n=$(grep -c "pipe ABI $abi cannot mark client-dependent answers" "$PDNS_LOG")
	check "$p: refract logs the error ($n times in pdns.log)" test "$n" -ge 1
	stop_pdns

	PDNS_CACHES=off
	start_pdns "$IT_TMP/abi${abi}off" "$abi" --config "$CONF_OFF"
	p="ABI $abi, pdns-caches-off yes, pdns caches off"
	check_eq "$p: nat-map: inside 10.0.0.10, outside 203.0.113.10" \
	    "10.0.0.10 203.0.113.10" \
	    "$(dig_answer A $IN web.corp.example A) $(dig_answer A $OUT web.corp.example A)"
	check_eq "$p: nat-map again, outside first: outside 203.0.113.10, inside 10.0.0.10" \
	    "203.0.113.10 10.0.0.10" \
	    "$(dig_answer A $OUT web.corp.example A) $(dig_answer A $IN web.corp.example A)"
	# the exchangers are remembered per coprocess: ask the MX and then
	# mx1 over TCP, which pdns serves from its one TCP backend
	check_eq "$p: the client rule: the mail server's MX, then mx1 A (relay), another client's mx1 A (real)" \
	    "10 mx1.shop.example.,20 mx6.shop.example.,30 mx.other.example. 192.0.2.251 198.51.100.1" \
	    "$(dig_answer MX +tcp $MAIL shop.example MX) $(dig_answer A +tcp $MAIL mx1.shop.example A) $(dig_answer A +tcp $OUT mx1.shop.example A)"
	check_eq "$p: other.example answered" \
	    "198.51.100.99" "$(dig_answer A $IN nomx.other.example A)"
	check_eq "$p: no error logged" 0 \
	    "$(grep -c 'cannot mark client-dependent answers' "$PDNS_LOG")"
	stop_pdns
done
finish
