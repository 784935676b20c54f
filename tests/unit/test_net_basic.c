/* tests/unit/test_net_basic.c - checksums, ARP request/reply, ICMP echo,
 * UDP receive/send and routing of the lower net/ layers, checked against
 * hand-built frames byte for byte through the fake NIC. */
#include "tests/lib/check.h"
#include "tests/lib/nettest.h"
#include "lib/err.h"

static void test_inet_sum_rfc1071(void)
{
	/* RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to ddf2. */
	static const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	CHECK_EQ(inet_sum(d, 8, 0), 0xddf2);
	CHECK_EQ(inet_fold(inet_sum(d, 8, 0)), 0x220d);
	/* chained over even pieces gives the same */
	CHECK_EQ(inet_sum(d + 4, 4, inet_sum(d, 4, 0)), 0xddf2);
	/* odd length: last byte is the high half of a word */
	static const uint8_t o[3] = {0x12, 0x34, 0x56};
	CHECK_EQ(inet_sum(o, 3, 0), 0x1234 + 0x5600);
	/* carries wrap around: ffff + 0001 = 1 0000 -> 0001 */
	static const uint8_t c[4] = {0xff, 0xff, 0x00, 0x01};
	CHECK_EQ(inet_sum(c, 4, 0), 0x0001);
	/* verification of a correct header folds to 0 */
	CHECK_EQ(inet_fold(inet_sum(echo_request_frame + 14, 20, 0)), 0);
	CHECK_EQ(inet_pseudo_sum(PEER_IP, US_IP, 17, 10), 0x141e);
	CHECK_EQ(inet_fold(inet_sum(udp_frame + 34, 10,
				    inet_pseudo_sum(PEER_IP, US_IP, 17, 10))), 0);
}

static void test_arp_reply(void)
{
	uint8_t mac[6];

	nt_setup();
	fake_inject(&fk, arp_request_frame, sizeof(arp_request_frame));
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, 60);
	CHECK(memcmp(fk.tx[0].data, arp_reply_expected, 60) == 0);
	CHECK_EQ(ns.arp.replies_sent, 1);
	/* the asker was learned */
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), 0);
	CHECK(memcmp(mac, peer_mac, 6) == 0);
	CHECK_EQ(fk.tx_n, 1);
}

static void test_arp_not_for_us(void)
{
	uint8_t f[42];
	uint8_t mac[6];

	nt_setup();
	memcpy(f, arp_request_frame, sizeof(f));
	f[41] = 3;                            /* who has 10.0.0.3 */
	nt_rx(f, sizeof(f));
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(ns.arp.rx_not_us, 1);
	CHECK_EQ(ns.arp.rx_bad, 0);
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), LL_EAGAIN); /* not learned */
	/* unconfigured stack answers nobody */
	nt_setup();
	ns.ip.addr = 0;
	nt_rx(arp_request_frame, sizeof(arp_request_frame));
	CHECK_EQ(fk.tx_n, 0);
}

static void test_arp_lookup_request_and_reply(void)
{
	/* Expected broadcast request from us for 10.0.0.2. */
	static const uint8_t req[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   0x02, 0, 0, 0, 0, 0x01,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	};
	uint8_t reply[42], mac[6];

	nt_setup();
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, 60);
	CHECK(memcmp(fk.tx[0].data, req, 60) == 0);
	/* rate limited: no second request within ARP_RETRY_US */
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	fk.now_us += ARP_RETRY_US;
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 2);
	CHECK_EQ(ns.arp.requests_sent, 2);
	/* the peer's reply, to us */
	memcpy(reply, arp_reply_expected, 42);
	memcpy(reply, us_mac, 6);
	memcpy(reply + 6, peer_mac, 6);
	memcpy(reply + 22, peer_mac, 6);
	reply[28] = 10; reply[29] = 0; reply[30] = 0; reply[31] = 2;
	memcpy(reply + 32, us_mac, 6);
	reply[38] = 10; reply[39] = 0; reply[40] = 0; reply[41] = 1;
	nt_rx(reply, sizeof(reply));
	CHECK_EQ(fk.tx_n, 2);                  /* replies are not answered */
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), 0);
	CHECK(memcmp(mac, peer_mac, 6) == 0);
}

