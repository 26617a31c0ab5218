/* test_report.c: atlwho's stdout (src/report.c) in text, JSON and env form,
 * byte for byte, from fields scanned by the real JSON scanner; the JSON is
 * parsed back by Python and the env output evaluated by sh, hostile server
 * values included (quotes, $(), backticks, newlines, escape sequences). */
#include "report.h"
#include "sys.h"
#include "t.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];          /* a private temporary directory */
static char path_out[300];     /* the report, as written to its fd */
static int py_ok;              /* python3 found */

/* Scans a whole JSON body; the report is only ever built from JS_OK. */
static struct js_scanner js;
static const struct js_scanner *scan(const char *body)
{
	int rc;

	js_init(&js);
	rc = js_feed(&js, body, strlen(body));
	if (rc == JS_OK)
		rc = js_finish(&js);
	T_EQ_INT(rc, JS_OK, body);
	return &js;
}

/* Runs rep_result into a fresh file and returns its bytes (malloc'd). */
static char *capture(enum rep_format fmt, const struct rep_info *ri, size_t *len)
{
	static struct rep_buf b;
	FILE *f;
	char *out;
	long n;
	int fd = -1;

	f = fopen(path_out, "w+");
	if (f)
		fd = fileno(f);
	if (fd < 0) {
		perror(path_out);
		exit(2);
	}
	rep_init(&b, fd);
	rep_result(&b, fmt, ri);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	out = t_xmalloc((size_t)n + 1);
	*len = fread(out, 1, (size_t)n, f);
	out[*len] = 0;
	fclose(f);
	return out;
}

/* Runs cmd through sh and returns its stdout; *status is its wait status. */
static char *run(const char *cmd, size_t *len, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 4096, n = 0, k;
	char *out = t_xmalloc(cap);

	if (!p) {
		*status = -1;
		*len = 0;
		return out;
	}
	while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (cap - n < 2) {
			char *q = realloc(out, cap * 2);
			if (!q)
				break;
			out = q;
			cap *= 2;
		}
	}
	out[n] = 0;
	*len = n;
	*status = pclose(p);
	return out;
}

static void hex(const void *p, size_t n, char *out)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", s[i]);
	out[2 * n] = 0;
}

/* The last report is one JSON object (Python's json module); returns the
 * hex of key's value as UTF-8, "ABSENT", or NULL if it did not parse. */
static char *py_field(const char *key, int *ok)
{
	char cmd[1024];
	size_t n;
	int st;
	char *out;

	snprintf(cmd, sizeof cmd, "python3 -c 'import json,sys\n"
	    "d = json.load(sys.stdin)\n"
	    "assert isinstance(d, dict)\n"
	    "v = d.get(sys.argv[1])\n"
	    "sys.stdout.write(\"ABSENT\" if v is None else str(v).encode(\"utf-8\", \"surrogatepass\").hex())\n"
	    "' %s < '%s' 2>&1", key, path_out);
	out = run(cmd, &n, &st);
	*ok = st == 0;
	return out;
}

/* sh evaluates the last report and prints $name. */
static char *sh_var(const char *name, size_t *len, int *ok)
{
	char cmd[1024];
	int st;
	char *out;

	snprintf(cmd, sizeof cmd, "cd '%s' && sh -c 'eval \"$(cat out)\" && printf %%s \"$%s\"'", dir, name);
	out = run(cmd, len, &st);
	*ok = st == 0;
	return out;
}

struct hdrs {
	const char *seraph, *reqid, *retry, *location;
};

struct row {
	const char *label;
	enum rep_format fmt;
	const char *product;
	int status, exit;
	const char *body;       /* NULL: no body scanned (js NULL) */
	const char *reason;     /* cl->reason; NULL: no cl */
	const char *login_url;
	const char *error;
	struct hdrs h;          /* all NULL: h == NULL */
	const char *want;
};

