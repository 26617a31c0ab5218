#!/usr/bin/env python3
"""test_nginx.py: atlwho against a real nginx (Debian's nginx-light) on loopback.

Covers what a scripted Python server would not prove on its own: a real
OpenSSL TLS stack in TLS 1.2 (RSA with RSA-PSS ServerKeyExchange, mbedtls
issue #10668) and TLS 1.3 (ECDSA), both AEADs, Content-Length and chunked
bodies (nginx's SSI filter makes the length unknown, so it chunks), a body
of several MB across many TLS records, and error statuses with headers.
Every run also counts one check of harness.py's invariants (a documented exit, no
token in the output, safe output), which holds "the token is never printed".
Ends with the line "N passed, N failed".
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F, PKI

TOKEN = "tok-nginx-7c1e9"
S = H.Suite(__file__, tokens=[TOKEN], timeout=60)
check = S.check

JIRA = {"self": "https://localhost/jira/rest/api/2/user?username=fred", "key": "JIRAUSER1",
        "name": "fred", "emailAddress": "fred@example.com", "displayName": "Fred F. User",
        "active": True, "timeZone": "Australia/Sydney",
        "groups": {"size": 2, "items": [{"name": "jira-user"}, {"name": "jira-admin"}]}}


def big_jira(n):
    items = ",".join('{"name":"group-%06d","self":"https://x/g?\\u0067=%d"}' % (i, i) for i in range(n))
    doc = dict(JIRA)
    body = json.dumps(doc)[:-1] + ',"groups2":{"size":%d,"items":[%s]}}' % (n, items)
    return body


def main():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        print("nginx not installed (vendor/deps.sh test installs nginx-light)")
        S.failed += 1
        return S.finish()
    if not S.need():
        return S.finish()
    tmp = tempfile.mkdtemp(prefix="atlwho-nginx-")
    proc = None
    try:
        pk = PKI.cached_pki(os.path.join(tmp, "pki"))
        www = os.path.join(tmp, "www")
        for d in ("jira/rest/api/2", "chunked/rest/api/2", "big/rest/api/2", "conf/rest/api/user"):
            os.makedirs(os.path.join(www, d), exist_ok=True)
        with open(os.path.join(www, "jira/rest/api/2/myself"), "w") as f:
            json.dump(JIRA, f)
        with open(os.path.join(www, "chunked/rest/api/2/myself"), "w") as f:
            f.write(json.dumps(JIRA)[:-1] + ',"ssi":"<!--# echo var="ssi_dummy" default="x" -->"}')
        big = big_jira(60000)
        with open(os.path.join(www, "big/rest/api/2/myself"), "w") as f:
            f.write(big)
        with open(os.path.join(www, "conf/rest/api/user/current"), "w") as f:
            json.dump({"type": "known", "username": "jsmith", "displayName": "Joe Smith"}, f)

        ports = {k: F.free_port() for k in ("t13", "t12", "cha", "plain")}
        ecdsa, rsa = pk.leaf["ecdsa"], pk.leaf["rsa"]
        conf = F.nginx_conf(tmp, """\
  default_type application/json;
  gzip off;
  root {www};
  ssi_types application/json;
  server {{
    listen 127.0.0.1:{t13} ssl; listen [::1]:{t13} ssl;
    ssl_certificate {ecdsa_chain}; ssl_certificate_key {ecdsa_key};
    ssl_protocols TLSv1.3;
    location /chunked/ {{ ssi on; }}
    location = /jira/rest/api/2/denied {{
      add_header X-Seraph-LoginReason AUTHENTICATED_FAILED always;
      add_header X-AREQUESTID 913x1x1 always;
      return 401 '{{"errorMessages":["You are not authenticated."],"errors":{{}}}}';
    }}
    location = /limited/rest/api/2/myself {{ add_header Retry-After 7 always; return 429; }}
  }}
  server {{
    listen 127.0.0.1:{t12} ssl;
    ssl_certificate {rsa_chain}; ssl_certificate_key {rsa_key};
    ssl_protocols TLSv1.2;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384;
    location /chunked/ {{ ssi on; }}
  }}
  server {{
    listen 127.0.0.1:{cha} ssl;
    ssl_certificate {ecdsa_chain}; ssl_certificate_key {ecdsa_key};
    ssl_protocols TLSv1.2;
    ssl_ciphers ECDHE-ECDSA-CHACHA20-POLY1305;
  }}
  server {{
    listen 127.0.0.1:{plain};
    location /chunked/ {{ ssi on; }}
  }}
