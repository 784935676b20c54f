/* tests/unit/test_dump_iscsi.c - the dump writer through the block door of
 * the real block device and iSCSI session, to the fake target's disk:
 * the image reads back complete with the right data, WRITEs were many in
 * flight, SYNCHRONIZE CACHE twice around the final header; a target that
 * fails the session leaves the dump incomplete; a 100 s outage mid-dump
 * (longer than the writer's own stall limit) is waited for. */
#include "tests/lib/check.h"
#include "tests/lib/outage_fake.h"
#include "tests/lib/dump_fake.h"
#include "dump/vmcore_read.h"
#include "dump/writer.h"
#include "iscsi/blockdev.h"

#define NBLK 8192
static uint8_t store[NBLK * 512];
static struct fake_phys phys;
static struct ech_table tab;
static struct dump_work work;
static struct blockdev B;
static int break_wire;
static uint64_t outage_us;     /* nonzero: the target goes away this long */

/* The dump's clock; with break_wire set it also cuts the wire for good
 * once 1 MiB of data is acknowledged. */
static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	if (break_wire && work.bytes_done >= (1u << 20) && !fk.status) {
		fk.status = LL_ECONNRESET;
		fk.connect_error = LL_ECONNREFUSED;
	}
	return fk.now;
}

/* Open the fake disk and run one dump; returns dump_run's result. */
static int dump_to_target(void)
{
	struct iscsi_session *s;
	struct physmem m;
	struct ll_clock clk = { .now_us = fake_now, .ctx = NULL };
	struct dump_ctx c;
	uint64_t sz;

	fk_reset();
	fk.op_text = "InitialR2T=Yes\0MaxBurstLength=262144\0";
	fk.disk = 1;
	fk.blocks = store;
	fk.nblocks = NBLK;
	fk.bsize = 512;
	fk.cap_last = NBLK - 1;
	memset(store, 0, sizeof(store));
	s = fo_open(0);
	if (!s || blk_open(&B, s, fk.now + 10000000))
		return -1000;
	if (outage_us)
		fo_arm(20 * 48, outage_us);    /* ~20 answers (R2T, status) in */
	free(phys.mem);
	sz = fk_build(&phys);
	m = fk_physmem(&phys);
	if (ech_parse(&tab, &m, FK_ECH, sz))
		return -1001;

	memset(&c, 0, sizeof(c));
	c.ech = &tab;
	c.dev = &B.dev;
	c.mem = &m;
	c.clock = &clk;
	c.work = &work;
	dump_opts_init(&c.opts);
	c.opts.io_timeout_us = 5000000;
	c.opts.sync_timeout_us = 5000000;
	return dump_run(&c);
}

static void test_dump_over_iscsi(void)
{
	struct vmcore_info vi;
	int writes = 0, syncs = 0, order_ok = 1;
	CHECK_EQ(dump_to_target(), 0);
	CHECK_EQ(vmcore_read(store, VMCORE_HDR_MAX, &vi), 0);
	CHECK_EQ(vi.e_flags, 0);
	CHECK_EQ(vi.n_cpu, 2);
	CHECK_EQ(vi.n_range, 3);
	for (unsigned i = 0; i < vi.n_range; i++)
		CHECK(!memcmp(store + vi.range[i].file_off,
			      phys.mem + fk_ranges[i][2], vi.range[i].size));
	/* the commands after blk_open: WRITE 10s, then SYNC, WRITE LBA 0, SYNC */
	for (int i = 0;; i++) {
		struct fk_pdu *e = fk_find(ISCSI_OP_SCSI_CMD, i);

		if (!e)
			break;
		if (e->p.cdb[0] == 0x2a) {
			writes++;
			if (syncs == 1 && get_be32(e->p.cdb + 2) != 0)
				order_ok = 0;
		} else if (e->p.cdb[0] == 0x35) {
			syncs++;
		}
	}
	/* 256 KiB per command (the fake's MaxBurstLength): header 1,
	 * range 0 (0x9fc00) 3, range 1 4, range 2 (0x80123) 2 + 1 tail,
	 * final header 1 */
	CHECK_EQ(writes, 1 + 3 + 4 + 3 + 1);
	CHECK_EQ(syncs, 2);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 5 + writes + syncs); /* + TUR, INQUIRY, RC10, RC16, VPD B0 */
	CHECK(order_ok);
	CHECK(fk.max_outstanding >= 4);
	CHECK_EQ(work.max_inflight, 8);
}

static void test_session_lost(void)
{
	int rc;

	break_wire = 1;
	rc = dump_to_target();
	/* the session gives up after its outage limit (fake time), not
	 * earlier (the writer's 60 s stall limit does not count the outage) */
	CHECK_EQ(rc, LL_ESESSION);
	CHECK(fk.now >= 1000000 + ISCSI_RECONNECT_LIMIT_US); /* fk_reset starts at 1 s */
	CHECK(fk.now <= 1000000 + ISCSI_RECONNECT_LIMIT_US + 20000000ull);
	break_wire = 0;
	/* the incomplete header reached the target before the break */
	CHECK_EQ(store[0], 0x7f);
	CHECK_EQ(store[48], 1);
	CHECK(work.bytes_done < tab.ram_bytes);
	CHECK_EQ(fk.connects >= 2, 1);      /* it tried to reconnect */
}

/* The target away 100 s after 1 MiB: the dump waits (the stall limit,
 * 5 s here, does not count the outage), completes and reads back right;
 * the progress line says how long the target was away. */
static void test_outage_ridden_out(void)
{
	struct vmcore_info vi;

	outage_us = 100000000ull;
	CHECK_EQ(dump_to_target(), 0);
	outage_us = 0;
	CHECK(fo.began != 0);
	CHECK(fk.now >= fo.until);
	CHECK_EQ(iscsi_session_stats(B.sess)->reconnects, 1);
	CHECK_EQ(vmcore_read(store, VMCORE_HDR_MAX, &vi), 0);
	CHECK_EQ(vi.e_flags, 0);
	CHECK_EQ(vi.n_range, 3);
	for (unsigned i = 0; i < vi.n_range; i++)
		CHECK(!memcmp(store + vi.range[i].file_off,
			      phys.mem + fk_ranges[i][2], vi.range[i].size));
	CHECK(fo_count(", target away 10") >= 1);   /* 100..109 s */
	CHECK(fo_count("iscsi: target unreachable for ") >= 18);
	CHECK_EQ(fo_count("dump: complete"), 1);
}

int main(void)
{
	check_suite = "dump_iscsi";
	(void)fk_open;
	RUN(test_dump_over_iscsi);
	RUN(test_session_lost);
	RUN(test_outage_ridden_out);
	free(phys.mem);
	return CHECK_DONE();
}
