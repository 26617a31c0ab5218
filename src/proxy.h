/* proxy.h: HTTP proxy URLs, no_proxy matching and proxy choice, as curl does.
 * RFC 9110 section 9.3.6 (CONNECT), RFC 7617 (Basic), RFC 3986 section 2.1. */
#ifndef ATLWHO_PROXY_H
#define ATLWHO_PROXY_H

#include <stddef.h>

#include "fetch.h"

#include "url.h"

/* 255: a proxy user name or password after %-decoding; RADIUS and most
 * proxy back ends stop well below this. */
#define PX_USER_MAX 255
#define PX_PASS_MAX 255
/* 1080: curl's default proxy port, used when the proxy URL has none. */
#define PX_DEFAULT_PORT 1080u
/* "Basic " and base64 of the longest "user:pass", plus the NUL. */
#define PX_AUTH_MAX (6 + 4 * ((PX_USER_MAX + 1 + PX_PASS_MAX + 2) / 3) + 1)

/* Return values: PX_OK, or these negative codes (-51 to -59: every
 * module's codes have their own range). */
#define PX_OK          0
#define PX_E_SYNTAX  (-51)  /* not [http://][user[:pass]@]host[:port][/] */
#define PX_E_SCHEME  (-52)  /* https://, socks*:// or another scheme */
#define PX_E_HOST    (-53)
#define PX_E_PORT    (-54)
#define PX_E_CRED    (-55)  /* bad %-escape, ':' in the user, control bytes,
                              too long, or no credentials to encode */
#define PX_E_BUFSMALL (-56) /* px_basic: *olen says the capacity needed */

/* A parsed proxy. user and pass are secret-ish (they go to the proxy in
 * every request): the owner calls px_wipe when done. */
struct px {
	char host[URL_HOST_MAX + 1];  /* lower-case, IPv6 without brackets */
	int ipv6;
	unsigned port;
	int has_auth;                 /* a userinfo was given (pass may be "") */
	size_t user_len;
	size_t pass_len;
	char user[PX_USER_MAX + 1];   /* %-decoded, NUL-terminated */
	char pass[PX_PASS_MAX + 1];
};

/* Parses "http://[user[:pass]@]host[:port][/]" or, as curl accepts, the
 * same without "http://". The port defaults to PX_DEFAULT_PORT. The
 * userinfo ends at the last '@'; user and password are %-decoded (curl's
 * rule; '+' stays '+') and may not decode to control bytes or, for the
 * user, ':' (RFC 7617 section 2). https:// and SOCKS proxies are refused
 * with a message that says so. Messages never repeat the userinfo. On
 * error *p is wiped. */
int px_parse(struct px *p, const char *s, char *err, size_t errcap);

/* Overwrites *p with zeros through a volatile pointer, so the compiler
 * cannot drop it as a dead store. */
void px_wipe(struct px *p);

/* Writes "Basic " + base64(user ":" pass) (RFC 7617) and a NUL into dst,
 * for Proxy-Authorization. Returns PX_OK with *olen the length; or
 * PX_E_BUFSMALL with *olen the capacity needed (PX_AUTH_MAX always
 * suffices) and dst zeroed; or PX_E_CRED if p->has_auth is 0. dst holds a
 * secret: the caller wipes it. */
int px_basic(const struct px *p, char *dst, size_t cap, size_t *olen);

/* 1 if host (as url_parse gives it, or a bracketed IPv6 literal) matches
 * the no_proxy list, else 0. Entries are separated by commas and/or
 * whitespace. "*" (alone or as any entry) matches every host. A name
 * entry matches that name and its subdomains, ASCII case-insensitively,
 * with or without a leading "." or "*." ("example.com" and ".example.com"
 * match example.com and a.example.com, never badexample.com); trailing
 * dots on either side are ignored. IP entries match IP hosts only, by
 * address value, optionally as a CIDR prefix ("10.0.0.0/8", "fe80::/10",
 * as curl 7.86+); IPv6 with or without brackets. A ":port" on an entry is
 * ignored: the entry applies to every port (curl does not match ports
 * either). NULL or "" lists match nothing. */
int px_no_proxy_match(const char *list, const char *host);

/* The proxy settings of one run, as values: the caller reads the
 * environment, this module never does. NULL means "not set"; a set but
 * empty value counts as set (curl's behaviour: https_proxy="" hides
 * HTTPS_PROXY and means "no proxy"). */
struct px_env {
	const char *opt_proxy;    /* -x/--proxy; "" disables proxies */
	const char *opt_noproxy;  /* --noproxy; overrides no_proxy/NO_PROXY */
	const char *https_proxy;
	const char *HTTPS_PROXY;
	const char *http_proxy;   /* lower case only: HTTP_PROXY is attacker-
	                             settable in CGI environments (httpoxy) */
	const char *no_proxy;
	const char *NO_PROXY;
};

/* Fills e from the options and the environment, read through get
 * (getenv's contract). */
void px_env_read(struct px_env *e, const char *opt_proxy, const char *opt_noproxy,
    const char *(*get)(const char *name));

/* Chooses the proxy string for a request to host (https or not), curl's
 * way: -x first, else https_proxy then HTTPS_PROXY for https and
 * http_proxy for http (ALL_PROXY is not consulted); then the no-proxy list
 * (--noproxy, else no_proxy, else NO_PROXY) applies to whichever proxy
 * was chosen, -x included. Returns the proxy string to pass to px_parse,
 * or NULL to connect directly. *from (if from is not NULL) names where the
 * answer came from ("--proxy", "https_proxy", "--noproxy", "no_proxy",
 * ...), for verbose output; NULL when nothing was set. */
const char *px_select(const struct px_env *e, int https, const char *host,
    const char **from);

/* px_select, px_parse and px_basic in one, for a request to host (https
 * or not): 1 with p parsed (the caller px_wipes it) and fp set to it (its
 * auth, "Basic ...", in auth: PX_AUTH_MAX bytes, the caller wipes it), 0
 * for a direct connection, -1 with err set ("https_proxy: ..."). note
 * gets a line for -v saying which proxy and why, or "". */
int px_choose(const struct px_env *e, int https, const char *host, struct px *p,
    struct fetch_proxy *fp, char *auth, char *note, size_t notecap, char *err, size_t errcap);

#endif
