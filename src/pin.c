/* pin.c: curl-style public-key pins (sha256//BASE64;...), RFC 7469
 * section 2.4's digest of the SubjectPublicKeyInfo. */
#include "pin.h"

#include <string.h>

#include <mbedtls/sha256.h>

#include "b64.h"

#define PIN_PREFIX "sha256//"
#define PIN_PREFIX_LEN 8

/* The limits' numbers in the messages, from the limits themselves. */
#define PIN_STR_(n) #n
#define PIN_STR(n) PIN_STR_(n)

int pin_parse(struct pin_set *ps, const char *s, const char **why)
{
	ps->n = 0;
	for (;;) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len < PIN_PREFIX_LEN || memcmp(s, PIN_PREFIX, PIN_PREFIX_LEN) != 0) {
			*why = "each pin is sha256// followed by base64 (curl's hash form; key files are not taken)";
			break;
		}
		/* Only the canonical spelling of 32 bytes: exactly PIN_LEN characters. */
		if (b64_decoded_len(s + PIN_PREFIX_LEN, len - PIN_PREFIX_LEN) != 32) {
			*why = "the part after sha256// must be the base64 of a 32-byte SHA-256 digest (" PIN_STR(PIN_LEN) " characters)";
			break;
		}
		if (ps->n == PIN_MAX) {
			*why = "at most " PIN_STR(PIN_MAX) " pins";
			break;
		}
		memcpy(ps->pin[ps->n], s + PIN_PREFIX_LEN, PIN_LEN);
		ps->pin[ps->n++][PIN_LEN] = 0;
		if (!e)
			return PIN_OK;
		s = e + 1;
	}
	ps->n = 0;
	return PIN_E_FORMAT;
}

void pin_of_spki(const unsigned char *spki, size_t len, char out[PIN_LEN + 1])
{
	unsigned char h[32];
	size_t n;

	mbedtls_sha256(spki, len, h, 0);
	n = b64_encode(out, PIN_LEN + 1, h, sizeof h);
	out[n] = 0;
}

int pin_match(const struct pin_set *ps, const char *pin)
{
	int i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->pin[i], pin) == 0)
			return 1;
	return 0;
}
