/* tests/efi/probe.c - the UEFI test bed's BOOTX64.EFI: finds the raw disk it
 * was loaded from, reads/writes it through the firmware's BlockIo and prints
 * checksums and the bulk read rate as "probe: ..." lines for the host. */
#include <efi.h>
#include <efilib.h>

#define BULK_BYTES    (8u << 20)     /* the large read, from data start */
#define SCRATCH_BYTES (64u << 10)    /* written, read back, compared */
#define SCRATCH_SEED  0x4c4c5752u    /* must match tools/mkdisk-efi.py */
#define GPT_PARTS     3              /* ESP, ll-data, ll-scratch */

struct disk {
	EFI_BLOCK_IO *bio;
	EFI_HANDLE handle;
	UINT32 bsize;
	EFI_LBA last;
};

static void fail(const CHAR16 *what, EFI_STATUS st)
{
	Print(L"probe: FAIL %s status=%r\n", what, st);
}

/* Path bytes up to (not with) the end node, and where the first HD() is. */
static UINTN path_prefix_len(EFI_DEVICE_PATH *dp, int stop_at_hd)
{
	UINT8 *start = (UINT8 *)dp;
	while (!IsDevicePathEnd(dp)) {
		if (stop_at_hd && DevicePathType(dp) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(dp) == MEDIA_HARDDRIVE_DP)
			break;
		dp = NextDevicePathNode(dp);
	}
	return (UINTN)((UINT8 *)dp - start);
}

/* Is CAND's path exactly WANT's first WLEN bytes? */
static int path_equal(EFI_HANDLE cand, EFI_DEVICE_PATH *want, UINTN wlen)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(cand);
	if (!dp || path_prefix_len(dp, 0) != wlen)
		return 0;
	return CompareMem(dp, want, wlen) == 0;
}

/* The raw disk below the partition this image came from. */
static EFI_STATUS find_disk(EFI_HANDLE image, struct disk *d)
{
	EFI_LOADED_IMAGE *li;
	EFI_HANDLE *hs = NULL;
	UINTN n = 0, i, plen;
	EFI_DEVICE_PATH *own;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	own = DevicePathFromHandle(li->DeviceHandle);
	if (!own)
		return EFI_NOT_FOUND;
	Print(L"probe: loaded from %s\n", DevicePathToStr(own));
	plen = path_prefix_len(own, 1);
	st = LibLocateHandle(ByProtocol, &BlockIoProtocol, NULL, &n, &hs);
	if (EFI_ERROR(st))
		return st;
	st = EFI_NOT_FOUND;
	for (i = 0; i < n; i++) {
		EFI_BLOCK_IO *bio;
		if (!path_equal(hs[i], own, plen) ||
		    EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &BlockIoProtocol, (void **)&bio)) ||
		    !bio->Media->MediaPresent || bio->Media->LogicalPartition)
			continue;
		d->bio = bio;
		d->handle = hs[i];
		d->bsize = bio->Media->BlockSize;
		d->last = bio->Media->LastBlock;
		st = EFI_SUCCESS;
		break;
	}
	FreePool(hs);
	return st;
}

/* The spec's iSCSI node (messaging, subtype 19) of the disk's path, if any:
 * protocol u16, login options u16, LUN u64, TPGT u16, then the target name. */
static void print_iscsi_node(EFI_DEVICE_PATH *dp)
{
	CHAR8 name[224];
	UINT64 lun;
	UINT16 tpgt;
	UINTN len, i;

	for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		len = DevicePathNodeLength(dp);
		if (DevicePathType(dp) != MESSAGING_DEVICE_PATH || DevicePathSubType(dp) != 19 ||
		    len < 18)
			continue;
		CopyMem(&lun, (UINT8 *)dp + 8, 8);
		CopyMem(&tpgt, (UINT8 *)dp + 16, 2);
		for (i = 0; i < len - 18 && i < sizeof(name) - 1; i++)
			name[i] = ((CHAR8 *)dp)[18 + i];
		name[i] = 0;
		Print(L"probe: disk iscsi lun=%lx tpgt=%d target=%a\n", lun, (UINT32)tpgt, name);
	}
}

