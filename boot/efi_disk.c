/* boot/efi_disk.c - the BlockIo provider: the firmware's checks of the
 * spec (media id, buffer size multiple of the block, range) here, the
 * transfer through blk_run with a deadline that grows with its size. */
#include "boot/efi_disk.h"
#include "block/blk_sync.h"
#include "lib/err.h"
#include "lib/mem.h"

static struct efi_disk *disk_of(EFI_BLOCK_IO *This)
{
	return (struct efi_disk *)This;
}

EFI_STATUS efi_disk_status(int rc)
{
	if (rc == 0)
		return EFI_SUCCESS;
	if (rc == LL_EINVAL)
		return EFI_INVALID_PARAMETER;
	return EFI_DEVICE_ERROR;
}

/* The spec's checks for ReadBlocks / WriteBlocks; EFI_SUCCESS to go on. */
static EFI_STATUS disk_check(struct efi_disk *d, UINT32 media_id, EFI_LBA lba,
			     UINTN size, const void *buf)
{
	uint64_t count = size / d->media.BlockSize;

	if (d->gone)
		return EFI_NO_MEDIA;
	if (media_id != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (size % d->media.BlockSize)
		return EFI_BAD_BUFFER_SIZE;
	if (!buf || !blk_in_range(d->dev, lba, count) || count > UINT32_MAX)
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

static int disk_run(struct efi_disk *d, enum blk_op op, EFI_LBA lba,
		    UINTN size, void *buf)
{
	uint64_t us = EFI_DISK_IO_BASE_US + (size >> 20) * EFI_DISK_IO_PER_MIB_US;
	int rc;

	if (d->hooks.enter)
		d->hooks.enter(d->hooks.ctx);
	rc = blk_run(d->dev, op, lba, (uint32_t)(size / d->media.BlockSize),
		     buf, blk_now(d->dev) + us);
	if (d->hooks.leave)
		d->hooks.leave(d->hooks.ctx);
	if (rc < 0)
		d->cnt.errors++;
	return rc;
}

static EFI_STATUS EFIAPI disk_read(EFI_BLOCK_IO *This, UINT32 media_id,
				   EFI_LBA lba, UINTN size, VOID *buf)
{
	struct efi_disk *d = disk_of(This);
	EFI_STATUS st = disk_check(d, media_id, lba, size, buf);

	if (st != EFI_SUCCESS) {
		d->cnt.refused++;
		return st;
	}
	d->cnt.reads++;
	return size ? efi_disk_status(disk_run(d, BLK_READ, lba, size, buf))
		    : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI disk_write(EFI_BLOCK_IO *This, UINT32 media_id,
				    EFI_LBA lba, UINTN size, VOID *buf)
{
	struct efi_disk *d = disk_of(This);
	EFI_STATUS st = disk_check(d, media_id, lba, size, buf);

	if (st != EFI_SUCCESS) {
		d->cnt.refused++;
		return st;
	}
	d->cnt.writes++;
	return size ? efi_disk_status(disk_run(d, BLK_WRITE, lba, size, buf))
		    : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI disk_flush(EFI_BLOCK_IO *This)
{
	struct efi_disk *d = disk_of(This);

	if (d->gone)
		return EFI_NO_MEDIA;
	d->cnt.flushes++;
	return efi_disk_status(disk_run(d, BLK_SYNC, 0, 0, NULL));
}

static EFI_STATUS EFIAPI disk_reset(EFI_BLOCK_IO *This, BOOLEAN ext)
{
	(void)ext;
	return disk_of(This)->gone ? EFI_NO_MEDIA : EFI_SUCCESS;
}

void efi_disk_init(struct efi_disk *d, struct blk_dev *dev,
		   const struct efi_disk_hooks *hooks)
{
	memset(d, 0, sizeof(*d));
	d->dev = dev;
	if (hooks)
		d->hooks = *hooks;
	d->media.MediaId = 1;
	d->media.MediaPresent = 1;
	d->media.WriteCaching = 1;
	d->media.BlockSize = dev->block_size;
	d->media.IoAlign = 0;
	d->media.LastBlock = dev->blocks ? dev->blocks - 1 : 0;
	d->media.LowestAlignedLba = dev->lowest_aligned;
	d->media.LogicalBlocksPerPhysicalBlock = dev->phys_blocks ? dev->phys_blocks : 1;
	d->media.OptimalTransferLengthGranularity = dev->opt_blocks;
	d->bio.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION3;
	d->bio.Media = &d->media;
	d->bio.Reset = disk_reset;
	d->bio.ReadBlocks = disk_read;
	d->bio.WriteBlocks = disk_write;
	d->bio.FlushBlocks = disk_flush;
}

void efi_disk_gone(struct efi_disk *d)
{
	d->gone = 1;
	d->media.MediaPresent = 0;
}
