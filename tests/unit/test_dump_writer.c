/* tests/unit/test_dump_writer.c - a whole dump of fake physical memory to a
 * RAM disk that completes writes later: read back with vmcore_read (as
 * lifeline-dumpinfo does), data compared, order incomplete header -> data
 * -> sync -> complete header -> sync; injected write/sync errors, a stalled
 * disk and a too small LUN leave the header incomplete; progress line. */
#include <stdio.h>
#include "tests/lib/check.h"
#include "tests/lib/dump_fake.h"
#include "dump/vmcore_read.h"
#include "dump/writer.h"
#include "lib/print.h"

#define DISK_BYTES (4ull << 20)

static struct fake_phys phys;
static struct ech_table tab;
static struct dump_work work;
static struct ramdisk rd;
static char console[16384];
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

/* Run one dump with these disk parameters; returns dump_run's result. */
static int run(uint64_t disk_bytes, uint32_t bs, uint32_t max_blocks,
	       unsigned depth, uint64_t max_bytes, void (*tweak)(struct ramdisk *))
{
	struct physmem m;
	struct blk_dev *bw;
	struct ll_clock clk;
	struct dump_ctx c;
	uint64_t sz;

	free(phys.mem);
	free(rd.data);
	sz = fk_build(&phys);
	m = fk_physmem(&phys);
	if (ech_parse(&tab, &m, FK_ECH, sz))
		return -1000;
	rd_init(&rd, disk_bytes, bs);
	if (tweak)
		tweak(&rd);
	bw = rd_bw(&rd, max_blocks, depth);
	clk.now_us = fk_clock_now;
	clk.ctx = &rd.now_us;
	memset(&c, 0, sizeof(c));
	c.ech = &tab;
	c.dev = bw;
	c.mem = &m;
	c.clock = &clk;
	dump_opts_init(&c.opts);
	c.opts.max_bytes = max_bytes;
	c.opts.io_timeout_us = 2000000;
	c.work = &work;
	ncons = 0;
	console[0] = 0;
	ll_console_set(cons, NULL);
	return dump_run(&c);
}

static uint32_t disk_flags(void)
{
	struct vmcore_info vi;

	if (vmcore_read(rd.data, VMCORE_HDR_MAX, &vi))
		return 0xdead;
	return vi.e_flags;
}

/* Every range on disk equals memory at its src; gaps up to the next block
 * are zero. */
static void check_data(const struct vmcore_info *vi, unsigned want_ranges)
{
	CHECK_EQ(vi->n_range, want_ranges);
	for (unsigned i = 0; i < vi->n_range; i++) {
		const struct vmcore_info_range *r = &vi->range[i];
		uint64_t src = fk_ranges[i][2];
		uint64_t pad = ((r->file_off + r->size + rd.bs - 1) & ~(uint64_t)(rd.bs - 1)) -
			       (r->file_off + r->size);

		CHECK_EQ(r->paddr, fk_ranges[i][0]);
		CHECK_EQ(r->vaddr, FK_PAGE_OFFSET + fk_ranges[i][0]);
		CHECK_EQ(r->file_off % 4096, 0);
		CHECK(!memcmp(rd.data + r->file_off, phys.mem + src, r->size));
		for (uint64_t j = 0; j < pad; j++)
			if (rd.data[r->file_off + r->size + j]) {
				CHECK(!"tail padding not zero");
				break;
			}
	}
}

