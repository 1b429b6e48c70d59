#!/bin/sh
# Run `refract check` on one config that must be rejected, and compare its
# diagnostics with the config's `#= ` lines (in order, whole lines; the file
# is named by its base name, as the case runs in this directory).  A config
# whose first line is `#! serve` is instead started as the coprocess (stdin
# empty), which must refuse to start with those diagnostics.
set -eu
refract=$1
conf=$2
cd "$(dirname "$conf")"
base=$(basename "$conf")
want=$(sed -n 's/^#= //p' "$base")
[ -n "$want" ] || { echo "$base: no '#= ' lines" >&2; exit 2; }
set +e
if [ "$(head -n 1 "$base")" = "#! serve" ]; then
	got=$(timeout 10 "$refract" --config "$base" </dev/null 2>&1)
	rc=$?
else
	got=$("$refract" check --config "$base" 2>&1)
	rc=$?
fi
set -e
if [ "$rc" -ne 1 ]; then
	echo "$base: refract exited $rc, want 1" >&2
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
