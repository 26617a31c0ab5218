#!/usr/bin/env python3
"""Fake Jira / Confluence servers (and a CONNECT proxy) for atlwho's end-to-end tests.

Python 3 standard library only. Raw sockets and the ssl module, not http.server, so
that a scenario can misbehave exactly: every reply is raw bytes chosen by the test.

Library:
    srv = FakeServer(jira(), tls=TLS(leaf.cert, leaf.key)).start()
    ... run the client against srv.url("/jira") ...
    srv.requests[0].authorization, srv.requests[0].origin, srv.requests[0].path
    srv.stop()                      # or: with FakeServer(...) as srv:

A scenario (handler) is a function of the Request that returns what to send:
    bytes                       sent as they are, then the connection is closed
    None                        close without sending anything
    an iterable of items:       bytes (sent), Delay(s), Close(), CloseNotify(), Reset(),
                                Hang(s=None), KeepOpen(s=None): see the classes below.
Over TLS, bytes then the end (or Close()) close the TCP connection without a TLS
close_notify (Python's ssl sends none on close); CloseNotify() sends one first.
Canned replies in the shapes Jira and Confluence Server/DC and Cloud send (their REST
API documentation's /myself and /user/current examples, Seraph's X-Seraph-LoginReason and
X-Authentication-Denied-Reason headers, Cloud's 429 with Retry-After) are the reply_*
functions; each says which shape it is;
jira() and confluence() are scenarios that check credentials like the real products.

CLI:
    python3 tests/e2e/fakeatl.py --demo-serve DIR
        makes a throw-away CA in DIR, starts a fake Jira and a fake Confluence over TLS
        on loopback, prints KEY=VALUE lines (JIRA_URL, CONFLUENCE_URL, CACERT, ...),
        then serves until killed or until standard input is closed.
    python3 tests/e2e/fakeatl.py --serve jira|confluence [--tls DIR] [--context /jira]
        one server (for poking by hand); same KEY=VALUE lines.
"""

import base64
import json
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # pki is imported from here: no __pycache__ in the tree

GOOD_TOKEN = "tok-good-123"
GOOD_USER = "fred"
CLOUD_EMAIL = "fred@example.com"
REQUEST_ID = "913x21468273x1"
CLOUD_ACCOUNT_ID = "5b10ac8d82e05b22cc7d4ef5"

# Bounds: no test may hang on a client that stops talking.
READ_TIMEOUT = 10.0         # seconds to wait for a request head / handshake
MAX_REQUEST_HEAD = 64 * 1024
STOP_JOIN = 3.0             # seconds to wait for each thread on stop()


# --------------------------------------------------------------------------- actions

class Delay:
    """Sleep before sending the next item (cut short when the server stops)."""

    def __init__(self, seconds):
        self.seconds = seconds


class Close:
    """Close the connection now (a clean FIN), whatever the framing promised."""


class CloseNotify:
    """Over TLS, send close_notify (RFC 8446 section 6.1), then close (FIN); over plain
    http, the same as Close()."""


class Reset:
    """Abort the connection with a TCP RST (SO_LINGER 0)."""


class Hang:
    """Send nothing more; keep the connection open for `seconds` (None: until stop())."""

    def __init__(self, seconds=None):
        self.seconds = seconds


class KeepOpen:
    """After the reply, keep the connection open until the client closes it
    (or `seconds`, or stop()): a keep-alive server that ignores Connection: close."""

    def __init__(self, seconds=None):
        self.seconds = seconds


def drip(data, interval=1.0):
    """Items that send data one byte every `interval` seconds."""
    out = []
    for i in range(len(data)):
        if i:
            out.append(Delay(interval))
        out.append(data[i:i + 1])
    return out


# --------------------------------------------------------------------------- HTTP building

REASONS = {100: "Continue", 101: "Switching Protocols", 200: "OK", 204: "No Content",
           301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
           307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
           401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 407: "Proxy Authentication Required",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}

TOMCAT_HEADERS = [("X-AREQUESTID", REQUEST_ID), ("X-XSS-Protection", "1; mode=block"),
                  ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"),
                  ("Cache-Control", "no-cache, no-store, no-transform"),
                  ("Date", "Thu, 28 Nov 2024 12:00:00 GMT")]


def b(x):
    if isinstance(x, (bytes, bytearray)):
        return bytes(x)
    return str(x).encode("utf-8")


def chunk(body, sizes=None, last=True, trailers=b""):
    """Chunked framing of body. sizes: list of chunk sizes (cycled), default one chunk."""
    body = b(body)
    out = bytearray()
    i = 0
    sizes = sizes or [len(body) or 1]
    k = 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        k += 1
        piece = body[i:i + n]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
        i += n
    if last:
        out += b"0\r\n" + b(trailers) + b"\r\n"
    return bytes(out)