#define FRED "{\"self\":\"x\",\"name\":\"fred\",\"emailAddress\":\"fred@example.com\"," \
	"\"displayName\":\"Fred F. User\",\"active\":true,\"groups\":{\"items\":[{\"name\":\"g\"}]}}"
#define ALL "{\"emailAddress\":\"e@x\",\"type\":\"known\",\"accountId\":\"acc\",\"active\":false," \
	"\"displayName\":\"D\",\"username\":\"u\",\"name\":\"n\"}"
#define CONF "{\"type\":\"known\",\"username\":\"fred\",\"userKey\":\"k\",\"displayName\":\"Fred\"}"
#define REJ "credentials rejected (HTTP 401, X-Seraph-LoginReason: AUTHENTICATED_FAILED) (request ID 1x2)"
#define NOH { NULL, NULL, NULL, NULL }

static const struct row rows[] = {
	/* text */
	{ "text: Jira user", REP_TEXT, "jira", 200, 0, FRED, "ok", "", NULL, NOH,
	  "name: fred\ndisplayName: Fred F. User\nactive: true\nemailAddress: fred@example.com\n" },
	{ "text: every field, in order; name wins over username", REP_TEXT, "jira", 200, 1, ALL, "inactive", "",
	  NULL, NOH, "name: n\ndisplayName: D\nactive: false\naccountId: acc\ntype: known\nemailAddress: e@x\n" },
	{ "text: Confluence, username shown as name, active omitted", REP_TEXT, "confluence", 200, 0, CONF, "ok",
	  "", NULL, NOH, "name: fred\ndisplayName: Fred\ntype: known\n" },
	{ "text: failure writes nothing", REP_TEXT, "jira", 401, 3, NULL, "rejected", "", REJ,
	  { "AUTHENTICATED_FAILED", "1x2", NULL, NULL }, "" },
	{ "text: failure with a body writes nothing", REP_TEXT, "jira", 200, 7, "{\"displayName\":\"x\"}",
	  "no-user", "", "no user", NOH, "" },
	{ "text: control characters escaped, one line each", REP_TEXT, "jira", 200, 0,
	  "{\"name\":\"a\\\\b\",\"displayName\":\"\\u001b[31mred\\nx\\ty\\u009b\\u007f\"}", "ok", "", NULL, NOH,
	  "name: a\\\\b\ndisplayName: \\x1b[31mred\\nx\\ty\\u009b\\x7f\n" },

	/* JSON */
	{ "json: Jira user", REP_JSON, "jira", 200, 0, FRED, "ok", "", NULL, NOH,
	  "{\"ok\":true,\"exit\":0,\"product\":\"jira\",\"status\":200,\"name\":\"fred\","
	  "\"displayName\":\"Fred F. User\",\"active\":true,\"emailAddress\":\"fred@example.com\"}\n" },
	{ "json: every field, in order; name wins over username", REP_JSON, "jira", 200, 1, ALL, "inactive", "",
	  NULL, NOH,
	  "{\"ok\":true,\"exit\":1,\"product\":\"jira\",\"status\":200,\"name\":\"n\","
	  "\"displayName\":\"D\",\"active\":false,\"accountId\":\"acc\",\"type\":\"known\",\"emailAddress\":\"e@x\"}\n" },
	{ "json: Confluence, username shown as name, active omitted", REP_JSON, "confluence", 200, 0, CONF, "ok",
	  "", NULL, NOH,
	  "{\"ok\":true,\"exit\":0,\"product\":\"confluence\",\"status\":200,\"name\":\"fred\","
	  "\"displayName\":\"Fred\",\"type\":\"known\"}\n" },
	{ "json: --from-file, no product or status", REP_JSON, NULL, 0, 0, FRED, "ok", "", NULL, NOH,
	  "{\"ok\":true,\"exit\":0,\"name\":\"fred\",\"displayName\":\"Fred F. User\",\"active\":true,"
	  "\"emailAddress\":\"fred@example.com\"}\n" },
	{ "json: rejected, reason and requestId", REP_JSON, "jira", 401, 3, NULL, "rejected", "", REJ,
	  { "AUTHENTICATED_FAILED", "1x2", NULL, NULL },
	  "{\"ok\":false,\"exit\":3,\"product\":\"jira\",\"status\":401,\"error\":\"" REJ "\","
	  "\"kind\":\"rejected\",\"reason\":\"AUTHENTICATED_FAILED\",\"requestId\":\"1x2\"}\n" },
	{ "json: failure never lists user fields", REP_JSON, "confluence", 200, 3, CONF, "anonymous", "",
	  "Confluence answered as the anonymous user", NOH,
	  "{\"ok\":false,\"exit\":3,\"product\":\"confluence\",\"status\":200,"
	  "\"error\":\"Confluence answered as the anonymous user\",\"kind\":\"anonymous\"}\n" },
	{ "json: CAPTCHA with loginUrl", REP_JSON, "jira", 403, 4, NULL, "captcha", "https://j/login.jsp",
	  "CAPTCHA lockout", { "AUTHENTICATION_DENIED", NULL, NULL, NULL },
	  "{\"ok\":false,\"exit\":4,\"product\":\"jira\",\"status\":403,\"error\":\"CAPTCHA lockout\","
	  "\"kind\":\"captcha\",\"reason\":\"AUTHENTICATION_DENIED\",\"loginUrl\":\"https://j/login.jsp\"}\n" },
	{ "json: redirect with location", REP_JSON, "jira", 302, 7, NULL, "redirect", "", "HTTP 302 redirect",
	  { NULL, NULL, NULL, "https://sso.example/login?x=1&y=\"2\"" },
	  "{\"ok\":false,\"exit\":7,\"product\":\"jira\",\"status\":302,\"error\":\"HTTP 302 redirect\","
	  "\"kind\":\"redirect\",\"location\":\"https://sso.example/login?x=1&y=\\\"2\\\"\"}\n" },
	{ "json: 429 with retryAfter", REP_JSON, "jira", 429, 7, NULL, "rate-limited", "", "HTTP 429",
	  { NULL, "r", "30", NULL },
	  "{\"ok\":false,\"exit\":7,\"product\":\"jira\",\"status\":429,\"error\":\"HTTP 429\","
	  "\"kind\":\"rate-limited\",\"requestId\":\"r\",\"retryAfter\":\"30\"}\n" },
	{ "json: transport error, no classification", REP_JSON, "jira", 0, 5, NULL, NULL, NULL,
	  "cannot connect to jira.example.com port 443: Connection refused", NOH,
	  "{\"ok\":false,\"exit\":5,\"product\":\"jira\","
	  "\"error\":\"cannot connect to jira.example.com port 443: Connection refused\"}\n" },
	{ "json: error text escaped", REP_JSON, NULL, 0, 2, NULL, NULL, NULL, "bad \"x\"\n\\\x1b", NOH,
	  "{\"ok\":false,\"exit\":2,\"error\":\"bad \\\"x\\\"\\n\\\\\\u001b\"}\n" },

	/* env */
	{ "env: Jira user", REP_ENV, "jira", 200, 0, FRED, "ok", "", NULL, NOH,
	  "ATLWHO_OK='true'\nATLWHO_EXIT='0'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='200'\n"
	  "ATLWHO_NAME='fred'\nATLWHO_DISPLAYNAME='Fred F. User'\nATLWHO_ACTIVE='true'\n"
	  "ATLWHO_EMAILADDRESS='fred@example.com'\n" },
	{ "env: every field, in order; name wins over username", REP_ENV, "jira", 200, 1, ALL, "inactive", "",
	  NULL, NOH,
	  "ATLWHO_OK='true'\nATLWHO_EXIT='1'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='200'\n"
	  "ATLWHO_NAME='n'\nATLWHO_DISPLAYNAME='D'\nATLWHO_ACTIVE='false'\n"
	  "ATLWHO_ACCOUNTID='acc'\nATLWHO_TYPE='known'\nATLWHO_EMAILADDRESS='e@x'\n" },
	{ "env: Confluence, username shown as ATLWHO_NAME, active omitted", REP_ENV, "confluence", 200, 0, CONF,
	  "ok", "", NULL, NOH,
	  "ATLWHO_OK='true'\nATLWHO_EXIT='0'\nATLWHO_PRODUCT='confluence'\nATLWHO_STATUS='200'\n"
	  "ATLWHO_NAME='fred'\nATLWHO_DISPLAYNAME='Fred'\nATLWHO_TYPE='known'\n" },
	{ "env: rejected", REP_ENV, "jira", 401, 3, NULL, "rejected", "", REJ,
	  { "AUTHENTICATED_FAILED", "1x2", NULL, NULL },
	  "ATLWHO_OK='false'\nATLWHO_EXIT='3'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='401'\n"
	  "ATLWHO_ERROR='" REJ "'\nATLWHO_KIND='rejected'\nATLWHO_REASON='AUTHENTICATED_FAILED'\n"
	  "ATLWHO_REQUESTID='1x2'\n" },
	{ "env: CAPTCHA", REP_ENV, "jira", 403, 4, NULL, "captcha", "https://j/login.jsp", "locked",
	  { NULL, NULL, NULL, NULL },
	  "ATLWHO_OK='false'\nATLWHO_EXIT='4'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='403'\n"
	  "ATLWHO_ERROR='locked'\nATLWHO_KIND='captcha'\nATLWHO_LOGINURL='https://j/login.jsp'\n" },
	{ "env: 503 with Retry-After and Location", REP_ENV, "jira", 503, 7, NULL, "unavailable", "", "HTTP 503",
	  { NULL, NULL, "120", "/x" },
	  "ATLWHO_OK='false'\nATLWHO_EXIT='7'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='503'\n"
	  "ATLWHO_ERROR='HTTP 503'\nATLWHO_KIND='unavailable'\nATLWHO_RETRYAFTER='120'\nATLWHO_LOCATION='/x'\n" },
	{ "env: transport error", REP_ENV, NULL, 0, 6, NULL, NULL, NULL, "it's TLS", NOH,
	  "ATLWHO_OK='false'\nATLWHO_EXIT='6'\nATLWHO_ERROR='it'\\''s TLS'\n" },
};

