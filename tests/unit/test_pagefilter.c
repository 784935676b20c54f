/* tests/unit/test_pagefilter.c - VMCOREINFO parsing, the kernel page table
 * walk (4 and 5 levels, 1 GiB / 2 MiB / 4 KiB leaves) and the page filter
 * on a synthetic dead kernel (tests/lib/kdump_kfake.h): which pages each
 * dump level leaves out, and bits not applied when VMCOREINFO lacks a
 * fact. */
#include "tests/lib/check.h"
#include "tests/lib/kdump_kfake.h"
#include "dump/elfcorehdr.h"
#include "dump/kvtop.h"
#include "dump/pagefilter.h"
#include "dump/vmcoreinfo.h"

static struct kfake kf;
static struct ech_table ech;
static struct pagefilter pf;
static struct physmem pm;
static uint8_t bm1[KF_NPFN / 8], bm2[KF_NPFN / 8];

static int setup(unsigned levels, const char *drop, unsigned level)
{
	free(kf.mem);
	if (kf_build(&kf, levels, drop))
		return -1;
	pm = kf_physmem(&kf);
	if (ech_parse(&ech, &pm, KF_ECH, kf.ech_size))
		return -2;
	return pf_init(&pf, &ech, &pm, level);
}

static int bit(const uint8_t *bm, uint64_t pfn)
{
	return (bm[pfn / 8] >> (pfn % 8)) & 1;
}

static unsigned kept(uint64_t from, unsigned n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		k += bit(bm2, from + i);
	return k;
}

static void test_vmci_parse(void)
{
	static const char t[] = "OSRELEASE=6.1.0-x\nSYMBOL(mem_section)=ffff88803ffd4000\n"
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nSIZE(page)=64\n"
		"OFFSET(page.flags)=zz\nNUMBER(PG_lru)=\nSYMBOL(init_top_pgt)=ffffffff9\n"
		"SIZE(page)x=1\nPAGESIZE=4096";
	struct vmci v;

	CHECK_EQ(vmci_parse(t, sizeof(t) - 1, &v), 0);
	CHECK(!strcmp(v.osrelease, "6.1.0-x"));
	CHECK(vmci_has(&v, VI_MEMSEC));
	CHECK(v.mem_section == 0xffff88803ffd4000ull);
	CHECK_EQ((uint32_t)v.buddy, 0xffffff7fu);
	CHECK_EQ(v.page_size, 64);
	CHECK(!vmci_has(&v, VI_OFF_FLAGS));   /* bad number */
	CHECK(!vmci_has(&v, VI_PG_LRU));      /* empty */
	CHECK(v.top_pgt == 0xffffffff9ull);
	CHECK_EQ(v.pagesize, 4096);           /* last line without newline */
	CHECK_EQ(vmci_parse(NULL, 0, &v), 0);
	CHECK_EQ(v.have, 0);
	CHECK(vmci_parse("SIZE(page)=99999999999999999999999\n", 35, &v) == 0 &&
	      !vmci_has(&v, VI_PAGE_SIZE));
}

static void walk_checks(unsigned levels)
{
	struct kvtop kv;
	uint64_t pa;
	char s[16];

	CHECK_EQ(setup(levels, NULL, DL_ALL), 0);
	CHECK_EQ(kv_init(&kv, &pm, &pf.vi), 0);
	CHECK_EQ(kv.levels, levels);
	CHECK_EQ(kv_to_phys(&kv, KF_DM + 0x123456, &pa), 0);
	CHECK(pa == 0x123456);
	CHECK_EQ(kv_to_phys(&kv, KF_KMAP + 0x1234, &pa), 0);
	CHECK(pa == KF_PHYS_BASE + 0x1234);
	CHECK_EQ(kv_to_phys(&kv, KF_VMEMMAP + 0x1040, &pa), 0);
	CHECK(pa == KF_PAGES + 0x1040);
	CHECK(kv_to_phys(&kv, KF_VMEMMAP + 0x200000, &pa) < 0); /* no PMD */
	CHECK(kv_to_phys(&kv, 0x0000900000000000ull, &pa) < 0); /* not mapped */
	CHECK(kv_to_phys(&kv, 0x8000000000000000ull, &pa) < 0); /* not canonical */
	CHECK_EQ(kv_read(&kv, pf.vi.uts + 4 + 65, s, 10), 0);
	CHECK(!strcmp(s, "kfakehost"));
	/* a read across a 4 KiB page boundary in the vmemmap */
	CHECK_EQ(kv_read(&kv, KF_VMEMMAP + 4096 - 4, s, 8), 0);
}

static void test_walk_4level(void)
{
	walk_checks(4);
}

static void test_walk_5level(void)
{
	walk_checks(5);
}

/* Level 31: free, anonymous (with the compound tails), all cache gone;
 * zero pages, odd buddy pages, the absent section and kernel pages kept. */
