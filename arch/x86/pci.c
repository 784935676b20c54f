/* arch/x86/pci.c - PCI configuration mechanism #1 and a bus walk. */
#include "arch/x86/pci.h"
#include "arch/x86/io.h"

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc

static void pci_select(struct pci_addr a, uint8_t off)
{
	outl(PCI_ADDR_PORT, 0x80000000u | ((uint32_t)a.bus << 16) |
	     ((uint32_t)(a.dev & 31) << 11) | ((uint32_t)(a.fn & 7) << 8) |
	     (off & 0xfc));
}

uint32_t pci_read32(struct pci_addr a, uint8_t off)
{
	pci_select(a, off);
	return inl(PCI_DATA_PORT);
}

uint16_t pci_read16(struct pci_addr a, uint8_t off)
{
	pci_select(a, off);
	return inw((uint16_t)(PCI_DATA_PORT + (off & 2)));
}

uint8_t pci_read8(struct pci_addr a, uint8_t off)
{
	pci_select(a, off);
	return inb((uint16_t)(PCI_DATA_PORT + (off & 3)));
}

void pci_write32(struct pci_addr a, uint8_t off, uint32_t v)
{
	pci_select(a, off);
	outl(PCI_DATA_PORT, v);
}

void pci_write16(struct pci_addr a, uint8_t off, uint16_t v)
{
	pci_select(a, off);
	outw((uint16_t)(PCI_DATA_PORT + (off & 2)), v);
}

int pci_each(int (*fn)(void *ctx, struct pci_addr a, uint32_t id),
	     void *ctx)
{
	for (unsigned bus = 0; bus < 256; bus++) {
		for (unsigned dev = 0; dev < 32; dev++) {
			for (unsigned f = 0; f < 8; f++) {
				struct pci_addr a = { (uint8_t)bus,
						      (uint8_t)dev,
						      (uint8_t)f };
				uint32_t id = pci_read32(a, 0);
				if ((id & 0xffff) == 0xffff) {
					if (f == 0)
						break;
					continue;
				}
				int rc = fn(ctx, a, id);
				if (rc)
					return rc;
				/* single-function device: skip 1..7 */
				if (f == 0 &&
				    !(pci_read8(a, 0x0e) & 0x80))
					break;
			}
		}
	}
	return 0;
}
