/* boot/disk.h - the one door to the disk: every INT 13h (and later
 * EFI_BLOCK_IO) transfer becomes one request (op, lba, count, buffer) for
 * disk_op; only the backend knows it ends in iSCSI. */
#ifndef BOOT_DISK_H
#define BOOT_DISK_H
#include <stdint.h>
#include "iscsi/blockdev.h"
#include "lib/clock.h"

/* Where requests end: blk_read/blk_write on the iSCSI block device in the
 * firmware, a RAM disk in unit tests. Each returns 0 or an LL_E* error. */
struct disk_backend {
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*sync)(void *ctx);   /* may be NULL */
	void *ctx;
};

struct disk_stats {
	uint64_t reads, writes, blocks_read, blocks_written;
	uint32_t out_of_range;    /* refused: past the last block */
	uint32_t bad_request;     /* refused: no buffer, bad op */
	uint32_t backend_errors;
};

struct disk {
	struct disk_backend be;
	uint64_t blocks;          /* capacity in blocks */
	uint32_t block_size;      /* bytes per block */
	int last_error;           /* of the last failed request */
	struct disk_stats st;
};

/* BLK_VERIFY: bounds check only (AH=44h has no buffer; the target checks
 * its own media). */
#define BLK_VERIFY ((enum blk_op)100)

/* Run one request. count 0 succeeds at once (no transfer). Returns 0,
 * LL_ERANGE (lba+count past the end; nothing transferred), LL_EINVAL, or
 * the backend's error. */
int disk_op(struct disk *d, enum blk_op op, uint64_t lba, uint32_t count,
	    void *buf);

/* The iSCSI backend: blk_read/blk_write with a deadline per request. */
struct disk_iscsi {
	struct blockdev *bd;
	const struct ll_clock *clock;
	uint32_t timeout_us;      /* per request; 0: 30 s */
};
void disk_init_iscsi(struct disk *d, struct disk_iscsi *di);

#endif
