#!/usr/bin/env python3
"""A small fake authoritative DNS server for the integration tests: the
upstream faults a real server cannot produce, and a log of every query it
receives (so tests can count what reaches the upstream).

    fakedns.py --port P --zone fault.test [--log FILE] [--mode MODE]
               [--mode-file FILE] [--delay MS] [--ttl N] [--a ADDR]

UDP and TCP on 127.0.0.1:P (python3 standard library only).  It is
authoritative (aa) for one zone:

  - the apex has an SOA (ns1.ZONE. hostmaster.ZONE. 1 3600 600 86400 3600,
    TTL 3600) and an NS (ns1.ZONE.);
  - every name, the apex too, has A (--a, default 192.0.2.1),
    AAAA 2001:db8::1 and TXT "fake NAME"; other types are NODATA;
  - a name whose first label starts with "nx" is NXDOMAIN;
  - a first label "ttlN-..." gives its records TTL N (else --ttl, 300);
  - names outside the zone are REFUSED.
Negative answers carry the SOA in the authority section; with --auth-ns,
positive ones carry the zone's NS there (as NSD, Knot, or BIND with
minimal-responses off, send them).

What happens to a query is its MODE:

  answer    answer as above (the default)
  silence   never answer (UDP nor TCP)
  garbage   a reply with the right id and question but a malformed
            answer section (a resolver accepts it, a parser must reject it)
  noise     random bytes (a wrong id: the resolver ignores them)
  truncate  over UDP an empty reply with TC=1; over TCP the full answer
  servfail  rcode SERVFAIL
  refused   rcode REFUSED
  delay     answer after --delay MS (other queries are not held up)

The mode of a query is, in order: the first label's prefix before '-' if
it names a mode (silence.fault.test, servfail-2.fault.test), else the
first word of --mode-file if that file exists (so a test can switch the
whole server at run time), else --mode.

Every query received is logged to --log as one line "PROTO NAME TYPE
MODE" (PROTO udp or tcp, NAME lower case with the trailing dot), before it
is handled.  "ready PORT" is logged to stderr once both sockets listen.
"""
import argparse
import os
import random
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

MODES = ("answer", "silence", "garbage", "noise", "truncate", "servfail",
         "refused", "delay")
TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX",
         16: "TXT", 28: "AAAA", 33: "SRV", 35: "NAPTR", 43: "DS",
         65: "HTTPS", 255: "ANY", 257: "CAA"}

ARGS = None
LOG_LOCK = threading.Lock()


def log_query(proto, name, qtype, mode):
    if not ARGS.log:
        return
    line = "%s %s %s %s\n" % (proto, name, TYPES.get(qtype, "TYPE%d" % qtype),
                              mode)
    with LOG_LOCK:
        with open(ARGS.log, "a") as f:
            f.write(line)
            f.flush()


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def parse_query(pkt):
    """(id, flags, qname text, qname wire, qtype, qclass) or None."""
    if len(pkt) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    if qd != 1 or flags & 0x8000:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(pkt):
            return None
        n = pkt[pos]
        if n == 0:
            pos += 1
            break
        if n & 0xC0 or pos + 1 + n > len(pkt):
            return None
        labels.append(pkt[pos + 1:pos + 1 + n].decode("latin-1"))
        pos += 1 + n
    if pos + 4 > len(pkt):
        return None
    qtype, qclass = struct.unpack("!HH", pkt[pos:pos + 4])
    name = ".".join(labels).lower() + "."
    return qid, flags, name, pkt[12:pos + 4], qtype, qclass


def rr(owner, rtype, ttl, rdata):
    return wire_name(owner) + struct.pack("!HHIH", rtype, 1, ttl,
                                          len(rdata)) + rdata


def soa_rr(zone):
    rdata = (wire_name("ns1." + zone) + wire_name("hostmaster." + zone) +
             struct.pack("!IIIII", 1, 3600, 600, 86400, 3600))
    return rr(zone, 6, 3600, rdata)


def in_zone(name, zone):
    return name == zone or name.endswith("." + zone)


def mode_of(name):
    first = name.split(".")[0]
    prefix = first.split("-")[0]
    if prefix in MODES:
        return prefix
    if ARGS.mode_file:
        try:
            with open(ARGS.mode_file) as f:
                words = f.read().split()
            if words and words[0] in MODES:
                return words[0]
        except OSError:
            pass
    return ARGS.mode


def ttl_of(name):
    first = name.split(".")[0]
    if first.startswith("ttl"):
        digits = first[3:].split("-")[0]
        if digits.isdigit():
            return int(digits)
    return ARGS.ttl


