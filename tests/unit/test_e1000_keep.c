/* tests/unit/test_e1000_keep.c - the e1000 driver continuing a device a PXE
 * ROM left running (keep_running): no reset and no RCTL write, frames in
 * the ROM's posted buffers then in ours, TX on the ROM's ring; on QEMU's
 * model RX moved to our larger ring; and each reason to fall back to a
 * full reset. */
#include "tests/lib/check.h"
#include "tests/lib/fake_e1000.h"
#include "drivers/net/e1000.h"
#include "lib/err.h"

#define ROM_N 8

static struct fake_e1000 fe;
static struct e1000 nic;
/* The ROM's rings and buffers, outside the driver's DMA memory. */
static struct e1000_rx_desc rom_rx[ROM_N] __attribute__((aligned(128)));
static struct e1000_tx_desc rom_tx[ROM_N] __attribute__((aligned(128)));
static uint8_t rom_buf[ROM_N][2048];

struct rx_log {
	unsigned n;
	uint8_t tag[64];
	size_t len[64];
	const uint8_t *where[64];
};

static void rx_record(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_log *l = ctx;
	if (l->n < 64) {
		l->tag[l->n] = frame[14];
		l->len[l->n] = len;
		l->where[l->n] = frame;
	}
	l->n++;
}

/* A running device as a ROM leaves it: RX owns [rdh, rdt) with ROM
 * buffers, TX idle at tdt, link up, interrupts enabled. */
static void rom_state(uint32_t rdh, uint32_t rdt, uint32_t tdt)
{
	fake_e1000_init(&fe, 0x100e, E1000_DMA_SIZE);
	fe.resets = 0;
	memset(rom_rx, 0, sizeof(rom_rx));
	memset(rom_tx, 0, sizeof(rom_tx));
	for (unsigned i = 0; i < ROM_N; i++) {
		rom_rx[i].addr = (uintptr_t)rom_buf[i];
		rom_tx[i].status = E1000_TXD_STAT_DD; /* old, reaped by the ROM */
	}
	fe.regs[E1000_CTRL / 4] = E1000_CTRL_SLU;
	fe.regs[E1000_RCTL / 4] = E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC;
	fe.regs[E1000_TCTL / 4] = E1000_TCTL_EN;
	fe.regs[E1000_RDBAL / 4] = (uint32_t)(uintptr_t)rom_rx;
	fe.regs[E1000_RDBAH / 4] = (uint32_t)((uint64_t)(uintptr_t)rom_rx >> 32);
	fe.regs[E1000_TDBAL / 4] = (uint32_t)(uintptr_t)rom_tx;
	fe.regs[E1000_TDBAH / 4] = (uint32_t)((uint64_t)(uintptr_t)rom_tx >> 32);
	fe.regs[E1000_RDLEN / 4] = sizeof(rom_rx);
	fe.regs[E1000_TDLEN / 4] = sizeof(rom_tx);
	fe.regs[E1000_RDH / 4] = rdh;
	fe.regs[E1000_RDT / 4] = rdt;
	fe.regs[E1000_TDH / 4] = tdt;
	fe.regs[E1000_TDT / 4] = tdt;
	fe.rctl_writes = 0;
}

static int open_keep(void)
{
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	nic.keep_running = 1;
	return nic.nd.ops->open(&nic.nd);
}

static void frame(uint8_t *f, uint8_t tag)
{
	memset(f, 0, 64);
	memset(f, 0xff, 6);
	f[12] = 0x08;
	f[14] = tag;
}

