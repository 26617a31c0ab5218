/* tests/crypto/ecp_loop.c: a loop of elliptic-curve operations for
 * instruction counts (not a test): per round, mask bit 1 P-256 ECDH (two
 * key pairs, both agreements), 2 X25519 ECDH, 4 ECDSA P-256 (key, signature,
 * one verification), 8 ECDSA P-384 (key, signature, two verifications).
 * Prints "ok" if every agreement matched and every signature verified.
 *
 *   cc -Os -isystem build/src/mbedtls-3.6.7/include -Ivendor/mbedtls \
 *       -DMBEDTLS_CONFIG_FILE='"atlwho_config.h"' tests/crypto/ecp_loop.c \
 *       build/ct/patched/libmbed.a -o ecp_loop
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null ./ecp_loop 5 15
 * (for a target: its compiler with musl's specs and -static, then
 * qemu-ARCH -plugin tests/bench/insn_count.so ./ecp_loop 2 15). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/build_info.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "psa/crypto.h"

#include "platform_shims.h"

static uint64_t state = 88172645463325252u;

static int rng(void *ctx, unsigned char *out, size_t len)
{
	(void) ctx;
	while (len--) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		*out++ = (unsigned char) state;
	}
	return 0;
}

psa_status_t mbedtls_psa_external_get_random(
	mbedtls_psa_external_random_context_t *context,
	uint8_t *output, size_t output_size, size_t *output_length)
{
	rng(context, output, output_size);
	*output_length = output_size;
	return PSA_SUCCESS;
}

static int ecdh(mbedtls_ecp_group_id id)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi da, db, za, zb;
	mbedtls_ecp_point qa, qb;
	int bad;

	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&da); mbedtls_mpi_init(&db);
	mbedtls_mpi_init(&za); mbedtls_mpi_init(&zb);
	mbedtls_ecp_point_init(&qa); mbedtls_ecp_point_init(&qb);
	bad = mbedtls_ecp_group_load(&grp, id) ||
	    mbedtls_ecdh_gen_public(&grp, &da, &qa, rng, NULL) ||
	    mbedtls_ecdh_gen_public(&grp, &db, &qb, rng, NULL) ||
	    mbedtls_ecdh_compute_shared(&grp, &za, &qb, &da, rng, NULL) ||
	    mbedtls_ecdh_compute_shared(&grp, &zb, &qa, &db, rng, NULL) ||
	    mbedtls_mpi_cmp_mpi(&za, &zb) != 0;
	mbedtls_ecp_group_free(&grp);
	mbedtls_mpi_free(&da); mbedtls_mpi_free(&db);
	mbedtls_mpi_free(&za); mbedtls_mpi_free(&zb);
	mbedtls_ecp_point_free(&qa); mbedtls_ecp_point_free(&qb);
	return bad;
}

static int ecdsa(mbedtls_ecp_group_id id, int verifications)
{
	mbedtls_ecdsa_context key;
	mbedtls_mpi r, s;
	unsigned char hash[32] = { 1, 2, 3 };
	int bad, i;

	mbedtls_ecdsa_init(&key);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	bad = mbedtls_ecdsa_genkey(&key, id, rng, NULL) ||
	    mbedtls_ecdsa_sign(&key.grp, &r, &s, &key.d, hash, sizeof(hash), rng, NULL);
	for (i = 0; !bad && i < verifications; i++)
		bad = mbedtls_ecdsa_verify(&key.grp, hash, sizeof(hash), &key.Q, &r, &s);
	mbedtls_ecdsa_free(&key);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return bad;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5, mask = argc > 2 ? atoi(argv[2]) : 15;
	int i, bad = 0;

	for (i = 0; i < rounds; i++) {
		if (mask & 1)
			bad |= ecdh(MBEDTLS_ECP_DP_SECP256R1);
		if (mask & 2)
			bad |= ecdh(MBEDTLS_ECP_DP_CURVE25519);
		if (mask & 4)
			bad |= ecdsa(MBEDTLS_ECP_DP_SECP256R1, 1);
		if (mask & 8)
			bad |= ecdsa(MBEDTLS_ECP_DP_SECP384R1, 2);
	}
	printf("%s\n", bad ? "FAILED" : "ok");
	return bad;
}
