/* test_redact.c: the output redactor of report.c. Whatever a hostile server
 * echoes, no registered secret (token, Basic credentials) reaches stdout or
 * stderr: checked for secrets split across writes and across buffer wraps,
 * against a reference replacement computed here, with every chunk size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "t.h"

/* Writes data through a rep_buf in chunks of `step` and returns what came out. */
static char *through(const char *const *sec, int nsec, const char *data, size_t n, size_t step,
    size_t *outlen)
{
	static struct rep_buf b;
	FILE *f = tmpfile();
	size_t i, got;
	long sz;
	char *out;
	int k;

	rep_init(&b, fileno(f));
	for (k = 0; k < nsec; k++)
		rep_secret(&b, sec[k], strlen(sec[k]));
	for (i = 0; i < n; i += step)
		rep_write(&b, data + i, n - i < step ? n - i : step);
	rep_flush(&b);
	fflush(f);
	sz = lseek(fileno(f), 0, SEEK_END);
	lseek(fileno(f), 0, SEEK_SET);
	out = malloc((size_t)sz + 1);
	got = (size_t)read(fileno(f), out, (size_t)sz);
	out[got] = 0;
	fclose(f);
	*outlen = got;
	return out;
}

/* Reference: leftmost-first replacement, the longer secret winning a tie. */
static char *reference(const char *const *sec, int nsec, const char *data, size_t n, size_t *outlen)
{
	char *out = malloc(n * 2 + 64);
	size_t i = 0, o = 0;

	while (i < n) {
		int k, hit = -1;
		for (k = 0; k < nsec; k++) {
			size_t l = strlen(sec[k]);
			if (l <= n - i && memcmp(data + i, sec[k], l) == 0 &&
			    (hit < 0 || l > strlen(sec[hit])))
				hit = k;
		}
		if (hit >= 0) {
			memcpy(out + o, REP_REDACTED, strlen(REP_REDACTED));
			o += strlen(REP_REDACTED);
			i += strlen(sec[hit]);
		} else {
			out[o++] = data[i++];
		}
	}
	*outlen = o;
	return out;
}

static void same(const char *const *sec, int nsec, const char *data, size_t n, const char *label)
{
	static const size_t steps[] = { 1, 2, 3, 7, 64, 4095, 4096, 16383, 16384, 16385, 100000 };
	size_t rl, ol, s;
	char *ref = reference(sec, nsec, data, n, &rl);

	for (s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		char *out = through(sec, nsec, data, n, steps[s], &ol);
		char lab[160];
		snprintf(lab, sizeof lab, "%s (chunks of %zu)", label, steps[s]);
		T_EQ_MEM(out, ol, ref, rl, lab);
		free(out);
	}
	free(ref);
}

int main(void)
{
	const char *tok = "tok-SECRET-4f9a";
	const char *basic = "ZnJlZDp0b2stU0VDUkVULTRmOWE="; /* fred:tok-SECRET-4f9a */
	const char *both[2] = { tok, basic };
	size_t n, i, ol;
	char *big, *out;

	{
		const char *d = "X-Seraph-LoginReason: tok-SECRET-4f9a\nLocation: https://evil/?t=tok-SECRET-4f9a&b=ZnJlZDp0b2stU0VDUkVULTRmOWE=\n";
		same(both, 2, d, strlen(d), "secrets in header lines");
		out = through(both, 2, d, strlen(d), 1, &ol);
		T_CHECK(!strstr(out, tok) && !strstr(out, basic), "byte by byte: nothing leaks");
		T_CHECK(strstr(out, REP_REDACTED) != NULL, "the redaction marker is shown");
		free(out);
	}
	{
		const char *d = "tok-SECRET-4f9atok-SECRET-4f9a";
		same(both, 2, d, strlen(d), "adjacent occurrences");
	}
	{
		const char *d = "tok-SECRET-4f9";
		same(both, 2, d, strlen(d), "a prefix of the secret at the end is not a secret");
	}
	{
		const char *d = "no secrets here at all";
		same(both, 2, d, strlen(d), "plain text unchanged");
		same(both, 0, d, strlen(d), "no secret registered");
	}

	/* 1 MB of text with secrets at pseudo-random places, including
	 * straddling every multiple of the buffer size. */
	n = 1 << 20;
	big = malloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + (i * 7919 % 26));
	for (i = REP_BUF - 5; i + 40 < n; i += REP_BUF) {
		memcpy(big + i, tok, strlen(tok));
		memcpy(big + i + 20, basic, strlen(basic) - 3);
	}
	{
		uint64_t x = 42;
		for (i = 0; i < 500; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t at = (size_t)(x >> 33) % (n - 64);
			const char *s = (x >> 20) & 1 ? tok : basic;
			memcpy(big + at, s, strlen(s));
		}
	}
	same(both, 2, big, n, "1 MB stream with 564 planted secrets");
	out = through(both, 2, big, n, 16384, &ol);
	big[n] = 0;
	{
		int leaked = 0;
		for (i = 0; i + strlen(tok) <= ol; i++)
			if (memcmp(out + i, tok, strlen(tok)) == 0 ||
			    (i + strlen(basic) <= ol && memcmp(out + i, basic, strlen(basic)) == 0))
				leaked++;
		T_EQ_INT(leaked, 0, "no secret anywhere in the 1 MB output");
	}
	free(out);
	free(big);
	return t_done();
}
