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
import inspect
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import fakeatl as F  # noqa: E402
import pki as PKI  # noqa: E402

CURL = shutil.which("curl")
T = 20  # seconds: cap for every subprocess
VERBOSE = "-v" in sys.argv
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    line = inspect.currentframe().f_back.f_lineno
    if cond:
        passed += 1
        if VERBOSE:
            print("ok   test_infra.py:%d %s" % (line, name))
    else:
        failed += 1
        print("FAIL test_infra.py:%d %s%s" % (line, name, ("\n    " + str(detail)) if detail else ""))
    sys.stdout.flush()


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
    check("pki: generated within 15 s", elapsed < 15, "%.1f s" % elapsed)
    for name in ("ecdsa", "rsa", "expired", "notyet", "wrongname", "selfsigned", "unknownca",
                 "rsa1024", "sha1", "client", "cloud"):
        leaf = pk.leaf.get(name)
        check("pki: %s leaf files exist" % name, leaf and os.path.isfile(leaf.cert) and os.path.isfile(leaf.key))
    v = lambda ca, c, *extra: sh(["openssl", "verify", "-CAfile", ca] + list(extra) + [c])  # noqa: E731
    check("pki: ecdsa verifies against ca", v(pk.ca, pk.leaf["ecdsa"].cert).returncode == 0)
    check("pki: rsa verifies against ca2", v(pk.ca2, pk.leaf["rsa"].cert).returncode == 0)
    check("pki: rsa does not verify against ca", v(pk.ca, pk.leaf["rsa"].cert).returncode != 0)
    check("pki: client verifies against clientca",
          v(pk.clientca, pk.leaf["client"].cert, "-purpose", "sslclient").returncode == 0)
    r = v(pk.ca, pk.leaf["expired"].cert)
    check("pki: expired is expired", r.returncode != 0 and b"expired" in r.stdout + r.stderr, r.stdout + r.stderr)
    r = v(pk.ca, pk.leaf["notyet"].cert)
    check("pki: notyet is not yet valid", r.returncode != 0 and b"not yet valid" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    r = v(pk.ca, pk.leaf["unknownca"].cert)
    check("pki: unknownca does not verify against ca", r.returncode != 0)
    r = v(pk.ca3, pk.leaf["unknownca"].cert)
    check("pki: unknownca verifies against ca3", r.returncode == 0)
    t = sh(["openssl", "x509", "-in", pk.leaf["wrongname"].cert, "-noout", "-ext", "subjectAltName"]).stdout
    check("pki: wrongname has only DNS:wrong.example", b"DNS:wrong.example" in t and b"localhost" not in t, t)
    t = sh(["openssl", "x509", "-in", pk.leaf["ecdsa"].cert, "-noout", "-ext", "subjectAltName"]).stdout
    check("pki: localhost SANs", b"DNS:localhost" in t and b"127.0.0.1" in t and b"0:0:0:0:0:0:0:1" in t, t)
    t = sh(["openssl", "x509", "-in", pk.leaf["rsa1024"].cert, "-noout", "-text"]).stdout
    check("pki: rsa1024 is 1024-bit", b"(1024 bit)" in t)
    t = sh(["openssl", "x509", "-in", pk.leaf["sha1"].cert, "-noout", "-text"]).stdout
    check("pki: sha1 leaf is sha1WithRSAEncryption", b"sha1WithRSAEncryption" in t)
    t = sh(["openssl", "x509", "-in", pk.ca, "-noout", "-text"]).stdout
    check("pki: ca is ECDSA P-256 and a CA", b"prime256v1" in t and b"CA:TRUE" in t)
    t = sh(["openssl", "x509", "-in", pk.ca2, "-noout", "-text"]).stdout
    check("pki: ca2 is RSA 2048", b"(2048 bit)" in t and b"rsaEncryption" in t)
    # pins: from the key, from the certificate, and with the shell pipeline of the brief
    for name in ("ecdsa", "rsa"):
        leaf = pk.leaf[name]
        p = subprocess.run("openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform der | "
                           "openssl dgst -sha256 -binary | base64" % leaf.cert, shell=True,
                           capture_output=True, timeout=T).stdout.decode().strip()
        check("pki: %s pin matches the openssl pipeline" % name, leaf.pin == "sha256//" + p, (leaf.pin, p))
        check("pki: %s pin from cert == from key" % name, PKI.spki_pin_from_cert(leaf.cert) == leaf.pin)
    check("pki: pins differ", len({l.pin for l in pk.leaf.values()}) == len(pk.leaf))
    check("pki: cached_pki returns the same object",
          PKI.cached_pki(pk.dir) is PKI.cached_pki(pk.dir) and PKI.cached_pki(pk.dir).ca == pk.ca)


def test_servers(pk):
    ec, rsa = pk.leaf["ecdsa"], pk.leaf["rsa"]
    tls = F.TLS(ec.chain, ec.key)
    with F.FakeServer(F.jira(context="/jira"), tls=tls, host="both") as s:
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        hdl = {k.lower(): v for k, v in hd}
        check("jira: Bearer good -> 200 fred", st == 200 and json.loads(body)["name"] == "fred", (st, body[:200]))
        check("jira: success headers", hdl.get("x-ausername") == "fred" and hdl.get("x-seraph-loginreason") == "OK"
              and hdl.get("transfer-encoding") == "chunked", hd)
        st, _, _, body = get(s, "/jira/rest/api/2/myself", basic("fred", F.GOOD_TOKEN), pk.ca)
        check("jira: Basic good -> 200", st == 200 and json.loads(body)["active"] is True)
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", "Bearer nope", pk.ca)
        check("jira: Bearer bad -> 401 JSON, no reason", st == 401 and b"not authenticated" in body
              and "x-seraph-loginreason" not in {k.lower() for k, _ in hd}, (st, hd))
        st, _, hd, body = get(s, "/jira/rest/api/2/myself", basic("fred", "nope"), pk.ca)
        hdl = {k.lower(): v for k, v in hd}
        check("jira: Basic bad -> 401 AUTHENTICATED_FAILED HTML",
              st == 401 and hdl.get("x-seraph-loginreason") == "AUTHENTICATED_FAILED"
              and hdl.get("x-arequestid") == F.REQUEST_ID and b"AUTHENTICATED_FAILED" in body, (st, hd))
        st, _, _, _ = get(s, "/jira/rest/api/3/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check("jira: /rest/api/3/myself", st == 200)
        st, _, _, body = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check("jira: outside the context path -> 404 HTML", st == 404 and b"was not found" in body)
        st, _, _, _ = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca, host="127.0.0.1")
        st6, _, _, _ = get(s, "/jira/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca, host="::1")
        check("jira: reachable on 127.0.0.1 and ::1 (IP SANs)", st == 200 and st6 == 200, (st, st6))
        rq = s.requests
        check("record: 8 requests", len(rq) == 8, rq)
        check("record: origin from Host", rq[0].origin == "https://localhost:%d" % s.port
              and rq[6].origin == "https://127.0.0.1:%d" % s.port and rq[7].origin == "https://[::1]:%d" % s.port,
              [q.origin for q in rq])
        check("record: SNI", rq[0].sni == "localhost", rq[0].sni)
        check("record: Authorization and auth()", rq[0].auth() == ("bearer", F.GOOD_TOKEN)
              and rq[1].auth() == ("basic", "fred", F.GOOD_TOKEN), (rq[0].authorization, rq[1].authorization))
        check("record: request line and TLS version", rq[0].method == "GET" and rq[0].path == "/jira/rest/api/2/myself"
              and rq[0].version == "HTTP/1.1" and rq[0].tls_version in ("TLSv1.2", "TLSv1.3"))
        check("record: requests_with_token", len(s.requests_with_token(F.GOOD_TOKEN)) == 6)

    with F.FakeServer(F.confluence(context="/confluence"), tls=F.TLS(rsa.chain, rsa.key)) as s:
        path = "/confluence/rest/api/user/current"
        st, _, _, body = get(s, path, "Bearer " + F.GOOD_TOKEN, pk.ca2)
        j = json.loads(body)
        check("confluence: good -> known user, no active", st == 200 and j["type"] == "known"
              and j["username"] == "fred" and "active" not in j, body[:200])
        st, _, _, body = get(s, path, "Bearer nope", pk.ca2)
        check("confluence: bad Bearer -> 200 anonymous", st == 200 and json.loads(body)["type"] == "anonymous")
        st, _, _, _ = get(s, path, basic("fred", "nope"), pk.ca2)
        check("confluence: bad Basic -> 401", st == 401)
        st, _, _, _ = get(s, "/confluence/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca2)
        check("confluence: Jira path -> 404 (auto mode falls back)", st == 404)

    with F.FakeServer(F.jira(flavor="cloud"), tls=tls) as s:
        st, _, _, body = get(s, "/rest/api/2/myself", basic(F.CLOUD_EMAIL, F.GOOD_TOKEN), pk.ca)
        j = json.loads(body)
        check("jira cloud: email Basic -> accountId, no name", st == 200 and "accountId" in j and "name" not in j)
        st, _, _, body = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN, pk.ca)
        check("jira cloud: Bearer -> 403 Connect Session", st == 403 and b"Connect Session" in body)

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
            check("canned %s parses, status %d" % (k, want), st == want, (st, hd))
            if k == "captcha":
                hdl = {a.lower(): b for a, b in hd}
                check("canned captcha: empty reason phrase, mixed case, login-url",
                      reason == "" and "X-Authentication-Denied-Reason" in dict(hd) and "X-Arequestid" in dict(hd)
                      and hdl["x-authentication-denied-reason"].startswith("CAPTCHA_CHALLENGE; login-url=https://")
                      and hdl["x-seraph-loginreason"] == "AUTHENTICATION_DENIED", (reason, hd))
            if k == "429":
                hdl = {a.lower(): b for a, b in hd}
                check("canned 429 headers", "retry-after" in hdl and "x-ratelimit-remaining" in hdl
                      and "x-ratelimit-reset" in hdl)
            if k == "inactive":
                check("canned inactive: active false", json.loads(body)["active"] is False)
    raw = F.reply_captcha_403()
    check("canned captcha raw status line", raw.startswith(b"HTTP/1.1 403 \r\n"), raw[:20])

    # TLS versions, mTLS, weak certificates
    for ver in ("1.2", "1.3"):
        with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, versions=ver)) as s:
            get(s, "/rest/api/2/myself", "Bearer x", pk.ca)
            check("TLS %s-only server" % ver, s.requests and s.requests[0].tls_version == "TLSv" + ver,
                  [q.tls_version for q in s.requests])
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, versions="1.2")) as s:
        ctx = client_ctx(pk.ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        try:
            get(s, "/rest/api/2/myself", None, ctx=ctx)
            ok = False
        except (ssl.SSLError, OSError):
            ok = True
        check("TLS 1.2-only server refuses a 1.3-only client", ok)
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, client_ca=pk.clientca)) as s:
        st, _, _, _ = get(s, "/rest/api/2/myself", "Bearer " + F.GOOD_TOKEN,
                          ctx=client_ctx(pk.ca, pk.leaf["client"].cert, pk.leaf["client"].key))
        check("mTLS: with client cert -> 200 and recorded", st == 200 and s.requests[0].client_cert, s.requests)
        try:
            get(s, "/rest/api/2/myself", None, pk.ca)
            ok = False
        except (ssl.SSLError, OSError, http.client.HTTPException):
            ok = True
        check("mTLS: without client cert -> handshake/read fails", ok and len(s.requests) == 1)
    for weak in ("rsa1024", "sha1"):
        leaf = pk.leaf[weak]
        with F.FakeServer(F.jira(), tls=F.TLS(leaf.chain, leaf.key, weak=True)) as s:
            ctx = client_ctx(pk.ca2)
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            try:
                st, _, _, _ = get(s, "/rest/api/2/myself", None, ctx=ctx)
            except Exception as e:
                st = repr(e)
            check("weak %s leaf can be served (client at SECLEVEL 0)" % weak, st == 401, st)
    for bad, want in (("expired", "expired"), ("wrongname", "mismatch"), ("unknownca", "issuer"),
                      ("selfsigned", "self")):
        leaf = pk.leaf[bad]
        with F.FakeServer(F.jira(), tls=F.TLS(leaf.cert, leaf.key)) as s:
            try:
                get(s, "/rest/api/2/myself", None, pk.ca)
                msg = "no error"
            except ssl.SSLCertVerificationError as e:
                msg = e.verify_message or str(e)
            check("python client rejects %s (%s)" % (bad, want), want in msg.lower(), msg)

    # framing, actions and timing
    body = b'{"name":"fred"}'
    with F.FakeServer(F.static(F.http_response(200, body, chunked=True, chunk_sizes=[1]))) as s:
        st, _, _, b_ = get(s, "/", None)
        check("chunk: one-byte chunks decode", st == 200 and b_ == body, b_)
    with F.FakeServer(F.static([F.http_response(200, body)[:-5], F.Close()])) as s:
        try:
            get(s, "/", None)
            ok = False
        except http.client.IncompleteRead:
            ok = True
        check("Close(): body shorter than Content-Length", ok)
    with F.FakeServer(F.static([F.http_response(200, b"x" * 100)[:60], F.Delay(0.05), F.Reset()])) as s:
        try:
            get(s, "/", None)
            err = None
        except Exception as e:
            err = e
        check("Reset(): the client sees a reset or cut read",
              isinstance(err, (ConnectionResetError, http.client.IncompleteRead)), repr(err))
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
        check("never_answer: nothing comes back", ok and time.monotonic() - t >= 0.4)
    t = time.monotonic()
    with F.FakeServer(F.static([F.reply_jira_server_ok(), F.KeepOpen(30)])) as s:
        st, _, _, _ = get(s, "/", None)
    check("KeepOpen: stop() is prompt even with a connection held open",
          st == 200 and time.monotonic() - t < 3, time.monotonic() - t)
    with F.FakeServer(F.jira(), tls=tls, on_connect=F.garbage_instead_of_tls) as s:
        try:
            get(s, "/", None, pk.ca)
            ok = False
        except (ssl.SSLError, OSError):
            ok = True
        check("garbage_instead_of_tls: handshake fails", ok)
    with F.FakeServer(F.jira()) as s:
        c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        c.sendall(b"\x16\x03\x01\x00\x05hello")
        d = c.recv(100)
        c.close()
        check("plain server answers a ClientHello with 400", d.startswith(b"HTTP/1.1 400"), d)
    with F.FakeServer(F.sequence(F.reply_503("1"), F.reply_jira_server_ok())) as s:
        a, _, _, _ = get(s, "/", None)
        b2, _, _, _ = get(s, "/", None)
        check("sequence: 503 then 200", (a, b2) == (503, 200), (a, b2))
    with F.FakeServer(F.jira(), tls=tls, tls_auto=True) as s:
        st1, _, _, _ = get(s, "/rest/api/2/myself", None, pk.ca)
        s2 = F.FakeServer(None)
        c = http.client.HTTPConnection("localhost", s.port, timeout=5)
        c.request("GET", "/rest/api/2/myself")
        st2 = c.getresponse().status
        c.close()
        check("tls_auto: https and http on one port", st1 == 401 and st2 == 401
              and [q.scheme for q in s.requests] == ["https", "http"], [q.scheme for q in s.requests])
        del s2
    with F.FakeServer(F.redirect(302, "{base2}/x")) as s:
        s.vars = {"base2": "https://127.0.0.1:9"}
        st, _, hd, _ = get(s, "/", None)
        check("redirect: Location from vars", st == 302 and dict(hd).get("Location") == "https://127.0.0.1:9/x", hd)

    p = F.free_port()
    try:
        socket.create_connection(("127.0.0.1", p), timeout=2).close()
        ok = False
    except ConnectionRefusedError:
        ok = True
    check("free_port: connection refused", ok)
    with F.BlackHole() as bh:
        t = time.monotonic()
        try:
            socket.create_connection(("127.0.0.1", bh.port), timeout=0.5).close()
            ok = False
        except socket.timeout:
            ok = True
        except OSError as e:
            ok = repr(e)
        check("BlackHole: connect times out", ok is True, ok)


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
        check("proxy: CONNECT with auth -> 200 through the tunnel", st == 200 and len(s.requests) == 1, st)
        check("proxy: log and Proxy-Authorization recorded", px.log and px.log[0]["method"] == "CONNECT"
              and px.log[0]["target"] == "localhost:%d" % s.port
              and px.log[0]["proxy_authorization"] == basic("puser", "p@ss"), px.log)
        check("proxy: the token never seen in clear", F.GOOD_TOKEN.encode() not in bytes(px.clear)
              and not px.authorization_in_clear())
        c = socket.create_connection(("127.0.0.1", px.port), timeout=5)
        c.sendall(b"CONNECT localhost:%d HTTP/1.1\r\nHost: x\r\n\r\n" % s.port)
        d = c.recv(200)
        c.close()
        check("proxy: no credentials -> 407", d.startswith(b"HTTP/1.1 407"), d)
        c = socket.create_connection(("127.0.0.1", px.port), timeout=5)
        c.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nProxy-Authorization: %s\r\n\r\n"
                  % basic("puser", "p@ss").encode())
        d = c.recv(200)
        c.close()
        check("proxy: non-loopback target refused (502)", d.startswith(b"HTTP/1.1 502"), d)
    with F.FakeServer(F.jira()) as s, F.ConnectProxy() as px:
        c = http.client.HTTPConnection("127.0.0.1", px.port, timeout=10)
        c.request("GET", "http://localhost:%d/rest/api/2/myself" % s.port,
                  headers={"Authorization": "Bearer " + F.GOOD_TOKEN})
        st = c.getresponse().status
        c.close()
        check("proxy: absolute-form http forwarded", st == 200 and s.requests[0].path == "/rest/api/2/myself"
              and px.log[0]["method"] == "GET", (st, px.log))
    with F.FakeServer(F.jira(flavor="cloud"), tls=F.TLS(pk.leaf["cloud"].chain, pk.leaf["cloud"].key)) as s, \
            F.ConnectProxy(targets={"acme.atlassian.net:443": ("127.0.0.1", s.port)}) as px:
        c = http.client.HTTPSConnection("127.0.0.1", px.port, timeout=10, context=client_ctx(pk.ca))
        c.set_tunnel("acme.atlassian.net", 443)
        c.request("GET", "/rest/api/2/myself", headers={"Authorization": basic(F.CLOUD_EMAIL, F.GOOD_TOKEN)})
        r = c.getresponse()
        j = json.loads(r.read())
        c.close()
        check("proxy: acme.atlassian.net mapped to a local Cloud fake", r.status == 200 and "accountId" in j
              and s.requests[0].origin == "https://acme.atlassian.net:443" and s.requests[0].sni == "acme.atlassian.net",
              (r.status, s.requests))


