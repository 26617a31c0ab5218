/* test_redact.c: the secret rule of src/redact.c and the output writer of
 * report.c that applies it. A run of 12 bytes of the token, or of 16 base64
 * characters that encode token bytes only (at any of the three alignments),
 * in the bytes or in their percent decoding, is secret; anything shorter
 * is not. Checked
 * against a brute-force reference written here from the rule: echoes cut
 * at every length and every offset, the Basic credential at every
 * alignment and user-name length, quotes and backslashes in the token,
 * short and 4 KiB tokens, and the stream filter at every chunk size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "redact.h"
#include "report.h"
#include "t.h"

static struct rd_set set;

/* ---- the reference, straight from the rule ---- */

static const char *ref_tok;
static size_t ref_n;
static char ref_b64[3][RD_B64_MAX + 8];
static size_t ref_blen[3];

/* base64 of a zero bytes and the token with b64_encode, then only the
 * characters whose 6 bits all lie within the token's bits. */
static void ref_init(const char *tok, size_t n)
{
	static unsigned char buf[RD_TOKEN_MAX + 2];
	static char enc[RD_B64_MAX + 16];
	size_t a, k, o;

	ref_tok = tok;
	ref_n = n;
	for (a = 0; a < 3; a++) {
		memset(buf, 0, a);
		memcpy(buf + a, tok, n);
		o = b64_encode(enc, sizeof enc, buf, a + n);
		ref_blen[a] = 0;
		for (k = 0; k < o; k++)
			if (6 * k >= 8 * a && 6 * k + 6 <= 8 * (a + n))
				ref_b64[a][ref_blen[a]++] = enc[k];
	}
}

static int occurs(const char *hay, size_t hn, const char *p, size_t w)
{
	size_t i;

	for (i = 0; i + w <= hn; i++)
		if (memcmp(hay + i, p, w) == 0)
			return 1;
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Marks in cov every byte of d that lies in a secret window of d, or whose
 * escape lies in a secret window of d's percent decoding (RFC 3986 2.1,
 * left to right: "%" and two hex digits are one byte, else "%" is itself). */
static void ref_cover(const char *d, size_t n, unsigned char *cov)
{
	static char dec[1 << 18];
	static size_t at[1 << 18], rl[1 << 18];
	size_t wt = ref_n < RD_TOKEN_RUN ? ref_n : RD_TOKEN_RUN, wb = RD_B64_RUN, s, a, i, k;

	for (a = 0; a < 3; a++)
		if (ref_blen[a] && ref_blen[a] < wb)
			wb = ref_blen[a];
	memset(cov, 0, n);
	for (s = 0; s < n; s++) {
		if (s + wt <= n && occurs(ref_tok, ref_n, d + s, wt))
			memset(cov + s, 1, wt);
		for (a = 0; a < 3; a++)
			if (s + wb <= n && occurs(ref_b64[a], ref_blen[a], d + s, wb))
				memset(cov + s, 1, wb);
	}
	for (i = 0, k = 0; i < n; k++) {
		at[k] = i;
		if (d[i] == '%' && i + 2 < n && hexval(d[i + 1]) >= 0 && hexval(d[i + 2]) >= 0) {
			dec[k] = (char)(hexval(d[i + 1]) << 4 | hexval(d[i + 2]));
			rl[k] = 3;
		} else {
			dec[k] = d[i];
			rl[k] = 1;
		}
		i += rl[k];
	}
	for (s = 0; s < k; s++) {
		if (s + wt <= k && occurs(ref_tok, ref_n, dec + s, wt))
			memset(cov + at[s], 1, at[s + wt - 1] + rl[s + wt - 1] - at[s]);
		for (a = 0; a < 3; a++)
			if (s + wb <= k && occurs(ref_b64[a], ref_blen[a], dec + s, wb))
				memset(cov + at[s], 1, at[s + wb - 1] + rl[s + wb - 1] - at[s]);
	}
}

static int ref_secret(const char *d, size_t n)
{
	static unsigned char cov[1 << 16];
	size_t i;

	ref_cover(d, n, cov);
	for (i = 0; i < n; i++)
		if (cov[i])
			return 1;
	return 0;
}