static void test_arp_expiry(void)
{
	uint8_t mac[6];

	nt_setup();
	nt_learn_peer();
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), 0);
	/* still valid just before the TTL, with a refresh asked unicast */
	fk.now_us += ARP_ENTRY_TTL_US - 1;
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), 0);
	CHECK_EQ(fk.tx_n, 1);
	CHECK(memcmp(fk.tx[0].data, peer_mac, 6) == 0);
	fake_tx_clear(&fk);
	fk.now_us += 1;
	net_poll(&ns);                         /* arp_timers sweeps it */
	CHECK_EQ(ns.arp.cache[0].ip, 0);
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	CHECK(memcmp(fk.tx[0].data, eth_broadcast, 6) == 0);
}

static void test_arp_lru(void)
{
	uint8_t f[42], mac[6];
	int i;

	nt_setup();
	memcpy(f, arp_request_frame, sizeof(f));
	for (i = 0; i < ARP_CACHE_SIZE; i++) {     /* fill from .10 .. .17 */
		f[11] = f[27] = (uint8_t)(10 + i);
		f[31] = (uint8_t)(10 + i);
		nt_rx(f, sizeof(f));
		fk.now_us += 1000;
	}
	CHECK_EQ(arp_lookup(&ns, 0x0a00000a, mac), 0);  /* touch .10 */
	f[11] = f[27] = f[31] = 30;
	nt_rx(f, sizeof(f));                            /* .30 evicts .11 */
	fake_tx_clear(&fk);
	CHECK_EQ(arp_lookup(&ns, 0x0a00000a, mac), 0);
	CHECK_EQ(mac[5], 10);
	CHECK_EQ(arp_lookup(&ns, 0x0a00001e, mac), 0);
	CHECK_EQ(mac[5], 30);
	CHECK_EQ(arp_lookup(&ns, 0x0a00000c, mac), 0);
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(arp_lookup(&ns, 0x0a00000b, mac), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
}

/* A wait hook that moves the fake clock, so blocking loops see time pass. */
static uint64_t waited_us;
static unsigned wait_calls;
static void wait_advance(struct netdev *nd, uint32_t max_us)
{
	((struct fakenet *)nd->priv)->now_us += max_us;
	waited_us += max_us;
	wait_calls++;
}

static void test_arp_resolve_deadline(void)
{
	static struct netdev_ops ops;
	uint8_t mac[6];
	uint64_t start;

	nt_setup();
	ops = fake_ops;
	ops.wait = wait_advance;
	fk.nd.ops = &ops;
	waited_us = 0;
	start = fk.now_us;
	CHECK_EQ(arp_resolve(&ns, PEER_IP, mac, start + 1000000), LL_EHOSTUNREACH);
	CHECK(fk.now_us >= start + 1000000);
	CHECK(fk.now_us < start + 1000000 + ARP_RETRY_US);
	CHECK_EQ(waited_us, 1000000);
	/* a request every ARP_RETRY_US: at 0, .25, .5, .75 s */
	CHECK_EQ(fk.tx_n, 4);
	CHECK_EQ(ns.arp.requests_sent, 4);
	/* deadline already past: one request, no wait */
	fake_tx_clear(&fk);
	wait_calls = 0;
	CHECK_EQ(arp_resolve(&ns, 0x0a000009, mac, fk.now_us), LL_EHOSTUNREACH);
	CHECK_EQ(wait_calls, 0);
	CHECK_EQ(fk.tx_n, 1);
}

static void test_arp_resolve_ok(void)
{
	uint8_t mac[6];
	uint8_t reply[42];

	nt_setup();
	/* the peer's (broadcast) reply is waiting for the first poll */
	memcpy(reply, arp_request_frame, 42);
	reply[21] = 2;
	reply[38] = 10; reply[41] = 1;
	fake_inject(&fk, reply, sizeof(reply));
	CHECK_EQ(arp_resolve(&ns, PEER_IP, mac, fk.now_us + 1000), 0);
	CHECK(memcmp(mac, peer_mac, 6) == 0);
	CHECK_EQ(fk.tx_n, 1);
}

static void test_icmp_echo(void)
{
	nt_setup();
	nt_learn_peer();
	nt_rx(echo_request_frame, sizeof(echo_request_frame));
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, 60);
	CHECK(memcmp(fk.tx[0].data, echo_reply_expected, 60) == 0);
	CHECK_EQ(ns.ipv4.icmp_echo_replied, 1);
	CHECK_EQ(ns.ipv4.next_id, 0x0101);
}

