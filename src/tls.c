/* tls.c: TLS 1.2/1.3 client over mbedTLS 3.6 (RFC 8446, RFC 5246): lazy
 * trust store, curl-style pins (sha256//), explained verification failures. */
#include "fmt.h"
#include "tls.h"

#include <stdlib.h>
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
#include "str.h"
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
			return TLS_E_CONFIG;
		if (b64_decoded_len(s + 8, TLS_PIN_LEN) != 32)
			return TLS_E_CONFIG;
		memcpy(pins[n], s + 8, TLS_PIN_LEN);
		pins[n][TLS_PIN_LEN] = 0;
		n++;
		s += len;
		if (*s == ';')
			s++;
	}
	return n > 0 ? n : TLS_E_CONFIG;
}

/* --- alerts by name (RFC 8446 section 6, RFC 5246 section 7.2) --- */

/* Codes and names in step, the names packed in one string (a table of
 * pointers would cost 8 bytes a name in a 256 KiB binary). */
static const unsigned char tls_alert_codes[] = {
	0, 10, 20, 21, 22, 30, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 60, 70, 71,
	80, 86, 90, 100, 109, 110, 111, 112, 113, 114, 115, 116, 120,
};
static const char tls_alert_names[] =
	"close_notify\0unexpected_message\0bad_record_mac\0decryption_failed\0record_overflow\0"
	"decompression_failure\0handshake_failure\0no_certificate\0bad_certificate\0"
	"unsupported_certificate\0certificate_revoked\0certificate_expired\0certificate_unknown\0"
	"illegal_parameter\0unknown_ca\0access_denied\0decode_error\0decrypt_error\0"
	"export_restriction\0protocol_version\0insufficient_security\0internal_error\0"
	"inappropriate_fallback\0user_canceled\0no_renegotiation\0missing_extension\0"
	"unsupported_extension\0certificate_unobtainable\0unrecognized_name\0"
	"bad_certificate_status_response\0bad_certificate_hash_value\0unknown_psk_identity\0"
	"certificate_required\0no_application_protocol\0";

const char *tls_alert_name(unsigned alert)
{
	const char *n = tls_alert_names;
	size_t i;

	for (i = 0; i < sizeof tls_alert_codes; i++, n += strlen(n) + 1)
		if (tls_alert_codes[i] == alert)
			return n;
	return "unknown";
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

	if (r == PEM_MORE)
		return PEM_PEEK_MORE;
	if (r != PEM_OK)
		return PEM_PEEK_SKIP;
	return slen == cs->child->issuer_raw.len && memcmp(subj, cs->child->issuer_raw.p, slen) == 0 ?
	    PEM_PEEK_KEEP : PEM_PEEK_SKIP;
}

/* One scanner for CA files and --cert/--key: 16 KiB, off the stack, one
 * scan at a time. */
static struct pem_scanner tls_pem;

static void scan_file(struct ca_search *cs, const char *path)
{
	struct pem_scanner *ps = &tls_pem;
	unsigned char buf[TLS_SCAN_CHUNK];
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

static void sanitize(char *s)
{
	str_clean(s, strlen(s) + 1, s, strlen(s));
}

/* A distinguished name as text, cleaned of control bytes: "" for an empty
 * name (a certificate may name its subject in subjectAltName only, RFC 5280
 * section 4.1.2.6) or one that does not fit. mbedtls_x509_dn_gets() left the
 * buffer untouched for an empty name before 3.6.8 (CVE-2026-115489, carried
 * patch 0004): a result <= 0 is "no name" here whatever the library does. */
static void dn_text(char *dst, size_t cap, const mbedtls_x509_name *dn)
{
	if (mbedtls_x509_dn_gets(dst, cap, dn) <= 0)
		dst[0] = 0;
	sanitize(dst);
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
		str_clean(one, sizeof one, one, (size_t)n); /* server-chosen names */
		if (o + (size_t)n + 3 >= cap)
			break;
		o += (size_t)fmt_snprintf(dst + o, cap - o, "%s%s", o ? ", " : "", one);
	}
	if (o == 0) {
		char cn[TLS_NAMES_MAX];
		dn_text(cn, sizeof cn, &crt->subject);
		if (cn[0])
			fmt_snprintf(dst, cap, "no subjectAltName; subject %.200s", cn);
	}
}

