/* tell.h: what the user sees besides the result's own form (report.h):
 * stderr's lines (errors, warnings, -v), the reply's head (-v, -i), the
 * failure and success reports in the format asked for, and the exit code
 * once stdout is written. Every byte goes through the redacting writers. */
#ifndef ATLWHO_TELL_H
#define ATLWHO_TELL_H

#include <stddef.h>

#include "classify.h"
#include "cli.h"
#include "fetch.h"
#include "http.h"
#include "json.h"
#include "report.h"

struct tell {
	const struct cli_opts *o;
	const struct rd_set *rd;        /* the token's runs, or NULL */
	struct rep_buf out, err;
};

void tell_init(struct tell *S, const struct cli_opts *o);
/* --help and --version on stdout; 0. */
int tell_help(struct tell *S);
int tell_version(struct tell *S, const char *version);
/* One line on stderr, "atlwho: " prefix msg, even with -q. */
void tell_line(struct tell *S, const char *prefix, const char *msg);
void tell_warn(struct tell *S, const char *msg);
/* The warning before the token goes out over plain http (through the
 * proxy named, or directly when proxy is NULL). */
void tell_plain_http(struct tell *S, const char *proxy);
/* -v: "* line" (a fetch_log line). */
void tell_v(void *S, const char *line);
/* -v: the request as sent, credentials redacted (a fetch_log request). */
void tell_request(void *S, const char *req, size_t len);
/* -v: a reply's status line and the fields read, once its head is read
 * (or as far as it was read: nothing before its first field). */
void tell_head_v(struct tell *S, const struct http_resp *r);
/* -i: the head of the reply that ends the check: on stdout where stdout
 * holds text; with --format json or env and with -q on stderr. */
void tell_head_i(struct tell *S, const struct http_resp *r);
void tell_times(struct tell *S, const struct fetch_times *t);
/* A failure: its line on stderr (not with -q), and with --format json or
 * env its report on stdout. Returns code. */
int tell_failure(struct tell *S, int code, const char *msg, const struct cl_result *cl,
    const struct cl_headers *h, const char *product, int status);
/* A usage failure found once the command line is read: its line on
 * stderr even with -q, and the failure report as tell_failure. EX_USAGE. */
int tell_usage(struct tell *S, const char *prefix, const char *msg);
/* The classified reply (or --from-file body): the result in its format,
 * or the failure. Returns cl->exit. */
int tell_result(struct tell *S, const struct cl_result *cl, const struct cl_headers *h,
    const char *product, int status, const struct js_scanner *js);
/* The exit code once stdout is written: output lost turns an answer of 0
 * or 1, which stdout was to carry, into EX_OUTPUT (curl's 23). */
int tell_finish(struct tell *S, int code);

#endif
