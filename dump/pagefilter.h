/* dump/pagefilter.h - dump levels (makedumpfile's bit meanings) applied to
 * the dead kernel's struct page array, found through VMCOREINFO alone:
 * mem_section roots -> each section's mem_map -> struct page fields. Makes
 * the two kdump bitmaps (pages present, pages kept) one window at a time,
 * so nothing scales with RAM. Unreadable or odd struct pages keep their
 * page: a corrupt mem_map costs space, never data. */
#ifndef DUMP_PAGEFILTER_H
#define DUMP_PAGEFILTER_H
#include <stdint.h>
#include "dump/elfcorehdr.h"
#include "dump/kvtop.h"
#include "dump/physmem.h"
#include "dump/vmcoreinfo.h"

#define DL_ZERO       1   /* pages of zeroes */
#define DL_CACHE      2   /* page cache without private data */
#define DL_CACHE_PRI  4   /* page cache, private data or not */
#define DL_USER       8   /* anonymous (user) pages */
#define DL_FREE       16  /* free pages (buddy allocator) */
#define DL_ALL        31
#define DL_DEFAULT    31

#define PF_PAGE       4096ull
#define PF_MAX_ORDER  20  /* a larger buddy order is taken for corruption */

struct pf_stats {
	uint64_t present;      /* pages in the RAM ranges */
	uint64_t cache, user, free;   /* pages left out, by class */
	uint64_t unreadable;   /* struct page not readable: page kept */
};

struct pagefilter {
	const struct ech_table *ech;
	const struct physmem *mem;
	struct vmci vi;
	struct kvtop kv;
	unsigned level_req;    /* asked for */
	unsigned level;        /* applied: what VMCOREINFO supports */
	int memmap_ok;         /* mem_map reachable */
	uint64_t max_pfn;      /* one past the highest RAM page */
	unsigned sec_shift;    /* pfn >> sec_shift = section number */
	uint64_t sec_nr, sec_map;  /* last section looked up */
	int sec_state;         /* 0 none, 1 mem_map known, -1 absent */
	unsigned last_load;
};

/* Set up for level (bits above DL_ALL ignored). The VMCOREINFO note of
 * ech is parsed; what it lacks turns bits off in ->level (never fails for
 * that). LL_EINVAL for bad arguments. */
int pf_init(struct pagefilter *pf, const struct ech_table *ech,
	    const struct physmem *mem, unsigned level);

/* Why bits of level_req are not applied, as text into buf ("" when all
 * are). */
void pf_explain(const struct pagefilter *pf, char *buf, unsigned cap);

/* Bitmaps for pfns [pfn0, pfn0 + n), n a multiple of 8, bit i of byte
 * i / 8 (LSB first) for pfn0 + i: bm1 the page is RAM, bm2 it is kept (zero
 * pages are still kept here; the writer points them at one zero page).
 * st, when not NULL, accumulates the counts. */
void pf_window(struct pagefilter *pf, uint64_t pfn0, uint32_t n, uint8_t *bm1,
	       uint8_t *bm2, struct pf_stats *st);

/* The page's data (PF_PAGE bytes) or NULL when not RAM / not mappable. */
const uint8_t *pf_page(struct pagefilter *pf, uint64_t pfn);

#endif
