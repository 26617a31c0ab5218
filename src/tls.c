/* tls.c: TLS 1.2/1.3 client over mbedTLS 3.6 (RFC 8446, RFC 5246): lazy
 * trust store, curl-style pins (sha256//), explained verification failures. */
#include "fmt.h"
#include "tls.h"

#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <mbedtls/platform.h>
#include <mbedtls/psa_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509.h>
#include <psa/crypto.h>

#include "b64.h"
#include "pem.h"
#include "sys.h"

/* Client certificate and key files are read whole; real ones are < 8 KiB. */
#define TLS_FILE_MAX 65536
/* Read size while scanning a CA bundle: constant memory, few syscalls. */
#define TLS_SCAN_CHUNK 4096
#define TLS_PATH_MAX 4096

/* System trust locations, first match wins (same list as Go's crypto/x509). */
static const char *const tls_sys_files[] = {
	"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Gentoo, Alpine, OpenWrt */
	"/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL 6 */
	"/etc/ssl/ca-bundle.pem",                            /* openSUSE */
	"/etc/pki/tls/cacert.pem",                           /* OpenELEC */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* CentOS, RHEL 7+ */
	"/etc/ssl/cert.pem",                                 /* Alpine, BusyBox images, BSDs */
};
static const char *const tls_sys_dirs[] = {
	"/etc/ssl/certs",                                    /* OpenWrt ca-certificates, BusyBox images */
	"/etc/pki/tls/certs",                                /* older RHEL */
};

void tls_spki_pin(const unsigned char *spki, size_t len, char out[TLS_PIN_LEN + 1])
{
	unsigned char h[32];
	size_t n;

	mbedtls_sha256(spki, len, h, 0);
	n = b64_encode(out, TLS_PIN_LEN + 1, h, sizeof h);
	out[n] = 0;
}

int tls_parse_pins(const char *s, char pins[][TLS_PIN_LEN + 1], int max)
{
	int n = 0;

	while (*s) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len != 8 + TLS_PIN_LEN || memcmp(s, "sha256//", 8) != 0 || n == max)
			return TLS_ERR_CONFIG;
		memcpy(pins[n], s + 8, TLS_PIN_LEN);
		pins[n][TLS_PIN_LEN] = 0;
		if (pins[n][TLS_PIN_LEN - 1] != '=')
			return TLS_ERR_CONFIG;
		n++;
		s += len;
		if (*s == ';')
			s++;
	}
	return n > 0 ? n : TLS_ERR_CONFIG;
}

/* --- lazy trust store: parse only certificates whose subject is the issuer --- */

struct ca_search {
	const mbedtls_x509_crt *child;
	mbedtls_x509_crt *found;        /* allocated on first match */
	struct tls_trust *trust;
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

	if (der_cert_names(der, len, &iss, &ilen, &subj, &slen) != 0)
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
static void unreadable(struct tls_trust *t, const char *path)
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

	if (r == 1)
		return PEM_PEEK_MORE;
	if (r != 0)
		return PEM_PEEK_SKIP;
	return slen == cs->child->issuer_raw.len && memcmp(subj, cs->child->issuer_raw.p, slen) == 0 ?
	    PEM_PEEK_KEEP : PEM_PEEK_SKIP;
}

static void scan_file(struct ca_search *cs, const char *path)
{
	struct pem_scanner ps;
	unsigned char buf[TLS_SCAN_CHUNK];
	int fd = sys_open_read(path);
	long n;

	if (fd < 0) {
		unreadable(cs->trust, path);
		return;
	}
	pem_init(&ps, ca_match, cs);
	ps.peek = ca_peek;
	while ((n = sys_read(fd, buf, sizeof buf)) > 0)
		if (pem_feed(&ps, buf, (size_t)n))
			break;
	if (n == 0)
		pem_finish(&ps);
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
	char path[TLS_PATH_MAX];
	int n = fmt_snprintf(path, sizeof path, "%s/%s", dw->dir, name);

	if (n > 0 && (size_t)n < sizeof path && sys_is_file(path))
		scan_file(dw->cs, path);
}

