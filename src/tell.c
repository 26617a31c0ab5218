/* tell.c: stderr's lines, the reply's head, the reports (see tell.h). */
#include "fmt.h"
#include "tell.h"

#include <string.h>

#include <mbedtls/build_info.h>

#include "buildinfo.h"
#include "out.h"
#include "sys.h"

void tell_init(struct tell *S, const struct cli_opts *o)
{
	memset(S, 0, sizeof *S);
	S->o = o;
	rep_init(&S->out, 1);
	rep_init(&S->err, 2);
}

static void help_put(void *ctx, const char *s, size_t n)
{
	rep_write(ctx, s, n);
}

int tell_help(struct tell *S)
{
	cli_help(help_put, &S->out);
	return 0;
}

int tell_version(struct tell *S, const char *version)
{
	rep_str(&S->out, "atlwho ");
	rep_str(&S->out, version);
	rep_str(&S->out, "\nmbedTLS " MBEDTLS_VERSION_STRING
	    " (TLS 1.2, TLS 1.3; AES-GCM, ChaCha20-Poly1305; x25519, P-256, P-384)\n");
	rep_str(&S->out, bi_text);
	rep_flush(&S->out);
	return 0;
}

/* A message that quotes a run of the token (a certificate name, say) is
 * withheld whole, before it is escaped: escaping would hide the run from
 * the output filter. The values messages quote from the reply (header
 * fields, the reason, the Location) come redacted already (http.c). */
static const char *withheld(const struct tell *S, const char *msg)
{
	return rd_secret(S->rd, msg, strlen(msg)) ? RD_MARK : msg;
}

/* One line on stderr. Messages may quote server bytes (header values,
 * certificate names): out_text_value keeps C0, C1, DEL and invalid UTF-8
 * from reaching the terminal raw. */
static void put_line(struct tell *S, const char *lead, const char *prefix, const char *msg)
{
	struct out_w w = { rep_write, &S->err };

	msg = withheld(S, msg);
	rep_str(&S->err, lead);
	if (prefix)
		rep_str(&S->err, prefix);
	out_text_value(&w, msg, strlen(msg));
	rep_str(&S->err, "\n");
	rep_flush(&S->err);
}

void tell_line(struct tell *S, const char *prefix, const char *msg)
{
	put_line(S, "atlwho: ", prefix, msg);
}

void tell_warn(struct tell *S, const char *msg)
{
	put_line(S, "atlwho: ", "warning: ", msg);
}

void tell_plain_http(struct tell *S, const char *proxy)
{
	char m[400];

	fmt_snprintf(m, sizeof m, "sending the token over plain http%s%s: %sanyone on the path can read it",
	    proxy ? " through the proxy " : "", proxy ? proxy : "", proxy ? "the proxy and " : "");
	tell_warn(S, m);
}

void tell_v(void *ctx, const char *line)
{
	struct tell *S = ctx;

	if (S->o->verbose)
		put_line(S, "* ", NULL, line);
}

void tell_request(void *ctx, const char *req, size_t len)
{
	struct tell *S = ctx;
	const char *p = req, *end = req + len;

	if (!S->o->verbose)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			rep_str(&S->err, "> ");
			rep_write(&S->err, p, n);
			rep_str(&S->err, "\n");
		}
		p = nl ? nl + 1 : end;
	}
	rep_flush(&S->err);
}

/* The status line and every kept field (values come redacted from
 * http.c: a run of the token reads RD_MARK), each line after prefix. */
