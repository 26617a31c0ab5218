#!/usr/bin/env python3
"""A Python model of the atlwho CLI, used ONLY to check the test suite itself.

It is not the product and not a reference for behaviour details: it exists so that
test_cli.py, fakeatl.py and pki.py can be exercised before (or independently of) the C
binary:   ATLWHO=tests/e2e/refclient.py python3 tests/e2e/test_cli.py
Python 3 standard library (and the openssl command for SPKI pins).
"""

import base64
import hashlib
import io
import json
import os
import re
import select
import socket
import ssl
import stat
import subprocess
import sys
import time
from urllib.parse import unquote, urlsplit


class Fail(Exception):
    def __init__(self, code, msg, status=None, reason=None, reqid=None):
        super().__init__(msg)
        self.code, self.msg, self.status, self.reason, self.reqid = code, msg, status, reason, reqid


SHORT_ARG = {"p": "product", "u": "user", "x": "proxy", "m": "max-time"}
SHORT_FLAG = {"j": "json", "i": "include", "q": "quiet", "v": "verbose", "k": "insecure",
              "L": "location", "4": "ipv4", "6": "ipv6", "h": "help", "V": "version"}
LONG_ARG = {"product", "path", "user", "token-file", "format", "cacert", "capath", "pin", "cert", "key",
            "tls-min", "proxy", "noproxy", "max-redirs", "connect-timeout", "max-time", "retry",
            "from-file"}
LONG_FLAG = {"json", "include", "raw", "quiet", "verbose", "insecure", "location", "ipv4", "ipv6",
             "help", "version"}


def parse_args(argv):
    o, pos, i = {}, [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            pos += argv[i + 1:]
            break
        if a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            if name in LONG_FLAG and not eq:
                o[name] = True
            elif name in LONG_ARG:
                if not eq:
                    i += 1
                    if i >= len(argv):
                        raise Fail(2, "option --%s needs a value (try 'atlwho --help')" % name)
                    val = argv[i]
                o[name] = val
            else:
                raise Fail(2, "unknown option --%s (try 'atlwho --help')" % name)
        elif a.startswith("-") and len(a) > 1:
            c = a[1]
            if c in SHORT_FLAG and len(a) == 2:
                o[SHORT_FLAG[c]] = True
            elif c in SHORT_ARG:
                val = a[2:]
                if not val:
                    i += 1
                    if i >= len(argv):
                        raise Fail(2, "option -%s needs a value" % c)
                    val = argv[i]
                o[SHORT_ARG[c]] = val
            else:
                raise Fail(2, "unknown option %s (try 'atlwho --help')" % a)
        else:
            pos.append(a)
        i += 1
    if o.get("json"):
        o["format"] = "json"
    return o, pos


def num(o, k, default, lo, hi, integer=False):
    v = o.get(k)
    if v is None:
        return default
    try:
        x = int(v) if integer else float(v)
    except ValueError:
        raise Fail(2, "--%s '%s': not a number" % (k, v))
    if not (lo <= x <= hi):
        raise Fail(2, "--%s '%s': out of range" % (k, v))
    return x


def parse_url(u):
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in u):
        raise Fail(2, "bad URL %r: spaces or control characters" % u)
    if not u.startswith(("http://", "https://")):
        raise Fail(2, "bad URL %r: http:// or https:// expected" % u)
    try:
        p = urlsplit(u)
        port = p.port
    except ValueError as e:
        raise Fail(2, "bad URL %r: %s" % (u, e))
    if "@" in p.netloc:
        raise Fail(2, "bad URL: no credentials in the URL; use --token-file or ATLWHO_TOKEN, and -u USER")
    if not p.hostname:
        raise Fail(2, "bad URL %r: empty host" % u)
    if port == 0:
        raise Fail(2, "bad URL: port 0")
    return p.scheme, p.hostname, port or (443 if p.scheme == "https" else 80), p.path.rstrip("/")


def esc(s):
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or 0xDC80 <= o <= 0xDCFF:
            out.append("\\x%02x" % (o & 0xFF))
        else:
            out.append(ch)
    return "".join(out)


def fail_line(msg):
    return esc(msg)


