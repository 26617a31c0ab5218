/* test_out: table tests for the output encoders of src/out.c, plus round
 * trips through python3's json module and through every POSIX sh found. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out.h"
#include "t.h"

/* Big enough for the largest value any test encodes (RANDOM_MAX and the
 * 255-byte sweeps) at the worst expansion of 6 bytes per byte. */
#define CAP_MAX 65536
/* Length of the random values fed to python and the shells. */
#define RANDOM_MAX 64
#define RANDOM_COUNT 3000
/* Longest sh script we build: an encoded value plus a few words. */
#define SCRIPT_MAX (CAP_MAX + 64)

struct cap {
	unsigned char b[CAP_MAX];
	size_t n;
	int overflow;
	int empty_calls;
};

static void cap_fn(void *ctx, const void *p, size_t n)
{
	struct cap *c = ctx;

	if (n == 0)
		c->empty_calls++;
	if (n > sizeof c->b - c->n) {
		c->overflow = 1;
		return;
	}
	memcpy(c->b + c->n, p, n);
	c->n += n;
}

typedef void (*enc_fn)(const struct out_w *, const void *, size_t);

static struct cap cap;

/* Encodes into the global capture buffer; checks the writer contract. */
static const struct cap *enc(enc_fn f, const void *in, size_t n)
{
	struct out_w w = { cap_fn, &cap };

	cap.n = 0;
	cap.overflow = 0;
	cap.empty_calls = 0;
	f(&w, in, n);
	if (cap.overflow || cap.empty_calls)
		T_CHECK(0, "writer: no overflow, never called with n == 0");
	return &cap;
}

#define B(s) s, sizeof(s) - 1

struct row {
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
	const char *label;
};

