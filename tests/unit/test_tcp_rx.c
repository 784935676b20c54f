/* tests/unit/test_tcp_rx.c - TCP client receive side: in-order delivery,
 * out-of-order reassembly in the ring, delayed ACK timing, advertised
 * window from free ring space, validation drops (checksum, sequence, ACK
 * for unsent data) and sequence-number wraparound. */
#include "tests/lib/check.h"
#include "tests/lib/tcptest.h"

static uint8_t pat[8192], got[8192];

static void test_in_order_and_peek(void)
{
	const uint8_t *p;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	tt_fill(pat, sizeof(pat), 3);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1000);
	CHECK_EQ(tcp_rx_avail(&conn), 1000);
	CHECK_EQ(tcp_rx_peek(&conn, &p), 1000);
	CHECK(memcmp(p, pat, 1000) == 0);
	tcp_rx_consume(&conn, 400);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 600);
	CHECK(memcmp(got, pat + 400, 600) == 0);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 0);
}

static void test_delayed_ack(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 1000);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1460);
	CHECK_EQ(fk.tx_n, 0);                      /* one segment: held */
	tt_tick(39999);
	CHECK_EQ(fk.tx_n, 0);
	tt_tick(1);                                /* 40 ms later */
	CHECK_EQ(fk.tx_n, 1);
	s = tt_last();
	CHECK_EQ(s.ack, 5001 + 1460);
	CHECK_EQ(s.len, 0);
	/* two full segments: an ACK is due at once, sent when the poll step's
	 * receive burst ends (its timers), with no time passing */
	tt_rx(5001 + 1460, 1001, F_ACK, 65535, pat, 1460);
	CHECK_EQ(fk.tx_n, 1);
	tt_rx(5001 + 2920, 1001, F_ACK, 65535, pat, 1460);
	CHECK_EQ(fk.tx_n, 1);                      /* still inside the burst */
	tt_tick(0);
	CHECK_EQ(fk.tx_n, 2);
	CHECK_EQ(tt_last().ack, 5001 + 3 * 1460);
	tt_tick(100000);
	CHECK_EQ(fk.tx_n, 2);                      /* nothing more owed */
	/* five segments in one burst: one ACK for all of them */
	for (unsigned i = 0; i < 5; i++)
		tt_rx(5001 + (3 + i) * 1460, 1001, F_ACK, 65535, pat, 1460);
	CHECK_EQ(fk.tx_n, 2);
	tt_tick(0);
	CHECK_EQ(fk.tx_n, 3);
	CHECK_EQ(tt_last().ack, 5001 + 8 * 1460);
	CHECK_EQ(tt_last().len, 0);
	tt_tick(100000);
	CHECK_EQ(fk.tx_n, 3);
}

static void test_ack_rides_on_data(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 20, 1000);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 100);
	tcp_write(&conn, "req", 3);
	tcp_flush(&conn);
	CHECK_EQ(fk.tx_n, 1);
	s = tt_last();
	CHECK_EQ(s.len, 3);
	CHECK_EQ(s.ack, 5101);
	tt_tick(50000);
	CHECK_EQ(fk.tx_n, 1);                      /* no separate ACK later */
}

static void test_out_of_order_reassembly(void)
{
	struct tt_seg s;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	tt_fill(pat, sizeof(pat), 9);
	/* segments 3 and 2 (of 1000 bytes) arrive before 1 */
	tt_rx(5001 + 2000, 1001, F_ACK, 65535, pat + 2000, 1000);
	CHECK_EQ(fk.tx_n, 1);                      /* immediate duplicate ACK */
	CHECK_EQ(tt_last().ack, 5001);
	CHECK_EQ(tt_last().sack_n, 0);             /* peer did not allow SACK */
	CHECK_EQ(tcp_rx_avail(&conn), 0);
	CHECK_EQ(conn.ooo_n, 1);
	tt_rx(5001 + 1000, 1001, F_ACK, 65535, pat + 1000, 1000);
	CHECK_EQ(fk.tx_n, 2);
	CHECK_EQ(tt_last().ack, 5001);
	CHECK_EQ(conn.ooo_n, 1);                   /* merged with its neighbour */
	/* a later, separate hole */
	tt_rx(5001 + 4000, 1001, F_ACK, 65535, pat + 4000, 500);
	CHECK_EQ(conn.ooo_n, 2);
	CHECK_EQ(conn.st.ooo_segs, 3);
	/* the gap fills: all of 0..3000 is delivered and ACKed at once */
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1000);
	CHECK_EQ(fk.tx_n, 4);
	s = tt_last();
	CHECK_EQ(s.ack, 5001 + 3000);
	CHECK_EQ(tcp_rx_avail(&conn), 3000);
	CHECK_EQ(conn.ooo_n, 1);
	/* an overlapping segment fills 3000..4000 and reaches the held part */
	tt_rx(5001 + 2500, 1001, F_ACK, 65535, pat + 2500, 1500);
	CHECK_EQ(tt_last().ack, 5001 + 4500);
	CHECK_EQ(conn.ooo_n, 0);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 4500);
	CHECK(memcmp(got, pat, 4500) == 0);
}

