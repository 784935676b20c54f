/* tests/unit/test_e1000.c - the e1000 driver against the device model in
 * fake_e1000.h: reset from a dirty state, MAC, TX with wrap and a full
 * ring, TX built in a lent buffer (tx_slot/tx_commit), RX with wrap,
 * error and split frames, budget, a slow poller's overrun; and net_stack answering ARP and ping
 * through it, its payload reaching the ring without its own buffer. */
#include "tests/lib/check.h"
#include "tests/lib/fake_e1000.h"
#include "drivers/net/e1000.h"
#include "net/net.h"
#include "net/udp.h"
#include "lib/err.h"

static struct fake_e1000 fe;
static struct e1000 nic;

struct rx_log {
	unsigned n;
	size_t len[128];
	uint8_t first[128];
	size_t last_len;
	uint8_t data[2048];  /* copy of the last frame */
};

static void rx_record(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_log *l = ctx;
	if (l->n < 128) {
		l->len[l->n] = len;
		l->first[l->n] = frame[0];
	}
	memcpy(l->data, frame, len);
	l->last_len = len;
	l->n++;
}

static int setup(uint16_t device)
{
	fake_e1000_init(&fe, device, E1000_DMA_SIZE);
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	return nic.nd.ops->open(&nic.nd);
}

