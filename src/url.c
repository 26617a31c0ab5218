/* url.c: http(s) base URLs, redirect targets and Host values for atlwho.
 * RFC 3986 (syntax; section 5 for Location), RFC 9110 sections 4.2 and 7.2. */
#include "ascii.h"
#include "fmt.h"
#include "url.h"

#include <string.h>

#include "str.h"

/* 63: the longest DNS label (RFC 1035 section 2.3.4). */
#define URL_LABEL_MAX 63
/* A Location is copied here (escaped) before it is resolved: room for a
 * scheme, "//", a host, a port and a full request-target. */
#define URL_REF_MAX (URL_PATH_MAX + URL_HOST_MAX + 32)






/* RFC 3986 section 2.3 unreserved, 2.2 sub-delims, and the two extra pchar
 * characters of section 3.3. '%' is checked separately. */
static int is_pchar(unsigned char c)
{
	if (ascii_alpha(c) || ascii_digit(c))
		return 1;
	return c != 0 && strchr("-._~!$&'()*+,;=:@", c) != NULL;
}

/* The printable characters RFC 3986 leaves out that browsers and curl
 * %-encode rather than refuse when a server puts them in a Location. */
static int is_unwise(unsigned char c)
{
	return c != 0 && strchr("\"<>^`{|}[]", c) != NULL;
}

/* The url_hostport / url_format convention: "" unless it all fits. */
static size_t whole_or_empty(struct sb *b)
{
	size_t n = sb_end(b);

	if (n >= b->cap && b->cap > 0)
		b->buf[0] = '\0';
	return n;
}

/* 1 if s[0..n) is a strict dotted quad (its bytes in out), else 0. */
static int ipv4_ok(const char *s, size_t n, unsigned char out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		while (i < n && ascii_digit((unsigned char)s[i]) && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		/* Leading zeros are refused: inet_aton reads them as octal. */
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return 0;
		out[part] = (unsigned char)v;
	}
	return i == n;
}

/* 1 if s[0..n) is an RFC 4291 text form (its bytes in out), else 0. */
static int ipv6_ok(const char *s, size_t n, unsigned char out[16])
{
	unsigned w[8];
	int nw = 0, gap = -1, k;
	size_t i = 0;

	if (n == 0)
		return 0;
	if (s[0] == ':') {
		if (n < 2 || s[1] != ':')
			return 0;
		gap = 0;
		i = 2;
	}
	while (i < n) {
		size_t j = i, d;
		int dot = 0;
		unsigned v = 0;

		while (j < n && s[j] != ':') {
			if (s[j] == '.')
				dot = 1;
			j++;
		}
		if (dot) {
			unsigned char v4[4];

			/* An embedded IPv4 address ends the text and takes
			 * the place of the last two groups. */
			if (j != n || nw > 6 || !ipv4_ok(s + i, j - i, v4))
				return 0;
			w[nw++] = (unsigned)v4[0] << 8 | v4[1];
			w[nw++] = (unsigned)v4[2] << 8 | v4[3];
			i = j;
			break;
		}
		if (j == i || j - i > 4 || nw == 8)
			return 0;
		for (d = i; d < j; d++) {
			int h = ascii_hexval((unsigned char)s[d]);

			if (h < 0)
				return 0;
			v = v << 4 | (unsigned)h;
		}
		w[nw++] = v;
		i = j;
		if (i == n)
			break;
		i++; /* the ':' */
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = nw;
			i++;
		} else if (i == n) {
			return 0; /* a single trailing ':' */
		}
	}
	if (i != n)
		return 0;
	if (gap < 0 ? nw != 8 : nw > 7)
		return 0;
	memset(out, 0, 16);
	for (k = 0; k < nw; k++) {
		size_t pos = (size_t)((gap >= 0 && k >= gap) ? k + (8 - nw) : k);

		out[2 * pos] = (unsigned char)(w[k] >> 8);
		out[2 * pos + 1] = (unsigned char)(w[k] & 0xff);
	}
	return 1;
}

