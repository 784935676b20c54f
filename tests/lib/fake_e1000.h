/* tests/lib/fake_e1000.h - a device model of the 8254x/82574 for unit
 * tests: struct pcidev ops over a register file in host memory; consumes
 * legacy TX descriptors (recording frames) and fills posted RX descriptors
 * (a frame with none free is dropped and counted in MPC and RNBC).
 * DMA addresses are host pointers. Header-only, one model per test. */
#ifndef TESTS_FAKE_E1000_H
#define TESTS_FAKE_E1000_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "net/pcidev.h"
#include "net/netdev.h"
#include "drivers/net/e1000.h"
#include "drivers/net/e1000_regs.h"

#define FE_MAX_FRAMES 256

struct fe_frame {
	uint8_t data[2048];
	size_t len;
	uint64_t addr;            /* DMA address the frame was read from */
};

struct fake_e1000 {
	struct pcidev pci;
	uint32_t cfg[64];
	uint32_t regs[E1000_REGS_SIZE / 4];
	uint16_t eeprom[64];
	int e1000e;               /* EERD layout of the 82574 */
	int ral_invalid;          /* after reset RAL/RAH hold no valid MAC */
	int rst_reads;            /* CTRL reads before RST clears */
	int rst_stuck;            /* RST never clears */
	int link_never;           /* STATUS.LU never set */
	int tx_hold;              /* do not consume TX descriptors */
	unsigned resets;
	unsigned rctl_writes;     /* QEMU pauses receive 1 s after each */
	unsigned tdt_writes;      /* TX doorbells */
	uint64_t udelay_total;
	struct fe_frame tx[FE_MAX_FRAMES];
	unsigned tx_n;
	size_t tx_acc;            /* bytes of a frame without EOP yet */
	unsigned rx_missed;       /* deliveries with no descriptor free */
	uint8_t *dma;
};

static uint32_t *fe_reg(struct fake_e1000 *f, uint32_t off)
{
	if (off >= E1000_REGS_SIZE || (off & 3))
		abort();
	return &f->regs[off / 4];
}

/* What a reset loads: MAC from the EEPROM into RAL0/RAH0, all else 0. */
static void fe_reset(struct fake_e1000 *f)
{
	const uint16_t *w = f->eeprom;
	memset(f->regs, 0, sizeof(f->regs));
	if (!f->ral_invalid) {
		f->regs[E1000_RAL0 / 4] = w[0] | (uint32_t)w[1] << 16;
		f->regs[E1000_RAH0 / 4] = w[2] | E1000_RAH_AV;
	}
	f->regs[E1000_CTRL / 4] = E1000_CTRL_RST; /* clears after reads */
	f->resets++;
}

static void *fe_ptr(uint32_t lo, uint32_t hi)
{
	return (void *)(uintptr_t)((uint64_t)hi << 32 | lo);
}

static void fe_do_tx(struct fake_e1000 *f)
{
	uint32_t n = f->regs[E1000_TDLEN / 4] / 16;
	struct e1000_tx_desc *ring = fe_ptr(f->regs[E1000_TDBAL / 4],
					    f->regs[E1000_TDBAH / 4]);
	uint32_t *h = fe_reg(f, E1000_TDH), t = f->regs[E1000_TDT / 4];

	if (f->tx_hold || !(f->regs[E1000_TCTL / 4] & E1000_TCTL_EN) || !n)
		return;
	while (*h != t) {
		struct e1000_tx_desc *d = &ring[*h];
		struct fe_frame *fr = &f->tx[f->tx_n % FE_MAX_FRAMES];
		if (f->tx_acc + d->length > sizeof(fr->data))
			abort();
		if (f->tx_acc == 0)
			fr->addr = d->addr;
		memcpy(fr->data + f->tx_acc, (void *)(uintptr_t)d->addr, d->length);
		f->tx_acc += d->length;
		if (d->cmd & E1000_TXD_CMD_EOP) {
			fr->len = f->tx_acc;
			f->tx_acc = 0;
			f->tx_n++;
		}
		if (d->cmd & E1000_TXD_CMD_RS)
			d->status |= E1000_TXD_STAT_DD;
		*h = (*h + 1) % n;
	}
}

