/* test_proxy.c: proxy URLs, Basic credentials, no_proxy and proxy choice.
 * Table-driven, bad inputs included. */
#include "t.h"
#include "proxy.h"

#include <string.h>

struct parse_row {
	const char *in;
	int rc;
	const char *host;
	int ipv6;
	unsigned port;
	int has_auth;
	const char *user;
	const char *pass;
};

static const struct parse_row parse_rows[] = {
	{ "http://proxy.example.com:3128", PX_OK, "proxy.example.com", 0, 3128, 0, "", "" },
	{ "http://proxy.example.com:3128/", PX_OK, "proxy.example.com", 0, 3128, 0, "", "" },
	{ "HTTP://Proxy:8080", PX_OK, "proxy", 0, 8080, 0, "", "" },
	{ "http://proxy", PX_OK, "proxy", 0, 1080, 0, "", "" },
	{ "proxy:3128", PX_OK, "proxy", 0, 3128, 0, "", "" },
	{ "proxy", PX_OK, "proxy", 0, 1080, 0, "", "" },
	{ "10.0.0.1:8080", PX_OK, "10.0.0.1", 0, 8080, 0, "", "" },
	{ "[::1]:3128", PX_OK, "::1", 1, 3128, 0, "", "" },
	{ "http://[fd00::1]", PX_OK, "fd00::1", 1, 1080, 0, "", "" },
	{ "http://user:pass@proxy:3128", PX_OK, "proxy", 0, 3128, 1, "user", "pass" },
	{ "user:pass@proxy:3128", PX_OK, "proxy", 0, 3128, 1, "user", "pass" },
	{ "http://user@proxy:3128", PX_OK, "proxy", 0, 3128, 1, "user", "" },
	{ "http://user:@proxy:3128", PX_OK, "proxy", 0, 3128, 1, "user", "" },
	{ "http://:pass@proxy:3128", PX_OK, "proxy", 0, 3128, 1, "", "pass" },
	{ "http://us%40er:p%3Ass%25w%2Fd@proxy:1", PX_OK, "proxy", 0, 1, 1, "us@er", "p:ss%w/d" },
	{ "http://user:p:a:ss@proxy", PX_OK, "proxy", 0, 1080, 1, "user", "p:a:ss" },
	{ "http://user:p@ss@proxy", PX_OK, "proxy", 0, 1080, 1, "user", "p@ss" },
	{ "http://us+er:pa+ss@proxy", PX_OK, "proxy", 0, 1080, 1, "us+er", "pa+ss" },
	{ "http://%C3%A9:%E2%82%AC@proxy", PX_OK, "proxy", 0, 1080, 1, "\xc3\xa9", "\xe2\x82\xac" },
	{ "http://DOMAIN%5Cuser:x@[::1]:8080/", PX_OK, "::1", 1, 8080, 1, "DOMAIN\\user", "x" },
	/* bad */
	{ "", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "https://proxy:443", PX_E_SCHEME, "", 0, 0, 0, "", "" },
	{ "socks5://proxy:1080", PX_E_SCHEME, "", 0, 0, 0, "", "" },
	{ "socks5h://proxy:1080", PX_E_SCHEME, "", 0, 0, 0, "", "" },
	{ "socks4a://proxy", PX_E_SCHEME, "", 0, 0, 0, "", "" },
	{ "ftp://proxy", PX_E_SCHEME, "", 0, 0, 0, "", "" },
	{ "http://", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://user:pass@", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://:3128", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://proxy:0", PX_E_PORT, "", 0, 0, 0, "", "" },
	{ "http://proxy:65536", PX_E_PORT, "", 0, 0, 0, "", "" },
	{ "http://proxy:", PX_E_PORT, "", 0, 0, 0, "", "" },
	{ "http://proxy:abc", PX_E_PORT, "", 0, 0, 0, "", "" },
	{ "http://proxy:3128/path", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://proxy:3128?x", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://proxy:3128#x", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://pro xy", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://proxy\r\n", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://pr\xc3\xb6xy", PX_E_SYNTAX, "", 0, 0, 0, "", "" },
	{ "http://::1:3128", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://[::1:3128", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://a..b", PX_E_HOST, "", 0, 0, 0, "", "" },
	{ "http://us%3Aer:x@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%00y@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%0d%0ay@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%7fy@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%4@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%zz@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
	{ "http://user:x%@proxy", PX_E_CRED, "", 0, 0, 0, "", "" },
};

static void test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		struct px p;
		char err[256] = "";
		int rc = px_parse(&p, r->in, err, sizeof(err));

		T_EQ_INT(rc, r->rc, r->in);
		if (rc != r->rc)
			fprintf(stderr, "  (message: %s)\n", err);
		if (r->rc == PX_OK) {
			T_EQ_STR(p.host, r->host, r->in);
			T_EQ_INT(p.ipv6, r->ipv6, r->in);
			T_EQ_INT(p.port, r->port, r->in);
			T_EQ_INT(p.has_auth, r->has_auth, r->in);
			T_EQ_MEM(p.user, p.user_len, r->user, strlen(r->user), r->in);
			T_EQ_MEM(p.pass, p.pass_len, r->pass, strlen(r->pass), r->in);
		} else {
			T_CHECK(err[0] != '\0', "an error has a message");
			T_CHECK(p.host[0] == '\0' && p.user[0] == '\0' && p.pass[0] == '\0',
			    "a failed parse leaves nothing behind");
		}
	}
}

static void test_messages(void)
{
	struct px p;
	char err[256];

	px_parse(&p, "https://u:topsecret@proxy:443", err, sizeof(err));
	T_CHECK(strstr(err, "https://") && strstr(err, "http://"), "https proxy message");
	T_CHECK(!strstr(err, "topsecret"), "no password in messages");
	px_parse(&p, "socks5://proxy", err, sizeof(err));
	T_CHECK(strstr(err, "SOCKS") != NULL, "socks message");
	px_parse(&p, "http://u:top%zzsecret@proxy", err, sizeof(err));
	T_CHECK(!strstr(err, "secret") && strstr(err, "password"), "bad escape message names the part, not the value");
	px_parse(&p, "http://u:topsecret@proxy:99999", err, sizeof(err));
	T_CHECK(!strstr(err, "topsecret"), "port message does not echo the password");
	T_EQ_INT(px_parse(&p, NULL, err, sizeof(err)), PX_E_SYNTAX, "NULL proxy");
	T_CHECK(px_parse(&p, "alice:pa://hidden@proxy", err, sizeof(err)) < 0 &&
	    !strstr(err, "hidden") && !strstr(err, "alice"), "'://' in a raw password is refused quietly");
	T_EQ_INT(px_parse(&p, "alice:pa%3A%2F%2Fhidden@proxy", err, sizeof(err)), PX_OK, "encoded '://'");
	T_EQ_STR(p.pass, "pa://hidden", "password with '://'");
	T_CHECK(px_parse(&p, "http://alice:pa/hidden@proxy", err, sizeof(err)) < 0 &&
	    !strstr(err, "hidden") && !strstr(err, "alice"), "a raw '/' in a password is not echoed");
	T_CHECK(px_parse(&p, "alice:hid:den/x@proxy", err, sizeof(err)) < 0 &&
	    !strstr(err, "hid") && !strstr(err, "alice"), "a misread userinfo is not echoed");
}

static void test_limits(void)
{
	char s[1200], err[128];
	struct px p;
	size_t n;

	strcpy(s, "http://");
	n = strlen(s);
	memset(s + n, 'u', PX_USER_MAX);
	n += PX_USER_MAX;
	s[n++] = ':';
	memset(s + n, 'p', PX_PASS_MAX);
	n += PX_PASS_MAX;
	strcpy(s + n, "@proxy");
	T_EQ_INT(px_parse(&p, s, err, sizeof(err)), PX_OK, "longest user and password");
	T_EQ_INT(p.user_len, PX_USER_MAX, "user kept whole");
	T_EQ_INT(p.pass_len, PX_PASS_MAX, "password kept whole");
	{
		char auth[PX_AUTH_MAX];
		size_t olen;

		T_EQ_INT(px_basic(&p, auth, sizeof(auth), &olen), PX_OK, "PX_AUTH_MAX suffices");
		T_EQ_INT(olen, strlen(auth), "olen");
	}
	/* one more byte of each */
	memmove(s + 7 + 1, s + 7, strlen(s + 7) + 1);
	T_EQ_INT(px_parse(&p, s, err, sizeof(err)), PX_E_CRED, "user too long");
	strcpy(s, "http://u:");
	n = strlen(s);
	memset(s + n, 'p', PX_PASS_MAX + 1);
	n += PX_PASS_MAX + 1;
	strcpy(s + n, "@proxy");
	T_EQ_INT(px_parse(&p, s, err, sizeof(err)), PX_E_CRED, "password too long");
	/* %-escapes count decoded bytes */
	strcpy(s, "http://u:");
	n = strlen(s);
	for (size_t k = 0; k < PX_PASS_MAX; k++) {
		memcpy(s + n, "%41", 3);
		n += 3;
	}
	strcpy(s + n, "@proxy");
	T_EQ_INT(px_parse(&p, s, err, sizeof(err)), PX_OK, "escapes count as one byte");
	T_EQ_INT(p.pass_len, PX_PASS_MAX, "decoded length");
}

static void test_basic(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "http://Aladdin:open%20sesame@proxy", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" }, /* RFC 7617 */
		{ "http://user:pass@proxy", "Basic dXNlcjpwYXNz" },
		{ "http://user@proxy", "Basic dXNlcjo=" },
		{ "http://:@proxy", "Basic Og==" },
		{ "http://test:123%C2%A3@proxy", "Basic dGVzdDoxMjPCow==" }, /* RFC 7617 section 2.1 */
	};
	size_t i, olen;
	char buf[PX_AUTH_MAX], err[128];
	struct px p;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_EQ_INT(px_parse(&p, rows[i].in, err, sizeof(err)), PX_OK, rows[i].in);
		T_EQ_INT(px_basic(&p, buf, sizeof(buf), &olen), PX_OK, rows[i].in);
		T_EQ_STR(buf, rows[i].want, rows[i].in);
		T_EQ_INT(olen, strlen(rows[i].want), rows[i].in);
		/* too small by one: size needed, nothing left behind */
		memset(buf, 'Z', sizeof(buf));
		T_EQ_INT(px_basic(&p, buf, strlen(rows[i].want), &olen), PX_E_BUFSMALL, "one short");
		T_EQ_INT(olen, strlen(rows[i].want) + 1, "olen is the capacity needed");
		T_CHECK(buf[0] == '\0' && buf[strlen(rows[i].want) - 1] == '\0', "short buffer zeroed");
		T_EQ_INT(buf[strlen(rows[i].want)], 'Z', "nothing written past cap");
	}
	px_parse(&p, "http://proxy", err, sizeof(err));
	T_EQ_INT(px_basic(&p, buf, sizeof(buf), &olen), PX_E_CRED, "no credentials");
}

