/* tests/unit/test_net_lend.c - the stack over a driver that lends TX slots
 * (netdev.h tx_slot/tx_commit): frames built in place equal the copy
 * path's, a full ring is polled and retried or refused with LL_EAGAIN and
 * nothing half-sent, drivers that lend nothing still work, and payload
 * bytes reach the slot without passing through the stack's own buffer. */
#include "tests/lib/check.h"
#include "tests/lib/tcptest.h"

#define SENTINEL 0xa5

static uint8_t wbuf[20000];

/* Lend from a ring of n slots (0: copies) from here on, counters zeroed. */
static void lend(unsigned n)
{
	fake_lend(&fk, n);
	ns.cnt.tx_lent = ns.cnt.tx_copied = 0;
}

static int txbuf_untouched(void)
{
	size_t i;

	for (i = 0; i < sizeof(ns.txbuf); i++)
		if (ns.txbuf[i] != SENTINEL)
			return 0;
	return 1;
}

/* ARP reply, echo reply and a UDP datagram: the hand-checked frames, built
 * in slots, none through transmit. */
static void test_same_frames_in_place(void)
{
	nt_setup();
	lend(4);
	nt_rx(arp_request_frame, sizeof(arp_request_frame));
	nt_rx(echo_request_frame, sizeof(echo_request_frame));
	ns.ipv4.next_id = 0x0100;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.tx_n, 3);
	CHECK_EQ(fk.commits, 3);
	CHECK_EQ(fk.tx[0].len, 60);
	CHECK(memcmp(fk.tx[0].data, arp_reply_expected, 60) == 0);
	CHECK_EQ(fk.tx[1].len, 60);
	CHECK(memcmp(fk.tx[1].data, echo_reply_expected, 60) == 0);
	CHECK_EQ(fk.tx[2].len, 60);
	CHECK(memcmp(fk.tx[2].data, udp_send_expected, 60) == 0);
	CHECK_EQ(ns.cnt.tx_lent, 3);
	CHECK_EQ(ns.cnt.tx_copied, 0);
}

/* One TCP exchange over the copy path and over lent slots: byte for byte
 * the same frames. */
static unsigned run_tcp(int lent, uint8_t out[][NETDEV_FRAME_MAX], size_t *lens)
{
	unsigned i;

	tt_connect(1000, 7000, 65535, 7, 1460, 1u << 20, 1000);
	lend(lent ? 3 : 0);
	tt_fill(wbuf, 5000, 9);
	CHECK_EQ(tcp_write(&conn, wbuf, 5000), 5000);
	tcp_flush(&conn);
	tt_rx(7001, 1001 + 2920, F_ACK, 65535, "abc", 3);
	tt_tick(40000);
	for (i = 0; i < fk.tx_n && i < 8; i++) {
		memcpy(out[i], fk.tx[i].data, fk.tx[i].len);
		lens[i] = fk.tx[i].len;
	}
	return fk.tx_n;
}

static void test_tcp_same_frames(void)
{
	static uint8_t a[8][NETDEV_FRAME_MAX], b[8][NETDEV_FRAME_MAX];
	size_t la[8], lb[8];
	unsigned na, nb, i;

	na = run_tcp(0, a, la);
	CHECK_EQ(ns.cnt.tx_lent, 0);
	nb = run_tcp(1, b, lb);
	CHECK(ns.cnt.tx_lent >= 4);
	CHECK_EQ(ns.cnt.tx_copied, 0);
	CHECK_EQ(na, nb);
	CHECK(na >= 4);                 /* 4 data segments, an ACK */
	for (i = 0; i < na && i < nb && i < 8; i++) {
		CHECK_EQ(la[i], lb[i]);
		CHECK(memcmp(a[i], b[i], la[i]) == 0);
	}
}

/* The data segments carry the written bytes, and the stack's own buffer
 * never sees them: the one copy is send ring -> slot. */
static void test_payload_skips_txbuf(void)
{
	struct tt_seg s;
	unsigned i;
	size_t at = 0;

	tt_connect(1000, 7000, 65535, 7, 1460, 1u << 20, 1000);
	lend(8);
	memset(ns.txbuf, SENTINEL, sizeof(ns.txbuf));
	tt_fill(wbuf, 4000, 3);
	CHECK_EQ(tcp_write(&conn, wbuf, 4000), 4000);
	tcp_flush(&conn);
	CHECK_EQ(fk.tx_n, 3);
	for (i = 0; i < fk.tx_n; i++) {
		CHECK_EQ(tt_parse(i, &s), 0);
		CHECK(memcmp(s.data, wbuf + at, s.len) == 0);
		at += s.len;
	}
	CHECK_EQ(at, 4000);
	CHECK_EQ(tt_last().flags, F_ACK | F_PSH);   /* the tail of the write */
	CHECK(txbuf_untouched());
	CHECK_EQ(ns.cnt.tx_copied, 0);
	/* the same over the copy path does pass through txbuf */
	tt_connect(1000, 7000, 65535, 7, 1460, 1u << 20, 1000);
	lend(0);
	memset(ns.txbuf, SENTINEL, sizeof(ns.txbuf));
	CHECK_EQ(tcp_write(&conn, wbuf, 4000), 4000);
	tcp_flush(&conn);
	CHECK_EQ(fk.tx_n, 3);
	CHECK(!txbuf_untouched());
	CHECK_EQ(ns.cnt.tx_copied, 3);
}

/* A ring that empties when polled: the sender polls and asks again, and
 * every frame arrives, whole and in order. */
