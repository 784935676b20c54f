/* net/udp.h - UDP (RFC 768): a few bound ports with receive callbacks and
 * a send call that builds the datagram in the TX buffer. */
#ifndef NET_UDP_H
#define NET_UDP_H
#include <stddef.h>
#include <stdint.h>

#define UDP_HLEN 8
#define UDP_MAX_BINDINGS 4

struct net_stack;
/* src_ip/src_port are the sender's; data valid only during the call. */
typedef void (*udp_rx_fn)(void *ctx, uint32_t src_ip, uint16_t src_port,
			  const uint8_t *data, size_t len);

struct udp_binding {
	uint16_t port;   /* 0: free */
	udp_rx_fn rx;
	void *ctx;
};

struct udp_state {
	struct udp_binding bind[UDP_MAX_BINDINGS];
	uint32_t rx_short, rx_bad_len, rx_bad_csum, rx_no_port;
};

int udp_bind(struct net_stack *ns, uint16_t port, udp_rx_fn rx, void *ctx);
void udp_unbind(struct net_stack *ns, uint16_t port);
/* Send len bytes (len <= MTU - 28). src 0.0.0.0 is allowed (DHCP) and dst
 * may be IPV4_BROADCAST. */
int udp_send(struct net_stack *ns, uint16_t src_port, uint32_t dst_ip,
	     uint16_t dst_port, const void *data, size_t len);
/* Called by ipv4_input with the IP addresses of the datagram. */
void udp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
	       const uint8_t *pkt, size_t len);

#endif
