/* test_classify.c: one table row per classification rule (status, headers,
 * the body through the real JSON scanner, Bearer/Cloud flags) to the exit
 * code, reason word and message fragments (README.md, Exit codes). */
#include "classify.h"
#include "json.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JIRA_FRED "{\"self\":\"https://jira.example.com/rest/api/2/user?username=fred\"," \
	"\"key\":\"JIRAUSER10100\",\"name\":\"fred\",\"emailAddress\":\"fred@example.com\"," \
	"\"displayName\":\"Fred F. User\",\"active\":true,\"deleted\":false,\"timeZone\":\"UTC\"," \
	"\"groups\":{\"size\":1,\"items\":[]},\"expand\":\"groups,applicationRoles\"}"
#define JIRA_INACTIVE "{\"name\":\"gone\",\"displayName\":\"Gone\",\"active\":false}"
#define CONF_FRED "{\"type\":\"known\",\"username\":\"fred\",\"userKey\":\"4028b8817f\"," \
	"\"profilePicture\":{\"path\":\"/images/icons/profilepics/default.svg\"},\"displayName\":\"Fred\"}"
#define CLOUD_MIA "{\"accountId\":\"5b10ac8d82e05b22cc7d4ef5\",\"accountType\":\"atlassian\"," \
	"\"displayName\":\"Mia Krystof\",\"active\":true}"
#define CONF_ANON "{\"type\":\"anonymous\",\"profilePicture\":{\"path\":\"/images/icons/profilepics/anonymous.svg\"}," \
	"\"displayName\":\"Anonymous\",\"isExternalCollaborator\":false}"
#define JSON_CT "application/json;charset=UTF-8"
/* nginx 1.22 (ssl_verify_client on) and Apache 2.4.57 (TLS 1.3, per-location
 * SSLVerifyClient, a client without post_handshake_auth), as they send them. */
#define NGINX_NOCERT "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n" \
	"<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent" \
	"</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
#define NGINX_BADCERT "<html>\r\n<head><title>400 The SSL certificate error</title></head>\r\n" \
	"<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The SSL certificate error</center>\r\n" \
	"<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
#define APACHE_PHA "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>403 Forbidden" \
	"</title>\n</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource." \
	"Reason: Cannot perform Post-Handshake Authentication.<br /></p>\n<hr>\n<address>Apache/2.4.57 " \
	"(Debian) Server at localhost Port 8443</address>\n</body></html>\n"
#define CAPTCHA "CAPTCHA_CHALLENGE; login-url=https://jira.example.com/login.jsp"

/* Flags of a row. */
enum {
	F_NOHDR = 1,     /* --from-file: no status, h == NULL */
	F_BEARER = 2,
	F_CLOUD = 4,
	F_CONF = 8,      /* the Confluence endpoint was asked */
};

struct row {
	const char *label;
	int status;
	int flags;
	/* headers; NULL: not sent */
	const char *seraph, *denied, *ausername, *reqid, *retry, *ctype, *location;
	const char *location_hint;
	const char *body;            /* NULL or "": no body */
	int exit;
	const char *reason;
	const char *has[3];          /* fragments the message must contain */
	const char *hasnt[2];        /* and must not */
	const char *login_url;       /* expected login_url ("" unless CAPTCHA) */
};

#define NOH NULL, NULL, NULL, NULL, NULL, NULL, NULL
#define CT(c) NULL, NULL, NULL, NULL, NULL, (c), NULL