static void put_head(struct rep_buf *b, const char *prefix, const struct http_resp *r)
{
	struct out_w w = { rep_write, b };
	const char *name, *value;
	size_t pos = 0, nlen, vlen;

	rep_str(b, prefix);
	rep_str(b, r->minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
	out_uint(&w, (unsigned)r->status);
	rep_str(b, " ");
	out_text_value(&w, r->reason, strlen(r->reason));
	rep_str(b, "\n");
	while (http_resp_field(r, &pos, &name, &nlen, &value, &vlen)) {
		rep_str(b, prefix);
		out_text_value(&w, name, nlen);
		rep_str(b, ": ");
		out_text_value(&w, value, vlen);
		rep_str(b, "\n");
	}
}

void tell_head_v(struct tell *S, const struct http_resp *r)
{
	if (S->o->verbose && (r->head_done || r->fields_len > 0))
		put_head(&S->err, "< ", r);
	rep_flush(&S->err);
}

void tell_head_i(struct tell *S, const struct http_resp *r)
{
	struct rep_buf *b = S->o->format == CLI_TEXT && !S->o->quiet ? &S->out : &S->err;

	if (!S->o->include)
		return;
	put_head(b, "", r);
	rep_str(b, "\n");
	rep_flush(b);
}

void tell_times(struct tell *S, const struct fetch_times *t)
{
	char m[200];

	if (!S->o->verbose)
		return;
	fmt_snprintf(m, sizeof m, "times: resolve %lld ms, connect %lld ms, TLS %lld ms, first byte %lld ms, total %lld ms",
	    (long long)(t->resolved ? t->resolved - t->start : -1),
	    (long long)(t->connected ? t->connected - t->start : -1),
	    (long long)(t->tls_done ? t->tls_done - t->start : -1),
	    (long long)(t->first_byte ? t->first_byte - t->start : -1),
	    (long long)(t->done - t->start));
	tell_v(S, m);
}

static enum rep_format format_of(const struct tell *S)
{
	return S->o->format == CLI_JSON ? REP_JSON : S->o->format == CLI_ENV ? REP_ENV : REP_TEXT;
}

int tell_failure(struct tell *S, int code, const char *msg, const struct cl_result *cl,
    const struct cl_headers *h, const char *product, int status)
{
	struct rep_info ri;

	msg = withheld(S, msg); /* before JSON or env escaping */
	if (!S->o->quiet)
		tell_line(S, NULL, msg);
	if (S->o->format != CLI_TEXT && !S->o->quiet) {
		memset(&ri, 0, sizeof ri);
		ri.product = product;
		ri.status = status;
		ri.exit = code;
		ri.error = msg;
		ri.cl = cl;
		ri.h = h;
		rep_result(&S->out, format_of(S), &ri);
	}
	return code;
}

int tell_usage(struct tell *S, const char *prefix, const char *msg)
{
	char m[600];

	if (prefix) {
		fmt_snprintf(m, sizeof m, "%s%s", prefix, msg);
		msg = m;
	}
	if (S->o->quiet || S->o->format == CLI_TEXT)
		tell_line(S, NULL, msg);
	else
		tell_failure(S, EX_USAGE, msg, NULL, NULL, NULL, 0);
	rep_flush(&S->out);
	return EX_USAGE;
}

/* The fields shown (report.h): username only in place of name; a secret
 * one is shown as RD_MARK, not cut. */
static void warn_cut(struct tell *S, const struct js_scanner *js)
{
	int i;

	for (i = 0; i < JS_NFIELDS; i++) {
		const struct js_str *f = &js->f[i];
		if (f->truncated && !f->secret && !(i == JS_USERNAME && js->f[JS_NAME].present)) {
			char m[120];
			fmt_snprintf(m, sizeof m, "%s was longer than %d bytes and is shown cut",
			    i == JS_USERNAME ? "name" : js_field_key(i), JS_FIELD_MAX);
			tell_warn(S, m);
		}
	}
}

int tell_result(struct tell *S, const struct cl_result *cl, const struct cl_headers *h,
    const char *product, int status, const struct js_scanner *js)
{
	struct rep_info ri;

	if (cl->exit != EX_AUTH_OK && cl->exit != EX_INACTIVE)
		return tell_failure(S, cl->exit, cl->msg, cl, h, product, status);
	if (S->o->raw || S->o->quiet) {
		rep_flush(&S->out);
		return cl->exit;
	}
	memset(&ri, 0, sizeof ri);
	ri.product = product;
	ri.status = status;
	ri.exit = cl->exit;
	ri.js = js;
	ri.cl = cl;
	ri.h = h;
	rep_result(&S->out, format_of(S), &ri);
	if (cl->exit == EX_INACTIVE)
		tell_line(S, NULL, cl->msg);
	warn_cut(S, js);
	return cl->exit;
}

/* Output lost (stdout closed, full, or not writable within --max-time:
 * rep_buf) turns an answer of 0 or 1 into EX_OUTPUT; a failed check keeps
 * its code, its answer about the token being true all the same. Either
 * way stderr says so; a failure to write stderr is ignored, there being
 * nowhere left to say it. */
int tell_finish(struct tell *S, int code)
{
	const char *why;
	int lost;

	rep_flush(&S->out);
	lost = rep_lost(&S->out, &why);
	if (lost) {
		char m[120];
		if (lost == SYS_E_TIMEOUT)
			fmt_snprintf(m, sizeof m, "standard output was not writable within --max-time: output lost");
		else
			fmt_snprintf(m, sizeof m, "cannot write standard output (%s): output lost", why);
		tell_line(S, NULL, m);
		if (code == EX_AUTH_OK || code == EX_INACTIVE)
			code = EX_OUTPUT;
	}
	rep_flush(&S->err);
	return code;
}
