/* dump/bw_blockdev.c - dump writes as queued blk_submit() WRITEs, progress
 * by iscsi_poll(), SYNCHRONIZE CACHE by blk_sync(). */
#include "dump/bw_blockdev.h"
#include "lib/err.h"
#include "lib/mem.h"

static void bwb_done(void *ctx, struct blk_req *r)
{
	struct dump_bw_blk *st = ctx;
	unsigned slot = (unsigned)(r - st->req);

	if (slot < DUMP_MAX_DEPTH && st->io[slot])
		dump_io_done(st->io[slot], r->result);
}

static int bwb_write(void *ctx, struct dump_io *io)
{
	struct dump_bw_blk *st = ctx;
	struct blk_req *r;

	if (io->slot >= DUMP_MAX_DEPTH)
		return LL_EINVAL;
	r = &st->req[io->slot];
	memset(r, 0, sizeof(*r));
	r->op = BLK_WRITE;
	r->lba = io->lba;
	r->count = io->count;
	r->buf = (void *)(uintptr_t)io->buf; /* only read for a WRITE */
	r->done = bwb_done;
	r->ctx = st;
	st->io[io->slot] = io;
	return blk_submit(st->bdev, r);
}

static int bwb_poll(void *ctx)
{
	struct dump_bw_blk *st = ctx;

	return iscsi_poll(st->bdev->sess);
}

static int bwb_sync(void *ctx, uint64_t deadline)
{
	struct dump_bw_blk *st = ctx;

	return blk_sync(st->bdev, deadline);
}

static void bwb_cancel(void *ctx, int err)
{
	struct dump_bw_blk *st = ctx;

	for (unsigned i = 0; i < DUMP_MAX_DEPTH; i++) {
		struct iscsi_task *t = &st->req[i].task;

		if (st->io[i] && st->io[i]->busy &&
		    (t->state == ISCSI_TASK_QUEUED || t->state == ISCSI_TASK_ACTIVE))
			iscsi_cancel(st->bdev->sess, t, err);
	}
}

void dump_bw_blockdev(struct dump_bw *bw, struct dump_bw_blk *st,
		      struct blockdev *b)
{
	memset(st, 0, sizeof(*st));
	st->bdev = b;
	bw->block_size = b->block_size;
	bw->blocks = b->blocks;
	bw->max_blocks = b->max_blocks_per_cmd;
	bw->depth = DUMP_MAX_DEPTH;
	bw->write = bwb_write;
	bw->poll = bwb_poll;
	bw->sync = bwb_sync;
	bw->cancel = bwb_cancel;
	bw->ctx = st;
}