static void test_full_dump(void)
{
	struct vmcore_info vi;
	char v[64];

	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, NULL), 0);
	CHECK_EQ(vmcore_read(rd.data, VMCORE_HDR_MAX, &vi), 0);
	CHECK_EQ(vi.e_flags, 0);
	CHECK_EQ(vi.n_cpu, 2);
	CHECK_EQ(vmcore_info_get(rd.data, &vi, "OSRELEASE", v, sizeof(v)), 0);
	CHECK(!strcmp(v, "6.1.0-lifeline-test"));
	check_data(&vi, 3);
	/* range 0 came from the backup copy, not from physical 0 */
	CHECK(memcmp(rd.data + vi.range[0].file_off, phys.mem, 4096));
	/* 128 KiB writes: header 1 + 5 + 8 + 4 full + 1 tail, header again */
	CHECK_EQ(rd.writes, 1 + 5 + 8 + 4 + 1 + 1);
	CHECK_EQ(rd.max_pending, 8);
	CHECK_EQ(work.max_inflight, 8);
	CHECK_EQ(work.bytes_done, 0x9fc00 + 0x100000 + 0x80123);
	CHECK_EQ(rd.syncs, 2);
	/* order: incomplete header first, data, sync, complete header, sync */
	CHECK_EQ(rd.log[0], 'H');
	CHECK_EQ(strspn(rd.log + 1, "W"), rd.nlog - 4);
	CHECK(!strcmp(rd.log + rd.nlog - 3, "ShS"));
	CHECK(strstr(console, "dump: 2 CPUs, VMCOREINFO yes, 3 ranges, 2 MiB\n") != NULL);
	CHECK(strstr(console, "dump: complete, 2 MiB in ") != NULL);
}

static void test_4k_blocks(void)
{
	struct vmcore_info vi;

	/* 4096-byte blocks, 64 KiB writes, 16 deep, disk asks for 32 */
	CHECK_EQ(run(DISK_BYTES, 4096, 16, 32, 0, NULL), 0);
	CHECK_EQ(vmcore_read(rd.data, VMCORE_HDR_MAX, &vi), 0);
	CHECK_EQ(vi.e_flags, 0);
	check_data(&vi, 3);
	CHECK_EQ(rd.max_pending, DUMP_MAX_DEPTH < 8 ? DUMP_MAX_DEPTH : 8);
}

static void test_max_mib(void)
{
	struct vmcore_info vi;

	CHECK_EQ(run(DISK_BYTES, 512, 256, 4, 1 << 20, NULL), 0);
	CHECK_EQ(vmcore_read(rd.data, VMCORE_HDR_MAX, &vi), 0);
	CHECK_EQ(vi.e_flags, 0);
	check_data(&vi, 2);
	CHECK_EQ(vi.data_bytes, 1 << 20);
	CHECK_EQ(rd.max_pending, 4);
	CHECK(strstr(console, "(cut by dump-max-mib)") != NULL);
}

static void fail_7th(struct ramdisk *r) { r->fail_write = 7; }
static void fail_1st_sync(struct ramdisk *r) { r->fail_sync = 1; }
static void fail_2nd_sync(struct ramdisk *r) { r->fail_sync = 2; }
static void stall(struct ramdisk *r) { r->stall = 1; }

static void test_write_error(void)
{
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, fail_7th), LL_EIO);
	CHECK_EQ(disk_flags(), 1);
	CHECK_EQ(rd.syncs, 0);
	CHECK_EQ(rd.cancels, 1);
	CHECK(work.bytes_done < 0x9fc00 + 0x100000 + 0x80123);
	CHECK(strstr(console, "dump: error E9: device I/O error; dump left marked incomplete") != NULL);
}

static void test_sync_error(void)
{
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, fail_1st_sync), LL_EIO);
	CHECK_EQ(disk_flags(), 1);
	CHECK(!strchr(rd.log, 'h'));
	/* failing the last sync: the header says complete on the medium, but
	 * the dump is not known durable and is reported as failed */
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, fail_2nd_sync), LL_EIO);
}

static void test_stall_times_out(void)
{
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, stall), LL_ETIMEDOUT);
	CHECK_EQ(rd.cancels, 1);
	/* nothing reached the disk, and the clock went no further than the
	 * 2 s timeout (plus one poll) */
	CHECK_EQ(disk_flags(), 0xdead);
	CHECK(rd.now_us - 1000000 <= 2000000 + 100);
	CHECK(strstr(console, "E3") != NULL);
}

static void lost(struct ramdisk *r) { r->poll_error = LL_ESESSION; }

/* The disk's fatal error (its session gone for good) ends the dump with
 * that error, the header left incomplete, the writes withdrawn. */
static void test_disk_lost(void)
{
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, lost), LL_ESESSION);
	CHECK_EQ(disk_flags(), 0xdead);
	CHECK_EQ(rd.npending, 0);
	CHECK_EQ(rd.cancels, 1);
	CHECK_EQ(rd.syncs, 0);
	CHECK(strstr(console, "dump left marked incomplete") != NULL);
}

