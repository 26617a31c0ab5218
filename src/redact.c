/* redact.c: the token's runs and base64 runs (see redact.h), found with one
 * rolling hash over the last bytes and one open-addressing table; the base64
 * forms are b64.c's encoding. */
#include "redact.h"

#include <stddef.h>
#include <string.h>

#include "ascii.h"
#include "b64.h"

#define RD_BASE 0x01000193u /* polynomial hash base (odd, FNV's prime) */
#define RD_MIX 0x9E3779B1u  /* Fibonacci hashing: 2^32 / golden ratio */

/* Every window is indexed by the hash of its last wh bytes (wh is the
 * shorter window), so one rolling hash serves both kinds. */
static uint32_t hash(const unsigned char *p, unsigned w)
{
	uint32_t h = 0;

	while (w--)
		h = h * RD_BASE + *p++;
	return h;
}

/* Walks the chain of hash h for the window that ends at end (have bytes
 * before it are valid). need > 0 (indexing): returns the slot holding the
 * same window of need bytes, or the empty slot that ends the chain. need
 * == 0 (matching): returns the longest window found, 0 if none. */
static unsigned walk(const struct rd_set *s, uint32_t h, const unsigned char *end, unsigned have,
    unsigned need)
{
	unsigned mask = (1u << s->bits) - 1, i = (uint32_t)(h * RD_MIX) >> (32 - s->bits), e, m = 0;

	for (; (e = s->slot[i]) != 0; i = (i + 1) & mask) {
		unsigned w = e > s->tlen ? s->wb : s->wt; /* pat: the token, then base64 */

		/* the last byte first: most probes end there, without a call */
		if (w <= have && (!need || w == need) && s->pat[e + w - 2] == end[-1] &&
		    memcmp(s->pat + e - 1, end - w, w) == 0) {
			if (need)
				return i;
			if (w > m)
				m = w;
		}
	}
	return need ? i : m;
}

/* The characters of base64(a zero bytes, then the token's n bytes), a = 0,
 * 1, 2, that carry token bits only, into dst (cap: b64_encoded_len(n) + 2
 * at least); returns how many. Character k carries bits 6k..6k+5, so the
 * first of them is (4a + 2) / 3 and the last before 4(a + n) / 3. The
 * first group (the zero bytes and up to 3 - a token bytes) is encoded
 * apart; the rest of the token is then group-aligned, and the characters
 * past its last bit (a partial one and the '=') are written but not
 * counted. */
static size_t encoded_run(unsigned char *dst, size_t cap, const unsigned char *t, size_t n, size_t a)
{
	unsigned char g[3] = { 0, 0, 0 };
	char q[4];
	size_t head = a == 0 ? 0 : 3 - a < n ? 3 - a : n, o = 4 * (a + head) / 3 - (4 * a + 2) / 3;

	memcpy(g + a, t, head);
	b64_encode(q, sizeof q, g, a + head);
	memcpy(dst, q + (4 * a + 2) / 3, o);
	b64_encode((char *)dst + o, cap - o, t + head, n - head);
	return o + 4 * (n - head) / 3;
}

void rd_init(struct rd_set *s, const void *tok, size_t n)
{
	static const unsigned char one[RD_WIN_MAX + 1] = { 1 }; /* hash: RD_BASE^w */
	const unsigned char *t = tok;
	size_t a, at, bound[5];

	memset(s, 0, offsetof(struct rd_set, pat));
	if (n == 0 || n > RD_TOKEN_MAX)
		return;
	memcpy(s->pat, tok, n);
	s->wt = n < RD_TOKEN_RUN ? (unsigned)n : RD_TOKEN_RUN;
	s->wb = RD_B64_RUN;
	s->tlen = bound[1] = n;
	bound[0] = 0;
	for (a = 0, at = n; a < 3; a++) {
		at += encoded_run(s->pat + at, sizeof s->pat - at, t, n, a);
		if (at > bound[a + 1] && at - bound[a + 1] < s->wb)
			s->wb = (unsigned)(at - bound[a + 1]);
		bound[a + 2] = at;
	}
	s->plen = at;
	s->wh = s->wt < s->wb ? s->wt : s->wb;
	s->pow = hash(one, s->wh + 1);
	/* At most plen windows: a load of 1/3 keeps a miss (nearly every
	 * byte looked up) to about 1.6 probes. */
	for (s->bits = 4; s->bits < RD_SLOTS_LOG2 && (1u << s->bits) < 3 * at; s->bits++)
		;
	memset(s->slot, 0, sizeof(s->slot[0]) << s->bits);
	/* The windows of each form, none across two. */
	for (a = 0; a < 4; a++) {
		unsigned w = a ? s->wb : s->wt, i;

		for (at = bound[a]; at + w <= bound[a + 1]; at++) {
			const unsigned char *end = s->pat + at + w;

			i = walk(s, hash(end - s->wh, s->wh), end, w, w);
			if (s->slot[i] == 0) /* else the same window is there already */
				s->slot[i] = (uint16_t)(at + 1);
		}
	}
}

void rd_run_init(struct rd_run *r)
{
	memset(r, 0, sizeof(*r));
}

/* Appends one decoded byte (standing for raw raw bytes, after raw bytes
 * back from the newest) and looks up the windows that end with it and hold
 * an escape; the others are the raw bytes' own, found by rd_step. */
