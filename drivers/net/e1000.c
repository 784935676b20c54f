/* drivers/net/e1000.c - polled Intel 8254x / 82574 driver: quiesce and reset the
 * device whatever the previous owner left (or, when asked, continue what a
 * PXE ROM left running: e1000_keep.c), legacy RX/TX rings, frames copied in
 * and out of fixed per-descriptor buffers, or built in place in a TX buffer
 * lent to the stack (tx_slot / tx_commit). */
#include "drivers/net/e1000.h"
#include "drivers/net/e1000_int.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

static const struct e1000_model e1000_models[] = {
	{ 0x100e, "82540EM", 0, 10 },  /* QEMU -device e1000 */
	{ 0x1015, "82540EM-LOM", 0, 10 },
	{ 0x100f, "82545EM", 0, 10 },
	{ 0x1026, "82545GM", 0, 10 },
	{ 0x1076, "82541GI", 0, 10 },
	{ 0x10d3, "82574L", 1, 8 },    /* QEMU -device e1000e */
	{ 0x10f6, "82574LA", 1, 8 },
};

#define E1000_RESET_POLLS    100   /* x 1 ms for CTRL.RST to clear */
#define E1000_GIO_POLLS      100   /* x 100 us for master requests */
#define E1000_EERD_POLLS     1000  /* x 10 us per EEPROM word */
_Static_assert(E1000_BUF_SIZE >= NETDEV_TX_SLOT_MIN, "TX buffer too small to lend");

const struct e1000_model *e1000_match(uint16_t vendor, uint16_t device)
{
	size_t i;

	if (vendor != 0x8086)
		return NULL;
	for (i = 0; i < sizeof(e1000_models) / sizeof(e1000_models[0]); i++)
		if (e1000_models[i].device == device)
			return &e1000_models[i];
	return NULL;
}

/* PCI command: memory decode on, INTx off; bus mastering as asked. */
static void e1000_pci_command(struct e1000 *e, int master)
{
	struct pcidev *p = e->pci;
	uint32_t cmd = p->ops->cfg_read32(p, PCI_CFG_COMMAND) & 0xffff;

	cmd |= PCI_CMD_MEM | PCI_CMD_INTX_OFF;
	if (master)
		cmd |= PCI_CMD_MASTER;
	else
		cmd &= ~(uint32_t)PCI_CMD_MASTER;
	/* Upper half is STATUS (write-1-to-clear): write zeros there. */
	p->ops->cfg_write32(p, PCI_CFG_COMMAND, cmd);
}

static void e1000_quiesce(struct e1000 *e)
{
	wr(e, E1000_IMC, E1000_IMC_ALL);
	wr(e, E1000_RCTL, 0);
	wr(e, E1000_TCTL, 0);
	(void)rd(e, E1000_STATUS); /* flush posted writes */
	delay_us(e, 10000);        /* let in-flight DMA finish */
}

/* 82571+: ask the device to stop mastering before the reset (bounded,
 * not fatal: the reset follows either way). */
static void e1000_gio_master_disable(struct e1000 *e)
{
	int i;

	if (!e->model->e1000e)
		return;
	wr(e, E1000_CTRL, rd(e, E1000_CTRL) | E1000_CTRL_GIO_MDIS);
	for (i = 0; i < E1000_GIO_POLLS; i++) {
		if (!(rd(e, E1000_STATUS) & E1000_STATUS_GIO_MEN))
			return;
		delay_us(e, 100);
	}
	e->cnt.reset_slow++;
}

/* Global reset; waits for CTRL.RST to clear. 0 or LL_ETIMEDOUT. */
static int e1000_reset(struct e1000 *e)
{
	int i;

	e1000_quiesce(e);
	e1000_gio_master_disable(e);
	wr(e, E1000_CTRL, rd(e, E1000_CTRL) | E1000_CTRL_RST);
	for (i = 0; i < E1000_RESET_POLLS; i++) {
		delay_us(e, 1000); /* the manuals ask >= 1 ms before access */
		if (!(rd(e, E1000_CTRL) & E1000_CTRL_RST))
			break;
	}
	if (i == E1000_RESET_POLLS)
		return LL_ETIMEDOUT;
	wr(e, E1000_IMC, E1000_IMC_ALL);
	(void)rd(e, E1000_ICR); /* clear any cause latched meanwhile */
	return 0;
}

