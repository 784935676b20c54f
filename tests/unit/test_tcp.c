/* tests/unit/test_tcp.c - TCP client send side and connection life: the
 * handshake and its options, RST on SYN, segments in flight bounded by cwnd
 * and the peer window, RTO backoff, fast retransmit / NewReno, zero-window
 * probes, FIN in both directions, RSTs to closed ports. */
#include "tests/lib/check.h"
#include "tests/lib/tcptest.h"

static uint8_t wbuf[100000];

static void test_syn_carries_mss_and_wscale(void)
{
	struct tt_seg s;

	nt_setup();
	nt_learn_peer();
	CHECK_EQ(tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 20), 0);
	conn.iss_fixed = 1000;
	CHECK_EQ(tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT), 0);
	CHECK_EQ(conn.state, TCP_SYN_SENT);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(tt_parse(0, &s), 0);
	CHECK_EQ(s.flags, F_SYN);
	CHECK_EQ(s.seq, 1000);
	CHECK_EQ(s.dport, PEER_PORT);
	CHECK(s.sport >= 49152);
	CHECK_EQ(s.hlen, 32);
	CHECK_EQ(s.mss, 1460);            /* mtu 1500 - 40 */
	CHECK_EQ(s.ws, 5);                /* 1 MiB >> 5 = 32768 fits 16 bits */
	CHECK_EQ(s.win, 65535);           /* SYN windows are never scaled */
	CHECK(s.sackp);                   /* we offer to send SACKs */
}

static void test_synack_establishes(void)
{
	uint8_t opt[8] = {2, 4, 0x05, 0x78 /* 1400 */, 1, 3, 3, 7};
	struct tt_seg s;
	size_t n;

	nt_setup();
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 20);
	conn.iss_fixed = 1000;
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	fake_tx_clear(&fk);
	n = tt_build(tt_frame, 7000, 1001, F_SYN | F_ACK, 1000, opt, 8, 0, 0);
	nt_rx(tt_frame, n);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	CHECK_EQ(conn.mss, 1400);
	CHECK_EQ(conn.snd_wscale, 7);
	CHECK_EQ(conn.snd_wnd, 1000);     /* the SYN-ACK's window is unscaled */
	CHECK_EQ(conn.cwnd, 14000);       /* RFC 6928: 10 * MSS */
	CHECK_EQ(fk.tx_n, 1);
	s = tt_last();
	CHECK_EQ(s.flags, F_ACK);
	CHECK_EQ(s.seq, 1001);
	CHECK_EQ(s.ack, 7001);
	CHECK_EQ(s.win, (1u << 20) >> 5); /* scaled from now on */
	/* a later window update from the peer is scaled by 2^7 */
	tt_rx(7001, 1001, F_ACK, 100, 0, 0);
	CHECK_EQ(conn.snd_wnd, 100u << 7);
}

/* A device that holds little while not polled (netdev rx_hold, the UNDI
 * ROM's buffer): the window offered never passes it. */
static void test_window_capped_by_rx_hold(void)
{
	uint8_t opt[8] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7};
	struct tt_seg s;
	size_t n;

	nt_setup();
	nt_learn_peer();
	fk.nd.rx_hold = 5840;
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 20);
	conn.iss_fixed = 1000;
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	CHECK_EQ(tt_parse(0, &s), 0);
	CHECK_EQ(s.win, 5840);                    /* the SYN's */
	fake_tx_clear(&fk);
	n = tt_build(tt_frame, 7000, 1001, F_SYN | F_ACK, 1000, opt, 8, 0, 0);
	nt_rx(tt_frame, n);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	s = tt_last();
	CHECK((uint32_t)s.win << conn.rcv_wscale <= 5840);
	CHECK((uint32_t)s.win << conn.rcv_wscale >= 5840 - (1u << conn.rcv_wscale));
	fk.nd.rx_hold = 0;
}

