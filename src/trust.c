/* trust.c: the trust store, searched lazily: a CA bundle or directory is
 * scanned by issuer, and only matching certificates are parsed. */
#include "fmt.h"
#include "trust.h"

#include <string.h>

#include <mbedtls/platform.h>

#include "sys.h"

/* Read size while scanning a CA bundle: constant memory, few syscalls. */
#define TRUST_SCAN_CHUNK 4096
#define TRUST_PATH_MAX 4096

/* System trust locations, first match wins (same list as Go's crypto/x509). */
static const char *const trust_sys_files[] = {
	"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Gentoo, Alpine, OpenWrt */
	"/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL 6 */
	"/etc/ssl/ca-bundle.pem",                            /* openSUSE */
	"/etc/pki/tls/cacert.pem",                           /* OpenELEC */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* CentOS, RHEL 7+ */
	"/etc/ssl/cert.pem",                                 /* Alpine, BusyBox images, BSDs */
};
static const char *const trust_sys_dirs[] = {
	"/etc/ssl/certs",                                    /* OpenWrt ca-certificates, BusyBox images */
	"/etc/pki/tls/certs",                                /* older RHEL */
};

struct ca_search {
	const mbedtls_x509_crt *child;
	mbedtls_x509_crt *found;        /* allocated on first match */
	struct trust *trust;
	int failed;
};

static int already_have(const mbedtls_x509_crt *chain, const unsigned char *der, size_t len)
{
	for (; chain && chain->raw.p; chain = chain->next)
		if (chain->raw.len == len && memcmp(chain->raw.p, der, len) == 0)
			return 1;
	return 0;
}

static int ca_match(void *ctx, const unsigned char *der, size_t len)
{
	struct ca_search *cs = ctx;
	const unsigned char *iss, *subj;
	size_t ilen, slen;

	if (der_cert_names(der, len, &iss, &ilen, &subj, &slen) != PEM_OK)
		return 0;
	if (slen != cs->child->issuer_raw.len ||
	    memcmp(subj, cs->child->issuer_raw.p, slen) != 0)
		return 0;
	if (!cs->found) {
		cs->found = mbedtls_calloc(1, sizeof *cs->found);
		if (!cs->found) {
			cs->failed = 1;
			return 1;
		}
		mbedtls_x509_crt_init(cs->found);
	}
	if (already_have(cs->found, der, len))
		return 0;
	if (mbedtls_x509_crt_parse_der(cs->found, der, len) == 0)
		cs->trust->loaded++;
	return 0;
}

/* Remembers the first trust source that could not be read, so that a
 * failed verification blames it, not the server's certificate. */
static void unreadable(struct trust *t, const char *path)
{
	if (t->unreadable)
		return;
	t->unreadable = path;
	fmt_snprintf(t->unreadable_why, sizeof t->unreadable_why, "%s", sys_errstr());
}

/* Decides from a certificate's first bytes whether it can be the issuer:
 * most of a bundle is then skipped without base64-decoding it. */
static int ca_peek(void *ctx, const unsigned char *der, size_t len)
{
	struct ca_search *cs = ctx;
	const unsigned char *iss, *subj;
	size_t ilen, slen;
	int r = der_cert_names_prefix(der, len, &iss, &ilen, &subj, &slen);

	if (r == PEM_MORE)
		return PEM_PEEK_MORE;
	if (r != PEM_OK)
		return PEM_PEEK_SKIP;
	return slen == cs->child->issuer_raw.len && memcmp(subj, cs->child->issuer_raw.p, slen) == 0 ?
	    PEM_PEEK_KEEP : PEM_PEEK_SKIP;
}

static void scan_file(struct ca_search *cs, const char *path)
{
	struct pem_scanner *ps = cs->trust->pem;
	unsigned char buf[TRUST_SCAN_CHUNK];
	int fd = sys_open_read(path);
	long n;

	if (fd < 0) {
		unreadable(cs->trust, path);
		return;
	}
	pem_init(ps, ca_match, cs);
	ps->peek = ca_peek;
	while ((n = sys_read(fd, buf, sizeof buf)) > 0)
		if (pem_feed(ps, buf, (size_t)n))
			break;
	if (n == 0)
		pem_finish(ps);
	else if (n < 0)
		unreadable(cs->trust, path);
	sys_close(fd);
}

