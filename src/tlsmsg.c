/* tlsmsg.c: why a TLS connection failed, in one line a user can act on:
 * pure functions of what the connection saw (RFC 8446, RFC 5246, RFC 5280). */
#include "fmt.h"
#include "tlsmsg.h"

#include <string.h>
#include <time.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "sys.h"

/* --- alerts by name (RFC 8446 section 6, RFC 5246 section 7.2) --- */

/* Codes and names in step, the names packed in one string (a table of
 * pointers would cost 8 bytes a name in a 256 KiB binary). */
static const unsigned char alert_codes[] = {
	0, 10, 20, 21, 22, 30, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 60, 70, 71,
	80, 86, 90, 100, 109, 110, 111, 112, 113, 114, 115, 116, 120,
};
static const char alert_names[] =
	"close_notify\0unexpected_message\0bad_record_mac\0decryption_failed\0record_overflow\0"
	"decompression_failure\0handshake_failure\0no_certificate\0bad_certificate\0"
	"unsupported_certificate\0certificate_revoked\0certificate_expired\0certificate_unknown\0"
	"illegal_parameter\0unknown_ca\0access_denied\0decode_error\0decrypt_error\0"
	"export_restriction\0protocol_version\0insufficient_security\0internal_error\0"
	"inappropriate_fallback\0user_canceled\0no_renegotiation\0missing_extension\0"
	"unsupported_extension\0certificate_unobtainable\0unrecognized_name\0"
	"bad_certificate_status_response\0bad_certificate_hash_value\0unknown_psk_identity\0"
	"certificate_required\0no_application_protocol\0";

const char *tlsmsg_alert_name(unsigned alert)
{
	const char *n = alert_names;
	size_t i;

	for (i = 0; i < sizeof alert_codes; i++, n += strlen(n) + 1)
		if (alert_codes[i] == alert)
			return n;
	return "unknown";
}

/* Said by every message about a version the server picked or refused. */
static const char tls_speaks[] = "atlwho speaks TLS 1.2 and 1.3, within --tls-min and --tls-max";
/* What atlwho offers, for "nothing in common" messages. */
static const char tls_offer[] = "TLS 1.2 and 1.3 with ECDHE (x25519, P-256, P-384), AES-GCM or "
	"ChaCha20-Poly1305, and RSA (rsaEncryption) or ECDSA (P-256, P-384) certificate keys; RSA-PSS keys "
	"(id-RSASSA-PSS) are not supported by its TLS library";

/* RFC 8446 section 4.6.3; mbedTLS 3.6 has no name for it (it cannot
 * process one). */
#define TLS_HS_KEY_UPDATE 24

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
static int cert_asked(const struct tlsmsg_seen *s)
{
	return s->cr_seen || s->alert == MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED;
}

static void say_cert_required(const struct tlsmsg_seen *s, const char *how, char *err, size_t errcap)
{
	const char *h = s->host;

	if (s->own_cert)
		fmt_snprintf(err, errcap, "%s did not accept the client certificate given with --cert (%s): "
		    "check that its issuer is one the server trusts and that it is valid for client authentication", h, how);
	else
		fmt_snprintf(err, errcap, "%s requires a client certificate and none was given (%s): "
		    "give --cert FILE --key FILE", h, how);
}

