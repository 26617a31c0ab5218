/* classify.c: the reply classification of atlwho (see classify.h); the
 * rules follow what Jira and Confluence answer as Atlassian documents it and
 * as public bug reports of other clients show it (the reply shapes are the
 * fixtures of tests/test_classify.c and tests/e2e/fakeatl.py). */
#include "fmt.h"
#include "classify.h"

#include <string.h>

#include "ascii.h"
#include "str.h"

void cl_headers_of(const struct http_resp *r, struct cl_headers *h)
{
	unsigned fl = 0;

	h->seraph = http_resp_header(r, HTTP_H_SERAPH_LOGINREASON, NULL, NULL);
	h->denied = http_resp_header(r, HTTP_H_AUTH_DENIED_REASON, NULL, NULL);
	h->ausername = http_resp_header(r, HTTP_H_AUSERNAME, NULL, NULL);
	h->requestid = http_resp_header(r, HTTP_H_AREQUESTID, NULL, NULL);
	h->retry_after = http_resp_header(r, HTTP_H_RETRY_AFTER, NULL, NULL);
	h->content_type = http_resp_header(r, HTTP_H_CONTENT_TYPE, NULL, NULL);
	h->location = http_resp_header(r, HTTP_H_LOCATION, NULL, &fl);
	if (fl & (HTTP_KEPT_TRUNCATED | HTTP_KEPT_CONFLICT))
		h->location = NULL;
}

static int ieq_prefix(const char *s, const char *prefix)
{
	return ascii_ieq(s, prefix, strlen(prefix));
}

/* Media type equality up to ';' (RFC 9110 section 8.3.1), case-insensitive. */
static int media_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (!ieq_prefix(ct, type))
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == 0 || *ct == ';';
}

/* A header's value, "" when not sent (or for --from-file). */
#define H(in, field) ((in)->h && (in)->h->field ? (in)->h->field : "")

/* Appends " (request ID x)" when the server sent one. */
static void add_request_id(const struct cl_input *in, struct cl_result *r)
{
	const char *id = H(in, requestid);
	size_t n = strlen(r->msg);

	if (*id && n + 1 < sizeof r->msg)
		fmt_snprintf(r->msg + n, sizeof r->msg - n, " (request ID %s)", id);
}

static void set(struct cl_result *r, int code, const char *reason)
{
	r->exit = code;
	r->reason = reason;
}

static void login_url(const char *denied, char *dst, size_t cap)
{
	static const char key[] = "login-url=";
	const char *p = strstr(denied, key);

	dst[0] = 0;
	if (p) {
		size_t n;
		p += sizeof key - 1;
		n = strcspn(p, "; \t");
		str_printable(dst, cap, p, n);
	}
}

