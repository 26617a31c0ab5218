/* test_json.c: table-driven tests of the streaming JSON scanner (src/json.c);
 * every document is also fed at every two-chunk split and byte by byte. */
#include "json.h"
#include "t.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN(s) s, sizeof(s) - 1

/* Expected "active": absent, false, true. */
enum { A_ABSENT, A_FALSE, A_TRUE };

struct row {
	const char *label;
	const char *in;
	size_t len;
	int rc;                     /* JS_OK or the expected error */
	unsigned long long off;     /* error offset; unused for JS_OK */
	const char *f[JS_NFIELDS];  /* for JS_OK: NULL = absent */
	int act;                    /* for JS_OK: A_* */
	int notobj;                 /* for JS_OK: top-level value not an object */
};

/* What one scan produced: everything a caller can observe. */
struct res {
	int rc;
	uint64_t off;
	struct js_str f[JS_NFIELDS];
	int active, top;
	char msg[200];
	int sticky_ok;  /* every call after the first error returned it */
};

/* Feed one chunk from an exact-size heap copy, so that ASan catches any
 * read past the chunk's end (or before its start). */
static int feed_copy(struct js_scanner *s, const unsigned char *p, size_t n)
{
	unsigned char *c;
	int rc;

	if (n == 0)
		return js_feed(s, NULL, 0);
	c = t_dup(p, n);
	rc = js_feed(s, c, n);
	free(c);
	return rc;
}

static void collect(const struct js_scanner *s, int rc, struct res *r)
{
	r->rc = rc;
	r->off = rc ? js_erroff(s) : 0;
	memcpy(r->f, s->f, sizeof(r->f));
	r->active = s->active;
	r->top = s->toplevel_object;
	js_errmsg(s, r->msg, sizeof(r->msg));
}

/* The secrets every scan judges values by (NULL: none). */
static const struct rd_set *scan_rd;

/* Scan in[0..len): bytewise, or as [0, split) then [split, len). */
static void scan(const void *in, size_t len, size_t split, int bytewise,
    struct res *r)
{
	const unsigned char *p = in;
	struct js_scanner s;
	int rc = JS_OK, x;
	size_t i;

	js_init(&s);
	s.rd = scan_rd;
	r->sticky_ok = 1;
	if (bytewise) {
		for (i = 0; i < len; i++) {
			x = feed_copy(&s, p + i, 1);
			if (rc == JS_OK)
				rc = x;
			else if (x != rc)
				r->sticky_ok = 0;
		}
	} else {
		rc = feed_copy(&s, p, split);
		x = feed_copy(&s, p + split, len - split);
		if (rc == JS_OK)
			rc = x;
		else if (x != rc)
			r->sticky_ok = 0;
	}
	x = js_finish(&s);
	if (rc == JS_OK)
		rc = x;
	else if (x != rc)
		r->sticky_ok = 0;
	if (js_finish(&s) != rc)
		r->sticky_ok = 0;
	collect(&s, rc, r);
}

static int same_res(const struct res *a, const struct res *b)
{
	int i;

	if (a->rc != b->rc || a->off != b->off || a->active != b->active ||
	    a->top != b->top || strcmp(a->msg, b->msg) != 0)
		return 0;
	for (i = 0; i < JS_NFIELDS; i++) {
		const struct js_str *x = &a->f[i], *y = &b->f[i];

		if (x->present != y->present || x->truncated != y->truncated ||
		    x->secret != y->secret ||
		    x->len != y->len || memcmp(x->buf, y->buf, x->len) != 0)
			return 0;
		if (x->present && x->buf[x->len] != '\0')
			return 0;
	}
	return 1;
}

static void show_res(const char *what, const struct res *r)
{
	int i;

	fprintf(stderr, "  %s: %s off=%llu active=%d top=%d msg=\"%s\"\n", what,
	    js_strerror(r->rc), (unsigned long long)r->off, r->active, r->top,
	    r->msg);
	for (i = 0; i < JS_NFIELDS; i++)
		if (r->f[i].present) {
			fprintf(stderr, "    %s%s=\"", js_field_key(i),
			    r->f[i].truncated ? "(truncated)" : "");
			t_put_esc(r->f[i].buf, r->f[i].len);
			fprintf(stderr, "\"\n");
		}
}

/* The split-feeding invariant: every chunking gives the one-shot result.
 * Splits are tried at every offset up to max_splits (all for small docs). */
static void check_splits(const char *label, const void *in, size_t len,
    const struct res *one, size_t max_splits)
{
	struct res r;
	size_t k, step = 1, bad = 0;
	char what[512];

	if (max_splits && len > max_splits)
		step = len / max_splits;
	for (k = 0; k <= len; k += step) {
		scan(in, len, k, 0, &r);
		if (!same_res(&r, one) || !r.sticky_ok) {
			if (bad++ == 0) {
				fprintf(stderr, "%s: split at %zu differs\n",
				    label, k);
				show_res("one-shot", one);
				show_res("split", &r);
			}
		}
	}
	snprintf(what, sizeof(what), "%s: every two-chunk split", label);
	T_EQ_INT(bad, 0, what);
	scan(in, len, 0, 1, &r);
	snprintf(what, sizeof(what), "%s: byte by byte", label);
	if (!same_res(&r, one)) {
		show_res("one-shot", one);
		show_res("bytewise", &r);
	}
	T_CHECK(same_res(&r, one) && r.sticky_ok, what);
}

static void check_field(const char *label, const struct res *r, int i,
    const char *want)
{
	char what[512];

	snprintf(what, sizeof(what), "%s: %s", label, js_field_key(i));
	if (!want) {
		T_EQ_INT(r->f[i].present, 0, what);
		return;
	}
	T_EQ_INT(r->f[i].present, 1, what);
	T_EQ_MEM(r->f[i].buf, r->f[i].len, want, strlen(want), what);
	T_EQ_INT(r->f[i].truncated, 0, what);
}

static void run_row(const struct row *w)
{
	struct res r;
	char what[512];
	int i;

	scan(w->in, w->len, w->len, 0, &r);
	snprintf(what, sizeof(what), "%s: verdict", w->label);
	if (r.rc != w->rc)
		show_res("got", &r);
	T_EQ_INT(r.rc, w->rc, what);
	if (w->rc != JS_OK) {
		snprintf(what, sizeof(what), "%s: error offset (%s)", w->label,
		    r.msg);
		T_EQ_INT(r.off, w->off, what);
		snprintf(what, sizeof(what), "%s: message names the byte",
		    w->label);
		T_CHECK(strstr(r.msg, " at byte ") != NULL, what);
	} else {
		for (i = 0; i < JS_NFIELDS; i++)
			check_field(w->label, &r, i, w->f[i]);
		snprintf(what, sizeof(what), "%s: active", w->label);
		T_EQ_INT(r.active, w->act - 1, what);
		snprintf(what, sizeof(what), "%s: toplevel_object", w->label);
		T_EQ_INT(r.top, !w->notobj, what);
	}
	check_splits(w->label, w->in, w->len, &r, 0);
}
#define JIRA_SEED \
	"{\n" \
	"\"self\": \"http://www.example.com/jira/rest/api/2/user?username=fred\",\n" \
	"\"name\": \"fred\",\n" \
	"\"emailAddress\": \"fred@example.com\",\n" \
	"\"avatarUrls\": {\n" \
	"\"48x48\": \"http://www.example.com/jira/secure/useravatar?size=large&ownerId=fred\",\n" \
	"\"24x24\": \"http://www.example.com/jira/secure/useravatar?size=small&ownerId=fred\",\n" \
	"\"16x16\": \"http://www.example.com/jira/secure/useravatar?size=xsmall&ownerId=fred\",\n" \
	"\"32x32\": \"http://www.example.com/jira/secure/useravatar?size=medium&ownerId=fred\"\n" \
	"},\n" \
	"\"displayName\": \"Fred F. User\",\n" \
	"\"active\": true,\n" \
	"\"timeZone\": \"Australia/Sydney\",\n" \
	"\"groups\": {\n" \
	"\"size\": 3,\n" \
	"\"items\": [\n" \
	"{\n" \
	"\"name\": \"jira-user\",\n" \
	"\"self\": \"http://www.example.com/jira/rest/api/2/group?groupname=jira-user\"\n" \
	"},\n" \
	"{\n" \
	"\"name\": \"jira-admin\",\n" \
	"\"self\": \"http://www.example.com/jira/rest/api/2/group?groupname=jira-admin\"\n" \
	"},\n" \
	"{\n" \
	"\"name\": \"important\",\n" \
	"\"self\": \"http://www.example.com/jira/rest/api/2/group?groupname=important\"\n" \
	"}\n" \
	"]\n" \
	"},\n" \
	"\"applicationRoles\": {\n" \
	"\"size\": 1,\n" \
	"\"items\": []\n" \
	"},\n" \
	"\"expand\": \"groups,applicationRoles\"\n" \
	"}\n"

