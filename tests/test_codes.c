/* test_codes.c: one error space per layer. Every module's negative return
 * codes are distinct across the whole program and lie in that module's own
 * range, so a code passed up a layer can never be read as another module's;
 * the modules with a strerror give prose for each of theirs, never a name.
 * tests/test_docs.sh checks that every *_E_* code defined in the headers of src/ is in
 * the table below. */
#include "b64.h"
#include "cli.h"
#include "fetch.h"
#include "http.h"
#include "json.h"
#include "pem.h"
#include "pin.h"
#include "proxy.h"
#include "str.h"
#include "sys.h"
#include "t.h"
#include "tls.h"
#include "trust.h"
#include "url.h"

#define C(name, lo, hi) { #name, name, lo, hi }
static const struct { const char *name; int code, lo, hi; } codes[] = {
	C(SYS_E_IO, -10, -1), C(SYS_E_TIMEOUT, -10, -1), C(SYS_E_RESOLVE, -10, -1),
	C(SYS_E_CONNECT, -10, -1), C(SYS_E_TOOBIG, -10, -1), C(SYS_E_ENTROPY, -10, -1),
	C(STR_E_SYNTAX, -20, -11), C(STR_E_RANGE, -20, -11),
	C(TLS_E_CONFIG, -30, -21), C(TLS_E_HANDSHAKE, -30, -21), C(TLS_E_NET, -30, -21),
	C(TLS_E_PROTO, -30, -21), C(TLS_E_NOMEM, -30, -21),
	C(FETCH_E_CONFIG, -40, -31), C(FETCH_E_NET, -40, -31), C(FETCH_E_TLS, -40, -31),
	C(FETCH_E_HTTP, -40, -31), C(FETCH_E_PROXY, -40, -31),
	C(URL_E_SYNTAX, -50, -41), C(URL_E_SCHEME, -50, -41), C(URL_E_USERINFO, -50, -41),
	C(URL_E_HOST, -50, -41), C(URL_E_PORT, -50, -41), C(URL_E_PATH, -50, -41),
	C(URL_E_QUERY, -50, -41), C(URL_E_TOOLONG, -50, -41),
	C(PX_E_SYNTAX, -60, -51), C(PX_E_SCHEME, -60, -51), C(PX_E_HOST, -60, -51),
	C(PX_E_PORT, -60, -51), C(PX_E_CRED, -60, -51), C(PX_E_BUFSMALL, -60, -51),
	C(PEM_E_DER, -70, -61),
	C(CLI_E_USAGE, -80, -71),
	C(JS_E_SYNTAX, -99, -81), C(JS_E_DEPTH, -99, -81), C(JS_E_UTF8, -99, -81),
	C(JS_E_ESCAPE, -99, -81), C(JS_E_CONTROL, -99, -81), C(JS_E_NUMBER, -99, -81),
	C(JS_E_TRAILING, -99, -81), C(JS_E_TRUNCATED, -99, -81), C(JS_E_EMPTY, -99, -81),
	C(HTTP_E_BUFSMALL, -199, -101), C(HTTP_E_REQ_VALUE, -199, -101),
	C(HTTP_E_REQ_MISUSE, -199, -101), C(HTTP_E_STATUS_LINE, -199, -101),
	C(HTTP_E_VERSION, -199, -101), C(HTTP_E_STATUS, -199, -101),
	C(HTTP_E_HEADER, -199, -101), C(HTTP_E_HEADER_CHAR, -199, -101),
	C(HTTP_E_FIELD_TOO_LARGE, -199, -101), C(HTTP_E_HEAD_TOO_LARGE, -199, -101),
	C(HTTP_E_TOO_MANY_INTERIM, -199, -101), C(HTTP_E_CONTENT_LENGTH, -199, -101),
	C(HTTP_E_CL_CONFLICT, -199, -101), C(HTTP_E_TE_AND_CL, -199, -101),
	C(HTTP_E_TRANSFER_ENCODING, -199, -101), C(HTTP_E_CONTENT_ENCODING, -199, -101),
	C(HTTP_E_CHUNK_SIZE, -199, -101), C(HTTP_E_CHUNK_OVERFLOW, -199, -101),
	C(HTTP_E_CHUNK_CRLF, -199, -101), C(HTTP_E_TRAILER_TOO_LARGE, -199, -101),
	C(HTTP_E_NO_RESPONSE, -199, -101), C(HTTP_E_TRUNCATED_HEAD, -199, -101),
	C(HTTP_E_TRUNCATED_BODY, -199, -101), C(HTTP_E_CALLBACK, -199, -101),
	C(B64_E_CHAR, -209, -201), C(B64_E_END, -209, -201), C(B64_E_ROOM, -209, -201),
	C(PIN_E_FORMAT, -229, -221),
	C(TRUST_E_SOURCE, -219, -211),
};
#define NCODES (sizeof codes / sizeof codes[0])

/* 1 if s reads as words: not empty, not an identifier like "HTTP_E_X". */
static int prose(const char *s)
{
	return s && *s && strchr(s, ' ') && !strstr(s, "_E_");
}

int main(void)
{
	size_t i, j;
	int dup = 0, out = 0, words = 0;
	int ranges[][2] = { { -10, -1 }, { -20, -11 }, { -30, -21 }, { -40, -31 }, { -50, -41 },
			    { -60, -51 }, { -70, -61 }, { -80, -71 }, { -99, -81 }, { -199, -101 },
			    { -209, -201 }, { -219, -211 }, { -229, -221 } };

	for (i = 0; i < NCODES; i++) {
		if (codes[i].code < codes[i].lo || codes[i].code > codes[i].hi) {
			fprintf(stderr, "%s = %d outside its module's range %d..%d\n", codes[i].name,
			    codes[i].code, codes[i].hi, codes[i].lo);
			out++;
		}
		for (j = 0; j < i; j++)
			if (codes[i].code == codes[j].code) {
				fprintf(stderr, "%s and %s are both %d\n", codes[i].name, codes[j].name,
				    codes[i].code);
				dup++;
			}
	}
	T_EQ_INT(out, 0, "every code lies in its module's range");
	T_EQ_INT(dup, 0, "no two codes are the same number");
	for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		for (j = 0; j < i; j++)
			T_CHECK(ranges[i][1] < ranges[j][0] || ranges[i][0] > ranges[j][1],
			    "module ranges do not overlap");

	for (i = 0; i < NCODES; i++) {
		const char *m = NULL;

		if (strncmp(codes[i].name, "HTTP_E_", 7) == 0)
			m = http_strerror(codes[i].code);
		else if (strncmp(codes[i].name, "JS_E_", 5) == 0)
			m = js_strerror(codes[i].code);
		else
			continue;
		if (!prose(m)) {
			fprintf(stderr, "%s: strerror gives \"%s\"\n", codes[i].name, m ? m : "(null)");
			words++;
		}
		for (j = 0; j < i; j++)
			if (strncmp(codes[j].name, codes[i].name, 3) == 0) {
				const char *n = codes[i].name[0] == 'H' ? http_strerror(codes[j].code) :
				    js_strerror(codes[j].code);
				T_CHECK(strcmp(m, n) != 0, codes[i].name);
			}
	}
	T_EQ_INT(words, 0, "http_strerror and js_strerror give prose for every code");
	T_CHECK(prose(http_strerror(-1)) && prose(js_strerror(-1)), "an unknown code: prose too");
	return t_done();
}
