/* boot/efi_flow_nic.c - the native NIC drivers under UEFI (nic=): the PCI
 * function behind the SNP, taken from the firmware's driver only cleanly
 * (DisconnectController, then PciIo opened BY_DRIVER|EXCLUSIVE so no
 * firmware driver binds again, DMA buffer from PciIo below 4 GiB, mapped
 * common-buffer) and given back (reconnected, SNP found again by its
 * device path) when the native driver fails or lifeline returns to the
 * firmware; halted, without I/O, at ExitBootServices. */
#include "boot/efi_flow_int.h"
#include "boot/efi_devpath.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

/* nic=auto under UEFI: the firmware's SNP (1) or the native driver (0),
 * whichever measured faster here (docs/uefi.md, "NIC"). */
#define EFI_NIC_AUTO_FW 1
#define EFI_NIC_DMA_PAGES (NICPROBE_DMA_SIZE / 4096)
#define EFI_NIC_ATTRS (EFI_PCI_IO_ATTRIBUTE_IO | EFI_PCI_IO_ATTRIBUTE_MEMORY | \
		       EFI_PCI_IO_ATTRIBUTE_BUS_MASTER)

static EFI_GUID guid_pci_io = EFI_PCI_IO_PROTOCOL_GUID;
static EFI_GUID guid_snp = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;

/* The SNP handle's path (kept: the handle goes with the firmware's
 * driver) and the PCI function below it, as the one native candidate. */
