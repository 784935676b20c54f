/* net/arp.c - ARP (RFC 826) for IPv4 over Ethernet: answer requests for our
 * address, learn senders, keep a small cache with expiry and LRU
 * replacement, and resolve with rate-limited requests and a deadline. */
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

#define ARP_PLEN 28            /* IPv4-over-Ethernet packet */
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_PENDING_TTL_US (3ull * 1000000)   /* unanswered slot kept */
#define ARP_REFRESH_US (15ull * 1000000)      /* re-ask before expiry */

/* Field offsets in the 28-byte packet. */
enum { ARP_HTYPE = 0, ARP_PTYPE = 2, ARP_HLN = 4, ARP_PLN = 5, ARP_OP = 6,
       ARP_SHA = 8, ARP_SPA = 14, ARP_THA = 18, ARP_TPA = 24 };

static struct arp_entry *arp_find(struct net_stack *ns, uint32_t ip)
{
	int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (ns->arp.cache[i].ip == ip)
			return &ns->arp.cache[i];
	return NULL;
}

/* A slot for a new entry: an empty one, else the least recently used. */
static struct arp_entry *arp_victim(struct net_stack *ns)
{
	struct arp_entry *best = &ns->arp.cache[0];
	int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &ns->arp.cache[i];
		if (!e->ip)
			return e;
		if (e->last_used < best->last_used)
			best = e;
	}
	return best;
}

