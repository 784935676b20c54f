/* tests/lib/fake_virtio.h - a virtio-net PCI device model for unit tests:
 * config space with an MSI-X and the virtio vendor capabilities, the legacy
 * register block in BAR 0 and the modern structures in BAR 4; consumes the
 * TX queue on notify (recording frames) and fills posted RX buffers. DMA
 * addresses are host pointers. Header-only, one model per test. */
#ifndef TESTS_FAKE_VIRTIO_H
#define TESTS_FAKE_VIRTIO_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "net/pcidev.h"
#include "drivers/net/virtio_proto.h"

#define FV_MAX_FRAMES 256
#define FV_MODERN_BAR 4
#define FV_ISR_OFF    0x1000
#define FV_DEV_OFF    0x2000
#define FV_NOTIFY_OFF 0x3000
#define FV_NOTIFY_MUL 4

struct fv_queue {
	uint16_t max, size, enable, noff;
	uint64_t desc, drv, dev;
	uint16_t last_avail;
	unsigned notifies;
	uint16_t notified_idx;    /* avail->idx seen by the last doorbell */
};

struct fv_frame {
	uint8_t data[2048];
	size_t len;
};

struct fake_virtio {
	struct pcidev pci;
	uint8_t cfg[256];
	int msix_locked;          /* MSI-X enable bit cannot be cleared */
	int reset_reads;          /* status reads still nonzero after reset */
	int refuse_features_ok;   /* FEATURES_OK does not stick */
	int tx_hold;              /* notify does not consume the TX queue */
	int tx_bh;                /* as QEMU: a TX doorbell sets NO_NOTIFY and
				   * leaves the work to fake_virtio_tx_bh */
	int tx_bh_due;            /* a doorbell is waiting for the bh */
	int bh_in_udelay;         /* a due bh runs while the driver waits */
	unsigned udelays;         /* udelay calls */
	uint8_t status, isr, cfggen;
	uint64_t dev_features, drv_features;
	uint32_t dfsel, gfsel;
	uint16_t qsel, msix_cfg;
	struct fv_queue q[2];
	uint8_t mac[6];
	unsigned resets, early_notify, hdr_nonzero, rx_dropped;
	struct fv_frame tx[FV_MAX_FRAMES];
	unsigned tx_n;
	uint8_t *dma;
	size_t dma_size;
};

static int fv_msix_on(struct fake_virtio *f)
{
	return f->cfg[0x43] & 0x80;
}

static size_t fv_hdr(struct fake_virtio *f)
{
	return (f->drv_features >> VIRTIO_F_VERSION_1) & 1 ? VIRTIO_NET_HDR_V1
							   : VIRTIO_NET_HDR_LEGACY;
}

static void fv_reset(struct fake_virtio *f)
{
	int i;
	f->status = 0;
	f->drv_features = 0;
	f->isr = 0;
	for (i = 0; i < 2; i++) {
		f->q[i].size = f->q[i].max;
		f->q[i].enable = 0;
		f->q[i].desc = f->q[i].drv = f->q[i].dev = 0;
		f->q[i].last_avail = 0;
	}
	f->resets++;
}

/* Legacy ring placement from a page frame number. */
static void fv_legacy_pfn(struct fake_virtio *f, uint32_t pfn)
{
	struct fv_queue *q = &f->q[f->qsel & 1];
	q->desc = (uint64_t)pfn << 12;
	q->drv = q->desc + 16u * q->size;
	q->dev = (q->drv + 6 + 2u * q->size + 4095) & ~(uint64_t)4095;
	q->enable = pfn != 0;
}

