/* tests/unit/test_virtio_net.c - the virtio-net driver against the device
 * model in fake_virtio.h: reset from a dirty state on the modern and the
 * legacy transport, feature negotiation, MSI-X and the legacy config
 * offset, TX with wrap and a full queue, RX with wrap, bad entries and
 * budget; and net_stack answering ARP and ping through it. */
#include "tests/lib/check.h"
#include "tests/lib/fake_virtio.h"
#include "drivers/net/virtio_net.h"
#include "net/net.h"
#include "lib/err.h"

static struct fake_virtio fv;
static struct virtio_net vn;
static const uint8_t dev_mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

struct rx_log {
	unsigned n;
	size_t last_len;
	uint8_t first[512];
	uint8_t data[2048];
};

static void rx_record(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_log *l = ctx;
	if (l->n < 512)
		l->first[l->n] = frame[0];
	memcpy(l->data, frame, len);
	l->last_len = len;
	l->n++;
}

static int setup(uint16_t device, int modern, uint16_t qmax, unsigned flags)
{
	fake_virtio_init(&fv, device, modern, qmax, VIRTIO_NET_DMA_SIZE);
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, flags), 0);
	return vn.nd.ops->open(&vn.nd);
}

static void teardown(void)
{
	vn.nd.ops->close(&vn.nd);
	CHECK_EQ(fv.status, 0);
	CHECK_EQ(fv.cfg[4] & PCI_CMD_MASTER, 0);
	fake_virtio_free(&fv);
}

static int in_dma(uint64_t a, size_t len)
{
	return a >= (uintptr_t)fv.dma && a + len <= (uintptr_t)fv.dma + VIRTIO_NET_DMA_SIZE;
}

