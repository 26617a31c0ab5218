/* tests/crypto/ecp_oracle.c: one mbedTLS elliptic-curve operation per input
 * line, one result line per operation, for tests/crypto/test_crypto_diff.py.
 *
 * The Makefile builds it twice with the same flags and atlwho's mbedTLS
 * configuration: against the patched libmbed.a that atlwho links, and against
 * an unpatched build of the same verified tarball. Both read the same lines,
 * so their outputs can be compared line by line, and each line can be checked
 * against OpenSSL on its own.
 *
 * Input: OP CURVE ARG...; CURVE is p256, p384 or x25519 (pub and ecdh only).
 * NIST values are hexadecimal of any length (mbedtls_mpi_read_string: a
 * leading '-' makes them negative, which only mad's scalars use, to reach
 * the m = -1 shortcut); x25519 scalars and u-coordinates are 32 bytes in hex,
 * little-endian as in RFC 7748.
 *   pub  CURVE d            d*G                    (mbedtls_ecp_mul)
 *   ecdh CURVE d X Y        x of d*Q               (check_pubkey, then
 *   ecdh x25519 k u         u of k*u                mbedtls_ecdh_compute_shared)
 *   sign CURVE d k HASH     ECDSA signature with the nonce k
 *   ver  CURVE X Y HASH r s ECDSA verification     (mbedtls_ecdsa_verify)
 *   mad  CURVE m n X Y      m*G + n*Q              (mbedtls_ecp_muladd)
 *   chk  CURVE X Y          point validation       (mbedtls_ecp_check_pubkey)
 * Output, one line per input line:
 *   pt X Y | zero | u U | z Z | sig R S | ok | err -0xNNNN | reject -0xNNNN
 * with NIST values zero-padded to the byte length of p (points, shared
 * secrets) or n (signatures); "reject" is check_pubkey refusing an ECDH peer.
 * The output is written when the input ends (the driver sends whole batches).
 */
/* Points' coordinates, keys' d and groups' P, N, G are private fields in
 * mbedTLS 3; a test reads and writes them directly (as upstream's tests
 * do), so that any value, non-canonical ones included, reaches the library. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"

#define MAX_LINE 8192 /* "huge" test values stay far below this */
#define MAX_TOKS 8
#define MAX_BYTES 64  /* the longest field element or hash we print or read */

/* --- a deterministic byte stream for the blinding inputs --- */

/* ecp_mul() and ECDSA signing draw blinding values from an RNG. Results must
 * not depend on them; a stream seeded from the line's text keeps every run,
 * and every line on its own, reproducible. splitmix64. */
typedef struct {
    uint64_t s;
} blind_rng;

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int blind_bytes(void *ctx, unsigned char *out, size_t len)
{
    blind_rng *r = ctx;
    for (size_t i = 0; i < len; i++) {
        out[i] = (unsigned char) splitmix64(&r->s);
    }
    return 0;
}

/* FNV-1a of the line: the blinding seed */
static uint64_t line_seed(const char *line)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *line != '\0'; line++) {
        h = (h ^ (unsigned char) *line) * 0x100000001b3u;
    }
    return h;
}

/* --- the nonce source for "sign" --- */

/* ECDSA signing takes its nonce from f_rng (mbedtls_ecp_gen_privkey: one
 * call for the byte length of n, kept if 1 <= k < n). Handing over the
 * given k once and failing any further call makes the signature a function
 * of the inputs: a k that mbedTLS rejects, or an s = 0 that makes it draw
 * again, ends in MBEDTLS_ERR_ECP_RANDOM_FAILED instead of another nonce. */
typedef struct {
    unsigned char k[MAX_BYTES];
    size_t len;
    int used;
} nonce_rng;

static int nonce_bytes(void *ctx, unsigned char *out, size_t len)
{
    nonce_rng *r = ctx;
    if (r->used || len != r->len) {
        return MBEDTLS_ERR_ECP_RANDOM_FAILED;
    }
    memcpy(out, r->k, len);
    r->used = 1;
    return 0;
}

/* --- parsing and printing --- */

typedef struct {
    mbedtls_ecp_group p256, p384, x25519;
} groups;

