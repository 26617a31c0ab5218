/* cli.h: atlwho's command line (getopt_long conventions, one option table
 * for parsing and --help) into a plain struct.
 * Pure: no I/O; errors come back as one line for main to print (exit 2). */
#ifndef ATLWHO_CLI_H
#define ATLWHO_CLI_H

#include <stddef.h>

#include "pin.h"

enum cli_product { CLI_AUTO, CLI_JIRA, CLI_CONFLUENCE };
enum cli_format { CLI_TEXT, CLI_JSON, CLI_ENV };

/* Limits on numbers from the command line (curl's units: seconds). */
#define CLI_TIME_MAX_MS (86400L * 1000)  /* one day: longer is a mistake */
#define CLI_REDIRS_MAX 50                /* curl's default cap */
#define CLI_RETRY_MAX 100

struct cli_opts {
	enum cli_product product;
	enum cli_format format;
	const char *base, *path, *user, *token_file, *from_file;
	const char *cacert, *capath, *cert, *key, *proxy, *noproxy;
	struct pin_set pins;             /* --pin, parsed (pins.n 0: none) */
	int include, raw, quiet, verbose, insecure, follow, family;
	int tls_min, tls_max;            /* 12 or 13: --tls-min, --tls-max */
	int max_redirs, retry;
	long connect_ms, max_ms;
	int help, version;
};

/* Return values (CLI_E_* are -71 to -79: every module's codes have their
 * own range). */
#define CLI_OK 0
#define CLI_E_USAGE (-71)  /* a usage error; err holds one line for main (exit 2) */

/* CLI_OK, or CLI_E_USAGE with the message in err (the first error found).
 * After an error the rest of the line is still read, so that o->format and
 * o->quiet say what the whole line asked for: a usage error is reported in
 * the format asked for (exactly one JSON object with -j), wherever -j is. */
int cli_parse(struct cli_opts *o, int argc, char **argv, char *err, size_t errcap);

/* Parses seconds with up to 3 decimals ("10", "2.5") into ms in 1..max:
 * CLI_OK or CLI_E_USAGE. */
int cli_seconds(const char *s, long max_ms, long *ms);

/* Writes --help, generated from the option table, through put. */
void cli_help(void (*put)(void *ctx, const char *s, size_t n), void *ctx);

#endif
