/* boot/efi_disk.h - the LUN as an EFI_BLOCK_IO_PROTOCOL (revision 3 media):
 * every ReadBlocks / WriteBlocks / FlushBlocks becomes one bounded
 * blk_run on the one block door (block/blk.h), split at the device's
 * limits with several requests in flight. */
#ifndef BOOT_EFI_DISK_H
#define BOOT_EFI_DISK_H
#include <stdint.h>
#include "platform/efi/efi.h"
#include "block/blk.h"

#define EFI_DISK_IO_BASE_US   (20ull * 1000000) /* every call, at least */
#define EFI_DISK_IO_PER_MIB_US (2ull * 1000000) /* plus this per MiB */

struct efi_disk_counters {
	uint32_t reads, writes, flushes, errors, refused;
};

/* hooks around each transfer: the flow raises the TPL so the firmware's
 * network stack leaves the NIC alone meanwhile (may be NULL). */
struct efi_disk_hooks {
	void (*enter)(void *ctx);
	void (*leave)(void *ctx);
	void *ctx;
};

struct efi_disk {
	EFI_BLOCK_IO bio;            /* first: This is the efi_disk */
	EFI_BLOCK_IO_MEDIA media;
	struct blk_dev *dev;
	struct efi_disk_hooks hooks;
	volatile uint8_t gone;       /* ExitBootServices or removed: no I/O */
	struct efi_disk_counters cnt;
};

/* bio and media from dev (media id 1, not removable, present, write
 * caching; revision 3: LowestAlignedLba, LogicalBlocksPerPhysicalBlock and
 * OptimalTransferLengthGranularity from dev's alignment hints). */
void efi_disk_init(struct efi_disk *d, struct blk_dev *dev,
		   const struct efi_disk_hooks *hooks);
/* From now on every call answers EFI_NO_MEDIA without touching dev. */
void efi_disk_gone(struct efi_disk *d);
/* EFI status of a blk error (0 -> EFI_SUCCESS; media / transport errors
 * -> EFI_DEVICE_ERROR). */
EFI_STATUS efi_disk_status(int rc);

#endif
