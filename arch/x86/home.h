/* arch/x86/home.h - choosing the core's home from the BIOS E820 map. */
#ifndef ARCH_X86_HOME_H
#define ARCH_X86_HOME_H
#include <stdint.h>
#include "arch/x86/stub.h"

/* The lowest home accepted: keep clear of the first MiB above 1 MiB
 * (ISA hole users, old DMA). */
#define LX_HOME_MIN (2ull << 20)

/* Base for need bytes at the top of the RAM extent that starts at or
 * below 1 MiB (joined across adjacent RAM entries, cut at reserved
 * ranges, below 4 GiB), 64 KiB aligned; 0 when it does not fit. */
uint64_t lx_home_from_map(const struct e820_entry *e, uint32_t n,
			  uint64_t need);

/* The new 40:13 (KiB) for a stub of resident bytes (whole KiB) below
 * basemem_kib (at most 640), on a 4 KiB boundary (stub.h), not below
 * 64 KiB. 0 or LL_ENOMEM. */
int stub_place_kib(uint16_t basemem_kib, uint32_t resident, uint16_t *new_kib);

#endif