static void teardown(void)
{
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

static void test_reset_from_dirty(void)
{
	uint64_t rx = 0, tx = 0;

	fe.rst_reads = 3;
	CHECK_EQ(setup(0x100e), 0);
	CHECK_EQ(fe.resets, 2); /* model init + driver */
	CHECK_EQ(fe.regs[E1000_IMS / 4], 0);
	rx = (uint64_t)fe.regs[E1000_RDBAH / 4] << 32 | fe.regs[E1000_RDBAL / 4];
	tx = (uint64_t)fe.regs[E1000_TDBAH / 4] << 32 | fe.regs[E1000_TDBAL / 4];
	CHECK_EQ(rx, (uintptr_t)nic.rx_ring);
	CHECK_EQ(tx, (uintptr_t)nic.tx_ring);
	CHECK_EQ(rx % 128, 0);
	CHECK(rx >= (uintptr_t)fe.dma && rx + 1024 <= (uintptr_t)fe.dma + E1000_DMA_SIZE);
	CHECK_EQ(fe.regs[E1000_RDLEN / 4], 64 * 16);
	CHECK_EQ(fe.regs[E1000_TDLEN / 4], 64 * 16);
	CHECK_EQ(fe.regs[E1000_RDH / 4], 0);
	CHECK_EQ(fe.regs[E1000_RDT / 4], 63);
	CHECK_EQ(fe.regs[E1000_TDH / 4], 0);
	CHECK_EQ(fe.regs[E1000_TDT / 4], 0);
	CHECK_EQ(fe.regs[E1000_RCTL / 4], E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);
	CHECK_EQ(fe.regs[E1000_TCTL / 4], 0x0400fa); /* EN PSP CT=0f COLD=40 */
	CHECK_EQ(fe.regs[E1000_TIPG / 4], 10 | 8 << 10 | 6 << 20);
	CHECK(fe.regs[E1000_CTRL / 4] & E1000_CTRL_SLU);
	CHECK(fe.regs[E1000_CTRL / 4] & E1000_CTRL_ASDE);
	CHECK_EQ(fe.cfg[1] & 0xffff, 0x0407); /* IO kept, MEM, MASTER, INTx off */
	CHECK_EQ(nic.link_up, 1);
	CHECK_EQ(nic.nd.mtu, 1500);
	teardown();
	CHECK_EQ(fe.cfg[1] & PCI_CMD_MASTER, 0);
}

static void test_reset_timeout(void)
{
	fe.rst_stuck = 1; /* set after init below */
	fake_e1000_init(&fe, 0x100e, E1000_DMA_SIZE);
	fe.rst_stuck = 1;
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	CHECK_EQ(nic.nd.ops->open(&nic.nd), LL_ETIMEDOUT);
	CHECK(fe.udelay_total >= 100000 && fe.udelay_total < 200000);
	fake_e1000_free(&fe);
}

static void test_init_rejects(void)
{
	fake_e1000_init(&fe, 0x1234, E1000_DMA_SIZE);
	CHECK_EQ(e1000_init(&nic, &fe.pci), LL_ENODEV);
	fe.pci.device = 0x100e;
	fe.pci.dma_size = E1000_DMA_SIZE - 200;
	CHECK_EQ(e1000_init(&nic, &fe.pci), LL_ENOMEM);
	CHECK(e1000_match(0x8086, 0x10d3) != NULL);
	CHECK(e1000_match(0x8086, 0x10d3)->e1000e);
	CHECK(e1000_match(0x10ec, 0x100e) == NULL);
	fake_e1000_free(&fe);
}

static void test_mac_from_ral(void)
{
	static const uint8_t want[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	CHECK_EQ(setup(0x100e), 0);
	CHECK(memcmp(nic.nd.mac, want, 6) == 0);
	CHECK_EQ(nic.cnt.mac_from_eeprom, 0);
	teardown();
}

/* RAL invalid after reset: MAC from EERD, in both register layouts. */
static void test_mac_from_eeprom(void)
{
	static const uint16_t dev[2] = {0x100e, 0x10d3};
	static const uint8_t want[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	int i;

	for (i = 0; i < 2; i++) {
		fake_e1000_init(&fe, dev[i], E1000_DMA_SIZE);
		fe.ral_invalid = 1;
		fe.eeprom[0] = 0x1102;
		fe.eeprom[1] = 0x3322;
		fe.eeprom[2] = 0x5544;
		CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
		CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
		CHECK(memcmp(nic.nd.mac, want, 6) == 0);
		CHECK_EQ(nic.cnt.mac_from_eeprom, 1);
		CHECK_EQ(fe.regs[E1000_RAL0 / 4], 0x33221102);
		CHECK_EQ(fe.regs[E1000_RAH0 / 4], 0x80005544u);
		teardown();
	}
}

static void test_link_down_not_fatal(void)
{
	fake_e1000_init(&fe, 0x10d3, E1000_DMA_SIZE);
	fe.link_never = 1;
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
	CHECK_EQ(nic.link_up, 0);
	CHECK_EQ(nic.cnt.link_wait_ms, 3000);
	teardown();
}

static void make_frame(uint8_t *f, size_t len, unsigned seq)
{
	size_t i;
	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

/* halt (ExitBootServices): bus mastering off, then a reset, and no
 * doorbell rung: nothing more leaves. */
static void test_halt(void)
{
	unsigned resets, tdt;

	CHECK_EQ(setup(0x100e), 0);
	resets = fe.resets;
	tdt = fe.tdt_writes;
	e1000_halt(&nic);
	CHECK(fe.resets > resets);
	CHECK_EQ(fe.tdt_writes, tdt);
	CHECK_EQ(fe.cfg[1] & PCI_CMD_MASTER, 0);
	CHECK_EQ(fe.regs[E1000_RCTL / 4], 0);
	CHECK_EQ(fe.regs[E1000_TCTL / 4], 0);
	teardown();
}

/* 150 frames of varied sizes through a 64-slot ring: wraps twice. */
static void test_tx_wrap(void)
{
	uint8_t f[1514];
	unsigned i;

	CHECK_EQ(setup(0x10d3), 0);
	for (i = 0; i < 150; i++) {
		size_t len = 60 + (i * 97) % 1455;
		make_frame(f, len, i);
		CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, len), 0);
		CHECK_EQ(fe.tx_n, i + 1);
		CHECK_EQ(fe.tx[i].len, len);
		CHECK(memcmp(fe.tx[i].data, f, len) == 0);
	}
	CHECK_EQ(fe.regs[E1000_TDT / 4], 150 % 64);
	CHECK_EQ(nic.nd.tx_frames, 150);
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, 1519), LL_EMSGSIZE);
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, 0), LL_EMSGSIZE);
	teardown();
}

static void test_tx_full(void)
{
	uint8_t f[64] = {0};
	unsigned i;

	CHECK_EQ(setup(0x100e), 0);
	fe.tx_hold = 1;
	for (i = 0; i < 63; i++)
		CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, sizeof(f)), 0);
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK_EQ(nic.cnt.tx_full, 1);
	CHECK_EQ(fe.tx_n, 0);
	fe.tx_hold = 0;
	fe_do_tx(&fe); /* device catches up */
	CHECK_EQ(fe.tx_n, 63);
	f[0] = 0x77;
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, sizeof(f)), 0);
	CHECK_EQ(fe.tx_n, 64);
	CHECK_EQ(fe.tx[63].data[0], 0x77);
	CHECK_EQ(nic.tx_inflight, 1);
	teardown();
}

/* A frame built in the lent buffer at an offset goes out from there: one
 * descriptor pointing into the slot, one TDT write. */
