# shellcheck shell=bash
# shellcheck disable=SC2034  # PDNS_DIR, IT_BIN etc. are for the tests
# Shared helpers for the integration tier: the real pdns_server (Debian's
# pdns-server + pdns-backend-pipe) on 127.0.0.1 with refract behind it as a
# launch=pipe coprocess, queried with dig.
#
# A test script does:
#
#   . "$(dirname "$0")/lib.sh"
#   it_init "$@"                  # $1 = path to the refract binary
#   need dig pdns_server          # exit 77 (skip), or 1 under CI=true
#   start_pdns "$IT_TMP/abi5" 5 --zone refract.test=$IT_TMP/refract.test.zone
#   expect_dig "www A" "www.refract.test A" "NOERROR qr aa
#   ans www.refract.test. 300 IN A 192.0.2.1"
#   stop_pdns
#   finish                        # summary; exit 1 on any failure
#
# Everything the test starts is killed by PID from an EXIT trap, and the
# private temp dir is removed (kept when IT_KEEP=1, for debugging).
# Every wait is bounded.  Only 127.0.0.1 is used.
#
# Environment knobs: CI=true (a missing tool fails instead of skipping),
# IT_KEEP=1 (keep the temp dir), IT_QUERY_LOG=1 (pdns logs every Q line
# it sends to refract), IT_VERBOSE=1 (print passing digs too).

set -u

IT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_DATA=$IT_LIB_DIR/data
IT_NAME=$(basename "$0" .sh)
IT_FAILS=0
IT_PASSES=0
IT_TMP=
IT_PIDS=()        # every pdns_server we started
IT_CHILD_PIDS=()  # every refract seen under them
PDNS_PID=
PDNS_DIR=
PDNS_PORT=
PDNS_LOG=
REFRACT=
PDNS_SERVER=${PDNS_SERVER:-/usr/sbin/pdns_server}

# ---- reporting ---------------------------------------------------------------

say() { printf '%s: %s\n' "$IT_NAME" "$*"; }

# Print stdin indented, for failure reports.
indent() { sed 's/^/    | /'; }

pdns_log_tail() {
	if [ -n "$PDNS_LOG" ] && [ -f "$PDNS_LOG" ]; then
		echo "    --- last 25 lines of $PDNS_LOG:"
		tail -n 25 "$PDNS_LOG" | indent
	fi
}

pass() {
	IT_PASSES=$((IT_PASSES + 1))
	echo "ok - $1"
}

# fail DESCRIPTION [DETAIL...]: record a failure; DETAIL lines are printed
# indented, then the tail of the pdns log.
fail() {
	local desc=$1
	shift
	IT_FAILS=$((IT_FAILS + 1))
	echo "not ok - $desc"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | indent
	fi
	pdns_log_tail
}

# check DESCRIPTION COMMAND...: pass if COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc" "command failed: $*"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected:" "$2" "actual:" "$3"
	fi
}

# Fatal setup error: report, clean up (trap), exit 1.
die() {
	echo "FATAL: $*" >&2
	pdns_log_tail >&2
	IT_FAILS=$((IT_FAILS + 1))
	exit 1
}

finish() {
	local total=$((IT_PASSES + IT_FAILS))
	if [ "$IT_FAILS" -eq 0 ]; then
		say "all $total checks passed"
		exit 0
	fi
	say "$IT_FAILS of $total checks FAILED"
	exit 1
}

# ---- set-up and clean-up --------------------------------------------------------

# need TOOL...: a missing tool skips the test (exit 77) on a developer
# machine; with CI=true it is a failure, never a silent skip.
# pdns_server and pipebackend are looked up where Debian installs them.
need() {
	local t missing=()
	for t in "$@"; do
		case $t in
		pdns_server)
			[ -x "$PDNS_SERVER" ] || missing+=("$t ($PDNS_SERVER; Debian package pdns-server)")
			;;
		pipebackend)
			compgen -G '/usr/lib/*/pdns/libpipebackend.so' >/dev/null ||
			    compgen -G '/usr/lib/pdns/libpipebackend.so' >/dev/null ||
			    missing+=("libpipebackend.so (Debian package pdns-backend-pipe)")
			;;
		*)
			command -v "$t" >/dev/null 2>&1 || missing+=("$t")
			;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "${CI:-}" = true ]; then
		say "FAIL: missing under CI=true: ${missing[*]}"
		say "install: apt-get install pdns-server pdns-backend-pipe pdns-tools bind9-dnsutils iproute2 procps"
		exit 1
	fi
	say "SKIP: missing: ${missing[*]}"
	exit 77
}

