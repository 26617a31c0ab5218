/* test_pem.c: table-driven tests of the streaming PEM scanner and of the DER
 * walk to a certificate's issuer and subject (src/pem.c). Every PEM input is
 * fed in one piece, byte by byte and split at every offset, always from
 * exact-size heap copies so that ASan catches any read past a chunk. */
#include "pem.h"
#include "t.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN(s) s, sizeof(s) - 1

/*
 * Real certificates, made once with OpenSSL 3 (EC P-256, valid until 2126):
 *   CA:   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256
 *         -subj "/CN=atlwho test CA/O=atlwho"        (v3, 431 bytes, 1 '=')
 *   LEAF: signed by CA with openssl x509 -req, no extensions, so a v1
 *         certificate without the [0] version field and with a 0x81 length
 *         (CN=jira.example.test, 307 bytes, "==")
 *   PIN:  self-signed, CN=pin.test (v3, 384 bytes, no padding)
 *   TRUSTED: LEAF through openssl x509 -trustout -addtrust serverAuth: the
 *         certificate followed by 14 bytes of OpenSSL trust data (321 bytes)
 * The offsets below are from `openssl asn1parse -i` of each DER.
 */
#define CA_BODY \
"MIIBqzCCAVGgAwIBAgIUZLWHqueJ8lrizzq845HzMKGLJGkwCgYIKoZIzj0EAwIw\n" \
"KjEXMBUGA1UEAwwOYXRsd2hvIHRlc3QgQ0ExDzANBgNVBAoMBmF0bHdobzAgFw0y\n" \
"NjExMjgxMjM0NDNaGA8yMTI2MTEwNDEyMzQ0M1owKjEXMBUGA1UEAwwOYXRsd2hv\n" \
"IHRlc3QgQ0ExDzANBgNVBAoMBmF0bHdobzBZMBMGByqGSM49AgEGCCqGSM49AwEH\n" \
"A0IABJknhoFr4TpPfIXkSAoaDKq+h5Kg5dij4HNKAkm4PhDdMCNW8UeG5Olw5AOj\n" \
"5i5fmFpaijov9IgrpZmgmoKD4pGjUzBRMB0GA1UdDgQWBBTuXUNXR68R8iY2padN\n" \
"lOLXshJmxTAfBgNVHSMEGDAWgBTuXUNXR68R8iY2padNlOLXshJmxTAPBgNVHRMB\n" \
"Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIDy5rQ1MfHUvIebQDTNhs8c+S3Hn\n" \
"FWQH+akRs0u5febxAiEAs9/XBJAkS2yOD8trC1VeD75Q4JpLoGV6tMRhD8I8ssE=\n"
#define LEAF_BODY \
"MIIBLzCB1wICEjQwCgYIKoZIzj0EAwIwKjEXMBUGA1UEAwwOYXRsd2hvIHRlc3Qg\n" \
"Q0ExDzANBgNVBAoMBmF0bHdobzAgFw0yNjExMjgxMjM0NDNaGA8yMTI2MTEwNDEy\n" \
"MzQ0M1owHDEaMBgGA1UEAwwRamlyYS5leGFtcGxlLnRlc3QwWTATBgcqhkjOPQIB\n" \
"BggqhkjOPQMBBwNCAAQFoNTKyRt1/j7nC5yxdx8UqKi/0yE/9s60ikwQxchDteUA\n" \
"dx/kilpZo9Ief/fsHGOdaB+AHuTWbvFIREWa7+lxMAoGCCqGSM49BAMCA0cAMEQC\n" \
"IGc/uS2GzwOUZaONN1tqUqNVpI9Jl0QBVggWAauy6xD4AiAQ7bOkKJrxP8a9bL7m\n" \
"ep3VpGgXUXIUlcvT+LDi+GQPXQ==\n"
#define PIN_BODY \
"MIIBfDCCASOgAwIBAgIUWroKccsJOmmiKVDAvX14gKRxvYYwCgYIKoZIzj0EAwIw\n" \
"EzERMA8GA1UEAwwIcGluLnRlc3QwIBcNMjYxMTI4MTIzNDUxWhgPMjEyNjExMDQx\n" \
"MjM0NTFaMBMxETAPBgNVBAMMCHBpbi50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n" \
"AQcDQgAEjcSdOpZa5GqSvPrA05j1GvDXI3TFKozcoCrjZkCukRAE+YMWhM9hca9N\n" \
"3GyaNajDbl/DCgRSqcVz5aNeYeiNNKNTMFEwHQYDVR0OBBYEFPb63SmHOws/iO0j\n" \
"+5UZH0EDqtYVMB8GA1UdIwQYMBaAFPb63SmHOws/iO0j+5UZH0EDqtYVMA8GA1Ud\n" \
"EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgWL0WEfIk3Y5kRbqD26G4TqPI\n" \
"7Aay+cBHnhXJ3LzxUjoCIDF3ETo0PFg65mDgI6u9khPaPoexZlKg5/mYQopwKyN/\n"
#define TRUSTED_BODY \
"MIIBLzCB1wICEjQwCgYIKoZIzj0EAwIwKjEXMBUGA1UEAwwOYXRsd2hvIHRlc3Qg\n" \
"Q0ExDzANBgNVBAoMBmF0bHdobzAgFw0yNjExMjgxMjM0NDNaGA8yMTI2MTEwNDEy\n" \
"MzQ0M1owHDEaMBgGA1UEAwwRamlyYS5leGFtcGxlLnRlc3QwWTATBgcqhkjOPQIB\n" \
"BggqhkjOPQMBBwNCAAQFoNTKyRt1/j7nC5yxdx8UqKi/0yE/9s60ikwQxchDteUA\n" \
"dx/kilpZo9Ief/fsHGOdaB+AHuTWbvFIREWa7+lxMAoGCCqGSM49BAMCA0cAMEQC\n" \
"IGc/uS2GzwOUZaONN1tqUqNVpI9Jl0QBVggWAauy6xD4AiAQ7bOkKJrxP8a9bL7m\n" \
"ep3VpGgXUXIUlcvT+LDi+GQPXTAMMAoGCCsGAQUFBwMB\n"

