/* str.h: the small helpers every module shares, each in one place: a
 * bounded string builder (snprintf's convention), a wipe the compiler keeps,
 * a ranged decimal parser (OpenBSD strtonum's spirit) and the rule for
 * quoting server bytes inside a message (str_printable). Pure: no I/O, no
 * allocation. */
#ifndef ATLWHO_STR_H
#define ATLWHO_STR_H

#include <stddef.h>

/* Output into buf (cap bytes) that counts what it could not store: buf
 * always holds a prefix of the whole output, len the size the whole output
 * needs (> cap once it overflowed). */
struct sb {
	char *buf;
	size_t cap;
	size_t len;
};

void sb_put(struct sb *b, const void *s, size_t n);
void sb_str(struct sb *b, const char *s);
void sb_fmt(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates what was stored (when cap > 0); returns len. */
size_t sb_end(struct sb *b);

/* Zeroes n bytes in a way the compiler may not remove (for secrets). */
void str_wipe(void *p, size_t n);

/* Return values of str_num (-11 to -19: every module's codes have their
 * own range). */
#define STR_OK       0
#define STR_E_SYNTAX (-11)  /* empty, or not only the digits 0-9 */
#define STR_E_RANGE  (-12)  /* outside lo..hi (overflow included) */
/* The n bytes at s as a decimal number in lo..hi (0 <= lo <= hi). */
int str_num(const char *s, size_t n, long lo, long hi, long *out);

/*
 * Server bytes reach a person by one of two rules, each named for what it
 * does:
 * - str_printable, here: lossy, for a short piece of server text quoted
 *   inside a message (a coding name, a login URL, a certificate name).
 *   Copies n bytes into dst (cap bytes, NUL-terminated, cut to fit), every
 *   byte but printable ASCII (ascii_print) as '?': the piece stays on its
 *   line and shows no C0 or C1 control (0x9b is a terminal's CSI) nor a
 *   stray UTF-8 piece. dst may be src.
 * - out_text_value (out.h): lossless escapes (\t, \xNN, \uXXXX) for a
 *   whole value or message line as it is written to stdout or stderr;
 *   every message line goes through it, a quoted piece included.
 * A byte named in a parser's error message is shown as 'c' when
 * ascii_print holds, else as its hex value (json.c, cli.c).
 */
void str_printable(char *dst, size_t cap, const char *src, size_t n);

#endif
