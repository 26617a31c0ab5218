/* b64.c: base64 encoder and decoder, RFC 4648 section 4. Used for the Basic
 * credentials, the token's base64 forms (redact.c), PEM bodies and the
 * curl-style public-key pins. */
#include "b64.h"

/* The standard alphabet: the character for each 6-bit value. */
static const char b64_alphabet[64] =
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

/* Base64 value + 1 of each byte; 0 for bytes outside the alphabet ('='
 * included). A table, not comparisons: CA searches decode the head of
 * every entry of a bundle (pem.c). */
static const unsigned char b64_val1[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64
};

void b64_dec_init(struct b64_dec *d)
{
	d->acc = 0;
	d->n = 0;
	d->pad = 0;
	d->err = B64_OK;
}

static int dec_fail(struct b64_dec *d, int err)
{
	d->err = err;
	return err;
}

/* Appends k bytes (the top of acc, which holds 6 * n bits) to dst. */
static int dec_out(struct b64_dec *d, unsigned k, unsigned char *dst, size_t cap, size_t *len)
{
	unsigned shift = 6 * d->n;
	size_t l = *len;

	if (dst) {
		if (l > cap || cap - l < k)
			return dec_fail(d, B64_E_ROOM);
		while (k--) {
			shift -= 8;
			dst[l++] = (unsigned char)(d->acc >> shift);
		}
	} else {
		l += k;
	}
	*len = l;
	return B64_OK;
}

size_t b64_dec_feed(struct b64_dec *d, const char *s, size_t n, unsigned char *dst, size_t cap,
    size_t *len)
{
	/* The state in locals: dst may alias *d and *len. */
	unsigned long acc = d->acc;
	unsigned k = d->n, pad = d->pad;
	size_t i, l = *len;

	if (d->err)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int v = b64_val1[c] - 1;

		if (v < 0 || pad) {
			if (c == '=' && k >= 2 && k + pad < 4) {
				pad++; /* padding completes a group of 2 or 3 (section 3.2) */
				continue;
			}
			if (c == '=' || v >= 0)
				dec_fail(d, B64_E_CHAR);
			break; /* an error, or a byte for the caller */
		}
		acc = acc << 6 | (unsigned)v;
		if (++k < 4)
			continue;
		if (dst) {
			if (l > cap || cap - l < 3) {
				dec_fail(d, B64_E_ROOM);
				break;
			}
			dst[l] = (unsigned char)(acc >> 16);
			dst[l + 1] = (unsigned char)(acc >> 8);
			dst[l + 2] = (unsigned char)acc;
		}
		l += 3;
		acc = 0;
		k = 0;
	}
	d->acc = acc;
	d->n = (unsigned char)k;
	d->pad = (unsigned char)pad;
	*len = l;
	return i;
}

int b64_dec_end(struct b64_dec *d, unsigned char *dst, size_t cap, size_t *len)
{
	if (d->err)
		return d->err;
	if (d->n + d->pad != 4 && d->n + d->pad != 0)
		return dec_fail(d, B64_E_END);
	return d->n ? dec_out(d, d->n - 1u, dst, cap, len) : B64_OK;
}

int b64_dec_canonical(const struct b64_dec *d)
{
	return (d->acc & ((1ul << (6 * d->n % 8)) - 1)) == 0;
}

long b64_decoded_len(const char *s, size_t n)
{
	struct b64_dec d;
	size_t len = 0;

	b64_dec_init(&d);
	if (n == 0 || b64_dec_feed(&d, s, n, NULL, 0, &len) != n ||
	    b64_dec_end(&d, NULL, 0, &len) != B64_OK || !b64_dec_canonical(&d))
		return -1;
	return (long)len;
}
