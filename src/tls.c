/* tls.c: TLS 1.2/1.3 client over mbedTLS 3.6 (RFC 8446, RFC 5246): the
 * configuration built once, the connection, and the facts of a failure
 * gathered for tlsmsg.c. */
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
#include <mbedtls/x509.h>
#include <psa/crypto.h>

#include "str.h"
#include "sys.h"

/* What salvage_alert reads of a failed connection: the server's last
 * flight, whose alert record is what is looked for. */
#define TLS_SALVAGE_BUF 4096
/* How long a failed transport waits for bytes the server sent before it
 * closed: they are normally queued already; this covers a slow path. */
#define TLS_SALVAGE_MS 200

/* mbedTLS's clock for certificate validity (MBEDTLS_PLATFORM_GMTIME_R_ALT):
 * libc's gmtime_r would link musl's time-zone code (4.5 KB) for nothing. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
	return fmt_gmtime((int64_t)*tt, tm_buf);
}

/* --- verification: record what we need to explain a failure --- */

static void cert_time(char *dst, size_t cap, const mbedtls_x509_time *t)
{
	fmt_snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC",
	    t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

static void sanitize(char *s)
{
	str_printable(s, strlen(s) + 1, s, strlen(s));
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
		str_printable(one, sizeof one, one, (size_t)n); /* server-chosen names */
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
	const struct tls_config *cfg = c->cfg;
	struct tls_info *in = &c->info;

	if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		dn_text(in->top_issuer, sizeof in->top_issuer, &crt->issuer);
	if (depth == 0) {
		dn_text(in->subject, sizeof in->subject, &crt->subject);
		dn_text(in->issuer, sizeof in->issuer, &crt->issuer);
		san_names(crt, in->names, sizeof in->names);
		cert_time(in->not_before, sizeof in->not_before, &crt->valid_from);
		cert_time(in->not_after, sizeof in->not_after, &crt->valid_to);
		pin_of_spki(crt->pk_raw.p, crt->pk_raw.len, in->pin);
		if (c->peer && c->peer->iplen && !san_has_ip(crt, c->peer->ip, c->peer->iplen))
			*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
		if (cfg->pins.n) {
			in->pin_checked = 1;
			in->pin_ok = pin_match(&cfg->pins, in->pin);
		}
	}
	/* Pin-only trust (and -k with a pin): the pinned key is the whole
	 * authentication, as an SSH host key is; chain, names and dates are
	 * not judged. Without a pin, -k uses authmode none instead. */
	if (cfg->trust.pin_only || cfg->insecure)
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

static void set_ciphers(int *ciphers)
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
		ciphers[n++] = cha13;
	for (i = 0; i < 2; i++)
		ciphers[n++] = aes13[i];
	if (aes)
		ciphers[n++] = cha13;
	if (!aes)
		for (i = 0; i < 2; i++)
			ciphers[n++] = cha12[i];
	for (i = 0; i < 4; i++)
		ciphers[n++] = aes12[i];
	if (aes)
		for (i = 0; i < 2; i++)
			ciphers[n++] = cha12[i];
	ciphers[n] = 0;
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
	struct tls_config *cfg;
	int n, err;
};

static int own_block(void *ctx, const unsigned char *der, size_t len)
{
	struct own_load *L = ctx;
	struct tls_config *cfg = L->cfg;

	L->n++;
	if (cfg->pem.keys) {
		L->err = mbedtls_pk_parse_key(&cfg->own_key, der, len, NULL, 0, mbedtls_psa_get_random,
		    MBEDTLS_PSA_RANDOM_STATE);
		return 1; /* the first key is the key */
	}
	L->err = mbedtls_x509_crt_parse_der(&cfg->own_cert, der, len);
	return L->err != 0;
}

/* A PEM file's blocks (the certificates, or the key), or the whole file as
 * one DER object when it holds none (an encrypted PEM key holds none: its
 * header lines stop the decoding). */
static int load_own(struct tls_config *cfg, size_t len, int keys)
{
	struct own_load L = { cfg, 0, 0 };

	pem_init(&cfg->pem, own_block, &L);
	cfg->pem.keys = keys;
	if (pem_feed(&cfg->pem, cfg->file, len) == 0)
		pem_finish(&cfg->pem);
	if (L.n == 0)
		(void)own_block(&L, cfg->file, len);
	str_wipe(&cfg->pem, sizeof cfg->pem); /* a key's bytes */
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

static int load_pair(struct tls_config *cfg, const struct tls_opts *o, char *err, size_t errcap);

/* Everything but the client certificate: versions, suites, groups, trust. */
static int conf_base(struct tls_config *cfg, const struct tls_opts *o, char *err, size_t errcap)
{
	struct trust_where w = { o->cacert, o->capath, o->env_file, o->env_dir };
	mbedtls_ssl_config *conf = &cfg->conf;

	if (trust_find(&cfg->trust, &w, cfg->pins.n, o->insecure, &cfg->pem, err, errcap) != TRUST_OK)
		return TLS_E_CONFIG;
	if (psa_crypto_init() != PSA_SUCCESS) {
		fmt_snprintf(err, errcap, "cannot initialise the crypto library (no kernel randomness?)");
		return TLS_E_CONFIG;
	}
	if (mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		fmt_snprintf(err, errcap, "cannot set up TLS");
		return TLS_E_CONFIG;
	}
	mbedtls_ssl_conf_rng(conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	mbedtls_ssl_conf_min_tls_version(conf, o->tls_min == 13 ?
	    MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(conf, o->tls_max == 12 ?
	    MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);
	/* A TLS 1.2 server may renegotiate to ask for a client certificate
	 * for one location only (Apache's per-directory SSLVerifyClient);
	 * RFC 5746 secure renegotiation only (mbedTLS's default). */
	mbedtls_ssl_conf_renegotiation(conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
	set_ciphers(cfg->ciphers);
	mbedtls_ssl_conf_ciphersuites(conf, cfg->ciphers);
	mbedtls_ssl_conf_groups(conf, tls_groups);
	/* The verify callback is the connection's (tls_handshake). */
	if (o->insecure && !cfg->pins.n) {
		mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
	} else {
		mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
		mbedtls_ssl_conf_ca_cb(conf, trust_ca_cb, &cfg->trust);
		cfg->verify = 1;
	}
	return 0;
}

int tls_config_init(struct tls_config *cfg, const struct tls_opts *o, char *err, size_t errcap)
{
	int r;

	mbedtls_platform_set_calloc_free(tls_calloc, free);
	/* Not the scanner (pem_init sets it up) nor the file buffer (touched
	 * only by --cert): 17 KiB of stores a check does not need. */
	memset(cfg, 0, offsetof(struct tls_config, pem));
	mbedtls_ssl_config_init(&cfg->conf);
	mbedtls_x509_crt_init(&cfg->own_cert);
	mbedtls_pk_init(&cfg->own_key);
	cfg->ready = 1;
	cfg->insecure = o->insecure;
	if (o->pins)
		cfg->pins = *o->pins;
	r = conf_base(cfg, o, err, errcap);
	if (r == 0 && (o->cert || o->key))
		r = load_pair(cfg, o, err, errcap);
	if (r && tls_oom) {
		tlsmsg_oom(err, errcap);
		r = TLS_E_NOMEM;
	}
	if (r)
		tls_config_free(cfg); /* ready only when built */
	return r;
}

/* --cert and --key, read and checked before anything is sent. */
static int load_pair(struct tls_config *cfg, const struct tls_opts *o, char *err, size_t errcap)
{
	size_t len;
	int r;

	if (!o->cert || !o->key) {
		fmt_snprintf(err, errcap, "--cert and --key go together");
		return TLS_E_CONFIG;
	}
	if ((r = load_file(o->cert, cfg->file, sizeof cfg->file, &len, "--cert", err, errcap)) != 0)
		return r;
	r = load_own(cfg, len, 0);
	if (r != 0) {
		fmt_snprintf(err, errcap, "--cert %s: %s (-0x%04x)", o->cert, r == MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE ?
		    explicit_curve : "not a PEM or DER certificate", (unsigned)-r);
		return TLS_E_CONFIG;
	}
	if ((r = load_file(o->key, cfg->file, sizeof cfg->file, &len, "--key", err, errcap)) != 0)
		return r;
	r = load_own(cfg, len, 1);
	str_wipe(cfg->file, len);
	if (r != 0) {
		fmt_snprintf(err, errcap, "--key %s: not an unencrypted PEM or DER private key; RSA, or EC on a "
		    "named curve (P-256, P-384) (-0x%04x)", o->key, (unsigned)-r);
		return TLS_E_CONFIG;
	}
	if ((r = chain_fits(&cfg->own_cert, o->cert, err, errcap)) != 0)
		return r;
	/* A key that is not the certificate's is found here, before
	 * anything is sent, not as a refused handshake. */
	r = mbedtls_pk_check_pair(&cfg->own_cert.pk, &cfg->own_key, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	if (r != 0) {
		fmt_snprintf(err, errcap, "--cert %s and --key %s do not belong together: the key is not the "
		    "certificate's (-0x%04x)", o->cert, o->key, (unsigned)-r);
		return TLS_E_CONFIG;
	}
	if (mbedtls_ssl_conf_own_cert(&cfg->conf, &cfg->own_cert, &cfg->own_key) != 0) {
		fmt_snprintf(err, errcap, "--cert/--key: cannot use this certificate and key");
		return TLS_E_CONFIG;
	}
	return 0;
}

void tls_config_free(struct tls_config *cfg)
{
	if (!cfg->ready)
		return;
	mbedtls_ssl_config_free(&cfg->conf);
	mbedtls_x509_crt_free(&cfg->own_cert);
	mbedtls_pk_free(&cfg->own_key);
	cfg->ready = 0;
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

/* After the transport failed (EPIPE, ECONNRESET): a server that refuses
 * the handshake sends its alert and closes, and our next write can fail
 * before we read it. Reads what is still queued and takes a plaintext
 * alert record (type 21, 2 bytes: TLS 1.2 handshake alerts, and TLS 1.3
 * ones before the server's keys are in use) from it. Encrypted alerts
 * cannot be read here; the caller names the cause from what it saw. */
static void salvage_alert(struct tls_conn *c)
{
	unsigned char buf[TLS_SALVAGE_BUF];
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
 * over 16 KiB): its announced length (and *type), else 0. */
static size_t oversized_message(const struct tls_conn *c, int *type)
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
	*type = m[0];
	return s->MBEDTLS_PRIVATE(in_hslen);
}

/* The facts of a failure with mbedTLS error r, for tlsmsg.c. */
static void seen_of(struct tls_conn *c, int r, struct tlsmsg_seen *s)
{
	const mbedtls_ssl_context *ssl = &c->ssl;
	const unsigned char *m = ssl->MBEDTLS_PRIVATE(in_msg);
	const struct trust *t = &c->cfg->trust;

	memset(s, 0, sizeof *s);
	s->host = c->peer->shown;
	s->err = r;
	s->alert = c->alert;
	s->net_err = c->net_err;
	s->net_why = c->net_why;
	s->cr_seen = c->cr_seen;
	s->own_cert = c->cfg->own_cert.raw.p != NULL;
	s->oom = tls_oom;
	s->random_why = sys_random_failed();
	s->early = ssl->MBEDTLS_PRIVATE(state) <= MBEDTLS_SSL_SERVER_HELLO;
	s->version = (unsigned)ssl->MBEDTLS_PRIVATE(tls_version);
	s->big = oversized_message(c, &s->big_type);
	s->reneg = renegotiating(c);
	s->cert_changed = server_cert_changed(c, r);
	s->hs_type = ssl->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_HANDSHAKE ? -1 : m ? m[0] : 0;
	s->info = &c->info;
	s->verify = mbedtls_ssl_get_verify_result(ssl);
	s->unreadable = t->unreadable;
	s->unreadable_why = t->unreadable_why;
	s->trust_src = trust_first(t);
	s->now = sys_wall_time();
}

/* One line for a failed handshake; returns the TLS_E_* class. */
static int explain_handshake(struct tls_conn *c, int r, char *err, size_t errcap)
{
	static const int class[] = { TLS_E_HANDSHAKE, TLS_E_NET, TLS_E_NOMEM }; /* by TLSMSG_* */
	struct tlsmsg_seen s;

	note_alert(c, r);
	/* The alert a write failure hid (not when the cause is already
	 * known: memory, randomness, the deadline). */
	if (c->net_err && c->net_err != SYS_E_TIMEOUT && c->alert < 0 && !tls_oom && !sys_random_failed())
		salvage_alert(c);
	seen_of(c, r, &s);
	return class[tlsmsg_handshake(&s, err, errcap)];
}

int tls_explain_late(struct tls_conn *c, int wrote, int replied, char *err, size_t errcap)
{
	struct tlsmsg_seen s;
	int r = c->last_err;

	if (!tls_oom && wrote && c->alert < 0 && c->net_err != SYS_E_TIMEOUT) {
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
	seen_of(c, r, &s);
	return tlsmsg_late(&s, replied, err, errcap);
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

int tls_handshake(struct tls_conn *c, struct tls_config *cfg, int fd, const struct tls_peer *peer,
    int64_t deadline, char *err, size_t errcap)
{
	int r;

	memset(c, 0, sizeof *c);
	mbedtls_ssl_init(&c->ssl);
	c->ready = 1;
	c->cfg = cfg;
	trust_begin(&cfg->trust);
	c->fd = fd;
	c->deadline = deadline;
	c->peer = peer;
	c->alert = -1;
	/* Set-up fails only for want of memory (the buffers; url.c bounds the
	 * name): explain_handshake says so. */
	r = mbedtls_ssl_setup(&c->ssl, &cfg->conf);
	if (r == 0)
		r = mbedtls_ssl_set_hostname(&c->ssl, peer->name);
	if (r == 0) {
		if (cfg->verify)
			mbedtls_ssl_set_verify(&c->ssl, verify_cb, c); /* this connection's, the config shared */
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
	c->ready = 0;
}
