/* drivers/net/virtio_net.c - polled virtio-net: reset, feature negotiation (MAC,
 * VERSION_1, nothing else), one RX and one TX split virtqueue in agent
 * memory, frames through fixed per-descriptor buffers (transmit, copied
 * or built in place: virtio_net_tx.c). Legacy and modern PCI transports
 * differ only in the accessors at the top. */
#include "drivers/net/virtio_net.h"
#include "drivers/net/virtio_net_int.h"
#include "lib/err.h"
#include "lib/mem.h"

#define VNET_RESET_POLLS 100 /* x 1 ms for the status to read 0 */
#define VNET_CAP_WALK    48  /* capabilities followed at most */
#define VNET_GEN_TRIES   8   /* config generation retries */
#define VNET_DRAIN_POLLS 100 /* x 100 us for TX to drain before a reset */

int virtio_net_match(uint16_t vendor, uint16_t device)
{
	return vendor == VIRTIO_PCI_VENDOR &&
	       (device == VIRTIO_PCI_DEV_NET_TRANS || device == VIRTIO_PCI_DEV_NET);
}

/* ---- PCI config space ---- */

static uint8_t cfg8(struct pcidev *p, uint16_t off)
{
	return (uint8_t)(p->ops->cfg_read32(p, off & ~3u) >> (8 * (off & 3)));
}

static uint32_t cfg32(struct pcidev *p, uint16_t off)
{
	return p->ops->cfg_read32(p, off);
}

static void vn_pci_command(struct virtio_net *v, int master)
{
	struct pcidev *p = v->pci;
	uint32_t cmd = cfg32(p, PCI_CFG_COMMAND) & 0xffff;

	cmd |= PCI_CMD_INTX_OFF | (v->modern ? PCI_CMD_MEM : PCI_CMD_IO);
	if (master)
		cmd |= PCI_CMD_MASTER;
	else
		cmd &= ~(uint32_t)PCI_CMD_MASTER;
	p->ops->cfg_write32(p, PCI_CFG_COMMAND, cmd);
}

/* Turn MSI-X off (so legacy config sits at 0x14 and nothing fires); note
 * whether it stayed on. */
static void vn_msix_off(struct virtio_net *v, uint16_t cap)
{
	struct pcidev *p = v->pci;
	uint32_t dw = cfg32(p, cap);

	if (dw & ((uint32_t)PCI_MSIX_CTRL_ENABLE << 16)) {
		p->ops->cfg_write32(p, cap, dw & ~((uint32_t)PCI_MSIX_CTRL_ENABLE << 16));
		dw = cfg32(p, cap);
	}
	v->msix_on = !!(dw & ((uint32_t)PCI_MSIX_CTRL_ENABLE << 16));
	if (v->msix_on)
		v->cnt.msix_stuck++;
}

static void vn_take_cap(struct virtio_net *v, uint16_t cap)
{
	struct pcidev *p = v->pci;
	struct virtio_loc *l;
	uint8_t type = cfg8(p, cap + VIRTIO_CAP_CFG_TYPE);
	uint8_t bar = cfg8(p, cap + VIRTIO_CAP_BAR);

	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG: l = &v->common; break;
	case VIRTIO_PCI_CAP_NOTIFY_CFG: l = &v->notify; break;
	case VIRTIO_PCI_CAP_ISR_CFG:    l = &v->isr; break;
	case VIRTIO_PCI_CAP_DEVICE_CFG: l = &v->device; break;
	default: return;
	}
	if (l->bar >= 0 || bar > 5) /* the first usable one of a type wins */
		return;
	l->bar = bar;
	l->off = cfg32(p, cap + VIRTIO_CAP_OFFSET);
	l->len = cfg32(p, cap + VIRTIO_CAP_LENGTH);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		v->notify_mult = cfg32(p, cap + VIRTIO_CAP_NOTIFY_MULT);
}

/* Walk the capability list (bounded, so a loop in it cannot hang us). */
static void vn_walk_caps(struct virtio_net *v)
{
	struct pcidev *p = v->pci;
	uint16_t cap;
	int n;

	v->common.bar = v->notify.bar = v->isr.bar = v->device.bar = -1;
	if (!(cfg32(p, PCI_CFG_COMMAND) >> 16 & PCI_STATUS_CAP_LIST))
		return;
	cap = cfg8(p, PCI_CFG_CAP_PTR) & 0xfc;
	for (n = 0; cap >= 0x40 && n < VNET_CAP_WALK; n++) {
		uint8_t id = cfg8(p, cap);
		if (id == PCI_CAP_ID_MSIX)
			vn_msix_off(v, cap);
		else if (id == PCI_CAP_ID_VNDR)
			vn_take_cap(v, cap);
		cap = cfg8(p, cap + 1) & 0xfc;
	}
}

