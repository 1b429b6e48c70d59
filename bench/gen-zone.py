#!/usr/bin/env python3
"""Generate the benchmark zone and query mix (deterministic, seeded).

Writes into OUTDIR:
  bench.example.zone   the zone in RFC 1035 master-file syntax: explicit
                       records only (no $GENERATE), relative owner names,
                       $TTL plus per-record TTLs where they differ
  bench.example.tsv    the same records as "name<TAB>type<TAB>ttl<TAB>content"
                       (absolute lowercase names without the trailing dot,
                       content in presentation form): the simple data file
                       the Python baselines load
  queries.txt          dnsperf input ("name type" per line): 45% A, 25% AAAA
                       and 20% MX at names that hold such records, 10% A at
                       names that do not exist
  meta.json            counts and the parameters used

The zone is meant to look like a real, large corporate/hosting zone: hosts
with A (most), AAAA (about half), TXT (verification strings, SPF), MX
(to a pool of in-zone mail exchangers or to outside providers), CNAME
aliases, SRV records below _service._proto labels, and NS delegations with
in-bailiwick glue. About a fifth of the names sit one level deeper, under
department labels (which are then empty non-terminals).

Usage: gen-zone.py [--records N] [--queries N] [--seed S] OUTDIR
"""
import argparse
import json
import os
import random
import sys

ORIGIN = "bench.example"
PREFIXES = ["host", "srv", "web", "db", "app", "vpn", "node", "api", "cdn",
            "gw", "lb", "build", "ci", "printer", "desk", "cache", "kube",
            "mon", "log", "store", "files", "git", "wiki", "auth", "proxy"]
DEPTS = ["eng", "ops", "corp", "lab", "dc1", "dc2", "dc3", "edge", "lon",
         "nyc", "fra", "sgp", "dev", "stage", "qa", "sales", "hr", "fin",
         "mkt", "sec", "it", "data", "ml", "video", "voice", "backup",
         "iot", "guest", "mgmt", "oob"]
EXT_MX = ["mx1.mailprovider.test.", "mx2.mailprovider.test.",
          "inbound.mailhost.test.", "aspmx.mail-relay.test."]
EXT_CNAME = ["edge.cdnprovider.test.", "lb.cloudhost.test.",
             "pages.webhost.test.", "d1.objectstore.test."]
SRV_SVC = ["_sip._tcp", "_sip._udp", "_xmpp-server._tcp", "_ldap._tcp",
           "_kerberos._udp", "_imaps._tcp", "_submission._tcp"]
B32 = "abcdefghijklmnopqrstuvwxyz0123456789"

