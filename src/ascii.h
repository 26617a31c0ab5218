/* ascii.h: byte classes for protocol text (URLs, HTTP, proxy URLs), locale-
 * free and on unsigned bytes (never <ctype.h> on plain char: STYLE.md). */
#ifndef ATLWHO_ASCII_H
#define ATLWHO_ASCII_H

#include <stddef.h>

static inline int ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Printable ASCII: space to '~' (no control, DEL or byte above 0x7e). */
static inline int ascii_print(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static inline int ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The value of a hex digit, or -1. Two unsigned range tests (c | 0x20
 * folds 'A'..'F' onto 'a'..'f' and nothing else onto them): small enough
 * for -Oz to inline it in each caller rather than keep a copy per file. */
static inline int ascii_hexval(unsigned char c)
{
	unsigned d = (unsigned)c - '0', x = ((unsigned)c | 0x20) - 'a';

	return d < 10 ? (int)d : x < 6 ? (int)x + 10 : -1;
}

static inline unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* 1 if the n bytes at a and b are equal ignoring ASCII case. Stops at the
 * first difference, so a NUL-terminated a shorter than n is safe. */
static inline int ascii_ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

#endif