static int vn_modern_usable(const struct virtio_net *v)
{
	return v->common.bar >= 0 && v->notify.bar >= 0 && v->isr.bar >= 0 &&
	       v->common.len >= 0x38 && v->isr.len >= 1;
}

/* ---- transport accessors ---- */

static void cc_w8(struct virtio_net *v, uint32_t o, uint8_t x)
{
	v->pci->ops->bar_write8(v->pci, v->common.bar, v->common.off + o, x);
}
static uint8_t cc_r8(struct virtio_net *v, uint32_t o)
{
	return v->pci->ops->bar_read8(v->pci, v->common.bar, v->common.off + o);
}
static void cc_w16(struct virtio_net *v, uint32_t o, uint16_t x)
{
	v->pci->ops->bar_write16(v->pci, v->common.bar, v->common.off + o, x);
}
static uint16_t cc_r16(struct virtio_net *v, uint32_t o)
{
	return v->pci->ops->bar_read16(v->pci, v->common.bar, v->common.off + o);
}
static void cc_w32(struct virtio_net *v, uint32_t o, uint32_t x)
{
	v->pci->ops->bar_write32(v->pci, v->common.bar, v->common.off + o, x);
}
static uint32_t cc_r32(struct virtio_net *v, uint32_t o)
{
	return v->pci->ops->bar_read32(v->pci, v->common.bar, v->common.off + o);
}
static void cc_w64(struct virtio_net *v, uint32_t o, uint64_t x)
{
	cc_w32(v, o, (uint32_t)x);          /* low half first */
	cc_w32(v, o + 4, (uint32_t)(x >> 32));
}

static void vn_set_status(struct virtio_net *v, uint8_t s)
{
	if (v->modern)
		cc_w8(v, VIRTIO_CC_STATUS, s);
	else
		v->pci->ops->bar_write8(v->pci, 0, VIRTIO_LEG_STATUS, s);
}

static uint8_t vn_status(struct virtio_net *v)
{
	if (v->modern)
		return cc_r8(v, VIRTIO_CC_STATUS);
	return v->pci->ops->bar_read8(v->pci, 0, VIRTIO_LEG_STATUS);
}

static uint8_t vn_read_isr(struct virtio_net *v)
{
	if (v->modern)
		return v->pci->ops->bar_read8(v->pci, v->isr.bar, v->isr.off);
	return v->pci->ops->bar_read8(v->pci, 0, VIRTIO_LEG_ISR);
}

static uint8_t vn_devcfg8(struct virtio_net *v, uint32_t o)
{
	if (v->modern)
		return v->pci->ops->bar_read8(v->pci, v->device.bar, v->device.off + o);
	return v->pci->ops->bar_read8(v->pci, 0, o +
		(v->msix_on ? VIRTIO_LEG_CONFIG_MSIX : VIRTIO_LEG_CONFIG));
}

static void vn_notify(struct virtio_net *v, struct virtio_vq *q)
{
	if (v->modern)
		v->pci->ops->bar_write16(v->pci, v->notify.bar, q->notify_at, q->index);
	else
		v->pci->ops->bar_write16(v->pci, 0, VIRTIO_LEG_QUEUE_NOTIFY, q->index);
}

/* ---- bring-up ---- */

static int vn_reset(struct virtio_net *v)
{
	int i;

	vn_set_status(v, 0);
	for (i = 0; i < VNET_RESET_POLLS; i++) {
		if (vn_status(v) == 0)
			return 0;
		v->pci->ops->udelay(v->pci, 1000);
	}
	return LL_ETIMEDOUT;
}