""".format(www=www, ecdsa_chain=ecdsa.chain, ecdsa_key=ecdsa.key,
           rsa_chain=rsa.chain, rsa_key=rsa.key, **ports))
        cpath = os.path.join(tmp, "nginx.conf")
        with open(cpath, "w") as f:
            f.write(conf)
        proc = subprocess.Popen([nginx, "-p", tmp, "-c", cpath], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", ports["plain"]), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        if proc.poll() is not None:
            print("nginx did not start: " + proc.stderr.read().decode(errors="replace"))
            S.failed += 1
            return S.finish()

        def base(port, path, scheme="https", host="localhost"):
            return "%s://%s:%d/%s" % (scheme, host, port, path)

        cases = [
            ("TLS 1.3 ECDSA, Content-Length", ["--cacert", pk.ca, "-v", base(ports["t13"], "jira")],
             0, ["name: fred", "active: true"], ["TLSv1.3"]),
            ("TLS 1.3 ECDSA over ::1", ["--cacert", pk.ca, "-6", base(ports["t13"], "jira", host="[::1]")],
             0, ["name: fred"], []),
            ("TLS 1.3 chunked (SSI)", ["--cacert", pk.ca, "-v", base(ports["t13"], "chunked")],
             0, ["name: fred"], ["Transfer-Encoding: chunked"]),
            ("TLS 1.2 RSA (RSA-PSS ServerKeyExchange)", ["--cacert", pk.ca2, "-v", base(ports["t12"], "jira")],
             0, ["name: fred"], ["TLSv1.2", "ECDHE-RSA"]),
            ("TLS 1.2 RSA chunked", ["--cacert", pk.ca2, base(ports["t12"], "chunked")], 0, ["name: fred"], []),
            ("TLS 1.2 ECDSA ChaCha20-Poly1305", ["--cacert", pk.ca, "-v", base(ports["cha"], "jira")],
             0, ["name: fred"], ["CHACHA20"]),
            ("--tls-min 1.3 against a TLS 1.2-only server", ["--cacert", pk.ca2, "--tls-min", "1.3",
             base(ports["t12"], "jira")], 6, [], ["tls"]),
            ("multi-MB body across many records", ["--cacert", pk.ca, base(ports["t13"], "big")],
             0, ["name: fred"], []),
            ("--raw returns the body byte for byte", ["--cacert", pk.ca, "--raw", base(ports["t13"], "big")],
             0, [], []),
            ("plain http chunked", [base(ports["plain"], "chunked", scheme="http")], 0, ["name: fred"],
             ["plain http"]),
            ("Confluence via auto (Jira path 404 from nginx)", ["--cacert", pk.ca, base(ports["t13"], "conf")],
             0, ["name: jsmith"], []),
            ("wrong context path: 404 twice", ["--cacert", pk.ca, base(ports["t13"], "nothing")],
             7, [], ["context path"]),
            ("401 with X-Seraph-LoginReason and request ID", ["--cacert", pk.ca, "--path",
             "/jira/rest/api/2/denied", base(ports["t13"], "")], 3, [], ["AUTHENTICATED_FAILED", "913x1x1"]),
            ("429 with Retry-After", ["--cacert", pk.ca, base(ports["t13"], "limited")], 7, [], ["Retry-After: 7"]),
            ("wrong CA for the RSA server", ["--cacert", pk.ca, base(ports["t12"], "jira")], 6,
             [], ["issuer unknown"]),
        ]
        for label, args, want_rc, out_has, err_has in cases:
            if not S.want(label):
                continue
            rc, out, err, el = S.run(label, args)
            ctx = "args: %s\nexit %s in %.2f s\nstdout: %r\nstderr: %r" % (args, rc, el, out[:600], err[-1500:])
            check(rc == want_rc, "%s: exit %d" % (label, want_rc), ctx)
            for frag in out_has:
                check(frag in out, "%s: stdout has %r" % (label, frag), ctx)
            for frag in err_has:
                check(frag.lower() in err.lower(), "%s: stderr has %r" % (label, frag), ctx)
            if label.startswith("--raw"):
                check(out == big, "--raw: the body is exactly the file (%d bytes, got %d)" % (len(big), len(out)))
    finally:
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
