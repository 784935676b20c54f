/* drivers/net/efi_pci.c - struct pcidev over EFI_PCI_IO_PROTOCOL: each
 * config or register access is one PciIo call (the firmware's own path to
 * the function), DMA at the bus address PciIo->Map gave the buffer. */
#include "drivers/net/efi_pci.h"
#include "lib/err.h"
#include "lib/mem.h"

#define BAR_IO 0x1
#define BAR_MEM_TYPE 0x6
#define BAR_MEM_64 0x4
#define PCI_CFG_SPACE 256

static struct efi_pci *ctx_of(struct pcidev *p)
{
	return p->priv;
}

static uint32_t cfg_read32(struct pcidev *p, uint16_t off)
{
	EFI_PCI_IO *io = ctx_of(p)->io;
	UINT32 v = 0xffffffffu;

	if (off >= PCI_CFG_SPACE || (off & 3) ||
	    io->Pci.Read(io, EfiPciIoWidthUint32, off, 1, &v) != EFI_SUCCESS)
		return 0xffffffffu;
	return v;
}

static void cfg_write32(struct pcidev *p, uint16_t off, uint32_t v)
{
	EFI_PCI_IO *io = ctx_of(p)->io;
	UINT32 w = v;

	if (off < PCI_CFG_SPACE && !(off & 3))
		(void)io->Pci.Write(io, EfiPciIoWidthUint32, off, 1, &w);
}

/* One register access of width w at bar + off; reads return all ones
 * when the firmware refuses (a bad BAR), as a missing device would. */
static uint64_t bar_rw(struct pcidev *p, int bar, uint32_t off,
		       EFI_PCI_IO_PROTOCOL_WIDTH w, int write, uint64_t v)
{
	struct efi_pci *x = ctx_of(p);
	EFI_PCI_IO_PROTOCOL_ACCESS *a;
	uint64_t buf = write ? v : ~0ull;

	if (bar < 0 || bar > 5)
		bar = 0;
	a = x->bar_io[bar] ? &x->io->Io : &x->io->Mem;
	if (write)
		(void)a->Write(x->io, w, (UINT8)bar, off, 1, &buf);
	else if (a->Read(x->io, w, (UINT8)bar, off, 1, &buf) != EFI_SUCCESS)
		buf = ~0ull;
	return buf;
}

static uint32_t bar_read32(struct pcidev *p, int bar, uint32_t off)
{
	return (uint32_t)bar_rw(p, bar, off, EfiPciIoWidthUint32, 0, 0);
}

static void bar_write32(struct pcidev *p, int bar, uint32_t off, uint32_t v)
{
	(void)bar_rw(p, bar, off, EfiPciIoWidthUint32, 1, v);
}

static uint16_t bar_read16(struct pcidev *p, int bar, uint32_t off)
{
	return (uint16_t)bar_rw(p, bar, off, EfiPciIoWidthUint16, 0, 0);
}

static void bar_write16(struct pcidev *p, int bar, uint32_t off, uint16_t v)
{
	(void)bar_rw(p, bar, off, EfiPciIoWidthUint16, 1, v);
}

static uint8_t bar_read8(struct pcidev *p, int bar, uint32_t off)
{
	return (uint8_t)bar_rw(p, bar, off, EfiPciIoWidthUint8, 0, 0);
}

static void bar_write8(struct pcidev *p, int bar, uint32_t off, uint8_t v)
{
	(void)bar_rw(p, bar, off, EfiPciIoWidthUint8, 1, v);
}

/* Bus address of driver memory: inside the mapped buffer only (the
 * drivers keep every ring and buffer there). */
static uint64_t dma_addr(struct pcidev *p, const void *va)
{
	struct efi_pci *x = ctx_of(p);
	const uint8_t *b = va;

	if (b >= x->dma && b < x->dma + x->dma_size)
		return x->dma_bus + (uint64_t)(b - x->dma);
	return (uint64_t)(uintptr_t)va;       /* not expected: identity */
}

static void udelay(struct pcidev *p, uint32_t us)
{
	const struct ll_clock *c = ctx_of(p)->clock;
	uint64_t end = ll_now(c) + us;

	while (ll_now(c) < end)
		__asm__ volatile("pause");
}

static void mb(struct pcidev *p)
{
	(void)p;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* No dma_va: what a previous driver left in the device points at memory
 * it gave back when it was disconnected, never to be continued. */
static const struct pcidev_ops efi_pci_ops = {
	cfg_read32, cfg_write32, bar_read32, bar_write32, bar_read16,
	bar_write16, bar_read8, bar_write8, dma_addr, NULL, udelay, mb,
};

static void bars_decode(struct efi_pci *x, struct pcidev *p)
{
	for (int i = 0; i < 6; i++) {
		uint32_t v = cfg_read32(p, (uint16_t)(PCI_CFG_BAR0 + 4 * i));

		x->bar_io[i] = (uint8_t)(v & BAR_IO);
		if (!(v & BAR_IO) && (v & BAR_MEM_TYPE) == BAR_MEM_64 && i < 5)
			x->bar_io[++i] = 0;   /* upper half of a 64-bit BAR */
	}
}

int efi_pci_make(struct efi_pci *x, struct pcidev *out)
{
	UINTN seg = 0, bus = 0, dev = 0, fn = 0;
	uint32_t id;

	memset(out, 0, sizeof(*out));
	out->ops = &efi_pci_ops;
	out->priv = x;
	id = cfg_read32(out, PCI_CFG_VENDOR);
	if (id == 0xffffffffu ||
	    x->io->GetLocation(x->io, &seg, &bus, &dev, &fn) != EFI_SUCCESS)
		return LL_EIO;
	out->vendor = (uint16_t)id;
	out->device = (uint16_t)(id >> 16);
	out->bus = (uint8_t)bus;
	out->dev = (uint8_t)dev;
	out->fn = (uint8_t)fn;
	out->dma_mem = x->dma;
	out->dma_size = x->dma_size;
	bars_decode(x, out);
	return 0;
}