static void test_rows(void)
{
	size_t r;

	for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct row *w = &rows[r];
		struct rep_info ri;
		struct cl_result cl;
		struct cl_headers h;
		size_t n;
		char *out;

		memset(&ri, 0, sizeof ri);
		memset(&cl, 0, sizeof cl);
		memset(&h, 0, sizeof h);
		ri.product = w->product;
		ri.status = w->status;
		ri.exit = w->exit;
		ri.js = w->body ? scan(w->body) : NULL;
		ri.error = w->error;
		if (w->reason) {
			cl.exit = w->exit;
			cl.reason = w->reason;
			snprintf(cl.login_url, sizeof cl.login_url, "%s", w->login_url);
			ri.cl = &cl;
		}
		if (w->h.seraph || w->h.reqid || w->h.retry || w->h.location || w->exit >= 2) {
			h.seraph = w->h.seraph;
			h.requestid = w->h.reqid;
			h.retry_after = w->h.retry;
			h.location = w->h.location;
			if (w->status)
				ri.h = &h; /* transport errors have no headers */
		}
		out = capture(w->fmt, &ri, &n);
		T_EQ_MEM(out, n, w->want, strlen(w->want), w->label);
		free(out);
		if (w->fmt == REP_JSON && py_ok) {
			int ok;
			char *v = py_field("ok", &ok);
			T_CHECK(ok, w->label);
			T_EQ_STR(v, w->exit <= 1 ? "54727565" : "46616c7365", w->label); /* "True" / "False" */
			free(v);
		}
		if (w->fmt == REP_ENV) {
			int ok;
			char *v = sh_var("ATLWHO_ERROR", &n, &ok);
			T_CHECK(ok, w->label);
			T_EQ_MEM(v, n, w->error ? w->error : "", w->error ? strlen(w->error) : 0, w->label);
			free(v);
		}
	}
}

