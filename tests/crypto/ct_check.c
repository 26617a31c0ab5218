/* tests/crypto/ct_check.c: the secret-handling elliptic-curve operations of
 * atlwho's mbedTLS, run under valgrind memcheck with every secret marked
 * undefined (the way mbedTLS's MBEDTLS_TEST_CONSTANT_FLOW_VALGRIND tests do):
 * every byte the RNG callbacks return (mbedtls_psa_external_get_random for
 * PSA, ct_rng for the legacy API) and every private scalar. Memcheck then
 * reports each conditional jump, and each use as an address or system-call
 * argument, that depends on a secret; tests/test_ct.sh collects those
 * reports and tests/crypto/ct_report.py judges them.
 *
 * What runs: ECDH key generation and agreement on P-256, P-384 and X25519
 * through the legacy API (mbedtls_ecdh_gen_public,
 * mbedtls_ecdh_compute_shared) and through PSA (psa_generate_key,
 * psa_export_public_key, psa_raw_key_agreement: what a TLS 1.3 key share
 * does in mbedTLS 3.6); ECDSA signing on P-256 and P-384 with a secret key
 * and a secret nonce (mbedtls_ecdsa_sign: what mbedtls_ecdsa_write_signature
 * computes before its DER encoding, and the pk layer calls that for a client
 * certificate's CertificateVerify in atlwho's configuration), then
 * verification of the signature as public data. With MBEDTLS_ECJPAKE_C (a
 * test build only: atlwho's configuration has no EC J-PAKE) also a whole EC
 * J-PAKE exchange with a secret password, whose key derivation passes a
 * secret scalar to mbedtls_ecp_muladd() and a secret point to
 * mbedtls_ecp_mul().
 *
 * Public results (public keys, signatures, J-PAKE round messages) are
 * declassified with VALGRIND_MAKE_MEM_DEFINED before anything branches on
 * them, as mbedTLS's TEST_CF_PUBLIC does. Shared secrets are compared between
 * the two sides after being declassified: a wrong result fails here too.
 *
 * Without valgrind the same operations run and are checked; the client
 * requests are no-ops then. Prints the limb size it was built with. Last
 * line: "N passed, N failed".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <valgrind/memcheck.h>

/* the limbs of a scalar and of a point, to mark them */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/build_info.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "psa/crypto.h"
#if defined(MBEDTLS_ECJPAKE_C)
#include "mbedtls/ecjpake.h"
#endif

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int passed, failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

#include "platform_shims.h"

/* A deterministic generator (xorshift64*): the same run every time, so that
 * a report is reproducible. Its output is marked secret. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static void fill(unsigned char *out, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		rng_state ^= rng_state >> 12;
		rng_state ^= rng_state << 25;
		rng_state ^= rng_state >> 27;
		out[i] = (unsigned char) ((rng_state * 0x2545f4914f6cdd1du) >> 56);
	}
	SECRET(out, len);
}

static int ct_rng(void *ctx, unsigned char *out, size_t len)
{
	(void) ctx;
	fill(out, len);
	return 0;
}

psa_status_t mbedtls_psa_external_get_random(
	mbedtls_psa_external_random_context_t *context,
	uint8_t *output, size_t output_size, size_t *output_length)
{
	(void) context;
	fill(output, output_size);
	*output_length = output_size;
	return PSA_SUCCESS;
}

static void secret_mpi(mbedtls_mpi *X)
{
	if (X->p != NULL) {
		SECRET(X->p, X->n * sizeof(*X->p));
	}
}

static void public_mpi(const mbedtls_mpi *X)
{
	if (X->p != NULL) {
		PUBLIC(X->p, X->n * sizeof(*X->p));
	}
}

static void public_point(const mbedtls_ecp_point *P)
{
	public_mpi(&P->X);
	public_mpi(&P->Y);
	public_mpi(&P->Z);
}

/* Legacy ECDH: both sides generate a key pair (secret d, public Q) and
 * agree; the two shared secrets must be equal. */
