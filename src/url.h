/* url.h: http(s) base URLs, redirect targets and Host values for atlwho.
 * RFC 3986 (syntax; section 5 for Location), RFC 9110 sections 4.2 and 7.2. */
#ifndef ATLWHO_URL_H
#define ATLWHO_URL_H

#include <stddef.h>

/* 253: the longest DNS name (RFC 1035 section 2.3.4 less the root label);
 * every IPv6 literal we accept (no zone id) is shorter. */
#define URL_HOST_MAX 253
/* 4096: a request-target we build or follow; Tomcat's default header limit
 * is 8 KiB, so a longer target could not reach Jira anyway. */
#define URL_PATH_MAX 4096
/* 6: "65535" plus one leading zero is as long as a port may be spelt. */
#define URL_PORT_DIGITS_MAX 6

/* Return values: URL_OK, or one of these negative codes (-41 to -49: every
 * module's codes have their own range) with a one-line reason in err. */
#define URL_OK          0
#define URL_E_SYNTAX  (-41)  /* not scheme://host..., or a bad character */
#define URL_E_SCHEME  (-42)  /* a scheme other than http or https */
#define URL_E_USERINFO (-43) /* user:password@ in the URL */
#define URL_E_HOST    (-44)  /* empty or malformed host */
#define URL_E_PORT    (-45)  /* port not 1..65535 */
#define URL_E_PATH    (-46)  /* bad character or %-escape in the path */
#define URL_E_QUERY   (-47)  /* '?' or '#' in a base URL */
#define URL_E_TOOLONG (-48)  /* host or path over its limit */

/* A parsed URL. host is lower-case (host names are case-insensitive,
 * RFC 3986 section 3.2.2), NUL-terminated, without brackets; ipv6 says it
 * was a bracketed literal. port is always set (80 or 443 by default).
 * After url_parse, path is the context path with no trailing '/' ("" for
 * none, never "/"), so path + "/rest/..." never has "//"; after
 * url_resolve it is a full origin-form request-target ("/a/b?q"). */
struct url {
	int https;
	int ipv6;
	unsigned port;
	char host[URL_HOST_MAX + 1];
	char path[URL_PATH_MAX + 1];
};

/* Parses a NUL-terminated base URL: http:// or https:// (any case), a host
 * name, dotted-quad IPv4 or [IPv6] literal, an optional :port and an
 * optional context path. Refused: userinfo (credentials go in -u and
 * --token-file / ATLWHO_TOKEN), a query or fragment (the endpoint is
 * appended to the path, so a query would land in the middle of it), spaces,
 * control and non-ASCII bytes, malformed %-escapes, '\', an IPv6 zone id,
 * a host whose last label is numeric but is not a canonical dotted quad
 * (resolvers read "127.1" or "0x7f.1" as addresses). Dot segments in the
 * path are removed (RFC 3986 section 5.2.4). On error *u is zeroed. */
int url_parse(struct url *u, const char *s, char *err, size_t errcap);

/* Appends suffix (which must start with '/') to u->path: the context path
 * of a url_parse result plus an endpoint such as "/rest/api/2/myself".
 * The suffix is checked like a path (a '?query' is allowed). */
int url_append(struct url *u, const char *suffix, char *err, size_t errcap);

/* Resolves a redirect's Location field value (len bytes, not
 * NUL-terminated) against base, whose path is a request-target, into *out
 * (RFC 3986 section 5.2, strict: an absolute http(s) URL, "//authority...",
 * an absolute path or a relative reference). The query is kept, the
 * fragment dropped; bytes 0x80..0xff are %-encoded (as curl does); other
 * schemes, userinfo, spaces and control bytes are refused. out may not
 * alias base. On error *out is zeroed. */
int url_resolve(struct url *out, const struct url *base, const char *loc,
    size_t len, char *err, size_t errcap);

/* 1 if a and b have the same scheme, host (ASCII case-insensitively) and
 * port (RFC 6454 origin), else 0. */
int url_same_origin(const struct url *a, const struct url *b);

/* Writes "host", "host:port" or "[v6]:port" into buf, NUL-terminated: the
 * port only when always_port is set or it is not the scheme's default.
 * always_port = 0 gives the Host value (RFC 9110 section 7.2), 1 the
 * CONNECT authority (RFC 9110 section 9.3.6). Returns the length the full
 * value has (without NUL); if that is >= cap, buf holds "" (when cap > 0). */
size_t url_hostport(const struct url *u, int always_port, char *buf, size_t cap);

/* Writes "scheme://hostport" + path, NUL-terminated (the absolute-form
 * request-target for a proxy, RFC 9112 section 3.2.2, and how redirect
 * targets are shown). Same return convention as url_hostport. */
size_t url_format(const struct url *u, char *buf, size_t cap);

/* Strict address parsers, also used by the proxy module. n bytes at s (not
 * NUL-terminated). IPv4: four decimal parts 0..255 without leading zeros.
 * IPv6: RFC 4291 section 2.2 text forms, no brackets, no zone id.
 * URL_OK with the address in out, or URL_E_HOST. */
int url_ipv4_parse(const char *s, size_t n, unsigned char out[4]);
int url_ipv6_parse(const char *s, size_t n, unsigned char out[16]);

/* Parses an authority without userinfo: "host", "host:port", "[v6]" or
 * "[v6]:port" (n bytes). host gets the lower-cased host; *port gets the
 * port, or 0 when none was given. Returns URL_OK or URL_E_HOST/PORT/TOOLONG
 * with a reason in err. */
int url_parse_hostport(const char *s, size_t n, char host[URL_HOST_MAX + 1],
    int *ipv6, unsigned *port, char *err, size_t errcap);

#endif
