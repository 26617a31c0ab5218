/* json.c: streaming, constant-memory JSON validator keeping the top-level
 * identity fields of a Jira/Confluence user reply (RFC 8259, RFC 3629). */
#include "fmt.h"
#include "json.h"

#include <string.h>

#include "ascii.h"

/* Parser states: where the input stands between two bytes. Every step
 * consumes whole bytes, so a chunk boundary can fall between any two bytes
 * without changing anything. */
enum {
	S_BOM0,           /* first byte: a BOM may start here */
	S_BOM1, S_BOM2,   /* EF seen, EF BB seen (bom_step counts up) */
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
	/* Numbers: after N_MINUS..N_ESIGN a digit (after 'e' also a sign)
	 * must come; in N_ZERO..N_EXP the number may end. */
	N_MINUS,          /* after '-' */
	N_DOT,            /* after '.' */
	N_E,              /* after 'e' or 'E' */
	N_ESIGN,          /* after the exponent's sign */
	N_ZERO,           /* after a leading 0 */
	N_INT,            /* in the integer digits */
	N_FRAC,           /* in the fraction digits */
	N_EXP,            /* in the exponent digits */
	S_ERR             /* at the byte of the error in s->err */
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

/*
 * The steps. While js_feed runs, the state is a local variable of it, st:
 * js_feed hands the chunk to the step for st; the step consumes what it
 * can from p (p < end), sets *st to where it leaves the input, and returns
 * the number of bytes it consumed. It may stop at any byte: when the chunk
 * is used up, js_feed stores st in s->state and returns, and the next chunk
 * goes on from there. Every step consumes a byte or moves to a state that
 * will. At a bad byte a step records the error with bad(), which moves to
 * S_ERR, and returns the bytes before it: js_feed then knows where it is.
 *
 * Why a local: the compiler then sees which state each step leaves and
 * jumps from the end of one step straight into the next, not through the
 * switch (gcc 12 -O2: with a switch on s->state, bench_json's 20 MB
 * document took a fifth more instructions).
 */

/* Records the first error, at the byte just after the n a step consumed
 * (js_feed adds its offset and value). Returns n. */
static size_t bad(struct js_scanner *s, unsigned char *st, int code,
    const char *what, size_t n)
{
	s->err = code;
	s->err_what = what;
	*st = S_ERR;
	return n;
}

/* Bytes consumed from p to q. */
static size_t used(const unsigned char *p, const unsigned char *q)
{
	return (size_t)(q - p);
}

/* A value is complete, and with it the member it was the value of. */
static void value_done(struct js_scanner *s, unsigned char *st)
{
	s->cur = -1;
	*st = s->depth ? S_AFTER : S_DONE;
}

/* The ']' or '}' that closes the innermost container. */
static void close_container(struct js_scanner *s, unsigned char *st)
{
	s->depth--;
	value_done(s, st);
}

static const unsigned char *skip_ws(const unsigned char *p,
    const unsigned char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

/* --- Strings (RFC 8259 section 7) --- */

/* The closing '"': a key is looked up, a value is complete. */
static void string_end(struct js_scanner *s, unsigned char *st)
{
	if (s->in_key) {
		s->cur = (signed char)(s->sink == SINK_KEY ? match_key(s) : -1);
		*st = S_COLON;
		return;
	}
	if (s->sink == SINK_FIELD) {
		struct js_str *f = &s->f[s->cur];

		f->buf[f->len] = '\0';
		f->present = 1;
	}
	value_done(s, st);
}

/* S_HEX: the four hex digits of \uXXXX. */
static inline size_t hex_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;

	while (q < end) {
		int v = ascii_hexval(*q);

		if (v < 0)
			return bad(s, st, JS_E_ESCAPE,
			    "expected 4 hex digits after \\u", used(p, q));
		s->cp = s->cp << 4 | (unsigned)v;
		q++;
		if (++s->hex_n == 4) {
			*st = S_STR;
			got_unit(s, s->cp);
			break;
		}
	}
	return used(p, q);
}

/* S_ESC: the byte after '\'. */
static inline size_t escape_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p)
{
	unsigned char b = *p;

	/* A high surrogate is complete only if a \u follows at once. */
	if (s->pending_hi && b != 'u')
		flush_surrogate(s);
	switch (b) {
	case '"': case '\\': case '/':
		break;
	case 'b': b = '\b'; break;
	case 'f': b = '\f'; break;
	case 'n': b = '\n'; break;
	case 'r': b = '\r'; break;
	case 't': b = '\t'; break;
	case 'u':
		s->hex_n = 0;
		s->cp = 0;
		*st = S_HEX;
		return 1;
	default:
		return bad(s, st, JS_E_ESCAPE,
		    "expected one of \" \\ / b f n r t u after '\\'", 0);
	}
	put(s, &b, 1, 0);
	*st = S_STR;
	return 1;
}