/* Offer only MAC (and VERSION_1 on the modern transport). */
static int vn_negotiate(struct virtio_net *v)
{
	uint32_t lo, hi;

	if (!v->modern) {
		lo = v->pci->ops->bar_read32(v->pci, 0, VIRTIO_LEG_DEVICE_FEATURES);
		lo &= 1u << VIRTIO_NET_F_MAC;
		v->pci->ops->bar_write32(v->pci, 0, VIRTIO_LEG_GUEST_FEATURES, lo);
		v->features = lo;
		v->hdr_len = VIRTIO_NET_HDR_LEGACY;
		return 0;
	}
	cc_w32(v, VIRTIO_CC_DFSELECT, 0);
	lo = cc_r32(v, VIRTIO_CC_DF) & (1u << VIRTIO_NET_F_MAC);
	cc_w32(v, VIRTIO_CC_DFSELECT, 1);
	hi = cc_r32(v, VIRTIO_CC_DF) & (1u << (VIRTIO_F_VERSION_1 - 32));
	if (!hi)
		return LL_ENOTSUP; /* a modern interface must offer VERSION_1 */
	cc_w32(v, VIRTIO_CC_GFSELECT, 0);
	cc_w32(v, VIRTIO_CC_GF, lo);
	cc_w32(v, VIRTIO_CC_GFSELECT, 1);
	cc_w32(v, VIRTIO_CC_GF, hi);
	v->features = lo | (uint64_t)hi << 32;
	v->hdr_len = VIRTIO_NET_HDR_V1;
	vn_set_status(v, vn_status(v) | VIRTIO_STATUS_FEATURES_OK);
	if (!(vn_status(v) & VIRTIO_STATUS_FEATURES_OK))
		return LL_ENOTSUP;
	return 0;
}

uint64_t vn_bus(struct virtio_net *v, const volatile void *va)
{
	return v->pci->ops->dma_addr(v->pci, (const void *)va);
}

/* Lay out queue q (size already set) at *mem; advances *mem. */
static int vn_carve(struct virtio_net *v, struct virtio_vq *q, uint8_t **mem)
{
	uint8_t *base = *mem, *end = (uint8_t *)v->pci->dma_mem + v->pci->dma_size;
	size_t ring = VNET_VQ_BYTES(q->size);
	size_t bufs = (size_t)q->nbuf * VNET_BUF_SIZE;

	if ((size_t)(end - base) < ring + bufs)
		return LL_ENOMEM;
	memset(base, 0, ring);
	q->desc = (volatile struct virtq_desc *)base;
	q->avail = (volatile struct virtq_avail *)(base + 16 * (size_t)q->size);
	q->used = (volatile struct virtq_used *)(base +
		VNET_ALIGN4K(16 * (size_t)q->size + 6 + 2 * (size_t)q->size));
	q->buf = base + ring;
	q->avail_idx = q->used_last = q->kicked_idx = 0;
	q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*mem = base + ring + bufs;
	if (vn_bus(v, q->desc) % 4096)
		return LL_EINVAL;
	return 0;
}

static int vn_queue_size(struct virtio_net *v, struct virtio_vq *q)
{
	uint16_t max;

	if (v->modern) {
		cc_w16(v, VIRTIO_CC_Q_SELECT, q->index);
		max = cc_r16(v, VIRTIO_CC_Q_SIZE);
	} else {
		v->pci->ops->bar_write16(v->pci, 0, VIRTIO_LEG_QUEUE_SELECT, q->index);
		max = v->pci->ops->bar_read16(v->pci, 0, VIRTIO_LEG_QUEUE_SIZE);
	}
	if (max == 0)
		return LL_ENODEV;
	if (max & (max - 1) || (!v->modern && max > VNET_QMAX))
		return LL_ENOTSUP;
	/* Legacy must use the device's size; modern may shrink it. */
	q->size = (v->modern && max > VNET_BUFS) ? VNET_BUFS : max;
	q->nbuf = q->size < VNET_BUFS ? q->size : VNET_BUFS;
	return 0;
}

