/* test_step.c: the check's policy (src/step.c) as a table: a reply's head
 * (through the real HTTP parser) and where the check stands -> what it
 * leads to, its wait and its target; the retry of a failed exchange; the
 * back-off and Retry-After arithmetic. */
#include "step.h"
#include "t.h"

#include <stdio.h>
#include <string.h>

#define BASE_HTTPS "https://jira.example.com/jira"
#define BASE_HTTP "http://jira.example.com:8080"

/* Flags of a row's state. */
enum {
	F_AUTO = 1,      /* -p auto without --path */
	F_CONF = 2,      /* Confluence's endpoint was asked */
	F_FOLLOW = 4,    /* -L */
	F_REDIRS = 8,    /* --max-redirs already reached */
	F_RETRY = 16,    /* --retry 3, none used */
	F_LATE = 32,     /* 1 s left before the deadline */
	F_HTTP = 64,     /* BASE_URL is http:// */
};

struct row {
	const char *label;
	const char *head;            /* the reply's head, CRLF-terminated */
	int flags;
	int act;                     /* enum step_act */
	long wait;                   /* STEP_RETRY's wait, or -1: not checked */
	const char *target;          /* the resolved target, "" for none */
	const char *why;             /* a fragment of why, "" for none */
};

#define H(s) "HTTP/1.1 " s "\r\n"
#define END "Content-Length: 0\r\n\r\n"

static const struct row rows[] = {
	{ "200 ends the check", H("200 OK") END, F_AUTO | F_RETRY, STEP_DONE, -1, "", "" },
	{ "401 ends it, never retried", H("401 Unauthorized") END, F_AUTO | F_RETRY, STEP_DONE, -1, "", "" },
	{ "Jira 404 under auto: Confluence next", H("404 Not Found") END, F_AUTO, STEP_FALLBACK, -1, "", "" },
	{ "Confluence's 404 ends it", H("404 Not Found") END, F_AUTO | F_CONF, STEP_DONE, -1, "", "" },
	{ "404 with -p jira ends it", H("404 Not Found") END, 0, STEP_DONE, -1, "", "" },
	{ "same-origin redirect followed with -L", H("302 Found") "Location: /jira/rest/api/2/myself?x=1\r\n" END,
	  F_FOLLOW, STEP_FOLLOW, -1, "https://jira.example.com/jira/rest/api/2/myself?x=1", "" },
	{ "same-origin redirect without -L: shown, not followed", H("301 Moved") "Location: /other\r\n" END,
	  0, STEP_DONE, -1, "https://jira.example.com/other", "" },
	{ "307 and 308 are redirects", H("308 Permanent Redirect") "Location: /x\r\n" END, F_FOLLOW,
	  STEP_FOLLOW, -1, "https://jira.example.com/x", "" },
	{ "303 is a redirect", H("303 See Other") "Location: /y\r\n" END, F_FOLLOW, STEP_FOLLOW, -1,
	  "https://jira.example.com/y", "" },
	{ "300 is not", H("300 Multiple Choices") "Location: /z\r\n" END, F_FOLLOW, STEP_DONE, -1, "", "" },
	{ "304 is not", H("304 Not Modified") "Location: /z\r\n\r\n", F_FOLLOW, STEP_DONE, -1, "", "" },
	{ "another origin is never followed", H("302 Found") "Location: https://evil.example/\r\n" END,
	  F_FOLLOW, STEP_DONE, -1, "https://evil.example/", "" },
	{ "another port is another origin", H("302 Found") "Location: https://jira.example.com:8443/\r\n" END,
	  F_FOLLOW, STEP_DONE, -1, "https://jira.example.com:8443/", "" },
	{ "http to https on the same host is followed", H("301 Moved") "Location: https://jira.example.com/\r\n" END,
	  F_FOLLOW | F_HTTP, STEP_FOLLOW, -1, "https://jira.example.com/", "" },
	{ "https to http never", H("301 Moved") "Location: http://jira.example.com/jira/x\r\n" END,
	  F_FOLLOW, STEP_DONE, -1, "http://jira.example.com/jira/x", "" },
	{ "--max-redirs reached", H("302 Found") "Location: /a\r\n" END, F_FOLLOW | F_REDIRS, STEP_DONE, -1,
	  "https://jira.example.com/a", "" },
	{ "a redirect without Location ends it", H("302 Found") END, F_FOLLOW, STEP_DONE, -1, "", "" },
	{ "two different Locations are not followed", H("302 Found") "Location: /a\r\nLocation: /b\r\n" END,
	  F_FOLLOW, STEP_DONE, -1, "", "two Location fields" },
	{ "an unparsable Location is not followed", H("302 Found") "Location: ftp://x/\r\n" END,
	  F_FOLLOW, STEP_DONE, -1, "", "cannot be used" },
	{ "429 with Retry-After: 2, --retry left", H("429 Too Many") "Retry-After: 2\r\n" END, F_RETRY,
	  STEP_RETRY, 2000, "", "" },
	{ "503 without Retry-After: the back-off", H("503 Unavailable") END, F_RETRY, STEP_RETRY, 1000, "", "" },
	{ "Retry-After as an HTTP-date: the back-off", H("429 Too Many") "Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n"
	  END, F_RETRY, STEP_RETRY, 1000, "", "" },
	{ "Retry-After past the deadline: done", H("429 Too Many") "Retry-After: 5\r\n" END, F_RETRY | F_LATE,
	  STEP_DONE, -1, "", "" },
	{ "429 without --retry: done", H("429 Too Many") "Retry-After: 1\r\n" END, 0, STEP_DONE, -1, "", "" },
	{ "a huge Retry-After is capped, then past the deadline", H("503 Unavailable") "Retry-After: 99999999999\r\n"
	  END, F_RETRY, STEP_DONE, -1, "", "" },
};