#define CONF_SEED \
	"{\n" \
	"\"type\": \"known\",\n" \
	"\"username\": \"jsmith\",\n" \
	"\"userKey\": \"402880824ff933a4014ff9345d7c0002\",\n" \
	"\"profilePicture\": {\n" \
	"\"path\": \"/wiki/relative/avatar.png\",\n" \
	"\"width\": 48,\n" \
	"\"height\": 48,\n" \
	"\"isDefault\": true\n" \
	"},\n" \
	"\"displayName\": \"Joe Smith\",\n" \
	"\"_links\": {\n" \
	"\"base\": \"http://myhost:8080/confluence\",\n" \
	"\"context\": \"/confluence\",\n" \
	"\"self\": \"http://myhost:8080/confluence/rest/experimental/user?key=402880824ff933a4014ff9345d7c0002\"\n" \
	"},\n" \
	"\"_expandable\": {\n" \
	"\"status\": \"\"\n" \
	"}\n" \
	"}\n"

/* Jira Server/DC's GET /rest/api/2/myself reply as its REST API documents
 * it, with what real instances add (groups, applicationRoles, expand). */
#define JIRA_DC \
	"{\"self\":\"http://www.example.com/jira/rest/api/2/user?username=fred\"," \
	"\"key\":\"JIRAUSER19571\",\"name\":\"fred\"," \
	"\"emailAddress\":\"fred@example.com\",\"avatarUrls\":{\"48x48\":\"...\"," \
	"\"24x24\":\"...\",\"16x16\":\"...\",\"32x32\":\"...\"}," \
	"\"displayName\":\"Fred F. User\",\"active\":true,\"deleted\":false," \
	"\"timeZone\":\"Australia/Sydney\",\"locale\":\"en_US\"," \
	"\"groups\":{\"size\":3,\"items\":[{\"name\":\"jira-user\",\"self\":\"...\"}," \
	"{\"name\":\"jira-admin\",\"self\":\"...\"}]}," \
	"\"applicationRoles\":{\"size\":1,\"items\":[]}," \
	"\"expand\":\"groups,applicationRoles\"}"

/* Jira Cloud: accountId, no name or key, emailAddress hidden (empty). */
#define JIRA_CLOUD \
	"{\"self\":\"https://acme.atlassian.net/rest/api/2/user?accountId=" \
	"5b10ac8d82e05b22cc7d4ef5\",\"accountId\":\"5b10ac8d82e05b22cc7d4ef5\"," \
	"\"accountType\":\"atlassian\",\"emailAddress\":\"\"," \
	"\"avatarUrls\":{\"48x48\":\"https://avatar-management.example/a.png\"}," \
	"\"displayName\":\"Luk\\u00e1\\u0161 Nov\\u00e1k\",\"active\":true," \
	"\"timeZone\":\"Europe/Prague\",\"locale\":\"cs_CZ\"," \
	"\"groups\":{\"size\":1,\"items\":[{\"name\":\"site-admins\"}]}," \
	"\"applicationRoles\":{\"size\":1,\"items\":[]}," \
	"\"expand\":\"groups,applicationRoles\"}\r\n"

/* Confluence's 200 answer to a wrong Bearer token. */
#define CONF_ANON \
	"{\"type\":\"anonymous\",\"profilePicture\":{\"path\":" \
	"\"/images/icons/profilepics/anonymous.svg\",\"width\":48,\"height\":48," \
	"\"isDefault\":true},\"displayName\":\"Anonymous\",\"_links\":{\"base\":" \
	"\"https://wiki.example.com\",\"context\":\"\"},\"_expandable\":" \
	"{\"operations\":\"\"}}"

/* Confluence Cloud: "email", not "emailAddress". */
#define CONF_CLOUD \
	"{\"type\":\"known\",\"accountId\":\"557058:f58131cb-b67d-43c7-b30d-6b58d40bd077\"," \
	"\"accountType\":\"atlassian\",\"email\":\"mia@example.com\"," \
	"\"publicName\":\"mia\",\"displayName\":\"Mia Krystof\"," \
	"\"isExternalCollaborator\":false,\"_links\":{\"self\":\"...\"}}"

