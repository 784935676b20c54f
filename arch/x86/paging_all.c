/* arch/x86/paging_all.c - lifeline.elf's page tables: an identity map of
 * every physical byte it may touch, all RAM of the E820 map (above 4 GiB
 * too) and the whole 0-4 GiB hole with the PCI MMIO in it; 1 GiB pages when
 * the CPU has them, else 2 MiB pages. With CR4.LA57 on (the crashed kernel
 * ran 5-level paging; it cannot be turned off in long mode) a PML5 is put
 * on top. Caching is left to the MTRRs (UC for the MMIO hole). Device MMIO
 * beyond the map (UEFI firmware puts 64-bit BARs far above RAM) and RAM the
 * elfcorehdr names beyond it are added later by x86_paging_map_more. */
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
#define PDPT_MORE 4          /* spare PDPTs for x86_paging_map_more */
#define PD_MORE 8            /* spare PDs (2 MiB pages) for it */
#define CR4_LA57 (1ull << 12)
#define CR4_PGE (1ull << 7)

/* The layer's one context: the tables. */
static struct x86_paging_all {
	uint64_t pml5[PT_N];
	uint64_t pml4[PT_N];
	uint64_t pdpt[PDPT_MAX][PT_N];
	uint64_t pd[PD_MAX][PT_N];
	uint64_t more_pdpt[PDPT_MORE][PT_N];
	uint64_t more_pd[PD_MORE][PT_N];
	unsigned n_more_pdpt, n_more_pd;
	uint64_t mapped;             /* end of the [0, mapped) identity map */
	int has_1g;
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
	pga.has_1g = cpu_has_1g_pages();
	got = pga.has_1g ? map_1g(want) : map_2m(want);
	for (unsigned t = 0; t < PDPT_MAX; t++)
		pga.pml4[t] = ptr(pga.pdpt[t]) | PT_P | PT_RW;
	pga.pml5[0] = ptr(pga.pml4) | PT_P | PT_RW;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	write_cr3((cr4 & CR4_LA57) ? ptr(pga.pml5) : ptr(pga.pml4));
	/* global TLB entries of the dead kernel: clearing PGE flushes them */
	if (cr4 & CR4_PGE)
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PGE)
				 : "memory");
	*mapped = pga.mapped = got * GIB;
	return got < want ? LL_ERANGE : 0;
}

/* The PDPT covering GiB g (512 GiB per PML4 slot); NULL when out of
 * spare tables. */
static uint64_t *pdpt_for(uint64_t g)
{
	uint64_t slot = g / PT_N;
	if (pga.pml4[slot] & PT_P)
		return (uint64_t *)(uintptr_t)(pga.pml4[slot] & ~0xfffull);
	if (pga.n_more_pdpt >= PDPT_MORE)
		return NULL;
	uint64_t *t = pga.more_pdpt[pga.n_more_pdpt++];
	pga.pml4[slot] = ptr(t) | PT_P | PT_RW;
	return t;
}

/* One 2 MiB page at addr (2 MiB aligned) in the GiB whose PDPT entry is e. */
static int map_2m_at(uint64_t *e, uint64_t addr)
{
	uint64_t *pd;
	if (*e & PT_PS)
		return 0;
	if (!(*e & PT_P)) {
		if (pga.n_more_pd >= PD_MORE)
			return LL_ENOMEM;
		pd = pga.more_pd[pga.n_more_pd++];
		*e = ptr(pd) | PT_P | PT_RW;
	}
	pd = (uint64_t *)(uintptr_t)(*e & ~0xfffull);
	pd[(addr >> 21) % PT_N] = (addr & ~((1ull << 21) - 1)) | PT_P | PT_RW | PT_PS;
	return 0;
}

int x86_paging_map_more(uint64_t base, uint64_t len)
{
	uint64_t end = base + len, step = pga.has_1g ? GIB : (1ull << 21);
	if (!len || end < base || end > (1ull << 46))
		return LL_ERANGE;
	for (uint64_t a = base & ~(step - 1); a < end; a += step) {
		if (a < pga.mapped)
			continue;
		uint64_t *pdpt = pdpt_for(a / GIB);
		if (!pdpt)
			return LL_ENOMEM;
		uint64_t *e = &pdpt[(a / GIB) % PT_N];
		if (pga.has_1g)
			*e = a | PT_P | PT_RW | PT_PS;
		else if (map_2m_at(e, a) < 0)
			return LL_ENOMEM;
	}
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	write_cr3(cr3);               /* drop cached non-present walks */
	return 0;
}