#define BEGIN "-----BEGIN CERTIFICATE-----\n"
#define END "-----END CERTIFICATE-----\n"
#define CA_PEM BEGIN CA_BODY END
#define LEAF_PEM BEGIN LEAF_BODY END
#define PIN_PEM BEGIN PIN_BODY END
#define TRUSTED_PEM "-----BEGIN TRUSTED CERTIFICATE-----\n" TRUSTED_BODY \
	"-----END TRUSTED CERTIFICATE-----\n"
/* Not a real key: valid base64 that would be delivered if the label were
 * not checked. */
#define KEY_PEM "-----BEGIN PRIVATE KEY-----\n" \
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAAAAAAAAAAAAAAAA\n" \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" \
	"-----END PRIVATE KEY-----\n"

#define KEY_BODY \
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAAAAAAAAAAAAAAAA\n" \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
#define KEY_OF(label) "-----BEGIN " label "-----\n" KEY_BODY "-----END " label "-----\n"

/* Expected blocks. 0 ends a list. */
enum { B_END, B_CA, B_LEAF, B_PIN, B_TRUSTED, B_MAN, B_MA, B_M, B_BIG, B_KEY, B_N };

/* Base64 of the small blocks, decoded here by the test's own decoder. */
static const char *const blob_b64[B_N] = {
	[B_CA] = CA_BODY, [B_LEAF] = LEAF_BODY, [B_PIN] = PIN_BODY,
	[B_TRUSTED] = TRUSTED_BODY, [B_MAN] = "TWFu", [B_MA] = "TWE=", [B_M] = "TQ==",
	[B_KEY] = KEY_BODY,
};
/* DER sizes from openssl (x509 -outform der | wc -c): guards the decoder. */
static const size_t blob_len[B_N] = {
	[B_CA] = 431, [B_LEAF] = 307, [B_PIN] = 384, [B_TRUSTED] = 321,
	[B_MAN] = 3, [B_MA] = 2, [B_M] = 1, [B_BIG] = PEM_DER_MAX, [B_KEY] = 72,
};

static unsigned char *blob[B_N];
static size_t blob_n[B_N];

/* Independent base64 decoder (RFC 4648 section 4): skips newlines, stops at
 * '='. Only ever given the well-formed bodies above. */
static size_t b64_decode_test(const char *s, unsigned char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	size_t o = 0;
	int n = 0;

	for (; *s && *s != '='; s++) {
		const char *p = strchr(abc, *s);
		if (*s == '\n' || !p)
			continue;
		acc = acc << 6 | (unsigned long)(p - abc);
		if (++n == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			n = 0;
		}
	}
	if (n == 2)
		out[o++] = (unsigned char)(acc >> 4);
	if (n == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	return o;
}

static const char b64abc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of der wrapped at width as a PEM block (own encoder). */
static char *pem_wrap(const unsigned char *der, size_t n, size_t width, size_t *olen)
{
	size_t cap = (n + 2) / 3 * 4 + (n + 2) / 3 * 4 / width * 2 + 128, o = 0, col = 0, i;
	char *s = t_xmalloc(cap);

	memcpy(s, BEGIN, sizeof BEGIN - 1);
	o = sizeof BEGIN - 1;
	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)der[i] << 16;
		char q[4];
		int k;
		if (i + 1 < n)
			v |= (unsigned long)der[i + 1] << 8;
		if (i + 2 < n)
			v |= der[i + 2];
		q[0] = b64abc[v >> 18 & 63];
		q[1] = b64abc[v >> 12 & 63];
		q[2] = i + 1 < n ? b64abc[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64abc[v & 63] : '=';
		for (k = 0; k < 4; k++) {
			s[o++] = q[k];
			if (++col == width) {
				s[o++] = '\n';
				col = 0;
			}
		}
	}
	if (col)
		s[o++] = '\n';
	memcpy(s + o, END, sizeof END - 1);
	o += sizeof END - 1;
	*olen = o;
	return s;
}

static void blobs_init(void)
{
	int i;

	for (i = 1; i < B_N; i++) {
		if (i == B_BIG) {
			size_t k;
			blob[i] = t_xmalloc(PEM_DER_MAX + 1);
			for (k = 0; k < PEM_DER_MAX + 1; k++)
				blob[i][k] = (unsigned char)(k * 131 + k / 256);
			blob_n[i] = PEM_DER_MAX;
			continue;
		}
		blob[i] = t_xmalloc(strlen(blob_b64[i]));
		blob_n[i] = b64_decode_test(blob_b64[i], blob[i]);
		T_EQ_INT(blob_n[i], blob_len[i], "test decoder gives openssl's DER size");
	}
	/* openssl asn1parse: CA "0:d=0 hl=4 l= 427", LEAF "0:d=0 hl=4 l= 303" */
	T_EQ_MEM(blob[B_CA], 4, "\x30\x82\x01\xab", 4, "CA DER starts as asn1parse says");
	T_EQ_MEM(blob[B_LEAF], 7, "\x30\x82\x01\x2f\x30\x81\xd7", 7, "LEAF DER starts as asn1parse says");
	T_EQ_MEM(blob[B_TRUSTED], 307, blob[B_LEAF], 307, "TRUSTED block starts with LEAF's DER");
}

/* --- running the scanner --- */