int url_ipv4_parse(const char *s, size_t n, unsigned char out[4])
{
	return ipv4_ok(s, n, out) ? URL_OK : URL_E_HOST;
}

int url_ipv6_parse(const char *s, size_t n, unsigned char out[16])
{
	return ipv6_ok(s, n, out) ? URL_OK : URL_E_HOST;
}

/* RFC 1123 host names, plus '_' (seen on internal hosts). A name whose last
 * label looks numeric must be a canonical dotted quad: resolvers accept
 * "127.1", "0x7f.1" or "0177.0.0.1" and would connect somewhere the user
 * did not write. */
static int check_hostname(const char *s, size_t n, char *err, size_t errcap)
{
	size_t i, label = 0, last = 0, end = n;
	int numeric = 1, hexlike;
	unsigned char v4[4];

	if (n == 0) {
		fmt_err(err, errcap, "empty host name");
		return URL_E_HOST;
	}
	if (n > URL_HOST_MAX) {
		fmt_err(err, errcap, "host name longer than %d bytes", URL_HOST_MAX);
		return URL_E_TOOLONG;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 && !(i == n - 1 && i > 0)) {
				fmt_err(err, errcap, "empty label in host name");
				return URL_E_HOST;
			}
			label = 0;
			if (i != n - 1)
				last = i + 1;
			continue;
		}
		if (!ascii_alpha(c) && !ascii_digit(c) && c != '-' && c != '_') {
			if (c > 0x20 && c < 0x7f)
				fmt_err(err, errcap, "character '%c' not allowed in a host name", c);
			else
				fmt_err(err, errcap, "byte 0x%02x not allowed in a host name", c);
			return URL_E_HOST;
		}
		if (++label > URL_LABEL_MAX) {
			fmt_err(err, errcap, "host name label longer than %d bytes", URL_LABEL_MAX);
			return URL_E_HOST;
		}
	}
	if (s[n - 1] == '.')
		end = n - 1;
	for (i = last; i < end; i++)
		if (!ascii_digit((unsigned char)s[i]))
			numeric = 0;
	hexlike = end - last >= 2 && s[last] == '0' && ascii_lower((unsigned char)s[last + 1]) == 'x';
	for (i = last + 2; hexlike && i < end; i++)
		if (ascii_hexval((unsigned char)s[i]) < 0)
			hexlike = 0;
	if ((numeric || hexlike) && !ipv4_ok(s, n, v4)) {
		fmt_err(err, errcap, "'%.*s' is not a valid IPv4 address (use four decimal numbers 0-255)",
		    (int)n, s);
		return URL_E_HOST;
	}
	return URL_OK;
}

