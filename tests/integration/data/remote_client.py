"""Small clients for the refract daemon's socket and for refract's remote
JSON over stdin/stdout, used by tests/integration/test_daemon_bad_input.sh.

    remote_client.py gen REQUESTS EXPECTED
        write the bad-input request lines (binary safe) and, one per line,
        the class of reply each must get
    remote_client.py ask SOCKET REQUESTS
        send each request on one connection, print the class of each reply
    remote_client.py classify < REPLIES
        print the class of each reply line
    remote_client.py stuck SOCKET PID trickle|burst N
        a client that asks for N big listings and never reads; meanwhile
        another client must be answered promptly; prints the daemon's
        memory growth
    remote_client.py pipeline SOCKET N
        N requests in one write, then read: N replies, in order
    remote_client.py disconnect SOCKET N
        N clients that ask for the big listing and go away mid-answer
    remote_client.py halfclose SOCKET
        ask for the big listing, shut down the sending side, read it all
    remote_client.py partial SOCKET
        half a request, another client served meanwhile, then the rest
    remote_client.py pipe SOCKET
        a connection whose first line is garbage is a PIPE one

Reply classes: TRUE, FALSE, FAILURE (an object without "result"),
RESULT:... (a record list, summarised), NOT-JSON, and for PIPE the raw
line.  Every wait is bounded (socket timeouts).
"""
import json
import os
import socket
import struct
import sys
import time

LOOKUP_WWW = b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"ANY","zone-id":1}}'
WWW = "RESULT:A=192.0.2.1,AAAA=2001:db8::1"
LIST_BIG = b'{"method":"list","parameters":{"domain_id":3,"include_disabled":false,"zonename":"big.test."}}'


def classify(line):
    try:
        d = json.loads(line)
    except ValueError:
        return "NOT-JSON:" + line[:40].decode("ascii", "replace")
    if not isinstance(d, dict):
        return "NOT-OBJECT"
    if "result" not in d:
        log = d.get("log", [])
        if not isinstance(log, list) or not all(isinstance(x, str) for x in log):
            return "FAILURE-WITH-BAD-LOG"
        return "FAILURE"
    r = d["result"]
    if r is True:
        return "TRUE"
    if r is False:
        return "FALSE"
    if isinstance(r, list):
        return "RESULT:" + ",".join(sorted("%s=%s" % (x["qtype"], x["content"]) for x in r))
    return "RESULT:" + type(r).__name__


