#!/usr/bin/env python3
"""refract benchmark driver (started by bench/run.sh; see bench/README.md).

Runs dnsperf against a fresh pdns_server per configuration, all
configurations interleaved round-robin, and reports median qps, ratios, the
CPU split between pdns, the coprocess(es) and dnsperf, and coprocess CPU
per backend request; plus the standalone figures (zone load rate and RSS,
`refract replay` requests/s on one core).
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = "bench.example"
ZONE_ID = 1
CLK = os.sysconf("SC_CLK_TCK")
PYTHON = "/usr/bin/python3"

# name, kind, backend, one line on what it is
CONFIGS = [
    ("bind", "bind", "bind", "pdns' own bind backend (in-process, the ceiling)"),
    ("refract-pipe", "pipe", "refract", "refract, PIPE ABI 1, one process per pdns backend"),
    ("refract-rpipe", "rpipe", "refract", "refract, remote JSON, pipe connector"),
    ("refract-unix", "unix", "refract", "refract --listen daemon, remote JSON, unix connector"),
    ("python-pipe", "pipe", "python", "bench/baseline_pipe.py (readline loop, ABI 1)"),
    ("python-rpipe", "rpipe", "python", "bench/baseline_remote_pipe.py (JSON per line, stdio)"),
    ("python-unix", "unix", "python", "bench/baseline_unix.py (thread per connection)"),
    ("floor-pipe", "pipe", "floor", "bench/floor.c pipe: replies rendered in advance"),
    ("floor-rpipe", "rpipe", "floor", "bench/floor.c rpipe: replies rendered in advance"),
    ("floor-unix", "unix", "floor", "bench/floor.c unix: replies rendered in advance, poll"),
]
KINDS = {"pipe": "pipe ABI 1", "rpipe": "remote pipe", "unix": "remote unix",
         "bind": "bind"}

procs = []          # every Popen we started, stopped on exit


def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def kill_tree(p, grace=5.0):
    """Stop a process we started (and its process group, which we created
    for it with start_new_session): SIGTERM, bounded wait, SIGKILL."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:  # children (coprocesses) may outlive their parent briefly
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    if p in procs:
        procs.remove(p)


def cleanup(*_):
    for p in list(procs):
        kill_tree(p, grace=2.0)


def on_signal(signo, _frame):
    cleanup()
    sys.exit(128 + signo)


def start(argv, logpath, **kw):
    f = open(logpath, "ab")
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=f, stderr=f,
                         start_new_session=True, **kw)
    f.close()
    procs.append(p)
    return p


def run(argv, **kw):
    return subprocess.run(argv, check=True, timeout=900, **kw)


# ---------------------------------------------------------------- /proc -----

def proc_cpu_us(pid):
    """(utime, stime) of pid (all threads) in seconds, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return int(rest[11]) / CLK, int(rest[12]) / CLK


def proc_cpu(pid):
    """utime+stime of pid (all threads) in seconds, or None."""
    us = proc_cpu_us(pid)
    return None if us is None else us[0] + us[1]


def proc_ppid_map():
    m = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        m[int(d)] = int(rest[1])
    return m


def descendants(pid):
    m = proc_ppid_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, pp in m.items():
            if pp == p:
                out.append(c)
                todo.append(c)
    return out


def proc_rss(pid):
    r = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                    r[k] = int(v.split()[0])
    except OSError:
        pass
    return r


def system_cpu():
    """(busy, total) seconds of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    total = sum(v[:8])
    return (total - idle) / CLK, total / CLK


# ------------------------------------------------------------- DNS probe ----

def dns_query(port, name, qtype, timeout=1.0):
    """(rcode, [(name, type, ttl, rdata-text)]) or None on timeout."""
    types = {"A": 1, "AAAA": 28, "MX": 15, "SOA": 6}
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", types[qtype], 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, ("127.0.0.1", port))
        while True:
            data = s.recv(65535)
            if struct.unpack(">H", data[:2])[0] == qid:
                break
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()
    return parse_reply(data)


def read_name(data, off):
    labels, jumped, end = [], False, off
    while True:
        n = data[off]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            off = ((n & 0x3F) << 8) | data[off + 1]
            jumped = True
            continue
        off += 1
        if n == 0:
            break
        labels.append(data[off:off + n].decode().lower())
        off += n
    return ".".join(labels), (end if jumped else off)


