#!/usr/bin/env python3
"""test_inject.py: atlwho's torture suites (curl's torture tests and SQLite's fault injection
are the models), run against the fault-injection build (make INJECT=1: build/inject/atlwho;
tests/inject/inject.h says how it is configured).

    ATLWHO=build/inject/atlwho python3 tests/inject/test_inject.py --part sys   [--fast] [-k ...]
    ATLWHO=build/inject/atlwho python3 tests/inject/test_inject.py --part alloc [--stride N]

--part sys: a full check runs once without a fault (counting every system call of src/sys.c
by kind), then once per injection point: the Nth call of a kind fails with each errno that
kind can meet (EINTR, EAGAIN, ENOMEM, EPIPE, ECONNRESET, EIO, and the kind's own: EMFILE,
ECONNREFUSED...) or moves 1 byte (short read or write); and once per "torture" rule (every
recv, send, read, write short). Scenarios: TLS 1.3, TLS 1.2, through a CONNECT proxy, and
following a redirect (-L). --fast: one errno per point (taken in turn), every torture rule.

--part alloc: the Nth mbedTLS allocation fails, for every N a full TLS 1.2, TLS 1.3 and TLS 1.3
with a client certificate check makes (--stride N: every Nth only, for valgrind).

After every run, whatever the fault (besides harness.py's invariants: a documented exit code,
no token in any output or at another origin, safe stderr): it ended within --max-time and by
exiting (no signal, no hang); no descriptor above 2 and no child process was left at exit,
nor any mbedTLS allocation (the test build's report); and it did what the fault demands:
  transparent faults (EINTR where the call is retried, a short transfer, EAGAIN where the
  code polls, a failure the code ignores or falls back from): exit 0 and exactly the output
  of the run without a fault;
  other faults: a documented failure code with one line on stderr ("out of memory" for a
  failed allocation), or exit 0 with the right output only where the fault was absorbed and
  the suite can show it (another address was tried; the end-of-file read of the name
  lookup's answer; the close_notify after the reply).
Ends with "N passed, N failed".
"""

import errno
import os
import re
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness as H  # noqa: E402
from harness import F, PKI  # noqa: E402

MAX_TIME = 5                  # -m for every run: a hang shows as a run past it
TIME_SLACK = 3.0 + (6.0 if H.VALGRIND else 0.0)

# The errnos each kind is failed with (the brief's six where the call can meet them, and the
# kind's own); "short" moves one byte. Kinds not listed are failed with EIO (none is reached
# in these scenarios: opendir, readdir, nanosleep, kill, sigaction, setitimer).
IO6 = ["EINTR", "EAGAIN", "ENOMEM", "EPIPE", "ECONNRESET", "EIO"]
MODES = {
    "recv": ["EINTR", "EAGAIN", "ENOMEM", "ECONNRESET", "EIO", "short"],
    "send": ["EINTR", "EAGAIN", "ENOMEM", "EPIPE", "ECONNRESET", "EIO", "short"],
    "read": ["EINTR", "EAGAIN", "EIO", "short"],
    "write": ["EINTR", "EAGAIN", "EPIPE", "EIO", "short"],
    "poll": ["EINTR", "EAGAIN", "ENOMEM"],
    "connect": ["EINTR", "EAGAIN", "ENOMEM", "ECONNREFUSED", "ECONNRESET", "EIO"],
    "socket": ["ENOMEM", "EMFILE", "ENOBUFS"],
    "getsockopt": ["ENOMEM", "EIO"],
    "setsockopt": ["ENOMEM", "EIO"],
    "fork": ["EAGAIN", "ENOMEM"],
    "pipe": ["EMFILE", "ENFILE"],
    "fcntl": ["EMFILE", "EIO"],
    "close": ["EINTR", "EIO"],
    "waitpid": ["EINTR"],
    "open": ["EINTR", "ENOMEM", "EIO", "EMFILE", "EACCES"],
    "stat": ["ENOMEM", "EIO", "EACCES"],
    "getrandom": ["EINTR", "EAGAIN", "ENOMEM", "EIO"],
    "getaddrinfo": ["EAGAIN", "ENOMEM", "EIO"],
    "clock_gettime": ["EINVAL"],
    "time": ["EINVAL"],
    "signal": ["EINVAL"],
    "prctl": ["EINVAL"],
}
# Every call of the kind from the first: the harshest short transfers.
TORTURE = ["recv:1+:short", "send:1+:short", "read:1+:short", "write:1+:short",
           "recv:1+:short,send:1+:short,read:1+:short,write:1+:short"]

