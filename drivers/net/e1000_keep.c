/* drivers/net/e1000_keep.c - continue an e1000 its previous owner left running,
 * without a reset or an RCTL write: a PXE ROM's rings taken over by moving
 * their tails only; on QEMU's model both rings moved to our own. */
#include "drivers/net/e1000_int.h"
#include "lib/err.h"

#define E1000_TX_IDLE_POLLS  1000  /* x 10 us for a kept TX ring to drain */

/* A ring register set the previous owner left: n descriptors at a
 * reachable address, head and tail inside. */
static volatile void *kept_ring(struct e1000 *e, uint32_t base, unsigned *n,
				uint32_t *head, uint32_t *tail)
{
	uint32_t len = rd(e, base + 8);
	uint64_t bus = rd(e, base) | (uint64_t)rd(e, base + 4) << 32;

	*n = len / 16;
	*head = rd(e, base + 0x10);
	*tail = rd(e, base + 0x18);
	if (!len || (len & 127) || *n > E1000_RX_N || *head >= *n ||
	    *tail >= *n || !e->pci->ops->dma_va)
		return NULL;
	return e->pci->ops->dma_va(e->pci, bus);
}

/* Is this QEMU's model (subsystem 1af4:1100)? Its receive path reads the
 * ring registers afresh for every frame, so the ring may move while
 * receive stays enabled, which the manuals allow only after a reset; and
 * an RCTL write would stop its receive path for a second. */
static int e1000_ring_movable(struct e1000 *e)
{
	return e->pci->ops->cfg_read32(e->pci, PCI_CFG_SUBSYS) == 0x11001af4u;
}

/* Receive into our own ring of E1000_RX_N descriptors instead of the ROM's
 * (QEMU's iPXE posts 16): every descriptor is armed with our buffer before
 * the base moves, so a frame that lands between the writes lands in ours. */
static void e1000_rx_move(struct e1000 *e)
{
	uint64_t ring = bus(e, e->own_rx);
	unsigned i;

	for (i = 0; i < E1000_RX_N; i++) {
		e->own_rx[i].addr = bus(e, rx_buf_of(e, i));
		e->own_rx[i].status = 0;
		e->own_rx[i].errors = 0;
	}
	e->pci->ops->mb(e->pci);
	wr(e, E1000_RDBAL, (uint32_t)ring);
	wr(e, E1000_RDBAH, (uint32_t)(ring >> 32));
	wr(e, E1000_RDLEN, 16 * E1000_RX_N);
	wr(e, E1000_RDH, 0);
	e->rx_ring = e->own_rx;
	e->rx_n = E1000_RX_N;
	e->rx_next = 0;
	e->cnt.rx_moved = 1;
}

/* Bounded wait for the TX ring to drain: 0 or LL_EBUSY. */
static int e1000_tx_drain(struct e1000 *e)
{
	uint32_t tdh = rd(e, E1000_TDH), tdt = rd(e, E1000_TDT), i;

	for (i = 0; tdh != tdt && i < E1000_TX_IDLE_POLLS; i++) {
		delay_us(e, 10);
		tdh = rd(e, E1000_TDH);
	}
	return tdh == tdt ? 0 : LL_EBUSY;
}

/* Can the running device be continued at all: enabled, link up, 2048-byte
 * receive buffers (what ours are)? 0, or why not. */
static int e1000_keep_usable(struct e1000 *e, uint32_t rctl)
{
	if (!(rctl & E1000_RCTL_EN) || !(rd(e, E1000_TCTL) & E1000_TCTL_EN) ||
	    !(rd(e, E1000_STATUS) & E1000_STATUS_LU))
		return LL_ENODEV;                 /* not running: reset it */
	if (rctl & (E1000_RCTL_LPE | E1000_RCTL_BSEX | E1000_RCTL_BSIZE_MASK))
		return LL_ENOTSUP;                /* buffers other than 2048 */
	return 0;
}

/* What both ways of continuing share, once the rings are chosen. */
static int e1000_keep_common(struct e1000 *e, uint32_t rctl)
{
	int rc = e1000_read_mac(e);

	if (rc)
		return rc;
	wr(e, E1000_IMC, E1000_IMC_ALL);
	e->rx_fcs = (rctl & E1000_RCTL_SECRC) ? 0 : 4;
	e->rx_discard = 0;
	return 0;
}

/* QEMU's model: both rings move to ours; nothing of the previous owner's
 * memory is read or written (a dead OS's rings stay as it left them). */
static int e1000_keep_moved(struct e1000 *e, uint32_t rctl)
{
	int rc = e1000_tx_drain(e);

	if (rc == 0)
		rc = e1000_keep_common(e, rctl);
	if (rc)
		return rc;
	e1000_tx_ring_own(e);
	e1000_rx_move(e);
	e->pci->ops->mb(e->pci);
	wr(e, E1000_RDT, E1000_RX_N - 1);
	return 0;
}

/* A real 8254x a PXE ROM left running: its rings continued in place. */
static int e1000_keep_rom(struct e1000 *e, uint32_t rctl)
{
	uint32_t rdh, rdt, tdh, tdt, i;
	volatile void *rx, *tx;
	unsigned rn, tn;
	int rc;

	rx = kept_ring(e, E1000_RDBAL, &rn, &rdh, &rdt);
	tx = kept_ring(e, E1000_TDBAL, &tn, &tdh, &tdt);
	if (!rx || !tx)
		return LL_ERANGE;
	if ((rc = e1000_tx_drain(e)) != 0 || (rc = e1000_keep_common(e, rctl)) != 0)
		return rc;
	e->rx_ring = rx;
	e->tx_ring = tx;
	e->rx_n = rn;
	e->tx_n = tn;
	e->rx_next = rdh;
	e->tx_tail = e->tx_clean = tdt;
	e->tx_inflight = 0;
	/* The device owns [RDH, RDT): arm the rest with our buffers. RDH ==
	 * RDT means it owns none: a ring the ROM let fill up (a busy segment
	 * while it did not poll, e.g. a boot storm's broadcasts), every slot
	 * a stale frame; all are ours then. */
	i = rdt;
	do {
		e->rx_ring[i].addr = bus(e, rx_buf_of(e, i));
		e->rx_ring[i].status = 0;
		e->rx_ring[i].errors = 0;
		i = (i + 1) % rn;
	} while (i != rdh);
	e->pci->ops->mb(e->pci);
	wr(e, E1000_RDT, (e->rx_next + e->rx_n - 1) % e->rx_n);
	return 0;
}

/* Continue a device its previous owner left running, without a reset: no
 * link renegotiation, and no receive pause (QEMU's e1000 stops receiving
 * for a second after any RCTL write). On QEMU's model both rings move to
 * ours; elsewhere only a PXE ROM's device is continued (NETDEV_KEEP_ROM),
 * its rings kept and only the tails moving, as in normal operation: the
 * descriptors software owns get our buffers, the ones the device holds
 * keep the ROM's until they come back. A dead OS's device is reset there
 * (NETDEV_KEEP_MOVABLE). 0, or why not. */
int e1000_keep(struct e1000 *e)
{
	uint32_t rctl = rd(e, E1000_RCTL);
	int rc = e1000_keep_usable(e, rctl);

	if (rc)
		return rc;
	if (e1000_ring_movable(e))
		return e1000_keep_moved(e, rctl);
	if (e->keep_running != NETDEV_KEEP_ROM)
		return LL_ENOTSUP;
	return e1000_keep_rom(e, rctl);
}
