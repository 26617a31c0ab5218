#!/usr/bin/env python3
"""Self-test of the end-to-end test infrastructure (pki.py, fakeatl.py), without atlwho.

    python3 tests/e2e/test_infra.py [-v]

Checks the test PKI with `openssl verify`, the pins against the openssl pipeline, the fake
servers and the CONNECT proxy with Python's own TLS/HTTP client and with curl (when
installed), and the `fakeatl.py --demo-serve` CLI. Loopback only; bounded in time.
Ends with one line "N passed, N failed"; exits 1 if any failed.
"""

import base64
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F, PKI

HERE = H.HERE
CURL = shutil.which("curl")
T = 20  # seconds: cap for every subprocess
S = H.Suite(__file__)
check = S.check


def sh(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=T, **kw)


def client_ctx(ca=None, cert=None, key=None, versions=None):
    ctx = ssl.create_default_context(cafile=ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    if versions == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def get(srv, path, auth=None, ca=None, host="localhost", ctx=None, headers=None):
    """One GET with http.client. Returns (status, reason, headers list, body)."""
    h = dict(headers or {})
    if auth:
        h["Authorization"] = auth
    if srv.scheme == "https":
        c = http.client.HTTPSConnection(host, srv.port, timeout=10, context=ctx or client_ctx(ca))
    else:
        c = http.client.HTTPConnection(host, srv.port, timeout=10)
    try:
        c.request("GET", path, headers=h)
        r = c.getresponse()
        return r.status, r.reason, r.getheaders(), r.read()
    finally:
        c.close()


def basic(u, p):
    return "Basic " + base64.b64encode(("%s:%s" % (u, p)).encode()).decode()


def curl(args):
    return sh([CURL, "-sS", "--max-time", "10"] + args)


def test_pki(pk, elapsed):
    check(elapsed < 15, "pki: generated within 15 s", "%.1f s" % elapsed)
    for name in ("ecdsa", "rsa", "expired", "notyet", "wrongname", "selfsigned", "unknownca",
                 "rsa1024", "sha1", "client", "cloud"):
        leaf = pk.leaf.get(name)
        check(leaf and os.path.isfile(leaf.cert) and os.path.isfile(leaf.key), "pki: %s leaf files exist" % name)
    v = lambda ca, c, *extra: sh(["openssl", "verify", "-CAfile", ca] + list(extra) + [c])  # noqa: E731
    check(v(pk.ca, pk.leaf["ecdsa"].cert).returncode == 0, "pki: ecdsa verifies against ca")
    check(v(pk.ca2, pk.leaf["rsa"].cert).returncode == 0, "pki: rsa verifies against ca2")
    check(v(pk.ca, pk.leaf["rsa"].cert).returncode != 0, "pki: rsa does not verify against ca")
    check(v(pk.clientca, pk.leaf["client"].cert, "-purpose", "sslclient").returncode == 0,
          "pki: client verifies against clientca")
    r = v(pk.ca, pk.leaf["expired"].cert)
    check(r.returncode != 0 and b"expired" in r.stdout + r.stderr, "pki: expired is expired", r.stdout + r.stderr)
    r = v(pk.ca, pk.leaf["notyet"].cert)
    check(r.returncode != 0 and b"not yet valid" in r.stdout + r.stderr, "pki: notyet is not yet valid",
          r.stdout + r.stderr)
    r = v(pk.ca, pk.leaf["unknownca"].cert)
    check(r.returncode != 0, "pki: unknownca does not verify against ca")
    r = v(pk.ca3, pk.leaf["unknownca"].cert)
    check(r.returncode == 0, "pki: unknownca verifies against ca3")
    t = sh(["openssl", "x509", "-in", pk.leaf["wrongname"].cert, "-noout", "-ext", "subjectAltName"]).stdout
    check(b"DNS:wrong.example" in t and b"localhost" not in t, "pki: wrongname has only DNS:wrong.example", t)
    t = sh(["openssl", "x509", "-in", pk.leaf["ecdsa"].cert, "-noout", "-ext", "subjectAltName"]).stdout
    check(b"DNS:localhost" in t and b"127.0.0.1" in t and b"0:0:0:0:0:0:0:1" in t, "pki: localhost SANs", t)
    t = sh(["openssl", "x509", "-in", pk.leaf["rsa1024"].cert, "-noout", "-text"]).stdout
    check(b"(1024 bit)" in t, "pki: rsa1024 is 1024-bit")
    t = sh(["openssl", "x509", "-in", pk.leaf["sha1"].cert, "-noout", "-text"]).stdout
    check(b"sha1WithRSAEncryption" in t, "pki: sha1 leaf is sha1WithRSAEncryption")
    t = sh(["openssl", "x509", "-in", pk.ca, "-noout", "-text"]).stdout
    check(b"prime256v1" in t and b"CA:TRUE" in t, "pki: ca is ECDSA P-256 and a CA")
    t = sh(["openssl", "x509", "-in", pk.ca2, "-noout", "-text"]).stdout
    check(b"(2048 bit)" in t and b"rsaEncryption" in t, "pki: ca2 is RSA 2048")
    # pins: from the key, from the certificate, and with the shell pipeline of the brief
    for name in ("ecdsa", "rsa"):
        leaf = pk.leaf[name]
        p = subprocess.run("openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform der | "
                           "openssl dgst -sha256 -binary | base64" % leaf.cert, shell=True,
                           capture_output=True, timeout=T).stdout.decode().strip()
        check(leaf.pin == "sha256//" + p, "pki: %s pin matches the openssl pipeline" % name, (leaf.pin, p))
        check(PKI.spki_pin_from_cert(leaf.cert) == leaf.pin, "pki: %s pin from cert == from key" % name)
    check(len({l.pin for l in pk.leaf.values()}) == len(pk.leaf), "pki: pins differ")
    check(PKI.cached_pki(pk.dir) is PKI.cached_pki(pk.dir) and PKI.cached_pki(pk.dir).ca == pk.ca,
          "pki: cached_pki returns the same object")


def test_servers(pk):
    ec, rsa = pk.leaf["ecdsa"], pk.leaf["rsa"]
    tls = F.TLS(ec.chain, ec.key)
    with F.FakeServer(F.jira(context="/jira"), tls=tls, host="both") as s:
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        hdl = {k.lower(): v for k, v in hd}
        check(st == 200 and json.loads(body)["name"] == "fred", "jira: Bearer good -> 200 fred", (st, body[:200]))
        check(hdl.get("x-ausername") == "fred" and hdl.get("x-seraph-loginreason") == "OK"
              and hdl.get("transfer-encoding") == "chunked", "jira: success headers", hd)
        st, _, _, body = get(s, "/jira/rest/api/2/myself", basic("fred", F.GOOD_TOKEN), pk.ca)
        check(st == 200 and json.loads(body)["active"] is True, "jira: Basic good -> 200")
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", "Bearer nope", pk.ca)
        check(st == 401 and b"not authenticated" in body
              and "x-seraph-loginreason" not in {k.lower() for k, _ in hd}, "jira: Bearer bad -> 401 JSON, no reason", (st, hd))
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", basic("fred", "nope"), pk.ca)
        hdl = {k.lower(): v for k, v in hd}
        check(st == 401 and hdl.get("x-seraph-loginreason") == "AUTHENTICATED_FAILED"
              and hdl.get("x-arequestid") == F.REQUEST_ID and b"AUTHENTICATED_FAILED" in body,
              "jira: Basic bad -> 401 AUTHENTICATED_FAILED HTML", (st, hd))
        st, _, _, _ = get(s, "/jira/rest/api/3/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check(st == 200, "jira: /rest/api/3/myself")
        st, _, _, body = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check(st == 404 and b"was not found" in body, "jira: outside the context path -> 404 HTML")
        st, _, _, _ = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca, host="127.0.0.1")
        st6, _, _, _ = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca, host="::1")
        check(st == 200 and st6 == 200, "jira: reachable on 127.0.0.1 and ::1 (IP SANs)", (st, st6))
        rq = s.requests
        check(len(rq) == 8, "record: 8 requests", rq)
        check(rq[0].origin == "https://localhost:%d" % s.port
              and rq[6].origin == "https://127.0.0.1:%d" % s.port and rq[7].origin == "https://[::1]:%d" % s.port, "record: origin from Host",
              [q.origin for q in rq])
        check(rq[0].sni == "localhost", "record: SNI", rq[0].sni)
        check(rq[0].auth() == ("bearer", F.GOOD_TOKEN)
              and rq[1].auth() == ("basic", "fred", F.GOOD_TOKEN), "record: Authorization and auth()", (rq[0].authorization, rq[1].authorization))
        check(rq[0].method == "GET" and rq[0].path == "/jira/rest/api/2/myself"
              and rq[0].version == "HTTP/1.1" and rq[0].tls_version in ("TLSv1.2", "TLSv1.3"), "record: request line and TLS version")
        check(len(s.requests_with_token(F.GOOD_TOKEN)) == 6, "record: requests_with_token")

    with F.FakeServer(F.confluence(context="/confluence"), tls=F.TLS(rsa.chain, rsa.key)) as s:
        path = "/confluence/rest/api/user/current"
        st, _, _, body = get(s, path, "Bearer " + F.GOOD_TOKEN, pk.ca2)
        j = json.loads(body)
        check(st == 200 and j["type"] == "known"
              and j["username"] == "fred" and "active" not in j, "confluence: good -> known user, no active", body[:200])
        st, _, _, body = get(s, path, "Bearer nope", pk.ca2)
        check(st == 200 and json.loads(body)["type"] == "anonymous", "confluence: bad Bearer -> 200 anonymous")
        st, _, _, _ = get(s, path, basic("fred", "nope"), pk.ca2)
        check(st == 401, "confluence: bad Basic -> 401")
        st, _, _, _ = get(s, "/confluence/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca2)
        check(st == 404, "confluence: Jira path -> 404 (auto mode falls back)")

    with F.FakeServer(F.jira(flavor="cloud"), tls=tls) as s:
        st, _, _, body = get(s, "/rest/api/2/myself", basic(F.CLOUD_EMAIL, F.GOOD_TOKEN), pk.ca)
        j = json.loads(body)
        check(st == 200 and "accountId" in j and "name" not in j, "jira cloud: email Basic -> accountId, no name")
        st, _, _, body = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check(st == 403 and b"Connect Session" in body, "jira cloud: Bearer -> 403 Connect Session")

    # canned replies through a real HTTP parser
    canned = {
        "captcha": (F.reply_captcha_403(), 403),
        "inactive": (F.reply_jira_inactive(), 200),
        "anon200": (F.reply_jira_anonymous_200(), 200),
        "429": (F.reply_429(), 429),
        "503": (F.reply_503(), 503),
        "sso": (F.reply_sso_html(), 200),
        "301": (F.reply_redirect(301, "https://x/"), 301),
        "404": (F.reply_404_html(), 404),
        "cloud403": (F.reply_jira_cloud_bearer_403(), 403),
        "conf-cloud": (F.reply_confluence_cloud_known(), 200),
    }
    with F.FakeServer(F.routes({"/" + k: v[0] for k, v in canned.items()}), tls=tls) as s:
        for k, (_, want) in canned.items():
            st, reason, hd, body = get(s, "/" + k, None, pk.ca)
            check(st == want, "canned %s parses, status %d" % (k, want), (st, hd))
            if k == "captcha":
                hdl = {a.lower(): b for a, b in hd}
                check(reason == "" and "X-Authentication-Denied-Reason" in dict(hd) and "X-Arequestid" in dict(hd)
                      and hdl["x-authentication-denied-reason"].startswith("CAPTCHA_CHALLENGE; login-url=https://")
                      and hdl["x-seraph-loginreason"] == "AUTHENTICATION_DENIED",
                      "canned captcha: empty reason phrase, mixed case, login-url", (reason, hd))
            if k == "429":
                hdl = {a.lower(): b for a, b in hd}
                check("retry-after" in hdl and "x-ratelimit-remaining" in hdl
                      and "x-ratelimit-reset" in hdl, "canned 429 headers")
            if k == "inactive":
                check(json.loads(body)["active"] is False, "canned inactive: active false")
    raw = F.reply_captcha_403()
    check(raw.startswith(b"HTTP/1.1 403 \r\n"), "canned captcha raw status line", raw[:20])

    # TLS versions, mTLS, weak certificates
    for ver in ("1.2", "1.3"):
        with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, versions=ver)) as s:
            get(s, "/rest/api/2/myself", "Bearer x", pk.ca)
            check(s.requests and s.requests[0].tls_version == "TLSv" + ver, "TLS %s-only server" % ver,
                  [q.tls_version for q in s.requests])
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, versions="1.2")) as s:
        ctx = client_ctx(pk.ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        try:
            get(s, "/rest/api/2/myself", None, ctx=ctx)
            ok = False
        except (ssl.SSLError, OSError):
            ok = True
        check(ok, "TLS 1.2-only server refuses a 1.3-only client")
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, client_ca=pk.clientca)) as s:
        st, _, _, _ = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN,
                          ctx=client_ctx(pk.ca, pk.leaf["client"].cert, pk.leaf["client"].key))
        check(st == 200 and s.requests[0].client_cert, "mTLS: with client cert -> 200 and recorded", s.requests)
        try:
            get(s, "/rest/api/2/myself", None, pk.ca)
            ok = False
        except (ssl.SSLError, OSError, http.client.HTTPException):
            ok = True
        check(ok and len(s.requests) == 1, "mTLS: without client cert -> handshake/read fails")
    for weak in ("rsa1024", "sha1"):
        leaf = pk.leaf[weak]
        with F.FakeServer(F.jira(), tls=F.TLS(leaf.chain, leaf.key, weak=True)) as s:
            ctx = client_ctx(pk.ca2)
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            try:
                st, _, _, _ = get(s, "/rest/api/2/myself", None, ctx=ctx)
            except Exception as e:
                st = repr(e)
            check(st == 401, "weak %s leaf can be served (client at SECLEVEL 0)" % weak, st)
    for bad, want in (("expired", "expired"), ("wrongname", "mismatch"), ("unknownca", "issuer"),
                      ("selfsigned", "self")):
        leaf = pk.leaf[bad]
        with F.FakeServer(F.jira(), tls=F.TLS(leaf.cert, leaf.key)) as s:
            try:
                get(s, "/rest/api/2/myself", None, pk.ca)
                msg = "no error"
            except ssl.SSLCertVerificationError as e:
                msg = e.verify_message or str(e)
            check(want in msg.lower(), "python client rejects %s (%s)" % (bad, want), msg)

    # framing, actions and timing
    body = b'{"name":"fred"}'
    with F.FakeServer(F.static(F.http_response(200, body, chunked=True, chunk_sizes=[1]))) as s:
        st, _, _, b_ = get(s, "/", None)
        check(st == 200 and b_ == body, "chunk: one-byte chunks decode", b_)
    with F.FakeServer(F.static([F.http_response(200, body)[:-5], F.Close()])) as s:
        try:
            get(s, "/", None)
            ok = False
        except http.client.IncompleteRead:
            ok = True
        check(ok, "Close(): body shorter than Content-Length")
    with F.FakeServer(F.static([F.http_response(200, b"x" * 100)[:60], F.Delay(0.05), F.Reset()])) as s:
        try:
            get(s, "/", None)
            err = None
        except Exception as e:
            err = e
        check(isinstance(err, (ConnectionResetError, http.client.IncompleteRead)),
              "Reset(): the client sees a reset or cut read", repr(err))
    with F.FakeServer(F.never_answer) as s:
        c = socket.create_connection(("127.0.0.1", s.port), timeout=0.5)
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        t = time.monotonic()
        try:
            c.recv(10)
            ok = False
        except socket.timeout:
            ok = True
        c.close()
        check(ok and time.monotonic() - t >= 0.4, "never_answer: nothing comes back")
    t = time.monotonic()
    with F.FakeServer(F.static([F.reply_jira_server_ok(), F.KeepOpen(30)])) as s:
        st, _, _, _ = get(s, "/", None)
    check(st == 200 and time.monotonic() - t < 3,
          "KeepOpen: stop() is prompt even with a connection held open", time.monotonic() - t)
    with F.FakeServer(F.jira(), tls=tls, on_connect=F.garbage_instead_of_tls) as s:
        try:
            get(s, "/", None, pk.ca)
            ok = False
        except (ssl.SSLError, OSError):
            ok = True
        check(ok, "garbage_instead_of_tls: handshake fails")
    with F.FakeServer(F.jira()) as s:
        c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        c.sendall(b"\x16\x03\x01\x00\x05hello")
        d = c.recv(100)
        c.close()
        check(d.startswith(b"HTTP/1.1 400"), "plain server answers a ClientHello with 400", d)
    with F.FakeServer(F.sequence(F.reply_503("1"), F.reply_jira_server_ok())) as s:
        a, _, _, _ = get(s, "/", None)
        b2, _, _, _ = get(s, "/", None)
        check((a, b2) == (503, 200), "sequence: 503 then 200", (a, b2))
    with F.FakeServer(F.jira(), tls=tls, tls_auto=True) as s:
        st1, _, _, _ = get(s, "/rest/api/2/myself", None, pk.ca)
        s2 = F.FakeServer(None)
        c = http.client.HTTPConnection("localhost", s.port, timeout=5)
        c.request("GET", "/rest/api/2/myself")
        st2 = c.getresponse().status
        c.close()
        check(st1 == 401 and st2 == 401
              and [q.scheme for q in s.requests] == ["https", "http"], "tls_auto: https and http on one port", [q.scheme for q in s.requests])
        del s2
    with F.FakeServer(F.redirect(302, "{base2}/x")) as s:
        s.vars = {"base2": "https://127.0.0.1:9"}
        st, _, hd, _ = get(s, "/", None)
        check(st == 302 and dict(hd).get("Location") == "https://127.0.0.1:9/x", "redirect: Location from vars", hd)

    p = F.free_port()
    try:
        socket.create_connection(("127.0.0.1", p), timeout=2).close()
        ok = False
    except ConnectionRefusedError:
        ok = True
    check(ok, "free_port: connection refused")
    with F.BlackHole() as bh:
        t = time.monotonic()
        try:
            socket.create_connection(("127.0.0.1", bh.port), timeout=0.5).close()
            ok = False
        except socket.timeout:
            ok = True
        except OSError as e:
            ok = repr(e)
        check(ok is True, "BlackHole: connect times out", ok)


