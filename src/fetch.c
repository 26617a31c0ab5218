/* fetch.c: one HTTP/1.1 exchange (RFC 9112) over a socket, an HTTP proxy
 * tunnel (RFC 9110 section 9.3.6) and TLS, bounded by one deadline. */
#include "fmt.h"
#include "fetch.h"

#include <string.h>

#include "str.h"
#include "sys.h"

/* Bytes, 0 at the end, a SYS_E_* of the transport (through TLS too), or
 * TLS_E_PROTO for a TLS record failure after the handshake (bad MAC, an
 * unexpected message, an alert). */
static long conn_read(struct fetch *x, void *buf, size_t n)
{
	if (x->tls) {
		long r = tls_read(&x->tc, buf, n);
		if (r == TLS_E_NET)
			return tls_net_error(&x->tc);
		return r < 0 ? TLS_E_PROTO : r;
	}
	return sys_recv(x->fd, buf, n, x->q->deadline);
}

/* 0, a SYS_E_* of the transport, or TLS_E_PROTO. */
static int conn_write(struct fetch *x, const void *buf, size_t n)
{
	if (x->tls) {
		int r = tls_write_all(&x->tc, buf, n);
		if (r == TLS_E_NET)
			return tls_net_error(&x->tc);
		return r < 0 ? TLS_E_PROTO : 0;
	}
	return sys_send_all(x->fd, buf, n, x->q->deadline);
}

static void logf_(const struct fetch *x, const char *line)
{
	if (x->log && x->log->line)
		x->log->line(x->log->ctx, line);
}

static int failed(struct fetch *x, int e)
{
	return x->res->err = e;
}

/* What a read that ended the reply early means: a timeout, a close or
 * reset before any reply byte, or a reply cut short. */
static int read_failed(struct fetch *x, long n, const char *what)
{
	struct fetch_res *res = x->res;

	if (n == SYS_E_TIMEOUT) {
		res->timed_out = 1;
		fmt_snprintf(res->msg, sizeof res->msg, "timed out waiting for %s's reply%s", what,
		    res->got_bytes ? " (it stopped in the middle)" : "");
		return FETCH_E_NET;
	}
	if (!res->got_bytes) {
		fmt_snprintf(res->msg, sizeof res->msg, "%s closed or reset the connection before replying%s%s",
		    what, n == SYS_E_IO ? ": " : "", n == SYS_E_IO ? sys_errstr() : "");
		return FETCH_E_NET;
	}
	fmt_snprintf(res->msg, sizeof res->msg, "the reply from %s was cut short (%s)", what,
	    n == SYS_E_IO ? sys_errstr() : "TLS error");
	return FETCH_E_HTTP;
}

/* Feeds r from the bytes held, then from the connection, until r is at
 * want (HTTP_HEAD or HTTP_DONE). A reply with no body reaches HTTP_DONE
 * from what is held (a zero-length feed): nothing more is read for it. */
static int pump(struct fetch *x, struct http_resp *r, const char *what, int want)
{
	struct fetch_res *res = x->res;
	unsigned char *io = x->m->io;

	for (;;) {
		size_t used = 0;
		int pr = http_resp_feed(r, io + x->off, x->len - x->off, &used);
		long n;

		x->off += used;
		if (pr == want || pr == HTTP_DONE)
			return FETCH_OK;
		if (pr == HTTP_HEAD)
			continue; /* on to the body */
		if (pr != HTTP_MORE)
			break;
		n = conn_read(x, io, sizeof x->m->io);
		x->off = x->len = 0;
		if (n > 0) {
			if (!res->got_bytes)
				res->t.first_byte = sys_now_ms();
			res->got_bytes = 1;
			x->len = (size_t)n;
			continue;
		}
		if (n < 0)
			return read_failed(x, n, what);
		if (x->tls && !x->tc.close_notify && http_resp_until_close(r)) {
			fmt_snprintf(res->msg, sizeof res->msg, "the reply from %s was cut short: the connection "
			    "closed without TLS close_notify, which must end a body without Content-Length "
			    "or chunked framing (RFC 8446 section 6.1)", what);
			return FETCH_E_HTTP;
		}
		if (http_resp_eof(r) == HTTP_DONE)
			return FETCH_OK;
		break;
	}
	{
		char d[256];
		http_resp_describe(r, d, sizeof d);
		fmt_snprintf(res->msg, sizeof res->msg, "bad HTTP reply from %s: %s", what, d);
	}
	return FETCH_E_HTTP;
}