static const struct row text_rows[] = {
	{ B(""), B(""), "empty" },
	{ B("fred"), B("fred"), "plain ASCII" },
	{ B("Fred F. User <fred@example.com>"),
	  B("Fred F. User <fred@example.com>"), "ASCII punctuation" },
	{ B("Luk\xc3\xa1\xc5\xa1"), B("Luk\xc3\xa1\xc5\xa1"), "Latin-1 letters" },
	{ B("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99"),
	  B("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99"), "CJK" },
	{ B("\xf0\x9f\x98\x80"), B("\xf0\x9f\x98\x80"), "4-byte emoji" },
	{ B("\xc2\xa0"), B("\xc2\xa0"), "NBSP U+00A0 is not C1" },
	{ B("\xef\xbf\xbd"), B("\xef\xbf\xbd"), "U+FFFD itself passes" },
	{ B("\xf4\x8f\xbf\xbf"), B("\xf4\x8f\xbf\xbf"), "U+10FFFF passes" },
	{ B("\x1b[2J\x1b]0;pwned\x07"), B("\\x1b[2J\\x1b]0;pwned\\x07"),
	  "ESC clear screen and OSC title" },
	{ B("a\nname: root"), B("a\\nname: root"), "newline cannot forge a field" },
	{ B("a\r\n"), B("a\\r\\n"), "CRLF" },
	{ B("a\tb"), B("a\\tb"), "TAB escaped" },
	{ B("a\0b"), B("a\\x00b"), "NUL" },
	{ B("\x7f"), B("\\x7f"), "DEL" },
	{ B("\x9b" "31m"), B("\\x9b" "31m"), "raw 8-bit CSI byte" },
	{ B("\xc2\x9b" "31m"), B("\\u009b" "31m"), "CSI U+009B as UTF-8" },
	{ B("\xc2\x85"), B("\\u0085"), "NEL U+0085" },
	{ B("\xc2\x80\xc2\x9f"), B("\\u0080\\u009f"), "C1 bounds" },
	{ B("\xe2\x80\xa8"), B("\\u2028"), "LINE SEPARATOR" },
	{ B("\xe2\x80\xa9"), B("\\u2029"), "PARAGRAPH SEPARATOR" },
	{ B("admin\xe2\x80\xae" "cod.exe"), B("admin\\u202e" "cod.exe"), "RLO" },
	{ B("\xe2\x81\xa6\xe2\x81\xa9"), B("\\u2066\\u2069"), "isolates" },
	{ B("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f"), B("\\u061c\\u200e\\u200f"),
	  "ALM LRM RLM" },
	{ B("\xe2\x80\xa7\xe2\x80\xaf"), B("\xe2\x80\xa7\xe2\x80\xaf"),
	  "neighbours of U+2028..U+202E pass" },
	{ B("\xc0\xaf"), B("\\xc0\\xaf"), "overlong '/'" },
	{ B("\xc0\x80"), B("\\xc0\\x80"), "overlong NUL" },
	{ B("\xe0\x80\xaf"), B("\\xe0\\x80\\xaf"), "overlong 3-byte" },
	{ B("\xf0\x80\x80\xaf"), B("\\xf0\\x80\\x80\\xaf"), "overlong 4-byte" },
	{ B("\xed\xa0\x80"), B("\\xed\\xa0\\x80"), "surrogate U+D800" },
	{ B("\xed\xbf\xbf"), B("\\xed\\xbf\\xbf"), "surrogate U+DFFF" },
	{ B("\xed\x9f\xbf"), B("\xed\x9f\xbf"), "U+D7FF passes" },
	{ B("\xf4\x90\x80\x80"), B("\\xf4\\x90\\x80\\x80"), "above U+10FFFF" },
	{ B("\xf5\x80\x80\x80"), B("\\xf5\\x80\\x80\\x80"), "lead F5" },
	{ B("\xff\xfe"), B("\\xff\\xfe"), "FF FE" },
	{ B("\xe2\x82"), B("\\xe2\\x82"), "truncated at end" },
	{ B("\xe2\x82" "A"), B("\\xe2\\x82" "A"), "truncated before ASCII" },
	{ B("\xe2\x82\xc3\xa1"), B("\\xe2\\x82\xc3\xa1"),
	  "truncated before a valid char keeps it" },
	{ B("\xf0\x9f\x98"), B("\\xf0\\x9f\\x98"), "truncated 4-byte" },
	{ B("\x80"), B("\\x80"), "stray continuation" },
	{ B("it's \"q\""), B("it's \"q\""), "quotes pass" },
	{ B("a\\b"), B("a\\\\b"), "backslash doubled" },
	{ B("\\x1b"), B("\\\\x1b"), "literal \\x1b stays distinct from ESC" },
	{ B("$(id)`id`;|&<>*?"), B("$(id)`id`;|&<>*?"), "shell chars pass" },
};

static const struct row json_rows[] = {
	{ B(""), B("\"\""), "empty" },
	{ B("fred"), B("\"fred\""), "plain" },
	{ B("a\"b\\c"), B("\"a\\\"b\\\\c\""), "quote and backslash" },
	{ B("\b\f\n\r\t"), B("\"\\b\\f\\n\\r\\t\""), "short escapes" },
	{ B("\0"), B("\"\\u0000\""), "NUL" },
	{ B("\x01\x1f"), B("\"\\u0001\\u001f\""), "C0" },
	{ B("\x1b[2J\x1b]0;pwned\x07"),
	  B("\"\\u001b[2J\\u001b]0;pwned\\u0007\""), "escape sequences" },
	{ B("\x7f"), B("\"\\u007f\""), "DEL" },
	{ B("\xc2\x9b"), B("\"\\u009b\""), "C1 CSI" },
	{ B("\xe2\x80\xa8\xe2\x80\xae"), B("\"\\u2028\\u202e\""), "LS, RLO" },
	{ B("\x9b"), B("\"\\ufffd\""), "raw 9B" },
	{ B("\xe2\x82"), B("\"\\ufffd\""), "truncated: one U+FFFD" },
	{ B("\xc0\xaf"), B("\"\\ufffd\\ufffd\""), "overlong: one per byte" },
	{ B("\xed\xa0\x80"), B("\"\\ufffd\\ufffd\\ufffd\""), "surrogate" },
	{ B("\xf0\x9f\x98" "A"), B("\"\\ufffd" "A\""), "truncated 4-byte" },
	{ B("/</script>"), B("\"/</script>\""), "slash not escaped" },
	{ B("Luk\xc3\xa1\xc5\xa1 \xf0\x9f\x98\x80"),
	  B("\"Luk\xc3\xa1\xc5\xa1 \xf0\x9f\x98\x80\""), "UTF-8 passes" },
	{ B("$(id)`id`'"), B("\"$(id)`id`'\""), "shell chars pass" },
};

