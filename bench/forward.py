#!/usr/bin/env python3
"""refract forwarding benchmark (issue "live rules 1/2"), started by
`bench/run.sh --forward` (see bench/README.md, "Forwarding").

Part 1, cache hit versus zone file (no pdns): `refract replay` on one core
over a PIPE transcript of ANY questions, answered from a zone file in one
configuration and by the forward rule from a warm cache in the other
(replay's scripted upstream: `#@ record` lines, then the questions pass
after pass; only the first pass misses).  CPU per request is the
difference between a long and a short transcript (which both hold the
warm-up pass and the start-up), interleaved repetitions, medians.

Part 2, live forwarding behind pdns: a delayed upstream (bench/slowdns.py,
a fixed delay per answer, concurrent), pdns_server with the remote backend
on refract's unix socket daemon, versus the same pdns with a sequential
Python backend (bench/baseline_forward_unix.py).  Client-seen latency of
fresh names (cache misses), upstream queries per client query, and K
identical concurrent queries through several pdns connections.
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (helpers: processes, DNS probe, ports)
from bench import log, start, kill_tree, cleanup, free_port  # noqa: E402

PYTHON = bench.PYTHON
HIT_ORIGIN = "fw.example"
SLOW_ORIGIN = "slow.example"
ANY_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR",
             "HTTPS", "NAPTR", "DS"]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(-(-p * len(xs) // 100)) - 1))
    return xs[k]


def system_busy():
    return bench.system_cpu()


# ------------------------------------------------- part 1: replay, hits ----

class HitData:
    """The zone, its twin as scripted-upstream records, the transcripts."""

    def __init__(self, a, wd, n):
        os.makedirs(wd)
        self.a, self.wd = a, wd
        self.n = n
        rng = random.Random(a.seed)
        recs = []
        for i in range(self.n):
            name = "h%d.%s." % (i, HIT_ORIGIN)
            r = rng.random()
            if r < 0.10:  # a CNAME, alone at its name
                recs.append((name, "CNAME", "h%d.%s." % (rng.randrange(self.n),
                                                         HIT_ORIGIN)))
                continue
            recs.append((name, "A", "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255,
                                                      i & 255)))
            if r < 0.40:
                recs.append((name, "AAAA", "2001:db8::%x" % i))
            if r < 0.30:
                recs.append((name, "MX", "10 mx%d.%s." % (i % 50, HIT_ORIGIN)))
            if r < 0.20:
                recs.append((name, "TXT", '"v=spf1 -all %d"' % i))
        self.recs = recs
        self.soa = ("%s. 3600 SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 3600"
                    % (HIT_ORIGIN, HIT_ORIGIN, HIT_ORIGIN))
        self.zone = os.path.join(wd, "hit.zone")
        with open(self.zone, "w") as f:
            f.write(self.soa + "\n%s. 3600 NS ns1.%s.\n" % (HIT_ORIGIN, HIT_ORIGIN))
            f.write("ns1.%s. 3600 A 192.0.2.53\n" % HIT_ORIGIN)
            for n, t, c in recs:
                f.write("%s 3600 %s %s\n" % (n, t, c))
        self.confs = {}
        self.conf("zone", "zone %s { file %s; id 1 }\n" % (HIT_ORIGIN, self.zone))
        up = ("upstream up { server 127.0.0.1:9; recursion no }\n"
              "cache { size %d }\n" % max(100000, 20 * self.n))
        self.conf("forward", up + "rule { name %s; forward up; id 2 }\n" % HIT_ORIGIN)
        self.conf("forward-1type", up + "rule { name %s; forward up; id 2; "
                  "any-types A }\n" % HIT_ORIGIN)

    def conf(self, key, text):
        p = os.path.join(self.wd, "hit-%s.conf" % key)
        with open(p, "w") as f:
            f.write(text)
        self.confs[key] = p

    def transcript(self, kind, passes, stats=False):
        """PIPE ABI 5: HELO, (records), `passes` shuffled passes of ANY."""
        p = os.path.join(self.wd, "hit-%s-%d%s.tr" % (kind, passes,
                                                       "-stats" if stats else ""))
        if os.path.exists(p):
            return p
        zid = 1 if kind == "zone" else 2
        rng = random.Random(self.a.seed + 1)
        order = list(range(self.n))
        with open(p, "w") as f:
            f.write("# %s: %d names x %d passes\n" % (kind, self.n, passes))
            if kind != "zone":
                f.write("#@ record up %s\n" % self.soa)
                f.write("#@ record up %s. 3600 NS ns1.%s.\n" % (HIT_ORIGIN,
                                                                 HIT_ORIGIN))
                f.write("#@ record up ns1.%s. 3600 A 192.0.2.53\n" % HIT_ORIGIN)
                for n, t, c in self.recs:
                    f.write("#@ record up %s 3600 %s %s\n" % (n, t, c))
            f.write("HELO\t5\n")
            for _ in range(passes):
                rng.shuffle(order)
                f.write("".join("Q\th%d.%s\tIN\tANY\t%d\t127.0.0.1\t127.0.0.1"
                                "\t127.0.0.1/32\n" % (i, HIT_ORIGIN, zid)
                                for i in order))
            if stats:
                f.write("CMD\tstats\n")
        return p


def run_cpu(argv, out=subprocess.DEVNULL):
    """Run argv pinned to CPU 0; (user s, sys s, wall s) from wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(["taskset", "-c", "0"] + argv, stdout=out,
                         stderr=subprocess.PIPE, start_new_session=True)
    bench.procs.append(p)
    watchdog = threading.Timer(600, lambda: p.poll() is None and p.kill())
    watchdog.start()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    watchdog.cancel()
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    bench.procs.remove(p)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), p.returncode,
                                                   err[-500:]))
    return ru.ru_utime, ru.ru_stime, wall