static struct http_resp resp; /* ~25 KiB */

static void feed(const char *head)
{
	size_t used;

	http_resp_init(&resp, 0);
	(void)http_resp_feed(&resp, head, strlen(head), &used);
}

static void test_rows(void)
{
	static struct url base, cur;
	size_t i;
	char e[200], target[URL_HOST_MAX + URL_PATH_MAX + 16];

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *w = &rows[i];
		struct step_state s;
		static struct step out;

		T_EQ_INT(url_parse(&base, (w->flags & F_HTTP) ? BASE_HTTP : BASE_HTTPS, e, sizeof e), URL_OK, w->label);
		cur = base;
		T_EQ_INT(url_append(&cur, "/rest/api/2/myself", e, sizeof e), URL_OK, w->label);
		feed(w->head);
		memset(&s, 0, sizeof s);
		s.base = &base;
		s.cur = &cur;
		s.auto_product = !!(w->flags & F_AUTO);
		s.asked_confluence = !!(w->flags & F_CONF);
		s.follow = !!(w->flags & F_FOLLOW);
		s.max_redirs = 5;
		s.redirs = (w->flags & F_REDIRS) ? 5 : 0;
		s.max_retries = (w->flags & F_RETRY) ? 3 : 0;
		s.backoff = STEP_RETRY_FIRST_MS;
		s.now = 1000000;
		s.deadline = s.now + ((w->flags & F_LATE) ? 1000 : 30000);
		memset(&out, 0x5a, sizeof out); /* step_reply must set what it reports */
		step_reply(&s, &resp, &out);
		T_EQ_INT(out.act, w->act, w->label);
		if (w->wait >= 0)
			T_EQ_INT(out.wait_ms, w->wait, w->label);
		target[0] = '\0';
		if (out.has_target)
			url_format(&out.next, target, sizeof target);
		T_EQ_STR(target, w->target, w->label);
		T_CHECK(memchr(out.why, 0, sizeof out.why) != NULL && strstr(out.why, w->why) != NULL &&
		    (*w->why || !*out.why), w->label);
		if (!strstr(out.why, w->why))
			fprintf(stderr, "  why: \"%s\"\n", out.why);
	}
}

static void test_failure(void)
{
	static const struct { const char *label; int net, connected, retries, late, act; } f[] = {
		{ "connect failed, retries left: retry", 1, 0, 0, 0, STEP_RETRY },
		{ "connected, then failed: never again (the token may have gone out)", 1, 1, 0, 0, STEP_DONE },
		{ "a TLS or HTTP failure is not retried", 0, 0, 0, 0, STEP_DONE },
		{ "no retries left", 1, 0, 3, 0, STEP_DONE },
		{ "the back-off would pass the deadline", 1, 0, 0, 1, STEP_DONE },
	};
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		struct step_state s;
		static struct step out;
		memset(&s, 0, sizeof s);
		s.max_retries = 3;
		s.retries = f[i].retries;
		s.backoff = 4000;
		s.now = 50;
		s.deadline = f[i].late ? 3000 : 60000;
		step_failure(&s, f[i].net, f[i].connected, &out);
		T_EQ_INT(out.act, f[i].act, f[i].label);
		if (out.act == STEP_RETRY)
			T_EQ_INT(out.wait_ms, 4000, f[i].label);
	}
}

static void test_arithmetic(void)
{
	long b = STEP_RETRY_FIRST_MS;
	int i;

	for (i = 0; i < 20; i++)
		b = step_backoff_next(b);
	T_EQ_INT(b, STEP_RETRY_CAP_MS, "back-off doubles up to the cap and stays there");
	T_EQ_INT(step_backoff_next(1000), 2000, "back-off doubles");
	T_EQ_INT(step_retry_after_ms("0"), 0, "Retry-After: 0");
	T_EQ_INT(step_retry_after_ms("120"), 120000, "Retry-After: 120");
	T_EQ_INT(step_retry_after_ms("600"), 600000, "Retry-After at the cap");
	T_EQ_INT(step_retry_after_ms("601"), STEP_RETRY_CAP_MS, "Retry-After capped");
	T_EQ_INT(step_retry_after_ms("99999999999999999999999"), STEP_RETRY_CAP_MS, "Retry-After capped, no overflow");
	T_EQ_INT(step_retry_after_ms(""), -1, "empty Retry-After");
	T_EQ_INT(step_retry_after_ms("1.5"), -1, "Retry-After 1.5");
	T_EQ_INT(step_retry_after_ms("-1"), -1, "Retry-After -1");
	T_EQ_INT(step_retry_after_ms("Wed, 21 Oct 2026 07:28:00 GMT"), -1, "Retry-After as a date");
}

int main(void)
{
	test_rows();
	test_failure();
	test_arithmetic();
	return t_done();
}