static void print_media(struct disk *d)
{
	EFI_BLOCK_IO_MEDIA *m = d->bio->Media;

	Print(L"probe: disk path=%s\n", DevicePathToStr(DevicePathFromHandle(d->handle)));
	print_iscsi_node(DevicePathFromHandle(d->handle));
	Print(L"probe: media rev=%lx id=%x block=%d last=%ld ro=%d cache=%d align=%d\n",
	      d->bio->Revision, m->MediaId, m->BlockSize, m->LastBlock,
	      (int)m->ReadOnly, (int)m->WriteCaching, m->IoAlign);
	if (d->bio->Revision >= EFI_BLOCK_IO_PROTOCOL_REVISION2)
		Print(L"probe: media2 lowest-aligned=%ld blocks-per-physical=%d\n",
		      m->LowestAlignedLba, m->LogicalBlocksPerPhysicalBlock);
	if (d->bio->Revision >= EFI_BLOCK_IO_PROTOCOL_REVISION3)
		Print(L"probe: media3 optimal-granularity=%d\n", m->OptimalTransferLengthGranularity);
}

static EFI_STATUS rd(struct disk *d, EFI_LBA lba, UINTN bytes, void *buf)
{
	return uefi_call_wrapper(d->bio->ReadBlocks, 5, d->bio, d->bio->Media->MediaId,
				 lba, bytes, buf);
}

static UINT32 crc(void *buf, UINTN bytes)
{
	UINT32 c = 0;
	uefi_call_wrapper(BS->CalculateCrc32, 3, buf, bytes, &c);
	return c;
}

static void *pages(UINTN bytes)
{
	EFI_PHYSICAL_ADDRESS a = 0;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					EfiLoaderData, EFI_SIZE_TO_PAGES(bytes), &a)))
		return NULL;
	return (void *)(UINTN)a;
}

static void unpages(void *p, UINTN bytes)
{
	uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(UINTN)p, EFI_SIZE_TO_PAGES(bytes));
}

/* First, middle and last block: one CRC32 line each. */
static EFI_STATUS probe_blocks(struct disk *d, UINT8 *buf)
{
	EFI_LBA lbas[3] = { 0, d->last / 2, d->last };
	EFI_STATUS st;
	int i;

	for (i = 0; i < 3; i++) {
		st = rd(d, lbas[i], d->bsize, buf);
		if (EFI_ERROR(st)) {
			fail(L"read", st);
			return st;
		}
		Print(L"probe: read lba=%ld count=1 crc=%08x\n", lbas[i], crc(buf, d->bsize));
	}
	return EFI_SUCCESS;
}

/* Start LBA of GPT entry IDX (0-based) from the primary header in BUF. */
static EFI_STATUS gpt_start(struct disk *d, UINT8 *buf, UINTN idx, EFI_LBA *out)
{
	EFI_LBA elba;
	UINT32 n, esz;
	EFI_STATUS st;

	st = rd(d, 1, d->bsize, buf);
	if (EFI_ERROR(st))
		return st;
	if (CompareMem(buf, "EFI PART", 8) != 0)
		return EFI_VOLUME_CORRUPTED;
	CopyMem(&elba, buf + 72, 8);
	CopyMem(&n, buf + 80, 4);
	CopyMem(&esz, buf + 84, 4);
	if (n < GPT_PARTS || esz < 128 || esz > d->bsize || d->bsize % esz)
		return EFI_VOLUME_CORRUPTED;
	elba += idx * esz / d->bsize;
	st = rd(d, elba, d->bsize, buf);
	if (EFI_ERROR(st))
		return st;
	CopyMem(out, buf + (idx * esz) % d->bsize + 32, 8);
	return EFI_SUCCESS;
}

static UINT64 tsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((UINT64)hi << 32) | lo;
}