/* Hostile values: every field of one reply, through all three formats. */
static const char *const hostile[] = {
	/* quotes, $(), backticks, ; and & */
	("{\"name\":\"o'brien\\\"; $(touch pwned) `touch pwned2` ${HOME} && rm -rf x; '\","
	"\"displayName\":\"'\\u001b]0;title\\u0007\\u001b[2J\\u001b[31mred'\\n\\r\\nline2\","
	"\"emailAddress\":\"a\\\\b\\\\\\\\c\\t\\u0000d\",\"active\":true}"),
	/* C1 controls, bidi overrides, lone surrogates, non-ASCII */
	("{\"username\":\"\\u009b31m\\u0085\\u202emoc.evil\\u2028x\",\"accountId\":\"\\ud800x\\udc00\","
	"\"displayName\":\"Luk\\u00e1\\u0161 \\u4e2d\\ud83d\\ude00\",\"type\":\"'\\\"'\\\"\\n\"}"),
	/* only quotes and newlines, the value ending in a newline */
	"{\"name\":\"''''\",\"displayName\":\"\\n\\n\",\"type\":\"end\\n\"}",
};

static const char *const envname[JS_NFIELDS] = {
	[JS_NAME] = "ATLWHO_NAME", [JS_USERNAME] = "ATLWHO_USERNAME",
	[JS_DISPLAYNAME] = "ATLWHO_DISPLAYNAME", [JS_ACCOUNTID] = "ATLWHO_ACCOUNTID",
	[JS_TYPE] = "ATLWHO_TYPE", [JS_EMAIL] = "ATLWHO_EMAILADDRESS",
};