static void test_synack_without_wscale(void)
{
	tt_connect(1000, 7000, 5000, -1, 1460, 1u << 20, 0);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	CHECK_EQ(conn.rcv_wscale, 0);
	CHECK_EQ(conn.snd_wscale, 0);
	tt_rx(7001, 1001, F_ACK | F_PSH, 5000, "x", 1);
	tt_tick(40000);
	CHECK_EQ(tt_last().win, 65535);   /* 1 MiB free, clamped, unscaled */
}

static void test_rst_on_syn_refused(void)
{
	nt_setup();
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 16);
	conn.iss_fixed = 1000;
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	fake_tx_clear(&fk);
	tt_rx(0, 1234, F_RST | F_ACK, 0, 0, 0);   /* wrong ack: ignored */
	CHECK_EQ(conn.state, TCP_SYN_SENT);
	CHECK_EQ(fk.tx_n, 0);                     /* never answer a RST */
	tt_rx(0, 0, F_RST, 0, 0, 0);              /* no ACK: ignored */
	CHECK_EQ(conn.state, TCP_SYN_SENT);
	tt_rx(0, 1001, F_RST | F_ACK, 0, 0, 0);
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, LL_ECONNREFUSED);
	CHECK_EQ(tcp_write(&conn, "a", 1), LL_ECONNREFUSED);
	CHECK(ns.tcp.conns[0] == 0);
}

static void test_synack_bad_ack_gets_rst(void)
{
	struct tt_seg s;

	nt_setup();
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 16);
	conn.iss_fixed = 1000;
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	fake_tx_clear(&fk);
	tt_rx(7000, 5555, F_SYN | F_ACK, 1000, 0, 0);
	CHECK_EQ(conn.state, TCP_SYN_SENT);
	s = tt_last();
	CHECK_EQ(s.flags, F_RST);
	CHECK_EQ(s.seq, 5555);
}

static void test_syn_retransmit_and_give_up(void)
{
	int i;

	nt_setup();
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 16);
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	tt_tick(999999);
	CHECK_EQ(fk.tx_n, 1);
	tt_tick(1);                                /* initial RTO 1 s */
	CHECK_EQ(fk.tx_n, 2);
	CHECK_EQ(tt_last().flags, F_SYN);
	tt_tick(1999999);
	CHECK_EQ(fk.tx_n, 2);
	tt_tick(1);                                /* then 2 s */
	CHECK_EQ(fk.tx_n, 3);
	for (i = 0; i < 10; i++)
		tt_tick(61000000);
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, LL_ECONNABORTED);
	CHECK_EQ(fk.tx_n, 7);                      /* SYN + 6 retries */
}

static void test_many_segments_in_flight(void)
{
	struct tt_seg s;
	unsigned i;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tt_fill(wbuf, sizeof(wbuf), 1);
	CHECK_EQ(tcp_write(&conn, wbuf, 100000), 100000);
	CHECK_EQ(fk.tx_n, 10);                     /* initial cwnd, no waiting */
	for (i = 0; i < fk.tx_n; i++) {
		CHECK_EQ(tt_parse(i, &s), 0);
		CHECK_EQ(s.seq, 1001 + i * 1460);
		CHECK_EQ(s.len, 1460);
		CHECK_EQ(s.ack, 5001);
		CHECK(memcmp(s.data, wbuf + i * 1460, 1460) == 0);
	}
	net_poll(&ns);
	CHECK_EQ(fk.tx_n, 10);                     /* cwnd-bound, even on flush */
	/* ACK of 2 segments: cwnd grows by 2 MSS, so 4 more go out */
	tt_rx(5001, 1001 + 2 * 1460, F_ACK, 65535, 0, 0);
	CHECK_EQ(conn.cwnd, 14600 + 2920);
	CHECK_EQ(fk.tx_n, 14);
	CHECK_EQ(conn.snd_nxt - conn.snd_una, 12 * 1460);
	CHECK_EQ(tcp_tx_pending(&conn), 100000 - 2920);
}

