#!/usr/bin/env python3
"""What a server really sent, from `openssl s_client -msg` and `curl -v`.

The interop matrix claims things about each server ("Certificate of 16 KB in
32 records", "HelloRetryRequest with a cookie", "4 NewSessionTickets",
"KeyUpdate", "no close_notify"); these parsers let run.py check each claim on
the wire instead of trusting the configuration.

    msgs = parse_s_client(text)   # incoming handshake messages, records, alerts
    facts = parse_curl(text)      # version, cipher, handshake message counts, headers
"""
import re
import subprocess

# RFC 8446 section 4.1.3: a HelloRetryRequest is a ServerHello with this random.
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
EXT_COOKIE = 0x002c
AEAD_TAG = 16          # every TLS 1.3 suite a server here can pick (no CCM_8)

_HEAD = re.compile(r"^(<<<|>>>) (\S+ \S+), (\w+) \[length ([0-9a-f]+)\](?:, (.*))?$")


class Msg:
    def __init__(self, name, length, data):
        self.name, self.length, self.data = name, length, data
        self.records = 0          # records that carried part of this message

    def __repr__(self):
        return "%s(%d bytes, %d records)" % (self.name, self.length, self.records)


class Wire:
    """The server's side of one s_client -msg transcript."""

    def __init__(self):
        self.msgs = []            # handshake messages in order (Msg)
        self.alerts = []          # alert descriptions received, e.g. "warning close_notify"
        self.records = []         # (content type, length, inner type or None)

    def names(self):
        return [m.name for m in self.msgs]

    def first(self, name):
        for m in self.msgs:
            if m.name == name:
                return m
        return None

    def count(self, name):
        return sum(1 for m in self.msgs if m.name == name)

    def hrr(self):
        """None, or a dict {"cookie": bool} when the first ServerHello is a HelloRetryRequest."""
        sh = self.first("ServerHello")
        if not sh or len(sh.data) < 38 or sh.data[6:38] != HRR_RANDOM:
            return None
        return {"cookie": EXT_COOKIE in server_hello_extensions(sh.data)}


def server_hello_extensions(d):
    """Extension types of a ServerHello handshake message (header included)."""
    try:
        i = 4 + 2 + 32
        i += 1 + d[i]               # legacy_session_id_echo
        i += 2 + 1                  # cipher_suite, legacy_compression_method
        end = i + 2 + int.from_bytes(d[i:i + 2], "big")
        i += 2
        types = []
        while i + 4 <= end:
            types.append(int.from_bytes(d[i:i + 2], "big"))
            i += 4 + int.from_bytes(d[i + 2:i + 4], "big")
        return types
    except IndexError:
        return []


def parse_s_client(text):
    """Incoming (<<<) items of an s_client -msg transcript, with each handshake
    message's record count found by byte accounting over the records that
    carried handshake bytes (TLS 1.3 ones by their inner content type)."""
    items = []   # (kind, name, hex bytes, length from the header line)
    cur = None
    for line in text.splitlines():
        m = _HEAD.match(line)
        if m:
            cur = None
            if m.group(1) == "<<<":
                cur = [m.group(3), m.group(5) or "", bytearray(), int(m.group(4), 16)]
                items.append(cur)
            continue
        if cur is not None and line.startswith("    "):
            try:
                cur[2] += bytes.fromhex(line.strip())
            except ValueError:
                cur = None
        else:
            cur = None
    w = Wire()
    hs_records = []   # plaintext handshake bytes per record, in order
    for kind, name, data, length in items:
        if kind == "RecordHeader" and len(data) >= 5:
            w.records.append([data[0], int.from_bytes(data[3:5], "big"), None])
            if data[0] == 0x16:
                hs_records.append(w.records[-1][1])
        elif kind == "InnerContent" and data and w.records:
            w.records[-1][2] = data[0]
            if w.records[-1][0] == 0x17 and data[0] == 0x16:
                hs_records.append(w.records[-1][1] - AEAD_TAG - 1)
        elif kind == "Handshake":
            w.msgs.append(Msg(name, length, bytes(data)))
        elif kind == "Alert":
            w.alerts.append(name)
    # Byte accounting: record r covers [r0, r1) of the handshake stream, message m [m0, m1).
    pos, spans = 0, []
    for n in hs_records:
        spans.append((pos, pos + n))
        pos += n
    pos = 0
    for m in w.msgs:
        m0, m1 = pos, pos + m.length
        m.records = sum(1 for a, b in spans if a < m1 and b > m0)
        pos = m1
    return w


def s_client(port, request, groups=None, pha=False, cert=None, key=None, timeout=15, host="127.0.0.1"):
    """Runs s_client -msg against port, sends request, reads until the server closes."""
    args = ["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-servername", "localhost",
            "-msg", "-ign_eof"]
    if groups:
        args += ["-groups", groups]
    if pha:
        args += ["-enable_pha"]
    if cert:
        args += ["-cert", cert, "-key", key]
    try:
        p = subprocess.run(args, input=request, capture_output=True, timeout=timeout)
        return p.stdout.decode("latin-1") + p.stderr.decode("latin-1")
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode("latin-1") + "\n[s_client timed out]"


_CURL_HS = re.compile(r"^\* TLSv1\.[0-9] \(IN\), TLS handshake, (.+) \(\d+\):$")


def parse_curl(text):
    """Facts from curl -v: version, cipher, incoming handshake message counts, response headers."""
    f = {"version": None, "cipher": None, "in": {}, "headers": []}
    for line in text.splitlines():
        m = re.match(r"^\* SSL connection using (\S+) / (\S+)", line)
        if m:
            f["version"], f["cipher"] = m.group(1), m.group(2)
        m = _CURL_HS.match(line)
        if m:
            f["in"][m.group(1)] = f["in"].get(m.group(1), 0) + 1
        if line.startswith("< ") and ":" in line:
            k, _, v = line[2:].partition(":")
            f["headers"].append((k.strip().lower(), v.strip()))
    return f