static void test_tx_lend(void)
{
	uint8_t *buf, f[64] = {0};
	size_t room;
	unsigned tdt;

	CHECK_EQ(setup(0x100e), 0);
	tdt = fe.tdt_writes;
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK(buf == nic.tx_buf);
	CHECK(room >= NETDEV_TX_SLOT_MIN);
	make_frame(buf + 42, 1514, 5);
	make_frame(f, sizeof(f), 5);   /* the same first bytes */
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf + 42, 1514), 0);
	CHECK_EQ(fe.tx_n, 1);
	CHECK_EQ(fe.tx[0].len, 1514);
	CHECK_EQ(fe.tx[0].addr, (uintptr_t)(buf + 42));
	CHECK(memcmp(fe.tx[0].data, f, sizeof(f)) == 0);
	CHECK_EQ(fe.tdt_writes, tdt + 1);
	CHECK_EQ(fe.regs[E1000_TDT / 4], 1);
	CHECK_EQ(nic.nd.tx_frames, 1);
	/* the next loan is the next buffer */
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK(buf == nic.tx_buf + E1000_BUF_SIZE);
	/* outside the slot, too long, empty */
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf - 1, 60), LL_EINVAL);
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf + room - 59, 60), LL_EINVAL);
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf, 0), LL_EMSGSIZE);
	/* no loan: never asked, or ended by poll or transmit */
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf, 60), LL_EINVAL);
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, NULL, 0), 0);
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf, 60), LL_EINVAL);
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, sizeof(f)), 0);
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf, 60), LL_EINVAL);
	CHECK_EQ(fe.tx_n, 2);
	CHECK_EQ(fe.tdt_writes, tdt + 2);
	teardown();
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), LL_ENETDOWN);
}

/* A full ring refuses a loan with LL_EAGAIN; every frame committed before
 * goes out, in order, once the device catches up. */
static void test_tx_lend_full(void)
{
	uint8_t *buf;
	size_t room;
	unsigned i;

	CHECK_EQ(setup(0x10d3), 0);
	fe.tx_hold = 1;
	for (i = 0; i < 63; i++) {
		CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
		make_frame(buf + 10, 100, i);
		CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf + 10, 100), 0);
	}
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), LL_EAGAIN);
	CHECK_EQ(nic.cnt.tx_full, 1);
	CHECK_EQ(fe.tx_n, 0);
	fe.tx_hold = 0;
	fe_do_tx(&fe);
	CHECK_EQ(fe.tx_n, 63);
	for (i = 0; i < 63; i++) {
		uint8_t want[100];
		make_frame(want, 100, i);
		CHECK_EQ(fe.tx[i].len, 100);
		CHECK(memcmp(fe.tx[i].data, want, 100) == 0);
	}
	CHECK_EQ(nic.nd.ops->tx_slot(&nic.nd, &buf, &room), 0);
	make_frame(buf, 60, 99);
	CHECK_EQ(nic.nd.ops->tx_commit(&nic.nd, buf, 60), 0);
	CHECK_EQ(fe.tx_n, 64);
	CHECK_EQ(nic.tx_inflight, 1);
	teardown();
}

static void test_rx_wrap_and_budget(void)
{
	static struct rx_log log;
	uint8_t f[1514];
	unsigned i, total = 0;
	int n;

	CHECK_EQ(setup(0x100e), 0);
	/* 200 frames in rounds of 40: the 64-descriptor ring wraps. */
	for (i = 0; i < 200; i++) {
		size_t len = 60 + (i * 31) % 1455;
		make_frame(f, len, i);
		CHECK_EQ(fake_e1000_rx(&fe, f, len, E1000_RXD_STAT_EOP, 0), 0);
		if (i % 40 == 39) {
			n = nic.nd.ops->poll(&nic.nd, rx_record, &log, 16);
			CHECK_EQ(n, 16);
			while ((n = nic.nd.ops->poll(&nic.nd, rx_record, &log, 16)) > 0)
				total += (unsigned)n;
			CHECK_EQ(n, 0);
			total += 16;
			CHECK_EQ(total, i + 1);
			CHECK_EQ(log.last_len, len);
			CHECK(memcmp(log.data, f, len) == 0);
		}
	}
	CHECK_EQ(log.n, 200);
	for (i = 0; i < 128; i++)
		CHECK_EQ(log.first[i], (uint8_t)(i * 7));
	CHECK_EQ(nic.nd.rx_frames, 200);
	CHECK_EQ(fe.regs[E1000_RDT / 4], (200 + 63) % 64);
	CHECK_EQ(fe.rx_missed, 0);
	teardown();
}