static void test_peer_window_bounds_flight(void)
{
	tt_connect(1000, 5000, 4000, -1, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 20000);
	net_poll(&ns);
	CHECK_EQ(fk.tx_n, 2);                      /* 2920 <= 4000 < 4380 */
	CHECK_EQ(conn.snd_nxt - conn.snd_una, 2920);
	tt_rx(5001, 1001 + 1460, F_ACK, 4000, 0, 0);
	net_poll(&ns);
	CHECK_EQ(fk.tx_n, 3);
	CHECK(conn.snd_nxt - conn.snd_una <= 4000);
	tt_rx(5001, 1001 + 3 * 1460, F_ACK, 8000, 0, 0);
	net_poll(&ns);
	CHECK(conn.snd_nxt - conn.snd_una <= 8000);
	CHECK_EQ(conn.snd_nxt - conn.snd_una, 5 * 1460);
}

static void test_rto_backoff(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	CHECK_EQ(conn.rto, 200000);                /* 10 + 4*5 ms -> min 200 */
	tcp_write(&conn, wbuf, 5000);
	tcp_flush(&conn);
	CHECK_EQ(fk.tx_n, 4);
	/* first the tail loss probe after 2 SRTT: the tail again */
	tt_tick(19999);
	CHECK_EQ(fk.tx_n, 4);
	tt_tick(1);
	CHECK_EQ(fk.tx_n, 5);
	s = tt_last();
	CHECK_EQ(s.seq, 1001 + 5000 - 1460);       /* the last MSS of data */
	CHECK_EQ(s.len, 1460);
	CHECK_EQ(conn.st.tlp_probes, 1);
	/* then the RTO, 200 ms after the first send, and only once a probe */
	tt_tick(179999);
	CHECK_EQ(fk.tx_n, 5);
	tt_tick(1);
	CHECK_EQ(fk.tx_n, 6);                      /* only snd_una resent */
	s = tt_last();
	CHECK_EQ(s.seq, 1001);
	CHECK_EQ(s.len, 1460);
	CHECK_EQ(conn.cwnd, 1460);
	tt_tick(399999);
	CHECK_EQ(fk.tx_n, 6);
	tt_tick(1);                                /* doubled: 400 ms */
	CHECK_EQ(fk.tx_n, 7);
	tt_tick(799999);
	CHECK_EQ(fk.tx_n, 7);
	tt_tick(1);                                /* 800 ms */
	CHECK_EQ(fk.tx_n, 8);
	CHECK_EQ(tt_last().seq, 1001);
	CHECK_EQ(conn.st.timeouts, 3);
	CHECK_EQ(conn.st.tlp_probes, 1);
	/* first segment acked: slow start resends the rest, timer restarts */
	tt_rx(5001, 1001 + 1460, F_ACK, 65535, 0, 0);
	CHECK_EQ(conn.backoff, 0);
	CHECK_EQ(fk.tx_n, 10);                     /* cwnd 2 MSS */
	CHECK_EQ(tt_last().seq, 1001 + 2 * 1460);
	tt_rx(5001, 1001 + 5000, F_ACK, 65535, 0, 0);
	net_poll(&ns);
	CHECK_EQ(conn.rto_deadline, 0);
	CHECK_EQ(tcp_tx_pending(&conn), 0);
}

static void test_rto_gives_up(void)
{
	int i;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 100);
	tcp_flush(&conn);
	for (i = 0; i < 12; i++)
		tt_tick(61000000);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	tt_tick(61000000);
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, LL_ECONNABORTED);
	CHECK_EQ(tcp_write(&conn, wbuf, 1), LL_ECONNABORTED);
}

static void test_rto_user_deadline(void)
{
	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_set_user_deadline(&conn, fk.now_us + 1000000);
	tcp_write(&conn, wbuf, 100);
	tcp_flush(&conn);
	tt_tick(200000);
	tt_tick(400000);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);    /* t = 0.6 s */
	tt_tick(800000);                           /* t = 1.4 s: past it */
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, LL_ECONNABORTED);
}