static const struct row env_rows[] = {
	{ B(""), B("''"), "empty" },
	{ B("fred"), B("'fred'"), "plain" },
	{ B("it's"), B("'it'\\''s'"), "one quote" },
	{ B("'"), B("''\\'''"), "only a quote" },
	{ B("''"), B("''\\'''\\'''"), "two quotes" },
	{ B("a\0b"), B("'a\xef\xbf\xbd" "b'"), "NUL becomes U+FFFD" },
	{ B("$(id)`id`\\\n\x1b[2J\"$X"), B("'$(id)`id`\\\n\x1b[2J\"$X'"),
	  "everything else literal" },
	{ B("\xff\xc0\xaf"), B("'\xff\xc0\xaf'"), "invalid UTF-8 kept" },
};

static void run_rows(enc_fn f, const struct row *r, size_t nr)
{
	size_t i;
	const struct cap *c;

	for (i = 0; i < nr; i++) {
		c = enc(f, r[i].in, r[i].in_len);
		T_EQ_MEM(c->b, c->n, r[i].want, r[i].want_len, r[i].label);
	}
}

/* Generated rows: every C0 byte, DEL, every C1 code point, every lone
 * byte from 0x80, for text and JSON. */
static void test_all_controls(void)
{
	static const char *const text_short[32] = {
		['\t'] = "\\t", ['\n'] = "\\n", ['\r'] = "\\r",
	};
	static const char *const json_short[32] = {
		['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n",
		['\f'] = "\\f", ['\r'] = "\\r",
	};
	char want[32], label[64];
	unsigned char in[2];
	const struct cap *c;
	unsigned b;

	for (b = 0; b < 0x20 || b == 0x7f; b = b == 0x1f ? 0x7f : b + 1) {
		in[0] = (unsigned char)b;
		snprintf(label, sizeof label, "text: byte %02x", b);
		if (b < 0x20 && text_short[b])
			snprintf(want, sizeof want, "%s", text_short[b]);
		else
			snprintf(want, sizeof want, "\\x%02x", b);
		c = enc(out_text_value, in, 1);
		T_EQ_MEM(c->b, c->n, want, strlen(want), label);

		snprintf(label, sizeof label, "json: byte %02x", b);
		if (b < 0x20 && json_short[b])
			snprintf(want, sizeof want, "\"%s\"", json_short[b]);
		else
			snprintf(want, sizeof want, "\"\\u%04x\"", b);
		c = enc(out_json_string, in, 1);
		T_EQ_MEM(c->b, c->n, want, strlen(want), label);
	}
	for (b = 0x80; b <= 0x9f; b++) {
		in[0] = 0xc2;
		in[1] = (unsigned char)b;
		snprintf(want, sizeof want, "\\u%04x", b);
		snprintf(label, sizeof label, "text: C1 U+%04X", b);
		c = enc(out_text_value, in, 2);
		T_EQ_MEM(c->b, c->n, want, strlen(want), label);
		snprintf(want, sizeof want, "\"\\u%04x\"", b);
		snprintf(label, sizeof label, "json: C1 U+%04X", b);
		c = enc(out_json_string, in, 2);
		T_EQ_MEM(c->b, c->n, want, strlen(want), label);
	}
	for (b = 0x80; b <= 0xff; b++) {
		in[0] = (unsigned char)b;
		snprintf(want, sizeof want, "\\x%02x", b);
		snprintf(label, sizeof label, "text: lone byte %02x", b);
		c = enc(out_text_value, in, 1);
		T_EQ_MEM(c->b, c->n, want, strlen(want), label);
		snprintf(label, sizeof label, "json: lone byte %02x", b);
		c = enc(out_json_string, in, 1);
		T_EQ_MEM(c->b, c->n, "\"\\ufffd\"", 8, label);
	}
}

/* Every scalar value: the text encoder passes it unchanged unless it is in
 * the documented unsafe set, and then writes exactly \uXXXX or \xNN. */
static void test_every_code_point(void)
{
	unsigned char in[4];
	char want[16];
	unsigned long cp;
	size_t n;
	long bad_pass = 0, bad_esc = 0, bad_json = 0;
	const struct cap *c;
	int unsafe;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = t_utf8_put(in, cp);
		unsafe = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069);
		c = enc(out_text_value, in, n);
		if (cp == '\\' || (unsafe && (cp < 0x20 || cp == 0x7f))) {
			/* covered by the tables above */
		} else if (!unsafe) {
			bad_pass += !(c->n == n && memcmp(c->b, in, n) == 0);
		} else {
			snprintf(want, sizeof want, "\\u%04lx", cp);
			bad_esc += !(c->n == 6 && memcmp(c->b, want, 6) == 0);
		}
		if (cp >= 0x20 && cp != '"' && cp != '\\') {
			c = enc(out_json_string, in, n);
			if (unsafe) {
				snprintf(want, sizeof want, "\"\\u%04lx\"", cp);
				bad_json += !(c->n == 8 &&
				    memcmp(c->b, want, 8) == 0);
			} else {
				bad_json += !(c->n == n + 2 && c->b[0] == '"' &&
				    memcmp(c->b + 1, in, n) == 0 &&
				    c->b[n + 1] == '"');
			}
		}
	}
	T_EQ_INT(bad_pass, 0, "text: every safe code point passes unchanged");
	T_EQ_INT(bad_esc, 0, "text: every unsafe code point as \\uXXXX");
	T_EQ_INT(bad_json, 0, "json: every code point passes or is \\uXXXX");
}

