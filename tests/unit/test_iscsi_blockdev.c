/* tests/unit/test_iscsi_blockdev.c - the SCSI block device over the session
 * against the fake target's in-memory disk: open (unit attention retry,
 * INQUIRY, READ CAPACITY 10 -> 16), splitting, 10 vs 16-byte CDBs, many
 * commands in flight, write/read round trip, REPORT LUNS, errors,
 * READ/WRITE answered UNIT ATTENTION (retried, bounded). */
#include "tests/lib/check.h"
#include "tests/lib/iscsi_fake.h"
#include "block/blk_sync.h"
#include "iscsi/blockdev.h"

#define NBLK 4096
static struct iscsi_session *S;
static struct blockdev B;
static uint8_t wbuf[NBLK * 512], rbuf[NBLK * 512];

static void disk(uint64_t cap_last)
{
	static uint8_t store[NBLK * 512];

	fk_reset();
	fk.op_text = "InitialR2T=Yes\0MaxBurstLength=262144\0";
	fk.disk = 1;
	fk.blocks = store;
	fk.nblocks = NBLK;
	fk.bsize = 512;
	fk.cap_last = cap_last;
	memset(store, 0, sizeof(store));
	S = fk_open(ISCSI_DIGEST_NONE);
}

static uint64_t far(void) { return fk.now + 100000000; }

static void test_open(void)
{
	disk(NBLK - 1);
	fk.ua_pending = 2;
	CHECK_EQ(blk_open(&B, S, far()), 0);
	CHECK_EQ(fk.ua_pending, 0);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 7); /* TUR x3, INQUIRY, RC10, RC16, VPD B0 */
	CHECK(strcmp(B.vendor, "LIFETEST") == 0);
	CHECK(strcmp(B.product, "FAKEDISK") == 0);
	CHECK(strcmp(B.revision, "0001") == 0);
	CHECK_EQ(B.peripheral_type, 0);
	CHECK_EQ(B.blocks, NBLK);
	CHECK_EQ(B.block_size, 512);
	CHECK_EQ(B.dev.max_blocks, 512);          /* 256 KiB */
	CHECK_EQ(B.dev.phys_blocks, 1);
	CHECK_EQ(B.dev.lowest_aligned, 0);
	CHECK_EQ(B.dev.opt_blocks, 0);            /* no Block Limits page */
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 6);
	CHECK_EQ(c->p.cdb[0], 0x12);
	CHECK_EQ(c->p.cdb[1], 1);                 /* EVPD */
	CHECK_EQ(c->p.cdb[2], 0xb0);
}

/* SBC-3 READ CAPACITY (16) parameter data: 4096-byte physical blocks of
 * 512-byte logical ones (exponent 3) whose first aligned LBA is 7 (the
 * old 63-sector layout), LBPME/LBPRZ set beside the 14-bit field. */
static void test_rc16_parse_vectors(void)
{
	static const uint8_t v[32] = {
		0, 0, 0, 0, 0x01, 0x2a, 0x05, 0xff,   /* last LBA 0x12a05ff */
		0, 0, 0x02, 0x00,                     /* 512 bytes */
		0x00, 0x03,                           /* P_I_EXP 0, LBPPBE 3 */
		0xc0, 0x07,                           /* LBPME LBPRZ, LALBA 7 */
	};
	static const uint8_t big[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0, 0, 0x10, 0x00, 0x01, 0xf5, 0x3f, 0xff,
	};
	struct scsi_capacity c;

	CHECK_EQ(scsi_rc16_parse(v, sizeof(v), &c), 0);
	CHECK_EQ(c.last_lba, 0x12a05ffull);
	CHECK_EQ(c.block_size, 512);
	CHECK_EQ(c.phys_exp, 3);
	CHECK_EQ(c.lowest_aligned, 7);
	CHECK_EQ(scsi_rc16_parse(big, sizeof(big), &c), 0);
	CHECK_EQ(c.last_lba, 0xfffffffffffffffeull);
	CHECK_EQ(c.block_size, 4096);
	CHECK_EQ(c.phys_exp, 5);                  /* P_I_EXPONENT 0xf ignored */
	CHECK_EQ(c.lowest_aligned, 0x3fff);       /* all 14 bits */
	CHECK_EQ(scsi_rc16_parse(v, 12, &c), 0);  /* short: no alignment */
	CHECK_EQ(c.phys_exp, 0);
	CHECK_EQ(c.lowest_aligned, 0);
	CHECK_EQ(scsi_rc16_parse(v, 11, &c), LL_EIO);
}

