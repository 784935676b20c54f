/* boot/efi_flow.c - the UEFI boot flow: the SNP of the NIC lifeline was
 * loaded from, the PXE Base Code's cached DHCPACK and the load options ->
 * attach (attach/attach.c; the SNP or a native driver, efi_flow_nic.c)
 * -> iBFT ACPI table -> a BlockIo handle for the
 * LUN -> its boot loader started. One step per function; each failure is
 * printed with its stable code; everything taken is given back. */
#include "boot/efi_flow_int.h"
#include "boot/efi_loadopt.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

struct efi_boot efi_boot_ctx;

EFI_GUID efi_guid_device_path = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID guid_loaded_image = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID guid_snp = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;
static EFI_GUID guid_pxe = EFI_PXE_BASE_CODE_PROTOCOL_GUID;

/* The firmware's own network stack polls the SNP from timer events at
 * TPL_CALLBACK and would take our frames: while lifeline drives the NIC
 * the TPL is raised to TPL_CALLBACK (the level BlockIo callers may use). */
void efi_tpl_raise(struct efi_boot *b)
{
	if (b->tpl_raised)
		return;
	b->old_tpl = b->bs->RaiseTPL(TPL_CALLBACK);
	b->tpl_raised = 1;
}

void efi_tpl_restore(struct efi_boot *b)
{
	if (!b->tpl_raised)
		return;
	if (b->snp.opened)
		snp_quiesce(&b->snp);
	b->bs->RestoreTPL(b->old_tpl);
	b->tpl_raised = 0;
}

/* The protocol on the handle nearest to dev along its device path (the
 * device itself first): a PXE-loaded image's device may be an IPv4 child
 * of the NIC. */
void *efi_proto_near(struct efi_boot *b, EFI_HANDLE dev, EFI_GUID *g,
			    EFI_HANDLE *where)
{
	EFI_DEVICE_PATH *dp = NULL;
	EFI_HANDLE h = NULL;
	void *p = NULL;

	if (b->bs->HandleProtocol(dev, g, &p) == EFI_SUCCESS && p) {
		*where = dev;
		return p;
	}
	if (b->bs->HandleProtocol(dev, &efi_guid_device_path, (void **)&dp) != EFI_SUCCESS ||
	    b->bs->LocateDevicePath(g, &dp, &h) != EFI_SUCCESS ||
	    b->bs->HandleProtocol(h, g, &p) != EFI_SUCCESS)
		return NULL;
	*where = h;
	return p;
}

static void efi_load_options(struct efi_boot *b)
{
	int rc;

	if (b->env->cmdline) {
		ll_strlcpy(b->cmdline, b->env->cmdline, sizeof(b->cmdline));
		settings_print_redacted("command line", b->cmdline);
		return;
	}
	rc = efi_loadopt_text(b->li->LoadOptions, b->li->LoadOptionsSize,
				  b->cmdline, sizeof(b->cmdline));

	if (rc < 0)
		ll_printf("lifeline: E%d %s: load options are not a command line, ignored\n",
			  -rc, ll_strerror(rc));
	else if (b->cmdline[0])
		settings_print_redacted("load options", b->cmdline);
}

/* The PXE Base Code's DHCPACK, when the firmware PXE-booted us. */
static void efi_cached_ack(struct efi_boot *b)
{
	EFI_HANDLE h = NULL;
	EFI_PXE_BASE_CODE *pxe = efi_proto_near(b, b->li->DeviceHandle,
						&guid_pxe, &h);

	if (!pxe || !pxe->Mode || !pxe->Mode->DhcpAckReceived) {
		ll_printf("lifeline: no cached DHCPACK (PXE Base Code)\n");
		return;
	}
	memcpy(b->ack, &pxe->Mode->DhcpAck, sizeof(b->ack));
	b->fw.ack = b->ack;
	b->fw.ack_len = sizeof(b->ack);
	b->fw.ack_name = "PXE Base Code";
	b->fw.ack_partial = 1;            /* EDK2 asks for 17, not 203 */
}

/* Drivers connected to every handle (a firmware booting from a disk may
 * not have started its NIC drivers). */
static void efi_connect_all(struct efi_boot *b)
{
	EFI_HANDLE *hs = NULL;
	UINTN n = 0;

	if (b->bs->LocateHandleBuffer(AllHandles, NULL, NULL, &n, &hs) != EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < n; i++)
		(void)b->bs->ConnectController(hs[i], NULL, NULL, TRUE);
	(void)b->bs->FreePool(hs);
}

