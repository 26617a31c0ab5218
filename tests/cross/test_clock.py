#!/usr/bin/env python3
"""Clock and entropy on small devices, against a fake Jira on loopback.

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

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness as H  # noqa: E402
from harness import F, PKI, Row  # noqa: E402
from test_emptyroot import elf_interp  # noqa: E402

ATLWHO = H.ATLWHO
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


# Row(name, args, rc, wrap=...): wrap 'faketime' | 'entropy' | None; rc an exact exit code,
# or 'nonzero'; requests: how many requests with the token the server must see.
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
    srv = F.FakeServer(F.jira(), tls=F.TLS(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key),
                       host="127.0.0.1").start()
    try:
        url = "https://localhost:%d" % srv.port
        args = [a.format(url=url, pin=pk.leaf["ecdsa"].pin, ca=pk.ca) for a in row.args]
        env, prefix = {"ATLWHO_TOKEN": F.GOOD_TOKEN}, []
        wrap = getattr(row, "wrap", None)
        if wrap == "faketime":
            prefix = ["faketime", BOOT_1970]
            env["TZ"] = "UTC"
        elif wrap == "entropy":
            env["LD_PRELOAD"] = shim
        # never under valgrind: faketime and the shim preload into the process they start
        r = H.run(args, env=env, prefix=prefix, valgrind=False, timeout=RUN_TIMEOUT)
        servers = [("srv", srv)]
        fails = H.expect(r, row.rc, row.out, row.err, err_not=row.err_not) + \
            H.invariants(r, args, [F.GOOD_TOKEN], servers)
        got = len(srv.requests_with_token(F.GOOD_TOKEN))
        want = getattr(row, "requests", None)
        if want is not None and got != want:
            fails.append("the server saw %d request(s) with the token, expected %d" % (got, want))
        if row.max_elapsed and r.elapsed > row.max_elapsed:
            fails.append("took %.2f s, expected at most %.2f s" % (r.elapsed, row.max_elapsed))
        if fails:
            fails += H.describe(r, servers, limit=800)
    finally:
        srv.stop()
    return fails


def main(argv):
    S = H.Suite(__file__, argv)
    if not S.need(ATLWHO, valgrind=False):
        return S.finish()
    work = tempfile.mkdtemp(prefix="atlwho-clock-")
    try:
        skip, shim = {}, None
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
        S.run_rows(ROWS, lambda row: run_row(row, pk, shim), skip=lambda row: skip.get(getattr(row, "wrap", None)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