struct dir_walk {
	struct ca_search *cs;
	const char *dir;
};

static void scan_dirent(void *ctx, const char *name)
{
	struct dir_walk *dw = ctx;
	char path[TRUST_PATH_MAX];
	int n = fmt_snprintf(path, sizeof path, "%s/%s", dw->dir, name);

	if (n > 0 && (size_t)n < sizeof path && sys_is_file(path))
		scan_file(dw->cs, path);
}

int trust_ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **out)
{
	struct trust *t = ctx;
	struct ca_search cs;
	int i;

	memset(&cs, 0, sizeof cs);
	cs.child = child;
	cs.trust = t;
	*out = NULL;
	if (t->pin_only)
		return 0;
	for (i = 0; i < t->nfile && !cs.failed; i++)
		scan_file(&cs, t->file[i]);
	for (i = 0; i < t->ndir && !cs.failed; i++) {
		struct dir_walk dw = { &cs, t->dir[i] };
		if (sys_each_dirent(t->dir[i], scan_dirent, &dw) != 0)
			unreadable(t, t->dir[i]);
	}
	if (cs.failed) {
		if (cs.found) {
			mbedtls_x509_crt_free(cs.found);
			mbedtls_free(cs.found);
		}
		return MBEDTLS_ERR_X509_ALLOC_FAILED;
	}
	*out = cs.found;
	return 0;
}

int trust_find(struct trust *t, const struct trust_where *o, int pinned, int insecure,
    struct pem_scanner *pem, char *err, size_t errcap)
{
	size_t i;

	t->pem = pem;
	if (o->cacert) {
		if (!sys_is_file(o->cacert)) {
			fmt_snprintf(err, errcap, "--cacert %s: not a readable file", o->cacert);
			return TRUST_E_SOURCE;
		}
		t->file[t->nfile++] = o->cacert;
	}
	if (o->capath) {
		if (!sys_is_dir(o->capath)) {
			fmt_snprintf(err, errcap, "--capath %s: not a directory", o->capath);
			return TRUST_E_SOURCE;
		}
		t->dir[t->ndir++] = o->capath;
	}
	if (t->nfile || t->ndir)
		return TRUST_OK;
	if (pinned) {
		t->pin_only = 1; /* an explicit trust decision: no CA bundle is looked for */
		return TRUST_OK;
	}
	if (insecure)
		return TRUST_OK;
	if (o->env_file && *o->env_file && sys_is_file(o->env_file))
		t->file[t->nfile++] = o->env_file;
	if (o->env_dir && *o->env_dir && sys_is_dir(o->env_dir))
		t->dir[t->ndir++] = o->env_dir;
	if (t->nfile || t->ndir)
		return TRUST_OK;
	for (i = 0; i < sizeof trust_sys_files / sizeof trust_sys_files[0]; i++)
		if (sys_is_file(trust_sys_files[i])) {
			t->file[t->nfile++] = trust_sys_files[i];
			return TRUST_OK;
		}
	for (i = 0; i < sizeof trust_sys_dirs / sizeof trust_sys_dirs[0]; i++)
		if (sys_is_dir(trust_sys_dirs[i])) {
			t->dir[t->ndir++] = trust_sys_dirs[i];
			return TRUST_OK;
		}
	fmt_snprintf(err, errcap, "no CA certificates found on this system: give --cacert FILE, "
	    "or --pin sha256//... to trust the server's public key");
	return TRUST_E_SOURCE;
}

void trust_begin(struct trust *t)
{
	t->loaded = 0;
	t->unreadable = NULL;
	t->unreadable_why[0] = 0;
}

const char *trust_first(const struct trust *t)
{
	return t->nfile ? t->file[0] : t->ndir ? t->dir[0] : NULL;
}
