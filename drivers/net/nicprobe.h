/* drivers/net/nicprobe.h - choose and open the native NIC: arch lists the PCI
 * functions it found and builds a struct pcidev for one on request; the
 * table of drivers here decides which is supported. */
#ifndef DRIVERS_NET_NICPROBE_H
#define DRIVERS_NET_NICPROBE_H
#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"
#include "net/pcidev.h"
#include "drivers/net/e1000.h"
#include "drivers/net/virtio_net.h"

/* DMA memory (page-rounded) enough for whichever driver nicprobe picks. */
#define NICPROBE_DMA_SIZE \
	(((E1000_DMA_SIZE > VIRTIO_NET_DMA_SIZE ? E1000_DMA_SIZE : \
	   VIRTIO_NET_DMA_SIZE) + 4095) & ~(size_t)4095)

/* One PCI function as arch's bus scan saw it. */
struct nic_candidate {
	uint16_t vendor, device;
	uint8_t bus, dev, fn;
};

/* Fill *out for candidate c: ops, IDs, BDF, BARs reachable, and the DMA
 * memory (the same reserved region each call is fine: a device that is
 * not kept is closed first). 0 or a negative error (candidate skipped). */
typedef int (*nicprobe_make_fn)(void *ctx, const struct nic_candidate *c,
				struct pcidev *out);

/* What to pick; zeroed: the first supported NIC that opens. */
struct nicprobe_want {
	uint8_t use_mac;          /* match mac (opens each to read it) */
	uint8_t mac[ETH_ALEN];
	uint8_t use_bdf;          /* match bus/dev/fn */
	uint8_t bus, dev, fn;
	unsigned virtio_flags;    /* VIRTIO_NET_* for virtio_net_init */
	uint8_t keep_running;     /* enum netdev_keep: continue a device
				   * its previous owner left running
				   * where the driver can (e1000) */
};

enum { NICPROBE_NONE, NICPROBE_E1000, NICPROBE_VIRTIO };

/* Storage for whichever driver is chosen (no allocation). */
struct nic_probe {
	struct pcidev pci;
	union {
		struct e1000 e1000;
		struct virtio_net virtio;
	} drv;
	struct netdev *nd;        /* the opened netdev, NULL if none */
	uint8_t bound;            /* which of drv the last bind filled:
				   * NICPROBE_E1000 or NICPROBE_VIRTIO (the
				   * union's netdevs share an address) */
	const char *driver;       /* "e1000" or "virtio-net" */
	uint8_t kept;             /* the device was continued, not reset */
	int keep_rc;              /* asked to continue it: 0, or why it was
				   * reset instead (the driver's error) */
	int last_error;           /* why the last candidate failed */
	unsigned tried, skipped;  /* supported candidates opened / filtered */
};

/* Name of the driver for these IDs, or NULL when none supports them. */
const char *nicprobe_driver_for(uint16_t vendor, uint16_t device);

/* Open the first of list[0..n) a driver supports and want accepts.
 * 0 with np->nd open, or LL_ENODEV (nothing suitable; np->last_error
 * holds the last open failure, if any). */
int nicprobe(struct nic_probe *np, const struct nic_candidate *list, size_t n,
	     nicprobe_make_fn make, void *ctx, const struct nicprobe_want *want);

/* Stop the opened device at once (bus mastering off, reset) without
 * sending anything: for ExitBootServices, where no I/O may happen. np->nd
 * stays set; a later close is harmless. */
void nicprobe_halt(struct nic_probe *np);

#endif
