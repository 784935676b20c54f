/* drivers/net/e1000.h - polled driver for the Intel 8254x / 82574 (QEMU e1000 and
 * e1000e) NICs: resets the device from any state, legacy descriptor rings
 * in the DMA memory handed in through struct pcidev, no interrupts. */
#ifndef DRIVERS_NET_E1000_H
#define DRIVERS_NET_E1000_H
#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"
#include "net/pcidev.h"

#define E1000_RX_N     64    /* descriptors; ring bytes multiple of 128 */
#define E1000_TX_N     64
#define E1000_BUF_SIZE 2048  /* per descriptor, matches RCTL.BSIZE */
#define E1000_STATS_EVERY 1024 /* received frames between two stats lines */
/* DMA memory open needs (rings, buffers, alignment slack). */
#define E1000_DMA_SIZE (128 + 16 * (E1000_RX_N + E1000_TX_N) + \
			E1000_BUF_SIZE * (E1000_RX_N + E1000_TX_N))

/* What differs between the supported parts. */
struct e1000_model {
	uint16_t device;      /* PCI device ID (vendor 8086) */
	const char *name;
	uint8_t e1000e;       /* 82571+ layout: EERD bits, GIO master disable */
	uint8_t ipgt;         /* TIPG.IPGT recommended for copper */
};

struct e1000_counters {
	uint32_t rx_errors;     /* descriptor error bits set: dropped */
	uint32_t rx_no_eop;     /* frame spanning descriptors: dropped */
	uint32_t rx_bad_len;    /* length 0 or above NETDEV_FRAME_MAX */
	uint32_t tx_full;       /* transmit found the ring full */
	uint32_t tx_oversize;   /* frame too long or empty */
	uint32_t reset_slow;    /* GIO master disable did not settle */
	uint32_t mac_from_eeprom; /* RAL/RAH invalid, MAC read by EERD */
	uint32_t link_wait_ms;  /* how long open waited for link */
	int32_t adopt_rc;       /* why a running device was not kept (0: kept) */
	uint32_t rx_moved;      /* kept, but receiving into our own ring */
	/* Receive under a slow poller (read and summed from the clear-on-read
	 * registers at each stats line, e1000_rx_stats). */
	uint32_t mpc;           /* MPC: frames the device dropped */
	uint32_t rnbc;          /* RNBC: frames that found no free descriptor */
	uint32_t rx_polls;      /* polls that found received frames */
	uint32_t rx_full;       /* ... that found every buffer filled */
	uint32_t rx_most;       /* most frames one poll found waiting */
	uint32_t stats_at;      /* rx frames at the last stats line */
};

struct e1000 {
	struct netdev nd;
	struct pcidev *pci;
	const struct e1000_model *model;
	volatile struct e1000_rx_desc *rx_ring;
	volatile struct e1000_rx_desc *own_rx; /* ours, E1000_RX_N long */
	volatile struct e1000_tx_desc *tx_ring;
	volatile struct e1000_tx_desc *own_tx; /* ours, E1000_TX_N long */
	uint8_t *rx_buf, *tx_buf;
	unsigned rx_next;       /* next RX descriptor to look at */
	unsigned tx_tail;       /* next TX descriptor to fill */
	unsigned tx_clean;      /* oldest TX descriptor not yet reaped */
	unsigned tx_inflight;
	unsigned rx_n, tx_n;    /* ring sizes in use (ours, or the ROM's) */
	uint8_t rx_fcs;         /* bytes of FCS left at the end of a frame */
	uint8_t keep_running;   /* set before open: enum netdev_keep */
	uint8_t kept;           /* open continued the previous owner's rings */
	uint8_t rx_discard;     /* inside a frame without EOP: drop to EOP */
	uint8_t link_up;        /* link seen up during open */
	uint8_t opened;
	uint8_t tx_lent;        /* tx_tail's buffer is lent (netdev.h tx_slot) */
	uint32_t link_wait_max_ms; /* bound of the link wait (default 3000) */
	struct e1000_counters cnt;
};

/* The model for a vendor/device pair, or NULL when not supported. */
const struct e1000_model *e1000_match(uint16_t vendor, uint16_t device);
/* Bind e to p (p->dma_mem must hold E1000_DMA_SIZE). Then nd.ops->open.
 * 0, LL_ENODEV (IDs not supported) or LL_ENOMEM (DMA memory too small). */
int e1000_init(struct e1000 *e, struct pcidev *p);
/* Stop at once, from a firmware notification: bus mastering off, then a
 * reset; nothing queued is sent (close drains, this does not). */
void e1000_halt(struct e1000 *e);

#endif