# kind: (weight, records, names)
KINDS = [
    ("a", 30),          # A
    ("a6", 22),         # A + AAAA
    ("a6txt", 5),       # A + AAAA + TXT
    ("mx2", 7),         # A + 2 MX + TXT (SPF)
    ("mx1", 5),         # A + MX
    ("cname", 18),      # CNAME
    ("srv", 5),         # 2 SRV at _svc._proto.<name>
    ("txt", 4),         # TXT only
    ("deleg", 4),       # NS x2 at child + glue A x2 (3 names, 4 records)
]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("outdir")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)

    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    recs = []            # (relname, type, ttl, content)
    used = set()
    a_names, aaaa_names, mx_names = [], [], []
    names = set()
    counter = [0]

    def fresh_name(deep_ok=True):
        while True:
            counter[0] += 1
            label = "%s-%d" % (rng.choice(PREFIXES), rng.randrange(1, 10**7))
            if deep_ok and rng.random() < 0.2:
                label += "." + rng.choice(DEPTS)
            if label not in used:
                used.add(label)
                return label

    def ip4():
        return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256),
                                rng.randrange(1, 255))

    def ip6():
        return "2001:db8:%x:%x::%x" % (rng.randrange(65536),
                                       rng.randrange(65536),
                                       rng.randrange(1, 65536))

    def ttl():
        return rng.choice((300, 300, 300, 3600, 3600, 86400))

    def rand_txt(n):
        return "".join(rng.choice(B32) for _ in range(n))

    def add(name, typ, t, content):
        recs.append((name, typ, t, content))
        names.add(name)

    # apex
    serial = 2024010101
    add("@", "SOA", 3600, "ns1.%s. hostmaster.%s. %d 3600 600 604800 300"
        % (ORIGIN, ORIGIN, serial))
    for i in (1, 2, 3):
        add("@", "NS", 86400, "ns%d.%s." % (i, ORIGIN))
    add("@", "MX", 3600, "10 mx1.%s." % ORIGIN)
    add("@", "MX", 3600, "20 mx2.%s." % ORIGIN)
    add("@", "TXT", 3600, '"v=spf1 mx ip4:10.0.0.0/8 -all"')
    add("@", "A", 300, "10.0.0.1")
    add("@", "AAAA", 300, "2001:db8::1")
    for i in (1, 2, 3):
        n = "ns%d" % i
        used.add(n)
        add(n, "A", 86400, "10.0.0.%d" % (10 + i))
        add(n, "AAAA", 86400, "2001:db8::%d" % (10 + i))
        a_names.append(n)
        aaaa_names.append(n)
    # pool of in-zone mail exchangers
    mx_pool = []
    for i in range(1, max(3, a.records // 5000) + 1):
        n = "mx%d" % i
        used.add(n)
        add(n, "A", 3600, ip4())
        a_names.append(n)
        mx_pool.append(n)
    mx_names.append("@")
    add("*.wild", "A", 300, "10.99.99.99")
    used.add("*.wild")

    hosts = []
    while len(recs) < a.records:
        k = rng.choices(kinds, weights)[0]
        if k == "deleg":
            n = "zone-%d" % rng.randrange(1, 10**7)
            if n in used:
                continue
            used.add(n)
            t = 86400
            add(n, "NS", t, "ns1.%s.%s." % (n, ORIGIN))
            add(n, "NS", t, "ns2.%s.%s." % (n, ORIGIN))
            add("ns1." + n, "A", t, ip4())
            add("ns2." + n, "A", t, ip4())
            continue
        if k == "srv":
            if not hosts:
                continue
            h = rng.choice(hosts)
            n = "%s.%s" % (rng.choice(SRV_SVC), h)
            if n in used:
                continue
            used.add(n)
            port = rng.choice((5060, 5269, 389, 88, 993, 587))
            add(n, "SRV", 3600, "10 60 %d %s.%s." % (port, h, ORIGIN))
            add(n, "SRV", 3600, "20 40 %d %s.%s." % (port, rng.choice(hosts),
                                                     ORIGIN))
            continue
        n = fresh_name()
        if k == "cname":
            if hosts and rng.random() < 0.75:
                target = "%s.%s." % (rng.choice(hosts), ORIGIN)
            else:
                target = rng.choice(EXT_CNAME)
            add(n, "CNAME", ttl(), target)
            continue
        if k == "txt":
            add(n, "TXT", 3600, '"site-verification=%s"' % rand_txt(43))
            continue
        t = ttl()
        add(n, "A", t, ip4())
        a_names.append(n)
        hosts.append(n)
        if k in ("a6", "a6txt"):
            add(n, "AAAA", t, ip6())
            aaaa_names.append(n)
        if k == "a6txt":
            add(n, "TXT", 3600, '"id=%s" "owner=%s"' % (rand_txt(16),
                                                        rng.choice(DEPTS)))
        if k in ("mx1", "mx2"):
            mx_names.append(n)
            if rng.random() < 0.7:
                add(n, "MX", 3600, "10 %s.%s." % (rng.choice(mx_pool), ORIGIN))
                if k == "mx2":
                    add(n, "MX", 3600, "20 %s.%s." % (rng.choice(mx_pool),
                                                      ORIGIN))
            else:
                add(n, "MX", 3600, "10 %s" % EXT_MX[0 if k == "mx2" else 2])
                if k == "mx2":
                    add(n, "MX", 3600, "20 %s" % EXT_MX[1])
        if k == "mx2":
            add(n, "TXT", 3600, '"v=spf1 mx -all"')

    # zone file, grouped by owner in generation order (as a human-kept
    # or exported zone would be)
    zpath = os.path.join(a.outdir, "bench.example.zone")
    tpath = os.path.join(a.outdir, "bench.example.tsv")
    with open(zpath + ".tmp", "w") as z, open(tpath + ".tmp", "w") as tsv:
        z.write("; bench.example: generated by bench/gen-zone.py --records %d"
                " --seed %d\n" % (a.records, a.seed))
        z.write("$ORIGIN %s.\n$TTL 3600\n" % ORIGIN)
        prev = None
        for name, typ, t, content in recs:
            owner = name if name != prev else ""
            prev = name
            ttl_s = "" if t == 3600 else str(t)
            z.write("%-24s %-6s IN %-5s %s\n" % (owner, ttl_s, typ, content))
            absn = ORIGIN if name == "@" else "%s.%s" % (name, ORIGIN)
            tsv.write("%s\t%s\t%d\t%s\n" % (absn, typ, t, content))
    os.replace(zpath + ".tmp", zpath)
    os.replace(tpath + ".tmp", tpath)

    def absq(n):
        return ORIGIN if n == "@" else "%s.%s" % (n, ORIGIN)

    qs = []
    nq = a.queries
    for _ in range(int(nq * 0.45)):
        qs.append("%s A" % absq(rng.choice(a_names)))
    for _ in range(int(nq * 0.25)):
        qs.append("%s AAAA" % absq(rng.choice(aaaa_names)))
    for _ in range(int(nq * 0.20)):
        qs.append("%s MX" % absq(rng.choice(mx_names)))
    while len(qs) < nq:
        n = "%s-%s" % (rng.choice(PREFIXES), rand_txt(rng.randrange(5, 10)))
        if n in used:
            continue
        qs.append("%s A" % absq(n))
    rng.shuffle(qs)
    qpath = os.path.join(a.outdir, "queries.txt")
    with open(qpath + ".tmp", "w") as f:
        f.write("\n".join(qs) + "\n")
    os.replace(qpath + ".tmp", qpath)

    meta = {"origin": ORIGIN, "records": len(recs), "names": len(names),
            "queries": len(qs), "seed": a.seed, "serial": serial,
            "a_names": len(a_names), "aaaa_names": len(aaaa_names),
            "mx_names": len(mx_names)}
    with open(os.path.join(a.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print("gen-zone: %d records, %d names, %d queries -> %s"
          % (len(recs), len(names), len(qs), a.outdir), file=sys.stderr)


if __name__ == "__main__":
    main()