/* Tell the device where queue q lives (q selected by vn_queue_size). */
static int vn_queue_bind(struct virtio_net *v, struct virtio_vq *q)
{
	uint64_t d = vn_bus(v, q->desc);
	uint32_t noff;

	if (!v->modern) {
		if ((d >> VIRTIO_LEG_PFN_SHIFT) >> 32)
			return LL_ERANGE;
		v->pci->ops->bar_write32(v->pci, 0, VIRTIO_LEG_QUEUE_PFN,
					 (uint32_t)(d >> VIRTIO_LEG_PFN_SHIFT));
		return 0;
	}
	cc_w16(v, VIRTIO_CC_Q_SIZE, q->size);
	cc_w16(v, VIRTIO_CC_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
	cc_w64(v, VIRTIO_CC_Q_DESC, d);
	cc_w64(v, VIRTIO_CC_Q_DRIVER, vn_bus(v, q->avail));
	cc_w64(v, VIRTIO_CC_Q_DEVICE, vn_bus(v, q->used));
	noff = (uint32_t)cc_r16(v, VIRTIO_CC_Q_NOFF) * v->notify_mult;
	if (noff > v->notify.len || v->notify.len - noff < 2)
		return LL_EIO;
	q->notify_at = v->notify.off + noff;
	cc_w16(v, VIRTIO_CC_Q_ENABLE, 1);
	return 0;
}

static int vn_setup_queues(struct virtio_net *v)
{
	uint8_t *mem = (uint8_t *)(((uintptr_t)v->pci->dma_mem + 4095) & ~(uintptr_t)4095);
	struct virtio_vq *qs[2] = { &v->rxq, &v->txq };
	int i, rc;

	if (!v->pci->dma_mem || v->pci->dma_size < 4096)
		return LL_ENOMEM;
	if (v->modern)
		cc_w16(v, VIRTIO_CC_MSIX, VIRTIO_MSI_NO_VECTOR);
	for (i = 0; i < 2; i++) {
		rc = vn_queue_size(v, qs[i]);
		if (!rc)
			rc = vn_carve(v, qs[i], &mem);
		if (!rc)
			rc = vn_queue_bind(v, qs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* MAC from the device config (retried while config_generation moves),
 * or a locally administered one made from the PCI address. */
static void vn_read_mac(struct virtio_net *v)
{
	uint8_t *m = v->nd.mac, gen = 0;
	int i, tries;

	if (!(v->features & (1u << VIRTIO_NET_F_MAC)) ||
	    (v->modern && (v->device.bar < 0 || v->device.len < ETH_ALEN))) {
		static const uint8_t pfx[3] = { 0x02, 0x1a, 0xf4 };
		memcpy(m, pfx, 3);
		m[3] = v->pci->bus; m[4] = v->pci->dev; m[5] = v->pci->fn;
		return;
	}
	for (tries = 0; tries < VNET_GEN_TRIES; tries++) {
		if (v->modern)
			gen = cc_r8(v, VIRTIO_CC_CFGGEN);
		for (i = 0; i < ETH_ALEN; i++)
			m[i] = vn_devcfg8(v, (uint32_t)i);
		if (!v->modern || gen == cc_r8(v, VIRTIO_CC_CFGGEN))
			return;
	}
}

/* Put buffer id of q in the avail ring (published by vn_publish). */
void vn_post(struct virtio_vq *q, uint16_t id)
{
	q->avail->ring[q->avail_idx % q->size] = id;
	q->avail_idx++;
}

/* Make the posted entries visible to the device: memory writes only, no
 * doorbell (each doorbell is an exit into the hypervisor's device model). */
void vn_publish(struct virtio_net *v, struct virtio_vq *q)
{
	v->pci->ops->mb(v->pci);
	q->avail->idx = q->avail_idx;
}

/* Ring q's doorbell once for everything published since the last kick,
 * unless the device set VIRTQ_USED_F_NO_NOTIFY (it is working through the
 * ring and looks at avail->idx again before it clears the flag). The
 * barrier orders our avail->idx store before the flag load. */
void vn_kick(struct virtio_net *v, struct virtio_vq *q)
{
	if (q->kicked_idx == q->avail_idx)
		return;
	q->kicked_idx = q->avail_idx;
	v->pci->ops->mb(v->pci);
	if (!(q->used->flags & VIRTQ_USED_F_NO_NOTIFY))
		vn_notify(v, q);
}

static void vn_fill_rings(struct virtio_net *v)
{
	uint16_t i;

	for (i = 0; i < v->rxq.nbuf; i++) {
		v->rxq.desc[i].addr = vn_bus(v, v->rxq.buf + (size_t)i * VNET_BUF_SIZE);
		v->rxq.desc[i].len = VNET_BUF_SIZE;
		v->rxq.desc[i].flags = VIRTQ_DESC_F_WRITE;
		vn_post(&v->rxq, i);
	}
	v->tx_nfree = 0;
	for (i = 0; i < v->txq.nbuf; i++) {
		v->txq.desc[i].addr = vn_bus(v, v->txq.buf + (size_t)i * VNET_BUF_SIZE);
		v->tx_busy[i] = 0;
		v->tx_free[v->tx_nfree++] = (uint16_t)(v->txq.nbuf - 1 - i);
	}
}

static int vn_start(struct virtio_net *v)
{
	int rc;

	vn_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	vn_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	rc = vn_negotiate(v);
	if (!rc)
		rc = vn_setup_queues(v);
	if (rc)
		return rc;
	vn_read_mac(v);
	vn_fill_rings(v);
	vn_set_status(v, vn_status(v) | VIRTIO_STATUS_DRIVER_OK);
	if (vn_status(v) & VIRTIO_STATUS_NEEDS_RESET)
		return LL_EIO;
	vn_publish(v, &v->rxq);
	vn_notify(v, &v->rxq); /* only after DRIVER_OK */
	v->rxq.kicked_idx = v->rxq.avail_idx;
	return 0;
}

static int vn_open(struct netdev *nd)
{
	struct virtio_net *v = nd->priv;
	int rc;

	v->tx_lent = 0;
	vn_pci_command(v, 0);
	rc = vn_reset(v);
	if (rc)
		return rc;
	(void)vn_read_isr(v); /* drop whatever the old owner left pending */
	vn_pci_command(v, 1);
	rc = vn_start(v);
	if (rc) {
		vn_set_status(v, VIRTIO_STATUS_FAILED);
		vn_pci_command(v, 0);
		return rc;
	}
	nd->mtu = 1500;
	v->opened = 1;
	return 0;
}

/* Let frames already queued (a FIN, a logout) leave before the reset. */
static void vn_drain_tx(struct virtio_net *v)
{
	int i;

	vn_kick(v, &v->txq);
	for (i = 0; i < VNET_DRAIN_POLLS && v->txq.used->idx != v->txq.avail_idx; i++)
		v->pci->ops->udelay(v->pci, 100);
}

static void vn_close(struct netdev *nd)
{
	struct virtio_net *v = nd->priv;

	v->tx_lent = 0;
	if (v->opened)
		vn_drain_tx(v);
	(void)vn_reset(v);
	vn_pci_command(v, 0);
	v->opened = 0;
}

void virtio_net_halt(struct virtio_net *v)
{
	vn_pci_command(v, 0);
	(void)vn_reset(v);
	v->tx_lent = 0;
	v->opened = 0;
}

/* ---- data path (transmit: virtio_net_tx.c) ---- */

static int vn_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	struct virtio_net *v = nd->priv;
	struct virtio_vq *q = &v->rxq;
	unsigned seen = 0, reposted = 0;
	int handed = 0;

	v->tx_lent = 0;
	if (!v->opened)
		return LL_ENETDOWN;
	vn_reap_tx(v);
	while (seen < budget && q->used_last != q->used->idx) {
		uint32_t id, len;
		v->pci->ops->mb(v->pci);
		id = q->used->ring[q->used_last % q->size].id;
		len = q->used->ring[q->used_last % q->size].len;
		q->used_last++;
		seen++;
		if (id >= q->nbuf) {
			v->cnt.rx_bad_id++;
			continue;
		}
		if (len < v->hdr_len || len > VNET_BUF_SIZE ||
		    len - v->hdr_len > NETDEV_FRAME_MAX || len == v->hdr_len) {
			v->cnt.rx_bad_len++;
		} else {
			nd->rx_frames++;
			handed++;
			rx(ctx, q->buf + (size_t)id * VNET_BUF_SIZE + v->hdr_len,
			   len - v->hdr_len);
		}
		vn_post(q, (uint16_t)id);
		reposted++;
	}
	if (reposted) {
		vn_publish(v, q);
		vn_kick(v, q);
	}
	vn_kick(v, &v->txq); /* frames sent since the last poll, or by rx */
	return handed;
}

static const struct netdev_ops vn_ops = {
	.open = vn_open,
	.close = vn_close,
	.transmit = vn_transmit,
	.tx_slot = vn_tx_slot,
	.tx_commit = vn_tx_commit,
	.poll = vn_poll,
	.wait = NULL,
};

int virtio_net_init(struct virtio_net *v, struct pcidev *p, unsigned flags)
{
	memset(v, 0, sizeof(*v));
	if (!virtio_net_match(p->vendor, p->device))
		return LL_ENODEV;
	v->pci = p;
	v->flags = flags;
	v->rxq.index = VIRTIO_NET_RXQ;
	v->txq.index = VIRTIO_NET_TXQ;
	vn_walk_caps(v);
	if (vn_modern_usable(v) && !(flags & VIRTIO_NET_FORCE_LEGACY))
		v->modern = 1;
	else if (p->device != VIRTIO_PCI_DEV_NET_TRANS)
		return LL_ENODEV; /* modern-only device without usable caps */
	if (!p->dma_mem || p->dma_size < 4096 + 2 * VNET_VQ_BYTES(VNET_BUFS) +
	    2 * VNET_BUFS * VNET_BUF_SIZE)
		return LL_ENOMEM;
	v->nd.ops = &vn_ops;
	v->nd.priv = v;
	v->nd.name = v->modern ? "virtio-net" : "virtio-net-legacy";
	return 0;
}