static void say_alert(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const char *h = s->host;
	int a = s->alert;
	char how[80];

	fmt_snprintf(how, sizeof how, "TLS alert %s (%d)", tlsmsg_alert_name((unsigned)a), a);
	/* After asking for a certificate, whatever the server alerts is about
	 * the certificate it got or did not get (GnuTLS sends decode_error
	 * for an empty one in TLS 1.2, OpenSSL handshake_failure or
	 * certificate_required, JSSE bad_certificate). */
	if (cert_asked(s) || (cert_alert(a) && s->own_cert && a != MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE))
		say_cert_required(s, how, err, errcap);
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

static void time_text(char *dst, size_t cap, int64_t t)
{
	struct tm tm;

	fmt_gmtime(t, &tm);
	fmt_snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void explain_verify(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const struct tls_info *in = s->info;
	uint32_t f = in->flags | s->verify;
	char now[40];

	time_text(now, sizeof now, s->now);
	if (in->pin_checked && !in->pin_ok) {
		fmt_snprintf(err, errcap, "public key pin mismatch: the server's key is sha256//%s", in->pin);
	} else if (f & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) {
		int gone = !!(f & MBEDTLS_X509_BADCERT_EXPIRED);
		fmt_snprintf(err, errcap, "certificate %s %s; this system's time is %s "
		    "(a device without a real-time clock boots in 1970: set the clock, or trust the key with --pin)",
		    gone ? "expired on" : "not valid before", gone ? in->not_after : in->not_before, now);
	} else if ((f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) && s->unreadable) {
		fmt_snprintf(err, errcap, "cannot verify the server: the trust store %.300s could not be read (%s)",
		    s->unreadable, s->unreadable_why);
	} else if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		const char *src = s->trust_src ? s->trust_src : "none";
		fmt_snprintf(err, errcap, "certificate issuer unknown: '%s' is not in the trust store (%s); "
		    "use --cacert FILE or --pin", in->top_issuer[0] ? in->top_issuer : in->issuer, src);
	} else if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
		fmt_snprintf(err, errcap, "certificate is not valid for '%s': it names %s", s->host,
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

/* A failed TLS 1.2 renegotiation, named by what happened in it: the
 * server's certificate changed (refused here), the client certificate it
 * asked for, or neither. */
static void say_reneg(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const char *h = s->host;
	char how[96];

	if (s->cert_changed) {
		fmt_snprintf(err, errcap, "%s changed its certificate in a TLS 1.2 renegotiation: refused "
		    "(a server must keep it, against the triple handshake attack)", h);
		return;
	}
	if (s->alert >= 0)
		fmt_snprintf(how, sizeof how, "TLS alert %s (%d)", tlsmsg_alert_name((unsigned)s->alert), s->alert);
	else if (s->net_err)
		fmt_snprintf(how, sizeof how, "%s", s->net_why);
	else if (s->err == MBEDTLS_ERR_SSL_CONN_EOF)
		fmt_snprintf(how, sizeof how, "it closed the connection");
	else
		fmt_snprintf(how, sizeof how, "mbedTLS error -0x%04x", (unsigned)-s->err);
	if (cert_asked(s))
		say_cert_required(s, how, err, errcap);
	else
		fmt_snprintf(err, errcap, "TLS 1.2 renegotiation with %s failed (%s)", h, how);
}

static void say_late_message(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const char *h = s->host;

	if (s->hs_type == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST)
		fmt_snprintf(err, errcap, "%s asked for a client certificate after the handshake (TLS 1.3 "
		    "post-handshake authentication), which atlwho cannot answer: with --cert/--key, "
		    "--tls-max 1.2 lets the server ask in a renegotiation instead", h);
	else if (s->hs_type == TLS_HS_KEY_UPDATE)
		fmt_snprintf(err, errcap, "%s sent a TLS 1.3 KeyUpdate, which atlwho's TLS library "
		    "(mbedTLS %s) cannot process (a library limit); --tls-max 1.2 avoids it",
		    h, MBEDTLS_VERSION_STRING);
	else
		fmt_snprintf(err, errcap, "%s sent an unexpected TLS message after the handshake (type %u)",
		    h, s->hs_type >= 0 ? (unsigned)s->hs_type : 0u);
}

/* A handshake that failed for what the library or the server said, by
 * the mbedTLS error (after every cause tlsmsg_handshake looks for first). */
static void say_handshake_error(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const char *h = s->host;

	switch (s->err) {
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		explain_verify(s, err, errcap);
		break;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION: {
		/* The ServerHello's version (mbedTLS keeps what it read). A
		 * TLS 1.3 ServerHello names its version in supported_versions;
		 * without it the message is TLS 1.2's and must say 0x0303
		 * (RFC 8446 section 4.2.1; carried patch 0003). */
		unsigned v = s->version;
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
		if (s->early)
			fmt_snprintf(err, errcap, "%s did not answer with TLS (is it plain http?)", h);
		else
			fmt_snprintf(err, errcap, "%s sent a malformed TLS handshake message (mbedTLS error -0x%04x)",
			    h, (unsigned)-s->err);
		break;
	default:
		fmt_snprintf(err, errcap, "TLS handshake with %s failed: malformed or unsupported TLS from the server "
		    "(mbedTLS error -0x%04x)", h, (unsigned)-s->err);
		break;
	}
}

/* A client certificate, asked for and refused: the cause of a hang-up
 * without an alert we could read (TLS 1.3 encrypts it). */
static const char *closed_how(const struct tlsmsg_seen *s)
{
	return s->net_err ? s->net_why : "it closed the connection";
}

static const char *big_what(int type)
{
	return type == MBEDTLS_SSL_HS_CERTIFICATE ? "Certificate message (its certificate chain)" :
	    type == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST ? "CertificateRequest message (its list of CAs)" :
	    "handshake message";
}

void tlsmsg_oom(char *err, size_t errcap)
{
	fmt_snprintf(err, errcap, "out of memory in the TLS library");
}

int tlsmsg_handshake(const struct tlsmsg_seen *s, char *err, size_t errcap)
{
	const char *h = s->host;

	if (s->oom) {
		tlsmsg_oom(err, errcap);
		return TLSMSG_NOMEM;
	}
	if (s->random_why) {
		if (strcmp(s->random_why, "Resource temporarily unavailable") == 0)
			fmt_snprintf(err, errcap, "the kernel's random number generator was not ready before the "
			    "deadline (early boot: wait for it, or give a longer --max-time)");
		else
			fmt_snprintf(err, errcap, "reading the kernel's random numbers failed: %s", s->random_why);
		return TLSMSG_HANDSHAKE;
	}
	if (s->net_err == SYS_E_TIMEOUT) {
		fmt_snprintf(err, errcap, "timed out during the TLS handshake with %s", h);
		return TLSMSG_NET;
	}
	if (s->alert >= 0) {
		say_alert(s, err, errcap);
		return TLSMSG_HANDSHAKE;
	}
	if ((s->net_err || s->err == MBEDTLS_ERR_SSL_CONN_EOF) && s->cr_seen) {
		/* It asked, got our certificate (or none) and hung up. */
		say_cert_required(s, closed_how(s), err, errcap);
		return TLSMSG_HANDSHAKE;
	}
	if (s->net_err) {
		fmt_snprintf(err, errcap, "connection failed during the TLS handshake with %s: %s", h, s->net_why);
		return TLSMSG_NET;
	}
	if (s->big) {
		fmt_snprintf(err, errcap, "%s sent a %zu-byte TLS %s: atlwho's TLS library reassembles "
		    "handshake messages of at most %d bytes (a library limit): serve a shorter chain",
		    h, s->big, big_what(s->big_type), MBEDTLS_SSL_IN_CONTENT_LEN);
		return TLSMSG_HANDSHAKE;
	}
	if ((-s->err & 0xff80) == -MBEDTLS_ERR_X509_INVALID_NAME) {
		/* mbedTLS parses an empty subject (the host is then in
		 * subjectAltName) but not an empty issuer. */
		fmt_snprintf(err, errcap, "%s's certificate has an empty or malformed issuer or subject name "
		    "(RFC 5280 section 4.1.2.4; mbedTLS error -0x%04x)", h, (unsigned)-s->err);
		return TLSMSG_HANDSHAKE;
	}
	say_handshake_error(s, err, errcap);
	return TLSMSG_HANDSHAKE;
}

int tlsmsg_late(const struct tlsmsg_seen *s, int replied, char *err, size_t errcap)
{
	if (s->oom) {
		tlsmsg_oom(err, errcap);
		return 1;
	}
	if (s->reneg) {
		say_reneg(s, err, errcap);
		return 1;
	}
	if (s->alert >= 0) {
		say_alert(s, err, errcap);
		return 1;
	}
	if (s->err == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE && s->hs_type >= 0) {
		say_late_message(s, err, errcap);
		return 1;
	}
	/* It asked for a client certificate, got ours or none, and hung
	 * up before replying, however the hang-up showed: it refused it. */
	if (!replied && cert_asked(s)) {
		say_cert_required(s, closed_how(s), err, errcap);
		return 1;
	}
	return 0;
}