/* What the report shows under field i's key (NULL: nothing): one
 * vocabulary, so name is Jira's name or else Confluence's username, and
 * username is never a key of its own. */
static const struct js_str *shown(const struct js_scanner *s, int i)
{
	if (i == JS_USERNAME)
		return NULL;
	if (i == JS_NAME && !s->f[JS_NAME].present)
		i = JS_USERNAME;
	return s->f[i].present ? &s->f[i] : NULL;
}

static int text_safe(const char *s, size_t n, int *lines)
{
	size_t i;

	*lines = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			++*lines;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return 0; /* a UTF-8 encoded C1 control */
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (((unsigned char)s[i + 2] >= 0xa8 && (unsigned char)s[i + 2] <= 0xae)))
			return 0; /* U+2028, U+2029, U+202A..U+202E */
	}
	return 1;
}

static void test_hostile(void)
{
	size_t k;
	int i;

	for (k = 0; k < sizeof hostile / sizeof hostile[0]; k++) {
		const struct js_scanner *s = scan(hostile[k]);
		struct rep_info ri;
		struct cl_result cl;
		char label[80], pwned[300];
		int nfields = 0, lines, ok;
		size_t n;
		char *out;

		memset(&ri, 0, sizeof ri);
		memset(&cl, 0, sizeof cl);
		cl.reason = "ok";
		ri.product = "jira";
		ri.status = 200;
		ri.exit = 0;
		ri.js = s;
		ri.cl = &cl;
		for (i = 0; i < JS_NFIELDS; i++)
			nfields += shown(s, i) != NULL;
		nfields += s->active >= 0;

		/* text: one line per field, nothing a terminal would act on */
		out = capture(REP_TEXT, &ri, &n);
		snprintf(label, sizeof label, "hostile %zu: text is safe", k);
		T_CHECK(text_safe(out, n, &lines), label);
		T_EQ_INT(lines, nfields, label);
		free(out);

		/* JSON: parses, and gives each value back */
		out = capture(REP_JSON, &ri, &n);
		free(out);
		for (i = 0; i < JS_NFIELDS && py_ok; i++) {
			const struct js_str *f = shown(s, i);
			char *v, *want = t_xmalloc(2 * (f ? f->len : 0) + 7);
			if (f)
				hex(f->buf, f->len, want);
			else
				strcpy(want, "ABSENT");
			v = py_field(js_field_key(i), &ok);
			snprintf(label, sizeof label, "hostile %zu: JSON %s round trip", k, js_field_key(i));
			T_CHECK(ok, label);
			T_EQ_STR(v, want, label);
			free(v);
			free(want);
		}

		/* env: sh gives back the same bytes (NUL as U+FFFD), runs nothing */
		out = capture(REP_ENV, &ri, &n);
		free(out);
		for (i = 0; i < JS_NFIELDS; i++) {
			const struct js_str *f = shown(s, i);
			char *v, *want = t_xmalloc(3 * (f ? f->len : 0) + 1);
			size_t j, wl = 0;
			for (j = 0; f && j < f->len; j++) {
				if (f->buf[j] == 0) {
					memcpy(want + wl, "\xef\xbf\xbd", 3);
					wl += 3;
				} else {
					want[wl++] = f->buf[j];
				}
			}
			v = sh_var(envname[i], &n, &ok);
			snprintf(label, sizeof label, "hostile %zu: env %s round trip", k, envname[i]);
			T_CHECK(ok, label);
			T_EQ_MEM(v, n, want, wl, label);
			free(v);
			free(want);
		}
		snprintf(pwned, sizeof pwned, "%s/pwned", dir);
		T_CHECK(access(pwned, F_OK) != 0, "env output ran no command substitution");
		snprintf(pwned, sizeof pwned, "%s/pwned2", dir);
		T_CHECK(access(pwned, F_OK) != 0, "env output ran no backticks");
	}
}

