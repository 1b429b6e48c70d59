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
# Remote backend and socket daemon (test_remote_*.sh, test_daemon_*.sh):
#
#   start_daemon "$IT_TMP/r.sock" --listen "$IT_TMP/r.sock" --zone ...
#                                 # refract --listen in the background,
#                                 # PID in $DAEMON_PID (killed at exit)
#   start_pdns_remote "$IT_TMP/u" "unix:path=$IT_TMP/r.sock,timeout=2000"
#   start_pdns_pipe_socket "$IT_TMP/p" "$IT_TMP/r.sock" 5
#   pdns_save u; pdns_select u    # several pdns_server at once
#   sock_ask "$IT_TMP/r.sock" <requests   # one reply line per request
#
# Forwarding (test_forward_*.sh): upstream DNS servers on 127.0.0.1:
#
#   start_upstream up ZONE=FILE...   # a second pdns_server, launch=bind,
#                                 # authoritative for the zone files;
#                                 # port in ${UP_PORT[up]} (kept when it is
#                                 # stopped and started again)
#   stop_upstream up; start_upstream up     # an outage
#   start_fakedns f --zone fault.test ...   # data/fakedns.py: faults,
#                                 # delays; port ${FAKE_PORT[f]}, every query
#                                 # it gets logged in ${FAKE_QLOG[f]}
#   fwd_conf data/forward/X.conf  # a refract config with @UP_up@,
#                                 # @FAKE_f@ replaced by those ports
#   expect_fwd DESC "DIG ARGS" "EXPECTED"   # expect_dig, with TTLs that
#                                 # may have counted down (FWD_TTL_SLACK)
#   daemon_stat SOCKET NAME       # a counter of `stats` from the daemon
#
# Rules and reload (test_rules_*.sh, test_reload_*.sh):
#
#   rules_fixtures                # data/rules/*.zone -> $IT_TMP/rules/
#   dig_answer A -b 127.0.0.10 web.corp.example A   # "10.0.0.10" (the
#                                 # answer's A data, or the rcode)
#   dig_raw +edns=0 +subnet=10.1.0.0/16 ...; dig_scope   # the ECS scope
#   expect_views DESC TYPE QNAME "ARGS-A" WANT-A "ARGS-B" WANT-B
#                                 # two clients in turn, UDP and TCP,
#                                 # each always gets its own answer
#   pdns_ctl purge|rediscover     # pdns_control for the current pdns
#
# PDNS_CACHES=default before start_pdns* leaves pdns's packet and query
# caches at their defaults (otherwise they are off).
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
IT_DAEMON_PIDS=() # every refract --listen we started
IT_AUX_PIDS=()    # upstream pdns_server (bind) and fake DNS servers
DAEMON_PID=
DAEMON_LOG=
DAEMON_N=0
declare -A IT_PDNS_SAVED=()
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
# pdns_server, pipebackend and remotebackend are looked up where Debian
# installs them.
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
		remotebackend)
			compgen -G '/usr/lib/*/pdns/libremotebackend.so' >/dev/null ||
			    compgen -G '/usr/lib/pdns/libremotebackend.so' >/dev/null ||
			    missing+=("libremotebackend.so (Debian package pdns-backend-remote)")
			;;
		bindbackend)
			compgen -G '/usr/lib/*/pdns/libbindbackend.so' >/dev/null ||
			    compgen -G '/usr/lib/pdns/libbindbackend.so' >/dev/null ||
			    missing+=("libbindbackend.so (Debian package pdns-backend-bind)")
			;;
		*)
			command -v "$t" >/dev/null 2>&1 || missing+=("$t")
			;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "${CI:-}" = true ]; then
		say "FAIL: missing under CI=true: ${missing[*]}"
		say "install: apt-get install pdns-server pdns-backend-pipe pdns-backend-remote pdns-backend-bind pdns-tools bind9-dnsutils iproute2 procps python3"
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
	for pid in "${IT_DAEMON_PIDS[@]}" "${IT_AUX_PIDS[@]}"; do
		is_ours "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${IT_DAEMON_PIDS[@]}" "${IT_AUX_PIDS[@]}"; do
		wait_gone "$pid" 5 ||
		    { is_ours "$pid" && kill -KILL "$pid" 2>/dev/null; }
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

