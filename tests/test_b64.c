/* test_b64.c: the base64 encoder against RFC 4648 section 10, binary input,
 * the seed's Basic example, and lengths 0..300 against an independent decoder. */
#include "b64.h"
#include "t.h"

static const struct { const char *in, *out; } rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
	{ "user@example.com:secret", "dXNlckBleGFtcGxlLmNvbTpzZWNyZXQ=" },
};

/* Independent decoder: decodes by searching the alphabet, strict padding. */
static int dec_val(char c)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;
	for (i = 0; i < 64; i++)
		if (a[i] == c)
			return i;
	return -1;
}

static long decode(const char *s, size_t n, unsigned char *out)
{
	size_t i;
	long o = 0;
	if (n % 4)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4], k, pad = 0;
		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad) {
				return -1;
			} else if ((v[k] = dec_val(s[i + k])) < 0) {
				return -1;
			}
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return o;
}

int main(void)
{
	char out[512];
	unsigned char in[300], back[300];
	size_t i, n;

	for (i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		size_t len = strlen(rfc4648[i].in);
		T_EQ_INT(b64_encoded_len(len), strlen(rfc4648[i].out), rfc4648[i].in);
		n = b64_encode(out, sizeof out, rfc4648[i].in, len);
		T_EQ_MEM(out, n, rfc4648[i].out, strlen(rfc4648[i].out), rfc4648[i].in);
	}

	/* Binary input with NUL and 0xFF bytes. */
	{
		static const unsigned char bin[] = { 0x00, 0xff, 0x00, 0xfe, 0xff, 0x00, 0x10 };
		n = b64_encode(out, sizeof out, bin, sizeof bin);
		T_EQ_MEM(out, n, "AP8A/v8AEA==", 12, "binary with NUL and 0xFF");
		n = b64_encode(out, sizeof out, bin, 3);
		T_EQ_MEM(out, n, "AP8A", 4, "three binary bytes");
	}

	/* Every length 0..300, pseudo-random bytes, round trip through the decoder. */
	{
		unsigned long x = 12345;
		int bad = 0;
		for (i = 0; i < sizeof in; i++) {
			x = x * 1103515245 + 12345;
			in[i] = (unsigned char)(x >> 16);
		}
		for (n = 0; n <= sizeof in; n++) {
			size_t w = b64_encode(out, sizeof out, in, n);
			long d = decode(out, w, back);
			if (w != b64_encoded_len(n) || d != (long)n || (n && memcmp(back, in, n))) {
				fprintf(stderr, "round trip failed at length %zu\n", n);
				bad++;
			}
		}
		T_EQ_INT(bad, 0, "lengths 0..300 round trip through an independent decoder");
	}

	/* Too-small buffer: 0 written, destination untouched. */
	{
		memset(out, '#', sizeof out);
		T_EQ_INT(b64_encode(out, 7, "foobar", 6), 0, "cap 7 for 8 bytes");
		T_EQ_INT(out[0], '#', "destination untouched when too small");
		T_EQ_INT(b64_encode(out, 8, "foobar", 6), 8, "exact cap");
		T_EQ_INT(b64_encode(out, 0, "", 0), 0, "empty input, no buffer");
		T_EQ_INT(b64_encoded_len((size_t)-1), 0, "overflowing length reports 0");
	}

	/* Canonical-form check (the --pin syntax): a table, then every encoder
	 * output of lengths 0..64 must pass with its own length. */
	{
		static const struct { const char *in; long want; } rows[] = {
			{ "Zg==", 1 }, { "Zm8=", 2 }, { "Zm9v", 3 }, { "Zm9vYmFy", 6 },
			{ "AA==", 1 }, { "AB==", -1 }, { "AAB=", -1 }, { "AAA=", 2 },
			{ "", -1 }, { "Zg=", -1 }, { "Zg", -1 }, { "Z===", -1 }, { "====", -1 },
			{ "Zm9!", -1 }, { "Zm-v", -1 }, { "Zm_v", -1 }, { "Zm9v\n", -1 },
			{ "Zg==Zg==", -1 }, { "=Zg=", -1 }, { "++//", 3 },
			{ "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", 32 },
			{ "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=", -1 },
			{ "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=", -1 },
		};
		size_t i, n;
		int bad = 0;
		for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
			T_EQ_INT(b64_decoded_len(rows[i].in, strlen(rows[i].in)), rows[i].want, rows[i].in);
		for (n = 1; n <= 64; n++) {
			unsigned char in[64];
			size_t k, w;
			for (k = 0; k < n; k++)
				in[k] = (unsigned char)(k * 37 + n);
			w = b64_encode(out, sizeof out, in, n);
			if (b64_decoded_len(out, w) != (long)n)
				bad++;
		}
		T_EQ_INT(bad, 0, "every encoding of 1..64 bytes is canonical with its length");
	}
	return t_done();
}