static void test_env_name_and_uint(void)
{
	static const struct {
		const char *name;
		int ok;
	} names[] = {
		{ "ATLWHO_NAME", 1 }, { "_", 1 }, { "a1", 1 }, { "_9", 1 },
		{ "", 0 }, { "1A", 0 }, { "A-B", 0 }, { "A B", 0 },
		{ "A=B", 0 }, { "A\n", 0 }, { "\xc3\xa9", 0 }, { "$A", 0 },
	};
	static const struct {
		unsigned long long v;
		const char *want;
	} nums[] = {
		{ 0, "0" }, { 7, "7" }, { 10, "10" }, { 200, "200" },
		{ 4294967295ULL, "4294967295" },
		{ 18446744073709551615ULL, "18446744073709551615" },
	};
	struct out_w w = { cap_fn, &cap };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		T_EQ_INT(out_env_name_ok(names[i].name), names[i].ok,
		    names[i].name);
	T_EQ_INT(out_env_name_ok(NULL), 0, "NULL name");
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		cap.n = 0;
		out_uint(&w, nums[i].v);
		T_EQ_MEM(cap.b, cap.n, nums[i].want, strlen(nums[i].want),
		    "out_uint");
	}
}

/* NULL with n == 0 is allowed by the contract. */
static void test_null_empty(void)
{
	const struct cap *c;

	c = enc(out_text_value, NULL, 0);
	T_EQ_INT(c->n, 0, "text: NULL, 0");
	c = enc(out_json_string, NULL, 0);
	T_EQ_MEM(c->b, c->n, "\"\"", 2, "json: NULL, 0");
	c = enc(out_env_value, NULL, 0);
	T_EQ_MEM(c->b, c->n, "''", 2, "env: NULL, 0");
}

