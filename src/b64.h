/* b64.h: base64 encoder and decoder, RFC 4648 section 4 (standard alphabet,
 * '=' padding). The caller passes its own buffers; no malloc. */
#ifndef ATLWHO_B64_H
#define ATLWHO_B64_H

#include <stddef.h>

/* Bytes b64_encode writes for n input bytes (no NUL); 0 if that would overflow. */
size_t b64_encoded_len(size_t n);

/* Encodes n bytes of src into dst. Returns the bytes written (no NUL is
 * added), or 0 when cap < b64_encoded_len(n) and n > 0 (dst untouched). */
size_t b64_encode(char *dst, size_t cap, const void *src, size_t n);

/* The decoder: a state machine over runs of characters, so that a caller
 * that allows other bytes between them (PEM's spaces and line ends, RFC
 * 7468 section 3) passes those over itself. Zero it (or b64_dec_init) to
 * start. Its errors are sticky: after the first, every call returns it
 * (b64_dec_feed: takes nothing). Error codes (B64_E_* are -201 to -209:
 * every module's codes have their own range): */
#define B64_OK      0
#define B64_E_CHAR (-201)  /* '=' where no padding can be, or a character after it */
#define B64_E_END  (-202)  /* the input ends inside a group (RFC 4648 section 3.2) */
#define B64_E_ROOM (-203)  /* the decoded bytes do not fit in dst */

struct b64_dec {
	unsigned long acc;  /* the 6-bit values of the group read so far */
	unsigned char n;    /* characters of the group read (0 to 3) */
	unsigned char pad;  /* '=' read (the group is complete when n + pad == 4) */
	int err;            /* the first error, or B64_OK */
};
void b64_dec_init(struct b64_dec *d);

/* Decodes s[0..n) up to the first byte that is neither in the alphabet
 * nor '=', or up to an error (then d->err is set). Each complete group's
 * bytes go to dst[*len] onwards (cap bytes in all; dst NULL: they are
 * only counted) and *len grows by them. Returns the bytes of s taken: n,
 * or the offset of the byte it stopped at (that byte is the caller's:
 * PEM skips white space; anything else makes the input bad). */
size_t b64_dec_feed(struct b64_dec *d, const char *s, size_t n, unsigned char *dst, size_t cap,
    size_t *len);

/* The input has ended: writes the 1 or 2 bytes of a padded last group as
 * b64_dec_feed does. B64_OK or an error. The bits after the last byte are
 * not checked here: b64_dec_canonical tells. */
int b64_dec_end(struct b64_dec *d, unsigned char *dst, size_t cap, size_t *len);

/* After b64_dec_end returned B64_OK: 1 if the bits after the last whole
 * byte are zero (RFC 4648 section 3.5), so the input is the one spelling
 * b64_encode gives; else 0 ("AB==" and "AA==" both decode to one 0 byte). */
int b64_dec_canonical(const struct b64_dec *d);

/* The number of bytes n characters of s decode to, if s is canonical
 * base64 (the decoder takes it whole, not empty, and b64_dec_canonical
 * holds); else -1. Checks only: used to refuse a malformed --pin before
 * anything is sent. */
long b64_decoded_len(const char *s, size_t n);

#endif