/* d with each stretch of covered bytes written as RD_MARK (malloc'd). */
static char *ref_filter(const char *d, size_t n, size_t *olen)
{
	unsigned char *cov = malloc(n + 1);
	char *out = malloc(n * 2 + 64);
	size_t i, o = 0;

	ref_cover(d, n, cov);
	for (i = 0; i < n; i++) {
		if (!cov[i])
			out[o++] = d[i];
		else if (i == 0 || !cov[i - 1]) {
			memcpy(out + o, RD_MARK, sizeof RD_MARK - 1);
			o += sizeof RD_MARK - 1;
		}
	}
	free(cov);
	*olen = o;
	return out;
}

static void use(const char *tok)
{
	rd_init(&set, tok, strlen(tok));
	ref_init(tok, strlen(tok));
}

/* ---- whole values ---- */

/* Every cut of s (every start, every length up to 40 beyond it): rd_secret
 * agrees with the reference, and with the value fed in two pieces. */
static int cuts_agree(const char *s, size_t n, const char *label)
{
	char v[256];
	size_t i, len;
	int bad = 0;

	for (i = 0; i < n; i++)
		for (len = 1; i + len <= n && len <= 60; len++) {
			struct rd_run r;
			int want, got;

			/* in the middle of other text, as an echo would be */
			v[0] = '[';
			memcpy(v + 1, s + i, len);
			v[len + 1] = ']';
			want = ref_secret(v, len + 2);
			got = rd_secret(&set, v, len + 2);
			rd_run_init(&r);
			rd_feed(&set, &r, v, (len + 2) / 2);
			if (got != want || rd_feed(&set, &r, v + (len + 2) / 2, len + 2 - (len + 2) / 2) != want) {
				if (bad++ < 5)
					fprintf(stderr, "%s: cut at %zu length %zu: want %d got %d\n", label, i, len, want, got);
			}
		}
	return bad;
}

static void test_rule(void)
{
	static const char *const toks[] = {
		"ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab",  /* an Atlassian-style API token */
		"tok\"with\\back'slash-0123456789/+=",      /* quotes and backslashes */
		"NjU4MzQ1ODcyOTQ1OnM0PcAS5BVXX2g6uC7YZ3wX", /* a Data Center PAT (44 chars) */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  /* degenerate: one window */
		"short-tok",                                 /* shorter than 12: matched whole */
		"x",
	};
	static const char *const users[] = { "", "f", "fr", "fred", "fred@example.com", "a:" };
	char label[120], pair[200], enc[400];
	size_t k, u, o;

	for (k = 0; k < sizeof toks / sizeof toks[0]; k++) {
		const char *t = toks[k];
		size_t n = strlen(t);

		use(t);
		snprintf(label, sizeof label, "token %zu: the token whole is secret", k);
		T_CHECK(rd_secret(&set, t, n), label);
		snprintf(label, sizeof label, "token %zu: cut at every length and offset", k);
		T_EQ_INT(cuts_agree(t, n, label), 0, label);
		if (n > RD_TOKEN_RUN) {
			char v[64];
			snprintf(label, sizeof label, "token %zu: 11 bytes are not secret, 12 are", k);
			memcpy(v, t + 3, RD_TOKEN_RUN - 1);
			T_CHECK(!rd_secret(&set, v, RD_TOKEN_RUN - 1), label);
			memcpy(v, t + 3, RD_TOKEN_RUN);
			T_CHECK(rd_secret(&set, v, RD_TOKEN_RUN), label);
		}
		/* base64 of USER ":" TOKEN: every user length gives another
		 * alignment; every cut of the encoding at every length */
		for (u = 0; u < sizeof users / sizeof users[0]; u++) {
			snprintf(pair, sizeof pair, "%s:%s", users[u], t);
			if (!users[u][0])
				snprintf(pair, sizeof pair, "%s", t); /* the token alone, alignment 0 */
			o = b64_encode(enc, sizeof enc, pair, strlen(pair));
			enc[o] = 0;
			snprintf(label, sizeof label, "token %zu, user '%s': base64 cut at every length and offset", k,
			    users[u]);
			T_EQ_INT(cuts_agree(enc, o, label), 0, label);
			if (n >= 13) {
				snprintf(label, sizeof label, "token %zu, user '%s': the Basic credential is secret", k,
				    users[u]);
				T_CHECK(rd_secret(&set, enc, o), label);
			}
		}
	}

	/* The user name alone is not a secret, nor its base64. */
	use("ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab");
	T_CHECK(!rd_secret(&set, "fred@example.com", 16), "the user name is not a secret");
	o = b64_encode(enc, sizeof enc, "fred.longname@example.com:", 26);
	T_CHECK(!rd_secret(&set, enc, o - 4), "base64 of the user part alone is not a secret");
	T_CHECK(!rd_secret(&set, "", 0), "empty value");
	T_CHECK(!rd_secret(NULL, "ATATT3xFfGF0rG5bVyGq1jCk", 24), "no set: nothing is secret");
	rd_init(&set, "", 0);
	T_CHECK(!rd_secret(&set, "anything at all here", 20), "empty token: nothing is secret");
}

