/* block/blk_sync.c - the blocking helper over block requests: a batch of
 * requests on the caller's stack, refilled as they complete, polled until
 * done or the deadline (moved by the device's outages: the one outage
 * policy for INT 13h and every other blocking caller), and nothing left
 * in flight when it returns. */
#include "block/blk_sync.h"
#include "lib/err.h"
#include "lib/mem.h"

/* The state of one blk_run. */
struct blk_batch {
	struct blk_req req[BLK_SYNC_DEPTH];
	unsigned depth;           /* slots used: min(BLK_SYNC_DEPTH, dev depth) */
	unsigned inflight;
	int error;                /* the first one */
	uint64_t out0;            /* blk_outage_us when the run began */
};

static void batch_done(void *ctx, struct blk_req *r)
{
	struct blk_batch *bt = ctx;

	bt->inflight--;
	if (r->result && !bt->error)
		bt->error = r->result;
}

/* Submit into every idle slot; blocks submitted, or an error. */
static int batch_fill(struct blk_dev *d, struct blk_batch *bt, enum blk_op op,
		      uint64_t lba, uint32_t count, uint8_t *buf)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < bt->depth && done < count; i++) {
		struct blk_req *r = &bt->req[i];

		if (r->busy)
			continue;
		r->op = op;
		r->lba = lba + done;
		uint32_t n = count - done < d->max_blocks ? count - done : d->max_blocks;
		r->count = op == BLK_SYNC ? 0 : n;   /* SYNC: one request, no blocks */
		r->buf = buf ? buf + (uint64_t)done * d->block_size : 0;
		r->done = batch_done;
		r->ctx = bt;
		int rc = blk_submit(d, r);
		if (rc == LL_EBUSY)
			break;
		if (rc)
			return rc;
		bt->inflight++;
		done += n;
	}
	return (int)done;
}

/* Withdraw what is still in flight (after an error or the deadline). */
static void batch_cancel(struct blk_dev *d, struct blk_batch *bt)
{
	int err = bt->error ? bt->error : LL_ETIMEDOUT;

	for (unsigned i = 0; i < bt->depth; i++)
		blk_cancel(d, &bt->req[i], err);
}

/* One step of the wait: poll, then the deadline. */
static int batch_poll(struct blk_dev *d, const struct blk_batch *bt, int more,
		      uint64_t deadline)
{
	int rc = blk_poll(d, blk_outage_deadline(d, deadline, bt->out0));

	if (rc < 0)
		return rc;
	if ((more || bt->inflight) &&
	    ll_expired(d->clock, blk_outage_deadline(d, deadline, bt->out0)))
		return LL_ETIMEDOUT;
	return 0;
}

static int blk_run_ok(const struct blk_dev *d, enum blk_op op, uint64_t lba,
		      uint32_t count, const void *buf)
{
	if (op != BLK_READ && op != BLK_WRITE && op != BLK_VERIFY && op != BLK_SYNC)
		return 0;
	if (!d->block_size || !d->max_blocks || !d->depth)
		return 0;
	if (op == BLK_SYNC)
		return 1;
	if (op != BLK_VERIFY && !buf)
		return 0;
	return blk_in_range(d, lba, count);     /* count is not 0 here */
}

int blk_run(struct blk_dev *d, enum blk_op op, uint64_t lba, uint32_t count,
	    void *buf, uint64_t deadline)
{
	struct blk_batch bt;
	uint8_t *p = buf;

	if (op == BLK_SYNC) {
		lba = 0;
		count = 1;               /* one request of no blocks */
	} else if (count == 0) {
		return 0;
	}
	if (!blk_run_ok(d, op, lba, count, buf))
		return LL_EINVAL;
	memset(&bt, 0, sizeof(bt));
	bt.depth = d->depth < BLK_SYNC_DEPTH ? d->depth : BLK_SYNC_DEPTH;
	bt.out0 = blk_outage_us(d);
	while ((count || bt.inflight) && !bt.error) {
		int n = batch_fill(d, &bt, op, lba, count, p);

		if (n < 0) {
			bt.error = n;
			break;
		}
		lba += (uint32_t)n;
		count -= (uint32_t)n;
		p = p ? p + (uint64_t)n * d->block_size : 0;
		int rc = batch_poll(d, &bt, count != 0, deadline);
		if (rc && !bt.error)
			bt.error = rc;
	}
	while (bt.inflight &&
	       !ll_expired(d->clock, blk_outage_deadline(d, deadline, bt.out0)) &&
	       blk_poll(d, blk_outage_deadline(d, deadline, bt.out0)) == 0)
		;                        /* let the others finish after an error */
	if (bt.inflight)
		batch_cancel(d, &bt);
	return bt.error;
}
