/* test_fmt.c: fmt_snprintf against the C library's snprintf on a table of
 * formats and values (every form atlwho and mbedTLS use, and edges), the
 * truncation contract, and fmt_gmtime against gmtime_r over 600 years. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fmt.h"
#include "t.h"

#define SAME(...) do { \
	char a_[256], b_[256]; \
	int ra_ = fmt_snprintf(a_, sizeof a_, __VA_ARGS__); \
	int rb_ = snprintf(b_, sizeof b_, __VA_ARGS__); \
	T_EQ_STR(a_, b_, #__VA_ARGS__); \
	T_EQ_INT(ra_, rb_, #__VA_ARGS__); \
} while (0)

int main(void)
{
	char buf[64];
	int64_t t;
	int bad = 0;

	SAME("plain text");
	SAME("%s", "abc");
	SAME("%s=%s", "CN", "localhost");
	SAME("[%10s][%-10s]", "ab", "cd");
	SAME("%.3s|%.0s|%.10s", "abcdef", "x", "short");
	SAME("%.*s", 4, "abcdefgh");
	SAME("%.*s", 0, "abcdefgh");
	SAME("%.250s; issuer %.250s", "CN=a", "CN=b");
	SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME("%i|%5d|%-5d|%05d", 42, 42, 42, 42);
	SAME("%05d|%5d|%.3d|%8.3d", -42, -42, -7, -7);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%ld %ld", LONG_MAX, LONG_MIN);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%lu %lx", 123456789UL, 0xdeadbeefUL);
	SAME("%zu %zd", (size_t)12345, (ptrdiff_t)-5);
	SAME("%x %X %02X %04x", 255u, 255u, 10u, 0x1234u);
	SAME("%02d-%02d-%04d %02d:%02d:%02d", 1, 2, 2026, 3, 4, 5);
	SAME("0x%02X%s", 0xabu, ":");
	SAME("-0x%04x", 0x7100u);
	SAME("%c%c|%3c|%-3c|", 'a', 'b', 'c', 'd');
	SAME("%u.%u.%u.%u", 127u, 0u, 0u, 1u);
	SAME("%c.%u", '1', 2u);
	SAME("100%% done %s", "now");
	SAME("%*d|%-*d|%*s", 6, 12, 6, 12, 4, "ab");
	SAME("%.0d|%.0u|%.0x", 0, 0u, 0u);
	SAME("%hhu %hu %hhd %hd", (unsigned char)200, (unsigned short)60000, (signed char)-100, (short)-30000);
	{
		char a[8], b[8];
		const char *volatile word = "abcdef";
		int ra = fmt_snprintf(a, sizeof a, "%s-%d", word, 12345);
		int rb = snprintf(b, sizeof b, "%s-%d", word, 12345);
		T_EQ_INT(ra, rb, "truncated: the needed length is returned");
		T_EQ_STR(a, b, "truncated: NUL at cap - 1");
		T_EQ_INT(fmt_snprintf(NULL, 0, "%s", "hello"), 5, "cap 0: length only, nothing written");
		buf[0] = 'x';
		T_EQ_INT(fmt_snprintf(buf, 1, "%s", "hello"), 5, "cap 1");
		T_EQ_INT(buf[0], 0, "cap 1 writes only the NUL");
	}
	{
		/* Formats the compiler would reject, reached through a variable. */
		const char *volatile odd[2] = { "a%qb", "tail %" };
		fmt_snprintf(buf, sizeof buf, odd[0], 0);
		T_EQ_STR(buf, "a%qb", "an unsupported conversion is copied literally");
		fmt_snprintf(buf, sizeof buf, odd[1], 0);
		T_EQ_STR(buf, "tail %", "a lone % at the end");
	}

	/* fmt_gmtime against the C library, every ~3 days over 1800..2400 plus edges. */
	for (t = -5364662400LL; t < 13569465600LL && bad < 5; t += 259201) {
		struct tm a, b;
		time_t tt = (time_t)t;
		fmt_gmtime(t, &a);
		gmtime_r(&tt, &b);
		if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
		    a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday) {
			fprintf(stderr, "fmt_gmtime(%lld): %d-%d-%d %d:%d:%d w%d y%d, libc %d-%d-%d %d:%d:%d w%d y%d\n",
			    (long long)t, a.tm_year, a.tm_mon, a.tm_mday, a.tm_hour, a.tm_min, a.tm_sec, a.tm_wday,
			    a.tm_yday, b.tm_year, b.tm_mon, b.tm_mday, b.tm_hour, b.tm_min, b.tm_sec, b.tm_wday, b.tm_yday);
			bad++;
		}
	}
	T_EQ_INT(bad, 0, "fmt_gmtime equals gmtime_r from 1800 to 2400");
	{
		static const int64_t edge[] = { 0, -1, 86399, 86400, 951782400, 951868800, 4107542400LL, -2208988800LL,
		    67768036191676799LL, -67768040609740800LL }; /* fmt.h's range ends */
		size_t i;
		for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
			struct tm a, b;
			time_t tt = (time_t)edge[i];
			fmt_gmtime(edge[i], &a);
			gmtime_r(&tt, &b);
			T_CHECK(a.tm_year == b.tm_year && a.tm_mon == b.tm_mon && a.tm_mday == b.tm_mday &&
			    a.tm_hour == b.tm_hour && a.tm_sec == b.tm_sec && a.tm_yday == b.tm_yday, "gmtime edge");
		}
	}
	return t_done();
}
