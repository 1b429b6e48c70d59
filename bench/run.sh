#!/bin/sh
# refract benchmark: one command, every configuration side by side.
#   bench/run.sh [--quick] [bench.py options...]     (see bench/README.md)
#   bench/run.sh --forward [--quick] [forward.py options...]
#                          the forwarding benchmark (cache hits in replay,
#                          a delayed upstream behind pdns): bench/forward.py
# Builds refract (Release, own build dir) and the floor, generates the data
# (cached in bench/.data), then runs bench/bench.py, which prints a markdown
# report (also written to bench/.data/last-report.md).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$HERE")
BUILD=${BENCH_BUILD_DIR:-/tmp/refract-bench-build}
DATA=${BENCH_DATA_DIR:-$HERE/.data}

FORWARD=
if [ "${1:-}" = "--forward" ]; then
	FORWARD=1
	shift
fi
TOOLS="pdns_server dnsperf cc cmake python3 taskset /usr/bin/time"
[ -z "$FORWARD" ] || TOOLS="pdns_server cmake python3 taskset"
for t in $TOOLS; do
	command -v "$t" >/dev/null 2>&1 || { echo "run.sh: $t not found" >&2; exit 1; }
done
MOD=pipe
[ -z "$FORWARD" ] || MOD=remote
[ -n "$(ls /usr/lib/*/pdns/lib${MOD}backend.so 2>/dev/null)" ] ||
	echo "run.sh: warning: pdns $MOD backend module not found" >&2

echo "[run.sh] building refract (Release) in $BUILD" >&2
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRF_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target refract >/dev/null
REV=$(git -C "$SRC" describe --always --dirty 2>/dev/null || echo unknown)
if [ -n "$FORWARD" ]; then
	mkdir -p "$DATA"
	exec python3 "$HERE/forward.py" --refract "$BUILD/coprocess/refract" \
		--data-dir "$DATA" --out "$DATA/forward-last-report.md" \
		--cmdline "bench/run.sh --forward${*:+ $*}" --source-rev "$REV" "$@"
fi
mkdir -p "$DATA/bin"
cc -O2 -Wall -o "$DATA/bin/floor" "$HERE/floor.c"

exec python3 "$HERE/bench.py" --refract "$BUILD/coprocess/refract" \
	--floor "$DATA/bin/floor" --data-dir "$DATA" \
	--out "$DATA/last-report.md" --cmdline "bench/run.sh $*" \
	--source-rev "$REV" "$@"
