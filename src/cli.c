/* cli.c: option parsing for atlwho, getopt_long style ("--opt=value",
 * "--opt value", "--" ends options); every number range-checked. */
#include "fmt.h"
#include "cli.h"

#include "b64.h"
#include <getopt.h> /* struct option only: parsing is ours */
#include <string.h>

const char cli_usage[] =
"usage: atlwho [options] BASE_URL\n"
"Checks a Jira or Confluence API token and says whose it is.\n"
"The token comes from --token-file FILE (- for stdin) or $ATLWHO_TOKEN, never argv.\n"
"\n"
"  -p, --product jira|confluence|auto   endpoint (default auto: Jira, then Confluence on 404)\n"
"      --path PATH          another endpoint returning a user object (/rest/api/3/myself)\n"
"  -u, --user USER          Basic auth as USER:TOKEN (Cloud: e-mail); default Bearer TOKEN\n"
"      --token-file FILE    read the token from FILE (- is standard input)\n"
"      --format text|json|env   output format (default text); -j is --format json\n"
"  -i, --include            print the status line and response headers first\n"
"      --raw                print the response body exactly as received, nothing else\n"
"  -q, --quiet              print nothing; the exit code tells\n"
"  -v, --verbose            connection, TLS, request and response details on stderr\n"
"      --cacert FILE        trust the CA certificates in FILE\n"
"      --capath DIR         trust the CA certificates in DIR\n"
"      --pin sha256//B64[;...]  require this server public key (curl's --pinnedpubkey);\n"
"                           without --cacert/--capath the pin alone is the trust\n"
"      --cert FILE --key FILE   client certificate and key (mTLS)\n"
"  -k, --insecure           do not verify the server (says so on stderr every time)\n"
"      --tls-min 1.2|1.3    lowest TLS version (default 1.2)\n"
"      --tls-max 1.2|1.3    highest TLS version (default 1.3)\n"
"  -x, --proxy URL          HTTP proxy http://[user:pass@]host:port (else https_proxy...)\n"
"      --noproxy LIST       hosts that bypass the proxy (comma list, * for all)\n"
"  -L, --location           follow redirects on the same origin (and http->https)\n"
"      --max-redirs N       at most N redirects (default 5)\n"
"  -4, -6                   IPv4 or IPv6 only\n"
"      --connect-timeout S  seconds per connection attempt (default 10)\n"
"  -m, --max-time S         seconds for the whole check (default 30)\n"
"      --retry N            retry N times on connect errors, 429 and 503\n"
"      --from-file FILE     classify a saved response body instead (- is stdin)\n"
"  -h, --help               this help;  -V, --version  version and TLS library\n"
"\n"
"output: name (Jira name, Confluence username), displayName, active, accountId, type,\n"
"  emailAddress; values with 12 bytes of the token (16 of base64) read <redacted>\n"
"\n"
"exit codes: 0 authenticated, active   1 authenticated, inactive   2 usage/config\n"
"            3 rejected or anonymous    4 CAPTCHA lockout           5 network\n"
"            6 TLS                      7 unexpected reply\n";

enum {
	O_PATH = 256, O_TOKEN_FILE, O_FORMAT, O_RAW, O_CACERT, O_CAPATH, O_PIN,
	O_CERT, O_KEY, O_TLS_MIN, O_TLS_MAX, O_NOPROXY, O_MAX_REDIRS, O_CONNECT_TIMEOUT,
	O_RETRY, O_FROM_FILE
};

static const struct option cli_long[] = {
	{ "product", required_argument, 0, 'p' },
	{ "path", required_argument, 0, O_PATH },
	{ "user", required_argument, 0, 'u' },
	{ "token-file", required_argument, 0, O_TOKEN_FILE },
	{ "format", required_argument, 0, O_FORMAT },
	{ "json", no_argument, 0, 'j' },
	{ "include", no_argument, 0, 'i' },
	{ "raw", no_argument, 0, O_RAW },
	{ "quiet", no_argument, 0, 'q' },
	{ "verbose", no_argument, 0, 'v' },
	{ "cacert", required_argument, 0, O_CACERT },
	{ "capath", required_argument, 0, O_CAPATH },
	{ "pin", required_argument, 0, O_PIN },
	{ "pinnedpubkey", required_argument, 0, O_PIN },
	{ "cert", required_argument, 0, O_CERT },
	{ "key", required_argument, 0, O_KEY },
	{ "insecure", no_argument, 0, 'k' },
	{ "tls-min", required_argument, 0, O_TLS_MIN },
	{ "tls-max", required_argument, 0, O_TLS_MAX },
	{ "proxy", required_argument, 0, 'x' },
	{ "noproxy", required_argument, 0, O_NOPROXY },
	{ "location", no_argument, 0, 'L' },
	{ "max-redirs", required_argument, 0, O_MAX_REDIRS },
	{ "ipv4", no_argument, 0, '4' },
	{ "ipv6", no_argument, 0, '6' },
	{ "connect-timeout", required_argument, 0, O_CONNECT_TIMEOUT },
	{ "max-time", required_argument, 0, 'm' },
	{ "retry", required_argument, 0, O_RETRY },
	{ "from-file", required_argument, 0, O_FROM_FILE },
	{ "help", no_argument, 0, 'h' },
	{ "version", no_argument, 0, 'V' },
	{ 0, 0, 0, 0 }
};

