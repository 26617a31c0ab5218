/* cred.c: the token and the Authorization value (see cred.h). */
#include "fmt.h"
#include "cred.h"

#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "str.h"
#include "sys.h"

static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static long bad(char *err, size_t errcap, const char *msg)
{
	fmt_snprintf(err, errcap, "%s", msg);
	return -1;
}

long cred_token(const char *file, char tok[CRED_TOKEN_MAX + 1], int *loose, char *err, size_t errcap)
{
	size_t n = 0;

	if (loose)
		*loose = 0;
	if (file) {
		int r;
		if (loose && strcmp(file, "-") != 0)
			*loose = sys_file_loose_perms(file);
		r = sys_read_file(file, tok, CRED_TOKEN_MAX, &n);
		if (r == SYS_E_TOOBIG)
			return bad(err, errcap, "--token-file: the token file is larger than 4 KiB");
		if (r < 0) {
			fmt_snprintf(err, errcap, "--token-file %.200s: %s", file, sys_errstr());
			return -1;
		}
	} else {
		const char *e = sys_getenv("ATLWHO_TOKEN");
		if (!e)
			return bad(err, errcap, "no token: give --token-file FILE (- for stdin) or set ATLWHO_TOKEN");
		n = strlen(e);
		if (n > CRED_TOKEN_MAX)
			return bad(err, errcap, "ATLWHO_TOKEN is longer than 4 KiB");
		memcpy(tok, e, n);
		/* Wipe the environment's copy in place: /proc/PID/environ of this
		 * process then no longer shows the token to its other readers. */
		str_wipe((char *)(uintptr_t)e, n);
	}
	/* One trailing newline (CRLF too) goes, from a file or the environment:
	 * a Kubernetes secret mounted as an environment variable keeps the
	 * file's newline. */
	if (n > 0 && tok[n - 1] == '\n')
		n--;
	if (n > 0 && tok[n - 1] == '\r')
		n--;
	tok[n] = 0;
	if (n == 0)
		return bad(err, errcap, "the token is empty");
	if (has_ctl(tok, n))
		return bad(err, errcap, "the token contains a control character (only its trailing newline may go)");
	return (long)n;
}

int cred_auth(const char *user, const char *tok, size_t tlen, char auth[CRED_AUTH_MAX], char *err,
    size_t errcap)
{
	char pair[CRED_USER_MAX + 1 + CRED_TOKEN_MAX + 1];
	size_t ulen, n;

	if (!user) {
		fmt_snprintf(auth, CRED_AUTH_MAX, "Bearer %s", tok);
		return 0;
	}
	ulen = strlen(user);
	if (ulen == 0 || ulen > CRED_USER_MAX || strchr(user, ':') || has_ctl(user, ulen))
		return (int)bad(err, errcap, "-u: the user name must be 1 to 512 characters, without ':' or "
		    "control characters");
	memcpy(pair, user, ulen);
	pair[ulen] = ':';
	memcpy(pair + ulen + 1, tok, tlen);
	memcpy(auth, "Basic ", 6);
	n = b64_encode(auth + 6, CRED_AUTH_MAX - 7, pair, ulen + 1 + tlen);
	auth[6 + n] = 0;
	str_wipe(pair, ulen + 1 + tlen);
	return 0;
}
