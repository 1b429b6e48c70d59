#!/bin/bash
# Split horizon by client (data/forward/clients.conf): clients 127.0.0.2
# and 10.0.0.0/8 get corp.example.net from the inside upstream
# (data/fakedns.py: A 10.1.1.1 for every name), everybody else gets it
# from the real upstream (pdns_server, bind backend: corp 203.0.113.1,
# www.corp 203.0.113.2).  pdns's caches are at their DEFAULTS
# (cache-ttl 20, query-cache-ttl 20), edns-subnet-processing=yes, and
# ECS is believed from 127.0.0.1 only (trusted-resolvers).  For a pdns
# with launch=remote over the daemon's socket and one with launch=pipe
# ABI 5 (refract as coprocess):
#   - dig -b 127.0.0.2 and -b 127.0.0.1 alternately, inside first for one
#     name and outside first for another, several times within pdns's
#     cache lifetime: each client always gets its own view, no cross-over
#     (the answers carry a scope, which keeps them out of pdns's caches);
#     also over TCP;
#   - ECS from the trusted 127.0.0.1 selects the rule (10.1.0.0/16: inside,
#     192.0.2.0/24: outside), and the reply's ECS scope is the subnet's;
#     ECS from 127.0.0.2 (not trusted) is ignored: still inside, scope /32;
#   - names outside the client rule's suffix are the same for everybody.
# (Negative answers have no record to carry a scope, so pdns caches them
# for everybody: README "Rules".  The test prints what it sees as NOTEs.)
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server bindbackend remotebackend pipebackend python3

{ mkdir -p "$IT_TMP/forward" && cp "$IT_DATA"/forward/*.zone "$IT_TMP/forward/"; } ||
    die "copy fixtures"
start_upstream up "example.net=$IT_TMP/forward/example.net.zone"
start_fakedns inside --zone corp.example.net --a 10.1.1.1
CONF=$(fwd_conf "$IT_DATA/forward/clients.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
# shellcheck disable=SC2034  # read by lib.sh
PDNS_CACHES=default
PDNS_EXTRA="edns-subnet-processing=yes"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"
pdns_save unix
start_pdns "$IT_TMP/pipe" 5 --config "$CONF"
pdns_save pipe
for p in unix pipe; do
	pdns_select "$p"
	grep -q '^# pdns.s caches at their defaults' "$PDNS_DIR/pdns.conf" ||
	    fail "$p: pdns runs with its default caches"
done

# view NAME DIG-ARGS...: the answer's A records for NAME (dig_raw with
# DIG-ARGS, e.g. -b 127.0.0.2), or the rcode; e.g. "10.1.1.1"
view() {
	local name=$1
	shift
	dig_raw "$@" "$name" A
	view_of_dig
}
view_of_dig() {
	printf '%s\n' "$DIG_OUT" | norm_dig | awk '
	    NR == 1 { rc = $1; next }
	    $1 == "ans" && $5 == "A" { a = a (a == "" ? "" : ",") $6 }
	    END { print (a == "" ? rc : a) }'
}
# alternate LABEL NAME FIRST-ADDR SECOND-ADDR FIRST-WANT SECOND-WANT
alternate() {
	local label=$1 name=$2 got="" want="" i
	for i in 1 2 3; do
		got="$got $(view "$name" -b "$3") $(view "$name" -b "$4")"
		want="$want $5 $6"
	done
	got="$got $(view "$name" +tcp -b "$3") $(view "$name" +tcp -b "$4")"
	want="$want $5 $6"
	check_eq "$label" "$want" "$got"
}
# ecs NAME FROM SUBNET: "ADDRESSES scope SCOPE" for NAME asked from FROM
# with ECS SUBNET
ecs() {
	local a s
	dig_raw -b "$2" +edns=0 "+subnet=$3" "$1" A
	a=$(view_of_dig)
	s=$(printf '%s\n' "$DIG_OUT" | sed -n 's/^; CLIENT-SUBNET: [^/]*\/[0-9]*\/\([0-9]*\)$/\1/p')
	echo "$a scope ${s:-none}"
}

for p in unix pipe; do
	pdns_select "$p"
	alternate "$p: corp.example.net, inside client first, 4 rounds: no cross-over" \
	    corp.example.net 127.0.0.2 127.0.0.1 10.1.1.1 203.0.113.1
	alternate "$p: www.corp.example.net, outside client first, 4 rounds: no cross-over" \
	    www.corp.example.net 127.0.0.1 127.0.0.2 203.0.113.2 10.1.1.1
	check_eq "$p: ECS 10.1.0.0/16 from the trusted resolver: inside, scope 16" \
	    "10.1.1.1 scope 16" "$(ecs www.corp.example.net 127.0.0.1 10.1.0.0/16)"
	check_eq "$p: ECS 192.0.2.0/24 from the trusted resolver: outside, scope 24" \
	    "203.0.113.2 scope 24" "$(ecs www.corp.example.net 127.0.0.1 192.0.2.0/24)"
	check_eq "$p: ECS from 127.0.0.2 (not trusted) is ignored: inside, scope 32" \
	    "10.1.1.1 scope 32" "$(ecs www.corp.example.net 127.0.0.2 192.0.2.0/24)"
	check_eq "$p: ECS 10.1.0.0/16 again, then no ECS: inside, then outside" \
	    "10.1.1.1 scope 16 203.0.113.2" \
	    "$(ecs www.corp.example.net 127.0.0.1 10.1.0.0/16) $(view www.corp.example.net -b 127.0.0.1)"
	check_eq "$p: a name outside the client rule: the same for everybody" \
	    "192.0.2.10 192.0.2.10" \
	    "$(view www.example.net -b 127.0.0.2) $(view www.example.net -b 127.0.0.1)"
done

# --- what pdns does with negative answers (documented; not checked) ----------------------
for p in unix pipe; do
	pdns_select "$p"
	# host-P.corp exists inside only: outside client first, then inside
	dig_raw -b 127.0.0.1 "host-$p.corp.example.net" A
	o=$(view_of_dig)
	soa=$(printf '%s\n' "$DIG_OUT" | norm_dig | awk '$1 == "auth" && $5 == "SOA" { print $6, $7 }')
	i=$(view "host-$p.corp.example.net" -b 127.0.0.2)
	say "NOTE: $p: host-$p.corp.example.net exists only inside; outside client first: $o${soa:+ (its SOA: $soa; the inside upstream has ns1.corp.example.net.)}, then inside client: $i"
done
finish
