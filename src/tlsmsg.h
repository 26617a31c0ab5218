/* tlsmsg.h: a failed TLS connection explained in words a user can act on.
 * Pure: from the facts the connection gathered (struct tlsmsg_seen) to one
 * line; alert names from RFC 8446 section 6 and RFC 5246 section 7.2. */
#ifndef ATLWHO_TLSMSG_H
#define ATLWHO_TLSMSG_H

#include <stddef.h>
#include <stdint.h>

#include "pin.h"

#define TLS_NAMES_MAX 256       /* the certificate's names, for mismatch messages */
#define TLS_TIME_MAX 24         /* "YYYY-MM-DD HH:MM:SS UTC" */

struct tls_info {               /* the server's certificate as seen: what -v prints and errors explain */
	char subject[TLS_NAMES_MAX], issuer[TLS_NAMES_MAX], names[TLS_NAMES_MAX];
	char top_issuer[TLS_NAMES_MAX];
	char not_before[TLS_TIME_MAX], not_after[TLS_TIME_MAX];
	char pin[PIN_LEN + 1];
	int pin_checked, pin_ok;
	uint32_t flags;                 /* MBEDTLS_X509_BADCERT_* the verification set */
};

/* What a failed connection saw. Strings are borrowed for the call. */
struct tlsmsg_seen {
	const char *host;               /* the server as the user wrote it */
	int err;                        /* the mbedTLS error of the failed call */
	int alert;                      /* the fatal alert the server sent, or -1 */
	int net_err;                    /* the transport's SYS_E_*, or 0 */
	const char *net_why;            /* its text */
	int cr_seen;                    /* the server asked for a client certificate */
	int own_cert;                   /* --cert was given */
	int oom;                        /* mbedTLS ran out of memory */
	const char *random_why;         /* the kernel's randomness failed: why, else NULL */
	int early;                      /* the failure came before the ServerHello was taken */
	unsigned version;               /* the version the ServerHello chose */
	size_t big;                     /* a handshake message over the input buffer: its length, else 0 */
	int big_type;                   /* its handshake type */
	int reneg;                      /* a TLS 1.2 renegotiation was under way */
	int cert_changed;               /* ...and the server's certificate changed in it */
	int hs_type;                    /* the type of the handshake message last read, or -1 */
	const struct tls_info *info;    /* the certificate, when verification failed */
	uint32_t verify;                /* mbedTLS's verification result */
	const char *unreadable;         /* a trust source that could not be read, or NULL */
	const char *unreadable_why;
	const char *trust_src;          /* the first trust source, or NULL */
	int64_t now;                    /* the system's time (seconds since the epoch) */
};

/* The failure's class, for the connection to map to its own codes. */
#define TLSMSG_HANDSHAKE 0      /* the server, its certificate, or the negotiation */
#define TLSMSG_NET 1            /* the transport failed or timed out */
#define TLSMSG_NOMEM 2          /* the TLS library ran out of memory */

/* A failed handshake: one line in err; returns the TLSMSG_* class. */
int tlsmsg_handshake(const struct tlsmsg_seen *s, char *err, size_t errcap);
/* A failed read or write after the handshake (replied: reply bytes had
 * arrived): 1 and one line when the failure has a TLS cause, else 0. */
int tlsmsg_late(const struct tlsmsg_seen *s, int replied, char *err, size_t errcap);
/* mbedTLS ran out of memory (which it reports as whatever its caller
 * then failed with: every explanation asks this first). */
void tlsmsg_oom(char *err, size_t errcap);
/* The RFC 8446 (or RFC 5246) name of an alert, or "unknown". */
const char *tlsmsg_alert_name(unsigned alert);

#endif
