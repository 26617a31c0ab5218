/* http.h: HTTP/1.1 request builder and incremental response parser for atlwho.
 * RFC 9112 (message syntax and framing), RFC 9110 (semantics). No I/O here. */
#ifndef ATLWHO_HTTP_H
#define ATLWHO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "redact.h"
#include "url.h"

/* 64 KiB: status line plus header section; Tomcat's own default is
 * 8 KiB, so a bigger head is a broken or hostile server, not Jira. */
#define HTTP_HEAD_MAX ((size_t)64 * 1024)
/* 16 KiB: one field line (after obs-fold is unfolded), which the parser
 * must hold whole to hand out as one slice; twice Tomcat's whole-head
 * default. Also bounds each trailer field. */
#define HTTP_FIELD_MAX ((size_t)16 * 1024)
/* 64 KiB: the trailer section, discarded but still bounded. */
#define HTTP_TRAILER_MAX ((size_t)64 * 1024)
/* 8: interim 1xx responses skipped before the final one; real servers
 * send at most one or two (100, 103), more is a server stalling us. */
#define HTTP_INTERIM_MAX 8
/* 1024: a chunk-size line with its extensions; 16 hex digits are all a
 * size can have, extensions are unused by Jira and discarded. */
#define HTTP_CHUNK_LINE_MAX 1024
/* 512: a kept header value (login reasons, request ids, content types,
 * challenges); longer ones are cut and flagged HTTP_KEPT_TRUNCATED. */
#define HTTP_KEEP_MAX 512
/* A kept Location: the longest absolute URL url_resolve can follow. */
#define HTTP_LOCATION_MAX (URL_PATH_MAX + URL_HOST_MAX + 32)
/* 128: the reason phrase is shown to people only; longer is cut. */
#define HTTP_REASON_MAX 128
/* 32: a coding name quoted in an error message. */
#define HTTP_TOKEN_MSG_MAX 32

/* Return convention. Non-negative is progress: HTTP_MORE means "give me
 * more bytes" and is not an error. Negative values are named errors, -101
 * to -149 (every module's codes have their own range). */
#define HTTP_OK                 0
#define HTTP_MORE               1   /* all input used, message not complete */
#define HTTP_DONE               2   /* message complete */
#define HTTP_HEAD               3   /* the final response's head is complete:
                                       status, reason and headers are final;
                                       feed on for the body (returned once) */
#define HTTP_E_BUFSMALL       (-101)  /* request: dst too small, *olen says how big */
#define HTTP_E_REQ_VALUE      (-102)  /* request: CR, LF, NUL or non-ASCII in a value */
#define HTTP_E_REQ_MISUSE     (-103)  /* request: flags that would leak or cannot work */
#define HTTP_E_STATUS_LINE    (-104)  /* not "HTTP/1.x NNN reason" */
#define HTTP_E_VERSION        (-105)  /* HTTP major version other than 1 */
#define HTTP_E_STATUS         (-106)  /* status code 000..099, or an unasked-for 101 */
#define HTTP_E_HEADER         (-107)  /* malformed field line */
#define HTTP_E_HEADER_CHAR    (-108)  /* NUL, bare CR or LF, or a control byte */
#define HTTP_E_FIELD_TOO_LARGE (-109) /* one field line over HTTP_FIELD_MAX */
#define HTTP_E_HEAD_TOO_LARGE (-110) /* header section over HTTP_HEAD_MAX */
#define HTTP_E_TOO_MANY_INTERIM (-111) /* more than HTTP_INTERIM_MAX 1xx */
#define HTTP_E_CONTENT_LENGTH (-112) /* Content-Length not 1*DIGIT or too big */
#define HTTP_E_CL_CONFLICT    (-113) /* Content-Length values differ */
#define HTTP_E_TE_AND_CL      (-114) /* Transfer-Encoding and Content-Length */
#define HTTP_E_TRANSFER_ENCODING (-115) /* not exactly "chunked", or in HTTP/1.0 */
#define HTTP_E_CONTENT_ENCODING (-116) /* a coding other than identity */
#define HTTP_E_CHUNK_SIZE     (-117) /* malformed chunk-size line */
#define HTTP_E_CHUNK_OVERFLOW (-118) /* chunk size over 64 bits */
#define HTTP_E_CHUNK_CRLF     (-119) /* chunk data not followed by CRLF */
#define HTTP_E_TRAILER_TOO_LARGE (-120) /* trailer section over HTTP_TRAILER_MAX */
#define HTTP_E_NO_RESPONSE    (-121) /* EOF before the first byte */
#define HTTP_E_TRUNCATED_HEAD (-122) /* EOF inside the status line or headers */
#define HTTP_E_TRUNCATED_BODY (-123) /* EOF before the body's end */
#define HTTP_E_CALLBACK       (-124) /* a callback returned nonzero */

