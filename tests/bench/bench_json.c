/* bench_json.c: throughput and peak memory of the JSON scanner (src/json.c)
 * on a generated Jira user reply with a huge groups.items array. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Feed size: what a TLS record read hands the scanner (16 KiB records). */
#define CHUNK 16384
#define SMALL_DOC 20000u    /* a 20 KB reply: a user in a few dozen groups */
#define LARGE_DOC 20000000u /* 20 MB: ~50k groups, or a hostile server */
#define RUNS 5              /* best of: hides scheduler noise on 2 cores */

/* Resumable producer of a Jira /myself reply of about `target` bytes, so a
 * document can be streamed without ever being whole in memory. */
struct gen {
	size_t target, queued, item; /* queued: bytes put in tmp so far */
	int phase;              /* 0 header, 1 items, 2 footer, 3 done */
	char tmp[640];
	size_t tlen, tpos;
};

static const char gen_head[] =
    "{\"self\":\"https://jira.example.com/rest/api/2/user?username=fred\","
    "\"key\":\"JIRAUSER19571\",\"name\":\"fred\","
    "\"emailAddress\":\"fred@example.com\",\"avatarUrls\":{\"48x48\":"
    "\"https://jira.example.com/secure/useravatar?size=large&ownerId=fred\"},"
    "\"displayName\":\"Fr\\u00e9d\\u00e9ric \\\"Fred\\\" Us\xc3\xa9r\","
    "\"active\":true,\"deleted\":false,\"timeZone\":\"Australia/Sydney\","
    "\"locale\":\"en_US\",\"groups\":{\"size\":0,\"items\":[";
static const char gen_tail[] =
    "]},\"applicationRoles\":{\"size\":1,\"items\":[]},"
    "\"expand\":\"groups,applicationRoles\"}\n";

static void gen_init(struct gen *g, size_t target)
{
	memset(g, 0, sizeof(*g));
	g->target = target;
}

/* Load the next piece of text into g->tmp. */
static void gen_next(struct gen *g)
{
	size_t i = g->item;
	int n;

	g->tpos = 0;
	if (g->phase == 0) {
		memcpy(g->tmp, gen_head, sizeof(gen_head) - 1);
		g->tlen = sizeof(gen_head) - 1;
		g->queued += g->tlen;
		g->phase = 1;
		return;
	}
	if (g->phase == 1 &&
	    g->queued + sizeof(g->tmp) + sizeof(gen_tail) <= g->target) {
		/* One group: escapes, raw UTF-8, numbers, nested object. */
		n = snprintf(g->tmp, sizeof(g->tmp),
		    "%s{\"name\":\"jira-group-%zu caf\\u00e9 \\\"q\\\" a\\\\b "
		    "\xc5\xa1\xc3\xa9\xe2\x82\xac\",\"self\":"
		    "\"https:\\/\\/jira.example.com\\/rest\\/api\\/2\\/group?"
		    "groupname=jira-group-%zu\",\"groupId\":\"%08zx-4e1f-9a3b-"
		    "%012zx\",\"id\":%zu,\"weight\":-%zu.%03zue-3,"
		    "\"managed\":%s,\"description\":null,\"labels\":[\"a\","
		    "\"b\\tc\",%zu],\"meta\":{\"created\":\"2024-01-%02zuT10:"
		    "00:00.000+0000\",\"depth\":{\"x\":[1,2,3]}}}",
		    i ? "," : "", i, i, i * 2654435761u % 0xffffffffu,
		    i * 40503u, i, i % 1000, i % 997, i & 1 ? "true" : "false",
		    i, i % 28 + 1);
		g->tlen = n > 0 ? (size_t)n : 0;
		g->queued += g->tlen;
		g->item++;
		return;
	}
	if (g->phase <= 1) {
		memcpy(g->tmp, gen_tail, sizeof(gen_tail) - 1);
		g->tlen = sizeof(gen_tail) - 1;
		g->phase = 2;
		return;
	}
	g->tlen = 0;
	g->phase = 3;
}