# pdns_base_conf: the pdns.conf lines every test instance shares (caches
# off unless PDNS_CACHES=default, 127.0.0.1:$PDNS_PORT only, no network
# traffic), then $PDNS_EXTRA.
PDNS_CACHES=off
pdns_base_conf() {
	if [ "$PDNS_CACHES" = default ]; then
		echo "# pdns's caches at their defaults (PDNS_CACHES=default)"
	else
		cat <<-EOF
		# no caching: every dig must reach refract
		cache-ttl=0
		query-cache-ttl=0
		negquery-cache-ttl=0
		EOF
	fi
	cat <<-EOF
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
}

# pdns_prepare DIR: mkdir DIR, pick a port, set PDNS_DIR/PDNS_LOG/PDNS_PORT.
pdns_prepare() {
	mkdir -p "$1" || die "mkdir $1"
	PDNS_DIR=$1
	PDNS_LOG=$1/pdns.log
	PDNS_PORT=$(pick_port) || die "no free port"
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
	pdns_prepare "$dir"
	# --config-dir=$dir makes pdns read $dir/pdns.conf only: Debian's
	# /etc/powerdns/pdns.d/bind.conf (launch+=bind) is never seen.
	{
		cat <<-EOF
		# written by tests/integration/lib.sh
		launch=pipe
		# split on single spaces and execv'd: absolute paths, no quoting
		pipe-command=$IT_BIN $*
		pipe-abi-version=$abi
		pipe-timeout=2000
		# mandatory with launch=pipe: pdns exits at start-up otherwise
		zone-cache-refresh-interval=0
		EOF
		pdns_base_conf
	} >"$dir/pdns.conf"
	launch_pdns "$dir" "ABI $abi"
}

# start_pdns_remote DIR CONNECTION-STRING: pdns_server with launch=remote
# and the zone cache on (pdns's default refresh interval), e.g.
#   start_pdns_remote DIR "pipe:command=$IT_BIN --zone ...,timeout=2000"
#   start_pdns_remote DIR "unix:path=$IT_TMP/r.sock,timeout=2000"
# pdns fills its zone cache with getAllDomains at start (it exits if that
# fails) and starts/connects its backend instances lazily, so this waits
# only until pdns answers.
start_pdns_remote() {
	local dir=$1 conn=$2
	case $conn in
	# pdns splits command= on single spaces: a double one is an empty arg
	*'  '*|*' ,'*) die "connection string '$conn': empty argument" ;;
	esac
	pdns_prepare "$dir"
	{
		cat <<-EOF
		# written by tests/integration/lib.sh
		launch=remote
		remote-connection-string=$conn
		EOF
		pdns_base_conf
	} >"$dir/pdns.conf"
	launch_pdns "$dir" "remote ${conn%%:*}" remote
}

# start_pdns_pipe_socket DIR SOCKET ABI: pdns_server with launch=pipe
# talking to the refract daemon over SOCKET (pipe-command names the
# socket: no process is started).  Waits until every backend instance
# (1 TCP + distributor-threads UDP) has connected and got the banner.
start_pdns_pipe_socket() {
	local dir=$1 sock=$2 abi=$3
	pdns_prepare "$dir"
	{
		cat <<-EOF
		# written by tests/integration/lib.sh
		launch=pipe
		pipe-command=$sock
		pipe-abi-version=$abi
		zone-cache-refresh-interval=0
		EOF
		pdns_base_conf
	} >"$dir/pdns.conf"
	launch_pdns "$dir" "pipe over $sock, ABI $abi" socket
}

# pdns_save NAME / pdns_select NAME: remember the current pdns_server
# (PDNS_PID, PDNS_PORT, PDNS_DIR, PDNS_LOG) and make a remembered one
# current again, for tests that run several at once.
pdns_save() {
	IT_PDNS_SAVED[$1]="$PDNS_PID $PDNS_PORT $PDNS_DIR $PDNS_LOG"
}
pdns_select() {
	[ -n "${IT_PDNS_SAVED[$1]:-}" ] || die "pdns_select: no pdns '$1'"
	read -r PDNS_PID PDNS_PORT PDNS_DIR PDNS_LOG <<<"${IT_PDNS_SAVED[$1]}"
}