def http_response(status, body=b"", headers=(), reason=None, version="HTTP/1.1",
                  chunked=False, chunk_sizes=None, content_length=True, close=False):
    """Raw HTTP/1.x response bytes.

    reason=None uses the usual phrase; reason="" gives "HTTP/1.1 403 " (as Tomcat does).
    headers: list of (name, value) sent in that order with that case.
    chunked: Transfer-Encoding: chunked framing; else Content-Length unless content_length
    is False (then the body runs until close)."""
    body = b(body)
    if reason is None:
        reason = REASONS.get(status, "Status")
    head = [b"%s %d %s" % (b(version), status, b(reason))]
    for k, v in headers:
        head.append(b(k) + b": " + b(v))
    if chunked:
        head.append(b"Transfer-Encoding: chunked")
        body = chunk(body, chunk_sizes)
    elif content_length:
        head.append(b"Content-Length: %d" % len(body))
    if close:
        head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def jdump(obj):
    """Compact JSON as real servers send it; non-ASCII kept as raw UTF-8."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- bodies

def jira_server_user(name=GOOD_USER, display="Fred F. User", active=True, email="fred@example.com",
                     base="http://www.example.com/jira", groups_first=False):
    u = {}
    groups = {"size": 3, "items": [
        {"name": "jira-user", "self": base + "/rest/api/2/group?groupname=jira-user"},
        {"name": "jira-admin", "self": base + "/rest/api/2/group?groupname=jira-admin"},
        {"name": "important", "self": base + "/rest/api/2/group?groupname=important"}]}
    if groups_first:  # a nested "name" before the top-level one
        u["groups"] = groups
    u.update({"self": base + "/rest/api/2/user?username=" + name, "key": "JIRAUSER19571",
              "name": name, "emailAddress": email,
              "avatarUrls": {s: base + "/secure/useravatar?size=%s&ownerId=%s" % (z, name)
                             for s, z in (("48x48", "large"), ("24x24", "small"),
                                          ("16x16", "xsmall"), ("32x32", "medium"))},
              "displayName": display, "active": active, "deleted": False,
              "timeZone": "Australia/Sydney", "locale": "en_US"})
    if not groups_first:
        u["groups"] = groups
    u.update({"applicationRoles": {"size": 1, "items": []}, "expand": "groups,applicationRoles"})
    return u


def jira_cloud_user(account_id=CLOUD_ACCOUNT_ID, display="Fred F. User", active=True,
                    email=CLOUD_EMAIL):
    u = {"self": "https://acme.atlassian.net/rest/api/2/user?accountId=" + account_id,
         "accountId": account_id, "accountType": "atlassian"}
    if email is not None:
        u["emailAddress"] = email
    u.update({"avatarUrls": {"48x48": "https://avatar-management.example/48"},
              "displayName": display, "active": active, "timeZone": "Europe/Berlin",
              "locale": "en_US", "groups": {"size": 2, "items": []},
              "applicationRoles": {"size": 1, "items": []}, "expand": "groups,applicationRoles"})
    return u


def confluence_user(username=GOOD_USER, display="Fred F. User", context="/confluence"):
    return {"type": "known", "username": username, "userKey": "402880824ff933a4014ff9345d7c0002",
            "profilePicture": {"path": context + "/images/icons/profilepics/default.svg",
                               "width": 48, "height": 48, "isDefault": True},
            "displayName": display,
            "_links": {"base": "http://myhost:8080" + context, "context": context,
                       "self": "http://myhost:8080" + context +
                               "/rest/experimental/user?key=402880824ff933a4014ff9345d7c0002"},
            "_expandable": {"status": ""}}


def confluence_cloud_user(account_id=CLOUD_ACCOUNT_ID, display="Fred F. User"):
    return {"type": "known", "accountId": account_id, "accountType": "atlassian",
            "email": CLOUD_EMAIL, "publicName": "fred", "displayName": display,
            "profilePicture": {"path": "/wiki/aa-avatar/" + account_id, "width": 48,
                               "height": 48, "isDefault": False},
            "isExternalCollaborator": False,
            "_links": {"base": "https://acme.atlassian.net/wiki", "context": "/wiki"}}


CONFLUENCE_ANONYMOUS = {"type": "anonymous",
                        "profilePicture": {"path": "/images/icons/profilepics/anonymous.svg",
                                           "width": 48, "height": 48, "isDefault": True},
                        "displayName": "Anonymous",
                        "_links": {"base": "http://myhost:8080/confluence", "context": "/confluence"},
                        "_expandable": {"operations": "", "personalSpace": ""}}

JIRA_NOT_AUTHENTICATED = {"errorMessages": [
    "You are not authenticated. Authentication required to perform this operation."], "errors": {}}

AUTH_FAILED_HTML = (b"<!DOCTYPE html><html><head><title>Unauthorized (401)</title></head>"
                    b"<body><h1>Unauthorized (401)</h1><p>Encountered a <code>&quot;401 - "
                    b"Unauthorized&quot;</code> error while loading this page.</p>"
                    b"<p>Basic Authentication Failure - Reason : AUTHENTICATED_FAILED</p>"
                    b"</body></html>")

CAPTCHA_HTML = (b"<!DOCTYPE html><html><head><title>Forbidden (403)</title></head><body>"
                b"<h1>Forbidden (403)</h1><p>CAPTCHA_CHALLENGE</p></body></html>")

SSO_HTML = (b"<!DOCTYPE html>\n<html><head><title>Log in - Example SSO</title></head>\n"
            b"<body><form method=\"post\" action=\"/idp/login\"><input name=\"username\">"
            b"<input type=\"password\" name=\"password\"></form></body></html>\n")

JSON_CT = ("Content-Type", "application/json;charset=UTF-8")
HTML_CT = ("Content-Type", "text/html;charset=UTF-8")


# --------------------------------------------------------------------------- canned replies
# Each returns raw response bytes. `extra` adds headers; `body` overrides the body bytes.

def reply_jira_server_ok(name=GOOD_USER, display="Fred F. User", active=True, body=None,
                         extra=(), chunked=True, groups_first=False):
    body = body if body is not None else jdump(jira_server_user(name, display, active,
                                                                groups_first=groups_first))
    return http_response(200, body, [JSON_CT, ("X-AUSERNAME", name), ("X-Seraph-LoginReason", "OK"),
                                     ("X-ASESSIONID", "1x2y3z")] + TOMCAT_HEADERS + list(extra),
                         chunked=chunked, chunk_sizes=[512])


def reply_jira_inactive(name=GOOD_USER, display="Fred F. User"):
    return reply_jira_server_ok(name, display, active=False)


def reply_jira_cloud_ok(display="Fred F. User", active=True, email=CLOUD_EMAIL, body=None, extra=()):
    body = body if body is not None else jdump(jira_cloud_user(display=display, active=active,
                                                               email=email))
    return http_response(200, body, [JSON_CT, ("ATL-TraceId", "0c3f5e1b2a"),
                                     ("X-AREQUESTID", "e3f1c2d4-1111-2222-3333-444455556666")]
                         + list(extra), chunked=True)


def reply_jira_anonymous_200(body=None):
    """Jira marks the user in a header: X-AUSERNAME: anonymous (the body is not to be trusted)."""
    body = body if body is not None else jdump(jira_server_user())
    return http_response(200, body, [JSON_CT, ("X-AUSERNAME", "anonymous")] + TOMCAT_HEADERS,
                         chunked=True)


def reply_jira_401_json():
    """Wrong Bearer token or no credentials: 401 JSON, no X-Seraph-LoginReason."""
    return http_response(401, jdump(JIRA_NOT_AUTHENTICATED),
                         [JSON_CT, ("X-AUSERNAME", "anonymous"),
                          ("WWW-Authenticate", 'OAuth realm="https%3A%2F%2Fjira.example.com"')]
                         + TOMCAT_HEADERS, chunked=True)


def reply_jira_401_auth_failed():
    """Wrong password / token as Basic: HTML, chunked, X-Seraph-LoginReason: AUTHENTICATED_FAILED."""
    return http_response(401, AUTH_FAILED_HTML,
                         [HTML_CT, ("X-AREQUESTID", REQUEST_ID),
                          ("X-Seraph-LoginReason", "AUTHENTICATED_FAILED"),
                          ("WWW-Authenticate", 'OAuth realm="https%3A%2F%2Fjira.example.com"'),
                          ("X-AUSERNAME", "anonymous")], chunked=True)


def reply_jira_403_denied():
    """403 without a CAPTCHA reason (AUTHENTICATION_DENIED)."""
    return http_response(403, b"<html><body>Forbidden</body></html>",
                         [HTML_CT, ("X-AREQUESTID", REQUEST_ID),
                          ("X-Seraph-LoginReason", "AUTHENTICATION_DENIED")], chunked=True)


def reply_captcha_403(login_url="https://jira.example.com/login.jsp"):
    """Jira Server/DC's CAPTCHA lockout after repeated failed logins: empty reason phrase after
    403 (Tomcat), mixed-case header names, X-Authentication-Denied-Reason with the login-url.
    login_url: str, or bytes sent as they are (for hostile values)."""
    if isinstance(login_url, (bytes, bytearray)):
        login_url = bytes(login_url).decode("latin-1")
    head = ("HTTP/1.1 403 \r\n"
            "Transfer-Encoding: chunked\r\n"
            "Content-Type: text/html;charset=UTF-8\r\n"
            "Www-Authenticate: OAuth realm=\"https%3A%2F%2Fjira.example.com\"\r\n"
            "X-Arequestid: " + REQUEST_ID + "\r\n"
            "X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=" + login_url + "\r\n"
            "X-Seraph-Loginreason: AUTHENTICATION_DENIED\r\n"
            "\r\n")
    return head.encode("latin-1", "strict") + chunk(CAPTCHA_HTML, [40])


def reply_jira_cloud_bearer_403():
    return http_response(403, b'{"error":"Failed to parse Connect Session Auth Token"}',
                         [("Content-Type", "application/json;charset=UTF-8"),
                          ("ATL-TraceId", "7f6e5d4c3b2a")], chunked=False)


def reply_jira_cloud_401():
    return http_response(401, b"Client must be authenticated to access this resource.",
                         [("Content-Type", "text/plain;charset=UTF-8"),
                          ("WWW-Authenticate", 'Basic realm="protected"')])


def reply_confluence_known(username=GOOD_USER, display="Fred F. User", context="/confluence",
                           body=None, extra=()):
    body = body if body is not None else jdump(confluence_user(username, display, context))
    return http_response(200, body, [JSON_CT, ("X-ASEN", "SEN-123456"),
                                     ("X-Seraph-LoginReason", "OK"),
                                     ("X-AUSERNAME", username)] + list(extra), chunked=True)


def reply_confluence_cloud_known(display="Fred F. User"):
    return http_response(200, jdump(confluence_cloud_user(display=display)), [JSON_CT], chunked=True)


def reply_confluence_anonymous():
    return http_response(200, jdump(CONFLUENCE_ANONYMOUS), [JSON_CT], chunked=True)


def reply_confluence_401():
    return http_response(401, AUTH_FAILED_HTML, [HTML_CT, ("X-Seraph-LoginReason", "AUTHENTICATED_FAILED"),
                                                 ("WWW-Authenticate", 'Basic realm="Confluence"')],
                         chunked=True)


def reply_404_html(path="/rest/api/2/myself"):
    body = ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
            "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
            "<p>The requested URL %s was not found on this server.</p>\n</body></html>\n" % path)
    return http_response(404, body, [("Server", "Apache/2.4.57 (Debian)"),
                                     ("Content-Type", "text/html; charset=iso-8859-1")])


def reply_redirect(status, location, body=b""):
    return http_response(status, body, [("Location", location), ("Content-Type", "text/html")])


def reply_429(retry_after="120"):
    return http_response(429, b'{"message":"Rate limit exceeded"}',
                         [JSON_CT, ("Retry-After", retry_after), ("X-RateLimit-Limit", "100"),
                          ("X-RateLimit-Remaining", "0"),
                          ("X-RateLimit-Reset", "2024-11-28T12:02:00Z"),
                          ("RateLimit-Reason", "jira-quota-global-based"),
                          ("X-AREQUESTID", REQUEST_ID)])


def reply_503(retry_after="30"):
    return http_response(503, b"<html><body>Service Unavailable</body></html>",
                         [("Content-Type", "text/html"), ("Retry-After", retry_after)])


def reply_sso_html():
    return http_response(200, SSO_HTML, [("Content-Type", "text/html; charset=utf-8"),
                                         ("Set-Cookie", "SSOSESSION=abc; Path=/; Secure")])


# --------------------------------------------------------------------------- requests

NGINX_HEAD = """worker_processes 1;
daemon off;
master_process off;
user root;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/cb; proxy_temp_path {d}/px; fastcgi_temp_path {d}/fc;
  uwsgi_temp_path {d}/uw; scgi_temp_path {d}/sc;