/* S_U8: the continuation bytes of the character utf8_lead started. */
static inline size_t utf8_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;

	while (q < end) {
		unsigned c = *q;

		if (c < s->u8_lo || c > s->u8_hi)
			return bad(s, st, JS_E_UTF8,
			    c >= 0x80 && c <= 0xBF ? "overlong form, "
			    "surrogate or code point above U+10FFFF" :
			    "UTF-8 sequence cut short", used(p, q));
		s->u8_buf[s->u8_len++] = (unsigned char)c;
		s->u8_lo = 0x80;
		s->u8_hi = 0xBF;
		q++;
		if (--s->u8_need == 0) {
			put(s, s->u8_buf, s->u8_len, 1);
			*st = S_STR;
			break;
		}
	}
	return used(p, q);
}

/* S_STR: a run of plain bytes, then the byte that ends the run: the
 * closing '"', a '\', or the lead byte of a multi-byte character. */
static inline size_t run_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;
	unsigned c;

	/* A high surrogate is complete only if a \u follows at once. */
	if (s->pending_hi && *p != '\\')
		flush_surrogate(s);
	q = skip_plain(p, end);
	if (s->sink != SINK_NONE)
		put(s, p, used(p, q), 0);
	if (q == end)
		return used(p, q);
	c = *q;
	if (c == '"') {
		string_end(s, st);
		return used(p, q + 1);
	}
	if (c == '\\') {
		*st = S_ESC;
		return used(p, q + 1);
	}
	if (c < 0x20)
		return bad(s, st, JS_E_CONTROL,
		    "control character inside a string", used(p, q));
	if (!utf8_lead(s, c)) /* c >= 0x80: the rest is plain */
		return bad(s, st, JS_E_UTF8, "not a UTF-8 lead byte",
		    used(p, q));
	*st = S_U8;
	return used(p, q + 1);
}

/* --- Numbers (RFC 8259 section 6) and literals --- */

/* N_MINUS, N_DOT, N_E, N_ESIGN: the byte after '-', '.', 'e' or the
 * exponent's sign: a digit, or after 'e' also a sign. */
static inline size_t number_mark_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p)
{
	unsigned c = *p;

	if (*st == N_E && (c == '+' || c == '-')) {
		*st = N_ESIGN;
		return 1;
	}
	if (!is_digit(c))
		return bad(s, st, JS_E_NUMBER, *st == N_MINUS ?
		    "expected a digit after '-'" : *st == N_DOT ?
		    "expected a digit after '.'" :
		    "expected a digit in the exponent", 0);
	if (*st == N_MINUS)
		*st = c == '0' ? N_ZERO : N_INT;
	else
		*st = *st == N_DOT ? N_FRAC : N_EXP;
	return 1;
}

/* N_ZERO, N_INT, N_FRAC, N_EXP: more digits (none after a leading 0), then
 * '.', an exponent, or the byte after the number, which is not consumed. */
static inline size_t number_digits_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;
	unsigned c;

	if (*st != N_ZERO)
		while (q < end && is_digit(*q))
			q++;
	if (q == end)
		return used(p, q);
	c = *q;
	if (c == '.' && (*st == N_ZERO || *st == N_INT)) {
		*st = N_DOT;
		return used(p, q + 1);
	}
	if ((c == 'e' || c == 'E') && *st != N_EXP) {
		*st = N_E;
		return used(p, q + 1);
	}
	if (is_digit(c)) /* only N_ZERO stops at a digit */
		return bad(s, st, JS_E_NUMBER, "leading zero", used(p, q));
	if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
		return bad(s, st, JS_E_NUMBER,
		    "number continues after its end", used(p, q));
	value_done(s, st);
	return used(p, q);
}