/* A report larger than REP_BUF (every field JS_FIELD_MAX ESC bytes):
 * written whole and in order through rep_write's flushes. */
static void test_big(void)
{
	static char body[8 * 6 * JS_FIELD_MAX];
	static char want[8 * 6 * JS_FIELD_MAX];
	size_t bl = 0, wl = 0, n;
	struct rep_info ri;
	int i, j, ok;
	char *out, *v;

	bl += (size_t)sprintf(body + bl, "{");
	for (i = 0; i < JS_NFIELDS; i++) {
		bl += (size_t)sprintf(body + bl, "%s\"%s\":\"", i ? "," : "", js_field_key(i));
		for (j = 0; j < JS_FIELD_MAX; j++)
			bl += (size_t)sprintf(body + bl, "\\u001b");
		bl += (size_t)sprintf(body + bl, "\"");
	}
	sprintf(body + bl, "}");
	memset(&ri, 0, sizeof ri);
	ri.js = scan(body);
	ri.exit = 0;

	wl += (size_t)sprintf(want + wl, "{\"ok\":true,\"exit\":0");
	for (i = 0; i < JS_NFIELDS - 1; i++) {
		static const int order[] = { JS_NAME, JS_DISPLAYNAME, JS_ACCOUNTID, JS_TYPE, JS_EMAIL };
		wl += (size_t)sprintf(want + wl, ",\"%s\":\"", js_field_key(order[i]));
		for (j = 0; j < JS_FIELD_MAX; j++)
			wl += (size_t)sprintf(want + wl, "\\u001b");
		wl += (size_t)sprintf(want + wl, "\"");
	}
	wl += (size_t)sprintf(want + wl, "}\n");
	out = capture(REP_JSON, &ri, &n);
	T_CHECK(wl > 8192, "the big report spans several pages");
	T_EQ_MEM(out, n, want, wl, "big JSON report written whole, in order");
	free(out);
	if (py_ok) {
		v = py_field("displayName", &ok);
		T_CHECK(ok, "big JSON report parses");
		T_EQ_INT(strlen(v), 2 * JS_FIELD_MAX, "big JSON displayName round trip");
		free(v);
	}
}

