/* json.c: streaming, constant-memory JSON validator keeping the top-level
 * identity fields of a Jira/Confluence user reply (RFC 8259, RFC 3629). */
#include "fmt.h"
#include "json.h"

#include <string.h>

/* Parser states. Every state consumes whole bytes, so a chunk boundary can
 * fall between any two bytes without changing anything. */
enum {
	S_BOM0,           /* first byte: a BOM may start here */
	S_BOM1, S_BOM2,   /* EF seen, EF BB seen */
	S_VALUE,          /* a value must start */
	S_VALUE_OR_CLOSE, /* after '[': a value or ']' */
	S_KEY_OR_CLOSE,   /* after '{': a key or '}' */
	S_KEY,            /* after ',' in an object: a key */
	S_COLON,          /* after a key */
	S_AFTER,          /* after a value inside a container: ',' or close */
	S_DONE,           /* after the top-level value: whitespace only */
	S_STR,            /* inside a string */
	S_ESC,            /* after '\' */
	S_HEX,            /* inside \uXXXX */
	S_U8,             /* inside a multi-byte UTF-8 character */
	S_LIT,            /* inside true, false or null */
	N_MINUS,          /* after '-' */
	N_ZERO,           /* after a leading 0 */
	N_INT,            /* in the integer digits */
	N_DOT,            /* after '.' */
	N_FRAC,           /* in the fraction digits */
	N_E,              /* after 'e' or 'E' */
	N_ESIGN,          /* after the exponent's sign */
	N_EXP             /* in the exponent digits */
};

_Static_assert(JS_DEPTH_MAX % 8 == 0, "the bit stack is whole bytes");
_Static_assert(JS_KEY_MAX >= sizeof("emailAddress") - 1,
    "every key we look for fits in js_scanner.key");

/* Where decoded string bytes go. */
enum { SINK_NONE, SINK_KEY, SINK_FIELD };

/* js_scanner.cur value for the top-level "active" member. */
#define CUR_ACTIVE JS_NFIELDS

/* Byte classes, one table lookup per byte on the hot paths. */
enum { CL_WS = 1, CL_PLAIN = 2, CL_DIGIT = 4 };

/* PLAIN: a string byte that needs no decoding: printable ASCII except '"'
 * and '\' (RFC 8259 section 7: control characters must be escaped; bytes
 * from 0x80 need UTF-8 validation). WS: RFC 8259 section 2's four. */
#define W CL_WS
#define P CL_PLAIN
#define S (CL_PLAIN | CL_WS)
#define D (CL_PLAIN | CL_DIGIT)
static const unsigned char js_cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, W, W, 0, 0, W, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	S, P, 0, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x20, '"' */
	D, D, D, D, D, D, D, D, D, D, P, P, P, P, P, P, /* 0x30 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x40 */
	P, P, P, P, P, P, P, P, P, P, P, P, 0, P, P, P, /* 0x50, '\\' */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, /* 0x60 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P  /* 0x70 */
	/* 0x80..0xFF: 0 */
};
#undef W
#undef P
#undef S
#undef D

/* The keys of js_scanner.f, in index order, and the literals; packed
 * strings rather than tables of pointers (no relocations). */
static const char js_keys[] = "name\0username\0displayName\0accountId\0type\0emailAddress";
static const char js_lits[] = "true\0false\0null";
static const unsigned char js_lit_at[3] = { 0, 5, 11 };
#define LIT(lit) (js_lits + js_lit_at[lit])

static int is_ws(unsigned c) { return js_cls[c] & CL_WS; }
static int is_digit(unsigned c) { return js_cls[c] & CL_DIGIT; }
static int is_plain(unsigned c) { return js_cls[c] & CL_PLAIN; }

void js_init(struct js_scanner *s)
{
	memset(s, 0, sizeof(*s));
	s->state = S_BOM0;
	s->cur = -1;
	s->err_byte = -1;
	s->active = -1;
}

static int fail(struct js_scanner *s, int code, uint64_t off, int byte,
    const char *what)
{
	s->err = code;
	s->err_off = off;
	s->err_byte = byte;
	s->err_what = what;
	return code;
}

