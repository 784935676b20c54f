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

/* Room in front of a TX payload for Ethernet + IPv4 + TCP with options
 * (14 + 20 + 60), rounded up to what a lent slot offers: the payload then
 * starts 16-byte aligned in a slot that is. */
#define NET_TX_HEADROOM NETDEV_TX_HEADROOM
#define NET_TX_BUF_SIZE NETDEV_TX_SLOT_MIN
_Static_assert(NET_TX_HEADROOM >= 14 + 20 + 60, "headroom below eth+ip+tcp");

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
	uint32_t tx_lent;       /* frames built in a slot the driver lent */
	uint32_t tx_copied;     /* frames built in txbuf, copied by transmit */
};

/* Where the frame under construction lives (net_tx_begin). */
enum net_tx_mode {
	NET_TX_IDLE,     /* no frame begun (tx.buf is ns->txbuf) */
	NET_TX_OWN,      /* ns->txbuf; eth hands it to transmit (a copy) */
	NET_TX_LENT,     /* a driver's TX slot; eth commits it in place */
	NET_TX_REFUSED,  /* ring full after the retries: eth says LL_EAGAIN */
};

struct net_tx {
	uint8_t *buf;    /* start of the buffer, NET_TX_BUF_SIZE bytes or more */
	size_t size;     /* bytes at buf */
	enum net_tx_mode mode;
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
	/* Every stats_every received frames (0: never) net_poll prints the
	 * TCP counters (tcp_stats_print); stats_at: frames at the last. */
	uint32_t stats_every, stats_at;
	/* Time in net_poll steps that found frames (busy) and that did not
	 * (idle: waiting for the peer or the device), microseconds. */
	uint64_t poll_busy_us, poll_idle_us;
	/* Idling politely (clock.idle): frames in + out at the last look, when
	 * they last moved, and the naps taken (count, microseconds asked). */
	uint64_t quiet_frames, quiet_since, nap_us;
	uint32_t naps;
	/* One TX frame under construction (single-threaded, so one suffices):
	 * net_tx_begin picks tx.buf, upper layers write their payload at
	 * tx.buf + NET_TX_HEADROOM and each lower layer prepends its header;
	 * eth_output sends it and ends the frame. txbuf is the stack's own
	 * buffer, used when the driver lends no slot. */
	struct net_tx tx;
	uint8_t txbuf[NET_TX_BUF_SIZE] __attribute__((aligned(16)));
};

#define NET_SPIN_US 250u   /* poll without napping this long after traffic */
#define NET_NAP_US 200u    /* longest nap: the most it delays a frame */
/* No naps on a device that holds fewer bytes than this while nobody polls
 * (netdev rx_hold: a ROM's small buffer): TCP's window is that small, the
 * peer stalls on every window, and a nap would lengthen each stall. */
#define NET_NAP_MIN_HOLD (32u * 1024)

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
/* Start a frame: returns the buffer to build it in (ns->tx.buf, at least
 * NET_TX_BUF_SIZE bytes). A slot the driver lends when it can (polling and
 * asking again, a bounded number of times, while its ring is full), else
 * ns->txbuf. Never fails: when the ring stays full the frame is built
 * anyway and eth_output returns LL_EAGAIN for it, as for a refused copy.
 * Every sender calls it first; a frame another frame interrupts (an ARP
 * request sent from ipv4_output) is lost, rebuilt by its sender. */
uint8_t *net_tx_begin(struct net_stack *ns);
/* End or abandon the frame under construction (ns->tx idle, back to
 * ns->txbuf); a lent slot just lapses. eth_output ends it after sending,
 * ipv4_output when it cannot send. (Both in eth.c.) */
void net_tx_end(struct net_stack *ns);
static inline uint64_t net_now(const struct net_stack *ns) { return ll_now(&ns->clock); }

#endif
