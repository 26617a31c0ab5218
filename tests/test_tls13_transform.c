/* test_tls13_transform.c: carried patch 0005 (CVE-2026-93843). A TLS 1.3
 * transform whose setup fails part way must not leave anything allocated:
 * every allocation of mbedtls_ssl_tls13_compute_handshake_transform() is
 * failed in turn (a counting calloc), and each failed call must free every
 * block it allocated. Library-internal headers (library/ssl_misc.h): this
 * drives the function a handshake calls after the ServerHello, on a client
 * context set up as mbedtls_ssl_setup() leaves it. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "t.h"

#include <mbedtls/platform.h>
#include <mbedtls/ssl.h>
#include <psa/crypto.h>

#include "ssl_misc.h"
#include "ssl_tls13_keys.h"

/* The counting allocator: live blocks, and the allocation (1-based, counted
 * from arming) that fails. */
static long live, calls, fail_at;

static void *count_calloc(size_t n, size_t size)
{
	void *p;

	calls++;
	if (fail_at && calls == fail_at)
		return NULL;
	p = calloc(n, size);
	if (p)
		live++;
	return p;
}

/* mbedtls_ssl_setup() wants a generator; PSA's (the kernel's, sys.c). */
static int rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	return psa_generate_random(out, len) == PSA_SUCCESS ? 0 : -1;
}

static void count_free(void *p)
{
	if (p)
		live--;
	free(p);
}

/* One run: a fresh client context, the handshake transform computed with
 * allocation number `which` failing (0: none). Returns the function's result;
 * *leaked gets the blocks the call left behind beyond what it published in
 * handshake->transform_handshake (freed by mbedtls_ssl_free on success). */
static int run(long which, long *leaked)
{
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	long before;
	int r;

	mbedtls_ssl_config_init(&conf);
	mbedtls_ssl_init(&ssl);
	if (mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
	    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
		exit(2);
	mbedtls_ssl_conf_rng(&conf, rng, NULL);
	if (mbedtls_ssl_setup(&ssl, &conf) != 0) {
		fprintf(stderr, "setup failed (allocation %ld)\n", calls);
		exit(2);
	}
	ssl.handshake->ciphersuite_info = mbedtls_ssl_ciphersuite_from_id(MBEDTLS_TLS1_3_AES_128_GCM_SHA256);
	ssl.tls_version = MBEDTLS_SSL_VERSION_TLS1_3;
	before = live;
	calls = 0;
	fail_at = which;
	r = mbedtls_ssl_tls13_compute_handshake_transform(&ssl);
	fail_at = 0;
	*leaked = live - before;
	if (r == 0 && ssl.handshake->transform_handshake) {
		/* Published: owned by the context; count what it holds. */
		long mid = live;
		mbedtls_ssl_transform_free(ssl.handshake->transform_handshake);
		mbedtls_free(ssl.handshake->transform_handshake);
		ssl.handshake->transform_handshake = NULL;
		*leaked -= mid - live;
	}
	mbedtls_ssl_free(&ssl);
	mbedtls_ssl_config_free(&conf);
	return r;
}

int main(void)
{
	long n, leaked, total;
	int failures = 0;

	mbedtls_platform_set_calloc_free(count_calloc, count_free);
	if (psa_crypto_init() != PSA_SUCCESS) {
		fprintf(stderr, "psa_crypto_init failed\n");
		return 2;
	}
	/* A clean run: it succeeds, publishes the transform, keeps nothing else,
	 * and tells how many allocations there are to fail. */
	T_EQ_INT(run(0, &leaked), 0, "the handshake transform is computed");
	T_EQ_INT(leaked, 0, "a successful setup keeps only the published transform");
	total = calls;
	T_CHECK(total >= 3, "the setup allocates the transform and two cipher contexts");
	for (n = 1; n <= total; n++) {
		char label[96];
		int r = run(n, &leaked);

		if (r != 0)
			failures++;
		snprintf(label, sizeof label, "allocation %ld of %ld failed: blocks left behind", n, total);
		T_EQ_INT(leaked, 0, label);
	}
	T_CHECK(failures > 0, "failing an allocation makes the setup fail");
	mbedtls_psa_crypto_free();
	T_EQ_INT(live, 0, "nothing left allocated at the end");
	return t_done();
}