static void push(struct js_scanner *s, int obj)
{
	unsigned char bit = (unsigned char)(1u << (s->depth & 7));

	if (obj)
		s->stack[s->depth >> 3] |= bit;
	else
		s->stack[s->depth >> 3] &= (unsigned char)~bit;
	s->depth++;
}

/* 1 if the innermost open container is an object; needs depth > 0. */
static int top_is_obj(const struct js_scanner *s)
{
	unsigned d = s->depth - 1;

	return (s->stack[d >> 3] >> (d & 7)) & 1;
}

/* Decoded string bytes: a run of plain ASCII bytes (whole = 0: each is a
 * whole character, so a field may be cut anywhere inside the run) or one
 * whole character of n (1..4) bytes (whole = 1: kept whole or not at all,
 * so a truncated field always ends on a character boundary). */
static void put(struct js_scanner *s, const unsigned char *p, size_t n, int whole)
{
	if (s->sink == SINK_KEY) {
		if (s->keylen > JS_KEY_MAX)
			return;
		if (n > JS_KEY_MAX - s->keylen) {
			s->keylen = JS_KEY_MAX + 1;
			return;
		}
		memcpy(s->key + s->keylen, p, n);
		s->keylen += n;
	} else if (s->sink == SINK_FIELD) {
		struct js_str *f = &s->f[s->cur];
		size_t room = JS_FIELD_MAX - f->len;

		/* The whole value is judged, not the part kept. */
		f->secret = (unsigned char)rd_feed(s->rd, &s->run, p, n);
		if (f->truncated)
			return;
		if (n > room) {
			f->truncated = 1;
			if (whole)
				return;
			n = room;
		}
		memcpy(f->buf + f->len, p, n);
		f->len += n;
	}
}

static void put_cp(struct js_scanner *s, unsigned cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(s, b, n, 1);
}

/* A lone surrogate cannot be written as UTF-8 (RFC 3629 section 3); it
 * becomes U+FFFD, the replacement character, as in a JavaScript engine. */
static void flush_surrogate(struct js_scanner *s)
{
	if (s->pending_hi) {
		s->pending_hi = 0;
		put_cp(s, 0xFFFD);
	}
}

/* A complete \uXXXX code unit; pairs are joined per RFC 8259 section 7. */
static void got_unit(struct js_scanner *s, unsigned u)
{
	if (s->pending_hi) {
		if (u >= 0xDC00 && u <= 0xDFFF) {
			put_cp(s, 0x10000 + ((s->pending_hi - 0xD800) << 10) +
			    (u - 0xDC00));
			s->pending_hi = 0;
			return;
		}
		flush_surrogate(s);
	}
	if (u >= 0xD800 && u <= 0xDBFF)
		s->pending_hi = u;
	else if (u >= 0xDC00 && u <= 0xDFFF)
		put_cp(s, 0xFFFD);
	else
		put_cp(s, u);
}

static int match_key(const struct js_scanner *s)
{
	int i;

	if (s->keylen == 6 && memcmp(s->key, "active", 6) == 0)
		return CUR_ACTIVE;
	for (i = 0; i < JS_NFIELDS; i++)
		if (strlen(js_field_key(i)) == s->keylen &&
		    memcmp(s->key, js_field_key(i), s->keylen) == 0)
			return i;
	return -1;
}

/* A top-level member's value starts with byte c: the member replaces any
 * earlier one of the same key, so the field is cleared now and set again
 * only if the value has the right type. */
static void member_start(struct js_scanner *s, unsigned c)
{
	if (s->cur == CUR_ACTIVE) {
		s->active = -1;
		if (c != 't' && c != 'f')
			s->cur = -1;
	} else {
		struct js_str *f = &s->f[s->cur];

		f->len = 0;
		f->buf[0] = '\0';
		f->present = 0;
		f->truncated = 0;
		f->secret = 0;
		rd_run_init(&s->run);
		if (c != '"')
			s->cur = -1;
	}
}

