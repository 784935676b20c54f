/* boot/disk.c - the block dispatcher behind INT 13h: bounds checks, counts,
 * and the hand-off to the backend (iSCSI block device or a test RAM disk). */
#include "boot/disk.h"
#include "lib/err.h"

static int disk_in_range(const struct disk *d, uint64_t lba, uint32_t count)
{
	return lba <= d->blocks && count <= d->blocks - lba;
}

int disk_op(struct disk *d, enum blk_op op, uint64_t lba, uint32_t count,
	    void *buf)
{
	int rc;

	if (op == BLK_SYNC)
		return d->be.sync ? d->be.sync(d->be.ctx) : 0;
	if (op != BLK_READ && op != BLK_WRITE && op != BLK_VERIFY) {
		d->st.bad_request++;
		return LL_EINVAL;
	}
	if (!disk_in_range(d, lba, count)) {
		d->st.out_of_range++;
		return d->last_error = LL_ERANGE;
	}
	if (count == 0 || op == BLK_VERIFY)
		return 0;
	if (!buf) {
		d->st.bad_request++;
		return d->last_error = LL_EINVAL;
	}
	if (op == BLK_READ) {
		rc = d->be.read(d->be.ctx, lba, count, buf);
		d->st.reads++;
		if (!rc)
			d->st.blocks_read += count;
	} else {
		rc = d->be.write(d->be.ctx, lba, count, buf);
		d->st.writes++;
		if (!rc)
			d->st.blocks_written += count;
	}
	if (rc) {
		d->st.backend_errors++;
		d->last_error = rc;
	}
	return rc;
}

static uint64_t disk_iscsi_deadline(const struct disk_iscsi *di)
{
	uint32_t t = di->timeout_us ? di->timeout_us : 30000000u;
	return ll_now(di->clock) + t;
}

static int disk_iscsi_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk_iscsi *di = ctx;
	return blk_read(di->bd, lba, count, buf, disk_iscsi_deadline(di));
}

static int disk_iscsi_write(void *ctx, uint64_t lba, uint32_t count,
			    const void *buf)
{
	struct disk_iscsi *di = ctx;
	return blk_write(di->bd, lba, count, buf, disk_iscsi_deadline(di));
}

static int disk_iscsi_sync(void *ctx)
{
	struct disk_iscsi *di = ctx;
	return blk_sync(di->bd, disk_iscsi_deadline(di));
}

void disk_init_iscsi(struct disk *d, struct disk_iscsi *di)
{
	d->be.read = disk_iscsi_read;
	d->be.write = disk_iscsi_write;
	d->be.sync = disk_iscsi_sync;
	d->be.ctx = di;
	d->blocks = di->bd->blocks;
	d->block_size = di->bd->block_size;
	d->last_error = 0;
}
