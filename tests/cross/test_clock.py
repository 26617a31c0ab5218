#!/usr/bin/env python3
"""Clock and entropy on small devices (issue 8), against a fake Jira on loopback.

    ATLWHO=./atlwho python3 tests/cross/test_clock.py [-v]

A device without a real-time clock boots in 1970. The clock is faked with `faketime`
(Debian's package: libfaketime through LD_PRELOAD), so ATLWHO must be a dynamically
linked build (`make` gives ./atlwho): LD_PRELOAD does nothing to the static musl
binaries, which make no library calls to interpose. The date logic is the same code
in both (mbedTLS's x509 and tls.c over time()/gmtime_r()).

  - with a CA (--cacert) and a 1970 clock the check fails, and the message shows this
    system's time and says that the clock may be unset;
  - with --pin alone the pin is the trust: dates are not checked, the check succeeds,
    and -v says so;
  - --pin together with --cacert still checks dates (a pin narrows trust, never widens it).

Early-boot entropy: a preloaded getrandom() that always answers EAGAIN (the kernel's
pool not ready, GRND_NONBLOCK) must make atlwho give up within --max-time with a clear
message, not hang. The shim is compiled here with the host C compiler.

Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import fakeatl as F  # noqa: E402
import pki as PKI  # noqa: E402
from test_emptyroot import elf_interp  # noqa: E402

ATLWHO = os.path.abspath(os.environ.get("ATLWHO", "./atlwho"))
RUN_TIMEOUT = 30.0
# 1970-01-01 00:00:42 UTC (faketime parses it with date(1): TZ=UTC is set for it),
# and the clock keeps running from there.
BOOT_1970 = "1970-01-01 00:00:42"
ENTROPY_MAX_TIME = 2          # -m for the entropy row (seconds)
ENTROPY_SLACK = 1.5           # seconds past -m that the exit may take

SHIM_C = r"""
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>
/* The kernel's pool never becomes ready: getrandom(GRND_NONBLOCK) keeps failing. */
ssize_t getrandom(void *buf, size_t n, unsigned flags)
{
	(void)buf; (void)n; (void)flags;
	errno = EAGAIN;
	return -1;
}
"""


class Row:
    """wrap: 'faketime' | 'entropy' | None. rc: exact exit code, or 'nonzero'."""

    def __init__(self, name, args, rc, wrap=None, out=(), err=(), err_not=(), requests=None,
                 max_elapsed=None):
        self.name, self.args, self.rc, self.wrap = name, args, rc, wrap
        self.out, self.err, self.err_not = out, err, err_not
        self.requests, self.max_elapsed = requests, max_elapsed


ROWS = [
    Row("control: --cacert with the real clock succeeds",
        ["--cacert", "{ca}", "{url}"], 0, out=["name: fred"], requests=1),
    Row("--cacert, clock in 1970: fails, shows this system's time, says the clock may be unset",
        ["--cacert", "{ca}", "{url}"], 6, wrap="faketime",
        err=["not valid before", "this system's time is 1970-01-01 00:00:",
             "real-time clock", "set the clock"], requests=0),
    Row("--pin alone, clock in 1970: the pin is the trust, dates not checked, -v says so",
        ["--pin", "{pin}", "-v", "{url}"], 0, wrap="faketime", out=["name: fred"],
        err=["pin-only trust", "validity dates were not checked"], requests=1),
    Row("--pin alone, clock in 1970, without -v: succeeds quietly",
        ["--pin", "{pin}", "{url}"], 0, wrap="faketime", out=["name: fred"],
        err_not=["1970"], requests=1),
    Row("--pin with --cacert, clock in 1970: dates are still checked",
        ["--pin", "{pin}", "--cacert", "{ca}", "{url}"], 6, wrap="faketime",
        err=["this system's time is 1970-01-01"], requests=0),
    Row("early boot, getrandom never ready: gives up within --max-time with a clear message",
        ["-m", str(ENTROPY_MAX_TIME), "--pin", "{pin}", "{url}"], "nonzero", wrap="entropy",
        err=["random"], requests=0, max_elapsed=ENTROPY_MAX_TIME + ENTROPY_SLACK),
]


def build_shim(work):
    cc = shutil.which(os.environ.get("HOSTCC", "cc"))
    if not cc:
        return None, "no host C compiler for the getrandom shim"
    src, so = os.path.join(work, "shim.c"), os.path.join(work, "getrandom-eagain.so")
    with open(src, "w") as fh:
        fh.write(SHIM_C)
    r = subprocess.run([cc, "-shared", "-fPIC", "-o", so, src], capture_output=True, timeout=60)
    if r.returncode != 0:
        return None, "cannot build the getrandom shim: %s" % r.stderr.decode(errors="replace")
    return so, None


def run_row(row, pk, shim):
    fails = []
    srv = F.FakeServer(F.jira(), tls=F.TLS(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key),
                       host="127.0.0.1").start()
    try:
        url = "https://localhost:%d" % srv.port
        args = [a.format(url=url, pin=pk.leaf["ecdsa"].pin, ca=pk.ca) for a in row.args]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ATLWHO_TOKEN": F.GOOD_TOKEN}
        cmd = [ATLWHO] + args
        if row.wrap == "faketime":
            cmd = ["faketime", BOOT_1970] + cmd
            env["TZ"] = "UTC"
        elif row.wrap == "entropy":
            env["LD_PRELOAD"] = shim
        t = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, timeout=RUN_TIMEOUT,
                               stdin=subprocess.DEVNULL)
            rc, out, err = p.returncode, p.stdout.decode(errors="replace"), \
                p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, out, err = None, "", ""
        el = time.monotonic() - t
        if row.rc == "nonzero":
            if not rc or rc < 0:
                fails.append("exit code: expected a failure code, got %r" % rc)
        elif rc != row.rc:
            fails.append("exit code: expected %r, got %r" % (row.rc, rc))
        for frag in row.out:
            if frag.lower() not in out.lower():
                fails.append("stdout lacks %r" % frag)
        for frag in row.err:
            if frag.lower() not in err.lower():
                fails.append("stderr lacks %r" % frag)
        for frag in row.err_not:
            if frag.lower() in err.lower():
                fails.append("stderr has %r" % frag)
        got = len(srv.requests_with_token(F.GOOD_TOKEN))
        if row.requests is not None and got != row.requests:
            fails.append("the server saw %d request(s) with the token, expected %d"
                         % (got, row.requests))
        if row.max_elapsed and el > row.max_elapsed:
            fails.append("took %.2f s, expected at most %.2f s" % (el, row.max_elapsed))
        if fails:
            fails.append("command: %s" % " ".join(cmd))
            fails.append("stdout: %r" % out[:500])
            fails.append("stderr: %r" % err[:800])
    finally:
        srv.stop()
    return fails


def main(argv):
    verbose = "-v" in argv[1:]
    me = os.path.basename(__file__)
    if not (os.path.isfile(ATLWHO) and os.access(ATLWHO, os.X_OK)):
        print("%s: no atlwho binary at %s (set ATLWHO=/path/to/atlwho)" % (me, ATLWHO))
        print("0 passed, 1 failed")
        return 1
    work = tempfile.mkdtemp(prefix="atlwho-clock-")
    passed = failed = skipped = 0
    try:
        skip = {}
        if not elf_interp(ATLWHO):
            why = "%s is static: faketime and LD_PRELOAD need the dynamic build (make)" % ATLWHO
            skip = {"faketime": why, "entropy": why}
        else:
            if not shutil.which("faketime"):
                skip["faketime"] = "faketime is not installed (vendor/deps.sh cross)"
            shim, why = build_shim(work)
            if not shim:
                skip["entropy"] = why
        pk = PKI.make_pki(os.path.join(work, "pki"), demo=True)
        for row in ROWS:
            if row.wrap in skip:
                skipped += 1
                print("SKIP %s: %s: %s" % (me, row.name, skip[row.wrap]))
                continue
            t = time.monotonic()
            fails = run_row(row, pk, shim if row.wrap == "entropy" else None)
            if fails:
                failed += 1
                print("FAIL %s: %s" % (me, row.name))
                for f in fails:
                    print("    " + f)
            else:
                passed += 1
                if verbose:
                    print("ok   %s: %s (%.2f s)" % (me, row.name, time.monotonic() - t))
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
