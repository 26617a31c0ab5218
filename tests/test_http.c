/* test_http.c: request builder and incremental response parser.
 * Every response row is fed whole (flush against an unreadable page), byte
 * by byte, and split at every offset; all runs must agree exactly. */
#include "t.h"
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- what one run of the parser produced ---- */

#define BODY_KEEP 8192
#define HDRS_KEEP 8192

struct res {
	int rc;
	int status;
	int minor;
	unsigned interim;
	uint64_t err_off;
	uint64_t consumed;       /* sum of *used */
	uint64_t btotal;         /* body bytes seen by on_body */
	uint64_t bhash;          /* FNV-1a of all body bytes */
	size_t blen;
	char body[BODY_KEEP];
	size_t hlen;
	char hdrs[HDRS_KEEP];    /* "name: value\n" per on_header call */
	int headers_done;        /* HTTP_HEAD returns */
	int body_before_head;    /* on_body before HTTP_HEAD */
	int stop_body;           /* make on_body fail */
	int stop_header;         /* make on_header fail */
};

static int cb_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
	struct res *s = ctx;

	if (s->hlen + nl + vl + 3 < HDRS_KEEP) {
		memcpy(s->hdrs + s->hlen, n, nl);
		s->hlen += nl;
		memcpy(s->hdrs + s->hlen, ": ", 2);
		s->hlen += 2;
		memcpy(s->hdrs + s->hlen, v, vl);
		s->hlen += vl;
		s->hdrs[s->hlen++] = '\n';
	}
	return s->stop_header;
}

static int cb_body(void *ctx, const void *buf, size_t len)
{
	struct res *s = ctx;
	const unsigned char *p = buf;
	size_t i;

	if (!s->headers_done)
		s->body_before_head = 1;
	for (i = 0; i < len; i++) {
		s->bhash = (s->bhash ^ p[i]) * 1099511628211ull;
		if (s->blen < BODY_KEEP)
			s->body[s->blen++] = (char)p[i];
	}
	s->btotal += len;
	return s->stop_body;
}

/* The secrets the parser judges values by (NULL: none). */
static const struct rd_set *g_rd;

/* The fields kept in r->fields (http_resp_field) are those on_header
 * reported, in order, value for value: counted over every run. */
static char g_fields[HTTP_FIELDS_MAX];
static int g_runs, g_field_mismatch;

static void check_fields(const struct res *s, const struct http_resp *r)
{
	static char text[HDRS_KEEP];
	const char *name, *value;
	size_t pos = 0, len = 0, nlen, vlen;

	g_runs++;
	while (http_resp_field(r, &pos, &name, &nlen, &value, &vlen)) {
		if (len + nlen + vlen + 3 >= sizeof text)
			return; /* more than on_header's copy keeps */
		memcpy(text + len, name, nlen);
		memcpy(text + len + nlen, ": ", 2);
		memcpy(text + len + nlen + 2, value, vlen);
		len += nlen + vlen + 3;
		text[len - 1] = '\n';
	}
	if (len != s->hlen || memcmp(text, s->hdrs, len) != 0)
		g_field_mismatch++;
}

/* Feeds in[0..n) cut at the given points, then EOF if still incomplete. */
static void run(const void *in, size_t n, unsigned flags, const size_t *cuts, size_t ncuts,
    size_t step, struct res *s, struct http_resp *r)
{
	const unsigned char *p = in;
	size_t at = 0, c = 0;
	int rc = HTTP_MORE;

	memset(s, 0, sizeof(*s));
	s->bhash = 1469598103934665603ull;
	http_resp_init(r, flags);
	r->rd = g_rd;
	r->on_header = cb_header;
	r->on_body = cb_body;
	r->ctx = s;
	r->fields = g_fields;
	while (at < n && rc == HTTP_MORE) {
		size_t end = n, used = 0;

		if (step)
			end = at + step < n ? at + step : n;
		else if (c < ncuts)
			end = cuts[c++];
		do { /* after HTTP_HEAD the rest of the slice, even none, is fed on */
			rc = http_resp_feed(r, p + at, end - at, &used);
			s->consumed += used;
			at += used;
			if (rc == HTTP_HEAD)
				s->headers_done++;
		} while (rc == HTTP_HEAD);
		at = end;
	}
	if (rc == HTTP_MORE)
		rc = http_resp_eof(r);
	check_fields(s, r);
	s->rc = rc;
	s->status = r->status;
	s->minor = r->minor;
	s->interim = r->interim;
	s->err_off = r->err_off;
}

static int same(const struct res *a, const struct res *b)
{
	return a->rc == b->rc && a->status == b->status && a->interim == b->interim &&
	    a->err_off == b->err_off && a->consumed == b->consumed && a->btotal == b->btotal &&
	    a->bhash == b->bhash && a->hlen == b->hlen && memcmp(a->hdrs, b->hdrs, a->hlen) == 0 &&
	    a->headers_done == b->headers_done && !a->body_before_head && !b->body_before_head;
}

/* Places in[0..n) so that its last byte is followed by an unreadable
 * page, as picohttpparser's tests do: any over-read faults. */
static void *guarded(const void *in, size_t n, void **map, size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (n + pg - 1) / pg + 1;
	unsigned char *m = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	mprotect(m + (pages - 1) * pg, pg, PROT_NONE);
	memcpy(m + (pages - 1) * pg - n, in, n);
	*map = m;
	*maplen = pages * pg;
	return m + (pages - 1) * pg - n;
}

static struct http_resp g_r;    /* 25 KiB: kept off the stack */
static struct res g_one, g_other;

/* One-shot (guarded), byte by byte, and (for small inputs) every split;
 * returns the one-shot result in g_one and checks the others agree. */
static const struct res *feed_all_ways(const void *in, size_t n, unsigned flags, const char *label)
{
	void *map = NULL;
	size_t maplen = 0;
	const void *g = guarded(in, n, &map, &maplen);

	run(g ? g : in, n, flags, NULL, 0, 0, &g_one, &g_r);
	if (map)
		munmap(map, maplen);
	run(in, n, flags, NULL, 0, 1, &g_other, &g_r);
	T_CHECK(same(&g_one, &g_other), label);
	if (n <= 4096) {
		size_t k, bad = 0;

		for (k = 0; k <= n; k++) {
			size_t cut = k;

			run(in, n, flags, &cut, 1, 0, &g_other, &g_r);
			if (!same(&g_one, &g_other)) {
				if (bad++ == 0)
					fprintf(stderr, "%s: split at %zu differs\n", label, k);
			}
		}
		T_EQ_INT(bad, 0, label);
	}
	/* leave g_r holding the one-shot state for callers that inspect it */
	run(in, n, flags, NULL, 0, 0, &g_other, &g_r);
	return &g_one;
}

/* ---- the response table ---- */

#define S(x) x, sizeof(x) - 1
#define H200 "HTTP/1.1 200 OK\r\n"
#define NOOFF (-1)

struct resp_row {
	const char *label;
	const char *in;
	size_t len;
	unsigned flags;
	int rc;             /* after EOF when the input runs out */
	int status;         /* -1: do not check */
	const char *body;   /* NULL: do not check */
	const char *at;     /* error offset = first occurrence of this; NULL: skip */
	long off;           /* or an explicit offset; NOOFF: skip */
	long consumed;      /* bytes consumed in total; -1: skip */
};

