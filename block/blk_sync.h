/* block/blk_sync.h - blocking transfers over the asynchronous block
 * request (block/blk.h): split, kept several requests deep, polled until
 * done or a deadline. For callers that must answer before they return
 * (INT 13h, the flows' one-off reads, tools). */
#ifndef BLOCK_BLK_SYNC_H
#define BLOCK_BLK_SYNC_H
#include <stdint.h>
#include "block/blk.h"

#define BLK_SYNC_DEPTH 32         /* requests in flight, at most */

/* op on count blocks from lba (buf: count * block_size bytes for READ and
 * WRITE, NULL for VERIFY; lba, count and buf are ignored for SYNC), in
 * requests of at most d->max_blocks, up to BLK_SYNC_DEPTH in flight,
 * polled until all completed or deadline (d->clock). Time the device
 * spends in an outage (blk_outage_us) moves the deadline later: the
 * device's own outage limit bounds it. On an error or the
 * deadline the requests still in flight are cancelled before it returns,
 * so buf is the caller's again. 0 (count 0: at once), LL_EINVAL (nothing
 * sent) for a range past the end or a bad op, the first request's error,
 * the device's fatal error, or LL_ETIMEDOUT. */
int blk_run(struct blk_dev *d, enum blk_op op, uint64_t lba, uint32_t count,
	    void *buf, uint64_t deadline);

static inline int blk_read(struct blk_dev *d, uint64_t lba, uint32_t count,
			   void *buf, uint64_t deadline)
{
	return blk_run(d, BLK_READ, lba, count, buf, deadline);
}

/* buf is only read. */
static inline int blk_write(struct blk_dev *d, uint64_t lba, uint32_t count,
			    const void *buf, uint64_t deadline)
{
	return blk_run(d, BLK_WRITE, lba, count, (void *)(uintptr_t)buf, deadline);
}

static inline int blk_verify(struct blk_dev *d, uint64_t lba, uint32_t count,
			     uint64_t deadline)
{
	return blk_run(d, BLK_VERIFY, lba, count, 0, deadline);
}

/* The device's write cache to its medium. */
static inline int blk_flush(struct blk_dev *d, uint64_t deadline)
{
	return blk_run(d, BLK_SYNC, 0, 0, 0, deadline);
}

#endif
