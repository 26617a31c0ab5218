/* classify.h: what a Jira or Confluence reply means, as an exit code and one
 * line. Pure: a function of the status, a few headers and the scanned JSON. */
#ifndef ATLWHO_CLASSIFY_H
#define ATLWHO_CLASSIFY_H

#include <stddef.h>

#include "http.h"
#include "json.h"

/* Exit codes: the documented table (README, --help, atlwho.1). */
enum {
	EX_AUTH_OK = 0,       /* authenticated; account active (or not reported) */
	EX_INACTIVE = 1,      /* authenticated, account inactive */
	EX_USAGE = 2,         /* usage or configuration error */
	EX_REJECTED = 3,      /* credentials rejected or anonymous */
	EX_CAPTCHA = 4,       /* CAPTCHA lockout */
	EX_NETWORK = 5,       /* resolve, connect, proxy, timeout */
	EX_TLS = 6,           /* handshake, verification, pin */
	EX_UNEXPECTED = 7,    /* 404, redirect, 429/5xx, HTML, malformed, no user */
	EX_OUTPUT = 8         /* stdout closed, full, or not writable in time (main.c) */
};

#define CL_HDR_MAX 256        /* a kept header value; longer ones are cut */
/* A Location or a redirect target: all the parser keeps, so nothing is cut
 * a second time (a longer Location is never followed nor shown). */
#define CL_LOCATION_MAX (HTTP_LOCATION_MAX + 1)
#define CL_MSG_MAX 1024       /* one message line */
/* The start of an error page that classification reads: nginx's and
 * Apache's pages name a missing client certificate within their first
 * 400 bytes. */
#define CL_BODY_HEAD 1024

/* Headers the classification reads: the parser's kept values (see
 * http_resp_header: NUL-terminated, cut at HTTP_KEEP_MAX, runs of the token
 * redacted), NULL when not sent. One copy, one cap. */
struct cl_headers {
	const char *seraph;             /* X-Seraph-LoginReason */
	const char *denied;             /* X-Authentication-Denied-Reason */
	const char *ausername;          /* X-AUSERNAME */
	const char *requestid;          /* X-AREQUESTID */
	const char *retry_after;        /* Retry-After */
	const char *content_type;       /* Content-Type */
	const char *location;           /* Location: NULL when cut or contested (not the target) */
};

/* Points h at r's kept values. */
void cl_headers_of(const struct http_resp *r, struct cl_headers *h);

struct cl_input {
	int status;                     /* HTTP status; 0 for --from-file */
	const struct cl_headers *h;     /* NULL for --from-file */
	const struct js_scanner *js;    /* the scanned body */
	int js_result;                  /* js_finish's result */
	int body_len_nonzero;
	int body_html;                  /* first non-space body byte was '<' */
	int bearer;                     /* Authorization was Bearer */
	int cloud;                      /* host ends in .atlassian.net */
	int product_confluence;         /* the endpoint asked was Confluence's */
	const char *location_hint;      /* absolute redirect target, if resolved */
	/* A redirect not followed: why its Location cannot be used (step.h,
	 * "" if it can), and with -L whether --max-redirs was reached. */
	const char *redirect_why;
	int follow, redirs_spent;
	const char *body_head;          /* the body's first bytes (up to CL_BODY_HEAD) */
	size_t body_head_len;
};

struct cl_result {
	int exit;
	char msg[CL_MSG_MAX];           /* one line, printable ASCII/UTF-8 only */
	const char *reason;             /* short machine word: "rejected", "captcha"... */
	char login_url[CL_HDR_MAX];     /* from the CAPTCHA header */
};

void classify(const struct cl_input *in, struct cl_result *out);

/* 1 when host is Atlassian Cloud's (ends in .atlassian.net, any case). */
int cl_cloud_host(const char *host);

/* What classify reads of a body besides its JSON, seen as it streams:
 * its first bytes, whether it had any, whether it starts as HTML. */
struct cl_body {
	int nonzero, html, seen_nonspace;
	size_t head_len;
	char head[CL_BODY_HEAD];
};
void cl_body_init(struct cl_body *b);
void cl_body_feed(struct cl_body *b, const void *buf, size_t len);
/* Sets in's body_len_nonzero, body_html and (when head) body_head. */
void cl_body_input(const struct cl_body *b, int head, struct cl_input *in);


#endif
