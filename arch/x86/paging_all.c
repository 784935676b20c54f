/* arch/x86/paging_all.c - lifeline.elf's page tables: an identity map of
 * every physical byte it may touch, all RAM of the E820 map (above 4 GiB
 * too) and the whole 0-4 GiB hole with the PCI MMIO in it; 1 GiB pages when
 * the CPU has them, else 2 MiB pages. With CR4.LA57 on (the crashed kernel
 * ran 5-level paging; it cannot be turned off in long mode) a PML5 is put
 * on top. Caching is left to the MTRRs (UC for the MMIO hole). */
#include <stdint.h>
#include "arch/x86/elf_entry.h"
#include "arch/x86/io.h"
#include "lib/err.h"

#define PT_P  0x001
#define PT_RW 0x002
#define PT_PS 0x080
#define PT_N 512
#define GIB (1ull << 30)
#define PDPT_MAX 4           /* 1 GiB pages: up to 2 TiB */
#define PD_MAX 64            /* 2 MiB pages: up to 64 GiB */
#define CR4_LA57 (1ull << 12)
#define CR4_PGE (1ull << 7)

/* The layer's one context: the tables. */
static struct x86_paging_all {
	uint64_t pml5[PT_N];
	uint64_t pml4[PT_N];
	uint64_t pdpt[PDPT_MAX][PT_N];
	uint64_t pd[PD_MAX][PT_N];
} pga __attribute__((aligned(4096)));

static int cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0x80000000u), "c"(0));
	if (a < 0x80000001u)
		return 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0x80000001u), "c"(0));
	return (d >> 26) & 1;
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* GiBs [0, gib) as 1 GiB pages; returns the GiBs mapped. */
static uint64_t map_1g(uint64_t gib)
{
	uint64_t max = (uint64_t)PDPT_MAX * PT_N;
	if (gib > max)
		gib = max;
	for (uint64_t g = 0; g < gib; g++)
		pga.pdpt[g / PT_N][g % PT_N] = (g * GIB) | PT_P | PT_RW | PT_PS;
	return gib;
}

/* GiBs [0, gib) as 2 MiB pages; returns the GiBs mapped. */
static uint64_t map_2m(uint64_t gib)
{
	if (gib > PD_MAX)
		gib = PD_MAX;
	for (uint64_t g = 0; g < gib; g++) {
		for (unsigned i = 0; i < PT_N; i++)
			pga.pd[g][i] = (g * GIB + ((uint64_t)i << 21)) |
				       PT_P | PT_RW | PT_PS;
		pga.pdpt[g / PT_N][g % PT_N] = ptr(pga.pd[g]) | PT_P | PT_RW;
	}
	return gib;
}

int x86_paging_map_all(uint64_t top, uint64_t *mapped)
{
	uint64_t want = (top + GIB - 1) / GIB, got;
	uint64_t cr4;

	if (want < 4)
		want = 4;
	got = cpu_has_1g_pages() ? map_1g(want) : map_2m(want);
	for (unsigned t = 0; t < PDPT_MAX; t++)
		pga.pml4[t] = ptr(pga.pdpt[t]) | PT_P | PT_RW;
	pga.pml5[0] = ptr(pga.pml4) | PT_P | PT_RW;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	write_cr3((cr4 & CR4_LA57) ? ptr(pga.pml5) : ptr(pga.pml4));
	/* global TLB entries of the dead kernel: clearing PGE flushes them */
	if (cr4 & CR4_PGE)
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PGE)
				 : "memory");
	*mapped = got * GIB;
	return got < want ? LL_ERANGE : 0;
}