def parse_reply(data):
    _, flags, qd, an, _, _ = struct.unpack(">HHHHHH", data[:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(data, off)
        off += 4
    rrs = []
    rev = {1: "A", 28: "AAAA", 15: "MX", 5: "CNAME", 6: "SOA"}
    for _ in range(an):
        name, off = read_name(data, off)
        t, _, ttl, rdlen = struct.unpack(">HHIH", data[off:off + 10])
        off += 10
        rd = data[off:off + rdlen]
        if t == 1:
            txt = socket.inet_ntop(socket.AF_INET, rd)
        elif t == 28:
            txt = socket.inet_ntop(socket.AF_INET6, rd)
        elif t == 15:
            txt = "%d %s." % (struct.unpack(">H", rd[:2])[0],
                              read_name(data, off + 2)[0])
        else:
            txt = rd.hex()
        rrs.append((name, rev.get(t, str(t)), ttl, txt))
        off += rdlen
    return flags & 0xF, sorted(rrs)


# ------------------------------------------------------- data and tables ----

class Data:
    """Generated zone, queries, configs, images, floor tables."""

    def __init__(self, a, bindir):
        self.a = a
        self.dir = os.path.join(a.data_dir, "r%d-q%d-s%d" % (a.records, a.queries,
                                                            a.seed))
        os.makedirs(self.dir, exist_ok=True)
        self.zone = os.path.join(self.dir, "bench.example.zone")
        self.tsv = os.path.join(self.dir, "bench.example.tsv")
        self.queries = os.path.join(self.dir, "queries.txt")
        self.image = os.path.join(self.dir, "bench.img")
        self.conf_plain = os.path.join(self.dir, "refract-parse.conf")
        self.conf_image = os.path.join(self.dir, "refract.conf")
        self.bindir = bindir

    def p(self, name):
        return os.path.join(self.dir, name)

    def generate(self):
        if not os.path.exists(self.p("meta.json")):
            log("generating zone (%d records) and %d queries" %
                (self.a.records, self.a.queries))
            run([PYTHON, os.path.join(HERE, "gen-zone.py"),
                 "--records", str(self.a.records), "--queries",
                 str(self.a.queries), "--seed", str(self.a.seed), self.dir])
        with open(self.p("meta.json")) as f:
            self.meta = json.load(f)
        with open(self.conf_plain, "w") as f:
            f.write("zone %s { file %s; id %d }\n" % (ORIGIN, self.zone, ZONE_ID))
        with open(self.conf_image, "w") as f:
            f.write("zone %s { file %s; id %d }\nzone-image %s\n" %
                    (ORIGIN, self.zone, ZONE_ID, self.image))
        with open(self.p("named.conf"), "w") as f:
            f.write('zone "%s" { type master; file "%s"; };\n' % (ORIGIN, self.zone))
        self.qlist = []
        with open(self.queries) as f:
            for line in f:
                n, t = line.split()
                self.qlist.append((n, t))

    def scan_zone(self, names):
        """Records (type, ttl, content) of the given lowercase names."""
        out = {}
        with open(self.tsv) as f:
            for line in f:
                n, rest = line.split("\t", 1)
                if n in names:
                    t, ttl, c = rest.rstrip("\n").split("\t", 2)
                    out.setdefault(n, []).append((t, int(ttl), c))
        return out

    def prepare_names(self):
        qnames = set(n for n, _ in self.qlist)
        self.recs = self.scan_zone(qnames)
        targets = set()
        for n, _ in self.qlist:
            for t, _, c in self.recs.get(n, ()):
                if t == "MX":
                    tgt = c.split()[1].rstrip(".").lower()
                    if tgt.endswith("." + ORIGIN):
                        targets.add(tgt)
        self.mxt = self.scan_zone(targets - qnames)
        self.recs.update(self.mxt)

    # pdns 4.7.3's lookups for one question, caches off (pdns-protocols.md
    # section 4, confirmed against a capture of real pdns).
    def ancestors(self, name):
        out = [name]
        while name != ORIGIN:
            name = name.split(".", 1)[1]
            out.append(name)
        return out

    def mx_targets(self, name):
        out = []
        for t, _, c in self.recs.get(name, ()):
            if t == "MX":
                tgt = c.split()[1].rstrip(".").lower()
                if tgt.endswith("." + ORIGIN):
                    out.append(tgt)
        return out

    def pipe_sequence(self, name, qtype):
        """The PIPE ABI 1 request lines pdns sends for one question."""
        anc = self.ancestors(name)
        seq = ["Q\t%s\tIN\tSOA\t-1\t0.0.0.0" % n for n in anc]
        seq += ["Q\t%s\tIN\tANY\t%d\t127.0.0.1" % (n, ZONE_ID) for n in anc[:-1]]
        seq.append("Q\t%s\tIN\tANY\t%d\t127.0.0.1" % (name, ZONE_ID))
        if name not in self.recs:
            seq += ["Q\t*.%s\tIN\tANY\t%d\t127.0.0.1" % (n, ZONE_ID) for n in anc[1:]]
        if qtype == "MX":
            seq += ["Q\t%s\tIN\tANY\t%d\t127.0.0.1" % (t, ZONE_ID)
                    for t in reversed(self.mx_targets(name))]
        return seq

    @staticmethod
    def json_lookup(name, local):
        real = "0.0.0.0/0" if local == "0.0.0.0" else local + "/32"
        return ('{"method": "lookup", "parameters": {"local": "%s", "qname": '
                '"%s.", "qtype": "ANY", "real-remote": "%s", "remote": "%s", '
                '"zone-id": %d}}' % (local, name, real, local, ZONE_ID))

    def build_floor_tables(self, refract):
        pt, jt = self.p("floor-pipe.tab"), self.p("floor-json.tab")
        if os.path.exists(pt) and os.path.exists(jt) and \
                os.path.getmtime(pt) > os.path.getmtime(refract):
            return
        log("rendering the floor tables with refract replay")
        names = set()
        for n, _ in self.qlist:
            anc = self.ancestors(n)
            names.update(anc)
            names.update("*." + a for a in anc)
        names.update(self.mxt)
        names = sorted(names)
        # PIPE: SOA walk lines and ANY lookups for every name involved
        pipe_req = ["HELO\t1"]
        for n in names:
            pipe_req.append("Q\t%s\tIN\tSOA\t-1\t0.0.0.0" % n)
            pipe_req.append("Q\t%s\tIN\tANY\t%d\t127.0.0.1" % (n, ZONE_ID))
            pipe_req.append("Q\t%s\tIN\tANY\t%d\t0.0.0.0" % (n, ZONE_ID))
        self._render(pipe_req, pt, json_mode=False, refract=refract)
        json_req = [
            '{"method": "getAllDomains", "parameters": {"include_disabled": true}}',
            '{"method": "getAllDomains", "parameters": {"include_disabled": false}}',
            '{"method": "getAllDomainMetadata", "parameters": {"name": "%s."}}' % ORIGIN,
            '{"method": "getDomainInfo", "parameters": {"name": "%s."}}' % ORIGIN,
        ]
        for n in names:
            json_req.append(self.json_lookup(n, "127.0.0.1"))
            json_req.append(self.json_lookup(n, "0.0.0.0"))
        self._render(json_req, jt, json_mode=True, refract=refract)

    def _render(self, reqs, out, json_mode, refract):
        tpath = out + ".transcript"
        with open(tpath, "w") as f:
            f.write("\n".join(reqs) + "\n")
        args = [refract, "replay", "--config", self.conf_image]
        if not json_mode:
            args += ["--abi", "1"]
        res = subprocess.run(args + [tpath], stdout=subprocess.PIPE, check=True,
                             timeout=900)
        lines = res.stdout.split(b"\n")
        buf = bytearray()
        i = 0
        for r in reqs:
            if json_mode:
                rep = lines[i] + b"\n"
                i += 1
            else:
                rep = b""
                while True:
                    ln = lines[i]
                    i += 1
                    rep += ln + b"\n"
                    if ln in (b"END", b"FAIL") or ln.startswith(b"OK"):
                        break
            k = r.encode()
            buf += struct.pack("<II", len(k), len(rep)) + k + rep
        with open(out + ".tmp", "wb") as f:
            f.write(buf)
        os.replace(out + ".tmp", out)
        os.unlink(tpath)

    def standalone_transcript(self, nlines):
        path = self.p("replay-pipe-%d.txt" % nlines)
        jpath = self.p("replay-json-%d.txt" % nlines)
        if os.path.exists(path) and os.path.exists(jpath):
            return path, jpath
        log("writing standalone transcripts (%d requests each)" % nlines)
        out, jout, n, i = ["HELO\t1"], [], 0, 0
        apex = self.json_lookup(ORIGIN, "0.0.0.0")
        while n < nlines:
            name, qtype = self.qlist[i % len(self.qlist)]
            i += 1
            seq = self.pipe_sequence(name, qtype)
            out += seq
            n += len(seq)
            # remote with the zone cache: apex ANY (0.0.0.0), then the same
            # ANY lookups as PIPE minus the SOA walk
            jout.append(apex)
            for line in seq:
                f = line.split("\t")
                if f[3] == "ANY":
                    jout.append(self.json_lookup(f[1], f[5]))
        with open(path, "w") as f:
            f.write("\n".join(out[:nlines + 1]) + "\n")
        with open(jpath, "w") as f:
            f.write("\n".join(jout[:nlines]) + "\n")
        return path, jpath


# ------------------------------------------------------------- the runs -----

class Bench:
    def __init__(self, a, data, refract, floor, rundir):
        self.a = a
        self.d = data
        self.refract = refract
        self.floor = floor
        self.rundir = rundir
        self.port = free_port()
        self.nrun = 0

    def pdns_conf(self, cfg, kind, backend, threads, wd, sock):
        d = self.d
        c = ["local-address=127.0.0.1", "local-port=%d" % self.port,
             "socket-dir=%s" % wd, "security-poll-suffix=",
             "cache-ttl=0", "query-cache-ttl=0", "negquery-cache-ttl=0",
             "distributor-threads=%d" % threads, "loglevel=3",
             "disable-syslog=yes", "webserver=no", "api=no"]
        if backend == "refract":
            cmd = "%s --config %s" % (self.refract, d.conf_image)
        elif backend == "python":
            cmd = "%s %s %s" % (PYTHON, os.path.join(
                HERE, "baseline_pipe.py" if kind == "pipe" else
                "baseline_remote_pipe.py"), d.tsv)
        elif backend == "floor":
            tab = d.p("floor-pipe.tab" if kind == "pipe" else "floor-json.tab")
            cmd = "%s %s %s %s" % (self.floor, kind, tab,
                                   os.path.join(wd, "counters"))
        if kind == "bind":
            c += ["launch=bind", "bind-config=%s" % d.p("named.conf")]
        elif kind == "pipe":
            # pipe-timeout only bounds each read; it is raised so that the
            # Python baseline can load the zone before answering HELO
            c += ["launch=pipe", "pipe-command=%s" % cmd, "pipe-abi-version=1",
                  "pipe-timeout=30000", "zone-cache-refresh-interval=0"]
        elif kind == "rpipe":
            c += ["launch=remote",
                  "remote-connection-string=pipe:command=%s,timeout=30000" % cmd]
        elif kind == "unix":
            c += ["launch=remote",
                  "remote-connection-string=unix:path=%s,timeout=2000" % sock]
        return "\n".join(c) + "\n"

    def start_daemon(self, backend, wd, sock):
        d = self.d
        if backend == "refract":
            argv = [self.refract, "--listen", sock, "--config", d.conf_image]
        elif backend == "python":
            argv = [PYTHON, os.path.join(HERE, "baseline_unix.py"), d.tsv, sock]
        else:
            argv = [self.floor, "unix", d.p("floor-json.tab"),
                    os.path.join(wd, "counters"), sock]
        p = start(argv, os.path.join(wd, "daemon.log"))
        deadline = time.time() + 120
        while time.time() < deadline:
            if p.poll() is not None:
                raise RuntimeError("daemon exited: see %s/daemon.log" % wd)
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                s.close()
                return p
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("daemon did not listen within 120 s")

    def wait_ready(self, pdns, wd, name):
        deadline = time.time() + 180
        while time.time() < deadline:
            if pdns.poll() is not None:
                raise RuntimeError("pdns exited (rc %s): see %s/pdns.log"
                                   % (pdns.returncode, wd))
            r = dns_query(self.port, name, "A", timeout=0.5)
            if r is not None and r[0] == 0 and r[1]:
                return
            time.sleep(0.2)
        raise RuntimeError("pdns not answering within 180 s")

    def wait_idle(self, pids, limit=120):
        """Wait until the processes stop burning CPU (zone loading)."""
        deadline = time.time() + limit
        prev = sum(proc_cpu(p) or 0 for p in pids())
        while time.time() < deadline:
            time.sleep(0.5)
            cur = sum(proc_cpu(p) or 0 for p in pids())
            if cur - prev < 0.05:
                return
            prev = cur
        log("warning: backend still busy after %d s" % limit)

    def dnsperf(self, seconds):
        """Run dnsperf; returns its output.  Its CPU time (utime+stime, from
        wait4 when it is reaped) is left in self._last_rusage."""
        argv = ["dnsperf", "-s", "127.0.0.1", "-p", str(self.port),
                "-d", self.d.queries, "-l", str(seconds),
                "-c", str(self.a.clients), "-q", str(self.a.outstanding),
                "-T", "1", "-t", "5"]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(p)
        deadline = time.time() + seconds + 30
        out = b""
        fd = p.stdout.fileno()
        while True:
            left = deadline - time.time()
            if left <= 0:
                kill_tree(p)
                raise RuntimeError("dnsperf hung")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                out += chunk
        p.stdout.close()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        procs.remove(p)
        self._last_rusage = ru.ru_utime + ru.ru_stime
        return p, out.decode(errors="replace")

    def verify(self, sample):
        """Compare answers for sample questions with the zone data."""
        bad = []
        for name, qtype in sample:
            r = dns_query(self.port, name, qtype, timeout=3.0)
            if r is None:
                bad.append((name, qtype, "timeout"))
                continue
            rcode, rrs = r
            recs = self.d.recs.get(name)
            if recs is None:
                want = (3, [])
            else:
                want = (0, sorted((name, t, ttl, c.lower() if t == "MX" else
                                   (socket.inet_ntop(socket.AF_INET6,
                                    socket.inet_pton(socket.AF_INET6, c))
                                    if t == "AAAA" else c))
                                  for t, ttl, c in recs if t == qtype))
            if (rcode, rrs) != want:
                bad.append((name, qtype, "got %r want %r" % ((rcode, rrs), want)))
        return bad

    def daemon_stats(self, sock):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect(sock)
            s.sendall(b'{"method": "directBackendCmd", "parameters": '
                      b'{"query": "stats"}}\n')
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            s.close()
            res = json.loads(buf)["result"]
            m = re.search(r"^queries (\d+)$", res, re.M)
            return int(m.group(1))
        except (OSError, ValueError, KeyError, AttributeError):
            return None

    def read_counters(self, wd):
        try:
            with open(os.path.join(wd, "counters"), "rb") as f:
                return struct.unpack("<QQ", f.read(16))
        except OSError:
            return None

    def one(self, cfg, threads, rnd):
        name, kind, backend, _ = cfg
        self.nrun += 1
        wd = os.path.join(self.rundir, "%03d-%s-t%d" % (self.nrun, name, threads))
        os.makedirs(wd)
        with open(os.path.join(wd, "counters"), "wb") as f:
            f.write(b"\0" * 64)
        sock = os.path.join(wd, "backend.sock")
        res = {"config": name, "kind": kind, "backend": backend,
               "threads": threads, "round": rnd, "dir": wd}
        daemon = None
        pdns = None
        try:
            if kind == "unix":
                daemon = self.start_daemon(backend, wd, sock)
            with open(os.path.join(wd, "pdns.conf"), "w") as f:
                f.write(self.pdns_conf(cfg, kind, backend, threads, wd, sock))
            t0 = time.time()
            pdns = start(["/usr/sbin/pdns_server", "--config-dir=%s" % wd,
                          "--daemon=no", "--guardian=no"],
                         os.path.join(wd, "pdns.log"))
            self.wait_ready(pdns, wd, "ns1." + ORIGIN)

            def backend_pids():
                ps = descendants(pdns.pid)
                if daemon is not None:
                    ps.append(daemon.pid)
                return ps
            # spawn every backend instance (remote pipe ones start lazily),
            # let them finish loading, then warm up
            self.dnsperf(1)
            self.wait_idle(backend_pids)
            res["startup_s"] = round(time.time() - t0, 2)
            bad = self.verify(self.sample)
            res["verify_bad"] = len(bad)
            if bad:
                log("  %s: %d wrong answers, e.g. %s" % (name, len(bad), bad[0]))
                res["verify_example"] = repr(bad[0])[:500]
            self.dnsperf(self.a.warmup)

            # measurement window
            cp0 = {p: proc_cpu_us(p) for p in backend_pids()}
            pd0 = proc_cpu_us(pdns.pid)
            sys0 = system_cpu()
            ctr0 = self.read_counters(wd)
            st0 = self.daemon_stats(sock) if (kind == "unix" and
                                             backend == "refract") else None
            w0 = time.time()
            dp, out = self.dnsperf(self.a.duration)
            w1 = time.time()
            sys1 = system_cpu()
            pd1 = proc_cpu_us(pdns.pid)
            cpids = backend_pids()
            cp1 = {p: proc_cpu_us(p) for p in cpids}
            ctr1 = self.read_counters(wd)
            st1 = self.daemon_stats(sock) if st0 is not None else None
            # dnsperf: its own utime+stime, taken when it was reaped
            ru = self._last_rusage
            res["rss_kb"] = [proc_rss(p) for p in cpids]
            res["ncoproc"] = len(cpids)
            cou = cos = 0.0
            for p, v in cp1.items():
                if v is None:
                    continue
                v0 = cp0.get(p) or (0.0, 0.0)
                cou += v[0] - v0[0]
                cos += v[1] - v0[1]
            co = cou + cos
            res.update(parse_dnsperf(out))
            res["wall"] = w1 - w0
            res["cpu_pdns"] = pd1[0] + pd1[1] - pd0[0] - pd0[1]
            res["cpu_pdns_user"] = pd1[0] - pd0[0]
            res["cpu_coproc"] = co
            res["cpu_coproc_user"] = cou
            res["cpu_dnsperf"] = ru
            res["cpu_system_busy"] = sys1[0] - sys0[0]
            res["cpu_system_total"] = sys1[1] - sys0[1]
            if ctr0 and ctr1 and backend == "floor":
                res["backend_requests"] = ctr1[0] - ctr0[0]
                res["floor_misses"] = ctr1[1] - ctr0[1]
            if st0 is not None and st1 is not None:
                res["backend_requests"] = st1 - st0
            log("  %-14s t=%d r=%d  %8.0f qps  pdns %.1fs coproc %.1fs dnsperf "
                "%.1fs  lost %s%s" % (name, threads, rnd, res.get("qps", 0),
                                      res["cpu_pdns"], co, ru or 0,
                                      res.get("lost"), "" if not res.get(
                                          "floor_misses") else
                                      "  misses %d" % res["floor_misses"]))
            if not res.get("qps"):
                res["error"] = "no dnsperf result: " + out[-500:]
        except Exception as e:  # record and go on with the next run
            log("  %s t=%d r=%d FAILED: %s" % (name, threads, rnd, e))
            res["error"] = str(e)
        finally:
            if pdns is not None:
                kill_tree(pdns, grace=10)
            if daemon is not None:
                kill_tree(daemon)
        return res


def parse_dnsperf(out):
    r = {}
    m = re.search(r"Queries per second:\s+([\d.]+)", out)
    if m:
        r["qps"] = float(m.group(1))
    m = re.search(r"Queries completed:\s+(\d+)", out)
    if m:
        r["completed"] = int(m.group(1))
    m = re.search(r"Queries lost:\s+(\d+)", out)
    if m:
        r["lost"] = int(m.group(1))
    m = re.search(r"Response codes:\s+(.*)", out)
    if m:
        r["rcodes"] = m.group(1).strip()
    m = re.search(r"Average Latency \(s\):\s+([\d.]+)", out)
    if m:
        r["latency_ms"] = float(m.group(1)) * 1000
    return r


def free_port():
    for _ in range(100):
        port = random.randrange(20000, 60000)
        try:
            for typ in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET, typ)
                s.bind(("127.0.0.1", port))
                s.close()
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


# ------------------------------------------------------------ standalone ----

def timed(argv, cpu=None):
    """Run argv under /usr/bin/time (pinned to one CPU if cpu is given),
    output discarded.  Returns (wall s, user s, sys s, max RSS kB): wall from
    a monotonic clock around it, user/sys from wait4 (precise, unlike
    time's 10 ms rounding), max RSS as /usr/bin/time reports it for the
    program itself (the rusage of a child forked from this big Python
    process would include the parent's pages copied at fork)."""
    pre = ["taskset", "-c", str(cpu)] if cpu is not None else []
    tf = "/tmp/bench-time.%d" % os.getpid()
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", tf] + pre + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs.append(p)
    watchdog = threading.Timer(600, lambda: p.kill())  # bounded wait
    watchdog.start()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    watchdog.cancel()
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    procs.remove(p)
    with open(tf) as f:
        maxrss = int(f.read().split()[-1])
    os.unlink(tf)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(argv), err[-500:]))
    return wall, ru.ru_utime, ru.ru_stime, maxrss