void efi_nic_find_pci(struct efi_boot *b)
{
	struct efi_native *n = &b->native;
	EFI_DEVICE_PATH *dp = NULL;
	UINTN seg = 0, bus = 0, dev = 0, fn = 0;
	UINT32 id = 0xffffffffu;
	long len;

	memset(n, 0, sizeof(*n));
	if (b->bs->HandleProtocol(b->nic, &efi_guid_device_path, (void **)&dp) !=
	    EFI_SUCCESS || !dp ||
	    (len = efi_dp_size(dp, sizeof(n->nic_dp))) < 0)
		return;
	memcpy(n->nic_dp, dp, (size_t)len);
	n->nic_dp_len = (size_t)len;
	n->io = efi_proto_near(b, b->nic, &guid_pci_io, &n->pci_handle);
	if (!n->io || n->io->Pci.Read(n->io, EfiPciIoWidthUint32, 0, 1, &id) != EFI_SUCCESS ||
	    id == 0xffffffffu ||
	    n->io->GetLocation(n->io, &seg, &bus, &dev, &fn) != EFI_SUCCESS ||
	    seg != 0 || bus > 0xff || dev > 31 || fn > 7) {
		n->pci_handle = NULL;
		return;
	}
	n->cand = (struct nic_candidate){ (uint16_t)id, (uint16_t)(id >> 16),
					  (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
}

static int efi_nic_identify(void *ctx)
{
	struct efi_boot *b = ctx;

	memcpy(b->snp.nd.mac, b->snp.proto->Mode->CurrentAddress.Addr, ETH_ALEN);
	return 0;
}

/* Memory, I/O and bus mastering on (what the function supports), the
 * firmware's setting kept for the way back. */
static void efi_nic_attrs(struct efi_native *n)
{
	UINT64 sup = 0;

	(void)n->io->Attributes(n->io, EfiPciIoAttributeOperationGet, 0, &n->attrs_old);
	if (n->io->Attributes(n->io, EfiPciIoAttributeOperationSupported, 0, &sup) !=
	    EFI_SUCCESS)
		sup = EFI_NIC_ATTRS;
	(void)n->io->Attributes(n->io, EfiPciIoAttributeOperationEnable,
				sup & EFI_NIC_ATTRS, NULL);
	n->attrs_set = 1;
}

/* The rings' memory: PciIo's own allocation (below 4 GiB without
 * dual-address-cycle), mapped for both directions at once. */
static int efi_nic_dma(struct efi_native *n)
{
	UINTN bytes = EFI_NIC_DMA_PAGES * 4096;
	EFI_PHYSICAL_ADDRESS bus = 0;
	void *host = NULL;

	if (n->io->AllocateBuffer(n->io, AllocateAnyPages, EfiBootServicesData,
				  EFI_NIC_DMA_PAGES, &host, 0) != EFI_SUCCESS)
		return LL_ENOMEM;
	n->dma_host = host;
	if (n->io->Map(n->io, EfiPciIoOperationBusMasterCommonBuffer, host, &bytes,
		       &bus, &n->map) != EFI_SUCCESS || bytes != EFI_NIC_DMA_PAGES * 4096 ||
	    bus + bytes > (1ull << 32))
		return LL_ENOMEM;
	n->pci.dma = host;
	n->pci.dma_bus = bus;
	n->pci.dma_size = bytes;
	return 0;
}

/* How many agents hold the function's PciIo BY_DRIVER (its drivers). */
static unsigned efi_nic_drivers(struct efi_boot *b)
{
	EFI_OPEN_PROTOCOL_INFORMATION_ENTRY *e = NULL;
	UINTN cnt = 0;
	unsigned drv = 0;

	if (b->bs->OpenProtocolInformation(b->native.pci_handle, &guid_pci_io, &e,
					   &cnt) != EFI_SUCCESS)
		return 0;
	for (UINTN i = 0; i < cnt; i++)
		drv += !!(e[i].Attributes & EFI_OPEN_PROTOCOL_BY_DRIVER);
	(void)b->bs->FreePool(e);
	return drv;
}

/* DisconnectController at the caller's TPL (the spec allows it up to
 * TPL_CALLBACK, but the drivers' Stop may need their own timers). OVMF's
 * VirtioNetDxe refuses to stop while its SNP is initialised; stopping the
 * SNP first (before or after the stack above it) hung OVMF in tests, so
 * it is not done: the exclusive open then fails and the SNP is used. */
static EFI_STATUS efi_nic_disconnect(struct efi_boot *b)
{
	uint8_t raised = b->tpl_raised;
	EFI_STATUS st;

	efi_tpl_restore(b);
	st = b->bs->DisconnectController(b->native.pci_handle, NULL, NULL);
	if (raised)
		efi_tpl_raise(b);
	return st;
}

/* Take the function from the firmware's driver. */
static int efi_nic_take(struct efi_boot *b)
{
	struct efi_native *n = &b->native;
	unsigned before = efi_nic_drivers(b);
	EFI_STATUS st;
	int rc;

	st = efi_nic_disconnect(b);
	ll_printf("lifeline: firmware's NIC driver disconnected from PCI %02x:%02x.%u: status 0x%llx, drivers %u -> %u\n",
		  n->cand.bus, n->cand.dev, n->cand.fn, (unsigned long long)st,
		  before, efi_nic_drivers(b));
	n->taken = 1;                 /* from here on, given back on failure */
	/* The status alone says little (EDK2 answers EFI_NOT_FOUND when a
	 * driver stopped only its children): the exclusive open below fails
	 * while any driver still holds the function. */
	if (b->bs->OpenProtocol(n->pci_handle, &guid_pci_io, (void **)&n->io,
				b->env->image, n->pci_handle,
				EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_EXCLUSIVE) !=
	    EFI_SUCCESS)
		return LL_EBUSY;
	n->opened = 1;
	efi_nic_attrs(n);
	if ((rc = efi_nic_dma(n)) < 0)
		return rc;
	n->pci.io = n->io;
	n->pci.clock = &b->env->clock;
	return 0;
}

/* nicprobe's make: the function, ours (once), as a struct pcidev. */
static int efi_nic_make(void *ctx, const struct nic_candidate *c, struct pcidev *out)
{
	struct efi_boot *b = ctx;
	struct efi_native *n = &b->native;
	int rc = n->taken ? 0 : efi_nic_take(b);

	if (rc < 0 || (rc = efi_pci_make(&n->pci, out)) < 0)
		return rc;
	(void)c;
	return 0;
}

/* Everything efi_nic_take did, undone; the firmware's drivers connected
 * again. Safe to call when nothing was taken. */
void efi_nic_give_back(struct efi_boot *b)
{
	struct efi_native *n = &b->native;
	EFI_STATUS st;

	if (!n->taken)
		return;
	if (n->map)
		(void)n->io->Unmap(n->io, n->map);
	if (n->dma_host)
		(void)n->io->FreeBuffer(n->io, EFI_NIC_DMA_PAGES, n->dma_host);
	if (n->attrs_set)
		(void)n->io->Attributes(n->io, EfiPciIoAttributeOperationSet,
					n->attrs_old, NULL);
	if (n->opened)
		(void)b->bs->CloseProtocol(n->pci_handle, &guid_pci_io,
					   b->env->image, n->pci_handle);
	st = b->bs->ConnectController(n->pci_handle, NULL, NULL, TRUE);
	ll_printf("lifeline: NIC given back to the firmware's driver: ConnectController status 0x%llx\n",
		  (unsigned long long)st);
	n->map = NULL;
	n->dma_host = NULL;
	n->attrs_set = n->opened = n->taken = 0;
}

/* The native driver did not come up: the firmware's SNP again, on the
 * handle its driver made anew for the same device path. */
static int efi_nic_native_failed(void *ctx)
{
	struct efi_boot *b = ctx;
	struct efi_native *n = &b->native;
	EFI_DEVICE_PATH *dp = (EFI_DEVICE_PATH *)n->nic_dp;
	EFI_SIMPLE_NETWORK_PROTOCOL *p = NULL;
	EFI_HANDLE h = NULL;

	if (!n->taken)
		return 0;             /* the SNP was never let go */
	efi_nic_give_back(b);
	if (b->bs->LocateDevicePath(&guid_snp, &dp, &h) != EFI_SUCCESS ||
	    b->bs->HandleProtocol(h, &guid_snp, (void **)&p) != EFI_SUCCESS || !p)
		return LL_ENODEV;
	b->nic = h;
	snp_init(&b->snp, p, &b->env->clock);
	return 0;
}

/* The attach environment's NIC side: the SNP, and the native candidate
 * behind it when there is one. */
void efi_nic_env(struct efi_boot *b, struct attach_env *ae)
{
	struct efi_native *n = &b->native;

	b->fw.auto_fw = EFI_NIC_AUTO_FW;
	if (!n->pci_handle)
		return;
	b->fw.identify = efi_nic_identify;
	b->fw.native_failed = efi_nic_native_failed;
	b->fw.ctx = b;
	b->fw.identify_what = "SNP station address";
	ae->nics = &n->cand;
	ae->n_nics = 1;
	ae->nic_make = efi_nic_make;
	ae->nic_ctx = b;
}

/* ExitBootServices: the native device stops mastering and resets; no
 * frame is sent (the OS's initiator logs in anew). */
void efi_nic_halt(struct efi_boot *b)
{
	if (b->at.np.nd)
		nicprobe_halt(&b->at.np);
}
