#!/usr/bin/env python3
"""The interop suite's PKI, made at test time with the `openssl` command.

One chain per certificate condition of the matrix (run.py), all for
localhost, 127.0.0.1 and ::1; every file is PEM:

    rsa2048       RSA-2048 leaf under an RSA-2048 root
    ecdsa-p256    ECDSA P-256 leaf under an ECDSA P-256 root
    ecdsa-p384    ECDSA P-384 leaf under an ECDSA P-384 root (signed ecdsa-with-SHA384)
    rsa4096-2int  RSA-4096 leaf, two RSA-4096 intermediates, RSA-4096 root
    rsa4096-5int  the same with five intermediates (the chain sent: leaf + 5)
    pss-signed    RSA-2048 key (rsaEncryption), certificate signed RSASSA-PSS by the RSA root
    rsa-pss-key   an id-RSASSA-PSS key (SubjectPublicKeyInfo), signed PKCS#1 v1.5 by the RSA root
    cert16k       ECDSA P-256 leaf padded with subjectAltNames so that its TLS 1.3
                  Certificate message is CERT16K_TARGET bytes (under the 16,384 a
                  record holds), under the P-256 root
    certbig       the same padded to CERTBIG_TARGET bytes (over 16 KB)
    client        client certificate (clientAuth) under its own ECDSA CA (clientca)

Each condition's chain is a Chain: .cert (leaf), .key, .chain (leaf +
intermediates, what a server sends), .ca (the root the client trusts),
.fullchain (chain + key, for HAProxy's crt).  `make_pki(dir)` makes it all,
the RSA-4096 keys in parallel (the slow part: about 10 s on 2 cores).
"""
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.dont_write_bytecode = True
from pki import _run, _par, concat  # noqa: E402  (the e2e PKI's openssl runner)

# The Certificate message sizes of the 16 KB conditions (TLS 1.3 framing: 4 bytes
# of handshake header, context, list length, per certificate 3 + DER + 2).  16,250
# fits one 16,384-byte record with room to spare and needs 32 records of 512 bytes
# (s_server's smallest -max_send_frag); 20,000 needs two full records anywhere.
CERT16K_TARGET = 16250
CERTBIG_TARGET = 20000
# Each padding subjectAltName is a DNS name of this many bytes + 2 of DER header.
SAN_PAD = "h%05d.pad.interop.example"

EXT = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

LEAF_EXT = """\
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1%s
"""


class Chain:
    def __init__(self, name, cert, key, chain, ca, fullchain):
        self.name, self.cert, self.key, self.chain, self.ca = name, cert, key, chain, ca
        self.fullchain = fullchain

    def __repr__(self):
        return "Chain(%s)" % self.name


class PKI:
    def __init__(self, d):
        self.dir = d
        self.chains = {}      # condition certificate name -> Chain
        self.clientca = None
        self.client = None    # Chain of the client certificate
        self.cert_msg_len = {}  # name -> TLS 1.3 Certificate message length of .chain


class _B:
    def __init__(self, d):
        self.d = os.path.abspath(d)
        os.makedirs(self.d, exist_ok=True)
        self.cnf = self.p("ext.cnf")
        with open(self.cnf, "w") as f:
            f.write(EXT)
        self.serial = 0x1000
        self.lock = threading.Lock()

    def p(self, n):
        return os.path.join(self.d, n)

    def key(self, name, kind):
        path = self.p(name + ".key")
        if kind == "p256" or kind == "p384":
            args = ["genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:" + ("P-256" if kind == "p256" else "P-384")]
        elif kind == "rsa-pss":
            args = ["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"]
        else:  # rsaNNNN
            args = ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + kind[3:]]
        _run(args + ["-out", path], self.d)
        os.chmod(path, 0o644)  # Apache's children read nothing, but keep it simple to audit
        return path

    def next_serial(self):
        with self.lock:
            self.serial += 1
            return str(self.serial)

    def root(self, name, key, cn, md):
        cert = self.p(name + ".pem")
        _run(["req", "-config", self.cnf, "-new", "-x509", "-key", key, "-out", cert,
              "-subj", "/O=atlwho interop/CN=" + cn, "-days", "30", "-" + md,
              "-extensions", "ca", "-set_serial", self.next_serial()], self.d)
        return cert

    def sign(self, name, key, cn, ca_cert, ca_key, section, md="sha256", pss=False, sans=()):
        csr, cert = self.p(name + ".csr"), self.p(name + ".pem")
        _run(["req", "-config", self.cnf, "-new", "-key", key, "-out", csr,
              "-subj", "/O=atlwho interop/CN=" + cn], self.d)
        extfile = self.cnf
        if section == "leaf":
            extfile = self.p(name + ".ext")
            with open(extfile, "w") as f:
                f.write(LEAF_EXT % "".join(",DNS:" + s for s in sans))
        args = ["x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-out", cert,
                "-days", "30", "-" + md, "-set_serial", self.next_serial(),
                "-extfile", extfile, "-extensions", section]
        if pss:
            args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
        _run(args, self.d)
        os.unlink(csr)
        return cert

    def cat(self, name, *files):
        return concat(self.p(name), *files)


