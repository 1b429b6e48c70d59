#!/bin/bash
# Odd input must neither kill refract nor desynchronise the PIPE stream.
#
# Part 1, through the real pdns_server (ABI 5 and ABI 1): odd but legal
# names (escaped bytes, a literal '*', a 255-byte name, a long wildcard
# match), a type pdns has no name for, ANY over UDP and TCP, and 200
# concurrent digs.  Each answer is checked, and afterwards the set of
# refract PIDs under pdns is exactly the one before (nothing was killed
# and relaunched) and pdns.log has no "Child closed", "Timeout waiting",
# coprocess error or exception line.
#
# Part 2, refract alone on stdin (no pdns): garbage lines (every byte
# value, empty lines, a 2 MiB line, spaces instead of TABs, answer words
# sent as requests, ...), then a valid HELO and questions, more garbage,
# more questions.  The output must be exactly one answer per request line
# (FAIL for each bad one, the right data for the good ones), and refract
# must exit 0 at EOF.  Also: a request split over several writes, and many
# requests in one write.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server pipebackend

ARGS=(--zone "refract.test=$IT_TMP/refract.test.zone"
    --zone "second.test=$IT_TMP/second.test.zone")
SOA1='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'

rep() { # rep CHAR N
	local s
	s=$(printf "%$2s" '')
	printf '%s' "${s// /$1}"
}
L63=$(rep a 63)
# 3 x 64 + 49 + 14 (refract.test) = 255 bytes in wire form: the maximum
LONG255=$L63.$L63.$L63.$(rep b 48).refract.test
# 3 x 64 + 40 + 6 (wild) + 14 = 252 bytes, under the wildcard
LONGWILD=$L63.$L63.$L63.$(rep c 39).wild.refract.test

# --- part 1: through pdns ----------------------------------------------------------

# answered_no_data DESC ARGS: pdns itself refuses some escaped bytes in
# names (it SERVFAILs without asking the coprocess: no Q line is sent).
# Whatever it does, a response must come and carry no records.
answered_no_data() {
	local got
	# shellcheck disable=SC2086
	dig_raw $2
	got=$(printf '%s\n' "$DIG_OUT" | norm_dig)
	case $got in
	"SERVFAIL qr aa"|"SERVFAIL qr"|"NXDOMAIN qr aa
auth $SOA1")
		pass "$1" ;;
	*)
		fail "$1  (dig $2)" "got:" "$got" "dig output:" "$DIG_OUT" ;;
	esac
}

concurrent_digs() {
	local p=$1 i n=0 bad=0 args exp got dir=$IT_TMP/conc.$1
	local -a pids=()
	mkdir -p "$dir"
	for i in $(seq 1 200); do
		case $((i % 4)) in
		0) args="www.refract.test A" ;;
		1) args="nope$i.refract.test A" ;;
		2) args="x$i.wild.refract.test TXT" ;;
		3) args="+tcp txt.refract.test TXT" ;;
		esac
		# shellcheck disable=SC2086
		dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +time=4 \
		    +tries=2 $args >"$dir/$i.out" 2>&1 &
		pids+=($!)
	done
	# each dig gives up after 2 x 4 s; wait for all (bounded by that)
	wait "${pids[@]}"
	for i in $(seq 1 200); do
		case $((i % 4)) in
		0) exp="NOERROR qr aa
ans www.refract.test. 300 IN A 192.0.2.1" ;;
		1) exp="NXDOMAIN qr aa
auth $SOA1" ;;
		2) exp="NOERROR qr aa