#define MAXBLK 6
struct got {
	int n;                         /* blocks delivered (all counted) */
	size_t len[MAXBLK];
	unsigned char *der[MAXBLK];
	int stop_at, stop_val;         /* return stop_val for block stop_at (1-based) */
	int in_finish, late;           /* blocks delivered from pem_finish */
	int rc;
};

static int collect(void *ctx, const unsigned char *der, size_t len)
{
	struct got *g = ctx;

	if (g->n < MAXBLK) {
		g->der[g->n] = t_xmalloc(len);
		memcpy(g->der[g->n], der, len);
		g->len[g->n] = len;
	}
	g->n++;
	if (g->in_finish)
		g->late++;
	if (g->stop_at && g->n == g->stop_at)
		return g->stop_val;
	return 0;
}

static void got_free(struct got *g)
{
	int i;

	for (i = 0; i < g->n && i < MAXBLK; i++)
		free(g->der[i]);
}

static int feed_copy(struct pem_scanner *s, const char *p, size_t n)
{
	char *c = t_dup(p, n);
	int rc = pem_feed(s, c, n);

	free(c);
	return rc;
}

enum { M_ONE, M_BYTES, M_SPLIT };

/* Scans in[0..n); M_SPLIT feeds [0, split) then [split, n). A non-zero
 * return stops the scan, as tls.c's callers do. */
static int run_keys; /* the scanner looks for private keys (X_KEYS rows) */

static void run(const char *in, size_t n, int mode, size_t split, int stop_at,
    int stop_val, struct got *g)
{
	static struct pem_scanner s; /* 16 KiB: off the stack */
	int rc = 0;
	size_t i;

	memset(g, 0, sizeof *g);
	g->stop_at = stop_at;
	g->stop_val = stop_val;
	memset(&s, 0xa5, sizeof s); /* pem_init must set every member */
	pem_init(&s, collect, g);
	if (s.keys != 0)
		g->rc = 998; /* pem_init must start in certificate mode: fails the row */
	s.keys = run_keys;
	if (mode == M_ONE) {
		rc = feed_copy(&s, in, n);
	} else if (mode == M_BYTES) {
		for (i = 0; i < n && rc == 0; i++)
			rc = feed_copy(&s, in + i, 1);
	} else {
		rc = feed_copy(&s, in, split);
		if (rc == 0)
			rc = feed_copy(&s, in + split, n - split);
	}
	if (rc == 0) {
		g->in_finish = 1;
		rc = pem_finish(&s);
		if (rc == 0 && pem_finish(&s) != 0)
			rc = 999; /* a second finish must not deliver again */
	}
	if (g->rc != 998)
		g->rc = rc;
}

/* 1 if g holds exactly want[] (B_END-terminated), rc and late. */
static int got_is(const struct got *g, const int *want, int rc, int late)
{
	int i;

	for (i = 0; want[i] != B_END; i++) {
		if (i >= g->n || i >= MAXBLK)
			return 0;
		if (g->len[i] != blob_n[want[i]] ||
		    memcmp(g->der[i], blob[want[i]], g->len[i]) != 0)
			return 0;
	}
	return g->n == i && g->rc == rc && g->late == late;
}

static void describe(const char *label, const char *how, const struct got *g)
{
	int i;

	fprintf(stderr, "  %s (%s): rc %d, %d block(s), %d from pem_finish:", label, how,
	    g->rc, g->n, g->late);
	for (i = 0; i < g->n && i < MAXBLK; i++)
		fprintf(stderr, " %zu", g->len[i]);
	fprintf(stderr, "\n");
}

/* Transformations applied to a row's input. */
enum {
	X_CRLF = 1,      /* every LF becomes CRLF */
	X_TRAIL = 2,     /* " \t" before every line end */
	X_NOEOL = 4,     /* the final LF is dropped */
	X_BLANK = 8,     /* every LF doubled: blank lines everywhere */
	X_KEYS = 16,     /* not a transformation: the scanner looks for keys */
};

static char *xform(const char *in, size_t n, int x, size_t *olen)
{
	char *o = t_xmalloc(n * 5 + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i] != '\n') {
			o[k++] = in[i];
			continue;
		}
		if (x & X_TRAIL) {
			o[k++] = ' ';
			o[k++] = '\t';
		}
		if (x & X_CRLF)
			o[k++] = '\r';
		o[k++] = '\n';
		if (x & X_BLANK)
			o[k++] = '\n';
	}
	if ((x & X_NOEOL) && k > 0 && o[k - 1] == '\n')
		k--;
	*olen = k;
	return o;
}

/* Generated inputs. */
enum {
	G_NONE,
	G_W128,      /* CA re-wrapped at PEM_LINE_MAX columns */
	G_W129,      /* CA re-wrapped at PEM_LINE_MAX + 1 columns, then PIN */
	G_BIG,       /* a PEM_DER_MAX-byte block, then LEAF */
	G_OVER,      /* a PEM_DER_MAX + 1-byte block, then LEAF */
	G_JUNKLINE,  /* a 1000-byte junk line, then PIN */
	G_LONGIN,    /* a 1000-byte line inside a CA block, then LEAF */
};