static void ecdh_legacy(mbedtls_ecp_group_id id, const char *name)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi da, db, za, zb;
	mbedtls_ecp_point qa, qb;
	char what[96];
	int ret;

	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&da); mbedtls_mpi_init(&db);
	mbedtls_mpi_init(&za); mbedtls_mpi_init(&zb);
	mbedtls_ecp_point_init(&qa); mbedtls_ecp_point_init(&qb);

	ret = mbedtls_ecp_group_load(&grp, id);
	if (ret == 0)
		ret = mbedtls_ecdh_gen_public(&grp, &da, &qa, ct_rng, NULL);
	if (ret == 0)
		ret = mbedtls_ecdh_gen_public(&grp, &db, &qb, ct_rng, NULL);
	snprintf(what, sizeof(what), "legacy ECDH %s: key generation", name);
	check(ret == 0, what);
	/* the public keys are public; the private ones stay secret */
	public_point(&qa);
	public_point(&qb);
	secret_mpi(&da);
	secret_mpi(&db);
	if (ret == 0)
		ret = mbedtls_ecdh_compute_shared(&grp, &za, &qb, &da, ct_rng, NULL);
	if (ret == 0)
		ret = mbedtls_ecdh_compute_shared(&grp, &zb, &qa, &db, ct_rng, NULL);
	snprintf(what, sizeof(what), "legacy ECDH %s: agreement", name);
	check(ret == 0, what);
	public_mpi(&za);
	public_mpi(&zb);
	snprintf(what, sizeof(what), "legacy ECDH %s: both sides agree", name);
	check(ret == 0 && mbedtls_mpi_cmp_mpi(&za, &zb) == 0, what);

	mbedtls_ecp_group_free(&grp);
	mbedtls_mpi_free(&da); mbedtls_mpi_free(&db);
	mbedtls_mpi_free(&za); mbedtls_mpi_free(&zb);
	mbedtls_ecp_point_free(&qa); mbedtls_ecp_point_free(&qb);
}

/* PSA ECDH, as mbedTLS 3.6's TLS 1.3 key share: psa_generate_key, the
 * public key exported (and sent), psa_raw_key_agreement with the peer's. */
static void ecdh_psa(psa_ecc_family_t family, size_t bits, const char *name)
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	psa_key_id_t ka = 0, kb = 0;
	unsigned char pa[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE], pb[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
	unsigned char sa[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE], sb[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
	size_t la = 0, lb = 0, na = 0, nb = 0;
	psa_status_t st;
	char what[96];

	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(family));
	psa_set_key_bits(&attr, bits);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_DERIVE);
	psa_set_key_algorithm(&attr, PSA_ALG_ECDH);
	st = psa_generate_key(&attr, &ka);
	if (st == PSA_SUCCESS)
		st = psa_generate_key(&attr, &kb);
	snprintf(what, sizeof(what), "PSA ECDH %s: psa_generate_key", name);
	check(st == PSA_SUCCESS, what);
	if (st == PSA_SUCCESS)
		st = psa_export_public_key(ka, pa, sizeof(pa), &la);
	if (st == PSA_SUCCESS)
		st = psa_export_public_key(kb, pb, sizeof(pb), &lb);
	snprintf(what, sizeof(what), "PSA ECDH %s: psa_export_public_key", name);
	check(st == PSA_SUCCESS, what);
	PUBLIC(pa, la);
	PUBLIC(pb, lb);
	if (st == PSA_SUCCESS)
		st = psa_raw_key_agreement(PSA_ALG_ECDH, ka, pb, lb, sa, sizeof(sa), &na);
	if (st == PSA_SUCCESS)
		st = psa_raw_key_agreement(PSA_ALG_ECDH, kb, pa, la, sb, sizeof(sb), &nb);
	snprintf(what, sizeof(what), "PSA ECDH %s: psa_raw_key_agreement", name);
	check(st == PSA_SUCCESS, what);
	PUBLIC(sa, sizeof(sa));
	PUBLIC(sb, sizeof(sb));
	snprintf(what, sizeof(what), "PSA ECDH %s: both sides agree", name);
	check(st == PSA_SUCCESS && na == nb && na == PSA_BITS_TO_BYTES(bits) &&
	    memcmp(sa, sb, na) == 0, what);
	psa_destroy_key(ka);
	psa_destroy_key(kb);
}

/* ECDSA: a key pair generated from secret randomness (d secret, Q public),
 * a signature with a secret nonce drawn from ct_rng (mbedtls_ecdsa_sign():
 * the computation of mbedtls_ecdsa_write_signature(), which the pk layer
 * calls for a client certificate's CertificateVerify in atlwho's
 * configuration, before its DER encoding of the public r and s), then the
 * signature and Q as public data through verification. */
static void ecdsa_sign(mbedtls_ecp_group_id id, const char *name)
{
	mbedtls_ecdsa_context ctx;
	mbedtls_mpi r, s;
	unsigned char hash[48];
	size_t hlen = id == MBEDTLS_ECP_DP_SECP384R1 ? 48 : 32, i;
	char what[96];
	int ret;

	for (i = 0; i < sizeof(hash); i++)
		hash[i] = (unsigned char) (i * 37 + 11);
	mbedtls_ecdsa_init(&ctx);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_ecdsa_genkey(&ctx, id, ct_rng, NULL);
	snprintf(what, sizeof(what), "ECDSA %s: key generation", name);
	check(ret == 0, what);
	public_point(&ctx.Q);
	secret_mpi(&ctx.d);
	if (ret == 0)
		ret = mbedtls_ecdsa_sign(&ctx.grp, &r, &s, &ctx.d, hash, hlen, ct_rng, NULL);
	snprintf(what, sizeof(what), "ECDSA %s: signing", name);
	check(ret == 0, what);
	public_mpi(&r);
	public_mpi(&s);
	if (ret == 0)
		ret = mbedtls_ecdsa_verify(&ctx.grp, hash, hlen, &ctx.Q, &r, &s);
	snprintf(what, sizeof(what), "ECDSA %s: the signature verifies", name);
	check(ret == 0, what);
	hash[0] ^= 1;
	ret = mbedtls_ecdsa_verify(&ctx.grp, hash, hlen, &ctx.Q, &r, &s);
	snprintf(what, sizeof(what), "ECDSA %s: not for another hash", name);
	check(ret != 0, what);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	mbedtls_ecdsa_free(&ctx);
}

