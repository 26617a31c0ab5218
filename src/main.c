/* main.c: atlwho, does this Jira or Confluence token work, and whose is it?
 * The program's shape: the options, the token, the check loop (product,
 * redirects, retries, as step.c decides) and the report; the only place
 * that turns errors into exit codes. */
#include <stdint.h>
#include <string.h>

#include "fmt.h"
#include "classify.h"
#include "cli.h"
#include "cred.h"
#include "fetch.h"
#include "http.h"
#include "json.h"
#include "proxy.h"
#include "redact.h"
#include "tell.h"
#include "str.h"
#include "step.h"
#include "sys.h"
#include "url.h"

#ifndef ATLWHO_VERSION
#define ATLWHO_VERSION "0.0.0"
#endif

#define FILE_CHUNK 16384
/* A message line: the longest one built here is a classification. */
#define MSG_MAX CL_MSG_MAX

static const char jira_path[] = "/rest/api/2/myself";
static const char conf_path[] = "/rest/api/user/current";

/* Every large buffer of a check, in one place: one instance, off the
 * stack (STACK_BUDGET, README: the deepest path is main -> check ->
 * fetch_open -> the handshake -> the CA search), passed down by pointer. */
struct check_mem {
	struct fetch_mem fetch;         /* the reply's parser and fields, I/O, the request */
	struct fetch_res res;
	struct tls_config tls;          /* 82 KiB: built once, at the first https exchange */
	struct rd_set secrets;          /* 86 KiB, of which a token touches a few */
	struct tell tell;               /* stdout and stderr */
	struct js_scanner js;
	struct cl_result cl;
	struct step step;               /* what the last reply or failure leads to */
	struct px px;
	struct url base, cur, conf;     /* BASE_URL, the request, Confluence's endpoint */
	char tok[CRED_TOKEN_MAX + 1], auth[CRED_AUTH_MAX], pauth[PX_AUTH_MAX];
	struct cl_body body;            /* what classify reads of the body */
	char target[CL_LOCATION_MAX];   /* the resolved redirect target, or "" */
	char msg[MSG_MAX];
	char url_text[URL_HOST_MAX + URL_PATH_MAX + 32];
	unsigned char file[FILE_CHUNK]; /* --from-file */
};

/* The check loop's state: where it stands is step.h's one struct, which
 * the loop updates and step.c reads. */
struct run {
	const struct cli_opts *o;
	struct check_mem *m;
	struct tell *S;
	struct step_state st;
	struct px_env env;              /* the proxy options and variables, read once */
	/* The proxy a plain http request goes through (its 407 is the proxy's
	 * answer, not the server's), or NULL. */
	const struct fetch_proxy *plain_proxy;
};

static const char *product(const struct run *R)
{
	return R->st.asked_confluence ? "confluence" : "jira";
}

/* The body's sink: classify's view of it, --raw's copy, the JSON scanner. */
static void on_body(void *ctx, const void *buf, size_t len)
{
	struct run *R = ctx;

	cl_body_feed(&R->m->body, buf, len);
	if (R->o->raw)
		rep_write(&R->S->out, buf, len); /* through the redactor like all output */
	js_feed(&R->m->js, buf, len); /* errors are sticky; js_finish reports them */
}

static void body_input(struct run *R, struct cl_input *in, int head)
{
	in->js = &R->m->js;
	in->js_result = js_finish(&R->m->js);
	cl_body_input(&R->m->body, head, in);
}

static int from_file(struct run *R)
{
	const char *path = R->o->from_file;
	struct cl_input in;
	int fd = strcmp(path, "-") == 0 ? 0 : sys_open_read(path);
	long n = 0;

	if (fd >= 0) {
		js_init(&R->m->js);
		cl_body_init(&R->m->body);
		while ((n = sys_read(fd, R->m->file, sizeof R->m->file)) > 0)
			on_body(R, R->m->file, (size_t)n);
		if (fd != 0)
			sys_close(fd);
	}
	if (fd < 0 || n < 0) {
		fmt_snprintf(R->m->msg, MSG_MAX, "--from-file %.200s: %s", path, sys_errstr());
		return tell_failure(R->S, EX_USAGE, R->m->msg, NULL, NULL, NULL, 0);
	}
	memset(&in, 0, sizeof in);
	body_input(R, &in, 0);
	classify(&in, &R->m->cl);
	return tell_result(R->S, &R->m->cl, NULL, NULL, 0, &R->m->js);
}

