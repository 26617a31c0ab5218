/* heap.c: a small first-fit allocator over one caller-owned arena (heap.h):
 * the static build's malloc (malloc.c); no system calls.
 *
 * The arena is a sequence of blocks from base to base + len, each a
 * HEAP_ALIGN-byte header then its payload. The header holds the block's
 * size (header included, a multiple of HEAP_ALIGN) with USED in bit 0, and
 * the size of the block before it (0 for the first): the list is walked
 * forward by size, and a freed block merges at once with a free neighbour
 * on either side, so two free blocks are never adjacent and a heap whose
 * every block is freed is one free block again. Allocation takes the first
 * free block that fits and splits off the rest when it can hold a block.
 * Free memory is kept zero (the arena starts zero; heap_free wipes a
 * payload and every header it merges away), which makes every allocation
 * zero-filled. The walk is linear in the number of blocks: a check keeps a
 * few dozen at most (mbedTLS's contexts, buffers, certificates). */
#include <string.h>

#include "heap.h"

#define USED ((size_t)1)
#define HDR ((size_t)HEAP_ALIGN)

struct blk {
	size_t prev; /* size of the block before this one; 0 for the first */
	size_t size; /* this block's size, header included, | USED */
};

_Static_assert(sizeof(struct blk) <= HEAP_ALIGN, "the header fits its HEAP_ALIGN bytes");
_Static_assert(HEAP_ALIGN % _Alignof(max_align_t) == 0, "blocks are aligned for any object");

static struct blk *at(unsigned char *p)
{
	return (struct blk *)(void *)p;
}

static size_t bsize(const struct blk *b)
{
	return b->size & ~USED;
}

/* The header of payload p, or a trap when p is not a live block of h. A
 * block's size is also checked against the arena whenever the walk reads
 * it: an overrun that wrote over a header stops here, not in a loop. */
static struct blk *live(const struct heap *h, void *p)
{
	unsigned char *q = p;
	size_t off;

	if (q < h->base + HDR || q >= h->base + h->len)
		__builtin_trap();
	off = (size_t)(q - h->base) - HDR;
	if (off % HEAP_ALIGN != 0 || !(at(q - HDR)->size & USED) || at(q - HDR)->prev > off ||
	    bsize(at(q - HDR)) < HDR || bsize(at(q - HDR)) > h->len - off)
		__builtin_trap();
	return at(q - HDR);
}

/* The block after b (b's size already checked), or NULL at the end. */
static struct blk *after(const struct heap *h, struct blk *b)
{
	unsigned char *n = (unsigned char *)b + bsize(b);

	return n < h->base + h->len ? at(n) : NULL;
}

void heap_init(struct heap *h, void *mem, size_t len)
{
	h->base = mem;
	h->len = len & ~(size_t)(HEAP_ALIGN - 1);
	at(h->base)->prev = 0;
	at(h->base)->size = h->len;
}

void *heap_alloc(struct heap *h, size_t n)
{
	unsigned char *p = h->base, *end = h->base + h->len;
	size_t need, s;

	if (n > h->len - HDR)
		return NULL;
	need = HDR + ((n + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1));
	if (need == HDR)
		need += HEAP_ALIGN; /* malloc(0): a block of its own */
	for (; p < end; p += s) {
		struct blk *b = at(p), *r, *nx;

		s = bsize(b);
		if (s < HDR || s > (size_t)(end - p))
			__builtin_trap();
		if ((b->size & USED) || s < need)
			continue;
		if (s - need >= HDR + HEAP_ALIGN) {
			/* split: the rest becomes a free block after this one */
			r = at(p + need);
			r->prev = need;
			r->size = s - need;
			if ((nx = after(h, r)) != NULL)
				nx->prev = r->size;
			s = need;
		}
		b->size = s | USED;
		return p + HDR;
	}
	return NULL;
}

void *heap_calloc(struct heap *h, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return heap_alloc(h, n * size); /* zero-filled already */
}

void *heap_realloc(struct heap *h, void *p, size_t n)
{
	struct blk *b;
	void *q;

	if (!p)
		return heap_alloc(h, n);
	b = live(h, p);
	if (n <= bsize(b) - HDR)
		return p;
	if ((q = heap_alloc(h, n)) != NULL) {
		memcpy(q, p, bsize(b) - HDR);
		heap_free(h, p);
	}
	return q;
}

void heap_free(struct heap *h, void *p)
{
	struct blk *b, *nx, *pv;
	size_t s;

	if (!p)
		return;
	b = live(h, p);
	s = bsize(b);
	memset(p, 0, s - HDR);
	if ((nx = after(h, b)) != NULL && !(nx->size & USED)) {
		s += nx->size; /* a free block's size has no USED bit */
		memset(nx, 0, HDR);
	}
	if (b->prev && !((pv = at((unsigned char *)b - b->prev))->size & USED)) {
		s += pv->size;
		memset(b, 0, HDR);
		b = pv;
	}
	b->size = s;
	if ((nx = after(h, b)) != NULL)
		nx->prev = s;
}