ans x$i.wild.refract.test. 120 IN TXT \"wildcard\"" ;;
		3) exp='NOERROR qr aa
ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""' ;;
		esac
		got=$(norm_dig <"$dir/$i.out")
		if [ "$got" = "$exp" ]; then
			n=$((n + 1))
		else
			bad=$((bad + 1))
			[ "$bad" -le 3 ] && printf 'dig #%d: expected\n%s\ngot\n%s\n' \
			    "$i" "$exp" "$got" >>"$dir/errors"
		fi
	done
	if [ "$bad" -eq 0 ]; then
		pass "$p: 200 concurrent digs (150 UDP, 50 TCP) all answered right"
	else
		fail "$p: 200 concurrent digs (150 UDP, 50 TCP) all answered right" \
		    "$bad wrong; the first ones:" "$(cat "$dir/errors")"
	fi
}

for abi in 5 1; do
	p="ABI $abi"
	start_pdns "$IT_TMP/abi$abi" "$abi" "${ARGS[@]}"
	before=$(refract_pids)

	expect_dig "$p: a space inside a label (a\\032b)" \
	    'a\032b.refract.test TXT' '
	    NOERROR qr aa
	    ans a\032b.refract.test. 3600 IN TXT "space label"'
	expect_dig "$p: a label starting with a dot (\\046dot)" \
	    '\046dot.refract.test TXT' '
	    NOERROR qr aa
	    ans \.dot.refract.test. 3600 IN TXT "dot label"'
	expect_dig "$p: the same name written \\.dot" '\.dot.refract.test TXT' '
	    NOERROR qr aa
	    ans \.dot.refract.test. 3600 IN TXT "dot label"'
	expect_dig "$p: a\\032b with another type is NODATA" \
	    'a\032b.refract.test A' "
	    NOERROR qr aa
	    auth $SOA1"
	expect_dig "$p: a backslash inside a label (a\\092b)" \
	    'a\092b.refract.test A' "
	    NXDOMAIN qr aa
	    auth $SOA1"
	for odd in 'a@b' 'a*b' '*' 'x.\*' 'A\065\097' '_' 'a-' 'a/b'; do
		expect_dig "$p: odd label '$odd' is NXDOMAIN" \
		    "$odd.refract.test TXT" "
		    NXDOMAIN qr aa
		    auth $SOA1"
	done
	expect_dig "$p: a literal '*' question gets the wildcard's own records" \
	    '\*.wild.refract.test TXT' '
	    NOERROR qr aa
	    ans *.wild.refract.test. 120 IN TXT "wildcard"'
	# shellcheck disable=SC2016  # literal '$'
	for odd in 'a\009b' 'a\010b' 'a\000b' 'a\034b' '\255\128' 'a\013' \
	    'a(b' 'a)b' 'a;b' 'a$b' '\#' '\-' 'a%b' 'a~b' 'a+b=c'; do
		answered_no_data "$p: '$odd' (pdns may refuse it) gets a reply without data" \
		    "$odd.refract.test A"
	done
	expect_dig "$p: a 255-byte name is NXDOMAIN" "$LONG255 A" "
	    NXDOMAIN qr aa
	    auth $SOA1"
	expect_dig "$p: a 252-byte name under the wildcard" "$LONGWILD A" "
	    NOERROR qr aa
	    ans $LONGWILD. 120 IN A 192.0.2.99"
	expect_dig "$p: TYPE65280 where there is none is NODATA" \
	    "www.refract.test TYPE65280" "
	    NOERROR qr aa
	    auth $SOA1"
	expect_dig "$p: TYPE65280 where there is one" \
	    "unknown.refract.test TYPE65280" '
	    NOERROR qr aa
	    ans unknown.refract.test. 3600 IN TYPE65280 \# 4 0A000001'
	expect_dig "$p: ANY over TCP at the apex returns every apex record" \
	    "+tcp refract.test ANY" '
	    NOERROR qr aa
	    ans refract.test. 3600 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300
	    ans refract.test. 3600 IN NS ns1.refract.test.
	    ans refract.test. 3600 IN NS ns2.refract.test.
	    ans refract.test. 3600 IN MX 10 mail.refract.test.
	    ans refract.test. 3600 IN MX 20 mx.elsewhere.example.
	    ans refract.test. 3600 IN TXT "v=spf1 mx -all"
	    ans refract.test. 3600 IN CAA 0 issue "letsencrypt.org"
	    add ns1.refract.test. 3600 IN A 192.0.2.53
	    add ns1.refract.test. 3600 IN AAAA 2001:db8::53
	    add ns2.refract.test. 3600 IN A 192.0.2.54
	    add mail.refract.test. 600 IN A 192.0.2.25
	    add mail.refract.test. 600 IN AAAA 2001:db8::25'
	expect_dig "$p: ANY over TCP at a glue name is a referral" \
	    "+tcp ns.sub.refract.test ANY" "
	    NOERROR qr
	    auth sub.refract.test. 3600 IN NS ns.sub.refract.test.
	    auth sub.refract.test. 3600 IN NS ns.elsewhere.example.
	    add ns.sub.refract.test. 3600 IN A 192.0.2.77
	    add ns.sub.refract.test. 3600 IN AAAA 2001:db8::77"
	# pdns 4.7.3 answers ANY over UDP in full (no TC) when it fits
	expect_dig "$p: ANY over UDP" "+ignore txt.refract.test ANY" '
	    NOERROR qr aa
	    ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
	concurrent_digs "$p"
	expect_dig "$p: still answering after all that" "www.refract.test A" "
	    NOERROR qr aa
	    ans www.refract.test. 300 IN A 192.0.2.1"
	after=$(refract_pids)
	check_eq "$p: the refract PIDs under pdns are the same as before" \
	    "$before" "$after"
	pdns_log_clean "$p: pdns.log has no Child closed/Timeout/coprocess error"
	stop_pdns