/* SBC-3 Block Limits VPD page: OPTIMAL TRANSFER LENGTH GRANULARITY is
 * bytes 6-7; any other page (or a standard INQUIRY answer) is not it. */
static void test_vpd_b0_vectors(void)
{
	uint8_t p[64] = { 0x00, 0xb0, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x08,
			  0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00 };
	uint32_t g = 99;

	CHECK_EQ(scsi_vpd_b0_parse(p, sizeof(p), &g), 0);
	CHECK_EQ(g, 8);
	CHECK_EQ(scsi_vpd_b0_parse(p, 7, &g), LL_ENOENT);
	p[1] = 0x83;
	CHECK_EQ(scsi_vpd_b0_parse(p, sizeof(p), &g), LL_ENOENT);
	p[1] = 0xb0;
	p[3] = 0x02;                              /* page too short for 6-7 */
	CHECK_EQ(scsi_vpd_b0_parse(p, sizeof(p), &g), LL_ENOENT);
}

/* blk_open takes the alignment and granularity from the target. */
static void test_open_alignment(void)
{
	disk(NBLK - 1);
	fk.rc16_tail[0] = 0x03;                   /* 8 per physical */
	fk.rc16_tail[2] = 0x07;                   /* aligned from LBA 7 */
	fk.vpd_b0 = 1;
	fk.vpd_gran = 8;
	CHECK_EQ(blk_open(&B, S, far()), 0);
	CHECK_EQ(B.dev.phys_blocks, 8);
	CHECK_EQ(B.dev.lowest_aligned, 7);
	CHECK_EQ(B.dev.opt_blocks, 8);
	/* a LALBA past one physical block is nonsense: defaults kept */
	disk(NBLK - 1);
	fk.rc16_tail[0] = 0x03;
	fk.rc16_tail[2] = 0x09;
	CHECK_EQ(blk_open(&B, S, far()), 0);
	CHECK_EQ(B.dev.phys_blocks, 1);
	CHECK_EQ(B.dev.lowest_aligned, 0);
	/* no READ CAPACITY 16 and no page: the LUN still opens */
	disk(NBLK - 1);
	fk.no_rc16 = 1;
	CHECK_EQ(blk_open(&B, S, far()), 0);
	CHECK_EQ(B.blocks, NBLK);
	CHECK_EQ(B.dev.phys_blocks, 1);
	CHECK_EQ(B.dev.opt_blocks, 0);
	/* ... but past 2^32 blocks (10 overflows) it must answer */
	disk(0x123456789ull);
	fk.no_rc16 = 1;
	CHECK_EQ(blk_open(&B, S, far()), LL_ESCSI);
}

static void test_open_ua_forever(void)
{
	disk(NBLK - 1);
	fk.ua_pending = 100;
	CHECK_EQ(blk_open(&B, S, far()), LL_ESCSI);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 8);     /* bounded retries */
}

static void test_capacity16(void)
{
	disk(0x123456789ull);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	CHECK_EQ(B.blocks, 0x12345678aull);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 3);
	CHECK_EQ(c->p.cdb[0], 0x9e);
	CHECK_EQ(c->p.cdb[1], 0x10);
	/* an LBA past 2^32 takes READ 16 */
	int n = fk_count(ISCSI_OP_SCSI_CMD);
	CHECK_EQ(blk_read(&B.dev, 0x100000000ull, 8, rbuf, far()), 0);
	c = fk_find(ISCSI_OP_SCSI_CMD, n);
	CHECK_EQ(c->p.cdb[0], 0x88);
	CHECK_EQ(get_be64(c->p.cdb + 2), 0x100000000ull);
	CHECK_EQ(get_be32(c->p.cdb + 10), 8);
	CHECK_EQ(c->p.xfer_len, 4096);
	/* one ending exactly at 2^32 still fits READ 10 */
	CHECK_EQ(blk_read(&B.dev, 0xfffffff8ull, 8, rbuf, far()), 0);
	c = fk_find(ISCSI_OP_SCSI_CMD, n + 1);
	CHECK_EQ(c->p.cdb[0], 0x28);
	CHECK_EQ(get_be32(c->p.cdb + 2), 0xfffffff8u);
	CHECK_EQ(get_be16(c->p.cdb + 7), 8);
	/* past the end: refused before anything is sent */
	CHECK_EQ(blk_read(&B.dev, 0x12345678aull, 1, rbuf, far()), LL_EINVAL);
}

