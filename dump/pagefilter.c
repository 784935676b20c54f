/* dump/pagefilter.c - classifies each RAM page from its struct page (free
 * buddy block, page cache, anonymous) and clears excluded pages from the
 * kept bitmap, window by window. */
#include "dump/pagefilter.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define SECTION_HAS_MEM_MAP  2ull
#define SECTION_FLAG_MASK    0x1full
#define MAPPING_ANON         1ull
#define PAGE_STRUCT_MAX      256
#define HAS(f)               (1ull << (f))

enum pclass { PC_KEEP, PC_CACHE, PC_USER, PC_FREE };

/* What each group of bits needs beyond a reachable mem_map. */
#define NEED_MEMMAP (HAS(VI_MEMSEC) | HAS(VI_MEMSEC_LEN) | HAS(VI_MEMSEC_SIZE) | \
		     HAS(VI_MEMSEC_MAP) | HAS(VI_SECBITS) | HAS(VI_PAGE_SIZE) | \
		     HAS(VI_OFF_FLAGS))
#define NEED_CACHE  (HAS(VI_OFF_MAPPING) | HAS(VI_PG_LRU))
#define NEED_CACHE2 (NEED_CACHE | HAS(VI_PG_PRIVATE))
#define NEED_USER   HAS(VI_OFF_MAPPING)
#define NEED_FREE   (HAS(VI_OFF_MAPCOUNT) | HAS(VI_BUDDY) | HAS(VI_OFF_PRIVATE))

static int has_all(const struct vmci *v, uint64_t need)
{
	return (v->have & need) == need;
}

static int fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Are the sizes and offsets sane enough to index a mem_map? */
static int memmap_sane(const struct vmci *v)
{
	uint64_t ps = v->page_size;

	if (!has_all(v, NEED_MEMMAP) || ps < 32 || ps > PAGE_STRUCT_MAX)
		return 0;
	if (v->section_bits < 20 || v->section_bits > 46 || !v->memsec_len ||
	    v->memsec_size < 8 || v->memsec_size > PF_PAGE ||
	    !fits(v->off_secmap, 8, v->memsec_size))
		return 0;
	if (vmci_has(v, VI_PAGESIZE) && v->pagesize != PF_PAGE)
		return 0;
	return fits(v->off_flags, 8, ps);
}

/* Field offsets outside struct page count as missing. */
static void drop_bad_offsets(struct vmci *v)
{
	if (!fits(v->off_mapping, 8, v->page_size))
		v->have &= ~HAS(VI_OFF_MAPPING);
	if (!fits(v->off_mapcount, 4, v->page_size))
		v->have &= ~HAS(VI_OFF_MAPCOUNT);
	if (!fits(v->off_private, 8, v->page_size))
		v->have &= ~HAS(VI_OFF_PRIVATE);
	if (!fits(v->off_head, 8, v->page_size))
		v->have &= ~HAS(VI_OFF_HEAD);
	if (v->pg_lru > 63)
		v->have &= ~HAS(VI_PG_LRU);
	if (v->pg_private > 63)
		v->have &= ~HAS(VI_PG_PRIVATE);
	if (v->pg_swapcache > 63 || v->pg_swapbacked > 63)
		v->have &= ~(HAS(VI_PG_SWAPCACHE) | HAS(VI_PG_SWAPBACKED));
}

static unsigned applied_level(const struct pagefilter *pf, unsigned want)
{
	const struct vmci *v = &pf->vi;
	unsigned l = want & DL_ZERO;

	if (!pf->memmap_ok)
		return l;
	if ((want & DL_CACHE_PRI) && has_all(v, NEED_CACHE))
		l |= DL_CACHE_PRI | (want & DL_CACHE);
	else if ((want & DL_CACHE) && has_all(v, NEED_CACHE2))
		l |= DL_CACHE;
	if ((want & DL_USER) && has_all(v, NEED_USER))
		l |= DL_USER;
	if ((want & DL_FREE) && has_all(v, NEED_FREE))
		l |= DL_FREE;
	return l;
}

static uint64_t ram_end_pfn(const struct ech_table *t)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < t->n_load; i++) {
		uint64_t e = (t->load[i].paddr + t->load[i].size) / PF_PAGE;
		if (e > m)
			m = e;
	}
	return m;
}

