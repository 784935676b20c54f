/* tests/unit/test_kdump_writer.c - the kdump-compressed writer on the
 * synthetic dead kernel (tests/lib/kdump_kfake.h) to a RAM disk: header
 * and sub-header fields byte-exact against hand-computed values, both
 * bitmaps, every descriptor and page (LZO decompressed with the host's
 * liblzo2) equal to memory; excluded pages absent, the zero page shared;
 * incomplete header on a failing disk, a too small LUN refused. */
#include <lzo/lzo1x.h>
#include "tests/lib/check.h"
#include "tests/lib/blk_fake.h"
#include "tests/lib/kdump_kfake.h"
#include "dump/kdump_write.h"
#include "lib/print.h"

#define DISK (32ull << 20)

static struct kfake kf;
static struct ech_table ech;
static struct dump_work work;
static struct kdump_work kw;
static struct ramdisk rd;
static struct physmem pm;
static char console[8192];
static size_t ncons;

static void cons(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (len > sizeof(console) - 1 - ncons)
		len = sizeof(console) - 1 - ncons;
	memcpy(console + ncons, s, len);
	ncons += len;
	console[ncons] = 0;
}

static unsigned disk_depth = 8;

static int run(unsigned level, uint64_t disk, const char *drop, unsigned fail_write)
{
	struct dump_ctx c;

	free(kf.mem);
	free(rd.data);
	if (kf_build(&kf, 4, drop))
		return -1000;
	pm = kf_physmem(&kf);
	if (ech_parse(&ech, &pm, KF_ECH, kf.ech_size))
		return -1001;
	rd_init(&rd, disk, 512);
	rd.fail_write = fail_write;
	memset(&c, 0, sizeof(c));
	c.ech = &ech;
	c.dev = rd_dev(&rd, 128, disk_depth);
	c.mem = &pm;
	c.clock = &rd.clock;
	dump_opts_init(&c.opts);
	c.opts.io_timeout_us = 2000000;
	c.work = &work;
	ncons = 0;
	console[0] = 0;
	ll_console_set(cons, NULL);
	return kdump_run(&c, level, &kw);
}

static const uint8_t *img(uint64_t off)
{
	return rd.data + off;
}

static void test_header_fields(void)
{
	const uint8_t *h, *s;
	uint64_t noff, vi;

	CHECK_EQ(run(DL_ALL, DISK, NULL, 0), 0);
	h = img(0);
	s = img(KD_BLOCK);
	CHECK(!memcmp(h, "KDUMP   ", 8));
	CHECK_EQ(kd_get32(h, 8), 6);
	CHECK(!strcmp((const char *)h + 12, "Linux"));
	CHECK(!strcmp((const char *)h + 12 + 65, "kfakehost"));
	CHECK(!strcmp((const char *)h + 12 + 130, "6.1.0-kfake"));
	CHECK_EQ(kd_get64(h, 408), 1764900000);
	CHECK_EQ(kd_get32(h, 424), KD_COMPRESSED_LZO);      /* complete */
	CHECK_EQ(kd_get32(h, 428), 4096);
	CHECK_EQ(kd_get32(h, 432), 1);                      /* sub-header */
	CHECK_EQ(kd_get32(h, 436), 2);                      /* 4096 pfns: 1+1 */
	CHECK_EQ(kd_get32(h, 440), KF_NPFN);
	CHECK_EQ(kd_get32(h, 460), 1);
	CHECK_EQ(kd_get64(s, 0), KF_PHYS_BASE);
	CHECK_EQ(kd_get32(s, 8), 31);
	CHECK_EQ(kd_get64(s, 96), KF_NPFN);
	noff = kd_get64(s, 48);
	CHECK_EQ(noff, 4096 + 104);
	CHECK(!memcmp(img(noff + 12), "CORE", 5));
	vi = kd_get64(s, 32);
	CHECK(vi > noff && !memcmp(img(vi), "OSRELEASE=6.1.0-kfake\n", 22));
	CHECK_EQ(kd_get64(s, 40), strlen((const char *)img(vi)));
	CHECK(strstr(console, "level 31 requested, 31 applied") != NULL);
	CHECK(strstr(console, "dump: complete, level 31") != NULL);
	CHECK(strstr(console, "dump: 3840/3840 pages seen, ") != NULL);
}

static int bit(const uint8_t *bm, uint64_t pfn)
{
	return (bm[pfn / 8] >> (pfn % 8)) & 1;
}

/* Walk every descriptor: the page it names equals memory. Returns the
 * number of kept pfns and checks the data; *zero counts shared zero
 * descriptors. */