static int ca_callback(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **out)
{
	struct tls_trust *t = ctx;
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

/* mbedTLS's clock for certificate validity (MBEDTLS_PLATFORM_GMTIME_R_ALT):
 * libc's gmtime_r would link musl's time-zone code (4.5 KB) for nothing. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
	return fmt_gmtime((int64_t)*tt, tm_buf);
}

/* --- verification: record what we need to explain a failure --- */

static void fmt_time(char *dst, size_t cap, const mbedtls_x509_time *t)
{
	fmt_snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC",
	    t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

static void san_names(const mbedtls_x509_crt *crt, char *dst, size_t cap)
{
	const mbedtls_x509_sequence *cur;
	size_t o = 0;

	dst[0] = 0;
	for (cur = &crt->subject_alt_names; cur && cur->buf.p; cur = cur->next) {
		mbedtls_x509_subject_alternative_name san;
		char one[128];
		int n = 0;
		if (mbedtls_x509_parse_subject_alt_name(&cur->buf, &san) != 0)
			continue;
		if (san.type == MBEDTLS_X509_SAN_DNS_NAME) {
			n = fmt_snprintf(one, sizeof one, "DNS:%.*s", (int)san.san.unstructured_name.len,
			    (const char *)san.san.unstructured_name.p);
		} else if (san.type == MBEDTLS_X509_SAN_IP_ADDRESS) {
			const unsigned char *a = san.san.unstructured_name.p;
			if (san.san.unstructured_name.len == 4)
				n = fmt_snprintf(one, sizeof one, "IP:%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
			else if (san.san.unstructured_name.len == 16) {
				int k;
				n = fmt_snprintf(one, sizeof one, "IP:");
				for (k = 0; k < 16; k += 2)
					n += fmt_snprintf(one + n, sizeof one - (size_t)n, "%s%x", k ? ":" : "",
					    (unsigned)(a[k] << 8 | a[k + 1]));
			}
		}
		mbedtls_x509_free_subject_alt_name(&san);
		if (n <= 0 || (size_t)n >= sizeof one)
			continue;
		/* Server-chosen names: keep only printable ASCII in messages. */
		for (int k = 0; k < n; k++)
			if ((unsigned char)one[k] < 0x20 || (unsigned char)one[k] > 0x7e)
				one[k] = '?';
		if (o + (size_t)n + 3 >= cap)
			break;
		o += (size_t)fmt_snprintf(dst + o, cap - o, "%s%s", o ? ", " : "", one);
	}
	if (o == 0) {
		char cn[TLS_NAMES_MAX];
		if (mbedtls_x509_dn_gets(cn, sizeof cn, &crt->subject) > 0)
			fmt_snprintf(dst, cap, "no subjectAltName; subject %.200s", cn);
	}
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = '?';
}

static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_conn *c = ctx;
	struct tls_info *in = &c->info;

	if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		if (mbedtls_x509_dn_gets(in->top_issuer, sizeof in->top_issuer, &crt->issuer) < 0)
			in->top_issuer[0] = 0;
		sanitize(in->top_issuer);
	}
	if (depth == 0) {
		int i;
		if (mbedtls_x509_dn_gets(in->subject, sizeof in->subject, &crt->subject) < 0)
			in->subject[0] = 0;
		if (mbedtls_x509_dn_gets(in->issuer, sizeof in->issuer, &crt->issuer) < 0)
			in->issuer[0] = 0;
		sanitize(in->subject);
		sanitize(in->issuer);
		san_names(crt, in->names, sizeof in->names);
		fmt_time(in->not_before, sizeof in->not_before, &crt->valid_from);
		fmt_time(in->not_after, sizeof in->not_after, &crt->valid_to);
		tls_spki_pin(crt->pk_raw.p, crt->pk_raw.len, in->pin);
		if (c->npins) {
			in->pin_checked = 1;
			for (i = 0; i < c->npins; i++)
				if (strcmp(c->pins[i], in->pin) == 0)
					in->pin_ok = 1;
		}
	}
	/* Pin-only trust (and -k with a pin): the pinned key is the whole
	 * authentication, as an SSH host key is; chain, names and dates are
	 * not judged. Without a pin, -k uses authmode none instead. */
	if (c->trust.pin_only || c->insecure)
		*flags = 0;
	if (depth == 0 && in->pin_checked && !in->pin_ok)
		*flags |= MBEDTLS_X509_BADCERT_OTHER;
	in->flags |= *flags;
	return 0;
}

/* --- BIO over sys.c, with the overall deadline --- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	int r = sys_send_all(c->fd, buf, len, c->deadline);

	if (r < 0) {
		c->net_err = r;
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	long r = sys_recv(c->fd, buf, len, c->deadline);

	if (r < 0) {
		c->net_err = (int)r;
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	return (int)r;
}

/* AES-GCM first where the CPU has AES instructions, else ChaCha20 first. */
static int cpu_has_aes(void)
{
#if defined(__x86_64__) || defined(__i386__)
	/* CPUID leaf 1, ECX bit 25 AES-NI and bit 1 PCLMULQDQ (what mbedTLS's
	 * aesni.c uses); <cpuid.h> is inline, unlike __builtin_cpu_supports,
	 * which links libgcc's 5 KB CPU model table. */
	unsigned a, b, c, d;
	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 25)) && (c & (1u << 1));
