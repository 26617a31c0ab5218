#!/usr/bin/env python3
"""test_procenv.py: while atlwho waits on a server, the token is not readable
from its /proc/PID/environ (the environment's copy is wiped after reading),
nor from /proc/PID/cmdline. Ends with "N passed, N failed"."""
import os
import socket
import subprocess
import sys
import time

ATLWHO = os.environ.get("ATLWHO", os.path.join(os.getcwd(), "atlwho"))
TOKEN = "ENVTOKEN-7f3a-91cc-wipe"
passed = failed = 0


def check(cond, label, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL test_procenv.py:%d %s %s" % (sys._getframe(1).f_lineno, label, detail))


def main():
    if os.environ.get("ATLWHO_VALGRIND") == "1" or os.environ.get("ATLWHO_EMU"):
        # valgrind and qemu-user are the process /proc shows; nothing to learn.
        print("skipped: the process under test is valgrind or qemu, not atlwho")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "ATLWHO_TOKEN": TOKEN}
    p = subprocess.Popen([ATLWHO, "-m", "5", "-p", "jira", "http://127.0.0.1:%d" % port],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
        conn.close()
        p.wait(timeout=10)
        srv.close()
    check(b"ATLWHO_TOKEN=" in environ, "the variable is still listed (only its value is wiped)", repr(environ[:200]))
    check(TOKEN.encode() not in environ, "token not in /proc/PID/environ", repr(environ[:200]))
    check(TOKEN.encode() not in cmdline, "token not in /proc/PID/cmdline")
    check(("Bearer " + TOKEN).encode() in req, "the token was sent to the server named")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