static void test_sack_blocks(void)
{
	struct tt_seg s;

	tt_sackp = 1;
	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	tt_sackp = 0;
	CHECK(conn.sack_ok);
	tt_rx(5001 + 1000, 1001, F_ACK, 65535, pat, 500);
	s = tt_last();
	CHECK_EQ(s.ack, 5001);
	CHECK_EQ(s.sack_n, 1);
	CHECK_EQ(s.sack[0][0], 6001);
	CHECK_EQ(s.sack[0][1], 6501);
	tt_rx(5001 + 3000, 1001, F_ACK, 65535, pat, 500);
	s = tt_last();
	CHECK_EQ(s.sack_n, 2);
	CHECK_EQ(s.sack[0][0], 8001);              /* the latest block first */
	CHECK_EQ(s.sack[0][1], 8501);
	CHECK_EQ(s.sack[1][0], 6001);
	CHECK_EQ(s.sack[1][1], 6501);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1000);
	s = tt_last();
	CHECK_EQ(s.ack, 6501);
	CHECK_EQ(s.sack_n, 1);
	CHECK_EQ(s.sack[0][0], 8001);
}

/* With every interval slot used, a range nearer rcv_nxt evicts the
 * farthest one; a range beyond them all is dropped. */
static void test_ooo_table_full(void)
{
	uint32_t k;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	tt_fill(pat, sizeof(pat), 2);
	for (k = 1; k <= 16; k++)
		tt_rx(5001 + 200 * k + 100, 1001, F_ACK, 65535, pat + 200 * k + 100, 100);
	CHECK_EQ(conn.ooo_n, 16);
	CHECK_EQ(conn.st.ooo_dropped, 0);
	tt_rx(5001 + 200 * 17 + 100, 1001, F_ACK, 65535, pat, 100);
	CHECK_EQ(conn.ooo_n, 16);
	CHECK_EQ(conn.st.ooo_dropped, 1);
	tt_rx(5001 + 50, 1001, F_ACK, 65535, pat + 50, 20);
	CHECK_EQ(conn.ooo_n, 16);
	CHECK_EQ(conn.st.ooo_dropped, 2);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1460);
	tt_rx(5001 + 1460, 1001, F_ACK, 65535, pat + 1460, 1460);
	CHECK_EQ(conn.rcv_nxt, 5001 + 3000);       /* reached into k = 14 */
	tt_rx(5001 + 2920, 1001, F_ACK, 65535, pat + 2920, 380);
	CHECK_EQ(conn.ooo_n, 0);                   /* k = 16 was evicted */
	CHECK_EQ(tcp_rx_avail(&conn), 3300);
	CHECK_EQ(tt_last().ack, 5001 + 3300);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 3300);
	CHECK(memcmp(got, pat, 3300) == 0);
}

static void test_window_from_free_space(void)
{
	struct tt_seg s;
	unsigned i;

	/* 4 KiB ring: shift 0, the window is the free space itself */
	tt_connect(1000, 5000, 65535, 7, 1460, 4096, 1000);
	CHECK_EQ(conn.rcv_wscale, 0);
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1460);
	tt_rx(5001 + 1460, 1001, F_ACK, 65535, pat, 1460);
	tt_tick(0);                                /* the burst's ACK */
	s = tt_last();
	CHECK_EQ(s.ack, 5001 + 2920);
	CHECK_EQ(s.win, 4096 - 2920);
	/* more than fits is cut at the window edge */
	tt_rx(5001 + 2920, 1001, F_ACK, 65535, pat, 1460);
	CHECK_EQ(tcp_rx_avail(&conn), 4096);
	tt_tick(40000);
	s = tt_last();
	CHECK_EQ(s.win, 0);
	CHECK_EQ(s.ack, 5001 + 4096);
	/* reading frees space and a window update goes out */
	i = fk.tx_n;
	CHECK_EQ(tcp_read(&conn, got, 4096), 4096);
	CHECK_EQ(fk.tx_n, i + 1);
	CHECK_EQ(tt_last().win, 4096);
}

