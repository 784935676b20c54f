/* net/icmp.c - ICMP (RFC 792): answer echo requests sent to our address
 * with the same identifier, sequence and data; count everything else. */
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"
#include "lib/mem.h"

#define ICMP_HLEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

static void icmp_echo_reply(struct net_stack *ns, uint32_t to,
			    const uint8_t *req, size_t len)
{
	uint8_t *p;

	if (len + IPV4_HLEN > ns->dev->mtu ||
	    len > NET_TX_BUF_SIZE - NET_TX_HEADROOM) {
		ns->ipv4.icmp_bad++;
		return;
	}
	p = net_tx_begin(ns) + NET_TX_HEADROOM;
	memcpy(p, req, len);               /* id, sequence and data as asked */
	p[0] = ICMP_ECHO_REPLY;
	p[1] = 0;
	put_be16(p + 2, 0);
	put_be16(p + 2, inet_fold(inet_sum(p, len, 0)));
	if (ipv4_output(ns, to, IP_PROTO_ICMP, p, len) == 0)
		ns->ipv4.icmp_echo_replied++;
}

void icmp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
		const uint8_t *pkt, size_t len)
{
	if (len < ICMP_HLEN || inet_fold(inet_sum(pkt, len, 0)) != 0) {
		ns->ipv4.icmp_bad++;
		return;
	}
	/* Echo only to our own unicast address, from a unicast source. */
	if (pkt[0] != ICMP_ECHO_REQUEST || pkt[1] != 0 || !ns->ip.addr ||
	    dst != ns->ip.addr || !src || src == IPV4_BROADCAST ||
	    ipv4_next_hop(ns, src) == 0) {
		ns->ipv4.icmp_ignored++;
		return;
	}
	icmp_echo_reply(ns, src, pkt, len);
}