/* TSC ticks per second, against the firmware's Stall (100 ms). */
static UINT64 tsc_hz(void)
{
	UINT64 t0 = tsc();
	uefi_call_wrapper(BS->Stall, 1, 100000);
	return (tsc() - t0) * 10;
}

/* The 8 MiB run from the data partition's start, CRC and MiB/s. */
static EFI_STATUS probe_bulk(struct disk *d, UINT8 *small)
{
	UINT8 *buf = pages(BULK_BYTES);
	EFI_LBA lba;
	UINT64 hz, t0, us, rate;
	EFI_STATUS st;

	if (!buf)
		return EFI_OUT_OF_RESOURCES;
	st = gpt_start(d, small, 1, &lba);
	if (EFI_ERROR(st)) {
		fail(L"gpt", st);
		goto out;
	}
	hz = tsc_hz();
	Print(L"probe: bulk begin\n");
	t0 = tsc();
	st = rd(d, lba, BULK_BYTES, buf);
	us = (tsc() - t0) * 1000000 / (hz ? hz : 1);
	if (EFI_ERROR(st)) {
		fail(L"bulk read", st);
		goto out;
	}
	rate = (UINT64)BULK_BYTES * 100 * 1000000 / ((us ? us : 1) * 1048576);
	Print(L"probe: bulk lba=%ld count=%d crc=%08x\n", lba, BULK_BYTES / d->bsize,
	      crc(buf, BULK_BYTES));
	Print(L"probe: bulk %d bytes %ld us %ld.%02ld MiB/s\n", BULK_BYTES, us,
	      rate / 100, rate % 100);
out:
	unpages(buf, BULK_BYTES);
	return st;
}

/* Write the seeded pattern to the scratch partition, read it back. */
static EFI_STATUS probe_write(struct disk *d, UINT8 *small)
{
	UINT32 *buf = pages(SCRATCH_BYTES), i, want;
	EFI_LBA lba;
	EFI_STATUS st;

	if (!buf)
		return EFI_OUT_OF_RESOURCES;
	st = gpt_start(d, small, 2, &lba);
	if (EFI_ERROR(st))
		goto out;
	for (i = 0; i < SCRATCH_BYTES / 4; i++)
		buf[i] = SCRATCH_SEED + i * 0x01000193u;
	want = crc(buf, SCRATCH_BYTES);
	st = uefi_call_wrapper(d->bio->WriteBlocks, 5, d->bio, d->bio->Media->MediaId,
			       lba, SCRATCH_BYTES, buf);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(d->bio->FlushBlocks, 1, d->bio);
	if (EFI_ERROR(st))
		goto out;
	SetMem(buf, SCRATCH_BYTES, 0);
	st = rd(d, lba, SCRATCH_BYTES, buf);
	if (EFI_ERROR(st))
		goto out;
	Print(L"probe: write lba=%ld count=%d crc=%08x %s\n", lba, SCRATCH_BYTES / d->bsize,
	      crc(buf, SCRATCH_BYTES), crc(buf, SCRATCH_BYTES) == want ? L"ok" : L"MISMATCH");
out:
	if (EFI_ERROR(st))
		fail(L"write", st);
	unpages(buf, SCRATCH_BYTES);
	return st;
}

static EFI_STATUS run(EFI_HANDLE image)
{
	struct disk d;
	UINT8 *small;
	EFI_STATUS st;

	st = find_disk(image, &d);
	if (EFI_ERROR(st)) {
		fail(L"no raw BlockIo below the boot partition", st);
		return st;
	}
	print_media(&d);
	small = pages(d.bsize);
	if (!small)
		return EFI_OUT_OF_RESOURCES;
	st = probe_blocks(&d, small);
	if (!EFI_ERROR(st))
		st = probe_bulk(&d, small);
	if (!EFI_ERROR(st))
		st = probe_write(&d, small);
	unpages(small, d.bsize);
	return st;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"probe: start\n");
	st = run(image);
	Print(L"probe: %s\n", EFI_ERROR(st) ? L"failed" : L"done");
	/* the test is over: power off (QEMU exits) instead of the next option */
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return st;
}