static void test_level31(void)
{
	struct pf_stats st;

	CHECK_EQ(setup(4, NULL, DL_ALL), 0);
	CHECK_EQ(pf.level, DL_ALL);
	CHECK(pf.memmap_ok);
	memset(&st, 0, sizeof(st));
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, &st);
	CHECK_EQ(st.present, KF_NPFN - (KF_HOLE_HI - KF_HOLE_LO) / 4096);
	CHECK(!bit(bm1, KF_HOLE_LO / 4096) && bit(bm1, KF_HOLE_HI / 4096));
	CHECK_EQ(kept(KF_FREE, 16), 0);
	CHECK_EQ(kept(KF_ANON, 8), 0);
	CHECK_EQ(kept(KF_CACHE, 8), 0);
	CHECK_EQ(kept(KF_THP, 4), 0);
	CHECK_EQ(kept(KF_ZERO, 16), 16);
	CHECK_EQ(kept(KF_BADFREE, 2), 2);
	CHECK(bit(bm2, KF_HUGEORD) && bit(bm2, KF_MARK_KERN));
	CHECK_EQ(st.free, 16);
	CHECK_EQ(st.user, 12);
	CHECK_EQ(st.cache, 8);
	/* the absent section's RAM pages stay, unreadable counted */
	CHECK_EQ(kept(KF_HOLE_HI / 4096, 256), 256);
	CHECK_EQ(st.unreadable, 1024 - 256);
}

static void test_single_bits(void)
{
	CHECK_EQ(setup(5, NULL, DL_CACHE), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK_EQ(kept(KF_CACHE, 8), 4);       /* private ones stay */
	CHECK_EQ(kept(KF_ANON, 8), 8);
	CHECK_EQ(kept(KF_FREE, 16), 16);
	CHECK_EQ(setup(5, NULL, DL_CACHE_PRI), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK_EQ(kept(KF_CACHE, 8), 0);
	CHECK_EQ(setup(5, NULL, DL_USER), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK_EQ(kept(KF_ANON, 8) + kept(KF_THP, 4), 0);
	CHECK_EQ(kept(KF_CACHE, 8), 8);
	CHECK_EQ(setup(5, NULL, DL_FREE), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK_EQ(kept(KF_FREE, 16), 0);
	CHECK_EQ(kept(KF_ANON, 8), 8);
	CHECK_EQ(setup(5, NULL, 0), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK(!memcmp(bm1, bm2, sizeof(bm1)));
}

/* Windows smaller than the whole: same answer as one big window. */
static void test_windows(void)
{
	uint8_t w1[16], w2[16], all[KF_NPFN / 8];

	CHECK_EQ(setup(4, NULL, DL_ALL), 0);
	pf_window(&pf, 0, KF_NPFN, bm1, all, NULL);
	for (uint64_t p = 0; p < KF_NPFN; p += 128) {
		pf_window(&pf, p, 128, w1, w2, NULL);
		CHECK(!memcmp(w2, all + p / 8, 16));
	}
	pf_window(&pf, KF_NPFN, 128, w1, w2, NULL);   /* past the end */
	CHECK(w1[0] == 0 && w2[15] == 0);
}

static void test_missing_facts(void)
{
	char why[160];

	CHECK_EQ(setup(4, "OFFSET(page._mapcount)", DL_ALL), 0);
	CHECK_EQ(pf.level, DL_ALL & ~DL_FREE);
	pf_explain(&pf, why, sizeof(why));
	CHECK(strstr(why, "0x10") != NULL);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK_EQ(kept(KF_FREE, 16), 16);
	CHECK_EQ(kept(KF_ANON, 8), 0);
	CHECK_EQ(setup(4, "NUMBER(PG_private)", DL_CACHE | DL_USER), 0);
	CHECK_EQ(pf.level, DL_USER);
	CHECK_EQ(setup(4, "SYMBOL(mem_section)", DL_ALL), 0);
	CHECK_EQ(pf.level, DL_ZERO);
	CHECK(!pf.memmap_ok);
	CHECK_EQ(setup(4, "SYMBOL(init_top_pgt)", DL_ALL), 0);
	CHECK_EQ(pf.level, DL_ZERO);
	pf_explain(&pf, why, sizeof(why));
	CHECK(strstr(why, "mem_map") != NULL);
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK(!memcmp(bm1, bm2, sizeof(bm1)));
	CHECK_EQ(setup(4, NULL, DL_ALL), 0);
	pf_explain(&pf, why, sizeof(why));
	CHECK(why[0] == 0);
}

/* A corrupt mem_map (garbage struct pages) loses no RAM page to a free
 * block outside its window and never reads outside memory. */
static void test_corrupt(void)
{
	CHECK_EQ(setup(4, NULL, DL_ALL), 0);
	for (uint64_t a = KF_PAGES; a < KF_PAGES + KF_NPFN * 64; a++)
		kf.mem[a] = (uint8_t)(a * 2654435761u >> 13);
	memset(kf.mem + KF_SECTIONS + 16, 0xff, 16);  /* section 1: wild map */
	pf_window(&pf, 0, KF_NPFN, bm1, bm2, NULL);
	CHECK(bit(bm1, 0));
	CHECK_EQ(kept(1024, 1024), 1024);  /* wild map: unreadable, kept */
}

int main(void)
{
	check_suite = "pagefilter";
	RUN(test_vmci_parse);
	RUN(test_walk_4level);
	RUN(test_walk_5level);
	RUN(test_level31);
	RUN(test_single_bits);
	RUN(test_windows);
	RUN(test_missing_facts);
	RUN(test_corrupt);
	free(kf.mem);
	return CHECK_DONE();
}
