/* malloc.c: the static build's malloc, calloc, realloc and free (C11
 * 7.22.3, declared in <stdlib.h>): one heap (heap.c) over a static arena.
 * Linked into the static musl binary only (the Makefile), in place of
 * musl's mallocng, which costs 6.8 KB of code for what a check needs: one
 * arena and a few dozen blocks. musl lets a static link replace these four
 * (its own internal callers, getaddrinfo and freeaddrinfo included, call
 * them by these names). Other builds keep the C library's malloc, so ASan
 * and valgrind still watch mbedTLS's allocations. */
#include <errno.h>
#include <stdlib.h>

#include "heap.h"

/* The arena. The highest block end in it (first fit, headers and holes
 * included) was 52.8 KB for most checks (the 16 KiB TLS record buffers in
 * and out, the server's chain) and 76.3 KB at most, with a client chain of
 * 6 certificates (~10 KB): measured in a static x86-64 build that recorded
 * it at exit, over 673 runs of test_field, test_nginx, test_infra,
 * test_cli, test_procenv and test_hostile (TLS 1.2 and 1.3, long server
 * chains, --cacert bundles, client certificates). 320 KiB is 4.3 times the
 * largest. It is bss: no file bytes, and memory only as far as blocks
 * reach, but all of it counts for ulimit -v. Exhausted, malloc returns
 * NULL (mbedTLS then fails the handshake with MBEDTLS_ERR_SSL_ALLOC_FAILED). */
#define MALLOC_ARENA_BYTES (320 * 1024)

static _Alignas(HEAP_ALIGN) unsigned char arena[MALLOC_ARENA_BYTES];
static struct heap heap;

static struct heap *the_heap(void)
{
	if (!heap.base)
		heap_init(&heap, arena, sizeof arena);
	return &heap;
}

static void *enomem(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t n)
{
	return enomem(heap_alloc(the_heap(), n));
}

void *calloc(size_t n, size_t size)
{
	return enomem(heap_calloc(the_heap(), n, size));
}

void *realloc(void *p, size_t n)
{
	return enomem(heap_realloc(the_heap(), p, n));
}

void free(void *p)
{
	heap_free(the_heap(), p); /* a p not from malloc traps there */
}