static char *generate(int gen, size_t *olen)
{
	size_t a, b;
	const char *y;
	char *x, *o;

	switch (gen) {
	case G_W128:
		return pem_wrap(blob[B_CA], blob_n[B_CA], PEM_LINE_MAX, olen);
	case G_W129:
		x = pem_wrap(blob[B_CA], blob_n[B_CA], PEM_LINE_MAX + 1, &a);
		y = PIN_PEM;
		b = sizeof PIN_PEM - 1;
		break;
	case G_BIG:
	case G_OVER:
		x = pem_wrap(blob[B_BIG], PEM_DER_MAX + (gen == G_OVER), 64, &a);
		y = LEAF_PEM;
		b = sizeof LEAF_PEM - 1;
		break;
	case G_JUNKLINE:
		a = 1001;
		x = t_xmalloc(a);
		memset(x, 'A', 1000); /* base64-looking, outside any block */
		x[1000] = '\n';
		y = PIN_PEM;
		b = sizeof PIN_PEM - 1;
		break;
	case G_LONGIN:
		a = sizeof(BEGIN CA_BODY) - 1 + 1001 + sizeof END - 1;
		x = t_xmalloc(a);
		memcpy(x, BEGIN CA_BODY, sizeof(BEGIN CA_BODY) - 1);
		memset(x + sizeof(BEGIN CA_BODY) - 1, 'A', 1000);
		x[sizeof(BEGIN CA_BODY) - 1 + 1000] = '\n';
		memcpy(x + a - (sizeof END - 1), END, sizeof END - 1);
		y = LEAF_PEM;
		b = sizeof LEAF_PEM - 1;
		break;
	default:
		abort();
	}
	o = t_xmalloc(a + b);
	memcpy(o, x, a);
	memcpy(o + a, y, b);
	free(x);
	*olen = a + b;
	return o;
}

struct row {
	const char *label;
	const char *in;
	size_t len;
	int gen;             /* G_*: input generated instead of in */
	int x;               /* X_* transformations */
	int want[MAXBLK];    /* expected blocks, B_END-terminated */
	int rc;              /* pem_feed/pem_finish result */
	int late;            /* blocks delivered only by pem_finish */
	int stop_at, stop_val;
};

