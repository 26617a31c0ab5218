/* http.c: HTTP/1.1 request builder and incremental response parser for atlwho.
 * RFC 9112 (message syntax and framing), RFC 9110 (semantics). No I/O here. */
#include "ascii.h"
#include "fmt.h"
#include "http.h"

#include <string.h>

#include "str.h"

/* Parser states. The head states come first: every byte in them counts
 * against the header (or trailer) section limit. */
enum {
	S_STATUS = 0,     /* in the status line; 0 so a zeroed parser starts here */
	S_STATUS_LF,      /* CR seen at the end of the status line */
	S_LINE_START,     /* first byte of a field line, a fold or the blank line */
	S_NAME,
	S_VALUE_WS,       /* OWS after ':' or after an obs-fold */
	S_VALUE,
	S_FIELD_LF,       /* CR seen at the end of a field line */
	S_HEAD_LF,        /* CR seen on the blank line */
	S_BODY_LENGTH,    /* Content-Length body */
	S_BODY_CLOSE,     /* body until the connection closes */
	S_CSIZE,          /* chunk-size hex digits */
	S_CX_WS_SEMI,     /* BWS that must be followed by ';' */
	S_CX_WS_NAME,     /* after ';': BWS, then chunk-ext-name */
	S_CX_NAME,
	S_CX_AFTER_NAME,  /* BWS after a name: '=' or ';' must follow */
	S_CX_WS_VAL,      /* after '=' */
	S_CX_TVAL,        /* token value */
	S_CX_QVAL,        /* quoted-string value */
	S_CX_QESC,        /* after '\' in a quoted-string */
	S_CX_AFTER_QVAL,
	S_CSIZE_LF,       /* CR seen at the end of the chunk-size line */
	S_CDATA,
	S_CDATA_CR,       /* chunk data done: CRLF must follow */
	S_CDATA_LF,
	S_DONE
};

/* The names of the kept fields, in enum http_hdr order, packed (no table
 * of pointers to relocate). */
static const char kept_names[] = "X-Seraph-LoginReason\0X-Authentication-Denied-Reason\0"
    "X-AUSERNAME\0X-AREQUESTID\0Retry-After\0Content-Type\0WWW-Authenticate\0"
    "Content-Encoding\0Location";

/* List-based fields (RFC 9110 section 5.3): repeated lines are joined. */
static int kept_list(int h)
{
	return h == HTTP_H_WWW_AUTHENTICATE || h == HTTP_H_CONTENT_ENCODING;
}

/* RFC 9110 section 5.6.2 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ascii_digit(c))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 9110 section 5.5 field-vchar: VCHAR or obs-text. */
static int is_fvchar(unsigned char c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}


/* Exact ASCII case-insensitive match of a slice against a C string. */
static int name_is(const char *s, size_t n, const char *want)
{
	return strlen(want) == n && ascii_ieq(s, want, n);
}

/* The messages spell these limits out for the user. */
_Static_assert(HTTP_FIELD_MAX == (size_t)16 * 1024, "update http_strerror");
_Static_assert(HTTP_HEAD_MAX == (size_t)64 * 1024, "update http_strerror");
_Static_assert(HTTP_TRAILER_MAX == (size_t)64 * 1024, "update http_strerror");
_Static_assert(HTTP_CHUNK_LINE_MAX == 1024, "update chunk_line_byte's message");

int http_status_redirects(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

const char *http_strerror(int code)
{
	switch (code) {
	case HTTP_OK: return "ok";
	case HTTP_MORE: return "incomplete response";
	case HTTP_DONE: return "complete response";
	case HTTP_E_BUFSMALL: return "request buffer too small";
	case HTTP_E_REQ_VALUE: return "a request header value contains a forbidden byte";
	case HTTP_E_REQ_MISUSE: return "request flags that cannot be used together";
	case HTTP_E_STATUS_LINE: return "malformed status line";
	case HTTP_E_VERSION: return "not an HTTP/1.x response";
	case HTTP_E_STATUS: return "invalid status code";
	case HTTP_E_HEADER: return "malformed header field";
	case HTTP_E_HEADER_CHAR: return "forbidden byte in the response head";
	case HTTP_E_FIELD_TOO_LARGE: return "a header field is larger than 16 KiB";
	case HTTP_E_HEAD_TOO_LARGE: return "the response header section is larger than 64 KiB";
	case HTTP_E_TOO_MANY_INTERIM: return "too many interim (1xx) responses";
	case HTTP_E_CONTENT_LENGTH: return "invalid Content-Length";
	case HTTP_E_CL_CONFLICT: return "conflicting Content-Length values";
	case HTTP_E_TE_AND_CL: return "both Transfer-Encoding and Content-Length (suspect framing)";
	case HTTP_E_TRANSFER_ENCODING: return "unsupported Transfer-Encoding";
	case HTTP_E_CONTENT_ENCODING: return "unsupported Content-Encoding (atlwho asks for none)";
	case HTTP_E_CHUNK_SIZE: return "malformed chunk size line";
	case HTTP_E_CHUNK_OVERFLOW: return "chunk size does not fit in 64 bits";
	case HTTP_E_CHUNK_CRLF: return "chunk data not followed by CRLF";
	case HTTP_E_TRAILER_TOO_LARGE: return "the trailer section is larger than 64 KiB";
	case HTTP_E_NO_RESPONSE: return "the server closed the connection without answering";
	case HTTP_E_TRUNCATED_HEAD: return "the response ended inside its header section";
	case HTTP_E_TRUNCATED_BODY: return "the response body was cut short";
	case HTTP_E_CALLBACK: return "stopped by the response handler";
	}
	return "unknown HTTP error";
}

/* ---- requests ---- */

/* A request header value: SP, HTAB and VCHAR only (RFC 9110 section 5.5);
 * refusing CR, LF and NUL is what stops header injection. */
static int value_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 0;
	for (; *p; p++)
		if (!(*p == ' ' || *p == '\t' || (*p >= 0x21 && *p <= 0x7e)))
			return 0;
	return 1;
}