def standalone(a, d, refract, rundir):
    log("standalone: zone load, RSS, replay")
    r = {"records": d.meta["records"], "names": d.meta["names"]}
    best = None
    for _ in range(3):
        x = timed([refract, "check", "--config", d.conf_plain])
        if best is None or x[0] < best[0]:
            best = x
    r["check_wall"], r["check_user"], r["check_sys"], r["check_maxrss_kb"] = best[:4]
    best = None
    for _ in range(3):
        x = timed([refract, "compile", "--config", d.conf_image])
        if best is None or x[0] < best[0]:
            best = x
    r["compile_wall"], r["compile_user"], r["compile_sys"], r["compile_maxrss_kb"] = best[:4]
    r["image_bytes"] = os.path.getsize(d.image)
    # RSS of a serving daemon: image mapped vs zones parsed
    for label, conf in (("image", d.conf_image), ("parse", d.conf_plain)):
        wd = os.path.join(rundir, "rss-" + label)
        os.makedirs(wd, exist_ok=True)
        sock = os.path.join(wd, "s.sock")
        t0 = time.time()
        p = start([refract, "--listen", sock, "--config", conf],
                  os.path.join(wd, "daemon.log"))
        try:
            deadline = time.time() + 60
            while time.time() < deadline and not os.path.exists(sock):
                time.sleep(0.01)
            r["serve_%s_start_s" % label] = round(time.time() - t0, 3)
            time.sleep(0.2)
            r["serve_%s_rss" % label] = proc_rss(p.pid)
        finally:
            kill_tree(p)
    # replay on one core
    tp, tj = d.standalone_transcript(a.replay_lines)
    for label, path, extra in (("pipe", tp, ["--abi", "1"]), ("json", tj, [])):
        best = None
        for _ in range(3):
            x = timed([refract, "replay", "--config", d.conf_image] + extra + [path],
                      cpu=0)
            if best is None or x[0] < best[0]:
                best = x
        with open(path) as f:
            n = sum(1 for line in f if not line.startswith("HELO"))
        r["replay_%s" % label] = {"requests": n, "wall": best[0], "user": best[1],
                                  "sys": best[2], "maxrss_kb": best[3]}
    return r