static const struct row rows[] = {
	{ "one certificate", IN(CA_PEM), 0, 0, { B_CA }, 0, 0, 0, 0 },
	{ "three certificates back to back", IN(CA_PEM LEAF_PEM PIN_PEM), 0, 0,
	  { B_CA, B_LEAF, B_PIN }, 0, 0, 0, 0 },
	{ "CRLF line endings", IN(CA_PEM LEAF_PEM), 0, X_CRLF, { B_CA, B_LEAF }, 0, 0, 0, 0 },
	{ "trailing spaces and tabs", IN(CA_PEM LEAF_PEM), 0, X_TRAIL, { B_CA, B_LEAF }, 0, 0, 0, 0 },
	{ "CRLF and trailing blanks", IN(PIN_PEM CA_PEM), 0, X_CRLF | X_TRAIL,
	  { B_PIN, B_CA }, 0, 0, 0, 0 },
	{ "blank lines everywhere", IN(LEAF_PEM PIN_PEM), 0, X_BLANK, { B_LEAF, B_PIN }, 0, 0, 0, 0 },
	{ "no newline after the last END: delivered by pem_finish", IN(CA_PEM PIN_PEM), 0, X_NOEOL,
	  { B_CA, B_PIN }, 0, 1, 0, 0 },
	{ "CRLF, no LF after the last END", IN(PIN_PEM), 0, X_CRLF | X_NOEOL, { B_PIN }, 0, 1, 0, 0 },
	{ "trailing blanks, no newline at EOF", IN(LEAF_PEM), 0, X_TRAIL | X_NOEOL, { B_LEAF }, 0, 1, 0, 0 },
	{ "TRUSTED CERTIFICATE block, trust data included", IN(TRUSTED_PEM CA_PEM), 0, 0,
	  { B_TRUSTED, B_CA }, 0, 0, 0, 0 },
	{ "TRUSTED CERTIFICATE with CRLF", IN(TRUSTED_PEM), 0, X_CRLF, { B_TRUSTED }, 0, 0, 0, 0 },
	{ "openssl's Bag Attributes and subject= lines before BEGIN",
	  IN("Bag Attributes\n    friendlyName: pin\nsubject=CN = pin.test\n\nissuer=CN = pin.test\n\n" PIN_PEM),
	  0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "Debian bundle comments between blocks", IN("# atlwho test CA\n" CA_PEM "\n# leaf\n" LEAF_PEM "\n"),
	  0, 0, { B_CA, B_LEAF }, 0, 0, 0, 0 },
	{ "PRIVATE KEY block skipped", IN(KEY_PEM CA_PEM), 0, 0, { B_CA }, 0, 0, 0, 0 },
	{ "END TRUSTED CERTIFICATE does not close BEGIN CERTIFICATE",
	  IN(BEGIN CA_BODY "-----END TRUSTED CERTIFICATE-----\n" PIN_PEM), 0, 0, { B_PIN }, 0, 0, 0, 0 },
	/* --key files: the three unencrypted key labels, nothing else */
	{ "keys: PRIVATE KEY (PKCS #8)", IN(KEY_OF("PRIVATE KEY")), 0, X_KEYS, { B_KEY }, 0, 0, 0, 0 },
	{ "keys: EC PRIVATE KEY (SEC 1)", IN(KEY_OF("EC PRIVATE KEY")), 0, X_KEYS | X_CRLF, { B_KEY }, 0, 0, 0, 0 },
	{ "keys: RSA PRIVATE KEY (PKCS #1)", IN(KEY_OF("RSA PRIVATE KEY")), 0, X_KEYS, { B_KEY }, 0, 0, 0, 0 },
	{ "keys: certificates and parameters are passed over",
	  IN(CA_PEM "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
	  KEY_OF("EC PRIVATE KEY") LEAF_PEM), 0, X_KEYS, { B_KEY }, 0, 0, 0, 0 },
	{ "keys: an END of another label does not close the block",
	  IN("-----BEGIN EC PRIVATE KEY-----\n" KEY_BODY "-----END PRIVATE KEY-----\n" KEY_OF("PRIVATE KEY")),
	  0, X_KEYS, { B_KEY }, 0, 0, 0, 0 },
	{ "keys: ENCRYPTED PRIVATE KEY is not decoded", IN(KEY_OF("ENCRYPTED PRIVATE KEY")), 0, X_KEYS,
	  { B_END }, 0, 0, 0, 0 },
	{ "keys: a Proc-Type encrypted key is not decoded",
	  IN("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" KEY_BODY
	  "-----END RSA PRIVATE KEY-----\n"), 0, X_KEYS, { B_END }, 0, 0, 0, 0 },
	{ "CSR and CRL blocks skipped",
	  IN("-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n-----END CERTIFICATE REQUEST-----\n"
	     "-----BEGIN X509 CRL-----\nTWFu\n-----END X509 CRL-----\n" LEAF_PEM),
	  0, 0, { B_LEAF }, 0, 0, 0, 0 },
	{ "PRIVATE KEY with a CERTIFICATE END is not a certificate",
	  IN("-----BEGIN PRIVATE KEY-----\nTWFu\n" END PIN_PEM), 0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "PRIVATE KEY without END, then a certificate",
	  IN("-----BEGIN PRIVATE KEY-----\nTWFu\n" CA_PEM), 0, 0, { B_CA }, 0, 0, 0, 0 },
	{ "empty input", IN(""), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "junk only, no newline", IN("hello\nworld"), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "NUL bytes in junk", IN("a\0b\n\0\n" PIN_PEM "\0"), 0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "missing END at EOF", IN(BEGIN CA_BODY), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "missing END at EOF, no final newline", IN(BEGIN CA_BODY), 0, X_NOEOL, { B_END }, 0, 0, 0, 0 },
	{ "missing END, then a good certificate", IN(BEGIN CA_BODY LEAF_PEM), 0, 0,
	  { B_LEAF }, 0, 0, 0, 0 },
	{ "END without BEGIN", IN(END PIN_PEM END), 0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "empty block is not delivered", IN(BEGIN END PIN_PEM), 0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "one quad, no padding", IN(BEGIN "TWFu\n" END), 0, 0, { B_MAN }, 0, 0, 0, 0 },
	{ "one '=' of padding", IN(BEGIN "TWE=\n" END), 0, 0, { B_MA }, 0, 0, 0, 0 },
	{ "two '=' of padding", IN(BEGIN "TQ==\n" END), 0, 0, { B_M }, 0, 0, 0, 0 },
	{ "spaces and tabs inside body lines", IN(BEGIN " T W\tFu \n" END), 0, 0, { B_MAN }, 0, 0, 0, 0 },
	{ "quad split over lines", IN(BEGIN "TW\nFu\n" END), 0, 0, { B_MAN }, 0, 0, 0, 0 },
	{ "bad base64 character skipped, next kept", IN(BEGIN "TW!u\n" END LEAF_PEM), 0, 0,
	  { B_LEAF }, 0, 0, 0, 0 },
	{ "Proc-Type header line makes the block unusable",
	  IN(BEGIN "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" CA_BODY END PIN_PEM),
	  0, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "padding in the middle", IN(BEGIN "TWE=\nTWFu\n" END CA_PEM), 0, 0, { B_CA }, 0, 0, 0, 0 },
	{ "padding then data on the same line", IN(BEGIN "TQ==TWFu\n" END), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "one '=' where two are needed", IN(BEGIN "TQ=\n" END), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "three '='", IN(BEGIN "TQ===\n" END), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "'=' after a whole quad", IN(BEGIN "TWFu=\n" END), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "a lone base64 character", IN(BEGIN "TWFuT\n" END), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "missing padding", IN(BEGIN "TQ\n" END LEAF_PEM), 0, 0, { B_LEAF }, 0, 0, 0, 0 },
	{ "leading space before BEGIN: not a boundary", IN(" " CA_PEM), 0, 0, { B_END }, 0, 0, 0, 0 },
	{ "lower-case label", IN("-----begin certificate-----\n" CA_BODY "-----end certificate-----\n"),
	  0, 0, { B_END }, 0, 0, 0, 0 },
	{ "text after the BEGIN boundary", IN("-----BEGIN CERTIFICATE----- x\n" CA_BODY END),
	  0, 0, { B_END }, 0, 0, 0, 0 },
	{ "a second BEGIN restarts the block", IN(BEGIN "TWFu\n" CA_PEM), 0, 0, { B_CA }, 0, 0, 0, 0 },
	{ "stop value from the first block", IN(CA_PEM LEAF_PEM PIN_PEM), 0, 0, { B_CA }, 7, 0, 1, 7 },
	{ "negative stop value from the second block", IN(CA_PEM LEAF_PEM PIN_PEM), 0, X_CRLF,
	  { B_CA, B_LEAF }, -5, 0, 2, -5 },
	{ "stop value from pem_finish", IN(PIN_PEM), 0, X_NOEOL, { B_PIN }, 9, 1, 1, 9 },
	{ "lines of exactly PEM_LINE_MAX", NULL, 0, G_W128, 0, { B_CA }, 0, 0, 0, 0 },
	/* RFC 7468's eol is not part of a line: CRLF must not change which
	 * lines fit, as it changes nothing else. */
	{ "lines of exactly PEM_LINE_MAX, CRLF", NULL, 0, G_W128, X_CRLF, { B_CA }, 0, 0, 0, 0 },
	{ "lines of PEM_LINE_MAX + 1: block skipped", NULL, 0, G_W129, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "lines of PEM_LINE_MAX + 1, CRLF: block skipped", NULL, 0, G_W129, X_CRLF, { B_PIN }, 0, 0, 0, 0 },
	{ "lines of PEM_LINE_MAX + 1, no LF at EOF", NULL, 0, G_W129, X_NOEOL, { B_PIN }, 0, 1, 0, 0 },
	{ "1000-byte junk line, then a certificate", NULL, 0, G_JUNKLINE, 0, { B_PIN }, 0, 0, 0, 0 },
	{ "1000-byte line inside a block", NULL, 0, G_LONGIN, 0, { B_LEAF }, 0, 0, 0, 0 },
	{ "a PEM_DER_MAX-byte block", NULL, 0, G_BIG, 0, { B_BIG, B_LEAF }, 0, 0, 0, 0 },
	{ "a PEM_DER_MAX + 1-byte block is skipped", NULL, 0, G_OVER, X_CRLF, { B_LEAF }, 0, 0, 0, 0 },
};

