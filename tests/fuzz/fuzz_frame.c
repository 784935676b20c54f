/* tests/fuzz/fuzz_frame.c - libFuzzer target for the receive path of net/:
 * a stack at 10.0.0.1/24 over a tiny in-memory netdev is fed the input as
 * received frames; every frame it sends back is checked for sane framing
 * and a valid IPv4 header checksum.
 * Input: byte 0 holds flags (FF_SPLIT, FF_UNCONFIGURED, FF_TCP); without
 * FF_SPLIT the rest is one frame, with it the rest is records of
 * [time step][length hi][length lo][frame], frames handed up by polls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"

#define FF_SPLIT        0x01  /* several frames with length prefixes */
#define FF_UNCONFIGURED 0x02  /* ip.addr 0, as during DHCP */
#define FF_TCP          0x04  /* open a TCP connection to 10.0.0.2:3260 */
#define FRAME_CAP       2048  /* frames longer than a real NIC's are tried too */

struct fuzz_nic {
	uint64_t now_us;
	const uint8_t *rx;        /* the frame for the next poll, if any */
	size_t rx_len;
	unsigned tx_count;
};

static struct fuzz_nic nic;
static struct netdev dev;
static struct net_stack ns;
static struct tcp_conn conn;
static uint8_t tcp_tx_ring[4096], tcp_rx_ring[4096];

static uint64_t fz_now(void *ctx) { return ((struct fuzz_nic *)ctx)->now_us; }
static int fz_open(struct netdev *nd) { (void)nd; return 0; }
static void fz_close(struct netdev *nd) { (void)nd; }

/* Check what the stack sends: a whole frame within limits and, for IPv4,
 * a correct header checksum and a total length that fits the frame. */
static int fz_transmit(struct netdev *nd, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	(void)nd;
	if (len < 60 || len > NETDEV_FRAME_MAX)
		abort();
	if (memcmp(f + 6, dev.mac, ETH_ALEN) != 0)
		abort();
	if (get_be16(f + 12) == ETH_TYPE_IPV4) {
		size_t hl = (size_t)(f[14] & 0xf) * 4;
		if (f[14] >> 4 != 4 || hl < 20 || 14 + hl > len ||
		    inet_fold(inet_sum(f + 14, hl, 0)) != 0 ||
		    14 + (size_t)get_be16(f + 16) > len)
			abort();
	}
	nic.tx_count++;
	return 0;
}

/* Hand up the pending frame through a heap copy of exactly its size so
 * ASan sees any read past its end. */
static int fz_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	uint8_t *copy;

	(void)nd;
	if (!nic.rx || !budget)
		return 0;
	copy = malloc(nic.rx_len ? nic.rx_len : 1);
	memcpy(copy, nic.rx, nic.rx_len);
	nic.rx = NULL;
	rx(ctx, copy, nic.rx_len);
	free(copy);
	return 1;
}

static const struct netdev_ops fz_ops = {
	.open = fz_open, .close = fz_close, .transmit = fz_transmit,
	.poll = fz_poll, .wait = NULL,
};

/* UDP receiver: touch every byte delivered. */
static volatile uint8_t sink;
static void fz_udp_rx(void *ctx, uint32_t src, uint16_t sport,
		      const uint8_t *data, size_t len)
{
	size_t i;
	(void)ctx; (void)src; (void)sport;
	for (i = 0; i < len; i++)
		sink ^= data[i];
}

/* The peer 10.0.0.2 (02:00:00:00:00:02) announces itself with an ARP
 * request for us, so replies and TCP segments have a next hop. */
static void fz_learn_peer(void)
{
	static const uint8_t req[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x02,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
	};
	net_rx_frame(&ns, req, sizeof(req));
}

static void fz_setup(uint8_t flags)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	struct ll_clock clk = { .now_us = fz_now, .ctx = &nic };

	memset(&nic, 0, sizeof(nic));
	nic.now_us = 1000000;
	memset(&dev, 0, sizeof(dev));
	dev.ops = &fz_ops;
	dev.name = "fuzz0";
	memcpy(dev.mac, mac, 6);
	dev.mtu = 1500;
	net_init(&ns, &dev, &clk);
	ns.ip.addr = 0x0a000001;
	ns.ip.netmask = 0xffffff00;
	ns.ip.gateway = 0x0a0000fe;
	udp_bind(&ns, 68, fz_udp_rx, NULL);
	udp_bind(&ns, 5000, fz_udp_rx, NULL);
	fz_learn_peer();
	if (flags & FF_TCP) {
		memset(&conn, 0, sizeof(conn));
		if (tcp_conn_init(&conn, tcp_tx_ring, sizeof(tcp_tx_ring),
				  tcp_rx_ring, sizeof(tcp_rx_ring)) == 0) {
			ns.tcp.next_port = 49152;   /* the port the seeds use */
			tcp_connect_start(&ns, &conn, 0x0a000002, 3260);
		}
	}
	if (flags & FF_UNCONFIGURED)
		ns.ip.addr = 0;
}

static void fz_teardown(uint8_t flags)
{
	if ((flags & FF_TCP) && conn.state != TCP_CLOSED)
		tcp_abort(&conn);
}

/* Records: [time step][len hi][len lo][frame]; time step k advances the
 * clock by k * 10 ms (k = 255: one ARP TTL) before the frame is polled. */
static void fz_split(const uint8_t *p, size_t n)
{
	while (n >= 3) {
		size_t len = (size_t)get_be16(p + 1) % FRAME_CAP;
		uint8_t step = p[0];

		p += 3;
		n -= 3;
		if (len > n)
			len = n;
		nic.now_us += step == 255 ? ARP_ENTRY_TTL_US : step * 10000ull;
		nic.rx = p;
		nic.rx_len = len;
		net_poll(&ns);
		p += len;
		n -= len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	fz_setup(flags);
	if (flags & FF_SPLIT) {
		fz_split(data + 1, size - 1);
	} else {
		nic.rx = data + 1;
		nic.rx_len = size - 1;
		net_poll(&ns);
	}
	/* FZ_DEBUG=1: show the TCP port and ISS (gen_frame_corpus.py uses it) */
	if (getenv("FZ_DEBUG"))
		fprintf(stderr, "port=%u iss=%u st=%d\n", conn.local_port, conn.iss, conn.state);
	fz_teardown(flags);
	return 0;
}
