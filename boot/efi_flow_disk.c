/* boot/efi_flow_disk.c - the UEFI flow after the login: the LUN on a new
 * handle (BlockIo + a device path ending in the iSCSI node), the
 * firmware's partition and FAT drivers connected to it, the boot loader
 * loaded from one of its file systems and started; removal on the way
 * back. */
#include "boot/efi_flow_int.h"
#include "boot/efi_devpath.h"
#include "platform/efi/efi_iscsi_dp.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define EFI_DP_READ_MAX   4096     /* bound when walking a firmware path */
#define EFI_DEFAULT_LOADER "\\EFI\\BOOT\\BOOTX64.EFI"

static EFI_GUID guid_block_io = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID guid_sfs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

/* The TPL is raised for the length of one BlockIo call, unless the flow
 * holds it raised already. */
static uint8_t disk_raised;

static void disk_enter(void *ctx)
{
	struct efi_boot *b = ctx;

	disk_raised = !b->tpl_raised;
	if (disk_raised)
		efi_tpl_raise(b);
}

static void disk_leave(void *ctx)
{
	if (disk_raised)
		efi_tpl_restore(ctx);
	disk_raised = 0;
}

static long efi_disk_path(struct efi_boot *b)
{
	const struct settings *s = &b->at.set;
	EFI_DEVICE_PATH *nic = NULL;
	struct efi_dp_iscsi n;

	if (b->native.nic_dp_len)        /* the SNP's handle may be gone */
		nic = (EFI_DEVICE_PATH *)b->native.nic_dp;
	else if (b->bs->HandleProtocol(b->nic, &efi_guid_device_path,
				       (void **)&nic) != EFI_SUCCESS || !nic)
		return LL_ENODEV;
	efi_dp_iscsi_of(&n, &b->at.rp, iscsi_session_params(b->at.sess),
			s->username[0] != 0);
	return efi_dp_iscsi_build(b->disk_dp, sizeof(b->disk_dp), nic,
				  EFI_DP_READ_MAX, &n);
}

int efi_disk_install(struct efi_boot *b)
{
	struct efi_disk_hooks h = { disk_enter, disk_leave, b };
	long len = efi_disk_path(b);
	EFI_HANDLE hd = NULL;

	if (len < 0)
		return attach_fail((int)len, "device path of the NIC");
	efi_disk_init(&b->disk, &b->at.bd.dev, &h);
	if (b->bs->InstallProtocolInterface(&hd, &guid_block_io, EFI_NATIVE_INTERFACE,
					    &b->disk.bio) != EFI_SUCCESS)
		return attach_fail(LL_EIO, "installing BlockIo");
	b->disk_handle = hd;
	if (b->bs->InstallProtocolInterface(&hd, &efi_guid_device_path,
					    EFI_NATIVE_INTERFACE,
					    b->disk_dp) != EFI_SUCCESS)
		return attach_fail(LL_EIO, "installing the disk's device path");
	ll_printf("lifeline: BlockIo handle %p: %llu blocks of %u bytes (%u per physical, aligned from %llu, granularity %u), %u per request, device path NIC + iSCSI (%ld bytes)\n",
		  hd, (unsigned long long)b->disk.media.LastBlock + 1,
		  (unsigned)b->disk.media.BlockSize,
		  (unsigned)b->disk.media.LogicalBlocksPerPhysicalBlock,
		  (unsigned long long)b->disk.media.LowestAlignedLba,
		  (unsigned)b->disk.media.OptimalTransferLengthGranularity,
		  (unsigned)b->at.bd.dev.max_blocks, len);
	return 0;
}

int efi_disk_connect(struct efi_boot *b)
{
	EFI_STATUS st = b->bs->ConnectController(b->disk_handle, NULL, NULL, 1);

	ll_printf("lifeline: ConnectController: status 0x%llx\n",
		  (unsigned long long)st);
	return 0;       /* no partition driver: the loader search says so */
}

static const char *efi_loader_path(const struct efi_boot *b)
{
	return b->at.set.boot_file[0] ? b->at.set.boot_file : EFI_DEFAULT_LOADER;
}

/* LoadImage of path on the file system at h, when h lies on our disk.
 * 1 loaded, 0 not ours or not there. */
static int efi_try_load(struct efi_boot *b, EFI_HANDLE h, const char *path)
{
	EFI_DEVICE_PATH *dp = NULL;
	EFI_HANDLE img = NULL;
	long n;

	if (b->bs->HandleProtocol(h, &efi_guid_device_path, (void **)&dp) !=
	    EFI_SUCCESS || !dp ||
	    !efi_dp_has_prefix(dp, EFI_DP_READ_MAX, b->disk_dp, sizeof(b->disk_dp)))
		return 0;
	n = efi_dp_file_build(b->file_dp, sizeof(b->file_dp), dp,
			      EFI_DP_READ_MAX, path);
	if (n < 0)
		return 0;
	if (b->bs->LoadImage(0, b->env->image, (EFI_DEVICE_PATH *)b->file_dp,
			     NULL, 0, &img) != EFI_SUCCESS)
		return 0;
	b->loader = img;
	return 1;
}

int efi_loader_load(struct efi_boot *b)
{
	const char *path = efi_loader_path(b);
	EFI_HANDLE *hs = NULL;
	UINTN n = 0;
	int found = 0;

	if (b->bs->LocateHandleBuffer(ByProtocol, &guid_sfs, NULL, &n, &hs) !=
	    EFI_SUCCESS)
		n = 0;
	for (UINTN i = 0; i < n && !found; i++)
		found = efi_try_load(b, hs[i], path);
	if (hs)
		b->bs->FreePool(hs);
	if (!found)
		return attach_fail(LL_ENOENT, path);
	ll_printf("lifeline: loaded %s from the LUN\n", path);
	return 0;
}

int efi_loader_start(struct efi_boot *b)
{
	EFI_HANDLE img = b->loader;
	CHAR16 *exit_data = NULL;
	UINTN exit_size = 0;
	EFI_STATUS st;

	ll_printf("lifeline: starting %s\n", efi_loader_path(b));
	b->loader = NULL;              /* the firmware unloads it when it ends */
	st = b->bs->StartImage(img, &exit_size, &exit_data);
	if (exit_data)
		b->bs->FreePool(exit_data);
	ll_printf("lifeline: %s returned, status 0x%llx\n", efi_loader_path(b),
		  (unsigned long long)st);
	return st == EFI_SUCCESS ? 0 : attach_fail(LL_EIO, "the boot loader failed");
}

void efi_disk_remove(struct efi_boot *b)
{
	EFI_HANDLE hd = b->disk_handle;
	EFI_STATUS st;

	if (b->loader)
		(void)b->bs->UnloadImage(b->loader);
	b->loader = NULL;
	if (!hd)
		return;
	(void)b->bs->DisconnectController(hd, NULL, NULL);
	st = b->bs->UninstallProtocolInterface(hd, &efi_guid_device_path, b->disk_dp);
	if (st == EFI_SUCCESS)
		st = b->bs->UninstallProtocolInterface(hd, &guid_block_io, &b->disk.bio);
	efi_disk_gone(&b->disk);
	b->disk_handle = NULL;
	if (st != EFI_SUCCESS)
		ll_printf("lifeline: E%d %s: removing the BlockIo handle (status 0x%llx)\n",
			  -LL_EBUSY, ll_strerror(LL_EBUSY), (unsigned long long)st);
}
