/* tests/unit/test_fault.c - the fault-injecting netdev: zero rates pass
 * every frame untouched and in order; set rates are roughly honoured over
 * 10000 frames with a fixed seed, in both directions. */
#include "tests/lib/check.h"
#include "tests/lib/fakenet.h"
#include "drivers/net/fault.h"
#include "lib/err.h"

#define NFRAMES 10000
#define FLEN 64

/* Frame i: 4-byte sequence number, filler derived from it, and the IPv4
 * ethertype at 12 (only IPv4 frames may be corrupted). */
static void make_frame(uint8_t *f, uint32_t i)
{
	memcpy(f, &i, 4);
	for (int k = 4; k < FLEN; k++)
		f[k] = (uint8_t)(i * 7 + k);
	f[12] = 0x08;
	f[13] = 0x00;
}

/* Seen at the far side: how frames arrived. */
struct tally {
	uint32_t frames, intact, corrupt, dups, out_of_order;
	uint32_t last_seq;
	int have_last;
	uint8_t seen[NFRAMES];
};

static void tally_frame(struct tally *t, const uint8_t *f, size_t len)
{
	uint8_t want[FLEN];
	uint32_t seq;

	t->frames++;
	memcpy(&seq, f, 4);
	if (len != FLEN || seq >= NFRAMES) {
		t->corrupt++;
		return;
	}
	make_frame(want, seq);
	if (memcmp(want, f, FLEN) != 0) {
		t->corrupt++;
		return;
	}
	t->intact++;
	if (t->seen[seq]++)
		t->dups++;
	else if (t->have_last && seq < t->last_seq)
		t->out_of_order++;
	if (!t->have_last || seq > t->last_seq)
		t->last_seq = seq;
	t->have_last = 1;
}

static struct fakenet fake;
static struct tally tally;

static void rx_cb(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	tally_frame(&tally, frame, len);
}

static void drain_tx(void)
{
	for (unsigned i = 0; i < fake.tx_n; i++)
		tally_frame(&tally, fake.tx[i].data, fake.tx[i].len);
	fake_tx_clear(&fake);
}

/* Push NFRAMES through the transmit side and tally what reached fake. */
static void run_tx(struct netdev *nd)
{
	uint8_t f[FLEN];
	for (uint32_t i = 0; i < NFRAMES; i++) {
		make_frame(f, i);
		CHECK_EQ(nd->ops->transmit(nd, f, FLEN), 0);
		if (fake.tx_n > FAKE_MAX_FRAMES - 4)
			drain_tx();
	}
	for (int i = 0; i < FAULT_HOLD_POLLS; i++)
		nd->ops->poll(nd, rx_cb, NULL, 16);
	drain_tx();
}

/* Push NFRAMES through the receive side in batches, a few per poll. */
static void run_rx(struct netdev *nd)
{
	uint8_t f[FLEN];
	for (uint32_t i = 0; i < NFRAMES; i++) {
		make_frame(f, i);
		CHECK_EQ(fake_inject(&fake, f, FLEN), 0);
		if (i % 5 == 4)
			nd->ops->poll(nd, rx_cb, NULL, 64);
	}
	for (int i = 0; i < FAULT_HOLD_POLLS + 1; i++)
		nd->ops->poll(nd, rx_cb, NULL, 64);
}

static void setup(struct netdev *nd, struct fault_dev *f, const struct fault_cfg *cfg)
{
	fake_init(&fake);
	memset(&tally, 0, sizeof(tally));
	CHECK_EQ(fault_netdev_create(nd, f, &fake.nd, cfg), 0);
	CHECK_EQ(nd->ops->open(nd), 0);
	CHECK(memcmp(nd->mac, fake.nd.mac, 6) == 0);
	CHECK_EQ(nd->mtu, 1500);
}

static struct fault_dev fdev;

static void test_zero_rates_pass_untouched(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 42 };

	setup(&nd, &fdev, &cfg);
	run_tx(&nd);
	CHECK_EQ(tally.frames, NFRAMES);
	CHECK_EQ(tally.intact, NFRAMES);
	CHECK_EQ(tally.dups + tally.out_of_order + tally.corrupt, 0);
	CHECK_EQ(fdev.tx_cnt.frames, NFRAMES);

	setup(&nd, &fdev, &cfg);
	run_rx(&nd);
	CHECK_EQ(tally.frames, NFRAMES);
	CHECK_EQ(tally.intact, NFRAMES);
	CHECK_EQ(tally.dups + tally.out_of_order + tally.corrupt, 0);
	CHECK_EQ(fdev.rx_cnt.dropped + fdev.rx_cnt.duplicated +
		 fdev.rx_cnt.reordered + fdev.rx_cnt.corrupted, 0);
}

