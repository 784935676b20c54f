/* block/blk.c - the checks and counts every block request passes on its
 * way to a device (blk_submit) and back (blk_complete). */
#include "block/blk.h"
#include "lib/err.h"

static int blk_req_ok(const struct blk_dev *d, const struct blk_req *r)
{
	switch (r->op) {
	case BLK_SYNC:
		return 1;
	case BLK_READ:
	case BLK_WRITE:
		if (!r->buf)
			return 0;
		/* fall through */
	case BLK_VERIFY:
		return r->count && r->count <= d->max_blocks &&
		       blk_in_range(d, r->lba, r->count);
	default:
		return 0;
	}
}

static void blk_count_submit(struct blk_stats *st, enum blk_op op)
{
	switch (op) {
	case BLK_READ: st->reads++; break;
	case BLK_WRITE: st->writes++; break;
	case BLK_SYNC: st->syncs++; break;
	case BLK_VERIFY: st->verifies++; break;
	}
}

int blk_submit(struct blk_dev *d, struct blk_req *r)
{
	int rc;

	if (r->busy || !blk_req_ok(d, r)) {
		d->st.refused++;
		return LL_EINVAL;
	}
	r->dev = d;
	r->result = 0;
	r->retries = 0;
	r->busy = 1;
	rc = d->ops->submit(d, r);
	if (rc) {
		r->busy = 0;
		if (rc != LL_EBUSY)
			d->st.refused++;
		return rc;
	}
	blk_count_submit(&d->st, r->op);
	return 0;
}

void blk_cancel(struct blk_dev *d, struct blk_req *r, int err)
{
	if (r->busy)
		d->ops->cancel(d, r, err ? err : LL_ETIMEDOUT);
}

void blk_cancel_all(struct blk_dev *d, int err)
{
	d->ops->cancel(d, 0, err ? err : LL_ETIMEDOUT);
}

void blk_complete(struct blk_req *r, int result)
{
	struct blk_stats *st = &r->dev->st;

	r->result = result;
	if (result)
		st->errors++;
	else if (r->op == BLK_READ)
		st->blocks_read += r->count;
	else if (r->op == BLK_WRITE)
		st->blocks_written += r->count;
	r->busy = 0;
	if (r->done)
		r->done(r->ctx, r);
}