static void test_keep_rx_rom_then_ours(void)
{
	struct rx_log log;
	uint8_t f[64];

	rom_state(2, 6, 3);                 /* device holds 2..5 */
	CHECK_EQ(open_keep(), 0);
	CHECK_EQ(nic.kept, 1);
	CHECK_EQ(nic.cnt.adopt_rc, 0);
	CHECK_EQ(fe.resets, 0);
	CHECK_EQ(fe.rctl_writes, 0);
	CHECK_EQ(fe.regs[E1000_IMS / 4], 0);       /* interrupts masked */
	CHECK_EQ(fe.regs[E1000_RDT / 4], 1);       /* all but one posted */
	CHECK(rom_rx[6].addr != (uintptr_t)rom_buf[6]); /* ours now */
	CHECK_EQ(rom_rx[2].addr, (uintptr_t)rom_buf[2]); /* device's: kept */
	CHECK(memcmp(nic.nd.mac, "\x52\x54\x00\x12\x34\x56", 6) == 0);
	memset(&log, 0, sizeof(log));
	for (unsigned i = 0; i < 20; i++) {
		frame(f, (uint8_t)i);
		CHECK_EQ(fake_e1000_rx(&fe, f, 60, E1000_RXD_STAT_EOP, 0), 0);
		if (i % 3 == 2)
			CHECK(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64) > 0);
	}
	while (nic.nd.ops->poll(&nic.nd, rx_record, &log, 64) > 0)
		;
	CHECK_EQ(log.n, 20);
	for (unsigned i = 0; i < 20 && i < log.n; i++) {
		CHECK_EQ(log.tag[i], i);
		CHECK_EQ(log.len[i], 60);
	}
	CHECK(log.where[0] == rom_buf[2]);         /* the ROM's buffers first */
	CHECK(log.where[3] == rom_buf[5]);
	CHECK(log.where[4] != rom_buf[6]);         /* then ours */
	CHECK_EQ(fe.rx_missed, 0);
	CHECK_EQ(fe.rctl_writes, 0);
	for (unsigned i = 0; i < ROM_N; i++)   /* every slot re-armed with ours */
		CHECK(rom_rx[i].addr >= (uintptr_t)fe.dma &&
		      rom_rx[i].addr < (uintptr_t)fe.dma + E1000_DMA_SIZE);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

/* The ROM stopped polling while frames kept coming (a boot storm's
 * broadcasts): its ring is full, RDH == RDT, every slot done with a stale
 * frame. The device owns none: all slots get our buffers, no stale frame
 * is handed up, and the frames after the takeover arrive in order (with
 * the slots misread as the device's, the driver waited at a slot the
 * device had already passed and reception stopped for good). */
static void test_keep_rx_ring_full(void)
{
	struct rx_log log;
	uint8_t f[64];

	rom_state(3, 3, 0);
	for (unsigned i = 0; i < ROM_N; i++) {
		rom_rx[i].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
		rom_rx[i].length = 60;
		rom_buf[i][14] = 0xee;
	}
	CHECK_EQ(open_keep(), 0);
	CHECK_EQ(nic.kept, 1);
	CHECK_EQ(fe.regs[E1000_RDT / 4], 2);       /* all but one posted */
	for (unsigned i = 0; i < ROM_N; i++) {
		CHECK(rom_rx[i].addr >= (uintptr_t)fe.dma &&
		      rom_rx[i].addr < (uintptr_t)fe.dma + E1000_DMA_SIZE);
		CHECK_EQ(rom_rx[i].status, 0);
	}
	memset(&log, 0, sizeof(log));
	for (unsigned i = 0; i < 3 * ROM_N; i++) {
		frame(f, (uint8_t)i);
		CHECK_EQ(fake_e1000_rx(&fe, f, 60, E1000_RXD_STAT_EOP, 0), 0);
		if (i % 2 == 1)
			nic.nd.ops->poll(&nic.nd, rx_record, &log, 64);
	}
	while (nic.nd.ops->poll(&nic.nd, rx_record, &log, 64) > 0)
		;
	CHECK_EQ(log.n, 3 * ROM_N);
	for (unsigned i = 0; i < 3 * ROM_N && i < log.n; i++)
		CHECK_EQ(log.tag[i], i);
	CHECK_EQ(fe.rx_missed, 0);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

static void test_keep_tx_on_rom_ring(void)
{
	uint8_t f[64];

	rom_state(0, 0, 5);
	CHECK_EQ(open_keep(), 0);
	for (unsigned i = 0; i < 12; i++) {
		frame(f, (uint8_t)(0x40 + i));
		CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, 64), 0);
	}
	CHECK_EQ(fe.tx_n, 12);
	for (unsigned i = 0; i < 12 && i < fe.tx_n; i++) {
		CHECK_EQ(fe.tx[i].len, 64);
		CHECK_EQ(fe.tx[i].data[14], 0x40 + i);
	}
	CHECK_EQ(fe.regs[E1000_TDT / 4], (5 + 12) % ROM_N);
	for (unsigned i = 0; i < ROM_N; i++)   /* every slot sent from ours */
		CHECK(rom_tx[i].addr >= (uintptr_t)fe.dma &&
		      rom_tx[i].addr < (uintptr_t)fe.dma + E1000_DMA_SIZE);
	/* a full ring (7 of 8 in flight) says so */
	fe.tx_hold = 1;
	unsigned sent = 0;
	while (sent < 20 && nic.nd.ops->transmit(&nic.nd, f, 64) == 0)
		sent++;
	CHECK_EQ(sent, ROM_N - 1);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