static void fv_consume_tx(struct fake_virtio *f)
{
	struct fv_queue *q = &f->q[1];
	struct virtq_desc *d = (void *)(uintptr_t)q->desc;
	struct virtq_avail *a = (void *)(uintptr_t)q->drv;
	struct virtq_used *u = (void *)(uintptr_t)q->dev;
	size_t hl = fv_hdr(f), i;

	while (q->last_avail != a->idx) {
		uint16_t head = a->ring[q->last_avail % q->size], id = head;
		uint8_t tmp[4096];
		size_t n = 0;
		int hops = 0;
		for (;;) {
			if (id >= q->size || hops++ > q->size || n + d[id].len > sizeof(tmp))
				abort();
			memcpy(tmp + n, (void *)(uintptr_t)d[id].addr, d[id].len);
			n += d[id].len;
			if (!(d[id].flags & VIRTQ_DESC_F_NEXT))
				break;
			id = d[id].next;
		}
		for (i = 0; i < hl && i < n; i++)
			if (tmp[i])
				f->hdr_nonzero++;
		if (n < hl)
			abort();
		memcpy(f->tx[f->tx_n % FV_MAX_FRAMES].data, tmp + hl, n - hl);
		f->tx[f->tx_n % FV_MAX_FRAMES].len = n - hl;
		f->tx_n++;
		u->ring[u->idx % q->size].id = head;
		u->ring[u->idx % q->size].len = 0;
		u->idx++;
		q->last_avail++;
	}
}

static struct virtq_used *fv_used(struct fake_virtio *f, int qi)
{
	return (void *)(uintptr_t)f->q[qi].dev;
}

static void fv_notify(struct fake_virtio *f, uint16_t qi)
{
	if (qi > 1)
		abort();
	f->q[qi].notifies++;
	if (f->q[qi].drv)
		f->q[qi].notified_idx = ((struct virtq_avail *)(uintptr_t)f->q[qi].drv)->idx;
	if (!(f->status & VIRTIO_STATUS_DRIVER_OK)) {
		f->early_notify++;
	} else if (qi == 1 && f->tx_bh) {
		fv_used(f, 1)->flags |= VIRTQ_USED_F_NO_NOTIFY;
		f->tx_bh_due = 1;
	} else if (qi == 1 && !f->tx_hold) {
		fv_consume_tx(f);
	}
}

/* The deferred TX work of tx_bh mode: drain the ring, let doorbells in
 * again, then look once more (QEMU's order, so nothing is missed). */
static inline void fake_virtio_tx_bh(struct fake_virtio *f)
{
	f->tx_bh_due = 0;
	fv_consume_tx(f);
	fv_used(f, 1)->flags &= (uint16_t)~VIRTQ_USED_F_NO_NOTIFY;
	fv_consume_tx(f);
}

static uint8_t fv_status_read(struct fake_virtio *f)
{
	if (f->reset_reads > 0) {
		f->reset_reads--;
		return 0x0f;
	}
	return f->status;
}

static void fv_status_write(struct fake_virtio *f, uint8_t v)
{
	if (v == 0) {
		fv_reset(f);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && f->refuse_features_ok)
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	f->status = v;
}

/* Legacy register block in BAR 0 (any access width). */
static uint32_t fv_legacy(struct fake_virtio *f, uint32_t off, int wr, uint32_t v)
{
	uint32_t cfg = fv_msix_on(f) ? VIRTIO_LEG_CONFIG_MSIX : VIRTIO_LEG_CONFIG;
	struct fv_queue *q = &f->q[f->qsel & 1];

	if (off >= cfg && off < cfg + 6)
		return wr ? 0 : f->mac[off - cfg];
	switch (off) {
	case VIRTIO_LEG_DEVICE_FEATURES: return (uint32_t)f->dev_features;
	case VIRTIO_LEG_GUEST_FEATURES:
		if (wr)
			f->drv_features = v;
		return (uint32_t)f->drv_features;
	case VIRTIO_LEG_QUEUE_PFN:
		if (wr)
			fv_legacy_pfn(f, v);
		return (uint32_t)(q->desc >> 12);
	case VIRTIO_LEG_QUEUE_SIZE: return q->max;
	case VIRTIO_LEG_QUEUE_SELECT:
		if (wr)
			f->qsel = (uint16_t)v;
		return f->qsel;
	case VIRTIO_LEG_QUEUE_NOTIFY:
		if (wr)
			fv_notify(f, (uint16_t)v);
		return 0;
	case VIRTIO_LEG_STATUS:
		if (wr)
			fv_status_write(f, (uint8_t)v);
		return fv_status_read(f);
	case VIRTIO_LEG_ISR: {
		uint8_t r = f->isr;
		f->isr = 0;
		return r;
	}
	}
	return 0;
}