/* rep_write: small writes are buffered, a write larger than the buffer goes
 * straight out after what was buffered before it. */
static void test_writer(void)
{
	static struct rep_buf b;
	static char big[REP_BUF + 100], want[REP_BUF + 200];
	FILE *f = fopen(path_out, "w+");
	size_t n, wl = 0;
	char *got;

	if (!f) {
		perror(path_out);
		exit(2);
	}
	memset(big, 'B', sizeof big);
	rep_init(&b, fileno(f));
	rep_str(&b, "head ");
	rep_write(&b, big, sizeof big);
	rep_str(&b, " mid ");
	rep_write(&b, big, REP_BUF - 5); /* exactly fills the buffer after " mid " */
	rep_str(&b, "tail");
	rep_flush(&b);
	rep_flush(&b); /* nothing left: writes nothing */
	fseek(f, 0, SEEK_END);
	n = (size_t)ftell(f);
	rewind(f);
	got = t_xmalloc(n);
	n = fread(got, 1, n, f);
	fclose(f);

	memcpy(want + wl, "head ", 5);
	wl += 5;
	memcpy(want + wl, big, sizeof big);
	wl += sizeof big;
	memcpy(want + wl, " mid ", 5);
	wl += 5;
	T_EQ_INT(n, wl + REP_BUF - 5 + 4, "rep_write: every byte written");
	T_EQ_MEM(got, n < wl ? n : wl, want, wl, "rep_write: order kept around a large write");
	T_CHECK(n >= wl + 4 && memcmp(got + n - 4, "tail", 4) == 0, "rep_write: tail last");
	free(got);
}

/* A field that held a run of the token is shown as RD_MARK in every format,
 * judged on its whole decoded value: past the cap, behind \u escapes and
 * \/, and whatever quotes or backslashes the token has. */
static void test_secret(void)
{
	static const char tok[] = "tok\"with\\back'slash/0123456789";
	static char body[4096];
	static struct rd_set set;
	static struct js_scanner sj;
	static const enum rep_format fmts[] = { REP_TEXT, REP_JSON, REP_ENV };
	struct rep_info ri;
	size_t n, k;
	int ok, rc;
	char *out, *v, label[120];

	rd_init(&set, tok, strlen(tok));
	/* displayName: the token after 1100 bytes (past JS_FIELD_MAX);
	 * emailAddress: the token with \u and \/ escapes; name: not secret */
	n = (size_t)snprintf(body, sizeof body, "{\"name\":\"fred\",\"displayName\":\"");
	memset(body + n, 'x', 1100);
	n += 1100;
	n += (size_t)snprintf(body + n, sizeof body - n, "tok\\\"with\\\\back'slash/0123456789\","
	    "\"emailAddress\":\"\\u0074ok\\\"with\\\\back'slash\\/01234\\u0035\\u00366789\",\"active\":true}");
	js_init(&sj);
	sj.rd = &set;
	rc = js_feed(&sj, body, n);
	if (rc == JS_OK)
		rc = js_finish(&sj);
	T_EQ_INT(rc, JS_OK, "secret: the body scans");
	T_CHECK(sj.f[JS_DISPLAYNAME].secret && sj.f[JS_DISPLAYNAME].truncated,
	    "secret: a run past the cap marks the cut field secret");
	T_CHECK(sj.f[JS_EMAIL].secret, "secret: a run behind escapes marks the field secret");
	T_CHECK(!sj.f[JS_NAME].secret, "secret: the user name is not");
	memset(&ri, 0, sizeof ri);
	ri.product = "jira";
	ri.status = 200;
	ri.js = &sj;
	for (k = 0; k < 3; k++) {
		static const char *const want[] = {
			"name: fred\ndisplayName: <redacted>\nactive: true\nemailAddress: <redacted>\n",
			"{\"ok\":true,\"exit\":0,\"product\":\"jira\",\"status\":200,\"name\":\"fred\","
			"\"displayName\":\"<redacted>\",\"active\":true,\"emailAddress\":\"<redacted>\"}\n",
			"ATLWHO_OK='true'\nATLWHO_EXIT='0'\nATLWHO_PRODUCT='jira'\nATLWHO_STATUS='200'\n"
			"ATLWHO_NAME='fred'\nATLWHO_DISPLAYNAME='<redacted>'\nATLWHO_ACTIVE='true'\n"
			"ATLWHO_EMAILADDRESS='<redacted>'\n",
		};
		out = capture(fmts[k], &ri, &n);
		snprintf(label, sizeof label, "secret: format %zu shows the mark, whole", k);
		T_EQ_MEM(out, n, want[k], strlen(want[k]), label);
		free(out);
	}
	if (py_ok) {
		out = capture(REP_JSON, &ri, &n);
		free(out);
		v = py_field("displayName", &ok);
		T_EQ_STR(v, "3c72656461637465643e", "secret: JSON parses back to the mark");
		free(v);
	}
}