int url_parse_hostport(const char *s, size_t n, char host[URL_HOST_MAX + 1],
    int *ipv6, unsigned *port, char *err, size_t errcap)
{
	size_t hlen, i;
	const char *h, *p = NULL;

	*ipv6 = 0;
	*port = 0;
	host[0] = '\0';
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		unsigned char a6[16];
		size_t rest;

		if (!close) {
			fmt_err(err, errcap, "IPv6 address without closing ']'");
			return URL_E_HOST;
		}
		h = s + 1;
		hlen = (size_t)(close - h);
		if (memchr(h, '%', hlen)) {
			fmt_err(err, errcap, "IPv6 zone ids ('%%...') are not supported");
			return URL_E_HOST;
		}
		if (!ipv6_ok(h, hlen, a6)) {
			fmt_err(err, errcap, "'%.*s' is not a valid IPv6 address", (int)hlen, h);
			return URL_E_HOST;
		}
		rest = n - (size_t)(close + 1 - s);
		if (rest > 0 && close[1] != ':') {
			fmt_err(err, errcap, "unexpected character after ']'");
			return URL_E_HOST;
		}
		if (rest > 0)
			p = close + 2;
		*ipv6 = 1;
	} else {
		const char *colon = memchr(s, ':', n);
		int rc;

		h = s;
		hlen = colon ? (size_t)(colon - s) : n;
		if (colon && memchr(colon + 1, ':', n - hlen - 1)) {
			fmt_err(err, errcap, "an IPv6 address must be written in brackets: [%.*s]",
			    (int)n, s);
			return URL_E_HOST;
		}
		rc = check_hostname(h, hlen, err, errcap);
		if (rc != URL_OK)
			return rc;
		if (colon)
			p = colon + 1;
	}
	if (p) {
		size_t plen = n - (size_t)(p - s);
		unsigned v = 0;

		if (plen == 0) {
			fmt_err(err, errcap, "empty port after ':'");
			return URL_E_PORT;
		}
		for (i = 0; i < plen; i++) {
			if (!ascii_digit((unsigned char)p[i])) {
				fmt_err(err, errcap, "port '%.*s' is not a number", (int)plen, p);
				return URL_E_PORT;
			}
		}
		/* Longer spellings stay 0 and are refused below. */
		if (plen <= URL_PORT_DIGITS_MAX)
			for (i = 0; i < plen; i++)
				v = v * 10 + (unsigned)(p[i] - '0');
		if (v < 1 || v > 65535) {
			fmt_err(err, errcap, "port '%.*s' is not in 1..65535", (int)plen, p);
			return URL_E_PORT;
		}
		*port = v;
	}
	for (i = 0; i < hlen; i++)
		host[i] = (char)ascii_lower((unsigned char)h[i]);
	host[hlen] = '\0';
	return URL_OK;
}

/* RFC 3986 section 5.2.4, without recursion: in (n bytes) to out, which has
 * room for n bytes. Returns the output length. */
static size_t remove_dots(char *out, const char *in, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const char *p = in + i;
		size_t r = n - i;

		if (r >= 3 && memcmp(p, "../", 3) == 0) {
			i += 3;
		} else if (r >= 2 && memcmp(p, "./", 2) == 0) {
			i += 2;
		} else if (r >= 3 && memcmp(p, "/./", 3) == 0) {
			i += 2;
		} else if (r == 2 && memcmp(p, "/.", 2) == 0) {
			out[o++] = '/';
			i = n;
		} else if ((r >= 4 && memcmp(p, "/../", 4) == 0) ||
		    (r == 3 && memcmp(p, "/..", 3) == 0)) {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (r == 3) {
				out[o++] = '/';
				i = n;
			} else {
				i += 3;
			}
		} else if ((r == 1 && p[0] == '.') || (r == 2 && memcmp(p, "..", 2) == 0)) {
			i = n;
		} else {
			if (p[0] == '/')
				out[o++] = in[i++];
			while (i < n && in[i] != '/')
				out[o++] = in[i++];
		}
	}
	return o;
}

/* Checks a path (and, with query_ok, a "?query" after it) against RFC 3986
 * sections 3.3 and 3.4; off is where s starts in the user's text. */
static int check_path(const char *s, size_t n, int query_ok, size_t off,
    char *err, size_t errcap)
{
	size_t i;
	int inquery = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= n) {
				fmt_err(err, errcap, "incomplete %%-escape at offset %zu", off + i);
				return URL_E_PATH;
			}
			if (ascii_hexval((unsigned char)s[i + 1]) < 0 || ascii_hexval((unsigned char)s[i + 2]) < 0) {
				fmt_err(err, errcap, "bad %%-escape at offset %zu", off + i);
				return URL_E_PATH;
			}
			i += 2;
			continue;
		}
		if (c == '?' && query_ok) {
			inquery = 1;
			continue;
		}
		if (c == '/' || is_pchar(c) || (inquery && c == '?'))
			continue;
		if (c == '?' || c == '#') {
			fmt_err(err, errcap, "a base URL cannot have a query or fragment ('%c' at offset %zu):"
			    " give only scheme, host, port and context path", c, off + i);
			return URL_E_QUERY;
		}
		if (c == ' ')
			fmt_err(err, errcap, "space at offset %zu (write it as %%20)", off + i);
		else if (c < 0x20 || c >= 0x7f)
			fmt_err(err, errcap, "byte 0x%02x at offset %zu: control and non-ASCII bytes must be %%-encoded",
			    c, off + i);
		else
			fmt_err(err, errcap, "character '%c' not allowed in a URL path (offset %zu)", c, off + i);
		return URL_E_PATH;
	}
	return URL_OK;
}

