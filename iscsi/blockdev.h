/* iscsi/blockdev.h - a SCSI block device on an iSCSI session: open
 * (TEST UNIT READY with unit-attention retry, INQUIRY, READ CAPACITY 10/16),
 * READ/WRITE 10/16, SYNCHRONIZE CACHE, REPORT LUNS; a queued interface that
 * keeps many commands in flight, and blocking read/write on top of it. */
#ifndef ISCSI_BLOCKDEV_H
#define ISCSI_BLOCKDEV_H
#include <stddef.h>
#include <stdint.h>
#include "iscsi/session.h"

struct blockdev {
	struct iscsi_session *sess;
	uint64_t blocks;          /* number of logical blocks */
	uint32_t block_size;      /* bytes per block */
	char vendor[9], product[17], revision[5];
	uint8_t peripheral_type;
	uint32_t max_blocks_per_cmd; /* split larger requests */
};

enum blk_op { BLK_READ = 1, BLK_WRITE, BLK_SYNC };

/* One generic request: the only thing the boot and dump layers know. */
struct blk_req {
	enum blk_op op;
	uint64_t lba;
	uint32_t count;           /* blocks */
	void *buf;
	void (*done)(void *ctx, struct blk_req *r);
	void *ctx;
	int result;               /* valid once done ran */
	unsigned ua_retries;      /* private: UNIT ATTENTION answers re-sent */
	struct blockdev *bdev;    /* private: set by blk_submit */
	struct iscsi_task task;   /* private */
};

int blk_open(struct blockdev *b, struct iscsi_session *s, uint64_t deadline);
/* Queue one request of at most max_blocks_per_cmd blocks. A READ/WRITE
 * answered UNIT ATTENTION (e.g. 6/29/00 to the new I_T nexus after a
 * reconnect) is queued again, at most BLK_REQ_UA_RETRIES times, before
 * done runs; done sees the last answer. */
#define BLK_REQ_UA_RETRIES 3
int blk_submit(struct blockdev *b, struct blk_req *r);
/* Blocking helpers: split into commands and keep up to depth in flight. */
int blk_read(struct blockdev *b, uint64_t lba, uint32_t count, void *buf, uint64_t deadline);
int blk_write(struct blockdev *b, uint64_t lba, uint32_t count, const void *buf, uint64_t deadline);
int blk_sync(struct blockdev *b, uint64_t deadline);
/* REPORT LUNS into luns[] (8-byte SAM LUNs); *n in: capacity, out: count. */
int blk_report_luns(struct blockdev *b, uint8_t (*luns)[8], unsigned *n, uint64_t deadline);
/* Render a failed task's sense as "sense KEY/ASC/ASCQ: text". */
int blk_describe_error(const struct iscsi_task *t, char *buf, unsigned len);

#endif
