/* tests/lib/nettest.h - shared fixtures for the net/ unit tests: a stack
 * at 10.0.0.1/24 (gateway 10.0.0.254) over the fake NIC, a peer 10.0.0.2
 * with MAC 02:00:00:00:00:02, and hand-written frames with their checksums
 * worked out by hand (see each constant). Header-only, one per test binary. */
#ifndef TESTS_NETTEST_H
#define TESTS_NETTEST_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/fakenet.h"
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"

#define US_IP   0x0a000001u  /* 10.0.0.1 */
#define PEER_IP 0x0a000002u  /* 10.0.0.2 */
#define GW_IP   0x0a0000feu  /* 10.0.0.254 */

static struct fakenet fk;
static struct net_stack ns;

static const uint8_t us_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

static void nt_setup(void)
{
	struct ll_clock clk;

	fake_init(&fk);
	clk = fake_clock(&fk);
	net_init(&ns, &fk.nd, &clk);
	ns.ip.addr = US_IP;
	ns.ip.netmask = 0xffffff00u;
	ns.ip.gateway = GW_IP;
	ns.ipv4.next_id = 0x0100;
}

/* Feed a frame straight into the stack (no poll needed). */
static void nt_rx(const uint8_t *f, size_t len) { net_rx_frame(&ns, f, len); }

/* Independent RFC 1071 checksum for building test frames. */
static uint16_t nt_csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;
	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Recompute the IPv4 header checksum of an Ethernet frame (IHL honoured). */
static void nt_fix_ip_csum(uint8_t *f)
{
	size_t hl = (size_t)(f[14] & 0xf) * 4;
	f[24] = f[25] = 0;
	if (hl < 20)
		hl = 20;
	uint16_t c = nt_csum(f + 14, hl);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
}

/* Peer asks who has 10.0.0.1 (42 bytes, no padding). */
static const uint8_t arp_request_frame[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   0x02, 0, 0, 0, 0, 0x02,
	0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, /* Ether, IPv4, request */
	0x02, 0, 0, 0, 0, 0x02,   10, 0, 0, 2,           /* sender */
	0, 0, 0, 0, 0, 0,         10, 0, 0, 1,           /* target */
};

/* Our answer: reply to the peer, padded with zeros to 60 bytes. */
static const uint8_t arp_reply_expected[60] = {
	0x02, 0, 0, 0, 0, 0x02,   0x02, 0, 0, 0, 0, 0x01,
	0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
	0x02, 0, 0, 0, 0, 0x01,   10, 0, 0, 1,
	0x02, 0, 0, 0, 0, 0x02,   10, 0, 0, 2,
	/* 18 bytes of padding */
};

/* Echo request 10.0.0.2 -> 10.0.0.1, id 7 seq 1, data "abcd".
 * IP sum: 4500+0020+1234+4000+4001+0a00+0002+0a00+0001 = eb58 -> 14a7.
 * ICMP sum: 0800+0007+0001+6162+6364 = ccce -> 3331. */
static const uint8_t echo_request_frame[46] = {
	0x02, 0, 0, 0, 0, 0x01,   0x02, 0, 0, 0, 0, 0x02,   0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x01, 0x14, 0xa7, 10, 0, 0, 2, 10, 0, 0, 1,
	0x08, 0x00, 0x33, 0x31, 0x00, 0x07, 0x00, 0x01, 'a', 'b', 'c', 'd',
};

/* Our reply with IP id 0x0100, DF, TTL 64, padded to 60.
 * IP sum: 4500+0020+0100+4000+4001+0a00+0001+0a00+0002 = da24 -> 25db.
 * ICMP sum: 0000+0007+0001+6162+6364 = c4ce -> 3b31. */
static const uint8_t echo_reply_expected[60] = {
	0x02, 0, 0, 0, 0, 0x02,   0x02, 0, 0, 0, 0, 0x01,   0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x01, 0x00, 0x40, 0x00,
	0x40, 0x01, 0x25, 0xdb, 10, 0, 0, 1, 10, 0, 0, 2,
	0x00, 0x00, 0x3b, 0x31, 0x00, 0x07, 0x00, 0x01, 'a', 'b', 'c', 'd',
};

/* UDP 10.0.0.2:1234 -> 10.0.0.1:5000, data "hi", IP id 1, no DF.
 * IP sum: 4500+001e+0001+0000+4011+0a00+0002+0a00+0001 = 9933 -> 66cc.
 * UDP sum: pseudo 0a00+0002+0a00+0001+0011+000a = 141e, then
 * +04d2+1388+000a+6869 = 94eb -> 6b14. */
static const uint8_t udp_frame[44] = {
	0x02, 0, 0, 0, 0, 0x01,   0x02, 0, 0, 0, 0, 0x02,   0x08, 0x00,
	0x45, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00,
	0x40, 0x11, 0x66, 0xcc, 10, 0, 0, 2, 10, 0, 0, 1,
	0x04, 0xd2, 0x13, 0x88, 0x00, 0x0a, 0x6b, 0x14, 'h', 'i',
};

/* What udp_send(5000 -> 10.0.0.2:1234, "hi") must put on the wire: id 0x0100,
 * DF. IP sum: 4500+001e+0100+4000+4011+0a00+0001+0a00+0002 = da32 -> 25cd.
 * UDP sum is the same as above (the sum is symmetric in the ports and
 * addresses): 6b14. */
static const uint8_t udp_send_expected[60] = {
	0x02, 0, 0, 0, 0, 0x02,   0x02, 0, 0, 0, 0, 0x01,   0x08, 0x00,
	0x45, 0x00, 0x00, 0x1e, 0x01, 0x00, 0x40, 0x00,
	0x40, 0x11, 0x25, 0xcd, 10, 0, 0, 1, 10, 0, 0, 2,
	0x13, 0x88, 0x04, 0xd2, 0x00, 0x0a, 0x6b, 0x14, 'h', 'i',
};

/* Teach the stack the peer's MAC (via its ARP request) and forget the
 * reply that caused. */
static void nt_learn_peer(void)
{
	nt_rx(arp_request_frame, sizeof(arp_request_frame));
	fake_tx_clear(&fk);
}

#endif
