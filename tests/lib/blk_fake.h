/* tests/lib/blk_fake.h - a RAM disk behind the block door (block/blk.h)
 * for unit tests: requests complete later, oldest first, one per poll;
 * its clock moves us_per_poll each poll; the n-th read/write/sync/verify
 * can fail, a stalled disk completes nothing, and an event log records
 * what reached the medium. */
#ifndef TESTS_BLK_FAKE_H
#define TESTS_BLK_FAKE_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "block/blk.h"
#include "lib/err.h"

#define RD_MAX_PENDING 64
struct ramdisk {
	struct blk_dev dev;
	struct ll_clock clock;
	uint8_t *data;
	uint64_t blocks;
	uint32_t bs;
	uint64_t now_us;          /* the test's clock */
	uint64_t us_per_poll;
	struct blk_req *pending[RD_MAX_PENDING];
	unsigned npending, max_pending;
	unsigned reads, writes, syncs, verifies, cancels;
	uint64_t write_end;       /* highest lba + count a WRITE reached */
	unsigned oob;             /* requests past the last block (not applied) */
	unsigned fail_read, fail_write, fail_verify; /* n-th (1-based) fails */
	int fail_sync;            /* n-th sync fails */
	int fail_err;             /* the error they fail with; 0: LL_EIO */
	int poll_error;           /* poll returns it (a lost device) */
	int stall;                /* never completes anything */
	/* log: 'R', 'W' (or what write_mark says), 'S', 'V' as they complete */
	char (*write_mark)(const struct ramdisk *r, const struct blk_req *q);
	char log[4096];
	size_t nlog;
};

static inline struct ramdisk *rd_of(struct blk_dev *d)
{
	return (struct ramdisk *)((uint8_t *)d - offsetof(struct ramdisk, dev));
}

static inline void rd_log(struct ramdisk *r, char c)
{
	if (r->nlog + 1 < sizeof(r->log))
		r->log[r->nlog++] = c;
}

/* The n-th request of its kind (1-based), kept in priv. */
static inline unsigned rd_nth(struct ramdisk *r, enum blk_op op)
{
	switch (op) {
	case BLK_READ: return ++r->reads;
	case BLK_WRITE: return ++r->writes;
	case BLK_SYNC: return (unsigned)++r->syncs;
	case BLK_VERIFY: return ++r->verifies;
	}
	return 0;
}

static inline int rd_submit(struct blk_dev *d, struct blk_req *q)
{
	struct ramdisk *r = rd_of(d);

	if (r->npending >= RD_MAX_PENDING)
		return LL_EBUSY;
	q->priv = (void *)(uintptr_t)rd_nth(r, q->op);
	if (q->op == BLK_WRITE && q->lba + q->count > r->write_end)
		r->write_end = q->lba + q->count;
	if (q->op != BLK_SYNC && (q->lba > r->blocks || q->count > r->blocks - q->lba))
		r->oob++;
	r->pending[r->npending++] = q;
	if (r->npending > r->max_pending)
		r->max_pending = r->npending;
	return 0;
}

static inline int rd_fails(const struct ramdisk *r, const struct blk_req *q)
{
	unsigned n = (unsigned)(uintptr_t)q->priv;

	switch (q->op) {
	case BLK_READ: return r->fail_read && n == r->fail_read;
	case BLK_WRITE: return r->fail_write && n == r->fail_write;
	case BLK_SYNC: return r->fail_sync && (int)n == r->fail_sync;
	case BLK_VERIFY: return r->fail_verify && n == r->fail_verify;
	}
	return 0;
}

/* Carry out q on the RAM; its log letter. */
static inline char rd_apply(struct ramdisk *r, const struct blk_req *q)
{
	size_t off = (size_t)q->lba * r->bs, len = (size_t)q->count * r->bs;

	if (q->op != BLK_SYNC && (q->lba > r->blocks || q->count > r->blocks - q->lba))
		return '!';               /* past the disk: counted in oob, not applied */
	switch (q->op) {
	case BLK_READ:
		memcpy(q->buf, r->data + off, len);
		return 'R';
	case BLK_WRITE:
		memcpy(r->data + off, q->buf, len);
		return r->write_mark ? r->write_mark(r, q) : 'W';
	case BLK_SYNC:
		return 'S';
	case BLK_VERIFY:
		return 'V';
	}
	return '?';
}

/* Completes the oldest request. */
static inline int rd_poll(struct blk_dev *d, uint64_t deadline)
{
	struct ramdisk *r = rd_of(d);
	struct blk_req *q;

	(void)deadline;
	r->now_us += r->us_per_poll;
	if (r->poll_error)
		return r->poll_error;
	if (r->stall || !r->npending)
		return 0;
	q = r->pending[0];
	memmove(r->pending, r->pending + 1, --r->npending * sizeof(q));
	if (rd_fails(r, q)) {
		if (q->op == BLK_SYNC)
			rd_log(r, 'S');
		blk_complete(q, r->fail_err ? r->fail_err : LL_EIO);
		return 0;
	}
	rd_log(r, rd_apply(r, q));
	blk_complete(q, 0);
	return 0;
}

static inline void rd_cancel(struct blk_dev *d, struct blk_req *q, int err)
{
	struct ramdisk *r = rd_of(d);

	r->cancels++;
	for (unsigned i = r->npending; i-- > 0;) {
		struct blk_req *p = r->pending[i];

		if (q && p != q)
			continue;
		memmove(r->pending + i, r->pending + i + 1,
			(--r->npending - i) * sizeof(p));
		blk_complete(p, err);
	}
}

static inline uint64_t rd_clock_now(void *ctx)
{
	return *(uint64_t *)ctx;
}

static const struct blk_dev_ops rd_ops = {
	.submit = rd_submit, .poll = rd_poll, .cancel = rd_cancel,
};

/* A disk of bytes / bs blocks over data (NULL: zeroed memory of its own). */
static inline void rd_init_on(struct ramdisk *r, void *data, uint64_t bytes, uint32_t bs)
{
	memset(r, 0, sizeof(*r));
	r->bs = bs;
	r->blocks = bytes / bs;
	r->data = data ? data : calloc(1, bytes);
	r->us_per_poll = 100;
	r->now_us = 1000000;
	r->clock.now_us = rd_clock_now;
	r->clock.ctx = &r->now_us;
}

static inline void rd_init(struct ramdisk *r, uint64_t bytes, uint32_t bs)
{
	rd_init_on(r, NULL, bytes, bs);
}

/* The door: requests of at most max_blocks, depth in flight. */
static inline struct blk_dev *rd_dev(struct ramdisk *r, uint32_t max_blocks, unsigned depth)
{
	r->dev.ops = &rd_ops;
	r->dev.name = "ramdisk";
	r->dev.blocks = r->blocks;
	r->dev.block_size = r->bs;
	r->dev.max_blocks = max_blocks;
	r->dev.depth = depth;
	r->dev.clock = &r->clock;
	memset(&r->dev.st, 0, sizeof(r->dev.st));
	return &r->dev;
}

#endif
