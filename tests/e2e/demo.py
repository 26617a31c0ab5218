#!/usr/bin/env python3
"""`make demo`: run the real atlwho against a fake Jira and a fake Confluence on loopback.

Generates a throw-away CA, starts both fakes over TLS (tests/e2e/fakeatl.py), then runs
the binary named by $ATLWHO (default ./atlwho) four times, showing each command line, its
output and its exit code:
    1. Jira, token from --token-file                          -> 0 (authenticated)
    2. Confluence, token from ATLWHO_TOKEN (auto product)     -> 0 (authenticated)
    3. Jira, a wrong token sent as Basic (-u fred)            -> 3 (rejected)
    4. Confluence, a wrong Bearer token: a 200 "anonymous"    -> 3 (anonymous)
Exits non-zero if any exit code differs from the expected one. Python 3 stdlib only.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the tree
sys.path.insert(0, HERE)
import fakeatl as F  # noqa: E402

RUN_TIMEOUT = 20      # seconds per atlwho run: the demo must never hang
WRONG_TOKEN = "tok-wrong-999"


def main(argv):
    binary = os.environ.get("ATLWHO", "./atlwho")
    if len(argv) > 1:
        if argv[1] in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        binary = argv[1]
    exe = os.path.abspath(binary)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        print("demo: no atlwho binary at %s (build it first, or set ATLWHO=/path/to/atlwho)" % exe,
              file=sys.stderr)
        return 2

    tmp = tempfile.mkdtemp(prefix="atlwho-demo-")
    servers = []
    try:
        js, cs, info = F.demo_servers(os.path.join(tmp, "pki"))
        servers = [js, cs]
        ca = os.path.join(tmp, "ca.pem")
        shutil.copy(info["CACERT"], ca)
        tokfile = os.path.join(tmp, "token.txt")
        fd = os.open(tokfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, (F.GOOD_TOKEN + "\n").encode())
        os.close(fd)

        print("atlwho demo: a fake Jira and a fake Confluence over TLS on loopback,")
        print("with a throw-away CA (files in %s)" % tmp)
        print("  Jira:       %s" % info["JIRA_URL"])
        print("  Confluence: %s" % info["CONFLUENCE_URL"])
        print("  valid token: %s (in token.txt, mode 600); user: %s" % (F.GOOD_TOKEN, F.GOOD_USER))
        print()

        steps = [
            ("Jira, token from --token-file", {},
             ["--cacert", "ca.pem", "--token-file", "token.txt", info["JIRA_URL"]], 0),
            ("Confluence, token from ATLWHO_TOKEN (auto: Jira path 404, then Confluence)",
             {"ATLWHO_TOKEN": F.GOOD_TOKEN},
             ["--cacert", "ca.pem", info["CONFLUENCE_URL"]], 0),
            ("Jira, a wrong token sent as Basic: 401 AUTHENTICATED_FAILED",
             {"ATLWHO_TOKEN": WRONG_TOKEN},
             ["--cacert", "ca.pem", "-u", F.GOOD_USER, info["JIRA_URL"]], 3),
            ("Confluence, a wrong Bearer token: 200 with \"type\":\"anonymous\"",
             {"ATLWHO_TOKEN": WRONG_TOKEN},
             ["--cacert", "ca.pem", "-p", "confluence", info["CONFLUENCE_URL"]], 3),
        ]
        base_env = {k: v for k, v in os.environ.items()
                    if not k.lower().endswith("_proxy") and k not in ("ATLWHO_TOKEN",)}
        results = []
        for n, (title, env, args, want) in enumerate(steps, 1):
            print("== %d. %s" % (n, title))
            shown = " ".join(["%s=%s" % (k, shlex.quote(v)) for k, v in env.items()] +
                             ["atlwho"] + [shlex.quote(a) for a in args])
            print("$ " + shown)
            sys.stdout.flush()
            e = dict(base_env, **env)
            t = time.monotonic()
            try:
                p = subprocess.run([exe] + args, cwd=tmp, env=e, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=RUN_TIMEOUT)
                rc, out = p.returncode, p.stdout
            except subprocess.TimeoutExpired as ex:
                rc, out = None, ex.stdout or b""
            dt = time.monotonic() - t
            text = out.decode("utf-8", "replace")
            if text:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            verdict = "ok" if rc == want else "UNEXPECTED"
            got = "timed out after %d s" % RUN_TIMEOUT if rc is None else "exit %d" % rc
            print("-> %s (expected %d) in %.0f ms: %s" % (got, want, dt * 1000, verdict))
            print()
            results.append((title, want, rc))

        good = sum(1 for _, w, r in results if w == r)
        print("Summary: %d of %d commands gave the expected exit code." % (good, len(results)))
        for title, want, rc in results:
            print("  %-4s exit %-4s (expected %d)  %s" % ("ok" if rc == want else "FAIL",
                                                       "-" if rc is None else rc, want, title))
        print("Exit codes: 0 ok, 1 inactive, 2 usage, 3 rejected/anonymous, 4 CAPTCHA, "
              "5 network, 6 TLS, 7 unexpected reply.")
        return 0 if good == len(results) else 1
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