static mbedtls_ecp_group *curve(groups *g, const char *name)
{
    if (strcmp(name, "p256") == 0) {
        return &g->p256;
    }
    if (strcmp(name, "p384") == 0) {
        return &g->p384;
    }
    if (strcmp(name, "x25519") == 0) {
        return &g->x25519;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* exactly len bytes from 2 * len hex digits */
static int read_bytes(unsigned char *out, size_t len, const char *hex)
{
    if (strlen(hex) != 2 * len) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
        }
        out[i] = (unsigned char) (hi << 4 | lo);
    }
    return 0;
}

static void put_hex(char **o, const unsigned char *b, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    *(*o)++ = ' ';
    for (size_t i = 0; i < len; i++) {
        *(*o)++ = digits[b[i] >> 4];
        *(*o)++ = digits[b[i] & 15];
    }
    **o = '\0';
}

/* " HEX" of X, big-endian, zero-padded to len bytes */
static int put_mpi(char **o, const mbedtls_mpi *X, size_t len)
{
    unsigned char b[MAX_BYTES];
    int ret = mbedtls_mpi_write_binary(X, b, len);
    if (ret == 0) {
        put_hex(o, b, len);
    }
    return ret;
}

/* " HEX" of X, little-endian (x25519) */
static int put_mpi_le(char **o, const mbedtls_mpi *X, size_t len)
{
    unsigned char b[MAX_BYTES];
    int ret = mbedtls_mpi_write_binary_le(X, b, len);
    if (ret == 0) {
        put_hex(o, b, len);
    }
    return ret;
}

static int read_point(mbedtls_ecp_point *Q, const char *x, const char *y)
{
    int ret = mbedtls_mpi_read_string(&Q->X, 16, x);
    if (ret == 0) {
        ret = mbedtls_mpi_read_string(&Q->Y, 16, y);
    }
    if (ret == 0) {
        ret = mbedtls_mpi_lset(&Q->Z, 1);
    }
    return ret;
}

/* "pt X Y", or "zero" for the point at infinity */
static int put_point(char *out, const mbedtls_ecp_group *grp,
                     mbedtls_ecp_point *R)
{
    size_t plen = mbedtls_mpi_size(&grp->P);
    if (mbedtls_ecp_is_zero(R)) {
        strcpy(out, "zero");
        return 0;
    }
    strcpy(out, "pt");
    out += 2;
    int ret = put_mpi(&out, &R->X, plen);
    return ret != 0 ? ret : put_mpi(&out, &R->Y, plen);
}

/* --- the operations: each fills out or returns an mbedTLS error --- */

typedef struct {
    mbedtls_ecp_group *grp;
    char **arg;        /* the operands after OP CURVE */
    blind_rng *blind;
    char *out;
} op_ctx;

/* An x25519 private key: mbedtls_ecp_read_key() clamps it (RFC 7748), as
 * the TLS code's key import does. */
static int x25519_key(mbedtls_ecp_keypair *kp, const char *hex)
{
    unsigned char k[32];
    int ret = read_bytes(k, sizeof(k), hex);
    return ret != 0 ? ret : mbedtls_ecp_read_key(MBEDTLS_ECP_DP_CURVE25519, kp, k, sizeof(k));
}

/* An x25519 peer: mbedtls_ecp_point_read_binary() (clears bit 255) */
static int x25519_point(const mbedtls_ecp_group *grp, mbedtls_ecp_point *Q, const char *hex)
{
    unsigned char u[32];
    int ret = read_bytes(u, sizeof(u), hex);
    return ret != 0 ? ret : mbedtls_ecp_point_read_binary(grp, Q, u, sizeof(u));
}

static int op_pub(op_ctx *c)
{
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_point R;
    int x = c->grp->id == MBEDTLS_ECP_DP_CURVE25519, ret;
    mbedtls_ecp_keypair_init(&kp);
    mbedtls_ecp_point_init(&R);
    ret = x ? x25519_key(&kp, c->arg[0]) : mbedtls_mpi_read_string(&kp.d, 16, c->arg[0]);
    if (ret == 0) {
        ret = mbedtls_ecp_mul(c->grp, &R, &kp.d, &c->grp->G, blind_bytes, c->blind);
    }
    if (ret == 0 && x) {
        char *o = c->out;
        strcpy(o, "u");
        o++;
        ret = put_mpi_le(&o, &R.X, 32);
    } else if (ret == 0) {
        ret = put_point(c->out, c->grp, &R);
    }
    mbedtls_ecp_point_free(&R);
    mbedtls_ecp_keypair_free(&kp);
    return ret;
}

