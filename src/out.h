/* out: encoders that make untrusted server bytes safe for atlwho's stdout.
 * UTF-8 per RFC 3629 sec. 4; JSON strings per RFC 8259 sec. 7; sh quoting per POSIX XCU 2.2.2. */
#ifndef ATLWHO_OUT_H
#define ATLWHO_OUT_H

#include <stddef.h>

/*
 * Contract shared by every function here:
 * - The module does no I/O. It hands its output to w->fn(w->ctx, p, n) in
 *   pieces (n >= 1; never called with n == 0). p is either a slice of the
 *   caller's input or a short-lived escape on the encoder's stack: the
 *   callback must copy or write it before returning. The callback cannot
 *   report failure: a writer that fails must remember that itself (in ctx).
 * - Input is (val, n): any bytes, not NUL-terminated. val may be NULL only
 *   when n == 0. Each call encodes one complete value; a UTF-8 sequence cut
 *   across two calls counts as invalid in both.
 * - Nothing is allocated; no state survives between calls.
 *
 * Which characters are "unsafe" (the same set for text and JSON):
 *   C0 U+0000..U+001F, DEL U+007F, C1 U+0080..U+009F, and also the Unicode
 *   line/paragraph separators U+2028, U+2029 and the bidi controls U+061C,
 *   U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: they cannot send escape
 *   sequences, but they can split a line for some readers or reorder what a
 *   person sees on it (CVE-2021-42574, "Trojan Source").
 *
 * UTF-8 is decoded strictly (RFC 3629 sec. 4 table): overlong forms,
 * surrogates U+D800..U+DFFF, code points above U+10FFFF, stray continuation
 * bytes and truncated sequences are invalid. An invalid stretch is cut into
 * "maximal subparts" (Unicode sec. 3.9, the practice Python's
 * bytes.decode("utf-8", "replace") follows): a valid lead byte plus the
 * continuation bytes that still fit it form one subpart; any other bad byte
 * is a subpart of its own.
 */

typedef void (*out_write_fn)(void *ctx, const void *p, size_t n);

struct out_w {
	out_write_fn fn;
	void *ctx;
};

/*
 * Text for "name: value" lines, for people and grep. Never writes a byte
 * below 0x20, 0x7f, a C1 control (raw or UTF-8 encoded), another unsafe
 * character or invalid UTF-8: the output is always valid UTF-8 on one line.
 * Escapes (lower-case hex), chosen so that the input can be recovered
 * exactly from the output:
 *   \\ for a backslash (so that a literal "\x1b" in a name stays distinct);
 *   \t \n \r for TAB, LF, CR (TAB is escaped too: a raw TAB would blur
 *   column-based reading and lets a value pad itself to look like another
 *   field);
 *   \xNN for any other C0, for DEL, and for each byte of invalid UTF-8;
 *   \uXXXX for the other unsafe characters when validly encoded
 *   (e.g. C2 9B, the 8-bit CSI, gives \u009b; a raw 9B byte gives \x9b).
 * Every other valid UTF-8 character (Lukas with accents, CJK, emoji) is
 * written unchanged.
 * Worst case: 4 output bytes per input byte.
 */
void out_text_value(const struct out_w *w, const void *val, size_t n);

/*
 * A complete JSON string, quotes included (RFC 8259 sec. 7), always valid
 * JSON and valid UTF-8 (sec. 8.1). Escapes \" \\ \b \f \n \r \t, every other
 * character below U+0020 and the other unsafe characters as \u00XX/\uXXXX
 * (lossless: a JSON parser gives the character back). "/" is not escaped.
 * Invalid UTF-8 cannot be carried by JSON text: each maximal subpart becomes
 * one \ufffd, so json.loads(out) == val.decode("utf-8", "replace") in Python.
 * Never emits a surrogate escape. Worst case: 6 output bytes per input byte,
 * plus the 2 quotes.
 */
void out_json_string(const struct out_w *w, const void *val, size_t n);

/*
 * One POSIX-shell word in single quotes: it's -> 'it'\''s'. Evaluated by any
 * POSIX sh (assignment X=<word>, eval, or as an argument) it yields exactly
 * the input bytes, whatever they are: newlines, ESC, $(...), backticks,
 * backslashes and invalid UTF-8 are all literal inside single quotes, so
 * they are written unchanged.
 * The one exception is NUL, which no shell variable or argument can hold:
 * each NUL byte is replaced by U+FFFD (EF BF BD). It is replaced, not
 * dropped, so that a hostile "ad<NUL>min" cannot come out as "admin".
 * Worst case: 4 output bytes per input byte, plus the 2 quotes.
 */
void out_env_value(const struct out_w *w, const void *val, size_t n);

/*
 * 1 if name (NUL-terminated) is a POSIX name (XBD 3 "Name": [A-Za-z_] then
 * [A-Za-z0-9_]*), so NAME=<out_env_value> is an assignment; else 0 (also for
 * NULL and "").
 */
int out_env_name_ok(const char *name);

/* v in decimal, no sign, no leading zeros ("0" for 0); no stdio needed. */
void out_uint(const struct out_w *w, unsigned long long v);

#endif