static void test_roundtrip_in_flight(void)
{
	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	B.dev.max_blocks = 16;                    /* 8 KiB commands: 256 of them */
	for (unsigned i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = (uint8_t)(i * 31 + (i >> 9));
	int n0 = fk_count(ISCSI_OP_SCSI_CMD);
	fk.max_batch = 0;
	CHECK_EQ(blk_write(&B.dev, 0, NBLK, wbuf, far()), 0);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - n0, NBLK / 16);
	CHECK_EQ(fk.max_batch, 32);                   /* 32 sent before any reply */
	CHECK_EQ(memcmp(fk.blocks, wbuf, sizeof(wbuf)), 0);
	memset(rbuf, 0, sizeof(rbuf));
	fk.max_batch = 0;
	size_t took0 = fk.direct_took;
	CHECK_EQ(blk_read(&B.dev, 0, NBLK, rbuf, far()), 0);
	CHECK_EQ(memcmp(rbuf, wbuf, sizeof(rbuf)), 0);
	CHECK_EQ(fk.max_batch, 32);
	/* the direct run: every Data-In (one a command, with its status) taken
	 * from the "frames", 32 answers at a time, none through the ring */
	CHECK_EQ(fk.direct_took - took0, fk_direct_seg ? (size_t)NBLK * 512 + 48 * (NBLK / 16) : 0);
	CHECK_EQ(blk_flush(&B.dev, far()), 0);
	CHECK_EQ(fk.log[fk.nlog - 1].p.cdb[0], 0x35);
	CHECK_EQ(iscsi_inflight(S), 0);
	/* an unaligned tail: 100 blocks at 7 in 16-block commands */
	memset(rbuf, 0, sizeof(rbuf));
	CHECK_EQ(blk_read(&B.dev, 7, 100, rbuf, far()), 0);
	CHECK_EQ(memcmp(rbuf, wbuf + 7 * 512, 100 * 512), 0);
}

static void test_big_write_r2t(void)
{
	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	for (unsigned i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = (uint8_t)(i * 13 + 1);
	/* 256 KiB commands: immediate 8 KiB + four 64 KiB R2Ts each */
	CHECK_EQ(blk_write(&B.dev, 0, 2048, wbuf, far()), 0);
	CHECK_EQ(memcmp(fk.blocks, wbuf, 2048 * 512), 0);
	CHECK(fk_count(ISCSI_OP_DATA_OUT) >= 4 * (256 - 8) / 8);
}

static void test_report_luns(void)
{
	uint8_t luns[4][8];
	unsigned n = 4;

	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	memset(luns, 0xff, sizeof(luns));
	CHECK_EQ(blk_report_luns(&B, luns, &n, far()), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(luns[0][1], 0);
	CHECK_EQ(luns[1][1], 1);
	CHECK_EQ(luns[1][0], 0);
	n = 1;                                        /* capacity bounds the copy */
	CHECK_EQ(blk_report_luns(&B, luns, &n, far()), 0);
	CHECK_EQ(n, 1);
	struct fk_pdu *c = &fk.log[fk.nlog - 1];
	CHECK_EQ(c->p.cdb[0], 0xa0);
	CHECK_EQ(get_be32(c->p.cdb + 6), c->p.xfer_len);
}

/* After a reconnect tgtd answers READ/WRITE with UNIT ATTENTION 6/29/00
 * once: the same command is sent again and the caller sees success. */
static void test_rw_ua_once(void)
{
	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	for (unsigned i = 0; i < 8 * 512; i++)
		wbuf[i] = (uint8_t)(i * 7 + 3);
	int n0 = fk_count(ISCSI_OP_SCSI_CMD);
	fk.rw_ua_pending = 1;
	CHECK_EQ(blk_write(&B.dev, 40, 8, wbuf, far()), 0);
	CHECK_EQ(fk.rw_ua_pending, 0);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - n0, 2);      /* UA, then done */
	struct fk_pdu *a = fk_find(ISCSI_OP_SCSI_CMD, n0);
	struct fk_pdu *b = fk_find(ISCSI_OP_SCSI_CMD, n0 + 1);
	CHECK(a && b);
	if (!a || !b)
		return;
	CHECK_EQ(a->p.cdb[0], 0x2a);
	CHECK_EQ(b->p.cdb[0], 0x2a);
	CHECK_EQ(get_be32(b->p.cdb + 2), 40);
	CHECK_EQ(get_be16(b->p.cdb + 7), 8);
	CHECK(a->p.itt != b->p.itt);                         /* a new task tag */
	CHECK_EQ(b->p.cmdsn, a->p.cmdsn + 1);
	CHECK_EQ(memcmp(fk.blocks + 40 * 512, wbuf, 8 * 512), 0);
	fk.rw_ua_pending = 1;
	memset(rbuf, 0, 8 * 512);
	CHECK_EQ(blk_read(&B.dev, 40, 8, rbuf, far()), 0);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - n0, 4);
	CHECK_EQ(memcmp(rbuf, wbuf, 8 * 512), 0);
	CHECK_EQ(iscsi_inflight(S), 0);
}

