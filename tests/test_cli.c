/* test_cli.c: atlwho's command line (src/cli.c) as a table of argv -> the
 * options that differ from the defaults, or -> a usage error and its message;
 * cli_seconds' edges; and cli_parse called twice in one process. */
#include "cli.h"
#include "t.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define MAXARG 16
#define U "https://jira.example.com"

/* The options that differ from a fresh parse's defaults, as
 * "key=value" words in struct order: the table's expected column. */
static void describe(const struct cli_opts *o, char *out, size_t cap)
{
	static const char *const prod[] = { "auto", "jira", "confluence" };
	static const char *const fmt[] = { "text", "json", "env" };
	size_t n = 0;

	out[0] = 0;
#define S(k, v) do { if (v) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s=%s", n ? " " : "", k, v); } while (0)
#define I(k, v, d) do { if ((long)(v) != (long)(d)) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s=%ld", n ? " " : "", k, (long)(v)); } while (0)
	if (o->product != CLI_AUTO)
		S("product", (unsigned)o->product < 3 ? prod[o->product] : "?");
	if (o->format != CLI_TEXT)
		S("format", (unsigned)o->format < 3 ? fmt[o->format] : "?");
	S("base", o->base);
	S("path", o->path);
	S("user", o->user);
	S("token_file", o->token_file);
	S("from_file", o->from_file);
	S("cacert", o->cacert);
	S("capath", o->capath);
	if (o->pins.n) { /* as given: the parsed set written back in curl's form */
		char pins[PIN_MAX * (8 + PIN_LEN + 1)];
		size_t k = 0;
		int i;
		for (i = 0; i < o->pins.n && i < PIN_MAX; i++)
			k += (size_t)snprintf(pins + k, sizeof pins - k, "%ssha256//%s", i ? ";" : "", o->pins.pin[i]);
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%spins=%s", n ? " " : "", pins);
	}
	S("cert", o->cert);
	S("key", o->key);
	S("proxy", o->proxy);
	S("noproxy", o->noproxy);
	I("include", o->include, 0);
	I("raw", o->raw, 0);
	I("quiet", o->quiet, 0);
	I("verbose", o->verbose, 0);
	I("insecure", o->insecure, 0);
	I("tls_min", o->tls_min, 12);
	I("tls_max", o->tls_max, 13);
	I("follow", o->follow, 0);
	I("family", o->family, 0);
	I("max_redirs", o->max_redirs, 5);
	I("retry", o->retry, 0);
	I("connect_ms", o->connect_ms, 10000);
	I("max_ms", o->max_ms, 30000);
	I("help", o->help, 0);
	I("version", o->version, 0);
#undef S
#undef I
}

/* Rows whose earlier neighbour left getopt in the middle of an argument
 * would inherit it (see test_second_call): each table row starts from a
 * fully re-initialised getopt, so that a row fails only for itself. */
static void getopt_reset(void)
{
	static char a0[] = "reset";
	char *av[] = { a0, NULL };

	opterr = 0;
	optind = 0; /* glibc and musl: full re-initialisation */
	(void)getopt_long(1, av, "", NULL, NULL);
}

static int parse(const char *const *args, struct cli_opts *o, char *err, size_t cap)
{
	char *av[MAXARG + 2];
	int ac = 0;

	av[ac++] = (char *)"atlwho";
	while (ac <= MAXARG && args[ac - 1])
		av[ac] = (char *)args[ac - 1], ac++;
	av[ac] = NULL;
	return cli_parse(o, ac, av, err, cap);
}

struct row {
	const char *label;
	const char *args[MAXARG];
	int rc;
	const char *want;       /* rc 0: describe() of the result */
	const char *err_has;    /* rc CLI_E_USAGE: a fragment of the message */
	const char *err_hasnt;  /* rc CLI_E_USAGE: must not appear (a secret) */
};

#define PIN "sha256//oSF8Ki52I8LhgsMXjcHbh5evppOhAfvmiDYzUBELomQ="