def parse_stats(text):
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^([a-z-]+) (\d+)$", text, re.M)}


def hit_verify(a, d):
    """Answer equality (zone vs forward, zone ids aside) and the cache
    counters of a 2-pass forward replay."""
    res = {}
    outs = {}
    for kind in ("zone", "forward"):
        tr = d.transcript("zone" if kind == "zone" else "fwd", 2, stats=True)
        r = subprocess.run([a.refract, "replay", "--config", d.confs[kind], tr],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=600, check=True)
        text = r.stdout.decode()
        body, _, stats = text.rpartition("\nqueries ")
        outs[kind] = [re.sub(r"^(DATA(?:\t[^\t]*){6})\t[^\t]*\t", r"\1\tID\t", ln)
                      for ln in body.split("\n")]
        res[kind + "_stats"] = parse_stats("queries " + stats)
    # DATA lines: scope auth qname class type ttl id content; per answer the
    # order may differ (zone file order vs fan-out order): compare sorted
    def answers(lines):
        out, cur = [], []
        for ln in lines[1:]:  # after the HELO banner
            if ln in ("END", "FAIL"):
                out.append((ln, sorted(cur)))
                cur = []
            else:
                cur.append(ln)
        return out
    za, fa = answers(outs["zone"]), answers(outs["forward"])
    res["answers"] = len(za)
    res["differences"] = sum(1 for x, y in zip(za, fa) if x != y) + abs(len(za) - len(fa))
    res["records"] = sum(len(x[1]) for x in za)
    res["fails"] = sum(1 for x in fa if x[0] == "FAIL")
    return res


