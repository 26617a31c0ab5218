/* report.h: atlwho's stdout in text, JSON or shell-env form, built from the
 * scanned fields and the classification; every server byte goes through out.c. */
#ifndef ATLWHO_REPORT_H
#define ATLWHO_REPORT_H

#include <stddef.h>

#include "classify.h"
#include "json.h"
#include "out.h"

/* A small buffered writer over a file descriptor (stdout, stderr). */
#define REP_BUF 4096 /* one page: a whole report fits, so it leaves in one write */
struct rep_buf {
	int fd;
	size_t len;
	char buf[REP_BUF];
};
void rep_init(struct rep_buf *b, int fd);
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
