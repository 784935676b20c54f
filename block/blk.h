/* block/blk.h - the one door to a disk: an asynchronous block request
 * (submit, poll, complete) and the device that takes it. Neutral: iSCSI
 * (iscsi/blockdev) and test RAM disks implement it; INT 13h reaches it
 * through block/blk_sync.h, the dump writer uses it directly. */
#ifndef BLOCK_BLK_H
#define BLOCK_BLK_H
#include <stdint.h>
#include "lib/clock.h"

/* Every operation a device takes. */
enum blk_op {
	BLK_READ = 1,   /* count blocks at lba into buf */
	BLK_WRITE,      /* count blocks from buf to lba (buf is only read) */
	BLK_SYNC,       /* flush the device's write cache; lba, count, buf unused */
	BLK_VERIFY,     /* the device checks count blocks at lba on its medium;
			 * no data moves, buf unused */
};

struct blk_req;
struct blk_dev;
typedef void (*blk_done_fn)(void *ctx, struct blk_req *r);

/* One request. The caller owns it; from blk_submit until completion the
 * device owns it and its buffer (busy is 1). */
struct blk_req {
	/* filled by the caller */
	enum blk_op op;
	uint64_t lba;
	uint32_t count;           /* blocks, 1..dev->max_blocks (0 for SYNC) */
	void *buf;                /* count * block_size bytes (READ, WRITE) */
	blk_done_fn done;         /* may be NULL: watch busy instead */
	void *ctx;
	/* results, valid once busy is 0 */
	int busy;                 /* 1 from blk_submit until completion */
	int result;               /* 0 or LL_E* */
	unsigned retries;         /* times the device sent it again itself
				   * (e.g. after a SCSI UNIT ATTENTION) */
	/* private */
	struct blk_dev *dev;      /* set by blk_submit */
	void *priv;               /* the device's own state for it */
};

/* What a device implements. Completion happens only inside poll or
 * cancel, never inside submit: the device calls blk_complete(). */
struct blk_dev_ops {
	/* Queue r (already checked by blk_submit). 0, LL_EBUSY when the
	 * device holds depth requests, or another LL_E*. */
	int (*submit)(struct blk_dev *d, struct blk_req *r);
	/* One step of progress: finished requests complete. When nothing
	 * finished it may idle, never past deadline (a deadline already
	 * passed, 0 included: one step, no idling). 0, or the device's
	 * fatal error (e.g. its session lost for good). */
	int (*poll)(struct blk_dev *d, uint64_t deadline);
	/* Withdraw r (NULL: every request in flight): it completes at once
	 * with err, and the device no longer touches its buffer. */
	void (*cancel)(struct blk_dev *d, struct blk_req *r, int err);
	/* May be NULL (a device that is never away). Microseconds the
	 * device has spent unreachable (reconnecting) since it opened,
	 * monotonic, the outage going on included. The device bounds an
	 * outage itself (iSCSI: the outage-limit setting) and then fails
	 * its requests; callers keep this time out of their own deadlines
	 * (blk_run does), so an outage within the device's limit is not an
	 * error to them. */
	uint64_t (*outage_us)(struct blk_dev *d);
};

/* Counted by blk_submit and blk_complete, per request. */
struct blk_stats {
	uint64_t reads, writes, syncs, verifies;
	uint64_t blocks_read, blocks_written;
	uint32_t refused;         /* blk_submit said no (bad request) */
	uint32_t errors;          /* completed with an error */
};

struct blk_dev {
	const struct blk_dev_ops *ops;
	const char *name;         /* for messages */
	uint64_t blocks;          /* capacity */
	uint32_t block_size;      /* bytes per block */
	uint32_t max_blocks;      /* per request */
	/* Alignment hints (SCSI: READ CAPACITY 16, Block Limits VPD); 0 in
	 * phys_blocks means 1. */
	uint32_t phys_blocks;     /* logical blocks per physical block */
	uint64_t lowest_aligned;  /* first LBA on a physical boundary */
	uint32_t opt_blocks;      /* optimal transfer granularity, 0: none */
	unsigned depth;           /* requests it takes in flight */
	const struct ll_clock *clock; /* deadlines are in its microseconds */
	struct blk_stats st;
};

/* Check r against d and queue it. LL_EINVAL (nothing queued) for an
 * unknown op, count 0 or above max_blocks, a range past the end, or a
 * READ/WRITE without a buffer; LL_EBUSY when d is full; else the device's
 * answer. */
int blk_submit(struct blk_dev *d, struct blk_req *r);

static inline int blk_poll(struct blk_dev *d, uint64_t deadline)
{
	return d->ops->poll(d, deadline);
}

static inline uint64_t blk_outage_us(struct blk_dev *d)
{
	return d->ops->outage_us ? d->ops->outage_us(d) : 0;
}

/* deadline moved later by the outage time since out0 (a blk_outage_us
 * reading taken when the caller's wait began). */
static inline uint64_t blk_outage_deadline(struct blk_dev *d, uint64_t deadline,
					   uint64_t out0)
{
	uint64_t credit = blk_outage_us(d) - out0;

	return deadline > UINT64_MAX - credit ? UINT64_MAX : deadline + credit;
}

/* Withdraw r if it is still busy (it completes with err). */
void blk_cancel(struct blk_dev *d, struct blk_req *r, int err);
/* Withdraw every request in flight on d (a caller giving up for good). */
void blk_cancel_all(struct blk_dev *d, int err);

/* For devices: r finished with result; counts it, clears busy, runs done
 * (which may submit r again). */
void blk_complete(struct blk_req *r, int result);

static inline uint64_t blk_now(const struct blk_dev *d)
{
	return ll_now(d->clock);
}

/* Does [lba, lba + count) lie on d? */
static inline int blk_in_range(const struct blk_dev *d, uint64_t lba, uint64_t count)
{
	return lba <= d->blocks && count <= d->blocks - lba;
}

#endif