/* Deterministic, biased towards the bytes that matter here. */
static unsigned long rng_state = 20240601UL;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245UL + 12345UL;
	return (unsigned)((rng_state >> 16) & 0x7fff) % n;
}

static size_t random_value(unsigned char *d)
{
	static const unsigned char pick[] = {
		0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x24, 0x27, 0x28,
		0x5c, 0x60, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xa0, 0xbf, 0xc0,
		0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
		0xff, 'a', '[', ']',
	};
	size_t n = rnd(RANDOM_MAX + 1), i;

	for (i = 0; i < n; i++)
		d[i] = rnd(2) ? pick[rnd(sizeof pick)] : (unsigned char)rnd(256);
	return n;
}

static void hex_line(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	fputc('x', f); /* so that an empty value is still a field */
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* Also asserted here, not only in python: JSON text never carries a raw
 * control, DEL or C1 byte pair. */
static int json_raw_controls(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

static void json_case(FILE *f, const unsigned char *in, size_t n, long *raw)
{
	const struct cap *c = enc(out_json_string, in, n);

	*raw += json_raw_controls(c->b, c->n);
	hex_line(f, in, n);
	fputc(' ', f);
	fwrite(c->b, 1, c->n, f);
	fputc('\n', f);
}

/* Each line: x<hex of input> <our JSON>. Python's strict json.loads must
 * accept the JSON (strict=True rejects raw controls), give back exactly
 * input.decode("utf-8", "replace"), and hold no lone surrogate. */
static const char py_json[] =
	"import json,sys\n"
	"ok=bad=0\n"
	"for i,l in enumerate(open(sys.argv[1],'rb')):\n"
	"  h,j=l.rstrip(b'\\n').split(b' ',1)\n"
	"  want=bytes.fromhex(h[1:].decode()).decode('utf-8','replace')\n"
	"  try:\n"
	"    got=json.loads(j.decode('utf-8'))\n"
	"    got.encode('utf-8')\n"
	"    good=(got==want)\n"
	"  except Exception as e:\n"
	"    good=False\n"
	"  if good: ok+=1\n"
	"  else:\n"
	"    bad+=1\n"
	"    if bad<10: print('bad line',i,h.decode(),repr(j)[:200])\n"
	"print('ok',ok,'bad',bad)\n";

static void test_json_python(void)
{
	char path[] = "/tmp/atlwho_test_out_XXXXXX";
	char cmd[256], line[512];
	unsigned char in[RANDOM_MAX > 4 ? RANDOM_MAX : 4];
	long ok = -1, bad = -1, raw = 0, cases = 0;
	size_t i, j, n;
	FILE *f, *p;
	int fd;

	fd = mkstemp(path);
	if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
		T_CHECK(0, "json/python: temporary file");
		return;
	}
	for (i = 0; i < sizeof text_rows / sizeof text_rows[0]; i++, cases++)
		json_case(f, (const unsigned char *)text_rows[i].in,
		    text_rows[i].in_len, &raw);
	for (i = 0; i < sizeof json_rows / sizeof json_rows[0]; i++, cases++)
		json_case(f, (const unsigned char *)json_rows[i].in,
		    json_rows[i].in_len, &raw);
	/* Every 1- and 2-byte value: pins our maximal subparts to Python's. */
	for (i = 0; i < 256; i++, cases++) {
		in[0] = (unsigned char)i;
		json_case(f, in, 1, &raw);
	}
	for (i = 0; i < 256; i++) {
		for (j = 0; j < 256; j++, cases++) {
			in[0] = (unsigned char)i;
			in[1] = (unsigned char)j;
			json_case(f, in, 2, &raw);
		}
	}
	/* Every 3-byte prefix of a multi-byte lead, followed by 'A'. */
	for (i = 0xe0; i <= 0xf4; i++) {
		for (j = 0x70; j <= 0xcf; j++, cases++) {
			in[0] = (unsigned char)i;
			in[1] = (unsigned char)j;
			in[2] = 0x80;
			in[3] = 'A';
			json_case(f, in, 4, &raw);
		}
	}
	for (i = 0; i < RANDOM_COUNT; i++, cases++) {
		n = random_value(in);
		json_case(f, in, n, &raw);
	}
	if (fclose(f) != 0) {
		T_CHECK(0, "json/python: write temporary file");
		unlink(path);
		return;
	}
	T_EQ_INT(raw, 0, "json: no raw control, DEL or C1 in any output");

	snprintf(cmd, sizeof cmd, "python3 -c \"$ATLWHO_PY\" %s", path);
	if (setenv("ATLWHO_PY", py_json, 1) != 0 ||
	    (p = popen(cmd, "r")) == NULL) {
		T_CHECK(0, "json/python: start python3");
		unlink(path);
		return;
	}
	while (fgets(line, sizeof line, p) != NULL) {
		if (sscanf(line, "ok %ld bad %ld", &ok, &bad) == 2)
			continue;
		fprintf(stderr, "python: %s", line);
	}
	T_EQ_INT(pclose(p), 0, "json/python: python3 exit status");
	unlink(path);
	T_EQ_INT(ok, cases, "json/python: every case accepted and equal");
	T_EQ_INT(bad, 0, "json/python: no case rejected or different");
}

/* Runs argv with stdout to out[0..cap); returns the exit status or -1. */
static int run(char *const argv[], unsigned char *out, size_t cap,
    size_t *outn)
{
	int fds[2], st;
	pid_t pid;
	ssize_t r;

	*outn = 0;
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		r = read(fds[0], out + *outn, cap - *outn);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*outn += (size_t)r;
		if (*outn == cap)
			break; /* too much: the comparison will fail */
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct shell {
	const char *argv0, *argv1; /* e.g. "busybox", "sh" */
};

static const struct shell shells[] = {
	{ "sh", NULL }, { "dash", NULL }, { "busybox", "sh" },
	{ "bash", "--posix" }, { "zsh", NULL }, { "ksh", NULL },
	{ "mksh", NULL }, { "yash", NULL }, { "posh", NULL },
};

/* sh argv: shell [argv1] -c script sh [arg] */
static int sh_run(const struct shell *s, const char *script, const char *arg,
    unsigned char *out, size_t cap, size_t *outn)
{
	char *argv[7];
	int i = 0;

	argv[i++] = (char *)s->argv0;
	if (s->argv1)
		argv[i++] = (char *)s->argv1;
	argv[i++] = (char *)"-c";
	argv[i++] = (char *)script;
	argv[i++] = (char *)"sh";
	if (arg)
		argv[i++] = (char *)arg;
	argv[i] = NULL;
	return run(argv, out, cap, outn);
}

static unsigned char sh_out[CAP_MAX];
static char script[SCRIPT_MAX];
static char evalarg[SCRIPT_MAX];

/* Expected shell result: the input with NUL replaced by U+FFFD. */
static size_t env_expect(const unsigned char *in, size_t n, unsigned char *d)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == 0) {
			memcpy(d + k, "\xef\xbf\xbd", 3);
			k += 3;
		} else {
			d[k++] = in[i];
		}
	}
	return k;
}