def der_len(certfile, cwd):
    return len(_run(["x509", "-in", certfile, "-outform", "DER"], cwd))


def cert_msg_len(der_lens):
    """Length of a TLS 1.3 Certificate handshake message carrying these certificates."""
    return 4 + 1 + 3 + sum(3 + n + 2 for n in der_lens)


def make_pki(directory):
    b = _B(directory)
    pk = PKI(b.d)
    kinds = [("rsa2048-root", "rsa2048"), ("rsa2048", "rsa2048"), ("pss-signed", "rsa2048"),
             ("rsa-pss-key", "rsa-pss"), ("p256-root", "p256"), ("ecdsa-p256", "p256"),
             ("p384-root", "p384"), ("ecdsa-p384", "p384"), ("cert16k", "p256"),
             ("certbig", "p256"), ("clientca", "p256"), ("client", "p256"),
             ("rsa4096-root", "rsa4096")] + \
        [("rsa4096-int%d" % i, "rsa4096") for i in range(1, 6)] + \
        [("rsa4096-2int", "rsa4096"), ("rsa4096-5int", "rsa4096")]
    keys = dict(zip([k for k, _ in kinds], _par([(lambda k=k, t=t: b.key(k, t)) for k, t in kinds])))

    rsa_root = b.root("rsa2048-root", keys["rsa2048-root"], "interop RSA-2048 root", "sha256")
    p256_root = b.root("p256-root", keys["p256-root"], "interop P-256 root", "sha256")
    p384_root = b.root("p384-root", keys["p384-root"], "interop P-384 root", "sha384")
    r4096 = b.root("rsa4096-root", keys["rsa4096-root"], "interop RSA-4096 root", "sha256")
    pk.clientca = b.root("clientca", keys["clientca"], "interop client CA", "sha256")

    def leaf(name, ca, ca_key, md="sha256", pss=False, sans=(), inter=()):
        cert = b.sign(name, keys[name], "localhost", ca, ca_key, "leaf", md, pss, sans)
        chain = b.cat(name + "-chain.pem", cert, *inter)
        pk.chains[name] = Chain(name, cert, keys[name], chain, None,
                                b.cat(name + "-full.pem", chain, keys[name]))
        pk.cert_msg_len[name] = cert_msg_len([der_len(c, b.d) for c in (cert,) + tuple(inter)])
        return pk.chains[name]

    leaf("rsa2048", rsa_root, keys["rsa2048-root"]).ca = rsa_root
    leaf("pss-signed", rsa_root, keys["rsa2048-root"], pss=True).ca = rsa_root
    leaf("rsa-pss-key", rsa_root, keys["rsa2048-root"]).ca = rsa_root
    leaf("ecdsa-p256", p256_root, keys["p256-root"]).ca = p256_root
    leaf("ecdsa-p384", p384_root, keys["p384-root"], md="sha384").ca = p384_root

    # RSA-4096 root -> int1 -> ... -> int5; the 2-intermediate leaf hangs off int2.
    ints, issuer, issuer_key = [], r4096, keys["rsa4096-root"]
    for i in range(1, 6):
        n = "rsa4096-int%d" % i
        ints.append(b.sign(n, keys[n], "interop RSA-4096 intermediate %d" % i, issuer, issuer_key, "ca"))
        issuer, issuer_key = ints[-1], keys[n]
    leaf("rsa4096-2int", ints[1], keys["rsa4096-int2"], inter=(ints[1], ints[0])).ca = r4096
    leaf("rsa4096-5int", ints[4], keys["rsa4096-int5"], inter=tuple(reversed(ints))).ca = r4096

    # Padded leaves: one first guess, then one correction from the measured size.
    per_san = len(SAN_PAD % 0) + 2
    for name, target in (("cert16k", CERT16K_TARGET), ("certbig", CERTBIG_TARGET)):
        n = target // per_san
        for _ in range(4):
            c = leaf(name, p256_root, keys["p256-root"], sans=[SAN_PAD % i for i in range(n)])
            got = pk.cert_msg_len[name]
            if target - per_san < got <= target:
                break
            n += (target - got) // per_san if got < target else -((got - target + per_san - 1) // per_san)
        c.ca = p256_root
    cert = b.sign("client", keys["client"], "atlwho-interop-client", pk.clientca, keys["clientca"], "client")
    pk.client = Chain("client", cert, keys["client"], cert, pk.clientca,
                      b.cat("client-full.pem", cert, keys["client"]))
    return pk


if __name__ == "__main__":
    import time
    t = time.monotonic()
    pk = make_pki(sys.argv[1])
    for n, c in sorted(pk.chains.items()):
        print(n, c.chain, c.ca, "Certificate message", pk.cert_msg_len[n])
    print("made in %.1f s" % (time.monotonic() - t))
