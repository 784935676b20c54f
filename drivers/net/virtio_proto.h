/* drivers/net/virtio_proto.h - virtio 1.x (and legacy 0.9.5) structures the net
 * driver uses: PCI transport registers and capabilities, split virtqueue
 * layout, status and feature bits, the net header. Spec facts only. */
#ifndef DRIVERS_NET_VIRTIO_PROTO_H
#define DRIVERS_NET_VIRTIO_PROTO_H
#include <stdint.h>

#define VIRTIO_PCI_VENDOR        0x1af4
#define VIRTIO_PCI_DEV_NET_TRANS 0x1000 /* transitional (legacy capable) */
#define VIRTIO_PCI_DEV_NET       0x1041 /* 0x1040 + device type 1 */

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

/* Feature bits. */
#define VIRTIO_NET_F_MAC          5
#define VIRTIO_NET_F_MRG_RXBUF    15
#define VIRTIO_F_VERSION_1        32

/* Legacy PCI: registers in I/O BAR 0. */
#define VIRTIO_LEG_DEVICE_FEATURES 0x00 /* 32 */
#define VIRTIO_LEG_GUEST_FEATURES  0x04 /* 32 */
#define VIRTIO_LEG_QUEUE_PFN       0x08 /* 32: ring address >> 12 */
#define VIRTIO_LEG_QUEUE_SIZE      0x0c /* 16, read-only */
#define VIRTIO_LEG_QUEUE_SELECT    0x0e /* 16 */
#define VIRTIO_LEG_QUEUE_NOTIFY    0x10 /* 16 */
#define VIRTIO_LEG_STATUS          0x12 /* 8 */
#define VIRTIO_LEG_ISR             0x13 /* 8, read clears */
#define VIRTIO_LEG_CONFIG          0x14 /* device config, MSI-X off */
#define VIRTIO_LEG_CONFIG_MSIX     0x18 /* device config, MSI-X on */
#define VIRTIO_LEG_PFN_SHIFT       12
#define VIRTIO_LEG_ALIGN           4096 /* used ring alignment */

/* Modern PCI: vendor capability (cap id 0x09) locating each structure. */
#define PCI_CAP_ID_VNDR            0x09
#define PCI_CAP_ID_MSIX            0x11
#define PCI_MSIX_CTRL_ENABLE       0x8000 /* message control bit 15 */
#define PCI_STATUS_CAP_LIST        0x0010
#define VIRTIO_CAP_CFG_TYPE        3  /* byte offsets in the capability */
#define VIRTIO_CAP_BAR             4
#define VIRTIO_CAP_OFFSET          8  /* le32 */
#define VIRTIO_CAP_LENGTH          12 /* le32 */
#define VIRTIO_CAP_NOTIFY_MULT     16 /* le32, notify capability only */
#define VIRTIO_PCI_CAP_COMMON_CFG  1
#define VIRTIO_PCI_CAP_NOTIFY_CFG  2
#define VIRTIO_PCI_CAP_ISR_CFG     3
#define VIRTIO_PCI_CAP_DEVICE_CFG  4

/* struct virtio_pci_common_cfg, byte offsets. */
#define VIRTIO_CC_DFSELECT   0x00 /* le32 device_feature_select */
#define VIRTIO_CC_DF         0x04 /* le32 device_feature */
#define VIRTIO_CC_GFSELECT   0x08 /* le32 driver_feature_select */
#define VIRTIO_CC_GF         0x0c /* le32 driver_feature */
#define VIRTIO_CC_MSIX       0x10 /* le16 config_msix_vector */
#define VIRTIO_CC_NUMQ       0x12 /* le16 num_queues */
#define VIRTIO_CC_STATUS     0x14 /* u8 device_status */
#define VIRTIO_CC_CFGGEN     0x15 /* u8 config_generation */
#define VIRTIO_CC_Q_SELECT   0x16 /* le16 */
#define VIRTIO_CC_Q_SIZE     0x18 /* le16 */
#define VIRTIO_CC_Q_MSIX     0x1a /* le16 */
#define VIRTIO_CC_Q_ENABLE   0x1c /* le16 */
#define VIRTIO_CC_Q_NOFF     0x1e /* le16 queue_notify_off */
#define VIRTIO_CC_Q_DESC     0x20 /* le64 */
#define VIRTIO_CC_Q_DRIVER   0x28 /* le64 (avail ring) */
#define VIRTIO_CC_Q_DEVICE   0x30 /* le64 (used ring) */
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* Split virtqueue. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT        1
#define VIRTQ_DESC_F_WRITE       2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY   1

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];         /* queue size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;             /* head of the descriptor chain */
	uint32_t len;            /* bytes written into it */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* queue size entries, then avail_event */
};

/* Net header without offloads: 10 bytes; 12 with num_buffers, which is
 * present whenever VERSION_1 (or MRG_RXBUF) is negotiated. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
#define VIRTIO_NET_HDR_LEGACY 10
#define VIRTIO_NET_HDR_V1     12

#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "used elem is 8 bytes");
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "v1 net header");

#endif