/* Two ways the product's output is used: a direct assignment in a script,
 * and eval of what a command substitution returned. */
static int env_case(const struct shell *s, const unsigned char *in, size_t n)
{
	static unsigned char want[CAP_MAX];
	const struct cap *c = enc(out_env_value, in, n);
	size_t wn = env_expect(in, n, want), on, k;
	int fails = 0;

	k = (size_t)snprintf(script, sizeof script, "X=");
	memcpy(script + k, c->b, c->n);
	k += c->n;
	k += (size_t)snprintf(script + k, sizeof script - k,
	    "; printf %%s \"$X\"");
	script[k] = '\0';
	if (sh_run(s, script, NULL, sh_out, sizeof sh_out, &on) != 0 ||
	    on != wn || memcmp(sh_out, want, wn) != 0)
		fails++;

	k = (size_t)snprintf(evalarg, sizeof evalarg, "ATLWHO_NAME=");
	memcpy(evalarg + k, c->b, c->n);
	k += c->n;
	evalarg[k++] = '\n';
	evalarg[k] = '\0';
	if (sh_run(s, "eval \"$(printf '%s\\n' \"$1\")\"; "
	    "printf %s \"$ATLWHO_NAME\"", evalarg, sh_out, sizeof sh_out,
	    &on) != 0 || on != wn || memcmp(sh_out, want, wn) != 0)
		fails++;
	if (fails) {
		fprintf(stderr, "%s: ", s->argv0);
		t_put_esc(in, n);
		fprintf(stderr, " -> ");
		t_put_esc(sh_out, on);
		fprintf(stderr, "\n");
	}
	return fails;
}