static void classify_success(const struct cl_input *in, struct cl_result *r)
{
	const struct js_scanner *js = in->js;
	const char *ct = H(in, content_type);
	char what[24]; /* "HTTP 200 with" for a reply, "the file is" for --from-file */

	if (in->h)
		fmt_snprintf(what, sizeof what, "HTTP %d with", in->status);
	else
		fmt_snprintf(what, sizeof what, "the file is");

	if (strcmp(H(in, ausername), "anonymous") == 0) {
		set(r, EX_REJECTED, "anonymous");
		fmt_snprintf(r->msg, sizeof r->msg, "the server answered as the anonymous user "
		    "(X-AUSERNAME: anonymous): the token was not accepted");
		return;
	}
	if ((in->h && media_is(ct, "text/html")) || in->body_html) {
		set(r, EX_UNEXPECTED, "html");
		fmt_snprintf(r->msg, sizeof r->msg, "%s an HTML page instead of JSON: "
		    "a login or single sign-on page answered, not the REST API", what);
		return;
	}
	if (!in->body_len_nonzero) {
		set(r, EX_UNEXPECTED, "no-user");
		fmt_snprintf(r->msg, sizeof r->msg, "%s an empty body: no user object", what);
		return;
	}
	if (in->js_result != JS_OK) {
		char e[160];
		js_errmsg(js, e, sizeof e);
		set(r, EX_UNEXPECTED, "malformed-json");
		fmt_snprintf(r->msg, sizeof r->msg, "the reply is not valid JSON: %s", e);
		return;
	}
	if (js->f[JS_TYPE].present && js->f[JS_TYPE].len == 9 &&
	    memcmp(js->f[JS_TYPE].buf, "anonymous", 9) == 0) {
		set(r, EX_REJECTED, "anonymous");
		fmt_snprintf(r->msg, sizeof r->msg, "Confluence answered as the anonymous user "
		    "(\"type\":\"anonymous\"): the token was not accepted%s",
		    in->bearer ? " (a wrong or disabled personal access token)" : "");
		return;
	}
	if (!js->toplevel_object || !(js->f[JS_NAME].present || js->f[JS_USERNAME].present ||
	    js->f[JS_ACCOUNTID].present)) {
		set(r, EX_UNEXPECTED, "no-user");
		fmt_snprintf(r->msg, sizeof r->msg, "the reply has no user fields (name, username or accountId)");
		return;
	}
	if (js->active == 0) {
		set(r, EX_INACTIVE, "inactive");
		fmt_snprintf(r->msg, sizeof r->msg, "authenticated, but the account is inactive");
		return;
	}
	set(r, EX_AUTH_OK, "ok");
	fmt_snprintf(r->msg, sizeof r->msg, "authenticated");
}

/* 1 if the body's head holds the phrase (bytes, exact case). */
static int head_has(const struct cl_input *in, const char *phrase)
{
	size_t n = strlen(phrase), i;

	for (i = 0; in->body_head && i + n <= in->body_head_len; i++)
		if (memcmp(in->body_head + i, phrase, n) == 0)
			return 1;
	return 0;
}

/* Front ends that finish the TLS handshake and refuse a missing or bad
 * client certificate in HTTP: nginx answers 400 with these page titles
 * (ssl_verify_client on); Apache answers 403 with this note when its
 * per-location SSLVerifyClient needs TLS 1.3 post-handshake
 * authentication, which the client did not offer. A TLS failure, exit 6:
 * never "credentials rejected". */
static int client_cert_page(const struct cl_input *in, struct cl_result *r)
{
	if (in->status == 400 && head_has(in, "No required SSL certificate was sent")) {
		set(r, EX_TLS, "client-cert-required");
		fmt_snprintf(r->msg, sizeof r->msg, "the server requires a client certificate and none was given "
		    "(HTTP 400: No required SSL certificate was sent): give --cert FILE --key FILE");
	} else if (in->status == 400 && head_has(in, "The SSL certificate error")) {
		set(r, EX_TLS, "client-cert-rejected");
		fmt_snprintf(r->msg, sizeof r->msg, "the server did not accept the client certificate "
		    "(HTTP 400: The SSL certificate error): check that its issuer is one the server trusts");
	} else if (in->status == 403 && head_has(in, "Cannot perform Post-Handshake Authentication")) {
		set(r, EX_TLS, "client-cert-after-handshake");
		fmt_snprintf(r->msg, sizeof r->msg, "the server asked for a client certificate after the handshake "
		    "(HTTP 403: Cannot perform Post-Handshake Authentication): atlwho cannot answer TLS 1.3 "
		    "post-handshake authentication; with --cert/--key, --tls-max 1.2 lets the server ask in a "
		    "renegotiation instead");
	} else {
		return 0;
	}
	return 1;
}

