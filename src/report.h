/* report.h: atlwho's stdout in text, JSON or shell-env form, built from the
 * scanned fields and the classification; every server byte goes through out.c. */
#ifndef ATLWHO_REPORT_H
#define ATLWHO_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "json.h"
#include "out.h"
#include "redact.h"

/* A buffered writer over a file descriptor (stdout, stderr) that never
 * lets a secret through: every byte passes an rd_filter (redact.h), which
 * replaces each run of the token or of its base64 form with RD_MARK, even
 * when a hostile server echoes it in the --raw body or a message quotes
 * it. The filter holds back at most RD_WIN_MAX - 1 bytes until rep_flush,
 * so a run split across two writes (two TLS records) is still caught; a
 * flush ends the stream (a run never spans one). This is the last net:
 * values are redacted whole before they are cut or escaped (json.c,
 * http.c, report.c), since escaping changes the bytes the filter sees. */
#define REP_BUF 4096     /* bytes gathered before one write(2) */
#define REP_WHY_MAX 48   /* sys_errstr()'s longest text (40) and its NUL */
/* A write that fails (sys_write_fd: the descriptor closed or full, or not
 * writable before the deadline) is sticky: the rest of the output is
 * dropped, not tried, and rep_lost says why; main decides the exit code. */
struct rep_buf {
	int fd;
	int lost;                /* 0, or the first write's SYS_E_IO or SYS_E_TIMEOUT */
	int64_t deadline;        /* monotonic ms a write may wait until; 0: none */
	size_t len;
	struct rd_filter f;
	char why[REP_WHY_MAX];   /* sys_errstr() of a SYS_E_IO */
	char buf[REP_BUF];
};
/* No secrets until rep_redact; no waiting until rep_deadline. */
void rep_init(struct rep_buf *b, int fd);
/* From now on a write to a full non-blocking descriptor waits until deadline. */
void rep_deadline(struct rep_buf *b, int64_t deadline);
/* 0, or why output was lost: SYS_E_TIMEOUT, or SYS_E_IO with *why its errno text. */
int rep_lost(const struct rep_buf *b, const char **why);
/* From now on, filter out the secrets of s (not copied: it must live until
 * the last flush). */
void rep_redact(struct rep_buf *b, const struct rd_set *s);
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

/* Writes the report for fmt to b (success and failure alike). The fields
 * are name (Jira's "name", or Confluence's "username" when there is no
 * "name"), displayName, active, accountId, type and emailAddress, in this
 * order, those the server sent; a field the scanner marked secret reads
 * RD_MARK. */
void rep_result(struct rep_buf *b, enum rep_format fmt, const struct rep_info *ri);

#endif