/* S_LIT: the rest of true, false or null. */
static inline size_t literal_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const char *lit = LIT(s->lit);
	const unsigned char *q = p;

	while (q < end) {
		if (*q != (unsigned char)lit[s->lit_pos])
			return bad(s, st, JS_E_SYNTAX, s->lit == 0 ?
			    "in literal true" : s->lit == 1 ?
			    "in literal false" : "in literal null", used(p, q));
		q++;
		if (lit[++s->lit_pos] == '\0') {
			if (s->cur == CUR_ACTIVE)
				s->active = s->lit == 0;
			value_done(s, st);
			break;
		}
	}
	return used(p, q);
}

/* --- Structure: whitespace and the bytes between values --- */

/* S_KEY_OR_CLOSE (just after '{'), S_KEY (after ','): a key's '"', or in
 * the first case '}'. Only top-level keys are kept for matching. */
static inline size_t key_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = skip_ws(p, end);

	if (q == end)
		return used(p, q);
	if (*q == '}' && *st == S_KEY_OR_CLOSE) {
		close_container(s, st);
		return used(p, q + 1);
	}
	if (*q != '"')
		return bad(s, st, JS_E_SYNTAX, *st == S_KEY ?
		    "expected '\"' after ','" : "expected '\"' or '}'",
		    used(p, q));
	s->in_key = 1;
	s->sink = s->depth == 1 ? SINK_KEY : SINK_NONE;
	s->keylen = 0;
	*st = S_STR;
	return used(p, q + 1);
}

/* S_VALUE, S_VALUE_OR_CLOSE (just after '['): a value, or in the second
 * case ']'. The value's first byte says what it is. */
static inline size_t value_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = skip_ws(p, end);
	unsigned c;

	if (q == end)
		return used(p, q);
	c = *q;
	if (c == ']' && *st == S_VALUE_OR_CLOSE) {
		close_container(s, st);
		return used(p, q + 1);
	}
	if (s->cur >= 0)
		member_start(s, c);
	switch (c) {
	case '"':
		s->in_key = 0;
		s->sink = s->cur >= 0 ? SINK_FIELD : SINK_NONE;
		*st = S_STR;
		break;
	case '{':
	case '[':
		if (s->depth == JS_DEPTH_MAX)
			return bad(s, st, JS_E_DEPTH, "nesting deeper than "
			    STR(JS_DEPTH_MAX) " levels", used(p, q));
		if (s->depth == 0 && c == '{')
			s->toplevel_object = 1;
		push(s, c == '{');
		*st = c == '{' ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
		break;
	case 't': case 'f': case 'n':
		s->lit = c == 't' ? 0 : c == 'f' ? 1 : 2;
		s->lit_pos = 1;
		*st = S_LIT;
		break;
	default:
		if (c != '-' && !is_digit(c))
			return bad(s, st, JS_E_SYNTAX, "expected a value",
			    used(p, q));
		*st = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
	}
	return used(p, q + 1);
}

/* S_COLON: the ':' after a key, then its value. */
static inline size_t colon_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = skip_ws(p, end);

	if (q == end)
		return used(p, q);
	if (*q != ':')
		return bad(s, st, JS_E_SYNTAX, "expected ':'", used(p, q));
	*st = S_VALUE;
	return used(p, q + 1);
}

/* S_AFTER: after a value inside a container, the container's close, or
 * ',' and the next key or value. */
static inline size_t after_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = skip_ws(p, end);
	int obj;

	if (q == end)
		return used(p, q);
	obj = top_is_obj(s);
	if (*q == (obj ? '}' : ']')) {
		close_container(s, st);
		return used(p, q + 1);
	}
	if (*q != ',')
		return bad(s, st, JS_E_SYNTAX, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'", used(p, q));
	*st = obj ? S_KEY : S_VALUE;
	return used(p, q + 1);
}

/* S_DONE: only whitespace may follow the top-level value. */
static inline size_t done_step(struct js_scanner *s, unsigned char *st,
    const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = skip_ws(p, end);

	if (q == end)
		return used(p, q);
	return bad(s, st, JS_E_TRAILING, "after the JSON value", used(p, q));
}