def answer(q, tcp):
    """The reply to a parsed query, or None for no reply at all."""
    qid, flags, name, qwire, qtype, qclass = q
    zone = ARGS.zone
    mode = mode_of(name)
    log_query("tcp" if tcp else "udp", name, qtype, mode)
    rd = flags & 0x0100
    if mode == "silence":
        return None
    if mode == "noise":
        return bytes(random.getrandbits(8) for _ in range(random.randint(
            12, 64)))

    def header(rcode, an, ns, aa=True, tc=False):
        f = 0x8000 | rd | rcode | (0x0400 if aa else 0) | (0x0200 if tc
                                                            else 0)
        return struct.pack("!HHHHHH", qid, f, 1, an, ns, 0) + qwire

    if mode == "garbage":
        # ANCOUNT 1, then a compression pointer far beyond the packet and
        # too few bytes for the record's fixed part
        return header(0, 1, 0) + b"\xc0\xff\x00\x01\x00"
    if mode == "servfail":
        return header(2, 0, 0, aa=False)
    if mode == "refused":
        return header(5, 0, 0, aa=False)
    if mode == "truncate" and not tcp:
        return header(0, 0, 0, tc=True)
    if qclass != 1 or not in_zone(name, zone):
        return header(5, 0, 0, aa=False)
    ttl = ttl_of(name)
    answers = []
    if name == zone and qtype == 6:
        answers.append(soa_rr(zone))
    elif name == zone and qtype == 2:
        answers.append(rr(name, 2, 3600, wire_name("ns1." + zone)))
    elif name.split(".")[0].startswith("nx"):
        return header(3, 0, 1) + soa_rr(zone)
    elif qtype == 1:
        answers.append(rr(name, 1, ttl, socket.inet_pton(socket.AF_INET,
                                                         ARGS.a)))
    elif qtype == 28:
        answers.append(rr(name, 28, ttl, socket.inet_pton(
            socket.AF_INET6, "2001:db8::1")))
    elif qtype == 16:
        text = ("fake " + name).encode()[:255]
        answers.append(rr(name, 16, ttl, bytes([len(text)]) + text))
    if not answers:
        return header(0, 0, 1) + soa_rr(zone)
    if ARGS.auth_ns:
        # the zone's NS in the authority section of a positive answer,
        # as NSD, Knot or BIND (minimal-responses no) send it
        ns = rr(zone, 2, 3600, wire_name("ns1." + zone))
        return header(0, len(answers), 1) + b"".join(answers) + ns
    return header(0, len(answers), 0) + b"".join(answers)


def serve_udp(sock):
    while True:
        try:
            pkt, peer = sock.recvfrom(65535)
        except OSError:
            continue
        q = parse_query(pkt)
        if q is None:
            continue
        reply = answer(q, tcp=False)
        if reply is None:
            continue
        if mode_of(q[2]) == "delay":
            threading.Timer(ARGS.delay / 1000.0, sock.sendto,
                            (reply, peer)).start()
        else:
            sock.sendto(reply, peer)


class TCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(30)
        buf = b""
        try:
            while True:
                while len(buf) < 2:
                    chunk = s.recv(65535)
                    if not chunk:
                        return
                    buf += chunk
                n = struct.unpack("!H", buf[:2])[0]
                while len(buf) < 2 + n:
                    chunk = s.recv(65535)
                    if not chunk:
                        return
                    buf += chunk
                pkt, buf = buf[2:2 + n], buf[2 + n:]
                q = parse_query(pkt)
                if q is None:
                    return
                reply = answer(q, tcp=True)
                if reply is None:
                    continue      # silence: keep the connection, say nothing
                if mode_of(q[2]) == "delay":
                    time.sleep(ARGS.delay / 1000.0)
                s.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--zone", required=True)
    p.add_argument("--log")
    p.add_argument("--mode", default="answer", choices=MODES)
    p.add_argument("--mode-file")
    p.add_argument("--delay", type=int, default=500, help="ms")
    p.add_argument("--ttl", type=int, default=300)
    p.add_argument("--a", default="192.0.2.1")
    p.add_argument("--auth-ns", action="store_true",
                   help="add the zone's NS to the authority section of "
                   "positive answers")
    ARGS = p.parse_args()
    ARGS.zone = ARGS.zone.lower().rstrip(".") + "."
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", ARGS.port))
    tcp = TCPServer(("127.0.0.1", ARGS.port), TCPHandler)
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    print("ready %d" % ARGS.port, file=sys.stderr, flush=True)
    try:
        serve_udp(udp)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