static void test_fast_retransmit_newreno(void)
{
	uint32_t una = 1001 + 1460, recover;
	unsigned before, i;
	int found = 0;
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 14600);
	CHECK_EQ(fk.tx_n, 10);
	tt_rx(5001, una, F_ACK, 65535, 0, 0);
	tt_rx(5001, una, F_ACK, 65535, 0, 0);
	tt_rx(5001, una, F_ACK, 65535, 0, 0);
	CHECK_EQ(fk.tx_n, 10);                     /* two dups: wait */
	tt_rx(5001, una, F_ACK, 65535, 0, 0);
	CHECK_EQ(fk.tx_n, 11);
	s = tt_last();
	CHECK_EQ(s.seq, una);
	CHECK_EQ(s.len, 1460);
	CHECK_EQ(conn.st.fast_retrans, 1);
	CHECK_EQ(conn.ssthresh, 9 * 1460 / 2);
	CHECK_EQ(conn.cwnd, 9 * 1460 / 2 + 3 * 1460);
	recover = conn.recover;
	CHECK_EQ(recover, 1001 + 14600);
	/* more dup ACKs inflate cwnd and let new data out */
	tcp_write(&conn, wbuf, 14600);
	before = fk.tx_n;
	for (i = 0; i < 6; i++)
		tt_rx(5001, una, F_ACK, 65535, 0, 0);
	CHECK(fk.tx_n > before);
	CHECK_EQ(conn.st.fast_retrans, 1);
	for (i = before; i < fk.tx_n; i++) {
		CHECK_EQ(tt_parse(i, &s), 0);
		CHECK(s.seq >= 1001 + 14600);       /* new data, no more resends */
	}
	CHECK(conn.snd_nxt - conn.snd_una <= conn.cwnd);
	/* partial ACK: the next hole is resent at once, still recovering */
	before = fk.tx_n;
	tt_rx(5001, 1001 + 5 * 1460, F_ACK, 65535, 0, 0);
	CHECK(conn.in_recovery);
	for (i = before; i < fk.tx_n; i++)
		if (tt_parse(i, &s) == 0 && s.seq == 1001 + 5 * 1460 && s.len == 1460)
			found = 1;
	CHECK(found);
	/* full ACK ends recovery with cwnd deflated to at most ssthresh */
	tt_rx(5001, recover, F_ACK, 65535, 0, 0);
	CHECK(!conn.in_recovery);
	CHECK(conn.cwnd <= conn.ssthresh);
}

/* A duplicate ACK from the peer with up to 2 SACK blocks. */
static void tt_dup_sack(uint32_t ack, uint32_t s0, uint32_t e0, uint32_t s1,
			uint32_t e1)
{
	uint8_t opt[20] = {1, 1, 5, 18};
	size_t n;

	put_be32(opt + 4, s0);
	put_be32(opt + 8, e0);
	put_be32(opt + 12, s1);
	put_be32(opt + 16, e1);
	if (!s1)
		opt[3] = 10;
	n = tt_build(tt_frame, 5001, ack, F_ACK, 65535, opt, s1 ? 20 : 12, 0, 0);
	nt_rx(tt_frame, n);
}

#define SEG(i) (1001u + (i) * 1460u)

/* S1 and S4 lost: limited transmit on the first two dups, fast retransmit
 * of S1 on the third, then S4 resent from the SACK scoreboard, once. */