static void fv_set64(uint64_t *p, uint32_t off, uint32_t v)
{
	if (off & 4)
		*p = (*p & 0xffffffffu) | (uint64_t)v << 32;
	else
		*p = (*p & ~(uint64_t)0xffffffffu) | v;
}

/* Modern common configuration structure. */
static uint32_t fv_common(struct fake_virtio *f, uint32_t off, int wr, uint32_t v)
{
	struct fv_queue *q = &f->q[f->qsel & 1];

	switch (off) {
	case VIRTIO_CC_DFSELECT: if (wr) f->dfsel = v; return f->dfsel;
	case VIRTIO_CC_DF: return f->dfsel < 2 ? (uint32_t)(f->dev_features >> (32 * f->dfsel)) : 0;
	case VIRTIO_CC_GFSELECT: if (wr) f->gfsel = v; return f->gfsel;
	case VIRTIO_CC_GF:
		if (wr && f->gfsel < 2)
			fv_set64(&f->drv_features, f->gfsel * 4, v);
		return 0;
	case VIRTIO_CC_MSIX: if (wr) f->msix_cfg = (uint16_t)v; return f->msix_cfg;
	case VIRTIO_CC_NUMQ: return 2;
	case VIRTIO_CC_STATUS:
		if (wr)
			fv_status_write(f, (uint8_t)v);
		return fv_status_read(f);
	case VIRTIO_CC_CFGGEN: return f->cfggen;
	case VIRTIO_CC_Q_SELECT: if (wr) f->qsel = (uint16_t)v; return f->qsel;
	case VIRTIO_CC_Q_SIZE:
		if (wr) {
			if (v > q->max || (v & (v - 1)))
				abort();
			q->size = (uint16_t)v;
		}
		return q->size;
	case VIRTIO_CC_Q_MSIX: return VIRTIO_MSI_NO_VECTOR;
	case VIRTIO_CC_Q_ENABLE: if (wr) q->enable = (uint16_t)v; return q->enable;
	case VIRTIO_CC_Q_NOFF: return q->noff;
	}
	if (off >= VIRTIO_CC_Q_DESC && off < VIRTIO_CC_Q_DESC + 24 && wr) {
		uint64_t *p = off < VIRTIO_CC_Q_DRIVER ? &q->desc :
			      off < VIRTIO_CC_Q_DEVICE ? &q->drv : &q->dev;
		fv_set64(p, off, v);
	}
	return 0;
}

static uint32_t fv_modern(struct fake_virtio *f, uint32_t off, int wr, uint32_t v)
{
	if (off < 0x38)
		return fv_common(f, off, wr, v);
	if (off == FV_ISR_OFF) {
		uint8_t r = f->isr;
		f->isr = 0;
		return r;
	}
	if (off >= FV_DEV_OFF && off < FV_DEV_OFF + 6)
		return wr ? 0 : f->mac[off - FV_DEV_OFF];
	if (off >= FV_NOTIFY_OFF && off < FV_NOTIFY_OFF + 0x1000 && wr) {
		uint16_t qi = (uint16_t)((off - FV_NOTIFY_OFF) / FV_NOTIFY_MUL);
		if (qi != (uint16_t)v || f->q[qi & 1].noff != qi)
			abort(); /* doorbell at the wrong place */
		fv_notify(f, (uint16_t)v);
	}
	return 0;
}

static uint32_t fv_access(struct pcidev *p, int bar, uint32_t off, int wr, uint32_t v)
{
	struct fake_virtio *f = p->priv;
	if (bar == 0)
		return fv_legacy(f, off, wr, v);
	if (bar == FV_MODERN_BAR)
		return fv_modern(f, off, wr, v);
	abort();
}

