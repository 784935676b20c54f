/* net/ipv4.h - IPv4 (RFC 791) input validation and output with routing via
 * the gateway, plus ICMP echo reply (RFC 792). Fragments are dropped. */
#ifndef NET_IPV4_H
#define NET_IPV4_H
#include <stddef.h>
#include <stdint.h>

#define IPV4_HLEN 20
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP  6
#define IP_PROTO_UDP  17
#define IPV4_BROADCAST 0xffffffffu

struct ipv4_state {
	uint16_t next_id;
	uint32_t rx_short, rx_bad_version, rx_bad_hlen, rx_bad_csum,
		 rx_bad_len, rx_fragment, rx_not_us, rx_proto;
	uint32_t icmp_echo_replied, icmp_bad;
	uint32_t icmp_ignored;   /* valid ICMP other than an echo request to us */
};

struct net_stack;

/* The Internet checksum (RFC 1071). inet_sum adds data (16-bit big-endian
 * words, an odd last byte padded with zero) to a running sum and returns it
 * reduced to 16 bits, not complemented; chain calls over even-length pieces.
 * inet_fold returns the one's complement of the folded sum: the value to
 * store in a checksum field (host order, store with put_be16), and 0 when a
 * sum taken over data that includes a correct checksum field is verified. */
uint32_t inet_sum(const void *data, size_t len, uint32_t sum);
uint16_t inet_fold(uint32_t sum);
/* Pseudo-header sum for TCP/UDP checksums (host-order addresses). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

void ipv4_input(struct net_stack *ns, const uint8_t *pkt, size_t len);
/* ICMP (RFC 792) datagram after IP validation: answers echo requests. */
void icmp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
		const uint8_t *pkt, size_t len);
/* Prepend an IPv4 header in front of payload (in the buffer net_tx_begin
 * gave, with headroom for IP + Ethernet), resolve the next hop (ARP; may
 * return LL_EAGAIN with a request sent) and send. dst may be
 * IPV4_BROADCAST. The frame ends either way: on LL_EAGAIN the ARP request
 * went out in its place, so rebuild the packet (net_tx_begin again) to
 * retry. LL_EHOSTUNREACH when dst is off-link with no gateway. */
int ipv4_output(struct net_stack *ns, uint32_t dst, uint8_t proto,
		uint8_t *payload, size_t len);
/* Next hop for dst: dst itself on-link, else the gateway (0 if none). */
uint32_t ipv4_next_hop(const struct net_stack *ns, uint32_t dst);

#endif