static int exit_of_fetch(int e)
{
	switch (e) {
	case FETCH_E_CONFIG: return EX_USAGE;
	case FETCH_E_NET: case FETCH_E_PROXY: return EX_NETWORK;
	case FETCH_E_TLS: return EX_TLS;
	default: return EX_UNEXPECTED;
	}
}

/* A retry: says so (a warning, with the wait), waits, doubles the back-off. */
static void retry_wait(struct run *R, const char *what)
{
	R->st.retries++;
	fmt_snprintf(R->m->msg, MSG_MAX, "%s; retrying in %ld ms (%d of %d)", what, R->m->step.wait_ms,
	    R->st.retries, R->o->retry);
	tell_warn(R->S, R->m->msg);
	sys_sleep_ms(R->m->step.wait_ms);
	R->st.backoff = step_backoff_next(R->st.backoff);
}

/* curl's rules (proxy.h). 1: through fp, 0: direct, -1: a usage error
 * (reported). */
static int pick_proxy(struct run *R, const struct url *u, struct fetch_proxy *fp)
{
	char note[320];
	int use;

	use = px_choose(&R->env, u->https, u->host, &R->m->px, fp, R->m->pauth, note, sizeof note, R->m->msg,
	    MSG_MAX);
	if (use < 0)
		return tell_usage(R->S, NULL, R->m->msg), -1;
	if (note[0])
		tell_v(R->S, note);
	return use;
}

/* What the deciding reply means: the classification and its report. */
static int conclude(struct run *R, const struct http_resp *resp)
{
	struct check_mem *m = R->m;
	struct cl_headers h;
	struct cl_input in;

	if (resp->status == 407 && R->plain_proxy) {
		/* As for a refused CONNECT (fetch.c): the proxy's failure. */
		const struct fetch_proxy *p = R->plain_proxy;
		fmt_snprintf(m->msg, MSG_MAX, "proxy %s port %u refused the request: HTTP 407%s", p->host, p->port,
		    fetch_proxy_407(p));
		return tell_failure(R->S, EX_NETWORK, m->msg, NULL, NULL, NULL, 0);
	}
	cl_headers_of(resp, &h);
	memset(&in, 0, sizeof in);
	in.status = resp->status;
	in.h = &h;
	in.js = &m->js;
	if (http_status_redirects(resp->status) && http_resp_header(resp, HTTP_H_LOCATION, NULL, NULL)) {
		m->target[0] = '\0';
		if (m->step.has_target)
			url_format(&m->step.next, m->target, sizeof m->target);
		in.location_hint = m->target;
		in.redirect_why = m->step.why;
		in.follow = R->o->follow;
		in.redirs_spent = R->st.redirs >= R->o->max_redirs;
	} else {
		body_input(R, &in, 1);
		in.bearer = R->o->user == NULL;
		in.cloud = cl_cloud_host(m->base.host);
		in.product_confluence = R->st.asked_confluence;
	}
	classify(&in, &m->cl);
	return tell_result(R->S, &m->cl, &h, product(R), resp->status, &m->js);
}

/* One exchange: the reply's head decides (step.c) whether its body is
 * read (the reply that ends the check) or left unread. Returns FETCH_OK
 * with m->step set, or the exchange's error. */
