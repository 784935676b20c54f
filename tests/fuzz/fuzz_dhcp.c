/* tests/fuzz/fuzz_dhcp.c - fuzz the DHCP client: the input goes to
 * dhcp_parse as it is, then through the whole stack as the server's UDP
 * reply to each DISCOVER / REQUEST (xid and chaddr patched to match). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "net/dhcp.h"
#include "net/net.h"
#include "net/ipv4.h"
#include "lib/byteorder.h"
#include "lib/err.h"

#define MAX_REPLY 1400

/* What the parser promises: strings terminated inside their buffers, raw
 * vendor bytes within bounds, and nothing left behind on failure. */
static void check_lease(int rc, const struct dhcp_lease *l)
{
	static const struct dhcp_lease zero;

	if (rc != 0 && rc != LL_EPROTO)
		abort();
	if (rc != 0) {
		if (memcmp(l, &zero, sizeof(zero)) != 0)
			abort();
		return;
	}
	if (strnlen(l->hostname, sizeof(l->hostname)) >= sizeof(l->hostname) ||
	    strnlen(l->root_path, DHCP_STR_MAX) >= DHCP_STR_MAX ||
	    strnlen(l->initiator_iqn, DHCP_STR_MAX) >= DHCP_STR_MAX ||
	    strnlen(l->settings, DHCP_STR_MAX) >= DHCP_STR_MAX ||
	    l->vendor_len > sizeof(l->vendor))
		abort();
}

struct fz {
	struct netdev nd;
	uint64_t now;
	const uint8_t *in;
	size_t in_len;
	uint8_t rx[NETDEV_FRAME_MAX];
	size_t rx_len;
	unsigned sent;
};

static uint64_t fz_now(void *ctx) { return ((struct fz *)ctx)->now; }
static int fz_open(struct netdev *nd) { (void)nd; return 0; }
static void fz_close(struct netdev *nd) { (void)nd; }
static void fz_wait(struct netdev *nd, uint32_t us) { ((struct fz *)nd->priv)->now += us; }

static uint8_t fz_reply_type(const uint8_t *req, size_t len, uint8_t type)
{
	if (len < 243 || req[240] != 53 || req[241] != 1)
		return type;
	if (req[242] == DHCPDISCOVER)
		return type == DHCPACK || type == DHCPNAK ? DHCPOFFER : type;
	return type == DHCPOFFER ? DHCPACK : type;
}

/* Wrap the input as a UDP 67->68 broadcast (no UDP checksum) answering
 * the DHCP message the client just sent in frame. */
static void fz_make_reply(struct fz *z, const uint8_t *frame, size_t len)
{
	uint8_t *ip = z->rx + 14, *udp = z->rx + 34, *d = z->rx + 42;
	size_t n = z->in_len > MAX_REPLY ? MAX_REPLY : z->in_len;

	memset(z->rx, 0xff, 6);
	memset(z->rx + 6, 0x02, 6);
	put_be16(z->rx + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(28 + n));
	ip[8] = 64;
	ip[9] = IP_PROTO_UDP;
	put_be32(ip + 12, 0x0a000001);
	put_be32(ip + 16, IPV4_BROADCAST);
	put_be16(ip + 10, inet_fold(inet_sum(ip, 20, 0)));
	put_be16(udp, DHCP_SERVER_PORT);
	put_be16(udp + 2, DHCP_CLIENT_PORT);
	put_be16(udp + 4, (uint16_t)(8 + n));
	put_be16(udp + 6, 0);
	memcpy(d, z->in, n);
	if (n >= 240 && len >= 42 + 240) {
		memcpy(d + 4, frame + 42 + 4, 4);             /* xid */
		memcpy(d + 28, frame + 42 + 28, 6);           /* chaddr */
		/* With option 53 first: answer a DISCOVER with the packet as
		 * an OFFER, a REQUEST with it as an ACK (as a NAK if it was one,
		 * any other type left as it is). */
		if (n >= 243 && d[240] == 53 && d[241] == 1)
			d[242] = fz_reply_type(frame + 42, len - 42, d[242]);
	}
	z->rx_len = 42 + n;
}

static int fz_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct fz *z = nd->priv;

	z->sent++;
	if (z->sent <= 8)
		fz_make_reply(z, frame, len);
	return 0;
}

static int fz_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	struct fz *z = nd->priv;
	uint8_t *copy;

	if (!z->rx_len || !budget)
		return 0;
	/* An exact-size copy so ASan sees any read past the frame. */
	copy = malloc(z->rx_len);
	memcpy(copy, z->rx, z->rx_len);
	rx(ctx, copy, z->rx_len);
	free(copy);
	z->rx_len = 0;
	return 1;
}

static const struct netdev_ops fz_ops = {
	.open = fz_open, .close = fz_close, .transmit = fz_transmit,
	.poll = fz_poll, .wait = fz_wait,
};

static void fuzz_exchange(const uint8_t *data, size_t size)
{
	static struct net_stack ns;
	static struct fz z;
	struct ll_clock clk = { .now_us = fz_now, .ctx = &z };
	struct dhcp_lease l;
	int rc;

	memset(&z, 0, sizeof(z));
	z.nd.ops = &fz_ops;
	z.nd.priv = &z;
	z.nd.name = "fuzz0";
	z.nd.mac[0] = 0x02;
	z.nd.mac[5] = 0x01;
	z.nd.mtu = 1500;
	z.now = 1000000;
	z.in = data;
	z.in_len = size;
	net_init(&ns, &z.nd, &clk);
	rc = dhcp_run(&ns, &l, z.now + 20 * 1000000ull);
	if (rc != 0 && rc != LL_ETIMEDOUT && rc != LL_ENOLEASE &&
	    rc != LL_EDHCPNAK)
		abort();
	if (rc == 0 && (ns.ip.addr != l.yiaddr || !l.yiaddr))
		abort();
	if (z.now > 1000000 + 20 * 1000000ull)
		abort();          /* ran past its deadline */
	rc = dhcp_use_ack(&ns, data, size, &l);
	if (rc != 0 && rc != LL_EPROTO && rc != LL_ENOLEASE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_lease l;
	int rc;

	memset(&l, 0xa5, sizeof(l));
	rc = dhcp_parse(data, size, &l);
	check_lease(rc, &l);
	fuzz_exchange(data, size);
	return 0;
}
