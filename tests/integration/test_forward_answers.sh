#!/bin/bash
# Forwarding to a real authoritative upstream: a second pdns_server with
# the bind backend (data/forward/example.net.zone, example.org.zone)
# answers refract's typed queries (`recursion no`); the pdns under test
# believes it is authoritative for the forwarded names.  Two pdns under
# test, both with their caches off:
#   "unix": launch=remote over the refract daemon's socket (zone cache on),
#           config data/forward/answers.conf plus a rule forwarding the root;
#   "pipe": launch=pipe, ABI 5, refract as coprocess with answers.conf.
# Checks, for both:
#   - A, AAAA, MX with the exchangers' A/AAAA as additional data (from
#     upstream), TXT with several strings, SRV with its target's A, a
#     CNAME that pdns follows, the apex SOA and NS (with additional), a
#     name asked over TCP and in mixed case, a second upstream zone;
#   - NXDOMAIN and NODATA with the SOA in the authority section and the aa
#     flag; a wildcard the upstream synthesises;
#   - a referral (NS, no aa) for names under the delegation sub.example.net,
#     the DS at the cut authoritative; the referral's in-bailiwick glue as
#     the upstream itself gives it;
#   - corp.example.net (configured suffix; not an apex upstream, only an A
#     record) and names under it answered, not REFUSED;
#   - the empty non-terminal _tcp (above _sip._tcp) is NODATA over remote
#     (NXDOMAIN over PIPE, which cannot say ENT: README);
# and:
#   - pdns_control list-zones / pdnsutil list-all-zones (getAllDomains)
#     list the forwarded suffixes, never the root; example.net has the
#     rule's id 77;
#   - a remote pdns whose only forwarded suffix is corp.example.net (not an
#     apex upstream) answers it (pdns's zone cache fetches the zone's SOA
#     as an ANY of the suffix), no REFUSED;
#   - no backend errors in the pdns logs, the daemon and the pipe
#     coprocesses are the processes they were at the start.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_control pdnsutil pdns_server bindbackend remotebackend pipebackend python3

