/* proxy.c: HTTP proxy URLs, no_proxy matching and proxy choice, as curl does.
 * RFC 9110 section 9.3.6 (CONNECT), RFC 7617 (Basic), RFC 3986 section 2.1. */
#include "ascii.h"
#include "fmt.h"
#include "proxy.h"

#include <string.h>

#include "b64.h"
#include "str.h"




static int is_sep(unsigned char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void px_wipe(struct px *p)
{
	str_wipe(p, sizeof(*p));
}

/* %-decodes s[0..n) into dst (room for max bytes + NUL). Control bytes
 * after decoding are refused (RFC 7617 section 2), and so is ':' in a
 * user-id, which Basic could not carry. */
static int decode(char *dst, size_t max, size_t *dlen, const char *s, size_t n, int is_user,
    char *err, size_t errcap)
{
	const char *what = is_user ? "user name" : "password";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n) {
				fmt_err(err, errcap, "proxy %s has an incomplete %%-escape", what);
				return PX_E_CRED;
			}
			hi = ascii_hexval((unsigned char)s[i + 1]);
			lo = ascii_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				fmt_err(err, errcap, "proxy %s has a bad %%-escape", what);
				return PX_E_CRED;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f) {
			fmt_err(err, errcap, "proxy %s contains a control character", what);
			return PX_E_CRED;
		}
		if (is_user && c == ':') {
			fmt_err(err, errcap, "proxy user name contains ':', which Basic authentication cannot carry");
			return PX_E_CRED;
		}
		if (o == max) {
			fmt_err(err, errcap, "proxy %s longer than %zu bytes", what, max);
			return PX_E_CRED;
		}
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	*dlen = o;
	return PX_OK;
}

int px_parse(struct px *p, const char *s, char *err, size_t errcap)
{
	const char *auth, *end, *at = NULL, *q;
	size_t n, i;
	unsigned port;
	int rc;

	px_wipe(p);
	if (!s || !*s) {
		fmt_err(err, errcap, "empty proxy");
		return PX_E_SYNTAX;
	}
	n = strlen(s);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\') {
			fmt_err(err, errcap, "proxy URL has byte 0x%02x at offset %zu", c, i);
			return PX_E_SYNTAX;
		}
	}
	auth = s;
	q = strstr(s, "://"); /* linked already (classify.c) */
	/* Only a real scheme counts: in "user:pa://ss@host" the "://" is
	 * part of the password. */
	for (i = 0; q && i < (size_t)(q - s); i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			q = NULL;
	}
	if (q == s)
		q = NULL;
	if (q) {
		size_t sl = (size_t)(q - s);

		if (sl == 5 && ascii_ieq(s, "https", 5)) {
			fmt_err(err, errcap, "https:// proxies are not supported: use http:// (the connection"
			    " to the server is still TLS inside the tunnel)");
			return PX_E_SCHEME;
		}
		if (sl >= 5 && ascii_ieq(s, "socks", 5)) {
			fmt_err(err, errcap, "SOCKS proxies are not supported: use an http:// proxy");
			return PX_E_SCHEME;
		}
		if (sl != 4 || !ascii_ieq(s, "http", 4)) {
			fmt_err(err, errcap, "unsupported proxy scheme '%.*s': use http://",
			    sl > 16 ? 16 : (int)sl, s);
			return PX_E_SCHEME;
		}
		auth = q + 3;
	}
	for (end = auth; *end && *end != '/' && *end != '?' && *end != '#'; end++)
		if (*end == '@')
			at = end;
	/* A proxy URL names a host; curl ignores a path, we allow only "/". */
	if (*end && strcmp(end, "/") != 0) {
		if (strchr(end, '@'))
			fmt_err(err, errcap, "a '/', '?' or '#' in the proxy user or password must be"
			    " %%-encoded (%%2F, %%3F, %%23)");
		else
			fmt_err(err, errcap, "a proxy URL has no path, query or fragment");
		return PX_E_SYNTAX;
	}
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		const char *uend = colon ? colon : at;

		rc = decode(p->user, PX_USER_MAX, &p->user_len, auth, (size_t)(uend - auth), 1,
		    err, errcap);
		if (rc == PX_OK && colon)
			rc = decode(p->pass, PX_PASS_MAX, &p->pass_len, colon + 1,
			    (size_t)(at - colon - 1), 0, err, errcap);
		if (rc != PX_OK)
			goto fail;
		p->has_auth = 1;
		auth = at + 1;
	}
	if (end == auth) {
		fmt_err(err, errcap, "proxy URL has no host");
		rc = PX_E_HOST;
		goto fail;
	}
	rc = url_parse_hostport(auth, (size_t)(end - auth), p->host, &p->ipv6, &port, err, errcap);
	if (rc != URL_OK) {
		rc = rc == URL_E_PORT ? PX_E_PORT : PX_E_HOST;
		/* url.c quotes the text it refuses; if a userinfo may have
		 * been misread as the host, say less. */
		if (strchr(s, '@'))
			fmt_err(err, errcap, rc == PX_E_PORT ? "bad proxy port" :
			    "bad proxy host (a '/', '?' or '#' in the password must be %%-encoded)");
		goto fail;
	}
	p->port = port ? port : PX_DEFAULT_PORT;
	return PX_OK;
