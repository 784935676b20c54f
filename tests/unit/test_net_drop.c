/* tests/unit/test_net_drop.c - malformed input to the lower net/ layers:
 * every bad frame must be dropped with the right counter bumped, nothing
 * sent and nothing delivered upward. */
#include "tests/lib/check.h"
#include "tests/lib/nettest.h"
#include "lib/err.h"

static int delivered;
static void udp_rx(void *ctx, uint32_t src, uint16_t sport, const uint8_t *d, size_t len)
{
	(void)ctx; (void)src; (void)sport; (void)d; (void)len;
	delivered++;
}

static void setup_bound(void)
{
	nt_setup();
	nt_learn_peer();
	delivered = 0;
	udp_bind(&ns, 5000, udp_rx, NULL);
}

/* Sum of every drop counter, to show a frame was counted exactly once. */
static uint32_t drops(void)
{
	return ns.cnt.rx_short + ns.cnt.rx_not_us + ns.cnt.rx_multicast +
	       ns.cnt.rx_ethertype + ns.arp.rx_bad + ns.arp.rx_not_us +
	       ns.ipv4.rx_short + ns.ipv4.rx_bad_version + ns.ipv4.rx_bad_hlen +
	       ns.ipv4.rx_bad_csum + ns.ipv4.rx_bad_len + ns.ipv4.rx_fragment +
	       ns.ipv4.rx_not_us + ns.ipv4.rx_proto + ns.ipv4.icmp_bad +
	       ns.ipv4.icmp_ignored + ns.udp.rx_short + ns.udp.rx_bad_len +
	       ns.udp.rx_bad_csum + ns.udp.rx_no_port;
}

/* Feed each prefix of frame shorter than full through a heap copy of
 * exactly that size (so ASan would catch a read past it). */
static void feed_prefixes(const uint8_t *frame, size_t full)
{
	size_t n;
	for (n = 0; n < full; n++) {
		uint8_t *c = malloc(n ? n : 1);
		memcpy(c, frame, n);
		nt_rx(c, n);
		free(c);
	}
}

static void test_truncated_echo(void)
{
	setup_bound();
	feed_prefixes(echo_request_frame, sizeof(echo_request_frame));
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(ns.cnt.rx_short, 14);          /* lengths 0..13 */
	CHECK_EQ(ns.ipv4.rx_short, 20);         /* IP part 0..19 */
	CHECK_EQ(ns.ipv4.rx_bad_len, 12);       /* total length 32 > 20..31 */
	CHECK_EQ(drops(), 46);
	CHECK_EQ(ns.ipv4.icmp_echo_replied, 0);
}

static void test_truncated_arp(void)
{
	setup_bound();
	feed_prefixes(arp_request_frame, sizeof(arp_request_frame));
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(ns.cnt.rx_short, 14);
	CHECK_EQ(ns.arp.rx_bad, 28);
	CHECK_EQ(drops(), 42);
}

static void test_truncated_udp(void)
{
	setup_bound();
	feed_prefixes(udp_frame, sizeof(udp_frame));
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(delivered, 0);
	CHECK_EQ(ns.ipv4.rx_bad_len, 10);       /* total 30 > 20..29 */
	CHECK_EQ(drops(), 44);
}

static void test_ip_validators(void)
{
	uint8_t f[46];

	setup_bound();
	/* bad header checksum */
	memcpy(f, echo_request_frame, sizeof(f));
	f[25] ^= 1;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_bad_csum, 1);
	/* version 6 */
	memcpy(f, echo_request_frame, sizeof(f));
	f[14] = 0x65;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_bad_version, 1);
	/* IHL 4 and IHL 0 */
	f[14] = 0x44;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	f[14] = 0x40;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_bad_hlen, 2);
	/* IHL 15 (60 bytes) longer than the 32-byte packet */
	f[14] = 0x4f;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_bad_hlen, 3);
	/* total length one more than the frame carries */
	memcpy(f, echo_request_frame, sizeof(f));
	f[17] = 0x21;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	/* total length shorter than the header */
	f[16] = 0; f[17] = 19;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_bad_len, 2);
	/* fragments: MF set; offset non-zero */
	memcpy(f, echo_request_frame, sizeof(f));
	f[20] = 0x20; f[21] = 0;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	f[20] = 0x00; f[21] = 0x10;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	f[20] = 0x40; f[21] = 0x01;                 /* DF with offset 8 */
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_fragment, 3);
	/* not our address; multicast IP */
	memcpy(f, echo_request_frame, sizeof(f));
	f[33] = 9;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	f[30] = 224; f[33] = 1;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_not_us, 2);
	/* unknown protocol (GRE) */
	memcpy(f, echo_request_frame, sizeof(f));
	f[23] = 47;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.rx_proto, 1);
	CHECK_EQ(drops(), 13);
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(ns.ipv4.icmp_echo_replied, 0);
	/* IP options (IHL 6) are accepted and skipped: still answered */
	static uint8_t o[50];
	memcpy(o, echo_request_frame, 34);
	o[14] = 0x46; o[17] = 36;
	memset(o + 34, 1, 4);                       /* four NOP options */
	memcpy(o + 38, echo_request_frame + 34, 12);
	nt_fix_ip_csum(o);
	nt_rx(o, sizeof(o));
	CHECK_EQ(ns.ipv4.icmp_echo_replied, 1);
	CHECK_EQ(fk.tx_n, 1);
}