int cli_seconds(const char *s, long max_ms, long *ms)
{
	long v = 0;
	int digits = 0, frac = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		v = v * 10 + (*s - '0');
		if (v > max_ms / 1000)
			return -1;
	}
	v *= 1000;
	if (*s == '.') {
		long scale = 100;
		for (s++; *s >= '0' && *s <= '9'; s++, frac++) {
			if (frac >= 3)
				return -1;
			v += (*s - '0') * scale;
			scale /= 10;
		}
		if (frac == 0)
			return -1;
	}
	if (*s || digits == 0 || v < 1 || v > max_ms)
		return -1;
	*ms = v;
	return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > hi)
			return -1;
	}
	if (v < lo)
		return -1;
	*out = (int)v;
	return 0;
}

static int bad(char *err, size_t cap, const char *opt, const char *val, const char *want)
{
	fmt_snprintf(err, cap, "%s '%s': %s (try 'atlwho --help')", opt, val, want);
	return -1;
}

/* "1.2" -> 12, "1.3" -> 13, else 0. */
static int tls_version(const char *a)
{
	return strcmp(a, "1.2") == 0 ? 12 : strcmp(a, "1.3") == 0 ? 13 : 0;
}

/* curl's --pinnedpubkey hash form, checked whole before anything is sent:
 * "sha256//" and the canonical base64 of 32 bytes, up to CLI_PINS_MAX of
 * them separated by ';'. 0, or -1 with the reason in why. */
static int check_pins(const char *s, const char **why)
{
	int n = 0;

	for (;;) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len < 8 || memcmp(s, "sha256//", 8) != 0) {
			*why = "each pin is sha256// followed by base64 (curl's hash form; key files are not taken)";
			return -1;
		}
		if (b64_decoded_len(s + 8, len - 8) != 32) {
			*why = "the part after sha256// must be the base64 of a 32-byte SHA-256 digest (44 characters)";
			return -1;
		}
		if (++n > CLI_PINS_MAX) {
			*why = "at most 8 pins";
			return -1;
		}
		if (!e)
			return 0;
		s = e + 1;
	}
}

/* Applies one option c with its value a (NULL for flags): 0, or -1 with a
 * message in err. */
static int apply(struct cli_opts *o, int c, const char *a, char *err, size_t errcap)
{
	if (!a)
		a = ""; /* flags get no value; the table guarantees one for the rest */
	switch (c) {
	case 'p':
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
	case 'u': o->user = a; break;
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
	case 'j': o->format = CLI_JSON; break;
	case 'i': o->include = 1; break;
	case O_RAW: o->raw = 1; break;
	case 'q': o->quiet = 1; break;
	case 'v': o->verbose = 1; break;
	case O_CACERT: o->cacert = a; break;
	case O_CAPATH: o->capath = a; break;
	case O_PIN: {
		const char *why;
		if (check_pins(a, &why) != 0) {
			fmt_snprintf(err, errcap, "--pin '%.120s%s': %s", a, strlen(a) > 120 ? "..." : "", why);
			return -1;
		}
		o->pins = a;
		break;
	}
	case O_CERT: o->cert = a; break;
	case O_KEY: o->key = a; break;
	case 'k': o->insecure = 1; break;
	case O_TLS_MIN:
		if ((o->tls_min = tls_version(a)) == 0)
			return bad(err, errcap, "--tls-min", a, "expected 1.2 or 1.3");
		break;
	case O_TLS_MAX:
		if ((o->tls_max = tls_version(a)) == 0)
			return bad(err, errcap, "--tls-max", a, "expected 1.2 or 1.3");
		break;
	case 'x': o->proxy = a; break;
	case O_NOPROXY: o->noproxy = a; break;
	case 'L': o->follow = 1; break;
	case O_MAX_REDIRS:
		if (parse_int(a, 0, CLI_REDIRS_MAX, &o->max_redirs))
			return bad(err, errcap, "--max-redirs", a, "expected 0 to 50");
		break;
	case '4': o->family = 4; break;
	case '6': o->family = 6; break;
	case O_CONNECT_TIMEOUT:
		if (cli_seconds(a, CLI_TIME_MAX_MS, &o->connect_ms))
			return bad(err, errcap, "--connect-timeout", a, "expected seconds, 0.001 to 86400");
		break;
	case 'm':
		if (cli_seconds(a, CLI_TIME_MAX_MS, &o->max_ms))
			return bad(err, errcap, "--max-time", a, "expected seconds, 0.001 to 86400");
		break;
	case O_RETRY:
		if (parse_int(a, 0, CLI_RETRY_MAX, &o->retry))
			return bad(err, errcap, "--retry", a, "expected 0 to 100");
		break;
	case O_FROM_FILE: o->from_file = a; break;
	case 'h': o->help = 1; break;
	case 'V': o->version = 1; break;
	}
	return 0;
}