fail:
	px_wipe(p);
	return rc;
}

int px_basic(const struct px *p, char *dst, size_t cap, size_t *olen)
{
	char up[PX_USER_MAX + 1 + PX_PASS_MAX];
	size_t n = p->user_len + 1 + p->pass_len;
	size_t need = 6 + b64_encoded_len(n);
	int rc = PX_OK;

	if (olen)
		*olen = 0;
	if (!p->has_auth || p->user_len > PX_USER_MAX || p->pass_len > PX_PASS_MAX)
		return PX_E_CRED;
	if (need + 1 > cap) {
		if (cap > 0)
			memset(dst, 0, cap);
		if (olen)
			*olen = need + 1;
		return PX_E_BUFSMALL;
	}
	memcpy(up, p->user, p->user_len);
	up[p->user_len] = ':';
	memcpy(up + p->user_len + 1, p->pass, p->pass_len);
	memcpy(dst, "Basic ", 6);
	if (b64_encode(dst + 6, cap - 6, up, n) != need - 6)
		rc = PX_E_BUFSMALL;
	str_wipe(up, sizeof(up));
	if (rc != PX_OK) {
		memset(dst, 0, cap);
		return rc;
	}
	dst[need] = '\0';
	if (olen)
		*olen = need;
	return PX_OK;
}

/* The address family of an IP literal (IPv6 possibly in brackets) with
 * its bytes in a: 4 or 6; 0 for anything else (a name). */
static int ip_of(const char *s, size_t n, unsigned char a[16])
{
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		return url_ipv6_parse(s + 1, n - 2, a) == URL_OK ? 6 : 0;
	if (url_ipv4_parse(s, n, a) == URL_OK)
		return 4;
	if (url_ipv6_parse(s, n, a) == URL_OK)
		return 6;
	return 0;
}

static int prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

/* "/bits" at s[0..n), ending at n or at a ':' (a port, ignored). Returns
 * the prefix length, or -1. */
static int cidr_bits(const char *s, size_t n, unsigned maxbits)
{
	const char *colon = memchr(s, ':', n);
	size_t digits = (colon ? (size_t)(colon - s) : n) - 1;
	long bits;

	if (n < 2 || s[0] != '/' || digits > 3 || str_num(s + 1, digits, 0, (long)maxbits, &bits) != STR_OK)
		return -1;
	return (int)bits;
}

/* One no_proxy entry e[0..n) against the host: kind 4 or 6 with its
 * address, or 0 for a name h[0..hn) (trailing dot already cut). */
static int entry_match(const char *e, size_t n, int kind, const unsigned char *addr,
    const char *h, size_t hn)
{
	unsigned char ea[16];
	const char *c1 = memchr(e, ':', n), *rest;
	size_t alen;
	unsigned maxbits = kind == 4 ? 32 : 128;
	int bits;

	if (n == 1 && e[0] == '*')
		return 1;
	if (kind == 0) {
		/* "name:port" applies to every port. */
		if (c1)
			n = (size_t)(c1 - e);
		if (n >= 2 && e[0] == '*' && e[1] == '.') {
			e += 2;
			n -= 2;
		} else if (n >= 1 && e[0] == '.') {
			e++;
			n--;
		}
		if (n > 0 && e[n - 1] == '.')
			n--;
		if (n == 0 || n > hn)
			return 0;
		if (n == hn)
			return ascii_ieq(e, h, n);
		return h[hn - n - 1] == '.' && ascii_ieq(e, h + hn - n, n);
	}
	if (e[0] == '[') {
		/* "[v6]", "[v6]/bits", "[v6]:port", "[v6]/bits:port" */
		const char *close = memchr(e, ']', n);

		if (!close)
			return 0;
		alen = (size_t)(close - e) + 1;
	} else if (c1 && !memchr(c1 + 1, ':', n - (size_t)(c1 - e) - 1)) {
		/* One ':' is IPv4 (or a name) with a port; more is IPv6. */
		const char *slash = memchr(e, '/', (size_t)(c1 - e));

		alen = (size_t)((slash ? slash : c1) - e);
	} else {
		const char *slash = memchr(e, '/', n);

		alen = slash ? (size_t)(slash - e) : n;
	}
	if (ip_of(e, alen, ea) != kind)
		return 0;
	rest = e + alen;
	if (alen < n && rest[0] == '/') {
		bits = cidr_bits(rest, n - alen, maxbits);
		if (bits < 0)
			return 0;
	} else {
		bits = (int)maxbits;
	}
	return prefix_eq(addr, ea, (unsigned)bits);
}