static const struct row rows[] = {
	/* authenticated */
	{ "200 Jira user, active", 200, F_BEARER, CT(JSON_CT), NULL, JIRA_FRED,
	  0, "ok", { "authenticated" }, { "request ID" }, "" },
	{ "200 Confluence user, active not reported", 200, F_CONF, CT(JSON_CT), NULL, CONF_FRED,
	  0, "ok", { "authenticated" }, { NULL }, "" },
	{ "200 Cloud user with accountId only", 200, F_CLOUD, CT("application/json"), NULL, CLOUD_MIA,
	  0, "ok", { "authenticated" }, { NULL }, "" },
	{ "201 is 2xx too", 201, 0, CT(JSON_CT), NULL, JIRA_FRED, 0, "ok", { "authenticated" }, { NULL }, "" },
	{ "success does not name the request ID", 200, 0,
	  NULL, NULL, NULL, "1234x5678x1", NULL, JSON_CT, NULL, NULL, JIRA_FRED,
	  0, "ok", { "authenticated" }, { "1234x5678x1" }, "" },
	{ "X-AUSERNAME: fred is fine", 200, 0, NULL, NULL, "fred", NULL, NULL, JSON_CT, NULL, NULL,
	  JIRA_FRED, 0, "ok", { NULL }, { NULL }, "" },
	{ "text/htmlx is not text/html", 200, 0, CT("text/htmlx"), NULL, JIRA_FRED,
	  0, "ok", { NULL }, { NULL }, "" },
	{ "leading blanks before a JSON body", 200, 0, CT(JSON_CT), NULL, " \r\n\t" JIRA_FRED,
	  0, "ok", { NULL }, { NULL }, "" },

	/* inactive */
	{ "active:false", 200, 0, CT(JSON_CT), NULL, JIRA_INACTIVE,
	  1, "inactive", { "inactive" }, { NULL }, "" },
	{ "inactive does not name the request ID", 200, 0,
	  NULL, NULL, NULL, "r-1", NULL, JSON_CT, NULL, NULL, JIRA_INACTIVE,
	  1, "inactive", { "inactive" }, { "r-1" }, "" },

	/* anonymous */
	{ "X-AUSERNAME: anonymous", 200, F_BEARER, NULL, NULL, "anonymous", NULL, NULL, JSON_CT, NULL, NULL,
	  JIRA_FRED, 3, "anonymous", { "anonymous", "X-AUSERNAME" }, { NULL }, "" },
	{ "X-AUSERNAME: anonymous beats an HTML page", 200, 0, NULL, NULL, "anonymous", NULL, NULL,
	  "text/html", NULL, NULL, "<html>", 3, "anonymous", { "X-AUSERNAME" }, { NULL }, "" },
	{ "Confluence type anonymous, Bearer", 200, F_BEARER | F_CONF, CT(JSON_CT), NULL, CONF_ANON,
	  3, "anonymous", { "anonymous", "personal access token" }, { NULL }, "" },
	{ "Confluence type anonymous, Basic", 200, F_CONF, CT(JSON_CT), NULL, CONF_ANON,
	  3, "anonymous", { "\"type\":\"anonymous\"" }, { "personal access token" }, "" },
	{ "type anonymous with a name is still anonymous", 200, 0, CT(JSON_CT), NULL,
	  "{\"name\":\"x\",\"type\":\"anonymous\"}", 3, "anonymous", { "anonymous" }, { NULL }, "" },

	/* rejected */
	{ "401 with X-Seraph-LoginReason", 401, F_BEARER,
	  "AUTHENTICATED_FAILED", NULL, NULL, NULL, NULL, JSON_CT, NULL, NULL, NULL,
	  3, "rejected", { "HTTP 401", "X-Seraph-LoginReason: AUTHENTICATED_FAILED" }, { "-u EMAIL" }, "" },
	{ "401 without X-Seraph-LoginReason", 401, 0, NOH, NULL, "{\"message\":\"no\"}",
	  3, "rejected", { "credentials rejected (HTTP 401)" }, { "Seraph" }, "" },
	{ "403 AUTHENTICATION_DENIED without CAPTCHA reason", 403, 0,
	  "AUTHENTICATION_DENIED", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  3, "rejected", { "HTTP 403", "AUTHENTICATION_DENIED" }, { "CAPTCHA" }, "" },
	{ "403 plain", 403, 0, NOH, NULL, NULL, 3, "rejected", { "HTTP 403" }, { "CAPTCHA" }, "" },
	{ "401 with a CAPTCHA header is only rejected", 401, 0, NULL, CAPTCHA, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, 3, "rejected", { "HTTP 401" }, { NULL }, "" },
	{ "403 with another denied reason", 403, 0, NULL, "SOMETHING_ELSE", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, 3, "rejected", { "HTTP 403" }, { NULL }, "" },

	/* CAPTCHA */
	{ "403 CAPTCHA_CHALLENGE with login-url", 403, 0,
	  "AUTHENTICATION_DENIED", CAPTCHA, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  4, "captcha", { "CAPTCHA", "https://jira.example.com/login.jsp", "will not retry" }, { NULL },
	  "https://jira.example.com/login.jsp" },
	{ "403 CAPTCHA_CHALLENGE without login-url", 403, 0, NULL, "CAPTCHA_CHALLENGE", NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, 4, "captcha", { "web page;" }, { " at " }, "" },
	{ "403 captcha_challenge in lower case", 403, 0, NULL, "captcha_challenge; login-url=/login.jsp",
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, 4, "captcha", { "at /login.jsp" }, { NULL }, "/login.jsp" },
	{ "login-url ends at ';' or a blank", 403, 0, NULL,
	  "CAPTCHA_CHALLENGE; login-url=https://j/login.jsp; more", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  4, "captcha", { "https://j/login.jsp;" }, { "more" }, "https://j/login.jsp" },
	{ "CAPTCHA on Cloud with Bearer: no -u hint", 403, F_CLOUD | F_BEARER, NULL, CAPTCHA, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, 4, "captcha", { "CAPTCHA" }, { "-u EMAIL" },
	  "https://jira.example.com/login.jsp" },

	/* Cloud hints */
	{ "Cloud + Bearer 403: -u EMAIL", 403, F_CLOUD | F_BEARER, NOH, NULL, NULL,
	  3, "rejected", { "HTTP 403", "-u EMAIL" }, { NULL }, "" },
	{ "Cloud + Bearer 401: -u EMAIL", 401, F_CLOUD | F_BEARER, NOH, NULL, NULL,
	  3, "rejected", { "HTTP 401", "-u EMAIL" }, { NULL }, "" },
	{ "Cloud + Basic 401: no hint", 401, F_CLOUD, NOH, NULL, NULL,
	  3, "rejected", { "HTTP 401" }, { "-u EMAIL" }, "" },
	{ "Data Center + Bearer 401: no hint", 401, F_BEARER, NOH, NULL, NULL,
	  3, "rejected", { "HTTP 401" }, { "-u EMAIL" }, "" },

	/* wrong place */
	{ "404", 404, F_CONF, CT("text/html"), NULL, "<html>not found</html>",
	  7, "not-found", { "404", "context path", "/wiki" }, { "HTML" }, "" },
	{ "404 names /jira and /confluence", 404, 0, NOH, NULL, NULL,
	  7, "not-found", { "/jira", "/confluence" }, { NULL }, "" },

	/* redirects */
	{ "301 with Location", 301, 0, NULL, NULL, NULL, NULL, NULL, NULL,
	  "https://jira.example.com/jira/rest/api/2/myself", NULL, NULL,
	  7, "redirect", { "HTTP 301", "https://jira.example.com/jira/rest/api/2/myself", "-L" }, { NULL }, "" },
	{ "302: the resolved target wins over the raw Location", 302, 0, NULL, NULL, NULL, NULL, NULL,
	  NULL, "/login.jsp?os_destination=x", "https://jira.example.com/login.jsp?os_destination=x", NULL,
	  7, "redirect", { "HTTP 302", "https://jira.example.com/login.jsp?os_destination=x" }, { NULL }, "" },
	{ "307 with an empty hint uses Location", 307, 0, NULL, NULL, NULL, NULL, NULL, NULL,
	  "https://b.example/x", "", NULL, 7, "redirect", { "HTTP 307", "https://b.example/x" }, { NULL }, "" },
	{ "302 without Location", 302, 0, NOH, NULL, NULL,
	  7, "redirect", { "HTTP 302", "without a Location" }, { NULL }, "" },

	/* rate limit / unavailable / other statuses */
	{ "429 with Retry-After", 429, 0, NULL, NULL, NULL, NULL, "120", NULL, NULL, NULL, NULL,
	  7, "rate-limited", { "HTTP 429", "Retry-After: 120" }, { NULL }, "" },
	{ "429 without Retry-After", 429, 0, NOH, NULL, NULL,
	  7, "rate-limited", { "HTTP 429" }, { "Retry-After" }, "" },
	{ "503 with Retry-After", 503, 0, NULL, NULL, NULL, NULL, "Wed, 21 Oct 2026 07:28:00 GMT",
	  NULL, NULL, NULL, NULL, 7, "unavailable", { "HTTP 503", "Retry-After: Wed, 21 Oct 2026 07:28:00 GMT" },
	  { NULL }, "" },
	{ "304 is not a redirect", 304, 0, NOH, NULL, NULL,
	  7, "http-status", { "unexpected HTTP status 304" }, { "redirect" }, "" },
	{ "500", 500, 0, CT(JSON_CT), NULL, "{\"errorMessages\":[\"oops\"]}",
	  7, "http-status", { "500" }, { NULL }, "" },
	{ "502", 502, 0, NOH, NULL, NULL, 7, "http-status", { "502" }, { NULL }, "" },
	{ "400", 400, 0, NOH, NULL, NULL, 7, "http-status", { "400" }, { NULL }, "" },
	{ "199", 199, 0, NOH, NULL, NULL, 7, "http-status", { "199" }, { NULL }, "" },

	/* 2xx that are not a user */
	{ "200 text/html", 200, 0, CT("text/html;charset=UTF-8"), NULL, "<!DOCTYPE html><html></html>",
	  7, "html", { "HTML" }, { NULL }, "" },
	{ "200 TEXT/HTML, blanks, parameters", 200, 0, CT("  TEXT/HTML ; charset=utf-8"), NULL,
	  JIRA_FRED, 7, "html", { "HTML" }, { NULL }, "" },
	{ "200 body starting '<', no content type", 200, 0, NOH, NULL, "\r\n  <html><body>SSO</body></html>",
	  7, "html", { "HTML" }, { NULL }, "" },
	{ "200 body starting '<' labelled JSON", 200, 0, CT(JSON_CT), NULL, "<html>", 7, "html", { "HTML" },
	  { NULL }, "" },
	{ "200 malformed JSON: cut short", 200, 0, CT(JSON_CT), NULL, "{\"name\":\"fred\"",
	  7, "malformed-json", { "not valid JSON" }, { NULL }, "" },
	{ "200 malformed JSON: trailing garbage", 200, 0, CT(JSON_CT), NULL, "{\"name\":\"fred\"} x",
	  7, "malformed-json", { "not valid JSON" }, { NULL }, "" },
	{ "200 empty body", 200, 0, CT(JSON_CT), NULL, "", 7, "no-user", { "empty body" }, { NULL }, "" },
	{ "204 empty body", 204, 0, NOH, NULL, NULL, 7, "no-user", { "empty body" }, { NULL }, "" },
	{ "200 blank body is not valid JSON", 200, 0, CT(JSON_CT), NULL, " \n",
	  7, "malformed-json", { "not valid JSON" }, { NULL }, "" },
	{ "200 top-level array", 200, 0, CT(JSON_CT), NULL, "[{\"name\":\"fred\"}]",
	  7, "no-user", { "no user fields" }, { NULL }, "" },
	{ "200 top-level string", 200, 0, CT(JSON_CT), NULL, "\"fred\"", 7, "no-user", { "no user fields" },
	  { NULL }, "" },
	{ "200 object without name, username or accountId", 200, 0, CT(JSON_CT), NULL,
	  "{\"displayName\":\"Fred\",\"emailAddress\":\"fred@example.com\",\"active\":true}",
	  7, "no-user", { "no user fields" }, { NULL }, "" },
	{ "200 name only in a nested object", 200, 0, CT(JSON_CT), NULL, "{\"user\":{\"name\":\"fred\"}}",
	  7, "no-user", { "no user fields" }, { NULL }, "" },
	{ "200 name is not a string", 200, 0, CT(JSON_CT), NULL, "{\"name\":null,\"accountId\":7}",
	  7, "no-user", { "no user fields" }, { NULL }, "" },

	/* request ID on failures */
	{ "401 names the request ID", 401, 0, "AUTHENTICATED_FAILED", NULL, NULL, "1234x5678x1", NULL,
	  NULL, NULL, NULL, NULL, 3, "rejected", { "AUTHENTICATED_FAILED", "(request ID 1234x5678x1)" },
	  { NULL }, "" },
	{ "CAPTCHA names the request ID", 403, 0, NULL, CAPTCHA, NULL, "rq-9", NULL, NULL, NULL, NULL, NULL,
	  4, "captcha", { "(request ID rq-9)" }, { NULL }, "https://jira.example.com/login.jsp" },
	{ "404 names the request ID", 404, 0, NULL, NULL, NULL, "rq-404", NULL, NULL, NULL, NULL, NULL,
	  7, "not-found", { "(request ID rq-404)" }, { NULL }, "" },
	{ "HTML page names the request ID", 200, 0, NULL, NULL, NULL, "rq-h", NULL, "text/html", NULL, NULL,
	  "<html>", 7, "html", { "HTML", "(request ID rq-h)" }, { NULL }, "" },
	{ "anonymous names the request ID", 200, F_CONF, NULL, NULL, NULL, "rq-a", NULL, JSON_CT, NULL, NULL,
	  CONF_ANON, 3, "anonymous", { "(request ID rq-a)" }, { NULL }, "" },
	{ "malformed JSON names the request ID", 200, 0, NULL, NULL, NULL, "rq-j", NULL, JSON_CT, NULL,
	  NULL, "{", 7, "malformed-json", { "(request ID rq-j)" }, { NULL }, "" },
	{ "429 names the request ID", 429, 0, NULL, NULL, NULL, "rq-r", "5", NULL, NULL, NULL, NULL,
	  7, "rate-limited", { "Retry-After: 5 (request ID rq-r)" }, { NULL }, "" },

	/* Front ends that refuse a client certificate in HTTP (exit 6, never
	 * "credentials rejected"): nginx's 400 pages and Apache's 403 note. */
	{ "nginx 400: no required SSL certificate", 400, F_BEARER, CT("text/html"), NULL, NGINX_NOCERT,
	  6, "client-cert-required", { "requires a client certificate", "--cert" }, { "rejected" }, "" },
	{ "nginx 400: the SSL certificate error", 400, 0, CT("text/html"), NULL, NGINX_BADCERT,
	  6, "client-cert-rejected", { "did not accept the client certificate" }, { "rejected" }, "" },
	{ "Apache 403: post-handshake authentication", 403, 0, CT("text/html; charset=iso-8859-1"), NULL,
	  APACHE_PHA, 6, "client-cert-after-handshake", { "after the handshake", "--tls-max 1.2" },
	  { "credentials rejected" }, "" },
	{ "plain 400 stays unexpected", 400, 0, CT("text/html"), NULL, "<html>Bad Request</html>",
	  7, "http-status", { "400" }, { "certificate" }, "" },
	{ "plain Apache 403 stays rejected", 403, 0, CT("text/html"), NULL,
	  "<html><p>You don't have permission to access this resource.</p></html>",
	  3, "rejected", { "credentials rejected" }, { "certificate" }, "" },
	{ "the phrase under another status is not a TLS page", 401, 0, CT("text/html"), NULL, NGINX_NOCERT,
	  3, "rejected", { "credentials rejected" }, { "certificate" }, "" },

	/* --from-file: the body alone, no status and no headers */
	{ "--from-file: a user", 0, F_NOHDR, NOH, NULL, JIRA_FRED, 0, "ok", { "authenticated" }, { NULL }, "" },
	{ "--from-file: inactive", 0, F_NOHDR, NOH, NULL, JIRA_INACTIVE, 1, "inactive", { "inactive" },
	  { NULL }, "" },
	{ "--from-file: Confluence anonymous", 0, F_NOHDR, NOH, NULL, CONF_ANON, 3, "anonymous",
	  { "anonymous" }, { NULL }, "" },
	{ "--from-file: malformed", 0, F_NOHDR, NOH, NULL, "{\"name\":", 7, "malformed-json",
	  { "not valid JSON" }, { NULL }, "" },
	{ "--from-file: no user fields", 0, F_NOHDR, NOH, NULL, "{}", 7, "no-user", { "no user fields" },
	  { NULL }, "" },
	/* There was no HTTP exchange: "HTTP 0" would be a made-up status. */
	{ "--from-file: empty file", 0, F_NOHDR, NOH, NULL, "", 7, "no-user", { "empty" },
	  { "HTTP 0" }, "" },
	{ "--from-file: saved HTML page", 0, F_NOHDR, NOH, NULL, "<html></html>", 7, "html", { "HTML" },
	  { "HTTP 0" }, "" },
};

