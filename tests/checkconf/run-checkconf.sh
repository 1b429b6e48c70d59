#!/bin/sh
# Run `refract check` on one config that must be rejected, and compare its
# diagnostics with the config's `#= ` lines (in order, whole lines; the file
# is named by its base name, as the case runs in this directory).
set -eu
refract=$1
conf=$2
cd "$(dirname "$conf")"
base=$(basename "$conf")
want=$(sed -n 's/^#= //p' "$base")
[ -n "$want" ] || { echo "$base: no '#= ' lines" >&2; exit 2; }
set +e
got=$("$refract" check --config "$base" 2>&1)
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "$base: refract check exited $rc, want 1" >&2
	printf '%s\n' "$got" >&2
	exit 1
fi
if [ "$got" != "$want" ]; then
	echo "$base: diagnostics differ" >&2
	echo "--- want" >&2
	printf '%s\n' "$want" >&2
	echo "--- got" >&2
	printf '%s\n' "$got" >&2
	exit 1
fi
