/* fuzz_proxy.c: libFuzzer target for proxy URLs, Basic credentials,
 * no_proxy matching and proxy choice. Input: "proxy\nno_proxy\nhost". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char s[4096];
	char *part[3] = { s, s, s };
	char err[256];
	struct px p;
	struct px_env env;
	size_t n = size, i, k = 1;
	int m;

	if (n > sizeof(s) - 1)
		n = sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && k < 3) {
			s[i] = '\0';
			part[k++] = s + i + 1;
		}
	}
	if (px_parse(&p, part[0], err, sizeof(err)) == PX_OK) {
		if (p.port < 1 || p.port > 65535 || p.host[0] == '\0' ||
		    strlen(p.user) != p.user_len || strlen(p.pass) != p.pass_len)
			abort();
		char auth[PX_AUTH_MAX];
		size_t olen;

		if (p.has_auth) {
			if (px_basic(&p, auth, sizeof(auth), &olen) != PX_OK || strlen(auth) != olen ||
			    strncmp(auth, "Basic ", 6) != 0)
				abort();
		} else if (px_basic(&p, auth, sizeof(auth), &olen) != PX_E_CRED) {
			abort();
		}
		/* A proxy host always matches itself and "*". */
		if (!px_no_proxy_match(p.host, p.host) || !px_no_proxy_match("*", p.host))
			abort();
		px_wipe(&p);
	} else if (err[0] == '\0' || p.host[0] != '\0' || p.user[0] != '\0') {
		abort();
	}
	m = px_no_proxy_match(part[1], part[2]);
	/* Adding entries never removes a match. */
	{
		static char bigger[8192];
		size_t l1 = strlen(part[1]);
		int m2;

		memcpy(bigger, part[1], l1);
		memcpy(bigger + l1, ",zz.invalid", 12);
		m2 = px_no_proxy_match(bigger, part[2]);
		if (m && !m2)
			abort();
	}
	memset(&env, 0, sizeof(env));
	env.https_proxy = part[0];
	env.no_proxy = part[1];
	if (px_select(&env, 1, part[2], NULL) == NULL && part[0][0] && !m)
		abort();
	return 0;
}
