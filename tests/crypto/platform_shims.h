/* platform_shims.h: atlwho_config.h routes mbedTLS's snprintf and UTC
 * calendar to atlwho's fmt.c (MBEDTLS_PLATFORM_SNPRINTF_MACRO,
 * MBEDTLS_PLATFORM_GMTIME_R_ALT); a program that links the library without
 * atlwho's objects includes this once for libc stand-ins. */
#ifndef ATLWHO_PLATFORM_SHIMS_H
#define ATLWHO_PLATFORM_SHIMS_H
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int fmt_snprintf(char *dst, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;
	va_start(ap, f);
	n = vsnprintf(dst, cap, f, ap);
	va_end(ap);
	return n;
}

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
	time_t t = (time_t) *tt;
	return gmtime_r(&t, tm_buf);
}
#endif
