#!/bin/bash
# TTL override (README "Rules", data/rules/ttl.conf): forwarded data from
# the real upstream (pdns_server, bind backend, data/rules/ttl.example.zone)
# and a zone file refract serves (data/rules/local.test.zone), through one
# refract daemon under a pdns with launch=remote over its socket (caches
# off, so every dig reaches refract):
#   - `ttl set 42`: an A (upstream 300) and a TXT of the name leave with 42;
#   - `ttl floor 100 cap 200`: 30 -> 100, 3600 -> 200, 150 stays 150;
#   - `ttl cap 5`: 30 -> 5;
#   - a name without a ttl filter keeps the upstream TTL (30, counting
#     down in refract's cache);
#   - `ttl set 77` on a `zones` rule: the zone file's 3600 -> 77;
#   - refract's cache keeps the upstream TTL, not the capped one: the
#     capped name (upstream TTL 30) asked again 10 s later is still
#     answered (TTL 5) from refract's cache: `cache-hits` grows, no new
#     upstream query for it.
. "$(dirname "$0")/lib.sh"
it_init "$@"
need dig pdns_server bindbackend remotebackend python3

rules_fixtures
R=$IT_TMP/rules
start_upstream up "ttl.example=$R/ttl.example.zone"
CONF=$(fwd_conf "$IT_DATA/rules/ttl.conf" "$R/ttl.conf")
SOCK=$IT_TMP/refract.sock
start_daemon "$SOCK" --listen "$SOCK" --config "$CONF"
start_pdns_remote "$IT_TMP/unix" "unix:path=$SOCK,timeout=2000"

expect_dig "ttl set 42: A (upstream 300)" "set.ttl.example A" "
    NOERROR qr aa
    ans set.ttl.example. 42 IN A 192.0.2.1"
expect_dig "ttl set 42: TXT (upstream 300)" "set.ttl.example TXT" '
    NOERROR qr aa
    ans set.ttl.example. 42 IN TXT "set"'
expect_dig "ttl floor 100: upstream 30 -> 100" "low.ttl.example A" "
    NOERROR qr aa
    ans low.ttl.example. 100 IN A 192.0.2.2"
expect_dig "ttl cap 200: upstream 3600 -> 200" "high.ttl.example A" "
    NOERROR qr aa
    ans high.ttl.example. 200 IN A 192.0.2.3"
FWD_TTL_SLACK=10 expect_fwd "ttl floor 100 cap 200: upstream 150 stays" "mid.ttl.example A" "
    NOERROR qr aa
    ans mid.ttl.example. 150 IN A 192.0.2.4"
FWD_TTL_SLACK=10 expect_fwd "no ttl filter: the upstream TTL (30)" "plain.ttl.example A" "
    NOERROR qr aa
    ans plain.ttl.example. 30 IN A 192.0.2.6"
expect_dig "ttl set 77 on zone-file data (3600 in the file)" "www.local.test A" "
    NOERROR qr aa
    ans www.local.test. 77 IN A 192.0.2.80"

# --- refract's cache keeps the upstream TTL ----------------------------------------------
expect_dig "ttl cap 5: upstream 30 -> 5" "cap.ttl.example A" "
    NOERROR qr aa
    ans cap.ttl.example. 5 IN A 192.0.2.5"
up1=$(upstream_queries up cap.ttl.example A)
hits1=$(daemon_stat "$SOCK" cache-hits)
say "waiting 10 s (longer than the capped TTL, shorter than upstream's 30)"
sleep 10
expect_dig "ttl cap 5: 10 s later, still 5" "cap.ttl.example A" "
    NOERROR qr aa
    ans cap.ttl.example. 5 IN A 192.0.2.5"
up2=$(upstream_queries up cap.ttl.example A)
hits2=$(daemon_stat "$SOCK" cache-hits)
check_eq "10 s later: no new upstream query for cap.ttl.example A (refract's cache keeps the 30 s)" \
    "$up1" "$up2"
check "10 s later: answered from refract's cache: cache-hits $hits1 -> $hits2" \
    test "$hits1" != "?" -a "$hits2" != "?" -a "$hits2" -gt "$hits1"
check "the upstream was asked for cap.ttl.example A at all ($up1)" test "$up1" -ge 1
finish
