#!/bin/bash
# PIPE ABI 5 `CMD` as reached by `pdnsutil --config-dir=DIR backend-cmd
# pipe TEXT...` (pdnsutil reads the same pdns.conf and starts its own
# refract coprocesses, so its counters are those of that fresh process):
#   - stats: every counter line present once, as "name <number>";
#     commands counts the commands of that process (1, then 2);
#   - version: the same text as `refract --version`;
#   - zones: both fixture zones with their ids, serials, record counts;
#   - help lists the commands; an unknown command is explained (never a
#     FAIL, which pdnsutil would not understand) and the next command on
#     the same coprocess is still answered;
#   - with pipe-abi-version=3 pdnsutil refuses before talking to refract.
# The running pdns_server is not disturbed (same refract PIDs, clean log).
# The counters' meaning is checked on one refract driven directly over
# stdin: queries/answered/empty/bad-requests/axfr/long-lines after a known
# mix of requests.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdnsutil pdns_server pipebackend

ARGS=(--zone "refract.test=$IT_TMP/refract.test.zone"
    --zone "second.test=$IT_TMP/second.test.zone")
STAT_KEYS="queries answered empty failed bad-requests axfr commands long-lines uptime-seconds deadlines"

# backend_cmd TEXT...: run pdnsutil against the current pdns config dir;
# stdout in $CMD_OUT, stderr in $CMD_ERR, exit status in $CMD_RC.
backend_cmd() {
	CMD_OUT=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" backend-cmd pipe "$@" 2>"$IT_TMP/pdnsutil.err")
	CMD_RC=$?
	CMD_ERR=$(cat "$IT_TMP/pdnsutil.err")
}

# stat_of NAME TEXT: the value of counter NAME in TEXT (first block).
stat_of() {
	printf '%s\n' "$2" | awk -v k="$1" '$1 == k { print $2; exit }'
}

start_pdns "$IT_TMP/abi5" 5 "${ARGS[@]}"
before=$(refract_pids)

expect_dig "a dig answered before the commands" "www.refract.test A" "
    NOERROR qr aa
    ans www.refract.test. 300 IN A 192.0.2.1"
expect_dig "an NXDOMAIN before the commands" "nope.refract.test A" "
    NXDOMAIN qr aa
    auth refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300"

# --- stats ------------------------------------------------------------------
backend_cmd stats
check_eq "backend-cmd stats exits 0" 0 "$CMD_RC"
bad=
for k in $STAT_KEYS; do
	n=$(printf '%s\n' "$CMD_OUT" | grep -cE "^$k [0-9]+\$")
	[ "$n" = 1 ] || bad="$bad $k($n)"
done
if [ -z "$bad" ]; then
	pass "stats has each counter once as 'name number'"
else
	fail "stats has each counter once as 'name number'" \
	    "missing or repeated:$bad" "stdout:" "$CMD_OUT" "stderr:" "$CMD_ERR"