/* A 4 KiB token (the longest read): windows from everywhere in it. */
static void test_long_token(void)
{
	static char tok[RD_TOKEN_MAX + 1], enc[RD_B64_MAX + 8];
	uint64_t x = 7;
	size_t i, o, bad = 0;

	for (i = 0; i < RD_TOKEN_MAX; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		tok[i] = (char)('!' + (x >> 33) % 94);
	}
	use(tok);
	for (i = 0; i + RD_TOKEN_RUN <= RD_TOKEN_MAX; i += 7) {
		if (!rd_secret(&set, tok + i, RD_TOKEN_RUN) || rd_secret(&set, tok + i, RD_TOKEN_RUN - 1) !=
		    ref_secret(tok + i, RD_TOKEN_RUN - 1))
			bad++;
	}
	T_EQ_INT(bad, 0, "4 KiB token: every 12-byte window found, 11 bytes as the reference says");
	o = b64_encode(enc, sizeof enc, tok, RD_TOKEN_MAX);
	for (i = 0, bad = 0; i + RD_B64_RUN <= o - 4; i += 5)
		bad += !rd_secret(&set, enc + i, RD_B64_RUN);
	T_EQ_INT(bad, 0, "4 KiB token: every 16-character base64 window found");
	/* The other two alignments, the last one written at the end of pat. */
	for (o = 1; o <= 2; o++) {
		static char pair[RD_TOKEN_MAX + 2];
		size_t w;

		memset(pair, 'u', o);
		memcpy(pair + o, tok, RD_TOKEN_MAX);
		w = b64_encode(enc, sizeof enc, pair, RD_TOKEN_MAX + o);
		for (i = 4, bad = 0; i + RD_B64_RUN <= w - 4; i += 5)
			bad += !rd_secret(&set, enc + i, RD_B64_RUN);
		T_EQ_INT(bad, 0, o == 1 ? "4 KiB token after 1 byte: every base64 window found" :
		    "4 KiB token after 2 bytes: every base64 window found");
	}
	T_CHECK(set.bits <= RD_SLOTS_LOG2 && set.plen <= sizeof set.pat, "4 KiB token: the set's bounds hold");
	rd_init(&set, tok, RD_TOKEN_MAX + 1 - 1);
	T_CHECK(set.tlen == RD_TOKEN_MAX, "RD_TOKEN_MAX bytes are taken");
}

/* ---- the stream filter, through report.c's writer ---- */

static size_t pct_enc(char *o, const char *s, size_t n, unsigned every, int lower);

static char *through(const char *data, size_t n, size_t step, size_t *outlen)
{
	static struct rep_buf b;
	FILE *f = tmpfile();
	size_t i, got;
	long sz;
	char *out;

	rep_init(&b, fileno(f));
	rep_redact(&b, &set);
	for (i = 0; i < n; i += step)
		rep_write(&b, data + i, n - i < step ? n - i : step);
	rep_flush(&b);
	sz = lseek(fileno(f), 0, SEEK_END);
	lseek(fileno(f), 0, SEEK_SET);
	out = malloc((size_t)sz + 1);
	got = (size_t)read(fileno(f), out, (size_t)sz);
	out[got] = 0;
	fclose(f);
	*outlen = got;
	return out;
}

