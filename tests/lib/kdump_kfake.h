/* tests/lib/kdump_kfake.h - a synthetic dead kernel in fake physical
 * memory for the page filter and kdump writer tests: 16 MiB of RAM in two
 * ranges, its own 4- or 5-level page tables (1 GiB direct map, 2 MiB
 * kernel map, 4 KiB vmemmap), mem_section roots, a struct page array
 * (6.1 layout) with known free, anonymous, cache, compound and zero pages,
 * VMCOREINFO and an elfcorehdr pointing at all of it. */
#ifndef TESTS_KDUMP_KFAKE_H
#define TESTS_KDUMP_KFAKE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dump/elf_proto.h"
#include "dump/physmem.h"

#define KF_SIZE      0x1000000ull
#define KF_NPFN      (KF_SIZE / 4096)
#define KF_DM        0xffff888000000000ull
#define KF_VMEMMAP   0xffffea0000000000ull
#define KF_KMAP      0xffffffff80000000ull
#define KF_PHYS_BASE 0x200000ull
#define KF_TOP4      0x210000ull
#define KF_TOP5      0x211000ull
#define KF_PUD_DM    0x212000ull
#define KF_PUD_K     0x213000ull
#define KF_PMD_K     0x214000ull
#define KF_PUD_VM    0x215000ull
#define KF_PMD_VM    0x216000ull
#define KF_PTE_VM    0x217000ull
#define KF_P4D       0x218000ull
#define KF_NOTE_CPU  0x21a000ull
#define KF_VMCI      0x220000ull
#define KF_ECH       0x230000ull
#define KF_ROOTS     0x240000ull
#define KF_SECTIONS  0x241000ull
#define KF_UTS       0x250000ull
#define KF_PAGES     0x400000ull   /* struct page array, 64 bytes each */
#define KF_HOLE_LO   0xc00000ull   /* no RAM in [HOLE_LO, HOLE_HI) */
#define KF_HOLE_HI   0xd00000ull
#define KF_SEC_BITS  22            /* 1024 pages per section */
#define KF_ABSENT_SEC 3            /* section without a mem_map */

/* struct page (6.1 x86-64 layout) */
#define KF_OFF_FLAGS 0
#define KF_OFF_HEAD  8
#define KF_OFF_MAP   24
#define KF_OFF_PRIV  40
#define KF_OFF_MAPC  48
#define KF_PG_LRU    4
#define KF_PG_PRIV   13
#define KF_BUDDY     (-129)

/* Where the known pages are (pfns). */
#define KF_FREE      0x500   /* order 4 buddy block: 16 pages */
#define KF_ANON      0x600   /* 8 anonymous pages */
#define KF_CACHE     0x610   /* 8 cache pages, the last 4 with PG_private */
#define KF_THP       0x620   /* anonymous compound head + 3 tails */
#define KF_ZERO      0x630   /* 16 pages of zeroes */
#define KF_BADFREE   0x641   /* buddy order 1 not aligned: kept */
#define KF_HUGEORD   0x650   /* buddy order 30: kept */
#define KF_MARK_KERN 0x700   /* a kernel page holding a marker */

struct kfake {
	uint8_t *mem;
	uint64_t ech_size;
	unsigned levels;
};

static inline const void *kf_map(void *ctx, uint64_t paddr, uint64_t len)
{
	struct kfake *k = ctx;

	if (paddr > KF_SIZE || len > KF_SIZE - paddr)
		return NULL;
	return k->mem + paddr;
}

static inline struct physmem kf_physmem(struct kfake *k)
{
	struct physmem m = { kf_map, k };
	return m;
}

static inline void kf_put64(struct kfake *k, uint64_t pa, uint64_t v)
{
	memcpy(k->mem + pa, &v, 8);
}

static inline unsigned kf_idx(uint64_t va, unsigned lvl)
{
	return (unsigned)((va >> (12 + 9 * (lvl - 1))) & 511);
}

