/* drivers/net/e1000_regs.h - register offsets, bits and legacy descriptor layouts of
 * the Intel 8254x (PCI/PCI-X SDM) and 82574 (e1000e) controllers. Facts from
 * the two manuals only; no logic here. */
#ifndef DRIVERS_NET_E1000_REGS_H
#define DRIVERS_NET_E1000_REGS_H
#include <stdint.h>

/* Registers (byte offsets into BAR 0, memory mapped). */
#define E1000_CTRL    0x00000 /* device control */
#define E1000_STATUS  0x00008 /* device status */
#define E1000_EECD    0x00010 /* EEPROM/flash control */
#define E1000_EERD    0x00014 /* EEPROM read */
#define E1000_ICR     0x000c0 /* interrupt cause read (read clears) */
#define E1000_IMS     0x000d0 /* interrupt mask set/read */
#define E1000_IMC     0x000d8 /* interrupt mask clear */
#define E1000_RCTL    0x00100 /* receive control */
#define E1000_TCTL    0x00400 /* transmit control */
#define E1000_TIPG    0x00410 /* transmit inter-packet gap */
#define E1000_RDBAL   0x02800 /* RX descriptor base low */
#define E1000_RDBAH   0x02804 /* RX descriptor base high */
#define E1000_RDLEN   0x02808 /* RX ring length in bytes (multiple of 128) */
#define E1000_RDH     0x02810 /* RX head */
#define E1000_RDT     0x02818 /* RX tail */
#define E1000_TDBAL   0x03800
#define E1000_TDBAH   0x03804
#define E1000_TDLEN   0x03808
#define E1000_TDH     0x03810
#define E1000_TDT     0x03818
#define E1000_MPC     0x04010 /* missed packets count (clears on read) */
#define E1000_RNBC    0x040a0 /* receive no buffers count (clears on read) */
#define E1000_MTA     0x05200 /* multicast table array, 128 dwords */
#define E1000_MTA_N   128
#define E1000_RAL0    0x05400 /* receive address low, entry 0 */
#define E1000_RAH0    0x05404 /* receive address high, entry 0 */
#define E1000_REGS_SIZE 0x20000 /* 128 KiB register space */

/* CTRL */
#define E1000_CTRL_FD          (1u << 0)  /* full duplex */
#define E1000_CTRL_GIO_MDIS    (1u << 2)  /* 82571+: GIO master disable */
#define E1000_CTRL_LRST        (1u << 3)  /* link reset */
#define E1000_CTRL_ASDE        (1u << 5)  /* auto-speed detection enable */
#define E1000_CTRL_SLU         (1u << 6)  /* set link up */
#define E1000_CTRL_RST         (1u << 26) /* device reset, self-clearing */
#define E1000_CTRL_PHY_RST     (1u << 31)

/* STATUS */
#define E1000_STATUS_LU        (1u << 1)  /* link up */
#define E1000_STATUS_GIO_MEN   (1u << 19) /* 82571+: GIO master enabled */

/* EERD: two layouts. 8254x: done bit 4, address at bit 8. 82571/82574:
 * done bit 1, address at bit 2. Both: start bit 0, data bits 31:16. */
#define E1000_EERD_START       (1u << 0)
#define E1000_EERD_DONE_8254X  (1u << 4)
#define E1000_EERD_ADDR_8254X  8
#define E1000_EERD_DONE_82574  (1u << 1)
#define E1000_EERD_ADDR_82574  2
#define E1000_EERD_DATA_SHIFT  16
#define E1000_EE_MAC_WORD0     0 /* MAC address: EEPROM words 0..2 */

/* RAH */
#define E1000_RAH_AV           (1u << 31) /* address valid */

/* RCTL */
#define E1000_RCTL_EN          (1u << 1)
#define E1000_RCTL_SBP         (1u << 2)  /* store bad packets */
#define E1000_RCTL_UPE         (1u << 3)
#define E1000_RCTL_MPE         (1u << 4)
#define E1000_RCTL_LPE         (1u << 5)  /* long packets */
#define E1000_RCTL_BAM         (1u << 15) /* accept broadcast */
#define E1000_RCTL_BSIZE_2048  (0u << 16) /* BSIZE 00 with BSEX 0 */
#define E1000_RCTL_BSIZE_MASK  (3u << 16)
#define E1000_RCTL_BSEX        (1u << 25)
#define E1000_RCTL_SECRC       (1u << 26) /* strip Ethernet CRC */

/* TCTL */
#define E1000_TCTL_EN          (1u << 1)
#define E1000_TCTL_PSP         (1u << 3)  /* pad short packets */
#define E1000_TCTL_CT_SHIFT    4          /* collision threshold, 11:4 */
#define E1000_TCTL_COLD_SHIFT  12         /* collision distance, 21:12 */
#define E1000_TCTL_CT_DEFAULT  0x0f
#define E1000_TCTL_COLD_FD     0x40       /* full duplex: 64 byte times */

/* TIPG fields */
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR2_SHIFT 20

/* Interrupt bits: masking all of them is what the driver needs. */
#define E1000_IMC_ALL          0xffffffffu

/* Legacy receive descriptor (16 bytes). */
struct e1000_rx_desc {
	uint64_t addr;      /* buffer bus address */
	uint16_t length;    /* bytes written, CRC stripped with SECRC */
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};
#define E1000_RXD_STAT_DD      (1u << 0)
#define E1000_RXD_STAT_EOP     (1u << 1)
#define E1000_RXD_ERR_CE       (1u << 0) /* CRC or alignment */
#define E1000_RXD_ERR_SE       (1u << 1) /* symbol */
#define E1000_RXD_ERR_SEQ      (1u << 2) /* sequence */
#define E1000_RXD_ERR_CXE      (1u << 4) /* carrier extension */
#define E1000_RXD_ERR_TCPE     (1u << 5)
#define E1000_RXD_ERR_IPE      (1u << 6)
#define E1000_RXD_ERR_RXE      (1u << 7) /* RX data error */
#define E1000_RXD_ERR_FRAME    (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | \
				E1000_RXD_ERR_SEQ | E1000_RXD_ERR_CXE | \
				E1000_RXD_ERR_RXE)

/* Legacy transmit descriptor (16 bytes). */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;     /* STA in bits 3:0 */
	uint8_t css;
	uint16_t special;
};
#define E1000_TXD_CMD_EOP      (1u << 0)
#define E1000_TXD_CMD_IFCS     (1u << 1) /* insert FCS */
#define E1000_TXD_CMD_RS       (1u << 3) /* report status (sets DD) */
#define E1000_TXD_STAT_DD      (1u << 0)

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "rx desc is 16 bytes");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "tx desc is 16 bytes");

#endif