# Retried on EINTR (sys.c's loops).
EINTR_RETRIED = {"read", "write", "recv", "send", "poll", "connect", "open", "waitpid", "nanosleep",
                 "getrandom"}
# Failures the code ignores by design, whatever the errno: close (the descriptor is released
# anyway), close-on-exec and TCP_NODELAY (form's sake and latency), SIGPIPE and
# PR_SET_DUMPABLE (hardening that cannot fail on Linux: prctl(2)). (fork and pipe for the
# name lookup fail the check: exit 5, a lookup without them could outlast --max-time.)
IGNORED = {"close", "fcntl", "setsockopt", "signal", "prctl"}


def transparent(kind, what):
    """The fault must not show: exit 0 and the output of the run without a fault."""
    if what == "short":
        return True
    if what == "EINTR" and kind in EINTR_RETRIED:
        return True
    if what == "EAGAIN" and kind in ("recv", "send", "write", "getrandom"):
        return True   # sockets and a non-blocking stdout wait in poll; getrandom blocks until its deadline
    return kind in IGNORED


def absorbed(fired, rep):
    """A failing call whose failure may leave the check's result intact, and why (None: it
    may not). rep: this run's report."""
    kind, n, _, fn, fd, fdcall, fdtotal, proc = fired
    at, cnt = rep["at_fire"], rep["count"]
    if kind in ("socket", "connect") and cnt.get("socket", 0) > at.get("socket", 0):
        return "another address was tried (RFC 8305)"
    if kind == "getsockopt" and cnt.get("socket", 0) > at.get("socket", 0):
        return "another address was tried (RFC 8305)"
    if kind == "getaddrinfo" and proc == "main":
        return "the numeric-address pass (the name is then looked up)"
    if kind == "read" and fdcall > 1:
        return "not the first read of the descriptor: what was needed had come (the lookup's " \
            "answer, the CA certificate)"
    if kind == "send" and fdcall > 1 and fdcall == fdtotal:
        return "the connection's last call: close_notify after the reply"
    if kind == "poll" and fn == "wait_fd" and at.get("fork", 0) > at.get("waitpid", 0) and at.get("read", 0):
        return "a lookup under way whose answer had come whole (one read): the wait for its end failed"
    if kind == "clock_gettime":
        return "a clock read that failed (sys_now_ms reads 0: a single failure misleads no deadline)"
    return None


# Kinds whose failure the message must name by its errno text (sys.c's table: glibc's words).
NAMED = {"recv", "send", "connect", "socket", "getsockopt", "poll", "open", "read", "write", "getrandom",
         "fork", "pipe"}
TIMED_OUT = re.compile(r"timed out|took longer than|before the deadline", re.I)


def named_cause(kind, what, r):
    """A failure's one line is clear: it names the errno the call failed with, and it says
    "timed out" only when --max-time has (nearly) passed."""
    fails = []
    if kind in NAMED and what != "short" and os.strerror(getattr(errno, what)) not in r.err:
        fails.append("the message does not name the cause (%r): %r" % (
            os.strerror(getattr(errno, what)), r.err.strip()))
    if kind != "clock_gettime" and TIMED_OUT.search(r.err) and r.elapsed < MAX_TIME - 1:
        fails.append("the message says time ran out, after %.2f s of --max-time %d s" % (r.elapsed, MAX_TIME))
    return fails


