/* cli.c: option parsing for atlwho, getopt_long style ("--opt=value",
 * "--opt value", "--" ends options); every number range-checked. */
#include "fmt.h"
#include "cli.h"

#include <string.h>

#include "ascii.h"
#include "str.h"

/* The options, in --help's order: id, short letter (0: none), long name,
 * argument ("": a flag), default ("": none; cli_parse applies each as if
 * given first, and --help shows it), help. This one table drives parsing,
 * the defaults and --help; tests/test_docs.sh checks the README's and the
 * man page's options and defaults against it and --help. */
#define CLI_OPTIONS(X) \
	X(PRODUCT, 'p', "product", "jira|confluence|auto", "auto", "auto asks Jira, on 404 Confluence") \
	X(PATH, 0, "path", "PATH", "", "another endpoint returning a user object") \
	X(USER, 'u', "user", "USER", "", "Basic USER:TOKEN (Cloud: e-mail); default Bearer") \
	X(TOKEN_FILE, 0, "token-file", "FILE", "", "read the token from FILE (- is stdin)") \
	X(FORMAT, 0, "format", "text|json|env", "text", "output format") \
	X(JSON, 'j', "json", "", "", "the same as --format json") \
	X(INCLUDE, 'i', "include", "", "", "print the status line and response headers first") \
	X(RAW, 0, "raw", "", "", "only the deciding reply's body, as received") \
	X(QUIET, 'q', "quiet", "", "", "print nothing; the exit code tells") \
	X(VERBOSE, 'v', "verbose", "", "", "connection, TLS and HTTP details on stderr") \
	X(CACERT, 0, "cacert", "FILE", "", "trust the CA certificates in FILE") \
	X(CAPATH, 0, "capath", "DIR", "", "trust the CA certificates in DIR") \
	X(PIN, 0, "pin", "sha256//B64[;...]", "", "require this server key (alone: the whole trust)") \
	X(PINNEDPUBKEY, 0, "pinnedpubkey", "sha256//B64[;...]", "", "the same as --pin (curl's name)") \
	X(CERT, 0, "cert", "FILE", "", "client certificate (with --key; mTLS)") \
	X(KEY, 0, "key", "FILE", "", "the client certificate's unencrypted private key") \
	X(INSECURE, 'k', "insecure", "", "", "do not verify the server (warns every time)") \
	X(TLS_MIN, 0, "tls-min", "1.2|1.3", "1.2", "lowest TLS version") \
	X(TLS_MAX, 0, "tls-max", "1.2|1.3", "1.3", "highest TLS version") \
	X(PROXY, 'x', "proxy", "URL", "", "HTTP proxy http://[user:pass@]host:port") \
	X(NOPROXY, 0, "noproxy", "LIST", "", "hosts that bypass the proxy (comma list, * for all)") \
	X(LOCATION, 'L', "location", "", "", "follow same-origin redirects (and http->https)") \
	X(MAX_REDIRS, 0, "max-redirs", "N", "5", "at most N redirects") \
	X(IPV4, '4', "ipv4", "", "", "IPv4 addresses only") \
	X(IPV6, '6', "ipv6", "", "", "IPv6 addresses only") \
	X(CONNECT_TIMEOUT, 0, "connect-timeout", "S", "10", "seconds per connection attempt") \
	X(MAX_TIME, 'm', "max-time", "S", "30", "seconds for the whole check") \
	X(RETRY, 0, "retry", "N", "0", "retry on connect errors, 429 and 503") \
	X(FROM_FILE, 0, "from-file", "FILE", "", "classify a saved reply body (- is stdin)") \
	X(HELP, 'h', "help", "", "", "this help") \
	X(VERSION, 'V', "version", "", "", "version and TLS library")

#define X_ID(id, s, l, a, d, h) O_##id,
enum { CLI_OPTIONS(X_ID) O_COUNT };
#define X_SHORT(id, s, l, a, d, h) s,
static const char cli_shorts[O_COUNT] = { CLI_OPTIONS(X_SHORT) };
#define X_ARG(id, s, l, a, d, h) sizeof(a) > 1,
static const unsigned char cli_args[O_COUNT] = { CLI_OPTIONS(X_ARG) };
/* Names, argument words and help, each NUL-terminated, three per option:
 * one string instead of 93 pointers. */
#define X_TEXT(id, s, l, a, d, h) l "\0" a "\0" h "\0"
static const char cli_text[] = CLI_OPTIONS(X_TEXT);
/* The defaults, one NUL-terminated string per option, most empty: read in
 * one pass (cli_parse, cli_help). */
