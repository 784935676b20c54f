/* tests/unit/test_e1000_slow.c - TCP over the e1000 driver and its device
 * model when the stack polls late: the window offered never passes what
 * the ring holds (netdev rx_hold), so a peer that keeps to it fills the
 * ring but never overruns it; a segment past it overruns the ring (MPC)
 * and the connection goes on when the lost segment comes again. */
#include "tests/lib/check.h"
#pragma GCC diagnostic ignored "-Wunused-function" /* tcptest.h's others */
#include "tests/lib/tcptest.h"
#include "tests/lib/fake_e1000.h"
#include "drivers/net/e1000.h"

static struct fake_e1000 fe;
static struct e1000 nic;
static uint8_t sent[1u << 18], got[1u << 18];

/* The TCP header of the last frame the device sent. */
static const uint8_t *last_tcp(void)
{
	return fe.tx[(fe.tx_n - 1) % FE_MAX_FRAMES].data + 34;
}

static uint32_t last_win(void)
{
	return (uint32_t)get_be16(last_tcp() + 14) << conn.rcv_wscale;
}

/* The peer sends len bytes at seq through the device: 0, or -1 when the
 * ring had no free descriptor (the frame is lost). */
static int peer_send(uint32_t seq, size_t len)
{
	size_t n = tt_build(tt_frame, seq, 1001, F_ACK, 65535, 0, 0,
			    sent + (seq - 7001), len);
	return fake_e1000_rx(&fe, tt_frame, n, E1000_RXD_STAT_EOP, 0);
}

/* The stack on the driver (MAC 02:00:00:00:00:01, reset path, 64-slot
 * ring), connected to the peer with MSS 1460 and window scale 7. */
static void connect_over_e1000(void)
{
	static const uint8_t opt[8] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7};
	struct ll_clock clk;
	size_t n;

	nt_setup();
	fake_e1000_init(&fe, 0x100e, E1000_DMA_SIZE);
	fe.eeprom[0] = 0x0002;
	fe.eeprom[1] = 0x0000;
	fe.eeprom[2] = 0x0100;
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
	CHECK(memcmp(nic.nd.mac, us_mac, 6) == 0);
	clk = fake_clock(&fk);
	net_init(&ns, &nic.nd, &clk);
	ns.ip.addr = US_IP;
	ns.ip.netmask = 0xffffff00u;
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, 1u << 20);
	conn.iss_fixed = 1000;
	CHECK_EQ(tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT), 0);
	n = tt_build(tt_frame, 7000, 1001, F_SYN | F_ACK, 65535, opt, 8, 0, 0);
	CHECK_EQ(fake_e1000_rx(&fe, tt_frame, n, E1000_RXD_STAT_EOP, 0), 0);
	net_poll(&ns);
	CHECK_EQ(conn.state, TCP_ESTABLISHED);
}

static void test_window_fits_ring_then_overrun(void)
{
	uint32_t win, off, seg;
	size_t i;

	tt_fill(sent, sizeof(sent), 5);
	connect_over_e1000();
	win = last_win();                      /* what the ACK offers */
	CHECK_EQ(nic.nd.rx_hold, 63 * 1460);
	CHECK(win <= nic.nd.rx_hold);
	CHECK(win > nic.nd.rx_hold - 1460);
	/* The whole window while nobody polls: every segment finds a slot. */
	for (off = 0, seg = 0; off < win; off += 1460, seg++)
		CHECK_EQ(peer_send(7001 + off, win - off < 1460 ? win - off : 1460), 0);
	CHECK_EQ(seg, 63);
	CHECK_EQ(fe.regs[E1000_MPC / 4], 0);
	/* One more, past the window: the ring is full, the device drops it. */
	CHECK_EQ(peer_send(7001 + win, 1460), -1);
	CHECK_EQ(fe.regs[E1000_MPC / 4], 1);
	CHECK_EQ(net_poll(&ns), 63);
	CHECK_EQ(nic.cnt.rx_full, 1);
	CHECK_EQ(conn.rcv_nxt, 7001 + win);
	CHECK_EQ(get_be32(last_tcp() + 8), 7001 + win);  /* all acked */
	CHECK_EQ(last_win(), win);             /* and the same window again */
	/* The peer resends the lost segment: in order, nothing held apart. */
	CHECK_EQ(peer_send(7001 + win, 1460), 0);
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(conn.rcv_nxt, 7001 + win + 1460);
	CHECK_EQ(conn.st.ooo_segs, 0);
	CHECK_EQ(tcp_read(&conn, got, sizeof(got)), (long)(win + 1460));
	for (i = 0; i < win + 1460 && got[i] == sent[i]; i++)
		;
	CHECK_EQ(i, win + 1460);
	CHECK_EQ(fe.rx_missed, 1);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

int main(void)
{
	check_suite = "e1000_slow";
	RUN(test_window_fits_ring_then_overrun);
	return CHECK_DONE();
}