it_cleanup() {
	local rc=$? pid i
	trap - EXIT INT TERM
	# note any refract started since the last look, then stop pdns (its
	# coprocesses see EOF and exit), then kill what is left of ours
	for pid in "${IT_PIDS[@]}"; do
		for i in $(pgrep -P "$pid" 2>/dev/null); do
			IT_CHILD_PIDS+=("$i")
		done
	done
	for pid in "${IT_PIDS[@]}"; do
		is_ours "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${IT_PIDS[@]}"; do
		wait_gone "$pid" 5 ||
		    { is_ours "$pid" && kill -KILL "$pid" 2>/dev/null; }
	done
	for pid in "${IT_CHILD_PIDS[@]}"; do
		is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "$IT_TMP" ] && [ -d "$IT_TMP" ]; then
		if [ "${IT_KEEP:-0}" = 1 ]; then
			say "kept $IT_TMP"
		else
			rm -rf "$IT_TMP"
		fi
	fi
	exit "$rc"
}

# it_init REFRACT_BINARY: common start of every test.
it_init() {
	[ $# -ge 1 ] || { echo "usage: $0 /path/to/refract" >&2; exit 2; }
	REFRACT=$1
	case $REFRACT in
	/*) ;;
	*) REFRACT=$(pwd)/$REFRACT ;;
	esac
	[ -x "$REFRACT" ] || { echo "$0: $REFRACT is not executable" >&2; exit 1; }
	need ss pgrep timeout
	IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/refract-it.XXXXXX") ||
	    { echo "$0: mktemp failed" >&2; exit 1; }
	trap it_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	case $IT_TMP in
	*' '*|*'	'*)
		die "temp dir '$IT_TMP' has white space; pdns splits pipe-command on spaces (set TMPDIR)"
		;;
	esac
	# pdns splits pipe-command on single spaces and cannot quote: give
	# the binary and the data space-free absolute paths in the temp dir.
	ln -s "$REFRACT" "$IT_TMP/refract" || die "symlink"
	cp "$IT_DATA"/*.zone "$IT_TMP/" || die "copy fixtures"
	IT_BIN=$IT_TMP/refract
	say "refract: $REFRACT; temp dir: $IT_TMP"
}

# alive PID: PID exists and is not a zombie (an exited child of ours that
# nobody reaped yet, or an orphan in a container without a reaping init).
alive() {
	local st
	st=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# is_ours PID: PID is alive and was started from our temp dir (every
# pipe-command runs $IT_TMP/refract), so a recycled PID is never killed.
is_ours() {
	alive "$1" && [ -n "$IT_TMP" ] &&
	    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$IT_TMP/"
}

# wait_gone PID SECONDS: wait (bounded) until PID has exited.
wait_gone() {
	local pid=$1 n=$(($2 * 10))
	while [ "$n" -gt 0 ]; do
		alive "$pid" || return 0
		sleep 0.1
		n=$((n - 1))
	done
	! alive "$pid"
}

# pick_port: print a port free on 127.0.0.1 for both UDP and TCP.
pick_port() {
	local i p
	for i in $(seq 1 100); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if [ -z "$(ss -Hlnu "sport = :$p" 2>/dev/null)" ] &&
		    [ -z "$(ss -Hlnt "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# refract_pids: the refract coprocesses pdns currently runs, sorted.
refract_pids() {
	pgrep -P "$PDNS_PID" 2>/dev/null | sort -n
}

# remember_children: note the current refract PIDs for the EXIT trap.
remember_children() {
	local p
	for p in $(refract_pids); do
		IT_CHILD_PIDS+=("$p")
	done
}

# start_pdns DIR ABI REFRACT_ARGS...: write DIR/pdns.conf and start
# pdns_server in the background on 127.0.0.1:$PDNS_PORT, logging to
# DIR/pdns.log.  Returns once it answers on UDP and TCP and its refract
# coprocesses (1 TCP + distributor-threads UDP) are all up.
# Sets PDNS_PID, PDNS_DIR, PDNS_PORT, PDNS_LOG (for the caller).
# PDNS_EXTRA (optional) holds more pdns.conf lines.
PDNS_THREADS=3
start_pdns() {
	local dir=$1 abi=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*' '*|'') die "pipe-command argument '$a' is empty or has a space" ;;
		esac
	done
	mkdir -p "$dir" || die "mkdir $dir"
	PDNS_DIR=$dir
	PDNS_LOG=$dir/pdns.log
	PDNS_PORT=$(pick_port) || die "no free port"
	# --config-dir=$dir makes pdns read $dir/pdns.conf only: Debian's
	# /etc/powerdns/pdns.d/bind.conf (launch+=bind) is never seen.
	cat >"$dir/pdns.conf" <<-EOF
	# written by tests/integration/lib.sh
	launch=pipe
	# split on single spaces and execv'd: absolute paths, no quoting
	pipe-command=$IT_BIN $*
	pipe-abi-version=$abi
	pipe-timeout=2000
	# mandatory with launch=pipe: pdns exits at start-up otherwise
	zone-cache-refresh-interval=0
	# no caching: every dig must reach refract
	cache-ttl=0
	query-cache-ttl=0
	negquery-cache-ttl=0
	# no network traffic beyond 127.0.0.1
	security-poll-suffix=
	webserver=no
	api=no
	distributor-threads=$PDNS_THREADS
	receiver-threads=1
	loglevel=6
	log-dns-details=no
	query-logging=$([ "${IT_QUERY_LOG:-0}" = 1 ] && echo yes || echo no)
	local-address=127.0.0.1
	local-port=$PDNS_PORT
	${PDNS_EXTRA:-}
	EOF
	launch_pdns "$dir" "ABI $abi"
}

# launch_pdns DIR LABEL: start pdns_server on DIR/pdns.conf (already
# written, with local-port=$PDNS_PORT) and wait until it serves; see
# start_pdns.
launch_pdns() {
	local dir=$1 label=$2 n
	PDNS_DIR=$dir
	PDNS_LOG=$dir/pdns.log
	"$PDNS_SERVER" --config-dir="$dir" --daemon=no --guardian=no \
	    --disable-syslog --socket-dir="$dir" \
	    --local-address=127.0.0.1 --local-port="$PDNS_PORT" \
	    >"$PDNS_LOG" 2>&1 </dev/null &
	PDNS_PID=$!
	IT_PIDS+=("$PDNS_PID")
	# up to ~10 s for both UDP and TCP to answer (any rcode will do)
	n=0
	while :; do
		if ! alive "$PDNS_PID"; then
			die "pdns_server ($label) exited during start-up"
		fi
		if dig @127.0.0.1 -p "$PDNS_PORT" +time=1 +tries=1 +norec \
		    refract-it-ready.invalid A 2>/dev/null | grep -q 'status:' &&
		    dig @127.0.0.1 -p "$PDNS_PORT" +tcp +time=1 +tries=1 \
		    +norec refract-it-ready.invalid A 2>/dev/null |
		    grep -q 'status:'; then
			break
		fi
		n=$((n + 1))
		[ "$n" -lt 20 ] || die "pdns_server did not answer on 127.0.0.1:$PDNS_PORT within 10 s"
		sleep 0.5
	done
	# the transient start-up coprocess is killed at once; wait until
	# exactly the persistent ones are left (bounded, ~10 s)
	n=0
	while [ "$(refract_pids | wc -l)" -ne $((PDNS_THREADS + 1)) ]; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || die "expected $((PDNS_THREADS + 1)) refract coprocesses under pdns $PDNS_PID, found: $(refract_pids | tr '\n' ' ')"
		sleep 0.1
	done
	remember_children
	grep -q 'Backend launched with banner: OK	refract' "$PDNS_LOG" ||
	    die "no 'Backend launched with banner: OK<TAB>refract' in $PDNS_LOG"
	if grep -qiE 'bind2?backend' "$PDNS_LOG"; then
		die "pdns mentions the bind backend: /etc/powerdns was read"
	fi
	say "pdns_server $PDNS_PID ($label) on 127.0.0.1:$PDNS_PORT, refract $(refract_pids | tr '\n' ' ')"
}

# stop_pdns: stop the current pdns_server (SIGTERM, bounded wait, then
# SIGKILL) and check that its refract coprocesses exit by themselves once
# their stdin closes (refract exits 0 at EOF).
stop_pdns() {
	local kids pid left=()
	[ -n "$PDNS_PID" ] || return 0
	kids=$(refract_pids)
	remember_children
	if ! is_ours "$PDNS_PID"; then
		fail "pdns_server $PDNS_PID is still running at the end of its test"
	fi
	is_ours "$PDNS_PID" && kill -TERM "$PDNS_PID" 2>/dev/null
	if ! wait_gone "$PDNS_PID" 10; then
		is_ours "$PDNS_PID" && kill -KILL "$PDNS_PID" 2>/dev/null
		fail "pdns_server $PDNS_PID stops within 10 s of SIGTERM"
	fi
	wait "$PDNS_PID" 2>/dev/null
	for pid in $kids; do
		wait_gone "$pid" 5 || left+=("$pid")
	done
	if [ ${#left[@]} -gt 0 ]; then
		fail "refract coprocesses exit when pdns_server goes away" \
		    "still running after 5 s: ${left[*]}"
		for pid in "${left[@]}"; do
			is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
		done
	fi
	PDNS_PID=
}

# ---- dig ----------------------------------------------------------------------

# dig_raw ARGS...: dig at the current pdns (no recursion, no EDNS unless
# ARGS say so, one try, hex unsplit).  Output in $DIG_OUT, status in $?.
DIG_OUT=
dig_raw() {
	DIG_OUT=$(dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +nosplit \
	    +time=3 +tries=1 "$@" 2>&1)
}

# norm_dig: dig output on stdin -> canonical text on stdout:
#   RCODE FLAGS...            e.g. "NOERROR qr aa"
#   ans|auth|add NAME TTL CLASS TYPE RDATA   (white space collapsed)
# record lines sorted by section, then text (RRset order is not fixed).
# A dig failure (timeout) gives "NO-RESPONSE".
norm_dig() {
	awk '
	/->>HEADER<<-/ {
		s = $0; sub(/.*status: /, "", s); sub(/,.*/, "", s); rcode = s
	}
	/^;; flags:/ {
		f = $0; sub(/^;; flags: */, "", f); sub(/;.*/, "", f); flags = f
	}
	/^;; ANSWER SECTION:/     { sec = "1ans"; next }
	/^;; AUTHORITY SECTION:/  { sec = "2auth"; next }
	/^;; ADDITIONAL SECTION:/ { sec = "3add"; next }
	/^;/ || /^$/ { if ($0 ~ /^$/) sec = ""; next }
	sec != "" {
		line = $0; gsub(/[ \t]+/, " ", line); sub(/ $/, "", line)
		recs[++n] = sec " " line
	}
	END {
		if (rcode == "") { print "NO-RESPONSE"; exit }
		print rcode (flags == "" ? "" : " " flags)
		fflush()
		for (i = 1; i <= n; i++) print recs[i] | "LC_ALL=C sort"
	}' | sed 's/^[123]//'
}

