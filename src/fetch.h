/* fetch.h: one HTTP/1.1 GET over a socket, optionally through an HTTP proxy
 * (CONNECT tunnel for https, absolute-form for http) and TLS. The body streams
 * to a callback; nothing is buffered whole. */
#ifndef ATLWHO_FETCH_H
#define ATLWHO_FETCH_H

#include <stdint.h>

#include "http.h"
#include "tls.h"
#include "url.h"

/* Error classes, mapped by main to exit codes (-31 to -39: every module's
 * codes have their own range). */
#define FETCH_OK        0
#define FETCH_E_CONFIG (-31)  /* exit 2 */
#define FETCH_E_NET    (-32)  /* exit 5: resolve, connect, reset, timeout */
#define FETCH_E_TLS    (-33)  /* exit 6 */
#define FETCH_E_HTTP   (-34)  /* exit 7: malformed or cut-short reply */
#define FETCH_E_PROXY  (-35)  /* exit 5: the proxy refused or failed */
#define FETCH_E_SINK   (-36)  /* the body callback stopped us */

#define FETCH_MSG_MAX 640   /* one message line */
#define FETCH_IO_BUF 16384  /* one TLS record's plaintext per read */
#define FETCH_REQ_MAX 8192  /* the request: URL path (4 KiB) and headers */

struct fetch_proxy {
	char host[URL_HOST_MAX + 1];
	unsigned port;
	const char *auth;          /* "Basic ..." for Proxy-Authorization, or NULL */
};

struct fetch_hooks {
	void *ctx;
	void (*log)(void *ctx, const char *line);   /* verbose, NULL when quiet */
	int (*on_header)(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen);
	int (*on_headers_done)(void *ctx, const struct http_resp *r);
	int (*on_body)(void *ctx, const void *buf, size_t len);
	void (*on_request)(void *ctx, const char *redacted, size_t len); /* -v */
	const struct rd_set *rd;  /* the secrets for the reply's parser (http.h) */
};

struct fetch_req {
	const struct url *url;
	const char *auth;              /* whole Authorization value, or NULL */
	const char *version;
	const struct fetch_proxy *proxy; /* NULL: direct */
	struct tls_config *tls;        /* built (tls_config_init) for an https url */
	int family;                    /* 0, 4 or 6 */
	long connect_ms;
	int64_t deadline;              /* monotonic ms */
};

struct fetch_times { int64_t start, resolved, connected, tls_done, first_byte, done; };

struct fetch_res {
	int err;                       /* FETCH_OK or FETCH_E_* */
	char msg[FETCH_MSG_MAX];
	int got_bytes;                 /* any reply byte arrived */
	int timed_out;                 /* the error was the deadline */
	struct fetch_times t;
	char tls_version[16], tls_cipher[64];
	struct tls_info tls_info;
	int insecure_used;
	int pin_only;                  /* the pin alone was the trust */
	unsigned ca_loaded;            /* CA certificates parsed (lazy loading) */
	const char *trust_src;         /* first trust file or directory, or NULL */
};

/* What a proxy's HTTP 407 means for this proxy, as a parenthesis: its
 * credentials were refused, or it wants some. */
const char *fetch_proxy_407(const struct fetch_proxy *p);

/* Runs the exchange; the parser r (caller-owned) holds status and headers. */
int fetch(const struct fetch_req *q, const struct fetch_hooks *h,
    struct http_resp *r, struct fetch_res *res);

#endif
