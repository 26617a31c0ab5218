#!/usr/bin/env python3
"""A minimal TLS 1.2 server that renegotiates, for atlwho's renegotiation rows
(test_hostile.py). Python's ssl cannot start a renegotiation; Apache does (a
per-location SSLVerifyClient), and what happens in one is what these rows test.

One suite only, ECDHE-ECDSA-AES128-GCM-SHA256 on P-256 (RFC 5289; atlwho
offers it), the standard master secret (no extended_master_secret), and RFC
5746 secure renegotiation (mbedTLS renegotiates only so). After the first
handshake it reads the request, sends a HelloRequest (RFC 5246 section
7.4.1.1) and plays the renegotiation as `mode` says:

  "plain"     same certificate, no CertificateRequest; then the reply
  "certreq"   asks for a client certificate (RFC 5246 section 7.4.4); an empty
              Certificate gets a fatal handshake_failure alert, as Apache's
              SSLVerifyClient require does; a certificate gets the reply
  "newcert"   presents another certificate (`cert2`): mbedTLS refuses it
  "refuse"    answers the renegotiation's ClientHello with a fatal
              handshake_failure alert (no CertificateRequest)

Needs python3-cryptography (vendor/deps.sh test). The client's Finished is
checked (it proves both sides derived the same keys); its CertificateVerify
is not: that the server accepts a certificate is not what is tested."""

import hashlib
import hmac
import os
import socket
import struct
import threading

import fakeatl as F

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    MISSING = None
except ImportError as e:   # the rows that need this server are skipped
    MISSING = "python3-cryptography is not installed (%s)" % e

SUITE = 0xC02B            # TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
SECP256R1 = 23
ECDSA_SHA256 = 0x0403
HS_HELLO_REQUEST, HS_CLIENT_HELLO, HS_SERVER_HELLO = 0, 1, 2
HS_CERTIFICATE, HS_SKE, HS_CERT_REQUEST, HS_HELLO_DONE = 11, 12, 13, 14
HS_CERT_VERIFY, HS_CKE, HS_FINISHED = 15, 16, 20
CT_CCS, CT_ALERT, CT_HANDSHAKE, CT_APPDATA = 20, 21, 22, 23
ALERT_HANDSHAKE_FAILURE = 40
RENEGOTIATION_INFO = 0xFF01   # RFC 5746 section 3.2
SCSV = 0x00FF                 # TLS_EMPTY_RENEGOTIATION_INFO_SCSV


class Abort(Exception):
    pass