static int open_tunnel(struct fetch *x)
{
	const struct fetch_req *q = x->q;
	struct fetch_res *res = x->res;
	struct http_resp *r = &x->m->resp;
	char *req = x->m->req;
	struct http_req rq;
	size_t olen;
	int e;

	memset(&rq, 0, sizeof rq);
	rq.url = q->url;
	rq.version = q->version;
	rq.proxy_authorization = q->proxy->auth;
	if (http_req_build(&rq, HTTP_REQ_CONNECT, req, sizeof x->m->req, &olen) != HTTP_OK) {
		fmt_snprintf(res->msg, sizeof res->msg, "cannot build the CONNECT request");
		return FETCH_E_CONFIG;
	}
	logf_(x, "proxy: CONNECT tunnel requested");
	e = sys_send_all(x->fd, req, olen, q->deadline);
	str_wipe(req, olen); /* only what was written */
	if (e < 0) {
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %s: sending CONNECT failed: %s", q->proxy->host,
		    e == SYS_E_IO ? sys_errstr() : "timed out");
		return FETCH_E_PROXY;
	}
	http_resp_init(r, HTTP_F_CONNECT);
	e = pump(x, r, "the proxy", HTTP_DONE);
	res->got_bytes = 0; /* the target's reply has not started */
	if (e == FETCH_OK && x->off != x->len) {
		fmt_snprintf(res->msg, sizeof res->msg, "the proxy sent bytes after its CONNECT reply");
		e = FETCH_E_PROXY;
	}
	if (e == FETCH_E_NET || e == FETCH_E_HTTP) {
		char m[FETCH_MSG_MAX];
		memcpy(m, res->msg, sizeof m);
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %.253s port %u: %.300s", q->proxy->host, q->proxy->port, m);
		return e == FETCH_E_NET && res->timed_out ? FETCH_E_NET : FETCH_E_PROXY;
	}
	if (e != FETCH_OK)
		return e;
	if (r->status < 200 || r->status > 299) {
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %s port %u refused the CONNECT tunnel: HTTP %d%s",
		    q->proxy->host, q->proxy->port, r->status,
		    r->status == 407 ? fetch_proxy_407(q->proxy) : "");
		return FETCH_E_PROXY;
	}
	logf_(x, "proxy: tunnel established");
	return FETCH_OK;
}

const char *fetch_proxy_407(const struct fetch_proxy *p)
{
	return p->auth ? " (proxy credentials rejected)" :
	    " (proxy authentication required: put user:password in the proxy URL)";
}

/* -v: what was negotiated and who the server is, right after the handshake. */
static void log_tls(const struct fetch *x)
{
	const struct fetch_res *res = x->res;
	const struct tls_info *in = &res->tls_info;
	char m[700];

	if (!x->log || !x->log->line)
		return;
	fmt_snprintf(m, sizeof m, "%s, cipher %s", res->tls_version, res->tls_cipher);
	logf_(x, m);
	if (in->pin[0]) { /* a server certificate was seen (its key's pin is always computed) */
		fmt_snprintf(m, sizeof m, "server certificate: subject %.250s; issuer %.250s",
		    in->subject[0] ? in->subject : "(empty)", in->issuer[0] ? in->issuer : "(empty)");
		logf_(x, m);
		fmt_snprintf(m, sizeof m, "server certificate: valid %s to %s; names %.250s; key sha256//%s",
		    in->not_before, in->not_after, in->names, in->pin);
		logf_(x, m);
	}
	if (res->insecure_used && !in->pin_checked)
		logf_(x, "-k/--insecure: the certificate was not verified");
	else if (res->pin_only)
		logf_(x, "pin-only trust: the public key pin authenticated the server; "
		    "chain, host name and validity dates were not checked");
	else if (res->trust_src) {
		fmt_snprintf(m, sizeof m, "trust: %u CA certificate(s) parsed from %.400s (only the issuer's)",
		    res->ca_loaded, res->trust_src);
		logf_(x, m);
	}
}

