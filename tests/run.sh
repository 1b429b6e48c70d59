#!/bin/sh
# The test command: install what the tests need, build, and run every
# tier — unit, golden, corpus, integration (real pdns_server) with gcc,
# then every tier again with the ASan+UBSan build of clang (refract under
# pdns too), and a short libFuzzer run of each harness.  Used by .ci/run.
#
#   tests/run.sh            everything
#   FUZZ_SECONDS=0 tests/run.sh   skip the timed fuzz runs
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ "${RF_NO_INSTALL:-0}" != 1 ]; then
	$SUDO apt-get update
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends \
	    build-essential cmake pkg-config libjson-c-dev check \
	    libc-ares-dev clang libclang-rt-14-dev \
	    pdns-server pdns-backend-pipe pdns-backend-remote \
	    pdns-backend-bind pdns-tools bind9-dnsutils dnsperf \
	    python3 iproute2 procps
fi

# In this script a missing tool is a failure, never a skip.
CI=true
export CI
jobs=$(nproc 2>/dev/null || echo 2)

echo "== gcc build, all tiers"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRF_WERROR=ON
cmake --build "$root/build" -j"$jobs"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" \
    -LE integration
ctest --test-dir "$root/build" --output-on-failure -L integration

echo "== clang ASan+UBSan build: unit, golden, corpus"
CC=clang cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug \
    -DRF_WERROR=ON -DRF_SANITIZE=ON -DRF_FUZZ=ON
cmake --build "$root/build-asan" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" \
    -L 'unit|golden|corpus'

# The sanitized refract behind the real pdns: a memory error aborts it,
# which pdns logs and the tests see.  (pdns SIGKILLs its children, so
# leak checking is left to the tiers above.)
echo "== clang ASan+UBSan build: integration"
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -L integration

secs=${FUZZ_SECONDS:-20}
if [ "$secs" -gt 0 ]; then
	echo "== libFuzzer, ${secs}s per harness"
	for bin in "$root"/build-asan/tests/fuzz_*; do
		name=$(basename "$bin" | sed 's/^fuzz_//')
		work=$(mktemp -d)
		cp "$root/tests/fuzz/corpus/$name"/* "$work"/
		dict=
		[ -f "$root/tests/fuzz/$name.dict" ] &&
		    dict="-dict=$root/tests/fuzz/$name.dict"
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$secs" -print_final_stats=1 \
		    -artifact_prefix="$work/" $dict "$work" 2>&1 | tail -3
		rm -rf "$work"
	done
fi
echo "== all tiers passed"