/* The in-order reader: offered payload only while the ring is empty and
 * nothing is held out of order, what it leaves goes to the ring, ACKs and
 * the window count both. */
static uint8_t taken[8192];
static size_t taken_n, take_max;

static size_t take_some(void *ctx, const uint8_t *d, size_t n)
{
	size_t k = n < take_max ? n : take_max;

	(void)ctx;
	memcpy(taken + taken_n, d, k);
	taken_n += k;
	take_max -= k;
	return k;
}

static void test_direct_reader(void)
{
	const uint8_t *p;

	tt_connect(1000, 5000, 65535, 7, 1460, 4096, 1000);
	tt_fill(pat, sizeof(pat), 5);
	conn.rx_direct = take_some;
	taken_n = 0;
	take_max = 600;
	tt_rx(5001, 1001, F_ACK, 65535, pat, 1000);   /* 600 taken, 400 ring */
	CHECK_EQ(taken_n, 600);
	CHECK(memcmp(taken, pat, 600) == 0);
	CHECK_EQ(tcp_rx_peek(&conn, &p), 400);
	CHECK(memcmp(p, pat + 600, 400) == 0);
	take_max = 5000;
	tt_rx(5001 + 1000, 1001, F_ACK, 65535, pat + 1000, 1000);
	CHECK_EQ(taken_n, 600);                      /* ring not empty: no offer */
	CHECK_EQ(tcp_rx_avail(&conn), 1400);
	tt_tick(0);
	CHECK_EQ(tt_last().ack, 5001 + 2000);
	CHECK_EQ(tt_last().win, 4096 - 1400);        /* taken bytes use no ring */
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 1400);
	CHECK(memcmp(got, pat + 600, 1400) == 0);
	/* out of order: held in the ring; the segment that fills the gap too */
	tt_rx(5001 + 3000, 1001, F_ACK, 65535, pat + 3000, 500);
	tt_rx(5001 + 2000, 1001, F_ACK, 65535, pat + 2000, 1000);
	CHECK_EQ(taken_n, 600);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 1500);
	CHECK(memcmp(got, pat + 2000, 1500) == 0);
	/* empty ring again: the whole segment taken */
	tt_rx(5001 + 3500, 1001, F_ACK, 65535, pat + 3500, 700);
	CHECK_EQ(taken_n, 1300);
	CHECK(memcmp(taken + 600, pat + 3500, 700) == 0);
	CHECK_EQ(tcp_rx_avail(&conn), 0);
	CHECK_EQ(conn.st.direct_bytes, 1300);
	tt_tick(40000);
	CHECK_EQ(tt_last().ack, 5001 + 4200);
	conn.rx_direct = NULL;
}

static void test_bad_checksum_dropped(void)
{
	size_t n;

	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	n = tt_build(tt_frame, 5001, 1001, F_ACK, 65535, 0, 0, pat, 100);
	tt_frame[60] ^= 0x40;                      /* flip a payload bit */
	nt_rx(tt_frame, n);
	CHECK_EQ(ns.tcp.rx_bad_csum, 1);
	CHECK_EQ(conn.st.bad_csum, 1);
	CHECK_EQ(tcp_rx_avail(&conn), 0);
	CHECK_EQ(conn.rcv_nxt, 5001);
	CHECK_EQ(fk.tx_n, 0);
	/* a truncated header, or a data offset past the end, is short */
	tcp_input(&ns, PEER_IP, US_IP, tt_frame + 34, 10);
	CHECK_EQ(ns.tcp.rx_short, 1);
	tt_frame[34 + 12] = 0xf0;                  /* 60-byte header in 20 */
	tcp_input(&ns, PEER_IP, US_IP, tt_frame + 34, 20);
	CHECK_EQ(ns.tcp.rx_short, 2);
	CHECK_EQ(fk.tx_n, 0);
}