static void test_wipe(void)
{
	struct px p;
	char err[64];
	size_t i;
	int clean = 1;

	px_parse(&p, "http://user:secret@proxy:3128", err, sizeof(err));
	px_wipe(&p);
	for (i = 0; i < sizeof(p); i++)
		if (((unsigned char *)&p)[i] != 0)
			clean = 0;
	T_CHECK(clean, "px_wipe zeroes everything");
}

struct np_row {
	const char *list;
	const char *host;
	int match;
};

static const struct np_row np_rows[] = {
	{ "*", "anything.example.com", 1 },
	{ "*", "10.0.0.1", 1 },
	{ "*", "::1", 1 },
	{ "localhost, *", "jira.example.com", 1 },
	{ "example.com", "example.com", 1 },
	{ "example.com", "a.example.com", 1 },
	{ "example.com", "a.b.example.com", 1 },
	{ "example.com", "badexample.com", 0 },
	{ "example.com", "example.com.evil.net", 0 },
	{ "example.com", "com", 0 },
	{ ".example.com", "example.com", 1 },
	{ ".example.com", "a.example.com", 1 },
	{ ".example.com", "badexample.com", 0 },
	{ "*.example.com", "a.example.com", 1 },
	{ "*.example.com", "badexample.com", 0 },
	{ "EXAMPLE.com", "Jira.Example.COM", 1 },
	{ "example.com.", "jira.example.com", 1 },
	{ "example.com", "jira.example.com.", 1 },
	{ "example.com:8443", "jira.example.com", 1 },
	{ "localhost,127.0.0.1,.corp", "jira.corp", 1 },
	{ "localhost , 127.0.0.1 , .corp", "jira.corp", 1 },
	{ " localhost\t.corp ", "jira.corp", 1 },
	{ ",,,", "jira.corp", 0 },
	{ "", "jira.corp", 0 },
	{ "a.example.com", "example.com", 0 },
	{ "exam", "example.com", 0 },
	{ "com", "example.com", 1 },
	{ ".", "example.com", 0 },
	{ "*x", "example.com", 0 },
	/* IP literals: exact, by value, never as a name suffix */
	{ "127.0.0.1", "127.0.0.1", 1 },
	{ "127.0.0.1", "127.0.0.2", 0 },
	{ "0.0.1", "127.0.0.1", 0 },
	{ "127.0.0.1:8080", "127.0.0.1", 1 },
	{ "10.0.0.0/8", "10.20.30.40", 1 },
	{ "10.0.0.0/8", "11.0.0.1", 0 },
	{ "192.168.1.0/24", "192.168.1.77", 1 },
	{ "192.168.1.0/24", "192.168.2.1", 0 },
	{ "192.168.1.0/33", "192.168.1.1", 0 },
	{ "192.168.1.0/", "192.168.1.0", 0 },
	{ "192.168.1.0/x", "192.168.1.0", 0 },
	{ "0.0.0.0/0", "8.8.8.8", 1 },
	{ "127.0.0.1", "localhost", 0 },
	{ "localhost", "127.0.0.1", 0 },
	{ "::1", "::1", 1 },
	{ "[::1]", "::1", 1 },
	{ "::1", "[::1]", 1 },
	{ "[::1]:8443", "::1", 1 },
	{ "0:0::1", "::1", 1 },
	{ "::2", "::1", 0 },
	{ "fe80::/10", "fe80::1234", 1 },
	{ "fe80::/10", "fec0::1", 0 },
	{ "[fd00::]/8", "fd12::1", 1 },
	{ "2001:db8::/32", "2001:db8:1::1", 1 },
	{ "2001:db8::/129", "2001:db8::", 0 },
	{ "::ffff:10.0.0.1", "10.0.0.1", 0 },
	{ "10.0.0.1", "::ffff:10.0.0.1", 0 },
	{ "1", "::1", 0 },
	{ NULL, "example.com", 0 },
	{ "example.com", "", 0 },
};

