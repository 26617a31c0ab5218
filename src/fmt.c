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

/* One conversion's flags, width, precision and length modifier. */
struct spec {
	int left, zero, lng, shrt;
	long width, prec;                /* prec -1: none */
};

/* Reads "[-0]*[width|*][.prec|.*][hh|h|l|ll|z]" after '%'; returns where
 * the conversion letter is. */
static const char *read_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof *sp);
	sp->prec = -1;
	for (; *f == '-' || *f == '0'; f++)
		*f == '-' ? (sp->left = 1) : (sp->zero = 1);
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		f++;
	} else {
		for (; *f >= '0' && *f <= '9'; f++)
			sp->width = sp->width * 10 + (*f - '0');
	}
	if (*f == '.') {
		sp->prec = 0;
		if (*++f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		} else {
			for (; *f >= '0' && *f <= '9'; f++)
				sp->prec = sp->prec * 10 + (*f - '0');
		}
	}
	for (;; f++) {
		if (*f == 'l')
			sp->lng++;
		else if (*f == 'z')
			sp->lng = 3;
		else if (*f == 'h')
			sp->shrt++;
		else
			return f;
	}
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t k, i;

	if (!s)
		s = "(null)";
	for (k = 0; (sp->prec < 0 || (long)k < sp->prec) && s[k]; k++)
		;
	pad(o, ' ', sp->left ? 0 : sp->width - (long)k);
	for (i = 0; i < k; i++)
		put(o, s[i]);
	pad(o, ' ', sp->left ? sp->width - (long)k : 0);
}

/* v in base, with C's rules for width, precision, '-', '0' and a sign. */
static void put_num(struct out *o, const struct spec *sp, unsigned long long v, int neg,
    unsigned base, int upper)
{
	char num[FMT_NUM_MAX];
	long n, width = sp->width;
	size_t k = 0;

	do {
		unsigned d = (unsigned)(v % base);
		num[k++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
		v /= base;
	} while (v);
	if (sp->prec == 0 && k == 1 && num[0] == '0')
		k = 0; /* C: precision 0 prints nothing for zero */
	n = sp->prec > (long)k ? sp->prec - (long)k : 0; /* leading zeros from the precision */
	if (sp->zero && !sp->left && sp->prec < 0 && width - (long)k - neg > n)
		n = width - (long)k - neg;
	if (!sp->left)
		pad(o, ' ', width - (long)k - n - neg);
	if (neg)
		put(o, '-');
	pad(o, '0', n);
	if (sp->left)
		width -= (long)k + n + neg;
	while (k)
		put(o, num[--k]);
	if (sp->left)
		pad(o, ' ', width);
}

int fmt_vsnprintf(char *dst, size_t cap, const char *f, va_list ap)
{
	struct out o = { dst, cap, 0 };
	va_list aq;

	va_copy(aq, ap);
	for (; *f; f++) {
		const char *start = f;
		struct spec sp;
		unsigned long long v;
		long long sv;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = read_spec(f + 1, &sp, &aq);
		switch (*f) {
		case '%':
			put(&o, '%');
			break;
		case 'c':
			pad(&o, ' ', sp.left ? 0 : sp.width - 1);
			put(&o, (char)va_arg(aq, int));
			pad(&o, ' ', sp.left ? sp.width - 1 : 0);
			break;
		case 's':
			put_str(&o, &sp, va_arg(aq, const char *));
			break;
		case 'd': case 'i':
			sv = sp.lng >= 3 ? (long long)va_arg(aq, ptrdiff_t) : sp.lng == 2 ? va_arg(aq, long long) :
			    sp.lng == 1 ? va_arg(aq, long) : va_arg(aq, int);
			if (sp.shrt)
				sv = sp.shrt == 1 ? (short)sv : (signed char)sv;
			put_num(&o, &sp, sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv, sv < 0, 10, 0);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			sp.width -= 2;
			put_num(&o, &sp, (uintptr_t)va_arg(aq, void *), 0, 16, 0);
			break;
		case 'u': case 'x': case 'X':
			v = sp.lng >= 3 ? (unsigned long long)va_arg(aq, size_t) : sp.lng == 2 ?
			    va_arg(aq, unsigned long long) : sp.lng == 1 ? va_arg(aq, unsigned long) : va_arg(aq, unsigned);
			if (sp.shrt)
				v = sp.shrt == 1 ? (unsigned short)v : (unsigned char)v;
			put_num(&o, &sp, v, 0, *f == 'u' ? 10 : 16, *f == 'X');
			break;
		default: /* unsupported: copy the directive as written */
			for (; start <= f && *start; start++)
				put(&o, *start);
			if (!*f)
				f--;
			break;
		}
	}
	va_end(aq);
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