static void req_cb(void *ctx, struct blk_req *r)
{
	(*(int *)ctx)++;
	(void)r;
}

/* UNIT ATTENTION on every try: sent 1 + BLK_REQ_UA_RETRIES times, then the
 * error (with its sense) reaches the caller, once. */
static void test_rw_ua_forever(void)
{
	struct blk_req r;
	char text[64];
	int calls = 0;

	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	int n0 = fk_count(ISCSI_OP_SCSI_CMD);
	fk.rw_ua_pending = 100;
	CHECK_EQ(blk_read(&B.dev, 0, 8, rbuf, far()), LL_ESCSI);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - n0, 4);
	CHECK_EQ(fk.rw_ua_pending, 96);
	CHECK_EQ(iscsi_inflight(S), 0);
	/* the queued interface: done runs once, after the last try */
	memset(&r, 0, sizeof(r));
	r.op = BLK_WRITE;
	r.lba = 8;
	r.count = 8;
	r.buf = wbuf;
	r.done = req_cb;
	r.ctx = &calls;
	CHECK_EQ(blk_submit(&B.dev, &r), 0);
	while (r.busy && blk_poll(&B.dev, far()) == 0)
		;
	CHECK_EQ(calls, 1);
	CHECK_EQ(r.result, LL_ESCSI);
	CHECK_EQ(r.retries, 3);
	CHECK_EQ(fk.rw_ua_pending, 92);
	CHECK(blk_describe_error(blk_iscsi_task(&r), text, sizeof(text)) > 0);
	CHECK(strcmp(text, "sense 6/29/00: UNIT ATTENTION") == 0);
	/* a new request starts with a fresh budget */
	fk.rw_ua_pending = 3;
	CHECK_EQ(blk_read(&B.dev, 0, 8, rbuf, far()), 0);
	CHECK_EQ(fk.rw_ua_pending, 0);
}

/* A target that answers an 8-block READ with 4 blocks of Data-In and GOOD
 * status, without the underflow bit: the request fails, it does not pass
 * with half the buffer stale. */
static void test_short_read_without_residual(void)
{
	struct blk_req r;
	int calls = 0;

	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	fk.disk = 0;                                  /* we answer by hand */
	memset(&r, 0, sizeof(r));
	r.op = BLK_READ;
	r.lba = 0;
	r.count = 8;
	r.buf = rbuf;
	r.done = req_cb;
	r.ctx = &calls;
	CHECK_EQ(blk_submit(&B.dev, &r), 0);
	iscsi_poll(S);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, fk_count(ISCSI_OP_SCSI_CMD) - 1);
	CHECK(c && c->p.cdb[0] == 0x28);
	if (!c)
		return;
	fk_data_in(c->p.itt, wbuf, 4 * 512, 4 * 512); /* S=1, U=0, residual 0 */
	while (r.busy && blk_poll(&B.dev, far()) == 0)
		;
	CHECK_EQ(calls, 1);
	CHECK_EQ(blk_iscsi_task(&r)->result, 0);                   /* SCSI status was GOOD */
	CHECK_EQ(blk_iscsi_task(&r)->data_done, 4 * 512);
	CHECK_EQ(r.result, LL_EIO);
}