static uint64_t verify_pages(uint64_t *zero, uint64_t *lzo)
{
	const uint8_t *h = img(0);
	uint32_t sub = kd_get32(h, 432), bmb = kd_get32(h, 436) / 2;
	const uint8_t *bm1 = img((1 + sub) * 4096ull), *bm2 = bm1 + bmb * 4096ull;
	uint64_t desc = (1 + sub + 2ull * bmb) * 4096, n = 0;
	uint8_t page[4096];

	*zero = *lzo = 0;
	for (uint64_t pfn = 0; pfn < KF_NPFN; pfn++) {
		const uint8_t *d = img(desc + n * 24);
		uint64_t off = kd_get64(d, 0);
		uint32_t size = kd_get32(d, 8), fl = kd_get32(d, 12);
		lzo_uint out = 4096;

		CHECK(!bit(bm2, pfn) || bit(bm1, pfn));
		if (!bit(bm2, pfn))
			continue;
		n++;
		if (fl == KD_COMPRESSED_LZO) {
			CHECK(lzo1x_decompress_safe(img(off), size, page, &out, NULL) == LZO_E_OK);
			CHECK_EQ(out, 4096);
			(*lzo)++;
		} else {
			CHECK_EQ(fl, 0);
			CHECK_EQ(size, 4096);
			memcpy(page, img(off), 4096);
		}
		if (memcmp(page, kf.mem + pfn * 4096, 4096)) {
			printf("  page %llx differs\n", (unsigned long long)pfn);
			CHECK(0);
			break;
		}
		*zero += kw.zero_off && off == kw.zero_off;
	}
	return n;
}

static void test_level31_content(void)
{
	const uint8_t *h, *bm2;
	uint64_t zero, lzo, n;
	uint32_t sub, bmb;

	CHECK_EQ(run(DL_ALL, DISK, NULL, 0), 0);
	h = img(0);
	sub = kd_get32(h, 432);
	bmb = kd_get32(h, 436) / 2;
	bm2 = img((1 + sub + bmb) * 4096ull);
	n = verify_pages(&zero, &lzo);
	CHECK_EQ(n, kw.n_kept);
	CHECK_EQ(n, KF_NPFN - 256 - 16 - 12 - 8);
	CHECK(!bit(bm2, KF_ANON) && !bit(bm2, KF_FREE) && !bit(bm2, KF_CACHE));
	CHECK(bit(bm2, KF_MARK_KERN) && bit(bm2, KF_ZERO));
	CHECK(lzo > 0);
	CHECK(kw.n_zero >= 16);
	CHECK_EQ(zero, kw.n_zero);
	CHECK_EQ(kw.zero_off, kw.data_off);
	/* the user page's marker is nowhere in the file */
	CHECK(memmem(rd.data, DISK, "USERMARK-lifeline", 17) == NULL);
}

static void test_level0_everything(void)
{
	uint64_t zero, lzo;

	CHECK_EQ(run(0, DISK, NULL, 0), 0);
	CHECK_EQ(verify_pages(&zero, &lzo), KF_NPFN - 256);
	CHECK_EQ(kw.n_zero, 0);
	CHECK_EQ(kd_get32(img(4096), 8), 0);
	CHECK(memmem(rd.data, DISK, "USERMARK-lifeline", 17) != NULL);
}

static void test_missing_fact_said(void)
{
	uint64_t zero, lzo;

	CHECK_EQ(run(DL_ALL, DISK, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 0), 0);
	CHECK_EQ(kd_get32(img(4096), 8), 15);   /* the header says what was applied */
	CHECK(strstr(console, "31 requested, 15 applied") != NULL);
	CHECK(strstr(console, "bits 0x10 not applied") != NULL);
	verify_pages(&zero, &lzo);
	CHECK_EQ(kw.st.free, 0);
}

static void test_small_lun(void)
{
	CHECK_EQ(run(DL_ALL, 8ull << 20, NULL, 0), LL_ERANGE);
	CHECK(strstr(console, "too small") != NULL);
	CHECK(strstr(console, "left marked incomplete") != NULL);
	CHECK_EQ(kd_get32(img(0), 424), KD_COMPRESSED_LZO | KD_INCOMPLETE);
	CHECK_EQ(rd.oob, 0);                          /* no WRITE past the last LBA */
	CHECK(rd.write_end <= rd.blocks);
	CHECK_EQ(run(DL_ALL, 8192, NULL, 0), LL_ERANGE);
	CHECK(strstr(console, "nothing written") != NULL);
	CHECK_EQ(rd.oob, 0);
	CHECK(rd.write_end <= rd.blocks);
}

/* Writes overlap (the two streams and the rest of the slots), and the
 * smallest depth the two held streams allow still completes; depth 1
 * is refused before anything is written. */
static void test_depth(void)
{
	uint64_t zero, lzo;

	CHECK_EQ(run(DL_ALL, DISK, NULL, 0), 0);
	CHECK(work.max_inflight >= 4);
	disk_depth = 2;
	CHECK_EQ(run(DL_ALL, DISK, NULL, 0), 0);
	CHECK_EQ(verify_pages(&zero, &lzo), kw.n_kept);
	disk_depth = 1;
	CHECK_EQ(run(DL_ALL, DISK, NULL, 0), LL_EINVAL);
	CHECK(strstr(console, "nothing written") != NULL);
	disk_depth = 8;
}

static void test_write_error(void)
{
	CHECK(run(DL_ALL, DISK, NULL, 40) < 0);
	CHECK_EQ(kd_get32(img(0), 424), KD_COMPRESSED_LZO | KD_INCOMPLETE);
	for (unsigned i = 0; i < DUMP_MAX_DEPTH; i++)
		CHECK(!work.io[i].held);
}

int main(void)
{
	check_suite = "kdump_writer";
	RUN(test_header_fields);
	RUN(test_level31_content);
	RUN(test_level0_everything);
	RUN(test_missing_fact_said);
	RUN(test_small_lun);
	RUN(test_depth);
	RUN(test_write_error);
	free(kf.mem);
	free(rd.data);
	return CHECK_DONE();
}