/* The TLS identity of the URL's host: one trailing dot stripped (the
 * absolute form names the same host; certificates and SNI never carry it),
 * and an IP literal kept apart from names (RFC 6066 section 3: no SNI). */
static void peer_of(const struct url *u, struct tls_peer *p, char name[TLS_NAME_MAX + 1])
{
	size_t n = strlen(u->host);

	memset(p, 0, sizeof *p);
	p->shown = u->host;
	if ((u->ipv6 ? url_ipv6_parse(u->host, n, p->ip) : url_ipv4_parse(u->host, n, p->ip)) == URL_OK) {
		p->iplen = u->ipv6 ? 16 : 4;
		return;
	}
	if (n > 1 && u->host[n - 1] == '.')
		n--;
	if (n > TLS_NAME_MAX)
		n = TLS_NAME_MAX; /* url.c's limit is the same: never cut */
	memcpy(name, u->host, n);
	name[n] = 0;
	p->name = name;
}

/* Connects (to the proxy, or to the host), opens the tunnel and does the
 * handshake. */
static int connect_to(struct fetch *x)
{
	const struct fetch_req *q = x->q;
	struct fetch_res *res = x->res;
	int e, t;

	if (q->proxy)
		logf_(x, "using an HTTP proxy");
	x->fd = sys_connect(&x->m->conn, q->proxy ? q->proxy->host : q->url->host, q->proxy ? q->proxy->port : q->url->port,
	    q->family, (int)q->connect_ms, q->deadline, x->log ? x->log->line : NULL,
	    x->log ? x->log->ctx : NULL, &res->t.resolved, res->msg, sizeof res->msg);
	if (x->fd < 0) {
		if (q->proxy) {
			char m[FETCH_MSG_MAX];
			memcpy(m, res->msg, sizeof m);
			fmt_snprintf(res->msg, sizeof res->msg, "proxy: %.600s", m);
		}
		return q->proxy ? FETCH_E_PROXY : FETCH_E_NET;
	}
	res->t.connected = sys_now_ms();
	if (q->proxy && q->url->https && (e = open_tunnel(x)) != FETCH_OK)
		return e;
	if (!q->url->https)
		return FETCH_OK;
	peer_of(q->url, &x->peer, x->peer_name);
	t = tls_handshake(&x->tc, q->tls, x->fd, &x->peer, q->deadline, res->msg, sizeof res->msg);
	res->tls_info = x->tc.info;
	res->pin_only = q->tls->trust.pin_only;
	res->ca_loaded = q->tls->trust.loaded;
	res->trust_src = trust_first(&q->tls->trust);
	if (t != 0)
		return t == TLS_E_NET ? FETCH_E_NET : t == TLS_E_CONFIG ? FETCH_E_CONFIG : FETCH_E_TLS;
	x->tls = 1;
	fmt_snprintf(res->tls_version, sizeof res->tls_version, "%s", tls_version(&x->tc));
	fmt_snprintf(res->tls_cipher, sizeof res->tls_cipher, "%s", tls_cipher(&x->tc));
	res->insecure_used = q->tls->insecure;
	res->t.tls_done = sys_now_ms();
	log_tls(x);
	return FETCH_OK;
}