static void test_rows(void)
{
	size_t r;

	for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct row *w = &rows[r];
		char *in, *base = NULL;
		size_t n, split, nbad = 0, first_bad = 0, stride;
		struct got g;

		if (w->gen)
			base = generate(w->gen, &n);
		run_keys = !!(w->x & X_KEYS);
		in = xform(base ? base : w->in, base ? n : w->len, w->x, &n);
		free(base);

		run(in, n, M_ONE, 0, w->stop_at, w->stop_val, &g);
		T_CHECK(got_is(&g, w->want, w->rc, w->late), w->label);
		if (!got_is(&g, w->want, w->rc, w->late))
			describe(w->label, "one piece", &g);
		got_free(&g);

		run(in, n, M_BYTES, 0, w->stop_at, w->stop_val, &g);
		T_CHECK(got_is(&g, w->want, w->rc, w->late), w->label);
		if (!got_is(&g, w->want, w->rc, w->late))
			describe(w->label, "byte by byte", &g);
		got_free(&g);

		/* Every split of small inputs; near the ends and a stride
		 * through the middle of the 22 KB ones. */
		stride = n > 4096 ? 37 : 1;
		for (split = 0; split <= n; split++) {
			if (stride > 1 && split > 300 && split + 300 < n && split % stride)
				continue;
			run(in, n, M_SPLIT, split, w->stop_at, w->stop_val, &g);
			if (!got_is(&g, w->want, w->rc, w->late) && nbad++ == 0) {
				first_bad = split;
				describe(w->label, "split", &g);
			}
			got_free(&g);
		}
		T_CHECK(nbad == 0, w->label);
		if (nbad)
			fprintf(stderr, "  %s: %zu split(s) wrong, first at %zu\n", w->label, nbad, first_bad);
		free(in);
	}
	run_keys = 0;
}

/* A scanner reused after a stop keeps going from where it stopped. */
static void test_resume_after_stop(void)
{
	static struct pem_scanner s;
	static const char in[] = CA_PEM LEAF_PEM;
	struct got g;
	int rc;

	memset(&g, 0, sizeof g);
	g.stop_at = 1;
	g.stop_val = 3;
	pem_init(&s, collect, &g);
	rc = pem_feed(&s, in, sizeof in - 1);
	T_EQ_INT(rc, 3, "stop value returned");
	T_EQ_INT(g.n, 1, "one block before the stop");
	/* The stop came at the LF after CA's END: feed the rest. */
	rc = pem_feed(&s, in + sizeof CA_PEM - 1, sizeof in - sizeof CA_PEM);
	T_EQ_INT(rc, 0, "rest of the input scanned");
	T_EQ_INT(pem_finish(&s), 0, "finish");
	T_EQ_INT(g.n, 2, "second block after the stop");
	if (g.n == 2)
		T_EQ_MEM(g.der[1], g.len[1], blob[B_LEAF], blob_n[B_LEAF], "second block is LEAF");
	got_free(&g);
}

/* --- der_cert_names --- */

static int names_copy(const unsigned char *der, size_t len, size_t *ioff, size_t *ilen,
    size_t *soff, size_t *slen)
{
	unsigned char *c = t_xmalloc(len);
	const unsigned char *i = NULL, *s = NULL;
	int rc;

	memcpy(c, der, len);
	*ilen = *slen = 0;
	rc = der_cert_names(c, len, &i, ilen, &s, slen);
	if (rc == PEM_OK) {
		/* Both slices must lie inside the buffer given. */
		if (!i || !s || i < c || s < c || *ilen > len || *slen > len ||
		    (size_t)(i - c) > len - *ilen || (size_t)(s - c) > len - *slen)
			rc = 99;
		*ioff = i ? (size_t)(i - c) : 0;
		*soff = s ? (size_t)(s - c) : 0;
	}
	free(c);
	return rc;
}