static const struct row rows[] = {
	/* defaults and BASE_URL */
	{ "BASE_URL alone", { U }, 0, "base=" U, NULL, NULL },
	{ "missing BASE_URL", { NULL }, CLI_E_USAGE, NULL, "missing BASE_URL", NULL },
	{ "missing BASE_URL after options", { "-k", "-v" }, CLI_E_USAGE, NULL, "missing BASE_URL", NULL },
	{ "two BASE_URLs", { U, "https://b" }, CLI_E_USAGE, NULL, "one BASE_URL only", NULL },
	{ "BASE_URL before options (permuted)", { U, "-k", "--format", "env" }, 0,
	  "format=env base=" U " insecure=1", NULL, NULL },

	/* every option, short and long, --opt=value and --opt value */
	{ "-p jira", { "-p", "jira", U }, 0, "product=jira base=" U, NULL, NULL },
	{ "-pconfluence", { "-pconfluence", U }, 0, "product=confluence base=" U, NULL, NULL },
	{ "--product=auto", { "-p", "jira", "--product=auto", U }, 0, "base=" U, NULL, NULL },
	{ "--product confluence", { "--product", "confluence", U }, 0, "product=confluence base=" U, NULL, NULL },
	{ "--path", { "--path", "/rest/api/3/myself", U }, 0, "base=" U " path=/rest/api/3/myself", NULL, NULL },
	{ "--path=", { "--path=/rest/api/user/current", U }, 0, "base=" U " path=/rest/api/user/current", NULL, NULL },
	{ "-u", { "-u", "fred@example.com", U }, 0, "base=" U " user=fred@example.com", NULL, NULL },
	{ "-ufred", { "-ufred", U }, 0, "base=" U " user=fred", NULL, NULL },
	{ "--user=", { "--user=fred", U }, 0, "base=" U " user=fred", NULL, NULL },
	{ "--user value that looks like an option", { "--user", "--verbose", U }, 0,
	  "base=" U " user=--verbose", NULL, NULL },
	{ "--token-file", { "--token-file", "/run/secrets/t", U }, 0, "base=" U " token_file=/run/secrets/t", NULL, NULL },
	{ "--token-file=-", { "--token-file=-", U }, 0, "base=" U " token_file=-", NULL, NULL },
	{ "--format json", { "--format", "json", U }, 0, "format=json base=" U, NULL, NULL },
	{ "--format=env", { "--format=env", U }, 0, "format=env base=" U, NULL, NULL },
	{ "--format text after -j", { "-j", "--format=text", U }, 0, "base=" U, NULL, NULL },
	{ "-j", { "-j", U }, 0, "format=json base=" U, NULL, NULL },
	{ "--json", { "--json", U }, 0, "format=json base=" U, NULL, NULL },
	{ "-i", { "-i", U }, 0, "base=" U " include=1", NULL, NULL },
	{ "--include", { "--include", U }, 0, "base=" U " include=1", NULL, NULL },
	{ "--raw", { "--raw", U }, 0, "base=" U " raw=1", NULL, NULL },
	{ "--raw with --format text", { "--raw", "--format", "text", U }, 0, "base=" U " raw=1", NULL, NULL },
	{ "-q", { "-q", U }, 0, "base=" U " quiet=1", NULL, NULL },
	{ "--quiet", { "--quiet", U }, 0, "base=" U " quiet=1", NULL, NULL },
	{ "-v", { "-v", U }, 0, "base=" U " verbose=1", NULL, NULL },
	{ "--verbose", { "--verbose", U }, 0, "base=" U " verbose=1", NULL, NULL },
	{ "--cacert", { "--cacert", "ca.pem", U }, 0, "base=" U " cacert=ca.pem", NULL, NULL },
	{ "--cacert=", { "--cacert=/etc/ssl/certs/ca-certificates.crt", U }, 0,
	  "base=" U " cacert=/etc/ssl/certs/ca-certificates.crt", NULL, NULL },
	{ "--capath", { "--capath", "/etc/ssl/certs", U }, 0, "base=" U " capath=/etc/ssl/certs", NULL, NULL },
	{ "--pin", { "--pin", PIN, U }, 0, "base=" U " pins=" PIN, NULL, NULL },
	{ "--pinnedpubkey=", { "--pinnedpubkey=" PIN ";" PIN, U }, 0, "base=" U " pins=" PIN ";" PIN, NULL, NULL },
	{ "--cert and --key", { "--cert", "c.pem", "--key=k.pem", U }, 0, "base=" U " cert=c.pem key=k.pem", NULL, NULL },
	{ "-k", { "-k", U }, 0, "base=" U " insecure=1", NULL, NULL },
	{ "--insecure", { "--insecure", U }, 0, "base=" U " insecure=1", NULL, NULL },
	{ "--tls-min 1.3", { "--tls-min", "1.3", U }, 0, "base=" U " tls_min=13", NULL, NULL },
	{ "--tls-max 1.2", { "--tls-max", "1.2", U }, 0, "base=" U " tls_max=12", NULL, NULL },
	{ "--tls-max=1.3 --tls-min=1.3", { "--tls-max=1.3", "--tls-min=1.3", U }, 0, "base=" U " tls_min=13", NULL, NULL },
	{ "--tls-min=1.2", { "--tls-min=1.3", "--tls-min=1.2", U }, 0, "base=" U, NULL, NULL },
	{ "-x", { "-x", "http://proxy:3128", U }, 0, "base=" U " proxy=http://proxy:3128", NULL, NULL },
	{ "--proxy=", { "--proxy=http://u:p@proxy:3128", U }, 0, "base=" U " proxy=http://u:p@proxy:3128", NULL, NULL },
	{ "--noproxy", { "--noproxy", "*", U }, 0, "base=" U " noproxy=*", NULL, NULL },
	{ "-L", { "-L", U }, 0, "base=" U " follow=1", NULL, NULL },
	{ "--location", { "--location", U }, 0, "base=" U " follow=1", NULL, NULL },
	{ "--max-redirs 0", { "--max-redirs", "0", U }, 0, "base=" U " max_redirs=0", NULL, NULL },
	{ "--max-redirs=50", { "--max-redirs=50", U }, 0, "base=" U " max_redirs=50", NULL, NULL },
	{ "-4", { "-4", U }, 0, "base=" U " family=4", NULL, NULL },
	{ "--ipv6", { "--ipv6", U }, 0, "base=" U " family=6", NULL, NULL },
	{ "--ipv4 after -6", { "-6", "--ipv4", U }, 0, "base=" U " family=4", NULL, NULL },
	{ "--connect-timeout 2.5", { "--connect-timeout", "2.5", U }, 0, "base=" U " connect_ms=2500", NULL, NULL },
	{ "--connect-timeout=0.001", { "--connect-timeout=0.001", U }, 0, "base=" U " connect_ms=1", NULL, NULL },
	{ "-m 86400", { "-m", "86400", U }, 0, "base=" U " max_ms=86400000", NULL, NULL },
	{ "-m5", { "-m5", U }, 0, "base=" U " max_ms=5000", NULL, NULL },
	{ "--max-time=1.5", { "--max-time=1.5", U }, 0, "base=" U " max_ms=1500", NULL, NULL },
	{ "--retry 3", { "--retry", "3", U }, 0, "base=" U " retry=3", NULL, NULL },
	{ "--retry=100", { "--retry=100", U }, 0, "base=" U " retry=100", NULL, NULL },
	{ "-h", { "-h" }, 0, "help=1", NULL, NULL },
	{ "--help with a BASE_URL", { U, "--help" }, 0, "help=1", NULL, NULL },
	{ "-V", { "-V" }, 0, "version=1", NULL, NULL },
	{ "--version", { "--version" }, 0, "version=1", NULL, NULL },
	{ "clustered flags: -j with -q excluded", { "-jkvL46iq", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "clustered short options, last takes a value", { "-kvLpjira", U }, 0,
	  "product=jira base=" U " verbose=1 insecure=1 follow=1", NULL, NULL },

	/* -- ends options */
	{ "-- ends options", { "-k", "--", "-not-an-option" }, 0, "base=-not-an-option insecure=1", NULL, NULL },
	{ "-- then a long-looking BASE_URL", { "--", "--verbose" }, 0, "base=--verbose", NULL, NULL },
	{ "-- then two operands", { "--", U, "x" }, CLI_E_USAGE, NULL, "one BASE_URL only", NULL },

	/* bad values */
	{ "-p JIRA", { "-p", "JIRA", U }, CLI_E_USAGE, NULL, "--product 'JIRA'", NULL },
	{ "--product=", { "--product=", U }, CLI_E_USAGE, NULL, "--product ''", NULL },
	{ "--path without /", { "--path", "rest/api/2/myself", U }, CLI_E_USAGE, NULL, "must start with /", NULL },
	{ "--format yaml", { "--format=yaml", U }, CLI_E_USAGE, NULL, "--format 'yaml'", NULL },
	{ "--tls-min 1.1", { "--tls-min", "1.1", U }, CLI_E_USAGE, NULL, "--tls-min '1.1'", NULL },
	{ "--tls-max 1.0", { "--tls-max", "1.0", U }, CLI_E_USAGE, NULL, "--tls-max '1.0'", NULL },
	{ "--tls-min 1.3 --tls-max 1.2", { "--tls-min", "1.3", "--tls-max", "1.2", U }, CLI_E_USAGE, NULL, "no TLS version", NULL },
	{ "--pin with bad base64", { "--pin", "sha256//!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=", U }, CLI_E_USAGE, NULL,
	  "base64 of a 32-byte", NULL },
	{ "--pin of 31 bytes", { "--pin", "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==", U }, CLI_E_USAGE, NULL,
	  "32-byte", NULL },
	{ "--pin with nonzero pad bits", { "--pin", "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=", U }, CLI_E_USAGE, NULL,
	  "32-byte", NULL },
	{ "--pin sha1//", { "--pin", "sha1//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", U }, CLI_E_USAGE, NULL,
	  "sha256//", NULL },
	{ "--pin key file", { "--pin", "/etc/key.pem", U }, CLI_E_USAGE, NULL, "key files are not taken", NULL },
	{ "--pin empty", { "--pin=", U }, CLI_E_USAGE, NULL, "sha256//", NULL },
	{ "--pin empty second", { "--pin", PIN ";", U }, CLI_E_USAGE, NULL, "sha256//", NULL },
	{ "--pin nine", { "--pin", PIN ";" PIN ";" PIN ";" PIN ";" PIN ";" PIN ";" PIN ";" PIN ";" PIN, U }, CLI_E_USAGE, NULL,
	  "at most 8", NULL },
	{ "--max-redirs 51", { "--max-redirs", "51", U }, CLI_E_USAGE, NULL, "--max-redirs '51'", NULL },
	{ "--max-redirs -1", { "--max-redirs=-1", U }, CLI_E_USAGE, NULL, "--max-redirs '-1'", NULL },
	{ "--max-redirs empty", { "--max-redirs=", U }, CLI_E_USAGE, NULL, "--max-redirs ''", NULL },
	{ "--max-redirs 99999999999999999999", { "--max-redirs", "99999999999999999999", U }, CLI_E_USAGE, NULL,
	  "--max-redirs", NULL },
	{ "--retry 101", { "--retry", "101", U }, CLI_E_USAGE, NULL, "--retry '101'", NULL },
	{ "--retry x", { "--retry=x", U }, CLI_E_USAGE, NULL, "--retry 'x'", NULL },
	{ "--connect-timeout 0", { "--connect-timeout", "0", U }, CLI_E_USAGE, NULL, "--connect-timeout '0'", NULL },
	{ "-m 86401", { "-m", "86401", U }, CLI_E_USAGE, NULL, "--max-time '86401'", NULL },
	{ "-m 1.2345", { "-m1.2345", U }, CLI_E_USAGE, NULL, "--max-time '1.2345'", NULL },

	/* missing values */
	{ "-u at the end", { U, "-u" }, CLI_E_USAGE, NULL, "'-u' needs a value", NULL },
	{ "--token-file at the end", { U, "--token-file" }, CLI_E_USAGE, NULL, "'--token-file' needs a value", NULL },
	{ "-m at the end", { U, "-m" }, CLI_E_USAGE, NULL, "needs a value", NULL },

	/* unknown and abbreviated options */
	{ "unknown short option", { "-Z", U }, CLI_E_USAGE, NULL, "unknown option '-Z'", NULL },
	{ "unknown long option", { "--frobnicate", U }, CLI_E_USAGE, NULL, "unknown option '--frobnicate'", NULL },
	{ "--token SECRET is refused and not echoed", { "--token", "SECRET-7f3a", U }, CLI_E_USAGE, NULL,
	  "no --token option", "SECRET-7f3a" },
	{ "--token=SECRET is refused and not echoed", { "--token=SECRET-7f3a", U }, CLI_E_USAGE, NULL,
	  "no --token option", "SECRET-7f3a" },
	{ "--token after the BASE_URL", { U, "--token", "SECRET-7f3a" }, CLI_E_USAGE, NULL, "no --token option",
	  "SECRET-7f3a" },
	{ "--tok abbreviation refused", { "--tok", "SECRET-7f3a", U }, CLI_E_USAGE, NULL, "'--tok'", "SECRET-7f3a" },
	{ "--token-fil abbreviation refused", { "--token-fil=SECRET-7f3a", U }, CLI_E_USAGE, NULL, "'--token-fil'",
	  "SECRET-7f3a" },
	{ "--cacer abbreviation refused", { "--cacer", "ca.pem", U }, CLI_E_USAGE, NULL, "'--cacer'", NULL },
	{ "--ver abbreviation refused", { "--ver", U }, CLI_E_USAGE, NULL, "'--ver'", NULL },
	{ "--pinned abbreviation refused", { "--pinned", PIN, U }, CLI_E_USAGE, NULL, "'--pinned'", NULL },
	{ "--insec abbreviation refused", { "--insec", U }, CLI_E_USAGE, NULL, "'--insec'", NULL },
	{ "-t SECRET: unknown short option, value not echoed", { "-t", "SECRET-7f3a", U }, CLI_E_USAGE, NULL,
	  "'-t'", "SECRET-7f3a" },
	/* A flag given a value: the message must name the option typed. */
	{ "--insecure=yes", { "--insecure=yes", U }, CLI_E_USAGE, NULL, "--insecure", NULL },
	{ "--json=1", { "--json=1", U }, CLI_E_USAGE, NULL, "--json", NULL },
	{ "--raw=1", { "--raw=1", U }, CLI_E_USAGE, NULL, "--raw", NULL },

	/* --from-file */
	{ "--from-file without BASE_URL", { "--from-file", "reply.json" }, 0, "from_file=reply.json", NULL, NULL },
	{ "--from-file=- with -j", { "--from-file=-", "-j" }, 0, "format=json from_file=-", NULL, NULL },
	{ "--from-file with a BASE_URL", { "--from-file", "reply.json", U }, CLI_E_USAGE, NULL, "takes no BASE_URL", NULL },

	/* exclusive output modes */
	{ "--raw with --format json", { "--raw", "--format", "json", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "--raw with -j", { "-j", "--raw", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "--raw with --format env", { "--raw", "--format=env", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "--raw with -q", { "--raw", "-q", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "-q with -j", { "-q", "-j", U }, CLI_E_USAGE, NULL, "exclude", NULL },
	/* The same modes exclude each other when the body comes from a file. */
	{ "--from-file with --raw and -j", { "--from-file", "r.json", "--raw", "-j" }, CLI_E_USAGE, NULL, "exclude", NULL },
	{ "--from-file with -q and --format env", { "--from-file=r.json", "-q", "--format", "env" }, CLI_E_USAGE, NULL,
	  "exclude", NULL },
};

static int one_line(const char *m)
{
	for (; *m; m++)
		if (*m == '\n' || *m == '\r')
			return 0;
	return 1;
}

static void test_rows(void)
{
	size_t r;

	for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct row *w = &rows[r];
		struct cli_opts o;
		char err[256], got[512];
		int rc;

		getopt_reset();
		memset(err, 0, sizeof err);
		rc = parse(w->args, &o, err, sizeof err);
		T_EQ_INT(rc, w->rc, w->label);
		if (rc == 0 && w->rc == 0) {
			describe(&o, got, sizeof got);
			T_EQ_STR(got, w->want, w->label);
		} else if (rc != 0) {
			T_CHECK(err[0] && one_line(err), w->label);
			if (w->err_has) {
				T_CHECK(strstr(err, w->err_has) != NULL, w->label);
				if (!strstr(err, w->err_has))
					fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err, w->err_has);
			}
			if (w->err_hasnt) {
				T_CHECK(strstr(err, w->err_hasnt) == NULL, w->label);
				if (strstr(err, w->err_hasnt))
					fprintf(stderr, "  message \"%s\" has \"%s\"\n", err, w->err_hasnt);
			}
		} else {
			describe(&o, got, sizeof got);
			fprintf(stderr, "  accepted as: %s\n", got);
		}
	}
}

/* A small error buffer: the message is cut and terminated. */
static void test_small_err(void)
{
	static const char *const bad[] = { "--format", "yaml", U, NULL };
	static const char *const unk[] = { "--frobnicate", U, NULL };
	struct cli_opts o;
	char err[8];

	getopt_reset();
	memset(err, '#', sizeof err);
	T_EQ_INT(parse(bad, &o, err, sizeof err), CLI_E_USAGE, "bad value, 8-byte buffer");
	T_EQ_INT(strlen(err), 7, "bad value message cut to 7 bytes");
	getopt_reset();
	memset(err, '#', sizeof err);
	T_EQ_INT(parse(unk, &o, err, sizeof err), CLI_E_USAGE, "unknown option, 8-byte buffer");
	T_EQ_INT(strlen(err), 7, "unknown option message cut to 7 bytes");
}

/*
 * cli_parse twice in one process, without anything in between, as a test
 * or a fuzzer does. cli_parse sets optind = 1, which with glibc and musl
 * does not forget a cluster half consumed by the previous call: after
 * "-hq" stopped at -h, the next call first returns the stale 'q' (and skips
 * its own argv[1]); after "-Zv" failed at -Z, the next call gets 'v'.
 */
static void test_second_call(void)
{
	static const char *const first_h[] = { "-hq", U, NULL };
	static const char *const first_bad[] = { "-Zv", U, NULL };
	static const char *const second[] = { "-k", "https://second.example", NULL };
	static const char *const plain[] = { "https://third.example", NULL };
	struct cli_opts o;
	char err[256], got[512];

	getopt_reset();
	T_EQ_INT(parse(first_h, &o, err, sizeof err), 0, "first call: -hq");
	T_EQ_INT(o.help, 1, "first call: help");
	T_EQ_INT(parse(second, &o, err, sizeof err), 0, "second call after -hq");
	describe(&o, got, sizeof got);
	T_EQ_STR(got, "base=https://second.example insecure=1", "second call after -hq: its own options only");

	getopt_reset();
	T_EQ_INT(parse(first_bad, &o, err, sizeof err), CLI_E_USAGE, "first call: -Zv");
	T_EQ_INT(parse(plain, &o, err, sizeof err), 0, "second call after -Zv");
	describe(&o, got, sizeof got);
	T_EQ_STR(got, "base=https://third.example", "second call after -Zv: no stale -v");

	/* Calls that ran to the end leave nothing behind. */
	getopt_reset();
	T_EQ_INT(parse(second, &o, err, sizeof err), 0, "complete call");
	T_EQ_INT(parse(plain, &o, err, sizeof err), 0, "next complete call");
	describe(&o, got, sizeof got);
	T_EQ_STR(got, "base=https://third.example", "complete calls are independent");
}

struct srow {
	const char *in;
	long max;
	int rc;
	long ms;
};

static const struct srow srows[] = {
	{ "0", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "0.000", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "0.001", CLI_TIME_MAX_MS, 0, 1 },
	{ "0.01", CLI_TIME_MAX_MS, 0, 10 },
	{ "0.5", CLI_TIME_MAX_MS, 0, 500 },
	{ "1", CLI_TIME_MAX_MS, 0, 1000 },
	{ "1.5", CLI_TIME_MAX_MS, 0, 1500 },
	{ "1.50", CLI_TIME_MAX_MS, 0, 1500 },
	{ "1.999", CLI_TIME_MAX_MS, 0, 1999 },
	{ "10", CLI_TIME_MAX_MS, 0, 10000 },
	{ "007", CLI_TIME_MAX_MS, 0, 7000 },
	{ "86400", CLI_TIME_MAX_MS, 0, 86400000 },
	{ "86400.000", CLI_TIME_MAX_MS, 0, 86400000 },
	{ "86400.001", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "86401", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "99999999999999999999999", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1.", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ ".5", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1.2345", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "abc", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "-1", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "+1", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ " 1", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1 ", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1s", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1e3", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1,5", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "1..5", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "0x10", CLI_TIME_MAX_MS, CLI_E_USAGE, 0 },
	{ "2", 2000, 0, 2000 },
	{ "2.001", 2000, CLI_E_USAGE, 0 },
	{ "3", 2000, CLI_E_USAGE, 0 },
	{ "0.5", 500, 0, 500 },
	{ "0.501", 500, CLI_E_USAGE, 0 },
	{ "1", 500, CLI_E_USAGE, 0 },
};

static void test_seconds(void)
{
	size_t r;

	for (r = 0; r < sizeof srows / sizeof srows[0]; r++) {
		const struct srow *s = &srows[r];
		char label[80];
		long ms = -42;
		int rc = cli_seconds(s->in, s->max, &ms);

		snprintf(label, sizeof label, "cli_seconds(\"%s\", %ld)", s->in, s->max);
		T_EQ_INT(rc, s->rc, label);
		T_EQ_INT(ms, s->rc == 0 ? s->ms : -42, label); /* untouched on error */
	}
}

/* --help, generated from the option table, lists every option the parser
 * knows, each on its own line, and fits 80 columns. */
struct help_buf { char b[8192]; size_t n; };

static void help_put(void *ctx, const char *s, size_t n)
{
	struct help_buf *h = ctx;

	if (h->n + n < sizeof h->b) {
		memcpy(h->b + h->n, s, n);
		h->n += n;
		h->b[h->n] = 0;
	}
}

static void test_usage(void)
{
	static const char *const opts[] = {
		"--product", "--path", "--user", "--token-file", "--format", "--json", "--include", "--raw",
		"--quiet", "--verbose", "--cacert", "--capath", "--pin", "--pinnedpubkey", "--cert", "--key",
		"--insecure", "--tls-min", "--tls-max", "--proxy", "--noproxy", "--location", "--max-redirs",
		"--ipv4", "--ipv6", "--connect-timeout", "--max-time", "--retry", "--from-file", "--help",
		"--version", "-j,", "-4,", "-6,", "exit codes",
	};
	static struct help_buf h;
	size_t i, col = 0, widest = 0;

	cli_help(help_put, &h);
	for (i = 0; i < sizeof opts / sizeof opts[0]; i++)
		T_CHECK(strstr(h.b, opts[i]) != NULL, opts[i]);
	for (i = 0; i < h.n; i++) {
		col = h.b[i] == '\n' ? 0 : col + 1;
		if (col > widest)
			widest = col;
	}
	T_CHECK(widest <= 80, "--help fits 80 columns");
	/* every option --help names is one the parser accepts */
	for (i = 0; i + 3 < h.n; i++) {
		if (h.b[i] == '-' && h.b[i + 1] == '-' && h.b[i + 2] >= 'a' && h.b[i + 2] <= 'z' &&
		    (i == 0 || h.b[i - 1] == ' ')) {
			char name[40], val[] = "1";
			const char *av[5] = { "atlwho", name, val, "https://x", NULL };
			struct cli_opts o;
			char err[256];
			size_t k = 0;
			int rc;
			while (k + 1 < sizeof name && (h.b[i + k] == '-' || (h.b[i + k] >= 'a' && h.b[i + k] <= 'z') ||
			    (h.b[i + k] >= '0' && h.b[i + k] <= '9')))
				name[k] = h.b[i + k], k++;
			name[k] = 0;
			getopt_reset();
			rc = cli_parse(&o, 4, (char **)av, err, sizeof err);
			T_CHECK(rc == 0 || strstr(err, "unknown option") == NULL, name);
		}
	}
}

int main(void)
{
	test_rows();
	test_small_err();
	test_seconds();
	test_usage();
	test_second_call(); /* last: what it exposes must not spill into the rest */
	return t_done();
}
