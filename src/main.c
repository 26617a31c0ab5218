/* main.c: atlwho, does this Jira or Confluence token work, and whose is it?
 * Glue only: options, token, the check loop (product, redirects, retries),
 * the report, and the only place that turns errors into exit codes. */
#include <stdint.h>
#include <string.h>

#include <mbedtls/build_info.h>

#include "fmt.h"
#include "ascii.h"
#include "b64.h"
#include "classify.h"
#include "cli.h"
#include "fetch.h"
#include "http.h"
#include "json.h"
#include "out.h"
#include "proxy.h"
#include "redact.h"
#include "report.h"
#include "str.h"
#include "step.h"
#include "sys.h"
#include "url.h"

#ifndef ATLWHO_VERSION
#define ATLWHO_VERSION "0.0.0"
#endif

/* A token is a line of printable text: API tokens are 24 to 192 characters,
 * Data Center PATs 44; 4 KiB leaves room for JWT-like tokens. */
#define TOKEN_MAX 4096
_Static_assert(TOKEN_MAX <= RD_TOKEN_MAX, "every token read can be redacted");
#define USER_MAX 512
/* "Basic " + base64(user ":" token) */
#define AUTH_MAX (8 + (USER_MAX + 1 + TOKEN_MAX + 2) / 3 * 4 + 1)
#define FILE_CHUNK 16384
/* A message line: the longest one built here is a classification. */
#define MSG_MAX CL_MSG_MAX

static const char jira_path[] = "/rest/api/2/myself";
static const char conf_path[] = "/rest/api/user/current";

/* -i's held head: each field line is stored as "name:value" LF, in no more
 * than it took on the wire (a value reported as RD_MARK is stored as the
 * one byte HOLD_MARK), so the parser's bound on a header section holds. */
#define HOLD_MAX HTTP_HEAD_MAX
#define HOLD_MARK '\001' /* a C0 byte: never in a field value (http.h) */


struct run {
	const struct cli_opts *o;
	const struct rd_set *rd;        /* the token's runs, or NULL */
	struct rep_buf out, err;
	struct js_scanner js;
	struct http_resp *resp;
	int status_printed;
	int body_nonzero, body_html, body_seen_nonspace;
	/* The proxy a plain http request goes through (its 407 is the proxy's
	 * answer, not the server's), or NULL. */
	const struct fetch_proxy *plain_proxy;
	/* The TLS configuration (main's), built at the first https exchange. */
	struct tls_config *tls;
	int tls_built;
	char body_head[CL_BODY_HEAD];   /* what classify may read of an error page */
	size_t body_head_len;
	/* The check loop; decide() reads and sets these. */
	const struct url *base;
	struct url cur, conf;           /* the request, Confluence's endpoint */
	const char *product;
	int64_t deadline;
	int act, redirs, retries;
	long backoff;
	struct step step;               /* what the last reply or failure leads to */
	char target[CL_LOCATION_MAX];   /* the resolved redirect target, or "" */
	struct cl_headers h;
	/* -i: the head of a reply, held until decide() says it ends the check
	 * ("name:value\n" each, values as http.c reports them). */
	size_t hold_len;
	char hold[HOLD_MAX];
};

/* A message that quotes a run of the token (a certificate name, say) is
 * withheld whole, before it is escaped: escaping would hide the run from
 * the output filter. The values messages quote from the reply (header
 * fields, the reason, the Location) come redacted already (http.c). */
static const char *clean(const struct run *R, const char *msg)
{
	return rd_secret(R->rd, msg, strlen(msg)) ? RD_MARK : msg;
}

/* One line on stderr. Messages may quote server bytes (header values,
 * certificate names): out_text_value keeps C0, C1, DEL and invalid UTF-8
 * from reaching the terminal raw. */
static void put_line(struct run *R, const char *lead, const char *prefix, const char *msg)
{
	struct out_w w = { rep_write, &R->err };

	msg = clean(R, msg);
	rep_str(&R->err, lead);
	if (prefix)
		rep_str(&R->err, prefix);
	out_text_value(&w, msg, strlen(msg));
	rep_str(&R->err, "\n");
	rep_flush(&R->err);
}

static void err_line(struct run *R, const char *prefix, const char *msg)
{
	put_line(R, "atlwho: ", prefix, msg);
}