{ mkdir -p "$IT_TMP/forward" && cp "$IT_DATA"/forward/*.zone "$IT_TMP/forward/"; } ||
    die "copy fixtures"
start_upstream up "example.net=$IT_TMP/forward/example.net.zone" \
    "example.org=$IT_TMP/forward/example.org.zone"
CONF=$(fwd_conf "$IT_DATA/forward/answers.conf")
{
	cat "$CONF"
	printf '\n# the root: never listed by getAllDomains\nrule rest { forward up }\n'
} >"$IT_TMP/forward/answers-root.conf"

SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$IT_TMP/forward/answers-root.conf"
DPID=$DAEMON_PID
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"
pdns_save unix
start_pdns "$IT_TMP/pipe" 5 --config "$CONF"
pdns_save pipe
PIPE_KIDS=$(refract_pids)

SOA='example.net. 3600 IN SOA ns1.example.net. hostmaster.example.net. 2024060101 7200 900 1209600 3600'
for p in unix pipe; do
	pdns_select "$p"
	expect_fwd "$p: A" "www.example.net A" "
	    NOERROR qr aa
	    ans www.example.net. 300 IN A 192.0.2.10"
	expect_fwd "$p: AAAA over TCP" "+tcp www.example.net AAAA" "
	    NOERROR qr aa
	    ans www.example.net. 300 IN AAAA 2001:db8::10"
	expect_fwd "$p: mixed case, answered in the query's case" "WwW.ExAmple.NET A" "
	    NOERROR qr aa
	    ans WwW.ExAmple.NET. 300 IN A 192.0.2.10"
	expect_fwd "$p: MX, the exchangers' A/AAAA in additional" "example.net MX" "
	    NOERROR qr aa
	    ans example.net. 3600 IN MX 10 mail.example.net.
	    ans example.net. 3600 IN MX 20 mx2.example.net.
	    add mail.example.net. 600 IN A 192.0.2.25
	    add mail.example.net. 600 IN AAAA 2001:db8::25
	    add mx2.example.net. 600 IN A 192.0.2.26
	    add mx2.example.net. 600 IN AAAA 2001:db8::26"
	expect_fwd "$p: TXT with three strings" "txt.example.net TXT" '
	    NOERROR qr aa
	    ans txt.example.net. 3600 IN TXT "first string" "second string" "third; with \"quotes\""'
	expect_fwd "$p: SRV, the target's A in additional" "_sip._tcp.example.net SRV" "
	    NOERROR qr aa
	    ans _sip._tcp.example.net. 3600 IN SRV 10 20 5060 sip.example.net.
	    add sip.example.net. 300 IN A 192.0.2.60"
	expect_fwd "$p: CNAME, followed by pdns" "alias.example.net A" "
	    NOERROR qr aa
	    ans alias.example.net. 300 IN CNAME www.example.net.
	    ans www.example.net. 300 IN A 192.0.2.10"
	expect_fwd "$p: apex SOA" "example.net SOA" "
	    NOERROR qr aa
	    ans $SOA"
	expect_fwd "$p: apex NS, the servers' A in additional" "example.net NS" "
	    NOERROR qr aa
	    ans example.net. 3600 IN NS ns1.example.net.
	    ans example.net. 3600 IN NS ns2.example.net.
	    add ns1.example.net. 3600 IN A 192.0.2.53
	    add ns2.example.net. 3600 IN A 192.0.2.54"
	expect_fwd "$p: NXDOMAIN with the SOA" "nope.example.net A" "
	    NXDOMAIN qr aa
	    auth $SOA"
	expect_fwd "$p: NODATA with the SOA" "www.example.net MX" "
	    NOERROR qr aa
	    auth $SOA"
	expect_fwd "$p: a wildcard synthesised upstream" "foo.wild.example.net A" "
	    NOERROR qr aa
	    ans foo.wild.example.net. 120 IN A 192.0.2.99"
	expect_fwd "$p: a second upstream zone" "www.example.org A" "
	    NOERROR qr aa
	    ans www.example.org. 60 IN A 198.51.100.1"
	# the referral: header and authority here, the glue separately
	dig_raw host.sub.example.net A
	check_eq "$p: referral for a name under the delegation (NS, no aa)" \
	    "NOERROR qr
auth sub.example.net. 3600 IN NS ns.elsewhere.example.
auth sub.example.net. 3600 IN NS ns.sub.example.net." \
	    "$(printf '%s\n' "$DIG_OUT" | norm_dig | grep -v '^add ')"
	check_eq "$p: the referral carries the in-bailiwick glue, as the upstream's own referral does" \
	    "add ns.sub.example.net. 3600 IN A 192.0.2.77
add ns.sub.example.net. 3600 IN AAAA 2001:db8::77" \
	    "$(printf '%s\n' "$DIG_OUT" | norm_dig | grep '^add ')"
	expect_fwd "$p: the DS at the cut is authoritative" "sub.example.net DS" "
	    NOERROR qr aa
	    ans sub.example.net. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	expect_fwd "$p: corp.example.net (a suffix, not an apex upstream)" \
	    "corp.example.net A" "
	    NOERROR qr aa
	    ans corp.example.net. 300 IN A 203.0.113.1"
	expect_fwd "$p: a name under corp.example.net" "www.corp.example.net A" "
	    NOERROR qr aa
	    ans www.corp.example.net. 300 IN A 203.0.113.2"
done
check_eq "the upstream itself gives the glue with its referral (sanity)" \
    "add ns.sub.example.net. 3600 IN A 192.0.2.77
add ns.sub.example.net. 3600 IN AAAA 2001:db8::77" \
    "$(dig @127.0.0.1 -p "${UP_PORT[up]}" +norec +noedns +time=3 +tries=1 \
    host.sub.example.net A | norm_dig | grep '^add ')"

pdns_select unix
expect_fwd "unix: the empty non-terminal _tcp is NODATA" "_tcp.example.net TXT" "
    NOERROR qr aa
    auth $SOA"
pdns_select pipe
expect_fwd "pipe: the empty non-terminal _tcp is NXDOMAIN (PIPE cannot say ENT)" \
    "_tcp.example.net TXT" "
    NXDOMAIN qr aa
    auth $SOA"

# --- getAllDomains: the forwarded suffixes, never the root ---------------------------
pdns_select unix
out=$(timeout 20 pdns_control --config-dir="$PDNS_DIR" --socket-dir="$PDNS_DIR" \
    list-zones 2>&1)
check_eq "pdns_control list-zones: the forwarded suffixes, not the root" \
    "corp.example.net.
example.net.
example.org." "$(printf '%s\n' "$out" | grep -v '^All zonecount' | LC_ALL=C sort)"
out=$(timeout 20 pdnsutil --config-dir="$PDNS_DIR" list-all-zones 2>/dev/null)
check_eq "pdnsutil list-all-zones: the same" \
    "corp.example.net
example.net
example.org" "$(printf '%s\n' "$out" | grep -v '^$' | LC_ALL=C sort)"
out=$(printf '%s\n' '{"method":"getAllDomains","parameters":{"include_disabled":true}}' |
    sock_ask "$SOCK" | python3 -c '
import json, sys
for d in sorted(json.loads(sys.stdin.read())["result"], key=lambda d: d["zone"]):
    print(d["zone"], d["kind"], "id=77" if d["id"] == 77 else
          "id>0" if isinstance(d["id"], int) and d["id"] > 0 else "id=%r" % d["id"],
          "serial>=0" if isinstance(d["serial"], int) and d["serial"] >= 0 else d["serial"])' 2>&1)
check_eq "getAllDomains over the socket: ids (example.net: the rule's 77), no root" \
    "corp.example.net. native id>0 serial>=0
example.net. native id=77 serial>=0
example.org. native id>0 serial>=0" "$out"

for p in unix pipe; do
	pdns_select "$p"
	pdns_log_clean "$p: pdns.log shows no backend error"
done
pdns_select pipe
check_eq "pipe: the refract coprocesses are the ones pdns started" \
    "$PIPE_KIDS" "$(refract_pids)"
check_eq "the daemon is the process it was" "$DPID alive" \
    "$DAEMON_PID $(alive "$DAEMON_PID" && echo alive)"

# --- only a suffix that is not an apex upstream, over remote ---------------------------
# pdns's zone cache lists corp.example.net and fetches its SOA as
# `lookup ANY corp.example.net.` (zone-id from getAllDomains, 0.0.0.0)
cat >"$IT_TMP/forward/corp-only.conf" <<EOC
upstream up { server 127.0.0.1:${UP_PORT[up]}; timeout 300ms; tries 2; recursion no }
rule corp { name corp.example.net; forward up }
EOC
SOCK2=$IT_TMP/corp.sock
start_daemon "$SOCK2" --listen "$SOCK2" --config "$IT_TMP/forward/corp-only.conf"
start_pdns_remote "$IT_TMP/corp" "unix:path=$SOCK2,timeout=2000"
CORP_SOA='corp.example.net. 3600 IN SOA ns1.example.net. hostmaster.example.net. 2024060101 7200 900 1209600 3600'
expect_fwd "corp only, remote: the suffix itself is answered (not REFUSED)" \
    "corp.example.net A" "
    NOERROR qr aa
    ans corp.example.net. 300 IN A 203.0.113.1"
expect_fwd "corp only, remote: a name under it" "www.corp.example.net A" "
    NOERROR qr aa
    ans www.corp.example.net. 300 IN A 203.0.113.2"
expect_fwd "corp only, remote: NXDOMAIN under it, with the suffix's SOA" \
    "nope.corp.example.net A" "
    NXDOMAIN qr aa
    auth $CORP_SOA"
expect_dig "corp only, remote: example.net itself is not served" \
    "www.example.net A" "REFUSED qr"
finish