/* Builds and sends the request (-v sees it with the credentials redacted). */
static int send_request(struct fetch *x)
{
	const struct fetch_req *q = x->q;
	struct fetch_res *res = x->res;
	char *req = x->m->req;
	size_t cap = sizeof x->m->req, olen;
	unsigned flags = (q->proxy && !q->url->https) ? HTTP_REQ_ABSOLUTE : 0;
	struct http_req rq;
	int e;

	memset(&rq, 0, sizeof rq);
	rq.url = q->url;
	rq.version = q->version;
	rq.authorization = q->auth;
	if (flags & HTTP_REQ_ABSOLUTE)
		rq.proxy_authorization = q->proxy->auth;
	if (x->log && x->log->request && http_req_build(&rq, flags | HTTP_REQ_REDACT, req, cap, &olen) == HTTP_OK)
		x->log->request(x->log->ctx, req, olen);
	e = http_req_build(&rq, flags, req, cap, &olen);
	if (e != HTTP_OK) {
		str_wipe(req, cap);
		fmt_snprintf(res->msg, sizeof res->msg, e == HTTP_E_BUFSMALL ? "the request is too long" :
		    "the request would carry a bad byte (check -u and the token)");
		return FETCH_E_CONFIG;
	}
	e = conn_write(x, req, olen);
	str_wipe(req, olen);
	if (e != 0 && e != SYS_E_TIMEOUT && x->tls && tls_explain_late(&x->tc, 1, 0, res->msg, sizeof res->msg))
		return FETCH_E_TLS;
	if (e != 0) {
		fmt_snprintf(res->msg, sizeof res->msg, "sending the request failed: %s",
		    e == SYS_E_IO ? sys_errstr() : e == SYS_E_TIMEOUT ? "timed out" : "TLS error");
		return FETCH_E_NET;
	}
	return FETCH_OK;
}

int fetch_open(struct fetch *x, const struct fetch_req *q, const struct fetch_log *log,
    struct fetch_mem *m, struct fetch_res *res)
{
	int e;

	memset(x, 0, sizeof *x);
	memset(res, 0, sizeof *res);
	x->q = q;
	x->log = log;
	x->m = m;
	x->res = res;
	x->fd = -1;
	res->t.start = sys_now_ms();
	if (q->url->https && !q->tls->ready && (e = tls_config_init(q->tls, q->tls_opts, res->msg,
	    sizeof res->msg)) != 0)
		return failed(x, e == TLS_E_NOMEM ? FETCH_E_TLS : FETCH_E_CONFIG);
	if ((e = connect_to(x)) != FETCH_OK)
		return failed(x, e);
	x->off = x->len = 0;
	return failed(x, send_request(x));
}

/* A read of the reply failed: a TLS cause, when there is one, names it. */
static int reply_failed(struct fetch *x, int e)
{
	struct fetch_res *res = x->res;

	if ((e == FETCH_E_HTTP || e == FETCH_E_NET) && x->tls && !res->timed_out &&
	    tls_explain_late(&x->tc, 0, res->got_bytes, res->msg, sizeof res->msg))
		e = FETCH_E_TLS;
	return failed(x, e);
}

int fetch_head(struct fetch *x)
{
	struct http_resp *r = &x->m->resp;

	http_resp_init(r, 0);
	r->rd = x->q->rd;
	r->fields = x->m->fields;
	return reply_failed(x, pump(x, r, x->q->url->host, HTTP_HEAD));
}

static int to_sink(void *ctx, const void *buf, size_t len)
{
	struct fetch *x = ctx;

	x->sink(x->sink_ctx, buf, len);
	return 0;
}

int fetch_body(struct fetch *x, void (*sink)(void *ctx, const void *buf, size_t len), void *ctx)
{
	struct http_resp *r = &x->m->resp;

	x->sink = sink;
	x->sink_ctx = ctx;
	r->on_body = to_sink;
	r->ctx = x;
	return reply_failed(x, pump(x, r, x->q->url->host, HTTP_DONE));
}

void fetch_close(struct fetch *x)
{
	x->res->t.done = sys_now_ms();
	if (x->tls)
		tls_close_notify(&x->tc);
	tls_free(&x->tc);
	sys_close(x->fd);
	x->fd = -1;
	x->tls = 0;
}
