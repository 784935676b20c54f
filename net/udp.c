/* net/udp.c - UDP (RFC 768): a few bound ports with receive callbacks,
 * checksums verified on input (when present) and always set on output. */
#include "net/net.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

static struct udp_binding *udp_find(struct net_stack *ns, uint16_t port)
{
	int i;

	for (i = 0; i < UDP_MAX_BINDINGS; i++)
		if (ns->udp.bind[i].port == port)
			return &ns->udp.bind[i];
	return NULL;
}

int udp_bind(struct net_stack *ns, uint16_t port, udp_rx_fn rx, void *ctx)
{
	struct udp_binding *b;

	if (!port || !rx)
		return LL_EINVAL;
	if (udp_find(ns, port))
		return LL_EADDRINUSE;
	b = udp_find(ns, 0);
	if (!b)
		return LL_EBUSY;
	b->port = port;
	b->rx = rx;
	b->ctx = ctx;
	return 0;
}

void udp_unbind(struct net_stack *ns, uint16_t port)
{
	struct udp_binding *b = port ? udp_find(ns, port) : NULL;

	if (b)
		memset(b, 0, sizeof(*b));
}

static uint16_t udp_checksum(uint32_t src, uint32_t dst, const uint8_t *p,
			     uint16_t len)
{
	return inet_fold(inet_sum(p, len, inet_pseudo_sum(src, dst, IP_PROTO_UDP, len)));
}

int udp_send(struct net_stack *ns, uint16_t src_port, uint32_t dst_ip,
	     uint16_t dst_port, const void *data, size_t len)
{
	uint8_t *p;
	uint16_t ulen, sum;

	if (len + UDP_HLEN + IPV4_HLEN > ns->dev->mtu ||
	    len > NET_TX_BUF_SIZE - NET_TX_HEADROOM)
		return LL_EMSGSIZE;
	p = net_tx_begin(ns) + NET_TX_HEADROOM - UDP_HLEN;
	if (len)
		memmove(p + UDP_HLEN, data, len);
	ulen = (uint16_t)(len + UDP_HLEN);
	put_be16(p, src_port);
	put_be16(p + 2, dst_port);
	put_be16(p + 4, ulen);
	put_be16(p + 6, 0);
	sum = udp_checksum(ns->ip.addr, dst_ip, p, ulen);
	put_be16(p + 6, sum ? sum : 0xffff);  /* 0 would mean "none" */
	return ipv4_output(ns, dst_ip, IP_PROTO_UDP, p, ulen);
}

void udp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
	       const uint8_t *p, size_t len)
{
	struct udp_binding *b;
	uint16_t ulen, dport;

	if (len < UDP_HLEN) {
		ns->udp.rx_short++;
		return;
	}
	ulen = get_be16(p + 4);
	if (ulen < UDP_HLEN || ulen > len) {
		ns->udp.rx_bad_len++;
		return;
	}
	if (get_be16(p + 6) && udp_checksum(src, dst, p, ulen) != 0) {
		ns->udp.rx_bad_csum++;
		return;
	}
	dport = get_be16(p + 2);
	b = dport ? udp_find(ns, dport) : NULL;
	if (!b) {
		ns->udp.rx_no_port++;
		return;
	}
	b->rx(b->ctx, src, get_be16(p), p + UDP_HLEN, ulen - UDP_HLEN);
}
