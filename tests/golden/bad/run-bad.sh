#!/bin/sh
# Run `refract replay --check` on a transcript that must fail, and compare
# what it reports (stderr lines "FILE:LINE: ...") with the transcript's
# `#= ` lines, in order.  The first line may carry replay's arguments, as
# in tests/golden (`#! --zone ...`, paths relative to tests/golden).
set -eu
refract=$1
tr=$2
cd "$(dirname "$tr")/.."
base=bad/$(basename "$tr")
args=$(sed -n '1s/^#! *//p' "$base")
[ -n "$args" ] || args="--zone example.com=example.com.zone"
want=$(sed -n 's/^#= //p' "$base")
set +e
# shellcheck disable=SC2086  # args is a word list on purpose
got=$("$refract" replay $args --check "$base" 2>&1 >/dev/null | grep "^$base:[0-9]")
# shellcheck disable=SC2086
"$refract" replay $args --check "$base" >/dev/null 2>&1
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "$base: replay --check exited $rc, want 1" >&2
	exit 1
fi
if [ "$got" != "$want" ]; then
	printf '%s: reports differ\n--- want\n%s\n--- got\n%s\n' "$base" \
	    "$want" "$got" >&2
	exit 1
fi