/* ECDH: the peer's point is validated first, and a refusal is reported as
 * "reject" so that the driver can tell it from a failure of the exchange. */
static int op_ecdh(op_ctx *c)
{
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_point Q;
    mbedtls_mpi z;
    int x = c->grp->id == MBEDTLS_ECP_DP_CURVE25519, ret;
    size_t plen = mbedtls_mpi_size(&c->grp->P);
    char *o = c->out;
    mbedtls_ecp_keypair_init(&kp);
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&z);
    ret = x ? x25519_key(&kp, c->arg[0]) : mbedtls_mpi_read_string(&kp.d, 16, c->arg[0]);
    if (ret == 0) {
        ret = x ? x25519_point(c->grp, &Q, c->arg[1]) : read_point(&Q, c->arg[1], c->arg[2]);
    }
    if (ret == 0 && (ret = mbedtls_ecp_check_pubkey(c->grp, &Q)) != 0) {
        sprintf(o, "reject -0x%04x", (unsigned) -ret);
        ret = 0;
        goto done;
    }
    if (ret == 0) {
        ret = mbedtls_ecdh_compute_shared(c->grp, &z, &Q, &kp.d, blind_bytes, c->blind);
    }
    if (ret == 0) {
        strcpy(o, "z");
        o++;
        ret = x ? put_mpi_le(&o, &z, plen) : put_mpi(&o, &z, plen);
    }
done:
    mbedtls_mpi_free(&z);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_keypair_free(&kp);
    return ret;
}

static int op_sign(op_ctx *c)
{
    mbedtls_mpi d, k, r, s;
    nonce_rng nonce = { .used = 0 };
    unsigned char hash[MAX_BYTES];
    size_t hlen = strlen(c->arg[2]) / 2, nlen = mbedtls_mpi_size(&c->grp->N);
    char *o = c->out;
    int ret;
    mbedtls_mpi_init(&d); mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&r); mbedtls_mpi_init(&s);
    nonce.len = nlen;
    ret = mbedtls_mpi_read_string(&d, 16, c->arg[0]);
    if (ret == 0) {
        ret = mbedtls_mpi_read_string(&k, 16, c->arg[1]);
    }
    if (ret == 0) {
        ret = mbedtls_mpi_write_binary(&k, nonce.k, nlen);
    }
    if (ret == 0) {
        ret = hlen <= sizeof(hash) ? read_bytes(hash, hlen, c->arg[2]) : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if (ret == 0) {
        ret = mbedtls_ecdsa_sign_restartable(c->grp, &r, &s, &d, hash, hlen, nonce_bytes, &nonce,
                                             blind_bytes, c->blind, NULL);
    }
    if (ret == 0) {
        strcpy(o, "sig");
        o += 3;
        ret = put_mpi(&o, &r, nlen);
    }
    if (ret == 0) {
        ret = put_mpi(&o, &s, nlen);
    }
    mbedtls_mpi_free(&d); mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&r); mbedtls_mpi_free(&s);
    return ret;
}

static int op_ver(op_ctx *c)
{
    mbedtls_ecp_point Q;
    mbedtls_mpi r, s;
    unsigned char hash[MAX_BYTES];
    size_t hlen = strlen(c->arg[2]) / 2;
    int ret;
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&r); mbedtls_mpi_init(&s);
    ret = read_point(&Q, c->arg[0], c->arg[1]);
    if (ret == 0) {
        ret = hlen <= sizeof(hash) ? read_bytes(hash, hlen, c->arg[2]) : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if (ret == 0) {
        ret = mbedtls_mpi_read_string(&r, 16, c->arg[3]);
    }
    if (ret == 0) {
        ret = mbedtls_mpi_read_string(&s, 16, c->arg[4]);
    }
    if (ret == 0) {
        ret = mbedtls_ecdsa_verify(c->grp, hash, hlen, &Q, &r, &s);
    }
    if (ret == 0) {
        strcpy(c->out, "ok");
    }
    mbedtls_ecp_point_free(&Q);
    mbedtls_mpi_free(&r); mbedtls_mpi_free(&s);
    return ret;
}

