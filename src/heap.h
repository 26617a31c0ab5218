/* heap.h: a small first-fit allocator over one caller-owned arena: an
 * implicit list of blocks with boundary sizes; no system calls.
 *
 * Contract:
 * - The caller owns the arena: HEAP_ALIGN-aligned, zero-filled (static
 *   storage is), at least HEAP_MIN_ARENA bytes, untouched by anything but
 *   these functions for as long as the heap is used; heap_init writes one
 *   header and touches nothing else, so the untouched tail of a bss arena
 *   costs no memory until it is used.
 * - Every pointer returned is HEAP_ALIGN-aligned (a multiple of
 *   _Alignof(max_align_t)) and its memory is zero-filled: heap_free wipes
 *   what it frees, so free memory is always zero (mbedTLS's buffers of
 *   record data and keys do not linger in free blocks; calloc need not
 *   clear again).
 * - A request that does not fit (the arena exhausted or fragmented, n * size
 *   overflowing) returns NULL and changes nothing; heap_realloc's NULL
 *   leaves p allocated and unchanged. Never a crash.
 * - heap_free(h, NULL) does nothing. A pointer that is not a live block of
 *   this heap (freed twice, never allocated, a header overwritten) traps
 *   (__builtin_trap, as musl's mallocng does): the heap is corrupt, nothing
 *   may continue. */
#ifndef ATLWHO_HEAP_H
#define ATLWHO_HEAP_H

#include <stddef.h>

/* Alignment of every block: 16, as musl's and glibc's malloc on 64-bit
 * targets (at least _Alignof(max_align_t) on every target). */
#define HEAP_ALIGN 16

/* The smallest arena: one header and one HEAP_ALIGN payload. */
#define HEAP_MIN_ARENA (2 * HEAP_ALIGN)

struct heap {
	unsigned char *base; /* the arena; NULL before heap_init */
	size_t len;          /* its length, a multiple of HEAP_ALIGN */
};

/* Takes over mem[0..len) (see the contract above); len is rounded down to
 * a multiple of HEAP_ALIGN. */
void heap_init(struct heap *h, void *mem, size_t len);
/* n bytes (n = 0 gives a block of its own), zero-filled, or NULL. */
void *heap_alloc(struct heap *h, size_t n);
/* n * size bytes, zero-filled, or NULL (also when n * size overflows). */
void *heap_calloc(struct heap *h, size_t n, size_t size);
/* p (NULL: heap_alloc) resized to n bytes: p itself when n fits its block,
 * else a new block holding p's bytes (p freed), or NULL with p kept. As
 * with realloc, bytes past p's old size are not necessarily zero. */
void *heap_realloc(struct heap *h, void *p, size_t n);
void heap_free(struct heap *h, void *p);

#endif
