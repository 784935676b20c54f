/* arch/x86/home.c - where the core lives after the PXE entry (the top of
 * the RAM extent that holds 1 MiB, below 4 GiB) and where lifeline.elf puts
 * the real-mode stub (below 40:13). Pure (no pointer data), as it runs
 * before relocation; host-tested by tests/unit/test_x86_home.c. */
#include <stdint.h>
#include "arch/x86/home.h"
#include "lib/err.h"

#define MIB (1ull << 20)
#define GIB4 (1ull << 32)
#define E820_RAM 1
#define HOME_ALIGN 0xffffull /* 64 KiB: what E801 can express */
#define STUB_LOW_MIN 0x10000u   /* keep clear of the IVT, BDA, 0:7C00 */
#define STUB_TOP_MAX 0xa0000u

/* End of the RAM extent that holds 1 MiB (adjacent or overlapping RAM
 * entries joined, any order), capped at 4 GiB and cut at the first
 * non-RAM entry inside it. */
static uint64_t extent_top(const struct e820_entry *e, uint32_t n)
{
	uint64_t top = MIB;
	for (uint32_t pass = 0; pass <= n; pass++) {
		uint64_t grown = top;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t end = e[i].base + e[i].len;
			if (e[i].type == E820_RAM && end > e[i].base &&
			    e[i].base <= top && end > grown)
				grown = end;
		}
		if (grown == top)
			break;
		top = grown;
	}
	if (top > GIB4)
		top = GIB4;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t b = e[i].base, end = e[i].base + e[i].len;
		if (e[i].type != E820_RAM && end > b && b < top && end > MIB)
			top = b > MIB ? b : MIB;
	}
	return top;
}

uint64_t lx_home_from_map(const struct e820_entry *e, uint32_t n,
			  uint64_t need)
{
	uint64_t top = extent_top(e, n);
	if (need > top || top - need < LX_HOME_MIN)
		return 0;
	return (top - need) & ~HOME_ALIGN;
}

/* Where the stub goes: 40:13 lowered by its resident size, down to a
 * 4 KiB boundary (code and written data on separate pages, stub.h). */
int stub_place_kib(uint16_t basemem_kib, uint32_t resident, uint16_t *new_kib)
{
	uint32_t kib = basemem_kib;

	if (kib * 1024u > STUB_TOP_MAX)
		kib = STUB_TOP_MAX / 1024;
	if (resident == 0 || resident % 1024 || kib < resident / 1024)
		return LL_ENOMEM;
	kib = (kib - resident / 1024) & ~3u;
	if (kib * 1024u < STUB_LOW_MIN)
		return LL_ENOMEM;
	*new_kib = (uint16_t)kib;
	return 0;
}
