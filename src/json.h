/* json.h: streaming, constant-memory JSON validator that keeps the identity
 * fields of a Jira/Confluence user reply (RFC 8259 JSON, RFC 3629 UTF-8). */
#ifndef ATLWHO_JSON_H
#define ATLWHO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "redact.h"

/*
 * Use on its own: compile json.c with fmt.c (js_errmsg's formatter) and
 * redact.c with b64.c (the secret check); no I/O, no allocation.
 *
 * Contract
 * - The caller owns struct js_scanner (6,520 bytes on x86-64 and aarch64,
 *   6,456 on armv7: six fields of JS_FIELD_MAX bytes and a 128-byte bit
 *   stack; fixed whatever the input; it may live anywhere and be copied). js_init() cannot fail;
 *   the caller may then set rd, the one pointer kept (to its secrets, which
 *   must outlive the scan). Nothing here allocates, recurses, does I/O or
 *   keeps a pointer to the bytes fed.
 * - js_feed() takes the document in chunks of any size (0 included; buf may
 *   be NULL when len is 0); the verdict and every field are the same whatever
 *   the chunking. js_finish() says the input has ended. Both return JS_OK or
 *   a negative JS_E_*. JS_OK from js_feed means "consumed, give me more or
 *   finish"; it is not a verdict. Only JS_OK from js_finish says the whole
 *   input was exactly one valid JSON text.
 * - Errors are sticky: after the first, every js_feed/js_finish returns it
 *   and err_off keeps the byte offset (0-based, from the first byte fed,
 *   a skipped BOM included) where it was found. js_finish may be called
 *   again and returns the same result; js_feed with data after js_finish is
 *   JS_E_TRAILING.
 * - The fields f[], active and toplevel_object are meaningful only after
 *   js_finish returned JS_OK; after an error they hold what was seen so far
 *   and must not be reported.
 *
 * Validation (RFC 8259): one value with optional whitespace (space, tab, LF,
 * CR) around it; strict number grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?
 * ([eE][+-]?[0-9]+)? with no range limit (1e400 is valid: numbers are never
 * converted); only the escapes \" \\ \/ \b \f \n \r \t \uXXXX; no raw byte
 * below 0x20 in strings; strings must be UTF-8 as RFC 3629 section 4 defines
 * it: overlong forms, UTF-8-encoded surrogates (ED A0..BF), code points above
 * U+10FFFF and cut sequences are JS_E_UTF8. Any byte >= 0x80 outside a
 * string is JS_E_SYNTAX.
 *
 * Byte-order mark: one UTF-8 BOM (EF BB BF) at the very start of the input is
 * skipped (RFC 8259 section 8.1 lets a parser ignore it), because Windows
 * tools (Notepad, PowerShell's Out-File) add one when a captured reply is
 * saved, and --from-file must read those files. A BOM anywhere else is an
 * ordinary character: U+FEFF inside a string, JS_E_SYNTAX outside.
 *
 * Extraction: only the members of the top-level object count; a key deeper
 * down (groups.items[].name) is never taken. Keys are compared byte for byte
 * after their escapes are decoded, so "na\u006de" is name, "Name" is not.
 * String values are decoded to UTF-8, surrogate pairs included; an escape
 * that is a lone surrogate (a high one not followed by a \u low one, or a
 * low one on its own) becomes U+FFFD (EF BF BD), as JSON.parse + UTF-8
 * encoding would. If a key repeats, the last member wins, so a later member
 * of the wrong type makes the field absent again. A string field holding a
 * non-string (null, number, object...) is absent; active is set only by a
 * top-level true or false.
 *
 * Secrets: with rd set, every decoded byte of a field's value, past
 * JS_FIELD_MAX too, goes through the rule of redact.h; a value with a run
 * of the token gets secret = 1, so it is judged whole, after its escapes
 * are decoded and before any cut.
 */

/* 1020 bytes: Jira and Confluence allow 255 characters in a user name or a
 * display name, and a character is at most 4 bytes of UTF-8 (RFC 3629), so
 * every legal identity value of any script comes through whole. A longer
 * value is cut at a UTF-8 character boundary and marked. */
#define JS_FIELD_MAX 1020 /* 255 * 4 */
/* Jira's replies nest four levels deep; 1024 levels is far beyond any real
 * reply, costs a 128-byte bit stack, and tells a hostile document from a
 * real one. */