# launch_pdns DIR LABEL [KIND]: start pdns_server on DIR/pdns.conf
# (already written, with local-port=$PDNS_PORT) and wait until it serves.
# KIND says what else to wait for:
#   pipe   (default) its refract coprocesses (see start_pdns);
#   socket every backend instance connected to the daemon (banner logged
#          distributor-threads + 1 times);
#   remote nothing more (the remote backend starts instances lazily).
launch_pdns() {
	local dir=$1 label=$2 kind=${3:-pipe} n
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
	if grep -qiE 'bind2?backend' "$PDNS_LOG"; then
		die "pdns mentions the bind backend: /etc/powerdns was read"
	fi
	case $kind in
	remote)
		say "pdns_server $PDNS_PID ($label) on 127.0.0.1:$PDNS_PORT"
		return 0
		;;
	socket)
		n=0
		while [ "$(grep -c 'Backend launched with banner: OK	refract' "$PDNS_LOG")" -lt $((PDNS_THREADS + 1)) ]; do
			n=$((n + 1))
			[ "$n" -lt 100 ] || die "pdns did not log $((PDNS_THREADS + 1)) banners 'OK<TAB>refract' within 10 s"
			sleep 0.1
		done
		say "pdns_server $PDNS_PID ($label) on 127.0.0.1:$PDNS_PORT"
		return 0
		;;
	esac
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

# pdns_log_clean DESCRIPTION [FROM-LINE]: no sign of coprocess or
# backend trouble in pdns.log (from line FROM-LINE on; see pdns_log_lines).
PDNS_BAD_LOG="child closed|timeout waiting|coprocess|unable to ascertain|backend reported|exception|should not get here|servfail|no 'result' field|cannot connect|failed to initialize|could not"
pdns_log_clean() {
	local bad
	bad=$(tail -n +"${2:-1}" "$PDNS_LOG" | grep -iE "$PDNS_BAD_LOG")
	if [ -z "$bad" ]; then
		pass "$1"
	else
		fail "$1" "pdns.log has:" "$bad"
	fi
}

# pdns_log_lines: the number of lines in pdns.log so far.
pdns_log_lines() {
	wc -l <"$PDNS_LOG"
}

# ---- AXFR ----------------------------------------------------------------------

# axfr_recs TEXT: the records of a dig AXFR output, one per line, white
# space collapsed, in order.
axfr_recs() {
	printf '%s\n' "$1" | grep -v '^;' | grep -v '^[[:space:]]*$' |
	    sed -e 's/[[:space:]]\{1,\}/ /g' -e 's/ $//'
}

# expect_axfr LABEL ZONE: dig AXFR ZONE over TCP; the transfer must start
# and end with the zone's SOA, have no SOA in between, and hold exactly
# the records of data/ZONE.axfr (any order).
expect_axfr() {
	local p=$1 zone=$2 want recs n soa
	want=$(grep -v '^#' "$IT_DATA/$zone.axfr" | grep -v '^[[:space:]]*$' |
	    sed -e 's/[[:space:]]\{1,\}/ /g' -e 's/ $//')
	soa=$(printf '%s\n' "$want" | awk '$4 == "SOA"')
	dig_raw +tcp AXFR "$zone"
	recs=$(axfr_recs "$DIG_OUT")
	n=$(printf '%s\n' "$recs" | grep -c .)
	if printf '%s\n' "$DIG_OUT" | grep -q 'Transfer failed\|timed out\|connection refused' ||
	    [ "$n" -lt 2 ]; then
		fail "$p: AXFR $zone succeeds" "$DIG_OUT"
		return 1
	fi
	check_eq "$p: AXFR $zone: SOA first and last, none in between" \
	    "$soa|$soa|" \
	    "$(printf '%s\n' "$recs" | head -n 1)|$(printf '%s\n' "$recs" | tail -n 1)|$(printf '%s\n' "$recs" | sed '1d;$d' | awk '$4 == "SOA"')"
	check_eq "$p: AXFR $zone holds exactly the zone's records ($n)" \
	    "$(printf '%s\n' "$want" | LC_ALL=C sort)" \
	    "$(printf '%s\n' "$recs" | sed '$d' | LC_ALL=C sort)"
}

# ---- the socket daemon ---------------------------------------------------------

