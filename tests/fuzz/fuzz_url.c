/* fuzz_url.c: libFuzzer target for base URLs, redirect resolution and the
 * request built from them. Invariants: a parsed URL formats and re-parses
 * to itself; a resolved target is a clean origin-form request-target that
 * resolves to itself again; the request has exactly its header lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "url.h"

static int same(const struct url *a, const struct url *b)
{
	return a->https == b->https && a->ipv6 == b->ipv6 && a->port == b->port &&
	    strcmp(a->host, b->host) == 0 && strcmp(a->path, b->path) == 0;
}

static void check_target(const struct url *u)
{
	const unsigned char *p = (const unsigned char *)u->path;

	if (p[0] != '/')
		abort();
	for (; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '#' || *p == '\\')
			abort();
	if (u->port < 1 || u->port > 65535 || u->host[0] == '\0')
		abort();
}

static void check_request(const struct url *u)
{
	static char buf[URL_PATH_MAX + 1024];
	struct http_req q = { u, "1.0", "Bearer t", NULL };
	size_t olen, i, lines = 0;

	if (http_req_build(&q, 0, buf, sizeof(buf), &olen) != HTTP_OK)
		abort();
	for (i = 0; i < olen; i++) {
		if (buf[i] == '\0')
			abort();
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
			abort();
		if (buf[i] == '\r' && (i + 1 >= olen || buf[i + 1] != '\n'))
			abort();
		lines += buf[i] == '\n';
	}
	if (lines != 7)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char s[URL_PATH_MAX * 2];
	static char f[URL_PATH_MAX + URL_HOST_MAX + 64];
	static struct url u, v, base, out, again;
	char err[256];
	const char *nl;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, blen;

	memcpy(s, data, n);
	s[n] = '\0';
	/* "base\nlocation", or the whole input as both. */
	nl = memchr(s, '\n', n);
	blen = nl ? (size_t)(nl - s) : n;
	s[blen] = '\0';

	if (url_parse(&u, s, err, sizeof(err)) == URL_OK) {
		size_t need = url_format(&u, f, sizeof(f));

		if (need >= sizeof(f) || strlen(f) != need)
			abort();
		if (url_parse(&v, f, err, sizeof(err)) != URL_OK || !same(&u, &v))
			abort();
		if (url_hostport(&u, 1, NULL, 0) != url_hostport(&u, 1, f, sizeof(f)))
			abort();
		check_request(&u);
		base = u;
	} else {
		if (err[0] == '\0' || u.host[0] != '\0')
			abort();
		url_parse(&base, "https://jira.example.com:8443/jira", err, sizeof(err));
		url_append(&base, "/rest/api/2/myself?x=1", err, sizeof(err));
	}
	if (base.path[0] == '\0')
		strcpy(base.path, "/");
	{
		const char *loc = nl ? nl + 1 : s;
		size_t llen = nl ? n - blen - 1 : blen;

		if (url_resolve(&out, &base, loc, llen, err, sizeof(err)) == URL_OK) {
			check_target(&out);
			check_request(&out);
			url_format(&out, f, sizeof(f));
			if (url_resolve(&again, &base, f, strlen(f), err, sizeof(err)) != URL_OK ||
			    !same(&again, &out))
				abort();
			(void)url_same_origin(&out, &base);
		} else if (out.host[0] != '\0') {
			abort();
		}
	}
	return 0;
}