def test_proxy(pk):
    ec = pk.leaf["ecdsa"]
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key)) as s, \
            F.ConnectProxy(auth=("puser", "p@ss")) as px:
        # Python client through the tunnel
        c = http.client.HTTPSConnection("127.0.0.1", px.port, timeout=10, context=client_ctx(pk.ca))
        c.set_tunnel("localhost", s.port, headers={
            "Proxy-Authorization": basic("puser", "p@ss")})
        c.request("GET", "/rest/api/2/myself", headers={"Authorization": "Bearer " + F.GOOD_TOKEN})
        st = c.getresponse().status
        c.close()
        check(st == 200 and len(s.requests) == 1, "proxy: CONNECT with auth -> 200 through the tunnel", st)
        check(px.log and px.log[0]["method"] == "CONNECT"
              and px.log[0]["target"] == "localhost:%d" % s.port
              and px.log[0]["proxy_authorization"] == basic("puser", "p@ss"), "proxy: log and Proxy-Authorization recorded", px.log)
        check(F.GOOD_TOKEN.encode() not in bytes(px.clear)
              and not px.authorization_in_clear(), "proxy: the token never seen in clear")
        c = socket.create_connection(("127.0.0.1", px.port), timeout=5)
        c.sendall(b"CONNECT localhost:%d HTTP/1.1\r\nHost: x\r\n\r\n" % s.port)
        d = c.recv(200)
        c.close()
        check(d.startswith(b"HTTP/1.1 407"), "proxy: no credentials -> 407", d)
        c = socket.create_connection(("127.0.0.1", px.port), timeout=5)
        c.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nProxy-Authorization: %s\r\n\r\n"
                  % basic("puser", "p@ss").encode())
        d = c.recv(200)
        c.close()
        check(d.startswith(b"HTTP/1.1 502"), "proxy: non-loopback target refused (502)", d)
    with F.FakeServer(F.jira()) as s, F.ConnectProxy() as px:
        c = http.client.HTTPConnection("127.0.0.1", px.port, timeout=10)
        c.request("GET", "http://localhost:%d/rest/api/2/myself" % s.port,
                  headers={"Authorization": "Bearer " + F.GOOD_TOKEN})
        st = c.getresponse().status
        c.close()
        check(st == 200 and s.requests[0].path == "/rest/api/2/myself"
              and px.log[0]["method"] == "GET", "proxy: absolute-form http forwarded", (st, px.log))
    with F.FakeServer(F.jira(flavor="cloud"), tls=F.TLS(pk.leaf["cloud"].chain, pk.leaf["cloud"].key)) as s, \
            F.ConnectProxy(targets={"acme.atlassian.net:443": ("127.0.0.1", s.port)}) as px:
        c = http.client.HTTPSConnection("127.0.0.1", px.port, timeout=10, context=client_ctx(pk.ca))
        c.set_tunnel("acme.atlassian.net", 443)
        c.request("GET", "/rest/api/2/myself", headers={"Authorization": basic(F.CLOUD_EMAIL, F.GOOD_TOKEN)})
        r = c.getresponse()
        j = json.loads(r.read())
        c.close()
        check(r.status == 200 and "accountId" in j
              and s.requests[0].origin == "https://acme.atlassian.net:443" and s.requests[0].sni == "acme.atlassian.net", "proxy: acme.atlassian.net mapped to a local Cloud fake",
              (r.status, s.requests))


