/* tools/common/xfer.h - a sequential block transfer over an iSCSI LUN
 * kept several requests deep, for lifeline-iscsi. Host only. */
#ifndef TOOLS_COMMON_XFER_H
#define TOOLS_COMMON_XFER_H
#include <stdint.h>
#include <stdio.h>
#include "iscsi/blockdev.h"
#include "iscsi/session.h"
#include "lib/alloc.h"
#include "lib/md5.h"
#include "net/net.h"
#include "tools/common/pattern.h"

#define XFER_MAX_DEPTH ISCSI_MAX_TASKS

/* One queued request of a transfer and its buffer. */
struct xfer_slot {
	struct blk_req req;
	uint8_t *buf;              /* len bytes between two guard zones */
	size_t len, used;          /* used: the current request's bytes */
	uint32_t blocks;
	int done;
};

/* The LUN, its session and the request buffers, reused by every transfer. */
struct xfer_pool {
	struct blockdev *bd;
	struct iscsi_session *sess;
	struct net_stack *ns;
	struct ll_arena *arena;
	struct xfer_slot slots[XFER_MAX_DEPTH];
	uint8_t *scratch;          /* one request's worth, for verify */
};

/* A sequential transfer kept depth requests deep; produce fills a write
 * buffer before it is sent, consume takes a read buffer in LBA order. */
struct xfer {
	struct xfer_pool *pool;
	enum blk_op op;
	uint64_t lba, blocks, next_lba;
	uint32_t req_blocks;
	unsigned depth;
	int (*produce)(struct xfer *x, uint8_t *buf, size_t len);
	int (*consume)(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len);
	struct pattern pat, vpat;
	struct md5_ctx md5;
	FILE *file;
	uint64_t mismatch_lba;
	int mismatch;
	int progress;              /* print a line every XFER_PROGRESS_BYTES */
	uint64_t done_bytes;
};

/* blocks from lba, requests of about 128 KiB (within the LUN's limit),
 * depth deep, with progress lines and no producer or consumer yet. */
void xfer_init(struct xfer *x, struct xfer_pool *pool, enum blk_op op,
	       uint64_t lba, uint64_t blocks, unsigned depth);
/* Buffers for depth requests of req_blocks, and the scratch buffer. */
int xfer_alloc_slots(struct xfer_pool *pool, unsigned depth, uint32_t req_blocks);
/* Run x to its end; a failed request is reported (`error:`) and returned. */
int xfer_run(struct xfer *x, uint64_t deadline);

/* Producers (writes) and consumers (reads); all keep x->md5 of the data. */
int xfer_produce_pattern(struct xfer *x, uint8_t *buf, size_t len);
int xfer_produce_file(struct xfer *x, uint8_t *buf, size_t len);
int xfer_consume_md5(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len);
/* Compare with x->vpat; the first differing block goes to mismatch_lba. */
int xfer_consume_verify(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len);
int xfer_consume_file(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len);

#endif