static void test_limited_transmit_and_sack_recovery(void)
{
	unsigned i, s4 = 0, before;
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 29200);
	CHECK_EQ(fk.tx_n, 10);
	tt_rx(5001, SEG(1), F_ACK, 65535, 0, 0);
	CHECK_EQ(fk.tx_n, 12);                     /* S10, S11 */
	tt_dup_sack(SEG(1), SEG(2), SEG(3), 0, 0);
	CHECK_EQ(fk.tx_n, 13);
	CHECK_EQ(tt_last().seq, SEG(12));          /* limited transmit */
	tt_dup_sack(SEG(1), SEG(2), SEG(4), 0, 0);
	CHECK_EQ(fk.tx_n, 14);
	CHECK_EQ(tt_last().seq, SEG(13));
	tt_dup_sack(SEG(1), SEG(5), SEG(6), SEG(2), SEG(4));
	CHECK_EQ(conn.st.fast_retrans, 1);
	CHECK_EQ(fk.tx_n, 15);
	CHECK_EQ(tt_last().seq, SEG(1));
	CHECK_EQ(conn.cwnd, conn.ssthresh);        /* RFC 6675: the pipe rules */
	before = fk.tx_n;
	tt_dup_sack(SEG(1), SEG(5), SEG(7), SEG(2), SEG(4));
	CHECK_EQ(fk.tx_n, before);                 /* pipe 9 MSS > cwnd 6.5 */
	tt_dup_sack(SEG(1), SEG(5), SEG(10), SEG(2), SEG(4));
	CHECK_EQ(fk.tx_n, before + 1);
	CHECK_EQ(tt_parse(before, &s), 0);
	CHECK_EQ(s.seq, SEG(4));                   /* the hole the SACKs show */
	CHECK_EQ(s.len, 1460);
	CHECK_EQ(conn.st.sack_rexmits, 1);
	tt_dup_sack(SEG(1), SEG(5), SEG(11), SEG(2), SEG(4));
	CHECK_EQ(tt_last().seq, SEG(14));          /* pipe fell: new data */
	tt_rx(5001, SEG(4), F_ACK, 65535, 0, 0);   /* partial: S1 arrived */
	for (i = 14; i < fk.tx_n; i++)
		if (tt_parse(i, &s) == 0 && s.seq == SEG(4))
			s4++;
	CHECK_EQ(s4, 1);                           /* not resent twice */
	CHECK_EQ(conn.st.sack_rexmits, 1);
	CHECK(conn.in_recovery);
	tt_rx(5001, SEG(14), F_ACK, 65535, 0, 0);
	CHECK(!conn.in_recovery);
	CHECK_EQ(conn.sacked_n, 0);
}

/* The fast retransmission of S1 is lost too: once data sent after it is
 * SACKed, S1 goes out again without waiting for the RTO. */
static void test_lost_retransmission_resent(void)
{
	unsigned i, s1 = 0, newdata = 0;
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 29200);
	tt_rx(5001, SEG(1), F_ACK, 65535, 0, 0);
	tt_dup_sack(SEG(1), SEG(2), SEG(3), 0, 0);
	tt_dup_sack(SEG(1), SEG(2), SEG(4), 0, 0);
	tt_dup_sack(SEG(1), SEG(2), SEG(5), 0, 0);
	CHECK_EQ(conn.st.fast_retrans, 1);
	CHECK_EQ(tt_last().seq, SEG(1));
	tt_dup_sack(SEG(1), SEG(2), SEG(14), 0, 0); /* pipe 1 MSS: new data */
	for (i = 0; i < fk.tx_n; i++)
		if (tt_parse(i, &s) == 0 && s.seq == SEG(14))
			newdata++;
	CHECK_EQ(newdata, 1);
	CHECK_EQ(conn.st.sack_rexmits, 0);         /* no hole to fill yet */
	CHECK_EQ(conn.snd_max, SEG(19));
	tt_dup_sack(SEG(1), SEG(14), SEG(15), SEG(2), SEG(14));
	for (i = 0; i < fk.tx_n; i++)
		if (tt_parse(i, &s) == 0 && s.seq == SEG(1))
			s1++;
	CHECK_EQ(s1, 3);                           /* first, fast, again */
	CHECK_EQ(conn.st.sack_rexmits, 1);
	CHECK_EQ(conn.st.timeouts, 0);
}

/* Silence after a flight: one probe with new data after 2 SRTT, not
 * bound by cwnd; no second probe until new data is acked. */
static void test_tail_loss_probe_new_data(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 20000);
	CHECK_EQ(fk.tx_n, 10);
	tt_tick(20000);
	CHECK_EQ(fk.tx_n, 11);
	s = tt_last();
	CHECK_EQ(s.seq, SEG(10));
	CHECK_EQ(s.len, 1460);
	tt_tick(20000);
	tt_tick(20000);
	CHECK_EQ(fk.tx_n, 11);
	CHECK_EQ(conn.st.tlp_probes, 1);
	CHECK_EQ(conn.st.timeouts, 0);
	/* an ACK of new data re-arms it */
	tt_rx(5001, SEG(11), F_ACK, 65535, 0, 0);
	CHECK(conn.tlp_deadline != 0);
	CHECK_EQ(conn.tlp_done, 0);
}

