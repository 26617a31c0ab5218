/* tls.h: the TLS 1.2/1.3 client over mbedTLS: trust sources with lazy CA
 * loading, curl-style public-key pins, client certificates, and verification
 * failures explained in words a user can act on. */
#ifndef ATLWHO_TLS_H
#define ATLWHO_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/pk.h>

#define TLS_MAX_PINS 8          /* curl allows a ';' list; 8 covers key rotation */
#define TLS_PIN_LEN 44          /* base64 of a SHA-256 digest */
#define TLS_MSG_MAX 512         /* one explanatory line */
#define TLS_NAMES_MAX 256       /* the certificate's names, for mismatch messages */
#define TLS_NAME_MAX 253        /* a DNS name (RFC 1035), the SNI and verification name */

/* Return convention: 0 ok; these negative codes (-21 to -29; every
 * module's codes have their own range) are errors. */
#define TLS_E_CONFIG   (-21)   /* bad file, bad pin, no trust source: exit 2 */
#define TLS_E_HANDSHAKE (-22)  /* handshake or verification failed: exit 6 */
#define TLS_E_NET      (-23)   /* the transport failed or timed out: exit 5 */
#define TLS_E_PROTO    (-24)   /* a TLS error after the handshake */
#define TLS_E_NOMEM    (-25)   /* mbedTLS could not allocate: exit 6 */

struct tls_opts {
	const char *cacert, *capath;    /* from the command line */
	const char *env_file, *env_dir; /* SSL_CERT_FILE, SSL_CERT_DIR */
	const char *pins;               /* "sha256//B64;sha256//B64" or NULL */
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

/* The trust store: files and directories searched lazily by issuer. */
#define TLS_MAX_SOURCES 4
struct tls_trust {
	const char *file[TLS_MAX_SOURCES];
	const char *dir[TLS_MAX_SOURCES];
	int nfile, ndir;
	int pin_only;                   /* --pin without --cacert/--capath */
	unsigned loaded;                /* certificates parsed (for -v / benchmarks) */
	const char *unreadable;         /* first trust file or directory that could not be read */
	char unreadable_why[64];        /* its errno text */
};

struct tls_info {                 /* what -v prints and errors explain */
	char subject[TLS_NAMES_MAX], issuer[TLS_NAMES_MAX], names[TLS_NAMES_MAX];
	char top_issuer[TLS_NAMES_MAX];
	char not_before[24], not_after[24];
	char pin[TLS_PIN_LEN + 1];
	int pin_checked, pin_ok;
	uint32_t flags;
};

struct tls_conn {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt own_cert;
	mbedtls_pk_context own_key;
	struct tls_trust trust;
	struct tls_info info;
	char pins[TLS_MAX_PINS][TLS_PIN_LEN + 1];
	int npins, insecure;
	int ciphers[16];
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

/* Validates options and finds the trust source; err gets one line.
 * TLS_E_NOMEM when mbedTLS ran out of memory (as tls_handshake may). */
int tls_prepare(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap);
/* Handshake on connected socket fd with the server named by peer (kept by
 * pointer until tls_free). */
int tls_handshake(struct tls_conn *c, int fd, const struct tls_peer *peer, int64_t deadline,
    char *err, size_t errcap);
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
/* The RFC 8446 (or RFC 5246) name of an alert, or "unknown". */
const char *tls_alert_name(unsigned alert);
const char *tls_version(const struct tls_conn *c);
const char *tls_cipher(const struct tls_conn *c);
/* Frees everything; safe on a zeroed or half-set-up struct. */
void tls_free(struct tls_conn *c);

/* Exposed for tests: curl-style pin of a DER SubjectPublicKeyInfo. */
void tls_spki_pin(const unsigned char *spki, size_t len, char out[TLS_PIN_LEN + 1]);
/* Parses a pin list into pins[]; returns the count or TLS_E_CONFIG. */
int tls_parse_pins(const char *s, char pins[][TLS_PIN_LEN + 1], int max);

#endif