static void test_names_real(void)
{
	/* From openssl asn1parse -i: offset of the Name SEQUENCE and its
	 * header + content length. */
	static const struct {
		int b;
		size_t ioff, ilen, soff, slen;
		const char *label;
	} t[] = {
		{ B_CA, 47, 2 + 42, 125, 2 + 42, "CA (v3): issuer at 47, subject at 125" },
		{ B_LEAF, 23, 2 + 42, 101, 2 + 28, "LEAF (v1, no [0]): issuer at 23, subject at 101" },
		{ B_PIN, 47, 2 + 19, 102, 2 + 19, "PIN: issuer at 47, subject at 102" },
		{ B_TRUSTED, 23, 2 + 42, 101, 2 + 28, "TRUSTED: trust data after the certificate ignored" },
	};
	size_t k, n, lim;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		size_t io = 0, il = 0, so = 0, sl = 0;
		const unsigned char *d = blob[t[k].b];
		int rc = names_copy(d, blob_n[t[k].b], &io, &il, &so, &sl);
		T_EQ_INT(rc, PEM_OK, t[k].label);
		T_EQ_INT(io, t[k].ioff, t[k].label);
		T_EQ_INT(il, t[k].ilen, t[k].label);
		T_EQ_INT(so, t[k].soff, t[k].label);
		T_EQ_INT(sl, t[k].slen, t[k].label);
		/* Every prefix is cut short of the outer SEQUENCE (TRUSTED's
		 * certificate itself ends at 307). */
		lim = t[k].b == B_TRUSTED ? 307 : blob_n[t[k].b];
		for (n = 0; n < lim; n++)
			if (names_copy(d, n, &io, &il, &so, &sl) != PEM_E_DER)
				break;
		T_EQ_INT(n, lim, t[k].label);
	}
	/* The issuer of LEAF is the subject of CA, byte for byte; PIN and CA
	 * are self-signed. */
	T_EQ_MEM(blob[B_LEAF] + 23, 44, blob[B_CA] + 125, 44, "LEAF issuer == CA subject");
	T_EQ_MEM(blob[B_CA] + 47, 44, blob[B_CA] + 125, 44, "CA issuer == CA subject");
	T_EQ_MEM(blob[B_PIN] + 47, 21, blob[B_PIN] + 102, 21, "PIN issuer == PIN subject");
	T_EQ_MEM(blob[B_LEAF] + 101, 30,
	    "\x30\x1c\x31\x1a\x30\x18\x06\x03\x55\x04\x03\x0c\x11" "jira.example.test", 30,
	    "LEAF subject bytes");
}

/* Every byte of every certificate replaced by a few values: whatever the
 * verdict, nothing is read outside the buffer (ASan) and slices stay in. */
static void test_names_mutations(void)
{
	static const unsigned char vals[] = { 0x00, 0x30, 0x7f, 0x80, 0x84, 0xff };
	int b, bad = 0;
	size_t i, v;

	for (b = B_CA; b <= B_TRUSTED; b++) {
		unsigned char *m = t_xmalloc(blob_n[b]);
		for (i = 0; i < blob_n[b]; i++) {
			for (v = 0; v < sizeof vals; v++) {
				size_t io, il, so, sl;
				int rc;
				memcpy(m, blob[b], blob_n[b]);
				m[i] = vals[v];
				rc = names_copy(m, blob_n[b], &io, &il, &so, &sl);
				if (rc != PEM_OK && rc != PEM_E_DER)
					bad++;
			}
		}
		free(m);
	}
	T_EQ_INT(bad, 0, "mutated certificates: PEM_E_DER or slices inside the buffer");
}

struct drow {
	const char *label;
	const char *der;
	size_t len;
	int rc;
	size_t ioff, ilen, soff, slen;
};