/* One line per code, for any value above ("unknown" for others). */
const char *http_strerror(int code);
/* 1 for the redirect statuses a Location is followed for (RFC 9110
 * section 15.4: 301, 302, 303, 307, 308; not 300 or 304). */
int http_status_redirects(int status);

/* ---- Requests ---- */

/* http_req_build flags. */
#define HTTP_REQ_ABSOLUTE 0x1u /* absolute-form target: plain http via a proxy */
#define HTTP_REQ_CONNECT  0x2u /* "CONNECT host:port": never carries Authorization */
#define HTTP_REQ_REDACT   0x4u /* credentials written as "Basic <redacted>" */

struct http_req {
	const struct url *url;            /* target; path "" is sent as "/" */
	const char *version;              /* for "User-Agent: atlwho/<version>" */
	const char *authorization;        /* whole value ("Bearer ..."), or NULL */
	const char *proxy_authorization;  /* whole value ("Basic ..."), or NULL */
};

/* Writes a GET request (or with HTTP_REQ_CONNECT a CONNECT request) into
 * dst: Host, User-Agent, Accept: application/json, Authorization (GET
 * only), Proxy-Authorization (only with HTTP_REQ_ABSOLUTE or
 * HTTP_REQ_CONNECT: anything else would hand the proxy's password to the
 * origin), Connection: close (GET only), no Accept-Encoding.
 * Returns HTTP_OK with *olen = the request's length (dst also gets a NUL
 * after it); HTTP_E_BUFSMALL with *olen = the capacity needed including
 * the NUL, dst zeroed; HTTP_E_REQ_VALUE if a value holds bytes outside
 * SP/HTAB/VCHAR; HTTP_E_REQ_MISUSE for HTTP_REQ_ABSOLUTE with https (use
 * CONNECT), both ABSOLUTE and CONNECT, or Proxy-Authorization without
 * either. dst holds the secrets it was given: the caller wipes it. */
int http_req_build(const struct http_req *q, unsigned flags, char *dst, size_t cap,
    size_t *olen);

/* ---- Responses ---- */

/* http_resp_init flags: what the request was, since it decides whether
 * the response has a body (RFC 9112 section 6.3). */
#define HTTP_F_HEAD    0x1u /* a HEAD request: no response has a body */
#define HTTP_F_CONNECT 0x2u /* a CONNECT request: a 2xx ends at its head and
                               the bytes after it belong to the tunnel */

/* Headers kept for the caller (bounded copies, see http_resp_header). */
enum http_hdr {
	HTTP_H_SERAPH_LOGINREASON,   /* X-Seraph-LoginReason */
	HTTP_H_AUTH_DENIED_REASON,   /* X-Authentication-Denied-Reason */
	HTTP_H_AUSERNAME,            /* X-AUSERNAME */
	HTTP_H_AREQUESTID,           /* X-AREQUESTID */
	HTTP_H_RETRY_AFTER,          /* Retry-After */
	HTTP_H_CONTENT_TYPE,         /* Content-Type */
	HTTP_H_WWW_AUTHENTICATE,     /* WWW-Authenticate (list: joined with ", ") */
	HTTP_H_CONTENT_ENCODING,     /* Content-Encoding (list: joined with ", ") */
	HTTP_H_LOCATION,             /* Location (last: it has the big slot) */
	HTTP_H_COUNT
};

/* http_resp_header *flags bits. */
#define HTTP_KEPT_TRUNCATED 0x1u /* longer than its slot: cut */
#define HTTP_KEPT_CONFLICT  0x2u /* a singleton field came again with another
                                    value; the first one is kept */
#define HTTP_KEPT_REDACTED  0x4u /* the value held a run of the token: it
                                    reads RD_MARK (see rd) */

#define HTTP_KEEP_POOL ((HTTP_H_COUNT - 1) * (HTTP_KEEP_MAX + 1) + HTTP_LOCATION_MAX + 1)

struct http_kept {
	uint16_t len;
	uint8_t present;
	uint8_t flags;
};

