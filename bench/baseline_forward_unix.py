#!/usr/bin/env python3
"""Baseline for the forwarding benchmark: a PowerDNS remote backend on a
unix socket that forwards every lookup to an upstream server, as it is
usually written: socketserver with one thread per pdns connection, and for
each lookup one plain UDP query per record type, one after the other
(no cache, no parallelism: the typical shape of such a script).

    baseline_forward_unix.py ZONE UPSTREAM_HOST:PORT /path/backend.sock
    remote-connection-string=unix:path=/path/backend.sock

An ANY lookup (what pdns asks) is answered by asking the upstream the same
types refract's forward rule fans out to (A AAAA CNAME MX TXT SRV CAA NS
PTR HTTPS NAPTR DS), plus SOA at the zone apex; another qtype is asked as
is.  Records owned by exactly the asked name are returned (NS below the
apex with auth 0, a delegation); a failure or timeout answers without
"result", which pdns turns into SERVFAIL.  Python 3 standard library only.
"""
import json
import os
import random
import socket
import socketserver
import struct
import sys

ANY_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR",
             "HTTPS", "NAPTR", "DS"]
CODES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "SRV": 33, "NAPTR": 35, "DS": 43,
         "HTTPS": 65, "CAA": 257}
NAMES = {v: k for k, v in CODES.items()}
ZONE = "slow.example."
ZONE_ID = 1
UPSTREAM = ("127.0.0.1", 53)
TIMEOUT = 1.0


class Failed(Exception):
    pass


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(data, off):
    labels, end, jumped = [], None, 0
    while True:
        n = data[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | data[off + 1]
            jumped += 1
            if jumped > 64:
                raise Failed("compression loop")
            continue
        off += 1
        if n == 0:
            break
        labels.append(data[off:off + n].decode("latin-1"))
        off += n
    return ".".join(labels).lower() + ".", (end if end is not None else off)


def rdata_text(data, off, rdlen, rtype):
    rd = data[off:off + rdlen]
    if rtype == 1:
        return socket.inet_ntop(socket.AF_INET, rd)
    if rtype == 28:
        return socket.inet_ntop(socket.AF_INET6, rd)
    if rtype in (2, 5, 12):
        return read_name(data, off)[0]
    if rtype == 15:
        return "%d %s" % (struct.unpack("!H", rd[:2])[0],
                          read_name(data, off + 2)[0])
    if rtype == 16:
        out, i = [], 0
        while i < len(rd):
            n = rd[i]
            s = rd[i + 1:i + 1 + n].decode("latin-1")
            out.append('"%s"' % s.replace("\\", "\\\\").replace('"', '\\"'))
            i += 1 + n
        return " ".join(out)
    if rtype == 6:
        mname, o = read_name(data, off)
        rname, o = read_name(data, o)
        return "%s %s %d %d %d %d %d" % ((mname, rname) + struct.unpack(
            "!IIIII", data[o:o + 20]))
    if rtype == 33:
        prio, weight, port = struct.unpack("!HHH", rd[:6])
        return "%d %d %d %s" % (prio, weight, port, read_name(data, off + 6)[0])
    return None  # a type this script does not convert: skipped


def ask(name, qtype):
    """One UDP query; (rcode, aa, [(name, type, ttl, content)])."""
    qid = random.randrange(65536)
    pkt = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + wire_name(name) + \
        struct.pack("!HH", CODES[qtype], 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    try:
        s.sendto(pkt, UPSTREAM)
        while True:
            data = s.recv(65535)
            if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                break
    except socket.timeout:
        raise Failed("timeout asking %s %s" % (name, qtype))
    finally:
        s.close()
    _, flags, qd, an, ns, _ = struct.unpack("!HHHHHH", data[:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(data, off)
        off += 4
    rrs = []
    for _ in range(an + ns):
        owner, off = read_name(data, off)
        t, _, ttl, rdlen = struct.unpack("!HHIH", data[off:off + 10])
        off += 10
        content = rdata_text(data, off, rdlen, t)
        if content is not None and t in NAMES:
            rrs.append((owner, NAMES[t], ttl, content))
        off += rdlen
    return flags & 0xF, bool(flags & 0x0400), rrs


def lookup(qname, qtype):
    name = qname.lower()
    if not name.endswith("."):
        name += "."
    if name.startswith("*."):
        types = []  # pdns's wildcard search: the upstream synthesises its own
    elif qtype == "ANY":
        types = ANY_TYPES + (["SOA"] if name == ZONE else [])
    elif qtype in CODES:
        types = [qtype]
    else:
        types = []
    out = []
    for t in types:  # one round trip after the other
        rcode, aa, rrs = ask(name, t)
        if rcode not in (0, 3):
            raise Failed("rcode %d for %s %s" % (rcode, name, t))
        for owner, rtype, ttl, content in rrs:
            if owner != name or (rtype != t and t != "ANY"):
                continue
            delegation = rtype == "NS" and not aa
            out.append({"qname": qname, "qtype": rtype, "content": content,
                        "ttl": ttl, "domain_id": ZONE_ID,
                        "auth": 0 if delegation else 1})
    return out


def handle(req):
    method = req.get("method")
    params = req.get("parameters", {})
    if method == "initialize":
        return True
    if method == "lookup":
        return lookup(params["qname"], params["qtype"])
    if method == "getAllDomains":
        return [{"id": ZONE_ID, "zone": ZONE, "kind": "native", "serial": 0}]
    if method == "getDomainInfo":
        if params.get("name", "").lower() == ZONE:
            return {"id": ZONE_ID, "zone": ZONE, "kind": "native", "serial": 0}
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
                reply = {"result": handle(json.loads(line))}
            except Exception as e:  # no "result": pdns answers SERVFAIL
                reply = {"log": ["baseline: %s" % e]}
            self.wfile.write((json.dumps(reply) + "\n").encode())


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def main():
    global ZONE, UPSTREAM
    ZONE = sys.argv[1].lower().rstrip(".") + "."
    host, _, port = sys.argv[2].rpartition(":")
    UPSTREAM = (host, int(port))
    path = sys.argv[3]
    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