fi
extra=$(printf '%s\n' "$CMD_OUT" | grep -v '^$' | awk -v keys="$STAT_KEYS" '
    BEGIN { n = split(keys, a, " "); for (i = 1; i <= n; i++) k[a[i]] = 1 }
    !($1 in k)')
check_eq "stats prints nothing but the counters" "" "$extra"
check_eq "stats: commands = 1 in pdnsutil's fresh coprocess" 1 \
    "$(stat_of commands "$CMD_OUT")"
check_eq "pdnsutil announced the command on stderr" "== stats" \
    "$(printf '%s\n' "$CMD_ERR" | grep '^==')"

backend_cmd stats stats
second=$(printf '%s\n' "$CMD_OUT" | awk '$1 == "queries" { n++ } n == 2')
check_eq "a second stats in the same coprocess counts 2 commands" 2 \
    "$(stat_of commands "$second")"

# --- version, zones, help -----------------------------------------------------
backend_cmd version
check_eq "backend-cmd version = refract --version" \
    "$("$REFRACT" --version)" "$(printf '%s\n' "$CMD_OUT" | grep -v '^$')"

backend_cmd zones
check_eq "backend-cmd zones lists both zones with id, serial, records" \
    "1 refract.test. serial 2024050101 records 31
2 second.test. serial 7 records 3" "$(printf '%s\n' "$CMD_OUT" | grep -v '^$')"

backend_cmd help
nohelp=
for c in help version stats zones; do
	printf '%s\n' "$CMD_OUT" | grep -qE "^ *$c " || nohelp="$nohelp $c"
done
check_eq "backend-cmd help lists help, version, stats, zones" "" "$nohelp"

backend_cmd frobnicate stats
check_eq "an unknown command then stats: pdnsutil exits 0" 0 "$CMD_RC"
if printf '%s\n' "$CMD_OUT" | grep -q "unknown command 'frobnicate'" &&
    [ "$(stat_of commands "$CMD_OUT")" = 2 ] &&
    ! printf '%s\n' "$CMD_OUT" | grep -qx 'FAIL'; then
	pass "an unknown command is explained and the next one is answered"
else
	fail "an unknown command is explained and the next one is answered" \
	    "stdout:" "$CMD_OUT" "stderr:" "$CMD_ERR"
fi

check_eq "the serving refract processes are untouched by pdnsutil" \
    "$before" "$(refract_pids)"
expect_dig "pdns still answers after the commands" "host.second.test A" "
    NOERROR qr aa
    ans host.second.test. 120 IN A 198.51.100.7"
pdns_log_clean "pdns.log shows no coprocess error"
stop_pdns

# --- ABI 3: pdnsutil refuses, refract is not asked -----------------------------
mkdir -p "$IT_TMP/abi3"
sed 's/^pipe-abi-version=.*/pipe-abi-version=3/' "$IT_TMP/abi5/pdns.conf" \
    >"$IT_TMP/abi3/pdns.conf"
PDNS_DIR=$IT_TMP/abi3
backend_cmd stats
if printf '%s\n%s\n' "$CMD_OUT" "$CMD_ERR" | grep -q 'not supported on ABI version 3' &&
    ! printf '%s\n' "$CMD_OUT" | grep -q '^queries '; then
	pass "ABI 3: backend-cmd is refused by pdnsutil"
else
	fail "ABI 3: backend-cmd is refused by pdnsutil" "stdout:" "$CMD_OUT" \
	    "stderr:" "$CMD_ERR"
fi

# --- the counters, on one refract over stdin ------------------------------------
# 3 queries (1 with data, 2 empty), 1 unparsable line, 1 AXFR, 1 line over
# 1 MiB, then stats.
{
	printf 'HELO\t5\n'
	printf 'Q\twww.refract.test\tIN\tANY\t1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32\n'
	printf 'Q\tnope.refract.test\tIN\tANY\t1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32\n'
	printf 'Q\twww.refract.test\tIN\tMX\t1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32\n'
	printf 'this is not a request\n'
	printf 'AXFR\t2\tsecond.test\n'
	head -c 1200000 /dev/zero | tr '\0' x
	printf '\n'
	printf 'CMD\tstats\n'
} >"$IT_TMP/counters.in"
# shellcheck disable=SC2086
out=$(timeout 20 "$IT_BIN" "${ARGS[@]}" <"$IT_TMP/counters.in" 2>"$IT_TMP/counters.err")
rc=$?
check_eq "refract over stdin exits 0 at EOF" 0 "$rc"
got=
for k in queries answered empty failed bad-requests axfr commands long-lines; do
	got="$got$k $(stat_of "$k" "$out")
"
done
check_eq "stats counts what this process was asked" "queries 3
answered 1
empty 2
failed 0
bad-requests 2
axfr 1
commands 1
long-lines 1
" "$got"
finish