static void test_modern_reset_from_dirty(void)
{
	int i;

	fv.reset_reads = 0;
	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	CHECK_EQ(vn.modern, 1);
	CHECK_EQ(fv.resets, 2);
	CHECK_EQ(fv.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(fv.drv_features, (1ull << 32) | (1u << 5)); /* VERSION_1, MAC */
	CHECK_EQ(vn.hdr_len, 12);
	CHECK_EQ(fv.cfg[0x43] & 0x80, 0);                     /* MSI-X off */
	CHECK_EQ(fv.cfg[4] | fv.cfg[5] << 8, 0x0407);         /* INTx off */
	CHECK_EQ(fv.isr, 0);
	CHECK_EQ(fv.early_notify, 0);
	CHECK_EQ(fv.q[0].size, 64);
	CHECK_EQ(fv.q[1].size, VNET_BUFS);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(fv.q[i].enable, 1);
		CHECK(in_dma(fv.q[i].desc, fv.q[i].size * 16));
		CHECK_EQ(fv.q[i].desc % 4096, 0);
		CHECK(in_dma(fv.q[i].dev, 6 + 8 * fv.q[i].size));
	}
	CHECK_EQ(fv.q[0].desc, (uintptr_t)vn.rxq.desc);
	CHECK_EQ(fv.q[0].drv, (uintptr_t)vn.rxq.avail);
	CHECK_EQ(fv.q[1].dev, (uintptr_t)vn.txq.used);
	CHECK_EQ(vn.rxq.avail->idx, 64);                      /* all posted */
	CHECK_EQ(vn.rxq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(vn.txq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(fv.q[0].notifies, 1);
	CHECK(memcmp(vn.nd.mac, dev_mac, 6) == 0);
	teardown();
}

/* Legacy: device-chosen queue size, PFN, 10-byte header, MAC at 0x14. */
static void test_legacy_reset_from_dirty(void)
{
	CHECK_EQ(setup(0x1000, 0, 256, 0), 0);
	CHECK_EQ(vn.modern, 0);
	CHECK_EQ(fv.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		 VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(fv.drv_features, 1u << 5);                   /* MAC only */
	CHECK_EQ(vn.hdr_len, 10);
	CHECK_EQ(vn.msix_on, 0);
	CHECK_EQ(fv.cfg[4] | fv.cfg[5] << 8, 0x0407); /* IO, master, INTx off; MEM as found */
	CHECK_EQ(vn.rxq.size, 256);
	CHECK_EQ(vn.rxq.nbuf, 64);
	CHECK_EQ(fv.q[0].desc, (uintptr_t)vn.rxq.desc);
	CHECK_EQ(fv.q[0].dev, (uintptr_t)vn.rxq.used);       /* same layout */
	CHECK_EQ(fv.q[1].dev, (uintptr_t)vn.txq.used);
	CHECK_EQ(fv.q[1].dev - fv.q[1].desc, 8192);           /* 4096-aligned used */
	CHECK(memcmp(vn.nd.mac, dev_mac, 6) == 0);
	teardown();
}

/* MSI-X stays on: legacy device config moves to 0x18. */
static void test_legacy_msix_stuck(void)
{
	fake_virtio_init(&fv, 0x1000, 0, 128, VIRTIO_NET_DMA_SIZE);
	fv.msix_locked = 1;
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, 0), 0);
	CHECK_EQ(vn.nd.ops->open(&vn.nd), 0);
	CHECK_EQ(vn.msix_on, 1);
	CHECK_EQ(vn.cnt.msix_stuck, 1);
	CHECK(memcmp(vn.nd.mac, dev_mac, 6) == 0);
	teardown();
}

static void test_transitional_choice(void)
{
	CHECK_EQ(setup(0x1000, 1, 256, 0), 0);
	CHECK_EQ(vn.modern, 1);
	teardown();
	CHECK_EQ(setup(0x1000, 1, 256, VIRTIO_NET_FORCE_LEGACY), 0);
	CHECK_EQ(vn.modern, 0);
	CHECK_EQ(vn.hdr_len, 10);
	teardown();
	/* Modern-only ID without capabilities: nothing to drive. */
	fake_virtio_init(&fv, 0x1041, 0, 256, VIRTIO_NET_DMA_SIZE);
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, 0), LL_ENODEV);
	fv.pci.device = 0x1234;
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, 0), LL_ENODEV);
	fv.pci.device = 0x1000;
	fv.pci.dma_size = 8192;
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, 0), LL_ENOMEM);
	fake_virtio_free(&fv);
}

static void test_open_failures(void)
{
	fake_virtio_init(&fv, 0x1041, 1, 256, VIRTIO_NET_DMA_SIZE);
	CHECK_EQ(virtio_net_init(&vn, &fv.pci, 0), 0);
	fv.reset_reads = 1000;                     /* never reads 0 */
	CHECK_EQ(vn.nd.ops->open(&vn.nd), LL_ETIMEDOUT);
	fv.reset_reads = 5;                        /* slow but fine */
	CHECK_EQ(vn.nd.ops->open(&vn.nd), 0);
	vn.nd.ops->close(&vn.nd);
	fv.refuse_features_ok = 1;
	CHECK_EQ(vn.nd.ops->open(&vn.nd), LL_ENOTSUP);
	CHECK_EQ(fv.status, VIRTIO_STATUS_FAILED);
	fv.refuse_features_ok = 0;
	fv.dev_features &= ~(1ull << 32);          /* no VERSION_1 */
	CHECK_EQ(vn.nd.ops->open(&vn.nd), LL_ENOTSUP);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, dev_mac, 6), LL_ENETDOWN);
	fake_virtio_free(&fv);
	/* Legacy queue bigger than VNET_QMAX, and a missing queue. */
	CHECK_EQ(setup(0x1000, 0, 2048, 0), LL_ENOTSUP);
	fake_virtio_free(&fv);
	CHECK_EQ(setup(0x1000, 0, 0, 0), LL_ENODEV);
	fake_virtio_free(&fv);
}

static void make_frame(uint8_t *f, size_t len, unsigned seq)
{
	size_t i;
	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

static struct rx_log nolog;

/* Frames sent so far go out at the latest on the next poll. */
static void flush(void)
{
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &nolog, 0), 0);
}