#if defined(MBEDTLS_ECJPAKE_C)
/* EC J-PAKE (RFC 8236 profile of mbedTLS): client and server with the
 * same secret password; every round message is public. */
static int jpake_round(mbedtls_ecjpake_context *from, mbedtls_ecjpake_context *to,
    int (*wr)(mbedtls_ecjpake_context *, unsigned char *, size_t, size_t *,
        int (*)(void *, unsigned char *, size_t), void *),
    int (*rd)(mbedtls_ecjpake_context *, const unsigned char *, size_t))
{
	unsigned char buf[512];
	size_t len = 0;
	int ret = wr(from, buf, sizeof(buf), &len, ct_rng, NULL);
	if (ret != 0)
		return ret;
	PUBLIC(&len, sizeof(len));
	PUBLIC(buf, len);
	return rd(to, buf, len);
}

static void ecjpake(void)
{
	mbedtls_ecjpake_context cli, srv;
	unsigned char pw[16], kc[64], ks[64];
	size_t lc = 0, ls = 0;
	int ret;

	memcpy(pw, "atlwho-password", 16);
	SECRET(pw, sizeof(pw));
	mbedtls_ecjpake_init(&cli);
	mbedtls_ecjpake_init(&srv);
	ret = mbedtls_ecjpake_setup(&cli, MBEDTLS_ECJPAKE_CLIENT, MBEDTLS_MD_SHA256,
	    MBEDTLS_ECP_DP_SECP256R1, pw, sizeof(pw));
	if (ret == 0)
		ret = mbedtls_ecjpake_setup(&srv, MBEDTLS_ECJPAKE_SERVER, MBEDTLS_MD_SHA256,
		    MBEDTLS_ECP_DP_SECP256R1, pw, sizeof(pw));
	if (ret == 0)
		ret = jpake_round(&cli, &srv, mbedtls_ecjpake_write_round_one,
		    mbedtls_ecjpake_read_round_one);
	if (ret == 0)
		ret = jpake_round(&srv, &cli, mbedtls_ecjpake_write_round_one,
		    mbedtls_ecjpake_read_round_one);
	if (ret == 0)
		ret = jpake_round(&srv, &cli, mbedtls_ecjpake_write_round_two,
		    mbedtls_ecjpake_read_round_two);
	if (ret == 0)
		ret = jpake_round(&cli, &srv, mbedtls_ecjpake_write_round_two,
		    mbedtls_ecjpake_read_round_two);
	check(ret == 0, "EC J-PAKE P-256: rounds one and two");
	if (ret == 0)
		ret = mbedtls_ecjpake_derive_secret(&cli, kc, sizeof(kc), &lc, ct_rng, NULL);
	if (ret == 0)
		ret = mbedtls_ecjpake_derive_secret(&srv, ks, sizeof(ks), &ls, ct_rng, NULL);
	check(ret == 0, "EC J-PAKE P-256: key derivation");
	PUBLIC(kc, sizeof(kc));
	PUBLIC(ks, sizeof(ks));
	check(ret == 0 && lc == ls && memcmp(kc, ks, lc) == 0,
	    "EC J-PAKE P-256: both sides derive the same secret");
	mbedtls_ecjpake_free(&cli);
	mbedtls_ecjpake_free(&srv);
}
#endif

int main(void)
{
	check(psa_crypto_init() == PSA_SUCCESS, "psa_crypto_init");
	printf("running under valgrind: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no");
	printf("limbs: %u bits\n", (unsigned) (8 * sizeof(mbedtls_mpi_uint)));

	ecdh_legacy(MBEDTLS_ECP_DP_SECP256R1, "P-256");
	ecdh_legacy(MBEDTLS_ECP_DP_SECP384R1, "P-384");
	ecdh_legacy(MBEDTLS_ECP_DP_CURVE25519, "X25519");
	ecdh_psa(PSA_ECC_FAMILY_SECP_R1, 256, "P-256");
	ecdh_psa(PSA_ECC_FAMILY_SECP_R1, 384, "P-384");
	ecdh_psa(PSA_ECC_FAMILY_MONTGOMERY, 255, "X25519");
	ecdsa_sign(MBEDTLS_ECP_DP_SECP256R1, "P-256");
	ecdsa_sign(MBEDTLS_ECP_DP_SECP384R1, "P-384");
#if defined(MBEDTLS_ECJPAKE_C)
	ecjpake();
#endif
	mbedtls_psa_crypto_free();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