static int e1000_eeprom_read(struct e1000 *e, unsigned word, uint16_t *out)
{
	uint32_t done, v;
	unsigned shift;
	int i;

	done = e->model->e1000e ? E1000_EERD_DONE_82574 : E1000_EERD_DONE_8254X;
	shift = e->model->e1000e ? E1000_EERD_ADDR_82574 : E1000_EERD_ADDR_8254X;
	wr(e, E1000_EERD, ((uint32_t)word << shift) | E1000_EERD_START);
	for (i = 0; i < E1000_EERD_POLLS; i++) {
		v = rd(e, E1000_EERD);
		if (v & done) {
			*out = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		delay_us(e, 10);
	}
	return LL_ETIMEDOUT;
}

static int mac_usable(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, ETH_ALEN) != 0;
}

static void mac_from_ra(uint8_t *m, uint32_t ral, uint32_t rah)
{
	m[0] = (uint8_t)ral;
	m[1] = (uint8_t)(ral >> 8);
	m[2] = (uint8_t)(ral >> 16);
	m[3] = (uint8_t)(ral >> 24);
	m[4] = (uint8_t)rah;
	m[5] = (uint8_t)(rah >> 8);
}

/* MAC from receive address 0 (loaded from the EEPROM at reset), else
 * straight from the EEPROM; RAL0/RAH0 are then written with it. */
int e1000_read_mac(struct e1000 *e)
{
	uint8_t *m = e->nd.mac;
	uint32_t rah = rd(e, E1000_RAH0);
	uint16_t w;
	unsigned i;
	int rc;

	mac_from_ra(m, rd(e, E1000_RAL0), rah);
	if ((rah & E1000_RAH_AV) && mac_usable(m))
		return 0;
	e->cnt.mac_from_eeprom++;
	for (i = 0; i < 3; i++) {
		rc = e1000_eeprom_read(e, E1000_EE_MAC_WORD0 + i, &w);
		if (rc)
			return rc;
		m[2 * i] = (uint8_t)w;
		m[2 * i + 1] = (uint8_t)(w >> 8);
	}
	if (!mac_usable(m))
		return LL_EIO;
	wr(e, E1000_RAL0, m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
	   (uint32_t)m[3] << 24);
	wr(e, E1000_RAH0, m[4] | (uint32_t)m[5] << 8 | E1000_RAH_AV);
	return 0;
}

/* Carve rings and buffers from the DMA memory: rings 128-byte aligned. */
static int e1000_carve(struct e1000 *e)
{
	uintptr_t base = (uintptr_t)e->pci->dma_mem;
	uintptr_t start = (base + 127) & ~(uintptr_t)127;
	size_t used = (start - base) + 16 * (E1000_RX_N + E1000_TX_N) +
		      (size_t)E1000_BUF_SIZE * (E1000_RX_N + E1000_TX_N);

	if (!e->pci->dma_mem || used > e->pci->dma_size)
		return LL_ENOMEM;
	e->rx_ring = e->own_rx = (volatile struct e1000_rx_desc *)start;
	e->tx_ring = e->own_tx = (volatile struct e1000_tx_desc *)(start + 16 * E1000_RX_N);
	e->rx_buf = (uint8_t *)(start + 16 * (E1000_RX_N + E1000_TX_N));
	e->tx_buf = e->rx_buf + (size_t)E1000_BUF_SIZE * E1000_RX_N;
	return 0;
}

static void e1000_setup_rx(struct e1000 *e)
{
	uint64_t ring = bus(e, e->rx_ring);
	unsigned i;

	for (i = 0; i < E1000_RX_N; i++) {
		e->rx_ring[i].addr = bus(e, e->rx_buf + (size_t)i * E1000_BUF_SIZE);
		e->rx_ring[i].length = 0;
		e->rx_ring[i].status = 0;
		e->rx_ring[i].errors = 0;
	}
	e->rx_n = E1000_RX_N;
	e->rx_fcs = 0;
	e->rx_next = 0;
	e->rx_discard = 0;
	wr(e, E1000_RDBAL, (uint32_t)ring);
	wr(e, E1000_RDBAH, (uint32_t)(ring >> 32));
	wr(e, E1000_RDLEN, 16 * E1000_RX_N);
	wr(e, E1000_RDH, 0);
	e->pci->ops->mb(e->pci);
	/* Hardware owns every descriptor but the one before the head. */
	wr(e, E1000_RDT, E1000_RX_N - 1);
	wr(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM |
	   E1000_RCTL_SECRC | E1000_RCTL_BSIZE_2048);
}