done

# --- part 2: refract alone on stdin ---------------------------------------------
# req LINE-WITHOUT-NEWLINE: append one request; ans TEXT: its answer lines.
IN=$IT_TMP/garbage.in
EXP=$IT_TMP/garbage.expected
: >"$IN"
: >"$EXP"
req() { printf '%s\n' "$1" >>"$IN"; }
ans() { printf '%s\n' "$@" >>"$EXP"; }
bad() { req "$1"; ans FAIL; }
T=$'\t'
Q5() { printf 'Q\t%s\tIN\t%s\t%s\t127.0.0.1\t127.0.0.1\t127.0.0.1/32' "$1" "$2" "${3:-1}"; }

# every byte value but the newline, on one line
for i in $(seq 0 255); do
	# shellcheck disable=SC2059  # the format is the byte
	[ "$i" -eq 10 ] || printf "\\$(printf '%03o' "$i")"
done >>"$IN"
printf '\n' >>"$IN"
ans FAIL
bad ''
bad ''
bad ''
# 2 MiB on one line, starting like a question
{ printf 'Q\t'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'q'; printf '\n'; } >>"$IN"
ans FAIL
bad "Q www.refract.test IN ANY 1 127.0.0.1 127.0.0.1 127.0.0.1/32"
bad "HELO 5"
bad "$T"
bad $'\r'
bad "$T$T$T"
bad "END"
bad "FAIL"
bad "DATA${T}0${T}1${T}www.refract.test${T}IN${T}A${T}300${T}1${T}192.0.2.1"
bad "AXFR"
# NUL bytes in the middle of a line
printf 'HELO\t5\0\0garbage\n' >>"$IN"
ans FAIL
# now a real conversation
req "HELO${T}5"
ans "OK${T}refract"
req "$(Q5 www.refract.test ANY)"
ans "DATA${T}0${T}1${T}www.refract.test${T}IN${T}A${T}300${T}1${T}192.0.2.1" \
    "DATA${T}0${T}1${T}www.refract.test${T}IN${T}AAAA${T}300${T}1${T}2001:db8::1" \
    END