/* 63 descriptors free: the 64th frame finds no room until a poll. */
static void test_rx_ring_full(void)
{
	static struct rx_log log;
	uint8_t f[60] = {0};
	unsigned i;

	CHECK_EQ(setup(0x100e), 0);
	for (i = 0; i < 63; i++)
		CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), 0);
	CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), -1);
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 1), 1);
	CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), 0);
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 100), 63);
	teardown();
}

/* A slow poller: 100 frames arrive while nobody polls. 63 fit, the rest
 * are missed (MPC, RNBC); the next poll finds the ring full, takes the 63,
 * and the ring works on. The stats line sums the clear-on-read counters. */
static void test_rx_slow_poller(void)
{
	static struct rx_log log;
	uint8_t f[100];
	unsigned i, n;

	CHECK_EQ(setup(0x100e), 0);
	CHECK_EQ(nic.nd.rx_hold, 63 * 1460);      /* TCP offers no more */
	for (i = 0; i < 100; i++) {
		make_frame(f, sizeof(f), i);
		CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0),
			 i < 63 ? 0 : -1);
	}
	CHECK_EQ(fe.regs[E1000_MPC / 4], 37);
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64), 63);
	CHECK_EQ(nic.cnt.rx_full, 1);
	CHECK_EQ(nic.cnt.rx_most, 63);
	for (i = 0; i < 10; i++) {                 /* it receives again */
		make_frame(f, sizeof(f), 200 + i);
		CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), 0);
	}
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64), 10);
	CHECK_EQ(nic.cnt.rx_full, 1);
	for (i = 0; i < 73; i++)
		CHECK_EQ(log.first[i], (uint8_t)((i < 63 ? i : 137 + i) * 7));
	for (n = 73; n < E1000_STATS_EVERY; n += 8) { /* up to a stats line */
		for (i = 0; i < 8; i++)
			CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), 0);
		CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64), 8);
	}
	CHECK_EQ(nic.cnt.stats_at, n);
	CHECK_EQ(nic.cnt.mpc, 37);
	CHECK_EQ(nic.cnt.rnbc, 37);
	CHECK_EQ(fe.regs[E1000_MPC / 4], 0);       /* read, so cleared */
	CHECK_EQ(fe.rx_missed, 37);
	CHECK_EQ(nic.cnt.rx_full, 1);
	teardown();
}

static void test_rx_errors_dropped(void)
{
	static struct rx_log log;
	uint8_t f[100];

	CHECK_EQ(setup(0x10d3), 0);
	make_frame(f, sizeof(f), 1);
	fake_e1000_rx(&fe, f, 100, E1000_RXD_STAT_EOP, E1000_RXD_ERR_CE);
	fake_e1000_rx(&fe, f, 100, E1000_RXD_STAT_EOP, E1000_RXD_ERR_RXE);
	fake_e1000_rx(&fe, f, 100, 0, 0);                  /* no EOP ... */
	fake_e1000_rx(&fe, f, 100, 0, 0);                  /* ... still */
	fake_e1000_rx(&fe, f, 100, E1000_RXD_STAT_EOP, 0); /* its tail */
	fake_e1000_rx(&fe, f, 0, E1000_RXD_STAT_EOP, 0);   /* empty */
	f[0] = 0xee;
	fake_e1000_rx(&fe, f, 100, E1000_RXD_STAT_EOP, E1000_RXD_ERR_TCPE);
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64), 1);
	CHECK_EQ(log.n, 1);
	CHECK_EQ(log.len[0], 100);
	CHECK_EQ(log.first[0], 0xee);
	CHECK_EQ(nic.cnt.rx_errors, 2);
	CHECK_EQ(nic.cnt.rx_no_eop, 1);
	CHECK_EQ(nic.cnt.rx_bad_len, 1);
	CHECK_EQ(fe.regs[E1000_RDT / 4], 6); /* all 7 given back */
	teardown();
}

/* End to end: net_stack answers ARP and ping through the driver. */
static uint64_t clk_us = 1000000;
static uint64_t clk_now(void *ctx) { (void)ctx; return clk_us; }

static const uint8_t arp_req[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
};
/* Echo request 10.0.0.2 -> 10.0.0.1 to our MAC 52:54:00:12:34:56, id 7
 * seq 1 "abcd"; sums as in tests/lib/nettest.h: IP 14a7, ICMP 3331. */