def test_curl(pk):
    if not CURL:
        S.skip("curl checks", "curl is not installed")
        return
    ec, rsa = pk.leaf["ecdsa"], pk.leaf["rsa"]
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key), host="both") as s:
        u = s.url("/rest/api/2/myself")
        r = curl(["--cacert", pk.ca, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, u])
        check(r.returncode == 0 and json.loads(r.stdout)["name"] == "fred", "curl: --cacert + Bearer -> fred",
              r.stderr)
        r = curl(["--cacert", pk.ca, "-u", "fred:" + F.GOOD_TOKEN, s.url("/rest/api/2/myself", "::1")])
        check(r.returncode == 0 and b"fred" in r.stdout, "curl: [::1] + Basic", r.stderr)
        r = curl(["-k", "--pinnedpubkey", ec.pin, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, u])
        check(r.returncode == 0, "curl: our pin matches curl's --pinnedpubkey", r.stderr)
        r = curl(["-k", "--pinnedpubkey", rsa.pin, u])
        check(r.returncode == 90, "curl: a wrong pin fails (90)", (r.returncode, r.stderr))
        r = curl(["--cacert", pk.ca, "-o", "/dev/null", "-w", "%{http_code}", u])
        check(r.stdout == b"401", "curl: no credentials -> 401", r.stdout)
    with F.FakeServer(F.jira(), tls=F.TLS(pk.leaf["expired"].chain, pk.leaf["expired"].key)) as s:
        r = curl(["--cacert", pk.ca, s.url("/rest/api/2/myself")])
        check(r.returncode == 60 and b"expired" in r.stderr, "curl: expired -> 60", r.stderr)
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, client_ca=pk.clientca)) as s:
        r = curl(["--cacert", pk.ca, "--cert", pk.leaf["client"].cert, "--key", pk.leaf["client"].key,
                  "-o", "/dev/null", "-w", "%{http_code}", s.url("/rest/api/2/myself")])
        check(r.returncode == 0 and r.stdout == b"401", "curl: mTLS with --cert/--key", (r.returncode, r.stderr))
        r = curl(["--cacert", pk.ca, s.url("/rest/api/2/myself")])
        check(r.returncode != 0, "curl: mTLS without a cert fails")
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key)) as s, F.ConnectProxy(auth=("u", "p@ss")) as px:
        r = curl(["--cacert", pk.ca, "-x", "http://u:p%%40ss@127.0.0.1:%d" % px.port,
                  "-H", "Authorization: Bearer " + F.GOOD_TOKEN, s.url("/rest/api/2/myself")])
        check(r.returncode == 0 and b"fred" in r.stdout, "curl: through the proxy with percent-encoded auth",
              (r.stderr, px.log))
        r = curl(["--cacert", pk.ca, "-x", "http://127.0.0.1:%d" % px.port, s.url("/rest/api/2/myself")])
        check(r.returncode != 0 and b"407" in r.stderr, "curl: proxy without auth -> CONNECT 407", r.stderr)
        check(F.GOOD_TOKEN.encode() not in bytes(px.clear), "curl: token never in the proxy's clear bytes")
    with F.FakeServer(F.redirect(302, "/new/rest/api/2/myself", then=F.jira(context="/new")),
                      tls=F.TLS(ec.chain, ec.key)) as s:
        r = curl(["-L", "--cacert", pk.ca, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, s.url("/rest/api/2/myself")])
        check(r.returncode == 0 and b"fred" in r.stdout
              and [q.path for q in s.requests] == ["/rest/api/2/myself", "/new/rest/api/2/myself"], "curl: -L on a same-origin redirect", s.requests)
    with F.FakeServer(F.static(F.reply_captcha_403())) as s:
        r = curl(["-i", s.url("/")])
        check(r.returncode == 0
              and r.stdout.startswith(b"HTTP/1.1 403") and b"CAPTCHA_CHALLENGE" in r.stdout, "curl: CAPTCHA reply parses (empty reason phrase)", r.stdout[:300])