def out_fmt(fmt, obj):
    if fmt == "json":
        return json.dumps(obj, ensure_ascii=True) + "\n"
    if fmt == "env":
        s = ""
        for k, v in obj.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            v = str(v).replace("'", "'\\''")
            s += "ATLWHO_%s='%s'\n" % (k.upper(), v)
        return s
    keys = ("name", "username", "accountId", "displayName", "type", "emailAddress", "active")
    s = ""
    for k in keys:
        if k in obj:
            v = obj[k]
            if isinstance(v, bool):
                v = "true" if v else "false"
            s += "%s: %s\n" % (k, esc(str(v)))
    return s


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        x = self.end - time.monotonic()
        if x <= 0:
            raise Fail(5, "timed out (--max-time)")
        return x


def spki_pin(der):
    pem = ssl.DER_cert_to_PEM_cert(der).encode()
    r = subprocess.run(["openssl", "x509", "-pubkey", "-noout"], input=pem, capture_output=True, timeout=10)
    r2 = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=r.stdout,
                        capture_output=True, timeout=10)
    return "sha256//" + base64.b64encode(hashlib.sha256(r2.stdout).digest()).decode()


def cert_text(der, what):
    pem = ssl.DER_cert_to_PEM_cert(der).encode()
    r = subprocess.run(["openssl", "x509", "-noout"] + what.split(), input=pem, capture_output=True, timeout=10)
    return r.stdout.decode(errors="replace").strip()


def no_proxy_match(host, lst):
    for t in [x.strip().lower() for x in lst.split(",") if x.strip()]:
        if t == "*":
            return True
        t = t.lstrip(".")
        h = host.lower()
        if h == t or h.endswith("." + t):
            return True
    return False


