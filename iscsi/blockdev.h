/* iscsi/blockdev.h - a SCSI block device on an iSCSI session: open
 * (TEST UNIT READY with unit-attention retry, INQUIRY, READ CAPACITY 10/16),
 * then the one block door (block/blk.h): READ/WRITE 10/16, SYNCHRONIZE
 * CACHE, VERIFY 10/16 as requests kept many in flight; REPORT LUNS. */
#ifndef ISCSI_BLOCKDEV_H
#define ISCSI_BLOCKDEV_H
#include <stddef.h>
#include <stdint.h>
#include "block/blk.h"
#include "iscsi/session.h"

#define BLK_ISCSI_SLOTS ISCSI_MAX_TASKS /* requests in flight (dev.depth) */

/* One SCSI command carrying one block request. */
struct blk_iscsi_slot {
	struct iscsi_task task;
	struct blk_req *req;      /* NULL: free */
};

struct blockdev {
	struct blk_dev dev;       /* the door: what everyone above uses */
	struct iscsi_session *sess;
	uint64_t blocks;          /* READ CAPACITY's answer (as dev.blocks) */
	uint32_t block_size;      /* bytes per block (as dev.block_size) */
	char vendor[9], product[17], revision[5];
	uint8_t peripheral_type;
	struct ll_clock clock;    /* the session's, for dev.clock */
	struct blk_iscsi_slot slot[BLK_ISCSI_SLOTS];
	/* sequential read-ahead, for an entry whose reader waits on each
	 * call (INT 13h): after two READs in a row with nothing else in
	 * flight, the next READ of the same size goes out before it is asked
	 * for, parked (iscsi_task_bind) until a request names exactly it (its
	 * data then lands straight in that request's buffer) or anything
	 * else comes (dropped). */
	bool readahead;               /* set by the entry; off by default */
	struct blk_iscsi_slot *ra;    /* the parked read-ahead, NULL: none */
	struct blk_req ra_req;        /* what it reads */
	uint64_t ra_next;             /* LBA after the last READ */
	uint32_t ra_hits, ra_drops;
};

/* Open the LUN and make b->dev ready (READ CAPACITY 16 and the Block
 * Limits page also fill dev.phys_blocks, lowest_aligned, opt_blocks
 * where the target answers them): the block device of the LUN, whose
 * requests are SCSI commands (max_blocks from MaxBurstLength, at most
 * 256 KiB; depth BLK_ISCSI_SLOTS). A READ, WRITE or VERIFY answered UNIT
 * ATTENTION (e.g. 6/29/00 to the new I_T nexus after a reconnect) is sent
 * again, at most BLK_REQ_UA_RETRIES times, before it completes with the
 * last answer (r->retries counts them). */
#define BLK_REQ_UA_RETRIES 3
int blk_open(struct blockdev *b, struct iscsi_session *s, uint64_t deadline);
/* What READ CAPACITY (16) says (SBC-3). */
struct scsi_capacity {
	uint64_t last_lba;
	uint32_t block_size;
	uint8_t phys_exp;         /* 2^phys_exp logical blocks per physical */
	uint16_t lowest_aligned;  /* first LBA on a physical block boundary */
};
/* Parse its parameter data (len bytes; >= 12, the fields past byte 12
 * stay 0 when shorter than 16). 0 or LL_EIO. */
int scsi_rc16_parse(const uint8_t *d, size_t len, struct scsi_capacity *c);
/* OPTIMAL TRANSFER LENGTH GRANULARITY (blocks) from a Block Limits VPD
 * page (B0h); LL_ENOENT when d is not that page or too short. */
int scsi_vpd_b0_parse(const uint8_t *d, size_t len, uint32_t *gran);
/* REPORT LUNS into luns[] (8-byte SAM LUNs); *n in: capacity, out: count. */
int blk_report_luns(struct blockdev *b, uint8_t (*luns)[8], unsigned *n, uint64_t deadline);
/* Render a failed task's sense as "sense KEY/ASC/ASCQ: text". */
int blk_describe_error(const struct iscsi_task *t, char *buf, unsigned len);
/* The SCSI command that carried r on b's device: its status, sense and
 * data counts, once r completed, until the device's next submit. */
const struct iscsi_task *blk_iscsi_task(const struct blk_req *r);

#endif
