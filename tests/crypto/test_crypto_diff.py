#!/usr/bin/env python3
"""tests/crypto/test_crypto_diff.py: differential test of atlwho's patched
mbedTLS elliptic-curve arithmetic (carried patches 0100 and 0101).

usage: test_crypto_diff.py [--seed S] [-n N] [--batch B] [--emu QEMU]
                           PATCHED_ORACLE UNPATCHED_ORACLE

The two oracles are tests/crypto/ecp_oracle.c linked against the patched
libmbed.a that atlwho ships and against the same tarball built without
patches (same configuration, same flags). Every operation is one input line
sent to both; it passes when both answers are the same string AND equal
the reference answer:
  - OpenSSL (python3-cryptography): public keys from private values, ECDH
    and X25519 shared secrets, the verdict of every ECDSA verification, and
    OpenSSL's verification of every signature the oracle produced;
  - exact arithmetic in Python where OpenSSL has no such call: the expected
    ECDSA signature for the given nonce (r = x(kG) mod n with kG from
    OpenSSL, s = k^-1 (e + r d) mod n), point validity (check_pubkey), and
    m*G + n*Q (from OpenSSL when log_G(Q) is known, else affine arithmetic
    in Python, for the crafted points);
  - mbedTLS's documented refusals (a scalar outside [1, n-1], a peer point
    off the curve or with a coordinate >= p, a signature value outside
    [1, n-1]) by their error codes.

Counting: one operation = one line = one call of that operation into each
of the two mbedTLS builds (ecdh includes its mbedtls_ecp_check_pubkey; the
OpenSSL and Python references are not counted). One pass per operation; a
failed operation is printed with its input line, both answers and the
reference (the first few of each type, --max-print in all); an oracle that
exits non-zero is one failure more, and fails every line it did not answer.
The last line is "N passed, N failed"; the exit status is 1 on any failure.

Inputs are drawn from the seed (printed; --seed repeats a run): for each
operation type its edge cases come first (scalars 0..3 and n-3..n+1, limb
patterns that maximise carries, values above n and above 2^bits; points
whose x is near 0 or near p or a limb pattern reduced mod p, whose y is
near 0 or p, whose x^3 - 3x + b needs the field addition's subtraction of
p without a carry, and whose y*y takes the second carry fold of the P-256
reduction (P256_ROUND2_Y); m*G + n*Q that
doubles (n*Q = m*G) or vanishes (n*Q = -m*G); signatures with r or s = 0,
1, n-1, n, n+1 or huge; forged signatures that steer the verifier's u1 and
u2 into those cases; X25519 u-coordinates that are low-order, >= p or have
bit 255 set), then random ones. N is shared out by SHARES below: the cheap
operations (check_pubkey, and muladd with m, n in {-1, 0, 1}, which is one
point addition and a variable-time inversion) carry most of the count; the
scalar multiplications take most of the time.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    import cryptography
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.backends.openssl.backend import backend as ossl_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, utils, x25519
except ImportError as exc:  # a missing dependency fails the suite, visibly
    print(f"test_crypto_diff: python3-cryptography is needed ({exc})")
    print("0 passed, 1 failed")
    sys.exit(1)

# Share of N per operation type (sums to 1).
SHARES = {
    "p256 chk": 0.20, "p384 chk": 0.15,
    "p256 add": 0.20, "p384 add": 0.12,
    "p256 pub": 0.045, "p384 pub": 0.012,
    "p256 ecdh": 0.035, "p384 ecdh": 0.01,
    "p256 sign": 0.035, "p384 sign": 0.01,
    "p256 ver": 0.05, "p384 ver": 0.012,
    "p256 mad": 0.03, "p384 mad": 0.008,
    "x25519 pub": 0.028, "x25519 ecdh": 0.055,
}

PRINT_PER_KIND = 4              # failures printed per operation type
INVALID_KEY = "err -0x4c80"     # MBEDTLS_ERR_ECP_INVALID_KEY
VERIFY_FAILED = "err -0x4e00"   # MBEDTLS_ERR_ECP_VERIFY_FAILED
RANDOM_FAILED = "err -0x4d00"   # the oracle's nonce source refused a 2nd draw
REJECT = "reject -0x4c80"       # check_pubkey refused an ECDH peer


# --- curves ---

class Curve:
    """A NIST prime curve y^2 = x^3 + ax + b over GF(p) of prime order n."""

    def __init__(self, name, p, b, n, g, ossl, hashalg):
        self.name, self.p, self.a, self.b, self.n, self.g = name, p, p - 3, b, n, g
        self.bits = p.bit_length()
        self.size = (self.bits + 7) // 8          # field and hash bytes
        self.nsize = (n.bit_length() + 7) // 8
        self.ossl, self.hashalg = ossl, hashalg

    def rhs(self, x):
        return (x * x * x + self.a * x + self.b) % self.p

    def valid(self, pt):
        """what mbedtls_ecp_check_pubkey() accepts: coordinates in [0, p), on the curve"""
        x, y = pt
        return 0 <= x < self.p and 0 <= y < self.p and y * y % self.p == self.rhs(x)

    def sqrt(self, v):
        """a square root mod p (p = 3 mod 4 for both curves), or None"""
        y = pow(v, (self.p + 1) // 4, self.p)
        return y if y * y % self.p == v % self.p else None


P256 = Curve(
    "p256", 2**256 - 2**224 + 2**192 + 2**96 - 1,
    0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b,
    0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551,
    (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
     0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5),
    ec.SECP256R1(), hashes.SHA256())
P384 = Curve(
    "p384", 2**384 - 2**128 - 2**96 + 2**32 - 1,
    0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef,
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973,
    (0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7,
     0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f),
    ec.SECP384R1(), hashes.SHA384())
X25519_P = 2**255 - 19
# u-coordinates of the points of order 8 (cr.yp.to/ecdh.html#validate)
X25519_ORDER8 = (325606250916557431795983626356110631294008115727848805560023387167927233504,
                 39382357235489614581723060781553021112529911719440698176882885853963445705823)


# --- affine arithmetic in Python (None is the point at infinity) ---

def padd(c, P, Q):
    if P is None:
        return Q
    if Q is None:
        return P
    (x1, y1), (x2, y2), p = P, Q, c.p
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None
        lam = (3 * x1 * x1 + c.a) * pow(2 * y1, -1, p) % p
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return x3, (lam * (x1 - x3) - y1) % p


def pneg(c, P):
    return None if P is None else (P[0], (c.p - P[1]) % c.p)


def pmul(c, k, P):
    """k*P by double and add (k reduced mod n: every point has order n)"""
    R = None
    for bit in bin(k % c.n)[2:]:
        R = padd(c, R, R)
        if bit == "1":
            R = padd(c, R, P)
    return R


def scale_small(c, m, P):
    """m*P for m in {-1, 0, 1}"""
    return {0: None, 1: P, -1: pneg(c, P)}[m]


# --- OpenSSL references ---

def ossl_pub(c, d):
    pn = ec.derive_private_key(d, c.ossl).public_key().public_numbers()
    return pn.x, pn.y


def ossl_pubkey(c, pt):
    return ec.EllipticCurvePublicNumbers(pt[0], pt[1], c.ossl).public_key()


def ossl_ecdh(c, d, pt):
    return ec.derive_private_key(d, c.ossl).exchange(ec.ECDH(), ossl_pubkey(c, pt))


def ossl_verify(c, pub, hash_, r, s):
    try:
        pub.verify(utils.encode_dss_signature(r, s), hash_,
                   ec.ECDSA(utils.Prehashed(c.hashalg)))
        return True
    except InvalidSignature:
        return False


def ossl_x25519_pub(k):
    pub = x25519.X25519PrivateKey.from_private_bytes(k).public_key()
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ossl_x25519(k, u):
    """the shared secret, or None where OpenSSL refuses (an all-zero result)"""
    try:
        return x25519.X25519PrivateKey.from_private_bytes(k).exchange(
            x25519.X25519PublicKey.from_public_bytes(u))
    except ValueError:
        return None


# --- formatting as the oracle reads and prints ---

def hx(v):
    return f"-{-v:x}" if v < 0 else f"{v:x}"


def fmt_pt(c, P):
    return "zero" if P is None else f"pt {P[0]:0{2 * c.size}x} {P[1]:0{2 * c.size}x}"


class Op:
    """one line for the oracles, the reference answer, and an optional
    check of the answer itself (returns an error text or None)"""
    __slots__ = ("kind", "line", "want", "post")

    def __init__(self, kind, line, want, post=None):
        self.kind, self.line, self.want, self.post = kind, line, want, post


# --- edge values ---

WORDS64 = (0xffffffff00000000, 0x00000000ffffffff, 0xffffffffffffffff,
           0x8000000000000000, 0x0000000000000001, 0x5555555555555555,
           0xaaaaaaaaaaaaaaaa, 0xfffffffffffffffe, 0x7fffffffffffffff,
           0xffff0000ffff0000, 0x0000000100000000, 0xfffffffeffffffff)


def patterns(bits):
    """one 64-bit word repeated, and all-ones and zero limbs alternating, over bits"""
    mask, out = 2**bits - 1, []
    for w in WORDS64:
        out.append(sum(w << (64 * i) for i in range((bits + 63) // 64)) & mask)
    for ones_first in (0, 1):
        out.append(sum(((2**64 - 1) << (64 * i)) for i in range(ones_first, (bits + 63) // 64, 2)) & mask)
    return out


def unique(values):
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def scalar_edges(c):
    """scalars around 0 and n, powers of two, limb patterns; the ones >= n,
    and p, 2^(bits+1)-1 and a 601-bit value, are refused by mbedTLS"""
    n, B = c.n, c.bits
    v = [0, 1, 2, 3, n - 3, n - 2, n - 1, n, n + 1, (n - 1) // 2, (n + 1) // 2, n // 3]
    v += [2**k for k in (B - 1, B - 2, B // 2, 128, 64, 63, 32, 31)]
    v += [2**k - 1 for k in (B, B - 1, B // 2, 128, 64, 32)]
    v += [n - 2**k for k in (32, 64, 128)] + patterns(B)
    v += [c.p, c.p - 1, 2**(B + 1) - 1, 2**600 + 1]
    return unique(v)


def x_edges(c):
    """x near 0, near p, and patterns reduced mod p"""
    B = c.bits
    xs = list(range(48)) + [c.p - 1 - k for k in range(48)]
    xs += [v % c.p for v in patterns(B) + [2**255 - 1, 2**256 - 1, 2**384 - 1]]
    xs += [2**k + d for k in (32, 64, 96, 128, 192, 224, 256, 288, 320) if k < B for d in (-1, 0, 1)]
    xs += [c.p - 2**k for k in (32, 96, 128, 224) if k < B]
    return unique(x % c.p for x in xs)


# --- roots of x^3 - 3x + t mod p: points with a chosen y or x^3 - 3x ---
# Polynomials are coefficient lists, lowest degree first, reduced mod p.

def poly_trim(a):
    while a and a[-1] == 0:
        a.pop()
    return a


def poly_divmod(a, m, p):
    """(quotient, remainder) of a by m"""
    a, inv = list(a), pow(m[-1], -1, p)
    q = [0] * max(len(a) - len(m) + 1, 0)
    for i in range(len(a) - len(m), -1, -1):
        f = a[i + len(m) - 1] * inv % p
        q[i] = f
        for j, mj in enumerate(m):
            a[i + j] = (a[i + j] - f * mj) % p
    return q, poly_trim(a[:len(m) - 1])


def poly_mulmod(a, b, m, p):
    r = [0] * (len(a) + len(b))
    for i, ai in enumerate(a):
        for j, bj in enumerate(b):
            r[i + j] += ai * bj
    return poly_divmod(poly_trim([v % p for v in r]), m, p)[1]


def poly_powmod(a, e, m, p):
    r = [1]
    for bit in bin(e)[2:]:
        r = poly_mulmod(r, r, m, p)
        if bit == "1":
            r = poly_mulmod(r, a, m, p)
    return r


def poly_gcd(a, b, p):
    while b:
        a, b = b, poly_divmod(a, b, p)[1]
    inv = pow(a[-1], -1, p)
    return [v * inv % p for v in a]


def poly_sub_x(a, p):
    """a - x"""
    a = a + [0] * (2 - len(a))
    a[1] = (a[1] - 1) % p
    return poly_trim(a)


def roots(f, p, rng):
    """the distinct roots in GF(p) of a monic f (Cantor-Zassenhaus)"""
    g = poly_gcd(f, poly_sub_x(poly_powmod([0, 1], p, f, p), p), p)
    return split(g, p, rng)


def split(g, p, rng):
    if len(g) <= 1:
        return []
    if len(g) == 2:
        return [-g[0] % p]
    while True:
        h = poly_powmod([rng.randrange(p), 1], (p - 1) // 2, g, p)
        h = poly_gcd(g, poly_trim([(h[0] - 1) % p] + h[1:]) if h else [p - 1], p)
        if 1 < len(h) < len(g):
            return split(h, p, rng) + split(poly_divmod(g, h, p)[0], p, rng)


def x_for(c, t, rng):
    """the x with x^3 - 3x = t mod p"""
    return roots([-t % c.p, c.p - 3, 0, 1], c.p, rng)


def points_with_y(c, ys, rng):
    """y^2 = x^3 - 3x + b: x^3 - 3x = y^2 - b"""
    return [(x, y) for y in ys for x in x_for(c, y * y - c.b, rng)]


def points_rhs_window(c, ts, rng):
    """points whose x^3 - 3x mod p is t, for t + b in [p, 2^bits): where
    check_pubkey's last addition (+ b) needs the subtraction of p without
    a carry out of the top limb, which random points never reach (the
    window is 2^-32 of the field for P-256, 2^-256 for P-384)"""
    pts = []
    for t in ts:
        y = c.sqrt(t + c.b - c.p)
        if y is not None:
            pts += [(x, v) for x in x_for(c, t, rng) for v in (y, c.p - y)]
    return pts


# mbedtls_ecp_mod_p256_raw() (upstream's, and patch 0100's 64-bit copy of
# it) folds the carry c of its 32-bit chunk sums back twice: X = X0 + c R,
# R = 2^256 mod p. The second fold has a carry only when the first leaves X
# outside [0, 2^256), for about 2^-31 of products: no random input takes
# that path. These y were found by a brute-force search (8 * 10^9 random y,
# the chunk arithmetic in C: four hits, all with carry -1); check_pubkey
# computes y*y first, and the model below proves at start-up that each one
# still takes the second carry.
P256_ROUND2_Y = (
    0x04302e3822ddee7db778d9fd42f6257b5c91a8cb310858565690bb5f103e7596,
    0x2b07662175ecf7b347cc3f12e597c3f95c9190d5b6d4c779c8e02f885a52b812,
    0x09854f90d485ad9cfd41df034b956869879ac6bd08d40cc72b3f0cbdb4b46012,
    0x6e5bb6969d6fc3fc0a616f8a6abcf886999fb4d80b7308b55e5ad96245c44a89,
)
# (chunk, added chunks, subtracted chunks) of the first pass, FIPS 186-3 D.2.3
P256_CHUNKS = ((0, (8, 9), (11, 12, 13, 14)), (1, (9, 10), (12, 13, 14, 15)),
               (2, (10, 11), (13, 14, 15)), (3, (11, 11, 12, 12, 13), (15, 8, 9)),
               (4, (12, 12, 13, 13, 14), (9, 10)), (5, (13, 13, 14, 14, 15), (10, 11)),
               (6, (14, 14, 15, 15, 14, 13), (8, 9)), (7, (15, 15, 15, 8), (10, 11, 12, 13)))


def p256_second_carry(t):
    """the carry of the second fold when reducing the product t"""
    a = [(t >> (32 * j)) & 0xffffffff for j in range(16)]
    s = sum((a[i] + sum(a[j] for j in add) - sum(a[j] for j in sub)) << (32 * i)
            for i, add, sub in P256_CHUNKS)
    r = 2**224 - 2**192 - 2**96 + 1
    return (s % 2**256 + (s >> 256) * r) >> 256


def edge_points(c, rng):
    """G, -G, 2G; the points whose y is in P256_ROUND2_Y or near 0 or p,
    whose x^3 - 3x puts x^3 - 3x + b in [p, 2^bits), and whose x is an edge
    value (both y); the most targeted first, for short runs"""
    pts = [c.g, pneg(c, c.g), padd(c, c.g, c.g)]
    ys = list(range(1, 9)) + [c.p - k for k in range(1, 9)]
    if c is P256:
        assert all(p256_second_carry(y * y) != 0 for y in P256_ROUND2_Y)
        ys = list(P256_ROUND2_Y) + ys
    pts += points_with_y(c, ys, rng)
    lo, hi = c.p - c.b, 2**c.bits - c.b
    ts = [lo + k for k in range(6)] + [hi - 1 - k for k in range(6)]
    ts += [rng.randrange(lo, hi) for _ in range(12)]
    pts += points_rhs_window(c, ts, rng)
    for x in x_edges(c):
        y = c.sqrt(c.rhs(x))
        if y is not None:
            pts += [(x, y)] if y == 0 else [(x, y), (x, c.p - y)]
    return unique(pts)


def invalid_variants(c, pt):
    """near misses of a valid point: off the curve, or a coordinate >= p
    (which names the same residue: mbedTLS refuses it)"""
    x, y = pt
    return [(x, (y + 1) % c.p), ((x + 1) % c.p, y), (x + c.p, y), (x, y + c.p),
            (x, 0), (0, y), (c.p, y), (x, c.p), (x, 2**600 + y)]


class Pools:
    """per curve: crafted points (log_G unknown) and points of known log"""

    def __init__(self, c, rng):
        # the curve constants above, against themselves and OpenSSL
        assert c.valid(c.g) and ossl_pub(c, 1) == c.g and ossl_pub(c, 2) == padd(c, c.g, c.g), c.name
        self.c = c
        self.crafted = edge_points(c, rng)
        logs = [1, 2, 3, c.n - 1, c.n - 2, c.n - 3, (c.n - 1) // 2, (c.n + 1) // 2]
        logs += [v for v in patterns(c.bits) if 0 < v < c.n]
        logs += [rng.randrange(1, c.n) for _ in range(32)]
        self.known = [(q, ossl_pub(c, q)) for q in unique(logs)]

    def walk(self, rng, steps):
        """random-looking points of known log, one Python addition each:
        Q, Q + G, Q + 2G, ... from a random known point"""
        q, Q = rng.choice(self.known)
        for _ in range(steps):
            yield q, Q
            q, Q = (q + 1) % self.c.n, padd(self.c, Q, self.c.g)
            if Q is None:   # walked from -G to infinity: go on from G
                q, Q = 1, self.c.g


# --- operation generators: edge cases first, then random, without end ---

def walker(pools, rng):
    """an endless walk, restarted now and then at another known point"""
    while True:
        yield from pools.walk(rng, 64)


def gen_chk(c, pools, rng):
    def op(pt):
        return Op(f"{c.name} chk", f"chk {c.name} {hx(pt[0])} {hx(pt[1])}",
                  "ok" if c.valid(pt) else INVALID_KEY)
    for pt in pools.crafted:
        yield op(pt)
        for bad in invalid_variants(c, pt):
            yield op(bad)
    yield op((0, 0))
    for _, Q in walker(pools, rng):
        roll = rng.random()
        if roll < 0.6:
            yield op(Q)
        elif roll < 0.8:
            yield op((Q[0], Q[1] ^ (1 << rng.randrange(c.bits))))
        else:
            yield op((Q[0] ^ (1 << rng.randrange(c.bits)), Q[1]))


SMALL = (-1, 0, 1)


def add_op(c, m, n, Q):
    R = padd(c, scale_small(c, m, c.g), scale_small(c, n, Q))
    return Op(f"{c.name} add", f"mad {c.name} {hx(m)} {hx(n)} {hx(Q[0])} {hx(Q[1])}", fmt_pt(c, R))


def gen_add(c, pools, rng):
    """m*G + n*Q with m, n in {-1, 0, 1}: one addition (G + G doubles,
    G - G vanishes) and the normalisation"""
    for Q in pools.crafted + [Q for _, Q in pools.known]:
        for m in SMALL:
            for n in SMALL:
                yield add_op(c, m, n, Q)
    for _, Q in walker(pools, rng):
        yield add_op(c, rng.choice((1, -1)), rng.choice((1, -1)), Q)


def valid_scalar(c, d):
    return 1 <= d < c.n


def pub_op(c, d):
    want = fmt_pt(c, ossl_pub(c, d)) if valid_scalar(c, d) else INVALID_KEY
    return Op(f"{c.name} pub", f"pub {c.name} {hx(d)}", want)


def random_scalar(c, rng):
    """mostly in [1, n), sometimes any bits-long value (then maybe >= n)"""
    return rng.randrange(1, c.n) if rng.random() < 0.97 else rng.getrandbits(c.bits)


def gen_pub(c, pools, rng):
    for d in scalar_edges(c):
        yield pub_op(c, d)
    while True:
        yield pub_op(c, random_scalar(c, rng))


def ecdh_op(c, d, Q):
    if not c.valid(Q):
        want = REJECT
    elif not valid_scalar(c, d):
        want = INVALID_KEY
    else:
        want = "z " + ossl_ecdh(c, d, Q).hex()
    return Op(f"{c.name} ecdh", f"ecdh {c.name} {hx(d)} {hx(Q[0])} {hx(Q[1])}", want)


def gen_ecdh(c, pools, rng):
    _, Q0 = pools.known[-1]
    for d in scalar_edges(c):
        yield ecdh_op(c, d, Q0)
    for Q in pools.crafted + [Q for _, Q in pools.known[:8]]:
        yield ecdh_op(c, rng.randrange(1, c.n), Q)
    for Q in invalid_variants(c, Q0) + invalid_variants(c, c.g):
        yield ecdh_op(c, rng.randrange(1, c.n), Q)
    walk = walker(pools, rng)
    while True:
        Q = rng.choice(pools.crafted) if rng.random() < 0.1 else next(walk)[1]
        yield ecdh_op(c, random_scalar(c, rng), Q)


def hash_edges(c):
    h = c.size
    return [bytes(h), b"\xff" * h, (1).to_bytes(h, "big"), c.n.to_bytes(h, "big"),
            (c.n - 1).to_bytes(h, "big"), (c.n + 1).to_bytes(h, "big")]


def sign_expect(c, d, k, hash_):
    """(reference answer, public key of d or None)"""
    if not valid_scalar(c, d):
        return INVALID_KEY, None
    if not valid_scalar(c, k):
        return RANDOM_FAILED, None
    n, e = c.n, int.from_bytes(hash_, "big")
    r = ossl_pub(c, k)[0] % n
    s = pow(k, -1, n) * (e + r * d) % n
    if s == 0:   # mbedTLS draws another nonce, which the oracle refuses
        return RANDOM_FAILED, None
    return f"sig {r:0{2 * c.nsize}x} {s:0{2 * c.nsize}x}", ossl_pub(c, d)


def sign_op(c, d, k, hash_):
    want, pub = sign_expect(c, d, k, hash_)
    post = None
    if pub is not None:
        def post(out):
            _, r, s = out.split()
            ok = ossl_verify(c, ossl_pubkey(c, pub), hash_, int(r, 16), int(s, 16))
            return None if ok else "OpenSSL does not verify this signature"
    return Op(f"{c.name} sign", f"sign {c.name} {hx(d)} {hx(k)} {hash_.hex()}", want, post)


def gen_sign(c, pools, rng):
    def rh():
        return rng.randbytes(c.size)
    for d in scalar_edges(c):
        yield sign_op(c, d, rng.randrange(1, c.n), rh())
    for k in scalar_edges(c):
        if k < 2**c.bits:   # the nonce is handed over as the byte length of n
            yield sign_op(c, rng.randrange(1, c.n), k, rh())
    for h in hash_edges(c):
        yield sign_op(c, rng.randrange(1, c.n), rng.randrange(1, c.n), h)
    for _ in range(2):      # e + r d = 0 mod n: s = 0, mbedTLS must not return it
        k, h = rng.randrange(1, c.n), rh()
        r = ossl_pub(c, k)[0] % c.n
        yield sign_op(c, -int.from_bytes(h, "big") * pow(r, -1, c.n) % c.n, k, h)
    while True:
        yield sign_op(c, random_scalar(c, rng), rng.randrange(1, c.n), rh())


def ver_op(c, Q, hash_, r, s, truth=None):
    """the reference is OpenSSL's verdict; truth, when the signature was
    built to be valid or invalid, must agree with it"""
    ok = ossl_verify(c, ossl_pubkey(c, Q), hash_, r, s)
    line = f"ver {c.name} {hx(Q[0])} {hx(Q[1])} {hash_.hex()} {hx(r)} {hx(s)}"
    post = None
    if truth is not None and truth != ok:
        def post(_out):
            return f"reference disagreement: built {'valid' if truth else 'invalid'}, OpenSSL says {ok}"
    return Op(f"{c.name} ver", line, "ok" if ok else VERIFY_FAILED, post)


def genuine(c, rng, q):
    """a signature by q with a random nonce: (hash, r, s)"""
    k, h = rng.randrange(1, c.n), rng.randbytes(c.size)
    r = ossl_pub(c, k)[0] % c.n
    s = pow(k, -1, c.n) * (int.from_bytes(h, "big") + r * q) % c.n
    return h, r, s


def forged(c, q, Q, u1, u2):
    """(hash, r, s) that make the verifier compute u1 = e/s, u2 = r/s:
    R = u1 G + u2 Q = (u1 + u2 q) G; valid unless R is the point at
    infinity (then r, s are any, e = -r q)"""
    n, k = c.n, (u1 + u2 * q) % c.n
    if k == 0:
        r, s = 0x1234567 % n, 0x7654321 % n
        return (-r * q % n).to_bytes(c.size, "big"), r, s, False
    r = ossl_pub(c, k)[0] % n
    s = r * pow(u2, -1, n) % n
    return (u1 * s % n).to_bytes(c.size, "big"), r, s, True


def tamper(c, rng, h, r, s):
    """one change to a valid signature; r or s out of range, a flipped bit,
    or s -> n - s (still valid: ECDSA signatures are malleable)"""
    n, specials = c.n, (0, 1, c.n - 1, c.n, c.n + 1, 2**600 + 1)
    roll = rng.randrange(6)
    if roll == 0:
        return h, rng.choice(specials), s
    if roll == 1:
        return h, r, rng.choice(specials)
    if roll == 2:
        return h, r ^ (1 << rng.randrange(c.bits)), s
    if roll == 3:
        return h, r, s ^ (1 << rng.randrange(c.bits))
    if roll == 4:
        b = bytearray(h)
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return bytes(b), r, s
    return h, r, n - s


def gen_ver(c, pools, rng):
    q, Q = pools.known[-1]
    n = c.n
    u_edges = [0, 1, 2, n - 1, n - 2, (n + 1) // 2] + [v % n for v in patterns(c.bits)]
    for u1 in u_edges:
        for u2 in (1, 2, n - 1, rng.randrange(1, n)):
            h, r, s, ok = forged(c, q, Q, u1, u2)
            yield ver_op(c, Q, h, r, s, ok)
    for u2 in (1, 2, n - 1, rng.randrange(1, n), rng.randrange(1, n)):
        for u1 in (u2 * q % n, -u2 * q % n):   # u1 G = u2 Q: doubling; = -u2 Q: infinity
            h, r, s, ok = forged(c, q, Q, u1, u2)
            yield ver_op(c, Q, h, r, s, ok)
    h, r, s = genuine(c, rng, q)
    for bad in (0, 1, n - 1, n, n + 1, 2**600 + 1):
        yield ver_op(c, Q, h, bad, s, False if bad in (0, n, n + 1, 2**600 + 1) else None)
        yield ver_op(c, Q, h, r, bad, False if bad in (0, n, n + 1, 2**600 + 1) else None)
    while True:
        q, Q = rng.choice(pools.known)
        roll = rng.random()
        if roll < 0.4:
            yield ver_op(c, Q, *genuine(c, rng, q), True)
        elif roll < 0.8:
            yield ver_op(c, Q, *tamper(c, rng, *genuine(c, rng, q)))
        else:
            h, r, s, ok = forged(c, q, Q, rng.randrange(n), rng.randrange(1, n))
            yield ver_op(c, Q, h, r, s, ok)


def mad_valid(c, v):
    return v in SMALL or valid_scalar(c, v)


def mad_op(c, m, n, Q, q=None):
    """m*G + n*Q; from OpenSSL when q = log_G(Q) is known, else in Python"""
    if not (mad_valid(c, m) and mad_valid(c, n)):
        want = INVALID_KEY
    elif q is not None:
        k = (m + n * q) % c.n
        want = fmt_pt(c, ossl_pub(c, k) if k else None)
    else:
        want = fmt_pt(c, padd(c, pmul(c, m, c.g), pmul(c, n, Q)))
    return Op(f"{c.name} mad", f"mad {c.name} {hx(m)} {hx(n)} {hx(Q[0])} {hx(Q[1])}", want)


def gen_mad(c, pools, rng):
    q, Q = pools.known[-1]
    N = c.n
    edges = scalar_edges(c) + [-1, -2]
    for m in edges:
        yield mad_op(c, m, rng.randrange(2, N), Q, q)
        yield mad_op(c, rng.randrange(2, N), m, Q, q)
    for n in [2, 3, N - 1, N - 2] + [rng.randrange(2, N) for _ in range(4)]:
        yield mad_op(c, n, n, c.g, 1)                  # m G = n G: doubling
        yield mad_op(c, N - n, n, c.g, 1)              # m G = -n G: infinity
        yield mad_op(c, n * q % N, n, Q, q)            # m G = n Q: doubling
        yield mad_op(c, -n * q % N, n, Q, q)           # infinity
    for P in pools.crafted[:24]:                       # log unknown: Python
        yield mad_op(c, rng.randrange(2, N), rng.randrange(2, N), P)
    while True:
        if rng.random() < 0.05:
            yield mad_op(c, rng.randrange(2, N), rng.randrange(2, N), rng.choice(pools.crafted))
        else:
            q, Q = rng.choice(pools.known)
            yield mad_op(c, random_scalar(c, rng), random_scalar(c, rng), Q, q)


# --- X25519 ---

def le32(v):
    return (v % 2**256).to_bytes(32, "little")


def x25519_scalar_edges():
    return [bytes(32), b"\xff" * 32, le32(1), le32(2**254), le32(2**255 - 1), le32(X25519_P),
            le32(X25519_P - 1), le32(8), le32(2**254 + 8)] + [le32(v) for v in patterns(256)]


def x25519_u_edges():
    p = X25519_P
    us = list(range(24)) + [p - 1 - k for k in range(24)] + [p + k for k in range(19)]
    us += [2**255 - 1, 2**255, 2**255 + 9, 2**256 - 1, 2**254, 2**128 - 1]
    us += list(X25519_ORDER8) + [u + p for u in X25519_ORDER8 if u + p < 2**255]
    us += patterns(255) + patterns(256)
    return [le32(u) for u in unique(us)]


def x25519_pub_op(k):
    return Op("x25519 pub", f"pub x25519 {k.hex()}", "u " + ossl_x25519_pub(k).hex())


def x25519_ecdh_op(k, u):
    z = ossl_x25519(k, u)
    return Op("x25519 ecdh", f"ecdh x25519 {k.hex()} {u.hex()}", REJECT if z is None else "z " + z.hex())


def gen_x25519_pub(rng):
    for k in x25519_scalar_edges():
        yield x25519_pub_op(k)
    while True:
        yield x25519_pub_op(rng.randbytes(32))


def gen_x25519_ecdh(rng):
    base = ossl_x25519_pub(rng.randbytes(32))
    for u in x25519_u_edges():
        yield x25519_ecdh_op(rng.randbytes(32), u)
    for k in x25519_scalar_edges():
        yield x25519_ecdh_op(k, base)
    while True:
        roll = rng.random()
        u = rng.randbytes(32) if roll < 0.5 else ossl_x25519_pub(rng.randbytes(32))
        yield x25519_ecdh_op(rng.randbytes(32), u)


def generators(seed):
    """one endless generator per operation type, each with its own stream"""
    def rng(kind):
        return random.Random(f"{seed}:{kind}")
    gens = {}
    for c in (P256, P384):
        pools = Pools(c, rng(f"{c.name} pools"))
        for kind, fn in (("chk", gen_chk), ("add", gen_add), ("pub", gen_pub), ("ecdh", gen_ecdh),
                         ("sign", gen_sign), ("ver", gen_ver), ("mad", gen_mad)):
            name = f"{c.name} {kind}"
            gens[name] = fn(c, pools, rng(name))
    gens["x25519 pub"] = gen_x25519_pub(rng("x25519 pub"))
    gens["x25519 ecdh"] = gen_x25519_ecdh(rng("x25519 ecdh"))
    return gens


def schedule(seed, total):
    """the operation types of the run, in a seeded random order, each type
    as often as its share of total says (rounding errors go to p256 chk)"""
    kinds, whole = [], sum(SHARES.values())
    for kind, share in SHARES.items():
        kinds += [kind] * round(total * share / whole)
    kinds = kinds[:total] + ["p256 chk"] * (total - len(kinds))
    random.Random(f"{seed}:schedule").shuffle(kinds)
    return kinds


# --- running the oracles ---

class OracleRun:
    """one oracle on one batch: input and output through files, so that it
    never waits for this (busy, single-threaded) process to feed a pipe"""

    def __init__(self, cmd, in_path, out_path):
        self.cmd, self.out_path, self.lines = cmd, out_path, []
        try:
            with open(in_path, "rb") as fin, open(out_path, "wb") as fout:
                self.proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE)
            self.error = None
        except OSError as exc:
            self.proc, self.error = None, f"cannot run {' '.join(cmd)}: {exc}"

    def result(self):
        """(answer lines, None) or (the lines it gave, why it stopped)"""
        if self.proc is None:
            return self.lines, self.error
        err = self.proc.communicate()[1].decode(errors="replace").strip()
        with open(self.out_path, encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
        if self.proc.returncode != 0:
            self.error = f"{os.path.basename(self.cmd[-1])} exited {self.proc.returncode} {err[:200]}"
        self.proc = None
        self.lines = lines
        return lines, self.error


class Tally:
    def __init__(self, max_print):
        self.passed, self.failed, self.printed, self.max_print = 0, 0, 0, max_print
        self.by_kind = {}

    def record(self, op, problem, got):
        row = self.by_kind.setdefault(op.kind, [0, 0])
        row[0] += 1
        if problem is None:
            self.passed += 1
            return
        row[1] += 1
        self.failed += 1
        # the first failures of every type, up to max_print in all
        if row[1] <= PRINT_PER_KIND and self.printed < self.max_print:
            self.printed += 1
            print(f"FAIL {op.kind}: {problem}\n  input:     {op.line}")
            for label, answer in zip(("patched:", "unpatched:"), got):
                print(f"  {label:<10} {answer}")
            print(f"  reference: {op.want}")


def judge(op, a, b):
    """None if both answers agree with each other and the reference"""
    if a is None or b is None:
        return "no answer from an oracle"
    if a != b:
        return "patched and unpatched mbedTLS disagree"
    if op.want is not None and a != op.want:
        return "mbedTLS disagrees with the reference"
    return op.post(a) if op.post is not None else None


def compare(batch, runs, tally):
    results = [run.result() for run in runs]
    for (lines, why), label in zip(results, ("patched", "unpatched")):
        if why is not None:   # one failure for the oracle, more for its lost lines
            tally.failed += 1
            print(f"FAIL oracle ({label}): {why}; {len(batch) - len(lines)} of {len(batch)} lines unanswered"
                  + (f"; the first: {batch[len(lines)].line}" if len(lines) < len(batch) else ""))
    for i, op in enumerate(batch):
        got = [lines[i] if i < len(lines) else None for lines, _ in results]
        tally.record(op, judge(op, *got), got)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100000, help="operations (default 100000)")
    ap.add_argument("--seed", type=int, default=None, help="input seed (default: random, printed)")
    ap.add_argument("--batch", type=int, default=2000, help="lines per oracle run")
    ap.add_argument("--emu", default=None, help="emulator to run the oracles with (qemu-*-static)")
    ap.add_argument("--max-print", type=int, default=40, help="failures printed in full")
    ap.add_argument("patched")
    ap.add_argument("unpatched")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(6), "big")
    cmds = [([args.emu] if args.emu else []) + [b] for b in (args.patched, args.unpatched)]
    print(f"seed {seed} (repeat with --seed {seed}); {args.n} operations; "
          f"cryptography {cryptography.__version__}, {ossl_backend.openssl_version_text()}"
          + (f"; oracles under {args.emu}" if args.emu else ""))
    start = time.time()
    gens, kinds, tally = generators(seed), schedule(seed, args.n), Tally(args.max_print)
    # Pipeline: while both oracles answer one batch, the next is generated
    # with its references (OpenSSL, Python): three processes on two cores.
    with tempfile.TemporaryDirectory(prefix="crypto-diff.") as tmp:
        pending = None
        for at in range(0, len(kinds), args.batch):
            batch = [next(gens[k]) for k in kinds[at:at + args.batch]]
            slot = (at // args.batch) % 2
            in_path = os.path.join(tmp, f"in{slot}")
            with open(in_path, "w", encoding="ascii") as f:
                f.writelines(op.line + "\n" for op in batch)
            runs = [OracleRun(cmd, in_path, os.path.join(tmp, f"out{slot}-{i}")) for i, cmd in enumerate(cmds)]
            if pending is not None:
                compare(*pending, tally)
            pending = (batch, runs)
        if pending is not None:
            compare(*pending, tally)
    if tally.failed > tally.printed:
        print(f"({tally.failed - tally.printed} more failures not printed)")
    elapsed = time.time() - start
    print(f"{'operation':<12} {'count':>7} {'failed':>7}")
    for kind in SHARES:
        count, failed = tally.by_kind.get(kind, (0, 0))
        print(f"{kind:<12} {count:>7} {failed:>7}")
    print(f"{args.n} operations, each on both mbedTLS builds, in {elapsed:.1f} s (seed {seed})")
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