static void arp_store(struct net_stack *ns, struct arp_entry *e, uint32_t ip,
		      const uint8_t *mac)
{
	uint64_t now = net_now(ns);

	if (e->ip != ip) {
		memset(e, 0, sizeof(*e));
		e->ip = ip;
		e->last_used = now;
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->resolved = 1;
	e->expires = now + ARP_ENTRY_TTL_US;
}

/* Build and send one ARP packet as a frame of its own. Sent from
 * ipv4_output (a request for the next hop) it takes the place of the frame
 * being built, which is then lost and rebuilt by its sender. */
static int arp_send(struct net_stack *ns, uint16_t op, const uint8_t *eth_dst,
		    const uint8_t *tha, uint32_t tpa)
{
	uint8_t *p = net_tx_begin(ns) + ETH_HLEN;

	put_be16(p + ARP_HTYPE, ARP_HTYPE_ETHER);
	put_be16(p + ARP_PTYPE, ETH_TYPE_IPV4);
	p[ARP_HLN] = ETH_ALEN;
	p[ARP_PLN] = 4;
	put_be16(p + ARP_OP, op);
	memcpy(p + ARP_SHA, ns->dev->mac, ETH_ALEN);
	put_be32(p + ARP_SPA, ns->ip.addr);
	memcpy(p + ARP_THA, tha, ETH_ALEN);
	put_be32(p + ARP_TPA, tpa);
	return eth_output(ns, eth_dst, ETH_TYPE_ARP, p, ARP_PLEN);
}

static int arp_send_request(struct net_stack *ns, const uint8_t *eth_dst,
			    uint32_t ip)
{
	static const uint8_t unknown[ETH_ALEN];
	int rc = arp_send(ns, ARP_OP_REQUEST, eth_dst, unknown, ip);

	if (rc == 0)
		ns->arp.requests_sent++;
	return rc;
}

/* Well-formed IPv4-over-Ethernet packet with a plausible sender? */
static int arp_valid(const uint8_t *p, size_t len)
{
	uint16_t op;

	if (len < ARP_PLEN)
		return 0;
	if (get_be16(p + ARP_HTYPE) != ARP_HTYPE_ETHER ||
	    get_be16(p + ARP_PTYPE) != ETH_TYPE_IPV4 ||
	    p[ARP_HLN] != ETH_ALEN || p[ARP_PLN] != 4)
		return 0;
	op = get_be16(p + ARP_OP);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return 0;
	if (p[ARP_SHA] & 1)        /* group address as sender hardware */
		return 0;
	return 1;
}

void arp_input(struct net_stack *ns, const uint8_t *p, size_t len)
{
	uint32_t spa, tpa, us = ns->ip.addr;
	struct arp_entry *e;
	int merged = 0;

	if (!arp_valid(p, len)) {
		ns->arp.rx_bad++;
		return;
	}
	spa = get_be32(p + ARP_SPA);
	tpa = get_be32(p + ARP_TPA);
	if (spa == IPV4_BROADCAST || (us && spa == us)) {
		ns->arp.rx_bad++;      /* nonsense or someone claims our address */
		return;
	}
	/* RFC 826: update a sender we already know, whoever asked. */
	e = spa ? arp_find(ns, spa) : NULL;
	if (e) {
		arp_store(ns, e, spa, p + ARP_SHA);
		merged = 1;
	}
	if (!us || tpa != us) {
		if (!merged)
			ns->arp.rx_not_us++;
		return;
	}
	if (!merged && spa)
		arp_store(ns, arp_victim(ns), spa, p + ARP_SHA);
	if (get_be16(p + ARP_OP) == ARP_OP_REQUEST &&
	    arp_send(ns, ARP_OP_REPLY, p + ARP_SHA, p + ARP_SHA, spa) == 0)
		ns->arp.replies_sent++;
}

/* Send a request for e unless one went out less than ARP_RETRY_US ago. */
static void arp_maybe_ask(struct net_stack *ns, struct arp_entry *e,
			  const uint8_t *eth_dst, uint64_t now)
{
	if (e->last_request && now - e->last_request < ARP_RETRY_US)
		return;
	e->last_request = now;
	arp_send_request(ns, eth_dst, e->ip);
}

/* Copy the MAC of a resolved, unexpired entry; 1 if there is one. */
static int arp_cached(struct net_stack *ns, uint32_t ip, uint8_t mac[6])
{
	struct arp_entry *e = arp_find(ns, ip);

	if (!ip || !e || !e->resolved || net_now(ns) >= e->expires)
		return 0;
	memcpy(mac, e->mac, ETH_ALEN);
	return 1;
}

int arp_lookup(struct net_stack *ns, uint32_t ip, uint8_t mac[6])
{
	uint64_t now = net_now(ns);
	struct arp_entry *e;

	if (!ip || ip == IPV4_BROADCAST)
		return LL_EINVAL;
	e = arp_find(ns, ip);
	if (e && e->resolved && now < e->expires) {
		e->last_used = now;
		memcpy(mac, e->mac, ETH_ALEN);
		/* Near expiry: keep using it but re-ask its owner directly;
		 * from arp_timers when asked for a frame being built, whose
		 * buffer (a lent slot, or txbuf's headroom) the request would
		 * take. */
		if (e->expires - now < ARP_REFRESH_US) {
			if (ns->tx.mode != NET_TX_IDLE)
				e->refresh = 1;
			else
				arp_maybe_ask(ns, e, e->mac, now);
		}
		return 0;
	}
	if (e)
		e->resolved = 0;   /* expired, not yet swept by arp_timers */
	if (!e) {
		e = arp_victim(ns);
		memset(e, 0, sizeof(*e));
		e->ip = ip;
	}
	e->last_used = now;
	e->expires = now + ARP_PENDING_TTL_US;
	arp_maybe_ask(ns, e, eth_broadcast, now);
	return LL_EAGAIN;
}

int arp_resolve(struct net_stack *ns, uint32_t ip, uint8_t mac[6], uint64_t deadline)
{
	int rc = arp_lookup(ns, ip, mac);      /* asks at once, even if late */

	while (rc == LL_EAGAIN) {
		uint64_t now = net_now(ns);
		uint64_t left = deadline > now ? deadline - now : 0;

		if (!left)
			return LL_EHOSTUNREACH;
		net_poll_wait(ns, left < ARP_RETRY_US ? (uint32_t)left :
			      (uint32_t)ARP_RETRY_US);
		/* At the deadline only a reply that just came counts: no new
		 * request that could never be waited for. */
		if (net_now(ns) >= deadline)
			return arp_cached(ns, ip, mac) ? 0 : LL_EHOSTUNREACH;
		rc = arp_lookup(ns, ip, mac);
	}
	return rc;
}

void arp_timers(struct net_stack *ns)
{
	uint64_t now = net_now(ns);
	int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &ns->arp.cache[i];
		if (e->ip && now >= e->expires) {
			memset(e, 0, sizeof(*e));
		} else if (e->refresh) {
			e->refresh = 0;
			arp_maybe_ask(ns, e, e->mac, now);
		}
	}
}

/* Announce our address (RFC 5227 style: request with spa = tpa = ours). */
int arp_announce(struct net_stack *ns)
{
	if (!ns->ip.addr)
		return LL_EINVAL;
	return arp_send_request(ns, eth_broadcast, ns->ip.addr);
}
