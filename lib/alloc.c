/* lib/alloc.c - first-fit allocator over one arena (lib/alloc.h). Each block
 * starts with a 16-byte header; free blocks form an address-ordered list and
 * merge with free neighbours when released. */
#include <stdint.h>
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/mem.h"

#define BLK_ALIGN 16
#define BLK_MAGIC_USED 0x4c4c414c4c4f4355ull /* tag of a live block */
#define BLK_MAGIC_FREE 0x4c4c46524545424cull /* tag of a free block */

/* Block header. The magic is xor-ed with the header's own address so a
 * pointer into copied or stale data rarely passes for a live block. */
struct blk_hdr {
	uint64_t magic;
	size_t size;              /* whole block, header included */
};

struct free_blk {
	struct blk_hdr h;
	struct free_blk *next;    /* next free block, higher address */
};

/* A free block must hold its header and list link, rounded to alignment. */
#define BLK_MIN ((sizeof(struct free_blk) + BLK_ALIGN - 1) & ~(size_t)(BLK_ALIGN - 1))

static uint64_t tag(const void *hdr, uint64_t magic)
{
	return magic ^ (uint64_t)(uintptr_t)hdr;
}

static void make_free(struct free_blk *b, size_t size, struct free_blk *next)
{
	b->h.magic = tag(b, BLK_MAGIC_FREE);
	b->h.size = size;
	b->next = next;
}

int ll_arena_init(struct ll_arena *a, void *mem, size_t size)
{
	uintptr_t start = ((uintptr_t)mem + BLK_ALIGN - 1) & ~(uintptr_t)(BLK_ALIGN - 1);
	size_t lost = start - (uintptr_t)mem;

	if (!a || !mem || size < lost + BLK_MIN)
		return LL_EINVAL;
	size = (size - lost) & ~(size_t)(BLK_ALIGN - 1);
	a->base = (unsigned char *)start;
	a->size = size;
	a->used = 0;
	a->peak = 0;
	a->free_list = a->base;
	make_free(a->free_list, size, NULL);
	return 0;
}

/* First header address at or after start whose payload is aligned to align
 * and which leaves either no gap or a gap big enough to stay a free block. */
static uintptr_t place_header(uintptr_t start, size_t align)
{
	uintptr_t payload = (start + sizeof(struct blk_hdr) + align - 1) &
			    ~(uintptr_t)(align - 1);
	uintptr_t hdr = payload - sizeof(struct blk_hdr);

	while (hdr != start && hdr - start < BLK_MIN)
		hdr += align;
	return hdr;
}

/* Cut [hdr, hdr+need) out of free block b, found through *link. The gap
 * before it (if any) stays in the list as b; a tail big enough to be a
 * block goes back in the list, a smaller one is given to the caller. */
static void *carve(struct ll_arena *a, struct free_blk **link,
		   struct free_blk *b, uintptr_t hdr, size_t need)
{
	uintptr_t end = (uintptr_t)b + b->h.size;
	struct free_blk *next = b->next;
	size_t tail = end - (hdr + need);
	struct blk_hdr *h = (struct blk_hdr *)hdr;

	if (hdr > (uintptr_t)b) {
		b->h.size = hdr - (uintptr_t)b;
		link = &b->next;
	}
	*link = next;
	if (tail >= BLK_MIN) {
		struct free_blk *t = (struct free_blk *)(hdr + need);
		make_free(t, tail, next);
		*link = t;
	} else {
		need += tail;
	}
	h->magic = tag(h, BLK_MAGIC_USED);
	h->size = need;
	a->used += need;
	if (a->used > a->peak)
		a->peak = a->used;
	return h + 1;
}

void *ll_alloc_aligned(struct ll_arena *a, size_t size, size_t align)
{
	struct free_blk **link;
	size_t need;

	if (!a || align > 4096 || (align & (align - 1)) || !a->free_list)
		return NULL;
	if (align < BLK_ALIGN)
		align = BLK_ALIGN;
	if (size > a->size)
		return NULL;
	need = (size + sizeof(struct blk_hdr) + BLK_ALIGN - 1) &
	       ~(size_t)(BLK_ALIGN - 1);
	if (need < BLK_MIN)
		need = BLK_MIN;
	for (link = (struct free_blk **)&a->free_list; *link;
	     link = &(*link)->next) {
		struct free_blk *b = *link;
		uintptr_t hdr = place_header((uintptr_t)b, align);
		if (hdr < (uintptr_t)b + b->h.size &&
		    (uintptr_t)b + b->h.size - hdr >= need)
			return carve(a, link, b, hdr, need);
	}
	return NULL;
}

void *ll_alloc(struct ll_arena *a, size_t size)
{
	return ll_alloc_aligned(a, size, BLK_ALIGN);
}

void *ll_zalloc(struct ll_arena *a, size_t size)
{
	void *p = ll_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* The header of p if p is a live block of this arena, else NULL. */
static struct blk_hdr *live_header(const struct ll_arena *a, void *p)
{
	uintptr_t lo = (uintptr_t)a->base, hi = lo + a->size;
	uintptr_t u = (uintptr_t)p;
	struct blk_hdr *h;

	if (u < lo + sizeof(struct blk_hdr) || u >= hi || (u & (BLK_ALIGN - 1)))
		return NULL;
	h = (struct blk_hdr *)p - 1;
	if (h->magic != tag(h, BLK_MAGIC_USED) || h->size < BLK_MIN ||
	    (h->size & (BLK_ALIGN - 1)) || h->size > hi - (uintptr_t)h)
		return NULL;
	return h;
}

/* Merge b with the block after it when they touch. */
static void merge_next(struct free_blk *b)
{
	struct free_blk *n = b->next;

	if (n && (uintptr_t)b + b->h.size == (uintptr_t)n) {
		b->h.size += n->h.size;
		b->next = n->next;
		n->h.magic = 0;
	}
}

void ll_free(struct ll_arena *a, void *p)
{
	struct free_blk *prev = NULL, *next, *b;
	struct blk_hdr *h;

	if (!a || !p || !(h = live_header(a, p)))
		return; /* NULL, foreign pointer or double free: ignore */
	next = a->free_list;
	while (next && (uintptr_t)next < (uintptr_t)h) {
		prev = next;
		next = next->next;
	}
	if (prev && (uintptr_t)prev + prev->h.size > (uintptr_t)h)
		return; /* inside a free block: stale header, ignore */
	a->used -= h->size;
	b = (struct free_blk *)h;
	make_free(b, h->size, next);
	if (prev)
		prev->next = b;
	else
		a->free_list = b;
	merge_next(b);
	if (prev)
		merge_next(prev);
}

size_t ll_arena_free_bytes(const struct ll_arena *a)
{
	size_t sum = 0;

	for (const struct free_blk *b = a->free_list; b; b = b->next)
		sum += b->h.size;
	return sum;
}