/* Finds "scheme:" at the start of s (RFC 3986 section 3.1). Returns the
 * scheme's length, or 0 when s has none. */
static size_t scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !ascii_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!ascii_alpha(c) && !ascii_digit(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

/* "http" or "https" (any case): 0 or 1 in *https; else URL_E_SCHEME. */
static int which_scheme(const char *s, size_t n, int *https, char *err, size_t errcap)
{
	if (n == 4 && ascii_ieq(s, "http", 4)) {
		*https = 0;
		return URL_OK;
	}
	if (n == 5 && ascii_ieq(s, "https", 5)) {
		*https = 1;
		return URL_OK;
	}
	fmt_err(err, errcap, "unsupported scheme '%.*s': atlwho speaks only http:// and https://",
	    n > 32 ? 32 : (int)n, s);
	return URL_E_SCHEME;
}

/* Parses "//authority" at s (n bytes, up to but excluding the path);
 * fills host, ipv6 and port of u, whose https is already set. */
/* Where the credentials go instead (said by both refusals). */
static const char url_no_creds[] = "give the user with -u and the token with --token-file or ATLWHO_TOKEN";

static int parse_authority(struct url *u, const char *s, size_t n, char *err, size_t errcap)
{
	unsigned port;
	int rc;

	if (memchr(s, '@', n)) {
		fmt_err(err, errcap, "credentials in the URL are refused: %s", url_no_creds);
		return URL_E_USERINFO;
	}
	rc = url_parse_hostport(s, n, u->host, &u->ipv6, &port, err, errcap);
	if (rc != URL_OK)
		return rc;
	u->port = port ? port : (u->https ? 443u : 80u);
	return URL_OK;
}

/* Refuses what is never allowed anywhere in a URL we accept. */
static int check_bytes(const char *s, size_t n, char *err, size_t errcap)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ') {
			fmt_err(err, errcap, "space at offset %zu", i);
			return URL_E_SYNTAX;
		}
		if (c < 0x20 || c == 0x7f) {
			fmt_err(err, errcap, "control byte 0x%02x at offset %zu", c, i);
			return URL_E_SYNTAX;
		}
		if (c >= 0x80) {
			fmt_err(err, errcap, "non-ASCII byte 0x%02x at offset %zu: write host names in their"
			    " xn-- form and %%-encode paths", c, i);
			return URL_E_SYNTAX;
		}
		/* WHATWG parsers read '\' as '/', RFC 3986 ones do not:
		 * refusing it keeps every reader on the same host. */
		if (c == '\\') {
			fmt_err(err, errcap, "backslash at offset %zu", i);
			return URL_E_SYNTAX;
		}
	}
	return URL_OK;
}