static void test_lun_too_small(void)
{
	/* needs 0x1a1000 + 0x80123 bytes = about 2.2 MiB */
	CHECK_EQ(run(2ull << 20, 512, 256, 8, 0, NULL), LL_ERANGE);
	CHECK_EQ(rd.writes, 0);
	CHECK_EQ(rd.oob, 0);
	CHECK(rd.write_end <= rd.blocks);
	CHECK(strstr(console, "dump LUN too small: need 3 MiB, has 2 MiB") != NULL);
	/* exactly big enough (rounded up to a block) works */
	CHECK_EQ(run(0x1a1000 + 0x80200, 512, 256, 8, 0, NULL), 0);
	CHECK_EQ(disk_flags(), 0);
	CHECK_EQ(rd.oob, 0);
	CHECK_EQ(rd.write_end, rd.blocks);            /* up to the last LBA, not past */
}

static void test_bad_disk(void)
{
	CHECK_EQ(run(DISK_BYTES, 520, 256, 8, 0, NULL), LL_EINVAL);
	CHECK_EQ(run(DISK_BYTES, 8192, 256, 8, 0, NULL), LL_EINVAL);
	CHECK_EQ(run(DISK_BYTES, 512, 0, 8, 0, NULL), LL_EINVAL);
	CHECK_EQ(rd.writes, 0);
}

static void test_progress_format(void)
{
	char b[128];
	const uint64_t MiB = 1 << 20;

	dump_progress_format(b, sizeof(b), 512 * MiB, 1024 * MiB, 6000000);
	CHECK(!strcmp(b, "dump: 512/1024 MiB, 85.3 MiB/s, ETA 6 s"));
	/* 100 MiB in 1 s, 900 left: 100.0 MiB/s, ETA 9 s */
	dump_progress_format(b, sizeof(b), 100 * MiB, 1000 * MiB, 1000000);
	CHECK(!strcmp(b, "dump: 100/1000 MiB, 100.0 MiB/s, ETA 9 s"));
	/* 1.5 MiB in 2 s = 0.75 -> 0.7 MiB/s; 8.5 MiB left at that rate: 11 s */
	dump_progress_format(b, sizeof(b), 3 * MiB / 2, 10 * MiB, 2000000);
	CHECK(!strcmp(b, "dump: 1/10 MiB, 0.7 MiB/s, ETA 11 s"));
	dump_progress_format(b, sizeof(b), 0, 10 * MiB, 2000000);
	CHECK(!strcmp(b, "dump: 0/10 MiB"));
	/* 1 TiB done of 2 in 1000 s: no overflow */
	dump_progress_format(b, sizeof(b), 1ull << 40, 2ull << 40, 1000000000ull);
	CHECK(!strcmp(b, "dump: 1048576/2097152 MiB, 1048.5 MiB/s, ETA 1000 s"));
}

static void slow(struct ramdisk *r) { r->us_per_poll = 100000; }

static void test_progress_lines(void)
{
	unsigned lines = 0;
	const char *p = console;

	/* 100 ms per completed write, 20 writes: 2 s, so a line after 1 s
	 * besides the last one */
	CHECK_EQ(run(DISK_BYTES, 512, 256, 8, 0, slow), 0);
	while ((p = strstr(p, " MiB/s, ETA ")) != NULL) {
		lines++;
		p++;
	}
	CHECK(lines >= 2);
	CHECK(strstr(console, "dump: 2/2 MiB, ") != NULL);
}

int main(void)
{
	check_suite = "dump_writer";
	RUN(test_full_dump);
	RUN(test_4k_blocks);
	RUN(test_max_mib);
	RUN(test_write_error);
	RUN(test_sync_error);
	RUN(test_stall_times_out);
	RUN(test_disk_lost);
	RUN(test_lun_too_small);
	RUN(test_bad_disk);
	RUN(test_progress_format);
	RUN(test_progress_lines);
	free(phys.mem);
	free(rd.data);
	return CHECK_DONE();
}
