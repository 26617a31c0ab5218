/* report.c: text, JSON (RFC 8259) and POSIX-shell env reports. Values from
 * the server are encoded by out.c; nothing here writes them raw. */
#include "report.h"

#include <stddef.h>
#include <string.h>

#include "fmt.h"
#include "sys.h"

/* The gathered bytes go out, or nowhere once a write has failed (sticky). */
static void rep_drain(struct rep_buf *b)
{
	if (b->len && !b->lost) {
		b->lost = sys_write_fd(b->fd, b->buf, b->len, b->deadline);
		if (b->lost == SYS_E_IO)
			fmt_snprintf(b->why, sizeof b->why, "%s", sys_errstr());
	}
	b->len = 0;
}

/* The filter's output: gathered, written when the buffer is full. */
static void rep_out(void *ctx, const void *p, size_t n)
{
	struct rep_buf *b = ctx;
	const char *s = p;

	while (n > 0) {
		size_t take = n < REP_BUF - b->len ? n : REP_BUF - b->len;

		memcpy(b->buf + b->len, s, take);
		b->len += take;
		s += take;
		n -= take;
		if (b->len == REP_BUF)
			rep_drain(b);
	}
}

void rep_init(struct rep_buf *b, int fd)
{
	b->fd = fd;
	b->lost = 0;
	b->deadline = 0;
	b->len = 0;
	b->why[0] = '\0';
	rd_filter_init(&b->f, NULL, rep_out, b);
}

void rep_deadline(struct rep_buf *b, int64_t deadline)
{
	b->deadline = deadline;
}

int rep_lost(const struct rep_buf *b, const char **why)
{
	*why = b->why;
	return b->lost;
}

void rep_redact(struct rep_buf *b, const struct rd_set *s)
{
	rd_filter_init(&b->f, s, rep_out, b);
}

void rep_flush(struct rep_buf *b)
{
	rd_filter_end(&b->f);
	rep_drain(b);
}

void rep_write(void *ctx, const void *p, size_t n)
{
	struct rep_buf *b = ctx;

	rd_filter_put(&b->f, p, n);
}

void rep_str(struct rep_buf *b, const char *s)
{
	rep_write(b, s, strlen(s));
}

/* The reported fields, in output order: their JSON keys are json.c's
 * (js_field_key), and REP_ACTIVE is active. */
#define REP_ACTIVE JS_NFIELDS
static const unsigned char rep_fields[] = {
	JS_NAME, JS_DISPLAYNAME, REP_ACTIVE, JS_ACCOUNTID, JS_TYPE, JS_EMAIL
};

/* Field i's key and value; 0 when the server did not send it. One
 * vocabulary for both products: name is Jira's "name", else Confluence's
 * "username". A secret value (json.h) is shown as RD_MARK, never cut. */
static int field(const struct js_scanner *js, size_t i, const char **key, const char **v, size_t *n)
{
	int idx = rep_fields[i];
	const struct js_str *f;

	if (idx == REP_ACTIVE) {
		*key = "active";
		*v = js->active ? "true" : "false";
		*n = strlen(*v);
		return js->active >= 0;
	}
	*key = js_field_key(idx);
	f = &js->f[idx];
	if (idx == JS_NAME && !f->present)
		f = &js->f[JS_USERNAME];
	*v = f->secret ? RD_MARK : f->buf;
	*n = f->secret ? sizeof RD_MARK - 1 : f->len;
	return f->present;
}

/* One member: ,"key":value in JSON (lit: a number or literal, unquoted),
 * ATLWHO_KEY='value' in env (the key upper-cased), key: value in text. */
static void member(struct rep_buf *b, enum rep_format fmt, const char *key, const char *v, size_t n,
    int lit)
{
	struct out_w w = { rep_write, b };

	if (fmt == REP_JSON) {
		rep_str(b, ",\"");
		rep_str(b, key);
		rep_str(b, "\":");
		if (lit)
			rep_write(b, v, n);
		else
			out_json_string(&w, v, n);
		return;
	}
	if (fmt == REP_ENV) {
		rep_str(b, "ATLWHO_");
		for (; *key; key++) {
			char c = (char)(*key >= 'a' && *key <= 'z' ? *key - ('a' - 'A') : *key);
			rep_write(b, &c, 1);
		}
		rep_str(b, "=");
		out_env_value(&w, v, n);
	} else {
		rep_str(b, key);
		rep_str(b, ": ");
		out_text_value(&w, v, n);
	}
	rep_str(b, "\n");
}

/* A member from a NUL-terminated value, left out when empty or NULL. */
static void member_str(struct rep_buf *b, enum rep_format fmt, const char *key, const char *v)
{
	if (v && *v)
		member(b, fmt, key, v, strlen(v), 0);
}

void rep_result(struct rep_buf *b, enum rep_format fmt, const struct rep_info *ri)
{
	int ok = ri->exit == 0 || ri->exit == 1;
	const char *key, *v;
	char num[4]; /* exit 0..7, status 100..999 */
	size_t i, n;

	if (fmt != REP_TEXT) {
		if (fmt == REP_JSON)
			rep_str(b, ok ? "{\"ok\":true" : "{\"ok\":false");
		else
			member_str(b, fmt, "ok", ok ? "true" : "false");
		member(b, fmt, "exit", num, (size_t)fmt_snprintf(num, sizeof num, "%d", ri->exit), 1);
		member_str(b, fmt, "product", ri->product);
		if (ri->status)
			member(b, fmt, "status", num, (size_t)fmt_snprintf(num, sizeof num, "%d", ri->status), 1);
	}
	/* Text: the fields of a success only; failures go to stderr. */
	if (ri->js && ok)
		for (i = 0; i < sizeof rep_fields; i++)
			if (field(ri->js, i, &key, &v, &n))
				member(b, fmt, key, v, n, rep_fields[i] == REP_ACTIVE);
	if (fmt != REP_TEXT && !ok) {
		member_str(b, fmt, "error", ri->error);
		if (ri->cl)
			member_str(b, fmt, "kind", ri->cl->reason);
		if (ri->h) {
			member_str(b, fmt, "reason", ri->h->seraph);
			member_str(b, fmt, "requestId", ri->h->requestid);
			member_str(b, fmt, "retryAfter", ri->h->retry_after);
			member_str(b, fmt, "location", ri->h->location);
		}
		if (ri->cl)
			member_str(b, fmt, "loginUrl", ri->cl->login_url);
	}
	if (fmt == REP_JSON)
		rep_str(b, "}\n");
	rep_flush(b);
}
