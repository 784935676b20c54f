/* tests/unit/test_efi_disk.c - the UEFI BlockIo provider (boot/efi_disk.c)
 * over the RAM disk of tests/lib/blk_fake.h: data both ways, requests
 * split at the device's limit with several in flight, the spec's
 * parameter checks (nothing reaches the device), errors and the deadline
 * as EFI_DEVICE_ERROR, media fields, ExitBootServices (no I/O after). */
#include "tests/lib/check.h"
#include "tests/lib/blk_fake.h"
#include "boot/efi_disk.h"

#define NBLK 1024
static uint8_t disk[NBLK * 512], buf[NBLK * 512];
static struct ramdisk rd;
static struct efi_disk ed;
static int entered, left;

static void on_enter(void *ctx) { (void)ctx; entered++; }
static void on_leave(void *ctx) { (void)ctx; left++; }

static EFI_BLOCK_IO *setup(uint32_t max_blocks, unsigned depth)
{
	struct efi_disk_hooks h = { on_enter, on_leave, NULL };

	for (unsigned i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7 + (i >> 9));
	rd_init_on(&rd, disk, sizeof(disk), 512);
	efi_disk_init(&ed, rd_dev(&rd, max_blocks, depth), &h);
	entered = left = 0;
	return &ed.bio;
}

static void test_media_fields(void)
{
	EFI_BLOCK_IO *b = setup(16, 8);

	CHECK_EQ(b->Revision, EFI_BLOCK_IO_PROTOCOL_REVISION3);
	CHECK_EQ(b->Media->BlockSize, 512);
	CHECK_EQ(b->Media->LastBlock, NBLK - 1);
	CHECK(b->Media->MediaPresent);
	CHECK(!b->Media->RemovableMedia);
	CHECK(!b->Media->ReadOnly);
	CHECK_EQ(b->Media->LogicalBlocksPerPhysicalBlock, 1);  /* no hints */
	CHECK_EQ(b->Media->LowestAlignedLba, 0);
	CHECK_EQ(b->Media->OptimalTransferLengthGranularity, 0);
}

/* The LUN's alignment hints reach the revision 3 media fields. */
static void test_media_alignment(void)
{
	struct blk_dev *d;

	rd_init_on(&rd, disk, sizeof(disk), 512);
	d = rd_dev(&rd, 16, 8);
	d->phys_blocks = 8;
	d->lowest_aligned = 7;
	d->opt_blocks = 64;
	efi_disk_init(&ed, d, NULL);
	CHECK_EQ(ed.bio.Revision, EFI_BLOCK_IO_PROTOCOL_REVISION3);
	CHECK_EQ(ed.media.LogicalBlocksPerPhysicalBlock, 8);
	CHECK_EQ(ed.media.LowestAlignedLba, 7);
	CHECK_EQ(ed.media.OptimalTransferLengthGranularity, 64);
}

/* 100 blocks at 16 a request: 7 requests, more than one in flight. */
static void test_read_splits(void)
{
	EFI_BLOCK_IO *b = setup(16, 8);

	memset(buf, 0, sizeof(buf));
	CHECK_EQ(b->ReadBlocks(b, 1, 10, 100 * 512, buf), EFI_SUCCESS);
	CHECK(!memcmp(buf, disk + 10 * 512, 100 * 512));
	CHECK_EQ(rd.reads, 7);
	CHECK(rd.max_pending > 1);
	CHECK_EQ(entered, 1);
	CHECK_EQ(left, 1);
	CHECK_EQ(ed.cnt.reads, 1);
}

static void test_write_reads_back(void)
{
	EFI_BLOCK_IO *b = setup(8, 4);

	for (unsigned i = 0; i < 40 * 512; i++)
		buf[i] = (uint8_t)(i ^ 0x5a);
	CHECK_EQ(b->WriteBlocks(b, 1, NBLK - 40, 40 * 512, buf), EFI_SUCCESS);
	CHECK(!memcmp(disk + (NBLK - 40) * 512, buf, 40 * 512));
	CHECK_EQ(rd.writes, 5);
	CHECK_EQ(b->FlushBlocks(b), EFI_SUCCESS);
	CHECK_EQ(rd.syncs, 1);
}

/* The spec's checks: nothing reaches the device. */
static void test_parameter_checks(void)
{
	EFI_BLOCK_IO *b = setup(16, 8);

	CHECK_EQ(b->ReadBlocks(b, 2, 0, 512, buf), EFI_MEDIA_CHANGED);
	CHECK_EQ(b->ReadBlocks(b, 1, 0, 100, buf), EFI_BAD_BUFFER_SIZE);
	CHECK_EQ(b->ReadBlocks(b, 1, NBLK - 1, 1024, buf), EFI_INVALID_PARAMETER);
	CHECK_EQ(b->ReadBlocks(b, 1, NBLK, 512, buf), EFI_INVALID_PARAMETER);
	CHECK_EQ(b->ReadBlocks(b, 1, 0, 512, NULL), EFI_INVALID_PARAMETER);
	CHECK_EQ(b->WriteBlocks(b, 1, ~0ull, 512, buf), EFI_INVALID_PARAMETER);
	CHECK_EQ(b->ReadBlocks(b, 1, NBLK, 0, buf), EFI_SUCCESS);
	CHECK_EQ(rd.reads + rd.writes, 0);
	CHECK_EQ(ed.cnt.refused, 6);
	CHECK_EQ(entered, 0);
}

static void test_errors_are_device_errors(void)
{
	EFI_BLOCK_IO *b = setup(16, 8);

	rd.fail_read = 2;
	CHECK_EQ(b->ReadBlocks(b, 1, 0, 64 * 512, buf), EFI_DEVICE_ERROR);
	CHECK_EQ(ed.cnt.errors, 1);
	CHECK_EQ(left, 1);
	setup(16, 8);
	rd.stall = 1;                      /* never completes: the deadline */
	rd.us_per_poll = 100000;
	CHECK_EQ(b->ReadBlocks(b, 1, 0, 512, buf), EFI_DEVICE_ERROR);
	CHECK_EQ(rd.npending, 0);          /* withdrawn: the buffer is free */
	CHECK(rd.now_us >= 1000000 + EFI_DISK_IO_BASE_US);
	CHECK(rd.now_us < 1000000 + EFI_DISK_IO_BASE_US + 1000000);
}

static void test_gone_after_exit_boot_services(void)
{
	EFI_BLOCK_IO *b = setup(16, 8);

	efi_disk_gone(&ed);
	CHECK_EQ(b->ReadBlocks(b, 1, 0, 512, buf), EFI_NO_MEDIA);
	CHECK_EQ(b->WriteBlocks(b, 1, 0, 512, buf), EFI_NO_MEDIA);
	CHECK_EQ(b->FlushBlocks(b), EFI_NO_MEDIA);
	CHECK(!b->Media->MediaPresent);
	CHECK_EQ(rd.reads + rd.writes + rd.syncs, 0);
}

int main(void)
{
	check_suite = "efi_disk";
	RUN(test_media_fields);
	RUN(test_media_alignment);
	RUN(test_read_splits);
	RUN(test_write_reads_back);
	RUN(test_parameter_checks);
	RUN(test_errors_are_device_errors);
	RUN(test_gone_after_exit_boot_services);
	return CHECK_DONE();
}
