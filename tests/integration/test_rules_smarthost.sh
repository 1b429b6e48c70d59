#!/bin/bash
# MX smarthost (README "Rules", data/rules/smarthost.conf) against the real
# upstream (pdns_server, bind backend: data/rules/shop.example.zone,
# other.example.zone, isp.example.zone).  The mail server is 127.0.0.25
# (dig -b, or ECS 127.0.0.25/32 from the trusted 127.0.0.1); the relay
# smtp.isp.example is given by name (A 192.0.2.200 and .201, TTL 120).
# The pdns under test run with their packet and query caches at their
# DEFAULTS, edns-subnet-processing=yes, consistent-backends at its default
# (every question reaches refract as ANY), zone-cache-refresh-interval=0
# (the root is forwarded):
#   "unix": launch=remote over a refract daemon's socket;
#   "pipe": launch=pipe ABI 5 over a second daemon's socket (the
#           exchangers are remembered per process: a daemon, not pdns's
#           coprocesses; a second daemon so each starts with no memory).
# For both:
#   - before any MX question, the mail server gets mx1's real A;
#   - the mail server asks shop.example MX: the MX records as upstream has
#     them, and pdns's additional section as the mail server sees it
#     (mx1's A: the relay's; AAAA unchanged; mx6: AAAA only);
#   - then the exchangers: mx1 A = the relay's IPv4 addresses with TTL
#     min(300, 120) = 120, mx1 AAAA unchanged; mx6 (AAAA only) gets no A;
#     mx.other.example (another zone) A = the relay's, TTL min(600, 120);
#     the relay's own AAAA is never used;
#   - the web host www.shop.example (not an exchanger) is not rewritten;
#     nor is a domain without MX (nomx.other.example: no implicit MX);
#   - another client (127.0.0.1) gets the exchangers' real addresses;
#   - the same through ECS from the trusted 127.0.0.1 (127.0.0.25/32: the
#     mail server; 192.0.2.0/24: another client), the scope echoed;
#   - with the caches on, the mail server then another client and the
#     reverse, for the same name within the cache lifetime, UDP and TCP,
#     and by ECS: no answer crosses over;
#   - the relay's address was resolved from the upstream.
# Then a third daemon with data/rules/smarthost-addr.conf (relay given as
# the addresses 192.0.2.251 192.0.2.252, mail server 127.0.0.26) under a
# pdns with consistent-backends=no, whose MX questions still reach
# refract as ANY (which is why refract has no implicit MX):
#   - MX and its additional section, mx1 A = the relay addresses with
#     the exchanger's TTL, AAAA unchanged, mx.other.example rewritten;
#   - nomx.other.example: no MX, and its A stays real after its MX
#     question, for the mail server as for other clients;
#   - the web host is not rewritten.
# Finally the first daemon's config gets a rule inserted above the
# smarthost rule and is reloaded (SIGHUP): the exchanger it remembered is
# still rewritten, asked straight over its socket (no pdns cache between).
# shellcheck disable=SC2086  # $IN, $OUT, $MAIL...: dig argument lists
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_control pdns_server bindbackend remotebackend pipebackend python3

rules_fixtures
R=$IT_TMP/rules
start_upstream up "shop.example=$R/shop.example.zone" \
    "other.example=$R/other.example.zone" "isp.example=$R/isp.example.zone"
CONF=$(fwd_conf "$IT_DATA/rules/smarthost.conf" "$R/smarthost.conf")
SOCK1=$IT_TMP/r1.sock
SOCK2=$IT_TMP/r2.sock
start_daemon "$SOCK1" --listen "$SOCK1" --config "$CONF"
DPID1=$DAEMON_PID
DLOG1=$DAEMON_LOG
start_daemon "$SOCK2" --listen "$SOCK2" --config "$CONF"
# shellcheck disable=SC2034  # read by lib.sh
PDNS_CACHES=default
PDNS_EXTRA="edns-subnet-processing=yes
zone-cache-refresh-interval=0"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK1,timeout=2000"
pdns_save unix
start_pdns_pipe_socket "$IT_TMP/pipe" "$SOCK2" 5
pdns_save pipe

