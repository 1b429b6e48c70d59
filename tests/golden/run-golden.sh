#!/bin/sh
# Run one golden transcript: refract replay --check over it.
# The transcript's first line may carry the arguments, as
#   #! --zone example.com=example.com.zone --abi 1
# (paths relative to this directory).  The default is the reference zone.
set -eu
refract=$1
tr=$2
cd "$(dirname "$tr")"
args=$(sed -n '1s/^#! *//p' "$tr")
[ -n "$args" ] || args="--zone example.com=example.com.zone"
# shellcheck disable=SC2086  # args is a word list on purpose
exec "$refract" replay $args --check "$(basename "$tr")"