static int exchange(struct run *R, const struct fetch_req *q)
{
	const struct fetch_log log = { R->S, tell_v, tell_request };
	struct check_mem *m = R->m;
	struct http_resp *resp = &m->fetch.resp;
	struct fetch x;
	int e;

	js_init(&m->js);
	m->js.rd = &m->secrets;
	cl_body_init(&m->body);
	e = fetch_open(&x, q, R->o->verbose ? &log : NULL, &m->fetch, &m->res);
	if (e == FETCH_OK) {
		e = fetch_head(&x);
		tell_head_v(R->S, resp);
	}
	if (e == FETCH_OK) {
		R->st.now = sys_now_ms();
		step_reply(&R->st, resp, &m->step);
		if (m->step.act == STEP_DONE) {
			tell_head_i(R->S, resp);
			e = fetch_body(&x, on_body, R);
		}
	}
	fetch_close(&x);
	tell_times(R->S, &m->res.t);
	return e;
}

static void opts_for_tls(const struct cli_opts *o, struct tls_opts *to)
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

/* The check: one exchange after another, as step.c decides, until a reply
 * or a failure ends it. */
static int check(struct run *R)
{
	const struct cli_opts *o = R->o;
	struct check_mem *m = R->m;
	struct tls_opts to;
	struct fetch_req q;
	struct fetch_proxy fp;
	int use_proxy, warned = 0, e;

	memset(&q, 0, sizeof q);
	q.url = &m->cur;
	q.auth = m->auth;
	q.version = ATLWHO_VERSION;
	q.tls = &m->tls;
	q.tls_opts = &to;
	q.rd = &m->secrets;
	q.family = o->family;
	q.connect_ms = o->connect_ms;

	R->st.base = &m->base;
	R->st.cur = &m->cur;
	R->st.auto_product = o->product == CLI_AUTO && !o->path;
	R->st.asked_confluence = o->product == CLI_CONFLUENCE;
	R->st.follow = o->follow;
	R->st.max_redirs = o->max_redirs;
	R->st.max_retries = o->retry;
	R->st.backoff = STEP_RETRY_FIRST_MS;
	R->st.deadline = sys_now_ms() + o->max_ms;
	rep_deadline(&R->S->out, R->st.deadline); /* a full stdout waits no longer */
	rep_deadline(&R->S->err, R->st.deadline);
	q.deadline = R->st.deadline;
	opts_for_tls(o, &to);
	px_env_read(&R->env, o->proxy, o->noproxy, sys_getenv);
	sys_set_rng_deadline(R->st.deadline);

	/* Every request target is joined and checked before anything is sent. */
	m->cur = m->conf = m->base;
	if (url_append(&m->cur, o->path ? o->path : o->product == CLI_CONFLUENCE ? conf_path : jira_path,
	    m->msg, MSG_MAX) != URL_OK || (o->product == CLI_AUTO && !o->path &&
	    url_append(&m->conf, conf_path, m->msg, MSG_MAX) != URL_OK))
		return tell_failure(R->S, EX_USAGE, m->msg, NULL, NULL, NULL, 0);
	for (;;) {
		use_proxy = pick_proxy(R, &m->cur, &fp);
		if (use_proxy < 0) {
			px_wipe(&m->px);
			return EX_USAGE;
		}
		if (!m->cur.https && !warned++)
			tell_plain_http(R->S, use_proxy ? fp.host : NULL);
		q.proxy = use_proxy ? &fp : NULL;
		R->plain_proxy = m->cur.https ? NULL : q.proxy;
		if (o->verbose) {
			url_format(&m->cur, m->url_text, sizeof m->url_text);
			fmt_snprintf(m->msg, MSG_MAX, "GET %.900s%s", m->url_text, use_proxy ? " via proxy" : "");
			tell_v(R->S, m->msg);
		}
		e = exchange(R, &q);
		str_wipe(m->pauth, sizeof m->pauth);
		px_wipe(&m->px);
		if (e != FETCH_OK) {
			int code = exit_of_fetch(e);
			R->st.now = sys_now_ms();
			step_failure(&R->st, code == EX_NETWORK, m->res.t.connected != 0, &m->step);
			if (m->step.act != STEP_RETRY)
				return tell_failure(R->S, code, m->res.msg, NULL, NULL, product(R), 0);
			retry_wait(R, m->res.msg);
		} else if (m->step.act == STEP_FALLBACK) {
			tell_v(R->S, "no Jira API here (404): trying Confluence's endpoint");
			R->st.asked_confluence = 1;
			m->cur = m->conf;
		} else if (m->step.act == STEP_FOLLOW) {
			R->st.redirs++;
			url_format(&m->step.next, m->target, sizeof m->target);
			fmt_snprintf(m->msg, MSG_MAX, "following redirect %d to %.900s", R->st.redirs, m->target);
			tell_v(R->S, m->msg);
			m->cur = m->step.next;
		} else if (m->step.act == STEP_RETRY) {
			fmt_snprintf(m->msg, MSG_MAX, "HTTP %d", m->fetch.resp.status);
			retry_wait(R, m->msg);
		} else {
			return conclude(R, &m->fetch.resp);
		}
	}
}