# start_daemon SOCKET REFRACT-ARGS...: run "$IT_BIN REFRACT-ARGS" in the
# background (the arguments must make it listen on SOCKET: --listen
# SOCKET, or a --config with `listen SOCKET`), its stderr in
# $IT_TMP/daemon.N.log, and wait (bounded, 10 s) until it has logged
# "listening on SOCKET" and SOCKET is a socket.  Sets DAEMON_PID and
# DAEMON_LOG; the EXIT trap stops it.  DAEMON_NOFILE=N (optional) runs it
# under `ulimit -n N`.
# (A subshell waits for it and writes its exit status to a file, so that
# bash has no "Killed" to report when a test kills it on purpose.)
start_daemon() {
	local sock=$1 n=0
	shift
	DAEMON_N=$((DAEMON_N + 1))
	DAEMON_LOG=$IT_TMP/daemon.$DAEMON_N.log
	DAEMON_RCFILE=$IT_TMP/daemon.$DAEMON_N.rc
	(
		[ -z "${DAEMON_NOFILE:-}" ] || ulimit -n "$DAEMON_NOFILE" || exit 1
		"$IT_BIN" "$@" >"$DAEMON_LOG" 2>&1 </dev/null
		echo $? >"$DAEMON_RCFILE"
	) 2>/dev/null &
	DAEMON_WRAPPER=$!
	DAEMON_PID=
	until [ -n "$DAEMON_PID" ]; do
		DAEMON_PID=$(pgrep -P "$DAEMON_WRAPPER" 2>/dev/null | head -n 1)
		if [ -z "$DAEMON_PID" ]; then
			[ -s "$DAEMON_RCFILE" ] && break
			n=$((n + 1))
			[ "$n" -lt 100 ] || die "refract daemon did not start within 10 s"
			sleep 0.05
		fi
	done
	[ -n "$DAEMON_PID" ] && IT_DAEMON_PIDS+=("$DAEMON_PID")
	n=0
	until grep -qF "listening on $sock" "$DAEMON_LOG" && [ -S "$sock" ]; do
		if [ -s "$DAEMON_RCFILE" ] || { [ -n "$DAEMON_PID" ] && ! alive "$DAEMON_PID"; }; then
			die "refract daemon exited at start:$(printf '\n'; indent <"$DAEMON_LOG")"
		fi
		n=$((n + 1))
		[ "$n" -lt 100 ] || die "refract daemon not listening on $sock within 10 s"
		sleep 0.1
	done
	say "refract daemon $DAEMON_PID listening on $sock"
}

# stop_daemon [SIGNAL]: send SIGNAL (default TERM) to the current daemon
# and wait (bounded, 10 s) until it is gone; its exit status is left in
# DAEMON_RC (128 + N for death by signal N, "timeout" when it had to be
# killed).
DAEMON_RC=
DAEMON_RCFILE=
DAEMON_WRAPPER=
stop_daemon() {
	local sig=${1:-TERM}
	DAEMON_RC=
	if ! is_ours "$DAEMON_PID"; then
		fail "refract daemon $DAEMON_PID is still running when it is to be stopped"
		return 1
	fi
	kill -"$sig" "$DAEMON_PID"
	if ! wait_gone "$DAEMON_PID" 10; then
		is_ours "$DAEMON_PID" && kill -KILL "$DAEMON_PID"
		wait "$DAEMON_WRAPPER" 2>/dev/null
		DAEMON_RC=timeout
		return 0
	fi
	wait "$DAEMON_WRAPPER" 2>/dev/null
	DAEMON_RC=$(cat "$DAEMON_RCFILE" 2>/dev/null)
}

# daemon_log_tail: the daemon's log, for failure reports.
daemon_log_tail() {
	[ -n "$DAEMON_LOG" ] && [ -f "$DAEMON_LOG" ] && tail -n 20 "$DAEMON_LOG"
}

# sock_ask SOCKET: one connection to SOCKET; each line of stdin is sent
# (with its newline) and the reply line read before the next is sent.
# Prints one line per request: the reply without its newline, "<EOF>"
# if the daemon closed the connection, "<TIMEOUT>" after 5 s.
sock_ask() {
	timeout 60 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
buf = b""
out = sys.stdout.buffer
for req in sys.stdin.buffer.read().split(b"\n")[:-1]:
    s.sendall(req + b"\n")
    try:
        while b"\n" not in buf:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
    except socket.timeout:
        out.write(b"<TIMEOUT>\n")
        break
    if b"\n" not in buf:
        out.write(b"<EOF>\n")
        break
    line, buf = buf.split(b"\n", 1)
    out.write(line + b"\n")
    out.flush()
' "$1"
}