# garbage again in the middle of the conversation
{ head -c $((2 * 1024 * 1024 + 17)) /dev/zero | tr '\0' '\377'; printf '\n'; } >>"$IN"
ans FAIL
bad "Q${T}www.refract.test${T}IN${T}ANY"
bad ''
# escaped names pdns may send (it escapes TAB, LF, NUL, quote as \DDD)
req "$(Q5 'a\009b.refract.test' ANY)"
ans END
req "$(Q5 'a\010b.refract.test' ANY)"
ans END
req "$(Q5 'a\000b.refract.test' ANY)"
ans END
req "$(Q5 'a\032b.refract.test' ANY)"
ans "DATA${T}0${T}1${T}a\\032b.refract.test${T}IN${T}TXT${T}3600${T}1${T}\"space label\""
ans END
# and the ones pdns 4.7.3 keeps to itself, in case another version sends them
# shellcheck disable=SC2016,SC1003  # literal '$' and '\'
for odd in 'a(b' 'a)b' 'a;b' 'a$b' '#' '-' 'a%b' 'a~b' 'a+b=c' 'a\034b' '\255\128' 'a\013' '\"' '@' '\\'; do
	req "$(Q5 "$odd.refract.test" ANY)"
	ans END
done
req "$(Q5 '\.dot.refract.test' ANY)"
ans "DATA${T}0${T}1${T}\\.dot.refract.test${T}IN${T}TXT${T}3600${T}1${T}\"dot label\""
ans END
req "$(Q5 "$LONG255" ANY)"
ans END
req "$(Q5 WWW.Refract.TEST A)"
ans "DATA${T}0${T}1${T}WWW.Refract.TEST${T}IN${T}A${T}300${T}1${T}192.0.2.1" END
req "$(Q5 refract.test SOA -1)"
ans "DATA${T}0${T}1${T}refract.test${T}IN${T}SOA${T}3600${T}1${T}ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300" END
req "$(Q5 host.second.test ANY 2)"
ans "DATA${T}0${T}1${T}host.second.test${T}IN${T}A${T}120${T}2${T}198.51.100.7" END

out=$IT_TMP/garbage.out
# shellcheck disable=SC2086
timeout 30 "$IT_BIN" "${ARGS[@]}" <"$IN" >"$out" 2>"$IT_TMP/garbage.err"
rc=$?
check_eq "stdin: refract exits 0 at EOF after garbage" 0 "$rc"
nreq=$(tr -cd '\n' <"$IN" | wc -c)
nans=$(grep -acE "^(OK$T.*|FAIL|END)\$" "$out")
check_eq "stdin: exactly one answer per request line ($nreq)" "$nreq" "$nans"
if cmp -s "$EXP" "$out"; then
	pass "stdin: every answer is the expected one (FAIL for garbage)"
else
	fail "stdin: every answer is the expected one (FAIL for garbage)" \
	    "$(diff "$EXP" "$out" | cut -c1-200 | head -n 40)" \
	    "stderr (first lines):" "$(head -c 2000 "$IT_TMP/garbage.err")"
fi

# a request split over several writes, then several in one write
out=$(
	{
		printf 'HELO\t'
		sleep 0.3
		printf '5\nQ\tww'
		sleep 0.3
		printf 'w.refract.test\tIN\tA\t1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32'
		sleep 0.3
		printf '\n'
		for i in 1 2 3 4 5 6 7 8 9 10; do
			Q5 "n$i.wild.refract.test" ANY
			printf '\n'
		done
		sleep 0.3
	} | timeout 20 "$IT_BIN" "${ARGS[@]}" 2>/dev/null
)
rc=$?
check_eq "stdin: split and batched requests exit 0 at EOF" 0 "$rc"
exp="OK${T}refract
DATA${T}0${T}1${T}www.refract.test${T}IN${T}A${T}300${T}1${T}192.0.2.1
END"
for i in 1 2 3 4 5 6 7 8 9 10; do
	exp="$exp
END"
done
check_eq "stdin: split and batched requests are answered in order" "$exp" "$out"
finish
