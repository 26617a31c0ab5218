/* test_tls_pin.c: curl-style public-key pins (src/pin.c): pin_parse over
 * a table of good and bad --pin values, pin_of_spki against pins computed
 * by OpenSSL for real certificates' public keys; the TLS configuration
 * built once (src/tls.c: tls_config_init keeps the parsed pins, reads
 * nothing a plain option does not name); alert names (src/tlsmsg.c). */
#include "pem.h"
#include "pin.h"
#include "tls.h"
#include "tlsmsg.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

/*
 * Two real certificates (OpenSSL 3, EC P-256) and, for each, the pin
 *   openssl x509 -pubkey -noout | openssl pkey -pubin -outform der |
 *   openssl dgst -sha256 -binary | base64
 * and the offset of its SubjectPublicKeyInfo from `openssl asn1parse -i`
 * ("169:d=2 hl=2 l= 89 cons: SEQUENCE": 2 + 89 = 91 bytes).
 */
static const char ca_pem[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIBqzCCAVGgAwIBAgIUZLWHqueJ8lrizzq845HzMKGLJGkwCgYIKoZIzj0EAwIw\n"
"KjEXMBUGA1UEAwwOYXRsd2hvIHRlc3QgQ0ExDzANBgNVBAoMBmF0bHdobzAgFw0y\n"
"NjExMjgxMjM0NDNaGA8yMTI2MTEwNDEyMzQ0M1owKjEXMBUGA1UEAwwOYXRsd2hv\n"
"IHRlc3QgQ0ExDzANBgNVBAoMBmF0bHdobzBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
"A0IABJknhoFr4TpPfIXkSAoaDKq+h5Kg5dij4HNKAkm4PhDdMCNW8UeG5Olw5AOj\n"
"5i5fmFpaijov9IgrpZmgmoKD4pGjUzBRMB0GA1UdDgQWBBTuXUNXR68R8iY2padN\n"
"lOLXshJmxTAfBgNVHSMEGDAWgBTuXUNXR68R8iY2padNlOLXshJmxTAPBgNVHRMB\n"
"Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIDy5rQ1MfHUvIebQDTNhs8c+S3Hn\n"
"FWQH+akRs0u5febxAiEAs9/XBJAkS2yOD8trC1VeD75Q4JpLoGV6tMRhD8I8ssE=\n"
"-----END CERTIFICATE-----\n";
#define CA_PIN "PRQbfmCsuA3uxBstUz2LgIgNrsx+aNupy0i04LdVEN8="
#define CA_SPKI_OFF 169

static const char pin_pem[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIBfDCCASOgAwIBAgIUWroKccsJOmmiKVDAvX14gKRxvYYwCgYIKoZIzj0EAwIw\n"
"EzERMA8GA1UEAwwIcGluLnRlc3QwIBcNMjYxMTI4MTIzNDUxWhgPMjEyNjExMDQx\n"
"MjM0NTFaMBMxETAPBgNVBAMMCHBpbi50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
"AQcDQgAEjcSdOpZa5GqSvPrA05j1GvDXI3TFKozcoCrjZkCukRAE+YMWhM9hca9N\n"
"3GyaNajDbl/DCgRSqcVz5aNeYeiNNKNTMFEwHQYDVR0OBBYEFPb63SmHOws/iO0j\n"
"+5UZH0EDqtYVMB8GA1UdIwQYMBaAFPb63SmHOws/iO0j+5UZH0EDqtYVMA8GA1Ud\n"
"EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgWL0WEfIk3Y5kRbqD26G4TqPI\n"
"7Aay+cBHnhXJ3LzxUjoCIDF3ETo0PFg65mDgI6u9khPaPoexZlKg5/mYQopwKyN/\n"
"-----END CERTIFICATE-----\n";
#define PIN_PIN "oSF8Ki52I8LhgsMXjcHbh5evppOhAfvmiDYzUBELomQ="
#define PIN_SPKI_OFF 123

#define SPKI_LEN 91
/* SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID prime256v1 }, BIT STRING } */
static const unsigned char ec_spki_head[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
};

/* The pin of an exact-size heap copy (ASan sees any over-read). */
static void pin_of(const unsigned char *p, size_t n, char out[PIN_LEN + 1])
{
	unsigned char *c = t_dup(p, n);

	memset(out, '#', PIN_LEN + 1);
	pin_of_spki(c, n, out);
	free(c);
}

/* PEM through atlwho's own scanner (the build has no mbedTLS PEM code),
 * DER into mbedTLS, as tls.c does. */
static int parse_der(void *ctx, const unsigned char *der, size_t len)
{
	return mbedtls_x509_crt_parse_der(ctx, der, len) != 0;
}

static int parse_pem(mbedtls_x509_crt *crt, const char *pem, size_t n)
{
	static struct pem_scanner ps;

	pem_init(&ps, parse_der, crt);
	if (pem_feed(&ps, pem, n) != 0 || pem_finish(&ps) != 0 || !crt->raw.p)
		return -1;
	return 0;
}

static void test_cert_pin(const char *pem, size_t pemsize, size_t off, const char *want,
    const char *label)
{
	mbedtls_x509_crt crt;
	char pin[PIN_LEN + 1];
	int rc;

	mbedtls_x509_crt_init(&crt);
	rc = parse_pem(&crt, pem, pemsize);
	T_EQ_INT(rc, 0, label);
	if (rc == 0) {
		/* mbedTLS's SPKI slice is where asn1parse says it is. */
		T_EQ_INT(crt.pk_raw.p - crt.raw.p, off, label);
		T_EQ_INT(crt.pk_raw.len, SPKI_LEN, label);
		T_EQ_MEM(crt.pk_raw.p, sizeof ec_spki_head, ec_spki_head, sizeof ec_spki_head, label);
		pin_of(crt.pk_raw.p, crt.pk_raw.len, pin);
		T_EQ_STR(pin, want, label);
		/* One byte more or less is another key. */
		pin_of(crt.pk_raw.p, crt.pk_raw.len - 1, pin);
		T_CHECK(strcmp(pin, want) != 0 && strlen(pin) == PIN_LEN, label);
		/* The whole certificate is not the key. */
		pin_of(crt.raw.p, crt.raw.len, pin);
		T_CHECK(strcmp(pin, want) != 0, label);
	}
	mbedtls_x509_crt_free(&crt);
}

/* Known answers: base64(SHA-256("")) and base64(SHA-256("abc")). */
static void test_known(void)
{
	char pin[PIN_LEN + 1];

	pin_of((const unsigned char *)"", 0, pin);
	T_EQ_STR(pin, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "pin of nothing");
	pin_of((const unsigned char *)"abc", 3, pin);
	T_EQ_STR(pin, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", "pin of \"abc\"");
}

#define P1 "sha256//" CA_PIN
#define P2 "sha256//" PIN_PIN
#define P8 P1 ";" P2 ";" P1 ";" P2 ";" P1 ";" P2 ";" P1 ";" P2

struct row {
	const char *label;
	const char *in;
	int rc;               /* PIN_OK or PIN_E_FORMAT */
	int n;                /* pins parsed */
	const char *want[2];  /* the first pins */
	const char *why;      /* in the reason given, for an error */
};

static const struct row rows[] = {
	{ "one pin", P1, PIN_OK, 1, { CA_PIN }, NULL },
	{ "two pins", P1 ";" P2, PIN_OK, 2, { CA_PIN, PIN_PIN }, NULL },
	{ "PIN_MAX pins", P8, PIN_OK, PIN_MAX, { CA_PIN, PIN_PIN }, NULL },
	{ "one more than PIN_MAX", P8 ";" P1, PIN_E_FORMAT, 0, { NULL }, "at most " },
	{ "empty", "", PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "a lone ';'", ";", PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "trailing ';'", P1 ";", PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "empty item between pins", P1 ";;" P2, PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "leading ';'", ";" P1, PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "prefix sha1//", "sha1//" CA_PIN, PIN_E_FORMAT, 0, { NULL }, "key files are not taken" },
	{ "prefix SHA256//", "SHA256//" CA_PIN, PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "prefix sha256/", "sha256/" CA_PIN "A", PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "no prefix", CA_PIN "AAAAAAAA", PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "43 characters", "sha256//PRQbfmCsuA3uxBstUz2LgIgNrsx+aNupy0i04LdVEN=", PIN_E_FORMAT, 0, { NULL },
	  "32-byte" },
	{ "45 characters", "sha256//PRQbfmCsuA3uxBstUz2LgIgNrsx+aNupy0i04LdVEN8==", PIN_E_FORMAT, 0, { NULL },
	  "32-byte" },
	{ "44 characters without the final '='", "sha256//PRQbfmCsuA3uxBstUz2LgIgNrsx+aNupy0i04LdVEN8A",
	  PIN_E_FORMAT, 0, { NULL }, "32-byte" },
	{ "second pin bad", P1 ";sha256//short=", PIN_E_FORMAT, 0, { NULL }, "32-byte" },
	{ "blank before a pin", " " P1, PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "blank after ';'", P1 "; " P2, PIN_E_FORMAT, 0, { NULL }, "sha256//" },
	{ "prefix alone", "sha256//", PIN_E_FORMAT, 0, { NULL }, "32-byte" },
};

static void test_parse(void)
{
	size_t r;
	int i;

	for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct row *w = &rows[r];
		/* An exact-size heap copy: ASan sees any read past the end. */
		char *in = t_dup(w->in, strlen(w->in) + 1);
		struct pin_set ps;
		const char *why = NULL;
		int rc;

		memset(&ps, '#', sizeof ps);
		rc = pin_parse(&ps, in, &why);
		T_EQ_INT(rc, w->rc, w->label);
		T_EQ_INT(ps.n, w->n, w->label);
		for (i = 0; i < ps.n && i < 2 && w->want[i]; i++)
			T_EQ_STR(ps.pin[i], w->want[i], w->label);
		for (i = 0; i < ps.n; i++)
			T_EQ_INT(strlen(ps.pin[i]), PIN_LEN, w->label);
		if (w->why)
			T_CHECK(why && strstr(why, w->why), w->label);
		free(in);
	}
}

/* The limits in the messages are the limits: "at most PIN_MAX pins",
 * "PIN_LEN characters". */
static void test_limits_said(void)
{
	char want[64], list[(8 + PIN_LEN + 1) * (PIN_MAX + 1)];
	struct pin_set ps;
	const char *why = "";
	int i;

	list[0] = 0;
	for (i = 0; i <= PIN_MAX; i++)
		strcat(strcat(list, i ? ";" : ""), P1);
	T_EQ_INT(pin_parse(&ps, list, &why), PIN_E_FORMAT, "PIN_MAX + 1 pins");
	snprintf(want, sizeof want, "at most %d pins", PIN_MAX);
	T_EQ_STR(why, want, "the limit named from PIN_MAX");
	T_EQ_INT(pin_parse(&ps, "sha256//AAAA", &why), PIN_E_FORMAT, "4 characters");
	snprintf(want, sizeof want, "(%d characters)", PIN_LEN);
	T_CHECK(strstr(why, want) != NULL, "the length named from PIN_LEN");
}

/* The TLS configuration takes the pins parsed once, as they are (no second
 * parser: what cli.c parsed is what the verification compares), and fails
 * as it always did. */
static void test_config(void)
{
	static struct tls_config cfg; /* ~100 KiB */
	struct pin_set ps;
	struct tls_opts o;
	const char *why;
	char err[256];
	int rc;

	memset(&o, 0, sizeof o);
	T_EQ_INT(pin_parse(&ps, P1 ";" P2, &why), PIN_OK, "two pins");
	o.pins = &ps;
	err[0] = 0;
	rc = tls_config_init(&cfg, &o, err, sizeof err);
	T_EQ_INT(rc, 0, "a config with pins and no CA");
	T_EQ_STR(err, "", "no message");
	T_EQ_INT(cfg.pins.n, 2, "both pins kept");
	T_EQ_STR(cfg.pins.pin[0], CA_PIN, "first pin");
	T_EQ_STR(cfg.pins.pin[1], PIN_PIN, "second pin");
	T_EQ_INT(cfg.trust.pin_only, 1, "the pins alone are the trust: no CA bundle looked for");
	T_EQ_INT(cfg.trust.nfile + cfg.trust.ndir, 0, "no trust source");
	T_CHECK(pin_match(&cfg.pins, PIN_PIN) && !pin_match(&cfg.pins, "x"), "pin_match");
	tls_config_free(&cfg);
	tls_config_free(&cfg); /* safe twice */

	o.cert = "/nonexistent/cert.pem";
	rc = tls_config_init(&cfg, &o, err, sizeof err);
	T_EQ_INT(rc, TLS_E_CONFIG, "--cert alone");
	T_EQ_STR(err, "--cert and --key go together", "--cert alone: the message");
	tls_config_free(&cfg);

	o.key = "/nonexistent/key.pem";
	rc = tls_config_init(&cfg, &o, err, sizeof err);
	T_EQ_INT(rc, TLS_E_CONFIG, "--cert unreadable");
	T_CHECK(strstr(err, "cannot read --cert /nonexistent/cert.pem: ") == err, "--cert unreadable: the message");
	tls_config_free(&cfg);

	memset(&o, 0, sizeof o);
	o.cacert = "/nonexistent/ca.pem";
	rc = tls_config_init(&cfg, &o, err, sizeof err);
	T_EQ_INT(rc, TLS_E_CONFIG, "--cacert missing");
	T_EQ_STR(err, "--cacert /nonexistent/ca.pem: not a readable file", "--cacert missing: the message");
	tls_config_free(&cfg);
}

/* Alert names (RFC 8446 section 6, RFC 5246 section 7.2): the packed table
 * stays in step with its codes. */
static void test_alert_names(void)
{
	static const struct { unsigned code; const char *name; } rows[] = {
		{ 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
		{ 40, "handshake_failure" }, { 42, "bad_certificate" }, { 47, "illegal_parameter" },
		{ 48, "unknown_ca" }, { 50, "decode_error" }, { 70, "protocol_version" },
		{ 71, "insufficient_security" }, { 80, "internal_error" }, { 100, "no_renegotiation" },
		{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
		{ 116, "certificate_required" }, { 120, "no_application_protocol" },
		{ 1, "unknown" }, { 117, "unknown" }, { 255, "unknown" }, { 256, "unknown" },
	};
	size_t i;
	unsigned a;
	int named = 0;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		T_EQ_STR(tlsmsg_alert_name(rows[i].code), rows[i].name, rows[i].name);
	for (a = 0; a < 256; a++)
		named += strcmp(tlsmsg_alert_name(a), "unknown") != 0;
	T_EQ_INT(named, 34, "34 alerts have names");
}

/* Carried patch 0004 (CVE-2026-115489): mbedtls_x509_dn_gets() on an empty
 * name (what the parser makes of an empty subject SEQUENCE: no attribute)
 * must write the empty string, not leave the buffer as it was. */
static void test_dn_gets_empty(void)
{
	mbedtls_x509_name empty;
	char buf[16];

	memset(&empty, 0, sizeof empty);
	memset(buf, 'X', sizeof buf);
	T_EQ_INT(mbedtls_x509_dn_gets(buf, sizeof buf, &empty), 0, "dn_gets on an empty name: length 0");
	T_EQ_INT(buf[0], 0, "dn_gets on an empty name: the output is the empty string");
	T_CHECK(mbedtls_x509_dn_gets(buf, 0, &empty) < 0, "dn_gets into a zero-sized buffer fails");
}

/* Carried patch 0104 with ATLWHO_PK_RSA_NO_ENCRYPT (atlwho_config.h): the pk
 * layer has no RSA encryption or decryption (a client with ECDHE only), so
 * that code is not linked; RSA signatures are untouched. */
static void test_no_rsa_encrypt(void)
{
	mbedtls_pk_context pk;
	unsigned char in[1] = { 0 }, out[512];
	size_t olen = 0;

	mbedtls_pk_init(&pk);
	T_EQ_INT(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0, "an RSA pk context");
	T_EQ_INT(mbedtls_pk_encrypt(&pk, in, sizeof in, out, &olen, sizeof out, NULL, NULL),
	    MBEDTLS_ERR_PK_TYPE_MISMATCH, "RSA encryption is not built");
	T_EQ_INT(mbedtls_pk_decrypt(&pk, in, sizeof in, out, &olen, sizeof out, NULL, NULL),
	    MBEDTLS_ERR_PK_TYPE_MISMATCH, "RSA decryption is not built");
	T_CHECK(mbedtls_pk_can_do(&pk, MBEDTLS_PK_RSA), "RSA keys still sign and verify");
	mbedtls_pk_free(&pk);
}

int main(void)
{
	test_alert_names();
	test_dn_gets_empty();
	test_no_rsa_encrypt();
	test_known();
	test_cert_pin(ca_pem, sizeof ca_pem, CA_SPKI_OFF, CA_PIN, "CA certificate's key");
	test_cert_pin(pin_pem, sizeof pin_pem, PIN_SPKI_OFF, PIN_PIN, "PIN certificate's key");
	test_parse();
	test_limits_said();
	test_config();
	return t_done();
}
