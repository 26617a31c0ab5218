#!/usr/bin/env python3
"""test_procenv.py: while atlwho waits on a server, the token is not readable
from its /proc/PID/environ (the environment's copy is wiped after reading),
nor from /proc/PID/cmdline; the run itself, cut off without a reply, meets
harness.py's invariants. Ends with "N passed, N failed"."""
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402

TOKEN = "ENVTOKEN-7f3a-91cc-wipe"
S = H.Suite(__file__, tokens=[TOKEN])
check = S.check


def main():
    if H.VALGRIND or H.EMU:
        # valgrind and qemu-user are the process /proc shows; nothing to learn.
        S.skip("every check", "the process under test is valgrind or qemu, not atlwho")
        return S.finish()
    if not S.need():
        return S.finish()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    args = ["-m", "5", "-p", "jira", "http://127.0.0.1:%d" % port]
    t = time.monotonic()
    p = subprocess.Popen(H.atlwho_cmd(args), env=H.base_env({"ATLWHO_TOKEN": TOKEN}),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    conn, _ = srv.accept()          # atlwho is now waiting for our reply
    conn.settimeout(5)
    req = b""
    while b"\r\n\r\n" not in req:
        req += conn.recv(4096)
    time.sleep(0.1)
    try:
        with open("/proc/%d/environ" % p.pid, "rb") as f:
            environ = f.read()
        with open("/proc/%d/cmdline" % p.pid, "rb") as f:
            cmdline = f.read()
    finally:
        conn.close()            # no reply: atlwho fails (5 or 7) and says so
        out, err = p.communicate(timeout=10)
        srv.close()
    r = H.Run(p.returncode, out.decode("utf-8", "surrogateescape"), err.decode("utf-8", "surrogateescape"),
              time.monotonic() - t, None, H.atlwho_cmd(args), {"ATLWHO_TOKEN": TOKEN}, False)
    fails = H.invariants(r, args, [TOKEN]) + H.expect(r, (5, 7))
    check(not fails, "the run: exit 5 or 7, and the invariants", "\n".join(fails + H.describe(r)))
    check(b"ATLWHO_TOKEN=" in environ, "the variable is still listed (only its value is wiped)", repr(environ[:200]))
    check(TOKEN.encode() not in environ, "token not in /proc/PID/environ", repr(environ[:200]))
    check(TOKEN.encode() not in cmdline, "token not in /proc/PID/cmdline")
    check(("Bearer " + TOKEN).encode() in req, "the token was sent to the server named")
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