static uint32_t fv_r32(struct pcidev *p, int b, uint32_t o) { return fv_access(p, b, o, 0, 0); }
static void fv_w32(struct pcidev *p, int b, uint32_t o, uint32_t v) { fv_access(p, b, o, 1, v); }
static uint16_t fv_r16(struct pcidev *p, int b, uint32_t o) { return (uint16_t)fv_access(p, b, o, 0, 0); }
static void fv_w16(struct pcidev *p, int b, uint32_t o, uint16_t v) { fv_access(p, b, o, 1, v); }
static uint8_t fv_r8(struct pcidev *p, int b, uint32_t o) { return (uint8_t)fv_access(p, b, o, 0, 0); }
static void fv_w8(struct pcidev *p, int b, uint32_t o, uint8_t v) { fv_access(p, b, o, 1, v); }

static uint32_t fv_cfg_r32(struct pcidev *p, uint16_t off)
{
	struct fake_virtio *f = p->priv;
	uint32_t v;
	if (off & 3 || off > 252)
		abort();
	memcpy(&v, f->cfg + off, 4);
	return v;
}

static void fv_cfg_w32(struct pcidev *p, uint16_t off, uint32_t v)
{
	struct fake_virtio *f = p->priv;
	if (off & 3 || off > 252)
		abort();
	if (off == PCI_CFG_COMMAND) {
		f->cfg[4] = (uint8_t)v;
		f->cfg[5] = (uint8_t)(v >> 8);
	} else if (off == 0x40) { /* MSI-X: only message control writable */
		if (!f->msix_locked)
			f->cfg[0x43] = (uint8_t)((f->cfg[0x43] & 0x7f) | ((v >> 24) & 0x80));
	}
}

static uint64_t fv_dma_addr(struct pcidev *p, const void *va) { (void)p; return (uint64_t)(uintptr_t)va; }
static void *fv_dma_va(struct pcidev *p, uint64_t bus) { (void)p; return (void *)(uintptr_t)bus; }
static void fv_udelay(struct pcidev *p, uint32_t us)
{
	struct fake_virtio *f = p->priv;

	(void)us;
	f->udelays++;
	if (f->bh_in_udelay && f->tx_bh_due)
		fake_virtio_tx_bh(f);
}
static void fv_mb(struct pcidev *p) { (void)p; __sync_synchronize(); }

static const struct pcidev_ops fv_ops = {
	fv_cfg_r32, fv_cfg_w32, fv_r32, fv_w32, fv_r16, fv_w16, fv_r8, fv_w8,
	fv_dma_addr, fv_dma_va, fv_udelay, fv_mb,
};

static void fv_cap(uint8_t *c, uint8_t next, uint8_t type, uint32_t off, uint32_t len)
{
	c[0] = PCI_CAP_ID_VNDR;
	c[1] = next;
	c[2] = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
	c[3] = type;
	c[4] = FV_MODERN_BAR;
	memcpy(c + 8, &off, 4);
	memcpy(c + 12, &len, 4);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
		uint32_t m = FV_NOTIFY_MUL;
		memcpy(c + 16, &m, 4);
	}
}

/* A device as a dead OS might leave it: DRIVER_OK, queues live at foreign
 * addresses, MSI-X on, an interrupt pending, bus mastering on. modern: the
 * virtio capabilities are present; device is 0x1000 or 0x1041. */
