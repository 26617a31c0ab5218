/* pin.h: curl's --pinnedpubkey hash form, "sha256//" and the base64 of the
 * SHA-256 of the server's SubjectPublicKeyInfo (RFC 7469 section 2.4), up
 * to PIN_MAX of them separated by ';'. Parsed once, by cli.c. */
#ifndef ATLWHO_PIN_H
#define ATLWHO_PIN_H

#include <stddef.h>

#define PIN_LEN 44   /* the canonical base64 of a 32-byte digest */
#define PIN_MAX 8    /* keys in one --pin list: a rotation or two */

/* Return values (-221 to -229: every module's codes have their own range). */
#define PIN_OK 0
#define PIN_E_FORMAT (-221) /* not curl's hash form; *why says how */

struct pin_set {
	int n;
	char pin[PIN_MAX][PIN_LEN + 1];  /* the base64 digests, NUL-terminated */
};

/* Parses the whole list s into ps (ps->n 0 on an error): PIN_OK, or
 * PIN_E_FORMAT with *why (a static string naming the rule broken). */
int pin_parse(struct pin_set *ps, const char *s, const char **why);

/* The pin of a DER SubjectPublicKeyInfo: base64(SHA-256(spki)). */
void pin_of_spki(const unsigned char *spki, size_t len, char out[PIN_LEN + 1]);

/* 1 if pin is one of ps's. */
int pin_match(const struct pin_set *ps, const char *pin);

#endif