/* The sequential read-ahead: two READs in a row send the third before it
 * is asked for; the same READ then takes its data (no new command, the
 * bytes right), another request drops it (its data skipped, never
 * placed), a WRITE too, and reads stay right throughout. */
static int reads_of(uint32_t lba)
{
	int n = 0;

	for (int i = 0; i < fk.nlog; i++)
		if (fk.log[i].p.opcode == ISCSI_OP_SCSI_CMD && fk.log[i].p.cdb[0] == 0x28 &&
		    get_be32(fk.log[i].p.cdb + 2) == lba)
			n++;
	return n;
}

static void test_readahead(void)
{
	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	B.readahead = true;
	for (unsigned i = 0; i < sizeof(wbuf); i++)
		fk.blocks[i] = wbuf[i] = (uint8_t)(i * 13 + (i >> 9));
	CHECK_EQ(blk_read(&B.dev, 100, 16, rbuf, far()), 0);
	CHECK_EQ(reads_of(116), 0);                 /* one READ: no pattern yet */
	CHECK_EQ(blk_read(&B.dev, 116, 16, rbuf, far()), 0);
	CHECK_EQ(reads_of(132), 1);                 /* sent ahead, parked */
	CHECK(B.ra != NULL);
	for (int i = 0; i < 5; i++)
		iscsi_poll(S);                      /* its data waits, unplaced */
	CHECK_EQ(iscsi_inflight(S), 1);
	memset(rbuf, 0, sizeof(rbuf));
	CHECK_EQ(blk_read(&B.dev, 132, 16, rbuf, far()), 0);
	CHECK_EQ(reads_of(132), 1);                 /* no second command */
	CHECK_EQ(B.ra_hits, 1);
	CHECK_EQ(memcmp(rbuf, wbuf + 132 * 512, 16 * 512), 0);
	CHECK_EQ(reads_of(148), 1);                 /* and the next one out */
	/* another READ: the parked one is dropped, its bytes go nowhere */
	memset(rbuf, 0x5a, sizeof(rbuf));
	CHECK_EQ(blk_read(&B.dev, 10, 8, rbuf, far()), 0);
	CHECK_EQ(B.ra_drops, 1);
	CHECK_EQ(memcmp(rbuf, wbuf + 10 * 512, 8 * 512), 0);
	CHECK_EQ(rbuf[8 * 512], 0x5a);
	for (int i = 0; i < 5; i++)
		iscsi_poll(S);
	CHECK_EQ(iscsi_inflight(S), 0);
	CHECK(B.ra == NULL);
	/* a WRITE over what a read-ahead holds: dropped, the read sees it */
	CHECK_EQ(blk_read(&B.dev, 18, 8, rbuf, far()), 0);
	CHECK_EQ(reads_of(26), 1);
	memset(wbuf + 26 * 512, 0xc3, 8 * 512);
	CHECK_EQ(blk_write(&B.dev, 26, 8, wbuf + 26 * 512, far()), 0);
	CHECK_EQ(B.ra_drops, 2);
	CHECK_EQ(blk_read(&B.dev, 26, 8, rbuf, far()), 0);
	CHECK_EQ(memcmp(rbuf, wbuf + 26 * 512, 8 * 512), 0);
	CHECK_EQ(reads_of(26), 2);
	/* at the end of the disk: nothing read past it */
	CHECK_EQ(blk_read(&B.dev, NBLK - 32, 16, rbuf, far()), 0);
	CHECK_EQ(blk_read(&B.dev, NBLK - 16, 16, rbuf, far()), 0);
	CHECK(B.ra == NULL);
	/* off (the default): never */
	B.readahead = false;
	CHECK_EQ(blk_read(&B.dev, 200, 16, rbuf, far()), 0);
	CHECK_EQ(blk_read(&B.dev, 216, 16, rbuf, far()), 0);
	CHECK_EQ(reads_of(232), 0);
	CHECK_EQ(B.ra_hits, 1);
}

