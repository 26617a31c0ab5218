#!/usr/bin/env python3
"""test_stdout.py: stdout that is not a plain terminal or file. A non-blocking
pipe drained slowly still gets every byte (atlwho polls within --max-time);
output that cannot be written (a pipe whose reader left, /dev/full, a full
pipe nobody drains) never gives exit 0: an answer of 0 or 1 becomes exit 8
(README, exit codes), a failed check keeps its code, and stderr says the
output was lost either way.

Each run has a stdout made here (harness.run captures stdout through a
blocking pipe of its own); harness.invariants still judge every run.

Run: ATLWHO=./atlwho python3 tests/e2e/test_stdout.py [-k NAME] [-v]
Ends with "N passed, N failed[, N skipped]"."""
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F  # noqa: E402

TOKEN = F.GOOD_TOKEN
S = H.Suite(__file__, tokens=[TOKEN])
check, want = S.check, S.want
RUN_TIMEOUT = 60.0 if H.VALGRIND else 20.0
BIG = 2 * 1024 * 1024        # the --raw body: 32 times a 64 KiB pipe


def big_body():
    u = F.jira_server_user()
    u["padding"] = "x" * BIG
    return F.jdump(u)


def serve(reply):
    return F.FakeServer(lambda req: reply).start()


def run_out(label, args, stdout, reader=None, servers=()):
    """Runs atlwho with args, its stdout the descriptor stdout (closed here once
    atlwho has it) and stderr captured; reader(): what came out of stdout, read
    in a thread while atlwho runs (None: nothing is read). Counts one check of
    the invariants. Returns the Run (out: what reader() read, else "")."""
    env = {"ATLWHO_TOKEN": TOKEN}
    cmd = H.atlwho_cmd(args)
    got = []
    before = [(name, srv, len(srv.requests)) for name, srv in servers]
    th = threading.Thread(target=lambda: got.append(reader()), daemon=True) if reader else None
    t = time.monotonic()
    p = subprocess.Popen(cmd, env=H.base_env(env), stdin=subprocess.DEVNULL, stdout=stdout,
                         stderr=subprocess.PIPE)
    os.close(stdout)
    if th:
        th.start()
    try:
        _, err = p.communicate(timeout=RUN_TIMEOUT)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        rc = None
    el = time.monotonic() - t
    if th:
        th.join(RUN_TIMEOUT)
    out = got[0] if got else b""
    r = H.Run(rc, out.decode("utf-8", "surrogateescape"), err.decode("utf-8", "surrogateescape"), el,
              None, cmd, env, False)
    servers = [(name, H._Since(srv, n)) for name, srv, n in before]   # this run's requests
    fails = H.invariants(r, args, [TOKEN], servers)
    check(not fails, label + ": invariants", "\n".join(fails + H.describe(r, servers, limit=300)),
          line=H.caller_line())
    return r


def nonblocking_pipe():
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
    return r, w


def fill(w):
    """Fills the non-blocking pipe w: nothing more fits."""
    n = 0
    while True:
        try:
            n += os.write(w, b"#" * 4096)
        except BlockingIOError:
            return n


def test_slow_reader():
    label = "--raw, a 2 MiB body into a non-blocking pipe drained slowly: every byte, exit 0"
    if not want(label):
        return
    body = big_body()
    srv = serve(F.http_response(200, body, [F.JSON_CT, ("X-AUSERNAME", F.GOOD_USER)]))
    r, w = nonblocking_pipe()

    def slowly():
        time.sleep(0.3)          # the pipe fills: atlwho meets EAGAIN
        b = bytearray()
        while True:
            d = os.read(r, 65536)
            if not d:
                break
            b += d
            time.sleep(0.005)
        os.close(r)
        return bytes(b)

    try:
        res = run_out(label, ["--raw", "-m", "15", "-p", "jira", "http://127.0.0.1:%d" % srv.port], w, slowly,
                      [("srv", srv)])
        got = H.raw(res.out)
        check(res.rc == 0 and got == body, label, "exit %r, %d of %d bytes, identical %r: %s"
              % (res.rc, len(got), len(body), got == body, res.err.strip()[-300:]))
    finally:
        srv.stop()


def test_lost():
    ok = F.http_response(200, F.jdump(F.jira_server_user()), [F.JSON_CT, ("X-AUSERNAME", F.GOOD_USER)])
    srv = serve(ok)
    url = "http://127.0.0.1:%d" % srv.port
    try:
        label = "stdout a pipe whose reader has closed: exit 8 naming the broken pipe"
        if want(label):
            r, w = os.pipe()
            os.close(r)
            res = run_out(label, ["-p", "jira", url], w, servers=[("srv", srv)])
            check(res.rc == 8 and "standard output" in res.err and "Broken pipe" in res.err, label,
                  "exit %r: %s" % (res.rc, res.err.strip()))
        label = "stdout /dev/full: exit 8 naming the full device, -j too"
        if want(label):
            for args in (["-p", "jira", url], ["-j", "-p", "jira", url]):
                res = run_out(label, args, os.open("/dev/full", os.O_WRONLY), servers=[("srv", srv)])
                check(res.rc == 8 and "No space left on device" in res.err, label + " (%s)" % args[0],
                      "exit %r: %s" % (res.rc, res.err.strip()))
        label = "stdout a full non-blocking pipe nobody drains, -m 2: exit 8 at the deadline"
        if want(label):
            r, w = nonblocking_pipe()
            fill(w)
            res = run_out(label, ["-m", "2", "-p", "jira", url], w, servers=[("srv", srv)])
            os.close(r)
            check(res.rc == 8 and "--max-time" in res.err, label, "exit %r: %s" % (res.rc, res.err.strip()))
            check(2.0 - H.DEADLINE_EARLY <= res.elapsed < 2.0 + H.DEADLINE_SLACK,
                  label + ": %.2f s with -m 2" % res.elapsed)
    finally:
        srv.stop()