def prf(secret, label, seed, n):
    """RFC 5246 section 5: P_SHA256."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + seed, hashlib.sha256).digest()
    return out[:n]


def vec(data, n):
    return len(data).to_bytes(n, "big") + data


def hs(t, body):
    return bytes([t]) + vec(body, 3)


class Conn:
    """One connection: records in and out, the current keys, the handshake transcript."""

    def __init__(self, sock):
        self.sock, self.buf, self.hsbuf = sock, b"", b""
        self.rkey = self.wkey = None
        self.rseq = self.wseq = 0
        self.transcript = b""

    def _recv(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise Abort("client closed")
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def record(self):
        t, _, n = struct.unpack(">BHH", self._recv(5))
        frag = self._recv(n)
        if self.rkey:
            key, iv = self.rkey
            nonce = iv + frag[:8]
            aad = struct.pack(">QBHH", self.rseq, t, 0x0303, n - 24)
            frag = AESGCM(key).decrypt(nonce, frag[8:], aad)
            self.rseq += 1
        if t == CT_ALERT:
            raise Abort("client alert %r" % frag)
        return t, frag

    def send(self, t, data):
        if self.wkey:
            key, iv = self.wkey
            explicit = struct.pack(">Q", self.wseq)
            aad = struct.pack(">QBHH", self.wseq, t, 0x0303, len(data))
            data = explicit + AESGCM(key).encrypt(iv + explicit, data, aad)
            self.wseq += 1
        self.sock.sendall(struct.pack(">BHH", t, 0x0303, len(data)) + data)

    def send_hs(self, *msgs):
        for m in msgs:
            self.transcript += m
        self.send(CT_HANDSHAKE, b"".join(msgs))

    def message(self):
        """The next handshake message (type, body); the transcript gets it."""
        while len(self.hsbuf) < 4 or len(self.hsbuf) < 4 + int.from_bytes(self.hsbuf[1:4], "big"):
            t, frag = self.record()
            if t != CT_HANDSHAKE:
                raise Abort("expected a handshake record, got type %d" % t)
            self.hsbuf += frag
        n = 4 + int.from_bytes(self.hsbuf[1:4], "big")
        m, self.hsbuf = self.hsbuf[:n], self.hsbuf[n:]
        self.transcript += m
        return m[0], m[4:]

    def request(self):
        """The request head, as fakeatl.Request."""
        head = b""
        while b"\r\n\r\n" not in head:
            t, frag = self.record()
            if t != CT_APPDATA:
                raise Abort("expected the request, got a record of type %d" % t)
            head += frag
        return F._parse_head(head[:head.index(b"\r\n\r\n") + 4])


def parse_client_hello(body):
    rnd = body[2:34]
    p = 34
    p += 1 + body[p]                                        # session id
    n = int.from_bytes(body[p:p + 2], "big")
    suites = [int.from_bytes(body[i:i + 2], "big") for i in range(p + 2, p + 2 + n, 2)]
    p += 2 + n
    p += 1 + body[p]                                        # compression methods
    ext = {}
    if p + 2 <= len(body):
        end = p + 2 + int.from_bytes(body[p:p + 2], "big")
        p += 2
        while p + 4 <= end:
            t, n = struct.unpack(">HH", body[p:p + 4])
            ext[t] = body[p + 4:p + 4 + n]
            p += 4 + n
    return rnd, suites, ext


class Server:
    """A threaded TLS 1.2 renegotiating server on 127.0.0.1 (see the module doc).
    reply: the HTTP reply bytes sent after the renegotiation. requests: fakeatl.Request
    of each request; errors: exceptions that are not the client going away (a bug here);
    events: what happened, for the rows."""

    def __init__(self, cert, key, mode, reply, cert2=None):
        self.chain = [x509.load_pem_x509_certificate(open(cert, "rb").read()).public_bytes(
            serialization.Encoding.DER)]
        self.chain2 = [x509.load_pem_x509_certificate(open(cert2, "rb").read()).public_bytes(
            serialization.Encoding.DER)] if cert2 else self.chain
        self.key = serialization.load_pem_private_key(open(key, "rb").read(), None)
        self.mode, self.reply = mode, reply
        self.events, self.errors, self.requests = [], [], []
        self.vars = {}
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(8)
        self.ls.settimeout(0.2)
        self.port = self.ls.getsockname()[1]
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def origin(self, host="localhost", scheme="https"):
        return "%s://%s:%d" % (scheme, host, self.port)

    def stop(self):
        self.stopped.set()
        for t in list(self.threads):
            t.join(5)
        self.ls.close()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                s, _ = self.ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(s,), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, s):
        s.settimeout(10)
        c = Conn(s)
        try:
            cv, sv = self.handshake(c, None, self.chain, False)
            req = c.request()
            req.scheme, req.local = "https", s.getsockname()[:2]
            self.requests.append(req)
            self.events.append("request")
            c.send(CT_HANDSHAKE, hs(HS_HELLO_REQUEST, b""))  # not part of any transcript
            c.transcript = b""
            got = self.handshake(c, (cv, sv), self.chain2 if self.mode == "newcert" else self.chain,
                                 self.mode == "certreq")
            if got:
                self.events.append("renegotiated")
                c.send(CT_APPDATA, self.reply)
        except Abort as e:
            self.events.append(str(e))
        except (OSError, ValueError) as e:
            self.events.append("%s: %s" % (type(e).__name__, e))
        except Exception as e:  # noqa: B902 - a bug in this server: reported by the rows
            self.errors.append(repr(e))
        finally:
            s.close()

    def handshake(self, c, verify_data, chain, ask_cert):
        """One full handshake (the first, or a renegotiation under the current keys).
        Returns (client verify_data, server verify_data), or None when it refused."""
        t, body = c.message()
        if t != HS_CLIENT_HELLO:
            raise Abort("expected a ClientHello, got %d" % t)
        crand, suites, ext = parse_client_hello(body)
        if SUITE not in suites:
            raise Abort("the client does not offer ECDHE-ECDSA-AES128-GCM-SHA256")
        if verify_data is None:
            if RENEGOTIATION_INFO not in ext and SCSV not in suites:
                raise Abort("no secure renegotiation from the client")
            ri = b"\x00"
        else:
            self.events.append("client hello (renegotiation)")
            if ext.get(RENEGOTIATION_INFO) != vec(verify_data[0], 1):
                raise Abort("renegotiation_info does not carry the client's verify_data")
            if self.mode == "refuse":
                c.send(CT_ALERT, bytes([2, ALERT_HANDSHAKE_FAILURE]))
                return None
            ri = vec(verify_data[0] + verify_data[1], 1)
        srand = os.urandom(32)
        exts = struct.pack(">HH", RENEGOTIATION_INFO, len(ri)) + ri
        hello = struct.pack(">H", 0x0303) + srand + b"\x00" + struct.pack(">HB", SUITE, 0) + vec(exts, 2)
        eph = ec.generate_private_key(ec.SECP256R1())
        point = eph.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
        params = struct.pack(">BH", 3, SECP256R1) + vec(point, 1)
        sig = self.key.sign(crand + srand + params, ec.ECDSA(hashes.SHA256()))
        msgs = [hs(HS_SERVER_HELLO, hello), hs(HS_CERTIFICATE, vec(b"".join(vec(d, 3) for d in chain), 3)),
                hs(HS_SKE, params + struct.pack(">H", ECDSA_SHA256) + vec(sig, 2))]
        if ask_cert:
            # certificate types rsa_sign, ecdsa_sign; signature algorithms; no CA names
            msgs.append(hs(HS_CERT_REQUEST, vec(b"\x01\x40", 1) + vec(b"\x04\x03\x08\x04\x04\x01", 2) +
                           vec(b"", 2)))
        msgs.append(hs(HS_HELLO_DONE, b""))
        c.send_hs(*msgs)
        t, body = c.message()
        if ask_cert:
            if t != HS_CERTIFICATE:
                raise Abort("expected the client's Certificate, got %d" % t)
            if body == b"\x00\x00\x00":
                self.events.append("empty client certificate")
                c.send(CT_ALERT, bytes([2, ALERT_HANDSHAKE_FAILURE]))
                return None
            self.events.append("client certificate")
            t, body = c.message()
        if t != HS_CKE:
            raise Abort("expected a ClientKeyExchange, got %d" % t)
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), body[1:1 + body[0]])
        pms = eph.exchange(ec.ECDH(), peer)
        master = prf(pms, b"master secret", crand + srand, 48)
        kb = prf(master, b"key expansion", srand + crand, 40)
        ckey, skey = (kb[0:16], kb[32:36]), (kb[16:32], kb[36:40])
        if ask_cert:
            t, _ = c.message()
            if t != HS_CERT_VERIFY:
                raise Abort("expected a CertificateVerify, got %d" % t)
        t, frag = c.record()
        if t != CT_CCS:
            raise Abort("expected ChangeCipherSpec, got %d" % t)
        c.rkey, c.rseq = ckey, 0
        before = hashlib.sha256(c.transcript).digest()
        t, body = c.message()
        if t != HS_FINISHED:
            raise Abort("expected Finished, got %d" % t)
        cverify = prf(master, b"client finished", before, 12)
        if body != cverify:
            raise Abort("the client's Finished does not verify")
        sverify = prf(master, b"server finished", hashlib.sha256(c.transcript).digest(), 12)
        c.send(CT_CCS, b"\x01")
        c.wkey, c.wseq = skey, 0
        c.send_hs(hs(HS_FINISHED, sverify))
        return cverify, sverify
