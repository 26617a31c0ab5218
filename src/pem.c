/* pem.c: streaming PEM certificate scanner (RFC 7468) in constant memory,
 * and a strict minimal DER walk to the subject (RFC 5280 section 4.1). */
#include "pem.h"

#include <string.h>

#include "b64.h"

void pem_init(struct pem_scanner *s, pem_cert_fn fn, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->fn = fn;
	s->ctx = ctx;
}

/* Decodes one base64 body line into der[]: the spaces, tabs and CRs in it
 * are passed over (RFC 7468 section 3 allows white space anywhere). */
static void body_line(struct pem_scanner *s, const char *l, size_t n)
{
	size_t i = 0;

	if (s->decided == PEM_PEEK_SKIP || s->bad)
		return;
	for (;;) {
		i += b64_dec_feed(&s->b64, l + i, n - i, s->der, PEM_DER_MAX, &s->der_len);
		if (i == n)
			return;
		/* a header line ("Proc-Type:"), junk, or more than PEM_DER_MAX */
		if (s->b64.err || !(l[i] == ' ' || l[i] == '\t' || l[i] == '\r')) {
			s->bad = 1;
			return;
		}
		i++;
	}
}

/* The labels of the blocks this scanner decodes (RFC 7468 sections 5, 10,
 * 11; "TRUSTED CERTIFICATE" is OpenSSL's, SEC 1 and PKCS #1 keys are what
 * openssl ecparam/genrsa write), as BEGIN or END lines: which one (1, 2,
 * 3), or 0. */
static int block_line(const struct pem_scanner *s, const char *l, size_t n, const char *what)
{
	static const char *const certs[] = { "CERTIFICATE", "TRUSTED CERTIFICATE", NULL };
	static const char *const keys[] = { "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", NULL };
	const char *const *lab;
	size_t w = strlen(what);

	while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (n < 10 + w || memcmp(l, "-----", 5) != 0 || memcmp(l + 5, what, w) != 0 ||
	    memcmp(l + n - 5, "-----", 5) != 0)
		return 0;
	for (lab = s->keys ? keys : certs; *lab; lab++)
		if (n == 10 + w + strlen(*lab) && memcmp(l + 5 + w, *lab, n - 10 - w) == 0)
			return (int)(lab - (s->keys ? keys : certs)) + 1;
	return 0;
}

static int end_line(struct pem_scanner *s)
{
	const char *l = s->line;
	size_t n = s->line_len;
	int r = 0, begin;

	if (!s->line_overflow && n > 0 && l[n - 1] == '\r')
		n--;
	if (n > PEM_LINE_MAX)
		s->line_overflow = 1;

	if (s->line_overflow) {
		if (s->in_cert)
			s->bad = 1;
	} else if ((begin = block_line(s, l, n, "BEGIN ")) != 0) {
		s->label = begin;
		s->in_cert = 1;
		s->bad = 0;
		s->decided = s->peek ? PEM_PEEK_MORE : PEM_PEEK_KEEP;
		s->der_len = 0;
		b64_dec_init(&s->b64);
	} else if (s->in_cert && block_line(s, l, n, "END ") == s->label) {
		s->in_cert = 0;
		if (b64_dec_end(&s->b64, s->der, PEM_DER_MAX, &s->der_len) != B64_OK)
			s->bad = 1;
		if (!s->bad && s->der_len > 0 && s->decided != PEM_PEEK_SKIP)
			r = s->fn(s->ctx, s->der, s->der_len);
	} else if (s->in_cert) {
		body_line(s, l, n);
		if (s->decided == PEM_PEEK_MORE && !s->bad)
			s->decided = s->peek(s->ctx, s->der, s->der_len);
	}
	s->line_len = 0;
	s->line_overflow = 0;
	return r;
}