#define JS_DEPTH_MAX 1024
/* Longest key we look for is "emailAddress" (12 bytes); a decoded key longer
 * than this cannot match and is not kept. */
#define JS_KEY_MAX 16

/* Return codes: JS_OK or one of these negative, named errors, in json's own
 * range (-81..-99; see the other modules' headers for theirs). */
enum {
	JS_OK = 0,
	JS_E_SYNTAX = -81,    /* a byte that cannot start or go on JSON here */
	JS_E_DEPTH = -82,     /* over JS_DEPTH_MAX nested arrays/objects */
	JS_E_UTF8 = -83,      /* invalid UTF-8 inside a string */
	JS_E_ESCAPE = -84,    /* unknown escape or bad \u hex digit */
	JS_E_CONTROL = -85,   /* raw byte below 0x20 inside a string */
	JS_E_NUMBER = -86,    /* number outside the RFC 8259 grammar */
	JS_E_TRAILING = -87,  /* non-whitespace after the top-level value */
	JS_E_TRUNCATED = -88, /* input ended inside a value */
	JS_E_EMPTY = -89      /* input ended before any value */
};

/* Indexes into js_scanner.f; js_field_key() gives the JSON key of each. */
enum { JS_NAME, JS_USERNAME, JS_DISPLAYNAME, JS_ACCOUNTID, JS_TYPE, JS_EMAIL,
	JS_NFIELDS };

/* One extracted string. buf is NUL-terminated for convenience but may hold
 * NUL bytes (from \u0000): len is the truth. truncated: the value was longer
 * than JS_FIELD_MAX bytes and buf holds its first whole characters. secret:
 * the whole value held a run of the token (see rd); never show buf then. */
struct js_str {
	char buf[JS_FIELD_MAX + 1];
	size_t len;
	unsigned char present, truncated, secret;
};

/* All state is here; only the last three members are for the caller. */
struct js_scanner {
	uint64_t off;         /* bytes consumed (a stream may pass 4 GiB) */
	uint64_t err_off;     /* offset of the first error */
	int err;              /* first error, sticky; JS_OK if none */
	int err_byte;         /* offending byte, or -1 when input ended */
	const char *err_what; /* static text completing the message */
	unsigned char state, finished;
	unsigned char sink;   /* where decoded string bytes go */
	unsigned char in_key; /* current string is an object key */
	signed char cur;      /* top-level member whose value is next, or -1 */
	unsigned char lit, lit_pos; /* literal being matched, bytes matched */
	unsigned char hex_n;  /* \u digits read */
	unsigned char u8_need, u8_lo, u8_hi, u8_len; /* UTF-8 char in flight */
	unsigned char u8_buf[4];
	unsigned cp;          /* \u code unit being read */
	unsigned pending_hi;  /* high surrogate awaiting its low half, or 0 */
	unsigned depth;       /* open arrays and objects */
	unsigned char stack[JS_DEPTH_MAX / 8]; /* bit 1 = object, 0 = array */
	size_t keylen;        /* > JS_KEY_MAX: too long to be one of ours */
	char key[JS_KEY_MAX];
	const struct rd_set *rd; /* the secrets, or NULL; set after js_init */
	struct rd_run run;    /* the field value being decoded */

	struct js_str f[JS_NFIELDS];
	int active;           /* -1 absent, 0 false, 1 true */
	int toplevel_object;  /* 1 if the top-level value was an object */
};

void js_init(struct js_scanner *s);
/* JS_OK (keep feeding or finish) or a negative error; sticky. */
int js_feed(struct js_scanner *s, const void *buf, size_t len);
/* End of input: JS_OK if exactly one valid JSON text was fed; sticky. */
int js_finish(struct js_scanner *s);
/* Why the scan failed, e.g. "unexpected ',' at byte 1532 (expected a value)"
 * or "input ended inside a string at byte 40"; "ok" without an error. Writes
 * at most cap bytes, always NUL-terminated when cap > 0; returns the length
 * the whole message needs (like snprintf). */
size_t js_errmsg(const struct js_scanner *s, char *dst, size_t cap);
/* Byte offset of the error (meaningful when an error was returned). */
uint64_t js_erroff(const struct js_scanner *s);
/* What a return code means, in words ("invalid JSON number"); "unknown
 * JSON error" for any other value. */
const char *js_strerror(int code);
/* JSON key of field i ("name", "emailAddress"...); NULL if out of range. */
const char *js_field_key(int i);

#endif
