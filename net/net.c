/* net/net.c - the network stack's polled loop: bind a netdev and a clock,
 * hand received frames to Ethernet, run ARP and TCP timers, idle politely. */
#include "net/net.h"
#include "net/eth.h"
#include "lib/mem.h"
#include "lib/print.h"

#define NET_POLL_BUDGET 64 /* frames handed up per poll step */

void net_init(struct net_stack *ns, struct netdev *dev, const struct ll_clock *clk)
{
	uint64_t now;

	memset(ns, 0, sizeof(*ns));
	ns->dev = dev;
	ns->clock = *clk;
	net_tx_end(ns);
	now = ll_now(clk);
	/* Vary the IP id and the TCP ISN seed between boots and hosts. */
	ns->ipv4.next_id = (uint16_t)(now ^ (now >> 16) ^ dev->mac[5]);
	ns->tcp.isn_seed = (uint32_t)(now ^ (now >> 32)) ^
			   ((uint32_t)dev->mac[4] << 8 | dev->mac[5]);
}

void net_rx_frame(struct net_stack *ns, const uint8_t *frame, size_t len)
{
	eth_input(ns, frame, len);
}

static void net_rx_cb(void *ctx, const uint8_t *frame, size_t len)
{
	net_rx_frame(ctx, frame, len);
}

/* Every stats_every received frames: where the polling time went, and
 * TCP's counters. */
static void net_stats(struct net_stack *ns)
{
	uint32_t rx = (uint32_t)ns->dev->rx_frames;

	if (!ns->stats_every || rx - ns->stats_at < ns->stats_every)
		return;
	ns->stats_at = rx;
	ll_logf("net: %u frames rx, polls %u us busy, %u us idle, %u naps %u us\n",
		rx, (uint32_t)ns->poll_busy_us, (uint32_t)ns->poll_idle_us,
		ns->naps, (uint32_t)ns->nap_us);
	tcp_stats_print(ns);
}

int net_poll(struct net_stack *ns)
{
	uint64_t t0 = net_now(ns);
	int n = ns->dev->ops->poll(ns->dev, net_rx_cb, ns, NET_POLL_BUDGET);

	arp_timers(ns);
	tcp_timers(ns);
	if (n > 0)
		ns->poll_busy_us += net_now(ns) - t0;
	else
		ns->poll_idle_us += net_now(ns) - t0;
	net_stats(ns);
	return n;
}

/* Microseconds to idle: max_us, cut short by the earliest TCP timer. */
static uint32_t net_idle_us(struct net_stack *ns, uint32_t max_us)
{
	uint64_t next = tcp_next_timer(ns);
	uint64_t now;

	if (!next)
		return max_us;
	now = net_now(ns);
	if (next <= now)
		return 0;
	if (next - now < max_us)
		return (uint32_t)(next - now);
	return max_us;
}

/* Without a driver wait: nap through the clock's idle once no frame went
 * in or out for NET_SPIN_US (a reply to what was just sent comes within
 * that while spinning), at most NET_NAP_US a time. */
static void net_nap(struct net_stack *ns, uint32_t idle)
{
	uint64_t frames = ns->dev->rx_frames + ns->cnt.tx_lent +
			  ns->cnt.tx_copied;
	uint64_t now = net_now(ns);

	if (frames != ns->quiet_frames) {
		ns->quiet_frames = frames;
		ns->quiet_since = now;
		return;
	}
	if (now - ns->quiet_since < NET_SPIN_US ||
	    (ns->dev->rx_hold && ns->dev->rx_hold < NET_NAP_MIN_HOLD))
		return;
	if (idle > NET_NAP_US)
		idle = NET_NAP_US;
	ns->clock.idle(ns->clock.ctx, idle);
	ns->naps++;
	ns->nap_us += idle;
}

int net_poll_wait(struct net_stack *ns, uint32_t max_us)
{
	int n = net_poll(ns);
	uint32_t idle;

	if (n != 0 || (!ns->dev->ops->wait && !ns->clock.idle))
		return n;
	idle = net_idle_us(ns, max_us);
	if (!idle)
		return 0;
	if (ns->dev->ops->wait)
		ns->dev->ops->wait(ns->dev, idle);
	else
		net_nap(ns, idle);
	return 0;
}