/* No SNP along the boot device's path (a loader such as GRUB came from a
 * disk): the first NIC the firmware lists, drivers connected first. */
static void *efi_first_snp(struct efi_boot *b, EFI_HANDLE *where)
{
	EFI_HANDLE *hs = NULL;
	UINTN n = 0;
	void *p = NULL;

	if (b->bs->LocateHandleBuffer(ByProtocol, &guid_snp, NULL, &n, &hs) != EFI_SUCCESS) {
		efi_connect_all(b);
		if (b->bs->LocateHandleBuffer(ByProtocol, &guid_snp, NULL, &n, &hs) != EFI_SUCCESS)
			return NULL;
	}
	if (n && b->bs->HandleProtocol(hs[0], &guid_snp, &p) == EFI_SUCCESS) {
		*where = hs[0];
		ll_printf("lifeline: the boot device has no NIC: first of %u SNP handles\n",
			  (unsigned)n);
	}
	(void)b->bs->FreePool(hs);
	return p;
}

static int efi_find_net(struct efi_boot *b)
{
	EFI_SIMPLE_NETWORK_PROTOCOL *p;

	if (b->bs->HandleProtocol(b->env->image, &guid_loaded_image,
				  (void **)&b->li) != EFI_SUCCESS)
		return attach_fail(LL_ENODEV, "no LoadedImage protocol on our image");
	efi_load_options(b);
	p = efi_proto_near(b, b->li->DeviceHandle, &guid_snp, &b->nic);
	if (!p)
		p = efi_first_snp(b, &b->nic);
	if (!p)
		return attach_fail(LL_ENODEV, "no Simple Network protocol on the boot device");
	snp_init(&b->snp, p, &b->env->clock);
	ll_printf("lifeline: SNP on handle %p, state %u, MAC " LL_MAC_FMT "\n",
		  b->nic, (unsigned)p->Mode->State,
		  LL_MAC_ARGS(p->Mode->CurrentAddress.Addr));
	b->fw = (struct attach_fw_nic){ .nd = &b->snp.nd, .name = "SNP" };
	efi_cached_ack(b);
	efi_nic_find_pci(b);
	return 0;
}

/* Settings DHCP < embedded block < load options; the SNP or, per nic=,
 * the native driver (efi_flow_nic.c) carries the data. */
static int efi_attach(struct efi_boot *b)
{
	struct attach_env *ae = &b->aenv;

	b->src.cmdline = b->cmdline;
	b->src.block = 1;
	memset(ae, 0, sizeof(*ae));
	ae->clock = &b->env->clock;
	ae->settings = attach_settings_std;
	ae->settings_ctx = &b->src;
	ae->fw = &b->fw;
	ae->path = ATTACH_ROOT_PATH;
	ae->arena = b->env->arena;
	ae->arena_size = b->env->arena_size;
	efi_nic_env(b, ae);
	return attach_run(&b->at, ae);
}

int boot_efi(const struct boot_efi_env *env)
{
	struct efi_boot *b = &efi_boot_ctx;
	int rc;

	memset(b, 0, sizeof(*b));
	b->env = env;
	b->bs = env->st->BootServices;
	efi_tpl_raise(b);
	if ((rc = efi_find_net(b)) < 0 || (rc = efi_attach(b)) < 0 ||
	    (rc = efi_disk_install(b)) < 0)
		goto fail;
	(void)efi_ibft_install(b);
	efi_tpl_restore(b);
	if ((rc = efi_disk_connect(b)) < 0 || (rc = efi_loader_load(b)) < 0 ||
	    (rc = efi_exit_bs_arm(b)) < 0)
		goto fail;
	rc = efi_loader_start(b);
fail:
	/* Back to the firmware (the loader returned or a step failed): the
	 * handle and the table go, the session is logged out (bounded). */
	efi_exit_bs_disarm(b);
	efi_tpl_restore(b);
	efi_disk_remove(b);
	efi_ibft_remove(b);
	efi_tpl_raise(b);
	attach_logout(&b->at);
	attach_release(&b->at);
	if (b->snp.opened)
		b->snp.nd.ops->close(&b->snp.nd);
	efi_nic_give_back(b);
	efi_tpl_restore(b);
	return rc;
}