static uint32_t fe_read32(struct pcidev *p, int bar, uint32_t off)
{
	struct fake_e1000 *f = p->priv;
	uint32_t v;

	if (bar != 0)
		abort();
	v = *fe_reg(f, off);
	if (off == E1000_CTRL && (v & E1000_CTRL_RST) && !f->rst_stuck &&
	    f->rst_reads-- <= 0)
		f->regs[0] &= ~E1000_CTRL_RST;
	if (off == E1000_ICR || off == E1000_MPC || off == E1000_RNBC)
		f->regs[off / 4] = 0;          /* clear on read */
	if (off == E1000_STATUS && !f->link_never &&
	    (f->regs[E1000_CTRL / 4] & E1000_CTRL_SLU))
		v |= E1000_STATUS_LU;
	return v;
}

static void fe_eerd(struct fake_e1000 *f, uint32_t v)
{
	uint32_t done = f->e1000e ? E1000_EERD_DONE_82574 : E1000_EERD_DONE_8254X;
	unsigned shift = f->e1000e ? E1000_EERD_ADDR_82574 : E1000_EERD_ADDR_8254X;
	unsigned addr = (v >> shift) & (f->e1000e ? 0x3fff : 0xff);

	if (!(v & E1000_EERD_START)) {
		f->regs[E1000_EERD / 4] = v;
		return;
	}
	f->regs[E1000_EERD / 4] = (v & ~done) | done |
		(uint32_t)(addr < 64 ? f->eeprom[addr] : 0xffff) << 16;
}

static void fe_write32(struct pcidev *p, int bar, uint32_t off, uint32_t v)
{
	struct fake_e1000 *f = p->priv;

	if (bar != 0)
		abort();
	if (off == E1000_CTRL && (v & E1000_CTRL_RST)) {
		fe_reset(f);
		return;
	}
	if (off == E1000_IMC) {
		f->regs[E1000_IMS / 4] &= ~v;
		return;
	}
	if (off == E1000_IMS) {
		f->regs[E1000_IMS / 4] |= v;
		return;
	}
	if (off == E1000_EERD) {
		fe_eerd(f, v);
		return;
	}
	*fe_reg(f, off) = v;
	if (off == E1000_RCTL)
		f->rctl_writes++;
	if (off == E1000_TDT) {
		f->tdt_writes++;
		fe_do_tx(f);
	}
}

static uint32_t fe_cfg_read32(struct pcidev *p, uint16_t off)
{
	return ((struct fake_e1000 *)p->priv)->cfg[(off & 0xff) / 4];
}

static void fe_cfg_write32(struct pcidev *p, uint16_t off, uint32_t v)
{
	struct fake_e1000 *f = p->priv;
	if (off == PCI_CFG_COMMAND) /* status half is write-1-to-clear */
		v = (v & 0xffff) | (f->cfg[1] & ~v & 0xffff0000u);
	f->cfg[(off & 0xff) / 4] = v;
}

static uint16_t fe_read16(struct pcidev *p, int b, uint32_t o) { (void)p; (void)b; (void)o; abort(); }
static void fe_write16(struct pcidev *p, int b, uint32_t o, uint16_t v) { (void)p; (void)b; (void)o; (void)v; abort(); }
static uint8_t fe_read8(struct pcidev *p, int b, uint32_t o) { (void)p; (void)b; (void)o; abort(); }
static void fe_write8(struct pcidev *p, int b, uint32_t o, uint8_t v) { (void)p; (void)b; (void)o; (void)v; abort(); }
static uint64_t fe_dma_addr(struct pcidev *p, const void *va) { (void)p; return (uint64_t)(uintptr_t)va; }
static void *fe_dma_va(struct pcidev *p, uint64_t bus) { (void)p; return (void *)(uintptr_t)bus; }
static void fe_udelay(struct pcidev *p, uint32_t us) { ((struct fake_e1000 *)p->priv)->udelay_total += us; }
static void fe_mb(struct pcidev *p) { (void)p; __sync_synchronize(); }

