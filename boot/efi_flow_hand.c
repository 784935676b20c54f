/* boot/efi_flow_hand.c - what the UEFI flow leaves for the OS and how it
 * lets go: the iBFT as an ACPI table (EFI_ACPI_TABLE_PROTOCOL, the same
 * builder as on BIOS, PCI location from the NIC's PciIo) and the
 * ExitBootServices notification after which lifeline touches neither
 * the NIC nor the session. */
#include "boot/efi_flow_int.h"
#include "boot/ibft.h"
#include "platform/efi/efi_acpi_table.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

static EFI_GUID guid_acpi_table = LL_EFI_ACPI_TABLE_GUID;
static EFI_GUID guid_pci_io = EFI_PCI_IO_PROTOCOL_GUID;

/* The NIC's segment:bus:device.function, when a PciIo lies on its path. */
static void efi_ibft_pci(struct efi_boot *b, struct ibft_info *in)
{
	EFI_HANDLE h = NULL;
	EFI_PCI_IO *pci;
	UINTN seg = 0, bus = 0, dev = 0, fn = 0;

	if (b->at.np.nd) {               /* native driver: we know the function */
		in->pci_known = 1;
		in->pci_bus = b->at.np.pci.bus;
		in->pci_dev = b->at.np.pci.dev;
		in->pci_fn = b->at.np.pci.fn;
		return;
	}
	pci = efi_proto_near(b, b->nic, &guid_pci_io, &h);
	if (!pci || pci->GetLocation(pci, &seg, &bus, &dev, &fn) != EFI_SUCCESS ||
	    seg != 0 || bus > 0xff || dev > 31 || fn > 7)
		return;                  /* the table's NIC has no segment field */
	in->pci_known = 1;
	in->pci_bus = (uint8_t)bus;
	in->pci_dev = (uint8_t)dev;
	in->pci_fn = (uint8_t)fn;
}

/* Without an iBFT the OS cannot log in by itself: reported, but the
 * loader still starts (it may not need the OS's own initiator). */
int efi_ibft_install(struct efi_boot *b)
{
	struct ll_efi_acpi_table *t = NULL;
	struct ibft_info in;
	UINTN key = 0;
	int len;

	if (b->bs->LocateProtocol(&guid_acpi_table, NULL, (void **)&t) !=
	    EFI_SUCCESS || !t)
		return attach_fail(LL_ENOTSUP, "no ACPI Table protocol: no iBFT for the OS");
	ibft_info_from_attach(&in, &b->at);
	efi_ibft_pci(b, &in);
	len = ibft_build(b->ibft, sizeof(b->ibft), &in);
	if (len < 0)
		return attach_fail(len, "iBFT");
	if (t->InstallAcpiTable(t, b->ibft, (UINTN)len, &key) != EFI_SUCCESS)
		return attach_fail(LL_EIO, "installing the iBFT ACPI table");
	b->acpi = t;
	b->ibft_key = key;
	if (in.pci_known)
		ll_printf("lifeline: iBFT installed as an ACPI table (%d bytes), NIC PCI %02x:%02x.%u\n",
			  len, in.pci_bus, in.pci_dev, in.pci_fn);
	else
		ll_printf("lifeline: iBFT installed as an ACPI table (%d bytes), NIC PCI location unknown\n",
			  len);
	return 0;
}

void efi_ibft_remove(struct efi_boot *b)
{
	if (b->acpi && b->acpi->UninstallAcpiTable(b->acpi, b->ibft_key) != EFI_SUCCESS)
		ll_printf("lifeline: E%d %s: removing the iBFT ACPI table\n",
			  -LL_EIO, ll_strerror(LL_EIO));
	b->acpi = NULL;
}

/* TPL_NOTIFY, boot services ending: no network I/O, no firmware call that
 * allocates; the disk answers EFI_NO_MEDIA from now on, nothing prints. */
static void EFIAPI efi_on_exit_bs(EFI_EVENT ev, void *ctx)
{
	struct efi_boot *b = ctx;

	(void)ev;
	b->exited = 1;
	efi_disk_gone(&b->disk);
	efi_nic_halt(b);
	if (b->env->on_exit_bs)
		b->env->on_exit_bs();
}

int efi_exit_bs_arm(struct efi_boot *b)
{
	if (b->bs->CreateEvent(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_NOTIFY,
			       efi_on_exit_bs, b, &b->ebs_event) != EFI_SUCCESS)
		return attach_fail(LL_EIO, "ExitBootServices event");
	ll_printf("lifeline: at ExitBootServices lifeline lets go of the NIC and the session; the OS logs in again from the iBFT\n");
	return 0;
}

void efi_exit_bs_disarm(struct efi_boot *b)
{
	if (b->ebs_event)
		(void)b->bs->CloseEvent(b->ebs_event);
	b->ebs_event = NULL;
}
