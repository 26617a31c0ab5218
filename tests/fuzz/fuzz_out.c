/* fuzz_out: libFuzzer target for the output encoders of src/out.c.
 * Each output is checked by an independent decoder: RFC 3629, RFC 8259, POSIX sh quotes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "../t.h"

/* Longer inputs are cut: the encoders have no length-dependent state, and
 * libFuzzer's default -max_len is 4096 anyway. */
#define FUZZ_IN_MAX 4096
/* Worst expansion of any encoder is 6 bytes per input byte plus 2 quotes;
 * the decoders below never produce more than 3 bytes per input byte. */
#define FUZZ_OUT_MAX (FUZZ_IN_MAX * 6 + 2)

struct buf {
	unsigned char b[FUZZ_OUT_MAX];
	size_t n;
};

static struct buf text, json, env, dec, want;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_out: %s\n", what);
	abort();
}

static void buf_fn(void *ctx, const void *p, size_t n)
{
	struct buf *b = ctx;

	if (n == 0)
		fail("writer called with n == 0");
	if (n > sizeof b->b - b->n)
		fail("output longer than the documented worst case");
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put(struct buf *b, const void *p, size_t n)
{
	buf_fn(b, p, n);
}

/* Own UTF-8 decoder, written differently from out.c's on purpose: decode
 * by the lead byte's length, then reject overlong, surrogate, too large.
 * Returns the length of a valid character at s, or 0. */
static size_t u8_valid(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v;
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		v = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		v = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		v = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Length of the maximal subpart at s (Unicode sec. 3.9), independently of
 * out.c: the longest prefix that some continuation bytes could complete.
 * Every byte after the second accepts all of 80..BF, so padding with 0x80
 * completes a prefix if anything does. */
static size_t u8_subpart(const unsigned char *s, size_t n)
{
	unsigned char t[4];
	size_t k, len, best = 1;
	uint32_t cp;

	for (len = 2; len <= 4; len++) {
		for (k = 1; k < len && k <= n; k++) {
			memcpy(t, s, k);
			memset(t + k, 0x80, len - k);
			if (u8_valid(t, len, &cp) == len && k > best)
				best = k;
		}
	}
	return best;
}

static void put_cp(struct buf *b, uint32_t cp)
{
	unsigned char t[4];

	put(b, t, t_utf8_put(t, cp));
}

static int unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at s; -1 if missing or not hex. */
static long hexn(const unsigned char *s, size_t avail, size_t n)
{
	long v = 0;
	size_t i;
	int h;

	if (avail < n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((h = hexval(s[i])) < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* One-letter escapes, as pairs: the letter after the backslash, then the
 * byte it stands for. Text: \\ \t \n \r; JSON (RFC 8259 sec. 7): \" \\ \/ \b
 * \f \n \r \t. */
#define TEXT_ESC1 "\\\\t\tn\nr\r"
#define JSON_ESC1 "\"\"\\\\//b\bf\fn\nr\rt\t"

/* If c is a letter of map, puts the byte it stands for into b: 1; else 0. */
static int esc1(struct buf *b, const char *map, unsigned char c)
{
	for (; *map; map += 2)
		if ((unsigned char)map[0] == c) {
			put(b, map + 1, 1);
			return 1;
		}
	return 0;
}

/* Text: safe for a terminal, and the input comes back exactly. */
static void check_text(const unsigned char *in, size_t n)
{
	const unsigned char *s = text.b;
	size_t i, k;
	uint32_t cp;
	long v;

	for (i = 0; i < text.n; i += k) {
		if ((k = u8_valid(s + i, text.n - i, &cp)) == 0)
			fail("text: invalid UTF-8 in output");
		if (unsafe(cp))
			fail("text: control or unsafe character in output");
	}
	dec.n = 0;
	for (i = 0; i < text.n;) {
		if (s[i] != '\\') {
			put(&dec, s + i, 1);
			i++;
			continue;
		}
		if (i + 1 >= text.n)
			fail("text: lone backslash at end");
		if (esc1(&dec, TEXT_ESC1, s[i + 1])) {
			i += 2;
			continue;
		}
		switch (s[i + 1]) {
		case 'x':
			if ((v = hexn(s + i + 2, text.n - i - 2, 2)) < 0)
				fail("text: bad \\x escape");
			put(&dec, &(unsigned char){ (unsigned char)v }, 1);
			i += 4;
			break;
		case 'u':
			if ((v = hexn(s + i + 2, text.n - i - 2, 4)) < 0)
				fail("text: bad \\u escape");
			if (!unsafe((uint32_t)v) || v < 0x80)
				fail("text: \\u escape of a safe character");
			put_cp(&dec, (uint32_t)v);
			i += 6;
			break;
		default:
			fail("text: unknown escape");
		}
	}
	if (dec.n != n || (n > 0 && memcmp(dec.b, in, n) != 0))
		fail("text: decoding the output does not give the input");
}

/* The string JSON must carry: the input with each maximal subpart of
 * invalid UTF-8 replaced by U+FFFD. */
static void json_expect(const unsigned char *in, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	want.n = 0;
	while (i < n) {
		if ((k = u8_valid(in + i, n - i, &cp)) > 0) {
			put(&want, in + i, k);
			i += k;
		} else {
			put_cp(&want, 0xfffd);
			i += u8_subpart(in + i, n - i);
		}
	}
}

/* A strict JSON string parser (RFC 8259 sec. 7): the whole output is one
 * string; no raw byte below 0x20; only the listed escapes; valid UTF-8.
 * Stricter than the RFC where we promise more: no surrogate escapes, and
 * no raw DEL, C1 or other unsafe character. */
static void check_json(const unsigned char *in, size_t n)
{
	const unsigned char *s = json.b;
	size_t i, k;
	uint32_t cp;
	long v;

	if (json.n < 2 || s[0] != '"' || s[json.n - 1] != '"')
		fail("json: not a quoted string");
	dec.n = 0;
	for (i = 1; i < json.n - 1;) {
		if (s[i] == '"')
			fail("json: unescaped quote inside");
		if (s[i] != '\\') {
			if ((k = u8_valid(s + i, json.n - 1 - i, &cp)) == 0)
				fail("json: invalid UTF-8 in output");
			if (unsafe(cp))
				fail("json: raw control or unsafe character");
			put(&dec, s + i, k);
			i += k;
			continue;
		}
		if (i + 1 >= json.n - 1)
			fail("json: backslash escapes the closing quote");
		if (esc1(&dec, JSON_ESC1, s[i + 1])) {
			i += 2;
			continue;
		}
		switch (s[i + 1]) {
		case 'u':
			if ((v = hexn(s + i + 2, json.n - 1 - i - 2, 4)) < 0)
				fail("json: bad \\u escape");
			if (v >= 0xd800 && v <= 0xdfff)
				fail("json: surrogate escape");
			put_cp(&dec, (uint32_t)v);
			i += 6;
			break;
		default:
			fail("json: invalid escape");
		}
	}
	json_expect(in, n);
	if (dec.n != want.n || (want.n > 0 &&
	    memcmp(dec.b, want.b, want.n) != 0))
		fail("json: parsed string is not the input (U+FFFD rule)");
}

/* POSIX XCU 2.2.2/2.2.3 as far as our words use them: inside '...' every
 * byte is literal up to the next quote; outside, only ' and \' may occur
 * (anything else would be unquoted, subject to expansion). */
static void check_env(const unsigned char *in, size_t n)
{
	const unsigned char *s = env.b;
	size_t i;
	int quoted = 0;

	if (env.n < 2 || s[0] != '\'')
		fail("env: does not start with a quote");
	dec.n = 0;
	for (i = 0; i < env.n; i++) {
		if (s[i] == 0)
			fail("env: NUL in output");
		if (quoted) {
			if (s[i] == '\'')
				quoted = 0;
			else
				put(&dec, s + i, 1);
		} else if (s[i] == '\'') {
			quoted = 1;
		} else if (s[i] == '\\' && i + 1 < env.n && s[i + 1] == '\'') {
			put(&dec, "'", 1);
			i++;
		} else {
			fail("env: unquoted character outside the quotes");
		}
	}
	if (quoted)
		fail("env: unterminated quote");
	want.n = 0;
	for (i = 0; i < n; i++) {
		if (in[i] == 0)
			put(&want, "\xef\xbf\xbd", 3);
		else
			put(&want, in + i, 1);
	}
	if (dec.n != want.n || (want.n > 0 &&
	    memcmp(dec.b, want.b, want.n) != 0))
		fail("env: sh decoding is not the input (NUL -> U+FFFD)");
}

static void check_uint(const unsigned char *in, size_t n)
{
	unsigned long long v = 0;
	char ref[32];
	size_t i;
	struct out_w w = { buf_fn, &dec };

	for (i = 0; i < n && i < sizeof v; i++)
		v = v << 8 | in[i];
	dec.n = 0;
	out_uint(&w, v);
	snprintf(ref, sizeof ref, "%llu", v);
	if (dec.n != strlen(ref) || memcmp(dec.b, ref, dec.n) != 0)
		fail("out_uint differs from %llu");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out_w wt = { buf_fn, &text }, wj = { buf_fn, &json },
	    we = { buf_fn, &env };

	if (size > FUZZ_IN_MAX)
		size = FUZZ_IN_MAX;
	text.n = json.n = env.n = 0;
	out_text_value(&wt, data, size);
	out_json_string(&wj, data, size);
	out_env_value(&we, data, size);
	check_text(data, size);
	check_json(data, size);
	check_env(data, size);
	check_uint(data, size);
	return 0;
}
