/* test_heap.c: the arena allocator (heap.c) through its own API: a table of
 * single requests, exhaustion, calloc overflow, coalescing on both sides,
 * wiping, realloc, corrupt frees (in a child: they trap), and random
 * alloc/calloc/realloc/free sequences against a model that checks
 * alignment, zero fill, that no two live blocks overlap (each is filled
 * with its own byte and re-read), and that NULL comes only when no gap
 * between live blocks could hold the request. */
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heap.h"
#include "t.h"

#define ARENA 65536
#define HDR HEAP_ALIGN

static _Alignas(HEAP_ALIGN) unsigned char arena[ARENA];
static _Alignas(HEAP_ALIGN) unsigned char elsewhere[4 * HEAP_ALIGN];

/* A fresh heap over the whole (zeroed) arena, or its first len bytes. */
static void fresh(struct heap *h, size_t len)
{
	memset(arena, 0, sizeof arena);
	heap_init(h, arena, len);
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int aligned(const void *p)
{
	return (uintptr_t)p % HEAP_ALIGN == 0 && (uintptr_t)p % _Alignof(max_align_t) == 0;
}

/* What one block takes at least: header and payload rounded up (a payload
 * of 0 still takes HEAP_ALIGN). */
static size_t footprint(size_t n)
{
	return HDR + (n ? (n + HEAP_ALIGN - 1) / HEAP_ALIGN * HEAP_ALIGN : HEAP_ALIGN);
}

static void test_table(void)
{
	static const struct { size_t n; int ok; const char *label; } rows[] = {
		{ 0, 1, "0 bytes: a block of its own" },
		{ 1, 1, "1 byte" },
		{ 15, 1, "15 bytes" },
		{ 16, 1, "16 bytes" },
		{ 17, 1, "17 bytes" },
		{ 16384, 1, "a TLS record buffer" },
		{ ARENA - HDR, 1, "the whole arena but one header" },
		{ ARENA - HDR + 1, 0, "one byte more than the arena holds" },
		{ ARENA, 0, "the arena's length" },
		{ SIZE_MAX, 0, "SIZE_MAX (no wrap in the rounding)" },
		{ SIZE_MAX - HEAP_ALIGN, 0, "SIZE_MAX - HEAP_ALIGN" },
		{ SIZE_MAX / 2 + 1, 0, "2^(N-1)" },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct heap h;
		unsigned char *p;

		fresh(&h, ARENA);
		p = heap_alloc(&h, rows[i].n);
		T_EQ_INT(p != NULL, rows[i].ok, rows[i].label);
		if (!p)
			continue;
		T_CHECK(aligned(p), rows[i].label);
		T_CHECK(p == arena + HDR, "the first fit of a fresh heap is its start");
		T_CHECK(all_zero(p, rows[i].n), rows[i].label);
		memset(p, 0xa5, rows[i].n);
		heap_free(&h, p);
		T_CHECK(all_zero(arena + HDR, ARENA - HDR), "a freed block is wiped");
	}
}

static void test_zero_distinct(void)
{
	struct heap h;
	unsigned char *a, *b;

	fresh(&h, ARENA);
	a = heap_alloc(&h, 0);
	b = heap_alloc(&h, 0);
	T_CHECK(a && b && a != b, "two 0-byte blocks are distinct");
	T_CHECK(b >= a + HEAP_ALIGN, "a 0-byte block still holds HEAP_ALIGN bytes");
	heap_free(&h, a);
	heap_free(&h, b);
	heap_free(&h, NULL);
	T_CHECK(heap_alloc(&h, ARENA - HDR) != NULL, "free(NULL) changes nothing");
}

static void test_exhaustion(void)
{
	struct heap h;
	void *p[ARENA / 64], *q;
	size_t n = 0, i, want = ARENA / footprint(64);

	fresh(&h, ARENA);
	while (n < sizeof p / sizeof p[0] && (p[n] = heap_alloc(&h, 64)) != NULL)
		n++;
	T_EQ_INT(n, want, "64-byte blocks until NULL: arena / (header + 64)");
	T_CHECK(heap_alloc(&h, 64) == NULL, "full: NULL again");
	T_CHECK(heap_alloc(&h, 0) == NULL, "full: even 0 bytes");
	T_CHECK(heap_calloc(&h, 1, 1) == NULL, "full: calloc too");
	q = p[n / 2];
	heap_free(&h, q);
	T_CHECK(heap_alloc(&h, 65) == NULL, "one 64-byte hole does not hold 65");
	T_CHECK(heap_alloc(&h, 64) == q, "one 64-byte hole holds 64, in its place");
	for (i = 0; i < n; i++)
		heap_free(&h, p[i]);
	T_CHECK(heap_alloc(&h, ARENA - HDR) == arena + HDR, "all freed: the whole arena is one block again");
	T_CHECK(all_zero(arena + HDR, ARENA - HDR), "and all of it wiped");
}

static void test_calloc(void)
{
	struct heap h;
	unsigned char *p;

	fresh(&h, ARENA);
	T_CHECK(heap_calloc(&h, SIZE_MAX / 2 + 1, 2) == NULL, "calloc: n * size wraps to 0");
	T_CHECK(heap_calloc(&h, 2, SIZE_MAX / 2 + 1) == NULL, "calloc: the same, swapped");
	T_CHECK(heap_calloc(&h, SIZE_MAX, SIZE_MAX) == NULL, "calloc: SIZE_MAX * SIZE_MAX");
	T_CHECK(heap_calloc(&h, (SIZE_MAX / 16) + 2, 16) == NULL, "calloc: just past SIZE_MAX");
	T_CHECK(heap_calloc(&h, ARENA, 2) == NULL, "calloc: too big, no overflow");
	T_CHECK(heap_alloc(&h, ARENA - HDR) == arena + HDR, "failed callocs took nothing");
	fresh(&h, ARENA);
	T_CHECK((p = heap_calloc(&h, 0, SIZE_MAX)) != NULL, "calloc: 0 * SIZE_MAX is 0 bytes");
	heap_free(&h, p);
	T_CHECK((p = heap_calloc(&h, SIZE_MAX, 0)) != NULL, "calloc: SIZE_MAX * 0 is 0 bytes");
	heap_free(&h, p);
	p = heap_alloc(&h, 1000);
	memset(p, 0xff, 1000);
	heap_free(&h, p);
	p = heap_calloc(&h, 10, 100);
	T_CHECK(p && all_zero(p, 1000), "calloc over freed dirty memory is zero");
	heap_free(&h, p);
}

/* Four neighbours a, b, c, d; each order of freeing a, b, c merges them
 * into one block that a request of all three (and two headers) fits. */
static void test_coalesce(void)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	int o, k;

	for (o = 0; o < 6; o++) {
		struct heap h;
		unsigned char *p[4], *q;

		fresh(&h, ARENA);
		for (k = 0; k < 4; k++) {
			p[k] = heap_alloc(&h, 1000);
			memset(p[k], 'a' + k, 1000);
		}
		for (k = 0; k < 3; k++)
			heap_free(&h, p[orders[o][k]]);
		q = heap_alloc(&h, 3 * 1008 + 2 * HDR);
		T_CHECK(q == p[0], "three freed neighbours merge into one block");
		T_CHECK(q && all_zero(q, 3 * 1008 + 2 * HDR), "with their headers wiped");
		T_CHECK(p[3][0] == 'd' && p[3][999] == 'd', "the live neighbour is untouched");
		heap_free(&h, q);
		heap_free(&h, p[3]);
		T_CHECK(heap_alloc(&h, ARENA - HDR) == arena + HDR, "then all of it");
	}
}