static void tx_many(int modern)
{
	uint8_t f[1514];
	unsigned i;

	CHECK_EQ(setup(modern ? 0x1041 : 0x1000, modern, 256, 0), 0);
	for (i = 0; i < 300; i++) {
		size_t len = 60 + (i * 97) % 1455;
		make_frame(f, len, i);
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, len), 0);
		flush();
		CHECK_EQ(fv.tx_n, i + 1);
		CHECK_EQ(fv.tx[i % FV_MAX_FRAMES].len, len);
		CHECK(memcmp(fv.tx[i % FV_MAX_FRAMES].data, f, len) == 0);
	}
	CHECK_EQ(fv.hdr_nonzero, 0);
	CHECK_EQ(vn.txq.avail->idx, 300);
	CHECK_EQ(vn.nd.tx_frames, 300);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, 1519), LL_EMSGSIZE);
	teardown();
}

static void test_tx_wrap_modern(void) { tx_many(1); }
static void test_tx_wrap_legacy(void) { tx_many(0); }

/* A burst rings the doorbell once: at the next poll, or on the frame that
 * fills the ring; a poll with nothing new rings nothing. */
static void tx_burst(int modern)
{
	unsigned n, bursts[4], i, j, sent = 0;
	uint8_t f[200];

	CHECK_EQ(setup(modern ? 0x1041 : 0x1000, modern, 256, 0), 0);
	n = vn.txq.nbuf;
	bursts[0] = 1; bursts[1] = 5; bursts[2] = n - 1; bursts[3] = n;
	for (j = 0; j < 4; j++) {
		unsigned burst = bursts[j], before = fv.q[1].notifies;
		for (i = 0; i < burst; i++, sent++) {
			make_frame(f, sizeof(f), sent);
			CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
		}
		CHECK_EQ(fv.q[1].notifies - before, burst == n);
		CHECK_EQ(fv.tx_n, burst == n ? sent : sent - burst);
		flush();
		CHECK_EQ(fv.q[1].notifies - before, 1);
		CHECK_EQ(fv.tx_n, sent);
		CHECK_EQ(fv.tx[(sent - 1) % FV_MAX_FRAMES].data[0], (uint8_t)((sent - 1) * 7));
		flush();                    /* nothing new: no doorbell */
		CHECK_EQ(fv.q[1].notifies - before, 1);
	}
	CHECK_EQ(sent, 2 * n + 5);
	teardown();
}

static void test_tx_burst_modern(void) { tx_burst(1); }
static void test_tx_burst_legacy(void) { tx_burst(0); }

/* Frames built in lent buffers at an offset: the header is zeroed right
 * in front of each (whatever the buffer held), one descriptor points at
 * it, and the burst still rings one doorbell, at the next poll. */
static void tx_lend(int modern)
{
	unsigned i, before;
	uint8_t *buf, want[300];
	size_t room, hl;

	CHECK_EQ(setup(modern ? 0x1041 : 0x1000, modern, 256, 0), 0);
	hl = vn.hdr_len;
	before = fv.q[1].notifies;
	for (i = 0; i < 5; i++) {
		CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
		CHECK(buf >= vn.txq.buf + hl &&
		      buf < vn.txq.buf + (size_t)vn.txq.nbuf * VNET_BUF_SIZE);
		CHECK_EQ((size_t)(buf - vn.txq.buf) % VNET_BUF_SIZE, hl);
		CHECK(room >= NETDEV_TX_SLOT_MIN);
		memset(buf - hl, 0xff, VNET_BUF_SIZE);
		make_frame(buf + 40 + i, 300, i);
		CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf + 40 + i, 300), 0);
		CHECK_EQ(vn.txq.desc[vn.txq.avail->ring[i]].addr,
			 (uintptr_t)(buf + 40 + i - hl));
	}
	CHECK_EQ(fv.q[1].notifies, before);
	CHECK_EQ(fv.tx_n, 0);
	flush();
	CHECK_EQ(fv.q[1].notifies, before + 1);
	CHECK_EQ(fv.tx_n, 5);
	for (i = 0; i < 5; i++) {
		make_frame(want, sizeof(want), i);
		CHECK_EQ(fv.tx[i].len, 300);
		CHECK(memcmp(fv.tx[i].data, want, sizeof(want)) == 0);
	}
	CHECK_EQ(fv.hdr_nonzero, 0);
	CHECK_EQ(vn.nd.tx_frames, 5);
	/* the header must fit in front; inside the buffer; a loan needed */
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
	CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf - 1, 60), LL_EINVAL);
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
	CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf + room - 59, 60), LL_EINVAL);
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
	flush();
	CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf, 60), LL_EINVAL);
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
	CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf, 1519), LL_EMSGSIZE);
	CHECK_EQ(vn.cnt.tx_oversize, 1);
	CHECK_EQ(fv.tx_n, 5);
	teardown();
}