static void test_zero_window_probes(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 0, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 100);
	net_poll(&ns);
	CHECK_EQ(fk.tx_n, 0);
	tt_tick(199999);
	CHECK_EQ(fk.tx_n, 0);
	tt_tick(1);
	CHECK_EQ(fk.tx_n, 1);
	s = tt_last();
	CHECK_EQ(s.flags, F_ACK);
	CHECK_EQ(s.seq, 1000);                     /* snd_una - 1 */
	CHECK_EQ(s.len, 0);
	tt_rx(5001, 1001, F_ACK, 0, 0, 0);         /* still closed */
	tt_tick(399999);
	CHECK_EQ(fk.tx_n, 1);
	tt_tick(1);                                /* backoff: 400 ms */
	CHECK_EQ(fk.tx_n, 2);
	tt_tick(800000);
	CHECK_EQ(fk.tx_n, 3);
	CHECK_EQ(conn.st.probes, 3);
	tt_rx(5001, 1001, F_ACK, 10, 0, 0);        /* opens: 1280 bytes */
	net_poll(&ns);
	s = tt_last();
	CHECK_EQ(s.seq, 1001);
	CHECK_EQ(s.len, 100);
	CHECK_EQ(conn.persist_deadline, 0);
}

/* The window closes with data in flight: the RTO turns into probing and
 * the connection is not given up however long it stays closed. */
static void test_window_closes_in_flight(void)
{
	unsigned i, n;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, wbuf, 2920);
	CHECK_EQ(fk.tx_n, 2);
	tt_rx(5001, 1001, F_ACK, 0, 0, 0);         /* window update: 0 */
	CHECK_EQ(conn.snd_wnd, 0);
	tt_tick(200000);                           /* the RTO */
	n = fk.tx_n;
	CHECK_EQ(n, 2);                            /* no data resent */
	CHECK(conn.persist_deadline != 0);
	for (i = 0; i < 20; i++) {
		nt_learn_peer();                   /* ARP entries expire */
		tt_tick(61000000);
	}
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	CHECK(conn.st.probes >= 20);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(tt_last().len, 0);
	CHECK_EQ(tt_last().seq, 1000);             /* a probe */
	nt_learn_peer();
	tt_rx(5001, 1001, F_ACK, 100, 0, 0);       /* opens again */
	net_poll(&ns);
	CHECK_EQ(tt_last().seq, 1001 + 1460);
	CHECK_EQ(conn.snd_nxt, 1001 + 2920);
}