static void test_realloc(void)
{
	struct heap h;
	unsigned char *p, *q, *r;
	size_t i;

	fresh(&h, ARENA);
	p = heap_realloc(&h, NULL, 100);
	T_CHECK(p == arena + HDR, "realloc(NULL) allocates");
	for (i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	T_CHECK(heap_realloc(&h, p, 112) == p, "growing within the block keeps it");
	T_CHECK(heap_realloc(&h, p, 10) == p, "shrinking keeps it");
	q = heap_alloc(&h, 16);
	r = heap_realloc(&h, p, 5000);
	T_CHECK(r && r != p, "growing past a live neighbour moves");
	for (i = 0; i < 100 && r; i++)
		if (r[i] != i)
			break;
	T_EQ_INT(i, 100, "the bytes moved with it");
	T_CHECK(r && all_zero(r + 112, 5000 - 112), "the new bytes are zero");
	T_CHECK(heap_alloc(&h, 100) == p, "the old block was freed");
	T_CHECK(heap_realloc(&h, r, ARENA) == NULL, "realloc too big: NULL");
	T_CHECK(r && r[99] == 99, "and the block is kept");
	heap_free(&h, r);
	heap_free(&h, q);
	heap_free(&h, p);
	T_CHECK(heap_alloc(&h, ARENA - HDR) == arena + HDR, "all freed");
}

/* An arena whose length is no multiple of HEAP_ALIGN, and the smallest. */
static void test_lengths(void)
{
	struct heap h;
	void *p;

	fresh(&h, 1000);
	T_CHECK(heap_alloc(&h, 992 - HDR + 1) == NULL, "1,000 bytes: 992 usable with the header");
	T_CHECK((p = heap_alloc(&h, 992 - HDR)) != NULL, "all 992");
	heap_free(&h, p);
	fresh(&h, HEAP_MIN_ARENA);
	T_CHECK((p = heap_alloc(&h, HEAP_ALIGN)) != NULL, "the smallest arena holds one block");
	T_CHECK(heap_alloc(&h, 0) == NULL, "and no second");
	heap_free(&h, p);
	T_CHECK(heap_alloc(&h, 1) != NULL, "again after a free");
}

/* Each bad free in a child of its own: it must die of a signal (trap). */
static void test_bad_free(void)
{
	static const char *labels[] = {
		"a double free traps", "a pointer inside a block traps",
		"a pointer outside the arena traps", "a pointer past the arena traps",
		"a pointer off a block boundary traps",
		"a block whose header was overwritten traps",
	};
	int k;

	for (k = 0; k < 6; k++) {
		int status = 0;
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			T_CHECK(0, "fork");
			return;
		}
		if (pid == 0) {
			struct rlimit no_core = { 0, 0 };
			struct heap h;
			unsigned char *p, *q;

			(void)setrlimit(RLIMIT_CORE, &no_core); /* the trap is expected */
			fresh(&h, ARENA);
			p = heap_alloc(&h, 100);
			q = heap_alloc(&h, 100);
			switch (k) {
			case 0: heap_free(&h, p); heap_free(&h, p); break;
			case 1: heap_free(&h, p + HEAP_ALIGN); break;
			case 2: heap_free(&h, elsewhere + HDR); break;
			case 3: heap_free(&h, arena + ARENA); break;
			case 4: memset(p, 1, 100); heap_free(&h, p + 1); break;
			default: memset(p, 0xff, 112 + HDR); heap_free(&h, q); break;
			}
			_exit(0);
		}
		while (waitpid(pid, &status, 0) < 0)
			;
		T_CHECK(WIFSIGNALED(status), labels[k]);
	}
}