# ---------------------------------------------------------------- report ----

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, f="%.0f"):
    return "–" if x is None else f % x


def report(a, results, st, meta, cmdline, started, refract_ver):
    L = []
    threads = sorted(set(r["threads"] for r in results))
    names = [c[0] for c in CONFIGS if c[0] in set(r["config"] for r in results)]
    by = {}
    for r in results:
        by.setdefault((r["config"], r["threads"]), []).append(r)

    def q(cfg, t):
        return med([r.get("qps") for r in by.get((cfg, t), []) if not r.get("error")])

    L.append("Command: `%s`  " % cmdline)
    L.append("Date: %s; host: %s, %d CPUs, %s; pdns %s; %s (source %s)  " % (
        started, platform.node(), os.cpu_count(), platform.release(),
        pdns_version(), refract_ver, getattr(a, "source_rev", None) or "?"))
    L.append("Zone: %d records, %d names (bench.example, %s); %d queries "
             "(45%% A, 25%% AAAA, 20%% MX, 10%% NXDOMAIN); "
             "dnsperf -c %d -q %d -T 1; %d round(s) x %d s per config and "
             "setting (warm-up %d s discarded), interleaved.  " % (
                 meta["records"], meta["names"], "refract: zone image",
                 meta["queries"], a.clients, a.outstanding, a.rounds,
                 a.duration, a.warmup))
    L.append("")
    L.append("### Queries per second (median of rounds)")
    L.append("")
    L.append("| config | " + " | ".join("dt=%d" % t for t in threads) +
             " | runs (qps each) |")
    L.append("|---|" + "---:|" * len(threads) + "---|")
    for n in names:
        cells = [fmt(q(n, t)) for t in threads]
        each = "; ".join(",".join(fmt(r.get("qps")) if not r.get("error") else "ERR"
                                   for r in by.get((n, t), [])) for t in threads)
        L.append("| %s | %s | %s |" % (n, " | ".join(cells), each))
    L.append("")
    summary_ratio = {}
    L.append("### Ratios")
    L.append("")
    pairs = [("refract-pipe", "python-pipe"), ("refract-unix", "python-unix"),
             ("refract-rpipe", "python-rpipe"), ("refract-pipe", "floor-pipe"),
             ("refract-rpipe", "floor-rpipe"), ("refract-unix", "floor-unix"),
             ("refract-pipe", "bind"), ("refract-rpipe", "bind"),
             ("refract-unix", "bind"), ("python-pipe", "bind"),
             ("floor-pipe", "bind"), ("floor-unix", "bind")]
    targets = {("refract-pipe", "python-pipe"): 1.25,
               ("refract-unix", "python-unix"): 1.25,
               ("refract-rpipe", "python-rpipe"): 1.2,
               ("refract-pipe", "floor-pipe"): 0.9,
               ("refract-rpipe", "floor-rpipe"): 0.9,
               ("refract-unix", "floor-unix"): 0.9}
    L.append("Each cell: ratio of the medians, and in brackets the median of the "
             "per-round ratios (runs of the same round ran minutes apart under "
             "similar noise).")
    L.append("")
    L.append("| ratio | " + " | ".join("dt=%d" % t for t in threads) + " | target |")
    L.append("|---|" + "---:|" * len(threads) + "---|")

    def paired(x, y, t):
        rx = {r["round"]: r.get("qps") for r in by.get((x, t), []) if not r.get("error")}
        ry = {r["round"]: r.get("qps") for r in by.get((y, t), []) if not r.get("error")}
        return med([rx[k] / ry[k] for k in rx if rx[k] and ry.get(k)])
    for x, y in pairs:
        cells = []
        for t in threads:
            qx, qy = q(x, t), q(y, t)
            pr = paired(x, y, t)
            cells.append("–" if not (qx and qy) else "%.2f× (%s)" % (
                qx / qy, fmt(pr, "%.2f")))
        if any(c != "–" for c in cells):
            summary_ratio[(x, y)] = cells
            tg = targets.get((x, y))
            L.append("| %s / %s | %s | %s |" % (x, y, " | ".join(cells),
                                                "≥ %.2f×" % tg if tg else ""))
    L.append("")
    L.append("### CPU split over the measurement window (medians)")
    L.append("")
    L.append("Share of the CPU time used by pdns + coprocess(es) + dnsperf; "
             "`other` is the rest of the machine's busy time (other processes, "
             "noise), as % of the 2-core capacity. µs/query = CPU per DNS "
             "query answered; coprocess µs/req = coprocess CPU per backend "
             "request.")
    L.append("")
    L.append("| config | dt | pdns % | coproc % | dnsperf % | other % of cap | "
             "pdns µs/query | coproc µs/query | backend req/query | "
             "coproc µs/req (user) | over floor µs/req | coproc RSS | "
             "rcodes (last run) | wrong answers |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    rpq = {}
    for t in threads:
        for n in names:
            rs = [r for r in by.get((n, t), []) if not r.get("error") and r.get("completed")]
            for r in rs:
                if r.get("backend_requests"):
                    r["rpq"] = r["backend_requests"] / r["completed"]
            if n.startswith("floor-"):
                rpq[(n.split("-")[1], t)] = med([r.get("rpq") for r in rs])
    floor_cr = {}
    order = [n for n in names if n.startswith("floor-")] + \
        [n for n in names if not n.startswith("floor-")]
    rows = {}
    for t in threads:
        for n in order:
            rs = [r for r in by.get((n, t), []) if not r.get("error") and r.get("completed")]
            if not rs:
                rows[(n, t)] = "| %s | %d |%s errors | |" % (n, t, " – |" * 11)
                continue
            kind = rs[0]["kind"]
            sh = {"pdns": [], "co": [], "dp": [], "oth": [], "pq": [], "cq": [],
                  "cr": [], "cru": [], "rq": []}
            for r in rs:
                tot = r["cpu_pdns"] + r["cpu_coproc"] + (r["cpu_dnsperf"] or 0)
                sh["pdns"].append(100 * r["cpu_pdns"] / tot)
                sh["co"].append(100 * r["cpu_coproc"] / tot)
                sh["dp"].append(100 * (r["cpu_dnsperf"] or 0) / tot)
                cap = r["cpu_system_total"]
                sh["oth"].append(100 * max(0.0, r["cpu_system_busy"] - tot) / cap)
                sh["pq"].append(1e6 * r["cpu_pdns"] / r["completed"])
                sh["cq"].append(1e6 * r["cpu_coproc"] / r["completed"])
                rq = r.get("rpq")
                if rq is None and kind != "bind":
                    rq = rpq.get((kind, t))  # from the floor of this transport
                if rq:
                    sh["rq"].append(rq)
                    sh["cr"].append(1e6 * r["cpu_coproc"] / (rq * r["completed"]))
                    sh["cru"].append(1e6 * r["cpu_coproc_user"] / (rq * r["completed"]))
            exact = any(r.get("rpq") for r in rs)
            rcodes = rs[-1].get("rcodes", "")
            cr = med(sh["cr"])
            if kind != "bind":
                floor_cr[(n, t)] = cr
            fl = floor_cr.get(("floor-" + kind, t))
            over = fmt(cr - fl, "%+.2f") if (cr is not None and fl is not None
                                              and not n.startswith("floor")) else "–"
            rss = rs[-1].get("rss_kb") or []
            rss_s = "–" if kind == "bind" else "%d × %.0f MB (anon %.0f)" % (
                len(rss), sum(x.get("VmRSS", 0) for x in rss) / 1024 / max(1, len(rss)),
                sum(x.get("RssAnon", 0) for x in rss) / 1024 / max(1, len(rss)))
            rows[(n, t)] = ("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                n, t, fmt(med(sh["pdns"])), fmt(med(sh["co"])), fmt(med(sh["dp"])),
                fmt(med(sh["oth"])), fmt(med(sh["pq"]), "%.1f"),
                fmt(med(sh["cq"]), "%.1f") if kind != "bind" else "–",
                (fmt(med(sh["rq"]), "%.2f") + ("" if exact else "*")) if sh["rq"] else "–",
                ("%s (%s)" % (fmt(med(sh["cr"]), "%.2f"), fmt(med(sh["cru"]), "%.2f")))
                if sh["cr"] else "–", over, rss_s,
                rcodes, sum(r.get("verify_bad", 0) for r in rs)))
    for t in threads:
        for n in names:
            L.append(rows[(n, t)])
    L.append("")
    L.append("`*` backend requests estimated from the floor of the same transport "
             "and setting (same answers ⇒ same pdns lookups); unmarked values are "
             "counted (floor counters; refract's `stats` over the socket).")
    misses = sum(r.get("floor_misses", 0) for r in results)
    L.append("Floor table misses (requests not rendered in advance): %d.  " % misses)
    errs = [r for r in results if r.get("error")]
    if errs:
        L.append("Failed runs: %s.  " % "; ".join("%s t=%d r=%d: %s" % (
            r["config"], r["threads"], r["round"], r["error"][:120]) for r in errs))
    if st:
        L.append("")
        L.append("### Standalone (refract alone, no pdns)")
        L.append("")
        rp, rj = st["replay_pipe"], st["replay_json"]
        L.append("| measure | value |")
        L.append("|---|---|")
        L.append("| zone | %d records, %d names |" % (st["records"], st["names"]))
        L.append("| `refract check` (parse) | %.3f s wall → **%.0f records/s**, "
                 "peak RSS %.0f MB |" % (st["check_wall"], st["records"] /
                                         st["check_wall"], st["check_maxrss_kb"] / 1024))
        L.append("| `refract compile` (parse + write image) | %.3f s wall → %.0f "
                 "records/s, peak RSS %.0f MB, image %.0f MB |" % (
                     st["compile_wall"], st["records"] / st["compile_wall"],
                     st["compile_maxrss_kb"] / 1024, st["image_bytes"] / 1e6))
        for label in ("image", "parse"):
            rr = st.get("serve_%s_rss" % label, {})
            L.append("| serving daemon, zones %s | ready in %.2f s; VmRSS %.0f MB "
                     "(anon %.0f MB, file %.0f MB) |" % (
                         "mapped from the image" if label == "image" else
                         "parsed from the file", st["serve_%s_start_s" % label],
                         rr.get("VmRSS", 0) / 1024, rr.get("RssAnon", 0) / 1024,
                         rr.get("RssFile", 0) / 1024))
        for label, x in (("PIPE ABI 1", rp), ("remote JSON", rj)):
            L.append("| `taskset -c 0 refract replay` %s, %d requests | %.3f s wall "
                     "(user %.3f, sys %.3f) → **%.0f requests/s** (%.0f/s of CPU "
                     "time), %.2f µs CPU/request, max RSS %.0f MB |" % (
                         label, x["requests"], x["wall"], x["user"], x["sys"],
                         x["requests"] / x["wall"],
                         x["requests"] / (x["user"] + x["sys"]),
                         1e6 * (x["user"] + x["sys"]) / x["requests"],
                         x["maxrss_kb"] / 1024))
    # one place to read the targets off (reported, never asserted)
    L.append("")
    L.append("### Targets (from the tables above)")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")

    def verdict(vals, ok):
        vals = [v for v in vals if v is not None]
        if not vals:
            return "–"
        good = sum(1 for v in vals if ok(v))
        return "yes" if good == len(vals) else ("no" if good == 0 else "partly")
    for (x, y), tg in targets.items():
        vals, cells = [], []
        for t in threads:
            qx, qy = q(x, t), q(y, t)
            if qx and qy:
                vals.append(qx / qy)
                cells.append("dt=%d %.2f× (paired %s)" % (t, qx / qy,
                                                          fmt(paired(x, y, t), "%.2f")))
        L.append("| %s ≥ %.2f× %s | %s | %s |" % (
            x, tg, y, "; ".join(cells) or "–", verdict(vals, lambda v: v >= tg)))
    if st:
        rp, rj = st["replay_pipe"], st["replay_json"]
        pr = rp["requests"] / rp["wall"]
        L.append("| `refract replay`, one core ≥ 500,000 requests/s (%d-record zone) | "
                 "PIPE %.0f/s, remote JSON %.0f/s | %s |" % (
                     st["records"], pr, rj["requests"] / rj["wall"],
                     "yes" if pr >= 500000 else "no"))
        cpu = [1e6 * (x["user"] + x["sys"]) / x["requests"] for x in (rp, rj)]
        L.append("| refract CPU ≤ 3 µs per backend request (standalone) | PIPE "
                 "%.2f µs, remote JSON %.2f µs | %s |" % (
                     cpu[0], cpu[1], verdict(cpu, lambda v: v <= 3.0)))
        rate = st["records"] / st["check_wall"]
        mb = st["check_maxrss_kb"] / 1024
        L.append("| zone load ≥ 500,000 records/s into ≤ 200 MB | %.0f records/s, "
                 "peak RSS %.0f MB (%d records) | %s |" % (
                     rate, mb, st["records"],
                     "yes" if rate >= 500000 and mb <= 200 else "no"))
    over = ["%s dt=%d %+.2f µs" % (n, t, v - floor_cr[("floor-" + n.split("-")[1], t)])
            for (n, t), v in sorted(floor_cr.items())
            if n.startswith("refract-") and v is not None and
            floor_cr.get(("floor-" + n.split("-")[1], t)) is not None]
    if over:
        L.append("| refract CPU per backend request behind pdns, over the floor "
                 "(same transport) | %s | (info) |" % "; ".join(over))
    return "\n".join(L) + "\n"