/* Start a multi-byte UTF-8 character at lead byte c (RFC 3629 section 4):
 * the second byte's range excludes overlong forms (E0, F0), surrogates (ED)
 * and code points above U+10FFFF (F4). */
static int utf8_lead(struct js_scanner *s, unsigned c)
{
	unsigned char lo = 0x80, hi = 0xBF, need;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	s->u8_need = need;
	s->u8_lo = lo;
	s->u8_hi = hi;
	s->u8_buf[0] = (unsigned char)c;
	s->u8_len = 1;
	return 1;
}

/* Advance p over plain string bytes (see CL_PLAIN), eight at a time while
 * none of them is special: most of a large reply is URLs and names. */
static const unsigned char *skip_plain(const unsigned char *p,
    const unsigned char *end)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = UINT64_C(0x8080808080808080);

	while (end - p >= 8) {
		uint64_t w, t;

		memcpy(&w, p, 8);
		/* Per byte, high bit set if the byte is '"', '\', < 0x20 or
		 * >= 0x80; exact as to "any", which is all we need. */
		t = ((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'));
		t |= ((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\'));
		t |= (w - ones * 0x20) & ~w;
		t |= w;
		if (t & highs)
			break;
		p += 8;
	}
	while (p < end && is_plain(*p))
		p++;
	return p;
}

#define STR2(x) #x
#define STR(x) STR2(x)
#define OFF() (s->off + (uint64_t)(p - base))
#define FAIL(code, what) return fail(s, (code), OFF(), *p, (what))

/* Skip whitespace; leave the function if the chunk is used up. */
#define SKIP_WS() do { \
	while (p < end && is_ws(*p)) \
		p++; \
	if (p == end) \
		goto out; \
	c = *p; \
} while (0)

/* The switch only resumes at the saved state when a chunk starts (and
 * walks the BOM); after that each transition stores s->state and jumps
 * straight to the next state's label: direct jumps are predicted far better
 * than the switch's indirect one (about +40% on bench_json). So every label
 * may be reached with p == end, and s->state is always right at "out".
 * VALUE_DONE: a value (and any member it was the value of) is complete. */
#define VALUE_DONE() do { \
	s->cur = -1; \
	if (s->depth) { \
		s->state = S_AFTER; \
		goto l_after; \
	} \
	s->state = S_DONE; \
	goto l_done; \
} while (0)

int js_feed(struct js_scanner *s, const void *buf, size_t len)
{
	const unsigned char *base = buf, *p = base, *end;
	unsigned c;

	if (s->err)
		return s->err;
	if (len == 0)
		return JS_OK;
	if (s->finished)
		return fail(s, JS_ERR_TRAILING, s->off, base[0],
		    "data fed after js_finish");
	end = base + len;
	while (p < end) {
		switch (s->state) {
		case S_STR:
		l_str:
			if (!s->pending_hi) {
				const unsigned char *q = skip_plain(p, end);

				if (s->sink != SINK_NONE)
					put(s, p, (size_t)(q - p), 0);
				p = q;
			}
			if (p == end)
				goto out;
			c = *p;
			if (s->pending_hi && c != '\\')
				flush_surrogate(s);
			if (c == '"') {
				p++;
				if (s->in_key) {
					s->cur = (signed char)(s->sink ==
					    SINK_KEY ? match_key(s) : -1);
					s->state = S_COLON;
					goto l_colon;
				}
				if (s->sink == SINK_FIELD) {
					struct js_str *f = &s->f[s->cur];

					f->buf[f->len] = '\0';
					f->present = 1;
				}
				VALUE_DONE();
			} else if (c == '\\') {
				p++;
				s->state = S_ESC;
				goto l_esc;
			} else if (c < 0x20) {
				FAIL(JS_ERR_CONTROL,
				    "control character inside a string");
			} else if (c < 0x80) {
				/* only after a flushed surrogate */
				put(s, p, 1, 0);
				p++;
				goto l_str;
			} else if (utf8_lead(s, c)) {
				p++;
				s->state = S_U8;
				goto l_u8;
			} else {
				FAIL(JS_ERR_UTF8, "not a UTF-8 lead byte");
			}

		case S_U8:
		l_u8:
			if (p == end)
				goto out;
			c = *p;
			if (c < s->u8_lo || c > s->u8_hi)
				FAIL(JS_ERR_UTF8, c >= 0x80 && c <= 0xBF ?
				    "overlong form, surrogate or code point "
				    "above U+10FFFF" :
				    "UTF-8 sequence cut short");
			s->u8_buf[s->u8_len++] = (unsigned char)c;
			s->u8_lo = 0x80;
			s->u8_hi = 0xBF;
			p++;
			if (--s->u8_need == 0) {
				put(s, s->u8_buf, s->u8_len, 1);
				s->state = S_STR;
				goto l_str;
			}
			goto l_u8;

		case S_ESC:
		l_esc:
			if (p == end)
				goto out;
			c = *p;
			if (s->pending_hi && c != 'u')
				flush_surrogate(s);
			s->state = S_STR;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				s->state = S_HEX;
				s->hex_n = 0;
				s->cp = 0;
				break;
			default:
				FAIL(JS_ERR_ESCAPE, "expected one of "
				    "\" \\ / b f n r t u after '\\'");
			}
			p++;
			if (s->state == S_STR) {
				unsigned char b = (unsigned char)c;

				put(s, &b, 1, 0);
				goto l_str;
			}
			goto l_hex;

		case S_HEX:
		l_hex:
			if (p == end)
				goto out;
			c = *p;
			if (is_digit(c))
				c -= '0';
			else if (c >= 'a' && c <= 'f')
				c -= 'a' - 10;
			else if (c >= 'A' && c <= 'F')
				c -= 'A' - 10;
			else
				FAIL(JS_ERR_ESCAPE,
				    "expected 4 hex digits after \\u");
			s->cp = s->cp << 4 | c;
			p++;
			if (++s->hex_n == 4) {
				s->state = S_STR;
				got_unit(s, s->cp);
				goto l_str;
			}
			goto l_hex;

		case S_BOM0:
			if (*p != 0xEF) {
				s->state = S_VALUE;
				goto l_value;
			}
			p++;
			s->state = S_BOM1;
			break;

		case S_BOM1:
		case S_BOM2:
			if (*p != (s->state == S_BOM1 ? 0xBB : 0xBF))
				return fail(s, JS_ERR_SYNTAX, 0, 0xEF,
				    "expected a JSON value");
			p++;
			s->state = s->state == S_BOM1 ? S_BOM2 : S_VALUE;
			break;

		case S_VALUE_OR_CLOSE:
		l_value_or_close:
			SKIP_WS();
			if (c == ']') {
				p++;
				s->depth--;
				VALUE_DONE();
			}
			s->state = S_VALUE;
			goto l_value;

		case S_VALUE:
		l_value:
			SKIP_WS();
			if (s->cur >= 0)
				member_start(s, c);
			p++;
			switch (c) {
			case '"':
				s->in_key = 0;
				s->sink = s->cur >= 0 ? SINK_FIELD : SINK_NONE;
				s->state = S_STR;
				goto l_str;
			case '{':
			case '[':
				if (s->depth == JS_DEPTH_MAX) {
					p--;
					FAIL(JS_ERR_DEPTH, "nesting deeper"
					    " than " STR(JS_DEPTH_MAX)
					    " levels");
				}
				if (s->depth == 0 && c == '{')
					s->toplevel_object = 1;
				push(s, c == '{');
				if (c == '[') {
					s->state = S_VALUE_OR_CLOSE;
					goto l_value_or_close;
				}
				s->state = S_KEY_OR_CLOSE;
				goto l_key;
			case '-':
				s->state = N_MINUS;
				goto l_minus;
			case '0':
				s->state = N_ZERO;
				goto l_num;
			case 't': case 'f': case 'n':
				s->lit = c == 't' ? 0 : c == 'f' ? 1 : 2;
				s->lit_pos = 1;
				s->state = S_LIT;
				goto l_lit;
			default:
				if (!is_digit(c)) {
					p--;
					FAIL(JS_ERR_SYNTAX, "expected a value");
				}
				s->state = N_INT;
				goto l_num;
			}

		case S_KEY_OR_CLOSE:
		case S_KEY:
		l_key:
			SKIP_WS();
			if (c == '}' && s->state == S_KEY_OR_CLOSE) {
				p++;
				s->depth--;
				VALUE_DONE();
			}
			if (c != '"')
				FAIL(JS_ERR_SYNTAX, s->state == S_KEY ?
				    "expected '\"' after ','" :
				    "expected '\"' or '}'");
			p++;
			s->in_key = 1;
			s->sink = s->depth == 1 ? SINK_KEY : SINK_NONE;
			s->keylen = 0;
			s->state = S_STR;
			goto l_str;

		case S_COLON:
		l_colon:
			SKIP_WS();
			if (c != ':')
				FAIL(JS_ERR_SYNTAX, "expected ':'");
			p++;
			s->state = S_VALUE;
			goto l_value;

		case S_AFTER:
		l_after:
			SKIP_WS();
			p++;
			if (c == ',') {
				if (top_is_obj(s)) {
					s->state = S_KEY;
					goto l_key;
				}
				s->state = S_VALUE;
				goto l_value;
			}
			if (c == (top_is_obj(s) ? '}' : ']')) {
				s->depth--;
				VALUE_DONE();
			}
			p--;
			FAIL(JS_ERR_SYNTAX, top_is_obj(s) ?
			    "expected ',' or '}'" : "expected ',' or ']'");

		case S_DONE:
		l_done:
			SKIP_WS();
			FAIL(JS_ERR_TRAILING, "after the JSON value");

		case S_LIT:
		l_lit:
			if (p == end)
				goto out;
			if (*p != (unsigned char)LIT(s->lit)[s->lit_pos])
				FAIL(JS_ERR_SYNTAX,
				    s->lit == 0 ? "in literal true" :
				    s->lit == 1 ? "in literal false" :
				    "in literal null");
			p++;
			if (LIT(s->lit)[++s->lit_pos] == '\0') {
				if (s->cur == CUR_ACTIVE)
					s->active = s->lit == 0;
				VALUE_DONE();
			}
			goto l_lit;

		case N_MINUS:
		l_minus:
			if (p == end)
				goto out;
			c = *p;
			if (!is_digit(c))
				FAIL(JS_ERR_NUMBER,
				    "expected a digit after '-'");
			s->state = c == '0' ? N_ZERO : N_INT;
			p++;
			goto l_num;

		case N_DOT:
		l_dot:
			if (p == end)
				goto out;
			if (!is_digit(*p))
				FAIL(JS_ERR_NUMBER,
				    "expected a digit after '.'");
			s->state = N_FRAC;
			p++;
			goto l_num;

		case N_E:
		case N_ESIGN:
		l_exp:
			if (p == end)
				goto out;
			c = *p;
			if (s->state == N_E && (c == '+' || c == '-')) {
				s->state = N_ESIGN;
				p++;
				goto l_exp;
			}
			if (!is_digit(c))
				FAIL(JS_ERR_NUMBER,
				    "expected a digit in the exponent");
			s->state = N_EXP;
			p++;
			goto l_num;

		case N_ZERO:
		case N_INT:
		case N_FRAC:
		case N_EXP:
		l_num:
			if (s->state != N_ZERO)
				while (p < end && is_digit(*p))
					p++;
			if (p == end)
				goto out;
			c = *p;
			if (c == '.' && (s->state == N_ZERO ||
			    s->state == N_INT)) {
				s->state = N_DOT;
				p++;
				goto l_dot;
			} else if ((c == 'e' || c == 'E') &&
			    s->state != N_EXP) {
				s->state = N_E;
				p++;
				goto l_exp;
			} else if (is_digit(c)) {
				/* only N_ZERO stops at a digit */
				FAIL(JS_ERR_NUMBER, "leading zero");
			} else if (c == '.' || c == 'e' || c == 'E' ||
			    c == '+' || c == '-') {
				FAIL(JS_ERR_NUMBER,
				    "number continues after its end");
			}
			VALUE_DONE();
		}
	}
out:
	s->off += len;
	return JS_OK;
}

