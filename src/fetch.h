/* fetch.h: one HTTP/1.1 GET over a socket, optionally through an HTTP proxy
 * (CONNECT tunnel for https, absolute-form for http) and TLS. The body streams
 * to a callback; nothing is buffered whole. */
#ifndef ATLWHO_FETCH_H
#define ATLWHO_FETCH_H

#include <stdint.h>

#include "http.h"
#include "sys.h"
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

#define FETCH_MSG_MAX 640   /* one message line */
#define FETCH_IO_BUF 16384  /* one TLS record's plaintext per read */
#define FETCH_REQ_MAX 8192  /* the request: URL path (4 KiB) and headers */

struct fetch_proxy {
	char host[URL_HOST_MAX + 1];
	unsigned port;
	const char *auth;          /* "Basic ..." for Proxy-Authorization, or NULL */
};

/* -v: what the exchange does, as it does it (a NULL log or member: quiet). */
struct fetch_log {
	void *ctx;
	void (*line)(void *ctx, const char *line);
	void (*request)(void *ctx, const char *redacted, size_t len); /* as sent, credentials redacted */
};

/* The exchange's big buffers, owned by the caller (one per check, off
 * the stack) and reused by every exchange of the check. */
struct fetch_mem {
	struct http_resp resp;             /* the reply (a proxy's CONNECT reply first) */
	char fields[HTTP_FIELDS_MAX];      /* the reply's header fields (http.h) */
	unsigned char io[FETCH_IO_BUF];    /* bytes read, not all parsed yet */
	char req[FETCH_REQ_MAX];           /* the request; wiped after each use */
	struct sys_connect_mem conn;       /* the name's addresses, the connection race */
};

struct fetch_req {
	const struct url *url;
	const char *auth;              /* whole Authorization value, or NULL */
	const char *version;
	const struct fetch_proxy *proxy; /* NULL: direct */
	/* The TLS configuration, the caller's for the whole check: built from
	 * tls_opts at the first https exchange (a plain http check never reads
	 * --cacert, --cert or --key), then reused by every retry and redirect. */
	struct tls_config *tls;
	const struct tls_opts *tls_opts;
	const struct rd_set *rd;       /* the secrets, for the reply's parser (http.h) */
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

/* One exchange, pulled by the caller step by step, as libtls's callers
 * drive it: fetch_open connects (through the proxy), does the TLS
 * handshake and sends the request; fetch_head reads the reply's head into
 * m->resp (status, kept headers, fields); then the caller decides, and
 * reads the body with fetch_body or leaves it unread. fetch_close always
 * ends it (close_notify, the socket, res->t.done). Each step returns
 * FETCH_OK or a FETCH_E_* with res->err and res->msg set; after an error
 * only fetch_close remains. Everything is bounded by q->deadline. */
struct fetch {
	const struct fetch_req *q;
	const struct fetch_log *log;
	struct fetch_mem *m;
	struct fetch_res *res;
	struct tls_conn tc;
	struct tls_peer peer;
	char peer_name[TLS_NAME_MAX + 1];
	int fd;
	int tls;                       /* tc carries the exchange */
	size_t off, len;               /* m->io[off..len): read, not yet parsed */
	void (*sink)(void *ctx, const void *buf, size_t len);
	void *sink_ctx;
};

int fetch_open(struct fetch *x, const struct fetch_req *q, const struct fetch_log *log,
    struct fetch_mem *m, struct fetch_res *res);
int fetch_head(struct fetch *x);
/* The body, each piece handed to sink as it arrives (chunked framing removed). */
int fetch_body(struct fetch *x, void (*sink)(void *ctx, const void *buf, size_t len), void *ctx);
void fetch_close(struct fetch *x);

#endif
