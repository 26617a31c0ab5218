/* report.c: text, JSON (RFC 8259) and POSIX-shell env reports. Values from
 * the server are encoded by out.c; nothing here writes them raw. */
#include "report.h"

#include <stddef.h>
#include <string.h>

#include "sys.h"

void rep_init(struct rep_buf *b, int fd)
{
	memset(b, 0, offsetof(struct rep_buf, buf));
	b->fd = fd;
}

void rep_secret(struct rep_buf *b, const char *s, size_t n)
{
	int i;

	if (n == 0 || n >= REP_BUF / 2)
		return; /* cannot be held back whole; callers cap secrets well below */
	for (i = 0; i < REP_SECRETS; i++)
		if (!b->secret[i]) {
			b->secret[i] = s;
			b->slen[i] = n;
			if (n > b->smax)
				b->smax = n;
			return;
		}
}

/* First occurrence of needle in hay (memmem is a GNU extension). */
static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char *p = hay, *end = hay + hlen;

	while ((size_t)(end - p) >= nlen) {
		p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Writes buf[0..len) out with secrets replaced; unless final, keeps the
 * last smax - 1 bytes (a secret may continue in the next write). */
static void drain(struct rep_buf *b, int final)
{
	size_t start = 0, i = 0, limit = b->len;
	int k;

	if (!final && b->smax > 1)
		limit = b->len > b->smax - 1 ? b->len - (b->smax - 1) : 0;
	while (i < limit) {
		const char *best = NULL;
		size_t blen = 0;
		for (k = 0; k < REP_SECRETS; k++) {
			const char *m;
			if (!b->secret[k])
				continue;
			m = find(b->buf + i, b->len - i, b->secret[k], b->slen[k]);
			if (m && (size_t)(m - b->buf) < limit && (!best || m < best)) {
				best = m;
				blen = b->slen[k];
			}
		}
		if (!best)
			break;
		sys_write_fd(b->fd, b->buf + start, (size_t)(best - b->buf) - start);
		sys_write_fd(b->fd, REP_REDACTED, sizeof REP_REDACTED - 1);
		i = start = (size_t)(best - b->buf) + blen;
	}
	if (i < limit)
		i = limit;
	if (i > start)
		sys_write_fd(b->fd, b->buf + start, i - start);
	memmove(b->buf, b->buf + i, b->len - i);
	b->len -= i;
}

void rep_flush(struct rep_buf *b)
{
	if (b->len)
		drain(b, 1);
}

void rep_write(void *ctx, const void *p, size_t n)
{
	struct rep_buf *b = ctx;
	const char *s = p;

	while (n > 0) {
		size_t room = sizeof b->buf - b->len, take = n < room ? n : room;
		memcpy(b->buf + b->len, s, take);
		b->len += take;
		s += take;
		n -= take;
		if (b->len == sizeof b->buf)
			drain(b, 0);
	}
}

void rep_str(struct rep_buf *b, const char *s)
{
	rep_write(b, s, strlen(s));
}

/* The reported fields, in output order, with their text/JSON/env names. */
static const struct { int idx; const char *key, *env; } rep_fields[] = {
	{ JS_NAME, "name", "ATLWHO_NAME" },
	{ JS_USERNAME, "username", "ATLWHO_USERNAME" },
	{ JS_DISPLAYNAME, "displayName", "ATLWHO_DISPLAYNAME" },
	{ -1, "active", "ATLWHO_ACTIVE" },
	{ JS_ACCOUNTID, "accountId", "ATLWHO_ACCOUNTID" },
	{ JS_TYPE, "type", "ATLWHO_TYPE" },
	{ JS_EMAIL, "emailAddress", "ATLWHO_EMAILADDRESS" },
};
#define REP_NFIELDS (sizeof rep_fields / sizeof rep_fields[0])

static void text_report(struct rep_buf *b, const struct out_w *w, const struct rep_info *ri)
{
	size_t i;

	if (!ri->js || (ri->exit != 0 && ri->exit != 1))
		return; /* failures go to stderr only */
	for (i = 0; i < REP_NFIELDS; i++) {
		const struct js_str *f;
		if (rep_fields[i].idx < 0) {
			if (ri->js->active < 0)
				continue;
			rep_str(b, "active: ");
			rep_str(b, ri->js->active ? "true\n" : "false\n");
			continue;
		}
		f = &ri->js->f[rep_fields[i].idx];
		if (!f->present)
			continue;
		rep_str(b, rep_fields[i].key);
		rep_str(b, ": ");
		out_text_value(w, f->buf, f->len);
		rep_str(b, "\n");
	}
}

static void json_key(struct rep_buf *b, const char *k)
{
	rep_str(b, ",\"");
	rep_str(b, k);
	rep_str(b, "\":");
}

static void json_hdr(struct rep_buf *b, const struct out_w *w, const char *k, const char *v)
{
	if (v && *v) {
		json_key(b, k);
		out_json_string(w, v, strlen(v));
	}
}

static void json_report(struct rep_buf *b, const struct out_w *w, const struct rep_info *ri)
{
	int ok = ri->exit == 0 || ri->exit == 1;
	size_t i;

	rep_str(b, ok ? "{\"ok\":true" : "{\"ok\":false");
	json_key(b, "exit");
	out_uint(w, (unsigned)ri->exit);
	if (ri->product) {
		json_key(b, "product");
		out_json_string(w, ri->product, strlen(ri->product));
	}
	if (ri->status) {
		json_key(b, "status");
		out_uint(w, (unsigned)ri->status);
	}
	if (ri->js && ok) {
		for (i = 0; i < REP_NFIELDS; i++) {
			const struct js_str *f;
			if (rep_fields[i].idx < 0) {
				if (ri->js->active >= 0) {
					json_key(b, "active");
					rep_str(b, ri->js->active ? "true" : "false");
				}
				continue;
			}
			f = &ri->js->f[rep_fields[i].idx];
			if (!f->present)
				continue;
			json_key(b, rep_fields[i].key);
			out_json_string(w, f->buf, f->len);
		}
	}
	if (!ok) {
		json_hdr(b, w, "error", ri->error);
		if (ri->cl)
			json_hdr(b, w, "kind", ri->cl->reason);
	}
	if (ri->h && !ok) {
		json_hdr(b, w, "reason", ri->h->seraph);
		json_hdr(b, w, "requestId", ri->h->requestid);
		json_hdr(b, w, "retryAfter", ri->h->retry_after);
		json_hdr(b, w, "location", ri->h->location);
	}
	if (ri->cl && !ok)
		json_hdr(b, w, "loginUrl", ri->cl->login_url);
	rep_str(b, "}\n");
}

static void env_line(struct rep_buf *b, const struct out_w *w, const char *name, const void *v, size_t n)
{
	rep_str(b, name);
	rep_str(b, "=");
	out_env_value(w, v, n);
	rep_str(b, "\n");
}

static void env_str(struct rep_buf *b, const struct out_w *w, const char *name, const char *v)
{
	if (v && *v)
		env_line(b, w, name, v, strlen(v));
}

static void env_report(struct rep_buf *b, const struct out_w *w, const struct rep_info *ri)
{
	int ok = ri->exit == 0 || ri->exit == 1;
	char num[12];
	size_t i;

	env_str(b, w, "ATLWHO_OK", ok ? "true" : "false");
	num[0] = (char)('0' + ri->exit % 10);
	num[1] = 0;
	env_str(b, w, "ATLWHO_EXIT", num);
	env_str(b, w, "ATLWHO_PRODUCT", ri->product);
	if (ri->status) {
		int s = ri->status % 1000;
		num[0] = (char)('0' + s / 100);
		num[1] = (char)('0' + s / 10 % 10);
		num[2] = (char)('0' + s % 10);
		num[3] = 0;
		env_str(b, w, "ATLWHO_STATUS", num);
	}
	if (ri->js && ok) {
		for (i = 0; i < REP_NFIELDS; i++) {
			const struct js_str *f;
			if (rep_fields[i].idx < 0) {
				if (ri->js->active >= 0)
					env_str(b, w, "ATLWHO_ACTIVE", ri->js->active ? "true" : "false");
				continue;
			}
			f = &ri->js->f[rep_fields[i].idx];
			if (f->present)
				env_line(b, w, rep_fields[i].env, f->buf, f->len);
		}
	}
	if (!ok) {
		env_str(b, w, "ATLWHO_ERROR", ri->error);
		if (ri->cl)
			env_str(b, w, "ATLWHO_KIND", ri->cl->reason);
		if (ri->h) {
			env_str(b, w, "ATLWHO_REASON", ri->h->seraph);
			env_str(b, w, "ATLWHO_REQUESTID", ri->h->requestid);
			env_str(b, w, "ATLWHO_RETRYAFTER", ri->h->retry_after);
			env_str(b, w, "ATLWHO_LOCATION", ri->h->location);
		}
		if (ri->cl)
			env_str(b, w, "ATLWHO_LOGINURL", ri->cl->login_url);
	}
}

void rep_result(struct rep_buf *b, enum rep_format fmt, const struct rep_info *ri)
{
	struct out_w w = { rep_write, b };

	if (fmt == REP_JSON)
		json_report(b, &w, ri);
	else if (fmt == REP_ENV)
		env_report(b, &w, ri);
	else
		text_report(b, &w, ri);
	rep_flush(b);
}
