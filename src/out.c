/* out: encoders that make untrusted server bytes safe for atlwho's stdout.
 * UTF-8 per RFC 3629 sec. 4; JSON strings per RFC 8259 sec. 7; sh quoting per POSIX XCU 2.2.2. */
#include "out.h"

#include <limits.h>

/* Longest escape written in one piece: "\u" and 4 hex digits. */
#define OUT_ESC_MAX 6

/* Decimal digits of the largest unsigned long long: log10(2) < 0.302, +1
 * for the rounding. 20 on every platform we build for. */
#define OUT_UINT_DIGITS (sizeof(unsigned long long) * CHAR_BIT * 302 / 1000 + 1)

/* What utf8_next stores for an invalid subpart; no code point is negative. */
#define OUT_CP_BAD (-1L)

/* UTF-8 sequences are at most 4 bytes long (RFC 3629 sec. 3). */
#define OUT_UTF8_MAX 4

static const char out_hex[] = "0123456789abcdef";

static void put(const struct out_w *w, const void *p, size_t n)
{
	if (n > 0)
		w->fn(w->ctx, p, n);
}

/*
 * Length of the UTF-8 sequence at s[0..n), n >= 1. Stores its code point in
 * *cp, or OUT_CP_BAD if invalid; then the length returned is the maximal
 * subpart (see out.h), so that an invalid lead byte never swallows a valid
 * character after it. The per-lead ranges for the second byte are the ones
 * of RFC 3629 sec. 4: they rule out overlongs (E0, F0), surrogates (ED) and
 * values past U+10FFFF (F4) before the sequence is complete.
 */
static size_t utf8_next(const unsigned char *s, size_t n, long *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;
	long v;

	if (c < 0x80) {
		*cp = (long)c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4) {
		/* Stray continuation, overlong 2-byte lead C0/C1, or a lead for
		 * more than 21 bits: nothing can follow it. */
		*cp = OUT_CP_BAD;
		return 1;
	}
	if (c < 0xe0) {
		len = 2;
		v = (long)(c & 0x1f);
	} else if (c < 0xf0) {
		len = 3;
		v = (long)(c & 0x0f);
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else {
		len = OUT_UTF8_MAX;
		v = (long)(c & 0x07);
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = OUT_CP_BAD;
			return i;
		}
		v = v << 6 | (long)(s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return len;
}

/* The "unsafe" set of out.h: never written raw by text or JSON. */
static int cp_unsafe(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static void put_x(const struct out_w *w, unsigned char b)
{
	char e[OUT_ESC_MAX];

	e[0] = '\\';
	e[1] = 'x';
	e[2] = out_hex[b >> 4];
	e[3] = out_hex[b & 0xf];
	put(w, e, 4);
}

/* Only called for unsafe code points, all of which are below U+10000. */
static void put_u(const struct out_w *w, long cp)
{
	char e[OUT_ESC_MAX];

	e[0] = '\\';
	e[1] = 'u';
	e[2] = out_hex[(cp >> 12) & 0xf];
	e[3] = out_hex[(cp >> 8) & 0xf];
	e[4] = out_hex[(cp >> 4) & 0xf];
	e[5] = out_hex[cp & 0xf];
	put(w, e, OUT_ESC_MAX);
}

/* Short escape shared by text and JSON, or NULL if the code point has none
 * there. Backspace and form feed only exist in JSON. */
static const char *short_esc(long cp, int json)
{
	switch (cp) {
	case '\\': return "\\\\";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '"':  return json ? "\\\"" : NULL;
	case '\b': return json ? "\\b" : NULL;
	case '\f': return json ? "\\f" : NULL;
	default:   return NULL;
	}
}

/* The common loop of text and JSON (see out.h for each one's escapes):
 * safe characters are not copied one by one, each run of them goes to the
 * writer as one slice of the input. */
static void encode(const struct out_w *w, const unsigned char *s, size_t n, int json)
{
	size_t i = 0, run = 0, len, k;
	const char *e;
	long cp;

	if (n == 0)
		return;
	while (i < n) {
		len = utf8_next(s + i, n - i, &cp);
		if (cp != OUT_CP_BAD && cp != '\\' && !(json && cp == '"') && !cp_unsafe(cp)) {
			i += len;
			continue;
		}
		put(w, s + run, i - run);
		if (cp == OUT_CP_BAD && json) {
			put_u(w, 0xfffd);
		} else if (cp == OUT_CP_BAD) {
			/* Every byte, so that the exact input can be recovered. */
			for (k = 0; k < len; k++)
				put_x(w, s[i + k]);
		} else if ((e = short_esc(cp, json)) != NULL) {
			put(w, e, 2);
		} else if (cp < 0x80 && !json) {
			put_x(w, (unsigned char)cp);
		} else {
			put_u(w, cp);
		}
		i += len;
		run = i;
	}
	put(w, s + run, n - run); /* n > 0: val may be NULL only when n == 0 */
}

void out_text_value(const struct out_w *w, const void *val, size_t n)
{
	encode(w, val, n, 0);
}

void out_json_string(const struct out_w *w, const void *val, size_t n)
{
	put(w, "\"", 1);
	encode(w, val, n, 1);
	put(w, "\"", 1);
}

void out_env_value(const struct out_w *w, const void *val, size_t n)
{
	const unsigned char *s = val;
	size_t i, run = 0;

	put(w, "'", 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '\'') {
			/* Close the quotes, a backslash-quoted quote, reopen:
			 * nothing else is special inside single quotes. */
			put(w, s + run, i - run);
			put(w, "'\\''", 4);
			run = i + 1;
		} else if (s[i] == 0) {
			/* No shell can hold a NUL; U+FFFD keeps it visible. */
			put(w, s + run, i - run);
			put(w, "\xef\xbf\xbd", 3);
			run = i + 1;
		}
	}
	if (n > 0)
		put(w, s + run, n - run);
	put(w, "'", 1);
}

int out_env_name_ok(const char *name)
{
	size_t i;
	unsigned char c;

	if (name == NULL || name[0] == '\0')
		return 0;
	/* Plain comparisons, not <ctype.h>: the locale must not widen the
	 * set of letters a shell would accept in a name. */
	for (i = 0; name[i] != '\0'; i++) {
		c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_')
			continue;
		if (i > 0 && c >= '0' && c <= '9')
			continue;
		return 0;
	}
	return 1;
}

void out_uint(const struct out_w *w, unsigned long long v)
{
	char d[OUT_UINT_DIGITS];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	put(w, d + i, sizeof d - i);
}