int pf_init(struct pagefilter *pf, const struct ech_table *ech,
	    const struct physmem *mem, unsigned level)
{
	const char *text;
	size_t len;

	if (!pf || !ech || !mem)
		return LL_EINVAL;
	memset(pf, 0, sizeof(*pf));
	pf->ech = ech;
	pf->mem = mem;
	pf->level_req = level & DL_ALL;
	pf->max_pfn = ram_end_pfn(ech);
	if (!vmci_note_text(mem, &ech->vmcoreinfo, &text, &len))
		vmci_parse(text, len, &pf->vi);
	drop_bad_offsets(&pf->vi);
	pf->memmap_ok = memmap_sane(&pf->vi) && !kv_init(&pf->kv, mem, &pf->vi);
	pf->sec_shift = (unsigned)(pf->vi.section_bits - 12);
	pf->level = applied_level(pf, pf->level_req);
	return 0;
}

void pf_explain(const struct pagefilter *pf, char *buf, unsigned cap)
{
	unsigned miss = pf->level_req & ~pf->level;

	if (!cap)
		return;
	buf[0] = 0;
	if (!miss)
		return;
	if (!pf->memmap_ok)
		ll_snprintf(buf, cap, "bits 0x%x not applied: no mem_map or page tables in VMCOREINFO",
			    miss);
	else
		ll_snprintf(buf, cap, "bits 0x%x not applied: VMCOREINFO lacks struct page offsets or flag numbers",
			    miss);
}

/* Does [pfn page] lie wholly in a RAM range? */
static const struct ech_load *find_load(struct pagefilter *pf, uint64_t pfn)
{
	const struct ech_table *t = pf->ech;
	uint64_t a = pfn * PF_PAGE;

	for (unsigned k = 0; k < t->n_load; k++) {
		unsigned i = (pf->last_load + k) % t->n_load;
		const struct ech_load *l = &t->load[i];

		if (a >= l->paddr && a - l->paddr <= l->size &&
		    l->size - (a - l->paddr) >= PF_PAGE) {
			pf->last_load = i;
			return l;
		}
	}
	return NULL;
}

const uint8_t *pf_page(struct pagefilter *pf, uint64_t pfn)
{
	const struct ech_load *l = pfn < pf->max_pfn ? find_load(pf, pfn) : NULL;

	if (!l)
		return NULL;
	return physmem_map(pf->mem, l->src + (pfn * PF_PAGE - l->paddr), PF_PAGE);
}

/* The encoded mem_map of pfn's section (struct page of pfn at
 * *map + pfn * SIZE(page)); 0 or an error (section absent). */
static int section_map(struct pagefilter *pf, uint64_t pfn, uint64_t *map)
{
	const struct vmci *v = &pf->vi;
	uint64_t nr = pfn >> pf->sec_shift, per_root = PF_PAGE / v->memsec_size;
	uint64_t root, m;

	if (pf->sec_state && pf->sec_nr == nr)
		goto out;
	pf->sec_nr = nr;
	pf->sec_state = -1;
	if (nr / per_root >= v->memsec_len ||
	    kv_read(&pf->kv, v->mem_section + nr / per_root * 8, &root, 8) || !root ||
	    kv_read(&pf->kv, root + nr % per_root * v->memsec_size + v->off_secmap,
		    &m, 8) || !(m & SECTION_HAS_MEM_MAP))
		goto out;
	pf->sec_map = m & ~SECTION_FLAG_MASK;
	pf->sec_state = 1;
out:
	*map = pf->sec_map;
	return pf->sec_state == 1 ? 0 : LL_ENOENT;
}

struct pfields {
	uint64_t flags, mapping, private, head;
	int32_t mapcount;
};

static uint64_t field(const uint8_t *s, uint64_t off)
{
	uint64_t v;
	memcpy(&v, s + off, 8);
	return v;
}

/* Read the struct page at vaddr into f. */
static int read_page_struct(struct pagefilter *pf, uint64_t va, struct pfields *f)
{
	const struct vmci *v = &pf->vi;
	uint8_t s[PAGE_STRUCT_MAX];

	if (kv_read(&pf->kv, va, s, v->page_size))
		return LL_EINVAL;
	memset(f, 0, sizeof(*f));
	f->flags = field(s, v->off_flags);
	if (vmci_has(v, VI_OFF_MAPPING))
		f->mapping = field(s, v->off_mapping);
	if (vmci_has(v, VI_OFF_PRIVATE))
		f->private = field(s, v->off_private);
	if (vmci_has(v, VI_OFF_HEAD))
		f->head = field(s, v->off_head);
	if (vmci_has(v, VI_OFF_MAPCOUNT))
		memcpy(&f->mapcount, s + v->off_mapcount, 4);
	return 0;
}