def test_demo_cli():
    d = tempfile.mkdtemp(prefix="atlwho-infra-demo-")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "fakeatl.py"), "--demo-serve", d],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    info = {}
    try:
        t = time.monotonic()
        while time.monotonic() - t < 15:
            line = p.stdout.readline().decode().strip()
            if not line:
                break
            k, _, v = line.partition("=")
            info[k] = v
            if k == "READY":
                break
        check({"JIRA_URL", "CONFLUENCE_URL", "CACERT", "READY"} <= set(info), "demo-serve: prints URLs, CA and READY",
              info)
        if CURL and "JIRA_URL" in info:
            r = curl(["--cacert", info["CACERT"], "-H", "Authorization: Bearer " + F.GOOD_TOKEN,
                      info["JIRA_URL"] + "/rest/api/2/myself"])
            check(r.returncode == 0 and b'"name":"fred"' in r.stdout, "demo-serve: Jira answers over TLS", r.stderr)
            r = curl(["--cacert", info["CACERT"], "-H", "Authorization: Bearer " + F.GOOD_TOKEN,
                      info["CONFLUENCE_URL"] + "/rest/api/user/current"])
            check(r.returncode == 0 and b'"type":"known"' in r.stdout, "demo-serve: Confluence answers over TLS",
                  r.stderr)
        p.stdin.close()   # closing stdin stops it
        try:
            p.wait(10)
            ok = p.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        check(ok, "demo-serve: exits when stdin closes", p.returncode)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for f in (p.stdout, p.stderr):
            f.close()
        shutil.rmtree(d, ignore_errors=True)


def main():
    root = tempfile.mkdtemp(prefix="atlwho-infra-")
    base_threads = threading.active_count()
    try:
        t = time.monotonic()
        pk = PKI.cached_pki(os.path.join(root, "pki"))
        for fn in (lambda: test_pki(pk, time.monotonic() - t), lambda: test_servers(pk),
                   lambda: test_proxy(pk), lambda: test_curl(pk), test_demo_cli):
            try:
                fn()
            except Exception:
                import traceback
                check(False, "no exception in a test group", traceback.format_exc())
        time.sleep(0.3)
        check(threading.active_count() <= base_threads + 1, "all server threads ended",
              [th.name for th in threading.enumerate()])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