int url_parse(struct url *u, const char *s, char *err, size_t errcap)
{
	size_t n, sl, a, b, plen;
	char tmp[URL_PATH_MAX + 1];
	int rc;

	memset(u, 0, sizeof(*u));
	if (!s) {
		fmt_err(err, errcap, "no URL");
		return URL_E_SYNTAX;
	}
	n = strlen(s);
	rc = check_bytes(s, n, err, errcap);
	if (rc != URL_OK)
		goto fail;
	sl = scheme_len(s, n);
	if (sl > 0 && (n - sl < 3 || memcmp(s + sl, "://", 3) != 0) &&
	    which_scheme(s, sl, &u->https, NULL, 0) == URL_OK) {
		fmt_err(err, errcap, "expected '//' after '%.*s:'", (int)sl, s);
		rc = URL_E_SYNTAX;
		goto fail;
	}
	/* "jira.example.com:8443" has a "scheme" too: say what is missing. */
	if (sl == 0 || n - sl < 3 || memcmp(s + sl, "://", 3) != 0) {
		fmt_err(err, errcap, "the URL must start with https:// or http://");
		rc = URL_E_SCHEME;
		goto fail;
	}
	rc = which_scheme(s, sl, &u->https, err, errcap);
	if (rc != URL_OK)
		goto fail;
	a = sl + 3;
	for (b = a; b < n && s[b] != '/' && s[b] != '?' && s[b] != '#'; b++)
		;
	if (b == a) {
		fmt_err(err, errcap, "empty host name");
		rc = URL_E_HOST;
		goto fail;
	}
	rc = parse_authority(u, s + a, b - a, err, errcap);
	if (rc != URL_OK) {
		/* "https://user:pa/ss@host": the authority we parsed may be
		 * part of a password, so do not quote it back. */
		if (rc != URL_E_USERINFO && memchr(s + b, '@', n - b))
			fmt_err(err, errcap, "bad host or port; credentials in the URL are refused anyway: %s",
			    url_no_creds);
		goto fail;
	}
	plen = n - b;
	rc = check_path(s + b, plen, 0, b, err, errcap);
	if (rc != URL_OK)
		goto fail;
	if (plen > URL_PATH_MAX) {
		fmt_err(err, errcap, "path longer than %d bytes", URL_PATH_MAX);
		rc = URL_E_TOOLONG;
		goto fail;
	}
	memcpy(tmp, s + b, plen);
	plen = remove_dots(u->path, tmp, plen);
	/* The endpoint is appended with its own '/'. */
	while (plen > 0 && u->path[plen - 1] == '/')
		plen--;
	u->path[plen] = '\0';
	return URL_OK;
fail:
	memset(u, 0, sizeof(*u));
	return rc;
}

int url_append(struct url *u, const char *suffix, char *err, size_t errcap)
{
	size_t have = strlen(u->path), n = strlen(suffix);
	int rc;

	if (n == 0 || suffix[0] != '/') {
		fmt_err(err, errcap, "the path must start with '/'");
		return URL_E_PATH;
	}
	rc = check_bytes(suffix, n, err, errcap);
	if (rc == URL_OK)
		rc = check_path(suffix, n, 1, 0, err, errcap);
	if (rc != URL_OK)
		return rc == URL_E_SYNTAX ? URL_E_PATH : rc;
	if (n > URL_PATH_MAX - have) {
		fmt_err(err, errcap, "BASE_URL's path and %.64s are longer than %d bytes", suffix, URL_PATH_MAX);
		return URL_E_TOOLONG;
	}
	memcpy(u->path + have, suffix, n + 1);
	return URL_OK;
}

/* Copies a Location value into ref, %-encoding bytes 0x80..0xff and the
 * printable characters RFC 3986 excludes, refusing SP, control bytes and
 * '\', checking existing %-escapes, and cutting the fragment. */