static const struct resp_row rows[] = {
	{ "content-length body", S(H200 "Content-Length: 5\r\n\r\nhello"), 0, HTTP_DONE, 200, "hello", NULL, NOOFF, -1 },
	{ "bytes after the body are not consumed", S(H200 "Content-Length: 5\r\n\r\nhello world"), 0,
	  HTTP_DONE, 200, "hello", NULL, NOOFF, 43 },
	{ "content-length 0", S(H200 "Content-Length: 0\r\n\r\nextra"), 0, HTTP_DONE, 200, "", NULL, NOOFF, 38 },
	{ "HTTP/1.0 until close", S("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nabc"), 0,
	  HTTP_DONE, 200, "abc", NULL, NOOFF, -1 },
	{ "until close, empty", S(H200 "\r\n"), 0, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "empty reason with SP", S("HTTP/1.1 403 \r\nContent-Length: 0\r\n\r\n"), 0, HTTP_DONE, 403, "", NULL, NOOFF, -1 },
	{ "empty reason without SP", S("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"), 0, HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "reason with obs-text and tab", S("HTTP/1.1 200 \xc3\xa9\tok\r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "status 600 is well-formed", S("HTTP/1.1 600 X\r\nContent-Length: 0\r\n\r\n"), 0, HTTP_DONE, 600, "", NULL, NOOFF, -1 },
	{ "status 999", S("HTTP/1.1 999 X\r\nContent-Length: 0\r\n\r\n"), 0, HTTP_DONE, 999, "", NULL, NOOFF, -1 },
	{ "HTTP/1.2 minor", S("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"), 0, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "lower-case names", S(H200 "content-length: 2\r\ncontent-type: application/json\r\n\r\n{}"), 0,
	  HTTP_DONE, 200, "{}", NULL, NOOFF, -1 },
	{ "value with obs-text", S(H200 "X-Name: Luk\xc3\xa1\xc5\xa1\r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "empty value", S(H200 "X-Empty:\r\nX-Empty2:   \r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },

	/* status line */
	{ "no input", S(""), 0, HTTP_E_NO_RESPONSE, -1, NULL, NULL, 0, 0 },
	{ "not HTTP", S("<html>hello</html>"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 0, 0 },
	{ "lower-case http", S("http/1.1 200 OK\r\n\r\n"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 0, -1 },
	{ "TLS alert on a plain port", S("\x15\x03\x03\x00\x02\x02\x46"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 0, -1 },
	{ "HTTP/2", S("HTTP/2 200\r\n\r\n"), 0, HTTP_E_VERSION, -1, NULL, NULL, 5, -1 },
	{ "HTTP/2.0", S("HTTP/2.0 200 OK\r\n\r\n"), 0, HTTP_E_VERSION, -1, NULL, NULL, 5, -1 },
	{ "HTTP/0.9", S("HTTP/0.9 200 OK\r\n\r\n"), 0, HTTP_E_VERSION, -1, NULL, NULL, 5, -1 },
	{ "HTTP/1.x", S("HTTP/1.x 200 OK\r\n\r\n"), 0, HTTP_E_VERSION, -1, NULL, NULL, 7, -1 },
	{ "HTTP/x.1", S("HTTP/x.1 200 OK\r\n\r\n"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 5, -1 },
	{ "two spaces", S("HTTP/1.1  200 OK\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 9, -1 },
	{ "tab after version", S("HTTP/1.1\t200 OK\r\n\r\n"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 8, -1 },
	{ "status 000", S("HTTP/1.1 000 X\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 9, -1 },
	{ "status 099", S("HTTP/1.1 099 X\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 9, -1 },
	{ "status 99", S("HTTP/1.1 99 X\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 11, -1 },
	{ "status 1000", S("HTTP/1.1 1000 X\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 12, -1 },
	{ "status 20x", S("HTTP/1.1 20x X\r\n\r\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 11, -1 },
	{ "status with no reason and bare LF", S("HTTP/1.1 200\n\n"), 0, HTTP_E_STATUS, -1, NULL, NULL, 12, -1 },
	{ "bare LF status line", S("HTTP/1.1 200 OK\nContent-Length: 0\n\n"), 0, HTTP_E_HEADER_CHAR, -1, NULL, "\n", NOOFF, -1 },
	{ "bare CR status line", S("HTTP/1.1 200 OK\rX"), 0, HTTP_E_HEADER_CHAR, -1, NULL, "X", NOOFF, -1 },
	{ "NUL in the reason", S("HTTP/1.1 200 O\0K\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, -1, NULL, NULL, 14, -1 },
	{ "101 not asked for", S("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"), 0,
	  HTTP_E_STATUS, -1, NULL, NULL, 33, -1 },
	{ "cut in the status line", S("HTTP/1.1 20"), 0, HTTP_E_TRUNCATED_HEAD, -1, NULL, NULL, 11, -1 },
	{ "cut in the headers", S(H200 "Content-Length: 5\r\n"), 0, HTTP_E_TRUNCATED_HEAD, 200, NULL, NULL, NOOFF, -1 },
	{ "cut before the blank line's LF", S(H200 "Content-Length: 5\r\n\r"), 0, HTTP_E_TRUNCATED_HEAD, 200, NULL, NULL, NOOFF, -1 },
	{ "no blank line: leading CRLF", S("\r\nHTTP/1.1 200 OK\r\n\r\n"), 0, HTTP_E_STATUS_LINE, -1, NULL, NULL, 0, -1 },

	/* interim responses */
	{ "100 then 103 then 200", S("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
	  H200 "Content-Length: 2\r\n\r\nok"), 0, HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "interim then cut", S("HTTP/1.1 100 Continue\r\n\r\n"), 0, HTTP_E_TRUNCATED_HEAD, -1, NULL, NULL, NOOFF, -1 },
	{ "interim fields are checked", S("HTTP/1.1 100 Continue\r\nBad Name: x\r\n\r\n"), 0, HTTP_E_HEADER, -1, NULL, NULL, 26, -1 },
	{ "interim CL is ignored", S("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n" H200 "Content-Length: 2\r\n\r\nok"), 0,
	  HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },

	/* field lines */
	{ "line without colon", S(H200 "Foo\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, NULL, 20, -1 },
	{ "whitespace before colon", S(H200 "Content-Length : 5\r\n\r\nhello"), 0, HTTP_E_HEADER, 200, NULL, " :", NOOFF, -1 },
	{ "tab before colon", S(H200 "Foo\t: 5\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, "\t", NOOFF, -1 },
	{ "empty name", S(H200 ": x\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, NULL, 17, -1 },
	{ "bad byte in name", S(H200 "Fo(o: x\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, "(", NOOFF, -1 },
	{ "non-ASCII in name", S(H200 "F\xc3\xa9: x\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, "\xc3", NOOFF, -1 },
	{ "NUL in a name", S(H200 "Fo\0o: x\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 19, -1 },
	{ "NUL in a value", S(H200 "Foo: a\0b\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 23, -1 },
	{ "NUL as a line start", S(H200 "\0Foo: a\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 17, -1 },
	{ "bare LF ends a field", S(H200 "Foo: bar\nBaz: 1\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "\nBaz", NOOFF, -1 },
	{ "bare LF in a name", S(H200 "Foo\n: bar\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 20, -1 },
	{ "bare LF as the blank line", S(H200 "Foo: bar\r\n\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 27, -1 },
	{ "bare CR in a value", S(H200 "Foo: a\rb\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "b", NOOFF, -1 },
	{ "CR CR LF", S(H200 "Foo: a\r\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 24, -1 },
	{ "bare CR as the blank line", S(H200 "Foo: a\r\n\rX"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "X", NOOFF, -1 },
	{ "control byte in a value", S(H200 "Foo: a\x01" "b\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "\x01", NOOFF, -1 },
	{ "DEL in a value", S(H200 "Foo: a\x7f\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "\x7f", NOOFF, -1 },
	{ "ESC in a value", S(H200 "Foo: \x1b[31m\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, "\x1b", NOOFF, -1 },
	{ "whitespace before the first field", S(H200 " Foo: bar\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, NULL, 17, -1 },
	{ "tab before the first field", S(H200 "\tFoo: bar\r\n\r\n"), 0, HTTP_E_HEADER, 200, NULL, NULL, 17, -1 },
	{ "obs-fold", S(H200 "X-A: one\r\n two\r\n\t three \r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "obs-fold of an empty value", S(H200 "X-A:\r\n  two\r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "obs-fold of whitespace only", S(H200 "X-A: one \r\n   \r\nContent-Length: 0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "obs-fold in Content-Length", S(H200 "Content-Length:\r\n 3\r\n\r\nabc"), 0, HTTP_DONE, 200, "abc", NULL, NOOFF, -1 },
	{ "obs-fold with a NUL", S(H200 "X-A: one\r\n t\0o\r\n\r\n"), 0, HTTP_E_HEADER_CHAR, 200, NULL, NULL, 29, -1 },

	/* Content-Length */
	{ "CL short at EOF", S(H200 "Content-Length: 10\r\n\r\nhello"), 0, HTTP_E_TRUNCATED_BODY, 200, "hello", NULL, 44, -1 },
	{ "CL nothing at EOF", S(H200 "Content-Length: 10\r\n\r\n"), 0, HTTP_E_TRUNCATED_BODY, 200, "", NULL, NOOFF, -1 },
	{ "CL negative", S(H200 "Content-Length: -1\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, 17, -1 },
	{ "CL plus sign", S(H200 "Content-Length: +5\r\n\r\nhello"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL not numeric", S(H200 "Content-Length: abc\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL hex", S(H200 "Content-Length: 0x10\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL decimal point", S(H200 "Content-Length: 5.0\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL two numbers", S(H200 "Content-Length: 5 5\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL empty", S(H200 "Content-Length:\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL only commas", S(H200 "Content-Length: , ,\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL 2^64", S(H200 "Content-Length: 18446744073709551616\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL huge", S(H200 "Content-Length: 99999999999999999999999999\r\n\r\n"), 0, HTTP_E_CONTENT_LENGTH, 200, NULL, NULL, NOOFF, -1 },
	{ "CL 2^64-1 then cut", S(H200 "Content-Length: 18446744073709551615\r\n\r\nab"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "ab", NULL, NOOFF, -1 },
	{ "CL leading zeros", S(H200 "Content-Length: 0003\r\n\r\nabc"), 0, HTTP_DONE, 200, "abc", NULL, NOOFF, -1 },
	{ "CL duplicate equal", S(H200 "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"), 0, HTTP_DONE, 200, "abc", NULL, NOOFF, -1 },
	{ "CL list equal", S(H200 "Content-Length: 3, 3\r\n\r\nabc"), 0, HTTP_DONE, 200, "abc", NULL, NOOFF, -1 },
	{ "CL duplicate differing", S(H200 "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"), 0,
	  HTTP_E_CL_CONFLICT, 200, NULL, NULL, 36, -1 },
	{ "CL list differing", S(H200 "Content-Length: 3, 4\r\n\r\nabcd"), 0, HTTP_E_CL_CONFLICT, 200, NULL, NULL, NOOFF, -1 },
	{ "CL and chunked", S(H200 "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), 0,
	  HTTP_E_TE_AND_CL, 200, NULL, NULL, NOOFF, -1 },
	{ "chunked and CL", S(H200 "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"), 0,
	  HTTP_E_TE_AND_CL, 200, NULL, NULL, NOOFF, -1 },

	/* no body */
	{ "204 with a body", S("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"), 0,
	  HTTP_DONE, 204, "", NULL, NOOFF, 46 },
	{ "304 with a chunked body", S("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), 0,
	  HTTP_DONE, 304, "", NULL, NOOFF, 57 },
	{ "304 with gzip", S("HTTP/1.1 304 Not Modified\r\nContent-Encoding: gzip\r\n\r\n"), 0, HTTP_DONE, 304, "", NULL, NOOFF, -1 },
	{ "204 then EOF", S("HTTP/1.1 204 No Content\r\n\r\n"), 0, HTTP_DONE, 204, "", NULL, NOOFF, -1 },
	{ "HEAD", S(H200 "Content-Length: 5\r\n\r\nhello"), HTTP_F_HEAD, HTTP_DONE, 200, "", NULL, NOOFF, 38 },
	{ "HEAD chunked", S(H200 "Transfer-Encoding: chunked\r\n\r\n"), HTTP_F_HEAD, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "CONNECT 200: the tunnel follows", S("HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03"), HTTP_F_CONNECT,
	  HTTP_DONE, 200, "", NULL, NOOFF, 39 },
	{ "CONNECT 200 ignores CL and TE", S("HTTP/1.0 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\nX"),
	  HTTP_F_CONNECT, HTTP_DONE, 200, "", NULL, NOOFF, 66 },
	{ "CONNECT 407 has a body", S("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\ndeny"),
	  HTTP_F_CONNECT, HTTP_DONE, 407, "deny", NULL, NOOFF, -1 },
	{ "CONNECT 407 until close", S("HTTP/1.0 407 Denied\r\n\r\nno"), HTTP_F_CONNECT, HTTP_DONE, 407, "no", NULL, NOOFF, -1 },

	/* Transfer-Encoding / Content-Encoding */
	{ "TE Chunked any case", S(H200 "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"), 0, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "TE empty elements", S(H200 "Transfer-Encoding: , chunked ,\r\n\r\n0\r\n\r\n"), 0, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "TE gzip, chunked", S(H200 "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 0,
	  HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE chunked, gzip", S(H200 "Transfer-Encoding: chunked, gzip\r\n\r\n"), 0, HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE chunked twice", S(H200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 0,
	  HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE identity", S(H200 "Transfer-Encoding: identity\r\n\r\nabc"), 0, HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE empty", S(H200 "Transfer-Encoding:\r\n\r\nabc"), 0, HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE with parameters", S(H200 "Transfer-Encoding: chunked;q=1\r\n\r\n"), 0, HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE in HTTP/1.0", S("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0,
	  HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "TE two lines, not chunked last", S(H200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n"), 0,
	  HTTP_E_TRANSFER_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "CE gzip", S(H200 "Content-Encoding: gzip\r\nContent-Length: 3\r\n\r\n\x1f\x8b\x08"), 0,
	  HTTP_E_CONTENT_ENCODING, 200, NULL, NULL, NOOFF, -1 },
	{ "CE identity", S(H200 "Content-Encoding: identity\r\nContent-Length: 2\r\n\r\nok"), 0, HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "CE empty", S(H200 "Content-Encoding:\r\nContent-Length: 2\r\n\r\nok"), 0, HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "CE identity, br", S(H200 "Content-Encoding: identity, br\r\nContent-Length: 2\r\n\r\nok"), 0,
	  HTTP_E_CONTENT_ENCODING, 200, NULL, NULL, NOOFF, -1 },

	/* chunked */
	{ "chunked", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "hello world", NULL, NOOFF, -1 },
	{ "chunked, data after the end", S(H200 "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nHTTP/1.1"), 0,
	  HTTP_DONE, 200, "ok", NULL, NOOFF, 59 },
	{ "chunked upper hex and zeros", S(H200 "Transfer-Encoding: chunked\r\n\r\n00A\r\n0123456789\r\n000\r\n\r\n"), 0,
	  HTTP_DONE, 200, "0123456789", NULL, NOOFF, -1 },
	{ "chunk extensions", S(H200 "Transfer-Encoding: chunked\r\n\r\n"
	  "2;a=b\r\nab\r\n2 ; c ; d = e\r\ncd\r\n2;q=\"x\\\"y;z\"\r\nef\r\n2;t\t=\t\"\" ;u\r\ngh\r\n0;last\r\n\r\n"), 0,
	  HTTP_DONE, 200, "abcdefgh", NULL, NOOFF, -1 },
	{ "trailers are discarded", S(H200 "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\nX-U: a\r\n b\r\n\r\n"), 0,
	  HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "empty chunked body", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0, HTTP_DONE, 200, "", NULL, NOOFF, -1 },
	{ "chunk size over 64 bits", S(H200 "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff0\r\n"), 0,
	  HTTP_E_CHUNK_OVERFLOW, 200, NULL, NULL, 63, -1 },
	{ "BusyBox's chunk size", S(H200 "Transfer-Encoding: chunked\r\n\r\nffffffff0001f400\r\nab"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "ab", NULL, NOOFF, -1 },
	{ "chunk size 2^64-1", S(H200 "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "ab", NULL, NOOFF, -1 },
	{ "many leading zeros", S(H200 "Transfer-Encoding: chunked\r\n\r\n000000000000000000000000002\r\nok\r\n0\r\n\r\n"), 0,
	  HTTP_DONE, 200, "ok", NULL, NOOFF, -1 },
	{ "negative chunk size", S(H200 "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"), 0,
	  HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 47, -1 },
	{ "no hex digits", S(H200 "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 47, -1 },
	{ "only an extension", S(H200 "Transfer-Encoding: chunked\r\n\r\n;x\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 47, -1 },
	{ "space before the size", S(H200 "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 47, -1 },
	{ "0x prefix", S(H200 "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 48, -1 },
	{ "space after the size", S(H200 "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 49, -1 },
	{ "bare LF after the size", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 48, -1 },
	{ "CR without LF after the size", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\rhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 49, -1 },
	{ "bad extension name", S(H200 "Transfer-Encoding: chunked\r\n\r\n5;=x\r\nhello\r\n"), 0, HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 49, -1 },
	{ "extension value with a CTL", S(H200 "Transfer-Encoding: chunked\r\n\r\n5;a=\"x\x01\"\r\nhello\r\n"), 0,
	  HTTP_E_CHUNK_SIZE, 200, NULL, "\x01", NOOFF, -1 },
	{ "extension with a NUL", S(H200 "Transfer-Encoding: chunked\r\n\r\n5;a\0\r\nhello\r\n"), 0,
	  HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 50, -1 },
	{ "unterminated quoted extension", S(H200 "Transfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n"), 0,
	  HTTP_E_CHUNK_SIZE, 200, NULL, NULL, 53, -1 },
	{ "data longer than its size", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n"), 0,
	  HTTP_E_CHUNK_CRLF, 200, "hello", NULL, 55, -1 },
	{ "data then bare LF", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"), 0,
	  HTTP_E_CHUNK_CRLF, 200, "hello", NULL, 55, -1 },
	{ "data then CR and junk", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r0\r\n\r\n"), 0,
	  HTTP_E_CHUNK_CRLF, 200, "hello", NULL, 56, -1 },
	{ "missing last chunk", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "hello", NULL, NOOFF, -1 },
	{ "last chunk without final CRLF", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "hello", NULL, NOOFF, -1 },
	{ "last chunk, final CR only", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "hello", NULL, NOOFF, -1 },
	{ "cut inside a trailer", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "", NULL, NOOFF, -1 },
	{ "cut inside chunk data", S(H200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhel"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "hel", NULL, NOOFF, -1 },
	{ "cut inside a chunk size", S(H200 "Transfer-Encoding: chunked\r\n\r\n5"), 0,
	  HTTP_E_TRUNCATED_BODY, 200, "", NULL, NOOFF, -1 },
	{ "trailer with a NUL", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: \0\r\n\r\n"), 0,
	  HTTP_E_HEADER_CHAR, 200, "", NULL, 55, -1 },
	{ "trailer without colon", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T\r\n\r\n"), 0,
	  HTTP_E_HEADER, 200, "", NULL, 53, -1 },
	{ "trailer starting with whitespace", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\n X: 1\r\n\r\n"), 0,
	  HTTP_E_HEADER, 200, "", NULL, 50, -1 },
	{ "trailer bare LF", S(H200 "Transfer-Encoding: chunked\r\n\r\n0\r\n\n"), 0,
	  HTTP_E_HEADER_CHAR, 200, "", NULL, 50, -1 },
};

static void test_rows(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct resp_row *w = &rows[i];
		const struct res *s = feed_all_ways(w->in, w->len, w->flags, w->label);

		T_EQ_INT(s->rc, w->rc, w->label);
		if (w->status >= 0)
			T_EQ_INT(s->status, w->status, w->label);
		if (w->body)
			T_EQ_MEM(s->body, s->blen, w->body, strlen(w->body), w->label);
		if (w->at) {
			const char *hit = NULL;
			size_t k, al = strlen(w->at);

			for (k = 0; k + al <= w->len && !hit; k++)
				if (memcmp(w->in + k, w->at, al) == 0)
					hit = w->in + k;
			T_CHECK(hit != NULL, "marker present");
			if (hit)
				T_EQ_INT(s->err_off, hit - w->in, w->label);
		}
		if (w->off != NOOFF)
			T_EQ_INT(s->err_off, w->off, w->label);
		if (w->consumed >= 0)
			T_EQ_INT(s->consumed, w->consumed, w->label);
		if (s->rc < 0) {
			char msg[256];

			T_CHECK(http_resp_describe(&g_r, msg, sizeof(msg)) > 0 && msg[0], w->label);
		}
	}
}

/* Jira Server/DC's CAPTCHA lockout as it reaches a client after repeated
 * failed logins (Atlassian documents X-Seraph-LoginReason:
 * AUTHENTICATION_DENIED and X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE
 * with a login-url): an empty reason phrase after "403 " as Tomcat sends it,
 * mixed-case header names, a chunked HTML body. */
static const char captcha[] =
	"HTTP/1.1 403 \r\n"
	"Transfer-Encoding: chunked\r\n"
	"Content-Type: text/html;charset=UTF-8\r\n"
	"Www-Authenticate: OAuth realm=\"https%3A%2F%2Fjira.example.com\"\r\n"
	"X-Arequestid: 913x21468273x1\r\n"
	"X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=https://jira.example.com/login.jsp\r\n"
	"X-Seraph-Loginreason: AUTHENTICATION_DENIED\r\n"
	"\r\n"
	"1b\r\n<html>CAPTCHA needed</html>\r\n"
	"0\r\n\r\n";

static void expect_kept(enum http_hdr h, const char *want, unsigned wflags, const char *label)
{
	size_t len;
	unsigned fl;
	const char *v = http_resp_header(&g_r, h, &len, &fl);

	if (!want) {
		T_CHECK(v == NULL, label);
		return;
	}
	T_CHECK(v != NULL, label);
	if (!v)
		return;
	T_EQ_MEM(v, len, want, strlen(want), label);
	T_EQ_INT(strlen(v), len, "kept values are NUL-terminated");
	T_EQ_INT(fl, wflags, label);
}

static void test_captcha(void)
{
	const struct res *s = feed_all_ways(captcha, sizeof(captcha) - 1, 0, "captcha");

	T_EQ_INT(s->rc, HTTP_DONE, "captcha: complete");
	T_EQ_INT(s->status, 403, "captcha: status");
	T_EQ_STR(g_r.reason, "", "captcha: empty reason");
	T_EQ_INT(g_r.minor, 1, "captcha: HTTP/1.1");
	T_EQ_INT(g_r.chunked, 1, "captcha: chunked");
	T_EQ_MEM(s->body, s->blen, "<html>CAPTCHA needed</html>", 27, "captcha: body");
	expect_kept(HTTP_H_AUTH_DENIED_REASON,
	    "CAPTCHA_CHALLENGE; login-url=https://jira.example.com/login.jsp", 0, "captcha: denied reason");
	expect_kept(HTTP_H_SERAPH_LOGINREASON, "AUTHENTICATION_DENIED", 0, "captcha: seraph reason");
	expect_kept(HTTP_H_AREQUESTID, "913x21468273x1", 0, "captcha: request id");
	expect_kept(HTTP_H_WWW_AUTHENTICATE, "OAuth realm=\"https%3A%2F%2Fjira.example.com\"", 0, "captcha: challenge");
	expect_kept(HTTP_H_CONTENT_TYPE, "text/html;charset=UTF-8", 0, "captcha: content type");
	expect_kept(HTTP_H_AUSERNAME, NULL, 0, "captcha: no X-AUSERNAME");
	expect_kept(HTTP_H_LOCATION, NULL, 0, "captcha: no Location");
	T_CHECK(strstr(s->hdrs, "Www-Authenticate: OAuth realm=") != NULL, "captcha: headers reported as sent");
	T_EQ_INT(s->headers_done, 1, "captcha: HTTP_HEAD once");
}

/* A reply whose head ends in n bytes fill: kept, the field h is cut to cap
 * bytes and flagged HTTP_KEPT_TRUNCATED. */
static void expect_cut(const char *head, char fill, size_t n, enum http_hdr h, size_t cap,
    const char *label, const char *what)
{
	static char big[HTTP_LOCATION_MAX + 200];
	size_t k = strlen(head), len;
	unsigned fl;
	const char *v;

	memcpy(big, head, k);
	memset(big + k, fill, n);
	k += n;
	memcpy(big + k, "\r\nContent-Length: 0\r\n\r\n", 23);
	k += 23;
	feed_all_ways(big, k, 0, label);
	v = http_resp_header(&g_r, h, &len, &fl);
	T_CHECK(v && len == cap && fl == HTTP_KEPT_TRUNCATED, what);
}

static void test_kept(void)
{
	static const char in[] =
		"HTTP/1.1 100 Continue\r\nX-AUSERNAME: interim\r\n\r\n"
		"HTTP/1.1 302 Found\r\n"
		"x-ausername: fred\r\n"
		"X-AUSERNAME: anonymous\r\n"
		"X-AUSERNAME-Extra: no\r\n"
		"XX-AREQUESTID: no\r\n"
		"WWW-Authenticate: Basic realm=\"a\"\r\n"
		"www-authenticate: Bearer\r\n"
		"Retry-After:   120   \r\n"
		"Location: /jira/login.jsp\r\n"
		"Location: /jira/login.jsp\r\n"
		"X-Seraph-LoginReason: OK\r\n"
		"X-Seraph-LoginReason: OK\r\n"
		"X-AREQUESTID: a\r\n"
		"  b\r\n"
		"Content-Length: 0\r\n\r\n";
	const struct res *s = feed_all_ways(in, sizeof(in) - 1, 0, "kept headers");
	size_t n;

	T_EQ_INT(s->rc, HTTP_DONE, "kept: done");
	T_EQ_INT(s->interim, 1, "kept: one interim");
	expect_kept(HTTP_H_AUSERNAME, "fred", HTTP_KEPT_CONFLICT, "kept: first X-AUSERNAME, conflict flagged");
	expect_kept(HTTP_H_WWW_AUTHENTICATE, "Basic realm=\"a\", Bearer", 0, "kept: challenges joined");
	expect_kept(HTTP_H_RETRY_AFTER, "120", 0, "kept: OWS trimmed");
	expect_kept(HTTP_H_LOCATION, "/jira/login.jsp", 0, "kept: equal repeat is no conflict");
	expect_kept(HTTP_H_SERAPH_LOGINREASON, "OK", 0, "kept: equal repeat");
	expect_kept(HTTP_H_AREQUESTID, "a b", 0, "kept: obs-fold becomes one SP");
	expect_kept(HTTP_H_CONTENT_TYPE, NULL, 0, "kept: absent");
	T_CHECK(http_resp_header(&g_r, HTTP_H_COUNT, &n, NULL) == NULL, "kept: out of range");
	T_CHECK(strstr(s->hdrs, "interim") == NULL, "kept: interim fields are not reported");
	T_CHECK(strstr(s->hdrs, "X-AUSERNAME-Extra: no\n") != NULL, "kept: other fields reported");

	/* A Location longer than its slot is cut and says so; an X- value
	 * longer than HTTP_KEEP_MAX likewise. */
	expect_cut("HTTP/1.1 301 Moved\r\nLocation: /", 'a', HTTP_LOCATION_MAX + 10, HTTP_H_LOCATION,
	    HTTP_LOCATION_MAX, "long Location", "long Location cut and flagged");
	expect_cut("HTTP/1.1 200 OK\r\nX-AREQUESTID: ", 'r', HTTP_KEEP_MAX + 1, HTTP_H_AREQUESTID,
	    HTTP_KEEP_MAX, "long request id", "long request id cut and flagged");
}

/* With rd set, a value holding a run of the token is reported as
 * RD_MARK, judged whole before any cut: the reason phrase (kept to 128
 * bytes), kept copies (512, Location 4381) and on_header alike. */
static void test_redact(void)
{
	static const char tok[] = "ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab";
	static struct rd_set set;
	static char in[12000];
	const struct res *s;
	size_t n = 0, len;
	unsigned fl;
	const char *v;

	rd_init(&set, tok, strlen(tok));
	g_rd = &set;
	n += (size_t)sprintf(in + n, "HTTP/1.1 401 ");
	memset(in + n, '!', 200);
	n += 200;
	n += (size_t)sprintf(in + n, "%.16s\r\n", tok + 5);
	n += (size_t)sprintf(in + n, "X-Seraph-LoginReason: %0300d%s\r\n", 0, tok);
	n += (size_t)sprintf(in + n, "Location: /a?");
	memset(in + n, 'q', 3000);
	n += 3000;
	n += (size_t)sprintf(in + n, "%.12s\r\n", tok + 20);
	n += (size_t)sprintf(in + n, "X-Echo: Basic ZnJlZDpBVEFUVDN4RmZHRjByRzViVnlHcTFqQ2stOWUycFEzeDdaclRfYWI=\r\n");
	n += (size_t)sprintf(in + n, "X-Short: %.11s\r\n", tok + 3);
	n += (size_t)sprintf(in + n, "X-AREQUESTID: 913x1\r\nContent-Length: 2\r\n\r\n{}");
	s = feed_all_ways(in, n, 0, "redacted head");
	T_EQ_INT(s->rc, HTTP_DONE, "redacted head: parsed");
	T_EQ_STR(g_r.reason, RD_MARK, "a run past the reason's cut: the reason is the mark");
	expect_kept(HTTP_H_SERAPH_LOGINREASON, RD_MARK, HTTP_KEPT_REDACTED, "a run in a kept value: the mark, flagged");
	expect_kept(HTTP_H_LOCATION, RD_MARK, HTTP_KEPT_REDACTED, "a run at byte 3000 of a Location: the mark");
	expect_kept(HTTP_H_AREQUESTID, "913x1", 0, "other kept values as sent");
	T_CHECK(strstr(s->hdrs, "X-Echo: " RD_MARK "\n") != NULL, "the Basic credential echoed: on_header sees the mark");
	T_CHECK(strstr(s->hdrs, "X-Seraph-LoginReason: " RD_MARK "\n") != NULL, "on_header sees the mark too");
	v = strstr(s->hdrs, "X-Short: ");
	T_CHECK(v && memcmp(v + 9, tok + 3, 11) == 0, "11 bytes of the token are not a secret");
	T_CHECK(!strstr(s->hdrs, "ATATT3xF") && !strstr(s->hdrs, "QzeDdaclRf"), "no run reached on_header");
	T_EQ_MEM(s->body, s->blen, "{}", 2, "the body is the parser's to pass on, untouched");

	/* Content-Length is read from the real value; an echoed coding is refused as sent */
	n = (size_t)sprintf(in, "HTTP/1.1 200 OK\r\nTransfer-Encoding: %s\r\n\r\n", tok);
	s = feed_all_ways(in, n, 0, "token as Transfer-Encoding");
	T_EQ_INT(s->rc, HTTP_E_TRANSFER_ENCODING, "token as Transfer-Encoding: refused");
	http_resp_describe(&g_r, in, sizeof in);
	T_CHECK(!strstr(in, "ATATT3"), "token as Transfer-Encoding: not quoted in the error");

	g_rd = NULL;
	n = (size_t)sprintf(in, "HTTP/1.1 200 %s\r\nX-Echo: %s\r\nContent-Length: 0\r\n\r\n", tok, tok);
	feed_all_ways(in, n, 0, "no rd");
	T_EQ_STR(g_r.reason, tok, "without rd the reason is as sent");
	v = http_resp_header(&g_r, HTTP_H_LOCATION, &len, &fl);
	T_CHECK(v == NULL, "without rd: no Location");
}

static void test_fold_values(void)
{
	static const char in[] = H200 "X-A: one\r\n two\r\n\t three \r\nX-B:\r\n  two\r\nX-C: c \r\n   \r\nContent-Length: 0\r\n\r\n";
	const struct res *s = feed_all_ways(in, sizeof(in) - 1, 0, "fold values");

	T_EQ_STR(s->hdrs, "X-A: one two three\nX-B: two\nX-C: c\nContent-Length: 0\n", "obs-fold replaced by one SP");
}

/* A body far larger than any buffer the parser has, chunked and not. */
static void test_big_bodies(void)
{
	size_t n = 0, i, total = 0;
	static char in[3 * 1024 * 1024];
	const struct res *s;
	uint64_t h = 1469598103934665603ull;

	n += (size_t)sprintf(in + n, H200 "Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 40; i++) {
		size_t len = 1000 + i * 1500, k;

		n += (size_t)sprintf(in + n, "%zx\r\n", len);
		for (k = 0; k < len; k++) {
			unsigned char c = (unsigned char)(k * 7 + i);

			in[n++] = (char)c;
			h = (h ^ c) * 1099511628211ull;
		}
		total += len;
		in[n++] = '\r';
		in[n++] = '\n';
	}
	n += (size_t)sprintf(in + n, "0\r\n\r\n");
	s = feed_all_ways(in, n, 0, "big chunked body");
	T_EQ_INT(s->rc, HTTP_DONE, "big chunked: done");
	T_EQ_INT(s->btotal, total, "big chunked: every byte");
	T_CHECK(s->bhash == h, "big chunked: the same bytes");

	n = (size_t)sprintf(in, H200 "Content-Length: %d\r\n\r\n", 2 * 1024 * 1024);
	memset(in + n, 'z', 2 * 1024 * 1024);
	s = feed_all_ways(in, n + 2 * 1024 * 1024, 0, "big CL body");
	T_EQ_INT(s->rc, HTTP_DONE, "big CL: done");
	T_EQ_INT(s->btotal, 2 * 1024 * 1024, "big CL: every byte");
}

static void test_limits(void)
{
	static char in[2 * 1024 * 1024];
	size_t n, base;
	const struct res *s;
	int i;

	/* 1 MiB in a single header: refused once it passes HTTP_FIELD_MAX. */
	base = (size_t)sprintf(in, H200 "X-Big: ");
	memset(in + base, 'a', 1024 * 1024);
	n = base + 1024 * 1024;
	memcpy(in + n, "\r\n\r\n", 4);
	n += 4;
	s = feed_all_ways(in, n, 0, "1 MiB header");
	T_EQ_INT(s->rc, HTTP_E_FIELD_TOO_LARGE, "1 MiB header");
	/* "X-Big" is 5 stored bytes; the value byte that makes it 16 KiB + 1: */
	T_EQ_INT(s->err_off, base + HTTP_FIELD_MAX - 5, "1 MiB header: offset");

	/* A field of exactly HTTP_FIELD_MAX stored bytes is fine. */
	n = base + HTTP_FIELD_MAX - 5;
	memcpy(in + n, "\r\nContent-Length: 0\r\n\r\n", 23);
	s = feed_all_ways(in, n + 23, 0, "16 KiB header");
	T_EQ_INT(s->rc, HTTP_DONE, "a field of HTTP_FIELD_MAX");

	/* A head of exactly HTTP_HEAD_MAX bytes, then one more. */
	n = (size_t)sprintf(in, H200);
	for (i = 0; n + 8000 + 2 < HTTP_HEAD_MAX; i++) {
		n += (size_t)sprintf(in + n, "X-%04d: ", i);
		memset(in + n, 'v', 8000 - 10);
		n += 8000 - 10;
		in[n++] = '\r';
		in[n++] = '\n';
	}
	/* pad to exactly HTTP_HEAD_MAX with one last field and the CRLF */
	{
		size_t left = HTTP_HEAD_MAX - n - 2;   /* bytes for "X-Pad: ...\r\n" */

		memcpy(in + n, "X-Pad: ", 7);
		memset(in + n + 7, 'p', left - 9);
		n += left - 2;
		in[n++] = '\r';
		in[n++] = '\n';
		in[n++] = '\r';
		in[n++] = '\n';
	}
	T_EQ_INT(n, HTTP_HEAD_MAX, "the test head is exactly 64 KiB");
	s = feed_all_ways(in, n, 0, "64 KiB head");
	T_EQ_INT(s->rc, HTTP_DONE, "a head of exactly HTTP_HEAD_MAX");
	/* one byte more in the last field */
	memmove(in + n - 5, in + n - 6, 6);
	s = feed_all_ways(in, n + 1, 0, "64 KiB + 1 head");
	T_EQ_INT(s->rc, HTTP_E_HEAD_TOO_LARGE, "a head of HTTP_HEAD_MAX + 1");
	T_EQ_INT(s->err_off, HTTP_HEAD_MAX, "the byte past the limit");

	/* Many small fields also hit the section cap. */
	n = (size_t)sprintf(in, H200);
	for (i = 0; n < 200 * 1024; i++)
		n += (size_t)sprintf(in + n, "X-Many-%d: value\r\n", i);
	n += (size_t)sprintf(in + n, "\r\n");
	s = feed_all_ways(in, n, 0, "many fields");
	T_EQ_INT(s->rc, HTTP_E_HEAD_TOO_LARGE, "many fields");

	/* Trailers have their own cap. */
	n = (size_t)sprintf(in, H200 "Transfer-Encoding: chunked\r\n\r\n0\r\n");
	for (i = 0; n < 200 * 1024; i++)
		n += (size_t)sprintf(in + n, "X-T-%d: value\r\n", i);
	n += (size_t)sprintf(in + n, "\r\n");
	s = feed_all_ways(in, n, 0, "big trailers");
	T_EQ_INT(s->rc, HTTP_E_TRAILER_TOO_LARGE, "big trailers");

	/* HTTP_INTERIM_MAX interim responses are skipped, one more is not. */
	n = 0;
	for (i = 0; i < HTTP_INTERIM_MAX; i++)
		n += (size_t)sprintf(in + n, "HTTP/1.1 100 Continue\r\n\r\n");
	n += (size_t)sprintf(in + n, H200 "Content-Length: 2\r\n\r\nok");
	s = feed_all_ways(in, n, 0, "max interim");
	T_EQ_INT(s->rc, HTTP_DONE, "HTTP_INTERIM_MAX interim responses");
	T_EQ_INT(s->interim, HTTP_INTERIM_MAX, "interim count");
	n = 0;
	for (i = 0; i < HTTP_INTERIM_MAX + 1; i++)
		n += (size_t)sprintf(in + n, "HTTP/1.1 102 Processing\r\n\r\n");
	n += (size_t)sprintf(in + n, H200 "Content-Length: 2\r\n\r\nok");
	s = feed_all_ways(in, n, 0, "too many interim");
	T_EQ_INT(s->rc, HTTP_E_TOO_MANY_INTERIM, "endless 1xx");

	/* A chunk-size line over HTTP_CHUNK_LINE_MAX. */
	base = (size_t)sprintf(in, H200 "Transfer-Encoding: chunked\r\n\r\n");
	n = (size_t)sprintf(in, H200 "Transfer-Encoding: chunked\r\n\r\n5;x=");
	memset(in + n, 'e', 2000);
	n += 2000;
	s = feed_all_ways(in, n, 0, "long chunk line");
	T_EQ_INT(s->rc, HTTP_E_CHUNK_SIZE, "chunk line over the limit");
	T_EQ_INT(s->err_off, base + HTTP_CHUNK_LINE_MAX, "chunk line limit offset");
}

static int stop_now(void *ctx, const void *b, size_t n)
{
	(void)ctx;
	(void)b;
	(void)n;
	return 1;
}

static void test_sticky(void)
{
	static struct http_resp r;
	static const char bad[] = H200 "Foo : x\r\n\r\n";
	static const char ok[] = H200 "Content-Length: 2\r\n\r\nokEXTRA";
	size_t used;
	char msg[200];
	int rc;

	http_resp_init(&r, 0);
	rc = http_resp_feed(&r, bad, sizeof(bad) - 1, &used);
	T_EQ_INT(rc, HTTP_E_HEADER, "sticky: first error");
	T_EQ_INT(used, 20, "sticky: used stops at the faulty byte");
	T_EQ_INT(http_resp_feed(&r, ok, sizeof(ok) - 1, &used), HTTP_E_HEADER, "sticky: feed again");
	T_EQ_INT(used, 0, "sticky: nothing used");
	T_EQ_INT(http_resp_eof(&r), HTTP_E_HEADER, "sticky: eof");
	http_resp_describe(&r, msg, sizeof(msg));
	T_CHECK(strstr(msg, "whitespace before ':'") && strstr(msg, "offset 20") && strstr(msg, "0x20"),
	    "describe names the fault and its offset");

	http_resp_init(&r, 0);
	T_EQ_INT(http_resp_feed(&r, ok, sizeof(ok) - 1, &used), HTTP_HEAD, "the head first");
	T_EQ_INT(used, sizeof(ok) - 1 - 7, "head: used up to the body");
	T_EQ_INT(r.status, 200, "head: the status is there");
	T_EQ_INT(http_resp_feed(&r, ok + used, sizeof(ok) - 1 - used, &used), HTTP_DONE, "done");
	T_EQ_INT(used, 2, "done: the extra bytes are left");
	T_EQ_INT(http_resp_feed(&r, "more", 4, &used), HTTP_DONE, "done stays done");
	T_EQ_INT(used, 0, "done: nothing more used");
	T_EQ_INT(http_resp_eof(&r), HTTP_DONE, "done then EOF");
	T_EQ_INT(http_resp_feed(&r, NULL, 0, NULL), HTTP_DONE, "NULL used is allowed");

	http_resp_init(&r, 0);
	T_EQ_INT(http_resp_feed(&r, "", 0, &used), HTTP_MORE, "empty feed");
	T_EQ_INT(http_resp_feed(&r, "HTTP/1.1 2", 10, &used), HTTP_MORE, "partial");
	T_EQ_INT(used, 10, "partial: all used");

	/* HTTP_HEAD comes once, also for a reply without a body; the next
	 * feed, even of no bytes, ends it without reading on. */
	{
		static const char nobody[] = "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\nNEXT";
		http_resp_init(&r, 0);
		T_EQ_INT(http_resp_feed(&r, nobody, sizeof(nobody) - 1, &used), HTTP_HEAD, "204: the head");
		T_EQ_INT(used, sizeof(nobody) - 1 - 4, "204: used up to the head's end");
		T_EQ_INT(http_resp_feed(&r, "", 0, &used), HTTP_DONE, "204: a zero-length feed ends it");
		T_EQ_INT(http_resp_feed(&r, "NEXT", 4, &used), HTTP_DONE, "204: done stays done");
		T_EQ_INT(used, 0, "204: nothing after it used");
	}

	/* A callback stops the parser, and that sticks too. */
	http_resp_init(&r, 0);
	r.on_body = stop_now;
	T_EQ_INT(http_resp_feed(&r, ok, sizeof(ok) - 1, &used), HTTP_HEAD, "on_body: the head first");
	T_EQ_INT(http_resp_feed(&r, ok + used, sizeof(ok) - 1 - used, &used), HTTP_E_CALLBACK, "on_body stops");
	T_EQ_INT(http_resp_feed(&r, ok, sizeof(ok) - 1, &used), HTTP_E_CALLBACK, "callback error sticks");
	{
		static struct res s;

		memset(&s, 0, sizeof(s));
		s.stop_header = 1;
		http_resp_init(&r, 0);
		r.on_header = cb_header;
		r.ctx = &s;
		T_EQ_INT(http_resp_feed(&r, ok, sizeof(ok) - 1, &used), HTTP_E_CALLBACK, "on_header stops");
	}
}

static void test_describe(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} drows[] = {
		{ S(H200 "Content-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx"), "'gzip'" },
		{ S(H200 "Transfer-Encoding: gzip, chunked\r\n\r\n"), "'gzip'" },
		{ S("\x16\x03\x01\x00"), "https://" },
		{ S(H200 "Content-Length: 10\r\n\r\nabc"), "3 of 10" },
		{ S(H200 "Foo: a\0"), "NUL" },
		{ S(""), "without answering" },
		{ S(H200 "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff0\r\n"), "64 bits" },
		{ S(H200 "Content-Encoding: \x9b[2J\r\n\r\n"), "'?[2J'" },
		{ S(H200 "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"), "offset 36" },
	};
	size_t i;
	char msg[300];

	for (i = 0; i < sizeof(drows) / sizeof(drows[0]); i++) {
		feed_all_ways(drows[i].in, drows[i].len, 0, drows[i].want);
		http_resp_describe(&g_r, msg, sizeof(msg));
		T_CHECK(strstr(msg, drows[i].want) != NULL, drows[i].want);
		if (!strstr(msg, drows[i].want))
			fprintf(stderr, "  message: %s\n", msg);
	}
	/* A short buffer still gets a NUL-terminated prefix and the full size. */
	{
		size_t need = http_resp_describe(&g_r, msg, sizeof(msg));
		size_t got = http_resp_describe(&g_r, msg, 10);

		T_EQ_INT(got, need, "describe reports the full length");
		T_EQ_INT(strlen(msg), 9, "describe truncates with a NUL");
	}
	for (i = 0; i < 30; i++)
		T_CHECK(http_strerror(-(int)i) != NULL && http_strerror(-(int)i)[0], "every code has a message");
}

/* ---- requests ---- */

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_requests(void)
{
	struct url u, u2, u6;
	char err[128], buf[1024];
	size_t olen;
	struct http_req q;
	int rc;

	url_parse(&u, "https://jira.example.com/jira/", err, sizeof(err));
	url_append(&u, "/rest/api/2/myself", err, sizeof(err));
	memset(&q, 0, sizeof(q));
	q.url = &u;
	q.version = "0.1.0";
	q.authorization = "Bearer s3cr3t-t0ken";
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_EQ_INT(rc, HTTP_OK, "GET builds");
	T_EQ_STR(buf,
	    "GET /jira/rest/api/2/myself HTTP/1.1\r\n"
	    "Host: jira.example.com\r\n"
	    "User-Agent: atlwho/0.1.0\r\n"
	    "Accept: application/json\r\n"
	    "Authorization: Bearer s3cr3t-t0ken\r\n"
	    "Connection: close\r\n"
	    "\r\n", "GET request");
	T_EQ_INT(olen, strlen(buf), "olen is the request length");
	T_CHECK(strstr(buf, "Accept-Encoding") == NULL, "no Accept-Encoding");

	rc = http_req_build(&q, HTTP_REQ_REDACT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "Authorization: Bearer <redacted>\r\n") &&
	    !strstr(buf, "s3cr3t"), "redacted Bearer");
	q.authorization = "Basic ZnJlZDpzM2NyM3Q=";
	rc = http_req_build(&q, HTTP_REQ_REDACT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "Authorization: Basic <redacted>\r\n") &&
	    !strstr(buf, "ZnJl"), "redacted Basic");
	q.authorization = "opaque";
	rc = http_req_build(&q, HTTP_REQ_REDACT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "Authorization: <redacted>\r\n"), "redacted schemeless");

	/* Buffer too small: the size needed, NUL included, and no secret left. */
	q.authorization = "Bearer s3cr3t-t0ken";
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_EQ_INT(rc, HTTP_OK, "the full request");
	{
		size_t need = olen + 1, k;
		int leaked = 0;

		memset(buf, 'Q', sizeof(buf));
		rc = http_req_build(&q, 0, buf, need - 1, &olen);
		T_EQ_INT(rc, HTTP_E_BUFSMALL, "one byte short");
		T_EQ_INT(olen, need, "olen says the capacity needed");
		for (k = 0; k + 6 <= need - 1; k++)
			if (memcmp(buf + k, "s3cr3t", 6) == 0)
				leaked = 1;
		T_CHECK(!leaked && buf[0] == '\0', "a short buffer keeps no part of the token");
		T_EQ_INT(buf[need - 1], 'Q', "nothing written past cap");
		rc = http_req_build(&q, 0, buf, need, &olen);
		T_EQ_INT(rc, HTTP_OK, "exact size fits");
		T_EQ_INT(http_req_build(&q, 0, NULL, 0, &olen), HTTP_E_BUFSMALL, "size query");
		T_EQ_INT(olen, need, "size query olen");
	}

	/* Host: port only when not the default; IPv6 in brackets. */
	url_parse(&u2, "http://10.0.0.5:8090", err, sizeof(err));
	q.url = &u2;
	q.authorization = NULL;
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && starts(buf, "GET / HTTP/1.1\r\nHost: 10.0.0.5:8090\r\n"),
	    "empty path is sent as /, port in Host");
	T_CHECK(strstr(buf, "Authorization") == NULL, "no Authorization when none given");
	url_parse(&u6, "https://[::1]:8443/wiki", err, sizeof(err));
	q.url = &u6;
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "GET /wiki HTTP/1.1\r\nHost: [::1]:8443\r\n"), "IPv6 Host");
	url_parse(&u6, "https://[::1]:443", err, sizeof(err));
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "\r\nHost: [::1]\r\n"), "IPv6 Host, default port");

	/* Plain http through a proxy: absolute-form, proxy credentials. */
	q.url = &u2;
	q.authorization = "Bearer tok";
	q.proxy_authorization = "Basic dXNlcjpwYXNz";
	rc = http_req_build(&q, HTTP_REQ_ABSOLUTE, buf, sizeof(buf), &olen);
	T_EQ_INT(rc, HTTP_OK, "absolute-form builds");
	T_EQ_STR(buf,
	    "GET http://10.0.0.5:8090/ HTTP/1.1\r\n"
	    "Host: 10.0.0.5:8090\r\n"
	    "User-Agent: atlwho/0.1.0\r\n"
	    "Accept: application/json\r\n"
	    "Authorization: Bearer tok\r\n"
	    "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"
	    "Connection: close\r\n"
	    "\r\n", "absolute-form request");
	rc = http_req_build(&q, HTTP_REQ_ABSOLUTE | HTTP_REQ_REDACT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "Proxy-Authorization: Basic <redacted>\r\n") && !strstr(buf, "dXNl"),
	    "redacted proxy credentials");

	/* CONNECT: authority-form, never the target's Authorization. */
	q.url = &u;
	rc = http_req_build(&q, HTTP_REQ_CONNECT, buf, sizeof(buf), &olen);
	T_EQ_INT(rc, HTTP_OK, "CONNECT builds");
	T_EQ_STR(buf,
	    "CONNECT jira.example.com:443 HTTP/1.1\r\n"
	    "Host: jira.example.com:443\r\n"
	    "User-Agent: atlwho/0.1.0\r\n"
	    "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"
	    "\r\n", "CONNECT request");
	q.proxy_authorization = NULL;
	rc = http_req_build(&q, HTTP_REQ_CONNECT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "Authorization") == NULL, "CONNECT without credentials");
	url_parse(&u6, "https://[2001:db8::1]", err, sizeof(err));
	q.url = &u6;
	rc = http_req_build(&q, HTTP_REQ_CONNECT, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && starts(buf, "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n"),
	    "CONNECT to IPv6");

	/* Misuse and injection. */
	q.url = &u;
	T_EQ_INT(http_req_build(&q, HTTP_REQ_ABSOLUTE, buf, sizeof(buf), &olen), HTTP_E_REQ_MISUSE,
	    "absolute-form for https (must tunnel)");
	T_EQ_INT(http_req_build(&q, HTTP_REQ_ABSOLUTE | HTTP_REQ_CONNECT, buf, sizeof(buf), &olen),
	    HTTP_E_REQ_MISUSE, "both forms");
	q.proxy_authorization = "Basic x";
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_MISUSE,
	    "proxy credentials to the origin");
	q.proxy_authorization = NULL;
	q.authorization = "Bearer a\r\nX-Evil: 1";
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "CRLF in Authorization");
	q.authorization = "Bearer \xc3\xa9";
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "non-ASCII in Authorization");
	q.authorization = "";
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "empty Authorization");
	q.authorization = NULL;
	q.url = &u2;
	q.proxy_authorization = "Basic a\nb";
	T_EQ_INT(http_req_build(&q, HTTP_REQ_ABSOLUTE, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE,
	    "LF in Proxy-Authorization");
	q.proxy_authorization = NULL;
	q.version = "1.0\r\nX: y";
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "CRLF in version");
	q.version = NULL;
	rc = http_req_build(&q, 0, buf, sizeof(buf), &olen);
	T_CHECK(rc == HTTP_OK && strstr(buf, "User-Agent: atlwho\r\n"), "no version");
	q.version = "0.1.0";
	strcpy(u2.path, "/a b");
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "space in a hand-made path");
	strcpy(u2.path, "x");
	T_EQ_INT(http_req_build(&q, 0, buf, sizeof(buf), &olen), HTTP_E_REQ_VALUE, "relative hand-made path");
}

/* http_resp_until_close: true only inside a body that the close ends (the
 * caller then needs a vouched-for close, http.h). */
static void test_until_close(void)
{
	static struct http_resp r;
	static const struct { const char *in; int want; const char *label; } rows[] = {
		{ "", 0, "nothing yet" },
		{ H200 "Content-Type: a/b\r\n", 0, "inside the head" },
		{ H200 "\r\n", 1, "no framing: until close" },
		{ H200 "\r\n{\"name\"", 1, "no framing, body begun" },
		{ "HTTP/1.0 200 OK\r\n\r\nx", 1, "HTTP/1.0, no framing" },
		{ H200 "Content-Length: 5\r\n\r\nab", 0, "Content-Length" },
		{ H200 "Transfer-Encoding: chunked\r\n\r\n2\r\nab", 0, "chunked" },
		{ "HTTP/1.1 204 No Content\r\n\r\n", 0, "204: done, no body" },
		{ H200 "Foo : x\r\n\r\n", 0, "an error" },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		http_resp_init(&r, 0);
		(void)http_resp_feed(&r, rows[i].in, strlen(rows[i].in), NULL);
		T_EQ_INT(http_resp_until_close(&r), rows[i].want, rows[i].label);
	}
	http_resp_init(&r, HTTP_F_HEAD);
	(void)http_resp_feed(&r, H200 "\r\n", sizeof(H200 "\r\n") - 1, NULL);
	T_EQ_INT(http_resp_until_close(&r), 0, "HEAD: no body");
}

int main(void)
{
	test_rows();
	test_until_close();
	test_captcha();
	test_kept();
	test_redact();
	test_fold_values();
	test_big_bodies();
	test_limits();
	test_sticky();
	test_describe();
	test_requests();
	T_CHECK(g_runs > 1000, "the field store was checked in every table run");
	T_EQ_INT(g_field_mismatch, 0, "the kept fields are those on_header reported, in every run");
	return t_done();
}