# daemon_conns SOCKET [PID]: the number of connections open on the
# daemon's socket (its side), or, with PID, those whose other end belongs
# to process PID (e.g. one pdns_server).
daemon_conns() {
	# `ss -x state established`: Netid Recv-Q Send-Q Local Inode Peer
	# PeerInode [users]; the daemon's side has the socket path as Local
	ss -Hxp state established 2>/dev/null | awk -v sock="$1" -v pid="${2:-}" '
	    $4 == sock { n++; peer[$7] = 1; next }
	    pid != "" && index($0, "pid=" pid ",") { mine[$5] = 1 }
	    END {
		if (pid == "") { print n + 0; exit }
		m = 0
		for (i in mine) if (i in peer) m++
		print m
	    }'
}

# concurrent_digs LABEL N PORT...: N digs at once, spread round-robin over
# the pdns_servers on 127.0.0.1:PORT..., a mix of UDP and TCP questions
# about data/refract.test.zone (served as zone refract.test) with known
# answers: A, NXDOMAIN, wildcard TXT, TXT over TCP, SRV with additional
# data over TCP.  One check: every answer is the expected one.
concurrent_digs() {
	local label=$1 total=$2 i bad=0 args exp got port dir
	local -a ports pids=()
	shift 2
	ports=("$@")
	dir=$(mktemp -d "$IT_TMP/conc.XXXXXX") || die "mktemp"
	local soa='refract.test. 300 IN SOA ns1.refract.test. hostmaster.refract.test. 2024050101 7200 900 1209600 300'
	for i in $(seq 1 "$total"); do
		case $((i % 5)) in
		0) args="www.refract.test A" ;;
		1) args="nope$i.refract.test A" ;;
		2) args="x$i.wild.refract.test TXT" ;;
		3) args="+tcp txt.refract.test TXT" ;;
		4) args="+tcp _sip._udp.refract.test SRV" ;;
		esac
		port=${ports[$((i % ${#ports[@]}))]}
		# shellcheck disable=SC2086  # args is a word list
		dig @127.0.0.1 -p "$port" +norec +noedns +time=4 +tries=2 \
		    $args >"$dir/$i.out" 2>&1 &
		pids+=($!)
	done
	# each dig gives up after 2 x 4 s: the wait is bounded by that
	wait "${pids[@]}"
	for i in $(seq 1 "$total"); do
		case $((i % 5)) in
		0) exp="NOERROR qr aa
ans www.refract.test. 300 IN A 192.0.2.1" ;;
		1) exp="NXDOMAIN qr aa
auth $soa" ;;
		2) exp="NOERROR qr aa
ans x$i.wild.refract.test. 120 IN TXT \"wildcard\"" ;;
		3) exp='NOERROR qr aa
ans txt.refract.test. 3600 IN TXT "first string" "second string" "third; with \"quotes\""' ;;
		4) exp='NOERROR qr aa
ans _sip._udp.refract.test. 3600 IN SRV 10 20 5060 sip.refract.test.
add sip.refract.test. 3600 IN A 192.0.2.60' ;;
		esac
		got=$(norm_dig <"$dir/$i.out")
		if [ "$got" != "$exp" ]; then
			bad=$((bad + 1))
			[ "$bad" -le 3 ] && printf 'dig #%d (port %s): expected\n%s\ngot\n%s\n' \
			    "$i" "${ports[$((i % ${#ports[@]}))]}" "$exp" "$got" >>"$dir/errors"
		fi
	done
	if [ "$bad" -eq 0 ]; then
		pass "$label: $total concurrent digs (UDP and TCP) all answered right"
	else
		fail "$label: $total concurrent digs (UDP and TCP) all answered right" \
		    "$bad wrong; the first ones:" "$(cat "$dir/errors")"
	fi
}

# ---- forwarding: upstream servers and helpers -----------------------------------

declare -A UP_PORT=() UP_PID=() UP_DIR=() FAKE_PORT=() FAKE_PID=() FAKE_QLOG=()

