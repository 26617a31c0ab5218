/* fuzz_pem.c: libFuzzer target for the PEM scanner and the DER walk to a
 * certificate's names (src/pem.c). Invariants: one-shot, two-chunk and
 * byte-by-byte feeding deliver the same blocks and the same stop value;
 * every block fits PEM_DER_MAX; der_cert_names, on any bytes, returns PEM_E_DER or
 * two Name SEQUENCEs that lie inside the buffer it was given. */
#include "pem.h"
#include "../t.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXREC 64 /* blocks remembered exactly; more are only counted */

/* What a scan delivered, as seen by the callback. */
struct rec {
	unsigned n;                 /* blocks delivered */
	size_t len[MAXREC];
	uint64_t hash[MAXREC];      /* FNV-1a 64 of each block */
	unsigned stop_at;           /* 1-based block to stop at; 0 never */
	int stop_val;
	int rc;
};

/* A failed invariant must stop the fuzzer with a crash it reports. */
static void check(int cond)
{
	if (!cond)
		abort();
}

static uint64_t fnv64(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h;
}

/* der_cert_names on an exact-size heap copy (ASan sees any over-read). */
static void names(const unsigned char *der, size_t len)
{
	unsigned char *c = t_dup(der, len);
	const unsigned char *iss = NULL, *subj = NULL;
	size_t il = 0, sl = 0;

	if (der_cert_names(c, len, &iss, &il, &subj, &sl) == PEM_OK) {
		check(iss >= c && il >= 2 && il <= len && (size_t)(iss - c) <= len - il);
		check(subj >= c && sl >= 2 && sl <= len && (size_t)(subj - c) <= len - sl);
		check(iss[0] == 0x30 && subj[0] == 0x30);
		check(iss + il <= subj); /* the issuer comes first */
	}
	free(c);
}

static int on_block(void *ctx, const unsigned char *der, size_t len)
{
	struct rec *r = ctx;

	check(len > 0 && len <= PEM_DER_MAX);
	if (r->n < MAXREC) {
		r->len[r->n] = len;
		r->hash[r->n] = fnv64(der, len);
	}
	r->n++;
	names(der, len);
	if (r->stop_at && r->n == r->stop_at)
		return r->stop_val;
	return 0;
}

static int feed(struct pem_scanner *s, const uint8_t *p, size_t n)
{
	uint8_t *c;
	int rc;

	if (n == 0)
		return pem_feed(s, "", 0);
	c = t_dup(p, n);
	rc = pem_feed(s, c, n);
	free(c);
	return rc;
}

/* Chunks [0, split) and [split, n), or every byte alone when bytewise; a
 * non-zero return ends the scan, as tls.c's callers do. */
static void scan(const uint8_t *d, size_t n, size_t split, int bytewise,
    unsigned stop_at, int stop_val, struct rec *r)
{
	static struct pem_scanner s; /* 16 KiB */
	int rc = 0;
	size_t i;

	memset(r, 0, sizeof *r);
	r->stop_at = stop_at;
	r->stop_val = stop_val;
	pem_init(&s, on_block, r);
	if (bytewise) {
		/* One reused 1-byte buffer: a malloc per byte would fill
		 * ASan's quarantine. */
		uint8_t *one = malloc(1);

		check(one != NULL);
		for (i = 0; i < n && rc == 0; i++) {
			*one = d[i];
			rc = pem_feed(&s, one, 1);
		}
		free(one);
	} else {
		rc = feed(&s, d, split);
		if (rc == 0)
			rc = feed(&s, d + split, n - split);
	}
	if (rc == 0) {
		rc = pem_finish(&s);
		if (rc == 0)
			check(pem_finish(&s) == 0); /* nothing is delivered twice */
	}
	r->rc = rc;
}

static void same(const struct rec *a, const struct rec *b)
{
	unsigned i;

	check(a->rc == b->rc);
	check(a->n == b->n);
	for (i = 0; i < a->n && i < MAXREC; i++) {
		check(a->len[i] == b->len[i]);
		check(a->hash[i] == b->hash[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec one, two, bytes;
	uint32_t h = 2166136261u; /* FNV-1a: a split that follows the data */
	unsigned stop_at = 0;
	int stop_val = 0;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	/* Half the inputs stop at their 1st..4th block with a value != 0. */
	if (h & 0x100) {
		stop_at = 1 + (h >> 9 & 3);
		stop_val = (h >> 11 & 1) ? -(int)(1 + (h >> 12 & 7)) : (int)(1 + (h >> 12 & 7));
	}
	scan(data, size, size, 0, stop_at, stop_val, &one);
	scan(data, size, h % (size + 1), 0, stop_at, stop_val, &two);
	scan(data, size, 0, 1, stop_at, stop_val, &bytes);
	same(&one, &two);
	same(&one, &bytes);
	if (stop_at) {
		check(one.n <= stop_at);
		check(one.rc == (one.n == stop_at ? stop_val : 0));
	} else {
		check(one.rc == 0);
	}

	/* The input itself as DER. */
	names(data, size);
	return 0;
}
