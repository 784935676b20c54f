/* lib/alloc.h - allocator over one fixed arena handed in at start (no hidden
 * growth): first-fit free list with coalescing, 16-byte aligned blocks.
 * Meant for set-up time buffers; hot paths allocate nothing. */
#ifndef LIB_ALLOC_H
#define LIB_ALLOC_H
#include <stddef.h>

struct ll_arena {
	unsigned char *base;
	size_t size;
	void *free_list;     /* first free block, address ordered */
	size_t used;         /* bytes in allocated blocks incl. headers */
	size_t peak;         /* high-water mark of used */
};

/* Take [mem, mem+size) as the arena. Returns 0 or LL_EINVAL if too small. */
int ll_arena_init(struct ll_arena *a, void *mem, size_t size);
/* NULL when the arena cannot satisfy the request. */
void *ll_alloc(struct ll_arena *a, size_t size);
void *ll_zalloc(struct ll_arena *a, size_t size);
/* Allocate with alignment align (power of two, up to 4096). */
void *ll_alloc_aligned(struct ll_arena *a, size_t size, size_t align);
void ll_free(struct ll_arena *a, void *p);
/* Bytes still free (sum of free blocks). */
size_t ll_arena_free_bytes(const struct ll_arena *a);

#endif