static const struct pcidev_ops fe_ops = {
	fe_cfg_read32, fe_cfg_write32, fe_read32, fe_write32, fe_read16,
	fe_write16, fe_read8, fe_write8, fe_dma_addr, fe_dma_va, fe_udelay, fe_mb,
};

/* A device as a dead OS might leave it: interrupts enabled, RX/TX on,
 * rings pointing at memory that is not ours, bus mastering on. */
static void fake_e1000_init(struct fake_e1000 *f, uint16_t device, size_t dma_size)
{
	static const uint16_t mac_words[3] = { 0x5452, 0x1200, 0x5634 };
	memset(f, 0, sizeof(*f));
	f->e1000e = device == 0x10d3;
	memcpy(f->eeprom, mac_words, sizeof(mac_words)); /* 52:54:00:12:34:56 */
	f->dma = malloc(dma_size); /* unaligned on purpose: the driver aligns */
	memset(f->dma, 0xa5, dma_size);
	f->pci.ops = &fe_ops;
	f->pci.priv = f;
	f->pci.vendor = 0x8086;
	f->pci.device = device;
	f->pci.dma_mem = f->dma;
	f->pci.dma_size = dma_size;
	f->cfg[0] = 0x8086u | (uint32_t)device << 16;
	f->cfg[1] = 0x00100007u; /* status: caps; IO|MEM|MASTER */
	fe_reset(f);
	f->regs[0] = E1000_CTRL_SLU;
	f->regs[E1000_IMS / 4] = 0x1f6df;
	f->regs[E1000_RCTL / 4] = E1000_RCTL_EN | E1000_RCTL_UPE;
	f->regs[E1000_TCTL / 4] = E1000_TCTL_EN;
	f->regs[E1000_RDBAL / 4] = 0x12345000;
	f->regs[E1000_TDBAL / 4] = 0x23456000;
	f->regs[E1000_RDLEN / 4] = 4096;
	f->regs[E1000_RDH / 4] = 17;
	f->regs[E1000_RDT / 4] = 16;
}

static void fake_e1000_free(struct fake_e1000 *f) { free(f->dma); }

/* Deliver a frame into the next posted RX descriptor with the given status
 * and error bits; returns 0, or -1 when the ring has no free descriptor. */
static int fake_e1000_rx(struct fake_e1000 *f, const void *frame, size_t len,
			 uint8_t status, uint8_t errors)
{
	uint32_t n = f->regs[E1000_RDLEN / 4] / 16;
	struct e1000_rx_desc *ring = fe_ptr(f->regs[E1000_RDBAL / 4],
					    f->regs[E1000_RDBAH / 4]);
	uint32_t *h = fe_reg(f, E1000_RDH);
	struct e1000_rx_desc *d;

	if (!(f->regs[E1000_RCTL / 4] & E1000_RCTL_EN) || !n || len > 2048)
		abort();
	if (*h == f->regs[E1000_RDT / 4]) {  /* overrun: counted, dropped */
		f->rx_missed++;
		f->regs[E1000_MPC / 4]++;
		f->regs[E1000_RNBC / 4]++;
		return -1;
	}
	d = &ring[*h];
	memcpy((void *)(uintptr_t)d->addr, frame, len);
	d->length = (uint16_t)len;
	d->errors = errors;
	d->status = status | E1000_RXD_STAT_DD;
	*h = (*h + 1) % n;
	return 0;
}

#endif
