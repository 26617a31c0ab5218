/* fmt.h: a small snprintf for atlwho and its mbedTLS (via
 * MBEDTLS_PLATFORM_SNPRINTF_MACRO), and a calendar conversion without
 * time zones. libc's vfprintf (float formatting, wide characters) and
 * musl's time-zone code cost ~16 KB of a 256 KB budget. */
#ifndef ATLWHO_FMT_H
#define ATLWHO_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* C99 snprintf semantics for the subset atlwho and mbedTLS use: flags '-'
 * and '0', width and precision (digits or '*'), length h, hh, l, ll, z;
 * conversions d i u x X c s p %. Returns the length the whole output
 * needs; writes at most cap bytes including the NUL (none if cap is 0).
 * An unsupported conversion is copied literally (never undefined). */
int fmt_snprintf(char *dst, size_t cap, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *dst, size_t cap, const char *f, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* An error message into err (cap bytes); nothing if err is NULL or cap 0. */
void fmt_err(char *err, size_t cap, const char *f, ...)
    __attribute__((format(printf, 3, 4)));

/* UTC calendar fields for seconds since the epoch (proleptic Gregorian).
 * Meaningful for t from -67768040609740800 to 67768036191676799, the years
 * whose tm_year fits an int (-2147481748 to 2147485547), as gmtime_r's;
 * outside it tm_year is not. Fills year, mon, mday, hour, min, sec, wday and
 * yday of tm; returns tm. */
struct tm *fmt_gmtime(int64_t t, struct tm *tm);

#endif
