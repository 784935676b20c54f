/* dump/vmcoreinfo.h - the facts the page filter needs from the dead
 * kernel's VMCOREINFO text (KEY=VALUE lines): symbols, struct sizes and
 * offsets, page flag numbers. Each fact carries a present bit. */
#ifndef DUMP_VMCOREINFO_H
#define DUMP_VMCOREINFO_H
#include <stddef.h>
#include <stdint.h>
#include "dump/elfcorehdr.h"
#include "dump/physmem.h"

/* Present bits, one per fact (struct vmci.have). */
enum vmci_fact {
	VI_PAGESIZE, VI_PHYS_BASE, VI_TOP_PGT, VI_SWAPPER_PGD, VI_L5, VI_SME,
	VI_MEMSEC, VI_MEMSEC_LEN, VI_MEMSEC_SIZE, VI_MEMSEC_MAP, VI_SECBITS,
	VI_PAGE_SIZE, VI_OFF_FLAGS, VI_OFF_MAPPING, VI_OFF_MAPCOUNT,
	VI_OFF_PRIVATE, VI_OFF_HEAD, VI_PG_LRU, VI_PG_PRIVATE, VI_PG_SWAPCACHE,
	VI_PG_SWAPBACKED, VI_BUDDY, VI_UTS, VI_OFF_UTS, VI_CRASHTIME,
	VI_OSRELEASE, VI_NFACTS
};

struct vmci {
	uint64_t have;            /* 1 << enum vmci_fact when parsed */
	uint64_t pagesize;        /* PAGESIZE */
	uint64_t phys_base;       /* NUMBER(phys_base) */
	uint64_t top_pgt;         /* SYMBOL(init_top_pgt) */
	uint64_t swapper_pgd;     /* SYMBOL(swapper_pg_dir) */
	uint64_t l5;              /* NUMBER(pgtable_l5_enabled) */
	uint64_t sme_mask;        /* NUMBER(sme_mask) */
	uint64_t mem_section;     /* SYMBOL(mem_section): the root array */
	uint64_t memsec_len;      /* LENGTH(mem_section): roots */
	uint64_t memsec_size;     /* SIZE(mem_section) */
	uint64_t off_secmap;      /* OFFSET(mem_section.section_mem_map) */
	uint64_t section_bits;    /* NUMBER(SECTION_SIZE_BITS) */
	uint64_t page_size;       /* SIZE(page) */
	uint64_t off_flags, off_mapping, off_mapcount, off_private, off_head;
	uint64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked;
	uint64_t buddy;           /* NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE), 32 bits */
	uint64_t uts;             /* SYMBOL(init_uts_ns) */
	uint64_t off_uts;         /* OFFSET(uts_namespace.name) */
	uint64_t crashtime;       /* CRASHTIME */
	char osrelease[65];       /* OSRELEASE */
};

static inline int vmci_has(const struct vmci *v, enum vmci_fact f)
{
	return (v->have >> f) & 1;
}

/* Parse len bytes of VMCOREINFO text. Lines it does not know, or whose
 * value does not parse, are skipped (their fact stays absent). Never
 * fails on content; LL_EINVAL only for NULL arguments. */
int vmci_parse(const char *text, size_t len, struct vmci *out);

/* The VMCOREINFO text inside the note the elfcorehdr points to: *text and
 * *len, or LL_ENOENT (no note) / LL_EPROTO (note shorter than it says) /
 * LL_EINVAL (cannot be mapped). */
int vmci_note_text(const struct physmem *mem, const struct ech_note *n,
		   const char **text, size_t *len);

#endif