static void test_tx_lend_modern(void) { tx_lend(1); }
static void test_tx_lend_legacy(void) { tx_lend(0); }

/* A held ring refuses a loan with LL_EAGAIN after the bounded wait; every
 * committed frame arrives, in order, once the device works again. */
static void test_tx_lend_full(void)
{
	const unsigned n = VNET_BUFS;
	uint8_t *buf, want[100];
	size_t room;
	unsigned i;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	fv.tx_hold = 1;
	for (i = 0; i < n; i++) {
		CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
		make_frame(buf, 100, i);
		CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf, 100), 0);
	}
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), LL_EAGAIN);
	CHECK_EQ(vn.cnt.tx_full, 1);
	CHECK_EQ(fv.tx_n, 0);
	fv.tx_hold = 0;
	fv_consume_tx(&fv);
	CHECK_EQ(fv.tx_n, n);
	for (i = 0; i < n; i++) {
		make_frame(want, sizeof(want), i);
		CHECK(memcmp(fv.tx[i].data, want, sizeof(want)) == 0);
	}
	CHECK_EQ(vn.nd.ops->tx_slot(&vn.nd, &buf, &room), 0);
	make_frame(buf, 100, n);
	CHECK_EQ(vn.nd.ops->tx_commit(&vn.nd, buf, 100), 0);
	flush();
	CHECK_EQ(fv.tx_n, n + 1);
	CHECK_EQ(fv.tx[n % FV_MAX_FRAMES].data[0], (uint8_t)(n * 7));
	teardown();
}

static void send_n(unsigned n, unsigned *seq)
{
	uint8_t f[100];

	while (n--) {
		make_frame(f, sizeof(f), (*seq)++);
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	}
}

/* A device that says VIRTQ_USED_F_NO_NOTIFY while it works gets no
 * doorbells, and still sees every frame once it looks again. */
static void test_tx_no_notify(void)
{
	unsigned seq = 0;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	fv.tx_bh = 1;
	send_n(5, &seq);
	flush();
	CHECK_EQ(fv.q[1].notifies, 1);
	CHECK_EQ(fv.q[1].notified_idx, 5);
	send_n(7, &seq);
	flush();
	CHECK_EQ(fv.q[1].notifies, 1);          /* the flag is up */
	CHECK_EQ(fv.tx_n, 0);
	fake_virtio_tx_bh(&fv);
	CHECK_EQ(fv.tx_n, 12);
	CHECK_EQ(fv.tx[11].data[0], (uint8_t)(11 * 7));
	send_n(1, &seq);
	flush();                                /* flag down again: rung */
	CHECK_EQ(fv.q[1].notifies, 2);
	CHECK_EQ(fv.q[1].notified_idx, 13);
	fake_virtio_tx_bh(&fv);
	CHECK_EQ(fv.tx_n, 13);
	flush();                                /* reaps */
	CHECK_EQ(vn.tx_nfree, VNET_BUFS);
	fv.tx_bh = 0;
	teardown();
}