static inline void kf_tables(struct kfake *k)
{
	uint64_t top = KF_TOP4;

	kf_put64(k, top + kf_idx(KF_DM, 4) * 8, KF_PUD_DM | 3);
	kf_put64(k, KF_PUD_DM + kf_idx(KF_DM, 3) * 8, 0 | 0x83);      /* 1 GiB */
	kf_put64(k, top + kf_idx(KF_KMAP, 4) * 8, KF_PUD_K | 3);
	kf_put64(k, KF_PUD_K + kf_idx(KF_KMAP, 3) * 8, KF_PMD_K | 3);
	kf_put64(k, KF_PMD_K + kf_idx(KF_KMAP, 2) * 8, KF_PHYS_BASE | 0x83);
	kf_put64(k, top + kf_idx(KF_VMEMMAP, 4) * 8, KF_PUD_VM | 3);
	kf_put64(k, KF_PUD_VM + kf_idx(KF_VMEMMAP, 3) * 8, KF_PMD_VM | 3);
	kf_put64(k, KF_PMD_VM + kf_idx(KF_VMEMMAP, 2) * 8, KF_PTE_VM | 3);
	for (uint64_t i = 0; i < KF_NPFN * 64 / 4096; i++)
		kf_put64(k, KF_PTE_VM + i * 8, (KF_PAGES + i * 4096) | 3);
	/* 5 levels: the top's last entry holds the 4-level top as a P4D */
	memcpy(k->mem + KF_P4D, k->mem + KF_TOP4, 4096);
	kf_put64(k, KF_TOP5 + 511 * 8, KF_P4D | 3);
}

static inline void kf_page(struct kfake *k, uint64_t pfn, uint64_t flags,
			   uint64_t head, uint64_t mapping, uint64_t priv,
			   int32_t mapcount)
{
	uint64_t s = KF_PAGES + pfn * 64;

	kf_put64(k, s + KF_OFF_FLAGS, flags);
	kf_put64(k, s + KF_OFF_HEAD, head);
	kf_put64(k, s + KF_OFF_MAP, mapping);
	kf_put64(k, s + KF_OFF_PRIV, priv);
	memcpy(k->mem + s + KF_OFF_MAPC, &mapcount, 4);
}

static inline void kf_pages(struct kfake *k)
{
	for (uint64_t p = 0; p < KF_NPFN; p++)
		kf_page(k, p, 0, 0, 0, 0, -1);
	kf_page(k, KF_FREE, 0, 0, 0, 4, KF_BUDDY);
	for (int i = 0; i < 8; i++)
		kf_page(k, KF_ANON + i, 1u << KF_PG_LRU, 0, KF_DM + 0xabc001, 0, 0);
	for (int i = 0; i < 8; i++)
		kf_page(k, KF_CACHE + i, (1u << KF_PG_LRU) |
			(i >= 4 ? 1u << KF_PG_PRIV : 0), 0, KF_DM + 0xdef000, 0, 0);
	kf_page(k, KF_THP, 1u << KF_PG_LRU, 0, KF_DM + 0xabc001, 0, 0);
	for (int i = 1; i < 4; i++)
		kf_page(k, KF_THP + i, 0, (KF_VMEMMAP + KF_THP * 64) | 1,
			0x400 + 0xdead000000000000ull, 0, -1);
	kf_page(k, KF_BADFREE, 0, 0, 0, 1, KF_BUDDY);
	kf_page(k, KF_HUGEORD, 0, 0, 0, 30, KF_BUDDY);
	memset(k->mem + KF_ZERO * 4096, 0, 16 * 4096);
	memcpy(k->mem + KF_MARK_KERN * 4096 + 100, "KERNMARK-lifeline", 17);
	memcpy(k->mem + KF_ANON * 4096 + 100, "USERMARK-lifeline", 17);
}

static inline void kf_sections(struct kfake *k)
{
	kf_put64(k, KF_ROOTS, KF_DM + KF_SECTIONS);
	for (uint64_t s = 0; s < KF_NPFN >> (KF_SEC_BITS - 12); s++)
		if (s != KF_ABSENT_SEC)
			kf_put64(k, KF_SECTIONS + s * 16, KF_VMEMMAP | 3);
}

static inline size_t kf_note(uint8_t *p, const char *name, uint32_t type,
			     const void *desc, uint32_t descsz)
{
	struct elf64_nhdr n = { (uint32_t)strlen(name) + 1, descsz, type };
	size_t nl = (n.n_namesz + 3) & ~3u, dl = (descsz + 3) & ~3u;

	memcpy(p, &n, sizeof(n));
	memcpy(p + 12, name, n.n_namesz);
	memcpy(p + 12 + nl, desc, descsz);
	return 12 + nl + dl;
}