/* Our own TX ring, empty, at the device's ring registers (after a reset,
 * or in place of a previous owner's on QEMU's model: e1000_keep.c). */
void e1000_tx_ring_own(struct e1000 *e)
{
	uint64_t ring = bus(e, e->own_tx);
	unsigned i;

	for (i = 0; i < E1000_TX_N; i++) {
		e->own_tx[i].addr = bus(e, tx_buf_of(e, i));
		e->own_tx[i].length = 0;
		e->own_tx[i].cmd = 0;
		e->own_tx[i].status = 0;
	}
	e->pci->ops->mb(e->pci);
	wr(e, E1000_TDBAL, (uint32_t)ring);
	wr(e, E1000_TDBAH, (uint32_t)(ring >> 32));
	wr(e, E1000_TDLEN, 16 * E1000_TX_N);
	wr(e, E1000_TDH, 0);
	wr(e, E1000_TDT, 0);
	e->tx_ring = e->own_tx;
	e->tx_n = E1000_TX_N;
	e->tx_tail = e->tx_clean = e->tx_inflight = 0;
}

static void e1000_setup_tx(struct e1000 *e)
{
	e1000_tx_ring_own(e);
	wr(e, E1000_TIPG, e->model->ipgt | 8u << E1000_TIPG_IPGR1_SHIFT |
	   6u << E1000_TIPG_IPGR2_SHIFT);
	wr(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
	   E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT |
	   E1000_TCTL_COLD_FD << E1000_TCTL_COLD_SHIFT);
}

/* Bounded wait for link; a link that comes later is fine too. */
static void e1000_wait_link(struct e1000 *e)
{
	uint32_t ms;

	for (ms = 0; ms < e->link_wait_max_ms; ms++) {
		if (rd(e, E1000_STATUS) & E1000_STATUS_LU) {
			e->link_up = 1;
			break;
		}
		delay_us(e, 1000);
	}
	e->cnt.link_wait_ms = ms;
}

/* MTU, and what the ring holds while the stack is not polling: one
 * frame per free descriptor (all but one), a full TCP segment at most
 * each. TCP offers no larger a window (netdev rx_hold), so a burst never
 * meets a full ring (QEMU then queues; real hardware drops: MPC). */
static void e1000_set_mtu(struct e1000 *e)
{
	e->nd.mtu = 1500;
	e->nd.rx_hold = (e->rx_n - 1) * (uint32_t)(e->nd.mtu - 40);
}

static int e1000_open(struct netdev *nd)
{
	struct e1000 *e = nd->priv;
	unsigned i;
	int rc;

	e->kept = e->tx_lent = 0;
	if (e->keep_running) {
		e->cnt.adopt_rc = e1000_keep(e);
		if (e->cnt.adopt_rc == 0) {
			e->kept = e->link_up = e->opened = 1;
			e1000_set_mtu(e);
			return 0;
		}
		if ((rc = e1000_carve(e)) != 0) /* back to our own rings */
			return rc;
	}
	/* Stop bus mastering first: nothing DMAs into memory being dumped
	 * while the old rings are torn down. */
	e1000_pci_command(e, 0);
	rc = e1000_reset(e);
	if (rc)
		return rc;
	rc = e1000_read_mac(e);
	if (rc)
		return rc;
	wr(e, E1000_CTRL, (rd(e, E1000_CTRL) | E1000_CTRL_SLU |
			   E1000_CTRL_ASDE) & ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST));
	for (i = 0; i < E1000_MTA_N; i++)
		wr(e, E1000_MTA + 4 * i, 0);
	e1000_pci_command(e, 1);
	e1000_setup_tx(e);
	e1000_setup_rx(e);
	e1000_wait_link(e);
	e1000_set_mtu(e);
	e->opened = 1;
	return 0;
}

static void e1000_close(struct netdev *nd)
{
	struct e1000 *e = nd->priv;

	e->tx_lent = 0;
	(void)e1000_reset(e);
	e1000_pci_command(e, 0);
	e->opened = 0;
}