/* Without any poll, a full ring has had its doorbell: a device that works
 * only when rung drains it and transmit goes on. */
static void test_tx_full_progress(void)
{
	const unsigned n = VNET_BUFS;
	uint8_t f[64] = {0};
	unsigned i, eagain = 0;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	CHECK_EQ(vn.txq.nbuf, n);
	fv.tx_bh = 1;
	for (i = 0; i < n; i++)
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK_EQ(fv.tx_n, 0);
	CHECK_EQ(fv.tx_bh_due, 1);
	fake_virtio_tx_bh(&fv);
	CHECK_EQ(fv.tx_n, n);
	/* 3n + 5 more, the model's work running only after each EAGAIN */
	for (i = 0; i < 3 * n + 5 && eagain < 100; ) {
		f[0] = (uint8_t)i;
		if (vn.nd.ops->transmit(&vn.nd, f, sizeof(f)) == LL_EAGAIN) {
			eagain++;
			CHECK(fv.tx_bh_due || fv.q[1].notified_idx == vn.txq.avail_idx);
			fake_virtio_tx_bh(&fv);
		} else {
			i++;
		}
	}
	CHECK_EQ(i, 3 * n + 5);
	CHECK_EQ(eagain, 3);
	CHECK_EQ(vn.cnt.tx_full, 4);
	flush();
	fake_virtio_tx_bh(&fv);
	CHECK_EQ(fv.tx_n, 4 * n + 5);
	CHECK_EQ(fv.tx[(4 * n + 4) % FV_MAX_FRAMES].data[0], (uint8_t)(3 * n + 4));
	fv.tx_bh = 0;
	teardown();
}

/* A full ring whose device works in another thread (here: while the driver
 * waits): transmit rings, waits, and succeeds instead of LL_EAGAIN. */
static void test_tx_full_waits(void)
{
	uint8_t f[64] = {0};
	unsigned i, d0;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	fv.tx_bh = 1;
	fv.bh_in_udelay = 1;
	for (i = 0; i < 64; i++)
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	CHECK_EQ(fv.tx_n, 0);
	d0 = fv.udelays;
	f[0] = 0x42;
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	CHECK_EQ(fv.udelays - d0, 1);
	CHECK_EQ(fv.tx_n, 64);
	CHECK_EQ(vn.cnt.tx_full, 0);
	flush();
	fake_virtio_tx_bh(&fv);
	CHECK_EQ(fv.tx_n, 65);
	CHECK_EQ(fv.tx[64].data[0], 0x42);
	/* A device that never answers: LL_EAGAIN after a bounded wait. */
	fv.bh_in_udelay = 0;
	fv.tx_hold = 1;
	fv.tx_bh = 0;
	for (i = 0; i < 64; i++)
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	d0 = fv.udelays;
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK(fv.udelays - d0 > 10 && fv.udelays - d0 <= 1000);
	CHECK_EQ(vn.cnt.tx_full, 1);
	fv.tx_hold = 0;
	teardown();
}

/* RX buffers given back while the device says NO_NOTIFY: no doorbell. */
static void test_rx_no_notify(void)
{
	static struct rx_log log;
	uint8_t f[100];
	unsigned i, n0;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	n0 = fv.q[0].notifies;
	CHECK_EQ(n0, 1);                        /* the initial fill */
	fv_used(&fv, 0)->flags = VIRTQ_USED_F_NO_NOTIFY;
	for (i = 0; i < 10; i++)
		CHECK_EQ(fake_virtio_rx(&fv, f, 60), 0);
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 64), 10);
	CHECK_EQ(fv.q[0].notifies, 1);
	CHECK_EQ(vn.rxq.avail->idx, 74);        /* reposted all the same */
	fv_used(&fv, 0)->flags = 0;
	CHECK_EQ(fake_virtio_rx(&fv, f, 60), 0);
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 64), 1);
	CHECK_EQ(fv.q[0].notifies, 2);
	CHECK_EQ(fv.q[0].notified_idx, 75);
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 64), 0);
	CHECK_EQ(fv.q[0].notifies, 2);
	teardown();
}