/* --- random sequences against a model --- */

#define SLOTS 64

struct slot {
	unsigned char *p; /* NULL: empty */
	size_t n;
	size_t cap;       /* the block's footprint: realloc in place keeps it */
	unsigned char fill;
};

static uint32_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Mostly small requests, some TLS-buffer sized, a few too big. */
static size_t rnd_size(void)
{
	uint32_t r = rnd() % 100;

	if (r < 60)
		return rnd() % 200;
	if (r < 90)
		return rnd() % 3000;
	if (r < 99)
		return 16384 + rnd() % 1024;
	return ARENA / 2 + rnd() % ARENA;
}

static int by_addr(const void *a, const void *b)
{
	const struct slot *x = *(const struct slot *const *)a, *y = *(const struct slot *const *)b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Could a block of n bytes fit between the live blocks? Each live block
 * takes at least its footprint; a gap of the footprint plus HEAP_ALIGN (a
 * split remainder too small to be a block stays with its block) always
 * holds it. */
static int must_fit(struct slot *s, size_t n)
{
	const struct slot *live[SLOTS];
	size_t k = 0, i, need;
	unsigned char *at = arena;

	if (n > ARENA)
		return 0;
	need = footprint(n) + HEAP_ALIGN;
	for (i = 0; i < SLOTS; i++)
		if (s[i].p)
			live[k++] = &s[i];
	qsort(live, k, sizeof live[0], by_addr);
	for (i = 0; i < k; i++) {
		unsigned char *start = live[i]->p - HDR;
		if ((size_t)(start - at) >= need)
			return 1;
		at = start + live[i]->cap;
	}
	return (size_t)(arena + ARENA - at) >= need;
}

/* Every live block still holds its own fill: no block was written by
 * another's fill, a split, a merge or a wipe. */
static int intact(const struct slot *s)
{
	size_t i, j;

	for (i = 0; i < SLOTS; i++)
		for (j = 0; s[i].p && j < s[i].n; j++)
			if (s[i].p[j] != s[i].fill)
				return 0;
	return 1;
}

static int inside(const unsigned char *p, size_t n)
{
	return p >= arena + HDR && p <= arena + ARENA && n <= (size_t)(arena + ARENA - p);
}

static void test_random(uint32_t seed, int ops)
{
	struct slot s[SLOTS];
	struct heap h;
	int op, bad_align = 0, bad_zero = 0, bad_range = 0, bad_fill = 0, bad_null = 0, bad_keep = 0;
	char label[80];
	size_t i;

	rnd_state = seed;
	memset(s, 0, sizeof s);
	fresh(&h, ARENA);
	for (op = 0; op < ops; op++) {
		struct slot *t = &s[rnd() % SLOTS];
		uint32_t what = rnd() % 4;
		size_t n = rnd_size(), old = t->n, keep;
		unsigned char *p;

		if (t->p && what != 3) {
			heap_free(&h, t->p);
			t->p = NULL;
			continue;
		}
		if (what == 3 && t->p) {
			p = heap_realloc(&h, t->p, n);
			if (!p) {
				bad_null += must_fit(s, n) && n > old;
				if (old)
					bad_keep += t->p[old - 1] != t->fill;
				continue;
			}
			keep = old < n ? old : n;
			for (i = 0; i < keep; i++)
				if (p[i] != t->fill)
					bad_keep++;
		} else {
			p = what == 2 ? heap_calloc(&h, n / 8 + 1, 8) : heap_alloc(&h, n);
			if (what == 2)
				n = (n / 8 + 1) * 8;
			if (!p) {
				t->p = NULL;
				bad_null += must_fit(s, n);
				continue;
			}
			bad_zero += !all_zero(p, n);
		}
		bad_align += !aligned(p);
		bad_range += !inside(p, n);
		if (p != t->p)
			t->cap = footprint(n);
		t->p = p;
		t->n = n;
		/* one fill per slot (1..SLOTS), its high bit changing over time */
		t->fill = (unsigned char)((1 + (t - s)) | (op & 1) << 7);
		memset(p, t->fill, n);
		if (op % 16 == 0)
			bad_fill += !intact(s);
	}
	bad_fill += !intact(s);
	snprintf(label, sizeof label, "seed %lu, %d operations:", (unsigned long)seed, ops);
	if (bad_align || bad_zero || bad_range || bad_fill || bad_null || bad_keep)
		fprintf(stderr, "%s align %d zero %d range %d fill %d null %d keep %d\n", label,
		    bad_align, bad_zero, bad_range, bad_fill, bad_null, bad_keep);
	T_EQ_INT(bad_align, 0, "random: every block aligned");
	T_EQ_INT(bad_zero, 0, "random: every new block zero-filled");
	T_EQ_INT(bad_range, 0, "random: every block inside the arena");
	T_EQ_INT(bad_fill, 0, "random: no live block overwritten (no overlap)");
	T_EQ_INT(bad_null, 0, "random: NULL only when no gap holds the request");
	T_EQ_INT(bad_keep, 0, "random: realloc keeps the bytes");
	for (i = 0; i < SLOTS; i++)
		heap_free(&h, s[i].p);
	T_CHECK(heap_alloc(&h, ARENA - HDR) == arena + HDR, "random: all freed, the whole arena again");
}

int main(void)
{
	static const uint32_t seeds[] = { 1, 2, 0x9e3779b9u, 12345, 0xdeadbeefu };
	size_t i;

	test_table();
	test_zero_distinct();
	test_exhaustion();
	test_calloc();
	test_coalesce();
	test_realloc();
	test_lengths();
	test_bad_free();
	for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
		test_random(seeds[i], 20000);
	return t_done();
}