def test_curl(pk):
    if not CURL:
        print("(curl not installed: curl checks skipped)")
        return
    ec, rsa = pk.leaf["ecdsa"], pk.leaf["rsa"]
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key), host="both") as s:
        u = s.url("/rest/api/2/myself")
        r = curl(["--cacert", pk.ca, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, u])
        check("curl: --cacert + Bearer -> fred", r.returncode == 0 and json.loads(r.stdout)["name"] == "fred",
              r.stderr)
        r = curl(["--cacert", pk.ca, "-u", "fred:" + F.GOOD_TOKEN, s.url("/rest/api/2/myself", "::1")])
        check("curl: [::1] + Basic", r.returncode == 0 and b"fred" in r.stdout, r.stderr)
        r = curl(["-k", "--pinnedpubkey", ec.pin, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, u])
        check("curl: our pin matches curl's --pinnedpubkey", r.returncode == 0, r.stderr)
        r = curl(["-k", "--pinnedpubkey", rsa.pin, u])
        check("curl: a wrong pin fails (90)", r.returncode == 90, (r.returncode, r.stderr))
        r = curl(["--cacert", pk.ca, "-o", "/dev/null", "-w", "%{http_code}", u])
        check("curl: no credentials -> 401", r.stdout == b"401", r.stdout)
    with F.FakeServer(F.jira(), tls=F.TLS(pk.leaf["expired"].chain, pk.leaf["expired"].key)) as s:
        r = curl(["--cacert", pk.ca, s.url("/rest/api/2/myself")])
        check("curl: expired -> 60", r.returncode == 60 and b"expired" in r.stderr, r.stderr)
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key, client_ca=pk.clientca)) as s:
        r = curl(["--cacert", pk.ca, "--cert", pk.leaf["client"].cert, "--key", pk.leaf["client"].key,
                  "-o", "/dev/null", "-w", "%{http_code}", s.url("/rest/api/2/myself")])
        check("curl: mTLS with --cert/--key", r.returncode == 0 and r.stdout == b"401", (r.returncode, r.stderr))
        r = curl(["--cacert", pk.ca, s.url("/rest/api/2/myself")])
        check("curl: mTLS without a cert fails", r.returncode != 0)
    with F.FakeServer(F.jira(), tls=F.TLS(ec.chain, ec.key)) as s, F.ConnectProxy(auth=("u", "p@ss")) as px:
        r = curl(["--cacert", pk.ca, "-x", "http://u:p%%40ss@127.0.0.1:%d" % px.port,
                  "-H", "Authorization: Bearer " + F.GOOD_TOKEN, s.url("/rest/api/2/myself")])
        check("curl: through the proxy with percent-encoded auth", r.returncode == 0 and b"fred" in r.stdout,
              (r.stderr, px.log))
        r = curl(["--cacert", pk.ca, "-x", "http://127.0.0.1:%d" % px.port, s.url("/rest/api/2/myself")])
        check("curl: proxy without auth -> CONNECT 407", r.returncode != 0 and b"407" in r.stderr, r.stderr)
        check("curl: token never in the proxy's clear bytes", F.GOOD_TOKEN.encode() not in bytes(px.clear))
    with F.FakeServer(F.redirect(302, "/new/rest/api/2/myself", then=F.jira(context="/new")),
                      tls=F.TLS(ec.chain, ec.key)) as s:
        r = curl(["-L", "--cacert", pk.ca, "-H", "Authorization: Bearer " + F.GOOD_TOKEN, s.url("/rest/api/2/myself")])
        check("curl: -L on a same-origin redirect", r.returncode == 0 and b"fred" in r.stdout
              and [q.path for q in s.requests] == ["/rest/api/2/myself", "/new/rest/api/2/myself"], s.requests)
    with F.FakeServer(F.static(F.reply_captcha_403())) as s:
        r = curl(["-i", s.url("/")])
        check("curl: CAPTCHA reply parses (empty reason phrase)", r.returncode == 0
              and r.stdout.startswith(b"HTTP/1.1 403") and b"CAPTCHA_CHALLENGE" in r.stdout, r.stdout[:300])


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
        check("demo-serve: prints URLs, CA and READY", {"JIRA_URL", "CONFLUENCE_URL", "CACERT", "READY"} <= set(info),
              info)
        if CURL and "JIRA_URL" in info:
            r = curl(["--cacert", info["CACERT"], "-H", "Authorization: Bearer " + F.GOOD_TOKEN,
                      info["JIRA_URL"] + "/rest/api/2/myself"])
            check("demo-serve: Jira answers over TLS", r.returncode == 0 and b'"name":"fred"' in r.stdout, r.stderr)
            r = curl(["--cacert", info["CACERT"], "-H", "Authorization: Bearer " + F.GOOD_TOKEN,
                      info["CONFLUENCE_URL"] + "/rest/api/user/current"])
            check("demo-serve: Confluence answers over TLS", r.returncode == 0 and b'"type":"known"' in r.stdout,
                  r.stderr)
        p.stdin.close()   # closing stdin stops it
        try:
            p.wait(10)
            ok = p.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        check("demo-serve: exits when stdin closes", ok, p.returncode)
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
                check("no exception in a test group", False, traceback.format_exc())
        time.sleep(0.3)
        check("all server threads ended", threading.active_count() <= base_threads + 1,
              [th.name for th in threading.enumerate()])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