/* What the parser accepts (RFC 9112 unless said otherwise):
 * - status line "HTTP/1.<digit> NNN reason": HTTP/1.0 and an empty reason
 *   are fine, and so is a missing SP before an empty reason; the code is
 *   three digits 100..999 (600..999 are left to the caller, RFC 9110
 *   section 15 says treat them as 5xx); 101 is an error (we never ask to
 *   upgrade); 1xx responses are skipped, at most HTTP_INTERIM_MAX.
 * - every line ends in CRLF: bare LF, bare CR, NUL and C0/DEL controls in
 *   the head are errors; field names are tokens, matched exactly and
 *   case-insensitively; whitespace before ':' or before the first field
 *   is an error; obs-fold is replaced by one SP (section 5.2, what a user
 *   agent must do).
 * - framing (section 6.3): none for 1xx, 204, 304, HEAD, and 2xx to
 *   CONNECT; else Transfer-Encoding, which must be exactly "chunked" (any
 *   case, once, in HTTP/1.1 only) and not come with Content-Length; else
 *   Content-Length (1*DIGIT, 64-bit, equal duplicates allowed); else the
 *   body runs until the connection closes. Content-Encoding other than
 *   identity on a response with a body is an error.
 * - chunked: hex sizes up to 64 bits, extensions checked against the
 *   grammar and dropped, CRLF after each chunk's data, trailers checked
 *   and dropped; a body that ends before the last chunk and the final
 *   CRLF is HTTP_E_TRUNCATED_BODY, never complete. */

/* The final response's header fields, kept in order for the caller (-i,
 * -v) in a buffer the caller owns: each field as name ':' (names are
 * tokens, never ':'), its value's length in two bytes (little-endian,
 * with HTTP_FIELD_REDACTED set when the value held a run of the token
 * and is not kept) and the value. That is no more than the field took on
 * the wire (name ':' value CRLF), so HTTP_HEAD_MAX bytes hold any head the
 * parser accepts. Read it with http_resp_field. */
#define HTTP_FIELDS_MAX HTTP_HEAD_MAX
#define HTTP_FIELD_REDACTED 0x8000u
_Static_assert(HTTP_FIELD_MAX < HTTP_FIELD_REDACTED, "a value's length leaves its flag bit free");

/* The parser. The caller owns it (about 25 KiB: keep it static or on a
 * roomy stack); http_resp_init zeroes it, then the caller may set the
 * callbacks, ctx and the field store. A callback that returns nonzero
 * stops the parser with HTTP_E_CALLBACK. Slices passed to callbacks are
 * valid only during the call and are not NUL-terminated. */
struct http_resp {
	/* Each header field of the final response, in order, after obs-fold
	 * is replaced by SP (RFC 9112 section 5.2) and OWS trimmed. Interim
	 * 1xx and trailer fields are checked but not reported. */
	int (*on_header)(void *ctx, const char *name, size_t nlen,
	    const char *value, size_t vlen);
	/* Body bytes as they arrive (chunked framing removed); slices of the
	 * caller's own input buffer. */
	int (*on_body)(void *ctx, const void *buf, size_t len);
	void *ctx;
	/* The secrets (redact.h), or NULL. With it, a field whose value
	 * holds a run of the token is reported (on_header, kept copies) with
	 * the value RD_MARK, and so is the reason phrase: judged on the
	 * whole value, before any cut. Content-Length is read from the real
	 * value; a redacted Transfer- or Content-Encoding is refused as the
	 * real one would be (only chunked and identity pass). */
	const struct rd_set *rd;
	/* Where the final response's fields are kept (HTTP_FIELDS_MAX bytes),
	 * or NULL: none kept. */
	char *fields;
	size_t fields_len;

	/* Results. status, minor and reason are those of the response being
	 * read: an interim one until it is skipped, the final one from
	 * HTTP_HEAD on. */
	int status;                      /* 100..999 */
	int minor;                       /* HTTP/1.<minor> */
	char reason[HTTP_REASON_MAX + 1];/* may be "", cut to HTTP_REASON_MAX,
	                                    RD_MARK if it held a secret run */
	unsigned interim;                /* 1xx responses skipped */
	int chunked;                     /* body framed by chunked coding */
	int has_length;                  /* body framed by content_length */
	uint64_t content_length;
	uint64_t body_bytes;             /* body bytes handed to on_body */
	uint64_t offset;                 /* bytes consumed so far */
	uint64_t err_off;                /* offset of the byte at fault */
	int err;                         /* sticky error, 0 if none */