void e1000_halt(struct e1000 *e)
{
	e1000_pci_command(e, 0);
	(void)e1000_reset(e);
	e->tx_lent = 0;
	e->opened = 0;
}

/* Take back TX descriptors the device has finished with. */
static void e1000_reap_tx(struct e1000 *e)
{
	while (e->tx_inflight) {
		volatile struct e1000_tx_desc *d = &e->tx_ring[e->tx_clean];
		if (!(d->status & E1000_TXD_STAT_DD))
			break;
		d->status = 0;
		e->tx_clean = (e->tx_clean + 1) % e->tx_n;
		e->tx_inflight--;
	}
}

/* The frame length transmit and tx_commit accept; counted when not. */
static int e1000_tx_len_ok(struct e1000 *e, size_t len)
{
	if (len == 0 || len > NETDEV_FRAME_MAX) {
		e->cnt.tx_oversize++;
		e->nd.tx_errors++;
		return 0;
	}
	return 1;
}

/* Is the descriptor at tx_tail free? Reaps when the ring looks full. One
 * slot stays empty so that TDT == TDH always means idle. 0 or LL_EAGAIN. */
static int e1000_tx_room(struct e1000 *e)
{
	if (e->tx_inflight >= e->tx_n - 1)
		e1000_reap_tx(e);
	if (e->tx_inflight >= e->tx_n - 1) {
		e->cnt.tx_full++;
		return LL_EAGAIN;
	}
	return 0;
}

/* Hand the frame at frame (inside our buffer of tx_tail) to the device:
 * fill the descriptor and move TDT past it. */
static void e1000_tx_queue(struct e1000 *e, const uint8_t *frame, size_t len)
{
	volatile struct e1000_tx_desc *d = &e->tx_ring[e->tx_tail];

	d->addr = bus(e, frame);
	d->length = (uint16_t)len;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	e->tx_tail = (e->tx_tail + 1) % e->tx_n;
	e->tx_inflight++;
	e->pci->ops->mb(e->pci);
	wr(e, E1000_TDT, e->tx_tail);
	e->nd.tx_frames++;
}

static int e1000_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct e1000 *e = nd->priv;
	uint8_t *buf;
	int rc;

	e->tx_lent = 0;
	if (!e->opened)
		return LL_ENETDOWN;
	if (!e1000_tx_len_ok(e, len))
		return LL_EMSGSIZE;
	if ((rc = e1000_tx_room(e)) != 0)
		return rc;
	buf = tx_buf_of(e, e->tx_tail);
	memcpy(buf, frame, len);
	e1000_tx_queue(e, buf, len);
	return 0;
}

/* Lend our buffer of the free descriptor at tx_tail (netdev.h). */
static int e1000_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room)
{
	struct e1000 *e = nd->priv;
	int rc;

	e->tx_lent = 0;
	if (!e->opened)
		return LL_ENETDOWN;
	if ((rc = e1000_tx_room(e)) != 0)
		return rc;
	*buf = tx_buf_of(e, e->tx_tail);
	*room = E1000_BUF_SIZE;
	e->tx_lent = 1;
	return 0;
}

static int e1000_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct e1000 *e = nd->priv;
	const uint8_t *slot = tx_buf_of(e, e->tx_tail);

	if (!e->tx_lent || !e->opened)
		return LL_EINVAL;
	e->tx_lent = 0;
	if (!e1000_tx_len_ok(e, len))
		return LL_EMSGSIZE;
	if (frame < slot || frame > slot + E1000_BUF_SIZE ||
	    len > (size_t)(slot + E1000_BUF_SIZE - frame))
		return LL_EINVAL;
	e1000_tx_queue(e, frame, len);
	return 0;
}

/* Check one completed RX descriptor; 1 when its frame is to be handed up. */
static int e1000_rx_good(struct e1000 *e, uint8_t status, uint8_t errors,
			 uint16_t len)
{
	if (!(status & E1000_RXD_STAT_EOP)) {
		if (!e->rx_discard)
			e->cnt.rx_no_eop++;
		e->rx_discard = 1;
		return 0;
	}
	if (e->rx_discard) { /* the tail of a frame already dropped */
		e->rx_discard = 0;
		return 0;
	}
	if (errors & E1000_RXD_ERR_FRAME) {
		e->cnt.rx_errors++;
		return 0;
	}
	if (len == 0 || len > NETDEV_FRAME_MAX) {
		e->cnt.rx_bad_len++;
		return 0;
	}
	return 1;
}

