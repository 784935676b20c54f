/* net/pcidev.h - what a native NIC driver may touch: its PCI function's
 * config space, its BARs mapped as memory or ports, DMA-able memory and a
 * delay. arch/x86 fills this for real hardware; tests fill it with a
 * device model, so drivers run on the host without a register in sight. */
#ifndef NET_PCIDEV_H
#define NET_PCIDEV_H
#include <stddef.h>
#include <stdint.h>

struct pcidev;

struct pcidev_ops {
	uint32_t (*cfg_read32)(struct pcidev *p, uint16_t off);
	void (*cfg_write32)(struct pcidev *p, uint16_t off, uint32_t v);
	/* BAR access: bar index, byte offset; memory BARs are MMIO, I/O BARs
	 * go through ports (the implementation knows which). */
	uint32_t (*bar_read32)(struct pcidev *p, int bar, uint32_t off);
	void (*bar_write32)(struct pcidev *p, int bar, uint32_t off, uint32_t v);
	uint16_t (*bar_read16)(struct pcidev *p, int bar, uint32_t off);
	void (*bar_write16)(struct pcidev *p, int bar, uint32_t off, uint16_t v);
	uint8_t (*bar_read8)(struct pcidev *p, int bar, uint32_t off);
	void (*bar_write8)(struct pcidev *p, int bar, uint32_t off, uint8_t v);
	/* Bus address of memory the driver owns (identity on x86 firmware). */
	uint64_t (*dma_addr)(struct pcidev *p, const void *va);
	/* The reverse, for buffers a previous owner (the PXE ROM) handed the
	 * device: a pointer to bus address bus, or NULL when not reachable. */
	void *(*dma_va)(struct pcidev *p, uint64_t bus);
	/* Busy-wait at least us microseconds. */
	void (*udelay)(struct pcidev *p, uint32_t us);
	/* Full memory barrier between descriptor writes and doorbells. */
	void (*mb)(struct pcidev *p);
};

struct pcidev {
	const struct pcidev_ops *ops;
	void *priv;
	uint16_t vendor, device;
	uint8_t bus, dev, fn;
	/* DMA memory handed to the driver once, from the agent's reserved
	 * region (the crash path allocates nothing later). */
	void *dma_mem;
	size_t dma_size;
};

/* Standard PCI config offsets used by drivers. */
#define PCI_CFG_VENDOR   0x00
#define PCI_CFG_COMMAND  0x04
#define PCI_CFG_STATUS   0x06
#define PCI_CFG_BAR0     0x10
#define PCI_CFG_SUBSYS   0x2c  /* subsystem vendor (low half) and ID */
#define PCI_CFG_CAP_PTR  0x34
#define PCI_CMD_IO       0x0001
#define PCI_CMD_MEM      0x0002
#define PCI_CMD_MASTER   0x0004
#define PCI_CMD_INTX_OFF 0x0400

#endif
