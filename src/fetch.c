/* fetch.c: one HTTP/1.1 exchange (RFC 9112) over a socket, an HTTP proxy
 * tunnel (RFC 9110 section 9.3.6) and TLS, bounded by one deadline. */
#include "fmt.h"
#include "fetch.h"

#include <string.h>

#include "str.h"
#include "sys.h"

struct conn {
	int fd;
	struct tls_conn *tls;          /* NULL: plain */
	int64_t deadline;
};

/* Bytes, 0 at the end, a SYS_E_* of the transport (through TLS too), or
 * TLS_E_PROTO for a TLS record failure after the handshake (bad MAC, an
 * unexpected message, an alert). */
static long conn_read(struct conn *c, void *buf, size_t n)
{
	if (c->tls) {
		long r = tls_read(c->tls, buf, n);
		if (r == TLS_E_NET)
			return tls_net_error(c->tls);
		return r < 0 ? TLS_E_PROTO : r;
	}
	return sys_recv(c->fd, buf, n, c->deadline);
}

/* 0, a SYS_E_* of the transport, or TLS_E_PROTO. */
static int conn_write(struct conn *c, const void *buf, size_t n)
{
	if (c->tls) {
		int r = tls_write_all(c->tls, buf, n);
		if (r == TLS_E_NET)
			return tls_net_error(c->tls);
		return r < 0 ? TLS_E_PROTO : 0;
	}
	return sys_send_all(c->fd, buf, n, c->deadline);
}

static void logf_(const struct fetch_hooks *h, const char *line)
{
	if (h && h->log)
		h->log(h->ctx, line);
}

/* Reads and parses one response. Returns FETCH_OK when r is complete. */
static int read_response(struct conn *c, struct http_resp *r, struct fetch_res *res,
    const char *what, int is_connect)
{
	static unsigned char buf[FETCH_IO_BUF]; /* off the stack (STACK_BUDGET, README) */

	for (;;) {
		long n = conn_read(c, buf, sizeof buf);
		int pr;
		size_t used = 0;
		if (n > 0) {
			if (!res->got_bytes)
				res->t.first_byte = sys_now_ms();
			res->got_bytes = 1;
			pr = http_resp_feed(r, buf, (size_t)n, &used);
			if (pr == HTTP_DONE) {
				if (is_connect && used != (size_t)n) {
					fmt_snprintf(res->msg, sizeof res->msg, "%s sent bytes after its CONNECT reply", what);
					return FETCH_E_PROXY;
				}
				return FETCH_OK;
			}
			if (pr == HTTP_MORE)
				continue;
		} else if (n == 0) {
			if (c->tls && !c->tls->close_notify && http_resp_until_close(r)) {
				fmt_snprintf(res->msg, sizeof res->msg, "the reply from %s was cut short: the connection "
				    "closed without TLS close_notify, which must end a body without Content-Length "
				    "or chunked framing (RFC 8446 section 6.1)", what);
				return FETCH_E_HTTP;
			}
			pr = http_resp_eof(r);
			if (pr == HTTP_DONE)
				return FETCH_OK;
		} else if (n == SYS_E_TIMEOUT) {
			res->timed_out = 1;
			fmt_snprintf(res->msg, sizeof res->msg, "timed out waiting for %s's reply%s", what,
			    res->got_bytes ? " (it stopped in the middle)" : "");
			return FETCH_E_NET;
		} else {
			if (!res->got_bytes) {
				fmt_snprintf(res->msg, sizeof res->msg, "%s closed or reset the connection before replying%s%s",
				    what, n == SYS_E_IO ? ": " : "", n == SYS_E_IO ? sys_errstr() : "");
				return FETCH_E_NET;
			}
			fmt_snprintf(res->msg, sizeof res->msg, "the reply from %s was cut short (%s)", what,
			    n == SYS_E_IO ? sys_errstr() : "TLS error");
			return FETCH_E_HTTP;
		}
		if (pr == HTTP_E_CALLBACK)
			return FETCH_E_SINK;
		{
			char d[256];
			http_resp_describe(r, d, sizeof d);
			fmt_snprintf(res->msg, sizeof res->msg, "bad HTTP reply from %s: %s", what, d);
		}
		return FETCH_E_HTTP;
	}
}

static int proxy_connect(struct conn *c, const struct fetch_req *q, const struct fetch_hooks *h,
    struct fetch_res *res)
{
	static struct http_resp r; /* ~25 KiB: off the stack */
	struct http_req rq;
	static char req[FETCH_REQ_MAX];
	size_t olen;
	int e;