/* Where a received frame is: our buffer, or one the ROM had posted. */
static const uint8_t *rx_frame(struct e1000 *e, uint64_t addr)
{
	uint8_t *ours = rx_buf_of(e, e->rx_next);

	if (addr == bus(e, ours))
		return ours;
	if (!e->pci->ops->dma_va) {
		e->cnt.rx_errors++;
		return NULL;
	}
	return e->pci->ops->dma_va(e->pci, addr);
}

/* Every E1000_STATS_EVERY received frames, one console line: how the
 * receive side fared while the stack was not polling. MPC and RNBC clear
 * on read: summed here. */
static void e1000_rx_stats(struct e1000 *e)
{
	struct e1000_counters *c = &e->cnt;

	if (e->nd.rx_frames - c->stats_at < E1000_STATS_EVERY)
		return;
	c->stats_at = (uint32_t)e->nd.rx_frames;
	c->mpc += rd(e, E1000_MPC);
	c->rnbc += rd(e, E1000_RNBC);
	ll_logf("e1000: %u frames rx, ring %u, %u polls with frames (%u found "
		  "the ring full, most %u), MPC %u, RNBC %u\n", c->stats_at,
		  e->rx_n, c->rx_polls, c->rx_full, c->rx_most, c->mpc, c->rnbc);
}

/* Count a poll that found seen frames; full: it found every buffer the
 * device may fill (all but the one before the head) filled, so the device
 * had stopped receiving before the poll came. */
static void e1000_rx_count(struct e1000 *e, unsigned seen, int full)
{
	if (!seen)
		return;
	e->cnt.rx_polls++;
	e->cnt.rx_full += full != 0;
	if (seen > e->cnt.rx_most)
		e->cnt.rx_most = seen;
	e1000_rx_stats(e);
}

static int e1000_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx,
		      unsigned budget)
{
	struct e1000 *e = nd->priv;
	unsigned seen = 0;
	int handed = 0, full;

	e->tx_lent = 0;
	if (!e->opened)
		return LL_ENETDOWN;
	e1000_reap_tx(e);
	full = e->rx_ring[(e->rx_next + e->rx_n - 2) % e->rx_n].status &
	       E1000_RXD_STAT_DD;
	while (seen < budget) {
		volatile struct e1000_rx_desc *d = &e->rx_ring[e->rx_next];
		uint8_t status = d->status;
		if (!(status & E1000_RXD_STAT_DD))
			break;
		e->pci->ops->mb(e->pci); /* read the rest after DD */
		uint16_t len = d->length;
		const uint8_t *buf = rx_frame(e, d->addr);
		if (len >= e->rx_fcs)
			len = (uint16_t)(len - e->rx_fcs);
		if (e1000_rx_good(e, status, d->errors, len) && buf) {
			nd->rx_frames++;
			handed++;
			rx(ctx, buf, len);
		}
		d->addr = bus(e, rx_buf_of(e, e->rx_next));
		d->status = 0;
		d->errors = 0;
		e->rx_next = (e->rx_next + 1) % e->rx_n;
		seen++;
	}
	if (seen) {
		/* One tail write gives back every buffer of the batch: under
		 * a hypervisor each register write is an exit. */
		e->pci->ops->mb(e->pci);
		wr(e, E1000_RDT, (e->rx_next + e->rx_n - 1) % e->rx_n);
	}
	e1000_rx_count(e, seen, full);
	return handed;
}

static const struct netdev_ops e1000_ops = {
	.open = e1000_open,
	.close = e1000_close,
	.transmit = e1000_transmit,
	.tx_slot = e1000_tx_slot,
	.tx_commit = e1000_tx_commit,
	.poll = e1000_poll,
	.wait = NULL,
};

int e1000_init(struct e1000 *e, struct pcidev *p)
{
	const struct e1000_model *m = e1000_match(p->vendor, p->device);
	int rc;

	memset(e, 0, sizeof(*e));
	if (!m)
		return LL_ENODEV;
	e->pci = p;
	e->model = m;
	e->link_wait_max_ms = 3000;
	rc = e1000_carve(e);
	if (rc)
		return rc;
	e->nd.ops = &e1000_ops;
	e->nd.priv = e;
	e->nd.name = "e1000";
	return 0;
}
