/* drivers/net/efi_pci.h - struct pcidev over the firmware's
 * EFI_PCI_IO_PROTOCOL (UEFI): config space, BARs (memory or I/O, as the
 * BAR says) and the DMA buffer's bus address all through PciIo, so the
 * native NIC drivers run under UEFI once the flow owns the function. */
#ifndef DRIVERS_NET_EFI_PCI_H
#define DRIVERS_NET_EFI_PCI_H
#include <stddef.h>
#include <stdint.h>
#include "platform/efi/efi.h"
#include "lib/clock.h"
#include "net/pcidev.h"

struct efi_pci {
	EFI_PCI_IO *io;
	const struct ll_clock *clock;
	uint8_t bar_io[6];            /* 1: an I/O BAR */
	uint8_t *dma;                 /* host address of the DMA buffer */
	uint64_t dma_bus;             /* its bus address (PciIo->Map) */
	size_t dma_size;
};

/* out over x: vendor/device and the location read through x->io, BARs
 * decoded, dma / dma_bus / dma_size as the caller mapped them (bus
 * addresses are dma_bus + the offset into dma; memory elsewhere has
 * none). 0, or LL_EIO when PciIo does not answer. */
int efi_pci_make(struct efi_pci *x, struct pcidev *out);

#endif
