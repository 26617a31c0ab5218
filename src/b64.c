/* b64.c: base64 encoder and canonical-form check, RFC 4648 section 4.
 * Used for the Basic credentials and curl-style public-key pins. */
#include "b64.h"

const char b64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t n)
{
	size_t groups = n / 3 + (n % 3 != 0);

	if (groups > ((size_t)-1) / 4)
		return 0;
	return groups * 4;
}

size_t b64_encode(char *dst, size_t cap, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t need = b64_encoded_len(n), o = 0, i = 0;

	if (n == 0)
		return 0;
	if (need == 0 || cap < need)
		return 0;
	for (; n - i >= 3; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 | s[i + 2];
		dst[o++] = b64_alphabet[v >> 18 & 63];
		dst[o++] = b64_alphabet[v >> 12 & 63];
		dst[o++] = b64_alphabet[v >> 6 & 63];
		dst[o++] = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)s[i] << 16;
		dst[o++] = b64_alphabet[v >> 18 & 63];
		dst[o++] = b64_alphabet[v >> 12 & 63];
		dst[o++] = '=';
		dst[o++] = '=';
	} else if (n - i == 2) {
		unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8;
		dst[o++] = b64_alphabet[v >> 18 & 63];
		dst[o++] = b64_alphabet[v >> 12 & 63];
		dst[o++] = b64_alphabet[v >> 6 & 63];
		dst[o++] = '=';
	}
	return o;
}

/* A character's 6-bit value, or -1 ('=' included). */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long b64_decoded_len(const char *s, size_t n)
{
	size_t pad = 0, i;
	int last;

	if (n == 0 || n % 4 != 0)
		return -1;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (b64_value((unsigned char)s[i]) < 0)
			return -1;
	/* The bits after the last whole byte must be zero (RFC 4648 section
	 * 3.5): "AB==" and "AA==" would otherwise both decode to one 0 byte. */
	last = b64_value((unsigned char)s[n - pad - 1]);
	if ((pad == 1 && (last & 3)) || (pad == 2 && (last & 15)))
		return -1;
	return (long)(n / 4 * 3 - pad);
}
