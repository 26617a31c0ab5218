/* pem.c: streaming PEM certificate scanner (RFC 7468) in constant memory,
 * and a strict minimal DER walk to the subject (RFC 5280 section 4.1). */
#include "pem.h"

#include <string.h>

void pem_init(struct pem_scanner *s, pem_cert_fn fn, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->fn = fn;
	s->ctx = ctx;
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void put_der(struct pem_scanner *s, unsigned char b)
{
	if (s->der_len >= PEM_DER_MAX) {
		s->bad = 1;
		return;
	}
	s->der[s->der_len++] = b;
}

/* Decodes one base64 body line into der[]. */
static void body_line(struct pem_scanner *s, const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n && !s->bad; i++) {
		unsigned char c = (unsigned char)l[i];
		int v;
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '=') {
			s->pad++;
			continue;
		}
		v = b64_val(c);
		if (v < 0 || s->pad) {
			s->bad = 1; /* a header line ("Proc-Type:") or junk */
			return;
		}
		s->acc = (s->acc << 6) | (unsigned long)v;
		if (++s->acc_n == 4) {
			put_der(s, (unsigned char)(s->acc >> 16));
			put_der(s, (unsigned char)(s->acc >> 8));
			put_der(s, (unsigned char)s->acc);
			s->acc = 0;
			s->acc_n = 0;
		}
	}
}

static int line_is(const char *l, size_t n, const char *want)
{
	size_t w = strlen(want);

	while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return n == w && memcmp(l, want, w) == 0;
}

static int end_line(struct pem_scanner *s)
{
	const char *l = s->line;
	size_t n = s->line_len;
	int r = 0;

	if (!s->line_overflow && n > 0 && l[n - 1] == '\r')
		n--;
	if (n > PEM_LINE_MAX)
		s->line_overflow = 1;

	if (s->line_overflow) {
		if (s->in_cert)
			s->bad = 1;
	} else if (line_is(l, n, "-----BEGIN CERTIFICATE-----") ||
	    line_is(l, n, "-----BEGIN TRUSTED CERTIFICATE-----")) {
		s->in_cert = 1;
		s->bad = 0;
		s->der_len = 0;
		s->acc = 0;
		s->acc_n = 0;
		s->pad = 0;
	} else if (s->in_cert && (line_is(l, n, "-----END CERTIFICATE-----") ||
	    line_is(l, n, "-----END TRUSTED CERTIFICATE-----"))) {
		s->in_cert = 0;
		if (s->acc_n == 2 && s->pad == 2)
			put_der(s, (unsigned char)(s->acc >> 4));
		else if (s->acc_n == 3 && s->pad == 1) {
			put_der(s, (unsigned char)(s->acc >> 10));
			put_der(s, (unsigned char)(s->acc >> 2));
		} else if (s->acc_n != 0 || s->pad != 0)
			s->bad = 1;
		if (!s->bad && s->der_len > 0)
			r = s->fn(s->ctx, s->der, s->der_len);
	} else if (s->in_cert) {
		body_line(s, l, n);
	}
	s->line_len = 0;
	s->line_overflow = 0;
	return r;
}

int pem_feed(struct pem_scanner *s, const void *buf, size_t len)
{
	const char *p = buf, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t take = (size_t)((nl ? nl : end) - p);
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
		return -1;
	*tag = *q++;
	n = *q++;
	if (n & 0x80) {
		int k = (int)(n & 0x7f);
		if (k == 0 || k > 4)
			return -1;
		n = 0;
		while (k--) {
			if (q >= end)
				return -1;
			n = (n << 8) | *q++;
		}
	}
	if ((size_t)(end - q) < n)
		return -1;
	*content = q;
	*clen = n;
	*p = q + n;
	return 0;
}

int der_cert_names(const unsigned char *der, size_t len,
    const unsigned char **issuer, size_t *ilen,
    const unsigned char **subject, size_t *slen)
{
	const unsigned char *p = der, *end = der + len, *c, *tbs, *tend, *start;
	unsigned char tag;
	size_t n;
	int i;

	if (der_tlv(&p, end, &tag, &c, &n) || tag != 0x30)  /* Certificate */
		return -1;
	p = c;
	end = c + n;
	if (der_tlv(&p, end, &tag, &tbs, &n) || tag != 0x30) /* TBSCertificate */
		return -1;
	p = tbs;
	tend = tbs + n;
	if (p < tend && *p == 0xa0 && der_tlv(&p, tend, &tag, &c, &n)) /* [0] version */
		return -1;
	for (i = 0; i < 4; i++) { /* serial, signature, issuer, validity */
		start = p;
		if (der_tlv(&p, tend, &tag, &c, &n))
			return -1;
		if (i == 2) {
			if (tag != 0x30)
				return -1;
			*issuer = start;
			*ilen = (size_t)(p - start);
		}
	}
	start = p;
	if (der_tlv(&p, tend, &tag, &c, &n) || tag != 0x30) /* subject */
		return -1;
	*subject = start;
	*slen = (size_t)(p - start);
	return 0;
}