static const uint8_t echo_req[46] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x01, 0x14, 0xa7, 10, 0, 0, 2, 10, 0, 0, 1,
	0x08, 0x00, 0x33, 0x31, 0x00, 0x07, 0x00, 0x01, 'a', 'b', 'c', 'd',
};

static void test_stack_arp_ping(void)
{
	static struct net_stack ns;
	struct ll_clock clk = { .now_us = clk_now, .ctx = NULL };
	const uint8_t *r;

	CHECK_EQ(setup(0x10d3), 0);
	net_init(&ns, &nic.nd, &clk);
	ns.ip.addr = 0x0a000001u;
	ns.ip.netmask = 0xffffff00u;
	fake_e1000_rx(&fe, arp_req, sizeof(arp_req), E1000_RXD_STAT_EOP, 0);
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(fe.tx_n, 1);
	r = fe.tx[0].data;
	CHECK_EQ(fe.tx[0].len, 60);
	CHECK(memcmp(r, arp_req + 6, 6) == 0);         /* to the asker */
	CHECK(memcmp(r + 6, nic.nd.mac, 6) == 0);
	CHECK_EQ(r[21], 2);                            /* ARP reply */
	CHECK(memcmp(r + 22, nic.nd.mac, 6) == 0);     /* sender hw = us */
	CHECK_EQ(r[28], 10); CHECK_EQ(r[31], 1);       /* sender ip 10.0.0.1 */

	fake_e1000_rx(&fe, echo_req, sizeof(echo_req), E1000_RXD_STAT_EOP, 0);
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(fe.tx_n, 2);
	r = fe.tx[1].data;
	CHECK_EQ(fe.tx[1].len, 60);
	CHECK(memcmp(r, echo_req + 6, 6) == 0);
	CHECK_EQ(r[23], 1);                            /* ICMP */
	CHECK_EQ(r[34], 0);                            /* echo reply */
	CHECK_EQ(r[35], 0);
	CHECK_EQ(r[36], 0x3b); CHECK_EQ(r[37], 0x31);  /* sum 3b31 */
	CHECK(memcmp(r + 42, "abcd", 4) == 0);
	teardown();
}

/* The stack over the driver: a datagram's payload is copied once, from
 * the caller into the lent buffer the device reads; ns->txbuf never holds
 * it. */
static void test_stack_payload_in_ring(void)
{
	static struct net_stack ns;
	static uint8_t data[1400];
	struct ll_clock clk = { .now_us = clk_now, .ctx = NULL };
	size_t i;

	CHECK_EQ(setup(0x100e), 0);
	net_init(&ns, &nic.nd, &clk);
	ns.ip.addr = 0x0a000001u;
	ns.ip.netmask = 0xffffff00u;
	memset(ns.txbuf, 0xa5, sizeof(ns.txbuf));
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	CHECK_EQ(udp_send(&ns, 68, IPV4_BROADCAST, 67, data, sizeof(data)), 0);
	CHECK_EQ(fe.tx_n, 1);
	CHECK_EQ(fe.tx[0].len, 14 + 20 + 8 + sizeof(data));
	CHECK(memcmp(fe.tx[0].data + 42, data, sizeof(data)) == 0);
	CHECK(fe.tx[0].addr >= (uintptr_t)nic.tx_buf &&
	      fe.tx[0].addr < (uintptr_t)nic.tx_buf + E1000_BUF_SIZE);
	CHECK_EQ(ns.cnt.tx_lent, 1);
	CHECK_EQ(ns.cnt.tx_copied, 0);
	for (i = 0; i < sizeof(ns.txbuf) && ns.txbuf[i] == 0xa5; i++)
		;
	CHECK_EQ(i, sizeof(ns.txbuf));
	teardown();
}

int main(void)
{
	check_suite = "e1000";
	RUN(test_reset_from_dirty);
	RUN(test_reset_timeout);
	RUN(test_init_rejects);
	RUN(test_mac_from_ral);
	RUN(test_mac_from_eeprom);
	RUN(test_link_down_not_fatal);
	RUN(test_halt);
	RUN(test_tx_wrap);
	RUN(test_tx_full);
	RUN(test_tx_lend);
	RUN(test_tx_lend_full);
	RUN(test_rx_wrap_and_budget);
	RUN(test_rx_ring_full);
	RUN(test_rx_slow_poller);
	RUN(test_rx_errors_dropped);
	RUN(test_stack_arp_ping);
	RUN(test_stack_payload_in_ring);
	return CHECK_DONE();
}
