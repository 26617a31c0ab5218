/* t.h: atlwho's table-driven test harness; header-only, no dependencies.
 * Each failed check prints file:line and what was expected; t_done() prints
 * the closing line "N passed, N failed" and gives main's exit status.
 * Also the small helpers more than one test program needs (the fuzz targets
 * include it for them too): t_xmalloc, t_dup, t_utf8_put. */
#ifndef ATLWHO_T_H
#define ATLWHO_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

static inline void t_ok(int cond, const char *file, int line, const char *what)
{
	if (cond) {
		t_pass++;
		return;
	}
	t_fail++;
	fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, what);
}

/* T_CHECK(cond, label): one check; label says what was expected. */
#define T_CHECK(cond, label) t_ok(!!(cond), __FILE__, __LINE__, (label))

/* T_EQ_INT(got, want, label) */
#define T_EQ_INT(got, want, label) do { \
	long long t_g_ = (long long)(got), t_w_ = (long long)(want); \
	if (t_g_ == t_w_) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "%s:%d: FAIL: %s: expected %lld, got %lld\n", \
		    __FILE__, __LINE__, (label), t_w_, t_g_); } \
} while (0)

/* T_EQ_MEM(got, glen, want, wlen, label): byte strings, printed escaped. */
static inline void t_put_esc(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;
	for (i = 0; i < n && i < 200; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	if (n > 200)
		fprintf(stderr, "...(%zu bytes)", n);
}

static inline void t_eq_mem(const void *g, size_t gl, const void *w, size_t wl,
    const char *file, int line, const char *label)
{
	if (gl == wl && (gl == 0 || memcmp(g, w, gl) == 0)) {
		t_pass++;
		return;
	}
	t_fail++;
	fprintf(stderr, "%s:%d: FAIL: %s: expected \"", file, line, label);
	t_put_esc(w, wl);
	fprintf(stderr, "\", got \"");
	t_put_esc(g, gl);
	fprintf(stderr, "\"\n");
}
#define T_EQ_MEM(g, gl, w, wl, label) \
	t_eq_mem((g), (gl), (w), (wl), __FILE__, __LINE__, (label))
#define T_EQ_STR(g, w, label) do { const char *t_gs_ = (g), *t_ws_ = (w); \
	t_eq_mem(t_gs_ ? t_gs_ : "(null)", t_gs_ ? strlen(t_gs_) : 6, \
	    t_ws_, strlen(t_ws_), __FILE__, __LINE__, (label)); } while (0)

/* malloc that never returns NULL (a test without memory stops, exit 2);
 * n = 0 still gives a distinct pointer. */
static inline void *t_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		perror("malloc");
		exit(2);
	}
	return p;
}

/* An exact-size heap copy of n bytes, so that ASan sees any read past its
 * end (or before its start); free() it. */
static inline void *t_dup(const void *p, size_t n)
{
	void *c = t_xmalloc(n);

	if (n)
		memcpy(c, p, n);
	return c;
}

/* The UTF-8 encoding of the code point cp (up to 0x10ffff; surrogates too,
 * for tests that need them) into d[0..3]; returns its length. */
static inline size_t t_utf8_put(unsigned char *d, unsigned long cp)
{
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xc0 | cp >> 6);
		d[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xe0 | cp >> 12);
		d[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (unsigned char)(0xf0 | cp >> 18);
	d[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Closing line, exactly "N passed, N failed"; returns main's exit status. */
static inline int t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