static void same(const char *data, size_t n, const char *label)
{
	static const size_t steps[] = { 1, 2, 3, 7, 15, 16, 17, 64, 4095, 4096, 4097, 100000 };
	size_t rl, ol, s;
	char *ref = ref_filter(data, n, &rl);

	for (s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		char *out = through(data, n, steps[s], &ol);
		char lab[200];
		snprintf(lab, sizeof lab, "%s (chunks of %zu)", label, steps[s]);
		T_EQ_MEM(out, ol, ref, rl, lab);
		free(out);
	}
	free(ref);
}

static void test_filter(void)
{
	const char *tok = "tok-SECRET-4f9a-Zq7x-9Rm4";
	char basic[80], d[400];
	size_t i, n, o;
	char *big, *out;

	use(tok);
	o = b64_encode(basic, sizeof basic, "fred:tok-SECRET-4f9a-Zq7x-9Rm4", 30);
	basic[o] = 0;
	n = (size_t)snprintf(d, sizeof d, "X-Seraph-LoginReason: %s\nLocation: https://evil/?t=%s&b=%s\n", tok, tok,
	    basic);
	same(d, n, "token and Basic credential in header lines");
	out = through(d, n, 1, &o);
	T_CHECK(!strstr(out, "SECRET") && !strstr(out, basic + 8), "byte by byte: nothing leaks");
	T_CHECK(strstr(out, RD_MARK) != NULL, "the mark is shown");
	T_CHECK(strstr(out, "https://evil/?t=") != NULL, "the rest of the line is kept");
	free(out);
	n = (size_t)snprintf(d, sizeof d, "%s%s|%.13s|%.12s|%.11s", tok, tok, tok + 2, tok + 5, tok + 1);
	same(d, n, "adjacent echoes, cut echoes of 13, 12 and 11 bytes");
	n = (size_t)snprintf(d, sizeof d, "%.20s\\\\%s\"'%s", tok, tok + 3, basic + 1);
	same(d, n, "echoes split by escapes and cut base64");
	same("no secrets here at all", 22, "plain text unchanged");

	/* 256 KiB with cut echoes of the token and of its base64 forms at
	 * pseudo-random places and lengths, across every buffer boundary */
	n = 1 << 18;
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + (i * 7919 % 26));
	{
		uint64_t x = 42;
		for (i = 0; i < 400; i++) {
			size_t at, len, a;
			const char *src;
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			at = (size_t)(x >> 33) % (n - 80);
			a = (x >> 20) % 4;
			src = a == 3 ? tok : ref_b64[a];
			len = 8 + (x >> 40) % 14;
			if (len > (a == 3 ? strlen(tok) : ref_blen[a]))
				len = a == 3 ? strlen(tok) : ref_blen[a];
			src += (x >> 50) % ((a == 3 ? strlen(tok) : ref_blen[a]) - len + 1);
			if (x >> 63) { /* escaped, one byte in 1, 2 or 3 */
				char e[80];
				size_t el = pct_enc(e, src, len, 1 + (unsigned)(x >> 16) % 3, (int)(x >> 14) & 1);
				memcpy(big + at, e, el);
			} else
				memcpy(big + at, src, len);
		}
		for (i = REP_BUF - 7; i + 40 < n; i += REP_BUF)
			memcpy(big + i, tok, strlen(tok));
	}
	same(big, n, "256 KiB stream with 400 cut echoes and one across every buffer boundary");
	free(big);

	/* no set: bytes pass unchanged */
	{
		static struct rep_buf b;
		FILE *f = tmpfile();
		char buf[64];
		ssize_t got;
		rep_init(&b, fileno(f));
		rep_write(&b, tok, strlen(tok));
		rep_flush(&b);
		lseek(fileno(f), 0, SEEK_SET);
		got = read(fileno(f), buf, sizeof buf);
		T_EQ_MEM(buf, got < 0 ? 0 : (size_t)got, tok, strlen(tok), "without rep_redact nothing is filtered");
		fclose(f);
	}
}

/* ---- percent encoding ---- */