def pdns_version():
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "pdns-server"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        return out.decode().strip()
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: small zone, one round, short runs")
    ap.add_argument("--threads", default=None, help="distributor-threads list, e.g. 2,4")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--duration", type=int, default=None, help="measured seconds per run")
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--records", type=int, default=None)
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--clients", type=int, default=4, help="dnsperf -c")
    ap.add_argument("--outstanding", type=int, default=200, help="dnsperf -q")
    ap.add_argument("--configs", default=None,
                    help="comma list of configs (default all): " +
                    ",".join(c[0] for c in CONFIGS))
    ap.add_argument("--replay-lines", type=int, default=None)
    ap.add_argument("--no-standalone", action="store_true")
    ap.add_argument("--data-dir", default=os.path.join(HERE, ".data"))
    ap.add_argument("--refract")
    ap.add_argument("--floor")
    ap.add_argument("--report", metavar="RESULTS_JSON",
                    help="only print the report of a saved results.json")
    ap.add_argument("--out", default=None, help="write the markdown report here")
    ap.add_argument("--cmdline", default=None)
    ap.add_argument("--source-rev", default=None)
    a = ap.parse_args()
    if not a.report and not (a.refract and a.floor):
        ap.error("--refract and --floor are required (bench/run.sh passes them)")
    q = a.quick
    a.threads = [int(x) for x in (a.threads or ("2" if q else "2,4")).split(",")]
    a.rounds = a.rounds or (1 if q else 4)
    a.duration = a.duration or (4 if q else 6)
    a.warmup = a.warmup or (1 if q else 2)
    a.records = a.records or (100000 if q else 1000000)
    a.replay_lines = a.replay_lines or (300000 if q else 2000000)
    configs = CONFIGS
    if a.configs:
        want = a.configs.split(",")
        configs = [c for c in CONFIGS if c[0] in want]
        if len(configs) != len(want):
            sys.exit("unknown config in --configs")

    if a.report:
        with open(a.report) as f:
            saved = json.load(f)
        for k, v in saved["args"].items():
            setattr(a, k, v)
        print(report(a, saved["results"], saved["standalone"], saved["meta"],
                     saved["cmdline"], saved["started"], saved["refract_version"]))
        return

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    rundir = "/tmp/refract-bench.%d" % os.getpid()
    os.makedirs(rundir)
    try:
        d = Data(a, os.path.dirname(a.floor))
        d.generate()
        d.prepare_names()
        log("compiling the zone image")
        run([a.refract, "compile", "--config", d.conf_image],
            stdout=subprocess.DEVNULL)
        d.build_floor_tables(a.refract)
        refract_ver = subprocess.run([a.refract, "--version"], stdout=subprocess.PIPE
                                     ).stdout.decode().strip()
        st = None if a.no_standalone else standalone(a, d, a.refract, rundir)
        b = Bench(a, d, a.refract, a.floor, rundir)
        rng = random.Random(1)
        b.sample = rng.sample(d.qlist, min(200, len(d.qlist)))
        results = []
        cmdline = a.cmdline or " ".join(sys.argv)

        def save(path):
            keep = ("threads", "rounds", "duration", "warmup", "clients",
                    "outstanding", "records", "queries", "source_rev")
            with open(path + ".tmp", "w") as f:
                json.dump({"results": results, "standalone": st, "meta": d.meta,
                           "cmdline": cmdline, "started": started,
                           "refract_version": refract_ver,
                           "args": {k: getattr(a, k) for k in keep}}, f, indent=1)
            os.replace(path + ".tmp", path)
        total = len(configs) * len(a.threads) * a.rounds
        log("%d runs: %d configs x dt %s x %d rounds, %d s each, port %d, "
            "logs in %s" % (total, len(configs), a.threads, a.rounds,
                            a.duration, b.port, rundir))
        for rnd in range(1, a.rounds + 1):
            for t in a.threads:
                # rotate the order every round so no config always follows
                # the same neighbour
                k = (rnd - 1) % len(configs)
                for cfg in configs[k:] + configs[:k]:
                    results.append(b.one(cfg, t, rnd))
                    save(os.path.join(rundir, "results.json"))
        save(os.path.join(a.data_dir, "last-results.json"))
        rep = report(a, results, st, d.meta, cmdline, started, refract_ver)
        print(rep)
        if a.out:
            with open(a.out, "w") as f:
                f.write(rep)
        log("raw results: %s/results.json" % rundir)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
