/* arch/x86/pci.h - PCI configuration space through mechanism #1 (ports
 * 0xCF8 / 0xCFC): read and write by bus, device, function, offset. */
#ifndef ARCH_X86_PCI_H
#define ARCH_X86_PCI_H
#include <stdint.h>

struct pci_addr {
	uint8_t bus, dev, fn;
};

uint32_t pci_read32(struct pci_addr a, uint8_t off);
uint16_t pci_read16(struct pci_addr a, uint8_t off);
uint8_t pci_read8(struct pci_addr a, uint8_t off);
void pci_write32(struct pci_addr a, uint8_t off, uint32_t v);
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v);
/* Walk every bus/device/function whose vendor ID is not 0xFFFF; fn
 * returns non-zero to stop (the value is returned). */
int pci_each(int (*fn)(void *ctx, struct pci_addr a, uint32_t id),
	     void *ctx);

#endif
