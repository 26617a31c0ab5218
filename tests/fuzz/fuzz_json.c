/* fuzz_json.c: libFuzzer target for the JSON scanner (src/json.c): never
 * crashes, and one-shot, two-chunk and byte-by-byte feeding agree exactly. */
#include "json.h"
#include "../t.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Everything a caller can observe after a scan. */
struct res {
	int rc;
	uint64_t off;
	struct js_str f[JS_NFIELDS];
	int active, top;
	char msg[200];
};

/* A failed invariant must stop the fuzzer with a crash it reports. */
static void check(int cond)
{
	if (!cond)
		abort();
}

/* Feed through an exact-size heap copy so ASan sees any over-read. */
static int feed(struct js_scanner *s, const uint8_t *p, size_t n)
{
	uint8_t *c;
	int rc;

	if (n == 0)
		return js_feed(s, NULL, 0);
	c = t_dup(p, n);
	rc = js_feed(s, c, n);
	free(c);
	return rc;
}

/* Chunks: [0, split) and [split, n), or every byte alone when bytewise.
 * Errors must be sticky: every call after the first returns it. */
static void scan(const uint8_t *d, size_t n, size_t split, int bytewise,
    struct res *r)
{
	struct js_scanner s;
	int rc = JS_OK, x;
	size_t i;

	js_init(&s);
	if (bytewise) {
		/* One reused 1-byte buffer: a fresh malloc per byte would fill
		 * ASan's quarantine and swell the fuzzer's RSS. */
		uint8_t *one = malloc(1);

		check(one != NULL);
		for (i = 0; i < n; i++) {
			*one = d[i];
			x = js_feed(&s, one, 1);
			check(rc == JS_OK || x == rc);
			if (rc == JS_OK)
				rc = x;
		}
		free(one);
	} else {
		rc = feed(&s, d, split);
		x = feed(&s, d + split, n - split);
		check(rc == JS_OK || x == rc);
		if (rc == JS_OK)
			rc = x;
	}
	x = js_finish(&s);
	check(rc == JS_OK || x == rc);
	rc = x;
	check(js_finish(&s) == rc);
	memset(r, 0, sizeof(*r));
	r->rc = rc;
	r->off = rc ? js_erroff(&s) : 0;
	memcpy(r->f, s.f, sizeof(r->f));
	r->active = s.active;
	r->top = s.toplevel_object;
	check(js_errmsg(&s, r->msg, sizeof(r->msg)) < sizeof(r->msg));
}

/* RFC 3629 well-formedness of a decoded field. */
static int utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], need, lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3;
		else
			return 0;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n - i - 1 < need)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (c = 2; c <= need; c++)
			if (p[i + c] < 0x80 || p[i + c] > 0xBF)
				return 0;
		i += need + 1;
	}
	return 1;
}

static void same(const struct res *a, const struct res *b)
{
	int i;

	check(a->rc == b->rc);
	check(a->off == b->off);
	check(strcmp(a->msg, b->msg) == 0);
	/* Even after an error the fields are equal: the scan stopped at the
	 * same byte whatever the chunking. */
	check(a->active == b->active);
	check(a->top == b->top);
	for (i = 0; i < JS_NFIELDS; i++) {
		check(a->f[i].present == b->f[i].present);
		check(a->f[i].truncated == b->f[i].truncated);
		check(a->f[i].len == b->f[i].len);
		check(memcmp(a->f[i].buf, b->f[i].buf, a->f[i].len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct res one, two, bytes;
	uint32_t h = 2166136261u; /* FNV-1a: a split that follows the data */
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	scan(data, size, size, 0, &one);
	scan(data, size, h % (size + 1), 0, &two);
	scan(data, size, 0, 1, &bytes);
	same(&one, &two);
	same(&one, &bytes);

	for (i = 0; i < JS_NFIELDS; i++) {
		check(one.f[i].len <= JS_FIELD_MAX);
		if (one.rc == JS_OK && one.f[i].present) {
			check(one.f[i].buf[one.f[i].len] == '\0');
			check(utf8_ok((const unsigned char *)one.f[i].buf,
			    one.f[i].len));
		}
		if (one.rc == JS_OK && !one.f[i].present)
			check(one.f[i].len == 0 && !one.f[i].truncated);
	}
	check(one.active >= -1 && one.active <= 1);
	if (one.rc == JS_E_TRUNCATED || one.rc == JS_E_EMPTY) {
		check(one.off == size);
	} else if (one.rc != JS_OK) {
		/* Reported at the first bad byte: everything before it is
		 * a valid prefix, so feeding just that raises nothing. */
		struct js_scanner s;

		check(one.off < size);
		js_init(&s);
		check(feed(&s, data, (size_t)one.off) == JS_OK);
	}
	return 0;
}
