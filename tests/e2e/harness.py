"""harness.py: the one end-to-end harness every Python suite of atlwho uses.

    import harness as H      # from tests/e2e/*.py; tests/cross/*.py put tests/e2e on sys.path

Python 3 standard library only. It holds what the suites share, once:

  running   run() starts $ATLWHO (default ./atlwho) with args in a clean environment, under
            valgrind memcheck when ATLWHO_VALGRIND=1 (errors and definite or indirect leaks:
            exit 99), bounded in time; spawn() runs any command the same way (chroot, qemu,
            faketime). ATLWHO_EMU names the qemu-user that $ATLWHO (a wrapper) execs under
            `make test-cross`, and ATLWHO_BIN the binary itself.
  tally     Suite: options -k SUBSTRING (repeatable, case-insensitive), -v, -x, --list,
            --show; check(cond, label, detail) and skip(label, why) for suites of single
            checks, report(label, fails) for suites of rows; finish() prints the closing
            line "N passed, N failed[, N skipped]" (tests/suite.sh reads it) and gives the
            exit status (1 if anything failed).
  rows      Row, Srv, Proxy and run_table(): a table of rows, each an atlwho run against
            fake servers (fakeatl.py) with an exact exit code, message fragments and checks.
  invariants  invariants(): what must hold after every run of atlwho, whatever the row says:
            the run ends, by exiting, with a documented code (0..8); no token, no Basic encoding of
            it and no run of 12 token bytes or 16 base64 characters of it on stdout or
            stderr; the token reaches no origin but the one named; a proxy never sees it
            outside the tunnel; stderr, and stdout in text and -i modes, carry no raw
            control characters or invalid UTF-8; a text success is only "field: value"
            lines; -j output is one JSON object that agrees with the exit code; env output
            evaluates in every POSIX shell here without running anything; -q prints nothing.
  checks    row checks: functions of R (what a run left behind) that raise AssertionError
            with "what: expected vs got".
"""

import argparse
import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from urllib.parse import unquote_to_bytes, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the tree
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import fakeatl as F  # noqa: E402
import pki as PKI  # noqa: E402

# ============================================================================ what runs

ATLWHO = os.path.abspath(os.environ.get("ATLWHO", "./atlwho"))
# `make test-cross`: ATLWHO is a wrapper that execs ATLWHO_EMU (qemu-user) on ATLWHO_BIN.
EMU = os.environ.get("ATLWHO_EMU") or None
ATLWHO_BIN = os.path.abspath(os.environ.get("ATLWHO_BIN") or ATLWHO)
# `make test VALGRIND=1` sets ATLWHO_VALGRIND=1: every run under memcheck (errors -> exit 99).
VALGRIND = os.environ.get("ATLWHO_VALGRIND") == "1"
VALGRIND_CMD = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect"]
SLOW = VALGRIND or bool(EMU)
RUN_TIMEOUT = 60.0 if VALGRIND else 20.0   # seconds: no run may take longer (a row may ask more)
TIME_SLACK = 3.0 if VALGRIND else 0.0  # added to a row's max_elapsed
DEADLINE_SLACK = 1.0 + (4.0 if VALGRIND else 0.0)   # a timed run ends within this after its deadline
DEADLINE_EARLY = 0.15                  # ending this much before a deadline is not a time-out
SH_TIMEOUT = 10.0
OUTPUT_CAP = 8 * 1024 * 1024           # bytes kept of stdout and of stderr (a runaway writer)

FIELDS = ("name", "displayName", "active", "accountId", "type", "emailAddress", "username")
USERS = (F.GOOD_USER, F.CLOUD_EMAIL, "mallory")   # the -u names the suites use (Basic encodings)
# The shells --format env is evaluated by: POSIX sh, dash, bash and busybox sh (the shell of
# the small systems atlwho is for; Debian's busybox-static, vendor/deps.sh test).
SHELLS = [s for s in ("sh", "dash", "bash") if shutil.which(s)] + \
    (["busybox"] if os.path.exists("/bin/busybox") else [])