#define X_DEFAULT(id, s, l, a, d, h) d "\0"
static const char cli_defaults[] = CLI_OPTIONS(X_DEFAULT);

static const char cli_head[] =
"usage: atlwho [options] BASE_URL\n"
"Checks a Jira or Confluence API token and says whose it is.\n"
"The token comes from --token-file FILE or $ATLWHO_TOKEN, never argv.\n"
"\n";
static const char cli_tail[] =
"\n"
"output: name (Jira name, Confluence username), displayName, active, accountId,\n"
"  type, emailAddress; values with 12 bytes of the token (16 of base64) read\n"
"  <redacted>\n"
"\n"
"exit codes: 0 authenticated, active   1 authenticated, inactive   2 usage/config\n"
"            3 rejected or anonymous    4 CAPTCHA lockout           5 network\n"
"            6 TLS                      7 unexpected reply          8 output lost\n";

/* The k-th string of option id's three (TEXT_NAME, ...). */
enum { TEXT_NAME, TEXT_ARG, TEXT_HELP, TEXT_N };
static const char *text_of(int id, int k)
{
	const char *t = cli_text;
	int n = id * TEXT_N + k;

	while (n--)
		t += strlen(t) + 1;
	return t;
}

void cli_help(void (*put)(void *ctx, const char *s, size_t n), void *ctx)
{
	const char *def = cli_defaults;
	int id;

	put(ctx, cli_head, sizeof cli_head - 1);
	for (id = 0; id < O_COUNT; id++, def += strlen(def) + 1) {
		char line[200];
		const char *arg = text_of(id, TEXT_ARG);
		int n = fmt_snprintf(line, sizeof line, "  %c%c%s--%s%s%s", cli_shorts[id] ? '-' : ' ',
		    cli_shorts[id] ? cli_shorts[id] : ' ', cli_shorts[id] ? ", " : "  ", text_of(id, TEXT_NAME),
		    *arg ? " " : "", arg);
		if (n < 0 || (size_t)n >= sizeof line)
			continue;
		/* help in column 30, or on the next line after a long option */
		fmt_snprintf(line + n, sizeof line - (size_t)n, *def ? "%s%*s%s (default %s)\n" : "%s%*s%s\n%s",
		    n < 29 ? "" : "\n", n < 29 ? 29 - n : 29, "", text_of(id, TEXT_HELP), def);
		put(ctx, line, strlen(line));
	}
	put(ctx, cli_tail, sizeof cli_tail - 1);
}

int cli_seconds(const char *s, long max_ms, long *ms)
{
	const char *dot = strchr(s, '.');
	size_t whole = dot ? (size_t)(dot - s) : strlen(s), frac = dot ? strlen(dot + 1) : 0;
	long sec, part = 0, v;

	if (str_num(s, whole, 0, max_ms / 1000, &sec) != STR_OK ||
	    (dot && (frac == 0 || frac > 3 || str_num(dot + 1, frac, 0, 999, &part) != STR_OK)))
		return CLI_E_USAGE;
	while (frac > 0 && frac < 3)
		part *= 10, frac++;
	v = sec * 1000 + part;
	if (v < 1 || v > max_ms)
		return CLI_E_USAGE;
	*ms = v;
	return CLI_OK;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	long v;

	if (str_num(s, strlen(s), lo, hi, &v) != STR_OK)
		return CLI_E_USAGE;
	*out = (int)v;
	return CLI_OK;
}

static int bad(char *err, size_t cap, const char *opt, const char *val, const char *want)
{
	fmt_snprintf(err, cap, "%s '%s': %s (try 'atlwho --help')", opt, val, want);
	return CLI_E_USAGE;
}

/* "1.2" -> 12, "1.3" -> 13, else 0. */
static int version_number(const char *a)
{
	return strcmp(a, "1.2") == 0 ? 12 : strcmp(a, "1.3") == 0 ? 13 : 0;
}

/* Applies one option c with its value a (NULL for flags): 0, or -1 with a
 * message in err. */
