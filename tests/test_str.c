/* test_str.c: the shared helpers of src/str.c: the string builder's
 * snprintf convention at every capacity, the ranged decimal parser as a
 * table, the wipe, and str_printable, the rule for server bytes quoted in a
 * message. */
#include "str.h"
#include "t.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN(s) s, sizeof(s) - 1

/* The builder against snprintf at every capacity 0..40: the same prefix,
 * always terminated when cap > 0, never a byte past cap, len the whole. */
static void test_sb(void)
{
	const char *want = "GET /rest/api/2/myself HTTP/1.1 7 x";
	size_t cap, bad = 0;

	for (cap = 0; cap <= 40; cap++) {
		char buf[48];
		struct sb b = { buf, cap, 0 };
		memset(buf, '#', sizeof buf);
		sb_str(&b, "GET ");
		sb_put(&b, "/rest/api/2/myselfXX", 18);
		sb_fmt(&b, " HTTP/1.%d %u %s", 1, 7u, "x");
		if (sb_end(&b) != strlen(want) || buf[cap] != '#' ||
		    (cap > 0 && (strncmp(buf, want, cap - 1) != 0 || buf[cap - 1 < strlen(want) ? cap - 1 : strlen(want)] != '\0')))
			bad++;
	}
	T_EQ_INT(bad, 0, "sb: snprintf's convention at every capacity 0..40");
}

static void test_num(void)
{
	static const struct { const char *s; long lo, hi; int rc; long want; } rows[] = {
		{ "0", 0, 10, STR_OK, 0 }, { "10", 0, 10, STR_OK, 10 }, { "11", 0, 10, STR_E_RANGE, 0 },
		{ "007", 0, 10, STR_OK, 7 }, { "5", 6, 10, STR_E_RANGE, 0 }, { "", 0, 10, STR_E_SYNTAX, 0 },
		{ "-1", 0, 10, STR_E_SYNTAX, 0 }, { "+1", 0, 10, STR_E_SYNTAX, 0 }, { " 1", 0, 10, STR_E_SYNTAX, 0 },
		{ "1 ", 0, 10, STR_E_SYNTAX, 0 }, { "1a", 0, 10, STR_E_SYNTAX, 0 }, { "0x10", 0, 100, STR_E_SYNTAX, 0 },
		{ "600", 0, 600, STR_OK, 600 }, { "601", 0, 600, STR_E_RANGE, 0 },
		{ "99999999999999999999999999", 0, 1000, STR_E_RANGE, 0 },
		{ "1", 0, 0, STR_E_RANGE, 0 }, { "0", 0, 0, STR_OK, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		long v = -42;
		int rc = str_num(rows[i].s, strlen(rows[i].s), rows[i].lo, rows[i].hi, &v);
		T_EQ_INT(rc, rows[i].rc, rows[i].s);
		T_EQ_INT(v, rows[i].rc == STR_OK ? rows[i].want : -42, rows[i].s); /* untouched on error */
	}
	{
		long v;
		T_EQ_INT(str_num("123", 2, 0, 100, &v), STR_OK, "n bounds the input");
		T_EQ_INT(v, 12, "n bounds the input: 12");
	}
	{
		/* LONG_MAX is 2^31-1 on armv7 and mipsel, 2^63-1 elsewhere: the
		 * edge rows are written from the target's own limit. */
		char max[32], over[32], tenx[40];
		long v = -42;
		size_t n;

		snprintf(max, sizeof max, "%ld", LONG_MAX);
		n = strlen(max);
		memcpy(over, max, n + 1);
		over[n - 1] = (char)(over[n - 1] + 1); /* ...7 -> ...8: LONG_MAX + 1 */
		snprintf(tenx, sizeof tenx, "%s0", max);
		T_EQ_INT(str_num(max, n, 0, LONG_MAX, &v), STR_OK, "LONG_MAX itself");
		T_EQ_INT(v == LONG_MAX, 1, "LONG_MAX read whole");
		v = -42;
		T_EQ_INT(str_num(over, n, 0, LONG_MAX, &v), STR_E_RANGE, "LONG_MAX + 1");
		T_EQ_INT(str_num(tenx, strlen(tenx), 0, LONG_MAX, &v), STR_E_RANGE, "LONG_MAX * 10");
		T_EQ_INT(v, -42, "untouched past LONG_MAX");
	}
}

static void test_wipe(void)
{
	unsigned char b[64];
	size_t i, nz = 0;

	memset(b, 0xa5, sizeof b);
	str_wipe(b + 8, 40);
	for (i = 0; i < sizeof b; i++)
		nz += (i >= 8 && i < 48) ? b[i] != 0 : b[i] != 0xa5;
	T_EQ_INT(nz, 0, "str_wipe zeroes exactly its n bytes");
}

struct crow {
	const char *label;
	const char *src;
	size_t n;
	size_t cap;
	const char *want;   /* NULL: dst untouched */
};

static const struct crow crows[] = {
	{ "plain", IN("AUTHENTICATED_FAILED"), 64, "AUTHENTICATED_FAILED" },
	{ "n bounds the source", "abcdef", 2, 64, "ab" },
	{ "n = 0", "abc", 0, 64, "" },
	{ "cut at cap - 1", IN("abcdef"), 4, "abc" },
	{ "exactly fits", IN("abc"), 4, "abc" },
	{ "cap 1", IN("abc"), 1, "" },
	{ "cap 0 writes nothing", IN("abc"), 0, NULL },
	{ "C0 controls and DEL", IN("a\tb\r\nc\x1b[31md\x7f"), 64, "a?b??c?[31md?" },
	{ "NUL inside", IN("a\0b"), 64, "a?b" },
	{ "every C0", IN("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
	  "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"), 64,
	  "???????????????????????????????" },
	{ "C1 CSI (0x9b) and other bytes over 0x7e", IN("\x9b[2J\xff"), 64, "?[2J?" },
	{ "UTF-8: each byte a '?'", IN("Lu\xc3\xads \xe2\x9c\x93"), 64, "Lu??s ???" },
	{ "space and tilde kept", IN(" ~"), 64, " ~" },
};

static void test_clean(void)
{
	size_t r;

	for (r = 0; r < sizeof crows / sizeof crows[0]; r++) {
		const struct crow *c = &crows[r];
		char *src = malloc(c->n ? c->n : 1), dst[80];

		if (!src)
			return;
		memcpy(src, c->src, c->n); /* exact size: ASan sees over-reads */
		memset(dst, '#', sizeof dst);
		str_printable(dst, c->cap, src, c->n);
		if (c->want) {
			T_EQ_STR(dst, c->want, c->label);
		} else {
			T_CHECK(dst[0] == '#', c->label);
		}
		T_CHECK(c->cap == 0 || dst[c->cap] == '#', "nothing written past cap");
		free(src);
	}
	{
		char s[] = "in\x1bplace";
		str_printable(s, sizeof s, s, strlen(s));
		T_EQ_STR(s, "in?place", "dst may be src");
	}
}

int main(void)
{
	test_sb();
	test_num();
	test_wipe();
	test_clean();
	return t_done();
}