/* Each state that is not safe to continue: a full reset instead. */
static void test_keep_falls_back(void)
{
	static const struct {
		const char *what;
		int rc;
	} cases[] = {
		{ "receive off", LL_ENODEV }, { "1024-byte buffers", LL_ENOTSUP },
		{ "ring of 128", LL_ERANGE }, { "head outside ring", LL_ERANGE },
		{ "TX never drains", LL_EBUSY },
	};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		rom_state(2, 6, 3);
		switch (c) {
		case 0: fe.regs[E1000_RCTL / 4] = 0; break;
		case 1: fe.regs[E1000_RCTL / 4] |= 1u << 16; break;
		case 2: fe.regs[E1000_RDLEN / 4] = 16 * 128; break;
		case 3: fe.regs[E1000_RDH / 4] = ROM_N; break;
		case 4: fe.regs[E1000_TDT / 4] = 4; fe.tx_hold = 1; break;
		}
		CHECK_EQ(open_keep(), 0);
		if (nic.cnt.adopt_rc != cases[c].rc)
			printf("  case %s: adopt_rc %d\n", cases[c].what,
			       nic.cnt.adopt_rc);
		CHECK_EQ(nic.cnt.adopt_rc, cases[c].rc);
		CHECK_EQ(nic.kept, 0);
		CHECK_EQ(fe.resets, 1);
		CHECK((uintptr_t)nic.rx_ring >= (uintptr_t)fe.dma &&
		      (uintptr_t)nic.rx_ring < (uintptr_t)fe.dma + E1000_DMA_SIZE);
		CHECK_EQ(nic.rx_n, E1000_RX_N);
		fe.tx_hold = 0;
		nic.nd.ops->close(&nic.nd);
		fake_e1000_free(&fe);
	}
}

/* QEMU's model (subsystem 1af4:1100): kept, but receiving into our own
 * 64-descriptor ring, still without an RCTL write; TCP's window is capped
 * at what that ring holds. */
static void test_keep_moves_ring_on_qemu(void)
{
	struct rx_log log;
	uint8_t f[64];
	unsigned i;

	rom_state(2, 6, 3);
	fe.cfg[PCI_CFG_SUBSYS / 4] = 0x11001af4u;
	CHECK_EQ(open_keep(), 0);
	CHECK_EQ(nic.kept, 1);
	CHECK_EQ(nic.cnt.rx_moved, 1);
	CHECK_EQ(fe.resets, 0);
	CHECK_EQ(fe.rctl_writes, 0);
	CHECK_EQ(nic.rx_n, E1000_RX_N);
	CHECK_EQ(fe.regs[E1000_RDLEN / 4], 16 * E1000_RX_N);
	CHECK_EQ(fe.regs[E1000_RDH / 4], 0);
	CHECK_EQ(fe.regs[E1000_RDT / 4], E1000_RX_N - 1);
	CHECK_EQ(nic.nd.rx_hold, (E1000_RX_N - 1) * 1460);
	memset(&log, 0, sizeof(log));
	for (i = 0; i < E1000_RX_N; i++) {       /* 63 fit, the 64th is missed */
		frame(f, (uint8_t)i);
		CHECK_EQ(fake_e1000_rx(&fe, f, 60, E1000_RXD_STAT_EOP, 0),
			 i < E1000_RX_N - 1 ? 0 : -1);
	}
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 64), E1000_RX_N - 1);
	for (i = 0; i < E1000_RX_N - 1; i++)
		CHECK(log.where[i] >= fe.dma && log.where[i] < fe.dma + E1000_DMA_SIZE);
	CHECK_EQ(log.tag[62], 62);
	frame(f, 0x77);                           /* TX moved to ours too */
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, 64), 0);
	CHECK_EQ(fe.tx_n, 1);
	CHECK(nic.tx_ring == nic.own_tx);
	CHECK_EQ(fe.regs[E1000_TDLEN / 4], 16 * E1000_TX_N);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