#elif defined(__aarch64__) && defined(MBEDTLS_AESCE_C)
	return 1; /* mbedTLS checks HWCAP_AES itself and falls back */
#else
	return 0;
#endif
}

static void set_ciphers(struct tls_conn *c)
{
	static const int aes13[] = { MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384 };
	static const int aes12[] = {
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	static const int cha13 = MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256;
	static const int cha12[] = {
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	};
	int n = 0, aes = cpu_has_aes();
	size_t i;

	if (!aes)
		c->ciphers[n++] = cha13;
	for (i = 0; i < 2; i++)
		c->ciphers[n++] = aes13[i];
	if (aes)
		c->ciphers[n++] = cha13;
	if (!aes)
		for (i = 0; i < 2; i++)
			c->ciphers[n++] = cha12[i];
	for (i = 0; i < 4; i++)
		c->ciphers[n++] = aes12[i];
	if (aes)
		for (i = 0; i < 2; i++)
			c->ciphers[n++] = cha12[i];
	c->ciphers[n] = 0;
}

/* P-256 first: mbedTLS's NIST-optimised P-256 with fixed-point tables costs
 * fewer instructions than its portable x25519 (measured: -6 % for a TLS 1.3
 * ECDSA check, -22 % for TLS 1.2 RSA, where the TLS 1.3 key share is made
 * and then a second one for TLS 1.2; README, Performance). */
static const uint16_t tls_groups[] = {
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};

static int load_file(const char *path, unsigned char *buf, size_t cap, size_t *len,
    const char *what, char *err, size_t errcap)
{
	int r = sys_read_file(path, buf, cap - 1, len);

	if (r == SYS_ERR_TOOBIG) {
		fmt_snprintf(err, errcap, "%s %s is too large", what, path);
		return TLS_ERR_CONFIG;
	}
	if (r < 0) {
		fmt_snprintf(err, errcap, "cannot read %s %s: %s", what, path, sys_errstr());
		return TLS_ERR_CONFIG;
	}
	buf[*len] = 0; /* mbedTLS's PEM parser wants the NUL counted */
	(*len)++;
	return 0;
}

static int find_trust(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap)
{
	struct tls_trust *t = &c->trust;
	size_t i;

	if (o->cacert) {
		if (!sys_is_file(o->cacert)) {
			fmt_snprintf(err, errcap, "--cacert %s: not a readable file", o->cacert);
			return TLS_ERR_CONFIG;
		}
		t->file[t->nfile++] = o->cacert;
	}
	if (o->capath) {
		if (!sys_is_dir(o->capath)) {
			fmt_snprintf(err, errcap, "--capath %s: not a directory", o->capath);
			return TLS_ERR_CONFIG;
		}
		t->dir[t->ndir++] = o->capath;
	}
	if (t->nfile || t->ndir)
		return 0;
	if (c->npins) {
		t->pin_only = 1; /* an explicit trust decision: no CA bundle is looked for */
		return 0;
	}
	if (o->insecure)
		return 0;
	if (o->env_file && *o->env_file && sys_is_file(o->env_file))
		t->file[t->nfile++] = o->env_file;
	if (o->env_dir && *o->env_dir && sys_is_dir(o->env_dir))
		t->dir[t->ndir++] = o->env_dir;
	if (t->nfile || t->ndir)
		return 0;
	for (i = 0; i < sizeof tls_sys_files / sizeof tls_sys_files[0]; i++)
		if (sys_is_file(tls_sys_files[i])) {
			t->file[t->nfile++] = tls_sys_files[i];
			return 0;
		}
	for (i = 0; i < sizeof tls_sys_dirs / sizeof tls_sys_dirs[0]; i++)
		if (sys_is_dir(tls_sys_dirs[i])) {
			t->dir[t->ndir++] = tls_sys_dirs[i];
			return 0;
		}
	fmt_snprintf(err, errcap, "no CA certificates found on this system: give --cacert FILE, "
	    "or --pin sha256//... to trust the server's public key");
	return TLS_ERR_CONFIG;
}

int tls_prepare(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap)
{
	unsigned char buf[TLS_FILE_MAX];
	size_t len;
	int r;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	mbedtls_ssl_init(&c->ssl);
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->own_cert);
	mbedtls_pk_init(&c->own_key);
	c->ready = 1;
	c->insecure = o->insecure;
	if (o->pins) {
		c->npins = tls_parse_pins(o->pins, c->pins, TLS_MAX_PINS);
		if (c->npins < 0) {
			c->npins = 0;
			fmt_snprintf(err, errcap, "--pin: expected sha256//BASE64 (44 characters), "
			    "several separated by ';'");
			return TLS_ERR_CONFIG;
		}
	}
	if ((r = find_trust(c, o, err, errcap)) != 0)
		return r;
	if (psa_crypto_init() != PSA_SUCCESS) {
		fmt_snprintf(err, errcap, "cannot initialise the crypto library (no kernel randomness?)");
		return TLS_ERR_CONFIG;
	}
	if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		fmt_snprintf(err, errcap, "cannot set up TLS");
		return TLS_ERR_CONFIG;
	}
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	mbedtls_ssl_conf_min_tls_version(&c->conf, o->tls13_only ?
	    MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
	set_ciphers(c);
	mbedtls_ssl_conf_ciphersuites(&c->conf, c->ciphers);
	mbedtls_ssl_conf_groups(&c->conf, tls_groups);
	if (o->insecure && !c->npins) {
		mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
	} else {
		mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
		mbedtls_ssl_conf_ca_cb(&c->conf, ca_callback, &c->trust);
		mbedtls_ssl_conf_verify(&c->conf, verify_cb, c);
	}
	if (o->cert || o->key) {
		if (!o->cert || !o->key) {
			fmt_snprintf(err, errcap, "--cert and --key go together");
			return TLS_ERR_CONFIG;
		}
		if ((r = load_file(o->cert, buf, sizeof buf, &len, "--cert", err, errcap)) != 0)
			return r;
		r = mbedtls_x509_crt_parse(&c->own_cert, buf, len);
		if (r != 0) {
			fmt_snprintf(err, errcap, "--cert %s: not a PEM or DER certificate (-0x%04x)", o->cert, (unsigned)-r);
			return TLS_ERR_CONFIG;
		}
		if ((r = load_file(o->key, buf, sizeof buf, &len, "--key", err, errcap)) != 0)
			return r;
		r = mbedtls_pk_parse_key(&c->own_key, buf, len, NULL, 0, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
		sys_wipe(buf, len);
		if (r != 0) {
			fmt_snprintf(err, errcap, "--key %s: not an unencrypted PEM or DER private key (-0x%04x)", o->key, (unsigned)-r);
			return TLS_ERR_CONFIG;
		}
		if (mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert, &c->own_key) != 0) {
			fmt_snprintf(err, errcap, "--cert/--key: cannot use this certificate and key");
			return TLS_ERR_CONFIG;
		}
	}
	return 0;
}