def test_lost_failed_check():
    """A check that failed keeps its code: its answer about the token holds."""
    label = "--raw 401 body to /dev/full: exit 3 kept, the lost output said"
    if want(label):
        srv = serve(F.reply_jira_401_json())
        try:
            res = run_out(label, ["--raw", "-p", "jira", "http://127.0.0.1:%d" % srv.port],
                          os.open("/dev/full", os.O_WRONLY), servers=[("srv", srv)])
            check(res.rc == 3 and "No space left on device" in res.err and "output lost" in res.err, label,
                  "exit %r: %s" % (res.rc, res.err.strip()))
        finally:
            srv.stop()
    label = "--raw 2 MiB body into a non-blocking pipe nobody drains, -m 2: exit 5 (the time-out), output lost said"
    if want(label):
        srv = serve(F.http_response(200, big_body(), [F.JSON_CT, ("X-AUSERNAME", F.GOOD_USER)]))
        r, w = nonblocking_pipe()
        try:
            res = run_out(label, ["--raw", "-m", "2", "-p", "jira", "http://127.0.0.1:%d" % srv.port], w,
                          servers=[("srv", srv)])
            check(res.rc == 5 and "--max-time" in res.err and "output lost" in res.err, label,
                  "exit %r: %s" % (res.rc, res.err.strip()))
            check(res.elapsed < 2.0 + H.DEADLINE_SLACK, label + ": %.2f s with -m 2" % res.elapsed)
        finally:
            os.close(r)
            srv.stop()


def run_closed(label, args, close, servers=(), stdin_data=None):
    """Runs atlwho with the descriptors in close (of 0, 1, 2) closed, as `>&-` does; the
    others are pipes read here. Returns (rc, out, err, elapsed)."""
    env = H.base_env({"ATLWHO_TOKEN": TOKEN})
    cmd = H.atlwho_cmd(args)

    def closer():
        for fd in close:
            os.close(fd)
    t = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=closer)
    try:
        out, err = p.communicate(stdin_data, timeout=RUN_TIMEOUT)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = None
    return rc, out, err.decode("utf-8", "replace"), time.monotonic() - t


def test_closed_descriptors(pk):
    """A descriptor 0, 1 or 2 closed at start (`>&-`) is held by sys_harden, so that the
    first file or socket atlwho opens never becomes "standard output": the report is never
    written into the server's connection or a CA file, and lost output is exit 8."""
    u = F.jira_server_user()
    u["padding"] = "x" * 200000   # --raw writes it while the connection is open
    ok = F.http_response(200, F.jdump(u), [F.JSON_CT, ("X-AUSERNAME", F.GOOD_USER)])
    srv = F.FakeServer(lambda req: ok, tls=F.TLS(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key)).start()
    base = ["-p", "jira", "--cacert", pk.ca, "https://localhost:%d" % srv.port]
    try:
        for args, close, rc_want, what in (
                (["-j"] + base, (1,), 8, "Bad file descriptor"),
                (base, (1,), 8, "Bad file descriptor"),
                (["-v"] + base, (1, 2), 8, None),
                (["-v"] + base, (2,), 0, None),   # -v's lines must not go into the connection
                (["--raw"] + base, (1,), 8, "Bad file descriptor"),  # nor the body, streamed while it is open
                (["--token-file", "-"] + base, (0,), 2, "empty")):
            label = "descriptors %s closed at start, %s: exit %d, nothing written to the connection" % (
                "+".join(map(str, close)), " ".join(args[:2]), rc_want)
            if not want(label):
                continue
            if H.VALGRIND and 2 in close:
                # valgrind reports on descriptor 2 itself: without it, it cannot start (exit 127)
                S.skip(label, "ATLWHO_VALGRIND=1: valgrind needs descriptor 2 for its own report")
                continue
            n = len(srv.requests)
            rc, out, err, el = run_closed(label, args, close)
            reqs = srv.requests[n:]
            check(rc == rc_want and (what is None or what in err), label, "exit %r: %r" % (rc, err[-300:]))
            if rc_want != 2:
                check(len(reqs) == 1 and reqs[0].path.endswith("/myself") and not srv.tls_errors, label +
                      ": one clean request", "requests: %r, TLS errors %r" % (reqs, srv.tls_errors[-2:]))
            check(not any(TOKEN.encode() in x for x in (out, err.encode())), label + ": no token in output")
    finally:
        srv.stop()


def main():
    if not S.need():
        return S.finish()
    test_slow_reader()
    test_lost()
    test_lost_failed_check()
    root = tempfile.mkdtemp(prefix="atlwho-test_stdout-")
    try:
        test_closed_descriptors(H.PKI.cached_pki(os.path.join(root, "pki")))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
