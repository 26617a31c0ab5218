/* tls.h: the TLS 1.2/1.3 client over mbedTLS, as libtls: a configuration
 * built once per check (trust, pins, client certificate and key, versions,
 * suites) shared by every connection; the connection's handshake, read,
 * write and close; failures explained through tlsmsg.h. */
#ifndef ATLWHO_TLS_H
#define ATLWHO_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/pk.h>

#include "pem.h"
#include "pin.h"
#include "tlsmsg.h"
#include "trust.h"

#define TLS_NAME_MAX 253        /* a DNS name (RFC 1035), the SNI and verification name */
/* Client certificate and key files are read whole; real ones are < 8 KiB. */
#define TLS_FILE_MAX 65536
#define TLS_CIPHERS_MAX 16      /* the suites offered (set_ciphers), 0-terminated */

/* Return convention: 0 ok; these negative codes (-21 to -29; every
 * module's codes have their own range) are errors. */
#define TLS_E_CONFIG   (-21)   /* bad file, no trust source: exit 2 */
#define TLS_E_HANDSHAKE (-22)  /* handshake or verification failed: exit 6 */
#define TLS_E_NET      (-23)   /* the transport failed or timed out: exit 5 */
#define TLS_E_PROTO    (-24)   /* a TLS error after the handshake */
#define TLS_E_NOMEM    (-25)   /* mbedTLS could not allocate: exit 6 */

struct tls_opts {
	const char *cacert, *capath;    /* from the command line */
	const char *env_file, *env_dir; /* SSL_CERT_FILE, SSL_CERT_DIR */
	const struct pin_set *pins;     /* --pin, parsed by cli.c, or NULL */
	const char *cert, *key;         /* client certificate and key files */
	int insecure;                   /* -k */
	int tls_min, tls_max;           /* 12 or 13: --tls-min, --tls-max */
};

/* Who the server must be. A host name goes out as SNI (RFC 6066 section 3)
 * and is checked against the certificate's DNS names; an IP literal sends
 * no SNI (the RFC forbids literals there) and is checked against its IP
 * subjectAltNames only, as curl does. */
struct tls_peer {
	const char *name;               /* host name without a trailing dot, or NULL for an IP literal */
	unsigned char ip[16];           /* the literal's address */
	size_t iplen;                   /* 4, 16, or 0 for a host name */
	const char *shown;              /* the host as the user wrote it, for messages */
};

/* The configuration: built once (tls_config_init), then used by every
 * connection of the check, one at a time (mbedTLS allows one
 * mbedtls_ssl_config for many contexts: ssl.h). The lazy trust search runs
 * inside each handshake with the config's scanner and notes what it found
 * in trust: so the handshake takes the config writable. 82 KiB (83,744
 * bytes on x86-64), of which a check without --cert touches 18 (its head
 * and the scanner): the caller keeps it off the stack (STACK_BUDGET,
 * README). */
struct tls_config {
	mbedtls_ssl_config conf;
	mbedtls_x509_crt own_cert;      /* --cert */
	mbedtls_pk_context own_key;     /* --key */
	struct trust trust;
	struct pin_set pins;
	int insecure;
	int ciphers[TLS_CIPHERS_MAX + 1];
	int verify;                     /* the server is verified (not -k alone): verify_cb runs */
	int ready;                      /* built (tls_config_init succeeded): in use, and
	                                   tls_config_free has work */
	struct pem_scanner pem;         /* the trust search's, and --cert/--key's */
	unsigned char file[TLS_FILE_MAX]; /* --cert, then --key, read whole; wiped after parsing */
};

/* One connection. */
struct tls_conn {
	mbedtls_ssl_context ssl;
	struct tls_config *cfg;
	struct tls_info info;
	int fd;
	int64_t deadline;
	int net_err;                    /* a SYS_E_* from the transport, or 0 */
	char net_why[64];               /* its errno text, for the message */
	int last_err;                   /* the last mbedTLS error of read/write */
	int ready;
	const struct tls_peer *peer;
	/* What the handshake showed, to name a failure by its cause. */
	int cr_seen;                    /* the server asked for a client certificate (in the
	                                   handshake, or in the renegotiation under way) */
	int hs_done;                    /* the initial handshake completed */
	int stepping;                   /* run_handshake is driving the handshake */
	int alert;                      /* the fatal alert the server sent, or -1 */
	int tls13;                      /* TLS 1.3 was negotiated */
	int eof;                        /* the transport read a TCP close */
	int close_notify;               /* the server ended with close_notify */
};

/* Validates the options, picks the trust sources (read later, lazily, by
 * each handshake), reads and parses --cert and --key; err gets one line.
 * 0, TLS_E_CONFIG, or TLS_E_NOMEM when mbedTLS ran out of memory (as
 * tls_handshake may). On failure it is freed again (ready 0); once built,
 * tls_config_free frees it. */
int tls_config_init(struct tls_config *cfg, const struct tls_opts *o, char *err, size_t errcap);
/* Frees (and wipes) everything; safe on a zeroed or half-built config. */
void tls_config_free(struct tls_config *cfg);
/* Handshake on connected socket fd with the server named by peer, under
 * cfg (both kept by pointer until tls_free). tls_free is needed either way. */
int tls_handshake(struct tls_conn *c, struct tls_config *cfg, int fd, const struct tls_peer *peer,
    int64_t deadline, char *err, size_t errcap);
/* > 0 bytes, 0 end of stream (close_notify, which sets c->close_notify, or
 * a TCP close, which an attacker on the path can forge: RFC 8446 section
 * 6.1), or an error. */
long tls_read(struct tls_conn *c, void *buf, size_t n);
int tls_write_all(struct tls_conn *c, const void *buf, size_t n);
/* After tls_read or tls_write_all failed (after the handshake; wrote: it
 * was the request's write; replied: reply bytes had arrived): 1 and a
 * message when the failure has a TLS cause (a fatal alert, a client
 * certificate the server asked for and, before any reply, hung up over,
 * a message the library cannot process, a failed TLS 1.2 renegotiation,
 * named by what went wrong in it), else 0. A failed write first reads what the server had already sent: a
 * server that refuses a missing client certificate sends its alert and
 * closes, and the write then fails with EPIPE or ECONNRESET while the
 * alert waits unread (TLS 1.3 servers refuse only after the client's
 * Finished). */
int tls_explain_late(struct tls_conn *c, int wrote, int replied, char *err, size_t errcap);
/* After TLS_E_NET: the transport's SYS_E_* (SYS_E_IO if it gave none). */
int tls_net_error(const struct tls_conn *c);
/* Sends close_notify (best effort, before tls_free). */
void tls_close_notify(struct tls_conn *c);
const char *tls_version(const struct tls_conn *c);
const char *tls_cipher(const struct tls_conn *c);
/* Frees the connection (not its config); safe on a zeroed or half-set-up struct. */
void tls_free(struct tls_conn *c);

#endif