class Client:
    def __init__(self, o, log):
        self.o, self.log = o, log
        self.deadline = Deadline(num(o, "max-time", 30, 0.001, 1e6))
        self.ctimeout = num(o, "connect-timeout", 10, 0.001, 1e6)

    def connect(self, host, port):
        fam = socket.AF_INET if self.o.get("ipv4") else socket.AF_INET6 if self.o.get("ipv6") else 0
        try:
            infos = socket.getaddrinfo(host, port, fam, socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise Fail(5, "cannot resolve %s: %s" % (host, e))
        self.log("* resolved %s: %d address(es)" % (host, len(infos)))
        last = None
        for af, st, pr, _, sa in infos:
            s = socket.socket(af, st, pr)
            s.settimeout(min(self.ctimeout, self.deadline.left()))
            self.log("* trying %s port %d" % (sa[0], sa[1]))
            try:
                s.connect(sa)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return s
            except socket.timeout:
                last = "connect to %s port %d timed out" % (sa[0], sa[1])
            except OSError as e:
                last = "connect to %s port %d failed: %s" % (sa[0], sa[1], e.strerror)
            s.close()
        raise Fail(5, last or "no address")

    def proxy_for(self, scheme, host):
        o = self.o
        p = o.get("proxy")
        if p is None:
            p = os.environ.get("https_proxy") or os.environ.get("HTTPS_PROXY") if scheme == "https" \
                else os.environ.get("http_proxy")
        if not p:
            return None
        np = o.get("noproxy")
        if np is None:
            np = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
        if no_proxy_match(host, np):
            return None
        return p

    def open(self, scheme, host, port):
        self.buf = b""
        proxy = self.proxy_for(scheme, host)
        absolute = False
        if proxy:
            pu = urlsplit(proxy)
            s = None
            try:
                s = self.connect(pu.hostname, pu.port or 1080)
            except Fail as e:
                raise Fail(5, "proxy: " + e.msg)
            self.log("* via proxy %s:%d" % (pu.hostname, pu.port or 1080))
            pa = ""
            if pu.username is not None:
                cred = "%s:%s" % (unquote(pu.username), unquote(pu.password or ""))
                pa = "Proxy-Authorization: Basic %s\r\n" % base64.b64encode(cred.encode()).decode()
            if scheme == "https":
                hp = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
                s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (hp, hp, pa)).encode())
                st, hd, _ = self.read_head(s)
                if st != 200:
                    raise Fail(5, "proxy refused the tunnel: %d" % st)
                self.buf = b""
            else:
                absolute = pa
        else:
            s = self.connect(host, port)
        if scheme == "https":
            s = self.tls(s, host)
        return s, absolute

    def tls(self, s, host):
        o = self.o
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3 if o.get("tls-min") == "1.3" else ssl.TLSVersion.TLSv1_2
        pins = o.get("pin")
        if o.get("insecure") or (pins and not o.get("cacert") and not o.get("capath")):
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            if o.get("cacert") or o.get("capath"):
                ctx.load_verify_locations(cafile=o.get("cacert"), capath=o.get("capath"))
            elif os.environ.get("SSL_CERT_FILE"):
                ctx.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
            else:
                ctx.load_default_certs()
        if o.get("cert"):
            ctx.load_cert_chain(o["cert"], o.get("key"))
        s.settimeout(self.deadline.left())
        try:
            t = ctx.wrap_socket(s, server_hostname=host)
        except ssl.SSLCertVerificationError as e:
            m = e.verify_message or str(e)
            try:
                t2 = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                t2.check_hostname = False
                t2.verify_mode = ssl.CERT_NONE
                der = None
            except Exception:
                der = None
            extra = ""
            if "expired" in m:
                extra = "; the time here is %s (a gateway without a clock starts in 1970)" % \
                        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
            if "Hostname mismatch" in m or "IP address mismatch" in m:
                extra = "; the certificate is for %s" % self.peer_names(host)
            if "local issuer" in m or "self-signed" in m or "self signed" in m:
                extra = "; issuer: %s" % self.peer_issuer(host)
            if "not yet valid" in m:
                extra = "; not yet valid; the time here is %s" % time.strftime("%Y-%m-%d", time.gmtime())
            raise Fail(6, "TLS: certificate verification failed: %s%s" % (m, extra))
        except socket.timeout:
            raise Fail(5, "timed out in the TLS handshake")
        except (ssl.SSLError, OSError) as e:
            raise Fail(6, "TLS handshake failed: %s" % e)
        der = t.getpeercert(binary_form=True)
        if o.get("insecure"):
            print("atlwho: warning: --insecure: the server's certificate is not verified", file=sys.stderr)
        if pins:
            got = spki_pin(der)
            if got not in pins.split(";"):
                raise Fail(6, "TLS: pin mismatch: the server's key is %s" % got)
        self.log("* %s, cipher %s" % (t.version(), t.cipher()[0]))
        self.log("* subject: %s" % cert_text(der, "-subject"))
        self.log("* issuer: %s" % cert_text(der, "-issuer"))
        self.log("* expires: %s" % cert_text(der, "-enddate"))
        return t

    def _peer_der(self, host):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            s = self.connect(self.cur[0], self.cur[1])
            t = ctx.wrap_socket(s, server_hostname=host)
            d = t.getpeercert(binary_form=True)
            t.close()
            return d
        except Exception:
            return None

    def peer_names(self, host):
        d = self._peer_der(host)
        return cert_text(d, "-ext subjectAltName") if d else "?"

    def peer_issuer(self, host):
        d = self._peer_der(host)
        return cert_text(d, "-issuer") if d else "?"

    def recv(self, s):
        s.settimeout(self.deadline.left())
        try:
            return s.recv(65536)
        except socket.timeout:
            raise Fail(5, "timed out waiting for the server")
        except ssl.SSLError as e:
            if "EOF" in str(e):
                return b""
            raise Fail(6, "TLS error: %s" % e)
        except OSError as e:
            raise Fail(5, "read failed: %s" % e)

    def read_head(self, s):
        while True:
            buf = self.buf
            while b"\r\n\r\n" not in buf:
                d = self.recv(s)
                if not d:
                    raise Fail(7, "the server closed the connection before a complete reply")
                buf += d
                if len(buf) > 65536:
                    raise Fail(7, "header section too long")
            i = buf.index(b"\r\n\r\n")
            head, self.buf = buf[:i].decode("latin-1"), buf[i + 4:]
            lines = head.split("\r\n")
            m = re.match(r"^HTTP/1\.[01] (\d{3})(?: (.*))?$", lines[0])
            if not m:
                raise Fail(7, "not an HTTP/1.x status line: %r" % lines[0][:60])
            st = int(m.group(1))
            hd = []
            for ln in lines[1:]:
                if ":" not in ln:
                    raise Fail(7, "bad header line")
                k, _, v = ln.partition(":")
                hd.append((k.strip(), v.strip()))
            if 100 <= st < 200:
                continue
            return st, hd, lines[0]

    def read_body(self, s, st, hd):
        h = {k.lower(): v for k, v in hd}
        if st in (204, 304) or 100 <= st < 200:
            return b""
        if "content-encoding" in h and h["content-encoding"].lower() != "identity":
            raise Fail(7, "unrequested Content-Encoding: %s" % h["content-encoding"])
        buf = self.buf
        if "chunked" in h.get("transfer-encoding", "").lower():
            out = b""
            while True:
                while b"\r\n" not in buf:
                    d = self.recv(s)
                    if not d:
                        raise Fail(7, "reply cut short (chunked body ended early)")
                    buf += d
                line, buf = buf.split(b"\r\n", 1)
                try:
                    n = int(line.split(b";")[0], 16)
                except ValueError:
                    raise Fail(7, "bad chunk size")
                if n == 0:
                    while b"\r\n" not in buf:
                        d = self.recv(s)
                        if not d:
                            raise Fail(7, "reply cut short (no end of trailers)")
                        buf += d
                    return out
                while len(buf) < n + 2:
                    d = self.recv(s)
                    if not d:
                        raise Fail(7, "reply cut short (inside a chunk)")
                    buf += d
                out += buf[:n]
                buf = buf[n + 2:]
        if "content-length" in h:
            n = int(h["content-length"])
            while len(buf) < n:
                d = self.recv(s)
                if not d:
                    raise Fail(7, "reply cut short: %d of %d bytes" % (len(buf), n))
                buf += d
            return buf[:n]
        while True:
            d = self.recv(s)
            if not d:
                return buf
            buf += d

    def request(self, scheme, host, port, path, auth):
        self.cur = (host, port)
        s, absolute = self.open(scheme, host, port)
        hh = ("[%s]" % host if ":" in host else host) + ("" if port == (443 if scheme == "https" else 80)
                                                           else ":%d" % port)
        target = path if absolute is False else "http://%s%s" % (hh, path)
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: atlwho/0.0-model\r\nAccept: application/json\r\n"
               "Authorization: %s\r\nConnection: close\r\n%s\r\n") % (target, hh, auth, absolute or "")
        self.log("> GET %s HTTP/1.1" % path)
        self.log("> Host: %s" % hh)
        self.log("> User-Agent: atlwho/0.0-model")
        self.log("> Authorization: %s <redacted>" % auth.split(" ")[0])
        s.settimeout(self.deadline.left())
        try:
            s.sendall(req.encode())
        except ssl.SSLError as e:
            raise Fail(6, "TLS error: %s" % e)
        except OSError as e:
            raise Fail(5, "write failed: %s" % e)
        self.buf = b""
        st, hd, line = self.read_head(s)
        self.log("< " + esc(line))
        for k, v in hd:
            self.log("< %s: %s" % (esc(k), esc(v)))
        body = self.read_body(s, st, hd)
        s.close()
        return st, hd, line, body