/* A dead OS's device (NETDEV_KEEP_MOVABLE): on QEMU's model continued
 * with both rings ours and not one byte of the old owner's rings written
 * (they are in the memory being dumped); frames flow both ways. */
static void test_movable_on_qemu(void)
{
	struct e1000_rx_desc rx0[ROM_N];
	struct e1000_tx_desc tx0[ROM_N];
	struct rx_log log;
	uint8_t f[64];

	rom_state(5, 3, 7);
	fe.cfg[PCI_CFG_SUBSYS / 4] = 0x11001af4u;
	memcpy(rx0, rom_rx, sizeof(rx0));
	memcpy(tx0, rom_tx, sizeof(tx0));
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	nic.keep_running = NETDEV_KEEP_MOVABLE;
	CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
	CHECK_EQ(nic.kept, 1);
	CHECK_EQ(fe.resets, 0);
	CHECK_EQ(fe.rctl_writes, 0);
	CHECK(nic.rx_ring == nic.own_rx && nic.tx_ring == nic.own_tx);
	frame(f, 0x21);
	CHECK_EQ(fake_e1000_rx(&fe, f, 60, E1000_RXD_STAT_EOP, 0), 0);
	memset(&log, 0, sizeof(log));
	CHECK_EQ(nic.nd.ops->poll(&nic.nd, rx_record, &log, 8), 1);
	CHECK_EQ(log.tag[0], 0x21);
	frame(f, 0x22);
	CHECK_EQ(nic.nd.ops->transmit(&nic.nd, f, 64), 0);
	CHECK_EQ(fe.tx_n, 1);
	CHECK_EQ(fe.tx[0].data[14], 0x22);
	CHECK(memcmp(rx0, rom_rx, sizeof(rx0)) == 0);
	CHECK(memcmp(tx0, rom_tx, sizeof(tx0)) == 0);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

/* ... and on any other 8254x reset, as before: a crashed OS's device
 * state is not trusted where its rings would have to be continued. */
static void test_movable_elsewhere_resets(void)
{
	rom_state(5, 3, 7);
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	nic.keep_running = NETDEV_KEEP_MOVABLE;
	CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
	CHECK_EQ(nic.kept, 0);
	CHECK_EQ(nic.cnt.adopt_rc, LL_ENOTSUP);
	CHECK_EQ(fe.resets, 1);
	CHECK(fe.rctl_writes > 0);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

/* Without keep_running a running device is reset as before. */
static void test_no_keep_resets(void)
{
	rom_state(2, 6, 3);
	CHECK_EQ(e1000_init(&nic, &fe.pci), 0);
	CHECK_EQ(nic.nd.ops->open(&nic.nd), 0);
	CHECK_EQ(nic.kept, 0);
	CHECK_EQ(fe.resets, 1);
	CHECK(fe.rctl_writes > 0);
	nic.nd.ops->close(&nic.nd);
	fake_e1000_free(&fe);
}

int main(void)
{
	check_suite = "e1000_keep";
	RUN(test_keep_rx_rom_then_ours);
	RUN(test_keep_rx_ring_full);
	RUN(test_keep_tx_on_rom_ring);
	RUN(test_keep_moves_ring_on_qemu);
	RUN(test_movable_on_qemu);
	RUN(test_movable_elsewhere_resets);
	RUN(test_keep_falls_back);
	RUN(test_no_keep_resets);
	return CHECK_DONE();
}
