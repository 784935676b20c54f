/* tests/unit/test_blk.c - the block door (block/blk.h) and its blocking
 * helper (block/blk_sync.h) over the RAM disk of tests/lib/blk_fake.h:
 * refused requests, splitting and depth, VERIFY and SYNC as requests of
 * their own, errors and fatal device errors reaching the caller, and the
 * deadline: a request that never completes is withdrawn, LL_ETIMEDOUT. */
#include "tests/lib/check.h"
#include "tests/lib/blk_fake.h"
#include "block/blk_sync.h"

#define NBLK 1024
static uint8_t disk[NBLK * 512], buf[NBLK * 512];
static struct ramdisk rd;

static struct blk_dev *dev(uint32_t max_blocks, unsigned depth)
{
	for (unsigned i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 13 + (i >> 9));
	rd_init_on(&rd, disk, sizeof(disk), 512);
	return rd_dev(&rd, max_blocks, depth);
}

static uint64_t soon(void) { return rd.now_us + 1000000; }

static void req(struct blk_req *r, enum blk_op op, uint64_t lba, uint32_t n, void *b)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->lba = lba;
	r->count = n;
	r->buf = b;
}

/* Bad requests never reach the device and are counted. */
static void test_submit_refuses(void)
{
	struct blk_dev *d = dev(16, 8);
	struct blk_req r;

	req(&r, BLK_READ, 0, 0, buf);                  /* no blocks */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	req(&r, BLK_READ, NBLK - 1, 2, buf);           /* past the end */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	req(&r, BLK_READ, UINT64_MAX, 1, buf);         /* lba + count wraps */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	req(&r, BLK_WRITE, 0, 1, NULL);                /* no buffer */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	req(&r, BLK_READ, 0, 17, buf);                 /* above max_blocks */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	req(&r, (enum blk_op)100, 0, 1, buf);          /* not an operation */
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);
	CHECK_EQ(d->st.refused, 6);
	CHECK_EQ(rd.npending, 0);
	CHECK_EQ(rd.reads + rd.writes, 0);
	/* the last block exactly, VERIFY without a buffer: taken */
	req(&r, BLK_READ, NBLK - 1, 1, buf);
	CHECK_EQ(blk_submit(d, &r), 0);
	CHECK_EQ(r.busy, 1);
	CHECK_EQ(blk_submit(d, &r), LL_EINVAL);        /* still in flight */
	struct blk_req v;
	req(&v, BLK_VERIFY, 0, 16, NULL);
	CHECK_EQ(blk_submit(d, &v), 0);
	CHECK_EQ(rd.npending, 2);
	CHECK_EQ(blk_poll(d, 0), 0);
	CHECK_EQ(blk_poll(d, 0), 0);
	CHECK(!r.busy && !v.busy);
	CHECK_EQ(r.result, 0);
	CHECK_EQ(d->st.reads, 1);
	CHECK_EQ(d->st.verifies, 1);
	CHECK_EQ(d->st.blocks_read, 1);
}

/* A transfer is split at max_blocks and kept at most depth deep. */
static void test_run_splits_and_keeps_depth(void)
{
	struct blk_dev *d = dev(16, 4);

	memset(buf, 0, sizeof(buf));
	CHECK_EQ(blk_read(d, 7, 100, buf, soon()), 0);
	CHECK_EQ(rd.reads, 7);                         /* 6 x 16 + 4 */
	CHECK_EQ(rd.max_pending, 4);
	CHECK(!memcmp(buf, disk + 7 * 512, 100 * 512));
	CHECK_EQ(d->st.blocks_read, 100);
	for (unsigned i = 0; i < 40 * 512; i++)
		buf[i] = (uint8_t)~i;
	CHECK_EQ(blk_write(d, 900, 40, buf, soon()), 0);
	CHECK(!memcmp(disk + 900 * 512, buf, 40 * 512));
	CHECK_EQ(d->st.blocks_written, 40);
	/* a deep device: the helper's own limit */
	d = dev(1, 64);
	CHECK_EQ(blk_read(d, 0, 100, buf, soon()), 0);
	CHECK_EQ(rd.max_pending, BLK_SYNC_DEPTH);
	/* count 0: nothing sent; past the end: refused before anything */
	CHECK_EQ(blk_read(d, 5, 0, buf, soon()), 0);
	CHECK_EQ(blk_read(d, NBLK - 1, 2, buf, soon()), LL_EINVAL);
	CHECK_EQ(rd.reads, 100);
}