/* Fill dst with up to cap bytes of the document; 0 at its end. */
static size_t gen_fill(struct gen *g, char *dst, size_t cap)
{
	size_t n = 0;

	while (n < cap) {
		size_t k;

		if (g->tpos == g->tlen) {
			if (g->phase == 3)
				break;
			gen_next(g);
			continue;
		}
		k = g->tlen - g->tpos;
		if (k > cap - n)
			k = cap - n;
		memcpy(dst + n, g->tmp + g->tpos, k);
		g->tpos += k;
		n += k;
	}
	return n;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss; /* KiB on Linux */
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The scan must succeed and find the user: a fast wrong answer is no
 * benchmark. Exits non-zero otherwise; says nothing about time. */
static void verify(struct js_scanner *s, int rc, const char *what)
{
	char msg[200];

	if (rc == JS_OK)
		rc = js_finish(s);
	if (rc != JS_OK || !s->f[JS_NAME].present ||
	    strcmp(s->f[JS_NAME].buf, "fred") != 0 || s->active != 1) {
		js_errmsg(s, msg, sizeof(msg));
		fprintf(stderr, "bench_json: %s: wrong result: %s\n", what,
		    msg);
		exit(1);
	}
}

/* Stream a generated document through the scanner, never holding it. */
static size_t stream_doc(size_t target)
{
	static char chunk[CHUNK];
	struct js_scanner s;
	struct gen g;
	size_t n, total = 0;
	int rc = JS_OK;

	js_init(&s);
	gen_init(&g, target);
	while (rc == JS_OK && (n = gen_fill(&g, chunk, sizeof(chunk))) > 0) {
		rc = js_feed(&s, chunk, n);
		total += n;
	}
	verify(&s, rc, "streamed");
	return total;
}

static char *make_doc(size_t target, size_t *len)
{
	struct gen g;
	char *p = malloc(target + CHUNK);
	size_t n;

	if (!p) {
		perror("bench_json: malloc");
		exit(1);
	}
	gen_init(&g, target);
	*len = 0;
	while ((n = gen_fill(&g, p + *len, CHUNK)) > 0)
		*len += n;
	return p;
}

/* Best MB/s (1 MB = 10^6 bytes) over RUNS runs; each run scans the
 * in-memory document `reps` times in CHUNK-byte feeds. */
static double throughput(const char *doc, size_t len, int reps)
{
	double best = 0;
	int run, r;

	for (run = 0; run < RUNS; run++) {
		double t0 = now(), dt, mbs;

		for (r = 0; r < reps; r++) {
			struct js_scanner s;
			size_t off;
			int rc = JS_OK;

			js_init(&s);
			for (off = 0; off < len && rc == JS_OK; off += CHUNK)
				rc = js_feed(&s, doc + off,
				    len - off < CHUNK ? len - off : CHUNK);
			verify(&s, rc, "in memory");
		}
		dt = now() - t0;
		mbs = (double)len * reps / dt / 1e6;
		if (mbs > best)
			best = mbs;
	}
	return best;
}

int main(void)
{
	size_t small_len, large_len;
	long rss0, rss_small, rss_large;
	char *doc;

	printf("struct js_scanner: %zu bytes; feeds of %d bytes\n",
	    sizeof(struct js_scanner), CHUNK);

	/* Peak memory first, streaming, before anything big is allocated:
	 * ru_maxrss only grows, so equal figures mean constant memory. */
	rss0 = peak_rss_kb();
	small_len = stream_doc(SMALL_DOC);
	rss_small = peak_rss_kb();
	large_len = stream_doc(LARGE_DOC);
	rss_large = peak_rss_kb();
	printf("peak RSS: %ld KiB at start, %ld KiB after streaming %zu bytes, "
	    "%ld KiB after streaming %zu bytes\n", rss0, rss_small, small_len,
	    rss_large, large_len);

	doc = make_doc(SMALL_DOC, &small_len);
	printf("%zu-byte document: %.0f MB/s (best of %d, x%d per run)\n",
	    small_len, throughput(doc, small_len, 1000), RUNS, 1000);
	free(doc);
	doc = make_doc(LARGE_DOC, &large_len);
	printf("%zu-byte document: %.0f MB/s (best of %d)\n", large_len,
	    throughput(doc, large_len, 1), RUNS);
	free(doc);
	return 0;
}