static void test_icmp_echo_large(void)
{
	static uint8_t f[14 + 1500];
	size_t i, ilen = 1500 - 20;

	nt_setup();
	nt_learn_peer();
	memcpy(f, echo_request_frame, 34);
	f[16] = 1500 >> 8; f[17] = 1500 & 0xff;
	nt_fix_ip_csum(f);
	f[34] = 8; f[35] = 0; f[36] = f[37] = 0;
	f[38] = 0xbe; f[39] = 0xef; f[40] = 0x12; f[41] = 0x34;
	for (i = 8; i < ilen; i++)
		f[34 + i] = (uint8_t)(i * 7);
	uint16_t c = nt_csum(f + 34, ilen);
	f[36] = (uint8_t)(c >> 8); f[37] = (uint8_t)c;
	nt_rx(f, sizeof(f));
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, sizeof(f));
	CHECK_EQ(fk.tx[0].data[34], 0);
	CHECK(memcmp(fk.tx[0].data + 38, f + 38, ilen - 4) == 0);
	CHECK_EQ(nt_csum(fk.tx[0].data + 34, ilen), 0);
	CHECK_EQ(nt_csum(fk.tx[0].data + 14, 20), 0);
}

static uint32_t got_src;
static uint16_t got_port;
static uint8_t got_data[64];
static size_t got_len;
static int got_n;
static void udp_rx(void *ctx, uint32_t src, uint16_t sport, const uint8_t *d, size_t len)
{
	(void)ctx;
	got_src = src;
	got_port = sport;
	got_len = len < sizeof(got_data) ? len : sizeof(got_data);
	memcpy(got_data, d, got_len);
	got_n++;
}

static void test_udp_receive(void)
{
	uint8_t f[60];

	nt_setup();
	got_n = 0;
	CHECK_EQ(udp_bind(&ns, 5000, udp_rx, NULL), 0);
	CHECK_EQ(udp_bind(&ns, 5000, udp_rx, NULL), LL_EADDRINUSE);
	CHECK_EQ(udp_bind(&ns, 0, udp_rx, NULL), LL_EINVAL);
	nt_rx(udp_frame, sizeof(udp_frame));
	CHECK_EQ(got_n, 1);
	CHECK_EQ(got_src, PEER_IP);
	CHECK_EQ(got_port, 1234);
	CHECK_EQ(got_len, 2);
	CHECK(memcmp(got_data, "hi", 2) == 0);
	/* Ethernet padding with junk is trimmed by the IP total length */
	memset(f, 0xa5, sizeof(f));
	memcpy(f, udp_frame, sizeof(udp_frame));
	nt_rx(f, sizeof(f));
	CHECK_EQ(got_n, 2);
	CHECK_EQ(got_len, 2);
	/* checksum 0 means none: accepted */
	memcpy(f, udp_frame, sizeof(udp_frame));
	f[40] = f[41] = 0;
	nt_rx(f, sizeof(udp_frame));
	CHECK_EQ(got_n, 3);
	udp_unbind(&ns, 5000);
	nt_rx(udp_frame, sizeof(udp_frame));
	CHECK_EQ(got_n, 3);
	CHECK_EQ(ns.udp.rx_no_port, 1);
	CHECK_EQ(fk.tx_n, 0);
}