# Findings left to other work, skipped (counted, said why) rather than failed: each names the
# message or the fault and the work that changes it.
KNOWN_MSGS = []   # none left: resolve()'s and the getrandom messages name their errno now


def known(fired, r, fails):
    """The reason a failing run is a known finding left to other work, or None."""
    if fails and all(f.startswith(("the message does not name", "the message says time")) for f in fails):
        for pat, why in KNOWN_MSGS:
            if pat.search(r.err):
                return why
    return None


def alloc_absorbed(spec, rep, base):
    """A failed allocation the check survived, and how (None: it may not have)."""
    if "+" not in spec and rep["count"].get("alloc", 0) > base["count"].get("alloc", 0):
        return "the allocation was made again (mbedTLS's fallback path)"
    return None


def parse_report(path):
    rep = {"count": {}, "at_fire": {}, "fired": None, "fds": None, "fd_list": "", "children": None,
           "heap": None}
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    for line in text.splitlines():
        w = line.split()
        if w[0] == "count":
            rep["count"][w[1]] = int(w[2])
        elif w[0] == "at-fire":
            rep["at_fire"][w[1]] = int(w[2])
        elif w[0] == "fired" and w[1] != "none":
            rep["fired"] = (w[1], int(w[2]), w[3], w[4], int(w[5]), int(w[6]), int(w[7]), w[8])
        elif w[0] == "fds":
            rep["fds"] = int(w[1])
            rep["fd_list"] = " ".join(w[2:])
        elif w[0] == "children":
            rep["children"] = int(w[1])
        elif w[0] == "heap":
            rep["heap"] = [int(x) for x in w[1:]]
    return rep


class Scenario:
    """A full check against fake servers started once and kept for all its runs."""

    def __init__(self, name, pk, make):
        self.name, self.pk = name, pk
        self.servers, self.proxy, self.args = make(pk)
        self.base = None        # the run without a fault: (Run, report)

    def stop(self):
        for _, s in self.servers:
            s.stop()
        if self.proxy:
            self.proxy.stop()


def tls(pk, leaf="ecdsa", versions=None, mtls=False):
    return F.TLS(pk.leaf[leaf].cert, pk.leaf[leaf].key, versions=versions,
                 client_ca=pk.clientca if mtls else None)


def args_for(pk, origin, ca, extra=()):
    return ["-m", str(MAX_TIME), "-p", "jira", "--cacert", ca] + list(extra) + [origin]


def sc_tls13(pk):
    s = F.FakeServer(F.jira(), tls=tls(pk, versions="1.3"), host="both").start()
    return [("srv", s)], None, args_for(pk, s.origin("localhost"), pk.ca)


def sc_tls12(pk):
    s = F.FakeServer(F.jira(), tls=tls(pk, "rsa", versions="1.2"), host="both").start()
    return [("srv", s)], None, args_for(pk, s.origin("localhost"), pk.ca2)


def sc_proxy(pk):
    s = F.FakeServer(F.jira(), tls=tls(pk), host="both").start()
    p = F.ConnectProxy().start()
    return [("srv", s)], p, args_for(pk, s.origin("localhost"), pk.ca, ["-x", p.url()])


def sc_redirect(pk):
    s = F.FakeServer(F.redirect(302, "{base}/new/rest/api/2/myself", then=F.jira(context="/new")),
                     tls=tls(pk), host="both")
    s.start()
    s.vars = {"base": s.origin("localhost")}
    return [("srv", s)], None, args_for(pk, s.origin("localhost") + "/old", pk.ca, ["-L"])


def sc_mtls(pk):
    s = F.FakeServer(F.jira(), tls=tls(pk, versions="1.3", mtls=True), host="both").start()
    return [("srv", s)], None, args_for(pk, s.origin("localhost"), pk.ca,
                                        ["--cert", pk.leaf["client"].cert, "--key", pk.leaf["client"].key])


