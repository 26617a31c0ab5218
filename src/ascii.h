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

/* The value of a hex digit, or -1. */
static inline int ascii_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