static struct js_scanner js; /* 6.5 KB, shared by the rows */

/* What main.c's on_body computes: the first non-blank byte is '<'. */
static int html_start(const char *b)
{
	while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
		b++;
	return *b == '<';
}

static int one_line(const char *m)
{
	for (; *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			return 0;
	return 1;
}

static void test_rows(void)
{
	size_t r;
	int i;

	for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct row *w = &rows[r];
		struct cl_headers h;
		struct cl_input in;
		struct cl_result out;
		const char *body = w->body ? w->body : "";

		memset(&h, 0, sizeof h);
		h.seraph = w->seraph;
		h.denied = w->denied;
		h.ausername = w->ausername;
		h.requestid = w->reqid;
		h.retry_after = w->retry;
		h.content_type = w->ctype;
		h.location = w->location;

		js_init(&js);
		js_feed(&js, body, strlen(body));
		memset(&in, 0, sizeof in);
		in.status = w->status;
		in.h = (w->flags & F_NOHDR) ? NULL : &h;
		in.js = &js;
		in.js_result = js_finish(&js);
		in.body_len_nonzero = *body != 0;
		in.body_html = html_start(body);
		in.bearer = !!(w->flags & F_BEARER);
		in.cloud = !!(w->flags & F_CLOUD);
		in.product_confluence = !!(w->flags & F_CONF);
		in.location_hint = w->location_hint;
		in.body_head = body;
		in.body_head_len = strlen(body) < CL_BODY_HEAD ? strlen(body) : CL_BODY_HEAD;

		memset(&out, 0x5a, sizeof out); /* classify must set everything */
		classify(&in, &out);
		T_EQ_INT(out.exit, w->exit, w->label);
		T_EQ_STR(out.reason, w->reason, w->label);
		T_EQ_STR(out.login_url, w->login_url, w->label);
		T_CHECK(memchr(out.msg, 0, sizeof out.msg) != NULL, w->label);
		if (!memchr(out.msg, 0, sizeof out.msg))
			continue;
		T_CHECK(out.msg[0] != 0 && one_line(out.msg), w->label);
		for (i = 0; i < 3 && w->has[i]; i++) {
			T_CHECK(strstr(out.msg, w->has[i]) != NULL, w->label);
			if (!strstr(out.msg, w->has[i]))
				fprintf(stderr, "  \"%s\" lacks \"%s\"\n", out.msg, w->has[i]);
		}
		for (i = 0; i < 2 && w->hasnt[i]; i++) {
			T_CHECK(strstr(out.msg, w->hasnt[i]) == NULL, w->label);
			if (strstr(out.msg, w->hasnt[i]))
				fprintf(stderr, "  \"%s\" has \"%s\"\n", out.msg, w->hasnt[i]);
		}
	}
}