static void test_bad_sequence_dropped(void)
{
	tt_connect(1000, 5000, 65535, 7, 1460, 1u << 16, 1000);
	/* far beyond the window */
	tt_rx(5001 + 200000, 1001, F_ACK, 65535, pat, 100);
	CHECK_EQ(conn.st.bad_seg, 1);
	CHECK_EQ(tcp_rx_avail(&conn), 0);
	CHECK_EQ(conn.ooo_n, 0);
	CHECK_EQ(tt_last().ack, 5001);             /* answered with an ACK */
	/* entirely old data: dropped, re-ACKed */
	tt_rx(5001, 1001, F_ACK, 65535, pat, 100);
	tt_rx(5001 - 50, 1001, F_ACK, 65535, pat, 40);
	CHECK_EQ(tcp_rx_avail(&conn), 100);
	CHECK_EQ(tt_last().ack, 5101);
	/* an ACK for data never sent is dropped with its payload */
	tt_rx(5101, 9999, F_ACK, 65535, pat, 100);
	CHECK_EQ(conn.st.bad_ack, 1);
	CHECK_EQ(tcp_rx_avail(&conn), 100);
	CHECK_EQ(conn.snd_una, 1001);
	/* a SYN in ESTABLISHED only draws a challenge ACK */
	tt_rx(5101, 1001, F_SYN | F_ACK, 65535, 0, 0);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
	CHECK_EQ(conn.st.challenge_acks, 1);
	/* a RST outside the window is ignored silently */
	tt_rx(5101 + 100000, 1001, F_RST, 0, 0, 0);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
}

static void test_sequence_wraparound(void)
{
	uint32_t iss = 0xfffff000u, irs = 0xfffffc00u;
	struct tt_seg s;
	unsigned i;

	tt_connect(iss, irs, 65535, 7, 1460, 1u << 16, 1000);
	tt_fill(pat, sizeof(pat), 5);
	/* send 8000 bytes: the sequence wraps after 4095 */
	CHECK_EQ(tcp_write(&conn, pat, 8000), 8000);
	tcp_flush(&conn);
	CHECK_EQ(fk.tx_n, 6);
	for (i = 0; i < fk.tx_n; i++) {
		CHECK_EQ(tt_parse(i, &s), 0);
		CHECK_EQ(s.seq, (uint32_t)(iss + 1 + i * 1460));
		CHECK(memcmp(s.data, pat + i * 1460, s.len) == 0);
	}
	tt_rx(irs + 1, iss + 1 + 4380, F_ACK, 65535, 0, 0);
	CHECK_EQ(tcp_tx_pending(&conn), 8000 - 4380);
	tt_rx(irs + 1, iss + 1 + 8000, F_ACK, 65535, 0, 0);
	CHECK_EQ(tcp_tx_pending(&conn), 0);
	CHECK_EQ(conn.rto_deadline, 0);
	/* receive 3000 bytes across the peer's wrap, second half first */
	tt_rx(irs + 1 + 1500, iss + 8001, F_ACK, 65535, pat + 1500, 1500);
	CHECK_EQ(tcp_rx_avail(&conn), 0);
	tt_rx(irs + 1, iss + 8001, F_ACK, 65535, pat, 1500);
	CHECK_EQ(tcp_rx_avail(&conn), 3000);
	CHECK_EQ(tt_last().ack, (uint32_t)(irs + 1 + 3000));
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), 3000);
	CHECK(memcmp(got, pat, 3000) == 0);
}

static void test_ring_wraps(void)
{
	unsigned i;
	uint32_t seq = 5001;

	tt_connect(1000, 5000, 65535, 7, 1460, 4096, 1000);
	tt_fill(pat, sizeof(pat), 11);
	for (i = 0; i < 6; i++) {                   /* 6 x 1000 > 4096 */
		tt_rx(seq, 1001, F_ACK, 65535, pat + i * 1000, 1000);
		seq += 1000;
		CHECK_EQ(tcp_read(&conn, got + i * 1000, 1000), 1000);
	}
	CHECK(memcmp(got, pat, 6000) == 0);
}

int main(void)
{
	check_suite = FAKE_LEND_DEFAULT ? "tcp_rx_lend" : "tcp_rx";
	RUN(test_in_order_and_peek);
	RUN(test_delayed_ack);
	RUN(test_ack_rides_on_data);
	RUN(test_out_of_order_reassembly);
	RUN(test_sack_blocks);
	RUN(test_ooo_table_full);
	RUN(test_window_from_free_space);
	RUN(test_direct_reader);
	RUN(test_bad_checksum_dropped);
	RUN(test_bad_sequence_dropped);
	RUN(test_sequence_wraparound);
	RUN(test_ring_wraps);
	return CHECK_DONE();
}