static int apply(struct cli_opts *o, int c, const char *a, char *err, size_t errcap)
{
	if (!a)
		a = ""; /* flags get no value; the table guarantees one for the rest */
	switch (c) {
	case O_PRODUCT:
		if (strcmp(a, "jira") == 0)
			o->product = CLI_JIRA;
		else if (strcmp(a, "confluence") == 0)
			o->product = CLI_CONFLUENCE;
		else if (strcmp(a, "auto") == 0)
			o->product = CLI_AUTO;
		else
			return bad(err, errcap, "--product", a, "expected jira, confluence or auto");
		break;
	case O_PATH:
		if (a[0] != '/')
			return bad(err, errcap, "--path", a, "must start with /");
		o->path = a;
		break;
	case O_USER: o->user = a; break;
	case O_TOKEN_FILE: o->token_file = a; break;
	case O_FORMAT:
		if (strcmp(a, "text") == 0)
			o->format = CLI_TEXT;
		else if (strcmp(a, "json") == 0)
			o->format = CLI_JSON;
		else if (strcmp(a, "env") == 0)
			o->format = CLI_ENV;
		else
			return bad(err, errcap, "--format", a, "expected text, json or env");
		break;
	case O_JSON: o->format = CLI_JSON; break;
	case O_INCLUDE: o->include = 1; break;
	case O_RAW: o->raw = 1; break;
	case O_QUIET: o->quiet = 1; break;
	case O_VERBOSE: o->verbose = 1; break;
	case O_CACERT: o->cacert = a; break;
	case O_CAPATH: o->capath = a; break;
	case O_PIN:
	case O_PINNEDPUBKEY: {
		/* checked whole before anything is sent; a later --pin replaces it */
		const char *why;
		if (pin_parse(&o->pins, a, &why) != PIN_OK) {
			fmt_snprintf(err, errcap, "--pin '%.120s%s': %s", a, strlen(a) > 120 ? "..." : "", why);
			return CLI_E_USAGE;
		}
		break;
	}
	case O_CERT: o->cert = a; break;
	case O_KEY: o->key = a; break;
	case O_INSECURE: o->insecure = 1; break;
	case O_TLS_MIN:
		if ((o->tls_min = version_number(a)) == 0)
			return bad(err, errcap, "--tls-min", a, "expected 1.2 or 1.3");
		break;
	case O_TLS_MAX:
		if ((o->tls_max = version_number(a)) == 0)
			return bad(err, errcap, "--tls-max", a, "expected 1.2 or 1.3");
		break;
	case O_PROXY: o->proxy = a; break;
	case O_NOPROXY: o->noproxy = a; break;
	case O_LOCATION: o->follow = 1; break;
	case O_MAX_REDIRS:
		if (parse_int(a, 0, CLI_REDIRS_MAX, &o->max_redirs))
			return bad(err, errcap, "--max-redirs", a, "expected 0 to 50");
		break;
	case O_IPV4: o->family = 4; break;
	case O_IPV6: o->family = 6; break;
	case O_CONNECT_TIMEOUT:
		if (cli_seconds(a, CLI_TIME_MAX_MS, &o->connect_ms))
			return bad(err, errcap, "--connect-timeout", a, "expected seconds, 0.001 to 86400");
		break;
	case O_MAX_TIME:
		if (cli_seconds(a, CLI_TIME_MAX_MS, &o->max_ms))
			return bad(err, errcap, "--max-time", a, "expected seconds, 0.001 to 86400");
		break;
	case O_RETRY:
		if (parse_int(a, 0, CLI_RETRY_MAX, &o->retry))
			return bad(err, errcap, "--retry", a, "expected 0 to 100");
		break;
	case O_FROM_FILE: o->from_file = a; break;
	case O_HELP: o->help = 1; break;
	case O_VERSION: o->version = 1; break;
	}
	return CLI_OK;
}

/* Long options must be spelt in full: getopt_long's unambiguous prefixes
 * ("--token" for "--token-file") would take a token typed after a guessed
 * option name for a file name and echo it in an error. The option's id, or
 * -1. */
static int find_long(const char *name, size_t n)
{
	int id;

	for (id = 0; id < O_COUNT; id++) {
		const char *l = text_of(id, TEXT_NAME);
		if (strlen(l) == n && memcmp(l, name, n) == 0)
			return id;
	}
	return -1;
}

static int find_short(char c)
{
	int id;

	for (id = 0; c && id < O_COUNT; id++)
		if (cli_shorts[id] == c)
			return id;
	return -1;
}

/* "--NAME", "--NAME=VALUE" or "--NAME VALUE" at argv[*i] (*i moves past a
 * value taken from the next argument): applied, or CLI_E_USAGE with the
 * message in err. */
