/* redact.h: which bytes atlwho must never print because they would give the
 * token away, as one rule for every value and every stream. */
#ifndef ATLWHO_REDACT_H
#define ATLWHO_REDACT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The rule. A run of RD_TOKEN_RUN consecutive bytes of the token, or of
 * RD_B64_RUN consecutive characters of its base64 form that encode token
 * bytes only, at any of the three alignments (so the Basic credential
 * base64(USER ":" TOKEN) is covered whatever the length of USER, and the
 * user name itself is not a secret), is a secret. A token shorter than
 * RD_TOKEN_RUN is matched whole, and its base64 forms by as many characters
 * as the shortest of them has. The same runs are found in the bytes' percent
 * decoding too (RFC 3986 section 2.1: "%" and two hex digits of either case
 * stand for one byte; any other "%" is itself), so a server that puts the
 * token, whole or partly escaped, into a URL (a Location) gives nothing
 * away either: the secret stretch is then the escapes that decode to the run.
 *
 * Why runs and not the whole token: a value cut to a cap (a field, a header
 * copy, the reason phrase) or split by an escape still shows most of the
 * token; 12 bytes (96 bits) of a random token, or the 16 base64 characters
 * that carry 12 bytes, are far beyond what a run can share with an honest
 * value by chance, yet any longer echo contains such a run.
 *
 * Users:
 * - rd_secret() decides for a whole value (a header field, a message
 *   line); the caller then shows RD_MARK instead of the value.
 * - struct rd_run follows a value that arrives in pieces (a JSON string as
 *   json.c decodes it, the status line byte by byte): its hit flag says
 *   whether any run was seen, whatever was kept of the value.
 * - struct rd_filter passes a stream (the --raw body, everything atlwho
 *   writes) and replaces each stretch of secret bytes by RD_MARK; it holds
 *   back the last RD_RAW_MAX - 1 bytes at most (3 * window + 1: as many as
 *   a run can cover), so a run split across two writes (two TLS records)
 *   is still caught.
 *
 * Memory: struct rd_set is fixed (86 KiB, keep it static); only the part a
 * token needs is ever touched (about 9 KiB for a 192-byte token).
 * Nothing here allocates, does I/O or keeps a pointer to the token.
 */

#define RD_TOKEN_RUN 12    /* bytes: 96 bits, no honest value shares them */
#define RD_B64_RUN 16      /* base64 characters: the same 12 bytes, encoded */
#define RD_WIN_MAX 16      /* the longer of the two windows */
/* The most raw bytes one run can cover: every byte of the longer window
 * escaped ("%XX"), and a broken escape ("%X") found only after it. */
#define RD_RAW_MAX (3 * RD_WIN_MAX + 2)
#define RD_TOKEN_MAX 4096  /* main's TOKEN_MAX: the longest token read */
/* Base64 characters of the longest token at one alignment. */
#define RD_B64_MAX ((RD_TOKEN_MAX + 2) * 4 / 3)
/* Hash slots: a power of two, 3 times the windows of a token (no more than
 * the bytes of pat) up to 2 KiB; the 20,479 of the longest fill 2/3. */
#define RD_SLOTS_LOG2 15
#define RD_MARK "<redacted>"

struct rd_set {
	size_t tlen;            /* token length; 0: nothing is secret */
	size_t plen;            /* bytes used in pat (the token, then base64) */
	unsigned wt, wb;        /* window of the token and of its base64 forms */
	unsigned wh;            /* the shorter: windows are hashed by their last wh bytes */
	unsigned bits;          /* log2 of the slots in use */
	uint32_t pow;           /* the hash base to the power wh */
	unsigned char pat[RD_TOKEN_MAX + 3 * RD_B64_MAX];
	uint16_t slot[1u << RD_SLOTS_LOG2]; /* a window's start in pat + 1, or 0 */
};

/* Copies the token (n bytes, at most RD_TOKEN_MAX; longer or 0 makes an
 * empty set) and its base64 forms into s and indexes their windows. Wipe
 * s->pat[0..plen) and s->slot[0..1 << bits) when done: both reveal the token. */
void rd_init(struct rd_set *s, const void *tok, size_t n);

/* 1 if p[0..n) contains a secret run; 0 for a NULL or empty set. */
int rd_secret(const struct rd_set *s, const void *p, size_t n);

/* A value or stream followed byte by byte; zero it (or rd_run_init) to start. */
struct rd_run {
	uint32_t h;                      /* rolling hash of the last wh bytes */
	unsigned n;                      /* bytes seen (saturates) */
	unsigned char last[2 * 64];      /* the last len bytes, at least the last
	                                    64 (>= RD_RAW_MAX) once there are so many */
	unsigned char len;
	unsigned char hit;               /* a secret run was seen */
	/* The percent decoding of the same bytes: */
	unsigned char dec[2 * RD_WIN_MAX]; /* the last dlen decoded bytes */
	unsigned char draw[2 * RD_WIN_MAX]; /* raw bytes each stands for: 1 or 3 */
	unsigned char dlen;
	unsigned char esc;               /* decoded bytes since the newest escape */
	unsigned char pct;               /* an escape begun: 1 "%", 2 "%X" */
	unsigned char hic;               /* the X of "%X" */
};
void rd_run_init(struct rd_run *r);
/* One byte; returns which of the newest raw bytes (bit i: the i-th newest,
 * this one is bit 0) lie in a secret run found with it, else 0. */
uint64_t rd_step(const struct rd_set *s, struct rd_run *r, unsigned char c);
/* The value has ended: an escape begun stands for itself. Returns as
 * rd_step does for the last byte. */
uint64_t rd_end(const struct rd_set *s, struct rd_run *r);
/* n bytes; returns r->hit. */
int rd_feed(const struct rd_set *s, struct rd_run *r, const void *p, size_t n);

/* A stream filter: emit gets the stream with every stretch of secret
 * bytes replaced by one RD_MARK, in pieces (n >= 1). */
typedef void (*rd_emit_fn)(void *ctx, const void *p, size_t n);
struct rd_filter {
	const struct rd_set *set;        /* NULL: bytes pass unchanged */
	rd_emit_fn emit;
	void *ctx;
	struct rd_run run;               /* it keeps the bytes held back */
	uint64_t cover;                  /* bit i: the i-th newest held byte is secret */
	unsigned char n;                 /* bytes held (the newest n of run.last) */
	unsigned char marked;            /* the last thing emitted was RD_MARK */
};
void rd_filter_init(struct rd_filter *f, const struct rd_set *s, rd_emit_fn emit, void *ctx);
void rd_filter_put(struct rd_filter *f, const void *p, size_t n);
/* Emits what is held and starts afresh (a run never spans an end). */
void rd_filter_end(struct rd_filter *f);

#endif
