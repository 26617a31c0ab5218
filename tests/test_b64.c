/* test_b64.c: the base64 encoder against RFC 4648 section 10, binary input,
 * the seed's Basic example, and lengths 0..300 against an independent decoder;
 * the incremental decoder (PEM's and --pin's) on a table of good and bad
 * inputs fed whole and at every split, against the same independent
 * decoder, and out of room. */
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

	/* The decoder: a table, each input whole into a roomy buffer, then
	 * the same cut at every offset and fed in two pieces. STOP: it stops
	 * at a byte it does not take, with no error. */
	{
#define STOP 1
		static const struct { const char *in; const char *out; int end; } rows[] = {
			{ "", "", B64_OK }, { "Zg==", "f", B64_OK }, { "Zm8=", "fo", B64_OK },
			{ "Zm9v", "foo", B64_OK }, { "Zm9vYmFy", "foobar", B64_OK },
			{ "AB==", "\0", B64_OK },     /* decoded; b64_dec_canonical says 0 */
			{ "Zg", NULL, B64_E_END }, { "Zg=", NULL, B64_E_END }, { "Z", NULL, B64_E_END },
			{ "Zm9vY", NULL, B64_E_END },
			{ "=", NULL, B64_E_CHAR }, { "Z=", NULL, B64_E_CHAR }, { "Zg===", NULL, B64_E_CHAR },
			{ "Zm9=v", NULL, B64_E_CHAR }, { "Zg==Zg==", NULL, B64_E_CHAR },
			{ "Zm 9v", NULL, STOP }, { "Zm9v\n", NULL, STOP }, { "Zg==\r", NULL, STOP },
			{ "Zm-v", NULL, STOP }, { "Zm_v", NULL, STOP }, { "\xffZg==", NULL, STOP },
		};
		for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			size_t inlen = strlen(rows[i].in), cut;
			for (cut = 0; cut <= inlen; cut++) {
				struct b64_dec d;
				unsigned char got[16];
				size_t len = 0, took;
				int r;
				char label[80];
				snprintf(label, sizeof label, "'%s' cut at %zu", rows[i].in, cut);
				b64_dec_init(&d);
				took = b64_dec_feed(&d, rows[i].in, cut, got, sizeof got, &len);
				if (took == cut)
					took += b64_dec_feed(&d, rows[i].in + cut, inlen - cut, got, sizeof got, &len);
				r = d.err ? d.err : took < inlen ? STOP : b64_dec_end(&d, got, sizeof got, &len);
				T_EQ_INT(r, rows[i].end, label);
				if (rows[i].out) {
					size_t want = rows[i].out[0] ? strlen(rows[i].out) : (size_t)(inlen > 0);
					T_EQ_MEM(got, len, rows[i].out, want, label);
				} else if (r != STOP) {
					/* sticky: the error again, whatever follows */
					T_EQ_INT(b64_dec_feed(&d, "AAAA", 4, got, sizeof got, &len), 0, label);
					T_EQ_INT(b64_dec_end(&d, got, sizeof got, &len), rows[i].end, label);
				} else {
					T_CHECK(!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
					    rows[i].in[took]), label);
				}
			}
		}
#undef STOP
	}

	/* The decoder against the independent one, every length 0..300, and
	 * canonical: every encoder output is. */
	{
		int bad = 0;
		for (n = 0; n <= sizeof in; n++) {
			struct b64_dec d;
			size_t w = b64_encode(out, sizeof out, in, n), len = 0;
			int r = B64_OK;
			b64_dec_init(&d);
			if (b64_dec_feed(&d, out, w, back, sizeof back, &len) != w)
				r = -1;
			if (r == B64_OK)
				r = b64_dec_end(&d, back, sizeof back, &len);
			if (r != B64_OK || len != n || (n && memcmp(back, in, n)) || !b64_dec_canonical(&d) ||
			    decode(out, w, back) != (long)n) {
				fprintf(stderr, "decoder differs at length %zu\n", n);
				bad++;
			}
		}
		T_EQ_INT(bad, 0, "decoder: lengths 0..300 give back the encoder's input");
	}

	/* Out of room: B64_E_ROOM at the group that does not fit, nothing
	 * written past cap; dst NULL only counts. */
	{
		struct b64_dec d;
		unsigned char got[4] = { 0, 0, 0, 0x5a };
		size_t len = 0;
		b64_dec_init(&d);
		T_EQ_INT(b64_dec_feed(&d, "Zm9vYmFy", 8, got, 3, &len), 7, "6 bytes into 3: stops at the 8th character");
		T_EQ_INT(d.err, B64_E_ROOM, "6 bytes into 3: out of room");
		T_EQ_MEM(got, len, "foo", 3, "the first group is kept");
		T_EQ_INT(got[3], 0x5a, "nothing written past cap");
		T_EQ_INT(b64_dec_end(&d, got, 3, &len), B64_E_ROOM, "sticky at the end");
		b64_dec_init(&d);
		len = 0;
		T_EQ_INT(b64_dec_feed(&d, "Zm8=", 4, got, 1, &len), 4, "padding");
		T_EQ_INT(b64_dec_end(&d, got, 1, &len), B64_E_ROOM, "a padded group of 2 into 1");
		b64_dec_init(&d);
		len = 0;
		b64_dec_feed(&d, "Zm9vYmFy", 8, NULL, 0, &len);
		T_EQ_INT(b64_dec_end(&d, NULL, 0, &len), B64_OK, "count only");
		T_EQ_INT(len, 6, "count only: 6 bytes");
	}
	return t_done();
}