	/* Private: the state machine. */
	unsigned flags;
	int state;
	int in_trailer;
	int err_byte;                    /* the byte at fault, -1 if none */
	int head_done;                   /* the final head is complete */
	int paused;                      /* HTTP_HEAD is due */
	const char *why;                 /* detail for http_resp_describe */
	unsigned pos;                    /* position in the status line */
	size_t head_bytes;               /* of this header or trailer section */
	size_t flen;                     /* bytes in field */
	uint64_t field_off;              /* where the field line began */
	size_t nlen;                     /* name length within field */
	int pending;                     /* field holds a complete field line */
	int cl_seen;
	uint64_t cl;
	int te_seen, te_chunked;
	const char *te_why, *ce_why;     /* first Transfer-/Content-Encoding fault */
	char te_tok[HTTP_TOKEN_MSG_MAX + 1], ce_tok[HTTP_TOKEN_MSG_MAX + 1];
	uint64_t remaining;              /* of a Content-Length body or chunk */
	unsigned chunk_digits;           /* hex digits read of a chunk size */
	size_t chunk_line;
	int first_byte;                  /* of the whole reply, -1 before it */
	struct rd_run reason_run;        /* the whole reason phrase, for rd */
	struct http_kept kept[HTTP_H_COUNT];
	char pool[HTTP_KEEP_POOL];
	char field[HTTP_FIELD_MAX];
};

void http_resp_init(struct http_resp *r, unsigned flags);

/* Parses len bytes. *used (if not NULL) gets the bytes consumed: all of
 * them for HTTP_MORE; up to the head's end for HTTP_HEAD (returned once,
 * when the final response's head is complete, also for a response without
 * a body: the caller decides what the reply means, then feeds on, even 0
 * bytes, to read the body and reach HTTP_DONE); up to the message's end for HTTP_DONE (what follows
 * is not part of it: after a CONNECT 2xx it is the tunnel's first bytes;
 * after a 204, 304 or a complete body it must be ignored); up to the
 * faulty byte for an error (through the bytes a refusing on_body got). Returns HTTP_MORE, HTTP_DONE or an error;
 * errors are sticky, and once done every call returns HTTP_DONE. */
int http_resp_feed(struct http_resp *r, const void *buf, size_t len, size_t *used);

/* The connection ended cleanly. Returns HTTP_DONE if the message is
 * complete (a body read until close ends here), else HTTP_E_NO_RESPONSE,
 * HTTP_E_TRUNCATED_HEAD or HTTP_E_TRUNCATED_BODY (sticky). Over TLS, when
 * http_resp_until_close(r), call this only after a close_notify: a bare
 * TCP close of a read-until-close body is a truncation the server did not
 * vouch for (RFC 8446 section 6.1, RFC 9112 section 9.8); the caller
 * reports that itself. */
int http_resp_eof(struct http_resp *r);

/* 1 when r is in a body that only the connection's close ends (no
 * Content-Length, not chunked: RFC 9112 section 6.3, item 8), else 0. */
int http_resp_until_close(const struct http_resp *r);

/* A kept header's value (NUL-terminated; *len its length), or NULL if the
 * final response did not have it. flags (may be NULL) gets
 * HTTP_KEPT_TRUNCATED / HTTP_KEPT_CONFLICT. Values, like reason and the
 * on_header slices, are the server's bytes: never NUL, CR, LF or other C0
 * controls or DEL, but obs-text (0x80..0xff, C1 controls among them) is
 * kept, so escape them before writing to a terminal. */
const char *http_resp_header(const struct http_resp *r, enum http_hdr h, size_t *len,
    unsigned *flags);

/* The kept fields one after another: start with *pos = 0; returns 1 with
 * the next field (a redacted value reads RD_MARK), 0 after the last. The
 * slices point into r->fields. */
int http_resp_field(const struct http_resp *r, size_t *pos, const char **name, size_t *nlen,
    const char **value, size_t *vlen);

/* One line describing r's error with its detail, the byte offset and the
 * byte (e.g. "malformed header field: whitespace before ':' (byte 0x20 at
 * offset 57)", "unsupported Content-Encoding 'gzip'"), NUL-terminated in
 * buf. Returns the length the whole line has, as snprintf does. */
size_t http_resp_describe(const struct http_resp *r, char *buf, size_t cap);

#endif
