/* net/ipv4.c - IPv4 (RFC 791): the Internet checksum, a chain of input
 * validators with one drop counter each, protocol dispatch, and output with
 * next-hop selection (on-link, gateway or broadcast) and ARP. */
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

#define IPV4_TTL 64
#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_FRAG_OFFSET 0x1fff

/* A 64-bit word at any address (x86 loads it in one instruction). */
typedef uint64_t __attribute__((may_alias, aligned(1))) inet_word;

/* End-around-carry fold of a 64-bit one's complement sum to 16 bits; zero
 * only when acc is zero. */
static uint32_t inet_fold64(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/* The sum is byte-order independent (RFC 1071 2(B)): add the data as native
 * little-endian words (8 bytes a load, as two 32-bit halves so no carry is
 * lost; 2^32 halves fit the 64-bit accumulator), fold, and swap the 16-bit
 * result once to big-endian order. A nonzero sum folds to 1..ffff, the one
 * representative of its class, and zero stays zero, so the value is exactly
 * that of adding big-endian words one by one. Under QEMU TCG this runs a
 * few times faster than assembling words from bytes. */
uint32_t inet_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	uint32_t le;

	for (; len >= 32; len -= 32, p += 32) {
		uint64_t w0 = *(const inet_word *)(const void *)p;
		uint64_t w1 = *(const inet_word *)(const void *)(p + 8);
		uint64_t w2 = *(const inet_word *)(const void *)(p + 16);
		uint64_t w3 = *(const inet_word *)(const void *)(p + 24);

		acc += (w0 & 0xffffffffu) + (w0 >> 32) + (w1 & 0xffffffffu) +
		       (w1 >> 32) + (w2 & 0xffffffffu) + (w2 >> 32) +
		       (w3 & 0xffffffffu) + (w3 >> 32);
	}
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w = *(const inet_word *)(const void *)p;

		acc += (w & 0xffffffffu) + (w >> 32);
	}
	for (; len >= 2; len -= 2, p += 2)
		acc += (uint32_t)p[0] | (uint32_t)p[1] << 8;
	if (len)
		acc += p[0];            /* the high half of a big-endian word */
	le = inet_fold64(acc);
	return inet_fold64((uint64_t)sum + ((le >> 8) | (le & 0xff) << 8));
}

uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint64_t acc = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		       (dst & 0xffff) + proto + len;

	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/* Broadcast for us: limited, or the directed broadcast of our subnet. */
static int ipv4_is_broadcast(const struct net_stack *ns, uint32_t ip)
{
	if (ip == IPV4_BROADCAST)
		return 1;
	return ns->ip.addr && ns->ip.netmask && ns->ip.netmask != IPV4_BROADCAST &&
	       (ip & ns->ip.netmask) == (ns->ip.addr & ns->ip.netmask) &&
	       (ip | ns->ip.netmask) == IPV4_BROADCAST;
}

static int ipv4_dst_ok(const struct net_stack *ns, uint32_t dst)
{
	if (!ns->ip.addr)          /* unconfigured (DHCP running): take all */
		return 1;
	return dst == ns->ip.addr || ipv4_is_broadcast(ns, dst);
}

/* Validate the header; returns its length and trims *len to the datagram
 * (dropping Ethernet padding), or 0 after counting why it was dropped. */
static size_t ipv4_check(struct net_stack *ns, const uint8_t *p, size_t *len)
{
	struct ipv4_state *st = &ns->ipv4;
	size_t hlen, tot;

	if (*len < IPV4_HLEN)
		return st->rx_short++, 0;
	if (p[0] >> 4 != 4)
		return st->rx_bad_version++, 0;
	hlen = (size_t)(p[0] & 0xf) * 4;
	if (hlen < IPV4_HLEN || hlen > *len)
		return st->rx_bad_hlen++, 0;
	if (inet_fold(inet_sum(p, hlen, 0)) != 0)
		return st->rx_bad_csum++, 0;
	tot = get_be16(p + 2);
	if (tot > *len || tot < hlen)
		return st->rx_bad_len++, 0;
	if (get_be16(p + 6) & (IPV4_FLAG_MF | IPV4_FRAG_OFFSET))
		return st->rx_fragment++, 0;
	if (!ipv4_dst_ok(ns, get_be32(p + 16)))
		return st->rx_not_us++, 0;
	*len = tot;
	return hlen;
}

void ipv4_input(struct net_stack *ns, const uint8_t *p, size_t len)
{
	size_t hlen = ipv4_check(ns, p, &len);
	uint32_t src, dst;

	if (!hlen)
		return;
	src = get_be32(p + 12);
	dst = get_be32(p + 16);
	switch (p[9]) {
	case IP_PROTO_ICMP:
		icmp_input(ns, src, dst, p + hlen, len - hlen);
		break;
	case IP_PROTO_UDP:
		udp_input(ns, src, dst, p + hlen, len - hlen);
		break;
	case IP_PROTO_TCP:
		tcp_input(ns, src, dst, p + hlen, len - hlen);
		break;
	default:
		ns->ipv4.rx_proto++;
		break;
	}
}

uint32_t ipv4_next_hop(const struct net_stack *ns, uint32_t dst)
{
	uint32_t mask = ns->ip.netmask;

	if ((dst & mask) == (ns->ip.addr & mask))
		return dst;
	return ns->ip.gateway;
}

/* Link-layer destination for dst: broadcast, or the next hop through ARP. */
static int ipv4_dst_mac(struct net_stack *ns, uint32_t dst, uint8_t mac[6])
{
	uint32_t hop;

	if (ipv4_is_broadcast(ns, dst)) {
		memcpy(mac, eth_broadcast, ETH_ALEN);
		return 0;
	}
	if (!ns->ip.addr)
		return LL_ENETDOWN;
	hop = ipv4_next_hop(ns, dst);
	if (!hop)
		return LL_EHOSTUNREACH;
	return arp_lookup(ns, hop, mac);
}

static void ipv4_build_header(struct net_stack *ns, uint8_t *h, uint32_t dst,
			      uint8_t proto, size_t len)
{
	h[0] = 0x45;
	h[1] = 0;
	put_be16(h + 2, (uint16_t)(IPV4_HLEN + len));
	put_be16(h + 4, ns->ipv4.next_id++);
	put_be16(h + 6, IPV4_FLAG_DF);
	h[8] = IPV4_TTL;
	h[9] = proto;
	put_be16(h + 10, 0);
	put_be32(h + 12, ns->ip.addr);
	put_be32(h + 16, dst);
	put_be16(h + 10, inet_fold(inet_sum(h, IPV4_HLEN, 0)));
}

int ipv4_output(struct net_stack *ns, uint32_t dst, uint8_t proto,
		uint8_t *payload, size_t len)
{
	uint8_t mac[ETH_ALEN];
	uint8_t *h = payload - IPV4_HLEN;
	int rc = LL_EINVAL;

	if (payload < ns->tx.buf + ETH_HLEN + IPV4_HLEN ||
	    payload > ns->tx.buf + ns->tx.size)
		goto fail;
	rc = LL_EMSGSIZE;
	if (len + IPV4_HLEN > ns->dev->mtu ||
	    len + IPV4_HLEN + ETH_HLEN > NETDEV_FRAME_MAX)
		goto fail;
	rc = ipv4_dst_mac(ns, dst, mac);
	if (rc)
		goto fail;
	ipv4_build_header(ns, h, dst, proto, len);
	return eth_output(ns, mac, ETH_TYPE_IPV4, h, len + IPV4_HLEN);
fail:
	net_tx_end(ns);          /* the frame is not sent: a lent slot lapses */
	return rc;
}