SYS_SCENARIOS = [("TLS 1.3", sc_tls13), ("TLS 1.2", sc_tls12), ("CONNECT proxy", sc_proxy),
                 ("redirect -L", sc_redirect)]
ALLOC_SCENARIOS = [("TLS 1.3", sc_tls13), ("TLS 1.2", sc_tls12), ("TLS 1.3 client certificate", sc_mtls)]


class Runner:
    def __init__(self, suite, root):
        self.S, self.root = suite, root
        self.runs = 0

    def run(self, sc, spec):
        rep_path = os.path.join(self.root, "report")
        try:
            os.unlink(rep_path)
        except OSError:
            pass
        before = [(name, s, len(s.requests)) for name, s in sc.servers]
        env = {"ATLWHO_TOKEN": F.GOOD_TOKEN, "ATLWHO_INJECT_REPORT": rep_path}
        if spec:
            env["ATLWHO_INJECT"] = spec
        r = H.run(sc.args, env=env, timeout=H.RUN_TIMEOUT)
        self.runs += 1
        servers = [(name, H._Since(s, n)) for name, s, n in before]
        fails = H.invariants(r, sc.args, [F.GOOD_TOKEN], servers, sc.proxy)
        rep = parse_report(rep_path)
        if rep is None:
            if r.rc is not None and r.rc >= 0:
                fails.append("no report from the test build (is $ATLWHO build/inject/atlwho?)")
        else:
            if r.elapsed > MAX_TIME + TIME_SLACK:
                fails.append("took %.1f s: past --max-time %d s" % (r.elapsed, MAX_TIME))
            if rep["fds"]:
                fails.append("%d descriptor(s) above 2 open at exit: %s" % (rep["fds"], rep["fd_list"]))
            if rep["children"]:
                fails.append("%d child process(es) not reaped at exit" % rep["children"])
            if rep["heap"] and rep["heap"][0]:
                fails.append("%d mbedTLS allocation(s) (%d bytes) not freed at exit" % tuple(rep["heap"][:2]))
        return r, rep, servers, fails

    def baseline(self, sc):
        r, rep, servers, fails = self.run(sc, None)
        if r.rc != 0:
            fails.append("the run without a fault did not succeed")
        ok = not fails
        self.S.check(ok, "%s: the run without a fault succeeds" % sc.name,
                     "\n".join(fails + H.describe(r, servers, sc.proxy)))
        if ok:
            sc.base = (r, rep)
        return ok

    def judge(self, sc, spec, kind, what, alloc=False):
        """One run with the fault spec; one check."""
        r, rep, servers, fails = self.run(sc, spec)
        base_r = sc.base[0]
        fired = rep and rep["fired"]
        lines = [x for x in r.err.split("\n") if x]
        why = ""
        if rep is not None and r.rc is not None and r.rc >= 0:
            if not fired or transparent(kind, what) and not alloc:
                # not reached in this run (counts vary a little), or a fault that must not show
                if r.rc != 0 or r.out != base_r.out or r.err != base_r.err:
                    fails.append("%s: expected the result of the run without a fault (exit 0, same "
                                 "output)" % ("not fired" if not fired else "a transparent fault"))
            elif r.rc == 0:
                why = absorbed(fired, rep) if not alloc else alloc_absorbed(spec, rep, sc.base[1])
                if not why:
                    fails.append("exit 0 although the fault (%s in %s) should have failed the check"
                                 % (spec, fired[3]))
                elif r.out != base_r.out:
                    fails.append("exit 0 (%s) but the output differs from the run without a fault" % why)
            else:
                # 8: stdout could not be written (an answer of 0 or 1 lost)
                want = (5, 6, 7) if alloc else (2, 5, 6, 7, 8)
                if r.rc not in want:
                    fails.append("exit %d: expected one of %s" % (r.rc, want))
                if len(lines) != 1 or not lines[0].startswith("atlwho: "):
                    fails.append("expected one line 'atlwho: ...' on stderr, got %r" % lines)
                if alloc and not re.search(r"out of memory", r.err, re.I):
                    fails.append("the message does not say that memory ran out: %r" % r.err)
                fails += named_cause(kind, what, r)
        label = "%s: %s%s" % (sc.name, spec, " (absorbed: %s)" % why if why else "")
        if self.S.opts.show:
            print("     %s -> exit %s in %.2f s: %s" % (label, r.rc, r.elapsed, r.err.strip()[:200]))
        reason = known(fired, r, fails)
        if reason:
            self.S.skip(label, "known: " + reason)
            return r
        if fails:
            fails += ["fired: %r" % (fired,)] + H.describe(r, servers, sc.proxy, 600)
        self.S.report(label, fails)
        return r