def classify(st, hd, body, product):
    h = {k.lower(): v for k, v in hd}
    reqid = h.get("x-arequestid")
    rid = " (request %s)" % reqid if reqid else ""
    reason = h.get("x-seraph-loginreason")
    if st == 403 and "captcha_challenge" in h.get("x-authentication-denied-reason", "").lower():
        url = h["x-authentication-denied-reason"].partition("login-url=")[2]
        raise Fail(4, "CAPTCHA lockout: the account is locked until someone logs in at %s%s" % (url, rid),
                   st, reason, reqid)
    if st in (401, 403):
        raise Fail(3, "credentials rejected: %d%s%s" % (st, " " + reason if reason else "", rid), st, reason, reqid)
    if st in (301, 302, 303, 307, 308):
        raise Fail(7, "redirect not followed: Location: %s (use that URL, or -L)%s" % (h.get("location"), rid), st)
    if st == 404:
        raise Fail(7, "404: no Jira or Confluence REST API at this base URL; is the context path (/jira, "
                      "/confluence, /wiki) missing?%s" % rid, st)
    if st in (429, 503):
        raise Fail(7, "%d: rate limited or unavailable; Retry-After: %s%s" % (st, h.get("retry-after"), rid), st)
    if not 200 <= st < 300:
        raise Fail(7, "unexpected status %d%s" % (st, rid), st)
    if "html" in h.get("content-type", "").lower():
        raise Fail(7, "got HTML instead of JSON (an SSO or login page?)%s" % rid, st)
    return user_of(body, st, h, rid)


def user_of(body, st=200, h=None, rid=""):
    h = h or {}
    try:
        obj = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise Fail(7, "malformed JSON: %s%s" % (e, rid), st)
    if not isinstance(obj, dict):
        raise Fail(7, "JSON is not an object%s" % rid, st)
    def fix(v):  # unpaired surrogates -> U+FFFD
        return v.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    u = {}
    for k in ("name", "username", "accountId", "displayName", "type", "emailAddress"):
        if isinstance(obj.get(k), str):
            u[k] = fix(obj[k])
    if isinstance(obj.get("active"), bool):
        u["active"] = obj["active"]
    username = u.pop("username", None)   # one vocabulary: name is Jira's name or Confluence's username
    if "name" not in u and username is not None:
        u["name"] = username
    if h.get("x-ausername", "").lower() == "anonymous" or u.get("type") == "anonymous":
        raise Fail(3, "anonymous: the server did not accept the credentials%s" % rid, st)
    if not any(k in u for k in ("name", "accountId")):
        raise Fail(7, "no user fields in the reply%s" % rid, st)
    return u


