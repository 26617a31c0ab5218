/* pem.h: streaming PEM scanner (RFC 7468) for certificates and private keys,
 * and a minimal DER walk to a certificate's subject (RFC 5280 section 4.1),
 * for lazy CA loading. */
#ifndef ATLWHO_PEM_H
#define ATLWHO_PEM_H

#include <stddef.h>

#include "b64.h"

/* Largest DER certificate kept; larger blocks are skipped. Real roots are
 * 0.8 to 2 KB; 16 KiB leaves room for long extension lists. */
#define PEM_DER_MAX 16384
/* Longest PEM line looked at; longer lines are skipped (RFC 7468 says 64). */
#define PEM_LINE_MAX 128

/* Called with each complete "CERTIFICATE" block (or, with keys set, each
 * "PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY" block: PKCS #8, SEC 1
 * or PKCS #1 DER), base64-decoded. An encrypted PEM key has header lines and
 * is not decoded. Returns 0 to continue, non-zero to stop the scan (pem_feed
 * then returns it). The decoded bytes stay in the scanner: wipe it after a
 * key. */
typedef int (*pem_cert_fn)(void *ctx, const unsigned char *der, size_t len);

/* Optional early look at a block's first decoded bytes: returns
 * PEM_PEEK_MORE (undecided, call again), PEM_PEEK_KEEP (decode it whole and
 * call pem_cert_fn) or PEM_PEEK_SKIP (not wanted: stop decoding it). Lets a
 * CA search read only each certificate's first few hundred bytes. */
#define PEM_PEEK_MORE 0
#define PEM_PEEK_KEEP 1
#define PEM_PEEK_SKIP 2
typedef int (*pem_peek_fn)(void *ctx, const unsigned char *der, size_t len);

struct pem_scanner {
	pem_cert_fn fn;
	int keys;              /* 0: CERTIFICATE blocks; 1: unencrypted private keys (set after pem_init) */
	pem_peek_fn peek;      /* NULL: every block is kept */
	void *ctx;
	int decided;           /* PEM_PEEK_* for the current block */
	int in_cert;           /* between BEGIN and END of a wanted block */
	int label;             /* which label began it (its END must match) */
	int bad;               /* current block is unusable (too big, bad base64) */
	size_t line_len;       /* bytes of the current line kept in line[] */
	int line_overflow;     /* current line longer than PEM_LINE_MAX */
	int skip_line;         /* current line cannot matter: passed over unread */
	struct b64_dec b64;    /* the current block's body */
	size_t der_len;
	char line[PEM_LINE_MAX + 1];   /* + 1: the CR of a CRLF line end */
	unsigned char der[PEM_DER_MAX];
};

void pem_init(struct pem_scanner *s, pem_cert_fn fn, void *ctx);
/* Feeds bytes of a PEM file; returns 0 or the callback's non-zero stop value. */
int pem_feed(struct pem_scanner *s, const void *buf, size_t len);
/* End of file: an unterminated final line is processed. */
int pem_finish(struct pem_scanner *s);

/* Return values of the DER walk (PEM_E_* are -61 to -69: every module's
 * codes have their own range). */
#define PEM_OK      0
#define PEM_MORE    1      /* a prefix: more bytes are needed */
#define PEM_E_DER (-61)    /* not a certificate */

/* Finds the subject Name (full TLV) and issuer Name of a DER certificate.
 * Returns PEM_OK and sets the slices, or PEM_E_DER. */
int der_cert_names(const unsigned char *der, size_t len,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen);
/* The same on the first len bytes of a certificate: the outer Certificate
 * and TBSCertificate may run past len. Returns PEM_OK (found), PEM_MORE
 * or PEM_E_DER. */
int der_cert_names_prefix(const unsigned char *der, size_t len,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen);

#endif
