/* boot/rmmem.h - the seam between real-mode addresses (seg:off, linear,
 * 64-bit flat) and pointers: identity in firmware (base memory is identity
 * mapped, as rm_ptr says), a host array in unit tests. */
#ifndef BOOT_RMMEM_H
#define BOOT_RMMEM_H
#include <stdint.h>

struct rm_mem {
	/* Pointer to [linear, linear+len) or NULL when not addressable.
	 * NULL map: identity, below 4 GiB only. */
	void *(*map)(void *ctx, uint64_t linear, uint64_t len);
	void *ctx;
};

static inline void *rm_mem_map(const struct rm_mem *m, uint64_t linear,
			       uint64_t len)
{
	if (m->map)
		return m->map(m->ctx, linear, len);
	if (linear + len < linear || linear + len > 0x100000000ull)
		return 0;
	return (void *)(uintptr_t)linear;
}

static inline uint64_t rm_seg_linear(uint16_t seg, uint16_t off)
{
	return ((uint64_t)seg << 4) + off;
}

#endif