static const struct drow drows[] = {
	{ "empty", IN(""), PEM_E_DER, 0, 0, 0, 0 },
	{ "one byte", IN("\x30"), PEM_E_DER, 0, 0, 0, 0 },
	{ "empty outer SEQUENCE", IN("\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "empty TBSCertificate", IN("\x30\x02\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "minimal: serial, four empty SEQUENCEs",
	  IN("\x30\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"), 0, 9, 2, 13, 2 },
	{ "minimal with [0] version",
	  IN("\x30\x12\x30\x10\xa0\x03\x02\x01\x02\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"),
	  0, 14, 2, 18, 2 },
	{ "long-form lengths (0x81)",
	  IN("\x30\x81\x0e\x30\x81\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"), 0, 11, 2, 15, 2 },
	{ "four length bytes",
	  IN("\x30\x84\x00\x00\x00\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"),
	  0, 13, 2, 17, 2 },
	{ "trailing bytes after the certificate",
	  IN("\x30\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00\xff\xff"), 0, 9, 2, 13, 2 },
	{ "outer tag not SEQUENCE",
	  IN("\x31\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "TBS tag not SEQUENCE",
	  IN("\x30\x0d\x31\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "issuer is a SET",
	  IN("\x30\x0d\x30\x0b\x02\x01\x01\x30\x00\x31\x00\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "subject is a SET",
	  IN("\x30\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x31\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "subject missing", IN("\x30\x0b\x30\x09\x02\x01\x01\x30\x00\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "indefinite length", IN("\x30\x80\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00\x00\x00"),
	  PEM_E_DER, 0, 0, 0, 0 },
	{ "indefinite length on the serial",
	  IN("\x30\x0c\x30\x0a\x02\x80\x30\x00\x30\x00\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "five length bytes", IN("\x30\x85\x00\x00\x00\x00\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00"),
	  PEM_E_DER, 0, 0, 0, 0 },
	{ "length bytes cut short", IN("\x30\x84\x00\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "length 0xffffffff", IN("\x30\x84\xff\xff\xff\xff\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "TBS longer than the certificate",
	  IN("\x30\x0d\x30\x0c\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "issuer longer than the TBS",
	  IN("\x30\x0d\x30\x0b\x02\x01\x01\x30\x00\x30\x07\x30\x00\x30\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "[0] version longer than the TBS",
	  IN("\x30\x07\x30\x05\xa0\x09\x02\x01\x02\x00"), PEM_E_DER, 0, 0, 0, 0 },
	{ "[0] version alone", IN("\x30\x07\x30\x05\xa0\x03\x02\x01\x02"), PEM_E_DER, 0, 0, 0, 0 },
	{ "only a tag inside the TBS", IN("\x30\x03\x30\x01\x02"), PEM_E_DER, 0, 0, 0, 0 },
};

static void test_names_table(void)
{
	size_t k;

	for (k = 0; k < sizeof drows / sizeof drows[0]; k++) {
		const struct drow *d = &drows[k];
		size_t io = 0, il = 0, so = 0, sl = 0;
		int rc = names_copy((const unsigned char *)d->der, d->len, &io, &il, &so, &sl);
		T_EQ_INT(rc, d->rc, d->label);
		if (rc == 0 && d->rc == 0) {
			T_EQ_INT(io, d->ioff, d->label);
			T_EQ_INT(il, d->ilen, d->label);
			T_EQ_INT(so, d->soff, d->label);
			T_EQ_INT(sl, d->slen, d->label);
		}
	}
}

/* Each delivered real block goes straight into der_cert_names, as tls.c's
 * lazy CA search does. */
struct chain_ctx {
	int n, ok;
};

static int names_of_block(void *ctx, const unsigned char *der, size_t len)
{
	struct chain_ctx *c = ctx;
	size_t io, il, so, sl;

	c->n++;
	if (names_copy(der, len, &io, &il, &so, &sl) == PEM_OK)
		c->ok++;
	return 0;
}

static void test_scan_then_names(void)
{
	static struct pem_scanner s;
	static const char in[] = KEY_PEM CA_PEM "junk\n" LEAF_PEM PIN_PEM TRUSTED_PEM;
	struct chain_ctx c = { 0, 0 };

	pem_init(&s, names_of_block, &c);
	T_EQ_INT(pem_feed(&s, in, sizeof in - 1), 0, "bundle scanned");
	T_EQ_INT(pem_finish(&s), 0, "bundle finished");
	T_EQ_INT(c.n, 4, "four certificate blocks in the bundle");
	T_EQ_INT(c.ok, 4, "names found in each");
}

/* der_cert_names_prefix: on every prefix of a real certificate it says
 * "need more" (1) until the subject is complete, then finds the same slices
 * as the full walk; never reads past len (exact-size heap copies). */
static void test_names_prefix(void)
{
	static const int bs[] = { B_CA, B_LEAF, B_PIN };
	size_t k, n;

	for (k = 0; k < sizeof bs / sizeof bs[0]; k++) {
		const unsigned char *fi, *fs, *pi, *ps;
		size_t fil, fsl, pil, psl, end;
		int bad = 0;
		T_EQ_INT(der_cert_names(blob[bs[k]], blob_n[bs[k]], &fi, &fil, &fs, &fsl), PEM_OK, "full walk");
		end = (size_t)(fs - blob[bs[k]]) + fsl;
		for (n = 0; n <= blob_n[bs[k]]; n++) {
			unsigned char *c = t_xmalloc(n ? n : 1);
			int r;
			memcpy(c, blob[bs[k]], n);
			r = der_cert_names_prefix(c, n, &pi, &pil, &ps, &psl);
			if (n < end && r != PEM_MORE)
				bad++;
			if (n >= end && (r != PEM_OK || psl != fsl || (size_t)(ps - c) != (size_t)(fs - blob[bs[k]]) ||
			    pil != fil || (size_t)(pi - c) != (size_t)(fi - blob[bs[k]])))
				bad++;
			free(c);
		}
		T_EQ_INT(bad, 0, "prefix walk: 'need more' before the subject ends, the full answer after");
	}
	{
		static const unsigned char notcert[] = { 0x31, 0x03, 0x02, 0x01, 0x00 };
		const unsigned char *a, *b;
		size_t al, bl;
		T_EQ_INT(der_cert_names_prefix(notcert, sizeof notcert, &a, &al, &b, &bl), PEM_E_DER,
		    "prefix walk: a SET is not a certificate");
	}
}

/* The peek hook: blocks it skips are not decoded and never delivered. */
struct peek_ctx { int peeks, want; struct got g; };

static int peek_want(void *ctx, const unsigned char *der, size_t len)
{
	struct peek_ctx *pc = ctx;
	const unsigned char *i, *s;
	size_t il, sl;
	int r = der_cert_names_prefix(der, len, &i, &il, &s, &sl);

	pc->peeks++;
	if (r == PEM_MORE)
		return PEM_PEEK_MORE;
	if (r != PEM_OK)
		return PEM_PEEK_SKIP;
	/* want the block whose subject equals LEAF's issuer (the CA) */
	return sl == 44 && memcmp(s, blob[B_LEAF] + 23, 44) == 0 ? PEM_PEEK_KEEP : PEM_PEEK_SKIP;
}

static int peek_collect(void *ctx, const unsigned char *der, size_t len)
{
	return collect(&((struct peek_ctx *)ctx)->g, der, len);
}

static void test_peek(void)
{
	static const char bundle[] = LEAF_PEM PIN_PEM CA_PEM LEAF_PEM KEY_PEM CA_PEM;
	size_t step;

	for (step = 1; step <= sizeof bundle; step = step < 8 ? step + 1 : step * 3) {
		struct pem_scanner sc;
		struct peek_ctx pc;
		size_t i;
		memset(&pc, 0, sizeof pc);
		pem_init(&sc, peek_collect, &pc);
		sc.peek = peek_want;
		for (i = 0; i < sizeof bundle - 1; i += step)
			feed_copy(&sc, bundle + i, sizeof bundle - 1 - i < step ? sizeof bundle - 1 - i : step);
		pem_finish(&sc);
		T_EQ_INT(pc.g.n, 2, "peek: only the two CA blocks are delivered");
		T_CHECK(pc.g.n >= 1 && pc.g.len[0] == blob_n[B_CA] && memcmp(pc.g.der[0], blob[B_CA], blob_n[B_CA]) == 0,
		    "peek: the delivered block is the CA's DER, whole");
		T_CHECK(pc.peeks > 0, "peek: the hook was consulted");
		got_free(&pc.g);
	}
}

int main(void)
{
	int i;

	blobs_init();
	test_names_prefix();
	test_peek();
	test_rows();
	test_resume_after_stop();
	test_names_real();
	test_names_mutations();
	test_names_table();
	test_scan_then_names();
	for (i = 1; i < B_N; i++)
		free(blob[i]);
	return t_done();
}