def sys_points(sc, fast):
    """(spec, kind, what) for every injection point of the scenario's run without a fault."""
    out = []
    counts = sc.base[1]["count"]
    for kind in sorted(counts):
        if kind == "alloc":
            continue
        modes = MODES.get(kind, ["EIO"])
        for n in range(1, counts[kind] + 1):
            ms = [modes[(n - 1) % len(modes)]] if fast else modes
            out += [("%s:%d:%s" % (kind, n, m), kind, m) for m in ms]
    out += [(t, t.split(":")[0] if "," not in t else "recv", "short") for t in TORTURE]
    return out


def main():
    def extra(ap):
        ap.add_argument("--part", choices=("sys", "alloc"), required=True)
        ap.add_argument("--fast", action="store_true", help="sys: one errno per point, in turn")
        ap.add_argument("--stride", type=int, default=1,
                        help="every Nth injection point only (valgrind: its runs take a second or two)")
    S = H.Suite(__file__, extra=extra, timeout=H.RUN_TIMEOUT)
    if S.opts.list:
        for name, _ in (SYS_SCENARIOS if S.opts.part == "sys" else ALLOC_SCENARIOS):
            print(name)
        return 0
    if not S.need():
        return S.finish()
    root = tempfile.mkdtemp(prefix="atlwho-inject-")
    t0 = time.monotonic()
    R = Runner(S, root)
    try:
        pk = PKI.cached_pki(os.path.join(root, "pki"))
        for name, make in (SYS_SCENARIOS if S.opts.part == "sys" else ALLOC_SCENARIOS):
            if not S.want(name):
                continue
            sc = Scenario(name, pk, make)
            try:
                t = time.monotonic()
                if not R.baseline(sc):
                    continue
                if S.opts.part == "sys":
                    points = sys_points(sc, S.opts.fast)[::max(1, S.opts.stride)]
                    for spec, kind, what in points:
                        R.judge(sc, spec, kind, what)
                        if S.stop():
                            break
                    npoints = sum(c for k, c in sc.base[1]["count"].items() if k != "alloc")
                else:
                    npoints = sc.base[1]["count"].get("alloc", 0)
                    # transient (this allocation only) and persistent (this one and every
                    # later one: memory ran out and stays out), as SQLite's malloc tests
                    for n in range(1, npoints + 1, max(1, S.opts.stride)):
                        for spec in ("alloc:%d:ENOMEM" % n, "alloc:%d+:ENOMEM" % n):
                            R.judge(sc, spec, "alloc", "ENOMEM", alloc=True)
                        if S.stop():
                            break
                print("== %s: %d injection points, %d runs so far, %.0f s" % (
                    name, npoints, R.runs, time.monotonic() - t))
                sys.stdout.flush()
            finally:
                sc.stop()
            if S.stop():
                break
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("(%d runs of atlwho in %.0f s)" % (R.runs, time.monotonic() - t0))
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