static void test_udp_send(void)
{
	uint8_t mac[6];

	nt_setup();
	/* unknown peer: ARP request goes out, caller told to retry */
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(get_be16(fk.tx[0].data + 12), ETH_TYPE_ARP);
	nt_learn_peer();
	CHECK_EQ(arp_lookup(&ns, PEER_IP, mac), 0);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, 60);
	CHECK(memcmp(fk.tx[0].data, udp_send_expected, 60) == 0);
	/* too big for the MTU */
	static uint8_t big[1500];
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, big, 1500 - 28 + 1), LL_EMSGSIZE);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, big, 1500 - 28), 0);
	CHECK_EQ(fk.tx[1].len, 1514);
}

static void test_udp_broadcast_unconfigured(void)
{
	nt_setup();
	ns.ip.addr = 0;
	ns.ip.netmask = 0;
	ns.ip.gateway = 0;
	CHECK_EQ(udp_send(&ns, 68, IPV4_BROADCAST, 67, "x", 1), 0);
	CHECK_EQ(fk.tx_n, 1);
	const uint8_t *f = fk.tx[0].data;
	CHECK(memcmp(f, eth_broadcast, 6) == 0);
	CHECK_EQ(get_be32(f + 26), 0);              /* source 0.0.0.0 */
	CHECK_EQ(get_be32(f + 30), IPV4_BROADCAST);
	CHECK_EQ(nt_csum(f + 14, 20), 0);
	CHECK_EQ(get_be16(f + 34), 68);
	CHECK_EQ(get_be16(f + 36), 67);
	/* unicast without an address is refused */
	CHECK_EQ(udp_send(&ns, 68, PEER_IP, 67, "x", 1), LL_ENETDOWN);
}

static void test_routing(void)
{
	uint8_t mac[6];

	nt_setup();
	CHECK_EQ(ipv4_next_hop(&ns, PEER_IP), PEER_IP);
	CHECK_EQ(ipv4_next_hop(&ns, 0x08080808), GW_IP);
	/* off-link: ARP goes to the gateway */
	CHECK_EQ(udp_send(&ns, 5000, 0x08080808, 53, "q", 1), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(get_be32(fk.tx[0].data + 38), GW_IP);
	/* subnet-directed broadcast goes to ff:ff:ff:ff:ff:ff */
	CHECK_EQ(udp_send(&ns, 5000, 0x0a0000ff, 9, "q", 1), 0);
	CHECK(memcmp(fk.tx[1].data, eth_broadcast, 6) == 0);
	/* no gateway: off-link is unreachable */
	ns.ip.gateway = 0;
	CHECK_EQ(udp_send(&ns, 5000, 0x08080808, 53, "q", 1), LL_EHOSTUNREACH);
	CHECK_EQ(fk.tx_n, 2);
	(void)mac;
}

static int eagain_left;
static int eagain_transmit(struct netdev *nd, const void *f, size_t len)
{
	if (eagain_left) {
		eagain_left--;
		return LL_EAGAIN;
	}
	return fake_transmit(nd, f, len);
}

static void test_eth_tx_eagain(void)
{
	static struct netdev_ops ops;

	nt_setup();
	nt_learn_peer();
	ops = fake_ops;
	ops.transmit = eagain_transmit;
	fk.nd.ops = &ops;
	eagain_left = 3;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.tx_n, 1);
	CHECK(memcmp(fk.tx[0].data, udp_send_expected, 60) == 0);
	/* a ring that never drains: bounded retries, then LL_EAGAIN */
	eagain_left = 1000000;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_EAGAIN);
	CHECK(eagain_left > 1000000 - 100);
	CHECK_EQ(ns.cnt.tx_errors, 1);
	/* hard driver error */
	fk.tx_fail = -9;
	fk.nd.ops = &fake_ops;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_EIO);
	CHECK_EQ(ns.cnt.tx_errors, 2);
}