	memset(&rq, 0, sizeof rq);
	rq.url = q->url;
	rq.version = q->version;
	rq.proxy_authorization = q->proxy->auth;
	if (http_req_build(&rq, HTTP_REQ_CONNECT, req, sizeof req, &olen) != HTTP_OK) {
		fmt_snprintf(res->msg, sizeof res->msg, "cannot build the CONNECT request");
		return FETCH_E_CONFIG;
	}
	logf_(h, "proxy: CONNECT tunnel requested");
	e = sys_send_all(c->fd, req, olen, c->deadline);
	str_wipe(req, olen); /* only what was written: untouched stack stays unmapped */
	if (e < 0) {
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %s: sending CONNECT failed: %s", q->proxy->host,
		    e == SYS_E_IO ? sys_errstr() : "timed out");
		return FETCH_E_PROXY;
	}
	http_resp_init(&r, HTTP_F_CONNECT);
	e = read_response(c, &r, res, "the proxy", 1);
	res->got_bytes = 0; /* the target's reply has not started */
	if (e == FETCH_E_NET || e == FETCH_E_HTTP) {
		char m[FETCH_MSG_MAX];
		memcpy(m, res->msg, sizeof m);
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %.253s port %u: %.300s", q->proxy->host, q->proxy->port, m);
		return e == FETCH_E_NET && res->timed_out ? FETCH_E_NET : FETCH_E_PROXY;
	}
	if (e != FETCH_OK)
		return e;
	if (r.status < 200 || r.status > 299) {
		fmt_snprintf(res->msg, sizeof res->msg, "proxy %s port %u refused the CONNECT tunnel: HTTP %d%s",
		    q->proxy->host, q->proxy->port, r.status,
		    r.status == 407 ? fetch_proxy_407(q->proxy) : "");
		return FETCH_E_PROXY;
	}
	logf_(h, "proxy: tunnel established");
	return FETCH_OK;
}

const char *fetch_proxy_407(const struct fetch_proxy *p)
{
	return p->auth ? " (proxy credentials rejected)" :
	    " (proxy authentication required: put user:password in the proxy URL)";
}

/* -v: what was negotiated and who the server is, right after the handshake. */
static void log_tls(const struct fetch_hooks *h, const struct fetch_res *res)
{
	const struct tls_info *in = &res->tls_info;
	char m[700];

	if (!h || !h->log)
		return;
	fmt_snprintf(m, sizeof m, "%s, cipher %s", res->tls_version, res->tls_cipher);
	logf_(h, m);
	if (in->pin[0]) { /* a server certificate was seen (its key's pin is always computed) */
		fmt_snprintf(m, sizeof m, "server certificate: subject %.250s; issuer %.250s",
		    in->subject[0] ? in->subject : "(empty)", in->issuer[0] ? in->issuer : "(empty)");
		logf_(h, m);
		fmt_snprintf(m, sizeof m, "server certificate: valid %s to %s; names %.250s; key sha256//%s",
		    in->not_before, in->not_after, in->names, in->pin);
		logf_(h, m);
	}
	if (res->insecure_used && !in->pin_checked)
		logf_(h, "-k/--insecure: the certificate was not verified");
	else if (res->pin_only)
		logf_(h, "pin-only trust: the public key pin authenticated the server; "
		    "chain, host name and validity dates were not checked");
	else if (res->trust_src) {
		fmt_snprintf(m, sizeof m, "trust: %u CA certificate(s) parsed from %.400s (only the issuer's)",
		    res->ca_loaded, res->trust_src);
		logf_(h, m);
	}
}

/* The TLS identity of the URL's host: one trailing dot stripped (the
 * absolute form names the same host; certificates and SNI never carry it),
 * and an IP literal kept apart from names (RFC 6066 section 3: no SNI). */
static void tls_peer_of(const struct url *u, struct tls_peer *p, char name[TLS_NAME_MAX + 1])
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

int fetch(const struct fetch_req *q, const struct fetch_hooks *h,
    struct http_resp *r, struct fetch_res *res)
{
	struct tls_peer peer;
	char peer_name[TLS_NAME_MAX + 1];
	struct tls_conn tc;
	struct conn c;
	struct http_req rq;
	static char req[FETCH_REQ_MAX]; /* off the stack; wiped after each use */
	const char *chost = q->proxy ? q->proxy->host : q->url->host;
	unsigned cport = q->proxy ? q->proxy->port : q->url->port;
	size_t olen;
	int e, https = q->url->https;
	unsigned flags = (q->proxy && !https) ? HTTP_REQ_ABSOLUTE : 0;

