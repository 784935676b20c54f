/* drivers/net/snp.h - a netdev over the firmware's EFI_SIMPLE_NETWORK_PROTOCOL
 * (UEFI): started and initialised when the firmware left it stopped,
 * unicast + broadcast receive, polled Receive / Transmit / GetStatus. */
#ifndef DRIVERS_NET_SNP_H
#define DRIVERS_NET_SNP_H
#include <stddef.h>
#include <stdint.h>
#include "platform/efi/efi.h"
#include "lib/clock.h"
#include "net/netdev.h"

#define SNP_TX_SLOTS     16      /* frames lent to the firmware at once */
#define SNP_SLOT_SIZE    1536    /* >= NETDEV_FRAME_MAX, 8-byte multiple */
#define SNP_RX_SIZE      2048    /* receive buffer (frame + slack) */
#define SNP_QUIESCE_US   20000u  /* snp_quiesce waits this long at most */

struct snp_counters {
	uint32_t tx_frames, tx_busy, tx_errors, tx_recycled, tx_lost;
	uint32_t tx_unknown;    /* GetStatus returned a buffer not ours */
	uint32_t rx_frames, rx_errors, rx_oversize;
};

struct snp {
	struct netdev nd;
	EFI_SIMPLE_NETWORK_PROTOCOL *proto;
	const struct ll_clock *clock;
	uint8_t opened;
	uint8_t started_by_us;  /* we called Start / Initialize */
	uint32_t old_filters;   /* ReceiveFilterSetting before open */
	uint8_t tx_busy[SNP_TX_SLOTS];
	unsigned tx_inflight, tx_next;
	struct snp_counters cnt;
	uint8_t tx_buf[SNP_TX_SLOTS][SNP_SLOT_SIZE] __attribute__((aligned(64)));
	uint8_t rx_buf[SNP_RX_SIZE] __attribute__((aligned(64)));
};

/* Set up s as a netdev on proto (then nd.ops->open). */
void snp_init(struct snp *s, EFI_SIMPLE_NETWORK_PROTOCOL *proto,
	      const struct ll_clock *clock);
/* Wait (bounded by SNP_QUIESCE_US) until the firmware handed back every
 * transmit buffer, so nobody else's GetStatus gets ours; what never comes
 * back is counted lost and its slot reused. */
void snp_quiesce(struct snp *s);

#endif