def part_hits(a, rundir):
    wd = os.path.join(rundir, "hits")
    os.makedirs(wd)
    sizes, data = [], {}
    for n in a.hit_names:
        d = HitData(a, os.path.join(wd, str(n)), n)
        passes = max(1, a.hit_requests // n)
        log("part 1: %d names, transcripts of 2 and %d passes" % (n, 2 + passes))
        ver = hit_verify(a, d)
        log("  verify: %d answers, %d records, %d differences, forward stats %s" % (
            ver["answers"], ver["records"], ver["differences"],
            {k: ver["forward_stats"].get(k) for k in ("cache-hits", "cache-misses",
                                                      "upstream-queries")}))
        data[n] = (d, passes, {"zone": d.transcript("zone", 2),
                               "fwd": d.transcript("fwd", 2)},
                   {"zone": d.transcript("zone", 2 + passes),
                    "fwd": d.transcript("fwd", 2 + passes)})
        sizes.append({"names": n, "records": len(d.recs), "passes": passes,
                      "verify": ver})
    configs = [(n, key, tr) for n in a.hit_names for key, tr in
               (("zone", "zone"), ("forward", "fwd"), ("forward-1type", "fwd"))]
    runs = []
    s0 = system_busy()
    for rep in range(a.hit_reps):
        k = rep % len(configs)
        for n, key, tr in configs[k:] + configs[:k]:
            d, passes, short, long_ = data[n]
            r = {"config": key, "names": n, "rep": rep}
            pair = [("short", short[tr]), ("long", long_[tr])]
            if rep % 2:
                pair.reverse()
            for label, path in pair:
                u, s, w = run_cpu([a.refract, "replay", "--config",
                                   d.confs[key], path])
                r[label] = {"user": u, "sys": s, "wall": w}
            nreq = passes * n
            r["requests"] = nreq
            r["us_per_req"] = 1e6 * ((r["long"]["user"] + r["long"]["sys"]) -
                                     (r["short"]["user"] + r["short"]["sys"])) / nreq
            r["us_user"] = 1e6 * (r["long"]["user"] - r["short"]["user"]) / nreq
            r["us_sys"] = 1e6 * (r["long"]["sys"] - r["short"]["sys"]) / nreq
            r["warmup_s"] = r["short"]["user"] + r["short"]["sys"]
            log("  rep %d %5d names %-14s %.3f us/request (short %.2fs, long "
                "%.2fs CPU)" % (rep + 1, n, key, r["us_per_req"], r["warmup_s"],
                                r["long"]["user"] + r["long"]["sys"]))
            runs.append(r)
    s1 = system_busy()
    instr = hit_instructions(a, data, configs)
    for d, _, short, long_ in data.values():
        for p in list(short.values()) + list(long_.values()):
            os.unlink(p)
    return {"sizes": sizes, "requests": a.hit_requests, "reps": a.hit_reps,
            "runs": runs, "instr": instr,
            "busy_pct": 100 * (s1[0] - s0[0]) / max(1e-9, s1[1] - s0[1])}


def hit_instructions(a, data, configs):
    """Instructions per request (valgrind's callgrind, when installed):
    what CPU time measures without the machine's noise (caches, other
    load), though blind to memory stalls.  Same subtraction as the timed
    runs, over 2 + ≈40000 requests."""
    if not shutil.which("valgrind"):
        log("part 1: valgrind not installed: no instruction counts")
        return None
    out = {}
    for n, key, tr in configs:
        d, _, short, _ = data[n]
        passes = max(1, 40000 // n)
        mid = d.transcript(tr, 2 + passes)
        ir = []
        for path in (short[tr], mid):
            r = subprocess.run(["valgrind", "--tool=callgrind",
                                "--callgrind-out-file=/dev/null", a.refract,
                                "replay", "--config", d.confs[key], path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=600)
            m = re.search(r"Collected : (\d+)", r.stderr.decode())
            if r.returncode != 0 or not m:
                raise RuntimeError("callgrind failed on %s" % path)
            ir.append(int(m.group(1)))
        os.unlink(mid)
        out["%d/%s" % (n, key)] = (ir[1] - ir[0]) / (passes * n)
        log("  instructions %5d names %-14s %.0f per request" % (
            n, key, out["%d/%s" % (n, key)]))
    return out


# -------------------------------------------- part 2: pdns, slow upstream ----

class Upstream:
    def __init__(self, a, rundir):
        self.port = free_port()
        self.logpath = os.path.join(rundir, "upstream-queries.log")
        open(self.logpath, "w").close()
        self.p = start([PYTHON, os.path.join(HERE, "slowdns.py"), "--port",
                        str(self.port), "--delay-ms", str(a.delay_ms), "--log",
                        self.logpath], os.path.join(rundir, "slowdns.out"))
        deadline = time.time() + 20
        while time.time() < deadline:
            with open(os.path.join(rundir, "slowdns.out")) as f:
                if "ready" in f.read():
                    return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("slowdns.py did not start: see %s/slowdns.out" % rundir)

    def offset(self):
        return os.path.getsize(self.logpath)

    def since(self, off):
        """[(name, type)] of the queries logged after offset off."""
        with open(self.logpath) as f:
            f.seek(off)
            data = f.read()
        return [tuple(ln.split(" ", 1)) for ln in data.splitlines() if " " in ln]


def expected_a(name):
    k = int(name.split(".")[0][1:])
    return "10.%d.%d.%d" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)


def timed_query(port, name, timeout):
    t0 = time.perf_counter()
    r = bench.dns_query(port, name, "A", timeout=timeout)
    dt = time.perf_counter() - t0
    if r is None:
        return dt, "timeout"
    rcode, rrs = r
    if rcode != 0:
        return dt, "rcode %d" % rcode
    if [x[3] for x in rrs if x[1] == "A"] != [expected_a(name)]:
        return dt, "wrong answer %r" % (rrs,)
    return dt, None


def fire(port, names, timeout, barrier=True):
    """Send one query per name at once (a thread each); [(latency, error)]."""
    out = [None] * len(names)
    bar = threading.Barrier(len(names)) if barrier else None

    def one(i):
        if bar is not None:
            bar.wait()
        out[i] = timed_query(port, names[i], timeout)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(len(names))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def backend_stats(sock):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(sock)
        s.sendall(b'{"method": "directBackendCmd", "parameters": {"query": "stats"}}\n')
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        s.close()
        return parse_stats(json.loads(buf)["result"])
    except (OSError, ValueError, KeyError):
        return {}


class Live:
    def __init__(self, a, rundir, up):
        self.a, self.rundir, self.up = a, rundir, up
        self.port = free_port()
        self.next_name = 0
        self.nrun = 0

    def fresh(self, n):
        names = ["n%d.%s" % (self.next_name + i, SLOW_ORIGIN) for i in range(n)]
        self.next_name += n
        return names

    def start_backend(self, cfg, wd, sock):
        if cfg == "refract":
            conf = os.path.join(wd, "refract.conf")
            with open(conf, "w") as f:
                f.write("upstream slow { server 127.0.0.1:%d; recursion no; "
                        "timeout 1s }\nrule { name %s; forward slow }\n" % (
                            self.up.port, SLOW_ORIGIN))
            argv = [self.a.refract, "--listen", sock, "--config", conf]
        else:
            argv = [PYTHON, os.path.join(HERE, "baseline_forward_unix.py"),
                    SLOW_ORIGIN, "127.0.0.1:%d" % self.up.port, sock]
        p = start(argv, os.path.join(wd, "backend.log"))
        deadline = time.time() + 30
        while time.time() < deadline:
            if p.poll() is not None:
                raise RuntimeError("backend exited: see %s/backend.log" % wd)
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                s.close()
                return p
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("backend did not listen within 30 s")

    def pdns_conf(self, wd, sock):
        return "\n".join([
            "local-address=127.0.0.1", "local-port=%d" % self.port,
            "socket-dir=%s" % wd, "security-poll-suffix=",
            "cache-ttl=0", "query-cache-ttl=0", "negquery-cache-ttl=0",
            "distributor-threads=%d" % self.a.dt, "loglevel=3",
            "disable-syslog=yes", "webserver=no", "api=no",
            "launch=remote",
            "remote-connection-string=unix:path=%s,timeout=2000" % sock]) + "\n"

    def wait_ready(self, pdns, wd):
        deadline = time.time() + 60
        while time.time() < deadline:
            if pdns.poll() is not None:
                raise RuntimeError("pdns exited: see %s/pdns.log" % wd)
            r = bench.dns_query(self.port, SLOW_ORIGIN, "SOA", timeout=2.0)
            if r is not None and r[0] == 0 and r[1]:
                return
            time.sleep(0.2)
        raise RuntimeError("pdns not answering within 60 s")

    def one(self, cfg, rnd):
        a = self.a
        self.nrun += 1
        wd = os.path.join(self.rundir, "%02d-%s" % (self.nrun, cfg))
        os.makedirs(wd)
        sock = os.path.join(wd, "backend.sock")
        res = {"config": cfg, "round": rnd}
        backend = pdns = None
        try:
            backend = self.start_backend(cfg, wd, sock)
            with open(os.path.join(wd, "pdns.conf"), "w") as f:
                f.write(self.pdns_conf(wd, sock))
            pdns = start(["/usr/sbin/pdns_server", "--config-dir=%s" % wd,
                          "--daemon=no", "--guardian=no"],
                         os.path.join(wd, "pdns.log"))
            self.wait_ready(pdns, wd)
            # warm-up: one wave (every pdns thread connects to the backend;
            # the apex ANY of pdns's zone-cache lookup is cached by refract)
            fire(self.port, self.fresh(a.dt), a.timeout)
            st0 = backend_stats(sock) if cfg == "refract" else {}
            # fresh names, in waves of dt concurrent queries: pdns hands
            # queries to its threads round-robin, so a wave gives each
            # thread (and backend connection) exactly one
            off = self.up.offset()
            s0 = system_busy()
            names, lat = [], []
            for _ in range(max(1, a.fresh // a.dt)):
                wave = self.fresh(a.dt)
                names += wave
                lat += fire(self.port, wave, a.timeout)
            s1 = system_busy()
            time.sleep(0.1)  # stragglers of the last wave reach the log
            q = self.up.since(off)
            mine = set(n + "." for n in names)
            res["latency_ms"] = [1000 * x[0] for x in lat]
            res["errors"] = [x[1] for x in lat if x[1]]
            res["queries"] = len(names)
            res["up_total"] = len(q)
            res["up_fresh"] = sum(1 for n, _ in q if n in mine)
            res["up_apex"] = sum(1 for n, _ in q if n == SLOW_ORIGIN + ".")
            per_name = {}
            for n, _ in q:
                if n in mine:
                    per_name[n] = per_name.get(n, 0) + 1
            res["up_per_name"] = sorted(set(per_name.values()))
            res["busy_pct"] = 100 * (s1[0] - s0[0]) / max(1e-9, s1[1] - s0[1])
            # coalescing: K identical queries at once for one fresh name
            name = self.fresh(1)[0]
            off = self.up.offset()
            co = fire(self.port, [name] * a.coalesce, a.timeout)
            time.sleep(0.1)
            q = self.up.since(off)
            by_type = {}
            for n, t in q:
                if n == name + ".":
                    by_type[t] = by_type.get(t, 0) + 1
            res["co_latency_ms"] = [1000 * x[0] for x in co]
            res["co_errors"] = [x[1] for x in co if x[1]]
            res["co_by_type"] = by_type
            res["co_apex"] = sum(1 for n, _ in q if n == SLOW_ORIGIN + ".")
            if cfg == "refract":
                st1 = backend_stats(sock)
                res["stats_delta"] = {k: st1.get(k, 0) - st0.get(k, 0) for k in (
                    "queries", "upstream-queries", "cache-hits", "cache-misses",
                    "cache-coalesced", "upstream-timeouts", "failed")}
            log("  %-8s r=%d  p50 %.1f ms  p99 %.1f ms  upstream/query %.2f "
                "(apex %d)  errors %d; coalescing x%d: %s, p50 %.1f ms" % (
                    cfg, rnd, pct(res["latency_ms"], 50), pct(res["latency_ms"], 99),
                    res["up_fresh"] / max(1, len(names)), res["up_apex"],
                    len(res["errors"]), a.coalesce,
                    ",".join("%s:%d" % kv for kv in sorted(by_type.items())),
                    pct(res["co_latency_ms"], 50)))
        except Exception as e:
            log("  %s r=%d FAILED: %s" % (cfg, rnd, e))
            res["error"] = str(e)
        finally:
            if pdns is not None:
                kill_tree(pdns, grace=10)
            if backend is not None:
                kill_tree(backend)
        return res


def part_live(a, rundir):
    wd = os.path.join(rundir, "live")
    os.makedirs(wd)
    up = Upstream(a, wd)
    live = Live(a, wd, up)
    log("part 2: upstream 127.0.0.1:%d (delay %g ms), pdns 127.0.0.1:%d, "
        "dt %d, %d fresh names per run, %d rounds, coalescing x%d" % (
            up.port, a.delay_ms, live.port, a.dt, a.fresh, a.rounds, a.coalesce))
    runs = []
    try:
        configs = ["refract", "python"]
        for rnd in range(1, a.rounds + 1):
            k = (rnd - 1) % len(configs)
            for cfg in configs[k:] + configs[:k]:
                runs.append(live.one(cfg, rnd))
    finally:
        kill_tree(up.p)
    return {"runs": runs}


# ----------------------------------------------------------------- report ----

def fmt(x, f="%.1f"):
    return "–" if x is None else f % x


def report(a, res, cmdline, started, refract_ver):
    L = []
    L.append("Command: `%s`  " % cmdline)
    L.append("Date: %s; host: %s, %d CPUs, %s; pdns %s; %s (source %s); "
             "load average at start %s  " % (
                 started, platform.node(), os.cpu_count(), platform.release(),
                 bench.pdns_version(), refract_ver, a.source_rev or "?",
                 res.get("loadavg", "?")))
    h = res.get("hits")
    if h:
        L.append("")
        L.append("#### 1. Cache hit versus zone-file answer (`refract replay`, no pdns)")
        L.append("")
        L.append("PIPE ABI 5 transcripts of `ANY` questions (client 127.0.0.1) "
                 "for every name of `%s` (A/AAAA/MX/TXT/CNAME), each pass in a "
                 "new random order; the same questions answered from the zone "
                 "file, and by the forward rule from replay's scripted upstream "
                 "(`#@ record` lines with the same records) through the cache. "
                 "`taskset -c 0 refract replay`, output to /dev/null, CPU = "
                 "user+sys from wait4. Per request = (CPU of the long transcript "
                 "− CPU of the 2-pass one) / the extra requests (≈%d): start-up, "
                 "zone load or `#@ record` lines, and the warm-up pass (all "
                 "misses) cancel out. %d interleaved repetitions; the machine was "
                 "%.0f%% busy (of 2 cores) meanwhile, this benchmark itself "
                 "being ≈50%%." % (HIT_ORIGIN, h["requests"], h["reps"],
                                   h["busy_pct"]))
        L.append("")
        for sz in h["sizes"]:
            v = sz["verify"]
            fs = v["forward_stats"]
            L.append("* %d names, %d records, long transcript 2+%d passes. Check "
                     "(2-pass replay with `CMD stats`): %d answers, **%d "
                     "differences** zone vs forward (records per answer, zone "
                     "id aside), %d FAIL; forward counters: %s upstream queries, "
                     "%s misses, %s hits (pass 2 all hits), %s bytes of merged "
                     "answers (`cache-merged-bytes`)." % (
                         sz["names"], sz["records"], sz["passes"], v["answers"],
                         v["differences"], v["fails"], fs.get("upstream-queries"),
                         fs.get("cache-misses"), fs.get("cache-hits"),
                         fs.get("cache-merged-bytes", "–")))
        L.append("")
        ins = h.get("instr") or {}
        L.append("| names | configuration | CPU µs/request (median) | user | sys | "
                 "each repetition | vs zone (ratio of medians; paired) | "
                 "instructions/request (vs zone) |")
        L.append("|---:|---|---:|---:|---:|---|---:|---:|")
        labels = {"zone": "zone file",
                  "forward": "forward, warm cache (ANY = 12 cache entries: the "
                             "default any-types)",
                  "forward-1type": "forward, warm cache, `any-types A` "
                                   "(diagnostic: 1 cache entry per ANY, fewer "
                                   "records out)"}
        summary = []
        for sz in h["sizes"]:
            n = sz["names"]
            by = {}
            for r in h["runs"]:
                if r["names"] == n:
                    by.setdefault(r["config"], []).append(r)
            zm = med([r["us_per_req"] for r in by.get("zone", [])])
            zrep = {r["rep"]: r["us_per_req"] for r in by.get("zone", [])}
            for key in ("zone", "forward", "forward-1type"):
                rs = by.get(key, [])
                m = med([r["us_per_req"] for r in rs])
                pr = med([r["us_per_req"] / zrep[r["rep"]] for r in rs
                          if zrep.get(r["rep"], 0) > 0])
                ratio = "–" if key == "zone" or not (m and zm) else \
                    "%.2f× (%.2f×)" % (m / zm, pr)
                if key == "forward" and m and zm:
                    summary.append((n, m / zm, pr))
                iz = ins.get("%d/zone" % n)
                ik = ins.get("%d/%s" % (n, key))
                itext = "–" if ik is None else "%.0f" % ik
                if ik is not None and iz and key != "zone":
                    itext += " (%.3f×)" % (ik / iz)
                L.append("| %d | %s | **%s** | %s | %s | %s | %s | %s |" % (
                    n, labels[key], fmt(m, "%.2f"),
                    fmt(med([r["us_user"] for r in rs]), "%.2f"),
                    fmt(med([r["us_sys"] for r in rs]), "%.2f"),
                    ", ".join("%.2f" % r["us_per_req"] for r in rs), ratio,
                    itext))
        L.append("")
        L.append("Target \"cache hit within 10%% of a zone-file answer\" (≤ "
                 "1.10×): %s." % "; ".join(
                     "%d names %.2f× → **%s**" % (n, x, "met" if x <= 1.10 else
                                                  "not met")
                     for n, x, _ in summary))
    lv = res.get("live")
    if lv:
        runs = [r for r in lv["runs"] if not r.get("error")]
        by = {}
        for r in runs:
            by.setdefault(r["config"], []).append(r)
        L.append("")
        L.append("#### 2. Live forwarding behind pdns, upstream delay %g ms" % a.delay_ms)
        L.append("")
        L.append("pdns_server 4.7.3, `launch=remote` over a unix socket, "
                 "distributor-threads=%d, cache-ttl=0 query-cache-ttl=0 "
                 "negquery-cache-ttl=0, zone cache on (default). Upstream: "
                 "`bench/slowdns.py` on 127.0.0.1, authoritative for `%s`, "
                 "every answer %g ms after its query, queries handled "
                 "concurrently. **refract**: `refract --listen` with `upstream "
                 "slow { server 127.0.0.1:PORT; recursion no; timeout 1s }`, "
                 "`rule { name %s; forward slow }`. **python**: "
                 "`bench/baseline_forward_unix.py`, a thread per pdns "
                 "connection, one UDP query per type, one after the other, no "
                 "cache. Client: A queries for fresh names (never asked "
                 "before: every one a cache miss), in waves of %d concurrent "
                 "queries (pdns hands queries to its threads round-robin: one "
                 "per thread and backend connection, none queued), latency "
                 "from send to answer as the client sees it; %d names per "
                 "run, %d rounds, configurations interleaved, a warm-up wave "
                 "excluded. Each answer is checked against the zone." % (
                     a.dt, SLOW_ORIGIN, a.delay_ms, SLOW_ORIGIN, a.dt,
                     (a.fresh // a.dt) * a.dt, a.rounds))
        L.append("")
        L.append("| backend | queries | p50 ms | p90 ms | p99 ms | max ms | "
                 "upstream queries per client query (fresh name + apex) | "
                 "≈ round trips expected | errors | machine busy |")
        L.append("|---|---:|---:|---:|---:|---:|---|---|---:|---:|")
        for cfg in ("refract", "python"):
            rs = by.get(cfg, [])
            if not rs:
                continue
            lat = [x for r in rs for x in r["latency_ms"]]
            nq = sum(r["queries"] for r in rs)
            fresh = sum(r["up_fresh"] for r in rs) / max(1, nq)
            apex = sum(r["up_apex"] for r in rs) / max(1, nq)
            per = sorted(set(x for r in rs for x in r["up_per_name"]))
            exp = ("1 × delay (12 types in parallel; apex cached)"
                   if cfg == "refract" else
                   "37 × delay (13 apex + 12 referral check + 12 main, "
                   "one after the other)")
            L.append("| %s | %d | **%s** | %s | **%s** | %s | %.2f + %.2f "
                     "(per name: %s) | %s | %d | %s%% |" % (
                         cfg, len(lat), fmt(pct(lat, 50)), fmt(pct(lat, 90)),
                         fmt(pct(lat, 99)), fmt(max(lat) if lat else None),
                         fresh, apex, ",".join(str(x) for x in per), exp,
                         sum(len(r["errors"]) for r in rs),
                         fmt(med([r["busy_pct"] for r in rs]), "%.0f")))
        lk = [r["stats_delta"]["queries"] / (r["queries"] + a.coalesce)
              for r in by.get("refract", []) if r.get("stats_delta")]
        if lk:
            L.append("")
            L.append("pdns backend lookups per client query (refract's `queries` "
                     "counter over the fresh names and the coalescing test): "
                     "%.2f — the zone-cache apex `ANY`, the referral-check `ANY` "
                     "at the name, the main `ANY` at the name." % med(lk))
        rl = [x for r in by.get("refract", []) for x in r["latency_ms"]]
        pl = [x for r in by.get("python", []) for x in r["latency_ms"]]
        if rl and pl:
            L.append("")
            L.append("refract p50 = %.2f × delay; python p50 = %.1f × delay; "
                     "python/refract p50 %.1f×, p99 %.1f×." % (
                         pct(rl, 50) / a.delay_ms, pct(pl, 50) / a.delay_ms,
                         pct(pl, 50) / pct(rl, 50), pct(pl, 99) / pct(rl, 99)))
        L.append("")
        L.append("**Coalescing**: %d identical A queries for one fresh name "
                 "sent at once (round-robin over the %d pdns threads, so %d "
                 "backend connections ask the same `ANY` together); upstream "
                 "queries for that name, per type, per round:" % (
                     a.coalesce, a.dt, min(a.dt, a.coalesce)))
        L.append("")
        L.append("| backend | round | upstream queries per type (the 12 "
                 "any-types) | total | apex | latency p50 / max ms | errors | "
                 "refract counters (fresh names + this test) |")
        L.append("|---|---:|---|---:|---:|---|---:|---|")
        for cfg in ("refract", "python"):
            for r in by.get(cfg, []):
                bt = r["co_by_type"]
                vals = sorted(set(bt.get(t, 0) for t in ANY_TYPES))
                other = sorted(set(bt) - set(ANY_TYPES))
                cell = ("%s each" % vals[0] if len(vals) == 1 else
                        ", ".join("%s %d" % (t, bt.get(t, 0)) for t in ANY_TYPES))
                if other:
                    cell += "; also " + ", ".join("%s %d" % (t, bt[t]) for t in other)
                sd = r.get("stats_delta")
                L.append("| %s | %d | %s | %d | %d | %s / %s | %d | %s |" % (
                    cfg, r["round"], cell, sum(bt.values()), r["co_apex"],
                    fmt(pct(r["co_latency_ms"], 50)),
                    fmt(max(r["co_latency_ms"])), len(r["co_errors"]),
                    "–" if not sd else "pdns lookups %d, upstream %d, hits %d, "
                    "misses %d, coalesced %d, timeouts %d, failed %d" % (
                        sd["queries"], sd["upstream-queries"], sd["cache-hits"],
                        sd["cache-misses"], sd["cache-coalesced"],
                        sd["upstream-timeouts"], sd["failed"])))
        errs = [r for r in lv["runs"] if r.get("error")]
        if errs:
            L.append("")
            L.append("Failed runs: %s." % "; ".join("%s r=%d: %s" % (
                r["config"], r["round"], r["error"][:200]) for r in errs))
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--refract", required=False)
    ap.add_argument("--parts", default="hits,live", help="hits, live or both")
    ap.add_argument("--quick", action="store_true", help="smoke test: small, one round")
    ap.add_argument("--hit-names", default=None,
                    help="zone sizes (names), comma list; default 1000,4000")
    ap.add_argument("--hit-requests", type=int, default=None,
                    help="requests the long transcript has beyond the short one")
    ap.add_argument("--hit-reps", type=int, default=None)
    ap.add_argument("--delay-ms", type=float, default=20.0)
    ap.add_argument("--dt", type=int, default=4, help="pdns distributor-threads")
    ap.add_argument("--fresh", type=int, default=None, help="fresh names per run")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--coalesce", type=int, default=8,
                    help="identical concurrent queries in the coalescing test")
    ap.add_argument("--timeout", type=float, default=5.0, help="client timeout, s")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--data-dir", default=os.path.join(HERE, ".data"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--cmdline", default=None)
    ap.add_argument("--source-rev", default=None)
    ap.add_argument("--report", metavar="RESULTS_JSON",
                    help="only print the report of a saved results file")
    a = ap.parse_args()
    q = a.quick
    a.hit_names = [int(x) for x in (a.hit_names or ("1000" if q else
                                                     "1000,4000")).split(",")]
    a.hit_requests = a.hit_requests or (50000 if q else 600000)
    a.hit_reps = a.hit_reps or (1 if q else 5)
    a.fresh = a.fresh or (20 if q else 100)
    a.rounds = a.rounds or (1 if q else 3)
    if a.report:
        with open(a.report) as f:
            saved = json.load(f)
        for k, v in saved["args"].items():
            setattr(a, k, v)
        print(report(a, saved["results"], saved["cmdline"], saved["started"],
                     saved["refract_version"]))
        return
    if not a.refract:
        ap.error("--refract is required (bench/run.sh --forward passes it)")
    signal.signal(signal.SIGTERM, bench.on_signal)
    signal.signal(signal.SIGINT, bench.on_signal)
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    rundir = "/tmp/refract-bench-forward.%d" % os.getpid()
    os.makedirs(rundir)
    cmdline = a.cmdline or " ".join(sys.argv)
    refract_ver = subprocess.run([a.refract, "--version"], stdout=subprocess.PIPE
                                 ).stdout.decode().strip()
    with open("/proc/loadavg") as f:
        res = {"loadavg": " ".join(f.read().split()[:3])}
    parts = a.parts.split(",")
    try:
        if "hits" in parts:
            res["hits"] = part_hits(a, rundir)
        if "live" in parts:
            res["live"] = part_live(a, rundir)
        keep = ("delay_ms", "dt", "fresh", "rounds", "coalesce", "hit_names",
                "hit_requests", "hit_reps", "source_rev")
        saved = {"results": res, "cmdline": cmdline, "started": started,
                 "refract_version": refract_ver,
                 "args": {k: getattr(a, k) for k in keep}}
        os.makedirs(a.data_dir, exist_ok=True)
        for path in (os.path.join(rundir, "results.json"),
                     os.path.join(a.data_dir, "forward-last-results.json")):
            with open(path, "w") as f:
                json.dump(saved, f, indent=1)
        rep = report(a, res, cmdline, started, refract_ver)
        print(rep)
        if a.out:
            with open(a.out, "w") as f:
                f.write(rep)
        log("logs and raw results in %s" % rundir)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