static void test_dhcp_mode_accepts_any_dst(void)
{
	uint8_t f[44];

	setup_bound();
	ns.ip.addr = 0;
	memcpy(f, udp_frame, sizeof(f));
	f[33] = 77;                                 /* to 10.0.0.77 */
	nt_fix_ip_csum(f);
	f[40] = f[41] = 0;                          /* no UDP checksum */
	nt_rx(f, sizeof(f));
	CHECK_EQ(delivered, 1);
	ns.ip.addr = US_IP;
	nt_rx(f, sizeof(f));
	CHECK_EQ(delivered, 1);
	CHECK_EQ(ns.ipv4.rx_not_us, 1);
}

static void test_udp_validators(void)
{
	uint8_t f[44];

	setup_bound();
	/* length field larger than the IP payload */
	memcpy(f, udp_frame, sizeof(f));
	f[39] = 11;
	nt_rx(f, sizeof(f));
	f[38] = 0x01; f[39] = 0x00;
	nt_rx(f, sizeof(f));
	/* length field smaller than the header */
	f[38] = 0; f[39] = 7;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.udp.rx_bad_len, 3);
	/* bad checksum */
	memcpy(f, udp_frame, sizeof(f));
	f[41] ^= 0x40;
	nt_rx(f, sizeof(f));
	/* data changed under a good checksum */
	memcpy(f, udp_frame, sizeof(f));
	f[43] = 'j';
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.udp.rx_bad_csum, 2);
	/* IP payload shorter than a UDP header */
	memcpy(f, udp_frame, sizeof(f));
	f[17] = 20 + 7;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.udp.rx_short, 1);
	/* to an unbound port */
	memcpy(f, udp_frame, sizeof(f));
	f[37] = 0x89;              /* port 5001; fix the UDP sum by hand: -1 */
	f[41] = 0x13;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.udp.rx_no_port, 1);
	CHECK_EQ(drops(), 7);
	CHECK_EQ(delivered, 0);
	CHECK_EQ(fk.tx_n, 0);
	/* UDP length shorter than the IP payload: trailing bytes ignored */
	static uint8_t g[46];
	memcpy(g, udp_frame, sizeof(udp_frame));
	g[17] = 32;
	nt_fix_ip_csum(g);
	g[44] = 0xde; g[45] = 0xad;
	nt_rx(g, sizeof(g));
	CHECK_EQ(delivered, 1);
}

static void test_icmp_drops(void)
{
	uint8_t f[46];

	setup_bound();
	memcpy(f, echo_request_frame, sizeof(f));
	f[37] ^= 1;                                 /* ICMP checksum */
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.icmp_bad, 1);
	/* an echo reply (type 0) with a correct checksum: ignored */
	memcpy(f, echo_request_frame, sizeof(f));
	f[34] = 0; f[36] = 0x3b; f[37] = 0x31;
	nt_rx(f, sizeof(f));
	/* an echo request to the broadcast address: ignored */
	memcpy(f, echo_request_frame, sizeof(f));
	memset(f, 0xff, 6);
	f[30] = f[31] = f[32] = f[33] = 0xff;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.icmp_ignored, 2);
	/* ICMP shorter than its header */
	memcpy(f, echo_request_frame, sizeof(f));
	f[17] = 20 + 7;
	nt_fix_ip_csum(f);
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.ipv4.icmp_bad, 2);
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(drops(), 4);
}

static void test_eth_drops(void)
{
	uint8_t f[60];

	setup_bound();
	memcpy(f, arp_request_frame, 42);
	f[0] = 0x02; f[5] = 0x09;                   /* another host's MAC */
	nt_rx(f, 42);
	CHECK_EQ(ns.cnt.rx_not_us, 1);
	f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e;      /* IPv4 multicast MAC */
	nt_rx(f, 42);
	f[0] = 0x33; f[1] = 0x33;                   /* IPv6 multicast MAC */
	nt_rx(f, 42);
	CHECK_EQ(ns.cnt.rx_multicast, 2);
	memcpy(f, arp_request_frame, 42);
	f[12] = 0x86; f[13] = 0xdd;                 /* IPv6 */
	nt_rx(f, 42);
	f[12] = 0x81; f[13] = 0x00;                 /* 802.1Q tag */
	nt_rx(f, 42);
	CHECK_EQ(ns.cnt.rx_ethertype, 2);
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(drops(), 5);
}

static void test_arp_drops(void)
{
	uint8_t f[42];
	int i;
	static const int bad_at[] = {15, 17, 18, 19, 21, 22};

	setup_bound();
	for (i = 0; i < (int)(sizeof(bad_at) / sizeof(bad_at[0])); i++) {
		memcpy(f, arp_request_frame, sizeof(f));
		f[bad_at[i]] ^= 0x05;     /* htype, ptype, hlen, plen, op, sha */
		nt_rx(f, sizeof(f));
	}
	CHECK_EQ(ns.arp.rx_bad, 6);
	/* someone else claims our address */
	memcpy(f, arp_request_frame, sizeof(f));
	f[31] = 1;
	nt_rx(f, sizeof(f));
	CHECK_EQ(ns.arp.rx_bad, 7);
	CHECK_EQ(fk.tx_n, 0);
	CHECK_EQ(drops(), 7);
}

int main(void)
{
	check_suite = "net_drop";
	RUN(test_truncated_echo);
	RUN(test_truncated_arp);
	RUN(test_truncated_udp);
	RUN(test_ip_validators);
	RUN(test_dhcp_mode_accepts_any_dst);
	RUN(test_udp_validators);
	RUN(test_icmp_drops);
	RUN(test_eth_drops);
	RUN(test_arp_drops);
	return CHECK_DONE();
}