static void test_poll_wait(void)
{
	static struct netdev_ops ops;

	nt_setup();
	ops = fake_ops;
	ops.wait = wait_advance;
	fk.nd.ops = &ops;
	wait_calls = 0;
	waited_us = 0;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);    /* nothing: waits max_us */
	CHECK_EQ(wait_calls, 1);
	CHECK_EQ(waited_us, 5000);
	fake_inject(&fk, arp_request_frame, sizeof(arp_request_frame));
	CHECK_EQ(net_poll_wait(&ns, 5000), 1);    /* a frame: no wait */
	CHECK_EQ(wait_calls, 1);
	CHECK_EQ(fk.tx_n, 1);
}

/* The clock's idle hook: time passes, naps are counted. */
static unsigned naps;
static uint64_t napped_us;
static void idle_advance(void *ctx, uint32_t us)
{
	((struct fakenet *)ctx)->now_us += us;
	napped_us += us;
	naps++;
}

/* Without a driver wait, the clock's idle: only after NET_SPIN_US with no
 * frame in or out, at most NET_NAP_US (and max_us) a time. */
static void test_poll_nap(void)
{
	nt_setup();
	ns.clock.idle = idle_advance;
	naps = 0;
	napped_us = 0;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);     /* quiet since ever */
	CHECK_EQ(naps, 1);
	CHECK_EQ(napped_us, NET_NAP_US);
	CHECK_EQ(net_poll_wait(&ns, 50), 0);       /* capped by max_us */
	CHECK_EQ(napped_us, NET_NAP_US + 50);
	fake_inject(&fk, arp_request_frame, sizeof(arp_request_frame));
	CHECK_EQ(net_poll_wait(&ns, 5000), 1);     /* a frame (and a reply out) */
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);     /* traffic just now: spin */
	fk.now_us += NET_SPIN_US - 1;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);
	CHECK_EQ(naps, 2);
	fk.now_us += 1;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);     /* quiet for NET_SPIN_US */
	CHECK_EQ(naps, 3);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	fk.now_us += NET_SPIN_US;                  /* sent: quiet from now */
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);
	CHECK_EQ(naps, 3);
	CHECK_EQ(ns.naps, 3);
	CHECK_EQ(ns.nap_us, 2 * NET_NAP_US + 50);
	fk.nd.rx_hold = NET_NAP_MIN_HOLD - 1;      /* a ROM's small buffer: poll */
	fk.now_us += NET_SPIN_US;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);
	CHECK_EQ(naps, 3);
	fk.nd.rx_hold = NET_NAP_MIN_HOLD;          /* a ring that holds a burst */
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);
	CHECK_EQ(naps, 4);
}

/* A driver's own wait wins over the clock's idle. */
static void test_poll_wait_over_nap(void)
{
	static struct netdev_ops ops;

	nt_setup();
	ns.clock.idle = idle_advance;
	ops = fake_ops;
	ops.wait = wait_advance;
	fk.nd.ops = &ops;
	naps = 0;
	wait_calls = 0;
	CHECK_EQ(net_poll_wait(&ns, 5000), 0);
	CHECK_EQ(wait_calls, 1);
	CHECK_EQ(naps, 0);
}

int main(void)
{
	check_suite = FAKE_LEND_DEFAULT ? "net_basic_lend" : "net_basic";
	RUN(test_inet_sum_rfc1071);
	RUN(test_arp_reply);
	RUN(test_arp_not_for_us);
	RUN(test_arp_lookup_request_and_reply);
	RUN(test_arp_expiry);
	RUN(test_arp_lru);
	RUN(test_arp_resolve_deadline);
	RUN(test_arp_resolve_ok);
	RUN(test_icmp_echo);
	RUN(test_icmp_echo_large);
	RUN(test_udp_receive);
	RUN(test_udp_send);
	RUN(test_udp_broadcast_unconfigured);
	RUN(test_routing);
	RUN(test_eth_tx_eagain);
	RUN(test_poll_wait);
	RUN(test_poll_nap);
	RUN(test_poll_wait_over_nap);
	return CHECK_DONE();
}
