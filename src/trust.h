/* trust.h: where the CA certificates come from (--cacert, --capath,
 * SSL_CERT_FILE/DIR, the system's bundle) and the lazy search in them:
 * only the certificates whose subject is the issuer asked for are parsed
 * (mbedTLS's CA callback, MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK). */
#ifndef ATLWHO_TRUST_H
#define ATLWHO_TRUST_H

#include <mbedtls/x509_crt.h>

#include "pem.h"

#define TRUST_SOURCES_MAX 4
#define TRUST_WHY_MAX 64   /* an errno text */

/* Return values (-211 to -219: every module's codes have their own range). */
#define TRUST_OK 0
#define TRUST_E_SOURCE (-211) /* a given source is unusable, or none was found: err says which */
/* Where the trust may come from, first match wins (trust_find). */
struct trust_where {
	const char *cacert, *capath;      /* from the command line */
	const char *env_file, *env_dir;   /* SSL_CERT_FILE, SSL_CERT_DIR */
};

struct trust {
	const char *file[TRUST_SOURCES_MAX];
	const char *dir[TRUST_SOURCES_MAX];
	int nfile, ndir;
	int pin_only;                   /* --pin without --cacert/--capath */
	struct pem_scanner *pem;        /* the search's scanner: the caller's, one search at a time */
	/* What the search found since trust_begin (the handshake under way). */
	unsigned loaded;                /* certificates parsed (for -v / benchmarks) */
	const char *unreadable;         /* first trust file or directory that could not be read */
	char unreadable_why[TRUST_WHY_MAX]; /* its errno text */
};

/* Picks the sources (nothing is read yet): TRUST_OK, or TRUST_E_SOURCE
 * with one line in err. pinned: a --pin was given (with no --cacert/--capath
 * it is the whole trust); insecure: -k (no CA bundle is looked for). */
int trust_find(struct trust *t, const struct trust_where *w, int pinned, int insecure,
    struct pem_scanner *pem, char *err, size_t errcap);
/* Forgets what the last search found (a new handshake). */
void trust_begin(struct trust *t);
/* The first source, for messages, or NULL. */
const char *trust_first(const struct trust *t);
/* mbedTLS's CA callback (mbedtls_ssl_conf_ca_cb), ctx a struct trust:
 * the certificates whose subject is child's issuer, or MBEDTLS_ERR_X509_ALLOC_FAILED. */
int trust_ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **out);

#endif
