# client.py: the Python peer of tests/bench/run.sh (standard library urllib).
# One HTTPS GET with the Authorization header, trusting only the CA file given,
# the body read in 64 KiB pieces and dropped.
# usage: python3 client.py CAFILE URL   (token from $ATLWHO_TOKEN)
#        python3 client.py --pin sha256//BASE64 URL   (no CA: only the server's
#        SubjectPublicKeyInfo is checked, before the request is sent)
import base64
import hashlib
import http.client
import os
import ssl
import sys
import urllib.parse
import urllib.request

HEADERS = {"Authorization": "Bearer " + os.environ.get("ATLWHO_TOKEN", ""),
           "Accept": "application/json"}


def tlv(der, i):
    """(start of value, end of value) of the DER element at i."""
    n = der[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(der[i:i + k], "big")
        i += k
    return i, i + n


def spki(cert):
    """The SubjectPublicKeyInfo element of a DER certificate."""
    i, _ = tlv(cert, 0)      # Certificate
    i, _ = tlv(cert, i)      # tbsCertificate
    if cert[i] == 0xA0:      # [0] version
        i = tlv(cert, i)[1]
    for _ in range(5):       # serial, signature, issuer, validity, subject
        i = tlv(cert, i)[1]
    return cert[i:tlv(cert, i)[1]]


def pinned(pin, url):
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the pin below is the whole trust
    conn = http.client.HTTPSConnection(u.hostname, u.port or 443, context=ctx)
    conn.connect()
    h = hashlib.sha256(spki(conn.sock.getpeercert(binary_form=True))).digest()
    if "sha256//" + base64.b64encode(h).decode() != pin:
        sys.exit("client.py: public key does not match the pin")
    conn.request("GET", u.path or "/", headers=HEADERS)
    return conn.getresponse()


if sys.argv[1] == "--pin":
    r = pinned(sys.argv[2], sys.argv[3])
else:
    ctx = ssl.create_default_context(cafile=sys.argv[1])
    r = urllib.request.urlopen(urllib.request.Request(sys.argv[2], headers=HEADERS), context=ctx)
with r:
    while r.read(65536):
        pass
    sys.exit(0 if r.status == 200 else 7)