/* VERIFY is a SCSI command of its own: VERIFY 10 (16 past 2^32) with
 * BYTCHK 0 and no data either way; the target's CHECK CONDITION comes
 * back through the door with its sense. */
static void test_verify(void)
{
	static const uint8_t medium[18] = { 0x70, 0, 3, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0 };
	struct blk_req r;
	char text[64];
	int calls = 0;

	disk(0x123456789ull);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	int n = fk_count(ISCSI_OP_SCSI_CMD);
	CHECK_EQ(blk_verify(&B.dev, 100, 20, far()), 0);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, n);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ(c->p.cdb[0], 0x2f);
	CHECK_EQ(c->p.cdb[1] & 0x02, 0);              /* BYTCHK 0 */
	CHECK_EQ(get_be32(c->p.cdb + 2), 100);
	CHECK_EQ(get_be16(c->p.cdb + 7), 20);
	CHECK_EQ(c->p.xfer_len, 0);
	CHECK_EQ(c->p.flags & (ISCSI_CMD_READ | ISCSI_CMD_WRITE), 0);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 0);
	CHECK_EQ(B.dev.st.verifies, 1);
	CHECK_EQ(blk_verify(&B.dev, 0x100000000ull, 8, far()), 0);
	c = fk_find(ISCSI_OP_SCSI_CMD, n + 1);
	CHECK(c && c->p.cdb[0] == 0x8f);
	if (!c)
		return;
	CHECK_EQ(get_be64(c->p.cdb + 2), 0x100000000ull);
	CHECK_EQ(get_be32(c->p.cdb + 10), 8);
	/* a medium error on the target */
	fk.disk = 0;
	memset(&r, 0, sizeof(r));
	r.op = BLK_VERIFY;
	r.lba = 7;
	r.count = 1;
	r.done = req_cb;
	r.ctx = &calls;
	CHECK_EQ(blk_submit(&B.dev, &r), 0);
	iscsi_poll(S);
	c = fk_find(ISCSI_OP_SCSI_CMD, fk_count(ISCSI_OP_SCSI_CMD) - 1);
	CHECK(c && c->p.cdb[0] == 0x2f);
	if (!c)
		return;
	fk_rsp(c->p.itt, SAM_STAT_CHECK_CONDITION, medium, sizeof(medium));
	while (r.busy && blk_poll(&B.dev, far()) == 0)
		;
	CHECK_EQ(calls, 1);
	CHECK_EQ(r.result, LL_ESCSI);
	CHECK_EQ(r.retries, 0);                       /* not a unit attention */
	CHECK(blk_describe_error(blk_iscsi_task(&r), text, sizeof(text)) > 0);
	CHECK(strcmp(text, "sense 3/11/00: MEDIUM ERROR") == 0);
	CHECK_EQ(B.dev.st.errors, 1);
	CHECK_EQ(iscsi_inflight(S), 0);
}

static void test_timeout_cancels(void)
{
	disk(NBLK - 1);
	CHECK_EQ(blk_open(&B, S, far()), 0);
	fk.disk = 0;                                  /* the target goes silent */
	CHECK_EQ(blk_read(&B.dev, 0, 64, rbuf, fk.now + 500000), LL_ETIMEDOUT);
	CHECK_EQ(iscsi_inflight(S), 0);               /* nothing left on our stack */
}

static void run_all(void)
{
	RUN(test_open);
	RUN(test_open_ua_forever);
	RUN(test_capacity16);
	RUN(test_rc16_parse_vectors);
	RUN(test_vpd_b0_vectors);
	RUN(test_open_alignment);
	RUN(test_roundtrip_in_flight);
	RUN(test_big_write_r2t);
	RUN(test_report_luns);
	RUN(test_rw_ua_once);
	RUN(test_rw_ua_forever);
	RUN(test_short_read_without_residual);
	RUN(test_readahead);
	RUN(test_verify);
	RUN(test_timeout_cancels);
}

int main(void)
{
	FK_RUN_BOTH("iscsi_blockdev", run_all);
	return CHECK_DONE();
}