/* s percent-encoded into o: the bytes at i % every == 0 (every 1: all),
 * with lower- or upper-case digits; returns the length. */
static size_t pct_enc(char *o, const char *s, size_t n, unsigned every, int lower)
{
	const char *hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i % every == 0) {
			o[k++] = '%';
			o[k++] = hex[c >> 4];
			o[k++] = hex[c & 15];
		} else
			o[k++] = (char)c;
	}
	o[k] = 0;
	return k;
}

static void test_percent(void)
{
	static const char *const toks[] = {
		"ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab",
		"tok\"with\\back'slash-0123456789/+=",
		"p%41ss%zz-word-0123%4",                  /* escapes in the token itself */
		"short-tok",
	};
	static const unsigned every[] = { 1, 2, 5 };
	char enc[400], b64[200], label[160], d[600];
	size_t k, e, n, o;

	for (k = 0; k < sizeof toks / sizeof toks[0]; k++) {
		const char *t = toks[k];

		use(t);
		for (e = 0; e < sizeof every / sizeof every[0]; e++) {
			n = pct_enc(enc, t, strlen(t), every[e], (int)e & 1);
			snprintf(label, sizeof label, "token %zu, escaped 1 in %u: secret whole", k, every[e]);
			T_CHECK(rd_secret(&set, enc, n), label);
			snprintf(label, sizeof label, "token %zu, escaped 1 in %u: cut at every length and offset", k,
			    every[e]);
			T_EQ_INT(cuts_agree(enc, n, label), 0, label);
			snprintf(label, sizeof label, "token %zu, escaped 1 in %u, in a Location", k, every[e]);
			o = (size_t)snprintf(d, sizeof d, "Location: https://evil.example/cb?t=%s&x=%%4G%%%%41%%", enc);
			same(d, o, label);
		}
		/* the Basic credential with its "+", "/" and "=" escaped, as in a query */
		o = b64_encode(b64, sizeof b64, t, strlen(t));
		for (e = 0, n = 0; e < o; e++)
			if (b64[e] == '+' || b64[e] == '/' || b64[e] == '=')
				n += (size_t)snprintf(enc + n, sizeof enc - n, "%%%02X", (unsigned char)b64[e]);
			else
				enc[n++] = b64[e];
		snprintf(label, sizeof label, "token %zu: base64 with +/= escaped, cut everywhere", k);
		T_EQ_INT(cuts_agree(enc, n, label), 0, label);
		o = pct_enc(enc, b64, o, 1, 0);
		snprintf(label, sizeof label, "token %zu: base64 all escaped", k);
		same(enc, o, label);
	}
	/* An escape begun when the value ends stands for itself. */
	use("0123456789-%");
	n = pct_enc(enc, "0123456789-", 11, 1, 0);
	enc[n++] = '%';
	T_CHECK(rd_secret(&set, enc, n), "a run ending in a bare '%' after escapes is found at the end");
	T_CHECK(!rd_secret(&set, enc, n - 1), "without the '%' it is one byte short");
	same(enc, n, "the bare '%' at the end, filtered");
	use("0123456789-%4");
	n = pct_enc(enc, "0123456789-", 11, 1, 1);
	memcpy(enc + n, "%4", 3);
	same(enc, n + 2, "a bare '%4' at the end, filtered");
	/* Broken escapes are themselves; "%%41" is "%" then "A". */
	use("AAAA%%41BBBB-cc");
	same("x%41%41%41%41%%%41%41%34%31BBBB-cc|", 35, "broken and nested escapes");
	/* Not secret: 11 bytes of the token escaped. */
	use("ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab");
	n = pct_enc(enc, "ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab" + 4, 11, 1, 0);
	T_CHECK(!rd_secret(&set, enc, n), "11 escaped bytes are not secret");
	n = pct_enc(enc, "ATATT3xFfGF0rG5bVyGq1jCk-9e2pQ3x7ZrT_ab" + 4, 12, 1, 0);
	T_CHECK(rd_secret(&set, enc, n), "12 escaped bytes are");
}

int main(void)
{
	test_rule();
	test_long_token();
	test_filter();
	test_percent();
	return t_done();
}