def base_env(extra=None):
    """A clean environment: no proxies, no CA overrides, no ATLWHO_* from the caller; extra
    is added (a value None removes the variable)."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
            "VALGRIND_OPTS")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def raw(s):
    return s.encode("utf-8", "surrogateescape")


class Run:
    """One finished process: rc (None: killed at the time-out; negative: a signal), out and
    err (str, UTF-8 with surrogateescape: raw bytes recoverable with raw()), elapsed seconds,
    maxrss: the peak RSS (KiB) seen in /proc/PID/status VmHWM while it ran (None unless
    asked for; not ru_maxrss, which Linux carries over from the forking Python across exec),
    cmd (argv), env (what was added to the clean environment), truncated: more than
    OUTPUT_CAP bytes came on stdout or stderr (the rest was not kept)."""

    def __init__(self, rc, out, err, elapsed, maxrss, cmd, env, truncated):
        self.rc, self.out, self.err, self.elapsed = rc, out, err, elapsed
        self.maxrss, self.cmd, self.env, self.truncated = maxrss, cmd, env, truncated

    def __iter__(self):
        """rc, out, err, elapsed = run(...)"""
        return iter((self.rc, self.out, self.err, self.elapsed))

    def command(self):
        """The command line to repeat the run by hand (the token's value left out)."""
        env = ["%s=%s" % (k, "..." if k == "ATLWHO_TOKEN" else shlex.quote(v))
               for k, v in sorted((self.env or {}).items()) if v is not None]
        return " ".join(env + [shlex.quote(a) for a in self.cmd])


def spawn(cmd, env=None, stdin=None, timeout=RUN_TIMEOUT, cwd=None, poll_rss=False):
    """Run cmd (argv) in base_env(env), stdin (str/bytes, else /dev/null), killed after
    timeout seconds. poll_rss: sample VmHWM every few ms (it only grows, so the last sample
    is a lower bound of the peak; a buffered 50 MB body could not hide from it)."""
    if isinstance(stdin, str):
        stdin = stdin.encode()
    t = time.monotonic()
    p = subprocess.Popen(cmd, env=base_env(env), cwd=cwd,
                         stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bufs = [bytearray(), bytearray()]
    over = []

    def drain(f, b):
        try:
            while True:
                d = f.read1(65536) if hasattr(f, "read1") else f.read(65536)
                if not d:
                    break
                if len(b) + len(d) <= OUTPUT_CAP:   # a runaway writer must not eat our memory
                    b += d
                else:
                    over.append(1)
        except (OSError, ValueError):
            pass

    def feed():
        try:
            p.stdin.write(stdin)
            p.stdin.close()
        except OSError:
            pass

    threads = [threading.Thread(target=drain, args=(p.stdout, bufs[0]), daemon=True),
               threading.Thread(target=drain, args=(p.stderr, bufs[1]), daemon=True)]
    if stdin is not None:
        threads.append(threading.Thread(target=feed, daemon=True))
    for th in threads:
        th.start()
    killed = []

    def kill():
        killed.append(1)
        try:
            p.kill()
        except OSError:
            pass

    hwm = [None]
    done = threading.Event()

    def poll():
        path = "/proc/%d/status" % p.pid
        while not done.is_set():
            try:
                with open(path) as fh:
                    for ln in fh:
                        if ln.startswith("VmHWM:"):
                            hwm[0] = max(hwm[0] or 0, int(ln.split()[1]))
            except (OSError, ValueError):
                pass
            done.wait(0.003)

    poller = threading.Thread(target=poll, daemon=True) if poll_rss else None
    if poller:
        poller.start()
    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, _ru = os.wait4(p.pid, 0)
    finally:
        timer.cancel()
        done.set()
        if poller:
            poller.join(2)
    p.returncode = os.waitstatus_to_exitcode(status)
    el = time.monotonic() - t
    for th in threads:
        th.join(5)
    p.stdout.close()
    p.stderr.close()
    rc = None if killed else p.returncode
    dec = lambda x: bytes(x).decode("utf-8", "surrogateescape")  # noqa: E731
    return Run(rc, dec(bufs[0]), dec(bufs[1]), el, hwm[0], list(cmd), env, bool(over))


def atlwho_cmd(args, prefix=(), valgrind=None):
    """argv for atlwho with args: prefix (e.g. sh -c 'ulimit ...; exec "$0" "$@"'), then
    valgrind when ATLWHO_VALGRIND=1 (valgrind=False: never)."""
    vg = VALGRIND if valgrind is None else valgrind
    return list(prefix) + (VALGRIND_CMD if vg else []) + [ATLWHO] + list(args)


def run(args, env=None, stdin=None, timeout=RUN_TIMEOUT, cwd=None, prefix=(), valgrind=None,
        poll_rss=False):
    """Run atlwho with args (see atlwho_cmd and spawn). Returns a Run."""
    return spawn(atlwho_cmd(args, prefix, valgrind), env=env, stdin=stdin, timeout=timeout,
                 cwd=cwd, poll_rss=poll_rss)


# ============================================================================ the tally

def caller_line(depth=2):
    return sys._getframe(depth).f_lineno


def wanted(name, patterns):
    """-k: any pattern is a case-insensitive substring of name (no pattern: everything)."""
    return not patterns or any(p.lower() in name.lower() for p in patterns)


class Suite:
    """The tally and the options of one suite (file: its __file__).

    extra(ap): adds a suite's own options to the argparse parser."""

    def __init__(self, file, argv=None, extra=None, description=None, tokens=(F.GOOD_TOKEN,),
                 timeout=RUN_TIMEOUT):
        self.me = os.path.basename(file)
        self.tokens, self.timeout = list(tokens), timeout
        ap = argparse.ArgumentParser(prog=self.me, description=description)
        ap.add_argument("-k", dest="pattern", action="append",
                        help="only what has this in its name (case-insensitive; repeatable: any)")
        ap.add_argument("-v", "--verbose", action="store_true", help="print every check")
        ap.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
        ap.add_argument("--list", action="store_true", help="list the rows and exit")
        ap.add_argument("--show", action="store_true", help="print each run's exit code and stderr")
        if extra:
            extra(ap)
        self.opts = ap.parse_args((sys.argv if argv is None else argv)[1:])
        self.verbose = self.opts.verbose
        self.passed = self.failed = self.skipped = 0
        self.t0 = time.monotonic()

    def want(self, name):
        return wanted(name, self.opts.pattern)

    def stop(self):
        """-x and something failed: stop."""
        return bool(self.opts.exitfirst and self.failed)

    def _where(self, line):
        return "%s:%d" % (self.me, line) if line else self.me

    def check(self, cond, label, detail="", line=None):
        """One check: cond true passes; else FAIL file:line label, then detail."""
        line = line or caller_line()
        if cond:
            self.passed += 1
            if self.verbose:
                print("ok   %s %s" % (self._where(line), label))
        else:
            self.failed += 1
            print("FAIL %s %s" % (self._where(line), label))
            if detail:
                print("    " + str(detail).replace("\n", "\n    "))
        sys.stdout.flush()
        return bool(cond)

    def report(self, label, fails, line=None, elapsed=None):
        """One row: passed when fails (a list of messages) is empty."""
        if fails:
            self.failed += 1
            print("FAIL %s %s" % (self._where(line), label))
            for f in fails:
                print("    " + str(f).replace("\n", "\n    "))
        else:
            self.passed += 1
            if self.verbose:
                print("ok   %s %s%s" % (self._where(line), label,
                                         "" if elapsed is None else " (%.2f s)" % elapsed))
        sys.stdout.flush()

    def skip(self, label, why, n=1, line=None):
        self.skipped += n
        print("SKIP %s %s: %s" % (self._where(line), label, why))
        sys.stdout.flush()

    def run(self, label, args, servers=(), proxy=None, routes=None, env=None, **kw):
        """Run atlwho with args (run()'s keywords; ATLWHO_TOKEN is the suite's first token
        unless env names it) and count one check, "label: invariants": what invariants()
        demands of every run holds. Returns the Run."""
        e = dict({"ATLWHO_TOKEN": self.tokens[0]}, **(env or {}))
        kw.setdefault("timeout", self.timeout)
        before = [(name, s, len(s.requests)) for name, s in servers if s is not None]
        r = run(args, env=e, **kw)
        # a server may serve several runs: this run's requests are judged
        servers = [(name, _Since(s, n)) for name, s, n in before]
        fails = invariants(r, args, self.tokens, servers, proxy, routes, kw.get("cwd"))
        if fails:
            fails += describe(r, servers, proxy, 600)
        self.check(not fails, "%s: invariants" % label, "\n".join(fails), line=caller_line())
        return r

    def run_rows(self, rows, fn, skip=None):
        """A table: for each row -k selects, fn(row) returns its failures (skip(row): a
        reason to skip it, or None); one result per row. Stops early on -x."""
        for row in rows:
            if not self.want(row.name):
                continue
            reason = skip(row) if skip else None
            if reason:
                self.skip(row.name, reason, line=row.line)
                continue
            t = time.monotonic()
            self.report(row.name, fn(row), row.line, time.monotonic() - t)
            if self.stop():
                break

    def need(self, path=None, valgrind=True):
        """False (and one failure counted) when the binary is missing, or when
        ATLWHO_VALGRIND=1 and valgrind is not installed."""
        path = path or ATLWHO
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            print("%s: no atlwho binary at %s (set ATLWHO=/path/to/atlwho)" % (self.me, path))
            self.failed += 1
            return False
        if valgrind and VALGRIND and not shutil.which("valgrind"):
            print("%s: ATLWHO_VALGRIND=1 but valgrind is not installed" % self.me)
            self.failed += 1
            return False
        return True

    def finish(self):
        """The closing line; main's exit status."""
        if self.verbose:
            print("(%.1f s)" % (time.monotonic() - self.t0))
        print("%d passed, %d failed%s" % (self.passed, self.failed,
                                          ", %d skipped" % self.skipped if self.skipped else ""))
        sys.stdout.flush()
        return 1 if self.failed else 0


# ============================================================================ the invariants

class _Since:
    """A server's requests from the n-th on (what one run of several sent)."""

    def __init__(self, s, n):
        self.requests, self.errors, self.tls_errors = list(s.requests)[n:], s.errors, s.tls_errors


def secrets(tokens, users=USERS):
    """The tokens and their Basic encodings base64(user:token) for every user."""
    toks = [t for t in tokens if t]
    return toks + [base64.b64encode(("%s:%s" % (u, t)).encode()).decode() for u in users for t in toks]


def b64_forms(tok):
    """The base64 characters that encode token bytes only, at the three alignments (the Basic
    credential base64(USER:TOKEN) is one of them whatever USER is)."""
    tb = tok.encode()
    forms = []
    for a in range(3):
        enc = base64.b64encode(b"\0" * a + tb).decode()
        forms.append("".join(enc[k] for k in range(len(enc))
                             if 6 * k >= 8 * a and 6 * k + 6 <= 8 * (a + len(tb))).encode())
    return forms


def has_run(data, tok):
    """data, or its percent decoding (RFC 3986 section 2.1), holds a run of 12 bytes of the
    token (all of it if shorter), or of 16 base64 characters that encode token bytes (as many
    as the shortest form has, if fewer)."""
    if not tok:
        return False
    d = data if isinstance(data, bytes) else raw(data)
    tb = tok.encode()
    wt = min(12, len(tb))
    forms = b64_forms(tok)
    wb = min([16] + [len(f) for f in forms if f])
    # each window of the token (and of its base64 forms) searched for in d: the same as
    # asking of each window of d, at the speed of bytes.find on megabytes of output
    wins = {tb[i:i + wt] for i in range(len(tb) - wt + 1)}
    wins |= {f[i:i + wb] for f in forms for i in range(len(f) - wb + 1)}
    dd = unquote_to_bytes(d) if b"%" in d else d
    return any(w in d or w in dd for w in wins)


def carries_token(q, tokens):
    """The request q (fakeatl.Request) carries one of the tokens: in its Authorization (Bearer,
    Basic decoded, or as it stands) or anywhere in its head; or a Basic encoding of one."""
    a = q.auth()
    for t in (t for t in tokens if t):
        if (a[0] == "bearer" and t in a[1]) or (a[0] == "basic" and t in a[2]) or \
                (q.authorization and t in q.authorization) or t.encode() in q.raw:
            return True
    return any(s.encode() in q.raw for s in secrets(tokens))


def actual_origin(q):
    """scheme://host:port of a request: the host from its Host header (the name the client
    addressed), the port the connection really reached, the scheme really spoken."""
    host = (q.host_header or "").strip().lower()
    if host.startswith("["):
        host = host[:host.find("]") + 1]
    else:
        host = host.rpartition(":")[0] if ":" in host else host
    return "%s://%s:%d" % (q.scheme, host.rstrip("."), q.local[1])


def named_origins(args, routes=None):
    """The origins the user named: the (last) URL argument, plus its https twins for an http
    URL (same port, and 443). A URL that does not parse (a port out of range) names none, so
    the token may go nowhere. routes {"host:port": port}: a proxy's map of a name to a local
    server; the named origin reached through it counts as the named one."""
    urls = [a for a in args if a.startswith(("http://", "https://"))]
    out = set()
    for u in urls[-1:]:
        try:
            p = urlsplit(u)
            port = p.port or (443 if p.scheme == "https" else 80)
        except ValueError:
            continue
        host = (p.hostname or "").lower().rstrip(".")   # a trailing dot names the same host
        if ":" in host:
            host = "[%s]" % host
        names = [(p.scheme, port)] + ([("https", port), ("https", 443)] if p.scheme == "http" else [])
        for scheme, prt in names:
            out.add("%s://%s:%d" % (scheme, host, prt))
            real = {k.lower(): v for k, v in (routes or {}).items()}.get("%s:%d" % (host, prt))
            if real:
                out.add("%s://%s:%d" % (scheme, host, real))
    return out


def unsafe_chars(s, allow="\n"):
    """Raw C0 (but allow), DEL, C1 (as characters or raw bytes) and invalid UTF-8 in s."""
    bad = []
    for i, ch in enumerate(s):
        o = ord(ch)
        if (o < 0x20 and ch not in allow) or o == 0x7F or 0x80 <= o <= 0x9F:
            bad.append((i, ch))
        elif 0xDC80 <= o <= 0xDCFF:      # an undecodable byte (surrogateescape)
            bad.append((i, "byte 0x%02x" % (o - 0xDC00)))
    return bad[:10]


def is_json_mode(args):
    return any(a in ("-j", "--json", "--format=json") or
               (a == "--format" and i + 1 < len(args) and args[i + 1] == "json")
               for i, a in enumerate(args))


def is_env_mode(args):
    return any(a == "--format=env" or (a == "--format" and i + 1 < len(args) and args[i + 1] == "env")
               for i, a in enumerate(args))


def has_opt(args, *names):
    return any(a in names for a in args)


def sh_eval(text, var, shell="sh", cwd=None):
    """eval text (the env output) in shell and return ($var as bytes, rc, stderr)."""
    d = cwd or tempfile.mkdtemp(prefix="atlwho-sh-")
    try:
        with open(os.path.join(d, "env.out"), "wb") as fh:
            fh.write(raw(text))
        argv = ["/bin/busybox", "sh"] if shell == "busybox" else [shell]
        # the eval's own status is the result (printf's would hide a failed command)
        p = subprocess.run(argv + ["-c", 'eval "$(cat env.out)" || exit 97; printf %s "$' + var + '"'],
                           cwd=d, capture_output=True, timeout=SH_TIMEOUT,
                           env={"PATH": "/usr/bin:/bin", "HOME": d})
        return p.stdout, p.returncode, p.stderr
    finally:
        if cwd is None:
            shutil.rmtree(d, ignore_errors=True)


def pwned(d):
    """Files a command from the server's data would have made (the rows name them PWNED*)."""
    return [x for x in os.listdir(d) if "PWNED" in x] if d and os.path.isdir(d) else []


def invariants(r, args, tokens, servers=(), proxy=None, routes=None, cwd=None):
    """The checks made after every run of atlwho (r: a Run of args), whatever the row says.
    tokens: every token the suite uses (an empty one is ignored); servers: [(label,
    FakeServer)] whose requests are judged; proxy: the row's ConnectProxy; routes: its map
    of names to local ports; cwd: the run's directory (no PWNED file may appear in it).
    Returns the list of failures."""
    fails = []
    rc = r.rc
    if rc is None:
        fails.append("did not end within %.1f s (killed: a hang)" % r.elapsed)
    elif rc < 0:
        fails.append("killed by signal %d (a crash)" % -rc)
    elif VALGRIND and rc == 99:
        fails.append("valgrind reported memory errors or leaks (exit 99): see stderr")
    elif rc > 8:
        fails.append("exit code %d is not a documented one" % rc)
    if r.truncated:
        fails.append("more than %d bytes on stdout or stderr: the rest could not be checked" % OUTPUT_CAP)
    # -- the token
    sec = secrets(tokens)
    for name, text in (("stdout", r.out), ("stderr", r.err)):
        if any(s in text for s in sec):
            fails.append("the token (or its Basic encoding) is on %s" % name)
        elif any(has_run(text, t) for t in tokens):
            fails.append("a run of the token (12 bytes, or 16 base64 characters, maybe "
                         "percent-encoded) is on %s" % name)
    allowed = named_origins(args, routes)
    for label, s in servers:
        if s is None:
            continue
        for q in list(s.requests):
            if carries_token(q, tokens) and actual_origin(q) not in allowed:
                fails.append("the token reached %s (%s), not the named origin %s" % (
                    actual_origin(q), label, sorted(allowed)))
        if getattr(s, "errors", None):
            fails.append("fake server scenario errors (a test bug): %r" % s.errors[:3])
    urls = [a for a in args if a.startswith(("http://", "https://"))]
    if proxy is not None and urls and urls[-1].startswith("https://"):
        clear = bytes(proxy.clear)
        if any(s.encode() in clear for s in sec):
            fails.append("the proxy saw the token outside the tunnel")
        if proxy.authorization_in_clear():
            fails.append("the proxy saw an Authorization header outside the tunnel")
    # -- the output
    quiet = has_opt(args, "-q", "--quiet")
    jmode, emode = is_json_mode(args), is_env_mode(args)
    include = has_opt(args, "-i", "--include")
    helpv = has_opt(args, "-h", "--help", "-V", "--version")
    rawbody = has_opt(args, "--raw")
    # 8: stdout could not be written whole, so what reached it is not judged as a report
    ended = rc is not None and 0 <= rc <= 7
    verbose = has_opt(args, "-v", "--verbose")
    if quiet and r.out:
        fails.append("-q: expected nothing on stdout, got %r" % r.out[:200])
    # -q also keeps stderr quiet, but for a usage error and what -v or -i ask for
    if quiet and rc is not None and rc != 2 and r.err and not (verbose or include):
        fails.append("-q: expected nothing on stderr, got %r" % r.err[:200])
    if rc is not None and 2 <= rc <= 8 and not quiet and not (jmode and rc <= 7) and not r.err.strip():
        fails.append("failure (exit %d) with nothing on stderr" % rc)
    bad = unsafe_chars(r.err, allow="\n\t")
    if bad:
        fails.append("stderr has raw control characters or invalid UTF-8: %r" % bad)
    if not (jmode or emode or quiet or rawbody):
        bad = unsafe_chars(r.out)
        if bad:
            fails.append("stdout has raw control characters or invalid UTF-8: %r" % bad)
        if rc in (0, 1) and not include and not has_opt(args, "-h", "--help", "-V", "--version"):
            odd = [x for x in r.out.split("\n")
                   if x != "" and not re.match(r"^(%s): " % "|".join(FIELDS), x + " ")]
            if odd:
                fails.append("stdout lines that are not 'field: value': %r" % odd[:5])
    if jmode and ended and not quiet and not helpv:
        # exactly one object on every path: success, failure, a usage error (with -i, --raw
        # or a command line that did not parse too)
        try:
            obj = json.loads(raw(r.out))
            if not isinstance(obj, dict):
                fails.append("json: stdout is not one object: %r" % r.out[:200])
            elif obj.get("exit") != rc:
                fails.append("json: exit %d but \"exit\" is %r" % (rc, obj.get("exit")))
            elif rc == 0 and obj.get("ok") is not True:
                fails.append("json: exit 0 but ok is %r" % obj.get("ok"))
            elif rc >= 2 and obj.get("ok") is not False:
                fails.append("json: exit %d but ok is %r" % (rc, obj.get("ok")))
            elif rc >= 2 and not isinstance(obj.get("error"), str):
                fails.append("json: a failure without an \"error\" string: %r" % obj)
        except ValueError as e:
            fails.append("json: stdout is not one JSON object (%s): %r" % (e, r.out[:300]))
    if emode and ended and not quiet and not helpv:
        for sh in SHELLS:
            _, erc, eerr = sh_eval(r.out, "ATLWHO_EXIT", sh, cwd)
            if erc != 0 or eerr:
                fails.append("env: %s could not evaluate the output cleanly (%d): %r" % (sh, erc, eerr[:200]))
            elif _ != str(rc).encode():
                fails.append("env: %s gives ATLWHO_EXIT=%r, the exit code is %d" % (sh, _, rc))
    pw = pwned(cwd)
    if pw:
        fails.append("a command from the server's data ran: %r exist" % pw)
    return fails


def describe(r, servers=(), proxy=None, limit=1500):
    """What to print under a failure: the command, the exit, the output, what servers saw."""
    out = ["command: " + r.command(),
           "exit %s after %.2f s%s" % (r.rc, r.elapsed, "" if r.maxrss is None else
                                       ", peak RSS %d KiB" % r.maxrss),
           "stdout: %r" % r.out[:limit], "stderr: %r" % r.err[:limit]]
    for label, s in servers:
        if s is not None:
            out.append("%s requests: %r" % (label, s.requests[:6]))
            if getattr(s, "tls_errors", None):
                out.append("%s TLS errors: %r" % (label, s.tls_errors[:3]))
    if proxy is not None:
        out.append("proxy log: %r" % proxy.log[:4])
    return out


def expect(r, rc, out=(), err=(), out_not=(), err_not=(), ctx=None):
    """A row's own expectations: the exit code (an int, a tuple of them, or "nonzero"), and
    case-insensitive fragments (each a str or a tuple of alternatives, {placeholders} filled
    from ctx) that stdout/stderr must have or lack. Returns the list of failures."""
    fails = []
    if rc == "nonzero":
        if not r.rc or r.rc < 0:
            fails.append("exit code: expected a failure code, got %r" % r.rc)
    else:
        want = rc if isinstance(rc, tuple) else (rc,)
        if r.rc is not None and r.rc >= 0 and r.rc not in want and not (VALGRIND and r.rc == 99):
            fails.append("exit code: expected %s, got %d" % ("/".join(map(str, want)), r.rc))
    for frags, text, name, present in ((out, r.out, "stdout", True), (err, r.err, "stderr", True),
                                       (out_not, r.out, "stdout", False), (err_not, r.err, "stderr", False)):
        for fr in frags:
            if has_frag(text, fr, ctx) != present:
                fails.append("%s %s %r" % (name, "lacks" if present else "has", fr))
    return fails


_ph = re.compile(r"\{([A-Za-z0-9_]+)\}")


def fill(s, ctx):
    """{name} placeholders filled from ctx (unknown ones stay as they are); bytes unchanged."""
    if isinstance(s, bytes) or not ctx:
        return s
    return _ph.sub(lambda m: str(ctx[m.group(1)]) if m.group(1) in ctx else m.group(0), s)


def has_frag(text, frag, ctx=None):
    alts = frag if isinstance(frag, tuple) else (frag,)
    return any(fill(a, ctx).lower() in text.lower() for a in alts)


# ============================================================================ table rows

class Srv:
    """A fake server for a row: handler, TLS leaf name (None: plain http) and options.
    scheme: the scheme of {base} when it is not the server's own (raw hooks that play TLS)."""

    def __init__(self, handler, tls="ecdsa", versions=None, mtls=False, weak=False, host="both",
                 tls_auto=False, on_connect=None, keepalive=False, scheme=None):
        self.handler, self.tls, self.versions, self.mtls = handler, tls, versions, mtls
        self.weak, self.host, self.tls_auto = weak, host, tls_auto
        self.on_connect, self.keepalive, self.scheme = on_connect, keepalive, scheme

    def start(self, pk):
        tls = None
        if self.tls:
            leaf = pk.leaf[self.tls]
            # the leaf alone (no intermediates here; the root is the client's trust anchor)
            tls = F.TLS(leaf.cert, leaf.key, versions=self.versions,
                        client_ca=pk.clientca if self.mtls else None,
                        weak=self.weak or self.tls in ("rsa1024", "sha1"))
        return F.FakeServer(self.handler, tls=tls, host=self.host, tls_auto=self.tls_auto,
                            on_connect=self.on_connect, keepalive=self.keepalive).start()


class Proxy:
    """A CONNECT proxy for a row. targets: {"host:port": "srv"|"srv2"} ({placeholders} allowed)."""

    def __init__(self, auth=None, targets=None, fail=None):
        self.auth, self.targets, self.fail = auth, targets or {}, fail


class Row:
    """One row: atlwho args ({placeholders}, see run_row), the exact exit code (a tuple where
    several are right), the servers it plays against, and what must be so afterwards.

    token: ATLWHO_TOKEN (None: unset); stdin; files {name: data or (data, mode)} written to
    the row's directory ({f_NAME}); out/err: fragments stdout/stderr must have
    (case-insensitive; a tuple lists acceptable alternatives), out_not/err_not: must lack;
    check: functions of R; max_elapsed: seconds (plus TIME_SLACK); deadline: seconds, the
    run must end in [deadline - DEADLINE_EARLY, deadline + DEADLINE_SLACK]; limit: seconds
    before the run counts as a hang; skip: a function giving a reason to skip, or None;
    prefix: argv run before atlwho ({placeholders} allowed; see atlwho_cmd). Any
    other keyword is a field for a suite's own runner (test_emptyroot.py's files in the
    root, test_boot.py's CPU)."""

    def __init__(self, name, args, rc, srv=None, srv2=None, proxy=None, env=None, token=F.GOOD_TOKEN,
                 stdin=None, files=None, out=(), err=(), out_not=(), err_not=(), check=(),
                 max_elapsed=None, deadline=None, limit=None, skip=None, blackhole=False, _depth=1, **extra):
        self.name, self.args, self.rc = name, args, rc
        self.srv, self.srv2, self.proxy = srv, srv2, proxy
        self.env, self.token, self.stdin, self.files = env or {}, token, stdin, files or {}
        self.out, self.err, self.out_not, self.err_not = list(out), list(err), list(out_not), list(err_not)
        self.check = [k for k in (check if isinstance(check, (list, tuple)) else [check]) if k is not None]
        self.max_elapsed, self.deadline, self.limit = max_elapsed, deadline, limit
        self.skip, self.blackhole = skip, blackhole
        self.__dict__.update(extra)          # a suite's own fields (its runner reads them)
        self.line = caller_line(1 + _depth)


class R:
    """What a check sees: rc, out, err, elapsed, maxrss, srv, srv2, proxy, ctx, tmp, args,
    token (the row's), tokens (every token the suite uses), row, run."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def run_row(row, pk, root, tokens, run_timeout=RUN_TIMEOUT, show=False):
    """Run one row; returns its failures (empty: passed).

    Placeholders: {base} {base4} {base6} (the server as localhost, 127.0.0.1, [::1]), {port},
    {http_base}, {pin} (the served leaf's pin), {base2} {base2_4} {port2} (a second server),
    {proxy} {proxy_auth} {proxy_port}, {ca} {ca2} {ca3} {cas} {clientca} {client_cert}
    {client_key} {capath} {pin_NAME} {key_NAME}, {free} (a closed port), {blackhole} (a port whose
    backlog is full), {tmp} (the row's directory), {f_NAME} (a file from the row's files)."""
    tmp = tempfile.mkdtemp(prefix="row-", dir=root)
    started, fails = [], []
    srv = srv2 = proxy = bh = None
    try:
        ctx = {"ca": pk.ca, "ca2": pk.ca2, "ca3": pk.ca3, "cas": pk.cas, "clientca": pk.clientca,
               "client_cert": pk.leaf["client"].cert, "client_key": pk.leaf["client"].key,
               "tmp": tmp, "free": F.free_port(), "capath": os.path.join(root, "capath")}
        for n, leaf in pk.leaf.items():
            ctx["pin_" + n] = leaf.pin
            ctx["key_" + n] = leaf.key
        if row.srv:
            srv = row.srv.start(pk)
            started.append(srv)
            sch = row.srv.scheme
            ctx.update(base=srv.origin("localhost", sch), base4=srv.origin("127.0.0.1", sch),
                       base6=srv.origin("::1", sch), port=srv.port,
                       http_base=srv.origin("localhost", "http"),
                       pin=pk.leaf[row.srv.tls].pin if row.srv.tls else "")
        if row.srv2:
            srv2 = row.srv2.start(pk)
            started.append(srv2)
            ctx.update(base2=srv2.origin("localhost"), base2_4=srv2.origin("127.0.0.1"), port2=srv2.port)
        if row.blackhole:
            bh = F.BlackHole()
            ctx["blackhole"] = bh.port
        routes = {}
        if row.proxy:
            targets = {}
            for k, v in row.proxy.targets.items():
                s = {"srv": srv, "srv2": srv2}[v]
                targets[fill(k, ctx)] = ("127.0.0.1", s.port)
                routes[fill(k, ctx)] = s.port
            proxy = F.ConnectProxy(auth=row.proxy.auth, targets=targets, fail_connect=row.proxy.fail).start()
            started.append(proxy)
            ctx.update(proxy=proxy.url(), proxy_port=proxy.port,
                       proxy_auth=proxy.url(*row.proxy.auth) if row.proxy.auth else proxy.url())
        for s in (srv, srv2):
            if s:
                s.vars = ctx
        for name, spec in row.files.items():
            data, mode = spec if isinstance(spec, tuple) else (spec, 0o600)
            path = os.path.join(tmp, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            os.write(fd, data if isinstance(data, bytes) else fill(data, ctx).encode())
            os.close(fd)
            os.chmod(path, mode)
            ctx["f_" + name] = path

        args = [fill(a, ctx) for a in row.args]
        env = {k: fill(v, ctx) for k, v in row.env.items()}
        env["ATLWHO_TOKEN"] = row.token
        stdin = fill(row.stdin, ctx) if row.stdin is not None else None
        # a timed row that overshoots is killed soon after: it has failed, and the suite stays short
        limit = row.limit or run_timeout
        if row.deadline is not None:
            limit = min(limit, row.deadline + DEADLINE_SLACK + 5)
        r = run(args, env=env, stdin=stdin, cwd=tmp, timeout=limit,
                prefix=[fill(a, ctx) for a in getattr(row, "prefix", ())],
                poll_rss=any(getattr(k, "wants_rss", False) for k in row.check))
        if show:
            print("     exit %s in %.2f s; stderr: %s" % (r.rc, r.elapsed, r.err.strip()[:300].replace("\n", " | ")))
        toks = [t for t in list(tokens) + [row.token] if t]
        res = R(rc=r.rc, out=r.out, err=r.err, elapsed=r.elapsed, maxrss=r.maxrss, srv=srv, srv2=srv2,
                proxy=proxy, ctx=ctx, tmp=tmp, args=args, token=row.token, tokens=toks, row=row, run=r)
        servers = [("srv", srv), ("srv2", srv2)]

        fails += expect(r, row.rc, row.out, row.err, row.out_not, row.err_not, ctx)
        if row.max_elapsed is not None and r.elapsed > row.max_elapsed + TIME_SLACK:
            fails.append("took %.2f s, expected at most %.2f s" % (r.elapsed, row.max_elapsed + TIME_SLACK))
        if row.deadline is not None and r.rc is not None:
            lo, hi = row.deadline - DEADLINE_EARLY, row.deadline + DEADLINE_SLACK
            if not lo <= r.elapsed <= hi:
                fails.append("took %.2f s, expected between %.2f and %.2f s (deadline %g s)" % (
                    r.elapsed, lo, hi, row.deadline))
        for chk in row.check:
            try:
                chk(res)
            except AssertionError as e:
                fails.append(str(e))
            except Exception as e:  # a check that cannot even run is a failure too
                fails.append("check %s raised %r" % (getattr(chk, "__name__", chk), e))
        # after the row's checks, so that what they evaluated is judged too (PWNED files)
        fails += invariants(r, args, toks, servers, proxy, routes, tmp)
        if fails:
            fails += describe(r, servers, proxy)
    except Exception:
        fails.append("the test itself failed:\n" + traceback.format_exc())
    finally:
        for s in reversed(started):
            try:
                s.stop()
            except Exception:
                pass
        if bh:
            bh.stop()
    return fails


def setup_capath(pk, root):
    """{capath}: a hashed directory holding the test CA."""
    d = os.path.join(root, "capath")
    os.makedirs(d, exist_ok=True)
    shutil.copy(pk.ca, os.path.join(d, "atlwho-test-ca.pem"))
    subprocess.run([PKI.OPENSSL, "rehash", d], capture_output=True, timeout=30)


def run_table(suite, rows, tokens, run_timeout=RUN_TIMEOUT, before=None, after=None, list_note=""):
    """The main of a table suite: --list, the binary, a temporary root with the PKI and
    {capath}, every row -k selects (skipped ones said why), then after(pk, root) for what is
    not a row (it reports through suite). before(pk, root) may return an exit status to stop
    there (an option that only measures). Returns main's exit status."""
    rows = [r for r in rows if suite.want(r.name)]
    if suite.opts.list:
        for r in rows:
            print("%s:%d: %s" % (suite.me, r.line, r.name))
        print("%d rows%s" % (len(rows), list_note))
        return 0
    if not suite.need():
        return suite.finish()
    root = tempfile.mkdtemp(prefix="atlwho-%s-" % suite.me.replace(".py", ""))
    try:
        pk = PKI.cached_pki(os.path.join(root, "pki"))
        setup_capath(pk, root)
        if before:
            rc = before(pk, root)
            if rc is not None:
                return rc
        for row in rows:
            reason = row.skip() if row.skip else None
            if reason:
                suite.skip(row.name, reason, line=row.line)
                continue
            t = time.monotonic()
            if suite.opts.show:
                print("---- %s:%d %s" % (suite.me, row.line, row.name))
            fails = run_row(row, pk, root, tokens, run_timeout, suite.opts.show)
            suite.report(row.name, fails, row.line, time.monotonic() - t)
            if suite.stop():
                break
        if after and not suite.stop():
            after(pk, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return suite.finish()


# ============================================================================ row checks
# Each returns a function R -> None that raises AssertionError("what, expected vs got").

def _server(r, which):
    s = getattr(r, which)
    assert s is not None, "no %s in this row" % which
    return s


def nreq(n, which="srv"):
    def f(r):
        got = len(_server(r, which).requests)
        assert got == n, "%s received %d request(s), expected %d: %r" % (
            which, got, n, _server(r, which).requests[:5])
    return f


def at_most(n, which="srv"):
    def f(r):
        got = len(_server(r, which).requests)
        assert got <= n, "%s received %d requests, expected at most %d" % (which, got, n)
    return f


def paths(*want, which="srv"):
    def f(r):
        got = [q.path for q in _server(r, which).requests]
        assert got == list(want), "%s request paths: expected %r, got %r" % (which, list(want), got)
    return f


def schemes(*want, which="srv"):
    def f(r):
        got = [q.scheme for q in _server(r, which).requests]
        assert got == list(want), "%s request schemes: expected %r, got %r" % (which, list(want), got)
    return f


def auth_is(kind, user=None, token=F.GOOD_TOKEN, which="srv", index=0):
    def f(r):
        reqs = _server(r, which).requests
        assert len(reqs) > index, "%s: no request %d" % (which, index)
        a = reqs[index].auth()
        if kind == "bearer":
            assert a == ("bearer", token), "Authorization: expected Bearer %s, got %r" % (
                token, reqs[index].authorization)
        elif kind == "basic":
            assert a == ("basic", user, token), "Authorization: expected Basic %s:%s, got %r" % (
                user, token, reqs[index].authorization)
        else:
            assert a == ("none",), "expected no Authorization, got %r" % reqs[index].authorization
    return f


def req_header(name, pred, desc, which="srv", index=0):
    def f(r):
        reqs = _server(r, which).requests
        assert len(reqs) > index, "%s: no request %d" % (which, index)
        v = reqs[index].header(name)
        assert pred(v), "request header %s: expected %s, got %r" % (name, desc, v)
    return f


def target_ends(suffix, index=1):
    def f(r):
        reqs = r.srv.requests
        assert len(reqs) > index and reqs[index].target.endswith(suffix), "request %d: %r" % (
            index, [q.target[-40:] for q in reqs])
    return f


# A row's prefix that writes every file the run opens to {tmp}/opened (strace -f: the
# process and anything it starts), for opened_times(); such a row takes env=STRACE_ENV:
# LeakSanitizer cannot work under ptrace (it stops the run, exit 1), so a SAN=1 build's
# leak check is left to the rows without strace.
STRACE_OPENS = ["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", "{tmp}/opened"]
STRACE_ENV = {"ASAN_OPTIONS": ":".join(x for x in (os.environ.get("ASAN_OPTIONS", ""), "detect_leaks=0") if x)}


def no_strace():
    return None if shutil.which("strace") else "strace is not installed (Debian package strace)"


def opened_times(placeholder, times):
    """The file {placeholder} was opened exactly times times (a row with prefix=STRACE_OPENS)."""
    def check(r):
        path = fill(placeholder, r.ctx)
        with open(os.path.join(r.tmp, "opened")) as f:
            n = sum(1 for line in f if '"%s"' % path in line and "= -1 " not in line)
        assert n == times, "%s was opened %d time(s), expected %d" % (path, n, times)
    return check


def client_cert_seen(r):
    assert r.srv.requests and r.srv.requests[0].client_cert, "the server saw no client certificate"


def token_never_at(which):
    """No request to that server carries any of the suite's tokens."""
    def f(r):
        leaked = [q for q in _server(r, which).requests if carries_token(q, r.tokens)]
        assert not leaked, "the token reached %s: %r" % (which, leaked)
    return f


def no_plain_token(r):
    bad = [q for q in r.srv.requests if q.scheme == "http" and carries_token(q, r.tokens)]
    assert not bad, "the token went over plain http: %r" % bad


def proxy_log(n, method=None, target=None, auth=None):
    def f(r):
        log = r.proxy.log
        assert len(log) == n, "proxy saw %d request(s), expected %d: %r" % (len(log), n, log)
        if n and method:
            assert log[0]["method"] == method, "proxy method: expected %s, got %s" % (method, log[0]["method"])
        if n and target:
            t = target.format(**r.ctx)
            assert log[0]["target"].lower() == t.lower(), "proxy target: expected %s, got %s" % (
                t, log[0]["target"])
        if n and auth is not None:
            want = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
            assert log[0]["proxy_authorization"] == want, "Proxy-Authorization: expected %r, got %r" % (
                want, log[0]["proxy_authorization"])
    return f


def lines(*want):
    """Each of these lines appears exactly (after stripping a trailing CR) in stdout."""
    def f(r):
        got = [x.rstrip("\r") for x in r.out.split("\n")]
        miss = [w for w in want if w not in got]
        assert not miss, "stdout lines %r missing; stdout was %r" % (miss, r.out[:500])
    return f


def no_line(prefix):
    def f(r):
        bad = [x for x in r.out.split("\n") if x.lower().startswith(prefix.lower())]
        assert not bad, "stdout has a line starting %r: %r" % (prefix, bad)
    return f


def n_lines(n):
    def f(r):
        ls = [x for x in r.out.split("\n") if x != ""]
        assert len(ls) == n, "expected %d stdout lines, got %d: %r" % (n, len(ls), ls)
    return f


def only_field_lines(n=None):
    """Text output: every line is 'field: value' for a known field; n lines if given."""
    def f(r):
        ls = [x for x in r.out.split("\n") if x != ""]
        bad = [x for x in ls if not re.match(r"^(%s): " % "|".join(FIELDS), x + " ")]
        assert not bad, "stdout lines that are not 'field: value': %r" % bad
        if n is not None:
            assert len(ls) == n, "expected %d field lines, got %d: %r" % (n, len(ls), ls)
    return f


def out_exact(data):
    def f(r):
        assert raw(r.out) == data, "stdout expected exactly %r, got %r" % (data[:300], raw(r.out)[:300])
    return f


def _text(stream, frags, present):
    """stdout or stderr ("out"/"err") has (present) or lacks every one of frags, exactly
    (case-sensitive)."""
    def f(r):
        text = getattr(r, stream)
        bad = [x for x in frags if (x in text) != present]
        assert not bad, "%s %s %r: %r" % ({"out": "stdout", "err": "stderr"}[stream],
                                         "lacks" if present else "has", bad, text[:600])
    return f


def out_has(*frags):
    return _text("out", frags, True)


def out_lacks(*frags):
    return _text("out", frags, False)


def err_has(*frags):
    return _text("err", frags, True)


def err_lacks(*frags):
    return _text("err", frags, False)


def err_any(*alts):
    """stderr has one of these (case-insensitive), besides the row's own fragments."""
    def f(r):
        assert any(x.lower() in r.err.lower() for x in alts), "stderr lacks %r: %r" % (alts, r.err[:300])
    return f


def err_lines(*want):
    def f(r):
        miss = [w for w in want if w not in r.err.split("\n")]
        assert not miss, "stderr lines %r missing: %r" % (miss, r.err[:400])
    return f


ABSENT = object()


def json_out(**want):
    """stdout is one JSON object containing these members (a value of ABSENT: no such key)."""
    def f(r):
        obj = json.loads(raw(r.out))
        for k, v in want.items():
            if v is ABSENT:
                assert k not in obj, "JSON has %r (%r), expected absent" % (k, obj[k])
            else:
                assert k in obj, "JSON lacks %r: %r" % (k, obj)
                assert obj[k] == v, "JSON %r: expected %r, got %r" % (k, v, obj[k])
    return f


def env_vars(**want):
    """--format env: evaluated by each POSIX shell here, $ATLWHO_<K> equals want[K] (bytes
    or str) byte for byte, and evaluating ran no command ('PWNED' files never appear)."""
    def f(r):
        for sh in SHELLS:
            for k, v in want.items():
                wantb = v if isinstance(v, bytes) else v.encode()
                got, rc, err = sh_eval(r.out, "ATLWHO_" + k.upper(), sh, r.tmp)
                assert rc == 0 and not err, "%s: eval failed (%d): %r" % (sh, rc, err)
                assert got == wantb, "%s: $ATLWHO_%s expected %r, got %r" % (sh, k.upper(), wantb, got)
        pw = pwned(r.tmp)
        assert not pw, "evaluating the env output ran a command: %r exist" % pw
    return f


def field_is(fmt, key, want):
    """stdout's field key is want, in the format of the row (text, json or env)."""
    def f(r):
        if fmt == "json":
            got = json.loads(raw(r.out)).get(key)
        elif fmt == "env":
            got = sh_eval(r.out, "ATLWHO_" + key.upper(), "sh", r.tmp)[0].decode("utf-8", "surrogateescape")
        else:
            got = next((x[len(key) + 2:] for x in r.out.split("\n") if x.startswith(key + ": ")), None)
        assert got == want, "%s %s: expected %r, got %r" % (fmt, key, want, got)
    return f


def elapsed_under(sec):
    def f(r):
        lim = sec + (4.0 if VALGRIND else 0.0)
        assert r.elapsed < lim, "took %.2f s, expected under %.2f s" % (r.elapsed, lim)
    return f


def elapsed_over(sec):
    def f(r):
        assert r.elapsed >= sec, "took %.2f s, expected at least %.2f s" % (r.elapsed, sec)
    return f


# ---- the token echoed back: everything a reader gets, decoded

def unescape_text(s):
    r"""atlwho's text escapes (\\ \n \t \r \xNN \uXXXX) back to the bytes they stand for."""
    b, out, i = raw(s), bytearray(), 0
    while i < len(b):
        if b[i] == 0x5C and i + 1 < len(b):
            c = chr(b[i + 1])
            if c in "\\ntr":
                out += {"\\": b"\\", "n": b"\n", "t": b"\t", "r": b"\r"}[c]
                i += 2
                continue
            if c == "x" and i + 3 < len(b):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            if c == "u" and i + 5 < len(b):
                out += chr(int(b[i + 2:i + 6], 16)).encode("utf-8", "surrogatepass")
                i += 6
                continue
        out.append(b[i])
        i += 1
    return bytes(out)


def reader_forms(out, err, args):
    """Everything a reader gets back from a run: the bytes, text unescaped (not for --raw, which
    is the server's own bytes), each JSON string decoded, each env value unquoted."""
    forms = [raw(out), raw(err), unescape_text(err)]
    if "--raw" not in args:
        forms.append(unescape_text(out))
    if is_json_mode(args):
        try:
            obj = json.loads(raw(out))
            forms += [v.encode("utf-8", "surrogatepass") for v in obj.values() if isinstance(v, str)]
        except ValueError:
            pass
    if is_env_mode(args):
        for line in raw(out).split(b"\n"):
            v = line.partition(b"=")[2]
            if v.startswith(b"'"):
                forms.append(v[1:-1].replace(b"'\\''", b"'"))
    return forms


def no_run(r):
    """No run of the row's token in anything a reader gets back, decoded or not."""
    bad = [f[:120] for f in reader_forms(r.out, r.err, r.args) if has_run(f, r.token)]
    assert not bad, "a run of the token reached the output: %r" % bad[:3]


# ============================================================================ shared scenarios

def display_reply(value, ensure_ascii=False, field="displayName", extra=None):
    """A Jira Server success whose `field` is value (str), JSON-encoded by Python; extra:
    more members."""
    u = F.jira_server_user()
    u[field] = value
    if extra:
        u.update(extra)
    body = json.dumps(u, ensure_ascii=ensure_ascii, separators=(",", ":")).encode("utf-8")
    return F.static(F.reply_jira_server_ok(body=body), "display-reply")