static const struct row rows[] = {
	/* Real replies. */
	{ "jira seed", IN(JIRA_SEED), JS_OK, 0, { [JS_NAME] = "fred",
	    [JS_DISPLAYNAME] = "Fred F. User",
	    [JS_EMAIL] = "fred@example.com" }, A_TRUE, 0 },
	{ "confluence seed", IN(CONF_SEED), JS_OK, 0, { [JS_USERNAME] = "jsmith",
	    [JS_DISPLAYNAME] = "Joe Smith", [JS_TYPE] = "known" }, A_ABSENT, 0 },
	{ "jira dc", IN(JIRA_DC), JS_OK, 0, { [JS_NAME] = "fred",
	    [JS_DISPLAYNAME] = "Fred F. User",
	    [JS_EMAIL] = "fred@example.com" }, A_TRUE, 0 },
	{ "jira cloud", IN(JIRA_CLOUD), JS_OK, 0, {
	    [JS_ACCOUNTID] = "5b10ac8d82e05b22cc7d4ef5",
	    [JS_DISPLAYNAME] = "Luk\xc3\xa1\xc5\xa1 Nov\xc3\xa1k",
	    [JS_EMAIL] = "" }, A_TRUE, 0 },
	{ "confluence anonymous", IN(CONF_ANON), JS_OK, 0, {
	    [JS_TYPE] = "anonymous", [JS_DISPLAYNAME] = "Anonymous" },
	    A_ABSENT, 0 },
	{ "confluence cloud", IN(CONF_CLOUD), JS_OK, 0, { [JS_TYPE] = "known",
	    [JS_ACCOUNTID] = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
	    [JS_DISPLAYNAME] = "Mia Krystof" }, A_ABSENT, 0 },
	{ "jira 401 body", IN("{\"errorMessages\":[\"You are not authenticated. "
	    "Authentication required to perform this operation.\"],"
	    "\"errors\":{}}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "jira cloud 403 body", IN("{\"error\":\"Failed to parse Connect "
	    "Session Auth Token\"}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "raw UTF-8 display name", IN("{\"displayName\":\"Luk\xc3\xa1\xc5\xa1\"}"),
	    JS_OK, 0, { [JS_DISPLAYNAME] = "Luk\xc3\xa1\xc5\xa1" }, A_ABSENT, 0 },
	{ "active false", IN("{\"active\":false}"), JS_OK, 0, { 0 }, A_FALSE, 0 },

	/* Decoys: only top-level members count. */
	{ "nested name only", IN("{\"groups\":{\"items\":[{\"name\":\"jira-admin\"}]}}"),
	    JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "nested names around the real one", IN("{\"a\":{\"name\":\"x\"},"
	    "\"name\":\"fred\",\"b\":[{\"name\":\"y\"}],\"c\":{\"d\":{\"name\":\"z\"}}}"),
	    JS_OK, 0, { [JS_NAME] = "fred" }, A_ABSENT, 0 },
	{ "active inside arrays and objects", IN("{\"flags\":[true,{\"active\":false}],"
	    "\"x\":{\"active\":true},\"active\" :\n[true]}"), JS_OK, 0, { 0 },
	    A_ABSENT, 0 },
	{ "top-level array of a user", IN("[{\"name\":\"fred\",\"active\":true}]"),
	    JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "top-level array of booleans", IN("[true, false]"), JS_OK, 0, { 0 },
	    A_ABSENT, 1 },
	{ "top-level string \"name\"", IN("\"name\""), JS_OK, 0, { 0 }, A_ABSENT,
	    1 },
	{ "keys as values", IN("{\"x\":\"name\",\"y\":\"fred\",\"z\":\"active\","
	    "\"w\":true}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "keys one letter off", IN("{\"nam\":\"a\",\"names\":\"b\",\"Name\":\"c\","
	    "\"nane\":\"d\",\"displayname\":\"e\",\"accountID\":\"f\","
	    "\"emailaddress\":\"g\",\"Active\":true,\"activ\":true,"
	    "\"username \":\"h\",\" type\":\"i\",\"typ\":\"j\",\"email\":\"k\","
	    "\"userName\":\"l\",\"actives\":false}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "keys spelled with escapes", IN("{\"na\\u006de\":\"fred\","
	    "\"\\u0061ctive\":true,\"display\\u004eame\":\"F\","
	    "\"\\u0074\\u0079\\u0070\\u0065\":\"known\",\"user\\u006Eame\":\"u\","
	    "\"email\\u0041ddress\":\"e@x\",\"account\\u0049\\u0064\":\"id\"}"),
	    JS_OK, 0, { [JS_NAME] = "fred", [JS_DISPLAYNAME] = "F",
	    [JS_TYPE] = "known", [JS_USERNAME] = "u", [JS_EMAIL] = "e@x",
	    [JS_ACCOUNTID] = "id" }, A_TRUE, 0 },
	{ "keys differing only by escapes", IN("{\"name\\u0000\":\"a\","
	    "\"na\\/me\":\"b\",\"nam\\u00e9\":\"c\",\"na\\nme\":\"d\","
	    "\"\\u006eame \":\"e\",\"name\\ud83d\":\"f\"}"), JS_OK, 0, { 0 },
	    A_ABSENT, 0 },
	{ "long key starting with name", IN("{\"nameeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\":"
	    "\"x\",\"emailAddressX\":\"y\",\"displayNamedisplayName\":\"z\"}"),
	    JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "empty key", IN("{\"\":\"x\",\"name\":\"y\"}"), JS_OK, 0,
	    { [JS_NAME] = "y" }, A_ABSENT, 0 },

	/* Wrong types count as absent. */
	{ "every field of the wrong type", IN("{\"active\":\"yes\",\"name\":null,"
	    "\"displayName\":{},\"username\":1,\"accountId\":[\"a\"],"
	    "\"type\":true,\"emailAddress\":false}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "active null", IN("{\"active\":null}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "active 1", IN("{\"active\":1}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "active object", IN("{\"active\":{\"active\":true}}"), JS_OK, 0, { 0 },
	    A_ABSENT, 0 },
	{ "active string true", IN("{\"active\":\"true\"}"), JS_OK, 0, { 0 },
	    A_ABSENT, 0 },
	{ "name object holding name", IN("{\"name\":{\"name\":\"x\"}}"), JS_OK, 0,
	    { 0 }, A_ABSENT, 0 },

	/* Duplicates: the last member wins, whatever its type. */
	{ "duplicate name", IN("{\"name\":\"a\",\"name\":\"b\"}"), JS_OK, 0,
	    { [JS_NAME] = "b" }, A_ABSENT, 0 },
	{ "duplicate name, later null", IN("{\"name\":\"a\",\"x\":1,\"name\":null}"),
	    JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "duplicate name, earlier null", IN("{\"name\":null,\"name\":\"b\"}"),
	    JS_OK, 0, { [JS_NAME] = "b" }, A_ABSENT, 0 },
	{ "duplicate name, shorter later", IN("{\"name\":\"abcdef\",\"name\":\"x\"}"),
	    JS_OK, 0, { [JS_NAME] = "x" }, A_ABSENT, 0 },
	{ "duplicate name via escape", IN("{\"name\":\"a\",\"n\\u0061me\":\"b\"}"),
	    JS_OK, 0, { [JS_NAME] = "b" }, A_ABSENT, 0 },
	{ "duplicate active true,false", IN("{\"active\":true,\"active\":false}"),
	    JS_OK, 0, { 0 }, A_FALSE, 0 },
	{ "duplicate active false,true", IN("{\"active\":false,\"active\":true}"),
	    JS_OK, 0, { 0 }, A_TRUE, 0 },
	{ "duplicate active, later string", IN("{\"active\":true,\"active\":\"yes\"}"),
	    JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "duplicate type, later array", IN("{\"type\":\"known\",\"type\":[]}"),
	    JS_OK, 0, { 0 }, A_ABSENT, 0 },

	/* Escapes and surrogates in values. */
	{ "every short escape", IN("{\"name\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}"),
	    JS_OK, 0, { [JS_NAME] = "\" \\ / \b \f \n \r \t" }, A_ABSENT, 0 },
	{ "\\u escapes 1 to 3 bytes, both cases", IN("{\"name\":\"\\u0041\\u00e9"
	    "\\u00E9\\u20AC\\u07ff\\u0800\\uffff\\u001f\"}"), JS_OK, 0,
	    { [JS_NAME] = "A\xc3\xa9\xc3\xa9\xe2\x82\xac\xdf\xbf\xe0\xa0\x80"
	    "\xef\xbf\xbf\x1f" }, A_ABSENT, 0 },
	{ "surrogate pairs", IN("{\"name\":\"\\ud83d\\ude00\\uD800\\uDC00"
	    "\\udbff\\udfff\"}"), JS_OK, 0, { [JS_NAME] = "\xf0\x9f\x98\x80"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf" }, A_ABSENT, 0 },
	{ "lone high surrogate at end", IN("{\"name\":\"a\\ud83d\"}"), JS_OK, 0,
	    { [JS_NAME] = "a\xef\xbf\xbd" }, A_ABSENT, 0 },
	{ "lone high surrogate then ASCII", IN("{\"name\":\"\\ud83dx\"}"), JS_OK,
	    0, { [JS_NAME] = "\xef\xbf\xbdx" }, A_ABSENT, 0 },
	{ "lone high surrogate then raw UTF-8", IN("{\"name\":\"\\ud83d\xc3\xa9\"}"),
	    JS_OK, 0, { [JS_NAME] = "\xef\xbf\xbd\xc3\xa9" }, A_ABSENT, 0 },
	{ "lone high surrogate then short escape", IN("{\"name\":\"\\ud83d\\n\"}"),
	    JS_OK, 0, { [JS_NAME] = "\xef\xbf\xbd\n" }, A_ABSENT, 0 },
	{ "high surrogate then BMP escape", IN("{\"name\":\"\\ud83d\\u0041\"}"),
	    JS_OK, 0, { [JS_NAME] = "\xef\xbf\xbd" "A" }, A_ABSENT, 0 },
	{ "two high surrogates then low", IN("{\"name\":\"\\ud83d\\ud83d\\ude00\"}"),
	    JS_OK, 0, { [JS_NAME] = "\xef\xbf\xbd\xf0\x9f\x98\x80" }, A_ABSENT, 0 },
	{ "high surrogate then private-use escape", IN("{\"name\":\"\\ud83d\\ue000\"}"),
	    JS_OK, 0, { [JS_NAME] = "\xef\xbf\xbd\xee\x80\x80" }, A_ABSENT, 0 },
	{ "lone low surrogate", IN("{\"name\":\"\\ude00\"}"), JS_OK, 0,
	    { [JS_NAME] = "\xef\xbf\xbd" }, A_ABSENT, 0 },
	{ "low then high surrogate", IN("{\"name\":\"\\ude00\\ud83d\"}"), JS_OK, 0,
	    { [JS_NAME] = "\xef\xbf\xbd\xef\xbf\xbd" }, A_ABSENT, 0 },
	{ "lone surrogate in a skipped value", IN("{\"x\":\"\\ud800\",\"name\":\"n\"}"),
	    JS_OK, 0, { [JS_NAME] = "n" }, A_ABSENT, 0 },
	{ "empty value", IN("{\"name\":\"\"}"), JS_OK, 0, { [JS_NAME] = "" },
	    A_ABSENT, 0 },
	{ "DEL and BOM are plain string content", IN("{\"name\":\"\x7f\xef\xbb\xbf\"}"),
	    JS_OK, 0, { [JS_NAME] = "\x7f\xef\xbb\xbf" }, A_ABSENT, 0 },

	/* Valid UTF-8 at every boundary of RFC 3629's table. */
	{ "UTF-8 boundaries", IN("{\"name\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80"
	    "\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"
	    "\"}"), JS_OK, 0, { [JS_NAME] = "\xc2\x80\xdf\xbf\xe0\xa0\x80"
	    "\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf" },
	    A_ABSENT, 0 },
	{ "UTF-8 in a key", IN("{\"n\xc3\xa4me\":1,\"name\":\"x\"}"), JS_OK, 0,
	    { [JS_NAME] = "x" }, A_ABSENT, 0 },

	/* Invalid UTF-8. */
	{ "lone continuation byte", IN("\"\x80\""),
	    JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "overlong C0", IN("\"\xc0\xaf\""), JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "overlong C1", IN("\"\xc1\xbf\""), JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "overlong 3-byte", IN("\"\xe0\x80\xaf\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "overlong 3-byte high", IN("\"\xe0\x9f\xbf\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "overlong 4-byte", IN("\"\xf0\x80\x80\xaf\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "overlong 4-byte high", IN("\"\xf0\x8f\xbf\xbf\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "UTF-8 high surrogate", IN("\"\xed\xa0\x80\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "UTF-8 low surrogate", IN("\"\xed\xbf\xbf\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "CESU-8 pair", IN("{\"name\":\"\xed\xa0\xbd\xed\xb8\x80\"}"),
	    JS_E_UTF8, 10, { 0 }, 0, 0 },
	{ "above U+10FFFF (F4 90)", IN("\"\xf4\x90\x80\x80\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "above U+10FFFF (F5)", IN("\"\xf5\x80\x80\x80\""),
	    JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "5-byte lead F8", IN("\"\xf8\x88\x80\x80\x80\""),
	    JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "byte FE", IN("\"\xfe\""), JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "byte FF", IN("\"\xff\""), JS_E_UTF8, 1, { 0 }, 0, 0 },
	{ "2-byte cut by quote", IN("\"\xc3\""), JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "3-byte cut by quote", IN("\"\xe2\x82\""),
	    JS_E_UTF8, 3, { 0 }, 0, 0 },
	{ "4-byte cut by quote", IN("\"\xf0\x9f\x98\""),
	    JS_E_UTF8, 4, { 0 }, 0, 0 },
	{ "3-byte cut by ASCII", IN("\"\xe2\x82x\""),
	    JS_E_UTF8, 3, { 0 }, 0, 0 },
	{ "2-byte cut by a lead", IN("\"\xc3\xc3\xa9\""),
	    JS_E_UTF8, 2, { 0 }, 0, 0 },
	{ "2-byte cut by end of input", IN("\"\xc3"),
	    JS_E_TRUNCATED, 2, { 0 }, 0, 0 },
	{ "invalid UTF-8 in a nested key", IN("{\"a\":{\"\xff\":1}}"), JS_E_UTF8,
	    7, { 0 }, 0, 0 },
	{ "invalid UTF-8 after a field", IN("{\"name\":\"fred\",\"x\":\"\xc0\x80\"}"),
	    JS_E_UTF8, 20, { 0 }, 0, 0 },

	/* Raw control characters in strings. */
	{ "raw tab", IN("\"a\tb\""), JS_E_CONTROL, 2, { 0 }, 0, 0 },
	{ "raw newline in a value", IN("{\"name\":\"fr\ned\"}"), JS_E_CONTROL,
	    11, { 0 }, 0, 0 },
	{ "raw NUL", IN("\"\0\""), JS_E_CONTROL, 1, { 0 }, 0, 0 },
	{ "raw 0x1f", IN("\"\x1f\""), JS_E_CONTROL, 1, { 0 }, 0, 0 },
	{ "raw newline in a key", IN("{\"a\nb\":1}"),
	    JS_E_CONTROL, 3, { 0 }, 0, 0 },
	{ "raw CR after a surrogate", IN("\"\\ud83d\r\""),
	    JS_E_CONTROL, 7, { 0 }, 0, 0 },

	/* Bad escapes. */
	{ "escape \\x", IN("\"\\x41\""), JS_E_ESCAPE, 2, { 0 }, 0, 0 },
	{ "escape \\'", IN("\"\\'\""), JS_E_ESCAPE, 2, { 0 }, 0, 0 },
	{ "escape \\U", IN("\"\\U0041\""), JS_E_ESCAPE, 2, { 0 }, 0, 0 },
	{ "escape \\0", IN("\"\\0\""), JS_E_ESCAPE, 2, { 0 }, 0, 0 },
	{ "escape \\ then raw newline", IN("\"\\\n\""),
	    JS_E_ESCAPE, 2, { 0 }, 0, 0 },
	{ "bad hex digit", IN("\"\\u12G4\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	/* the bytes next to each range of hex digits (ascii_hexval) */
	{ "hex digit '/'", IN("\"\\u00/0\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	{ "hex digit ':'", IN("\"\\u00:0\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	{ "hex digit '@'", IN("\"\\u00@0\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	{ "hex digit '`'", IN("\"\\u00`0\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	{ "hex digit 'g'", IN("\"\\u00g0\""), JS_E_ESCAPE, 5, { 0 }, 0, 0 },
	{ "short \\u", IN("\"\\u004\""), JS_E_ESCAPE, 6, { 0 }, 0, 0 },
	{ "bad escape after a surrogate", IN("\"\\ud83d\\q\""),
	    JS_E_ESCAPE, 8, { 0 }, 0, 0 },
	{ "input ends in \\u", IN("\"\\u00"),
	    JS_E_TRUNCATED, 5, { 0 }, 0, 0 },
	{ "input ends after \\", IN("\"\\"), JS_E_TRUNCATED, 2, { 0 }, 0, 0 },

	/* Numbers: every edge of the grammar. */
	{ "zero", IN("0"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "minus zero", IN("-0"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "1e400 is not converted", IN("1e400"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "number grammar, valid forms", IN("[0,-0,1,-1,10,123456789012345678901234567890,"
	    "1.5,-0.0,0.5e1,1E+2,1e-2,0e0,0E-0,-123.456e789,1.000001e+00010]"),
	    JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "number then whitespace", IN(" 42 \n"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "numbers as member values", IN("{\"n\":-0.5E+10,\"m\":0}"), JS_OK, 0,
	    { 0 }, A_ABSENT, 0 },
	{ "leading zero 01", IN("01"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "leading zero 00", IN("00"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "leading zero -01", IN("-01"), JS_E_NUMBER, 2, { 0 }, 0, 0 },
	{ "leading zero in array", IN("[01]"), JS_E_NUMBER, 2, { 0 }, 0, 0 },
	{ "1. at end of input", IN("1."), JS_E_TRUNCATED, 2, { 0 }, 0, 0 },
	{ "1. in array", IN("[1.]"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1.e5", IN("1.e5"), JS_E_NUMBER, 2, { 0 }, 0, 0 },
	{ ".1", IN(".1"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "- alone", IN("-"), JS_E_TRUNCATED, 1, { 0 }, 0, 0 },
	{ "- in array", IN("[-]"), JS_E_NUMBER, 2, { 0 }, 0, 0 },
	{ "--1", IN("--1"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "-Infinity", IN("-Infinity"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "+1", IN("+1"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "1e at end of input", IN("1e"), JS_E_TRUNCATED, 2, { 0 }, 0, 0 },
	{ "1e in array", IN("[1e]"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1e+ at end of input", IN("1e+"), JS_E_TRUNCATED, 3, { 0 }, 0, 0 },
	{ "1e+ in array", IN("[1e+]"), JS_E_NUMBER, 4, { 0 }, 0, 0 },
	{ "1e-x", IN("1e-x"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1.5.3", IN("1.5.3"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1e5e", IN("1e5e"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1e5.0", IN("1e5.0"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1e5E", IN("1e5E"), JS_E_NUMBER, 3, { 0 }, 0, 0 },
	{ "1e5+ in array", IN("[1e5+]"), JS_E_NUMBER, 4, { 0 }, 0, 0 },
	{ "1.5e", IN("1.5e"), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "1-2", IN("1-2"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "0+", IN("0+"), JS_E_NUMBER, 1, { 0 }, 0, 0 },
	{ "0x10", IN("0x10"), JS_E_TRAILING, 1, { 0 }, 0, 0 },
	{ "0x10 in array", IN("[0x10]"), JS_E_SYNTAX, 2, { 0 }, 0, 0 },
	{ "NaN", IN("NaN"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "two numbers", IN("1 2"), JS_E_TRAILING, 2, { 0 }, 0, 0 },
	{ "two numbers in array", IN("[1 2]"), JS_E_SYNTAX, 3, { 0 }, 0, 0 },

	/* Literals. */
	{ "true", IN("true"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "false", IN(" false "), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "null", IN("null"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "tru", IN("tru"), JS_E_TRUNCATED, 3, { 0 }, 0, 0 },
	{ "trUe", IN("trUe"), JS_E_SYNTAX, 2, { 0 }, 0, 0 },
	{ "True", IN("True"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "nulll", IN("nulll"), JS_E_TRAILING, 4, { 0 }, 0, 0 },
	{ "falze", IN("falze"), JS_E_SYNTAX, 3, { 0 }, 0, 0 },
	{ "fals", IN("fals"), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "nul", IN(" nul"), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "nulL", IN("nulL"), JS_E_SYNTAX, 3, { 0 }, 0, 0 },
	{ "truefalse in array", IN("[truefalse]"),
	    JS_E_SYNTAX, 5, { 0 }, 0, 0 },
	{ "active tru", IN("{\"active\":tru}"),
	    JS_E_SYNTAX, 13, { 0 }, 0, 0 },

	/* Structure. */
	{ "empty object", IN("{}"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "empty array", IN("[]"), JS_OK, 0, { 0 }, A_ABSENT, 1 },
	{ "all four whitespace bytes", IN("\t\r\n {\t\"name\"\r:\n\"x\" , \"a\" : [ ] }\n"),
	    JS_OK, 0, { [JS_NAME] = "x" }, A_ABSENT, 0 },
	{ "nested empties", IN("[[],{},[{}],{\"a\":[]}]"), JS_OK, 0, { 0 },
	    A_ABSENT, 1 },
	{ "trailing comma in object", IN("{\"a\":1,}"),
	    JS_E_SYNTAX, 7, { 0 }, 0, 0 },
	{ "trailing comma in array", IN("[1,]"),
	    JS_E_SYNTAX, 3, { 0 }, 0, 0 },
	{ "lone comma in object", IN("{,}"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "leading comma in array", IN("[,1]"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "double comma", IN("[1,,2]"), JS_E_SYNTAX, 3, { 0 }, 0, 0 },
	{ "missing colon", IN("{\"a\" 1}"), JS_E_SYNTAX, 5, { 0 }, 0, 0 },
	{ "double colon", IN("{\"a\"::1}"), JS_E_SYNTAX, 5, { 0 }, 0, 0 },
	{ "missing value", IN("{\"a\":}"), JS_E_SYNTAX, 5, { 0 }, 0, 0 },
	{ "missing comma", IN("{\"a\":1 \"b\":2}"),
	    JS_E_SYNTAX, 7, { 0 }, 0, 0 },
	{ "number key", IN("{1:2}"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "single-quoted key", IN("{'a':1}"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "array closed by }", IN("[1}"), JS_E_SYNTAX, 2, { 0 }, 0, 0 },
	{ "object closed by ]", IN("{\"a\":1]"),
	    JS_E_SYNTAX, 6, { 0 }, 0, 0 },
	{ "empty object closed by ]", IN("{]"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "empty array closed by }", IN("[}"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "lone ]", IN("]"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "lone }", IN(" }"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "lone colon", IN(":"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "unexpected ',' deep in a reply",
	    IN("{\"name\":\"fred\",\"groups\":{\"items\":[{\"name\":\"a\"},,]}}"),
	    JS_E_SYNTAX, 47, { 0 }, 0, 0 },
	{ "form feed is not whitespace", IN("\f{}"),
	    JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "vertical tab is not whitespace", IN("{\v}"),
	    JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "NBSP is not whitespace", IN("\xc2\xa0{}"),
	    JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "UTF-8 outside strings", IN("[\xc3\xa9]"),
	    JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "comment", IN("{/*x*/}"), JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "bare word (read as false)", IN("{\"name\":fred}"),
	    JS_E_SYNTAX, 9, { 0 }, 0, 0 },

	/* Trailing garbage. */
	{ "two objects", IN("{} {}"), JS_E_TRAILING, 3, { 0 }, 0, 0 },
	{ "object then x", IN("{}x"), JS_E_TRAILING, 2, { 0 }, 0, 0 },
	{ "extra ]", IN("[]]"), JS_E_TRAILING, 2, { 0 }, 0, 0 },
	{ "NUL after value", IN("{}\0"), JS_E_TRAILING, 2, { 0 }, 0, 0 },
	{ "two strings", IN("\"a\"\"b\""), JS_E_TRAILING, 3, { 0 }, 0, 0 },
	{ "UTF-8 after value", IN("{\"a\":1}\xc3\xa9"),
	    JS_E_TRAILING, 7, { 0 }, 0, 0 },
	{ "whitespace after value", IN("{}\n\r\t \n"), JS_OK, 0, { 0 }, A_ABSENT, 0 },
	{ "jira reply then garbage", IN(JIRA_DC "\n<html>"), JS_E_TRAILING,
	    sizeof(JIRA_DC), { 0 }, 0, 0 },
	{ "HTML login page", IN("<!DOCTYPE html><html>"),
	    JS_E_SYNTAX, 0, { 0 }, 0, 0 },

	/* Empty input and byte-order marks. */
	{ "empty input", IN(""), JS_E_EMPTY, 0, { 0 }, 0, 0 },
	{ "only whitespace", IN(" \r\n\t"), JS_E_EMPTY, 4, { 0 }, 0, 0 },
	{ "only a BOM", IN("\xef\xbb\xbf"), JS_E_EMPTY, 3, { 0 }, 0, 0 },
	{ "BOM then object", IN("\xef\xbb\xbf{\"name\":\"fred\"}"), JS_OK, 0,
	    { [JS_NAME] = "fred" }, A_ABSENT, 0 },
	{ "BOM, whitespace, object", IN("\xef\xbb\xbf\r\n{}"), JS_OK, 0, { 0 },
	    A_ABSENT, 0 },
	{ "two BOMs", IN("\xef\xbb\xbf\xef\xbb\xbf{}"),
	    JS_E_SYNTAX, 3, { 0 }, 0, 0 },
	{ "BOM after whitespace", IN(" \xef\xbb\xbf{}"),
	    JS_E_SYNTAX, 1, { 0 }, 0, 0 },
	{ "half a BOM", IN("\xef\xbb{}"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "first BOM byte only", IN("\xef"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "UTF-16 BOM", IN("\xfe\xff\0{\0}"), JS_E_SYNTAX, 0, { 0 }, 0, 0 },
	{ "BOM after the value", IN("{}\xef\xbb\xbf"),
	    JS_E_TRAILING, 2, { 0 }, 0, 0 },

	/* Input ending early, in every context. */
	{ "ends after {", IN("{"), JS_E_TRUNCATED, 1, { 0 }, 0, 0 },
	{ "ends after [", IN(" [ "), JS_E_TRUNCATED, 3, { 0 }, 0, 0 },
	{ "ends after key", IN("{\"a\""), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "ends in key", IN("{\"na"), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "ends after colon", IN("{\"a\":"), JS_E_TRUNCATED, 5, { 0 }, 0, 0 },
	{ "ends after member", IN("{\"a\":1"),
	    JS_E_TRUNCATED, 6, { 0 }, 0, 0 },
	{ "ends after comma", IN("[1,"), JS_E_TRUNCATED, 3, { 0 }, 0, 0 },
	{ "ends in value string", IN("{\"name\":\"fr"),
	    JS_E_TRUNCATED, 11, { 0 }, 0, 0 },
	{ "ends in top string", IN("\"abc"), JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "ends in nested literal", IN("[nul"),
	    JS_E_TRUNCATED, 4, { 0 }, 0, 0 },
	{ "ends one } short", IN("{\"a\":{\"b\":1}"),
	    JS_E_TRUNCATED, 12, { 0 }, 0, 0 },
};

/* A growable test buffer (tests may allocate; the scanner never does). */
struct buf {
	char *p;
	size_t len, cap;
};

static void b_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void b_str(struct buf *b, const char *s) { b_add(b, s, strlen(s)); }

static void b_rep(struct buf *b, const char *s, size_t times)
{
	while (times--)
		b_str(b, s);
}

/* Deep nesting: a limit error, never a crash, and the bit stack must
 * remember every level on the way back up. */
static void test_depth(void)
{
	struct buf b = { 0 };
	struct res r;
	char label[80];
	size_t i;

	b_rep(&b, "[", 100000);
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_E_DEPTH, "100000 '[': depth error");
	T_EQ_INT(r.off, JS_DEPTH_MAX, "100000 '[': at the first level too many");
	T_EQ_STR(r.msg, "unexpected '[' at byte 1024 (nesting deeper than "
	    "1024 levels)", "100000 '[': message");
	check_splits("100000 '['", b.p, b.len, &r, 40);

	b.len = 0;
	b_rep(&b, "[", JS_DEPTH_MAX);
	b_rep(&b, "]", JS_DEPTH_MAX);
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_OK, "exactly JS_DEPTH_MAX arrays");
	check_splits("JS_DEPTH_MAX arrays", b.p, b.len, &r, 64);

	b.len = 0;
	b_str(&b, "{\"x\":");
	b_rep(&b, "{\"a\":", JS_DEPTH_MAX - 1);
	b_str(&b, "{\"name\":\"deep\",\"active\":true}");
	b_rep(&b, "}", JS_DEPTH_MAX - 1);
	b_str(&b, ",\"name\":\"top\"}");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_E_DEPTH, "JS_DEPTH_MAX + 1 objects");
	T_EQ_INT(r.off, 5 + (JS_DEPTH_MAX - 1) * 5, "JS_DEPTH_MAX + 1 objects: "
	    "offset");

	b.len = 0;
	b_str(&b, "{\"x\":");
	b_rep(&b, "{\"a\":", JS_DEPTH_MAX - 2);
	b_str(&b, "{\"name\":\"deep\",\"active\":true}");
	b_rep(&b, "}", JS_DEPTH_MAX - 2);
	b_str(&b, ",\"name\":\"top\"}");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_OK, "JS_DEPTH_MAX objects");
	T_EQ_MEM(r.f[JS_NAME].buf, r.f[JS_NAME].len, "top", 3,
	    "JS_DEPTH_MAX objects: only the top-level name");
	T_EQ_INT(r.active, -1, "JS_DEPTH_MAX objects: deep active ignored");
	check_splits("JS_DEPTH_MAX objects", b.p, b.len, &r, 64);

	/* Alternate objects and arrays so every bit of the stack differs from
	 * its neighbours, then close them in order. */
	for (i = 0; i < 3; i++) {
		size_t d, bad = 700;

		b.len = 0;
		for (d = 0; d < JS_DEPTH_MAX; d++)
			b_str(&b, (d * 7 + i) % 3 ? "[" : "{\"k\":");
		b_str(&b, "0");
		for (d = JS_DEPTH_MAX; d-- > 0;) {
			int obj = !((d * 7 + i) % 3);

			if (i == 2 && d == bad)
				obj = !obj;
			b_str(&b, obj ? "}" : "]");
		}
		scan(b.p, b.len, b.len, 0, &r);
		snprintf(label, sizeof(label), "mixed nesting %zu", i);
		T_EQ_INT(r.rc, i == 2 ? JS_E_SYNTAX : JS_OK, label);
		check_splits(label, b.p, b.len, &r, 32);
	}
	free(b.p);
}

/* A value cut at JS_FIELD_MAX: k ASCII bytes, one character (written raw
 * or escaped, 1 to 4 bytes once decoded), then "z", for k on both sides of
 * the cap, so the character straddles it in every possible way. */
static void test_truncation(void)
{
	static const struct { const char *json, *raw; } chars[] = {
		{ "a", "a" },
		{ "\xc3\xa9", "\xc3\xa9" }, { "\\u00e9", "\xc3\xa9" },
		{ "\xe2\x82\xac", "\xe2\x82\xac" }, { "\\u20ac", "\xe2\x82\xac" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\\ud83d\\ude00", "\xf0\x9f\x98\x80" },
		{ "\\ud83d", "\xef\xbf\xbd" },
	};
	size_t c, k;
	char label[120];

	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		for (k = JS_FIELD_MAX - 6; k <= JS_FIELD_MAX + 1; k++) {
			struct buf doc = { 0 }, want = { 0 };
			size_t n = strlen(chars[c].raw), fits;
			struct res r;
			int trunc;

			b_str(&doc, "{\"displayName\":\"");
			b_rep(&doc, "x", k);
			b_str(&doc, chars[c].json);
			b_str(&doc, "z\",\"name\":\"n\"}");
			fits = k <= JS_FIELD_MAX ? k : JS_FIELD_MAX;
			b_rep(&want, "x", fits);
			trunc = k + n + 1 > JS_FIELD_MAX;
			if (k + n <= JS_FIELD_MAX)
				b_str(&want, chars[c].raw);
			if (!trunc)
				b_str(&want, "z");

			snprintf(label, sizeof(label), "cap: %zu x then %s then z",
			    k, chars[c].json);
			scan(doc.p, doc.len, doc.len, 0, &r);
			T_EQ_INT(r.rc, JS_OK, label);
			T_EQ_INT(r.f[JS_DISPLAYNAME].present, 1, label);
			T_EQ_INT(r.f[JS_DISPLAYNAME].truncated, trunc, label);
			T_EQ_MEM(r.f[JS_DISPLAYNAME].buf,
			    r.f[JS_DISPLAYNAME].len, want.p, want.len, label);
			T_EQ_MEM(r.f[JS_NAME].buf, r.f[JS_NAME].len, "n", 1,
			    label);
			T_CHECK(r.f[JS_DISPLAYNAME].len <= JS_FIELD_MAX, label);
			check_splits(label, doc.p, doc.len, &r, 0);
			free(doc.p);
			free(want.p);
		}
	}
}

static void test_truncation_misc(void)
{
	struct buf b = { 0 };
	struct res r;

	/* A long value then a short duplicate: the duplicate wins whole. */
	b_str(&b, "{\"name\":\"");
	b_rep(&b, "long", 100);
	b_str(&b, "\",\"name\":\"fred\"}");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_OK, "long then short duplicate");
	T_EQ_MEM(r.f[JS_NAME].buf, r.f[JS_NAME].len, "fred", 4,
	    "long then short duplicate: value");
	T_EQ_INT(r.f[JS_NAME].truncated, 0, "long then short duplicate: whole");

	/* The scan goes on validating past a cut value. */
	b.len = 0;
	b_str(&b, "{\"name\":\"");
	b_rep(&b, "v", JS_FIELD_MAX + 100);
	b_str(&b, "\xc0\x80\"}");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_E_UTF8, "invalid UTF-8 past the cap");
	T_EQ_INT(r.off, 9 + JS_FIELD_MAX + 100, "invalid UTF-8 past the cap: offset");
	b.len = 0;
	b_str(&b, "{\"name\":\"");
	b_rep(&b, "v", JS_FIELD_MAX + 100);
	b_str(&b, "\"} x");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_E_TRAILING, "trailing data after a cut value");
	free(b.p);

	/* \u0000 is a real byte of the value: len, not strlen, is the truth. */
	scan(IN("{\"name\":\"a\\u0000b\"}"), sizeof("{\"name\":\"a\\u0000b\"}") - 1,
	    0, &r);
	T_EQ_INT(r.rc, JS_OK, "\\u0000 in a value");
	T_EQ_MEM(r.f[JS_NAME].buf, r.f[JS_NAME].len, "a\0b", 3,
	    "\\u0000 in a value: bytes");
	T_EQ_INT(r.f[JS_NAME].buf[3], 0, "\\u0000 in a value: NUL after len");
}

/* Jira and Confluence allow 255 characters in a user name or a
 * display name; any script, raw UTF-8 or \u escapes (surrogate pairs for
 * emoji), comes through whole, and one character more than 4 * 255 bytes
 * is cut at a character boundary. */
static void test_names_255(void)
{
	static const struct { const char *label, *json, *raw; } chars[] = {
		{ "CJK", "\xe6\x97\xa5", "\xe6\x97\xa5" },                          /* U+65E5, 3 bytes */
		{ "CJK escaped", "\\u65e5", "\xe6\x97\xa5" },
		{ "emoji", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },              /* U+1F600, 4 bytes */
		{ "emoji escaped", "\\ud83d\\ude00", "\xf0\x9f\x98\x80" },
		{ "emoji with ZWJ parts", "\xf0\x9f\x91\xa9", "\xf0\x9f\x91\xa9" }, /* U+1F469 */
	};
	/* mixed scripts, 4 characters: Latin, Cyrillic, Devanagari, emoji */
	static const char mixed[] = "a\xd0\x96\xe0\xa4\x85\xf0\x9f\x8c\x8d";
	static const char *const keys[] = { "name", "username", "displayName" };
	static const int idx[] = { JS_NAME, JS_USERNAME, JS_DISPLAYNAME };
	char label[120];
	size_t c, k, count;

	_Static_assert(JS_FIELD_MAX >= 255 * 4, "255 characters of 4 bytes fit");
	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		for (count = 255; count <= 256; count++) {
			for (k = 0; k < 3; k++) {
				struct buf doc = { 0 }, want = { 0 };
				size_t n = strlen(chars[c].raw), keep;
				struct res r;

				b_str(&doc, "{\"");
				b_str(&doc, keys[k]);
				b_str(&doc, "\":\"");
				b_rep(&doc, chars[c].json, count);
				b_str(&doc, "\",\"accountId\":\"x\"}");
				keep = count * n <= JS_FIELD_MAX ? count : JS_FIELD_MAX / n;
				b_rep(&want, chars[c].raw, keep);
				snprintf(label, sizeof(label), "%zu %s characters in %s", count, chars[c].label, keys[k]);
				scan(doc.p, doc.len, doc.len, 0, &r);
				T_EQ_INT(r.rc, JS_OK, label);
				T_EQ_INT(r.f[idx[k]].truncated, keep < count, label);
				T_EQ_MEM(r.f[idx[k]].buf, r.f[idx[k]].len, want.p, want.len, label);
				if (count == 255)
					T_EQ_INT(keep, 255, label); /* whole */
				if (k == 0)
					check_splits(label, doc.p, doc.len, &r, 40);
				free(doc.p);
				free(want.p);
			}
		}
	}
	{
		struct buf doc = { 0 }, want = { 0 };
		struct res r;

		b_str(&doc, "{\"displayName\":\"");
		b_rep(&doc, mixed, 255 / 4);
		b_str(&doc, "\xe6\x97\xa5\xe6\x97\xa5\xf0\x9f\x98\x80\"}"); /* 255 characters */
		b_rep(&want, mixed, 255 / 4);
		b_str(&want, "\xe6\x97\xa5\xe6\x97\xa5\xf0\x9f\x98\x80");
		scan(doc.p, doc.len, doc.len, 0, &r);
		T_EQ_INT(r.rc, JS_OK, "255 characters of mixed scripts");
		T_EQ_INT(r.f[JS_DISPLAYNAME].truncated, 0, "255 characters of mixed scripts: whole");
		T_EQ_MEM(r.f[JS_DISPLAYNAME].buf, r.f[JS_DISPLAYNAME].len, want.p, want.len,
		    "255 characters of mixed scripts: every byte");
		free(doc.p);
		free(want.p);
	}
}

/* With rd set, a field is secret when its whole decoded value holds a run
 * of the token: past the cap, behind escapes, split anywhere. */
static void test_secret(void)
{
	static struct rd_set set;
	static const char tok[] = "tok\"with\\back'sl/ash-0123456789";
	static const struct { const char *label, *json; int secret[JS_NFIELDS]; } rows[] = {
		{ "the token, JSON-escaped", "{\"name\":\"fred\",\"displayName\":\"tok\\\"with\\\\back'sl\\/ash-0123456789\"}",
		  { [JS_DISPLAYNAME] = 1 } },
		{ "12 bytes of it", "{\"name\":\"fred\",\"type\":\"k'sl\\/ash-012\"}", { [JS_TYPE] = 1 } },
		{ "11 bytes of it", "{\"name\":\"fred\",\"type\":\"'sl\\/ash-012\"}", { 0 } },
		{ "\\u escapes for every byte", "{\"emailAddress\":\"\\u0074\\u006f\\u006b\\u0022\\u0077\\u0069"
		  "\\u0074\\u0068\\u005c\\u0062\\u0061\\u0063\\u006b\",\"name\":\"x\"}", { [JS_EMAIL] = 1 } },
		{ "\\\\, \\/ and \\u0041 forms", "{\"accountId\":\"with\\\\b\\u0061ck'sl\\/a\"}", { [JS_ACCOUNTID] = 1 } },
		{ "a key holding the token is not a field", "{\"k'sl/ash-0123456789\":1,\"name\":\"n\"}", { 0 } },
		{ "a nested value is not shown", "{\"x\":{\"name\":\"k'sl\\/ash-0123456789\"},\"name\":\"n\"}", { 0 } },
		{ "the last duplicate decides", "{\"name\":\"k'sl\\/ash-0123456789\",\"name\":\"fred\"}", { 0 } },
		{ "the last duplicate decides (2)", "{\"name\":\"fred\",\"name\":\"k'sl\\/ash-0123456789\"}", { [JS_NAME] = 1 } },
	};
	struct buf b = { 0 };
	struct res r;
	size_t i;
	int k;

	rd_init(&set, tok, strlen(tok));
	scan_rd = &set;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		scan(rows[i].json, strlen(rows[i].json), 0, 0, &r);
		T_EQ_INT(r.rc, JS_OK, rows[i].label);
		for (k = 0; k < JS_NFIELDS; k++)
			T_EQ_INT(r.f[k].secret, rows[i].secret[k], rows[i].label);
		check_splits(rows[i].label, rows[i].json, strlen(rows[i].json), &r, 0);
	}
	/* the token after JS_FIELD_MAX + 500 bytes: judged, though not kept */
	b_str(&b, "{\"name\":\"fred\",\"displayName\":\"");
	b_rep(&b, "x", JS_FIELD_MAX + 500);
	b_str(&b, "back'sl\\/ash-0123456789\"}");
	scan(b.p, b.len, b.len, 0, &r);
	T_EQ_INT(r.rc, JS_OK, "the token past the cap");
	T_CHECK(r.f[JS_DISPLAYNAME].truncated && r.f[JS_DISPLAYNAME].secret,
	    "the token past the cap: cut, and secret");
	T_CHECK(!r.f[JS_NAME].secret, "the token past the cap: name is not secret");
	check_splits("the token past the cap", b.p, b.len, &r, 64);
	/* without rd nothing is judged */
	scan_rd = NULL;
	scan(b.p, b.len, b.len, 0, &r);
	T_CHECK(!r.f[JS_DISPLAYNAME].secret, "without rd nothing is secret");
	free(b.p);
}

static void test_api(void)
{
	struct js_scanner s, t;
	char msg[128];
	size_t n;
	int i;

	js_init(&s);
	T_EQ_INT(s.active, -1, "init: active absent");
	T_EQ_INT(s.toplevel_object, 0, "init: no top-level object yet");
	for (i = 0; i < JS_NFIELDS; i++)
		T_EQ_INT(s.f[i].present, 0, "init: field absent");
	T_EQ_INT(js_feed(&s, NULL, 0), JS_OK, "feed (NULL, 0)");
	n = js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "ok", "errmsg without an error");
	T_EQ_INT(n, 2, "errmsg without an error: length");

	/* Sticky errors. */
	T_EQ_INT(js_feed(&s, "[1,", 3), JS_OK, "sticky: first chunk");
	T_EQ_INT(js_feed(&s, ",2]", 3), JS_E_SYNTAX, "sticky: error");
	T_EQ_INT(js_erroff(&s), 3, "sticky: offset");
	T_EQ_INT(js_feed(&s, "]", 1), JS_E_SYNTAX, "sticky: later feed");
	T_EQ_INT(js_feed(&s, NULL, 0), JS_E_SYNTAX, "sticky: empty feed");
	T_EQ_INT(js_finish(&s), JS_E_SYNTAX, "sticky: finish");
	T_EQ_INT(js_erroff(&s), 3, "sticky: offset kept");
	n = js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "unexpected ',' at byte 3 (expected a value)",
	    "errmsg: syntax");
	T_EQ_INT(n, strlen(msg), "errmsg: length");

	/* errmsg truncates like snprintf and always terminates. */
	memset(msg, 'X', sizeof(msg));
	T_EQ_INT(js_errmsg(&s, msg, 11), n, "errmsg cap 11: needed length");
	T_EQ_STR(msg, "unexpected", "errmsg cap 11: cut and terminated");
	memset(msg, 'X', sizeof(msg));
	js_errmsg(&s, msg, 1);
	T_EQ_INT(msg[0], 0, "errmsg cap 1: empty string");
	memset(msg, 'X', sizeof(msg));
	T_EQ_INT(js_errmsg(&s, msg, 0), n, "errmsg cap 0: needed length");
	T_EQ_INT(msg[0], 'X', "errmsg cap 0: writes nothing");

	js_init(&s);
	js_feed(&s, "\"abc", 4);
	T_EQ_INT(js_finish(&s), JS_E_TRUNCATED, "truncated string");
	js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "input ended inside a string at byte 4",
	    "errmsg: truncated");
	js_init(&s);
	js_feed(&s, "[\"\xff\"]", 4);
	js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "invalid UTF-8: unexpected byte 0xFF at byte 2 (not a "
	    "UTF-8 lead byte)", "errmsg: UTF-8");
	js_init(&s);
	js_feed(&s, " ", 1);
	js_finish(&s);
	js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "input ended before any JSON value at byte 1",
	    "errmsg: empty");
	js_init(&s);
	js_feed(&s, "{\"a\":1}}", 8);
	js_errmsg(&s, msg, sizeof(msg));
	T_EQ_STR(msg, "unexpected '}' at byte 7 (after the JSON value)",
	    "errmsg: trailing");

	/* After a successful finish. */
	js_init(&s);
	T_EQ_INT(js_feed(&s, "{}", 2), JS_OK, "finish twice: feed");
	T_EQ_INT(js_finish(&s), JS_OK, "finish twice: first");
	T_EQ_INT(js_finish(&s), JS_OK, "finish twice: second");
	T_EQ_INT(js_feed(&s, NULL, 0), JS_OK, "empty feed after finish");
	T_EQ_INT(js_feed(&s, "x", 1), JS_E_TRAILING, "feed after finish");
	T_EQ_INT(js_erroff(&s), 2, "feed after finish: offset");
	T_EQ_INT(js_finish(&s), JS_E_TRAILING, "feed after finish: sticky");

	/* The state has no pointers: a copy taken mid-stream goes on alone. */
	js_init(&s);
	T_EQ_INT(js_feed(&s, JIRA_DC, 200), JS_OK, "copy: first half");
	memcpy(&t, &s, sizeof(t));
	memset(&s, 0xA5, sizeof(s));
	T_EQ_INT(js_feed(&t, &JIRA_DC[200], sizeof(JIRA_DC) - 1 - 200), JS_OK,
	    "copy: second half");
	T_EQ_INT(js_finish(&t), JS_OK, "copy: finish");
	T_EQ_STR(t.f[JS_NAME].buf, "fred", "copy: name");

	{
		static const int codes[] = { JS_OK, JS_E_SYNTAX, JS_E_DEPTH,
		    JS_E_UTF8, JS_E_ESCAPE, JS_E_CONTROL, JS_E_NUMBER,
		    JS_E_TRAILING, JS_E_TRUNCATED, JS_E_EMPTY };
		size_t a, b;

		for (a = 0; a < sizeof codes / sizeof codes[0]; a++) {
			const char *m = js_strerror(codes[a]);

			T_CHECK(strcmp(m, "unknown JSON error") != 0,
			    "js_strerror: every code has a message");
			T_CHECK(strncmp(m, "JS_", 3) != 0,
			    "js_strerror: prose, not the code's name");
			for (b = 0; b < a; b++)
				T_CHECK(strcmp(m, js_strerror(codes[b])) != 0,
				    "js_strerror: codes tell apart");
		}
	}
	T_EQ_STR(js_strerror(JS_E_DEPTH), "JSON nested deeper than 1024 levels",
	    "js_strerror depth");
	T_EQ_STR(js_strerror(JS_E_NUMBER), "invalid JSON number",
	    "js_strerror number");
	T_EQ_STR(js_strerror(1), "unknown JSON error", "js_strerror unknown");
	T_EQ_STR(js_field_key(JS_EMAIL), "emailAddress", "js_field_key");
	T_EQ_STR(js_field_key(JS_ACCOUNTID), "accountId", "js_field_key");
	T_CHECK(js_field_key(JS_NFIELDS) == NULL, "js_field_key past the end");
	T_CHECK(js_field_key(-1) == NULL, "js_field_key negative");
}

/* Strings are skipped eight bytes at a time (one 64-bit word, see
 * skip_plain): a byte that needs attention must stop the skip in every lane
 * of the word, at every alignment, whatever the host's byte order (make
 * test-cross runs this on big-endian s390x). The plain bytes around it sit
 * next to the special ranges (0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7E, 0x7F). */
static void test_lanes(void)
{
	static const char fill[] = "! #[]~\x7f" "a";
	static const struct {
		const char *label, *ins;
		int rc;          /* JS_OK, or the error at the inserted byte */
		const char *dec; /* decoded insert; NULL: the value ends there */
	} sp[] = {
		{ "escape \\n", "\\n", JS_OK, "\n" },
		{ "escape \\\"", "\\\"", JS_OK, "\"" },
		{ "closing quote", "\",\"x\":\"", JS_OK, NULL },
		{ "raw 0x01", "\x01", JS_E_CONTROL, NULL },
		{ "raw 0x1f", "\x1f", JS_E_CONTROL, NULL },
		{ "UTF-8 U+00E9", "\xc3\xa9", JS_OK, "\xc3\xa9" },
		{ "UTF-8 U+10FFFF", "\xf4\x8f\xbf\xbf", JS_OK, "\xf4\x8f\xbf\xbf" },
		{ "byte 0xff", "\xff", JS_E_UTF8, NULL },
		{ "byte 0x80", "\x80", JS_E_UTF8, NULL },
	};
	struct buf b = { 0 }, want = { 0 };
	struct res r;
	char what[160];
	size_t i, lead, k, j, bad;

	for (i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		bad = 0;
		for (lead = 0; lead < 8; lead++)
			for (k = 0; k < 24; k++) {
				b.len = want.len = 0;
				b_rep(&b, " ", lead);
				b_str(&b, "{\"name\":\"");
				for (j = 0; j < k; j++) {
					b_add(&b, &fill[j % 8], 1);
					b_add(&want, &fill[j % 8], 1);
				}
				b_str(&b, sp[i].ins);
				if (sp[i].dec)
					b_str(&want, sp[i].dec);
				for (j = 0; j < 24 - k; j++) {
					b_add(&b, &fill[j % 8], 1);
					if (sp[i].dec)
						b_add(&want, &fill[j % 8], 1);
				}
				b_str(&b, "\"}");
				scan(b.p, b.len, b.len, 0, &r);
				if (sp[i].rc == JS_OK ? r.rc == JS_OK &&
				    r.f[JS_NAME].len == want.len &&
				    memcmp(r.f[JS_NAME].buf, want.p, want.len) == 0 :
				    r.rc == sp[i].rc && r.off == lead + 9 + k)
					continue;
				if (bad++ == 0) {
					fprintf(stderr, "lanes: %s after %zu spaces "
					    "and %zu plain bytes\n", sp[i].label, lead, k);
					show_res("got", &r);
				}
			}
		snprintf(what, sizeof(what), "lanes: %s stops the word skip in "
		    "every lane", sp[i].label);
		T_EQ_INT(bad, 0, what);
	}
	free(b.p);
	free(want.p);
}

/* A big Jira user (thousands of groups) in chunks of several sizes. */
static void test_big(void)
{
	static const size_t chunks[] = { 1, 3, 7, 64, 4096, 16384 };
	struct buf b = { 0 };
	struct res one;
	size_t i, c;

	b_str(&b, "{\"self\":\"http://x/rest/api/2/user?username=fred\",\"groups\":"
	    "{\"size\":3000,\"items\":[");
	for (i = 0; i < 3000; i++) {
		char item[160];

		snprintf(item, sizeof(item), "%s{\"name\":\"grp-%zu-\\u00e9\\\"q\","
		    "\"self\":\"http://x/rest/api/2/group?groupname=grp-%zu\","
		    "\"id\":%zu,\"w\":-%zu.5e-3}", i ? "," : "", i, i, i, i);
		b_str(&b, item);
	}
	b_str(&b, "]},\"name\":\"fred\",\"active\":true}");
	scan(b.p, b.len, b.len, 0, &one);
	T_EQ_INT(one.rc, JS_OK, "big: verdict");
	T_EQ_STR(one.f[JS_NAME].buf, "fred", "big: name");
	T_EQ_INT(one.active, 1, "big: active");
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct js_scanner s;
		struct res r;
		size_t off;
		int rc = JS_OK;

		js_init(&s);
		for (off = 0; off < b.len && rc == JS_OK; off += chunks[c]) {
			size_t n = b.len - off < chunks[c] ? b.len - off : chunks[c];

			rc = feed_copy(&s, (unsigned char *)b.p + off, n);
		}
		if (rc == JS_OK)
			rc = js_finish(&s);
		collect(&s, rc, &r);
		T_CHECK(same_res(&r, &one), "big: fixed-size chunks");
	}
	free(b.p);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	test_depth();
	test_truncation();
	test_truncation_misc();
	test_names_255();
	test_secret();
	test_api();
	test_big();
	test_lanes();
	return t_done();
}