"""


def nginx_conf(prefix, http):
    """nginx.conf text for an nginx run in the foreground as root with everything it writes
    (pid, error log, temporary files) under prefix; http: the rest of the http block."""
    for d in ("cb", "px", "fc", "uw", "sc"):
        os.makedirs(os.path.join(prefix, d), exist_ok=True)
    return NGINX_HEAD.format(d=prefix) + http.rstrip("\n") + "\n}\n"


class Request:
    """One request as the server received it."""

    def __init__(self):
        self.method = self.target = self.version = None
        self.path = self.query = None
        self.headers = []          # [(name, value)] in order, original case
        self.raw = b""             # the request head as received
        self.body = b""
        self.scheme = None
        self.origin = None         # scheme://host:port as the client addressed it (Host header)
        self.host_header = None
        self.sni = None
        self.local = None          # (ip, port) the connection reached
        self.peer = None
        self.tls_version = None
        self.cipher = None
        self.client_cert = None    # the verified client certificate (dict) under mTLS
        self.index = 0             # 0-based index of this request on its server
        self.server = None
        self.time = time.time()

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def authorization(self):
        return self.header("Authorization")

    def auth(self):
        """('bearer', token) | ('basic', user, password) | ('none',) | ('other', value)."""
        a = self.authorization
        if a is None:
            return ("none",)
        scheme, _, rest = a.partition(" ")
        if scheme.lower() == "bearer":
            return ("bearer", rest)
        if scheme.lower() == "basic":
            try:
                dec = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
            except Exception:
                return ("other", a)
            user, sep, pw = dec.partition(":")
            if not sep:
                return ("other", a)
            return ("basic", user, pw)
        return ("other", a)

    def __repr__(self):
        return "<%s %s %s auth=%r>" % (self.origin, self.method, self.target, self.authorization)


def _normalize_origin(scheme, host_header, local):
    default = 443 if scheme == "https" else 80
    if host_header:
        h = host_header.strip().lower()
        if h.startswith("["):
            end = h.find("]")
            host, rest = h[:end + 1], h[end + 1:]
            port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else default
        elif h.count(":") == 1:
            host, p = h.split(":")
            port = int(p) if p.isdigit() else default
        else:
            host, port = h, default
    else:
        host = "[%s]" % local[0] if ":" in local[0] else local[0]
        port = local[1]
    return "%s://%s:%d" % (scheme, host, port)


def _parse_head(raw):
    req = Request()
    req.raw = raw
    lines = raw.split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ")
    if len(parts) == 3:
        req.method, req.target, req.version = parts
    else:
        req.method, req.target, req.version = (parts + ["", "", ""])[:3]
    for line in lines[1:]:
        if not line:
            continue
        k, _, v = line.decode("latin-1").partition(":")
        req.headers.append((k.strip(), v.strip()))
    t = req.target or ""
    if "://" in t:   # absolute-form (through a proxy)
        t = "/" + t.split("://", 1)[1].partition("/")[2]
    req.path, _, req.query = t.partition("?")
    req.host_header = req.header("Host")
    return req


JUNK = "junk"


def _looks_binary(buf):
    """A TLS ClientHello or other binary bytes where a request line should be."""
    return buf[:1] == b"\x16" or any(c < 0x09 or 0x0e <= c < 0x20 for c in buf[:512])


def _recv_head(conn, buf=b""):
    """Read up to the end of a request head. Returns (head, rest), (None, buf) on EOF/cap,
    or (JUNK, buf) when the client sends binary bytes (TLS to a plain server...)."""
    while b"\r\n\r\n" not in buf:
        if buf and _looks_binary(buf):
            return JUNK, buf
        if len(buf) > MAX_REQUEST_HEAD:
            return None, buf
        try:
            d = conn.recv(65536)
        except (OSError, ssl.SSLError):
            return None, buf
        if not d:
            return None, buf
        buf += d
    i = buf.index(b"\r\n\r\n") + 4
    return buf[:i], buf[i:]


# --------------------------------------------------------------------------- TLS

class TLS:
    """Server TLS settings: certificate (chain) and key; TLS versions; optional mTLS.

    versions: '1.2', '1.3' or None (both). client_ca: a CA file; with require_client
    the handshake fails unless the client presents a certificate from it.
    weak=True lowers OpenSSL's security level so RSA-1024 / SHA-1 certificates can be served."""

    def __init__(self, cert, key, versions=None, client_ca=None, require_client=True,
                 weak=False, alpn=None):
        self.cert, self.key, self.versions = cert, key, versions
        self.client_ca, self.require_client, self.weak = client_ca, require_client, weak
        self.alpn = alpn

    def context(self, on_sni=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if self.weak:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        if self.versions == "1.2":
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        elif self.versions == "1.3":
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
        elif self.versions in ("1.0", "1.1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            v = ssl.TLSVersion.TLSv1 if self.versions == "1.0" else ssl.TLSVersion.TLSv1_1
            ctx.minimum_version = ctx.maximum_version = v
        else:
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.cert, self.key)
        if self.client_ca:
            ctx.load_verify_locations(self.client_ca)
            ctx.verify_mode = ssl.CERT_REQUIRED if self.require_client else ssl.CERT_OPTIONAL
        if on_sni:
            ctx.sni_callback = on_sni
        if self.alpn:
            ctx.set_alpn_protocols(self.alpn)
        return ctx


# --------------------------------------------------------------------------- server

class _Stopped(Exception):
    pass


class FakeServer:
    """A threaded scripted HTTP(S) server on loopback.

    handler(req) -> bytes | None | iterable of items (see the module doc).
    host: '127.0.0.1', '::1' or 'both' (the same port on both, when ::1 exists).
    tls: a TLS object, an ssl.SSLContext, or None for plain http; tls_auto=True also
         accepts plain http on the same port (TLS detected from the first byte).
    on_connect(conn, server): optional; called before anything else on each connection,
         may return True to say it has dealt with the connection (a stalling or garbage
         TLS server, for example).
    keepalive: read further requests on the same connection after a complete reply.
    vars: a dict the test may fill (other servers' URLs...) for scenarios to use."""

    def __init__(self, handler, tls=None, host="127.0.0.1", tls_auto=False, on_connect=None,
                 keepalive=False, name=None, read_timeout=READ_TIMEOUT):
        self.handler = handler
        self.tls = tls
        self.tls_auto = tls_auto
        self.on_connect = on_connect
        self.keepalive = keepalive
        self.name = name or getattr(handler, "__name__", "server")
        self.read_timeout = read_timeout
        self.host = host
        self.vars = {}
        self.requests = []
        self.connections = 0
        self.tls_errors = []       # handshake failures as strings (client aborted, no cert...)
        self.errors = []           # scenario exceptions (a bug in the test, reported by tests)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listeners = []
        self._threads = []
        self._conns = set()
        self.port = None
        self.ctx = None
        self.state = {}            # free per-server state for scenarios (counters...)

    # -- life cycle
    def start(self):
        if isinstance(self.tls, ssl.SSLContext):
            self.ctx = self.tls
        elif self.tls is not None:
            self.ctx = self.tls.context(self._on_sni)
        self._bind()
        for ls in self._listeners:
            t = threading.Thread(target=self._accept_loop, args=(ls,), daemon=True,
                                 name="fake-accept-%s" % self.name)
            t.start()
            self._threads.append(t)
        return self

    def _bind(self):
        want = self.host
        if want == "both":
            for _ in range(50):
                s6 = None
                try:
                    s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s6.bind(("::1", 0))
                except OSError:
                    if s6:
                        s6.close()
                    want = "127.0.0.1"   # no IPv6 loopback here
                    break
                port = s6.getsockname()[1]
                s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    s4.bind(("127.0.0.1", port))
                except OSError:
                    s4.close()
                    s6.close()
                    continue
                for s in (s6, s4):
                    s.listen(64)
                    s.settimeout(0.2)
                self._listeners = [s4, s6]
                self.port = port
                self.bound = ["127.0.0.1", "::1"]
                return
            else:
                raise OSError("could not bind the same port on 127.0.0.1 and ::1")
        fam = socket.AF_INET6 if ":" in want else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.bind((want, 0))
        s.listen(64)
        s.settimeout(0.2)
        self._listeners = [s]
        self.port = s.getsockname()[1]
        self.bound = [want]

    def stop(self):
        self._stop.set()
        # wake each accept() with a connection of our own (closing a listening socket does
        # not interrupt accept() in another thread), then close the listeners
        for ls in self._listeners:
            try:
                addr = ls.getsockname()[:2]
                w = socket.socket(ls.family, socket.SOCK_STREAM)
                w.settimeout(0.5)
                w.connect(addr)
                w.close()
            except OSError:
                pass
        for t in self._threads[:len(self._listeners)]:
            t.join(STOP_JOIN)
        for ls in self._listeners:
            try:
                ls.close()
            except OSError:
                pass
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass
        for t in list(self._threads):
            t.join(STOP_JOIN)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- addresses
    @property
    def scheme(self):
        return "https" if self.tls is not None else "http"

    def origin(self, host="localhost", scheme=None):
        if ":" in host and not host.startswith("["):
            host = "[%s]" % host
        return "%s://%s:%d" % (scheme or self.scheme, host, self.port)

    def url(self, path="", host="localhost", scheme=None):
        return self.origin(host, scheme) + path

    # -- internals
    def _on_sni(self, sslobj, name, ctx):
        try:
            sslobj._fake_sni = name
        except Exception:
            pass
        return None

    def _accept_loop(self, ls):
        while not self._stop.is_set():
            try:
                conn, peer = ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if self._stop.is_set():
                conn.close()
                return
            with self._lock:
                self.connections += 1
                self._conns.add(conn)
            t = threading.Thread(target=self._serve_conn, args=(conn, peer), daemon=True,
                                 name="fake-conn-%s" % self.name)
            self._threads.append(t)
            t.start()

    def _wait(self, seconds):
        if self._stop.wait(seconds):
            raise _Stopped()

    def _serve_conn(self, conn, peer):
        try:
            local = conn.getsockname()[:2]
        except OSError:           # stop() closed it first (its own wake-up connection)
            return
        sock = conn
        try:
            conn.settimeout(self.read_timeout)
            try:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            if self.on_connect and self.on_connect(conn, self):
                return
            use_tls = self.ctx is not None
            if use_tls and self.tls_auto:
                try:
                    first = conn.recv(1, socket.MSG_PEEK)
                except OSError:
                    return
                use_tls = first == b"\x16"
            if use_tls:
                # wrap_socket() takes over conn's descriptor and closes it if the handshake
                # fails: keep a duplicate to close gracefully with
                raw_dup = conn.dup()
                with self._lock:
                    self._conns.add(raw_dup)   # so that stop() can cut a handshake short
                try:
                    sock = self.ctx.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    with self._lock:
                        self.tls_errors.append(str(e))
                    # OpenSSL has sent its alert; close gracefully so that it reaches the
                    # client instead of being wiped by an RST for unread client bytes
                    self._linger(raw_dup)
                    self._close(raw_dup, raw_dup)
                    return
                self._close(raw_dup, raw_dup)
                with self._lock:
                    self._conns.add(sock)
            scheme = "https" if use_tls else "http"
            buf = b""
            while not self._stop.is_set():
                head, buf = _recv_head(sock, buf)
                if head is JUNK:   # answer like nginx does to a ClientHello on a plain port
                    with self._lock:
                        self.tls_errors.append("binary bytes on a plain HTTP connection")
                    sock.sendall(http_response(400, b"<html><body>400 Bad Request: plain HTTP "
                                                    b"request expected</body></html>",
                                               [("Content-Type", "text/html")], close=True))
                    self._linger(sock)
                    return
                if head is None:
                    return
                req = _parse_head(head)
                n = req.header("Content-Length")
                if n and n.isdigit():
                    need = int(n)
                    while len(buf) < need:
                        d = sock.recv(65536)
                        if not d:
                            break
                        buf += d
                    req.body, buf = buf[:need], buf[need:]
                req.scheme = scheme
                req.local = local
                req.peer = peer[:2]
                req.origin = _normalize_origin(scheme, req.host_header, local)
                req.server = self
                if use_tls:
                    req.sni = getattr(sock, "_fake_sni", None)
                    req.tls_version = sock.version()
                    c = sock.cipher()
                    req.cipher = c[0] if c else None
                    try:
                        req.client_cert = sock.getpeercert() or None
                    except (ValueError, ssl.SSLError):
                        req.client_cert = None
                with self._lock:
                    req.index = len(self.requests)
                    self.requests.append(req)
                try:
                    out = self.handler(req)
                except Exception as e:  # a scenario bug: report, answer 500
                    with self._lock:
                        self.errors.append("%s: %r" % (self.name, e))
                    out = http_response(500, b"fake server scenario error\n")
                if not self._send(sock, out):
                    return
                if not self.keepalive:
                    return
        except _Stopped:
            return
        except (OSError, ssl.SSLError):
            return
        finally:
            self._close(sock, conn)

    def _send(self, sock, out):
        """Send a scenario's output. Returns True if the connection may carry another request."""
        if out is None:
            return False
        if isinstance(out, (bytes, bytearray, str)):
            out = [out]
        for item in out:
            if isinstance(item, (bytes, bytearray, str)):
                if item:
                    sock.sendall(b(item))
            elif isinstance(item, Delay):
                self._wait(item.seconds)
            elif isinstance(item, Close) or item is Close:
                return False
            elif isinstance(item, CloseNotify) or item is CloseNotify:
                if isinstance(sock, ssl.SSLSocket):
                    sock.settimeout(2)
                    try:
                        sock.unwrap()   # close_notify; then waits (2 s at most) for the client's
                    except (OSError, ssl.SSLError, ValueError):
                        pass
                return False
            elif isinstance(item, Reset) or item is Reset:
                # SO_LINGER 0 then close: the kernel sends RST (no TLS close_notify either)
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
                try:
                    sock.close()
                except OSError:
                    pass
                return False
            elif isinstance(item, Hang) or item is Hang:
                secs = item.seconds if isinstance(item, Hang) else None
                self._wait(secs if secs is not None else 1e9)
                return False
            elif isinstance(item, KeepOpen) or item is KeepOpen:
                secs = item.seconds if isinstance(item, KeepOpen) else None
                deadline = time.monotonic() + (secs if secs is not None else 1e9)
                while time.monotonic() < deadline and not self._stop.is_set():
                    r, _, _ = select.select([sock], [], [], 0.2)
                    if r:
                        try:
                            if not sock.recv(65536):
                                break
                        except (OSError, ssl.SSLError):
                            break
                return False
            else:
                raise TypeError("scenario item %r" % (item,))
        return True

    def _linger(self, s, seconds=1.0):
        """Lingering close, as nginx and Apache do: send FIN, then read and discard what the
        client still sends (up to `seconds`), so the kernel does not answer it with an RST."""
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            return
        end = time.monotonic() + seconds
        try:
            while not self._stop.is_set() and time.monotonic() < end:
                r, _, _ = select.select([s], [], [], 0.1)
                if r and not s.recv(65536):
                    break
        except (OSError, ValueError):
            pass

    def _close(self, sock, conn):
        for s in (sock, conn):
            try:
                s.close()
            except OSError:
                pass
            with self._lock:
                self._conns.discard(s)

    # -- helpers for tests
    def requests_with_token(self, token):
        """Requests on this server whose Authorization carries token (Bearer or Basic)."""
        out = []
        for r in list(self.requests):
            a = r.auth()
            if (a[0] == "bearer" and token in a[1]) or (a[0] == "basic" and token in a[2]) \
                    or (r.authorization and token in r.authorization):
                out.append(r)
        return out


# --------------------------------------------------------------------------- scenarios

def _ctx_strip(path, context):
    """The path below the context path, or None if the request is outside it."""
    context = (context or "").rstrip("/")
    if not context:
        return path
    if path == context or path.startswith(context + "/"):
        return path[len(context):] or "/"
    return None


def _credentials(req, token, user):
    """'good', 'bad-bearer', 'bad-basic', 'none' (or 'other')."""
    a = req.auth()
    if a[0] == "bearer":
        return "good-bearer" if a[1] == token else "bad-bearer"
    if a[0] == "basic":
        return "good-basic" if (a[1] == user and a[2] == token) else "bad-basic"
    return a[0]


def jira(context="", token=GOOD_TOKEN, user=GOOD_USER, flavor="server", active=True,
         display="Fred F. User", ok_body=None, ok_reply=None):
    """A Jira that checks credentials like the real one.

    server: Bearer or Basic user:token is accepted (200, X-AUSERNAME, chunked);
            wrong Bearer or none: 401 JSON; wrong Basic: 401 AUTHENTICATED_FAILED HTML.
    cloud:  Basic CLOUD_EMAIL:token is accepted (accountId, no name); any Bearer:
            403 "Failed to parse Connect Session Auth Token"; wrong Basic: 401.
    Answers /rest/api/2/myself and /rest/api/3/myself below context, 404 HTML elsewhere."""

    def handler(req):
        sub = _ctx_strip(req.path, context)
        if sub not in ("/rest/api/2/myself", "/rest/api/3/myself") or req.method != "GET":
            return reply_404_html(req.path)
        if flavor == "cloud":
            c = _credentials(req, token, CLOUD_EMAIL if user == GOOD_USER else user)
            if c == "good-basic":
                return ok_reply or reply_jira_cloud_ok(display=display, active=active, body=ok_body)
            if c in ("good-bearer", "bad-bearer"):
                return reply_jira_cloud_bearer_403()
            return reply_jira_cloud_401()
        c = _credentials(req, token, user)
        if c in ("good-bearer", "good-basic"):
            return ok_reply or reply_jira_server_ok(user, display, active, body=ok_body)
        if c == "bad-basic":
            return reply_jira_401_auth_failed()
        return reply_jira_401_json()

    handler.__name__ = "jira-" + flavor
    return handler


def confluence(context="", token=GOOD_TOKEN, user=GOOD_USER, flavor="server",
               display="Fred F. User", ok_body=None, ok_reply=None):
    """A Confluence that checks credentials like the real one.

    Good Bearer, or Basic user:token: the known user (no `active`). Wrong Bearer or none:
    200 "type":"anonymous". Wrong Basic: 401. Answers /rest/api/user/current below
    context, 404 HTML elsewhere (so atlwho's auto mode falls back to it)."""

    def handler(req):
        sub = _ctx_strip(req.path, context)
        if sub != "/rest/api/user/current" or req.method != "GET":
            return reply_404_html(req.path)
        c = _credentials(req, token, CLOUD_EMAIL if flavor == "cloud" else user)
        if c in ("good-bearer", "good-basic"):
            if ok_reply:
                return ok_reply
            if flavor == "cloud":
                return reply_confluence_cloud_known(display)
            return reply_confluence_known(user, display, context or "/", body=ok_body)
        if c == "bad-basic":
            return reply_confluence_401()
        return reply_confluence_anonymous()

    handler.__name__ = "confluence-" + flavor
    return handler


def static(reply, name="static"):
    """Every request gets the same reply (bytes or a list of items)."""
    def handler(req):
        return reply
    handler.__name__ = name
    return handler


def sequence(*replies, name="sequence"):
    """The n-th request on the server gets replies[n] (the last one repeats)."""
    def handler(req):
        r = replies[min(req.index, len(replies) - 1)]
        return r(req) if callable(r) else r
    handler.__name__ = name
    return handler


def routes(table, default=None, name="routes"):
    """table: {path: reply-or-handler}; default: 404 HTML."""
    def handler(req):
        r = table.get(req.path)
        if r is None:
            return default(req) if callable(default) else (default or reply_404_html(req.path))
        return r(req) if callable(r) else r
    handler.__name__ = name
    return handler


def redirect(status, location, then=None, name="redirect"):
    """Redirect every request not already at the target. location may use {vars} of the server
    (the test fills server.vars) and {origin} (the origin the request was addressed to).
    then: handler for requests whose path equals the redirect target's path (same server)."""
    def handler(req):
        loc = location.format(origin=req.origin, **req.server.vars)
        target_path = "/" + loc.split("://", 1)[-1].partition("/")[2] if "://" in loc else loc
        if then is not None and req.path == target_path.partition("?")[0] and req.index > 0:
            return then(req)
        return reply_redirect(status, loc)
    handler.__name__ = name
    return handler


def never_answer(req):
    """Read the request, then say nothing until the server stops."""
    return [Hang()]


def stall_handshake(conn, server):
    """on_connect hook: accept TCP, never answer the ClientHello."""
    try:
        server._wait(1e9)
    except _Stopped:
        pass
    return True


def garbage_instead_of_tls(conn, server):
    """on_connect hook: answer the ClientHello with an HTTP/1.0 error page."""
    try:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\nThis is not TLS\r\n")
    except OSError:
        pass
    return True


# --------------------------------------------------------------------------- helpers

def free_port(host="127.0.0.1"):
    """A port nothing listens on (bound then closed: connect() gets ECONNREFUSED)."""
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.bind((host, 0))
    p = s.getsockname()[1]
    s.close()
    return p


class BlackHole:
    """A listening socket with a full backlog that never accepts: connect() hangs
    (SYNs dropped), so a client's connect timeout can be measured on loopback."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fill = []
        for _ in range(8):
            c = socket.socket(self.sock.family)
            c.setblocking(False)
            try:
                c.connect((host, self.port))
            except (BlockingIOError, OSError):
                pass
            self.fill.append(c)
        time.sleep(0.1)

    def stop(self):
        for c in self.fill:
            c.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------- CONNECT proxy

class ConnectProxy:
    """A tiny HTTP proxy on loopback: CONNECT tunnels and absolute-form http requests.

    auth: None or (user, password): demand Proxy-Authorization: Basic (else 407).
    targets: {"host:port": (ip, port)} maps target names (acme.atlassian.net:443) to local
             servers; unmapped targets are allowed only for loopback names (else 502).
    Records: self.log (one dict per proxied request: method, target, headers,
    proxy_authorization, status), self.clear (all bytes the clients sent outside
    tunnels), and authorization_in_clear() for an Authorization header seen outside a tunnel."""

    def __init__(self, auth=None, targets=None, host="127.0.0.1", fail_connect=None):
        self.auth, self.targets, self.host = auth, dict(targets or {}), host
        self.fail_connect = fail_connect   # e.g. 502: refuse every CONNECT with this status
        self.log = []
        self.clear = bytearray()
        self.errors = []
        self._srv = FakeServer(self._handle, host=host, name="proxy", on_connect=self._on_connect)
        self.port = None

    def start(self):
        self._srv.start()
        self.port = self._srv.port
        return self

    def stop(self):
        self._srv.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, user=None, password=None):
        cred = ""
        if user is not None:
            from urllib.parse import quote
            cred = quote(user, safe="") + ":" + quote(password or "", safe="") + "@"
        return "http://%s%s:%d" % (cred, self.host, self.port)

    def authorization_in_clear(self):
        return any(k.lower() == "authorization" for e in self.log for k, _ in e["headers"])

    def _handle(self, req):  # unused: on_connect does everything
        return None

    def _resolve(self, hostport):
        if hostport in self.targets:
            return self.targets[hostport]
        host, _, port = hostport.rpartition(":")
        host = host.strip("[]")
        if host in ("localhost", "127.0.0.1", "::1") and port.isdigit():
            return ("127.0.0.1" if host == "localhost" else host, int(port))
        return None

    def _upstream(self, conn, entry, hostport):
        """A connection to the loopback target hostport names, or None after answering the
        client 502 (not a loopback target, or the connection failed)."""
        dest = self._resolve(hostport)
        why = b"not a loopback target\n"
        if dest is not None:
            try:
                return socket.create_connection(dest, timeout=5)
            except OSError:
                why = b"connect failed\n"
        entry["status"] = 502
        conn.sendall(http_response(502, why, close=True))
        return None

    def _check_auth(self, req):
        if not self.auth:
            return True
        want = "Basic " + base64.b64encode(("%s:%s" % self.auth).encode()).decode()
        return req.header("Proxy-Authorization") == want

    def _on_connect(self, conn, server):
        try:
            head, rest = _recv_head(conn)
            if head is None or head is JUNK:
                return True
            self.clear += head
            req = _parse_head(head)
            entry = {"method": req.method, "target": req.target, "headers": req.headers,
                     "proxy_authorization": req.header("Proxy-Authorization"), "status": None}
            self.log.append(entry)
            if not self._check_auth(req):
                entry["status"] = 407
                conn.sendall(http_response(407, b"proxy auth required\n",
                                           [("Proxy-Authenticate", 'Basic realm="test proxy"')],
                                           close=True))
                return True
            if req.method == "CONNECT":
                if self.fail_connect:
                    entry["status"] = self.fail_connect
                    conn.sendall(http_response(self.fail_connect, b"no\n", close=True))
                    return True
                up = self._upstream(conn, entry, req.target)
                if up is None:
                    return True
                entry["status"] = 200
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    up.sendall(rest)
                self._relay(conn, up, server)
                return True
            # absolute-form http request: forward it in origin-form
            t = req.target
            if not t.startswith("http://"):
                entry["status"] = 400
                conn.sendall(http_response(400, b"absolute-form expected\n", close=True))
                return True
            hostport = t[7:].partition("/")[0]
            if ":" not in hostport.rpartition("]")[2]:
                hostport += ":80"
            self.clear += rest
            path = "/" + t[7:].partition("/")[2]
            first = ("%s %s %s" % (req.method, path, req.version)).encode()
            hdrs = b"".join(b"%s: %s\r\n" % (k.encode("latin-1"), v.encode("latin-1"))
                            for k, v in req.headers if k.lower() != "proxy-authorization")
            up = self._upstream(conn, entry, hostport)
            if up is None:
                return True
            entry["status"] = "forwarded"
            up.sendall(first + b"\r\n" + hdrs + b"\r\n" + rest)
            self._relay(conn, up, server, clear=True)
            return True
        except (OSError, _Stopped) as e:
            self.errors.append(repr(e))
            return True

    def _relay(self, a, b_, server, clear=False):
        socks = [a, b_]
        try:
            while not server._stop.is_set():
                r, _, _ = select.select(socks, [], [], 0.2)
                for s in r:
                    try:
                        d = s.recv(65536)
                    except OSError:
                        d = b""
                    if not d:
                        return
                    if s is a and clear:
                        self.clear += d
                    (b_ if s is a else a).sendall(d)
        except OSError:
            return
        finally:
            b_.close()


# --------------------------------------------------------------------------- CLI

def _print_kv(d):
    for k, v in d.items():
        print("%s=%s" % (k, v))
    sys.stdout.flush()


def _stdin_is_watchable():
    """A pipe, socket or terminal on stdin: its end means "stop". /dev/null (a background job)
    or a regular file would end at once, so then only a signal stops the servers."""
    import stat
    try:
        st = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode) or os.isatty(sys.stdin.fileno())


def _serve_until_done(servers):
    """Serve until stdin closes or SIGTERM/SIGINT."""
    import signal
    done = threading.Event()

    def on_sig(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, on_sig)
    signal.signal(signal.SIGINT, on_sig)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read1(4096) if hasattr(sys.stdin.buffer, "read1") \
                    else sys.stdin.buffer.read(1):
                pass
        except (OSError, ValueError):
            pass
        done.set()

    if _stdin_is_watchable():
        threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        while not done.wait(0.5):
            pass
    finally:
        for s in servers:
            s.stop()


def demo_servers(directory):
    """Start the demo's fake Jira (/jira) and Confluence (/confluence) over TLS with a
    throw-away CA made in directory. Returns (jira_server, confluence_server, info dict)."""
    sys.path.insert(0, HERE)
    import pki
    p = pki.make_pki(directory, demo=True)
    leaf = p.leaf["ecdsa"]
    tls = TLS(leaf.cert, leaf.key)
    js = FakeServer(jira(context="/jira"), tls=tls, name="jira").start()
    cs = FakeServer(confluence(context="/confluence"), tls=tls, name="confluence").start()
    info = {"JIRA_URL": js.url("/jira"), "CONFLUENCE_URL": cs.url("/confluence"),
            "CACERT": p.ca, "PIN": leaf.pin, "GOOD_TOKEN": GOOD_TOKEN, "USER": GOOD_USER}
    return js, cs, info


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="Fake Jira/Confluence servers for atlwho tests")
    ap.add_argument("--demo-serve", metavar="DIR",
                    help="throw-away CA in DIR; fake Jira + Confluence over TLS; serve until killed")
    ap.add_argument("--serve", choices=["jira", "confluence", "jira-cloud", "confluence-cloud"])
    ap.add_argument("--tls", metavar="DIR", help="with --serve: make a CA in DIR and use TLS")
    ap.add_argument("--context", default="", help="with --serve: context path (/jira ...)")
    ap.add_argument("--host", default="127.0.0.1", help="127.0.0.1, ::1 or both")
    a = ap.parse_args(argv[1:])
    if a.demo_serve:
        os.makedirs(a.demo_serve, exist_ok=True)
        js, cs, info = demo_servers(a.demo_serve)
        _print_kv(info)
        print("READY=1")
        sys.stdout.flush()
        _serve_until_done([js, cs])
        return 0
    if a.serve:
        product, _, flavor = a.serve.partition("-")
        h = (jira if product == "jira" else confluence)(context=a.context, flavor=flavor or "server")
        tls = None
        info = {}
        if a.tls:
            sys.path.insert(0, HERE)
            import pki
            os.makedirs(a.tls, exist_ok=True)
            p = pki.make_pki(a.tls, demo=True)
            tls = TLS(p.leaf["ecdsa"].cert, p.leaf["ecdsa"].key)
            info["CACERT"] = p.ca
        s = FakeServer(h, tls=tls, host=a.host, name=a.serve).start()
        info = dict({"URL": s.url(a.context)}, **info)
        _print_kv(info)
        print("READY=1")
        sys.stdout.flush()
        _serve_until_done([s])
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
