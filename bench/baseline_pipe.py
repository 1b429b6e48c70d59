#!/usr/bin/env python3
"""Baseline: a PowerDNS PIPE backend (ABI 1) as it is usually written.

Loads the zone from a TSV file (name, type, ttl, content) into a dict,
answers the HELO, then loops over stdin one line at a time, writing DATA
lines and END and flushing after every answer.

    pipe-command=/usr/bin/python3 /path/baseline_pipe.py /path/zone.tsv
    pipe-abi-version=1
"""
import sys
from collections import defaultdict

ZONE_ID = 1


def load(path):
    records = defaultdict(list)
    with open(path) as f:
        for line in f:
            name, qtype, ttl, content = line.rstrip("\n").split("\t", 3)
            records[name.lower()].append((qtype, ttl, content))
    return records


def main():
    records = load(sys.argv[1])
    out = sys.stdout

    line = sys.stdin.readline()
    if not line.startswith("HELO"):
        out.write("FAIL\n")
        out.flush()
        return
    out.write("OK\tPython baseline backend\n")
    out.flush()

    while True:
        line = sys.stdin.readline()
        if not line:
            break
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "Q" and len(fields) >= 6:
            qname, qclass, qtype, qid = fields[1], fields[2], fields[3], fields[4]
            if qid == "-1":
                qid = str(ZONE_ID)
            for rtype, ttl, content in records.get(qname.lower(), ()):
                if qtype == "ANY" or qtype == rtype:
                    if rtype in ("MX", "SRV"):
                        # the priority is its own field in the PIPE protocol
                        prio, rest = content.split(" ", 1)
                        content = prio + "\t" + rest
                    out.write("DATA\t%s\t%s\t%s\t%s\t%s\t%s\n"
                              % (qname, qclass, rtype, ttl, qid, content))
            out.write("END\n")
        elif fields[0] == "AXFR":
            out.write("END\n")
        else:
            out.write("FAIL\n")
        out.flush()


if __name__ == "__main__":
    main()
