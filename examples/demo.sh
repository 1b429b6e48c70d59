#!/bin/bash
# refract demo: install the dependencies (Debian/Ubuntu), build refract,
# and run PowerDNS Authoritative with refract as its pipe backend on
# 127.0.0.1:5300, serving examples/airports.example.zone.
#
#   examples/demo.sh            from anywhere in a fresh clone
#
# pdns_server runs in the foreground: Ctrl-C stops it (and its refract
# coprocesses, which exit when their stdin closes).
#
# Environment:
#   REFRACT_DEMO_NO_APT=1   do not run apt-get (dependencies already there)
#   REFRACT_DEMO_PORT=N     listen on N instead of 5300
#   REFRACT_DEMO_NO_SERVE=1 build and write run/pdns/pdns.conf, then stop
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
run=$top/run/pdns
port=${REFRACT_DEMO_PORT:-5300}
pdns_server=/usr/sbin/pdns_server

packages=(build-essential cmake pkg-config libjson-c-dev check libc-ares-dev
	pdns-server pdns-backend-pipe pdns-tools bind9-dnsutils)

step() { printf '\n==> %s\n' "$*"; }

# ---- 1. dependencies ----------------------------------------------------------
installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
	    grep -q '^install ok installed$'
}
missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ "${REFRACT_DEMO_NO_APT:-0}" = 1 ]; then
	step "skipping apt-get (REFRACT_DEMO_NO_APT=1)"
elif [ ${#missing[@]} -eq 0 ]; then
	step "dependencies already installed"
else
	command -v apt-get >/dev/null ||
	    { echo "no apt-get here: install ${missing[*]} yourself" >&2; exit 1; }
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
		    { echo "run as root or install sudo" >&2; exit 1; }
		sudo=(sudo)
	fi
	step "installing ${missing[*]}"
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends "${packages[@]}"
	# Debian starts its own pdns service (port 53, bind backend) on
	# install; the demo's instance is separate and does not touch it.
fi

# ---- 2. build -------------------------------------------------------------------
step "building refract in $build (Release)"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target refract
refract=$build/coprocess/refract
[ -x "$refract" ] || { echo "build produced no $refract" >&2; exit 1; }

step "checking the config and zone"
"$refract" check --config "$here/refract.conf"

# ---- 3. pdns config ---------------------------------------------------------------
# pdns splits pipe-command on single spaces and cannot quote.
case "$refract|$here" in
*[[:space:]]*)
	echo "the checkout path '$top' contains a space; pdns cannot run" \
	    "a pipe-command from there (move the checkout)" >&2
	exit 1
	;;
esac
step "writing $run/pdns.conf"
mkdir -p "$run"
sed -e "s|@REFRACT@|$refract|" -e "s|@CONFIG@|$here/refract.conf|" \
    -e "s|^local-port=.*|local-port=$port|" \
    "$here/pdns-pipe.conf" >"$run/pdns.conf"

# ---- 4. serve ---------------------------------------------------------------------
[ "${REFRACT_DEMO_NO_SERVE:-0}" = 1 ] && exit 0
[ -x "$pdns_server" ] || { echo "$pdns_server is missing (package pdns-server)" >&2; exit 1; }
if command -v ss >/dev/null &&
    [ -n "$(ss -Hlnu "sport = :$port" 2>/dev/null)$(ss -Hlnt "sport = :$port" 2>/dev/null)" ]; then
	echo "port $port is already in use on this machine; set REFRACT_DEMO_PORT" >&2
	exit 1
fi

cat <<EOF

PowerDNS is starting on 127.0.0.1:$port with refract behind it.
try \`dig @127.0.0.1 -p $port lax.airports.example TXT\`
    \`dig @127.0.0.1 -p $port lax.airports.example LOC\`
    \`dig @127.0.0.1 -p $port airports.example AXFR\`
    \`pdnsutil --config-dir=$run backend-cmd pipe stats\`
Ctrl-C stops it.

EOF
exec "$pdns_server" --config-dir="$run" --socket-dir="$run" \
    --daemon=no --guardian=no --disable-syslog
