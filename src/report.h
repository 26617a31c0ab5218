/* report.h: atlwho's stdout in text, JSON or shell-env form, built from the
 * scanned fields and the classification; every server byte goes through out.c. */
#ifndef ATLWHO_REPORT_H
#define ATLWHO_REPORT_H

#include <stddef.h>

#include "classify.h"
#include "json.h"
#include "out.h"

/* A buffered writer over a file descriptor (stdout, stderr) that never
 * lets a secret through: every occurrence of a registered secret (the
 * token, the Basic credentials) is written as "<redacted>", even when a
 * hostile server echoes it in a header, a field or the --raw body. The
 * last (longest secret - 1) bytes stay buffered until rep_flush, so a
 * secret split across two writes is still caught. */
#define REP_BUF 16384    /* > the longest secret: a 4 KiB token as Basic base64 is ~5.5 KiB */
#define REP_SECRETS 2    /* the token and its Basic form */
#define REP_REDACTED "<redacted>"
struct rep_buf {
	int fd;
	size_t len;
	const char *secret[REP_SECRETS];
	size_t slen[REP_SECRETS];
	size_t smax;             /* longest secret */
	char buf[REP_BUF];
};
void rep_init(struct rep_buf *b, int fd);
/* Registers a secret (not copied: it must live until the last flush). */
void rep_secret(struct rep_buf *b, const char *s, size_t n);
void rep_write(void *ctx, const void *p, size_t n); /* an out_write_fn */
void rep_str(struct rep_buf *b, const char *s);
void rep_flush(struct rep_buf *b);

enum rep_format { REP_TEXT, REP_JSON, REP_ENV };

struct rep_info {
	const char *product;        /* "jira", "confluence", or NULL (--from-file) */
	int status;                 /* HTTP status or 0 */
	int exit;
	const struct js_scanner *js;/* fields, or NULL when no body was scanned */
	const struct cl_result *cl; /* classification, or NULL for transport errors */
	const char *error;          /* the one-line message on failure */
	const struct cl_headers *h; /* reply headers, or NULL */
};

/* Writes the report for fmt to b (success and failure alike). */
void rep_result(struct rep_buf *b, enum rep_format fmt, const struct rep_info *ri);

#endif