static int op_mad(op_ctx *c)
{
    mbedtls_ecp_point Q, R;
    mbedtls_mpi m, n;
    int ret;
    mbedtls_ecp_point_init(&Q); mbedtls_ecp_point_init(&R);
    mbedtls_mpi_init(&m); mbedtls_mpi_init(&n);
    ret = mbedtls_mpi_read_string(&m, 16, c->arg[0]);
    if (ret == 0) {
        ret = mbedtls_mpi_read_string(&n, 16, c->arg[1]);
    }
    if (ret == 0) {
        ret = read_point(&Q, c->arg[2], c->arg[3]);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_muladd(c->grp, &R, &m, &c->grp->G, &n, &Q);
    }
    if (ret == 0) {
        ret = put_point(c->out, c->grp, &R);
    }
    mbedtls_ecp_point_free(&Q); mbedtls_ecp_point_free(&R);
    mbedtls_mpi_free(&m); mbedtls_mpi_free(&n);
    return ret;
}

static int op_chk(op_ctx *c)
{
    mbedtls_ecp_point Q;
    int ret;
    mbedtls_ecp_point_init(&Q);
    ret = read_point(&Q, c->arg[0], c->arg[1]);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(c->grp, &Q);
    }
    if (ret == 0) {
        strcpy(c->out, "ok");
    }
    mbedtls_ecp_point_free(&Q);
    return ret;
}

static const struct {
    const char *name;
    int nargs;          /* after OP CURVE; x25519 takes one value per point */
    int (*run)(op_ctx *c);
    int x25519;         /* defined on x25519 */
} ops[] = {
    { "pub", 1, op_pub, 1 },
    { "ecdh", 3, op_ecdh, 1 },
    { "sign", 3, op_sign, 0 },
    { "ver", 5, op_ver, 0 },
    { "mad", 4, op_mad, 0 },
    { "chk", 2, op_chk, 0 },
};

/* --- the loop --- */

/* Runs one line; out receives the result line (without newline). */
static void run_line(groups *g, char *line, char *out)
{
    char *tok[MAX_TOKS + 1], *save = NULL;
    size_t ntok = 0;
    blind_rng blind = { line_seed(line) };
    for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL && ntok <= MAX_TOKS;
         t = strtok_r(NULL, " \t\r\n", &save)) {
        tok[ntok++] = t;
    }
    for (size_t i = 0; ntok >= 2 && i < sizeof(ops) / sizeof(ops[0]); i++) {
        op_ctx c = { curve(g, tok[1]), tok + 2, &blind, out };
        int x = c.grp == &g->x25519, want = ops[i].nargs - (x && ops[i].nargs > 1);
        if (strcmp(tok[0], ops[i].name) != 0) {
            continue;
        }
        if (c.grp == NULL || (x && !ops[i].x25519) || ntok != (size_t) want + 2) {
            break;
        }
        int ret = ops[i].run(&c);
        if (ret != 0) {
            sprintf(out, "err -0x%04x", (unsigned) -ret);
        }
        return;
    }
    strcpy(out, "usage");
}

int main(void)
{
    static char line[MAX_LINE], out[4 * MAX_BYTES + 16];
    static char obuf[1 << 16];
    groups g;
    mbedtls_ecp_group_init(&g.p256);
    mbedtls_ecp_group_init(&g.p384);
    mbedtls_ecp_group_init(&g.x25519);
    if (mbedtls_ecp_group_load(&g.p256, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
        mbedtls_ecp_group_load(&g.p384, MBEDTLS_ECP_DP_SECP384R1) != 0 ||
        mbedtls_ecp_group_load(&g.x25519, MBEDTLS_ECP_DP_CURVE25519) != 0) {
        fputs("ecp_oracle: cannot load the curves\n", stderr);
        return 2;
    }
    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    while (fgets(line, sizeof(line), stdin) != NULL) {
        out[0] = '\0';
        if (strchr(line, '\n') == NULL && !feof(stdin)) {
            /* one answer per line, even for one too long to read */
            int ch;
            while ((ch = getchar()) != EOF && ch != '\n') {
            }
            strcpy(out, "usage");
        } else {
            run_line(&g, line, out);
        }
        puts(out);
    }
    mbedtls_ecp_group_free(&g.p256);
    mbedtls_ecp_group_free(&g.p384);
    mbedtls_ecp_group_free(&g.x25519);
    return fflush(stdout) != 0 || ferror(stdin) ? 1 : 0;
}