/* close lets queued frames leave before the reset. */
static void test_close_drains(void)
{
	uint8_t f[80];

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	make_frame(f, sizeof(f), 3);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	CHECK_EQ(fv.tx_n, 0);
	teardown();
	CHECK_EQ(fv.tx_n, 1);
	CHECK(memcmp(fv.tx[0].data, f, sizeof(f)) == 0);
}

/* halt (ExitBootServices) sends nothing queued: bus mastering off, the
 * device reset; a close afterwards still sends nothing. */
static void test_halt_sends_nothing(void)
{
	uint8_t f[80];
	unsigned resets;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	make_frame(f, sizeof(f), 3);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	resets = fv.resets;
	virtio_net_halt(&vn);
	CHECK_EQ(fv.tx_n, 0);
	CHECK_EQ(fv.status, 0);
	CHECK(fv.resets > resets);
	CHECK_EQ(fv.cfg[4] & 0x04, 0);            /* bus master off */
	teardown();
	CHECK_EQ(fv.tx_n, 0);
}

static void test_tx_full(void)
{
	const unsigned n = VNET_BUFS;
	uint8_t f[64] = {0};
	unsigned i;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	fv.tx_hold = 1;
	for (i = 0; i < n; i++)
		CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK_EQ(vn.cnt.tx_full, 1);
	fv.tx_hold = 0;
	fv_consume_tx(&fv);
	CHECK_EQ(fv.tx_n, n);
	f[0] = 0x99;
	CHECK_EQ(vn.nd.ops->transmit(&vn.nd, f, sizeof(f)), 0);
	flush();
	CHECK_EQ(fv.tx_n, n + 1);
	CHECK_EQ(fv.tx[n % FV_MAX_FRAMES].data[0], 0x99);
	CHECK_EQ(vn.tx_nfree, n - 1);
	teardown();
}

static void rx_many(int modern)
{
	static struct rx_log log;
	uint8_t f[1514];
	unsigned i, total = 0;
	int n;

	memset(&log, 0, sizeof(log));
	CHECK_EQ(setup(modern ? 0x1041 : 0x1000, modern, 256, 0), 0);
	for (i = 0; i < 300; i++) {
		size_t len = 60 + (i * 31) % 1455;
		make_frame(f, len, i);
		CHECK_EQ(fake_virtio_rx(&fv, f, len), 0);
		if (i % 50 == 49) {
			CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 8), 8);
			total += 8;
			while ((n = vn.nd.ops->poll(&vn.nd, rx_record, &log, 8)) > 0)
				total += (unsigned)n;
			CHECK_EQ(n, 0);
			CHECK_EQ(total, i + 1);
			CHECK_EQ(log.last_len, len);
			CHECK(memcmp(log.data, f, len) == 0);
		}
	}
	for (i = 0; i < 300; i++)
		CHECK_EQ(log.first[i], (uint8_t)(i * 7));
	CHECK_EQ(fv.rx_dropped, 0);
	CHECK_EQ(vn.rxq.avail->idx, 64 + 300);
	teardown();
}

static void test_rx_wrap_modern(void) { rx_many(1); }
static void test_rx_wrap_legacy(void) { rx_many(0); }

static void test_rx_bad_entries(void)
{
	static struct rx_log log;
	uint8_t f[100];
	unsigned i;

	CHECK_EQ(setup(0x1041, 1, 256, 0), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(fake_virtio_rx(&fv, f, 60), 0);
	CHECK_EQ(fake_virtio_rx(&fv, f, 60), -1);  /* all buffers used */
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 64), 64);
	fake_virtio_rx_raw(&fv, 200, 100);         /* id not ours */
	fake_virtio_rx_raw(&fv, 3, 11);            /* shorter than header */
	fake_virtio_rx_raw(&fv, 4, 12);            /* header only */
	fake_virtio_rx_raw(&fv, 5, 12 + 1519);     /* too long */
	make_frame(f, 100, 9);
	CHECK_EQ(fake_virtio_rx(&fv, f, 100), 0);
	CHECK_EQ(vn.nd.ops->poll(&vn.nd, rx_record, &log, 64), 1);
	CHECK_EQ(log.last_len, 100);
	CHECK(memcmp(log.data, f, 100) == 0);
	CHECK_EQ(vn.cnt.rx_bad_id, 1);
	CHECK_EQ(vn.cnt.rx_bad_len, 3);
	teardown();
}