MAIL="-b 127.0.0.25"
OTHER="-b 127.0.0.1"
SOA='shop.example. 3600 IN SOA ns1.shop.example. hostmaster.shop.example. 2024070101 7200 900 1209600 3600'
OSOA='other.example. 3600 IN SOA ns1.shop.example. hostmaster.other.example. 7 3600 600 86400 3600'
for p in unix pipe; do
	pdns_select "$p"
	grep -q '^# pdns.s caches at their defaults' "$PDNS_DIR/pdns.conf" ||
	    fail "$p: pdns runs with its default caches"

	expect_fwd "$p: mail server, before any MX question: mx1 A is real" \
	    "$MAIL mx1.shop.example A" "
	    NOERROR qr aa
	    ans mx1.shop.example. 300 IN A 198.51.100.1"
	expect_fwd "$p: mail server: shop.example MX as upstream has it; additional as the mail server sees it" \
	    "$MAIL shop.example MX" "
	    NOERROR qr aa
	    ans shop.example. 3600 IN MX 10 mx1.shop.example.
	    ans shop.example. 3600 IN MX 20 mx6.shop.example.
	    ans shop.example. 3600 IN MX 30 mx.other.example.
	    add mx1.shop.example. 120 IN A 192.0.2.200
	    add mx1.shop.example. 120 IN A 192.0.2.201
	    add mx1.shop.example. 300 IN AAAA 2001:db8:25::1
	    add mx6.shop.example. 300 IN AAAA 2001:db8:25::6"
	expect_fwd "$p: mail server: exchanger mx1 A = the relay's addresses, TTL min(300, 120)" \
	    "$MAIL mx1.shop.example A" "
	    NOERROR qr aa
	    ans mx1.shop.example. 120 IN A 192.0.2.200
	    ans mx1.shop.example. 120 IN A 192.0.2.201"
	expect_fwd "$p: mail server: exchanger mx1 AAAA unchanged" \
	    "$MAIL mx1.shop.example AAAA" "
	    NOERROR qr aa
	    ans mx1.shop.example. 300 IN AAAA 2001:db8:25::1"
	expect_fwd "$p: mail server: exchanger mx6 (AAAA only) gets no A" \
	    "$MAIL mx6.shop.example A" "
	    NOERROR qr aa
	    auth $SOA"
	expect_fwd "$p: mail server: exchanger mx6 AAAA unchanged" \
	    "$MAIL mx6.shop.example AAAA" "
	    NOERROR qr aa
	    ans mx6.shop.example. 300 IN AAAA 2001:db8:25::6"
	expect_fwd "$p: mail server: the exchanger in another zone: A = the relay's, TTL min(600, 120)" \
	    "$MAIL mx.other.example A" "
	    NOERROR qr aa
	    ans mx.other.example. 120 IN A 192.0.2.200
	    ans mx.other.example. 120 IN A 192.0.2.201"
	expect_fwd "$p: mail server: the exchanger in another zone: AAAA unchanged" \
	    "$MAIL mx.other.example AAAA" "
	    NOERROR qr aa
	    ans mx.other.example. 600 IN AAAA 2001:db8:25::30"
	expect_fwd "$p: mail server: the web host (not an exchanger) is not rewritten" \
	    "$MAIL www.shop.example A" "
	    NOERROR qr aa
	    ans www.shop.example. 300 IN A 198.51.100.80"
	expect_fwd "$p: mail server: a domain without MX: NODATA" \
	    "$MAIL nomx.other.example MX" "
	    NOERROR qr aa
	    auth $OSOA"
	expect_fwd "$p: mail server: ... and its A is not rewritten (no implicit MX)" \
	    "$MAIL nomx.other.example A" "
	    NOERROR qr aa
	    ans nomx.other.example. 300 IN A 198.51.100.99"
	expect_fwd "$p: another client: mx1 A is real" "$OTHER mx1.shop.example A" "
	    NOERROR qr aa
	    ans mx1.shop.example. 300 IN A 198.51.100.1"
	expect_fwd "$p: another client: mx.other.example A is real" \
	    "$OTHER mx.other.example A" "
	    NOERROR qr aa
	    ans mx.other.example. 600 IN A 198.51.100.30"
	expect_fwd "$p: another client: the MX answer's additional section is real" \
	    "$OTHER shop.example MX" "
	    NOERROR qr aa
	    ans shop.example. 3600 IN MX 10 mx1.shop.example.
	    ans shop.example. 3600 IN MX 20 mx6.shop.example.
	    ans shop.example. 3600 IN MX 30 mx.other.example.
	    add mx1.shop.example. 300 IN A 198.51.100.1
	    add mx1.shop.example. 300 IN AAAA 2001:db8:25::1
	    add mx6.shop.example. 300 IN AAAA 2001:db8:25::6"

	dig_raw $OTHER +edns=0 +subnet=127.0.0.25/32 mx1.shop.example A
	check_eq "$p: ECS 127.0.0.25/32 from the trusted 127.0.0.1: the mail server, scope 32" \
	    "192.0.2.200,192.0.2.201 scope 32" "$(dig_answer_of A) scope $(dig_scope)"
	dig_raw $OTHER +edns=0 +subnet=192.0.2.0/24 mx1.shop.example A
	check_eq "$p: ECS 192.0.2.0/24 from the trusted 127.0.0.1: another client, scope 24" \
	    "198.51.100.1 scope 24" "$(dig_answer_of A) scope $(dig_scope)"
	dig_raw $MAIL +edns=0 +subnet=192.0.2.0/24 mx1.shop.example A
	check_eq "$p: ECS from the mail server itself (not trusted) is ignored: scope 32" \
	    "192.0.2.200,192.0.2.201 scope 32" "$(dig_answer_of A) scope $(dig_scope)"