static void put_credential(struct sb *b, const char *name, const char *value, int redact)
{
	sb_str(b, name);
	sb_str(b, ": ");
	if (redact) {
		const char *sp = strchr(value, ' ');

		if (sp)
			sb_put(b, value, (size_t)(sp - value) + 1);
		sb_str(b, "<redacted>");
	} else {
		sb_str(b, value);
	}
	sb_str(b, "\r\n");
}

int http_req_build(const struct http_req *q, unsigned flags, char *dst, size_t cap,
    size_t *olen)
{
	struct sb b = { dst, cap, 0 };
	const struct url *u = q->url;
	char hp[URL_HOST_MAX + 16];
	const unsigned char *p;
	int connect = (flags & HTTP_REQ_CONNECT) != 0;
	int absolute = (flags & HTTP_REQ_ABSOLUTE) != 0;
	int redact = (flags & HTTP_REQ_REDACT) != 0;

	if (olen)
		*olen = 0;
	if ((connect && absolute) || (absolute && u->https) ||
	    (q->proxy_authorization && !connect && !absolute))
		return HTTP_E_REQ_MISUSE;
	if ((q->authorization && !value_ok(q->authorization)) ||
	    (q->proxy_authorization && !value_ok(q->proxy_authorization)))
		return HTTP_E_REQ_VALUE;
	if (q->version) {
		if (q->version[0] == '\0')
			return HTTP_E_REQ_VALUE;
		for (p = (const unsigned char *)q->version; *p; p++)
			if (!is_tchar(*p))
				return HTTP_E_REQ_VALUE;
	}
	/* url_parse and url_resolve already refuse these; a hand-built url
	 * must not smuggle a second request line either. */
	for (p = (const unsigned char *)u->path; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return HTTP_E_REQ_VALUE;
	if (u->path[0] != '\0' && u->path[0] != '/')
		return HTTP_E_REQ_VALUE;

	if (connect) {
		/* RFC 9110 section 9.3.6: authority-form, the port always. */
		url_hostport(u, 1, hp, sizeof(hp));
		sb_str(&b, "CONNECT ");
		sb_str(&b, hp);
		sb_str(&b, " HTTP/1.1\r\nHost: ");
		sb_str(&b, hp);
		sb_str(&b, "\r\n");
	} else {
		url_hostport(u, 0, hp, sizeof(hp));
		sb_str(&b, "GET ");
		if (absolute) {
			/* RFC 9112 section 3.2.2: absolute-form to a proxy. */
			sb_str(&b, "http://");
			sb_str(&b, hp);
		}
		sb_str(&b, u->path[0] ? u->path : "/");
		sb_str(&b, " HTTP/1.1\r\nHost: ");
		sb_str(&b, hp);
		sb_str(&b, "\r\n");
	}
	sb_str(&b, "User-Agent: atlwho");
	if (q->version) {
		sb_str(&b, "/");
		sb_str(&b, q->version);
	}
	sb_str(&b, "\r\n");
	if (!connect) {
		sb_str(&b, "Accept: application/json\r\n");
		/* The target's credentials never go into a CONNECT: the proxy
		 * would read them in clear. */
		if (q->authorization)
			put_credential(&b, "Authorization", q->authorization, redact);
	}
	if (q->proxy_authorization)
		put_credential(&b, "Proxy-Authorization", q->proxy_authorization, redact);
	if (!connect)
		sb_str(&b, "Connection: close\r\n");
	sb_str(&b, "\r\n");

	if (b.len >= cap) {
		/* Part of a credential may already be in dst. */
		if (cap > 0)
			memset(dst, 0, cap);
		if (olen)
			*olen = b.len + 1;
		return HTTP_E_BUFSMALL;
	}
	dst[b.len] = '\0';
	if (olen)
		*olen = b.len;
	return HTTP_OK;
}

/* ---- response parser ---- */

void http_resp_init(struct http_resp *r, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	r->flags = flags;
	r->state = S_STATUS;
	r->err_byte = -1;
	r->first_byte = -1;
}

static int fail(struct http_resp *r, int code, const char *why, int byte)
{
	r->err = code;
	r->why = why;
	r->err_byte = byte;
	r->err_off = r->offset;
	return code;
}

/* Keeps a coding name for the error message (str_printable, str.h's rule
 * for a piece of server text inside a message). */
static void copy_token(char dst[HTTP_TOKEN_MSG_MAX + 1], const char *s, size_t n)
{
	str_printable(dst, HTTP_TOKEN_MSG_MAX + 1, s, n);
}

/* Next element of a comma-separated list (RFC 9110 section 5.6.1), empty
 * elements skipped: 1 with the token in *tok, 0 at the end, -1 when an
 * element is not a bare token (parameters, junk). */
static int list_next(const char *v, size_t n, size_t *pi, const char **tok, size_t *tlen)
{
	size_t i = *pi, start;

	while (i < n && (is_ws((unsigned char)v[i]) || v[i] == ','))
		i++;
	if (i >= n) {
		*pi = i;
		return 0;
	}
	start = i;
	while (i < n && is_tchar((unsigned char)v[i]))
		i++;
	*tok = v + start;
	*tlen = i - start;
	while (i < n && is_ws((unsigned char)v[i]))
		i++;
	if (*tlen == 0 || (i < n && v[i] != ',')) {
		/* The whole bad element, for the error message. */
		while (i < n && v[i] != ',')
			i++;
		*tlen = i - start;
		*pi = n;
		return -1;
	}
	*pi = i;
	return 1;
}

/* RFC 9110 section 8.6: 1*DIGIT; a list of equal values is tolerated, any
 * difference, here or across field lines, is an error. */
static int content_length(struct http_resp *r, const char *v, size_t n)
{
	size_t i = 0, tlen, k;
	const char *tok;
	int rc, any = 0;

	while ((rc = list_next(v, n, &i, &tok, &tlen)) != 0) {
		uint64_t x = 0;

		if (rc < 0)
			return fail(r, HTTP_E_CONTENT_LENGTH, "not a number", -1);
		for (k = 0; k < tlen; k++) {
			unsigned d;

			if (!ascii_digit((unsigned char)tok[k]))
				return fail(r, HTTP_E_CONTENT_LENGTH, "not a number", -1);
			d = (unsigned)(tok[k] - '0');
			if (x > (UINT64_MAX - d) / 10)
				return fail(r, HTTP_E_CONTENT_LENGTH, "does not fit in 64 bits", -1);
			x = x * 10 + d;
		}
		if (r->cl_seen && x != r->cl)
			return fail(r, HTTP_E_CL_CONFLICT, NULL, -1);
		r->cl_seen = 1;
		r->cl = x;
		any = 1;
	}
	if (!any)
		return fail(r, HTTP_E_CONTENT_LENGTH, "empty value", -1);
	return 0;
}

/* RFC 9112 section 6.1: "chunked" must be the final coding and may
 * appear once; we decode no other transfer coding. Judged at the end of
 * the head, and only if the response has a body. */
static void transfer_encoding(struct http_resp *r, const char *v, size_t n)
{
	size_t i = 0, tlen;
	const char *tok;
	int rc;

	r->te_seen = 1;
	while (!r->te_why && (rc = list_next(v, n, &i, &tok, &tlen)) != 0) {
		if (rc < 0) {
			r->te_why = "malformed or parameterised coding";
			copy_token(r->te_tok, tok, tlen);
		} else if (r->te_chunked) {
			r->te_why = "chunked is not the final coding";
			copy_token(r->te_tok, tok, tlen);
		} else if (name_is(tok, tlen, "chunked")) {
			r->te_chunked = 1;
		} else {
			r->te_why = "unsupported coding";
			copy_token(r->te_tok, tok, tlen);
		}
	}
}

/* We send no Accept-Encoding, so any coding but identity is one we did
 * not ask for and cannot decode (RFC 9110 section 8.4). */
static void content_encoding(struct http_resp *r, const char *v, size_t n)
{
	size_t i = 0, tlen;
	const char *tok;
	int rc;

	while (!r->ce_why && (rc = list_next(v, n, &i, &tok, &tlen)) != 0) {
		if (rc < 0 || !name_is(tok, tlen, "identity")) {
			r->ce_why = rc < 0 ? "malformed coding" : "coding";
			copy_token(r->ce_tok, tok, tlen);
		}
	}
}

static size_t kept_cap(int h)
{
	return h == HTTP_H_LOCATION ? HTTP_LOCATION_MAX : HTTP_KEEP_MAX;
}

static void keep(struct http_resp *r, int h, const char *v, size_t n, unsigned redacted)
{
	struct http_kept *k = &r->kept[h];
	char *slot = r->pool + (size_t)h * (HTTP_KEEP_MAX + 1);
	size_t cap = kept_cap(h), room;

	k->flags |= (uint8_t)redacted;
	if (!k->present) {
		k->present = 1;
		if (n > cap) {
			n = cap;
			k->flags |= HTTP_KEPT_TRUNCATED;
		}
		memcpy(slot, v, n);
		k->len = (uint16_t)n;
	} else if (kept_list(h)) {
		if (n == 0)
			return;
		if (k->len > 0 && !(k->flags & HTTP_KEPT_TRUNCATED)) {
			if (cap - k->len < 2) {
				k->flags |= HTTP_KEPT_TRUNCATED;
				return;
			}
			memcpy(slot + k->len, ", ", 2);
			k->len = (uint16_t)(k->len + 2);
		}
		room = cap - k->len;
		if (n > room) {
			n = room;
			k->flags |= HTTP_KEPT_TRUNCATED;
		}
		memcpy(slot + k->len, v, n);
		k->len = (uint16_t)(k->len + n);
	} else {
		size_t cmp = n > cap ? cap : n;
		int cut = n > cap, was_cut = (k->flags & HTTP_KEPT_TRUNCATED) != 0;

		if (k->len != cmp || memcmp(slot, v, cmp) != 0 || cut != was_cut)
			k->flags |= HTTP_KEPT_CONFLICT;
	}
	slot[k->len] = '\0';
}

/* Keeps a final response's field in r->fields (http.h: name ':' length
 * value). It took name ':' value CRLF on the wire, at least as much, and
 * the whole head is bounded by HTTP_HEAD_MAX: the test below cannot fail,
 * it keeps memory safe. A NULL value is a redacted one: not kept. */
static void store_field(struct http_resp *r, const char *name, size_t nlen, const char *value, size_t vlen)
{
	size_t keep = value ? vlen : 0;
	unsigned len = (unsigned)vlen | (value ? 0 : HTTP_FIELD_REDACTED);
	char *p;

	if (!r->fields || nlen + 3 + keep > HTTP_FIELDS_MAX - r->fields_len)
		return;
	p = r->fields + r->fields_len;
	memcpy(p, name, nlen);
	p[nlen] = ':';
	p[nlen + 1] = (char)(len & 0xff);
	p[nlen + 2] = (char)(len >> 8);
	memcpy(p + nlen + 3, value ? value : "", keep);
	r->fields_len += nlen + 3 + keep;
}

int http_resp_field(const struct http_resp *r, size_t *pos, const char **name, size_t *nlen,
    const char **value, size_t *vlen)
{
	const char *p, *colon;
	unsigned len;

	if (!r->fields || *pos >= r->fields_len)
		return 0;
	p = r->fields + *pos;
	colon = memchr(p, ':', r->fields_len - *pos);
	len = (unsigned char)colon[1] | (unsigned)(unsigned char)colon[2] << 8;
	*name = p;
	*nlen = (size_t)(colon - p);
	if (len & HTTP_FIELD_REDACTED) {
		*value = RD_MARK;
		*vlen = sizeof RD_MARK - 1;
		*pos += *nlen + 3;
	} else {
		*value = colon + 3;
		*vlen = len;
		*pos += *nlen + 3 + len;
	}
	return 1;
}

/* A complete field line of the head or of the trailers. */
static int emit_field(struct http_resp *r)
{
	const char *name = r->field, *value = r->field + r->nlen, *kn;
	size_t vlen = r->flen - r->nlen;
	unsigned redacted = 0;
	int h;

	r->pending = 0;
	while (vlen > 0 && is_ws((unsigned char)value[vlen - 1]))
		vlen--;
	/* Trailers are discarded (we never asked for them, RFC 9110 6.5.1);
	 * interim responses' fields describe nothing we use. */
	if (r->in_trailer || r->status < 200)
		return 0;
	if (name_is(name, r->nlen, "Content-Length")) {
		if (content_length(r, value, vlen) < 0) {
			/* Point at the field line, not at the byte after it. */
			r->err_off = r->field_off;
			return r->err;
		}
	}
	/* Judged whole, before a copy is cut or a coding name quoted. (A
	 * name is a token: only text output shows it, unescaped, so the
	 * output filter sees its runs as they are.) */
	if (rd_secret(r->rd, value, vlen)) {
		value = RD_MARK;
		vlen = sizeof RD_MARK - 1;
		redacted = HTTP_KEPT_REDACTED;
	}
	if (name_is(name, r->nlen, "Transfer-Encoding")) {
		transfer_encoding(r, value, vlen);
	} else if (name_is(name, r->nlen, "Content-Encoding")) {
		content_encoding(r, value, vlen);
	}
	for (h = 0, kn = kept_names; h < HTTP_H_COUNT; kn += strlen(kn) + 1, h++) {
		if (name_is(name, r->nlen, kn)) {
			keep(r, h, value, vlen, redacted);
			break;
		}
	}
	store_field(r, name, r->nlen, redacted ? NULL : value, vlen);
	if (r->on_header && r->on_header(r->ctx, name, r->nlen, value, vlen) != 0)
		return fail(r, HTTP_E_CALLBACK, "on_header", -1);
	return 0;
}

static int append(struct http_resp *r, unsigned char c)
{
	if (r->flen >= HTTP_FIELD_MAX)
		return fail(r, HTTP_E_FIELD_TOO_LARGE, NULL, -1);
	r->field[r->flen++] = (char)c;
	return 0;
}

static void start_status(struct http_resp *r)
{
	r->state = S_STATUS;
	r->pos = 0;
	r->head_bytes = 0;
	r->status = 0;
	r->minor = 0;
	r->reason[0] = '\0';
	rd_run_init(&r->reason_run);
	r->flen = 0;
	r->nlen = 0;
	r->pending = 0;
	r->cl_seen = 0;
	r->cl = 0;
	r->te_seen = 0;
	r->te_chunked = 0;
	r->te_why = NULL;
	r->ce_why = NULL;
	memset(r->kept, 0, sizeof(r->kept));
}

static void start_chunk(struct http_resp *r)
{
	r->state = S_CSIZE;
	r->remaining = 0;
	r->chunk_digits = 0;
	r->chunk_line = 0;
}

/* The blank line after a header or trailer section. RFC 9112 section 6.3
 * decides the body's length. */
static int end_of_section(struct http_resp *r)
{
	int nobody;

	if (r->in_trailer) {
		r->state = S_DONE;
		return 0;
	}
	if (r->status < 200) {
		if (++r->interim > HTTP_INTERIM_MAX)
			return fail(r, HTTP_E_TOO_MANY_INTERIM, NULL, -1);
		start_status(r);
		return 0;
	}
	nobody = r->status == 204 || r->status == 304 || (r->flags & HTTP_F_HEAD) ||
	    ((r->flags & HTTP_F_CONNECT) && r->status / 100 == 2);
	if (!nobody) {
		if (r->te_seen) {
			if (r->minor == 0)
				return fail(r, HTTP_E_TRANSFER_ENCODING,
				    "in an HTTP/1.0 response (RFC 9112 section 6.1)", -1);
			if (r->cl_seen)
				return fail(r, HTTP_E_TE_AND_CL, NULL, -1);
			if (r->te_why)
				return fail(r, HTTP_E_TRANSFER_ENCODING, r->te_why, -1);
			if (!r->te_chunked)
				return fail(r, HTTP_E_TRANSFER_ENCODING, "no coding given", -1);
			r->chunked = 1;
		} else if (r->cl_seen) {
			r->has_length = 1;
			r->content_length = r->cl;
		}
		if (r->ce_why)
			return fail(r, HTTP_E_CONTENT_ENCODING, r->ce_why, -1);
	}
	r->head_done = 1;
	r->paused = 1; /* HTTP_HEAD: the caller decides before the body */
	if (nobody) {
		r->state = S_DONE;
	} else if (r->chunked) {
		start_chunk(r);
	} else if (r->has_length) {
		r->remaining = r->content_length;
		r->state = r->remaining ? S_BODY_LENGTH : S_DONE;
	} else {
		r->state = S_BODY_CLOSE;
	}
	return 0;
}

_Static_assert(HTTP_REASON_MAX >= sizeof RD_MARK - 1, "a redacted reason fits");

/* RFC 9112 section 4: HTTP-version SP 3DIGIT SP [ reason-phrase ] CRLF,
 * checked byte by byte so that a server speaking something else (TLS on
 * a plain port) is refused at once, not after 64 KiB. */
static int status_byte(struct http_resp *r, unsigned char c)
{
	static const char prefix[] = "HTTP/";
	unsigned p = r->pos++;

	if (p < 5) {
		if (c != (unsigned char)prefix[p])
			return fail(r, HTTP_E_STATUS_LINE, "does not start with \"HTTP/\"", c);
	} else if (p == 5) {
		if (!ascii_digit(c))
			return fail(r, HTTP_E_STATUS_LINE, "no version number", c);
		if (c != '1')
			return fail(r, HTTP_E_VERSION, NULL, c);
	} else if (p == 6) {
		if (c != '.')
			return fail(r, HTTP_E_VERSION, NULL, c);
	} else if (p == 7) {
		if (!ascii_digit(c))
			return fail(r, HTTP_E_VERSION, NULL, c);
		r->minor = c - '0';
	} else if (p == 8) {
		if (c != ' ')
			return fail(r, HTTP_E_STATUS_LINE, "expected one space after the version", c);
	} else if (p <= 11) {
		if (!ascii_digit(c))
			return fail(r, HTTP_E_STATUS, "not three digits", c);
		/* RFC 9110 section 15: codes run from 100; 600..999 are
		 * well-formed and left to the caller (treat as 5xx). */
		if (p == 9 && c == '0')
			return fail(r, HTTP_E_STATUS, "below 100", c);
		r->status = r->status * 10 + (c - '0');
	} else if (p == 12 && c != '\r' && c != ' ') {
		return fail(r, HTTP_E_STATUS, ascii_digit(c) ? "not three digits" :
		    "expected a space after the status code", c);
	} else if (c == '\r') {
		/* An empty reason with its SP missing ("HTTP/1.1 200\r\n") is
		 * tolerated, as picohttpparser does: nothing is ambiguous. */
		r->state = S_STATUS_LF;
		if (r->reason_run.hit)
			memcpy(r->reason, RD_MARK, sizeof RD_MARK);
	} else if (p > 12) {
		size_t n = p - 13;

		if (!(c == '\t' || c == ' ' || is_fvchar(c)))
			return fail(r, HTTP_E_HEADER_CHAR, c == '\n' ? "bare LF in the status line" :
			    "control byte in the reason phrase", c);
		rd_feed(r->rd, &r->reason_run, &c, 1);
		if (n < HTTP_REASON_MAX) {
			r->reason[n] = (char)c;
			r->reason[n + 1] = '\0';
		}
	}
	return 0;
}

static int bad_char(struct http_resp *r, unsigned char c)
{
	if (c == '\n')
		return fail(r, HTTP_E_HEADER_CHAR, "bare LF (lines end with CRLF)", c);
	if (c == '\0')
		return fail(r, HTTP_E_HEADER_CHAR, "NUL byte", c);
	return fail(r, HTTP_E_HEADER_CHAR, "control byte", c);
}

/* The chunk-size line: 1*HEXDIG *( BWS ";" BWS name [ BWS "=" BWS value ] )
 * CRLF (RFC 9112 section 7.1.1). Extensions are checked and dropped. */
static int chunk_line_byte(struct http_resp *r, unsigned char c)
{
	int h;

	if (++r->chunk_line > HTTP_CHUNK_LINE_MAX)
		return fail(r, HTTP_E_CHUNK_SIZE, "longer than 1024 bytes", -1);
	switch (r->state) {
	case S_CSIZE:
		h = ascii_hexval(c);
		if (h >= 0) {
			if (r->remaining > (UINT64_MAX >> 4))
				return fail(r, HTTP_E_CHUNK_OVERFLOW, NULL, c);
			r->remaining = r->remaining << 4 | (unsigned)h;
			r->chunk_digits++;
			return 0;
		}
		if (r->chunk_digits == 0)
			return fail(r, HTTP_E_CHUNK_SIZE, "no hex digits", c);
		if (c == '\r')
			r->state = S_CSIZE_LF;
		else if (c == ';')
			r->state = S_CX_WS_NAME;
		else if (is_ws(c))
			r->state = S_CX_WS_SEMI;
		else
			return fail(r, HTTP_E_CHUNK_SIZE, "bad byte after the size", c);
		return 0;
	case S_CX_WS_SEMI:
		if (c == ';')
			r->state = S_CX_WS_NAME;
		else if (!is_ws(c))
			return fail(r, HTTP_E_CHUNK_SIZE, "whitespace not followed by ';'", c);
		return 0;
	case S_CX_WS_NAME:
		if (is_tchar(c))
			r->state = S_CX_NAME;
		else if (!is_ws(c))
			return fail(r, HTTP_E_CHUNK_SIZE, "bad chunk extension name", c);
		return 0;
	case S_CX_NAME:
	case S_CX_TVAL:
		if (is_tchar(c))
			return 0;
		if (c == '\r')
			r->state = S_CSIZE_LF;
		else if (c == ';')
			r->state = S_CX_WS_NAME;
		else if (c == '=' && r->state == S_CX_NAME)
			r->state = S_CX_WS_VAL;
		else if (is_ws(c))
			r->state = r->state == S_CX_NAME ? S_CX_AFTER_NAME : S_CX_WS_SEMI;
		else
			return fail(r, HTTP_E_CHUNK_SIZE, "bad byte in a chunk extension", c);
		return 0;
	case S_CX_AFTER_NAME:
		if (c == '=')
			r->state = S_CX_WS_VAL;
		else if (c == ';')
			r->state = S_CX_WS_NAME;
		else if (!is_ws(c))
			return fail(r, HTTP_E_CHUNK_SIZE, "bad byte in a chunk extension", c);
		return 0;
	case S_CX_WS_VAL:
		if (c == '"')
			r->state = S_CX_QVAL;
		else if (is_tchar(c))
			r->state = S_CX_TVAL;
		else if (!is_ws(c))
			return fail(r, HTTP_E_CHUNK_SIZE, "bad chunk extension value", c);
		return 0;
	case S_CX_QVAL:
		/* qdtext (RFC 9110 section 5.6.4): no CTL but HTAB. */
		if (c == '"')
			r->state = S_CX_AFTER_QVAL;
		else if (c == '\\')
			r->state = S_CX_QESC;
		else if (!(c == '\t' || c == ' ' || is_fvchar(c)))
			return fail(r, HTTP_E_CHUNK_SIZE, "control byte in a quoted string", c);
		return 0;
	case S_CX_QESC:
		if (!(c == '\t' || c == ' ' || is_fvchar(c)))
			return fail(r, HTTP_E_CHUNK_SIZE, "control byte in a quoted string", c);
		r->state = S_CX_QVAL;
		return 0;
	case S_CX_AFTER_QVAL:
		if (c == '\r')
			r->state = S_CSIZE_LF;
		else if (c == ';')
			r->state = S_CX_WS_NAME;
		else if (is_ws(c))
			r->state = S_CX_WS_SEMI;
		else
			return fail(r, HTTP_E_CHUNK_SIZE, "bad byte after a quoted string", c);
		return 0;
	case S_CSIZE_LF:
		if (c != '\n')
			return fail(r, HTTP_E_CHUNK_SIZE, "CR not followed by LF", c);
		if (r->remaining == 0) {
			/* last-chunk: the trailer section follows. */
			r->in_trailer = 1;
			r->head_bytes = 0;
			r->flen = 0;
			r->pending = 0;
			r->state = S_LINE_START;
		} else {
			r->state = S_CDATA;
		}
		return 0;
	}
	return 0;
}

/* The first byte of a field line, a fold, or the CR of the blank line that
 * ends the section; a field held back (pending) is now complete. */
static int line_start_byte(struct http_resp *r, unsigned char c)
{
	if (c == '\r') {
		r->state = S_HEAD_LF;
		return r->pending ? emit_field(r) : 0;
	}
	if (is_ws(c)) {
		/* RFC 9112 section 2.2: no whitespace between the
		 * start-line and the first field. */
		if (!r->pending)
			return fail(r, HTTP_E_HEADER, r->in_trailer ?
			    "whitespace before the first trailer field" :
			    "whitespace before the first header field", c);
		/* obs-fold: a user agent replaces it with SP (RFC 9112
		 * section 5.2); the fold's own whitespace goes. */
		while (r->flen > r->nlen && is_ws((unsigned char)r->field[r->flen - 1]))
			r->flen--;
		r->pending = 0;
		r->state = S_VALUE_WS;
		if (r->flen > r->nlen)
			return append(r, ' ');
		return 0;
	}
	if (r->pending && emit_field(r) < 0)
		return r->err;
	r->flen = 0;
	r->nlen = 0;
	r->field_off = r->offset;
	if (c == ':')
		return fail(r, HTTP_E_HEADER, "empty field name", c);
	if (!is_tchar(c)) {
		if (c < 0x20 || c == 0x7f)
			return bad_char(r, c);
		return fail(r, HTTP_E_HEADER, "bad byte in a field name", c);
	}
	r->state = S_NAME;
	return append(r, c);
}

/* One byte of a head, trailer or chunk-size line. */
static int parse_byte(struct http_resp *r, unsigned char c)
{
	if (r->first_byte < 0)
		r->first_byte = c;
	if (r->state < S_BODY_LENGTH) {
		size_t lim = r->in_trailer ? HTTP_TRAILER_MAX : HTTP_HEAD_MAX;

		if (++r->head_bytes > lim)
			return fail(r, r->in_trailer ? HTTP_E_TRAILER_TOO_LARGE :
			    HTTP_E_HEAD_TOO_LARGE, NULL, -1);
	}
	switch (r->state) {
	case S_STATUS:
		return status_byte(r, c);
	case S_STATUS_LF:
		if (c != '\n')
			return fail(r, HTTP_E_HEADER_CHAR, "bare CR in the status line", c);
		/* We never ask to upgrade: what follows a 101 is not HTTP. */
		if (r->status == 101)
			return fail(r, HTTP_E_STATUS, "101 Switching Protocols was not asked for", -1);
		r->state = S_LINE_START;
		return 0;
	case S_LINE_START:
		return line_start_byte(r, c);
	case S_NAME:
		if (is_tchar(c))
			return append(r, c);
		if (c == ':') {
			r->nlen = r->flen;
			r->state = S_VALUE_WS;
			return 0;
		}
		/* RFC 9112 section 5.1: must be rejected, never trimmed. */
		if (is_ws(c))
			return fail(r, HTTP_E_HEADER, "whitespace before ':'", c);
		if (c == '\r')
			return fail(r, HTTP_E_HEADER, "field line without ':'", c);
		if (c < 0x20 || c == 0x7f)
			return bad_char(r, c);
		return fail(r, HTTP_E_HEADER, "bad byte in a field name", c);
	case S_VALUE_WS:
		if (is_ws(c))
			return 0;
		/* fall through */
	case S_VALUE:
		if (c == '\r') {
			r->state = S_FIELD_LF;
			return 0;
		}
		/* RFC 9110 section 5.5: CR, LF and NUL are never field data;
		 * other controls are refused too. */
		if (!(is_ws(c) || is_fvchar(c)))
			return bad_char(r, c);
		r->state = S_VALUE;
		return append(r, c);
	case S_FIELD_LF:
		if (c != '\n')
			return fail(r, HTTP_E_HEADER_CHAR, "bare CR", c);
		r->pending = 1;
		r->state = S_LINE_START;
		return 0;
	case S_HEAD_LF:
		if (c != '\n')
			return fail(r, HTTP_E_HEADER_CHAR, "bare CR", c);
		return end_of_section(r);
	case S_CDATA_CR:
		if (c != '\r')
			return fail(r, HTTP_E_CHUNK_CRLF, "data longer than the chunk size", c);
		r->state = S_CDATA_LF;
		return 0;
	case S_CDATA_LF:
		if (c != '\n')
			return fail(r, HTTP_E_CHUNK_CRLF, "CR not followed by LF", c);
		start_chunk(r);
		return 0;
	default:
		return chunk_line_byte(r, c);
	}
}

static int deliver(struct http_resp *r, const unsigned char *p, size_t n)
{
	r->body_bytes += n;
	if (n > 0 && r->on_body && r->on_body(r->ctx, p, n) != 0)
		return fail(r, HTTP_E_CALLBACK, "on_body", -1);
	return 0;
}

int http_resp_feed(struct http_resp *r, const void *buf, size_t len, size_t *used)
{
	const unsigned char *p = buf;
	size_t i = 0;

	if (used)
		*used = 0;
	if (r->err)
		return r->err;
	while (i < len && r->state != S_DONE && !r->paused) {
		size_t n = len - i;
		int rc;

		if (r->state == S_BODY_LENGTH || r->state == S_CDATA) {
			if ((uint64_t)n > r->remaining)
				n = (size_t)r->remaining;
			r->remaining -= n;
			rc = deliver(r, p + i, n);
			i += n;
			r->offset += n;
			if (rc < 0)
				break;
			if (r->remaining == 0)
				r->state = r->state == S_CDATA ? S_CDATA_CR : S_DONE;
		} else if (r->state == S_BODY_CLOSE) {
			rc = deliver(r, p + i, n);
			i += n;
			r->offset += n;
			if (rc < 0)
				break;
		} else {
			if (parse_byte(r, p[i]) < 0)
				break;
			i++;
			r->offset++;
		}
	}
	if (used)
		*used = i;
	if (r->err)
		return r->err;
	if (r->paused) {
		r->paused = 0;
		return HTTP_HEAD;
	}
	return r->state == S_DONE ? HTTP_DONE : HTTP_MORE;
}

int http_resp_eof(struct http_resp *r)
{
	if (r->err)
		return r->err;
	if (r->state == S_DONE)
		return HTTP_DONE;
	if (r->state == S_BODY_CLOSE) {
		r->state = S_DONE;
		return HTTP_DONE;
	}
	if (r->offset == 0)
		return fail(r, HTTP_E_NO_RESPONSE, NULL, -1);
	if (r->state < S_BODY_LENGTH && !r->in_trailer)
		return fail(r, HTTP_E_TRUNCATED_HEAD, NULL, -1);
	return fail(r, HTTP_E_TRUNCATED_BODY, NULL, -1);
}

int http_resp_until_close(const struct http_resp *r)
{
	return !r->err && r->state == S_BODY_CLOSE;
}

const char *http_resp_header(const struct http_resp *r, enum http_hdr h, size_t *len,
    unsigned *flags)
{
	const struct http_kept *k;

	if (len)
		*len = 0;
	if (flags)
		*flags = 0;
	if ((int)h < 0 || h >= HTTP_H_COUNT || !r->kept[h].present)
		return NULL;
	k = &r->kept[h];
	if (len)
		*len = k->len;
	if (flags)
		*flags = k->flags;
	return r->pool + (size_t)h * (HTTP_KEEP_MAX + 1);
}

size_t http_resp_describe(const struct http_resp *r, char *buf, size_t cap)
{
	struct sb b = { buf, cap, 0 };

	if (cap > 0)
		buf[0] = '\0';
	if (!r->err) {
		sb_str(&b, "no error");
	} else {
		sb_str(&b, http_strerror(r->err));
		if (r->why)
			sb_fmt(&b, ": %s", r->why);
		if (r->err == HTTP_E_TRANSFER_ENCODING && r->why == r->te_why && r->te_tok[0])
			sb_fmt(&b, " '%s'", r->te_tok);
		if (r->err == HTTP_E_CONTENT_ENCODING && r->ce_tok[0])
			sb_fmt(&b, " '%s'", r->ce_tok);
		if (r->err == HTTP_E_TRUNCATED_BODY && r->has_length)
			sb_fmt(&b, " (%llu of %llu body bytes)",
			    (unsigned long long)r->body_bytes,
			    (unsigned long long)r->content_length);
		else if (r->err == HTTP_E_TRUNCATED_HEAD || r->err == HTTP_E_TRUNCATED_BODY)
			sb_fmt(&b, " (after %llu bytes)", (unsigned long long)r->err_off);
		else if (r->err_byte >= 0)
			sb_fmt(&b, " (byte 0x%02x at offset %llu)", (unsigned)r->err_byte,
			    (unsigned long long)r->err_off);
		else if (r->err != HTTP_E_NO_RESPONSE && r->err != HTTP_E_CALLBACK)
			sb_fmt(&b, " (at offset %llu)", (unsigned long long)r->err_off);
		/* 0x15 and 0x16 start TLS alert and handshake records. */
		if ((r->err == HTTP_E_STATUS_LINE || r->err == HTTP_E_VERSION) &&
		    (r->first_byte == 0x15 || r->first_byte == 0x16))
			sb_str(&b, "; the server speaks TLS: use an https:// URL");
	}
	if (b.len < cap)
		buf[b.len] = '\0';
	else if (cap > 0)
		buf[cap - 1] = '\0';
	return b.len;
}