static void test_passive_close(void)
{
	uint8_t buf[16];
	struct tt_seg s;
	size_t n;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tt_rx(5001, 1001, F_ACK | F_PSH | F_FIN, 65535, "hello", 5);
	CHECK_EQ(conn.state, TCP_CLOSE_WAIT);
	s = tt_last();
	CHECK_EQ(s.ack, 5001 + 6);                 /* data and FIN acked at once */
	CHECK_EQ(tcp_read(&conn, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(tcp_read(&conn, buf, sizeof(buf)), LL_ESHUTDOWN);
	n = tt_build(tt_frame, 5007, 1002, F_ACK, 65535, 0, 0, 0, 0);
	fake_inject(&fk, tt_frame, n);             /* the ACK of our FIN */
	fake_tx_clear(&fk);
	CHECK_EQ(tcp_close(&conn, fk.now_us + 1000000), 0);
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(tt_parse(0, &s), 0);
	CHECK_EQ(s.flags, F_FIN | F_ACK);
	CHECK_EQ(s.seq, 1001);
	CHECK(ns.tcp.conns[0] == 0);
}

static void test_active_close(void)
{
	struct tt_seg s;
	size_t n;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tcp_write(&conn, "bye", 3);
	tcp_flush(&conn);
	CHECK_EQ(tt_last().len, 3);
	n = tt_build(tt_frame, 5001, 1005, F_ACK, 65535, 0, 0, 0, 0);
	fake_inject(&fk, tt_frame, n);
	n = tt_build(tt_frame, 5001, 1005, F_ACK | F_FIN, 65535, 0, 0, 0, 0);
	fake_inject(&fk, tt_frame, n);
	fake_tx_clear(&fk);
	CHECK_EQ(tcp_close(&conn, fk.now_us + 1000000), 0);
	CHECK_EQ(tt_parse(0, &s), 0);
	CHECK_EQ(s.flags, F_FIN | F_ACK);
	CHECK_EQ(s.seq, 1004);
	s = tt_last();
	CHECK_EQ(s.flags, F_ACK);
	CHECK_EQ(s.ack, 5002);                     /* the peer's FIN acked */
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, 0);
}

static void test_close_timeout_resets(void)
{
	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	CHECK_EQ(tcp_close(&conn, fk.now_us), LL_ETIMEDOUT);
	CHECK_EQ(tt_last().flags, F_RST | F_ACK);
	CHECK_EQ(conn.state, TCP_CLOSED);
}

static void test_rst_resets_established(void)
{
	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 10000);
	tt_rx(5001 + 100, 1001, F_RST, 0, 0, 0);   /* in window, not exact */
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	CHECK_EQ(conn.st.challenge_acks, 1);
	CHECK_EQ(tt_last().flags, F_ACK);
	tt_rx(5001, 1001, F_RST, 0, 0, 0);
	CHECK_EQ(conn.state, TCP_CLOSED);
	CHECK_EQ(conn.error, LL_ECONNRESET);
}

/* RST|ACK for a SYN to a port nobody listens on. Checksum by hand:
 * pseudo 0a00+0001+0a00+0002+0006+0014 = 141d; header 270f+0cbc+0000+0000
 * +0000+1001+5014+0000 -> total a7fd -> ~ = 5802. */
static void test_rst_to_closed_port(void)
{
	static const uint8_t expect[20] = {
		0x27, 0x0f, 0x0c, 0xbc, 0, 0, 0, 0, 0, 0, 0x10, 0x01,
		0x50, 0x14, 0, 0, 0x58, 0x02, 0, 0,
	};

	nt_setup();
	nt_learn_peer();
	memset(&conn, 0, sizeof(conn));
	conn.local_port = 9999;
	tt_rx(0x1000, 0, F_SYN, 1000, 0, 0);
	CHECK_EQ(ns.tcp.rx_no_conn, 1);
	CHECK_EQ(ns.tcp.rsts_sent, 1);
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(fk.tx[0].len, 60);                /* 54 padded to 60 */
	CHECK(memcmp(fk.tx[0].data + 34, expect, 20) == 0);
	tt_rx(0x1000, 0, F_RST, 1000, 0, 0);       /* a RST gets none */
	CHECK_EQ(fk.tx_n, 1);
	CHECK_EQ(ns.tcp.rx_no_conn, 2);
}

int main(void)
{
	check_suite = FAKE_LEND_DEFAULT ? "tcp_lend" : "tcp";
	RUN(test_syn_carries_mss_and_wscale);
	RUN(test_synack_establishes);
	RUN(test_window_capped_by_rx_hold);
	RUN(test_synack_without_wscale);
	RUN(test_rst_on_syn_refused);
	RUN(test_synack_bad_ack_gets_rst);
	RUN(test_syn_retransmit_and_give_up);
	RUN(test_many_segments_in_flight);
	RUN(test_peer_window_bounds_flight);
	RUN(test_rto_backoff);
	RUN(test_rto_gives_up);
	RUN(test_rto_user_deadline);
	RUN(test_fast_retransmit_newreno);
	RUN(test_limited_transmit_and_sack_recovery);
	RUN(test_lost_retransmission_resent);
	RUN(test_tail_loss_probe_new_data);
	RUN(test_zero_window_probes);
	RUN(test_window_closes_in_flight);
	RUN(test_passive_close);
	RUN(test_active_close);
	RUN(test_close_timeout_resets);
	RUN(test_rst_resets_established);
	RUN(test_rst_to_closed_port);
	return CHECK_DONE();
}