/* End to end: net_stack answers ARP and ping through the driver. */
static uint64_t clk_now(void *ctx) { (void)ctx; return 1000000; }

static const uint8_t arp_req[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
};
/* Echo request 10.0.0.2 -> 10.0.0.1, id 7 seq 1 "abcd": IP sum 14a7, ICMP
 * 3331 (worked in tests/lib/nettest.h); reply ICMP sum 3b31. */
static const uint8_t echo_req[46] = {
	0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x01, 0x14, 0xa7, 10, 0, 0, 2, 10, 0, 0, 1,
	0x08, 0x00, 0x33, 0x31, 0x00, 0x07, 0x00, 0x01, 'a', 'b', 'c', 'd',
};

static void stack_arp_ping(int modern)
{
	static struct net_stack ns;
	struct ll_clock clk = { .now_us = clk_now, .ctx = NULL };
	const uint8_t *r;

	CHECK_EQ(setup(modern ? 0x1041 : 0x1000, modern, 256, 0), 0);
	net_init(&ns, &vn.nd, &clk);
	ns.ip.addr = 0x0a000001u;
	ns.ip.netmask = 0xffffff00u;
	fake_virtio_rx(&fv, arp_req, sizeof(arp_req));
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(fv.tx_n, 1);
	r = fv.tx[0].data;
	CHECK_EQ(fv.tx[0].len, 60);
	CHECK(memcmp(r, arp_req + 6, 6) == 0);
	CHECK(memcmp(r + 6, dev_mac, 6) == 0);
	CHECK_EQ(r[21], 2);
	CHECK(memcmp(r + 22, dev_mac, 6) == 0);
	fake_virtio_rx(&fv, echo_req, sizeof(echo_req));
	CHECK_EQ(net_poll(&ns), 1);
	CHECK_EQ(fv.tx_n, 2);
	r = fv.tx[1].data;
	CHECK_EQ(r[23], 1);
	CHECK_EQ(r[34], 0);
	CHECK_EQ(r[36], 0x3b);
	CHECK_EQ(r[37], 0x31);
	CHECK(memcmp(r + 42, "abcd", 4) == 0);
	teardown();
}

static void test_stack_modern(void) { stack_arp_ping(1); }
static void test_stack_legacy(void) { stack_arp_ping(0); }

int main(void)
{
	check_suite = "virtio_net";
	RUN(test_modern_reset_from_dirty);
	RUN(test_legacy_reset_from_dirty);
	RUN(test_legacy_msix_stuck);
	RUN(test_transitional_choice);
	RUN(test_open_failures);
	RUN(test_tx_wrap_modern);
	RUN(test_tx_wrap_legacy);
	RUN(test_tx_full);
	RUN(test_halt_sends_nothing);
	RUN(test_tx_burst_modern);
	RUN(test_tx_burst_legacy);
	RUN(test_tx_no_notify);
	RUN(test_tx_lend_modern);
	RUN(test_tx_lend_legacy);
	RUN(test_tx_lend_full);
	RUN(test_tx_full_progress);
	RUN(test_tx_full_waits);
	RUN(test_rx_no_notify);
	RUN(test_close_drains);
	RUN(test_rx_wrap_modern);
	RUN(test_rx_wrap_legacy);
	RUN(test_rx_bad_entries);
	RUN(test_stack_modern);
	RUN(test_stack_legacy);
	return CHECK_DONE();
}