static void now_text(char *dst, size_t cap)
{
	struct tm tm;

	fmt_gmtime(sys_wall_time(), &tm);
	fmt_snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void explain_verify(struct tls_conn *c, const char *host, char *err, size_t errcap)
{
	const struct tls_info *in = &c->info;
	uint32_t f = in->flags | mbedtls_ssl_get_verify_result(&c->ssl);
	char now[40];

	now_text(now, sizeof now);
	if (in->pin_checked && !in->pin_ok) {
		fmt_snprintf(err, errcap, "public key pin mismatch: the server's key is sha256//%s", in->pin);
	} else if (f & MBEDTLS_X509_BADCERT_EXPIRED) {
		fmt_snprintf(err, errcap, "certificate expired on %s; this system's time is %s "
		    "(a device without a real-time clock boots in 1970: set the clock, or trust the key with --pin)",
		    in->not_after, now);
	} else if (f & MBEDTLS_X509_BADCERT_FUTURE) {
		fmt_snprintf(err, errcap, "certificate not valid before %s; this system's time is %s "
		    "(a device without a real-time clock boots in 1970: set the clock, or trust the key with --pin)",
		    in->not_before, now);
	} else if ((f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) && c->trust.unreadable) {
		fmt_snprintf(err, errcap, "cannot verify the server: the trust store %.300s could not be read (%s)",
		    c->trust.unreadable, c->trust.unreadable_why);
	} else if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		const char *src = c->trust.nfile ? c->trust.file[0] : c->trust.ndir ? c->trust.dir[0] : "none";
		fmt_snprintf(err, errcap, "certificate issuer unknown: '%s' is not in the trust store (%s); "
		    "use --cacert FILE or --pin", in->top_issuer[0] ? in->top_issuer : in->issuer, src);
	} else if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
		fmt_snprintf(err, errcap, "certificate is not valid for '%s': it names %s", host,
		    in->names[0] ? in->names : "nothing");
	} else if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY)) {
		fmt_snprintf(err, errcap, "certificate uses a weak or unsupported algorithm or key "
		    "(SHA-1 signatures and RSA keys under 2048 bits are refused)");
	} else if (f & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE)) {
		fmt_snprintf(err, errcap, "certificate's key usage does not allow TLS server authentication");
	} else {
		fmt_snprintf(err, errcap, "certificate verification failed (flags 0x%lx)", (unsigned long)f);
	}
}

