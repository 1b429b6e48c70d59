#!/usr/bin/env python3
"""A slow authoritative DNS server for the forwarding benchmark
(bench/forward.py): every answer leaves after a fixed delay, and queries are
handled concurrently, so the delay does not serialise them.

    slowdns.py --port P [--zone slow.example] [--names N] [--delay-ms 20]
               [--log FILE]

UDP and TCP on 127.0.0.1:P, python3 standard library only (asyncio: each answer is
scheduled with call_later, so any number of queries wait at once).  It is
authoritative (AA) for one generated zone:

  - the apex: SOA (ns1.ZONE. hostmaster.ZONE. 1 3600 600 86400 3600, TTL
    3600) and NS ns1.ZONE.; ns1.ZONE has A 127.0.0.1;
  - n0.ZONE ... n(N-1).ZONE each have A 10.x.y.z (from the number),
    AAAA 2001:db8::x and TXT "slow nK"; every other type is NODATA;
  - any other name in the zone is NXDOMAIN, outside it REFUSED.
Negative answers carry the SOA in the authority section (negative TTL 3600,
RFC 2308), so a cache keeps them as long as the data.

Every query received is appended to --log as "NAME TYPE" (lower case, with
the trailing dot; TYPE as a mnemonic), before the delay: the benchmark
counts the upstream queries per (name, type) from it.  "ready PORT" is
printed on stdout once the socket is bound.
"""
import argparse
import asyncio
import signal
import socket
import struct
import sys

TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX",
         16: "TXT", 28: "AAAA", 33: "SRV", 35: "NAPTR", 43: "DS",
         65: "HTTPS", 255: "ANY", 257: "CAA"}


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner_wire, rtype, ttl, rdata):
    return owner_wire + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


class Zone:
    def __init__(self, origin, names):
        self.origin = origin.rstrip(".").lower() + "."
        self.names = names
        o = self.origin
        self.soa_rdata = (wire_name("ns1." + o) + wire_name("hostmaster." + o) +
                          struct.pack("!IIIII", 1, 3600, 600, 86400, 3600))

    def records(self, name):
        """{type: [rdata]} of name, or None if it does not exist."""
        o = self.origin
        if name == o:
            return {6: [self.soa_rdata], 2: [wire_name("ns1." + o)]}
        if name == "ns1." + o:
            return {1: [socket.inet_aton("127.0.0.1")]}
        first, _, rest = name.partition(".")
        if rest != o or len(first) < 2 or first[0] != "n" or \
                not first[1:].isdigit():
            return None
        k = int(first[1:])
        if k >= self.names or (len(first) > 2 and first[1] == "0"):
            return None
        txt = ("slow n%d" % k).encode()
        return {1: [struct.pack("!BBBB", 10, (k >> 16) & 255, (k >> 8) & 255,
                                k & 255)],
                28: [socket.inet_pton(socket.AF_INET6, "2001:db8::%x" % k)],
                16: [bytes([len(txt)]) + txt]}

    def in_zone(self, name):
        return name == self.origin or name.endswith("." + self.origin)


def parse_query(pkt):
    """(id, flags, name, question bytes, qtype) or None."""
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
    qtype = struct.unpack("!H", pkt[pos:pos + 2])[0]
    return qid, flags, ".".join(labels).lower() + ".", pkt[12:pos + 4], qtype


def answer(zone, q):
    qid, qflags, name, question, qtype = q
    flags = 0x8000 | (qflags & 0x0100)  # QR, RD copied
    an, ns = [], []
    if not zone.in_zone(name):
        rcode = 5  # REFUSED
    else:
        flags |= 0x0400  # AA
        recs = zone.records(name)
        owner = b"\xc0\x0c"  # the question name
        if recs is None:
            rcode = 3
        else:
            rcode = 0
            for t, rdatas in sorted(recs.items()):
                if t == qtype or qtype == 255:
                    an += [rr(owner, t, 3600, d) for d in rdatas]
        if not an:
            ns.append(rr(wire_name(zone.origin), 6, 3600, zone.soa_rdata))
    hdr = struct.pack("!HHHHHH", qid, flags | rcode, 1, len(an), len(ns), 0)
    return hdr + question + b"".join(an) + b"".join(ns)


class Server(asyncio.DatagramProtocol):
    def __init__(self, zone, delay, logf):
        self.zone, self.delay, self.logf = zone, delay, logf
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport):
        self.transport = transport

    def log(self, q):
        if self.logf is not None:
            self.logf.write("%s %s\n" % (q[2], TYPES.get(q[4], "TYPE%d" % q[4])))
            self.logf.flush()

    def datagram_received(self, data, addr):
        q = parse_query(data)
        if q is None:
            return
        self.log(q)
        reply = answer(self.zone, q)
        if self.delay > 0:
            self.loop.call_later(self.delay, self.transport.sendto, reply, addr)
        else:
            self.transport.sendto(reply, addr)


class TcpServer(asyncio.Protocol):
    """The same over TCP (RFC 7766 framing), for a client that retries a
    truncated answer or prefers TCP; pipelined queries are answered each
    after the delay."""

    def __init__(self, udp):
        self.udp, self.buf = udp, b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        while len(self.buf) >= 2:
            n = struct.unpack("!H", self.buf[:2])[0]
            if len(self.buf) < 2 + n:
                break
            pkt, self.buf = self.buf[2:2 + n], self.buf[2 + n:]
            q = parse_query(pkt)
            if q is None:
                continue
            self.udp.log(q)
            reply = answer(self.udp.zone, q)
            msg = struct.pack("!H", len(reply)) + reply
            self.udp.loop.call_later(self.udp.delay, self.send, msg)

    def send(self, msg):
        if not self.transport.is_closing():
            self.transport.write(msg)


async def serve(a):
    logf = open(a.log, "a") if a.log else None
    loop = asyncio.get_running_loop()
    udp = Server(Zone(a.zone, a.names), a.delay_ms / 1000.0, logf)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: udp, local_addr=("127.0.0.1", a.port))
    tcp = await loop.create_server(lambda: TcpServer(udp), "127.0.0.1", a.port)
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    print("ready %d" % sock.getsockname()[1], flush=True)
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    await stop
    transport.close()
    tcp.close()
    if logf is not None:
        logf.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--zone", default="slow.example")
    ap.add_argument("--names", type=int, default=1000000)
    ap.add_argument("--delay-ms", type=float, default=20.0)
    ap.add_argument("--log")
    a = ap.parse_args()
    asyncio.run(serve(a))


if __name__ == "__main__":
    sys.exit(main())