/* An IP literal is checked against the iPAddress subjectAltNames only
 * (RFC 6125 section 6.2.1; curl does the same): mbedTLS is given no host
 * name for it, so that no SNI goes out (RFC 6066 section 3). */
static int san_has_ip(const mbedtls_x509_crt *crt, const unsigned char *ip, size_t len)
{
	const mbedtls_x509_sequence *cur;

	for (cur = &crt->subject_alt_names; cur && cur->buf.p; cur = cur->next)
		if ((cur->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == MBEDTLS_X509_SAN_IP_ADDRESS &&
		    cur->buf.len == len && memcmp(cur->buf.p, ip, len) == 0)
			return 1;
	return 0;
}

static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_conn *c = ctx;
	struct tls_info *in = &c->info;

	if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		dn_text(in->top_issuer, sizeof in->top_issuer, &crt->issuer);
	if (depth == 0) {
		int i;
		dn_text(in->subject, sizeof in->subject, &crt->subject);
		dn_text(in->issuer, sizeof in->issuer, &crt->issuer);
		san_names(crt, in->names, sizeof in->names);
		fmt_time(in->not_before, sizeof in->not_before, &crt->valid_from);
		fmt_time(in->not_after, sizeof in->not_after, &crt->valid_to);
		tls_spki_pin(crt->pk_raw.p, crt->pk_raw.len, in->pin);
		if (c->peer && c->peer->iplen && !san_has_ip(crt, c->peer->ip, c->peer->iplen))
			*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
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

/* The first transport failure wins: a later read that salvages an alert
 * must not replace it. */
static void net_failed(struct tls_conn *c, int r)
{
	if (c->net_err)
		return;
	c->net_err = r;
	fmt_snprintf(c->net_why, sizeof c->net_why, "%s", r == SYS_E_IO ? sys_errstr() : "timed out");
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	int r = sys_send_all(c->fd, buf, len, c->deadline);

	if (r < 0) {
		net_failed(c, r);
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	long r;

	/* A TLS 1.2 server's HelloRequest makes mbedtls_ssl_read run the
	 * whole renegotiation at once (mbedtls_ssl_start_renegotiation); its
	 * first read (for the ServerHello) is paused here, the non-blocking
	 * way, and tls_read steps the rest, noting what the server asks. */
	if (c->hs_done && !c->stepping && !mbedtls_ssl_is_handshake_over(&c->ssl)) {
		c->cr_seen = 0; /* what the server asks now: the handshake's request was answered */
		return MBEDTLS_ERR_SSL_WANT_READ;
	}
	r = sys_recv(c->fd, buf, len, c->deadline);
	if (r == 0)
		c->eof = 1;
	if (r < 0) {
		net_failed(c, (int)r);
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
 * and then a second one for TLS 1.2; tests/bench/README.md). */
static const uint16_t tls_groups[] = {
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};

/* Certificates must name their curve (RFC 5480 section 2.1.1): mbedTLS is
 * built without MBEDTLS_PK_PARSE_EC_EXTENDED. */
static const char explicit_curve[] = "its EC key gives the curve's parameters instead of naming it "
	"(RFC 5480 allows named curves only; atlwho reads P-256 and P-384)";

/* --cert and --key: PEM, decoded by pem.c (mbedTLS's PEM and base64 code
 * would cost 2 KB for these two files), or DER. */
struct own_load {
	struct tls_conn *c;
	int n, err;
};

static int own_block(void *ctx, const unsigned char *der, size_t len)
{
	struct own_load *L = ctx;
	struct tls_conn *c = L->c;

	L->n++;
	if (tls_pem.keys) {
		L->err = mbedtls_pk_parse_key(&c->own_key, der, len, NULL, 0, mbedtls_psa_get_random,
		    MBEDTLS_PSA_RANDOM_STATE);
		return 1; /* the first key is the key */
	}
	L->err = mbedtls_x509_crt_parse_der(&c->own_cert, der, len);
	return L->err != 0;
}

/* A PEM file's blocks (the certificates, or the key), or the whole file as
 * one DER object when it holds none (an encrypted PEM key holds none: its
 * header lines stop the decoding). */
static int load_own(struct tls_conn *c, const unsigned char *buf, size_t len, int keys)
{
	struct own_load L = { c, 0, 0 };

	pem_init(&tls_pem, own_block, &L);
	tls_pem.keys = keys;
	if (pem_feed(&tls_pem, buf, len) == 0)
		pem_finish(&tls_pem);
	if (L.n == 0)
		(void)own_block(&L, buf, len);
	str_wipe(&tls_pem, sizeof tls_pem); /* a key's bytes */
	return L.err;
}

static int load_file(const char *path, unsigned char *buf, size_t cap, size_t *len,
    const char *what, char *err, size_t errcap)
{
	int r = sys_read_file(path, buf, cap, len);

	if (r == SYS_E_TOOBIG) {
		fmt_snprintf(err, errcap, "%s %s is too large", what, path);
		return TLS_E_CONFIG;
	}
	if (r < 0) {
		fmt_snprintf(err, errcap, "cannot read %s %s: %s", what, path, sys_errstr());
		return TLS_E_CONFIG;
	}
	return 0;
}

static int find_trust(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap)
{
	struct tls_trust *t = &c->trust;
	size_t i;

	if (o->cacert) {
		if (!sys_is_file(o->cacert)) {
			fmt_snprintf(err, errcap, "--cacert %s: not a readable file", o->cacert);
			return TLS_E_CONFIG;
		}
		t->file[t->nfile++] = o->cacert;
	}
	if (o->capath) {
		if (!sys_is_dir(o->capath)) {
			fmt_snprintf(err, errcap, "--capath %s: not a directory", o->capath);
			return TLS_E_CONFIG;
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
	return TLS_E_CONFIG;
}

/* The client's Certificate message must fit one output buffer (mbedTLS
 * does not fragment handshake messages): 4 bytes of handshake header, a
 * TLS 1.3 context byte, a 3-byte list length, and per certificate its
 * 3-byte length and 2 bytes of (empty) extensions. Refused here, before
 * anything is sent, rather than failing mid-handshake. */
static int chain_fits(const mbedtls_x509_crt *crt, const char *path, char *err, size_t errcap)
{
	size_t need = 4 + 1 + 3;
	int n = 0;

	for (; crt && crt->raw.p; crt = crt->next, n++)
		need += crt->raw.len + 5;
	if (need <= MBEDTLS_SSL_OUT_CONTENT_LEN)
		return 0;
	fmt_snprintf(err, errcap, "--cert %s: the chain of %d certificates makes a %zu-byte TLS Certificate "
	    "message; atlwho sends at most %d bytes: leave out certificates the server already has "
	    "(its own CA)", path, n, need, MBEDTLS_SSL_OUT_CONTENT_LEN);
	return TLS_E_CONFIG;
}

/* mbedTLS's allocator (MBEDTLS_PLATFORM_MEMORY): libc's calloc, noting a
 * failure. mbedTLS turns one into whatever its caller fails with (an ECDH
 * error, a handshake failure, an issuer that did not parse and so is
 * "unknown"), so each message first asks whether memory ran out. */
static int tls_oom;

static void *tls_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		tls_oom = 1;
	return p;
}

/* After a failure: 1 and the message if mbedTLS ran out of memory. */
static int say_oom(char *err, size_t errcap)
{
	if (tls_oom)
		fmt_snprintf(err, errcap, "out of memory in the TLS library");
	return tls_oom;
}

static int prepare(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap);

int tls_prepare(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap)
{
	int r;

	mbedtls_platform_set_calloc_free(tls_calloc, free);
	r = prepare(c, o, err, errcap);
	return r && say_oom(err, errcap) ? TLS_E_NOMEM : r;
}

static int prepare(struct tls_conn *c, const struct tls_opts *o, char *err, size_t errcap)
{
	static unsigned char buf[TLS_FILE_MAX]; /* off the stack; untouched without --cert */
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
			return TLS_E_CONFIG;
		}
	}
	if ((r = find_trust(c, o, err, errcap)) != 0)
		return r;
	if (psa_crypto_init() != PSA_SUCCESS) {
		fmt_snprintf(err, errcap, "cannot initialise the crypto library (no kernel randomness?)");
		return TLS_E_CONFIG;
	}
	if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		fmt_snprintf(err, errcap, "cannot set up TLS");
		return TLS_E_CONFIG;
	}
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	mbedtls_ssl_conf_min_tls_version(&c->conf, o->tls_min == 13 ?
	    MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&c->conf, o->tls_max == 12 ?
	    MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);
	/* A TLS 1.2 server may renegotiate to ask for a client certificate
	 * for one location only (Apache's per-directory SSLVerifyClient);
	 * RFC 5746 secure renegotiation only (mbedTLS's default). */
	mbedtls_ssl_conf_renegotiation(&c->conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
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
			return TLS_E_CONFIG;
		}
		if ((r = load_file(o->cert, buf, sizeof buf, &len, "--cert", err, errcap)) != 0)
			return r;
		r = load_own(c, buf, len, 0);
		if (r != 0) {
			fmt_snprintf(err, errcap, "--cert %s: %s (-0x%04x)", o->cert, r == MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE ?
			    explicit_curve : "not a PEM or DER certificate", (unsigned)-r);
			return TLS_E_CONFIG;
		}
		if ((r = load_file(o->key, buf, sizeof buf, &len, "--key", err, errcap)) != 0)
			return r;
		r = load_own(c, buf, len, 1);
		str_wipe(buf, len);
		if (r != 0) {
			fmt_snprintf(err, errcap, "--key %s: not an unencrypted PEM or DER private key; RSA, or EC on a "
			    "named curve (P-256, P-384) (-0x%04x)", o->key, (unsigned)-r);
			return TLS_E_CONFIG;
		}
		if ((r = chain_fits(&c->own_cert, o->cert, err, errcap)) != 0)
			return r;
		/* A key that is not the certificate's is found here, before
		 * anything is sent, not as a refused handshake. */
		r = mbedtls_pk_check_pair(&c->own_cert.pk, &c->own_key, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
		if (r != 0) {
			fmt_snprintf(err, errcap, "--cert %s and --key %s do not belong together: the key is not the "
			    "certificate's (-0x%04x)", o->cert, o->key, (unsigned)-r);
			return TLS_E_CONFIG;
		}
		if (mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert, &c->own_key) != 0) {
			fmt_snprintf(err, errcap, "--cert/--key: cannot use this certificate and key");
			return TLS_E_CONFIG;
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
	} else if (f & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) {
		int gone = !!(f & MBEDTLS_X509_BADCERT_EXPIRED);
		fmt_snprintf(err, errcap, "certificate %s %s; this system's time is %s "
		    "(a device without a real-time clock boots in 1970: set the clock, or trust the key with --pin)",
		    gone ? "expired on" : "not valid before", gone ? in->not_after : in->not_before, now);
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

/* --- naming a failure by its cause --- */

/* What atlwho offers, for "nothing in common" messages. */
/* Said by every message about a version the server picked or refused. */
static const char tls_speaks[] = "atlwho speaks TLS 1.2 and 1.3, within --tls-min and --tls-max";
static const char tls_offer[] = "TLS 1.2 and 1.3 with ECDHE (x25519, P-256, P-384), AES-GCM or "
	"ChaCha20-Poly1305, and RSA (rsaEncryption) or ECDSA (P-256, P-384) certificate keys; RSA-PSS keys "
	"(id-RSASSA-PSS) are not supported by its TLS library";

/* RFC 8446 section 4.6.3; mbedTLS 3.6 has no name for it (it cannot
 * process one). */
#define TLS_HS_KEY_UPDATE 24

/* How long a failed transport waits for bytes the server sent before it
 * closed: they are normally queued already; this covers a slow path. */
#define TLS_SALVAGE_MS 200

/* Alerts a server sends for a client certificate it wanted and did not get
 * or did not accept. */
static int cert_alert(int a)
{
	return a == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE || a == MBEDTLS_SSL_ALERT_MSG_NO_CERT ||
	    (a >= MBEDTLS_SSL_ALERT_MSG_BAD_CERT && a <= MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN) ||
	    a == MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA || a == MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED ||
	    a == MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED;
}

/* Did the server ask for a client certificate? Seen directly (a
 * CertificateRequest during the handshake, or during a TLS 1.2
 * renegotiation: Apache asks for per-location client certificates that
 * way), or implied by certificate_required. */
static int cert_asked(const struct tls_conn *c)
{
	return c->cr_seen || c->alert == MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED;
}

static void say_cert_required(const struct tls_conn *c, const char *how, char *err, size_t errcap)
{
	const char *h = c->peer->shown;

	if (c->own_cert.raw.p)
		fmt_snprintf(err, errcap, "%s did not accept the client certificate given with --cert (%s): "
		    "check that its issuer is one the server trusts and that it is valid for client authentication", h, how);
	else
		fmt_snprintf(err, errcap, "%s requires a client certificate and none was given (%s): "
		    "give --cert FILE --key FILE", h, how);
}

static void say_alert(const struct tls_conn *c, char *err, size_t errcap)
{
	const char *h = c->peer->shown;
	int a = c->alert;
	char how[80];

	fmt_snprintf(how, sizeof how, "TLS alert %s (%d)", tls_alert_name((unsigned)a), a);
	/* After asking for a certificate, whatever the server alerts is about
	 * the certificate it got or did not get (GnuTLS sends decode_error
	 * for an empty one in TLS 1.2, OpenSSL handshake_failure or
	 * certificate_required, JSSE bad_certificate). */
	if (cert_asked(c) || (cert_alert(a) && c->own_cert.raw.p && a != MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE))
		say_cert_required(c, how, err, errcap);
	else if (a == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE || a == MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY)
		fmt_snprintf(err, errcap, "%s refused the TLS handshake (%s): no cipher suite, key exchange group "
		    "or signature algorithm in common; atlwho offers %s", h, how, tls_offer);
	else if (a == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION)
		fmt_snprintf(err, errcap, "%s refused the TLS handshake (%s): no TLS version in common (%s)",
		    h, how, tls_speaks);
	else if (a == MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME)
		fmt_snprintf(err, errcap, "%s does not serve that host name over TLS (%s): check the host in BASE_URL", h, how);
	else
		fmt_snprintf(err, errcap, "%s ended the TLS connection (%s)", h, how);
}

/* The fatal alert of the last failed call, if the server sent one. */
static void note_alert(struct tls_conn *c, int r)
{
	const unsigned char *m = c->ssl.MBEDTLS_PRIVATE(in_msg);

	if (r == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && m && c->alert < 0)
		c->alert = m[1];
}

/* A TLS 1.2 renegotiation the server asked for is under way, or failed
 * (mbedTLS keeps the state it stopped in). */
static int renegotiating(const struct tls_conn *c)
{
	return c->hs_done && !mbedtls_ssl_is_handshake_over((mbedtls_ssl_context *)&c->ssl);
}

/* mbedTLS refused the renegotiation's Certificate message because its
 * first certificate is not the one of the handshake (ssl_parse_certificate,
 * against the triple handshake attack): the message is still in in_msg,
 * the handshake's certificate still the session's. */
static int server_cert_changed(const struct tls_conn *c, int r)
{
	const mbedtls_ssl_context *s = &c->ssl;
	const unsigned char *m = s->MBEDTLS_PRIVATE(in_msg);
	const mbedtls_x509_crt *was = mbedtls_ssl_get_peer_cert(s);
	size_t hslen = s->MBEDTLS_PRIVATE(in_hslen), n;

	/* type 1, length 3, list length 3, first certificate's length 3 */
	if (r != MBEDTLS_ERR_SSL_BAD_CERTIFICATE || !was || !m || hslen < 10 ||
	    s->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_HANDSHAKE || m[0] != MBEDTLS_SSL_HS_CERTIFICATE)
		return 0;
	n = (size_t)m[7] << 16 | (size_t)m[8] << 8 | m[9];
	return n <= hslen - 10 && (n != was->raw.len || memcmp(m + 10, was->raw.p, n) != 0);
}

/* A failed TLS 1.2 renegotiation, named by what happened in it: the
 * server's certificate changed (refused here), the client certificate it
 * asked for, or neither. */
static void say_reneg(const struct tls_conn *c, int r, char *err, size_t errcap)
{
	const char *h = c->peer->shown;
	char how[96];

	if (server_cert_changed(c, r)) {
		fmt_snprintf(err, errcap, "%s changed its certificate in a TLS 1.2 renegotiation: refused "
		    "(a server must keep it, against the triple handshake attack)", h);
		return;
	}
	if (c->alert >= 0)
		fmt_snprintf(how, sizeof how, "TLS alert %s (%d)", tls_alert_name((unsigned)c->alert), c->alert);
	else if (c->net_err)
		fmt_snprintf(how, sizeof how, "%s", c->net_why);
	else if (r == MBEDTLS_ERR_SSL_CONN_EOF)
		fmt_snprintf(how, sizeof how, "it closed the connection");
	else
		fmt_snprintf(how, sizeof how, "mbedTLS error -0x%04x", (unsigned)-r);
	if (cert_asked(c))
		say_cert_required(c, how, err, errcap);
	else
		fmt_snprintf(err, errcap, "TLS 1.2 renegotiation with %s failed (%s)", h, how);
}

/* After the transport failed (EPIPE, ECONNRESET): a server that refuses
 * the handshake sends its alert and closes, and our next write can fail
 * before we read it. Reads what is still queued and takes a plaintext
 * alert record (type 21, 2 bytes: TLS 1.2 handshake alerts, and TLS 1.3
 * ones before the server's keys are in use) from it. Encrypted alerts
 * cannot be read here; the caller names the cause from what it saw. */
static void salvage_alert(struct tls_conn *c)
{
	unsigned char buf[TLS_SCAN_CHUNK];
	size_t have = 0, o = 0;
	long n;

	while (have < sizeof buf &&
	    (n = sys_recv(c->fd, buf + have, sizeof buf - have, sys_now_ms() + TLS_SALVAGE_MS)) > 0)
		have += (size_t)n;
	/* o passes have when the last record is cut: compared by adding, as
	 * have - o would wrap. */
	while (o + 5 <= have) {
		size_t len = (size_t)buf[o + 3] << 8 | buf[o + 4];
		if (buf[o] == MBEDTLS_SSL_MSG_ALERT && len == 2 && o + 7 <= have) {
			if (buf[o + 5] == MBEDTLS_SSL_ALERT_LEVEL_FATAL && c->alert < 0)
				c->alert = buf[o + 6];
			return;
		}
		o += 5 + len;
	}
}

/* A handshake message larger than the input buffer (a certificate chain
 * over 16 KiB): its announced length, else 0. */
static size_t oversized_message(const struct tls_conn *c, const char **what)
{
	const mbedtls_ssl_context *s = &c->ssl;
	const unsigned char *m = s->MBEDTLS_PRIVATE(in_msg);

	if (s->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_HANDSHAKE || !m ||
	    s->MBEDTLS_PRIVATE(in_hslen) <= MBEDTLS_SSL_IN_CONTENT_LEN)
		return 0;
	/* Its fragments are gathered at the start of the input buffer, after
	 * the 8-byte sequence number and the 5-byte record header
	 * (mbedtls_ssl_prepare_handshake_record); the first byte is its type. */
	m = s->MBEDTLS_PRIVATE(in_buf) + MBEDTLS_SSL_SEQUENCE_NUMBER_LEN + 5;
	*what = m[0] == MBEDTLS_SSL_HS_CERTIFICATE ? "Certificate message (its certificate chain)" :
	    m[0] == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST ? "CertificateRequest message (its list of CAs)" :
	    "handshake message";
	return s->MBEDTLS_PRIVATE(in_hslen);
}

static void say_late_message(const struct tls_conn *c, char *err, size_t errcap)
{
	const unsigned char *m = c->ssl.MBEDTLS_PRIVATE(in_msg);
	const char *h = c->peer->shown;

	if (m && m[0] == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST)
		fmt_snprintf(err, errcap, "%s asked for a client certificate after the handshake (TLS 1.3 "
		    "post-handshake authentication), which atlwho cannot answer: with --cert/--key, "
		    "--tls-max 1.2 lets the server ask in a renegotiation instead", h);
	else if (m && m[0] == TLS_HS_KEY_UPDATE)
		fmt_snprintf(err, errcap, "%s sent a TLS 1.3 KeyUpdate, which atlwho's TLS library "
		    "(mbedTLS %s) cannot process (a library limit); --tls-max 1.2 avoids it",
		    h, MBEDTLS_VERSION_STRING);
	else
		fmt_snprintf(err, errcap, "%s sent an unexpected TLS message after the handshake (type %u)",
		    h, m ? m[0] : 0u);
}

/* One line for a failed handshake; returns the TLS_E_* class. */
static int explain_handshake(struct tls_conn *c, int r, char *err, size_t errcap)
{
	const char *h = c->peer->shown, *what = NULL, *why;
	size_t big;

	if (say_oom(err, errcap))
		return TLS_E_NOMEM;
	if ((why = sys_random_failed()) != NULL) {
		if (strcmp(why, "Resource temporarily unavailable") == 0)
			fmt_snprintf(err, errcap, "the kernel's random number generator was not ready before the "
			    "deadline (early boot: wait for it, or give a longer --max-time)");
		else
			fmt_snprintf(err, errcap, "reading the kernel's random numbers failed: %s", why);
		return TLS_E_HANDSHAKE;
	}
	if (c->net_err == SYS_E_TIMEOUT) {
		fmt_snprintf(err, errcap, "timed out during the TLS handshake with %s", h);
		return TLS_E_NET;
	}
	note_alert(c, r);
	if (c->net_err && c->alert < 0)
		salvage_alert(c);
	if (c->alert >= 0) {
		say_alert(c, err, errcap);
		return TLS_E_HANDSHAKE;
	}
	if ((c->net_err || r == MBEDTLS_ERR_SSL_CONN_EOF) && c->cr_seen) {
		/* It asked, got our certificate (or none) and hung up without an
		 * alert we could read (TLS 1.3 encrypts it). */
		say_cert_required(c, c->net_err ? c->net_why : "it closed the connection", err, errcap);
		return TLS_E_HANDSHAKE;
	}
	if (c->net_err) {
		fmt_snprintf(err, errcap, "connection failed during the TLS handshake with %s: %s", h, c->net_why);
		return TLS_E_NET;
	}
	if ((big = oversized_message(c, &what)) != 0) {
		fmt_snprintf(err, errcap, "%s sent a %zu-byte TLS %s: atlwho's TLS library reassembles "
		    "handshake messages of at most %d bytes (a library limit): serve a shorter chain",
		    h, big, what, MBEDTLS_SSL_IN_CONTENT_LEN);
		return TLS_E_HANDSHAKE;
	}
	if ((-r & 0xff80) == -MBEDTLS_ERR_X509_INVALID_NAME) {
		/* mbedTLS parses an empty subject (the host is then in
		 * subjectAltName) but not an empty issuer. */
		fmt_snprintf(err, errcap, "%s's certificate has an empty or malformed issuer or subject name "
		    "(RFC 5280 section 4.1.2.4; mbedTLS error -0x%04x)", h, (unsigned)-r);
		return TLS_E_HANDSHAKE;
	}
	switch (r) {
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		explain_verify(c, h, err, errcap);
		break;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION: {
		/* The ServerHello's version (mbedTLS keeps what it read). A
		 * TLS 1.3 ServerHello names its version in supported_versions;
		 * without it the message is TLS 1.2's and must say 0x0303
		 * (RFC 8446 section 4.2.1; carried patch 0003). */
		unsigned v = (unsigned)c->ssl.MBEDTLS_PRIVATE(tls_version);
		fmt_snprintf(err, errcap, "%s chose TLS version 0x%04x%s: refused (atlwho sent protocol_version); %s",
		    h, v, v == MBEDTLS_SSL_VERSION_TLS1_3 ? " without supported_versions, which TLS 1.3 requires" : "",
		    tls_speaks);
		break;
	}
	case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
		fmt_snprintf(err, errcap, "%s sent a TLS handshake value atlwho did not offer (such as a cipher suite "
		    "of another TLS version): refused (atlwho sent illegal_parameter)", h);
		break;
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		fmt_snprintf(err, errcap, "no TLS version or cipher suite in common with %s: atlwho offers %s", h, tls_offer);
		break;
	case MBEDTLS_ERR_SSL_CONN_EOF:
		fmt_snprintf(err, errcap, "%s closed the connection during the TLS handshake", h);
		break;
	case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:
		/* Java's JSSE sends an RSA-PSS certificate on TLS 1.2 although the
		 * ClientHello offers no rsa_pss_pss signature algorithm. */
		fmt_snprintf(err, errcap, "%s's certificate has a key type atlwho cannot use (a library limit); "
		    "atlwho offers %s", h, tls_offer);
		break;
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
	case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
		if (c->ssl.MBEDTLS_PRIVATE(state) <= MBEDTLS_SSL_SERVER_HELLO)
			fmt_snprintf(err, errcap, "%s did not answer with TLS (is it plain http?)", h);
		else
			fmt_snprintf(err, errcap, "%s sent a malformed TLS handshake message (mbedTLS error -0x%04x)",
			    h, (unsigned)-r);
		break;
	default:
		fmt_snprintf(err, errcap, "TLS handshake with %s failed: malformed or unsupported TLS from the server "
		    "(mbedTLS error -0x%04x)", h, (unsigned)-r);
		break;
	}
	return TLS_E_HANDSHAKE;
}

int tls_explain_late(struct tls_conn *c, int wrote, int replied, char *err, size_t errcap)
{
	int r = c->last_err;

	if (say_oom(err, errcap))
		return 1;
	if (wrote && c->alert < 0 && c->net_err != SYS_E_TIMEOUT) {
		/* The alert may wait behind the failed write: read it through
		 * the record layer (it is encrypted). Often there is none: the
		 * reset that failed the write was the read's error, which is
		 * then an EOF (a refusing server's close with our bytes unread
		 * resets the connection, RFC 9293 section 3.6). */
		unsigned char b[64];
		c->net_err = 0;
		c->deadline = sys_now_ms() + TLS_SALVAGE_MS;
		r = mbedtls_ssl_read(&c->ssl, b, sizeof b);
		if (r > 0)
			return 0; /* the server answered */
	}
	note_alert(c, r);
	if (renegotiating(c)) {
		say_reneg(c, r, err, errcap);
		return 1;
	}
	if (c->alert >= 0) {
		say_alert(c, err, errcap);
		return 1;
	}
	if (r == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE &&
	    c->ssl.MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_HANDSHAKE) {
		say_late_message(c, err, errcap);
		return 1;
	}
	/* It asked for a client certificate, got ours or none, and hung
	 * up before replying, however the hang-up showed: it refused it. */
	if (!replied && cert_asked(c)) {
		say_cert_required(c, c->net_err ? c->net_why : "it closed the connection", err, errcap);
		return 1;
	}
	return 0;
}

/* mbedtls_ssl_handshake, one step at a time, noting what the server sent:
 * after each step the message just read is the one the state machine
 * looked at (a CertificateRequest is otherwise forgotten by the end). */
static int run_handshake(struct tls_conn *c)
{
	mbedtls_ssl_context *s = &c->ssl;
	int r = 0;

	c->stepping = 1;
	while (!mbedtls_ssl_is_handshake_over(s)) {
		r = mbedtls_ssl_handshake_step(s);
		if (s->MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_HANDSHAKE && s->MBEDTLS_PRIVATE(in_msg) &&
		    s->MBEDTLS_PRIVATE(in_msg)[0] == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST)
			c->cr_seen = 1;
		if (r != 0)
			break;
	}
	c->stepping = 0;
	return r;
}

int tls_handshake(struct tls_conn *c, int fd, const struct tls_peer *peer, int64_t deadline,
    char *err, size_t errcap)
{
	int r;

	c->fd = fd;
	c->deadline = deadline;
	c->peer = peer;
	c->alert = -1;
	/* Set-up fails only for want of memory (the buffers; url.c bounds the
	 * name): explain_handshake says so. */
	r = mbedtls_ssl_setup(&c->ssl, &c->conf);
	if (r == 0)
		r = mbedtls_ssl_set_hostname(&c->ssl, peer->name);
	if (r == 0) {
		mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
		r = run_handshake(c);
	}
	c->tls13 = mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
	if (r == 0) {
		c->hs_done = 1;
		return 0;
	}
	c->last_err = r;
	return explain_handshake(c, r, err, errcap);
}

long tls_read(struct tls_conn *c, void *buf, size_t n)
{
	int r;

	for (;;) {
		/* A renegotiation bio_recv paused is stepped here. Application
		 * data sent before its ServerHello is still returned: mbedTLS
		 * keeps it for mbedtls_ssl_read. A close inside the handshake
		 * is a failure, not the end of a reply. */
		if (renegotiating(c)) {
			r = run_handshake(c);
			if (r != 0 && r != MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO)
				break;
		}
		r = mbedtls_ssl_read(&c->ssl, buf, n);
		if (r > 0)
			return r;
		if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			c->close_notify = 1;
		/* mbedtls_ssl_read also returns 0 for a second empty record in
		 * a row (it skips one): not the end. */
		if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || (r == 0 && c->eof) || r == MBEDTLS_ERR_SSL_CONN_EOF)
			return 0;
		if (r != 0 && r != MBEDTLS_ERR_SSL_WANT_READ && r != MBEDTLS_ERR_SSL_WANT_WRITE &&
		    r != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
			break;
	}
	c->last_err = r;
	note_alert(c, r);
	if (c->net_err && c->alert < 0)
		return TLS_E_NET;
	return TLS_E_PROTO;
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
		note_alert(c, r);
		return c->net_err ? TLS_E_NET : TLS_E_PROTO;
	}
	return 0;
}

int tls_net_error(const struct tls_conn *c)
{
	return c->net_err ? c->net_err : SYS_E_IO;
}

void tls_close_notify(struct tls_conn *c)
{
	if (c->hs_done && !c->net_err && c->alert < 0)
		mbedtls_ssl_close_notify(&c->ssl);
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
