/* arch/x86/pcidev.c - struct pcidev on real hardware for the native NIC
 * drivers: config space through mechanism #1, memory BARs as identity-
 * mapped MMIO, I/O BARs as ports, DMA at the identity address, udelay on
 * the TSC clock, mfence; and the list of network functions on the bus. */
#include "arch/x86/elf_entry.h"
#include "arch/x86/io.h"
#include "arch/x86/pci.h"
#include "lib/err.h"
#include "lib/mem.h"

#define PCI_CLASS_NETWORK 0x02
#define BAR_IO 0x1
#define BAR_MEM_TYPE 0x6
#define BAR_MEM_64 0x4
#define PCI_CFG_SPACE 256
#define BAR_MAP_LEN (2ull << 20)

static struct x86_pcidev_ctx *ctx_of(struct pcidev *p)
{
	return p->priv;
}

static struct pci_addr addr_of(const struct x86_pcidev_ctx *x)
{
	struct pci_addr a = { x->bus, x->dev, x->fn };
	return a;
}

static uint32_t cfg_read32(struct pcidev *p, uint16_t off)
{
	if (off >= PCI_CFG_SPACE || (off & 3))
		return 0xffffffffu;
	return pci_read32(addr_of(ctx_of(p)), (uint8_t)off);
}

static void cfg_write32(struct pcidev *p, uint16_t off, uint32_t v)
{
	if (off < PCI_CFG_SPACE && !(off & 3))
		pci_write32(addr_of(ctx_of(p)), (uint8_t)off, v);
}

/* MMIO address or port of bar + off; is_io says which. */
static uint64_t bar_at(struct pcidev *p, int bar, uint32_t off, int *is_io)
{
	struct x86_pcidev_ctx *x = ctx_of(p);
	if (bar < 0 || bar > 5)
		bar = 0;
	*is_io = x->bar_io[bar];
	return x->bar[bar] + off;
}

static uint32_t bar_read32(struct pcidev *p, int bar, uint32_t off)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	return io ? inl((uint16_t)a) : *(volatile uint32_t *)(uintptr_t)a;
}

static void bar_write32(struct pcidev *p, int bar, uint32_t off, uint32_t v)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	if (io)
		outl((uint16_t)a, v);
	else
		*(volatile uint32_t *)(uintptr_t)a = v;
}

static uint16_t bar_read16(struct pcidev *p, int bar, uint32_t off)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	return io ? inw((uint16_t)a) : *(volatile uint16_t *)(uintptr_t)a;
}

static void bar_write16(struct pcidev *p, int bar, uint32_t off, uint16_t v)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	if (io)
		outw((uint16_t)a, v);
	else
		*(volatile uint16_t *)(uintptr_t)a = v;
}

static uint8_t bar_read8(struct pcidev *p, int bar, uint32_t off)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	return io ? inb((uint16_t)a) : *(volatile uint8_t *)(uintptr_t)a;
}

static void bar_write8(struct pcidev *p, int bar, uint32_t off, uint8_t v)
{
	int io;
	uint64_t a = bar_at(p, bar, off, &io);
	if (io)
		outb((uint16_t)a, v);
	else
		*(volatile uint8_t *)(uintptr_t)a = v;
}

static uint64_t dma_addr(struct pcidev *p, const void *va)
{
	(void)p;
	return (uint64_t)(uintptr_t)va;
}

/* Both entries map the first 4 GiB one to one; a ROM's buffers are there. */
static void *dma_va(struct pcidev *p, uint64_t bus)
{
	(void)p;
	return bus < (1ull << 32) ? (void *)(uintptr_t)bus : NULL;
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
	__asm__ volatile("mfence" : : : "memory");
}

static const struct pcidev_ops x86_pcidev_ops = {
	cfg_read32, cfg_write32, bar_read32, bar_write32, bar_read16,
	bar_write16, bar_read8, bar_write8, dma_addr, dma_va, udelay, mb,
};

/* Decode the six BARs (a 64-bit memory BAR takes two slots). */
static void bars_decode(struct x86_pcidev_ctx *x)
{
	struct pci_addr a = addr_of(x);
	for (int i = 0; i < 6; i++) {
		uint32_t v = pci_read32(a, (uint8_t)(PCI_CFG_BAR0 + 4 * i));
		x->bar_io[i] = (uint8_t)(v & BAR_IO);
		if (v & BAR_IO) {
			x->bar[i] = v & ~3u;
			continue;
		}
		x->bar[i] = v & ~0xfu;
		if ((v & BAR_MEM_TYPE) == BAR_MEM_64 && i < 5) {
			uint32_t hi = pci_read32(a, (uint8_t)(PCI_CFG_BAR0 +
							      4 * (i + 1)));
			x->bar[i] |= (uint64_t)hi << 32;
			x->bar[++i] = 0;
			x->bar_io[i] = 0;
		}
	}
}

/* Memory BARs beyond the identity map (UEFI puts 64-bit ones far above
 * RAM) mapped too: the naturally aligned 2 MiB around each base, which
 * holds any NIC register BAR (they are 2 MiB at most). */
static int bars_map(const struct x86_pcidev_ctx *x)
{
	for (int i = 0; i < 6; i++) {
		if (x->bar_io[i] || !x->bar[i])
			continue;
		int rc = x86_paging_map_more(x->bar[i] & ~(BAR_MAP_LEN - 1),
					     BAR_MAP_LEN);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int x86_pcidev_make(void *ctx, const struct nic_candidate *c,
		    struct pcidev *out)
{
	struct x86_pcidev_ctx *x = ctx;
	x->bus = c->bus;
	x->dev = c->dev;
	x->fn = c->fn;
	bars_decode(x);
	int rc = bars_map(x);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->ops = &x86_pcidev_ops;
	out->priv = x;
	out->vendor = c->vendor;
	out->device = c->device;
	out->bus = c->bus;
	out->dev = c->dev;
	out->fn = c->fn;
	out->dma_mem = x->dma;
	out->dma_size = x->dma_size;
	return 0;
}

struct nic_list {
	struct nic_candidate *out;
	size_t n, max;
};

static int nic_add(void *ctx, struct pci_addr a, uint32_t id)
{
	struct nic_list *l = ctx;
	if ((pci_read32(a, 0x08) >> 24) != PCI_CLASS_NETWORK || l->n >= l->max)
		return 0;
	struct nic_candidate *c = &l->out[l->n++];
	c->vendor = (uint16_t)id;
	c->device = (uint16_t)(id >> 16);
	c->bus = a.bus;
	c->dev = a.dev;
	c->fn = a.fn;
	return 0;
}

size_t x86_nic_candidates(struct nic_candidate *out, size_t max)
{
	struct nic_list l = { out, 0, max };
	pci_each(nic_add, &l);
	return l.n;
}