def main(argv):
    o, pos = parse_args(argv[1:])
    if o.get("help"):
        print("usage: atlwho [options] BASE_URL  (model)\n  --token-file --cacert --pin ...\nexit codes: 0..8")
        return 0
    if o.get("version"):
        print("atlwho 0.0-model (Python %s, no mbedTLS; TLS 1.2, 1.3)" % sys.version.split()[0])
        return 0
    fmt = o.get("format", "text")
    if fmt not in ("text", "json", "env"):
        raise Fail(2, "--format '%s': expected text, json or env" % fmt)
    product = o.get("product", "auto")
    if product not in ("jira", "confluence", "auto"):
        raise Fail(2, "--product '%s': expected jira, confluence or auto" % product)
    if o.get("tls-min", "1.2") not in ("1.2", "1.3"):
        raise Fail(2, "--tls-min: 1.2 or 1.3")
    num(o, "max-time", 30, 0.001, 1e6)
    num(o, "connect-timeout", 10, 0.001, 1e6)
    retries = num(o, "retry", 0, 0, 100, True)
    maxr = num(o, "max-redirs", 5, 0, 100, True)
    if o.get("pin") and not all(p.startswith("sha256//") for p in o["pin"].split(";")):
        raise Fail(2, "--pin: sha256//BASE64 expected")
    if bool(o.get("cert")) != bool(o.get("key")):
        raise Fail(2, "--cert and --key go together")
    for f in ("cacert", "cert", "key"):
        if o.get(f) and not os.path.isfile(o[f]):
            raise Fail(2, "--%s %s: cannot read" % (f, o[f]))
    if o.get("proxy") and not o["proxy"].startswith("http://"):
        raise Fail(2, "--proxy: http:// URL expected")
    verbose = o.get("verbose")

    def log(m):
        if verbose:
            print(m, file=sys.stderr)

    if o.get("from-file"):
        f = o["from-file"]
        try:
            data = sys.stdin.buffer.read() if f == "-" else open(f, "rb").read()
        except OSError as e:
            raise Fail(2, "cannot read %s: %s" % (f, e.strerror))
        u = user_of(data)
        rc = 1 if u.get("active") is False else 0
        emit(o, fmt, dict({"ok": True, "exit": rc, "product": "file", "status": 200}, **u))
        return rc
    if len(pos) != 1:
        raise Fail(2, "one BASE_URL expected (try 'atlwho --help')")
    scheme, host, port, base = parse_url(pos[0])
    tf = o.get("token-file")
    if tf:
        try:
            if tf == "-":
                tok = sys.stdin.buffer.read().decode()
            else:
                if os.path.isdir(tf):
                    raise Fail(2, "--token-file %s: a directory" % tf)
                st_ = os.stat(tf)
                tok = open(tf, "rb").read().decode()
                if st_.st_mode & (stat.S_IRGRP | stat.S_IROTH):
                    print("atlwho: warning: %s is readable by group or others (chmod 600)" % tf, file=sys.stderr)
        except OSError as e:
            raise Fail(2, "--token-file %s: %s" % (tf, e.strerror))
        if tok.endswith("\n"):
            tok = tok[:-1]
    else:
        tok = os.environ.get("ATLWHO_TOKEN", "")
    if not tok:
        raise Fail(2, "no token: use --token-file FILE or ATLWHO_TOKEN")
    if o.get("user"):
        auth = "Basic " + base64.b64encode(("%s:%s" % (o["user"], tok)).encode()).decode()
    else:
        auth = "Bearer " + tok
    if scheme == "http":
        print("atlwho: warning: sending the token over plain http:// (not encrypted)", file=sys.stderr)
    c = Client(o, log)
    if o.get("path"):
        paths = [(product if product != "auto" else "jira", o["path"])]
    elif product == "jira":
        paths = [("jira", "/rest/api/2/myself")]
    elif product == "confluence":
        paths = [("confluence", "/rest/api/user/current")]
    else:
        paths = [("jira", "/rest/api/2/myself"), ("confluence", "/rest/api/user/current")]
    origin = (scheme, host, port)
    for i, (prod, p) in enumerate(paths):
        cur = (scheme, host, port, base + p)
        hops = 0
        attempt = 0
        while True:
            try:
                st, hd, line, body = c.request(cur[0], cur[1], cur[2], cur[3], auth)
            except Fail as e:
                if e.code == 5 and attempt < retries and "proxy" not in e.msg:
                    attempt += 1
                    time.sleep(min(1, c.deadline.left()))
                    continue
                raise
            h = {k.lower(): v for k, v in hd}
            if st in (429, 503) and attempt < retries:
                ra = h.get("retry-after", "1")
                wait = float(ra) if ra.isdigit() else 1
                if wait < c.deadline.left():
                    attempt += 1
                    time.sleep(wait)
                    continue
            if st in (301, 302, 303, 307, 308) and o.get("location") and "location" in h:
                loc = h["location"]
                if loc.startswith("/"):
                    nxt = (cur[0], cur[1], cur[2], loc)
                else:
                    try:
                        ns, nh, np_, npath = parse_url(loc)
                    except Fail:
                        break
                    q = urlsplit(loc)
                    nxt = (ns, nh, np_, (q.path or "/") + ("?" + q.query if q.query else ""))
                same = nxt[:3] == origin or (origin[0] == "http" and nxt[0] == "https" and nxt[1] == origin[1])
                if same and hops < maxr:
                    hops += 1
                    cur = nxt
                    continue
                if same:
                    raise Fail(7, "too many redirects (--max-redirs %d); last Location: %s" % (maxr, loc), st)
                raise Fail(7, "redirect to another origin not followed: %s" % loc, st)
            break
        if st == 404 and i + 1 < len(paths):
            continue
        if o.get("include"):
            sys.stdout.write(line + "\n" + "".join("%s: %s\n" % (esc(k), esc(v)) for k, v in hd) + "\n")
        if o.get("raw"):
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
            try:
                u = classify(st, hd, body, prod)
            except Fail as e:
                e.msg = e.msg
                raise
            return 1 if u.get("active") is False else 0
        try:
            u = classify(st, hd, body, prod)
        except Fail as e:
            if host.endswith(".atlassian.net") and st == 403 and not o.get("user"):
                e.msg += "; Cloud API tokens need -u EMAIL (Basic), not Bearer"
            raise
        rc = 1 if u.get("active") is False else 0
        emit(o, fmt, dict({"ok": True, "exit": rc, "product": prod, "status": st}, **u))
        return rc
    raise Fail(7, "no reply")