int pem_feed(struct pem_scanner *s, const void *buf, size_t len)
{
	const char *p = buf, *end = p + len;

	while (p < end) {
		const char *nl;
		size_t take;
		if (s->skip_line) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl)
				return 0;
			p = nl + 1;
			s->skip_line = 0;
			continue;
		}
		/* Only "-----" lines matter outside a block or in a skipped one:
		 * pass the others over without copying (most of a CA bundle). */
		if (s->line_len == 0 && !s->line_overflow && *p != '-' &&
		    (!s->in_cert || s->decided == PEM_PEEK_SKIP)) {
			s->skip_line = 1;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		take = (size_t)((nl ? nl : end) - p);
		if (!s->line_overflow) {
			if (s->line_len + take > PEM_LINE_MAX + 1)
				s->line_overflow = 1;
			else
				memcpy(s->line + s->line_len, p, take);
			s->line_len += take;
		}
		p += take;
		if (nl) {
			int r = end_line(s);
			p++;
			if (r)
				return r;
		}
	}
	return 0;
}

int pem_finish(struct pem_scanner *s)
{
	s->skip_line = 0;
	if (s->line_len > 0 || s->line_overflow)
		return end_line(s);
	return 0;
}

/* Reads one DER TLV header at *p (definite lengths only, at most 4 length
 * bytes); sets the content slice and advances *p past the whole TLV. */
static int der_tlv(const unsigned char **p, const unsigned char *end,
    unsigned char *tag, const unsigned char **content, size_t *clen)
{
	const unsigned char *q = *p;
	size_t n;

	if (end - q < 2)
		return PEM_E_DER;
	*tag = *q++;
	n = *q++;
	if (n & 0x80) {
		int k = (int)(n & 0x7f);
		if (k == 0 || k > 4)
			return PEM_E_DER;
		n = 0;
		while (k--) {
			if (q >= end)
				return PEM_E_DER;
			n = (n << 8) | *q++;
		}
	}
	if ((size_t)(end - q) < n)
		return PEM_E_DER;
	*content = q;
	*clen = n;
	*p = q + n;
	return PEM_OK;
}

/* Shared walk; partial: the two outer SEQUENCEs may extend past len. */
static int names_walk(const unsigned char *der, size_t len, int partial,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen)
{
	const unsigned char *p = der, *end = der + len, *c, *tbs, *tend, *start;
	unsigned char tag;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) { /* Certificate, then TBSCertificate */
		const unsigned char *q = p;
		if (partial) {
			size_t hl, k;
			if (end - q < 2)
				return PEM_MORE;
			if (q[0] != 0x30)
				return PEM_E_DER;
			hl = 2;
			if (q[1] & 0x80) {
				k = q[1] & 0x7f;
				if (k == 0 || k > 4)
					return PEM_E_DER;
				hl += k;
			}
			if ((size_t)(end - q) < hl)
				return PEM_MORE;
			p = q + hl;
			continue;
		}
		if (der_tlv(&q, end, &tag, &c, &n) || tag != 0x30)
			return PEM_E_DER;
		p = c;
		end = c + n;
	}
	tbs = p;
	tend = end;
	(void)tbs;
	if (p < tend && *p == 0xa0 && der_tlv(&p, tend, &tag, &c, &n)) /* [0] version */
		return partial ? PEM_MORE : PEM_E_DER;
	for (i = 0; i < 4; i++) { /* serial, signature, issuer, validity */
		start = p;
		if (der_tlv(&p, tend, &tag, &c, &n))
			return partial ? PEM_MORE : PEM_E_DER;
		if (i == 2) {
			if (tag != 0x30)
				return PEM_E_DER;
			*issuer = start;
			*ilen = (size_t)(p - start);
		}
	}
	start = p;
	if (der_tlv(&p, tend, &tag, &c, &n))
		return partial ? PEM_MORE : PEM_E_DER;
	if (tag != 0x30) /* subject */
		return PEM_E_DER;
	*subject = start;
	*slen = (size_t)(p - start);
	return PEM_OK;
}

int der_cert_names(const unsigned char *der, size_t len,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen)
{
	return names_walk(der, len, 0, issuer, ilen, subject, slen) == PEM_OK ? PEM_OK : PEM_E_DER;
}

int der_cert_names_prefix(const unsigned char *der, size_t len,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen)
{
	return names_walk(der, len, 1, issuer, ilen, subject, slen);
}