static uint64_t dec_push(const struct rd_set *s, struct rd_run *r, unsigned char c, unsigned raw,
    unsigned after)
{
	unsigned wmax = s->wt > s->wb ? s->wt : s->wb, m, span, i;
	uint32_t h;

	if (r->dlen == sizeof r->dec) { /* keep the newest RD_WIN_MAX */
		memmove(r->dec, r->dec + RD_WIN_MAX, RD_WIN_MAX);
		memmove(r->draw, r->draw + RD_WIN_MAX, RD_WIN_MAX);
		r->dlen = RD_WIN_MAX;
	}
	r->dec[r->dlen] = c;
	r->draw[r->dlen++] = (unsigned char)raw;
	r->esc = raw > 1 ? 0 : r->esc < 255 ? (unsigned char)(r->esc + 1) : 255;
	if (r->esc >= wmax || r->dlen < s->wh)
		return 0;
	h = hash(r->dec + r->dlen - s->wh, s->wh);
	if (!s->slot[(uint32_t)(h * RD_MIX) >> (32 - s->bits)] ||
	    (m = walk(s, h, r->dec + r->dlen, r->dlen, 0)) == 0)
		return 0;
	for (span = 0, i = 0; i < m; i++)
		span += r->draw[r->dlen - 1 - i];
	return (((uint64_t)1 << span) - 1) << after;
}

/* An escape begun ends as itself: "%", then its digit. */
static uint64_t pct_flush(const struct rd_set *s, struct rd_run *r, unsigned after)
{
	uint64_t m = 0;

	if (r->pct)
		m = dec_push(s, r, '%', 1, after + r->pct - 1);
	if (r->pct == 2)
		m |= dec_push(s, r, r->hic, 1, after);
	r->pct = 0;
	return m;
}

uint64_t rd_step(const struct rd_set *s, struct rd_run *r, unsigned char c)
{
	unsigned m;
	uint64_t cov;
	int v;

	if (!s || !s->tlen)
		return 0;
	if (r->len == sizeof r->last) { /* keep the newest half */
		memmove(r->last, r->last + sizeof r->last / 2, sizeof r->last / 2);
		r->len = sizeof r->last / 2;
	}
	r->last[r->len++] = c;
	if (r->n <= RD_WIN_MAX)
		r->n++;
	/* Roll the hash of the last wh bytes: c in, the byte wh back out. */
	r->h = r->h * RD_BASE + c - (r->n > s->wh ? r->last[r->len - 1 - s->wh] * s->pow : 0);
	/* Most bytes end no window: an empty first slot says so at once. */
	m = r->n < s->wh || !s->slot[(uint32_t)(r->h * RD_MIX) >> (32 - s->bits)] ? 0 :
	    walk(s, r->h, r->last + r->len, r->n, 0);
	cov = m ? ((uint64_t)1 << m) - 1 : 0;
	/* The percent decoding: c completes an escape, breaks one, or is itself. */
	v = ascii_hexval(c);
	if (r->pct == 1 && v >= 0) {
		r->pct = 2;
		r->hic = c;
	} else if (r->pct == 2 && v >= 0) {
		r->pct = 0;
		cov |= dec_push(s, r, (unsigned char)((unsigned)ascii_hexval(r->hic) << 4 | (unsigned)v), 3, 0);
	} else {
		cov |= pct_flush(s, r, 1);
		if (c == '%')
			r->pct = 1;
		else
			cov |= dec_push(s, r, c, 1, 0);
	}
	if (cov)
		r->hit = 1;
	return cov;
}

uint64_t rd_end(const struct rd_set *s, struct rd_run *r)
{
	uint64_t cov;

	if (!s || !s->tlen)
		return 0;
	cov = pct_flush(s, r, 0);
	if (cov)
		r->hit = 1;
	return cov;
}

int rd_feed(const struct rd_set *s, struct rd_run *r, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (s && s->tlen)
		for (i = 0; i < n && !r->hit; i++)
			rd_step(s, r, b[i]);
	return r->hit;
}

int rd_secret(const struct rd_set *s, const void *p, size_t n)
{
	struct rd_run r;

	rd_run_init(&r);
	if (!rd_feed(s, &r, p, n))
		rd_end(s, &r);
	return r.hit;
}

void rd_filter_init(struct rd_filter *f, const struct rd_set *s, rd_emit_fn emit, void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->set = s && s->tlen ? s : NULL;
	f->emit = emit;
	f->ctx = ctx;
}

/* The oldest held byte is final: it goes out, or joins the mark. The held
 * bytes are the newest n the run keeps. */
static void release(struct rd_filter *f)
{
	uint64_t bit = (uint64_t)1 << (f->n - 1);

	if (f->cover & bit) {
		if (!f->marked)
			f->emit(f->ctx, RD_MARK, sizeof RD_MARK - 1);
		f->marked = 1;
	} else {
		f->emit(f->ctx, f->run.last + f->run.len - f->n, 1);
		f->marked = 0;
	}
	f->cover &= ~bit;
	f->n--;
}

void rd_filter_put(struct rd_filter *f, const void *p, size_t n)
{
	const unsigned char *b = p;
	unsigned keep;
	size_t i;

	if (!f->set) {
		if (n)
			f->emit(f->ctx, p, n);
		return;
	}
	/* A run found at a later byte reaches at most keep bytes back: its
	 * window all escapes, found at the byte that broke an escape after it. */
	keep = 3 * (f->set->wt > f->set->wb ? f->set->wt : f->set->wb) + 1;
	for (i = 0; i < n; i++) {
		uint64_t m = rd_step(f->set, &f->run, b[i]);

		f->n++;
		f->cover = f->cover << 1 | m;
		while (f->n > keep)
			release(f);
	}
}

void rd_filter_end(struct rd_filter *f)
{
	if (f->set)
		f->cover |= rd_end(f->set, &f->run);
	while (f->n)
		release(f);
	rd_run_init(&f->run);
	f->marked = 0;
}
