/* dump/bw_blockdev.h - the dump writer's block writer on an iSCSI block
 * device (iscsi/blockdev): one reserved blk_req per writer slot. */
#ifndef DUMP_BW_BLOCKDEV_H
#define DUMP_BW_BLOCKDEV_H
#include "dump/writer.h"
#include "iscsi/blockdev.h"

struct dump_bw_blk {
	struct blockdev *bdev;
	struct blk_req req[DUMP_MAX_DEPTH];
	struct dump_io *io[DUMP_MAX_DEPTH];
};

/* Fill bw with the hooks over b (opened with blk_open); st holds the
 * requests and must live as long as the dump runs. */
void dump_bw_blockdev(struct dump_bw *bw, struct dump_bw_blk *st,
		      struct blockdev *b);

#endif