# start_upstream NAME [ZONE=FILE...]: an authoritative pdns_server on
# 127.0.0.1 with the bind backend (launch=bind, its own --config-dir
# $IT_TMP/up.NAME, bind-config listing the zone files, its caches at their
# defaults, log-dns-queries on: its log $IT_TMP/up.NAME/pdns.log has one
# "Remote ... wants 'NAME|TYPE'" line per query it gets).  Without zones,
# starts the upstream NAME again on its old port (after stop_upstream).
# Returns once it answers the first zone's SOA with NOERROR (bounded,
# 10 s).  Sets UP_PORT[NAME], UP_PID[NAME].
start_upstream() {
	local name=$1 dir=$IT_TMP/up.$1 z first n pid
	shift
	if [ $# -gt 0 ]; then
		mkdir -p "$dir" || die "mkdir $dir"
		UP_DIR[$name]=$dir
		UP_PORT[$name]=$(pick_port) || die "no free port"
		: >"$dir/named.conf"
		for z in "$@"; do
			printf 'zone "%s" { type master; file "%s"; };\n' \
			    "${z%%=*}" "${z#*=}" >>"$dir/named.conf"
		done
		cat >"$dir/pdns.conf" <<-EOC
		# written by tests/integration/lib.sh: an upstream for refract
		launch=bind
		bind-config=$dir/named.conf
		local-address=127.0.0.1
		local-port=${UP_PORT[$name]}
		security-poll-suffix=
		webserver=no
		api=no
		distributor-threads=2
		receiver-threads=1
		loglevel=6
		query-logging=yes
		log-dns-queries=yes
		EOC
	fi
	[ -n "${UP_DIR[$name]:-}" ] || die "start_upstream: no upstream '$name' yet"
	first=$(sed -n 's/^zone "\([^"]*\)".*/\1/p' "$dir/named.conf" | head -n 1)
	"$PDNS_SERVER" --config-dir="$dir" --daemon=no --guardian=no \
	    --disable-syslog --socket-dir="$dir" >>"$dir/pdns.log" 2>&1 </dev/null &
	pid=$!
	UP_PID[$name]=$pid
	IT_AUX_PIDS+=("$pid")
	n=0
	until dig @127.0.0.1 -p "${UP_PORT[$name]}" +norec +time=1 +tries=1 \
	    "$first" SOA 2>/dev/null | grep -q 'status: NOERROR.*'; do
		alive "$pid" || die "upstream pdns_server '$name' exited at start:$(printf '\n'; tail -n 20 "$dir/pdns.log" | indent)"
		n=$((n + 1))
		[ "$n" -lt 40 ] || die "upstream '$name' does not answer $first SOA on 127.0.0.1:${UP_PORT[$name]} within 10 s"
		sleep 0.25
	done
	say "upstream pdns_server $pid ($name, bind backend) on 127.0.0.1:${UP_PORT[$name]}"
}

# stop_upstream NAME: SIGTERM (then SIGKILL) the upstream, bounded wait.
stop_upstream() {
	local pid=${UP_PID[$1]:-}
	[ -n "$pid" ] || return 0
	is_ours "$pid" && kill -TERM "$pid" 2>/dev/null
	wait_gone "$pid" 10 || { is_ours "$pid" && kill -KILL "$pid" 2>/dev/null; }
	wait "$pid" 2>/dev/null
	UP_PID[$1]=
}

# upstream_queries NAME QNAME [QTYPE]: how many queries for QNAME (exact,
# lower case, no trailing dot) of QTYPE (any type if omitted) the upstream
# has logged so far.
upstream_queries() {
	grep -c "wants '$2|${3:-[A-Z0-9]*}'" "${UP_DIR[$1]}/pdns.log"
}

# start_fakedns NAME FAKEDNS-ARGS...: data/fakedns.py on 127.0.0.1, a free
# port (UDP and TCP), its query log in $IT_TMP/fake.NAME.queries.
# Returns once it listens (bounded, 10 s).  Sets FAKE_PORT[NAME],
# FAKE_PID[NAME], FAKE_QLOG[NAME].
start_fakedns() {
	local name=$1 n pid
	shift
	FAKE_PORT[$name]=$(pick_port) || die "no free port"
	FAKE_QLOG[$name]=$IT_TMP/fake.$name.queries
	: >"${FAKE_QLOG[$name]}"
	: >"$IT_TMP/fake.$name.log"
	python3 "$IT_DATA/fakedns.py" --port "${FAKE_PORT[$name]}" \
	    --log "${FAKE_QLOG[$name]}" "$@" \
	    >"$IT_TMP/fake.$name.log" 2>&1 </dev/null &
	pid=$!
	FAKE_PID[$name]=$pid
	IT_AUX_PIDS+=("$pid")
	n=0
	until grep -q '^ready' "$IT_TMP/fake.$name.log"; do
		alive "$pid" || die "fakedns '$name' exited at start:$(printf '\n'; indent <"$IT_TMP/fake.$name.log")"
		n=$((n + 1))
		[ "$n" -lt 100 ] || die "fakedns '$name' not ready within 10 s"
		sleep 0.1
	done
	say "fakedns $pid ($name) on 127.0.0.1:${FAKE_PORT[$name]}"
}

# fake_queries NAME [PROTO] [QNAME] [QTYPE]: how many queries the fake
# server NAME has received (PROTO udp/tcp, QNAME with trailing dot; an
# empty or missing argument matches anything).
fake_queries() {
	awk -v p="${2:-}" -v q="${3:-}" -v t="${4:-}" '
	    (p == "" || $1 == p) && (q == "" || $2 == q) && (t == "" || $3 == t) { n++ }
	    END { print n + 0 }' "${FAKE_QLOG[$1]}"
}

# fwd_conf TEMPLATE [OUT]: copy a refract config, replacing @UP_name@ and
# @FAKE_name@ with the ports of the upstreams and fake servers started so
# far, into OUT (default $IT_TMP/forward/<basename>); prints OUT.
fwd_conf() {
	local in=$1 out=${2:-$IT_TMP/forward/$(basename "$1")} k sedargs=()
	mkdir -p "$(dirname "$out")"
	for k in "${!UP_PORT[@]}"; do sedargs+=(-e "s/@UP_$k@/${UP_PORT[$k]}/g"); done
	for k in "${!FAKE_PORT[@]}"; do sedargs+=(-e "s/@FAKE_$k@/${FAKE_PORT[$k]}/g"); done
	sed "${sedargs[@]}" "$in" >"$out" || die "fwd_conf $in"
	if grep -q '@[A-Z]*_[a-z0-9]*@' "$out"; then
		die "fwd_conf: unreplaced placeholder in $out: $(grep '@[A-Z]*_[a-z0-9]*@' "$out")"
	fi
	echo "$out"
}

# ttl_split: canonical dig lines (norm_dig) on stdin -> the rcode line,
# then each record as "SECTION NAME CLASS TYPE RDATA<TAB>TTL", sorted.
ttl_split() {
	awk 'NR == 1 { print; fflush(); next }
	{
		ttl = $3; line = $1 " " $2
		for (i = 4; i <= NF; i++) line = line " " $i
		print line "\t" ttl | "LC_ALL=C sort"
	}'
}

# expect_fwd DESCRIPTION "DIG ARGS" "EXPECTED": as expect_dig, but a
# record's TTL may be up to FWD_TTL_SLACK (default 60) seconds below the
# expected one (refract's cache counts TTLs down), never above.
FWD_TTL_SLACK=60
expect_fwd() {
	local desc=$1 args=$2 want=$3 got exp verdict
	# shellcheck disable=SC2086  # args is a word list on purpose
	dig_raw $args
	got=$(printf '%s\n' "$DIG_OUT" | norm_dig | ttl_split)
	exp=$(printf '%s\n' "$want" | norm_expected | ttl_split)
	verdict=$(awk -F '\t' -v slack="$FWD_TTL_SLACK" '
	    NR == FNR { e[FNR] = $0; n = FNR; next }
	    { g[FNR] = $0; m = FNR }
	    END {
		if (n != m) { print "bad"; exit }
		for (i = 1; i <= n; i++) {
			split(e[i], a, "\t"); split(g[i], b, "\t")
			if (a[1] != b[1] || b[2] + 0 > a[2] + 0 || b[2] + 0 < a[2] - slack) {
				print "bad"; exit
			}
		}
		print "ok"
	    }' <(printf '%s\n' "$exp") <(printf '%s\n' "$got"))
	if [ "$verdict" = ok ]; then
		pass "$desc"
		[ "${IT_VERBOSE:-0}" = 1 ] && printf '%s\n' "$got" | indent
		return 0
	fi
	fail "$desc  (dig $args)" \
	    "--- expected (TTL may be up to $FWD_TTL_SLACK s lower):" "$exp" \
	    "--- got:" "$got" "--- dig output:" "$DIG_OUT"
	return 1
}

# dig_status: the rcode of the last dig_raw ("NO-RESPONSE" if none).
dig_status() {
	printf '%s\n' "$DIG_OUT" | norm_dig | head -n 1 | cut -d' ' -f1
}

# timed_dig OUT ARGS...: dig at the current pdns (as dig_raw), its output
# in OUT and the wall-clock milliseconds it took in OUT.ms.
timed_dig() {
	local out=$1 t0 t1
	shift
	t0=$(date +%s%N)
	dig @127.0.0.1 -p "$PDNS_PORT" +norec +noedns +nosplit +time=5 +tries=1 \
	    "$@" >"$out" 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$out.ms"
}

# hup_reloaded PID LOG: SIGHUP the daemon PID and wait (bounded, 10 s)
# until LOG shows one more "reloaded: " line; fails (status 1) if none
# comes.
hup_reloaded() {
	local pid=$1 log=$2 n0 i
	n0=$(grep -c 'reloaded: ' "$log")
	kill -HUP "$pid" || return 1
	for i in $(seq 100); do
		[ "$(grep -c 'reloaded: ' "$log")" -gt "$n0" ] && return 0
		sleep 0.1
	done
	return 1
}

# daemon_stat SOCKET NAME: the counter NAME of the daemon's `stats`
# (directBackendCmd straight over the socket), or "?".
daemon_stat() {
	printf '%s\n' '{"method":"directBackendCmd","parameters":{"query":"stats"}}' |
	    sock_ask "$1" | python3 -c '
import json, sys
try:
    text = json.loads(sys.stdin.read())["result"]
except Exception:
    text = ""
for line in text.splitlines():
    k, _, v = line.partition(" ")
    if k == sys.argv[1]:
        print(v)
        break
else:
    print("?")' "$2"
}

# ---- rules and reload (test_rules_*.sh, test_reload*.sh) ------------------------

# rules_fixtures: copy data/rules/*.zone into $IT_TMP/rules/.
rules_fixtures() {
	{ mkdir -p "$IT_TMP/rules" && cp "$IT_DATA"/rules/*.zone "$IT_TMP/rules/"; } ||
	    die "copy fixtures"
}

# dig_answer TYPE DIG-ARGS...: dig_raw DIG-ARGS, then print what the
# answer section has of TYPE (see dig_answer_of).
dig_answer() {
	local t=$1
	shift
	dig_raw "$@"
	dig_answer_of "$t"
}

# dig_answer_of TYPE: the data of the last dig_raw's answer records of
# TYPE, sorted, joined by ","; without any, the rcode ("NXDOMAIN",
# "NOERROR" for no data, "SERVFAIL", "NO-RESPONSE").  E.g. "10.0.0.10",
# "198.51.100.7,203.0.113.5", "web.corp.example.".
dig_answer_of() {
	printf '%s\n' "$DIG_OUT" | norm_dig | awk -v t="$1" '
	    NR == 1 { rc = $1; next }
	    $1 == "ans" && $5 == t {
		d = $6
		for (i = 7; i <= NF; i++) d = d " " $i
		a[++n] = d
	    }
	    END {
		if (n == 0) { print rc; exit }
		for (i = 1; i <= n; i++) print a[i] | "LC_ALL=C sort | paste -sd, -"
	    }'
}

# dig_scope: the ECS scope the last dig_raw's reply carries ("none" when
# it has no client-subnet option).
dig_scope() {
	local s
	s=$(printf '%s\n' "$DIG_OUT" |
	    sed -n 's/^; CLIENT-SUBNET: [^/]*\/[0-9]*\/\([0-9]*\)$/\1/p' | head -n 1)
	echo "${s:-none}"
}

# expect_views DESC TYPE QNAME "ARGS-A" WANT-A "ARGS-B" WANT-B: ask QNAME
# TYPE with the dig arguments ARGS-A (e.g. "-b 127.0.0.10"), then with
# ARGS-B, three times in a row, then once each over TCP -- all within
# pdns's cache lifetime (20 s by default).  Each client must always get
# its own answer (dig_answer form): no answer crosses over through pdns's
# packet or query cache.
expect_views() {
	local desc=$1 t=$2 q=$3 a=$4 wa=$5 b=$6 wb=$7 i got="" want=""
	for i in 1 2 3; do
		# shellcheck disable=SC2086  # word lists
		got="$got $(dig_answer "$t" $a "$q" "$t") $(dig_answer "$t" $b "$q" "$t")"
		want="$want $wa $wb"
	done
	# shellcheck disable=SC2086
	got="$got $(dig_answer "$t" +tcp $a "$q" "$t") $(dig_answer "$t" +tcp $b "$q" "$t")"
	want="$want $wa $wb"
	check_eq "$desc" "$want" "$got"
}

# pdns_ctl ARGS...: pdns_control for the current pdns (bounded, 20 s).
pdns_ctl() {
	timeout 20 pdns_control --config-dir="$PDNS_DIR" --socket-dir="$PDNS_DIR" "$@"
}
