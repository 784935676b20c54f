/* net/net.h - the network layer's one context (struct net_stack) and its
 * polled loop. Each protocol module keeps its state in a member here;
 * nothing in net/ has globals. IPv4 addresses are host-order u32. */
#ifndef NET_NET_H
#define NET_NET_H
#include <stddef.h>
#include <stdint.h>
#include "lib/clock.h"
#include "net/netdev.h"
#include "net/arp.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "net/tcp.h"

/* Room in front of a TX payload for Ethernet + IPv4 + TCP with options. */
#define NET_TX_HEADROOM (14 + 20 + 60)
#define NET_TX_BUF_SIZE (NET_TX_HEADROOM + NETDEV_FRAME_MAX)

struct net_ipcfg {
	uint32_t addr;     /* our address, 0 until configured */
	uint32_t netmask;
	uint32_t gateway;  /* 0: none */
	uint32_t dns;
};

struct net_counters {
	uint32_t rx_short;      /* shorter than an Ethernet header */
	uint32_t rx_not_us;     /* unicast MAC not ours */
	uint32_t rx_multicast;  /* multicast (not broadcast) MAC: ignored */
	uint32_t rx_ethertype;  /* unknown ethertype */
	uint32_t tx_errors;     /* driver refused a frame */
};

struct net_stack {
	struct netdev *dev;
	struct ll_clock clock;
	struct net_ipcfg ip;
	struct net_counters cnt;
	struct arp_state arp;
	struct ipv4_state ipv4;
	struct udp_state udp;
	struct tcp_state tcp;
	/* One TX frame under construction: upper layers write their payload at
	 * txbuf + NET_TX_HEADROOM and each lower layer prepends its header.
	 * Valid until the next transmit; single-threaded so one suffices. */
	uint8_t txbuf[NET_TX_BUF_SIZE] __attribute__((aligned(16)));
};

/* Bind the stack to an opened netdev and a clock; IP config zeroed. */
void net_init(struct net_stack *ns, struct netdev *dev, const struct ll_clock *clk);
/* One step: hand up received frames, then run ARP and TCP timers.
 * Returns the number of frames received (>= 0) or a driver error. */
int net_poll(struct net_stack *ns);
/* Like net_poll but, when nothing arrived, idles the driver until the next
 * timer or max_us, whichever is first. Used by blocking loops. */
int net_poll_wait(struct net_stack *ns, uint32_t max_us);
/* Feed one received frame (what the driver's rx callback does); public for
 * tests and fuzzers. Malformed frames are counted and dropped. */
void net_rx_frame(struct net_stack *ns, const uint8_t *frame, size_t len);
static inline uint64_t net_now(const struct net_stack *ns) { return ll_now(&ns->clock); }

#endif
