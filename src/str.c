/* str.c: shared helpers (see str.h). */
#include "fmt.h"
#include "str.h"

#include <stdarg.h>
#include <string.h>

#include "ascii.h"

void sb_put(struct sb *b, const void *s, size_t n)
{
	if (b->len < b->cap)
		memcpy(b->buf + b->len, s, n < b->cap - b->len ? n : b->cap - b->len);
	b->len += n;
}

void sb_str(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void sb_fmt(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(b->len < b->cap ? b->buf + b->len : NULL, b->len < b->cap ? b->cap - b->len : 0,
	    fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

size_t sb_end(struct sb *b)
{
	if (b->cap > 0)
		b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
	return b->len;
}

void str_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int str_num(const char *s, size_t n, long lo, long hi, long *out)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return STR_E_SYNTAX;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return STR_E_SYNTAX;
	for (i = 0; i < n; i++) {
		long d = s[i] - '0';
		if (v > hi / 10 || (v == hi / 10 && d > hi % 10))
			return STR_E_RANGE; /* v * 10 + d > hi, checked before it can overflow */
		v = v * 10 + d;
	}
	if (v < lo)
		return STR_E_RANGE;
	*out = v;
	return STR_OK;
}

void str_printable(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i;

	if (cap == 0)
		return;
	for (i = 0; i < n && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = ascii_print(c) ? (char)c : '?';
	}
	dst[i] = '\0';
}