int js_finish(struct js_scanner *s)
{
	const char *what;

	if (s->err)
		return s->err;
	if (s->finished)
		return JS_OK;
	switch (s->state) {
	case S_DONE:
		s->finished = 1;
		return JS_OK;
	case N_ZERO: case N_INT: case N_FRAC: case N_EXP:
		if (s->depth == 0) {
			s->finished = 1;
			return JS_OK;
		}
		what = top_is_obj(s) ? "inside an object" : "inside an array";
		break;
	case N_MINUS: case N_DOT: case N_E: case N_ESIGN:
		what = "inside a number";
		break;
	case S_STR: case S_ESC: case S_HEX: case S_U8:
		what = s->in_key ? "inside an object key" : "inside a string";
		break;
	case S_LIT:
		what = s->lit == 0 ? "inside the literal true" :
		    s->lit == 1 ? "inside the literal false" :
		    "inside the literal null";
		break;
	case S_BOM1: case S_BOM2:
		return fail(s, JS_ERR_SYNTAX, 0, 0xEF, "expected a JSON value");
	default:
		if (s->depth == 0)
			return fail(s, JS_ERR_EMPTY, s->off, -1,
			    "before any JSON value");
		what = top_is_obj(s) ? "inside an object" : "inside an array";
	}
	return fail(s, JS_ERR_TRUNCATED, s->off, -1, what);
}