static void test_env_shells(void)
{
	static const struct {
		const char *v;
		size_t n;
	} hostile[] = {
		{ B("") }, { B("fred") }, { B("it's") }, { B("'") },
		{ B("'''") }, { B("'\\''") }, { B("\\") }, { B("a\\") },
		{ B("$(id)") }, { B("`id`") }, { B("${HOME}$HOME$1$@$*$$") },
		{ B("\n") }, { B("a\n\n") }, { B("\nX=evil\n") },
		{ B("'; touch /tmp/atlwho_pwned; '") },
		{ B("\x1b[2J\x1b]0;pwned\x07") }, { B("\xc2\x9b" "31m\x9b") },
		{ B("a\0b") }, { B("\0") }, { B("\0\0'\0") },
		{ B("\xff\xfe\xc0\xaf\xed\xa0\x80") }, { B("\"\"") },
		{ B(" leading and trailing ") }, { B("*?[a]~") },
		{ B("!#;|&<>(){}") },
	};
	unsigned char in[256 > RANDOM_MAX ? 256 : RANDOM_MAX];
	unsigned char dummy[8];
	size_t si, i, n, on;
	long fails, cases, ran = 0;

	for (si = 0; si < sizeof shells / sizeof shells[0]; si++) {
		const struct shell *s = &shells[si];

		if (sh_run(s, "exit 0", NULL, dummy, sizeof dummy, &on) != 0) {
			fprintf(stderr, "env: %s not found, skipped\n",
			    s->argv0);
			continue;
		}
		ran++;
		fails = cases = 0;
		for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
			fails += env_case(s, (const unsigned char *)hostile[i].v,
			    hostile[i].n);
			cases++;
		}
		/* Every byte alone, then all 256 bytes in one value. */
		for (i = 0; i < 256; i++, cases++) {
			in[0] = (unsigned char)i;
			fails += env_case(s, in, 1);
		}
		for (i = 0; i < 256; i++)
			in[i] = (unsigned char)i;
		fails += env_case(s, in, 256);
		cases++;
		for (i = 0; i < 100; i++, cases++) {
			n = random_value(in);
			fails += env_case(s, in, n);
		}
		fprintf(stderr, "env: %s: %ld values, %ld failures\n",
		    s->argv0, cases, fails);
		T_EQ_INT(fails, 0, s->argv0);
	}
	T_CHECK(ran >= 1, "env: at least one shell ran");
	T_CHECK(access("/tmp/atlwho_pwned", F_OK) != 0,
	    "env: no injected command ran");
}

int main(void)
{
	run_rows(out_text_value, text_rows,
	    sizeof text_rows / sizeof text_rows[0]);
	run_rows(out_json_string, json_rows,
	    sizeof json_rows / sizeof json_rows[0]);
	run_rows(out_env_value, env_rows, sizeof env_rows / sizeof env_rows[0]);
	test_all_controls();
	test_every_code_point();
	test_env_name_and_uint();
	test_null_empty();
	test_json_python();
	test_env_shells();
	return t_done();
}
