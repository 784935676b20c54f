/* dump/physmem.h - the one door to the dead system's physical memory: the
 * crash flow maps RAM through its own page tables, tests hand a buffer. */
#ifndef DUMP_PHYSMEM_H
#define DUMP_PHYSMEM_H
#include <stdint.h>

struct physmem {
	/* A pointer to len readable bytes of physical memory starting at
	 * paddr, or NULL when that range cannot be read (not mapped, or the
	 * range wraps). The pointer stays valid for the whole dump. */
	const void *(*map)(void *ctx, uint64_t paddr, uint64_t len);
	void *ctx;
};

static inline const void *physmem_map(const struct physmem *m, uint64_t paddr,
				      uint64_t len)
{
	if (len && paddr + len < paddr)
		return 0;
	return m->map(m->ctx, paddr, len);
}

#endif