def cases():
    """(request bytes, expected class) pairs; the first sets the protocol."""
    big = b"a" * (2 << 20)
    every_byte = bytes(b for b in range(256) if b != 10)
    return [
        (b'{"method":"initialize","parameters":{"path":"x","timeout":"2000"}}', "TRUE"),
        (LOOKUP_WWW, WWW),
        # invalid JSON
        (b'{"method":"lookup",', "FAILURE"),
        (b"not json at all", "FAILURE"),
        (b"", "FAILURE"),
        (b"{}}", "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"ANY"}} {"x":1}', "FAILURE"),
        (b"[" * 200 + b"]" * 200, "FAILURE"),
        (LOOKUP_WWW, WWW),
        # valid JSON, wrong shapes and types
        (b"[1,2,3]", "FAILURE"),
        (b'"a string"', "FAILURE"),
        (b"null", "FAILURE"),
        (b'{"parameters":{}}', "FAILURE"),
        (b'{"method":42,"parameters":{}}', "FAILURE"),
        (b'{"method":"lookup","parameters":"www"}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":5,"qtype":"ANY","zone-id":1}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":1,"zone-id":1}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"ANY","zone-id":[1]}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"ANY","zone-id":"one"}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qtype":"ANY","zone-id":1}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.","qtype":"NOSUCHTYPE","zone-id":1}}', "FAILURE"),
        (b'{"method":"getDomainInfo","parameters":{"name":7}}', "FAILURE"),
        (b'{"method":"getDomainMetadata","parameters":{"name":"refract.test.","kind":["SOA-EDIT"]}}', "FAILURE"),
        (b'{"method":"directBackendCmd","parameters":{"query":{"cmd":"stats"}}}', "FAILURE"),
        (LOOKUP_WWW, WWW),
        # methods refract does not implement
        (b'{"method":"frobnicate","parameters":{}}', "FALSE"),
        (b'{"method":"getDomainKeys","parameters":{"name":"refract.test."}}', "FALSE"),
        (b'{"method":"setNotified","parameters":{"id":1,"serial":2}}', "FALSE"),
        (b'{"method":"startTransaction","parameters":{"domain":"refract.test.","domain_id":1,"trxid":1}}', "FALSE"),
        (b'{"method":"LOOKUP","parameters":{"qname":"www.refract.test.","qtype":"ANY","zone-id":1}}', "FALSE"),
        (b'{"method":"getTSIGKey","parameters":{"name":"k."}}', "FALSE"),
        # implemented ones, for contrast
        (b'{"method":"getAllDomainMetadata","parameters":{"name":"refract.test."}}', "RESULT:dict"),
        (b'{"method":"getDomainMetadata","parameters":{"name":"refract.test.","kind":"SOA-EDIT"}}', "RESULT:"),
        (b'{"method":"getDomainInfo","parameters":{"name":"nosuch.test."}}', "FALSE"),
        (b'{"method":"directBackendCmd","parameters":{"query":"version"}}', "RESULT:str"),
        # over-long lines, binary garbage, NUL bytes
        (b'{"method":"lookup","parameters":{"qname":"' + big + b'","qtype":"ANY"}}', "FAILURE"),
        (LOOKUP_WWW, WWW),
        (big, "FAILURE"),
        (every_byte, "FAILURE"),
        (b"\xff\xfe\x00\x01garbage\x00", "FAILURE"),
        (b'{"method":"lookup",\x00"parameters":{}}', "FAILURE"),
        (b'{"method":"lookup","parameters":{"qname":"www.refract.test.\x00x","qtype":"ANY","zone-id":1}}', "FAILURE"),
        # a JSON escape in a name is still the same name
        (b'{"method":"lookup","parameters":{"qname":"www\\u002erefract.test.","qtype":"ANY","zone-id":1}}', WWW),
        (b'{"method":"lookup","parameters":{"qname":"nope.refract.test.","qtype":"ANY","zone-id":1}}', "RESULT:"),
        (LOOKUP_WWW, WWW),
    ]


def connect(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


class Reader:
    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            try:
                b = self.s.recv(1 << 20)
            except socket.timeout:
                return None
            if not b:
                return b"<EOF>"
            self.buf += b
        line, self.buf = self.buf.split(b"\n", 1)
        return line


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def ask_www(path):
    """One lookup on a new connection: (class, seconds)."""
    t0 = time.time()
    s = connect(path, 5)
    s.sendall(LOOKUP_WWW + b"\n")
    r = Reader(s).line()
    s.close()
    return (classify(r) if r not in (None, b"<EOF>") else str(r)), time.time() - t0


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        with open(sys.argv[2], "wb") as req, open(sys.argv[3], "w") as exp:
            for r, e in cases():
                req.write(r + b"\n")
                exp.write(e + "\n")
    elif cmd == "ask":
        s = connect(sys.argv[2])
        rd = Reader(s)
        with open(sys.argv[3], "rb") as f:
            reqs = f.read().split(b"\n")[:-1]
        for r in reqs:
            s.sendall(r + b"\n")
            line = rd.line()
            if line is None:
                print("<TIMEOUT>")
                break
            if line == b"<EOF>":
                print("<EOF>")
                break
            print(classify(line))
    elif cmd == "classify":
        for line in sys.stdin.buffer.read().split(b"\n")[:-1]:
            print(classify(line))
    elif cmd == "stuck":
        path, pid, how, n = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        # warm up: one big listing read whole, so the baseline includes it
        w = connect(path)
        w.sendall(LIST_BIG + b"\n")
        r = Reader(w).line()
        w.close()
        print("warm-up listing:", len(json.loads(r)["result"]), "records")
        base = rss(pid)
        stuck = connect(path)
        stuck.setblocking(False)
        sent = 0
        if how == "burst":
            # all N requests in one write (a few KiB): never read
            data = (LIST_BIG + b"\n") * n
            stuck.settimeout(5)
            try:
                stuck.sendall(data)
                sent = n
            except OSError:
                pass
        else:
            for _ in range(n):
                try:
                    stuck.send(LIST_BIG + b"\n")
                    sent += 1
                except BlockingIOError:
                    pass
                time.sleep(0.01)
        time.sleep(1)
        worst = 0.0
        classes = set()
        for _ in range(20):
            c, dt = ask_www(path)
            classes.add(c)
            worst = max(worst, dt)
        grown = rss(pid) - base
        sys.stderr.write("sent %d, memory %d MiB -> +%d MiB, slowest answer %.3f s\n"
                         % (sent, base, grown, worst))
        print("others answered right:", classes == {WWW})
        print("others answered promptly (< 1 s):", worst < 1.0)
        print("memory growth under 64 MiB:", grown < 64)
        stuck.close()
        time.sleep(0.2)
        print("after it goes:", ask_www(path)[0] == WWW)
    elif cmd == "pipeline":
        path, n = sys.argv[2], int(sys.argv[3])
        s = connect(path)
        reqs, want = [], []
        for i in range(n):
            k = i % 3
            if k == 0:
                reqs.append(LOOKUP_WWW)
                want.append(WWW)
            elif k == 1:
                reqs.append(b'{"method":"lookup","parameters":{"qname":"nope%d.refract.test.","qtype":"ANY","zone-id":1}}' % i)
                want.append("RESULT:")
            else:
                reqs.append(b'{"method":"lookup","parameters":{"qname":"*.wild.refract.test.","qtype":"ANY","zone-id":1}}')
                want.append("RESULT:A=192.0.2.99,TXT=\"wildcard\"")
        s.sendall(b"\n".join(reqs) + b"\n")
        rd = Reader(s)
        got = []
        for _ in range(n):
            line = rd.line()
            if line in (None, b"<EOF>"):
                got.append(str(line))
                break
            got.append(classify(line))
        s.settimeout(0.3)
        extra = rd.line()
        print("replies:", len(got), "in order:", got == want, "nothing more:", extra is None)
    elif cmd == "disconnect":
        path, n = sys.argv[2], int(sys.argv[3])
        for i in range(n):
            s = connect(path)
            s.sendall(LIST_BIG + b"\n")
            if i % 2:
                s.recv(1000)  # a little of the answer, then gone
            # SO_LINGER 0 on every 4th: a reset instead of a close
            if i % 4 == 3:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        c, dt = ask_www(path)
        print("after %d clients went away mid-answer, another is answered:" % n, c == WWW)
    elif cmd == "halfclose":
        s = connect(sys.argv[2], 20)
        s.sendall(LOOKUP_WWW + b"\n" + LIST_BIG + b"\n")
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            data += b
        lines = data.split(b"\n")
        big = json.loads(lines[1])["result"] if len(lines) > 1 else []
        print("after shutdown(SHUT_WR): both answers, then EOF:",
              len(lines) == 3 and lines[2] == b"" and classify(lines[0]) == WWW and len(big) == 30003)
    elif cmd == "partial":
        path = sys.argv[2]
        s = connect(path)
        half = len(LOOKUP_WWW) // 2
        s.sendall(LOOKUP_WWW[:half])
        time.sleep(0.2)
        c, dt = ask_www(path)
        print("while one client is mid-request another is answered:", c == WWW and dt < 1)
        s.sendall(LOOKUP_WWW[half:] + b"\n")
        line = Reader(s).line()
        print("the rest of the request completes it:", classify(line) == WWW)
    elif cmd == "pipe":
        s = connect(sys.argv[2])
        rd = Reader(s)
        out = []
        for req in (b"\x00\x01\xfe\xff garbage", b"HELO\t5",
                    b"Q\twww.refract.test\tIN\tANY\t-1\t127.0.0.1\t127.0.0.1\t127.0.0.1/32",
                    b'{"method":"initialize","parameters":{}}'):
            s.sendall(req + b"\n")
            while True:
                line = rd.line()
                out.append((line or b"<TIMEOUT>").decode("ascii", "replace"))
                if line is None or line == b"<EOF>" or line in (b"END", b"FAIL") or line.startswith(b"OK\t"):
                    break
        for line in out:
            print(line)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