/* 50 per mille of 10000 is 500 expected; accept 350..650 (> 6 sigma). */
#define NEAR_500(x) CHECK((x) >= 350 && (x) <= 650)

static void check_rates(const struct fault_counts *c)
{
	CHECK_EQ(c->frames, NFRAMES);
	NEAR_500(c->dropped);
	NEAR_500(c->duplicated);
	NEAR_500(c->reordered);
	NEAR_500(c->corrupted);
	/* what the far side saw agrees with the counters */
	CHECK_EQ(tally.frames, NFRAMES - c->dropped + c->duplicated);
	CHECK_EQ(tally.corrupt, tally.frames - tally.intact);
	NEAR_500(tally.corrupt);
	NEAR_500(tally.dups);
	NEAR_500(tally.out_of_order);
	CHECK(tally.out_of_order <= c->reordered);
}

static void test_tx_rates(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 7, .tx = { 50, 50, 50, 50 } };

	setup(&nd, &fdev, &cfg);
	run_tx(&nd);
	check_rates(&fdev.tx_cnt);
	CHECK_EQ(fdev.rx_cnt.frames, 0);
}

static void test_rx_rates(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 7, .rx = { 50, 50, 50, 50 } };

	setup(&nd, &fdev, &cfg);
	run_rx(&nd);
	check_rates(&fdev.rx_cnt);
	CHECK_EQ(fdev.tx_cnt.frames, 0);
}

static void test_same_seed_same_faults(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 99, .rx = { 100, 0, 0, 0 } };
	struct fault_counts first;

	setup(&nd, &fdev, &cfg);
	run_rx(&nd);
	first = fdev.rx_cnt;
	setup(&nd, &fdev, &cfg);
	run_rx(&nd);
	CHECK_EQ(fdev.rx_cnt.dropped, first.dropped);
	CHECK(first.dropped >= 800 && first.dropped <= 1200);
}

static void test_reorder_swaps_neighbours(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 3, .tx = { 0, 0, 1000, 0 } };
	uint8_t f[FLEN];
	uint32_t seq;

	setup(&nd, &fdev, &cfg);
	for (uint32_t i = 0; i < 4; i++) {
		make_frame(f, i);
		CHECK_EQ(nd.ops->transmit(&nd, f, FLEN), 0);
	}
	/* 0 held, 1 sent then 0 released; 2 held, 3 sent then 2 */
	CHECK_EQ(fake.tx_n, 4);
	for (unsigned i = 0; i < 4 && i < fake.tx_n; i++) {
		memcpy(&seq, fake.tx[i].data, 4);
		CHECK_EQ(seq, i ^ 1);
	}
	/* a held frame with no successor leaves after FAULT_HOLD_POLLS */
	make_frame(f, 4);
	CHECK_EQ(nd.ops->transmit(&nd, f, FLEN), 0);
	CHECK_EQ(fake.tx_n, 4);
	for (int i = 0; i < FAULT_HOLD_POLLS; i++)
		nd.ops->poll(&nd, rx_cb, NULL, 16);
	CHECK_EQ(fake.tx_n, 5);
}

/* ARP has no checksum: even at rate 1000 an ARP frame passes intact, while
 * every IPv4 frame is altered. */
static void test_corrupt_spares_arp(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .seed = 5, .tx = { 0, 0, 0, 1000 } };
	uint8_t arp[FLEN], ip[FLEN];

	setup(&nd, &fdev, &cfg);
	make_frame(arp, 1);
	arp[13] = 0x06;
	make_frame(ip, 2);
	CHECK_EQ(nd.ops->transmit(&nd, arp, FLEN), 0);
	CHECK_EQ(nd.ops->transmit(&nd, ip, FLEN), 0);
	CHECK_EQ(fake.tx_n, 2);
	CHECK(memcmp(fake.tx[0].data, arp, FLEN) == 0);
	CHECK(memcmp(fake.tx[1].data, ip, FLEN) != 0);
	CHECK_EQ(fdev.tx_cnt.corrupted, 1);
}

static void test_bad_rates_rejected(void)
{
	struct netdev nd;
	struct fault_cfg cfg = { .rx = { 1001, 0, 0, 0 } };

	fake_init(&fake);
	CHECK_EQ(fault_netdev_create(&nd, &fdev, &fake.nd, &cfg), LL_EINVAL);
	CHECK_EQ(fault_netdev_create(&nd, &fdev, NULL, &cfg), LL_EINVAL);
}

int main(void)
{
	check_suite = "fault";
	RUN(test_zero_rates_pass_untouched);
	RUN(test_tx_rates);
	RUN(test_rx_rates);
	RUN(test_same_seed_same_faults);
	RUN(test_reorder_swaps_neighbours);
	RUN(test_corrupt_spares_arp);
	RUN(test_bad_rates_rejected);
	return CHECK_DONE();
}
