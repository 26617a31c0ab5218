/* test_url.c: base URL parsing, redirect resolution, origins, Host values.
 * Table-driven; every bad input names the error it must give. */
#include "t.h"
#include "url.h"

#include <string.h>

struct parse_row {
	const char *in;
	int rc;
	int https;
	const char *host;
	int ipv6;
	unsigned port;
	const char *path;
};

static const struct parse_row parse_rows[] = {
	{ "https://jira.example.com", URL_OK, 1, "jira.example.com", 0, 443, "" },
	{ "https://jira.example.com/", URL_OK, 1, "jira.example.com", 0, 443, "" },
	{ "https://jira.example.com//", URL_OK, 1, "jira.example.com", 0, 443, "" },
	{ "https://example.com/confluence", URL_OK, 1, "example.com", 0, 443, "/confluence" },
	{ "https://example.com/confluence/", URL_OK, 1, "example.com", 0, 443, "/confluence" },
	{ "https://acme.atlassian.net/wiki///", URL_OK, 1, "acme.atlassian.net", 0, 443, "/wiki" },
	{ "http://10.0.0.5:8090", URL_OK, 0, "10.0.0.5", 0, 8090, "" },
	{ "http://10.0.0.5", URL_OK, 0, "10.0.0.5", 0, 80, "" },
	{ "HTTPS://Jira.Example.COM:8443/Jira", URL_OK, 1, "jira.example.com", 0, 8443, "/Jira" },
	{ "https://[::1]:8443/jira", URL_OK, 1, "::1", 1, 8443, "/jira" },
	{ "https://[2001:DB8::1]/", URL_OK, 1, "2001:db8::1", 1, 443, "" },
	{ "https://[::ffff:192.0.2.1]", URL_OK, 1, "::ffff:192.0.2.1", 1, 443, "" },
	{ "http://h:65535", URL_OK, 0, "h", 0, 65535, "" },
	{ "http://h:1", URL_OK, 0, "h", 0, 1, "" },
	{ "http://h:080", URL_OK, 0, "h", 0, 80, "" },
	{ "http://h:443", URL_OK, 0, "h", 0, 443, "" },
	{ "https://host.example.com./x", URL_OK, 1, "host.example.com.", 0, 443, "/x" },
	{ "https://my_host/x", URL_OK, 1, "my_host", 0, 443, "/x" },
	{ "https://h/a/./b/../c/", URL_OK, 1, "h", 0, 443, "/a/c" },
	{ "https://h/a/..", URL_OK, 1, "h", 0, 443, "" },
	{ "https://h/../../x", URL_OK, 1, "h", 0, 443, "/x" },
	{ "https://h/a%20b/c", URL_OK, 1, "h", 0, 443, "/a%20b/c" },
	{ "https://h/a:b@c;d=e", URL_OK, 1, "h", 0, 443, "/a:b@c;d=e" },
	{ "https://h/a//b", URL_OK, 1, "h", 0, 443, "/a//b" },
	{ "https://1.2.3.4", URL_OK, 1, "1.2.3.4", 0, 443, "" },
	{ "https://255.255.255.255", URL_OK, 1, "255.255.255.255", 0, 443, "" },
	{ "https://a1.example.com", URL_OK, 1, "a1.example.com", 0, 443, "" },
	/* bad */
	{ "", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "jira.example.com", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "jira.example.com:8443", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "localhost:8080/jira", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "//jira.example.com", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "mailto:x@y", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "ftp://h/", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "httpx://h/", URL_E_SCHEME, 0, "", 0, 0, "" },
	{ "http:h", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "http:/h", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https:///jira", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://:443", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://user:pass@h/", URL_E_USERINFO, 0, "", 0, 0, "" },
	{ "https://user@h/", URL_E_USERINFO, 0, "", 0, 0, "" },
	{ "https://@h/", URL_E_USERINFO, 0, "", 0, 0, "" },
	{ "https://h:0", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:65536", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:99999999999999999999", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:-1", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:+80", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:8o", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://h:80:80", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://::1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[::1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[::1]x/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[::1]:/", URL_E_PORT, 0, "", 0, 0, "" },
	{ "https://[fe80::1%25eth0]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[1:2:3:4:5:6:7:8:9]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[1::2::3]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[12345::]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[g::]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[1:2:3:4:5:6:7:8::]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[::1.2.3]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://[1:]/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://jira example.com", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ " https://h", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/ ", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/a\tb", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/a\nb", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/a\x7f", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h\\evil.com/", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h\xc3\xa9.com/", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/\xc3\xa9", URL_E_SYNTAX, 0, "", 0, 0, "" },
	{ "https://h/jira?x=1", URL_E_QUERY, 0, "", 0, 0, "" },
	{ "https://h/jira#frag", URL_E_QUERY, 0, "", 0, 0, "" },
	{ "https://h?x", URL_E_QUERY, 0, "", 0, 0, "" },
	{ "https://h#x", URL_E_QUERY, 0, "", 0, 0, "" },
	{ "https://h/a%2", URL_E_PATH, 0, "", 0, 0, "" },
	{ "https://h/a%zz", URL_E_PATH, 0, "", 0, 0, "" },
	{ "https://h/a<b", URL_E_PATH, 0, "", 0, 0, "" },
	{ "https://h/a[b", URL_E_PATH, 0, "", 0, 0, "" },
	{ "https://a..b/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://.a/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://./", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://a%41/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://a!b/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://127.1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://0x7f.0.0.1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://a.0x7f/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://0177.0.0.1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://256.0.0.1/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://1.2.3.4./", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://1.2.3.4.5/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://example.123/", URL_E_HOST, 0, "", 0, 0, "" },
	{ "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/", URL_E_HOST, 0, "", 0, 0, "" },
};

static void test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		struct url u;
		char err[256] = "";
		int rc = url_parse(&u, r->in, err, sizeof(err));

		T_EQ_INT(rc, r->rc, r->in);
		if (rc != r->rc)
			fprintf(stderr, "  (message: %s)\n", err);
		if (r->rc == URL_OK) {
			T_EQ_INT(u.https, r->https, r->in);
			T_EQ_STR(u.host, r->host, r->in);
			T_EQ_INT(u.ipv6, r->ipv6, r->in);
			T_EQ_INT(u.port, r->port, r->in);
			T_EQ_STR(u.path, r->path, r->in);
		} else {
			T_CHECK(err[0] != '\0', "an error comes with a message");
			T_CHECK(u.host[0] == '\0' && u.port == 0, "a failed parse leaves a zeroed url");
		}
	}
}

static void test_messages(void)
{
	struct url u;
	char err[256];

	url_parse(&u, "https://me:secret@h/", err, sizeof(err));
	T_CHECK(strstr(err, "-u") && strstr(err, "--token-file") && strstr(err, "ATLWHO_TOKEN"),
	    "the userinfo message says how to pass credentials");
	T_CHECK(strstr(err, "secret") == NULL, "the userinfo message does not repeat the password");
	url_parse(&u, "https://h/jira?os_authType=basic", err, sizeof(err));
	T_CHECK(strstr(err, "query") != NULL, "the query message says what is wrong");
	T_EQ_INT(url_parse(&u, "https://fred:s3cr/et@h/", err, sizeof(err)), URL_E_PORT, "password with '/'");
	T_CHECK(strstr(err, "s3cr") == NULL && strstr(err, "fred") == NULL, "a cut password is not quoted back");
	url_parse(&u, "gopher://h/", err, sizeof(err));
	T_CHECK(strstr(err, "gopher") && strstr(err, "https://"), "the scheme message names both schemes");
	url_parse(&u, "jira.example.com:8443", err, sizeof(err));
	T_CHECK(strstr(err, "https://") != NULL, "a URL without scheme is told to add one");
	url_parse(&u, "https://h:70000", err, sizeof(err));
	T_CHECK(strstr(err, "70000") != NULL, "the port message names the port");
	T_EQ_INT(url_parse(&u, NULL, err, sizeof(err)), URL_E_SYNTAX, "NULL url");
	T_EQ_INT(url_parse(&u, "https://h:0", NULL, 0), URL_E_PORT, "no error buffer is fine");
}

static void test_limits(void)
{
	char s[URL_PATH_MAX + 64];
	struct url u;
	char err[128];
	size_t n;

	/* 253 bytes of host: four labels of 62 and one of 1 (4*63 + 1). */
	strcpy(s, "https://");
	n = strlen(s);
	memset(s + n, 'a', 62); n += 62; s[n++] = '.';
	memset(s + n, 'b', 62); n += 62; s[n++] = '.';
	memset(s + n, 'c', 62); n += 62; s[n++] = '.';
	memset(s + n, 'd', 62); n += 62; s[n++] = '.';
	s[n++] = 'e';
	s[n] = '\0';
	T_EQ_INT(url_parse(&u, s, err, sizeof(err)), URL_OK, "a 253-byte host");
	T_EQ_INT(strlen(u.host), 253, "a 253-byte host is kept whole");
	s[n++] = 'e';
	s[n] = '\0';
	T_EQ_INT(url_parse(&u, s, err, sizeof(err)), URL_E_TOOLONG, "a 254-byte host");

	strcpy(s, "https://h");
	n = strlen(s);
	s[n++] = '/';
	memset(s + n, 'p', URL_PATH_MAX - 1);
	n += URL_PATH_MAX - 1;
	s[n] = '\0';
	T_EQ_INT(url_parse(&u, s, err, sizeof(err)), URL_OK, "a path of URL_PATH_MAX");
	T_EQ_INT(strlen(u.path), URL_PATH_MAX, "the longest path is kept whole");
	s[n++] = 'p';
	s[n] = '\0';
	T_EQ_INT(url_parse(&u, s, err, sizeof(err)), URL_E_TOOLONG, "a path over URL_PATH_MAX");
}

static void test_append(void)
{
	struct url u;
	char err[128];
	char big[URL_PATH_MAX + 2];

	url_parse(&u, "https://h/jira/", err, sizeof(err));
	T_EQ_INT(url_append(&u, "/rest/api/2/myself", err, sizeof(err)), URL_OK, "append endpoint");
	T_EQ_STR(u.path, "/jira/rest/api/2/myself", "no // after the context path");
	url_parse(&u, "https://h/", err, sizeof(err));
	T_EQ_INT(url_append(&u, "/rest/api/user/current?expand=x", err, sizeof(err)), URL_OK, "with query");
	T_EQ_STR(u.path, "/rest/api/user/current?expand=x", "append to an empty context path");
	T_EQ_INT(url_append(&u, "rest", err, sizeof(err)), URL_E_PATH, "append needs a leading '/'");
	T_EQ_INT(url_append(&u, "", err, sizeof(err)), URL_E_PATH, "append of nothing");
	T_EQ_INT(url_append(&u, "/a b", err, sizeof(err)), URL_E_PATH, "append with a space");
	T_EQ_INT(url_append(&u, "/a\r\nX: y", err, sizeof(err)), URL_E_PATH, "append with CRLF");
	T_EQ_INT(url_append(&u, "/a#b", err, sizeof(err)), URL_E_QUERY, "append with a fragment");
	url_parse(&u, "https://h/", err, sizeof(err));
	memset(big, 'x', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	T_EQ_INT(url_append(&u, big, err, sizeof(err)), URL_E_TOOLONG, "append over the limit");
	T_EQ_STR(u.path, "", "a failed append leaves the path alone");

	/* A context path of 4077 bytes takes Jira's endpoint (18
	 * bytes, 4095 in all) but not Confluence's (22, 4099): each join is
	 * checked on its own, exactly at URL_PATH_MAX. */
	{
		static char base[16 + URL_PATH_MAX];
		struct url j, c;
		size_t k;

		memcpy(base, "https://h", 9);
		for (k = 0; k < 4077; k++)
			base[9 + k] = k % 8 ? 'p' : '/';
		base[9 + 4077] = '\0';
		T_EQ_INT(url_parse(&u, base, err, sizeof(err)), URL_OK, "a 4077-byte context path");
		T_EQ_INT(strlen(u.path), 4077, "a 4077-byte context path: kept whole");
		j = u;
		T_EQ_INT(url_append(&j, "/rest/api/2/myself", err, sizeof(err)), URL_OK, "4077 + 18 fits");
		c = u;
		T_EQ_INT(url_append(&c, "/rest/api/user/current", err, sizeof(err)), URL_E_TOOLONG, "4077 + 22 does not");
		T_CHECK(strstr(err, "/rest/api/user/current") != NULL, "the message names the endpoint");
		T_EQ_INT(strlen(c.path), 4077, "the refused join changes nothing");
		for (k = 0; k + 4077 <= URL_PATH_MAX; k++) {
			char suf[32];
			memset(suf, 'e', sizeof suf);
			suf[0] = '/';
			suf[k + 1 < sizeof suf ? k + 1 : sizeof suf - 1] = '\0';
			c = u;
			T_EQ_INT(url_append(&c, suf, err, sizeof(err)), 4077 + strlen(suf) <= URL_PATH_MAX ? URL_OK :
			    URL_E_TOOLONG, "joins at the limit");
		}
	}
}

struct resolve_row {
	const char *base;  /* "https://h" + request-target */
	const char *loc;
	int rc;
	const char *want;  /* url_format of the result */
};

static const struct resolve_row resolve_rows[] = {
	/* RFC 3986 section 5.4.1, base http://a/b/c/d;p?q */
	{ "http://a/b/c/d;p?q", "g", URL_OK, "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "./g", URL_OK, "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "g/", URL_OK, "http://a/b/c/g/" },
	{ "http://a/b/c/d;p?q", "/g", URL_OK, "http://a/g" },
	{ "http://a/b/c/d;p?q", "//g", URL_OK, "http://g/" },
	{ "http://a/b/c/d;p?q", "?y", URL_OK, "http://a/b/c/d;p?y" },
	{ "http://a/b/c/d;p?q", "g?y", URL_OK, "http://a/b/c/g?y" },
	{ "http://a/b/c/d;p?q", "#s", URL_OK, "http://a/b/c/d;p?q" },
	{ "http://a/b/c/d;p?q", "g#s", URL_OK, "http://a/b/c/g" },
	{ "http://a/b/c/d;p?q", "g?y#s", URL_OK, "http://a/b/c/g?y" },
	{ "http://a/b/c/d;p?q", ";x", URL_OK, "http://a/b/c/;x" },
	{ "http://a/b/c/d;p?q", "g;x", URL_OK, "http://a/b/c/g;x" },
	{ "http://a/b/c/d;p?q", ".", URL_OK, "http://a/b/c/" },
	{ "http://a/b/c/d;p?q", "./", URL_OK, "http://a/b/c/" },
	{ "http://a/b/c/d;p?q", "..", URL_OK, "http://a/b/" },
	{ "http://a/b/c/d;p?q", "../", URL_OK, "http://a/b/" },
	{ "http://a/b/c/d;p?q", "../g", URL_OK, "http://a/b/g" },
	{ "http://a/b/c/d;p?q", "../..", URL_OK, "http://a/" },
	{ "http://a/b/c/d;p?q", "../../", URL_OK, "http://a/" },
	{ "http://a/b/c/d;p?q", "../../g", URL_OK, "http://a/g" },
	/* 5.4.2 abnormal examples */
	{ "http://a/b/c/d;p?q", "../../../g", URL_OK, "http://a/g" },
	{ "http://a/b/c/d;p?q", "../../../../g", URL_OK, "http://a/g" },
	{ "http://a/b/c/d;p?q", "/./g", URL_OK, "http://a/g" },
	{ "http://a/b/c/d;p?q", "/../g", URL_OK, "http://a/g" },
	{ "http://a/b/c/d;p?q", "g.", URL_OK, "http://a/b/c/g." },
	{ "http://a/b/c/d;p?q", ".g", URL_OK, "http://a/b/c/.g" },
	{ "http://a/b/c/d;p?q", "g..", URL_OK, "http://a/b/c/g.." },
	{ "http://a/b/c/d;p?q", "..g", URL_OK, "http://a/b/c/..g" },
	{ "http://a/b/c/d;p?q", "./../g", URL_OK, "http://a/b/g" },
	{ "http://a/b/c/d;p?q", "./g/.", URL_OK, "http://a/b/c/g/" },
	{ "http://a/b/c/d;p?q", "g/./h", URL_OK, "http://a/b/c/g/h" },
	{ "http://a/b/c/d;p?q", "g/../h", URL_OK, "http://a/b/c/h" },
	{ "http://a/b/c/d;p?q", "g;x=1/./y", URL_OK, "http://a/b/c/g;x=1/y" },
	{ "http://a/b/c/d;p?q", "g;x=1/../y", URL_OK, "http://a/b/c/y" },
	{ "http://a/b/c/d;p?q", "g?y/./x", URL_OK, "http://a/b/c/g?y/./x" },
	{ "http://a/b/c/d;p?q", "g?y/../x", URL_OK, "http://a/b/c/g?y/../x" },
	{ "http://a/b/c/d;p?q", "http://g", URL_OK, "http://g/" },
	{ "http://a/b/c/d;p?q", "http:g", URL_E_SYNTAX, "" },
	/* what Jira and its front ends send */
	{ "http://jira.example.com/rest/api/2/myself", "https://jira.example.com/rest/api/2/myself", URL_OK,
	  "https://jira.example.com/rest/api/2/myself" },
	{ "https://h/jira/rest/api/2/myself", "/jira/login.jsp?os_destination=%2Frest", URL_OK,
	  "https://h/jira/login.jsp?os_destination=%2Frest" },
	{ "https://h/rest/api/2/myself", "HTTPS://IDP.Example.com:8443/saml?SAMLRequest=abc%3D#x", URL_OK,
	  "https://idp.example.com:8443/saml?SAMLRequest=abc%3D" },
	{ "https://h:8443/x", "//other/y", URL_OK, "https://other/y" },
	{ "https://h:8443/x", "/y", URL_OK, "https://h:8443/y" },
	{ "https://[::1]:8443/x", "/y", URL_OK, "https://[::1]:8443/y" },
	{ "https://h/x", "https://[::1]/", URL_OK, "https://[::1]/" },
	{ "https://h/x", "http://h", URL_OK, "http://h/" },
	{ "https://h/x", "https://h?a=1", URL_OK, "https://h/?a=1" },
	{ "https://h/x", "/caf\xc3\xa9?q=\xe2\x82\xac", URL_OK, "https://h/caf%C3%A9?q=%E2%82%AC" },
	{ "https://h/x", "/a?b[]=1|2", URL_OK, "https://h/a?b%5B%5D=1%7C2" },
	{ "https://h/x", "", URL_E_SYNTAX, "" },
	{ "https://h/x", "ftp://h/", URL_E_SCHEME, "" },
	{ "https://h/x", "javascript:alert(1)", URL_E_SCHEME, "" },
	{ "https://h/x", "https://user:pw@evil/", URL_E_USERINFO, "" },
	{ "https://h/x", "//user@evil/", URL_E_USERINFO, "" },
	{ "https://h/x", "https:///x", URL_E_HOST, "" },
	{ "https://h/x", "https://h:0/", URL_E_PORT, "" },
	{ "https://h/x", "/a b", URL_E_SYNTAX, "" },
	{ "https://h/x", "/a\r\nSet-Cookie: x", URL_E_SYNTAX, "" },
	{ "https://h/x", "/a\\b", URL_E_SYNTAX, "" },
	{ "https://h/x", "/a%zz", URL_E_PATH, "" },
	{ "https://h/x", "/a%4", URL_E_PATH, "" },
	{ "https://h/x", "https://h\xc3\xa9/", URL_E_HOST, "" },
};

static void test_resolve(void)
{
	size_t i;

	for (i = 0; i < sizeof(resolve_rows) / sizeof(resolve_rows[0]); i++) {
		const struct resolve_row *r = &resolve_rows[i];
		struct url base, out;
		char err[256] = "", got[URL_PATH_MAX + 300];
		const char *q = strchr(r->base + 8, '/');
		char b[512];
		int rc;

		/* Parse scheme://host, then put the target in path. */
		memcpy(b, r->base, (size_t)(q - r->base));
		b[q - r->base] = '\0';
		T_EQ_INT(url_parse(&base, b, err, sizeof(err)), URL_OK, r->base);
		strcpy(base.path, q);
		rc = url_resolve(&out, &base, r->loc, strlen(r->loc), err, sizeof(err));
		T_EQ_INT(rc, r->rc, r->loc);
		if (rc == URL_OK) {
			url_format(&out, got, sizeof(got));
			T_EQ_STR(got, r->want, r->loc);
		} else {
			T_CHECK(err[0] != '\0', "a failed resolve has a message");
		}
	}
}

static void test_origin(void)
{
	static const struct {
		const char *a, *b;
		int same;
	} rows[] = {
		{ "https://h", "https://h/x", 1 },
		{ "https://h", "https://H:443", 1 },
		{ "https://h", "http://h", 0 },
		{ "https://h", "https://h:8443", 0 },
		{ "https://h", "https://h2", 0 },
		{ "https://localhost", "https://127.0.0.1", 0 },
		{ "http://h", "http://h:80", 1 },
		{ "https://[::1]", "https://[::1]:443", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct url a, b;
		char err[128];

		url_parse(&a, rows[i].a, err, sizeof(err));
		url_parse(&b, rows[i].b, err, sizeof(err));
		T_EQ_INT(url_same_origin(&a, &b), rows[i].same, rows[i].b);
		T_EQ_INT(url_same_origin(&b, &a), rows[i].same, rows[i].b);
	}
}

static void test_hostport(void)
{
	static const struct {
		const char *in, *host, *connect, *fmt;
	} rows[] = {
		{ "https://h", "h", "h:443", "https://h/" },
		{ "https://h:443/jira", "h", "h:443", "https://h/jira" },
		{ "https://h:8443/jira", "h:8443", "h:8443", "https://h:8443/jira" },
		{ "http://h", "h", "h:80", "http://h/" },
		{ "http://h:443", "h:443", "h:443", "http://h:443/" },
		{ "https://[::1]", "[::1]", "[::1]:443", "https://[::1]/" },
		{ "https://[::1]:8443", "[::1]:8443", "[::1]:8443", "https://[::1]:8443/" },
		{ "http://10.0.0.5:8090", "10.0.0.5:8090", "10.0.0.5:8090", "http://10.0.0.5:8090/" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct url u;
		char err[128], buf[300];
		size_t n;

		url_parse(&u, rows[i].in, err, sizeof(err));
		n = url_hostport(&u, 0, buf, sizeof(buf));
		T_EQ_STR(buf, rows[i].host, rows[i].in);
		T_EQ_INT(n, strlen(rows[i].host), "hostport length");
		url_hostport(&u, 1, buf, sizeof(buf));
		T_EQ_STR(buf, rows[i].connect, rows[i].in);
		n = url_format(&u, buf, sizeof(buf));
		T_EQ_STR(buf, rows[i].fmt, rows[i].in);
		T_EQ_INT(n, strlen(rows[i].fmt), "format length");
		/* Too small: the size needed is still reported. */
		n = url_hostport(&u, 1, buf, 3);
		T_EQ_INT(n, strlen(rows[i].connect), "needed length when the buffer is short");
		T_EQ_STR(buf, "", "a short buffer holds an empty string");
		n = url_format(&u, buf, strlen(rows[i].fmt));
		T_EQ_INT(n, strlen(rows[i].fmt), "no room for the NUL");
		T_EQ_STR(buf, "", "no room for the NUL gives an empty string");
		T_EQ_INT(url_format(&u, NULL, 0), strlen(rows[i].fmt), "size query with no buffer");
	}
}

static void test_addr(void)
{
	static const struct {
		const char *in;
		int v4, v6;
	} rows[] = {
		{ "0.0.0.0", 1, 0 }, { "1.2.3.4", 1, 0 }, { "01.2.3.4", 0, 0 },
		{ "1.2.3", 0, 0 }, { "1.2.3.4.", 0, 0 }, { "1.2.3.256", 0, 0 },
		{ "1.2.3.1000", 0, 0 }, { "", 0, 0 }, { "1..3.4", 0, 0 },
		{ "::", 0, 1 }, { "::1", 0, 1 }, { "1::", 0, 1 }, { "1:2:3:4:5:6:7:8", 0, 1 },
		{ "1:2:3:4:5:6:7::", 0, 1 }, { "::2:3:4:5:6:7:8", 0, 1 },
		{ "1:2:3:4:5:6:1.2.3.4", 0, 1 }, { "::1.2.3.4", 0, 1 },
		{ "1:2:3:4:5:6:7:1.2.3.4", 0, 0 }, { ":1", 0, 0 }, { "1:", 0, 0 },
		{ ":::", 0, 0 }, { "1:2:3:4:5:6:7", 0, 0 }, { "1:2:3:4:5:6:7:8:9", 0, 0 },
		{ "::1.2.3.4:5", 0, 0 }, { "fffff::", 0, 0 }, { "::g", 0, 0 },
		{ "1::2:3::4", 0, 0 }, { "[::1]", 0, 0 },
	};
	size_t i;
	unsigned char a[16];
	static const unsigned char want[16] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd };

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_EQ_INT(url_ipv4_parse(rows[i].in, strlen(rows[i].in), a), rows[i].v4 ? URL_OK : URL_E_HOST, rows[i].in);
		T_EQ_INT(url_ipv6_parse(rows[i].in, strlen(rows[i].in), a), rows[i].v6 ? URL_OK : URL_E_HOST, rows[i].in);
	}
	T_CHECK(url_ipv6_parse("1::abcd", 7, a) == URL_OK && memcmp(a, want, 16) == 0, "1::abcd bytes");
	T_CHECK(url_ipv4_parse("10.20.30.40", 11, a) == URL_OK && a[0] == 10 && a[3] == 40, "IPv4 bytes");
}

int main(void)
{
	test_parse();
	test_messages();
	test_limits();
	test_append();
	test_resolve();
	test_origin();
	test_hostport();
	test_addr();
	return t_done();
}