size_t js_errmsg(const struct js_scanner *s, char *dst, size_t cap)
{
	const char *prefix = "";
	char what[16];
	int n;

	if (cap == 0)
		dst = NULL;
	if (!s->err) {
		n = fmt_snprintf(dst, cap, "ok");
		return n < 0 ? 0 : (size_t)n;
	}
	if (s->err_byte < 0) {
		n = fmt_snprintf(dst, cap, "input ended %s at byte %llu",
		    s->err_what, (unsigned long long)s->err_off);
		return n < 0 ? 0 : (size_t)n;
	}
	if (s->err_byte >= 0x20 && s->err_byte < 0x7F)
		fmt_snprintf(what, sizeof(what), "'%c'", s->err_byte);
	else
		fmt_snprintf(what, sizeof(what), "byte 0x%02X", s->err_byte);
	if (s->err == JS_ERR_NUMBER)
		prefix = "invalid number: ";
	else if (s->err == JS_ERR_ESCAPE)
		prefix = "invalid escape: ";
	else if (s->err == JS_ERR_UTF8)
		prefix = "invalid UTF-8: ";
	n = fmt_snprintf(dst, cap, "%sunexpected %s at byte %llu (%s)", prefix,
	    what, (unsigned long long)s->err_off, s->err_what);
	return n < 0 ? 0 : (size_t)n;
}

uint64_t js_erroff(const struct js_scanner *s)
{
	return s->err_off;
}

const char *js_strerror(int code)
{
	switch (code) {
	case JS_OK: return "JS_OK";
	case JS_ERR_SYNTAX: return "JS_ERR_SYNTAX";
	case JS_ERR_DEPTH: return "JS_ERR_DEPTH";
	case JS_ERR_UTF8: return "JS_ERR_UTF8";
	case JS_ERR_ESCAPE: return "JS_ERR_ESCAPE";
	case JS_ERR_CONTROL: return "JS_ERR_CONTROL";
	case JS_ERR_NUMBER: return "JS_ERR_NUMBER";
	case JS_ERR_TRAILING: return "JS_ERR_TRAILING";
	case JS_ERR_TRUNCATED: return "JS_ERR_TRUNCATED";
	case JS_ERR_EMPTY: return "JS_ERR_EMPTY";
	}
	return "unknown";
}

const char *js_field_key(int i)
{
	const char *k = js_keys;

	if (i < 0 || i >= JS_NFIELDS)
		return NULL;
	while (i--)
		k += strlen(k) + 1;
	return k;
}