	memset(res, 0, sizeof *res);
	memset(&tc, 0, sizeof tc);
	res->t.start = sys_now_ms();
	c.fd = -1;
	c.tls = NULL;
	c.deadline = q->deadline;
	if (q->proxy)
		logf_(h, "using an HTTP proxy");
	c.fd = sys_connect(chost, cport, q->family, (int)q->connect_ms, q->deadline,
	    h ? h->log : NULL, h ? h->ctx : NULL, &res->t.resolved, res->msg, sizeof res->msg);
	if (c.fd < 0) {
		if (q->proxy) {
			char m[FETCH_MSG_MAX];
			memcpy(m, res->msg, sizeof m);
			fmt_snprintf(res->msg, sizeof res->msg, "proxy: %.600s", m);
		}
		tls_free(&tc);
		res->t.done = sys_now_ms();
		return res->err = q->proxy ? FETCH_E_PROXY : FETCH_E_NET;
	}
	res->t.connected = sys_now_ms();
	if (q->proxy && https && (e = proxy_connect(&c, q, h, res)) != FETCH_OK)
		goto out;
	if (https) {
		int t;
		tls_peer_of(q->url, &peer, peer_name);
		t = tls_handshake(&tc, q->tls, c.fd, &peer, q->deadline, res->msg, sizeof res->msg);
		res->tls_info = tc.info;
		res->pin_only = q->tls->trust.pin_only;
		res->ca_loaded = q->tls->trust.loaded;
		res->trust_src = trust_first(&q->tls->trust);
		if (t != 0) {
			e = t == TLS_E_NET ? FETCH_E_NET : t == TLS_E_CONFIG ? FETCH_E_CONFIG : FETCH_E_TLS;
			goto out;
		}
		c.tls = &tc;
		fmt_snprintf(res->tls_version, sizeof res->tls_version, "%s", tls_version(&tc));
		fmt_snprintf(res->tls_cipher, sizeof res->tls_cipher, "%s", tls_cipher(&tc));
		res->insecure_used = q->tls->insecure;
		res->t.tls_done = sys_now_ms();
		log_tls(h, res);
	}
	memset(&rq, 0, sizeof rq);
	rq.url = q->url;
	rq.version = q->version;
	rq.authorization = q->auth;
	if (flags & HTTP_REQ_ABSOLUTE)
		rq.proxy_authorization = q->proxy->auth;
	if (h && h->on_request && http_req_build(&rq, flags | HTTP_REQ_REDACT, req, sizeof req, &olen) == HTTP_OK)
		h->on_request(h->ctx, req, olen);
	e = http_req_build(&rq, flags, req, sizeof req, &olen);
	if (e != HTTP_OK) {
		str_wipe(req, sizeof req);
		fmt_snprintf(res->msg, sizeof res->msg, e == HTTP_E_BUFSMALL ? "the request is too long" :
		    "the request would carry a bad byte (check -u and the token)");
		e = FETCH_E_CONFIG;
		goto out;
	}
	e = conn_write(&c, req, olen);
	str_wipe(req, olen);
	if (e != 0 && e != SYS_E_TIMEOUT && c.tls && tls_explain_late(c.tls, 1, 0, res->msg, sizeof res->msg)) {
		e = FETCH_E_TLS;
		goto out;
	}
	if (e != 0) {
		fmt_snprintf(res->msg, sizeof res->msg, "sending the request failed: %s",
		    e == SYS_E_IO ? sys_errstr() : e == SYS_E_TIMEOUT ? "timed out" : "TLS error");
		e = FETCH_E_NET;
		goto out;
	}
	http_resp_init(r, 0);
	if (h) {
		r->on_header = h->on_header;
		r->on_headers_done = h->on_headers_done;
		r->on_body = h->on_body;
		r->ctx = h->ctx;
		r->rd = h->rd;
	}
	e = read_response(&c, r, res, q->url->host, 0);
	if ((e == FETCH_E_HTTP || e == FETCH_E_NET) && c.tls && !res->timed_out &&
	    tls_explain_late(c.tls, 0, res->got_bytes, res->msg, sizeof res->msg))
		e = FETCH_E_TLS;
out:
	res->t.done = sys_now_ms();
	if (c.tls)
		tls_close_notify(c.tls);
	tls_free(&tc);
	sys_close(c.fd);
	return res->err = e;
}