/* VERIFY and SYNC are requests like the others: the device sees them,
 * no data moves, and they fail like the others. */
static void test_verify_and_sync_are_requests(void)
{
	struct blk_dev *d = dev(16, 8);

	memset(buf, 0x5a, 4096);
	CHECK_EQ(blk_verify(d, 10, 40, soon()), 0);
	CHECK_EQ(rd.verifies, 3);                      /* 16 + 16 + 8 */
	CHECK_EQ(d->st.verifies, 3);
	CHECK_EQ(d->st.blocks_read, 0);
	CHECK(!strcmp(rd.log, "VVV"));
	CHECK_EQ(blk_flush(d, soon()), 0);
	CHECK_EQ(rd.syncs, 1);
	CHECK(!strcmp(rd.log, "VVVS"));
	rd.fail_verify = 5;                            /* the 2nd of the next 3 */
	CHECK_EQ(blk_verify(d, 10, 40, soon()), LL_EIO);
	CHECK_EQ(rd.npending, 0);
	rd.fail_sync = 2;
	rd.fail_err = LL_ESCSI;
	CHECK_EQ(blk_flush(d, soon()), LL_ESCSI);
	CHECK_EQ(blk_verify(d, NBLK, 1, soon()), LL_EINVAL);
	CHECK_EQ(d->st.errors, 2);
}

/* A failed request's error reaches the caller; the others are finished or
 * withdrawn before blk_run returns. A device's fatal error too. */
static void test_errors_propagate(void)
{
	struct blk_dev *d = dev(16, 4);

	rd.fail_read = 3;
	CHECK_EQ(blk_read(d, 0, 160, buf, soon()), LL_EIO);
	CHECK_EQ(rd.npending, 0);
	CHECK(rd.reads < 10);                          /* it stopped submitting */
	rd.fail_read = 0;
	rd.fail_write = rd.writes + 1;
	rd.fail_err = LL_EDUMP;
	CHECK_EQ(blk_write(d, 0, 8, buf, soon()), LL_EDUMP);
	rd.poll_error = LL_ESESSION;                   /* the device is gone */
	CHECK_EQ(blk_read(d, 0, 64, buf, soon()), LL_ESESSION);
	CHECK_EQ(rd.npending, 0);                      /* withdrawn: buf is ours */
	CHECK(rd.cancels >= 1);
}

/* Every wait has a deadline: a disk that never answers gives
 * LL_ETIMEDOUT once it passed (not much later), and every request was
 * withdrawn, so the caller's buffer is free again. */
static void test_deadline(void)
{
	struct blk_dev *d = dev(16, 8);
	uint64_t t0, deadline;

	rd.stall = 1;
	rd.us_per_poll = 1000;
	t0 = rd.now_us;
	deadline = t0 + 500000;
	CHECK_EQ(blk_read(d, 0, 64, buf, deadline), LL_ETIMEDOUT);
	CHECK(rd.now_us >= deadline);
	CHECK(rd.now_us <= deadline + 1000);           /* one poll past, at most */
	CHECK_EQ(rd.npending, 0);
	CHECK_EQ(rd.cancels, 4);                       /* each of its requests */
	CHECK_EQ(d->st.errors, 4);
	CHECK_EQ(blk_flush(d, rd.now_us + 2000), LL_ETIMEDOUT);
	CHECK_EQ(rd.npending, 0);
	CHECK_EQ(rd.cancels, 5);
}

int main(void)
{
	check_suite = "blk";
	RUN(test_submit_refuses);
	RUN(test_run_splits_and_keeps_depth);
	RUN(test_verify_and_sync_are_requests);
	RUN(test_errors_propagate);
	RUN(test_deadline);
	return CHECK_DONE();
}
