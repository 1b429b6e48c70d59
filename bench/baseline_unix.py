#!/usr/bin/env python3
"""Baseline: a PowerDNS remote backend on a unix socket, as it is usually
written: socketserver with one thread per connection, one JSON request per
line in, one JSON reply per line out.

    baseline_unix.py /path/zone.tsv /path/backend.sock
    remote-connection-string=unix:path=/path/backend.sock
"""
import json
import os
import socketserver
import sys
from collections import defaultdict

ZONE = "bench.example."
ZONE_ID = 1
SERIAL = 2024010101
records = defaultdict(list)


def load(path):
    with open(path) as f:
        for line in f:
            name, qtype, ttl, content = line.rstrip("\n").split("\t", 3)
            records[name.lower() + "."].append((qtype, int(ttl), content))


def handle(req):
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


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                result = handle(json.loads(line))
            except Exception as e:
                sys.stderr.write("baseline: %s\n" % e)
                result = False
            self.wfile.write((json.dumps({"result": result}) + "\n").encode())


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def main():
    load(sys.argv[1])
    path = sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