static int report_failure(struct run *R, int code, const char *msg, const struct cl_result *cl,
    const struct cl_headers *h, const char *product, int status);

/* A usage failure found once the command line is read (the token, the user,
 * BASE_URL, a proxy): its line on stderr, even with -q, and with --format
 * json or env the failure report on stdout too, as every other failure has
 * (exactly one JSON object). Returns EX_USAGE. */
static int usage_fail(struct run *R, const char *prefix, const char *msg)
{
	char m[600];

	if (prefix) {
		fmt_snprintf(m, sizeof m, "%s%s", prefix, msg);
		msg = m;
	}
	if (R->o->quiet || R->o->format == CLI_TEXT)
		err_line(R, NULL, msg);
	else
		report_failure(R, EX_USAGE, msg, NULL, NULL, NULL, 0);
	rep_flush(&R->out);
	return EX_USAGE;
}

static void vlog(void *ctx, const char *line)
{
	struct run *R = ctx;

	if (R->o->verbose)
		put_line(R, "* ", NULL, line);
}

/* -v: the request as sent, with the credentials redacted by http.c. */
static void on_request(void *ctx, const char *req, size_t len)
{
	struct run *R = ctx;
	const char *p = req, *end = req + len;

	if (!R->o->verbose)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			rep_str(&R->err, "> ");
			rep_write(&R->err, p, n);
			rep_str(&R->err, "\n");
		}
		p = nl ? nl + 1 : end;
	}
	rep_flush(&R->err);
}