/* Long server values (as long as the parser keeps them): the message is
 * cut, stays one terminated line. */
static void test_long_values(void)
{
	static char loc[HTTP_LOCATION_MAX + 1], reqid[HTTP_KEEP_MAX + 1], seraph[HTTP_KEEP_MAX + 1],
	    retry[HTTP_KEEP_MAX + 1], denied[CL_HDR_MAX];
	struct cl_headers h;
	struct cl_input in;
	struct cl_result out;

	memset(&h, 0, sizeof h);
	memset(loc, 'L', sizeof loc - 1);
	memset(reqid, 'R', sizeof reqid - 1);
	h.location = loc;
	h.requestid = reqid;
	js_init(&js);
	js_finish(&js);
	memset(&in, 0, sizeof in);
	in.status = 301;
	in.h = &h;
	in.js = &js;
	in.js_result = JS_E_EMPTY;
	classify(&in, &out);
	T_EQ_INT(out.exit, EX_UNEXPECTED, "4 KB Location");
	T_EQ_INT(strlen(out.msg), CL_MSG_MAX - 1, "4 KB Location: message cut at CL_MSG_MAX");

	h.location = NULL;
	memset(seraph, 'S', sizeof seraph - 1);
	memset(retry, 'A', sizeof retry - 1);
	h.seraph = seraph;
	h.retry_after = retry;
	in.status = 401;
	in.bearer = in.cloud = 1;
	classify(&in, &out);
	T_EQ_INT(out.exit, EX_REJECTED, "long Seraph reason");
	T_CHECK(strlen(out.msg) < CL_MSG_MAX, "long Seraph reason: message fits");
	in.status = 429;
	classify(&in, &out);
	T_CHECK(strlen(out.msg) < CL_MSG_MAX, "long Retry-After: message fits");
	in.status = 403;
	memcpy(denied, "CAPTCHA_CHALLENGE; login-url=", 29);
	memset(denied + 29, 'U', sizeof denied - 30);
	h.denied = denied;
	classify(&in, &out);
	T_EQ_INT(out.exit, EX_CAPTCHA, "long login-url");
	T_EQ_INT(strlen(out.login_url), sizeof denied - 30, "long login-url kept whole");
}

/* The exit codes are the documented table. */
static void test_codes(void)
{
	T_EQ_INT(EX_AUTH_OK, 0, "EX_AUTH_OK");
	T_EQ_INT(EX_INACTIVE, 1, "EX_INACTIVE");
	T_EQ_INT(EX_USAGE, 2, "EX_USAGE");
	T_EQ_INT(EX_REJECTED, 3, "EX_REJECTED");
	T_EQ_INT(EX_CAPTCHA, 4, "EX_CAPTCHA");
	T_EQ_INT(EX_NETWORK, 5, "EX_NETWORK");
	T_EQ_INT(EX_TLS, 6, "EX_TLS");
	T_EQ_INT(EX_UNEXPECTED, 7, "EX_UNEXPECTED");
}

#define IN(s) s, sizeof(s) - 1

int main(void)
{
	test_codes();
	test_rows();
	test_long_values();
	return t_done();
}