static int long_option(struct cli_opts *o, int argc, char **argv, int *i, char *err, size_t errcap)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	int id = find_long(name, n);
	const char *val = NULL;

	if (id < 0) {
		if (n == 5 && memcmp(name, "token", 5) == 0)
			fmt_snprintf(err, errcap, "there is no --token option: a token on the command line "
			    "shows in ps and shell history; use --token-file FILE or ATLWHO_TOKEN");
		else
			fmt_snprintf(err, errcap, "unknown option '--%.*s' (try 'atlwho --help')",
			    (int)(n > 40 ? 40 : n), name);
		return CLI_E_USAGE;
	}
	if (!cli_args[id] && eq) {
		fmt_snprintf(err, errcap, "option '--%s' takes no value (try 'atlwho --help')", text_of(id, TEXT_NAME));
		return CLI_E_USAGE;
	}
	if (cli_args[id]) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else {
			fmt_snprintf(err, errcap, "option '--%s' needs a value (try 'atlwho --help')",
			    text_of(id, TEXT_NAME));
			return CLI_E_USAGE;
		}
	}
	return apply(o, id, val, err, errcap);
}

/* Where the errors after the first are written, unread: only the first is
 * reported (cli.h), so their text may be cut anywhere. */
#define CLI_SPARE_ERR 200

/* getopt_long conventions without getopt (whose error printing drags
 * stdio into the static binary): clustered short flags, "-xVALUE" and
 * "-x VALUE", "--opt=value" and "--opt value", options after operands,
 * "--" ends options. */

int cli_parse(struct cli_opts *o, int argc, char **argv, char *err, size_t errcap)
{
	const char *first = NULL, *d = cli_defaults;
	char spare[CLI_SPARE_ERR];
	int i, nops = 0, only_operands = 0, bad = 0;

	memset(o, 0, sizeof *o);
	for (i = 0; i < O_COUNT; i++, d += strlen(d) + 1)
		if (*d)
			apply(o, i, d, err, errcap);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == 0) {
			if (nops++ == 0)
				first = a;
			continue;
		}
		if (a[1] == '-' && a[2] == 0) {
			only_operands = 1;
			continue;
		}
		if (a[1] == '-') {
			if (long_option(o, argc, argv, &i, err, errcap) != CLI_OK)
				goto fail;
			if ((o->help || o->version) && !bad)
				return CLI_OK;
			continue;
		}
		for (a++; *a; a++) {
			int id = find_short(*a);
			const char *val = NULL;
			if (id < 0) {
				fmt_snprintf(err, errcap, "unknown option '-%c' (try 'atlwho --help')",
				    *a != ' ' && ascii_print((unsigned char)*a) ? *a : '?');
				bad = 1; /* as at fail, but the cluster's next letters are read */
				err = spare;
				errcap = sizeof spare;
				continue;
			}
			if (cli_args[id]) {
				if (a[1])
					val = a + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					fmt_snprintf(err, errcap, "option '-%c' needs a value (try 'atlwho --help')", *a);
					goto fail;
				}
			}
			if (apply(o, id, val, err, errcap) != CLI_OK)
				goto fail;
			if ((o->help || o->version) && !bad)
				return CLI_OK;
			if (val)
				break;
		}
		continue;
	fail:
		/* The first error is the one reported; the rest of the line is
		 * still read, for -j, --format and -q (cli.h). */
		bad = 1;
		err = spare;
		errcap = sizeof spare;
	}
	if (bad)
		return CLI_E_USAGE;
	if (o->tls_min > o->tls_max) {
		fmt_snprintf(err, errcap, "--tls-min 1.3 and --tls-max 1.2 leave no TLS version");
		return CLI_E_USAGE;
	}
	if (o->raw + o->quiet + (o->format != CLI_TEXT) > 1) {
		fmt_snprintf(err, errcap, "--raw, --quiet and --format json/env exclude each other");
		return CLI_E_USAGE;
	}
	if (o->from_file) {
		if (nops != 0) {
			fmt_snprintf(err, errcap, "--from-file takes no BASE_URL (try 'atlwho --help')");
			return CLI_E_USAGE;
		}
		return CLI_OK;
	}
	if (nops != 1) {
		fmt_snprintf(err, errcap, nops == 0 ? "missing BASE_URL (try 'atlwho --help')" :
		    "one BASE_URL only (try 'atlwho --help')");
		return CLI_E_USAGE;
	}
	o->base = first;
	return CLI_OK;
}