/* A write that fails is sticky (report.h): the first error is kept, with
 * its errno text, and nothing more is tried. */
static void test_lost(void)
{
	static struct rep_buf b;
	const char *why;
	char c;
	int p[2], fd;

	signal(SIGPIPE, SIG_IGN); /* as sys_harden */
	fd = open(path_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rep_init(&b, fd);
	rep_str(&b, "fine\n");
	rep_flush(&b);
	T_EQ_INT(rep_lost(&b, &why), 0, "a file takes it: nothing lost");
	close(fd);

	if (pipe(p) != 0)
		return;
	close(p[0]);
	rep_init(&b, p[1]);
	rep_str(&b, "x");
	rep_flush(&b);
	T_EQ_INT(rep_lost(&b, &why), SYS_E_IO, "a pipe without its reader: SYS_E_IO");
	T_EQ_STR(why, "Broken pipe", "its errno text");
	close(p[1]);

	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		rep_init(&b, fd);
		rep_str(&b, "x");
		rep_flush(&b);
		T_EQ_INT(rep_lost(&b, &why), SYS_E_IO, "/dev/full: SYS_E_IO");
		T_EQ_STR(why, "No space left on device", "its errno text");
		close(fd);
	}

	/* A full non-blocking pipe and no deadline (rep_init's): lost at once;
	 * once drained, a later write is still not tried. */
	if (pipe(p) != 0)
		return;
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (write(p[1], "#", 1) == 1)
		;
	rep_init(&b, p[1]);
	rep_str(&b, "x");
	rep_flush(&b);
	T_EQ_INT(rep_lost(&b, &why), SYS_E_TIMEOUT, "a full non-blocking pipe, no deadline: SYS_E_TIMEOUT");
	while (read(p[0], &c, 1) == 1)
		;
	rep_str(&b, "y");
	rep_flush(&b);
	T_EQ_INT(rep_lost(&b, &why), SYS_E_TIMEOUT, "sticky: the first error is kept");
	T_CHECK(read(p[0], &c, 1) < 0 && errno == EAGAIN, "sticky: nothing more was written");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	int st;
	size_t n;
	char *v;

	snprintf(dir, sizeof dir, "%s/atlwho-test-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	snprintf(path_out, sizeof path_out, "%s/out", dir);
	v = run("python3 -c 'print(1)'", &n, &st);
	py_ok = st == 0 && strcmp(v, "1\n") == 0;
	free(v);
	T_CHECK(py_ok, "python3 runs (JSON checks need it)");

	test_rows();
	test_hostile();
	test_big();
	test_writer();
	test_secret();
	test_lost();

	remove(path_out);
	rmdir(dir);
	return t_done();
}
