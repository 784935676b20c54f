/* arch/x86/paging.c - the core's own page tables, in hidden memory: an
 * identity map of the first 4 GiB with 2 MiB pages (RAM, base memory and
 * the device MMIO below 4 GiB; caching left to the BIOS's MTRRs). */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/io.h"

#define PT_P  0x001
#define PT_RW 0x002
#define PT_PS 0x080
#define PT_ENTRIES 512
#define PD_TABLES 4

/* The layer's one context: the tables. */
static struct x86_paging {
	uint64_t pml4[PT_ENTRIES];
	uint64_t pdpt[PT_ENTRIES];
	uint64_t pd[PD_TABLES][PT_ENTRIES];
} pg __attribute__((aligned(4096)));

uint64_t x86_paging_init(void)
{
	for (unsigned t = 0; t < PD_TABLES; t++) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t a = ((uint64_t)t << 30) | ((uint64_t)i << 21);
			pg.pd[t][i] = a | PT_P | PT_RW | PT_PS;
		}
		pg.pdpt[t] = (uint64_t)(uintptr_t)pg.pd[t] | PT_P | PT_RW;
	}
	pg.pml4[0] = (uint64_t)(uintptr_t)pg.pdpt | PT_P | PT_RW;
	uint64_t cr3 = (uint64_t)(uintptr_t)pg.pml4;
	write_cr3(cr3);
	return cr3;
}