void classify(const struct cl_input *in, struct cl_result *r)
{
	int s = in->status;
	const char *seraph = H(in, seraph), *denied = H(in, denied);

	memset(r, 0, sizeof *r);
	if (in->h == NULL) { /* --from-file: the body alone */
		classify_success(in, r);
		return;
	}
	if (client_cert_page(in, r)) {
		/* set above */
	} else if (s == 403 && ieq_prefix(denied, "CAPTCHA_CHALLENGE")) {
		set(r, EX_CAPTCHA, "captcha");
		login_url(denied, r->login_url, sizeof r->login_url);
		fmt_snprintf(r->msg, sizeof r->msg, "CAPTCHA lockout: the account is locked until someone "
		    "logs in through the web page%s%s; atlwho will not retry",
		    r->login_url[0] ? " at " : "", r->login_url);
	} else if (s == 401 || s == 403) {
		set(r, EX_REJECTED, "rejected");
		fmt_snprintf(r->msg, sizeof r->msg, "credentials rejected (HTTP %d%s%s)", s,
		    *seraph ? ", X-Seraph-LoginReason: " : "", seraph);
		if (in->cloud && in->bearer) {
			size_t n = strlen(r->msg);
			fmt_snprintf(r->msg + n, sizeof r->msg - n, "; Atlassian Cloud API tokens need "
			    "Basic auth: add -u EMAIL");
		}
	} else if (s == 404) {
		set(r, EX_UNEXPECTED, "not-found");
		fmt_snprintf(r->msg, sizeof r->msg, "HTTP 404: no Jira or Confluence REST API answers at this "
		    "base URL; the context path may be missing (/jira, /confluence, or /wiki for Confluence Cloud)");
	} else if (http_status_redirects(s)) {
		const char *loc = in->location_hint && *in->location_hint ? in->location_hint : H(in, location);
		/* Why it was not followed: its Location cannot be used, or -L
		 * may not follow it (step.c decides; this says it, once). */
		const char *why = in->redirect_why && *in->redirect_why ? in->redirect_why : NULL;
		const char *tail = !in->follow || why ? "" : in->redirs_spent ? " (--max-redirs reached)" :
		    " (-L follows only the same origin, or http to https on the same host)";
		set(r, EX_UNEXPECTED, "redirect");
		if (why)
			fmt_snprintf(r->msg, sizeof r->msg, "HTTP %d redirect not followed: %s", s, why);
		else if (*loc)
			fmt_snprintf(r->msg, sizeof r->msg, "HTTP %d redirect to %s not followed: use that URL "
			    "as BASE_URL, or -L to follow redirects on the same server%s", s, loc, tail);
		else
			fmt_snprintf(r->msg, sizeof r->msg, "HTTP %d redirect without a Location%s", s, tail);
	} else if (s == 429 || s == 503) {
		const char *ra = H(in, retry_after);
		set(r, EX_UNEXPECTED, s == 429 ? "rate-limited" : "unavailable");
		fmt_snprintf(r->msg, sizeof r->msg, "HTTP %d: %s%s%s", s,
		    s == 429 ? "rate limited" : "service unavailable",
		    *ra ? "; Retry-After: " : "", ra);
	} else if (s >= 200 && s < 300) {
		classify_success(in, r);
	} else {
		set(r, EX_UNEXPECTED, "http-status");
		fmt_snprintf(r->msg, sizeof r->msg, "unexpected HTTP status %d", s);
	}
	if (r->exit != EX_AUTH_OK && r->exit != EX_INACTIVE)
		add_request_id(in, r);
}

void cl_body_init(struct cl_body *b)
{
	b->nonzero = b->html = b->seen_nonspace = 0;
	b->head_len = 0;
}

void cl_body_feed(struct cl_body *b, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i, k = sizeof b->head - b->head_len;

	if (len)
		b->nonzero = 1;
	if (k > len)
		k = len;
	memcpy(b->head + b->head_len, buf, k);
	b->head_len += k;
	for (i = 0; i < len && !b->seen_nonspace; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		b->seen_nonspace = 1;
		b->html = p[i] == '<';
	}
}

void cl_body_input(const struct cl_body *b, int head, struct cl_input *in)
{
	in->body_len_nonzero = b->nonzero;
	in->body_html = b->html;
	if (head) {
		in->body_head = b->head;
		in->body_head_len = b->head_len;
	}
}

int cl_cloud_host(const char *host)
{
	static const char cloud[] = ".atlassian.net";
	size_t n = strlen(host), k = sizeof cloud - 1;

	return n > k && ascii_ieq(host + n - k, cloud, k);
}