static void put_status(struct run *R, struct rep_buf *b, const char *prefix)
{
	struct out_w w = { rep_write, b };
	const struct http_resp *r = R->resp;

	rep_str(b, prefix);
	rep_str(b, r->minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
	out_uint(&w, (unsigned)r->status);
	rep_str(b, " ");
	out_text_value(&w, r->reason, strlen(r->reason));
	rep_str(b, "\n");
}

/* -v: every reply's status line, before its first field. */
static void status_line(struct run *R)
{
	if (R->status_printed)
		return;
	R->status_printed = 1;
	if (R->o->verbose)
		put_status(R, &R->err, "< ");
}

static void put_header(struct rep_buf *b, const char *prefix, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	struct out_w w = { rep_write, b };

	rep_str(b, prefix);
	out_text_value(&w, name, nlen);
	rep_str(b, ": ");
	out_text_value(&w, value, vlen);
	rep_str(b, "\n");
}

/* Values come redacted from http.c (its rd): a run of the token in a
 * field reads RD_MARK here. */
static int on_header(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen)
{
	struct run *R = ctx;

	status_line(R);
	if (R->o->verbose)
		put_header(&R->err, "< ", name, nlen, value, vlen);
	if (vlen == sizeof RD_MARK - 1 && memcmp(value, RD_MARK, vlen) == 0) {
		value = "\001"; /* HOLD_MARK */
		vlen = 1;
	}
	/* HOLD_MAX cannot fill up; the test only keeps memory safe. */
	if (R->o->include && nlen + vlen + 2 <= sizeof R->hold - R->hold_len) {
		memcpy(R->hold + R->hold_len, name, nlen);
		R->hold[R->hold_len + nlen] = ':';
		memcpy(R->hold + R->hold_len + nlen + 1, value, vlen);
		R->hold_len += nlen + vlen + 2;
		R->hold[R->hold_len - 1] = '\n';
	}
	return 0;
}

/* -i: the held head of the reply that ends the check, on stdout where
 * stdout holds text; with --format json or env (one object, or shell
 * assignments) and with -q (nothing) on stderr, as -v's lines are. */
static void show_head(struct run *R)
{
	const char *p = R->hold, *end = R->hold + R->hold_len;
	struct rep_buf *b = R->o->format == CLI_TEXT && !R->o->quiet ? &R->out : &R->err;

	put_status(R, b, "");
	while (p < end) {
		const char *colon = memchr(p, ':', (size_t)(end - p)); /* names have none */
		const char *nl = memchr(colon, '\n', (size_t)(end - colon));
		int mark = nl - colon == 2 && colon[1] == HOLD_MARK;

		put_header(b, "", p, (size_t)(colon - p), mark ? RD_MARK : colon + 1,
		    mark ? sizeof RD_MARK - 1 : (size_t)(nl - colon - 1));
		p = nl + 1;
	}
	rep_str(b, "\n");
	rep_flush(b);
}

static int decide(struct run *R, const struct http_resp *r);

static int on_headers_done(void *ctx, const struct http_resp *r)
{
	struct run *R = ctx;

	status_line(R);
	rep_flush(&R->err);
	R->act = decide(R, r);
	if (R->act != STEP_DONE)
		return 1; /* its body is not needed: stop reading (FETCH_E_SINK) */
	if (R->o->include)
		show_head(R);
	return 0;
}

static int on_body(void *ctx, const void *buf, size_t len)
{
	struct run *R = ctx;
	const unsigned char *p = buf;
	size_t i;

	if (len)
		R->body_nonzero = 1;
	if (R->body_head_len < sizeof R->body_head) {
		size_t k = sizeof R->body_head - R->body_head_len;
		if (k > len)
			k = len;
		memcpy(R->body_head + R->body_head_len, buf, k);
		R->body_head_len += k;
	}
	for (i = 0; i < len && !R->body_seen_nonspace; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		R->body_seen_nonspace = 1;
		R->body_html = p[i] == '<';
	}
	if (R->o->raw)
		rep_write(&R->out, buf, len); /* through the redactor like all output */
	js_feed(&R->js, buf, len); /* errors are sticky; js_finish reports them */
	return 0;
}

/* --- credentials --- */

static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Reads the token into tok; returns its length or -1 with a message. */
static long read_token(struct run *R, char *tok, size_t cap)
{
	const struct cli_opts *o = R->o;
	size_t n = 0;

	if (o->token_file) {
		int r;
		if (strcmp(o->token_file, "-") != 0 && sys_file_loose_perms(o->token_file))
			err_line(R, "warning: ", "the token file is readable by group or others (chmod 600 it)");
		r = sys_read_file(o->token_file, tok, cap - 1, &n);
		if (r == SYS_E_TOOBIG) {
			usage_fail(R, NULL, "--token-file: the token file is larger than 4 KiB");
			return -1;
		}
		if (r < 0) {
			char m[300];
			fmt_snprintf(m, sizeof m, "--token-file %.200s: %s", o->token_file, sys_errstr());
			usage_fail(R, NULL, m);
			return -1;
		}
	} else {
		const char *e = sys_getenv("ATLWHO_TOKEN");
		if (!e) {
			usage_fail(R, NULL, "no token: give --token-file FILE (- for stdin) or set ATLWHO_TOKEN");
			return -1;
		}
		n = strlen(e);
		if (n >= cap) {
			usage_fail(R, NULL, "ATLWHO_TOKEN is longer than 4 KiB");
			return -1;
		}
		memcpy(tok, e, n);
		/* Wipe the environment's copy in place: /proc/PID/environ of this
		 * process then no longer shows the token to its other readers. */
		str_wipe((char *)(uintptr_t)e, n);
	}
	/* One trailing newline (CRLF too) goes, from a file or the environment:
	 * a Kubernetes secret mounted as an environment variable keeps the
	 * file's newline. */
	if (n > 0 && tok[n - 1] == '\n')
		n--;
	if (n > 0 && tok[n - 1] == '\r')
		n--;
	tok[n] = 0;
	if (n == 0) {
		usage_fail(R, NULL, "the token is empty");
		return -1;
	}
	if (has_ctl(tok, n)) {
		usage_fail(R, NULL, "the token contains a control character (only its trailing newline may go)");
		return -1;
	}
	return (long)n;
}

static int build_auth(struct run *R, const char *tok, size_t tlen, char *auth, size_t cap)
{
	const char *user = R->o->user;
	char pair[USER_MAX + 1 + TOKEN_MAX + 1];
	size_t ulen, n;

	if (!user) {
		fmt_snprintf(auth, cap, "Bearer %s", tok);
		return 0;
	}
	ulen = strlen(user);
	if (ulen == 0 || ulen > USER_MAX || strchr(user, ':') || has_ctl(user, ulen)) {
		usage_fail(R, NULL, "-u: the user name must be 1 to 512 characters, without ':' or control characters");
		return -1;
	}
	memcpy(pair, user, ulen);
	pair[ulen] = ':';
	memcpy(pair + ulen + 1, tok, tlen);
	memcpy(auth, "Basic ", 6);
	n = b64_encode(auth + 6, cap - 7, pair, ulen + 1 + tlen);
	auth[6 + n] = 0;
	str_wipe(pair, ulen + 1 + tlen);
	return 0;
}

/* --- proxy selection (curl's rules, see proxy.h) --- */

static int pick_proxy(struct run *R, const struct url *u, struct px *px,
    struct fetch_proxy *fp, char *auth, size_t authcap, int *use)
{
	const struct cli_opts *o = R->o;
	struct px_env env;
	const char *purl, *from = NULL;
	char err[256];
	size_t olen;

	*use = 0;
	memset(&env, 0, sizeof env);
	env.opt_proxy = o->proxy;
	env.opt_noproxy = o->noproxy;
	env.https_proxy = sys_getenv("https_proxy");
	env.HTTPS_PROXY = sys_getenv("HTTPS_PROXY");
	env.http_proxy = sys_getenv("http_proxy");
	env.no_proxy = sys_getenv("no_proxy");
	env.NO_PROXY = sys_getenv("NO_PROXY");
	purl = px_select(&env, u->https, u->host, &from);
	if (!purl || !*purl) {
		if (from && o->verbose) {
			fmt_snprintf(err, sizeof err, "no proxy for %.200s (%s)", u->host, from);
			vlog(R, err);
		}
		return 0;
	}
	if (px_parse(px, purl, err, sizeof err) != PX_OK) {
		char m[320];
		fmt_snprintf(m, sizeof m, "%s: %.250s", from ? from : "proxy", err);
		usage_fail(R, NULL, m);
		return -1;
	}
	fmt_snprintf(fp->host, sizeof fp->host, "%s", px->host);
	fp->port = px->port;
	fp->auth = NULL;
	if (px->has_auth) {
		if (px_basic(px, auth, authcap, &olen) != PX_OK) {
			usage_fail(R, "proxy: ", "proxy credentials too long");
			return -1;
		}
		fp->auth = auth;
	}
	if (o->verbose) {
		fmt_snprintf(err, sizeof err, "proxy %.200s port %u (from %s)%s", px->host, px->port,
		    from ? from : "?", px->has_auth ? " with Basic credentials" : "");
		vlog(R, err);
	}
	*use = 1;
	return 0;
}

/* --- the check --- */

static int fetch_exit(int e)
{
	switch (e) {
	case FETCH_E_CONFIG: return EX_USAGE;
	case FETCH_E_NET: case FETCH_E_PROXY: return EX_NETWORK;
	case FETCH_E_TLS: return EX_TLS;
	default: return EX_UNEXPECTED;
	}
}

static void say_times(struct run *R, const struct fetch_res *res)
{
	char m[200];
	const struct fetch_times *t = &res->t;

	if (!R->o->verbose)
		return;
	fmt_snprintf(m, sizeof m, "times: resolve %lld ms, connect %lld ms, TLS %lld ms, first byte %lld ms, total %lld ms",
	    (long long)(t->resolved ? t->resolved - t->start : -1),
	    (long long)(t->connected ? t->connected - t->start : -1),
	    (long long)(t->tls_done ? t->tls_done - t->start : -1),
	    (long long)(t->first_byte ? t->first_byte - t->start : -1),
	    (long long)(t->done - t->start));
	vlog(R, m);
}

static int report_failure(struct run *R, int code, const char *msg, const struct cl_result *cl,
    const struct cl_headers *h, const char *product, int status)
{
	const struct cli_opts *o = R->o;
	struct rep_info ri;

	msg = clean(R, msg); /* before JSON or env escaping */
	if (!o->quiet)
		err_line(R, NULL, msg);
	if (o->format != CLI_TEXT && !o->quiet) {
		memset(&ri, 0, sizeof ri);
		ri.product = product;
		ri.status = status;
		ri.exit = code;
		ri.error = msg;
		ri.cl = cl;
		ri.h = h;
		rep_result(&R->out, o->format == CLI_JSON ? REP_JSON : REP_ENV, &ri);
	}
	return code;
}

static int report_classified(struct run *R, const struct cl_result *cl, const struct cl_headers *h,
    const char *product, int status)
{
	const struct cli_opts *o = R->o;
	struct rep_info ri;

	if (cl->exit != EX_AUTH_OK && cl->exit != EX_INACTIVE)
		return report_failure(R, cl->exit, cl->msg, cl, h, product, status);
	if (o->raw || o->quiet) {
		rep_flush(&R->out);
		return cl->exit;
	}
	memset(&ri, 0, sizeof ri);
	ri.product = product;
	ri.status = status;
	ri.exit = cl->exit;
	ri.js = &R->js;
	ri.cl = cl;
	ri.h = h;
	rep_result(&R->out, o->format == CLI_JSON ? REP_JSON : o->format == CLI_ENV ? REP_ENV : REP_TEXT, &ri);
	if (cl->exit == EX_INACTIVE)
		err_line(R, NULL, cl->msg);
	{
		int i;
		/* The fields shown (report.h): username only in place of name;
		 * a secret one is shown as RD_MARK, not cut. */
		for (i = 0; i < JS_NFIELDS; i++) {
			const struct js_str *f = &R->js.f[i];
			if (f->truncated && !f->secret && !(i == JS_USERNAME && R->js.f[JS_NAME].present)) {
				char m[120];
				fmt_snprintf(m, sizeof m, "%s was longer than %d bytes and is shown cut",
				    i == JS_USERNAME ? "name" : js_field_key(i), JS_FIELD_MAX);
				err_line(R, "warning: ", m);
			}
		}
	}
	return cl->exit;
}

static int from_file(struct run *R)
{
	const char *path = R->o->from_file;
	static unsigned char buf[FILE_CHUNK]; /* off the stack */
	struct cl_input in;
	struct cl_result cl;
	int fd = strcmp(path, "-") == 0 ? 0 : sys_open_read(path);
	long n;

	if (fd < 0) {
		char m[300];
		fmt_snprintf(m, sizeof m, "--from-file %.200s: %s", path, sys_errstr());
		return report_failure(R, EX_USAGE, m, NULL, NULL, NULL, 0);
	}
	js_init(&R->js);
	while ((n = sys_read(fd, buf, sizeof buf)) > 0)
		on_body(R, buf, (size_t)n);
	if (fd != 0)
		sys_close(fd);
	if (n < 0) {
		char m[300];
		fmt_snprintf(m, sizeof m, "--from-file %.200s: %s", path, sys_errstr());
		return report_failure(R, EX_USAGE, m, NULL, NULL, NULL, 0);
	}
	memset(&in, 0, sizeof in);
	in.js = &R->js;
	in.js_result = js_finish(&R->js);
	in.body_len_nonzero = R->body_nonzero;
	in.body_html = R->body_html;
	classify(&in, &cl);
	return report_classified(R, &cl, NULL, NULL, 0);
}

/* Where the loop stands, for step.c. */
static void state_of(const struct run *R, struct step_state *s)
{
	const struct cli_opts *o = R->o;

	memset(s, 0, sizeof *s);
	s->base = R->base;
	s->cur = &R->cur;
	s->auto_product = o->product == CLI_AUTO && !o->path;
	s->asked_confluence = strcmp(R->product, "confluence") == 0;
	s->follow = o->follow;
	s->max_redirs = o->max_redirs;
	s->redirs = R->redirs;
	s->max_retries = o->retry;
	s->retries = R->retries;
	s->backoff = R->backoff;
	s->now = sys_now_ms();
	s->deadline = R->deadline;
}

/* What a reply leads to, once its head is complete; the loop in check()
 * then does it. Only a STEP_DONE reply ends the check, so only its head
 * (-i) and its body (--raw) are shown; the others are not read further. */
static int decide(struct run *R, const struct http_resp *r)
{
	struct step_state s;

	state_of(R, &s);
	step_reply(&s, r, &R->step);
	return R->step.act;
}

static void tls_opts_of(const struct cli_opts *o, struct tls_opts *to)
{
	memset(to, 0, sizeof *to);
	to->cacert = o->cacert;
	to->capath = o->capath;
	to->env_file = sys_getenv("SSL_CERT_FILE");
	to->env_dir = sys_getenv("SSL_CERT_DIR");
	to->pins = &o->pins;
	to->cert = o->cert;
	to->key = o->key;
	to->insecure = o->insecure;
	to->tls_min = o->tls_min;
	to->tls_max = o->tls_max;
}

/* The TLS configuration, built at the first https exchange (a plain http
 * check never reads --cacert, --cert or --key) and kept for every later
 * retry and redirect; its failure is that exchange's. */
static int tls_config_once(struct run *R, const struct tls_opts *to, struct fetch_res *res)
{
	int e;

	if (!R->cur.https || R->tls_built)
		return FETCH_OK;
	memset(res, 0, sizeof *res);
	res->t.start = sys_now_ms();
	e = tls_config_init(R->tls, to, res->msg, sizeof res->msg);
	res->t.done = sys_now_ms();
	if (e != 0) {
		tls_config_free(R->tls);
		return res->err = e == TLS_E_NOMEM ? FETCH_E_TLS : FETCH_E_CONFIG;
	}
	R->tls_built = 1;
	return FETCH_OK;
}

static void hooks_of(struct run *R, struct fetch_hooks *hk)
{
	memset(hk, 0, sizeof *hk);
	hk->ctx = R;
	hk->log = R->o->verbose ? vlog : NULL;
	hk->on_header = on_header;
	hk->on_headers_done = on_headers_done;
	hk->on_body = on_body;
	hk->on_request = R->o->verbose ? on_request : NULL;
	hk->rd = R->rd;
}

/* A retry: says so (a warning, with the wait), waits, doubles the back-off. */
static void retry_wait(struct run *R, const char *what)
{
	char m[MSG_MAX];

	R->retries++;
	fmt_snprintf(m, sizeof m, "%s; retrying in %ld ms (%d of %d)", what, R->step.wait_ms, R->retries,
	    R->o->retry);
	err_line(R, "warning: ", m);
	sys_sleep_ms(R->step.wait_ms);
	R->backoff = step_backoff_next(R->backoff);
}

/* What the deciding reply means: the classification and its report. */
static int conclude(struct run *R, const struct http_resp *resp)
{
	const struct cli_opts *o = R->o;
	static struct cl_result cl;
	static const char cloud[] = ".atlassian.net";
	struct cl_headers *h = &R->h;
	struct cl_input in;
	size_t n = strlen(R->base->host), k = sizeof cloud - 1;

	cl_headers_of(resp, h);
	if (resp->status == 407 && R->plain_proxy) {
		/* As for a refused CONNECT (fetch.c): the proxy's failure. */
		const struct fetch_proxy *p = R->plain_proxy;
		char m[CL_MSG_MAX];
		fmt_snprintf(m, sizeof m, "proxy %s port %u refused the request: HTTP 407%s", p->host, p->port,
		    fetch_proxy_407(p));
		return report_failure(R, EX_NETWORK, m, NULL, NULL, NULL, 0);
	}
	memset(&in, 0, sizeof in);
	in.status = resp->status;
	in.h = h;
	in.js = &R->js;
	if (http_status_redirects(resp->status) && http_resp_header(resp, HTTP_H_LOCATION, NULL, NULL)) {
		R->target[0] = '\0';
		if (R->step.has_target)
			url_format(&R->step.next, R->target, sizeof R->target);
		in.location_hint = R->target;
		classify(&in, &cl);
		if (R->step.why[0])
			fmt_snprintf(cl.msg, sizeof cl.msg, "HTTP %d redirect not followed: %s", resp->status, R->step.why);
		else if (o->follow) {
			size_t len = strlen(cl.msg);
			fmt_snprintf(cl.msg + len, sizeof cl.msg - len, "%s", R->redirs >= o->max_redirs ?
			    " (--max-redirs reached)" : " (-L follows only the same origin, or http to https on the same host)");
		}
		return report_classified(R, &cl, h, R->product, resp->status);
	}
	in.js_result = js_finish(&R->js);
	in.body_len_nonzero = R->body_nonzero;
	in.body_html = R->body_html;
	in.body_head = R->body_head;
	in.body_head_len = R->body_head_len;
	in.bearer = o->user == NULL;
	in.cloud = n > k && ascii_ieq(R->base->host + n - k, cloud, k);
	in.product_confluence = strcmp(R->product, "confluence") == 0;
	classify(&in, &cl);
	return report_classified(R, &cl, h, R->product, resp->status);
}

/* The check: one exchange after another, as step.c decides, until a reply
 * or a failure ends it. */
static int check(struct run *R, const char *auth, const struct url *base)
{
	const struct cli_opts *o = R->o;
	/* One check per process: its big state lives off the stack
	 * (STACK_BUDGET, README), the 25 KiB reply parser first. */
	static struct http_resp resp;
	static struct fetch_res res;
	static struct px px;
	static char pauth[PX_AUTH_MAX];
	static char m[MSG_MAX];
	struct tls_opts to;
	struct fetch_hooks hk;
	struct fetch_req q;
	struct fetch_proxy fp;
	int use_proxy = 0, warned = 0, e;

	memset(&px, 0, sizeof px);
	R->base = base;
	R->product = o->product == CLI_CONFLUENCE ? "confluence" : "jira";
	R->deadline = sys_now_ms() + o->max_ms;
	rep_deadline(&R->out, R->deadline); /* a full stdout waits no longer */
	rep_deadline(&R->err, R->deadline);
	R->backoff = STEP_RETRY_FIRST_MS;
	R->resp = &resp;
	tls_opts_of(o, &to);
	hooks_of(R, &hk);
	sys_set_rng_deadline(R->deadline);

	/* Every request target is joined and checked before anything is sent. */
	R->cur = R->conf = *base;
	if (url_append(&R->cur, o->path ? o->path : o->product == CLI_CONFLUENCE ? conf_path : jira_path,
	    m, sizeof m) != URL_OK || (o->product == CLI_AUTO && !o->path &&
	    url_append(&R->conf, conf_path, m, sizeof m) != URL_OK))
		return report_failure(R, EX_USAGE, m, NULL, NULL, NULL, 0);
	for (;;) {
		if (pick_proxy(R, &R->cur, &px, &fp, pauth, sizeof pauth, &use_proxy) != 0) {
			px_wipe(&px);
			return EX_USAGE;
		}
		if (!R->cur.https && !warned) {
			warned = 1;
			fmt_snprintf(m, sizeof m, "sending the token over plain http%s%s: %sanyone on the path can read it",
			    use_proxy ? " through the proxy " : "", use_proxy ? fp.host : "",
			    use_proxy ? "the proxy and " : "");
			err_line(R, "warning: ", m);
		}
		memset(&q, 0, sizeof q);
		q.url = &R->cur;
		q.auth = auth;
		q.version = ATLWHO_VERSION;
		q.proxy = use_proxy ? &fp : NULL;
		R->plain_proxy = R->cur.https ? NULL : q.proxy;
		q.tls = R->tls;
		q.family = o->family;
		q.connect_ms = o->connect_ms;
		q.deadline = R->deadline;
		if (o->verbose) {
			static char u[URL_HOST_MAX + URL_PATH_MAX + 32];
			url_format(&R->cur, u, sizeof u);
			fmt_snprintf(m, sizeof m, "GET %.900s%s", u, use_proxy ? " via proxy" : "");
			vlog(R, m);
		}
		js_init(&R->js);
		R->js.rd = R->rd;
		R->status_printed = R->body_nonzero = R->body_html = R->body_seen_nonspace = 0;
		R->body_head_len = 0;
		R->hold_len = 0;
		R->act = STEP_DONE;
		e = tls_config_once(R, &to, &res);
		if (e == FETCH_OK)
			e = fetch(&q, &hk, &resp, &res);
		str_wipe(pauth, sizeof pauth);
		px_wipe(&px);
		say_times(R, &res);
		if (e == FETCH_E_SINK && R->act != STEP_DONE)
			e = FETCH_OK; /* on_headers_done stopped a reply it had no use for */
		if (e != FETCH_OK) {
			int code = fetch_exit(e);
			struct step_state st;
			state_of(R, &st);
			step_failure(&st, code == EX_NETWORK, res.t.connected != 0, &R->step);
			if (R->step.act != STEP_RETRY)
				return report_failure(R, code, res.msg, NULL, NULL, R->product, 0);
			retry_wait(R, res.msg);
		} else if (R->act == STEP_FALLBACK) {
			vlog(R, "no Jira API here (404): trying Confluence's endpoint");
			R->product = "confluence";
			R->cur = R->conf;
		} else if (R->act == STEP_FOLLOW) {
			R->redirs++;
			url_format(&R->step.next, R->target, sizeof R->target);
			fmt_snprintf(m, sizeof m, "following redirect %d to %.900s", R->redirs, R->target);
			vlog(R, m);
			R->cur = R->step.next;
		} else if (R->act == STEP_RETRY) {
			fmt_snprintf(m, sizeof m, "HTTP %d", resp.status);
			retry_wait(R, m);
		} else {
			return conclude(R, &resp);
		}
	}
}

static void version(struct run *R)
{
	rep_str(&R->out, "atlwho " ATLWHO_VERSION "\nmbedTLS " MBEDTLS_VERSION_STRING
	    " (TLS 1.2, TLS 1.3; AES-GCM, ChaCha20-Poly1305; x25519, P-256, P-384)\n");
	rep_flush(&R->out);
}

static void help_put(void *ctx, const char *s, size_t n)
{
	rep_write(ctx, s, n);
}

/* The exit code once stdout is written. Output lost (stdout closed, full,
 * or not writable within --max-time: rep_buf) turns an answer of 0 or 1,
 * which stdout was to carry, into EX_OUTPUT, as curl's 23; a failed check
 * keeps its code, its answer about the token being true all the same.
 * Either way stderr says so; a failure to write stderr is ignored, there
 * being nowhere left to say it. */
static int finish(struct run *R, int code)
{
	const char *why;
	int lost;

	rep_flush(&R->out);
	lost = rep_lost(&R->out, &why);
	if (lost) {
		char m[120];
		if (lost == SYS_E_TIMEOUT)
			fmt_snprintf(m, sizeof m, "standard output was not writable within --max-time: output lost");
		else
			fmt_snprintf(m, sizeof m, "cannot write standard output (%s): output lost", why);
		err_line(R, NULL, m);
		if (code == EX_AUTH_OK || code == EX_INACTIVE)
			code = EX_OUTPUT;
	}
	rep_flush(&R->err);
	return code;
}

int main(int argc, char **argv)
{
	/* The big ones off the stack (STACK_BUDGET): the deepest path is
	 * main -> check -> fetch -> the handshake -> the CA search. */
	static struct run R;
	static struct rd_set secrets; /* 86 KiB, of which a token touches a few */
	static struct tls_config tls; /* 82 KiB: the --cert/--key buffer, the PEM scanner (tls.h) */
	static struct url base;
	static char tok[TOKEN_MAX + 1], auth[AUTH_MAX];
	struct cli_opts o;
	char err[512];
	int64_t start = sys_now_ms();
	long tlen;
	int code, bad;

	sys_harden();
	R.o = &o;
	R.tls = &tls;
	rep_init(&R.out, 1);
	rep_init(&R.err, 2);
	/* Output waits no longer than --max-time (as parsed; check() sets
	 * its own deadline later). A command line that does not parse is
	 * read to its end all the same (cli.h), so -j or --format env
	 * anywhere in it is obeyed. */
	bad = cli_parse(&o, argc, argv, err, sizeof err);
	rep_deadline(&R.out, start + o.max_ms);
	rep_deadline(&R.err, start + o.max_ms);
	if (bad)
		return finish(&R, usage_fail(&R, NULL, err));
	if (o.help) {
		cli_help(help_put, &R.out);
		return finish(&R, 0);
	}
	if (o.version) {
		version(&R);
		return finish(&R, 0);
	}
	if (o.from_file)
		return finish(&R, from_file(&R));
	if (url_parse(&base, o.base, err, sizeof err) != URL_OK)
		return finish(&R, usage_fail(&R, "BASE_URL: ", err));
	tlen = read_token(&R, tok, sizeof tok);
	if (tlen < 0) {
		str_wipe(tok, sizeof tok);
		return finish(&R, EX_USAGE);
	}
	if (build_auth(&R, tok, (size_t)tlen, auth, sizeof auth) != 0) {
		str_wipe(tok, sizeof tok);
		return finish(&R, EX_USAGE);
	}
	/* A hostile server may echo the token back, whole, cut, escaped or in
	 * its Basic form: no output repeats a run of it (redact.h). */
	rd_init(&secrets, tok, (size_t)tlen);
	R.rd = &secrets;
	rep_redact(&R.out, &secrets);
	rep_redact(&R.err, &secrets);
	if (o.insecure && base.https)
		err_line(&R, "warning: ", "-k/--insecure: TLS certificate verification is OFF");
	code = finish(&R, check(&R, auth, &base)); /* before the wipes: it may write */
	tls_config_free(&tls); /* the client key, wiped */
	str_wipe(tok, (size_t)tlen);
	str_wipe(auth, strlen(auth));
	str_wipe(secrets.pat, secrets.plen);
	str_wipe(secrets.slot, sizeof secrets.slot[0] << secrets.bits);
	return code;
}
