/* fuzz_http.c: libFuzzer target for the response parser (status line,
 * headers, framing, chunked coding). Split-feeding invariant: the input fed
 * whole, in two pieces and byte by byte gives the same result, the same
 * headers and the same body bytes. The first byte picks HEAD/CONNECT. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct seen {
	uint64_t hhash, bhash, blen;
	unsigned nhdr, ndone;
	int body_before_head;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ull;
	return h;
}

static int on_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
	struct seen *s = ctx;
	size_t i;

	/* The contract: a token name, a value without CR, LF, NUL or edge
	 * whitespace. */
	if (nl == 0 || (vl > 0 && (v[0] == ' ' || v[0] == '\t' || v[vl - 1] == ' ' || v[vl - 1] == '\t')))
		abort();
	for (i = 0; i < vl; i++)
		if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0')
			abort();
	for (i = 0; i < nl; i++)
		if (n[i] == ':' || n[i] == ' ' || n[i] == '\r' || n[i] == '\n')
			abort();
	s->hhash = fnv(fnv(s->hhash, n, nl), v, vl);
	s->hhash = fnv(s->hhash, "\n", 1);
	s->nhdr++;
	return 0;
}

static int on_body(void *ctx, const void *b, size_t n)
{
	struct seen *s = ctx;

	if (!s->ndone)
		s->body_before_head = 1;
	if (n == 0)
		abort();
	s->bhash = fnv(s->bhash, b, n);
	s->blen += n;
	return 0;
}

struct outcome {
	int rc, status;
	uint64_t err_off, consumed;
	struct seen s;
};

static struct http_resp r;

static void run(const uint8_t *d, size_t n, unsigned flags, size_t step, size_t cut,
    struct outcome *o)
{
	size_t at = 0;
	int rc = HTTP_MORE;

	memset(o, 0, sizeof(*o));
	o->s.hhash = o->s.bhash = 1469598103934665603ull;
	http_resp_init(&r, flags);
	r.on_header = on_header;
	r.on_body = on_body;
	r.ctx = &o->s;
	while (at < n && rc == HTTP_MORE) {
		size_t end = n, used = 0;

		if (step)
			end = at + step < n ? at + step : n;
		else if (cut && at < cut)
			end = cut;
		rc = http_resp_feed(&r, d + at, end - at, &used);
		if (used > end - at)
			abort();
		if (rc == HTTP_MORE && used != end - at)
			abort();
		o->consumed += used;
		if (rc == HTTP_HEAD) { /* once; then the rest of the slice */
			o->s.ndone++;
			at += used;
			rc = HTTP_MORE;
			continue;
		}
		at = end;
	}
	if (rc == HTTP_MORE)
		rc = http_resp_eof(&r);
	if (rc == HTTP_MORE)
		abort();
	/* Sticky: once finished, the answer does not change. */
	if (http_resp_feed(&r, "x", 1, NULL) != rc || http_resp_eof(&r) != rc)
		abort();
	o->rc = rc;
	o->status = r.status;
	o->err_off = r.err_off;
	if (rc == HTTP_DONE && r.has_length && o->s.blen != r.content_length)
		abort();
	if (o->s.blen != r.body_bytes || o->s.body_before_head || o->s.ndone > 1)
		abort();
	{
		char msg[512];
		int h;

		http_resp_describe(&r, msg, sizeof(msg));
		if (strlen(msg) >= sizeof(msg))
			abort();
		for (h = 0; h < HTTP_H_COUNT; h++) {
			size_t len;
			const char *v = http_resp_header(&r, (enum http_hdr)h, &len, NULL);

			if (v && strlen(v) != len)
				abort();
		}
	}
}

static int same(const struct outcome *a, const struct outcome *b)
{
	return a->rc == b->rc && a->status == b->status && a->err_off == b->err_off &&
	    a->consumed == b->consumed && a->s.hhash == b->s.hhash && a->s.bhash == b->s.bhash &&
	    a->s.blen == b->s.blen && a->s.nhdr == b->s.nhdr && a->s.ndone == b->s.ndone;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome one, two, bytes;
	unsigned flags;
	size_t cut;

	if (size < 2)
		return 0;
	flags = data[0] & (HTTP_F_HEAD | HTTP_F_CONNECT);
	cut = data[1];
	data += 2;
	size -= 2;
	if (size > 0)
		cut = cut % (size + 1);
	run(data, size, flags, 0, 0, &one);
	run(data, size, flags, 0, cut, &two);
	run(data, size, flags, 1, 0, &bytes);
	if (!same(&one, &two) || !same(&one, &bytes))
		abort();
	return 0;
}
