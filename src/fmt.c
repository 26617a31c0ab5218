/* fmt.c: snprintf subset and UTC calendar (see fmt.h). The civil-from-days
 * conversion is Howard Hinnant's algorithm ("chrono-Compatible Low-Level
 * Date Algorithms"). */
#include "fmt.h"

#include <string.h>

/* Longest number text: 20 digits of a 64-bit value plus a sign. */
#define FMT_NUM_MAX 24

struct out {
	char *dst;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->dst[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, long n)
{
	while (n-- > 0)
		put(o, c);
}

int fmt_vsnprintf(char *dst, size_t cap, const char *f, va_list ap)
{
	struct out o = { dst, cap, 0 };

	for (; *f; f++) {
		const char *start = f, *s;
		int left = 0, zero = 0, lng = 0, neg = 0, shrt = 0;
		long width = 0, prec = -1, n;
		unsigned long long v = 0;
		char num[FMT_NUM_MAX];
		unsigned base = 10, upper = 0;
		size_t k;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		for (f++; *f == '-' || *f == '0'; f++)
			*f == '-' ? (left = 1) : (zero = 1);
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			f++;
		} else {
			for (; *f >= '0' && *f <= '9'; f++)
				width = width * 10 + (*f - '0');
		}
		if (*f == '.') {
			prec = 0;
			if (*++f == '*') {
				prec = va_arg(ap, int);
				f++;
			} else {
				for (; *f >= '0' && *f <= '9'; f++)
					prec = prec * 10 + (*f - '0');
			}
		}
		for (;; f++) {
			if (*f == 'l')
				lng++;
			else if (*f == 'z')
				lng = 3;
			else if (*f == 'h')
				shrt++;
			else
				break;
		}
		switch (*f) {
		case '%':
			put(&o, '%');
			continue;
		case 'c':
			pad(&o, ' ', left ? 0 : width - 1);
			put(&o, (char)va_arg(ap, int));
			pad(&o, ' ', left ? width - 1 : 0);
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (k = 0; (prec < 0 || (long)k < prec) && s[k]; k++)
				;
			pad(&o, ' ', left ? 0 : width - (long)k);
			for (n = 0; (size_t)n < k; n++)
				put(&o, s[n]);
			pad(&o, ' ', left ? width - (long)k : 0);
			continue;
		case 'd': case 'i': {
			long long sv = lng >= 3 ? (long long)va_arg(ap, ptrdiff_t) : lng == 2 ? va_arg(ap, long long) :
			    lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (shrt)
				sv = shrt == 1 ? (short)sv : (signed char)sv;
			neg = sv < 0;
			v = neg ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
			break;
		}
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			put(&o, '0');
			put(&o, 'x');
			width -= 2;
			break;
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			v = lng >= 3 ? (unsigned long long)va_arg(ap, size_t) : lng == 2 ? va_arg(ap, unsigned long long) :
			    lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			if (shrt)
				v = shrt == 1 ? (unsigned short)v : (unsigned char)v;
			break;
		default: /* unsupported: copy the directive as written */
			for (; start <= f && *start; start++)
				put(&o, *start);
			if (!*f)
				f--;
			continue;
		}
		k = 0;
		do {
			unsigned d = (unsigned)(v % base);
			num[k++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
			v /= base;
		} while (v);
		if (prec == 0 && k == 1 && num[0] == '0')
			k = 0; /* C: precision 0 prints nothing for zero */
		n = prec > (long)k ? prec - (long)k : 0; /* leading zeros from the precision */
		if (zero && !left && prec < 0 && width - (long)k - neg > n)
			n = width - (long)k - neg;
		if (!left)
			pad(&o, ' ', width - (long)k - n - neg);
		if (neg)
			put(&o, '-');
		pad(&o, '0', n);
		if (left)
			width -= (long)k + n + neg;
		while (k)
			put(&o, num[--k]);
		if (left)
			pad(&o, ' ', width);
	}
	if (cap > 0)
		dst[o.len < cap ? o.len : cap - 1] = 0;
	return (int)o.len;
}

int fmt_snprintf(char *dst, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = fmt_vsnprintf(dst, cap, f, ap);
	va_end(ap);
	return n;
}

void fmt_err(char *err, size_t cap, const char *f, ...)
{
	va_list ap;

	if (!err || cap == 0)
		return;
	va_start(ap, f);
	fmt_vsnprintf(err, cap, f, ap);
	va_end(ap);
}

struct tm *fmt_gmtime(int64_t t, struct tm *tm)
{
	int64_t days = t / 86400, rem = t % 86400, era, doe, yoe, y, doy, mp;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	memset(tm, 0, sizeof *tm);
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	days += 719468;                           /* shift the epoch to 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	y += tm->tm_mon <= 1;
	tm->tm_year = (int)(y - 1900);
	{
		static const short cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		tm->tm_yday = cum[tm->tm_mon] + tm->tm_mday - 1 + (leap && tm->tm_mon > 1);
	}
	return tm;
}
