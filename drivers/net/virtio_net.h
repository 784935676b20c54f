/* drivers/net/virtio_net.h - polled virtio-net driver over PCI, legacy (I/O BAR 0)
 * and modern (virtio 1.x capabilities): resets the device, one RX and one
 * TX split virtqueue in the DMA memory of struct pcidev, no interrupts. */
#ifndef DRIVERS_NET_VIRTIO_NET_H
#define DRIVERS_NET_VIRTIO_NET_H
#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"
#include "net/pcidev.h"
#include "drivers/net/virtio_proto.h"

#define VNET_BUFS      64    /* RX buffers posted, TX frames in flight */
#define VNET_BUF_SIZE  2048  /* header + frame */
#define VNET_QMAX      1024  /* largest legacy queue size accepted */
#define VNET_ALIGN4K(x) (((x) + 4095) & ~(size_t)4095)
/* Bytes of a split virtqueue of n entries, used ring 4096-aligned. */
#define VNET_VQ_BYTES(n) (VNET_ALIGN4K(16 * (size_t)(n) + 6 + 2 * (size_t)(n)) + \
			  VNET_ALIGN4K(6 + 8 * (size_t)(n)))
/* DMA memory open needs in the worst case (legacy queues of VNET_QMAX). */
#define VIRTIO_NET_DMA_SIZE (4096 + 2 * VNET_VQ_BYTES(VNET_QMAX) + \
			     2 * VNET_BUFS * VNET_BUF_SIZE)

/* Flags for virtio_net_init. */
#define VIRTIO_NET_FORCE_LEGACY 0x1 /* transitional device: use I/O BAR 0 */

struct virtio_loc {
	int bar;
	uint32_t off, len;
};

struct virtio_vq {
	uint16_t index;         /* queue number: 0 RX, 1 TX */
	uint16_t size;          /* ring entries (power of two) */
	uint16_t nbuf;          /* descriptors used: min(size, VNET_BUFS) */
	uint16_t avail_idx;     /* our copy of avail->idx */
	uint16_t used_last;     /* next used entry to consume */
	uint16_t kicked_idx;    /* avail_idx when the doorbell was last due */
	uint32_t notify_at;     /* modern: byte offset of its doorbell */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint8_t *buf;           /* nbuf x VNET_BUF_SIZE */
};

struct virtio_net_counters {
	uint32_t rx_bad_id;     /* used entry names no buffer of ours */
	uint32_t rx_bad_len;    /* shorter than the header or too long */
	uint32_t tx_bad_id;
	uint32_t tx_full;
	uint32_t tx_oversize;
	uint32_t msix_stuck;    /* MSI-X could not be turned off */
};

struct virtio_net {
	struct netdev nd;
	struct pcidev *pci;
	unsigned flags;
	uint8_t modern;         /* 1: capabilities; 0: legacy I/O BAR 0 */
	uint8_t opened;
	uint8_t msix_on;        /* legacy config then starts at 0x18 */
	uint8_t has_mac;        /* VIRTIO_NET_F_MAC negotiated */
	uint8_t tx_lent;        /* tx_free's top buffer is lent (tx_slot) */
	struct virtio_loc common, notify, isr, device;
	uint32_t notify_mult;
	uint16_t hdr_len;       /* 10 legacy, 12 with VERSION_1 */
	uint64_t features;      /* negotiated */
	struct virtio_vq rxq, txq;
	uint16_t tx_free[VNET_BUFS];
	uint16_t tx_nfree;
	uint8_t tx_busy[VNET_BUFS];
	struct virtio_net_counters cnt;
};

/* 1 when the IDs name a virtio-net function (1AF4:1000 or 1AF4:1041). */
int virtio_net_match(uint16_t vendor, uint16_t device);
/* Bind v to p with VIRTIO_NET_* flags; then nd.ops->open. Picks modern
 * when the virtio capabilities are all there (and not forced legacy).
 * 0, LL_ENODEV (IDs, or no usable transport) or LL_ENOMEM. */
int virtio_net_init(struct virtio_net *v, struct pcidev *p, unsigned flags);
/* Stop at once, from a firmware notification: bus mastering off, then a
 * reset; nothing queued is sent (close drains, this does not). */
void virtio_net_halt(struct virtio_net *v);

#endif
