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

#endif
