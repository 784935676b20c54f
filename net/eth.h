/* net/eth.h - Ethernet II framing: input dispatch by ethertype, output by
 * prepending a header into the TX buffer's headroom (net.h: net_tx_begin). */
#ifndef NET_ETH_H
#define NET_ETH_H
#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP  0x0806

struct net_stack;
extern const uint8_t eth_broadcast[6];

/* Validate and dispatch one received frame (called by net_rx_frame). */
void eth_input(struct net_stack *ns, const uint8_t *frame, size_t len);
/* Prepend an Ethernet header in front of payload (which must lie in the
 * buffer net_tx_begin gave, ns->tx.buf, with at least ETH_HLEN of
 * headroom) and send the frame: committed in place when that buffer is a
 * slot the driver lent, copied through transmit when it is ns->txbuf.
 * Ends the frame either way. 0, LL_EAGAIN (TX ring full), or an error. */
int eth_output(struct net_stack *ns, const uint8_t dst[6], uint16_t type,
	       uint8_t *payload, size_t len);

#endif