/* S_BOM0..S_BOM2: an optional byte-order mark, only at the very start, so
 * js_feed reads it before the steps. A broken one is reported at its first
 * byte. */
static size_t bom_step(struct js_scanner *s, const unsigned char *p,
    const unsigned char *end)
{
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
	const unsigned char *q = p;

	if (s->state == S_BOM0 && *q != bom[0]) {
		s->state = S_VALUE; /* no BOM */
		return 0;
	}
	while (q < end && s->state < S_VALUE) { /* bom[i] is next in S_BOMi */
		if (*q != bom[s->state]) {
			fail(s, JS_E_SYNTAX, 0, 0xEF,
			    "expected a JSON value");
			break;
		}
		q++;
		s->state++; /* after S_BOM2 comes S_VALUE */
	}
	return used(p, q);
}

int js_feed(struct js_scanner *s, const void *buf, size_t len)
{
	const unsigned char *base = buf, *p = base, *end;
	unsigned char st;

	if (s->err)
		return s->err;
	if (len == 0)
		return JS_OK;
	if (s->finished)
		return fail(s, JS_E_TRAILING, s->off, base[0],
		    "data fed after js_finish");
	end = base + len;
	if (s->state < S_VALUE) {
		p += bom_step(s, p, end);
		if (s->err)
			return s->err;
	}
	st = s->state;
	while (p < end) {
		switch (st) {
		case S_VALUE: case S_VALUE_OR_CLOSE:
			p += value_step(s, &st, p, end);
			break;
		case S_KEY_OR_CLOSE: case S_KEY:
			p += key_step(s, &st, p, end);
			break;
		case S_COLON:
			p += colon_step(s, &st, p, end);
			break;
		case S_AFTER:
			p += after_step(s, &st, p, end);
			break;
		case S_DONE:
			p += done_step(s, &st, p, end);
			break;
		case S_STR:
			p += run_step(s, &st, p, end);
			break;
		case S_ESC:
			p += escape_step(s, &st, p);
			break;
		case S_HEX:
			p += hex_step(s, &st, p, end);
			break;
		case S_U8:
			p += utf8_step(s, &st, p, end);
			break;
		case S_LIT:
			p += literal_step(s, &st, p, end);
			break;
		case N_MINUS: case N_DOT: case N_E: case N_ESIGN:
			p += number_mark_step(s, &st, p);
			break;
		case N_ZERO: case N_INT: case N_FRAC: case N_EXP:
			p += number_digits_step(s, &st, p, end);
			break;
		default: /* S_ERR: bad() stopped p at the bad byte */
			s->state = st;
			s->err_off = s->off + (uint64_t)(p - base);
			s->err_byte = *p;
			return s->err;
		}
	}
	s->state = st;
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
		return fail(s, JS_E_SYNTAX, 0, 0xEF, "expected a JSON value");
	default:
		if (s->depth == 0)
			return fail(s, JS_E_EMPTY, s->off, -1,
			    "before any JSON value");
		what = top_is_obj(s) ? "inside an object" : "inside an array";
	}
	return fail(s, JS_E_TRUNCATED, s->off, -1, what);
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
	if (ascii_print((unsigned char)s->err_byte))
		fmt_snprintf(what, sizeof(what), "'%c'", s->err_byte);
	else
		fmt_snprintf(what, sizeof(what), "byte 0x%02X", s->err_byte);
	if (s->err == JS_E_NUMBER)
		prefix = "invalid number: ";
	else if (s->err == JS_E_ESCAPE)
		prefix = "invalid escape: ";
	else if (s->err == JS_E_UTF8)
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
	case JS_OK: return "ok";
	case JS_E_SYNTAX: return "invalid JSON syntax";
	case JS_E_DEPTH: return "JSON nested deeper than "
	    STR(JS_DEPTH_MAX) " levels";
	case JS_E_UTF8: return "invalid UTF-8 in a JSON string";
	case JS_E_ESCAPE: return "invalid escape in a JSON string";
	case JS_E_CONTROL: return "control character in a JSON string";
	case JS_E_NUMBER: return "invalid JSON number";
	case JS_E_TRAILING: return "data after the JSON value";
	case JS_E_TRUNCATED: return "JSON input ended inside a value";
	case JS_E_EMPTY: return "JSON input ended before any value";
	}
	return "unknown JSON error";
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