static int clean_ref(char *ref, size_t *rlen, const char *loc, size_t len,
    char *err, size_t errcap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0, auth_end = 0, sl = scheme_len(loc, len);

	/* Brackets belong to an IPv6 authority; only after it are they
	 * escaped. */
	if (len - sl >= 2 + (sl > 0) && memcmp(loc + sl + (sl > 0), "//", 2) == 0)
		for (auth_end = sl + (sl > 0) + 2; auth_end < len; auth_end++)
			if (loc[auth_end] == '/' || loc[auth_end] == '?' || loc[auth_end] == '#')
				break;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)loc[i];

		if (c == '#')
			break;
		if (c == ' ' || c < 0x20 || c == 0x7f || c == '\\') {
			fmt_err(err, errcap, "redirect target has byte 0x%02x at offset %zu", c, i);
			return URL_E_SYNTAX;
		}
		if (c == '%' && (i + 2 >= len || ascii_hexval((unsigned char)loc[i + 1]) < 0 ||
		    ascii_hexval((unsigned char)loc[i + 2]) < 0)) {
			fmt_err(err, errcap, "redirect target has a bad %%-escape at offset %zu", i);
			return URL_E_PATH;
		}
		if (o + 3 > URL_REF_MAX) {
			fmt_err(err, errcap, "redirect target longer than %d bytes", URL_REF_MAX);
			return URL_E_TOOLONG;
		}
		if (c >= 0x80 || (i >= auth_end && is_unwise(c))) {
			ref[o++] = '%';
			ref[o++] = hex[c >> 4];
			ref[o++] = hex[c & 15];
		} else {
			ref[o++] = (char)c;
		}
	}
	*rlen = o;
	return URL_OK;
}

/* Appends path (dot segments removed) and "?query" (if hasq) to out->path. */
static int set_target(struct url *out, const char *path, size_t plen, const char *q,
    size_t qlen, int hasq, char *err, size_t errcap)
{
	char tmp[URL_PATH_MAX + 1];
	size_t n;

	if (plen > URL_PATH_MAX) {
		fmt_err(err, errcap, "redirect target longer than %d bytes", URL_PATH_MAX);
		return URL_E_TOOLONG;
	}
	n = remove_dots(tmp, path, plen);
	if (n == 0)
		tmp[n++] = '/'; /* origin-form needs a path (RFC 9112 section 3.2.1) */
	if (n + (hasq ? 1 + qlen : 0) > URL_PATH_MAX) {
		fmt_err(err, errcap, "redirect target longer than %d bytes", URL_PATH_MAX);
		return URL_E_TOOLONG;
	}
	memcpy(out->path, tmp, n);
	if (hasq) {
		out->path[n++] = '?';
		memcpy(out->path + n, q, qlen);
		n += qlen;
	}
	out->path[n] = '\0';
	return URL_OK;
}

/* A reference with no authority and a path that is empty or relative
 * (p, plen), RFC 3986 section 5.2.2: the base's path and, with no query
 * of its own, the base's query; or the path merged with the base's
 * directory (section 5.2.3). */
static int relative_target(struct url *out, const struct url *base, const char *p, size_t plen,
    const char *q, size_t qlen, int hasq, char *err, size_t errcap)
{
	char merged[URL_PATH_MAX + 1];
	const char *bp = base->path, *bq = strchr(bp, '?');
	size_t bplen = bq ? (size_t)(bq - bp) : strlen(bp), m = bplen;

	if (plen == 0) {
		if (!hasq && bq) {
			q = bq + 1;
			qlen = strlen(q);
			hasq = 1;
		}
		return set_target(out, bp, bplen, q, qlen, hasq, err, errcap);
	}
	/* Section 5.2.3: the base path up to its last '/'. */
	while (m > 0 && bp[m - 1] != '/')
		m--;
	if (m == 0)
		merged[m++] = '/';
	else
		memcpy(merged, bp, m);
	if (plen > URL_PATH_MAX - m) {
		fmt_err(err, errcap, "redirect target longer than %d bytes", URL_PATH_MAX);
		return URL_E_TOOLONG;
	}
	memcpy(merged + m, p, plen);
	return set_target(out, merged, m + plen, q, qlen, hasq, err, errcap);
}