int tls_alert_text(const struct tls_conn *c, char *err, size_t errcap)
{
	unsigned alert;

	if (c->last_err != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE || !c->ssl.MBEDTLS_PRIVATE(in_msg))
		return 0;
	alert = c->ssl.MBEDTLS_PRIVATE(in_msg)[1];
	if (alert == MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED ||
	    (alert == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE && !c->own_cert.raw.p) ||
	    (alert == MBEDTLS_SSL_ALERT_MSG_BAD_CERT && !c->own_cert.raw.p))
		fmt_snprintf(err, errcap, "the server refused the TLS connection (alert %u): "
		    "it may require a client certificate (--cert/--key)", alert);
	else if (alert == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION)
		fmt_snprintf(err, errcap, "the server refused the TLS handshake: no common TLS version "
		    "(atlwho speaks TLS 1.2 and 1.3)");
	else
		fmt_snprintf(err, errcap, "the server ended the TLS connection with alert %u", alert);
	return 1;
}

int tls_handshake(struct tls_conn *c, int fd, const char *host, int64_t deadline,
    char *err, size_t errcap)
{
	int r;

	c->fd = fd;
	c->deadline = deadline;
	if (mbedtls_ssl_setup(&c->ssl, &c->conf) != 0 ||
	    mbedtls_ssl_set_hostname(&c->ssl, host) != 0) {
		fmt_snprintf(err, errcap, "cannot set up TLS for %s", host);
		return TLS_ERR_CONFIG;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	do
		r = mbedtls_ssl_handshake(&c->ssl);
	while (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (r == 0)
		return 0;
	if (sys_random_failed()) {
		fmt_snprintf(err, errcap, "the kernel's random number generator was not ready before the deadline "
		    "(early boot: wait for it, or give a longer --max-time)");
		return TLS_ERR_HANDSHAKE;
	}
	if (c->net_err == SYS_ERR_TIMEOUT) {
		fmt_snprintf(err, errcap, "timed out during the TLS handshake with %s", host);
		return TLS_ERR_NET;
	}
	if (c->net_err) {
		fmt_snprintf(err, errcap, "connection failed during the TLS handshake with %s: %s", host, sys_errstr());
		return TLS_ERR_NET;
	}
	switch (r) {
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		explain_verify(c, host, err, errcap);
		break;
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		c->last_err = r;
		tls_alert_text(c, err, errcap);
		break;
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		fmt_snprintf(err, errcap, "no common TLS version or cipher suite with %s "
		    "(atlwho speaks TLS 1.2 and 1.3 with AES-GCM or ChaCha20-Poly1305)", host);
		break;
	case MBEDTLS_ERR_SSL_CONN_EOF:
		fmt_snprintf(err, errcap, "%s closed the connection during the TLS handshake", host);
		break;
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
	case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
		fmt_snprintf(err, errcap, "%s did not answer with valid TLS (is it plain http?)", host);
		break;
	default:
		fmt_snprintf(err, errcap, "TLS handshake with %s failed: malformed or unsupported TLS from the server "
		    "(mbedTLS error -0x%04x)", host, (unsigned)-r);
		break;
	}
	return TLS_ERR_HANDSHAKE;
}

long tls_read(struct tls_conn *c, void *buf, size_t n)
{
	int r;

	for (;;) {
		r = mbedtls_ssl_read(&c->ssl, buf, n);
		if (r > 0)
			return r;
		if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF)
			return 0;
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE ||
		    r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
			continue;
		c->last_err = r;
		if (c->net_err)
			return TLS_ERR_NET;
		return TLS_ERR_PROTO;
	}
}

int tls_write_all(struct tls_conn *c, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n > 0) {
		int r = mbedtls_ssl_write(&c->ssl, p, n);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		c->last_err = r;
		return c->net_err ? TLS_ERR_NET : TLS_ERR_PROTO;
	}
	return 0;
}

const char *tls_version(const struct tls_conn *c)
{
	return mbedtls_ssl_get_version(&c->ssl);
}

const char *tls_cipher(const struct tls_conn *c)
{
	return mbedtls_ssl_get_ciphersuite(&c->ssl);
}

void tls_free(struct tls_conn *c)
{
	if (!c->ready)
		return;
	mbedtls_ssl_free(&c->ssl);
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->own_cert);
	mbedtls_pk_free(&c->own_key);
	c->ready = 0;
}