static int flag(uint64_t flags, uint64_t bit)
{
	return (flags >> bit) & 1;
}

static int is_cache(const struct vmci *v, const struct pfields *f)
{
	int swapcache = vmci_has(v, VI_PG_SWAPCACHE) &&
			vmci_has(v, VI_PG_SWAPBACKED) &&
			flag(f->flags, v->pg_swapcache) &&
			flag(f->flags, v->pg_swapbacked);

	if (!f->mapping || (f->mapping & MAPPING_ANON))
		return 0;
	return flag(f->flags, v->pg_lru) || swapcache;
}

/* The class of a page from its (or its compound head's) fields. */
static enum pclass class_of(const struct pagefilter *pf, const struct pfields *f)
{
	const struct vmci *v = &pf->vi;
	int priv = vmci_has(v, VI_PG_PRIVATE) && flag(f->flags, v->pg_private);

	if ((pf->level & (DL_CACHE | DL_CACHE_PRI)) && is_cache(v, f)) {
		if ((pf->level & DL_CACHE_PRI) || !priv)
			return PC_CACHE;
		return PC_KEEP;
	}
	if ((pf->level & DL_USER) && (f->mapping & MAPPING_ANON))
		return PC_USER;
	return PC_KEEP;
}

/* Class of pfn; *order is the buddy order for PC_FREE. */
static enum pclass classify(struct pagefilter *pf, uint64_t pfn, unsigned *order,
			    struct pf_stats *st)
{
	const struct vmci *v = &pf->vi;
	struct pfields f, h;
	uint64_t map;

	if (section_map(pf, pfn, &map) ||
	    read_page_struct(pf, map + pfn * v->page_size, &f)) {
		if (st)
			st->unreadable++;
		return PC_KEEP;
	}
	if ((pf->level & DL_FREE) && (uint32_t)f.mapcount == (uint32_t)v->buddy &&
	    f.private <= PF_MAX_ORDER) {
		*order = (unsigned)f.private;
		return PC_FREE;
	}
	if ((f.head & 1) && !read_page_struct(pf, f.head - 1, &h))
		return class_of(pf, &h);
	return class_of(pf, &f);
}

static int bit_get(const uint8_t *bm, uint64_t i)
{
	return (bm[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(uint8_t *bm, uint64_t i)
{
	bm[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void bit_clear(uint8_t *bm, uint64_t i)
{
	bm[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* A free block of 2^order pages at window index i: cleared when it is
 * aligned and inside the window; the pages it covered, or 0. */
static uint32_t clear_free(uint8_t *bm2, uint64_t pfn, uint32_t i, uint32_t n,
			   unsigned order, uint64_t *count)
{
	uint32_t len = 1u << order;

	if ((pfn & (len - 1)) || len > n - i)
		return 0;
	for (uint32_t k = 0; k < len; k++) {
		if (bit_get(bm2, i + k)) {
			bit_clear(bm2, i + k);
			(*count)++;
		}
	}
	return len;
}

static void filter_window(struct pagefilter *pf, uint64_t pfn0, uint32_t n,
			  uint8_t *bm2, struct pf_stats *st)
{
	struct pf_stats dummy;

	if (!st)
		st = &dummy;
	for (uint32_t i = 0; i < n; i++) {
		unsigned order = 0;
		uint32_t len;

		if (!bit_get(bm2, i))
			continue;
		switch (classify(pf, pfn0 + i, &order, st)) {
		case PC_FREE:
			len = clear_free(bm2, pfn0 + i, i, n, order, &st->free);
			if (len)
				i += len - 1;
			break;
		case PC_CACHE:
			bit_clear(bm2, i);
			st->cache++;
			break;
		case PC_USER:
			bit_clear(bm2, i);
			st->user++;
			break;
		case PC_KEEP:
			break;
		}
	}
}

void pf_window(struct pagefilter *pf, uint64_t pfn0, uint32_t n, uint8_t *bm1,
	       uint8_t *bm2, struct pf_stats *st)
{
	memset(bm1, 0, n / 8);
	memset(bm2, 0, n / 8);
	for (uint32_t i = 0; i < n; i++) {
		if (pfn0 + i >= pf->max_pfn || !find_load(pf, pfn0 + i))
			continue;
		bit_set(bm1, i);
		bit_set(bm2, i);
		if (st)
			st->present++;
	}
	if (pf->level & ~DL_ZERO)
		filter_window(pf, pfn0, n, bm2, st);
}