done

# --- pdns's caches: no cross-over, either order, within the cache lifetime ---------------
RELAY=192.0.2.200,192.0.2.201
for p in unix pipe; do
	pdns_select "$p"
	views() { pdns_ctl purge >/dev/null 2>&1 || fail "$p: pdns_control purge"; expect_views "$@"; }
	views "$p: mx1 A, mail server first, alternating: no cross-over" \
	    A mx1.shop.example "$MAIL" "$RELAY" "$OTHER" 198.51.100.1
	views "$p: mx1 A, another client first: no cross-over" \
	    A mx1.shop.example "$OTHER" 198.51.100.1 "$MAIL" "$RELAY"
	views "$p: mx.other.example A, mail server first: no cross-over" \
	    A mx.other.example "$MAIL" "$RELAY" "$OTHER" 198.51.100.30
	views "$p: mx.other.example A, another client first: no cross-over" \
	    A mx.other.example "$OTHER" 198.51.100.30 "$MAIL" "$RELAY"
	views "$p: mx1 A, ECS mail server, then another client without ECS: no cross-over" \
	    A mx1.shop.example "$OTHER +edns=0 +subnet=127.0.0.25/32" "$RELAY" "$OTHER" 198.51.100.1
	views "$p: mx1 A, ECS another client, then ECS mail server: no cross-over" \
	    A mx1.shop.example "$OTHER +edns=0 +subnet=192.0.2.0/24" 198.51.100.1 \
	    "$OTHER +edns=0 +subnet=127.0.0.25/32" "$RELAY"
	# the MX answer's additional section, either order
	pdns_ctl purge >/dev/null 2>&1
	got=""
	for i in 1 2; do
		dig_raw $OTHER shop.example MX
		got="$got $(printf '%s\n' "$DIG_OUT" | norm_dig | awk '$1 == "add" && $5 == "A" { printf "%s,", $6 }')"
		dig_raw $MAIL shop.example MX
		got="$got $(printf '%s\n' "$DIG_OUT" | norm_dig | awk '$1 == "add" && $5 == "A" { printf "%s,", $6 }')"
	done
	check_eq "$p: the MX answer's additional A, another client first: no cross-over" \
	    " 198.51.100.1, 192.0.2.200,192.0.2.201, 198.51.100.1, 192.0.2.200,192.0.2.201," "$got"
done

check "the relay's address was resolved from the upstream ($(upstream_queries up smtp.isp.example A) queries)" \
    test "$(upstream_queries up smtp.isp.example A)" -ge 1