int url_resolve(struct url *out, const struct url *base, const char *loc,
    size_t len, char *err, size_t errcap)
{
	char ref[URL_REF_MAX];
	size_t rlen, sl, i = 0, pend, plen;
	const char *q = NULL;
	size_t qlen = 0;
	int rc, hasq, own_authority = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		fmt_err(err, errcap, "empty redirect target");
		rc = URL_E_SYNTAX;
		goto fail;
	}
	rc = clean_ref(ref, &rlen, loc, len, err, errcap);
	if (rc != URL_OK)
		goto fail;
	out->https = base->https;
	sl = scheme_len(ref, rlen);
	if (sl > 0) {
		rc = which_scheme(ref, sl, &out->https, err, errcap);
		if (rc != URL_OK)
			goto fail;
		i = sl + 1;
		if (i + 2 > rlen || ref[i] != '/' || ref[i + 1] != '/') {
			fmt_err(err, errcap, "redirect to '%.*s:' without '//host'", (int)sl, ref);
			rc = URL_E_SYNTAX;
			goto fail;
		}
	}
	if (rlen - i >= 2 && ref[i] == '/' && ref[i + 1] == '/') {
		size_t a = i + 2, b;

		for (b = a; b < rlen && ref[b] != '/' && ref[b] != '?'; b++)
			;
		if (b == a) {
			fmt_err(err, errcap, "redirect target has an empty host");
			rc = URL_E_HOST;
			goto fail;
		}
		if (memchr(ref + a, '@', b - a)) {
			fmt_err(err, errcap, "redirect target carries credentials (user@host): refused");
			rc = URL_E_USERINFO;
			goto fail;
		}
		rc = parse_authority(out, ref + a, b - a, err, errcap);
		if (rc != URL_OK)
			goto fail;
		own_authority = 1;
		i = b;
	} else {
		memcpy(out->host, base->host, sizeof(out->host));
		out->ipv6 = base->ipv6;
		out->port = base->port;
	}
	rc = check_path(ref + i, rlen - i, 1, i, err, errcap);
	if (rc != URL_OK)
		goto fail;
	for (pend = i; pend < rlen && ref[pend] != '?'; pend++)
		;
	plen = pend - i;
	hasq = pend < rlen;
	if (hasq) {
		q = ref + pend + 1;
		qlen = rlen - pend - 1;
	}
	if (own_authority || (plen > 0 && ref[i] == '/')) {
		/* Absolute URL, network-path or absolute-path reference. */
		rc = set_target(out, ref + i, plen, q, qlen, hasq, err, errcap);
	} else {
		rc = relative_target(out, base, ref + i, plen, q, qlen, hasq, err, errcap);
	}
	if (rc != URL_OK)
		goto fail;
	return URL_OK;
fail:
	memset(out, 0, sizeof(*out));
	return rc;
}

int url_same_origin(const struct url *a, const struct url *b)
{
	size_t n = strlen(a->host);

	return a->https == b->https && a->port == b->port &&
	    n == strlen(b->host) && ascii_ieq(a->host, b->host, n);
}

size_t url_hostport(const struct url *u, int always_port, char *buf, size_t cap)
{
	struct sb b = { buf, cap, 0 };
	unsigned def = u->https ? 443u : 80u;

	if (u->ipv6)
		sb_put(&b, "[", 1);
	sb_str(&b, u->host);
	if (u->ipv6)
		sb_put(&b, "]", 1);
	if (always_port || u->port != def) {
		char num[8];

		fmt_snprintf(num, sizeof(num), ":%u", u->port & 0xffffu);
		sb_str(&b, num);
	}
	return whole_or_empty(&b);
}

size_t url_format(const struct url *u, char *buf, size_t cap)
{
	struct sb b = { buf, cap, 0 };
	char hp[URL_HOST_MAX + 16];

	sb_str(&b, u->https ? "https://" : "http://");
	url_hostport(u, 0, hp, sizeof(hp));
	sb_str(&b, hp);
	sb_str(&b, u->path[0] ? u->path : "/");
	return whole_or_empty(&b);
}