/* The token and the Authorization value; -1 after reporting a usage error. */
static int credentials(struct run *R)
{
	struct check_mem *m = R->m;
	int loose;
	long tlen = cred_token(R->o->token_file, m->tok, &loose, m->msg, MSG_MAX);

	if (loose)
		tell_warn(R->S, "the token file is readable by group or others (chmod 600 it)");
	if (tlen < 0 || cred_auth(R->o->user, m->tok, (size_t)tlen, m->auth, m->msg, MSG_MAX) != 0) {
		str_wipe(m->tok, sizeof m->tok);
		return tell_usage(R->S, NULL, m->msg), -1;
	}
	/* A hostile server may echo the token back, whole, cut, escaped or in
	 * its Basic form: no output repeats a run of it (redact.h). */
	rd_init(&m->secrets, m->tok, (size_t)tlen);
	R->S->rd = &m->secrets;
	rep_redact(&R->S->out, &m->secrets);
	rep_redact(&R->S->err, &m->secrets);
	return 0;
}

int main(int argc, char **argv)
{
	static struct check_mem mem; /* the one instance */
	struct run run = { 0 };
	struct run *R = &run;
	struct tell *S = &mem.tell;
	struct cli_opts o;
	char err[512];
	int64_t start = sys_now_ms();
	int code, bad;

	sys_harden();
	R->o = &o;
	R->m = &mem;
	R->S = S;
	tell_init(S, &o);
	/* Output waits no longer than --max-time (as parsed; check() sets
	 * its own deadline later). A command line that does not parse is
	 * read to its end all the same (cli.h), so -j or --format env
	 * anywhere in it is obeyed. */
	bad = cli_parse(&o, argc, argv, err, sizeof err);
	rep_deadline(&S->out, start + o.max_ms);
	rep_deadline(&S->err, start + o.max_ms);
	if (bad)
		return tell_finish(S, tell_usage(S, NULL, err));
	if (o.help || o.version)
		return tell_finish(S, o.help ? tell_help(S) : tell_version(S, ATLWHO_VERSION));
	if (o.from_file)
		return tell_finish(S, from_file(R));
	if (url_parse(&mem.base, o.base, err, sizeof err) != URL_OK)
		return tell_finish(S, tell_usage(S, "BASE_URL: ", err));
	if (credentials(R) != 0)
		return tell_finish(S, EX_USAGE);
	if (o.insecure && mem.base.https)
		tell_warn(S, "-k/--insecure: TLS certificate verification is OFF");
	code = tell_finish(S, check(R)); /* before the wipes: it may write */
	tls_config_free(&mem.tls); /* the client key, wiped */
	str_wipe(mem.tok, strlen(mem.tok));
	str_wipe(mem.auth, strlen(mem.auth));
	str_wipe(mem.secrets.pat, mem.secrets.plen);
	str_wipe(mem.secrets.slot, sizeof mem.secrets.slot[0] << mem.secrets.bits);
	return code;
}