static void test_full_ring_retried(void)
{
	unsigned i, polls;

	nt_setup();
	nt_learn_peer();
	lend(2);
	polls = fk.polls;
	for (i = 0; i < 5; i++) {
		ns.ipv4.next_id = 0x0100;
		CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	}
	CHECK_EQ(fk.tx_n, 5);
	for (i = 0; i < fk.tx_n; i++)
		CHECK(memcmp(fk.tx[i].data, udp_send_expected, 60) == 0);
	CHECK_EQ(fk.polls - polls, 2);   /* after the 2nd and the 4th */
	CHECK_EQ(ns.cnt.tx_errors, 0);
}

/* A ring that stays full: bounded retries, LL_EAGAIN, nothing committed;
 * once it drains the next frame goes out whole. */
static void test_full_ring_refused(void)
{
	unsigned calls;

	nt_setup();
	nt_learn_peer();
	lend(2);
	fk.lend_hold = 1;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	calls = fk.slot_calls;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_EAGAIN);
	CHECK(fk.slot_calls - calls >= 2 && fk.slot_calls - calls <= 64);
	CHECK_EQ(fk.tx_n, 2);
	CHECK_EQ(fk.commits, 2);
	CHECK_EQ(ns.cnt.tx_errors, 1);
	fk.lend_hold = 0;
	net_poll(&ns);
	ns.ipv4.next_id = 0x0100;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.tx_n, 3);
	CHECK(memcmp(fk.tx[2].data, udp_send_expected, 60) == 0);
	CHECK_EQ(ns.cnt.tx_copied, 0);
}

/* A driver that cannot lend now (LL_ENOTSUP), or lends too little room:
 * the frame is copied through transmit instead. Any other tx_slot error
 * is left to transmit to report. */
static void test_fallback_to_copy(void)
{
	nt_setup();
	nt_learn_peer();
	lend(4);
	fk.lend_rc = LL_ENOTSUP;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK(memcmp(fk.tx[0].data, udp_send_expected, 60) == 0);
	CHECK_EQ(fk.commits, 0);
	CHECK_EQ(ns.cnt.tx_copied, 1);
	fk.lend_rc = 0;
	fk.lend_room = NET_TX_BUF_SIZE - 1;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.commits, 0);
	CHECK_EQ(ns.cnt.tx_copied, 2);
	fk.lend_room = NET_TX_BUF_SIZE;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK_EQ(fk.commits, 1);
	fk.lend_rc = LL_ENETDOWN;
	fk.tx_fail = LL_ENETDOWN;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_ENETDOWN);
	CHECK_EQ(fk.tx_n, 3);
}

/* ARP miss while the frame sits in a lent slot: the request takes the
 * slot, the datagram is not sent and the caller is told to retry. */
static void test_arp_miss_takes_slot(void)
{
	nt_setup();
	lend(4);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), LL_EAGAIN);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.commits, 1);
	CHECK_EQ(get_be16(fk.tx[0].data + 12), ETH_TYPE_ARP);
	CHECK(memcmp(fk.tx[0].data, eth_broadcast, 6) == 0);
	nt_learn_peer();
	ns.ipv4.next_id = 0x0100;
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
	CHECK(memcmp(fk.tx[0].data, udp_send_expected, 60) == 0);
}

/* An entry near expiry, looked up for a frame being built: the refresh
 * would take the lent slot (or overwrite txbuf's headroom), so the
 * datagram goes first, whole, and the unicast refresh at the next poll. */
static void test_arp_refresh_deferred(void)
{
	int lent;

	for (lent = 0; lent < 2; lent++) {
		nt_setup();
		nt_learn_peer();
		lend(lent ? 4 : 0);
		fk.now_us += ARP_ENTRY_TTL_US - 1000000;
		CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, "hi", 2), 0);
		CHECK_EQ(fk.tx_n, 1);
		CHECK(memcmp(fk.tx[0].data, udp_send_expected, 60) == 0);
		net_poll(&ns);
		CHECK_EQ(fk.tx_n, 2);
		CHECK_EQ(get_be16(fk.tx[1].data + 12), ETH_TYPE_ARP);
		CHECK(memcmp(fk.tx[1].data, peer_mac, 6) == 0);
		CHECK_EQ(ns.arp.requests_sent, 1);
		net_poll(&ns);
		CHECK_EQ(fk.tx_n, 2);            /* asked once */
	}
}

/* The loan lapses when the frame is not sent: nothing is committed and
 * the next frame gets the same slot. */
static void test_loan_lapses(void)
{
	static uint8_t big[1500];

	nt_setup();
	nt_learn_peer();
	lend(4);
	ns.ip.gateway = 0;
	CHECK_EQ(udp_send(&ns, 5000, 0x08080808, 53, "q", 1), LL_EHOSTUNREACH);
	CHECK_EQ(ns.tx.mode, NET_TX_IDLE);
	CHECK_EQ(fk.commits, 0);
	CHECK_EQ(udp_send(&ns, 5000, PEER_IP, 1234, big, 1500 - 28), 0);
	CHECK_EQ(fk.commits, 1);
	CHECK_EQ(fk.tx[0].len, 1514);
	CHECK_EQ(fk.lend_next, 1);
}

int main(void)
{
	check_suite = "net_lend";
	RUN(test_same_frames_in_place);
	RUN(test_tcp_same_frames);
	RUN(test_payload_skips_txbuf);
	RUN(test_full_ring_retried);
	RUN(test_full_ring_refused);
	RUN(test_fallback_to_copy);
	RUN(test_arp_miss_takes_slot);
	RUN(test_arp_refresh_deferred);
	RUN(test_loan_lapses);
	return CHECK_DONE();
}