def emit(o, fmt, obj):
    if o.get("quiet"):
        return
    if fmt == "text":
        obj = {k: v for k, v in obj.items() if k not in ("ok", "exit", "product", "status")}
    sys.stdout.write(out_fmt(fmt, obj))


def put_out(data, rc, deadline):
    """stdout as atlwho writes it: a non-blocking descriptor is waited for until
    --max-time; output that cannot be written turns an answer of 0 or 1 into exit 8
    (a failed check keeps its code), stderr saying so. (The model writes it all at
    the end, atlwho as it goes.)"""
    why = None
    while data and why is None:
        try:
            data = data[os.write(1, data):]
        except InterruptedError:
            continue
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [1], [], left)[1]:
                why = "standard output was not writable within --max-time: output lost"
        except OSError as e:
            why = "cannot write standard output (%s): output lost" % e.strerror
    if why:
        print("atlwho: " + why, file=sys.stderr)
        if rc in (0, 1):
            rc = 8
    return rc


if __name__ == "__main__":
    o = {}
    t0 = time.monotonic()
    sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    try:
        o, _ = parse_args(sys.argv[1:])
    except Fail:
        pass
    try:
        rc = main(sys.argv)
    except Fail as e:
        if not o.get("quiet"):
            if o.get("format") == "json" and e.code != 2:
                d = {"ok": False, "exit": e.code, "error": e.msg}
                if e.status is not None:
                    d["status"] = e.status
                if e.reason:
                    d["reason"] = e.reason
                sys.stdout.write(json.dumps(d) + "\n")
            elif o.get("format") == "env" and e.code != 2:
                sys.stdout.write(out_fmt("env", {"ok": "false", "status": e.status or 0}))
            print("atlwho: " + fail_line(e.msg), file=sys.stderr)
        rc = e.code
    try:
        limit = num(o, "max-time", 30, 0.001, 1e6)
    except Fail:
        limit = 30
    sys.stdout.flush()
    rc = put_out(sys.stdout.buffer.getvalue(), rc, t0 + limit)
    sys.exit(rc)