int px_no_proxy_match(const char *list, const char *host)
{
	unsigned char addr[16];
	size_t hn;
	const char *p;
	int kind;

	if (!list || !host || !*host)
		return 0;
	hn = strlen(host);
	kind = ip_of(host, hn, addr);
	if (kind == 0 && hn > 1 && host[hn - 1] == '.')
		hn--;
	p = list;
	while (*p) {
		const char *e;

		while (*p && is_sep((unsigned char)*p))
			p++;
		e = p;
		while (*p && !is_sep((unsigned char)*p))
			p++;
		if (p > e && entry_match(e, (size_t)(p - e), kind, addr, host, hn))
			return 1;
	}
	return 0;
}

const char *px_select(const struct px_env *e, int https, const char *host,
    const char **from)
{
	const char *proxy = NULL, *src = NULL, *np, *npsrc;

	if (e->opt_proxy) {
		proxy = e->opt_proxy;
		src = "--proxy";
	} else if (https && e->https_proxy) {
		proxy = e->https_proxy;
		src = "https_proxy";
	} else if (https && e->HTTPS_PROXY) {
		proxy = e->HTTPS_PROXY;
		src = "HTTPS_PROXY";
	} else if (!https && e->http_proxy) {
		proxy = e->http_proxy;
		src = "http_proxy";
	}
	if (from)
		*from = src;
	if (!proxy || !*proxy)
		return NULL;
	if (e->opt_noproxy) {
		np = e->opt_noproxy;
		npsrc = "--noproxy";
	} else if (e->no_proxy) {
		np = e->no_proxy;
		npsrc = "no_proxy";
	} else {
		np = e->NO_PROXY;
		npsrc = "NO_PROXY";
	}
	if (px_no_proxy_match(np, host)) {
		if (from)
			*from = npsrc;
		return NULL;
	}
	return proxy;
}

int px_choose(const struct px_env *e, int https, const char *host, struct px *p,
    struct fetch_proxy *fp, char *auth, char *note, size_t notecap, char *err, size_t errcap)
{
	const char *purl, *from = NULL;
	char why[256];
	size_t olen;

	note[0] = '\0';
	purl = px_select(e, https, host, &from);
	if (!purl || !*purl) {
		if (from)
			fmt_snprintf(note, notecap, "no proxy for %.200s (%s)", host, from);
		return 0;
	}
	if (px_parse(p, purl, why, sizeof why) != PX_OK) {
		fmt_snprintf(err, errcap, "%s: %.250s", from ? from : "proxy", why);
		return -1;
	}
	fmt_snprintf(fp->host, sizeof fp->host, "%s", p->host);
	fp->port = p->port;
	fp->auth = NULL;
	if (p->has_auth) {
		if (px_basic(p, auth, PX_AUTH_MAX, &olen) != PX_OK) {
			fmt_snprintf(err, errcap, "proxy: proxy credentials too long");
			return -1;
		}
		fp->auth = auth;
	}
	fmt_snprintf(note, notecap, "proxy %.200s port %u (from %s)%s", p->host, p->port,
	    from ? from : "?", p->has_auth ? " with Basic credentials" : "");
	return 1;
}

void px_env_read(struct px_env *e, const char *opt_proxy, const char *opt_noproxy,
    const char *(*get)(const char *name))
{
	e->opt_proxy = opt_proxy;
	e->opt_noproxy = opt_noproxy;
	e->https_proxy = get("https_proxy");
	e->HTTPS_PROXY = get("HTTPS_PROXY");
	e->http_proxy = get("http_proxy");
	e->no_proxy = get("no_proxy");
	e->NO_PROXY = get("NO_PROXY");
}