static void fake_virtio_init(struct fake_virtio *f, uint16_t device, int modern,
			     uint16_t qmax, size_t dma_size)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
	int i;

	memset(f, 0, sizeof(*f));
	memcpy(f->mac, mac, 6);
	f->dev_features = 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_MRG_RXBUF |
			  1u << 0 /* CSUM */ | (modern ? 1ull << VIRTIO_F_VERSION_1 : 0);
	f->cfg[0] = 0xf4; f->cfg[1] = 0x1a;
	f->cfg[2] = (uint8_t)device; f->cfg[3] = (uint8_t)(device >> 8);
	f->cfg[4] = 0x07;        /* IO|MEM|MASTER */
	f->cfg[6] = 0x10;        /* capability list */
	f->cfg[0x34] = 0x40;
	f->cfg[0x40] = PCI_CAP_ID_MSIX;
	f->cfg[0x41] = modern ? 0x50 : 0;
	f->cfg[0x42] = 2;        /* 3 vectors */
	f->cfg[0x43] = 0x80;     /* MSI-X enabled */
	if (modern) {
		fv_cap(f->cfg + 0x50, 0x60, VIRTIO_PCI_CAP_COMMON_CFG, 0, 0x38);
		fv_cap(f->cfg + 0x60, 0x74, VIRTIO_PCI_CAP_NOTIFY_CFG, FV_NOTIFY_OFF, 0x1000);
		fv_cap(f->cfg + 0x74, 0x84, VIRTIO_PCI_CAP_ISR_CFG, FV_ISR_OFF, 1);
		fv_cap(f->cfg + 0x84, 0, VIRTIO_PCI_CAP_DEVICE_CFG, FV_DEV_OFF, 8);
	}
	for (i = 0; i < 2; i++) {
		f->q[i].max = qmax;
		f->q[i].noff = (uint16_t)i;
	}
	fv_reset(f);
	f->status = 0x0f;
	f->isr = 1;
	f->q[0].desc = 0x7654000; f->q[1].desc = 0x7658000;
	f->q[0].enable = f->q[1].enable = 1;
	/* Legacy queue PFNs are 32 bits: keep DMA memory low (MAP_32BIT). */
	f->dma = mmap(NULL, dma_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (f->dma == MAP_FAILED)
		abort();
	f->dma_size = dma_size;
	memset(f->dma, 0x5a, dma_size);
	f->pci.ops = &fv_ops;
	f->pci.priv = f;
	f->pci.vendor = VIRTIO_PCI_VENDOR;
	f->pci.device = device;
	f->pci.bus = 0; f->pci.dev = 3; f->pci.fn = 0;
	f->pci.dma_mem = f->dma;
	f->pci.dma_size = dma_size;
}

static void fake_virtio_free(struct fake_virtio *f) { munmap(f->dma, f->dma_size); }

/* Put a used entry on the RX queue without consuming a buffer (for bad
 * ids / lengths). */
static void fake_virtio_rx_raw(struct fake_virtio *f, uint32_t id, uint32_t len)
{
	struct fv_queue *q = &f->q[0];
	struct virtq_used *u = (void *)(uintptr_t)q->dev;
	u->ring[u->idx % q->size].id = id;
	u->ring[u->idx % q->size].len = len;
	u->idx++;
}

/* Receive a frame into the next posted buffer: header then frame.
 * 0, or -1 when no buffer is posted. */
static int fake_virtio_rx(struct fake_virtio *f, const void *frame, size_t len)
{
	struct fv_queue *q = &f->q[0];
	struct virtq_desc *d = (void *)(uintptr_t)q->desc;
	struct virtq_avail *a = (void *)(uintptr_t)q->drv;
	struct virtq_used *u = (void *)(uintptr_t)q->dev;
	size_t hl = fv_hdr(f);
	uint16_t head;
	uint8_t *b;

	if (!(f->status & VIRTIO_STATUS_DRIVER_OK) || !q->enable)
		abort();
	if (q->last_avail == a->idx) {
		f->rx_dropped++;
		return -1;
	}
	head = a->ring[q->last_avail % q->size];
	if (head >= q->size || !(d[head].flags & VIRTQ_DESC_F_WRITE) ||
	    d[head].len < hl + len)
		abort();
	b = (void *)(uintptr_t)d[head].addr;
	memset(b, 0, hl);
	if (hl == VIRTIO_NET_HDR_V1)
		b[10] = 1; /* num_buffers */
	memcpy(b + hl, frame, len);
	u->ring[u->idx % q->size].id = head;
	u->ring[u->idx % q->size].len = (uint32_t)(hl + len);
	u->idx++;
	q->last_avail++;
	return 0;
}

#endif
