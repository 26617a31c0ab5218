/* cred.h: the credentials: the token read from a file, stdin or the
 * environment, and the Authorization value built from it. Errors come back
 * as one line for main to report (exit 2). */
#ifndef ATLWHO_CRED_H
#define ATLWHO_CRED_H

#include <stddef.h>

#include "redact.h"

/* A token is a line of printable text: API tokens are 24 to 192 characters,
 * Data Center PATs 44; 4 KiB leaves room for JWT-like tokens. */
#define CRED_TOKEN_MAX 4096
_Static_assert(CRED_TOKEN_MAX <= RD_TOKEN_MAX, "every token read can be redacted");
#define CRED_USER_MAX 512
/* "Basic " + base64(user ":" token) */
#define CRED_AUTH_MAX (8 + (CRED_USER_MAX + 1 + CRED_TOKEN_MAX + 2) / 3 * 4 + 1)
#define CRED_MSG_MAX 300

/* Reads the token from file ("-": stdin) or, when file is NULL, from
 * ATLWHO_TOKEN (whose copy in the environment is wiped). One trailing
 * newline (CRLF too) goes. Returns its length, or -1 with err set; tok
 * (CRED_TOKEN_MAX + 1 bytes) is NUL-terminated. *loose (may be NULL) is
 * set when the file is readable by group or others. */
long cred_token(const char *file, char tok[CRED_TOKEN_MAX + 1], int *loose, char *err, size_t errcap);

/* "Bearer TOKEN" without a user, else "Basic base64(user:token)" (RFC
 * 7617) into auth (CRED_AUTH_MAX bytes). 0, or -1 with err set for a bad
 * user name. */
int cred_auth(const char *user, const char *tok, size_t tlen, char auth[CRED_AUTH_MAX], char *err,
    size_t errcap);

#endif