static void test_no_proxy(void)
{
	size_t i;

	for (i = 0; i < sizeof(np_rows) / sizeof(np_rows[0]); i++) {
		char label[160];

		snprintf(label, sizeof(label), "no_proxy \"%s\" vs %s", np_rows[i].list ? np_rows[i].list : "(null)",
		    np_rows[i].host);
		T_EQ_INT(px_no_proxy_match(np_rows[i].list, np_rows[i].host), np_rows[i].match, label);
	}
	T_EQ_INT(px_no_proxy_match("x", NULL), 0, "NULL host");
}

struct sel_row {
	const char *label;
	struct px_env env;
	int https;
	const char *host;
	const char *want;   /* NULL: direct */
	const char *from;   /* NULL: nothing set */
};

static const struct sel_row sel_rows[] = {
	{ "nothing set", { NULL, NULL, NULL, NULL, NULL, NULL, NULL }, 1, "h", NULL, NULL },
	{ "https_proxy", { NULL, NULL, "p1:1", "P2:2", "p3:3", NULL, NULL }, 1, "h", "p1:1", "https_proxy" },
	{ "HTTPS_PROXY", { NULL, NULL, NULL, "P2:2", "p3:3", NULL, NULL }, 1, "h", "P2:2", "HTTPS_PROXY" },
	{ "empty https_proxy hides HTTPS_PROXY", { NULL, NULL, "", "P2:2", NULL, NULL, NULL }, 1, "h", NULL, "https_proxy" },
	{ "http_proxy for http", { NULL, NULL, "p1:1", "P2:2", "p3:3", NULL, NULL }, 0, "h", "p3:3", "http_proxy" },
	{ "http_proxy not for https", { NULL, NULL, NULL, NULL, "p3:3", NULL, NULL }, 1, "h", NULL, NULL },
	{ "https_proxy not for http", { NULL, NULL, "p1:1", "P2:2", NULL, NULL, NULL }, 0, "h", NULL, NULL },
	{ "-x wins", { "x:9", NULL, "p1:1", "P2:2", "p3:3", NULL, NULL }, 1, "h", "x:9", "--proxy" },
	{ "-x for http too", { "x:9", NULL, NULL, NULL, NULL, NULL, NULL }, 0, "h", "x:9", "--proxy" },
	{ "-x \"\" disables", { "", NULL, "p1:1", NULL, NULL, NULL, NULL }, 1, "h", NULL, "--proxy" },
	{ "no_proxy", { NULL, NULL, "p1:1", NULL, NULL, "h,k", NULL }, 1, "h", NULL, "no_proxy" },
	{ "NO_PROXY", { NULL, NULL, "p1:1", NULL, NULL, NULL, "h" }, 1, "h", NULL, "NO_PROXY" },
	{ "no_proxy before NO_PROXY", { NULL, NULL, "p1:1", NULL, NULL, "other", "h" }, 1, "h", "p1:1", "https_proxy" },
	{ "empty no_proxy hides NO_PROXY", { NULL, NULL, "p1:1", NULL, NULL, "", "h" }, 1, "h", "p1:1", "https_proxy" },
	{ "--noproxy overrides no_proxy", { NULL, "other", "p1:1", NULL, NULL, "h", "h" }, 1, "h", "p1:1", "https_proxy" },
	{ "--noproxy \"\" overrides", { NULL, "", "p1:1", NULL, NULL, "*", NULL }, 1, "h", "p1:1", "https_proxy" },
	{ "--noproxy matches", { NULL, "*", "p1:1", NULL, NULL, NULL, NULL }, 1, "h", NULL, "--noproxy" },
	{ "no_proxy applies to -x", { "x:9", NULL, NULL, NULL, NULL, ".example.com", NULL }, 1, "a.example.com", NULL, "no_proxy" },
	{ "no_proxy miss", { NULL, NULL, "p1:1", NULL, NULL, "example.com", NULL }, 1, "badexample.com", "p1:1", "https_proxy" },
};

static void test_select(void)
{
	size_t i;

	for (i = 0; i < sizeof(sel_rows) / sizeof(sel_rows[0]); i++) {
		const struct sel_row *r = &sel_rows[i];
		const char *from = "unset";
		const char *got = px_select(&r->env, r->https, r->host, &from);

		if (r->want)
			T_EQ_STR(got, r->want, r->label);
		else
			T_CHECK(got == NULL, r->label);
		if (r->from)
			T_EQ_STR(from, r->from, r->label);
		else
			T_CHECK(from == NULL, r->label);
	}
	T_CHECK(px_select(&sel_rows[1].env, 1, "h", NULL) != NULL, "from may be NULL");
}

int main(void)
{
	test_parse();
	test_messages();
	test_limits();
	test_basic();
	test_wipe();
	test_no_proxy();
	test_select();
	return t_done();
}