# --- the relay given as addresses ----------------------------------------------------------
CONF2=$(fwd_conf "$IT_DATA/rules/smarthost-addr.conf" "$R/smarthost-addr.conf")
SOCK3=$IT_TMP/r3.sock
start_daemon "$SOCK3" --listen "$SOCK3" --config "$CONF2"
PDNS_EXTRA="zone-cache-refresh-interval=0
consistent-backends=no"
start_pdns_remote "$IT_TMP/addr" "unix:path=$SOCK3,timeout=2000"
MAIL2="-b 127.0.0.26"
expect_fwd "addr: mail server: MX; additional: mx1's A = the relay addresses" \
    "$MAIL2 shop.example MX" "
    NOERROR qr aa
    ans shop.example. 3600 IN MX 10 mx1.shop.example.
    ans shop.example. 3600 IN MX 20 mx6.shop.example.
    ans shop.example. 3600 IN MX 30 mx.other.example.
    add mx1.shop.example. 300 IN A 192.0.2.251
    add mx1.shop.example. 300 IN A 192.0.2.252
    add mx1.shop.example. 300 IN AAAA 2001:db8:25::1
    add mx6.shop.example. 300 IN AAAA 2001:db8:25::6"
expect_fwd "addr: mail server: mx1 A = the relay addresses, the exchanger's TTL" \
    "$MAIL2 mx1.shop.example A" "
    NOERROR qr aa
    ans mx1.shop.example. 300 IN A 192.0.2.251
    ans mx1.shop.example. 300 IN A 192.0.2.252"
expect_fwd "addr: mail server: mx1 AAAA unchanged" "$MAIL2 mx1.shop.example AAAA" "
    NOERROR qr aa
    ans mx1.shop.example. 300 IN AAAA 2001:db8:25::1"
expect_fwd "addr: mail server: mx6 (AAAA only) gets no A" "$MAIL2 mx6.shop.example A" "
    NOERROR qr aa
    auth $SOA"
expect_fwd "addr: mail server: the exchanger in another zone: A = the relay addresses" \
    "$MAIL2 mx.other.example A" "
    NOERROR qr aa
    ans mx.other.example. 600 IN A 192.0.2.251
    ans mx.other.example. 600 IN A 192.0.2.252"
expect_fwd "addr: mail server: the web host is not rewritten" "$MAIL2 www.shop.example A" "
    NOERROR qr aa
    ans www.shop.example. 300 IN A 198.51.100.80"
expect_fwd "addr: mail server: a domain without MX: its MX question is NODATA" \
    "$MAIL2 nomx.other.example MX" "
    NOERROR qr aa
    auth $OSOA"
expect_fwd "addr: mail server: ... and its A stays real (no implicit MX)" \
    "$MAIL2 nomx.other.example A" "
    NOERROR qr aa
    ans nomx.other.example. 300 IN A 198.51.100.99"
expect_fwd "addr: another client: nomx.other.example A is real" \
    "$OTHER nomx.other.example A" "
    NOERROR qr aa
    ans nomx.other.example. 300 IN A 198.51.100.99"
expect_fwd "addr: another client: mx1 A is real" "$OTHER mx1.shop.example A" "
    NOERROR qr aa
    ans mx1.shop.example. 300 IN A 198.51.100.1"

# --- the exchanger memory survives a reload that moves the rule -----------------------
# (the "unix" daemon remembers mx.other.example from the MX questions above;
# asked over its socket, so that no pdns cache stands in between)
ask_mx_other() {
	printf '%s\n' '{"method":"lookup","parameters":{"qname":"mx.other.example.","qtype":"ANY","zone-id":-1,"remote":"127.0.0.25","local":"127.0.0.1","real-remote":"127.0.0.25/32"}}' |
	    sock_ask "$SOCK1" | python3 -c '
import json, sys
print(" ".join(sorted(r["content"] for r in json.loads(sys.stdin.read())["result"] if r["qtype"] == "A")))' 2>&1
}
check_eq "before the reload: the remembered exchanger's A is the relay's" \
    "192.0.2.200 192.0.2.201" "$(ask_mx_other)"
{ printf 'rule first {\n\tname moved.invalid\n\tforward up\n}\n'; cat "$CONF"; } >"$CONF.new" &&
    mv "$CONF.new" "$CONF" || die "rewrite $CONF"
check "the reload with a rule inserted above the smarthost rule succeeded" \
    hup_reloaded "$DPID1" "$DLOG1"
check_eq "after the reload: the exchanger is still remembered (its A is the relay's)" \
    "192.0.2.200 192.0.2.201" "$(ask_mx_other)"
finish