/* The VMCOREINFO text; drop names a key left out (NULL: none). */
static inline int kf_vmcoreinfo(char *buf, size_t cap, unsigned levels,
				const char *drop)
{
	char tmp[2048];
	int n = snprintf(tmp, sizeof(tmp),
		"OSRELEASE=6.1.0-kfake\nPAGESIZE=4096\n"
		"SYMBOL(init_uts_ns)=%llx\nOFFSET(uts_namespace.name)=4\n"
		"SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=%llu\n"
		"NUMBER(pgtable_l5_enabled)=%u\nNUMBER(sme_mask)=0\n"
		"SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=2048\n"
		"SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n"
		"NUMBER(SECTION_SIZE_BITS)=%u\nSIZE(page)=64\n"
		"OFFSET(page.flags)=0\nOFFSET(page._refcount)=52\n"
		"OFFSET(page.mapping)=24\nOFFSET(page.lru)=8\n"
		"OFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
		"OFFSET(page.compound_head)=8\nNUMBER(PG_lru)=4\n"
		"NUMBER(PG_private)=13\nNUMBER(PG_swapcache)=9\n"
		"NUMBER(PG_swapbacked)=19\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
		"CRASHTIME=1764900000\n",
		(unsigned long long)(KF_KMAP + (KF_UTS - KF_PHYS_BASE)),
		(unsigned long long)(KF_KMAP + ((levels == 5 ? KF_TOP5 : KF_TOP4) -
						KF_PHYS_BASE)),
		(unsigned long long)KF_PHYS_BASE, levels == 5,
		(unsigned long long)(KF_DM + KF_ROOTS), KF_SEC_BITS);
	char *o = buf, *line = tmp;

	while (*line) {
		char *nl = strchr(line, '\n');
		size_t l = (size_t)(nl - line) + 1;

		if (!drop || strncmp(line, drop, strlen(drop))) {
			if ((size_t)(o - buf) + l >= cap)
				return -1;
			memcpy(o, line, l);
			o += l;
		}
		line = nl + 1;
	}
	*o = 0;
	(void)n;
	return (int)(o - buf);
}

static inline void kf_phdr(uint8_t *at, uint32_t type, uint64_t off, uint64_t sz)
{
	struct elf64_phdr ph = { type, 7, off, type == ELF_PT_LOAD ? KF_DM + off : 0,
				 off, sz, sz, 0 };
	memcpy(at, &ph, sizeof(ph));
}

static inline void kf_ech(struct kfake *k, const char *vmci, size_t vl)
{
	uint8_t *h = k->mem + KF_ECH, d[336];
	struct elf64_ehdr e;
	size_t nl;

	for (int i = 0; i < 336; i++)
		d[i] = (uint8_t)i;
	kf_note(k->mem + KF_NOTE_CPU, "CORE", ELF_NT_PRSTATUS, d, sizeof(d));
	nl = kf_note(k->mem + KF_VMCI, "VMCOREINFO", 0, vmci, (uint32_t)vl);
	memset(&e, 0, sizeof(e));
	memcpy(e.e_ident, ELF_MAG, 4);
	e.e_ident[ELF_EI_CLASS] = ELF_CLASS64;
	e.e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	e.e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	e.e_type = ELF_ET_CORE;
	e.e_machine = ELF_EM_X86_64;
	e.e_version = ELF_EV_CURRENT;
	e.e_phoff = 64;
	e.e_ehsize = 64;
	e.e_phentsize = 56;
	e.e_phnum = 4;
	memcpy(h, &e, sizeof(e));
	kf_phdr(h + 64, ELF_PT_NOTE, KF_NOTE_CPU, 0x400);
	kf_phdr(h + 120, ELF_PT_NOTE, KF_VMCI, nl);
	kf_phdr(h + 176, ELF_PT_LOAD, 0, KF_HOLE_LO);
	kf_phdr(h + 232, ELF_PT_LOAD, KF_HOLE_HI, KF_SIZE - KF_HOLE_HI);
	k->ech_size = 64 + 4 * 56;
}

/* Build the whole scenario; drop as for kf_vmcoreinfo. */
static inline int kf_build(struct kfake *k, unsigned levels, const char *drop)
{
	char vmci[2048];
	int vl;

	k->levels = levels;
	k->mem = malloc(KF_SIZE);
	for (uint64_t a = 0; a < KF_SIZE; a++)
		k->mem[a] = (uint8_t)((a * 0x9e3779b97f4a7c15ull) >> 56) | 1;
	memset(k->mem + KF_PHYS_BASE, 0, 0x60000);
	kf_tables(k);
	kf_pages(k);
	kf_sections(k);
	memcpy(k->mem + KF_UTS + 4, "Linux", 6);
	memcpy(k->mem + KF_UTS + 4 + 65, "kfakehost", 10);
	memcpy(k->mem + KF_UTS + 4 + 130, "6.1.0-kfake", 12);
	vl = kf_vmcoreinfo(vmci, sizeof(vmci), levels, drop);
	if (vl < 0)
		return -1;
	kf_ech(k, vmci, (size_t)vl);
	return 0;
}

#endif
