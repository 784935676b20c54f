/* drivers/net/e1000_int.h - what the e1000 driver's two files (e1000.c, and
 * e1000_keep.c: continuing a device a PXE ROM left running) share. */
#ifndef DRIVERS_NET_E1000_INT_H
#define DRIVERS_NET_E1000_INT_H
#include "drivers/net/e1000.h"
#include "drivers/net/e1000_regs.h"

static inline uint32_t rd(struct e1000 *e, uint32_t reg)
{
	return e->pci->ops->bar_read32(e->pci, 0, reg);
}

static inline void wr(struct e1000 *e, uint32_t reg, uint32_t v)
{
	e->pci->ops->bar_write32(e->pci, 0, reg, v);
}

static inline void delay_us(struct e1000 *e, uint32_t us)
{
	e->pci->ops->udelay(e->pci, us);
}

static inline uint64_t bus(struct e1000 *e, const volatile void *va)
{
	return e->pci->ops->dma_addr(e->pci, (const void *)va);
}

/* Our buffer for descriptor i of either ring (rings never exceed ours). */
static inline uint8_t *rx_buf_of(struct e1000 *e, unsigned i)
{
	return e->rx_buf + (size_t)(i % E1000_RX_N) * E1000_BUF_SIZE;
}

static inline uint8_t *tx_buf_of(struct e1000 *e, unsigned i)
{
	return e->tx_buf + (size_t)(i % E1000_TX_N) * E1000_BUF_SIZE;
}

/* Our own empty TX ring at the ring registers (e1000.c). */
void e1000_tx_ring_own(struct e1000 *e);

/* MAC from RAL0/RAH0, else the EEPROM (e1000.c). 0 or an error. */
int e1000_read_mac(struct e1000 *e);
/* Continue the running device (e1000_keep.c). 0, or why not. */
int e1000_keep(struct e1000 *e);

#endif