# norm_expected: the same canonical form for hand-written expectations
# (leading/trailing blanks dropped, record lines sorted the same way).
norm_expected() {
	sed -e 's/^[ \t]*//' -e 's/[ \t]*$//' -e '/^$/d' | awk '
	NR == 1 { print; fflush(); next }
	{
		line = $0; gsub(/[ \t]+/, " ", line)
		r = line ~ /^ans / ? 1 : line ~ /^auth / ? 2 : 3
		print r line | "LC_ALL=C sort"
	}' | sed 's/^[123]//'
}

# expect_dig DESCRIPTION "DIG ARGS" "EXPECTED": run dig (ARGS are split on
# white space, so no spaces inside names), compare the canonical form.
expect_dig() {
	local desc=$1 args=$2 want=$3 got exp
	# shellcheck disable=SC2086  # args is a word list on purpose
	dig_raw $args
	got=$(printf '%s\n' "$DIG_OUT" | norm_dig)
	exp=$(printf '%s\n' "$want" | norm_expected)
	if [ "$got" = "$exp" ]; then
		pass "$desc"
		[ "${IT_VERBOSE:-0}" = 1 ] && printf '%s\n' "$got" | indent
		return 0
	fi
	fail "$desc  (dig $args)" \
	    "--- expected:" "$exp" "--- got:" "$got" \
	    "--- diff:" "$(diff <(printf '%s\n' "$exp") <(printf '%s\n' "$got"))" \
	    "--- dig output:" "$DIG_OUT"
	return 1
}

# pdns_log_clean DESCRIPTION: no sign of coprocess trouble in pdns.log.
PDNS_BAD_LOG='child closed|timeout waiting|coprocess|unable to ascertain|backend reported|exception|should not get here|servfail'
pdns_log_clean() {
	local bad
	bad=$(grep -iE "$PDNS_BAD_LOG" "$PDNS_LOG")
	if [ -z "$bad" ]; then
		pass "$1"
	else
		fail "$1" "pdns.log has:" "$bad"
	fi
}
