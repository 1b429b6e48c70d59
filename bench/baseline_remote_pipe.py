#!/usr/bin/env python3
"""Baseline: a PowerDNS remote backend behind the pipe connector, as it is
usually written: read one JSON request per line from stdin, write one JSON
reply per line to stdout.

    remote-connection-string=pipe:command=/usr/bin/python3 /path/baseline_remote_pipe.py /path/zone.tsv
"""
import json
import sys
from collections import defaultdict

ZONE = "bench.example."
ZONE_ID = 1
SERIAL = 2024010101


def load(path):
    records = defaultdict(list)
    with open(path) as f:
        for line in f:
            name, qtype, ttl, content = line.rstrip("\n").split("\t", 3)
            records[name.lower() + "."].append((qtype, int(ttl), content))
    return records


def handle(records, req):
    method = req.get("method")
    params = req.get("parameters", {})
    if method == "initialize":
        return True
    if method == "lookup":
        qname = params["qname"]
        qtype = params["qtype"]
        return [{"qname": qname, "qtype": rtype, "content": content,
                 "ttl": ttl, "domain_id": ZONE_ID, "auth": 1}
                for rtype, ttl, content in records.get(qname.lower(), ())
                if qtype == "ANY" or qtype == rtype]
    if method == "getAllDomains":
        return [{"id": ZONE_ID, "zone": ZONE, "kind": "native",
                 "serial": SERIAL}]
    if method == "getDomainInfo":
        if params.get("name", "").lower() == ZONE:
            return {"id": ZONE_ID, "zone": ZONE, "kind": "native",
                    "serial": SERIAL}
        return False
    if method == "getAllDomainMetadata":
        return {}
    if method == "getDomainMetadata":
        return []
    return False


def main():
    records = load(sys.argv[1])
    for line in sys.stdin:
        try:
            result = handle(records, json.loads(line))
        except Exception as e:  # keep the stream in step
            sys.stderr.write("baseline: %s\n" % e)
            result = False
        sys.stdout.write(json.dumps({"result": result}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
