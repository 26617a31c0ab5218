/* b64.h: base64 encoder, RFC 4648 section 4 (standard alphabet, '=' padding).
 * The caller asks for the length first and passes its own buffer; no malloc. */
#ifndef ATLWHO_B64_H
#define ATLWHO_B64_H

#include <stddef.h>

/* The standard alphabet: the character for each 6-bit value. */
extern const char b64_alphabet[64];

/* Bytes b64_encode writes for n input bytes (no NUL); 0 if that would overflow. */
size_t b64_encoded_len(size_t n);

/* Encodes n bytes of src into dst. Returns the bytes written (no NUL is
 * added), or 0 when cap < b64_encoded_len(n) and n > 0 (dst untouched). */
size_t b64_encode(char *dst, size_t cap, const void *src, size_t n);

/* The number of bytes n characters of s decode to, if s is canonical
 * base64 (RFC 4648 section 4 alphabet, '=' padding to a multiple of 4,
 * zero pad bits: the one spelling b64_encode gives); else -1. Checks
 * only: used to refuse a malformed --pin before anything is sent. */
long b64_decoded_len(const char *s, size_t n);

#endif