static const char cli_short[] = "p:u:jiqvkx:L46m:hV";

/* Long options must be spelt in full: getopt_long's unambiguous prefixes
 * ("--token" for "--token-file") would take a token typed after a guessed
 * option name for a file name and echo it in an error. */
static const struct option *find_long(const char *name, size_t n)
{
	const struct option *lo;

	for (lo = cli_long; lo->name; lo++)
		if (strlen(lo->name) == n && memcmp(lo->name, name, n) == 0)
			return lo;
	return NULL;
}

/* getopt_long conventions without getopt (whose error printing drags
 * stdio into the static binary): clustered short flags, "-xVALUE" and
 * "-x VALUE", "--opt=value" and "--opt value", options after operands,
 * "--" ends options. */
int cli_parse(struct cli_opts *o, int argc, char **argv, char *err, size_t errcap)
{
	const char *first = NULL;
	int i, nops = 0, only_operands = 0;

	memset(o, 0, sizeof *o);
	o->max_redirs = 5;
	o->connect_ms = 10000;
	o->max_ms = 30000;
	o->tls_min = 12;
	o->tls_max = 13;
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
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			const struct option *lo = find_long(name, n);
			const char *val = NULL;
			if (!lo) {
				if (n == 5 && memcmp(name, "token", 5) == 0)
					fmt_snprintf(err, errcap, "there is no --token option: a token on the command line "
					    "shows in ps and shell history; use --token-file FILE or ATLWHO_TOKEN");
				else
					fmt_snprintf(err, errcap, "unknown option '--%.*s' (try 'atlwho --help')",
					    (int)(n > 40 ? 40 : n), name);
				return -1;
			}
			if (lo->has_arg == no_argument && eq) {
				fmt_snprintf(err, errcap, "option '--%s' takes no value (try 'atlwho --help')", lo->name);
				return -1;
			}
			if (lo->has_arg == required_argument) {
				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					fmt_snprintf(err, errcap, "option '--%s' needs a value (try 'atlwho --help')", lo->name);
					return -1;
				}
			}
			if (apply(o, lo->val, val, err, errcap) != 0)
				return -1;
			if (o->help || o->version)
				return 0;
			continue;
		}
		for (a++; *a; a++) {
			const char *spec = strchr(cli_short, *a), *val = NULL;
			if (*a == ':' || !spec) {
				fmt_snprintf(err, errcap, "unknown option '-%c' (try 'atlwho --help')",
				    (*a >= 0x21 && *a < 0x7f) ? *a : '?');
				return -1;
			}
			if (spec[1] == ':') {
				if (a[1])
					val = a + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					fmt_snprintf(err, errcap, "option '-%c' needs a value (try 'atlwho --help')", *a);
					return -1;
				}
			}
			if (apply(o, *a, val, err, errcap) != 0)
				return -1;
			if (o->help || o->version)
				return 0;
			if (val)
				break;
		}
	}
	if (o->tls_min > o->tls_max) {
		fmt_snprintf(err, errcap, "--tls-min 1.3 and --tls-max 1.2 leave no TLS version");
		return -1;
	}
	if (o->raw + o->quiet + (o->format != CLI_TEXT) > 1) {
		fmt_snprintf(err, errcap, "--raw, --quiet and --format json/env exclude each other");
		return -1;
	}
	if (o->from_file) {
		if (nops != 0) {
			fmt_snprintf(err, errcap, "--from-file takes no BASE_URL (try 'atlwho --help')");
			return -1;
		}
		return 0;
	}
	if (nops != 1) {
		fmt_snprintf(err, errcap, nops == 0 ? "missing BASE_URL (try 'atlwho --help')" :
		    "one BASE_URL only (try 'atlwho --help')");
		return -1;
	}
	o->base = first;
	return 0;
}
