/* tests/lib/fakenet.h - a fake NIC and a settable clock for unit tests:
 * frames the stack transmits are recorded; frames a test injects are handed
 * up on the next poll. After fake_lend it also lends TX slots (netdev.h
 * tx_slot/tx_commit) from a small ring that each poll empties; a binary
 * defining FAKE_LEND_DEFAULT 1 gets that from fake_init. Header-only
 * (static) so each test binary owns one. */
#ifndef TESTS_FAKENET_H
#define TESTS_FAKENET_H
#include <stdint.h>
#include <string.h>
#include "net/netdev.h"
#include "lib/clock.h"
#include "lib/err.h"

#define FAKE_MAX_FRAMES 256
#define FAKE_SLOTS 16
#define FAKE_SLOT_SIZE (NETDEV_TX_SLOT_MIN + 16)
#ifndef FAKE_LEND_DEFAULT
#define FAKE_LEND_DEFAULT 0
#endif
#define FAKE_LEND_DEFAULT_SLOTS 4

struct fake_frame {
	uint8_t data[NETDEV_FRAME_MAX];
	size_t len;
};

struct fakenet {
	struct netdev nd;
	uint64_t now_us;                       /* the clock tests drive */
	struct fake_frame tx[FAKE_MAX_FRAMES]; /* what the stack sent */
	unsigned tx_n;
	struct fake_frame rx[FAKE_MAX_FRAMES]; /* queued for the next poll */
	unsigned rx_head, rx_n;
	int tx_fail;                           /* error transmit returns, 0: ok */
	/* lending (fake_lend): lend_n slots used in turn; a committed frame is
	 * recorded in tx[] and keeps its slot busy until a poll reaps it */
	uint8_t slot[FAKE_SLOTS][FAKE_SLOT_SIZE];
	unsigned lend_n, lend_next, lend_busy;
	int lent;                              /* a loan is out */
	int lend_hold;                         /* polls reap nothing (stuck) */
	size_t lend_room;                      /* room reported, 0: the slot */
	int lend_rc;                           /* error tx_slot returns, 0: ok */
	unsigned slot_calls, commits, polls;
};

static uint64_t fake_now(void *ctx) { return ((struct fakenet *)ctx)->now_us; }

static int fake_open(struct netdev *nd) { (void)nd; return 0; }
static void fake_close(struct netdev *nd) { (void)nd; }

static int fake_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct fakenet *f = nd->priv;
	f->lent = 0;
	if (f->tx_fail)
		return f->tx_fail;
	if (len > NETDEV_FRAME_MAX || f->tx_n >= FAKE_MAX_FRAMES)
		return -1;
	memcpy(f->tx[f->tx_n].data, frame, len);
	f->tx[f->tx_n].len = len;
	f->tx_n++;
	nd->tx_frames++;
	return 0;
}

static int fake_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	struct fakenet *f = nd->priv;
	int n = 0;

	f->polls++;
	f->lent = 0;
	if (!f->lend_hold)
		f->lend_busy = 0;
	while (f->rx_n && (unsigned)n < budget) {
		struct fake_frame *fr = &f->rx[f->rx_head];
		f->rx_head = (f->rx_head + 1) % FAKE_MAX_FRAMES;
		f->rx_n--;
		nd->rx_frames++;
		rx(ctx, fr->data, fr->len);
		n++;
	}
	return n;
}

static int fake_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room)
{
	struct fakenet *f = nd->priv;

	f->slot_calls++;
	f->lent = 0;
	if (f->lend_rc)
		return f->lend_rc;
	if (f->lend_busy >= f->lend_n)
		return LL_EAGAIN;
	*buf = f->slot[f->lend_next];
	*room = f->lend_room ? f->lend_room : FAKE_SLOT_SIZE;
	f->lent = 1;
	return 0;
}

/* The "device" sends the frame: recorded as transmit records it. */
static int fake_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct fakenet *f = nd->priv;
	const uint8_t *s = f->slot[f->lend_next];

	if (!f->lent || frame < s || frame + len > s + FAKE_SLOT_SIZE)
		return LL_EINVAL;
	f->lent = 0;
	if (f->tx_fail)
		return f->tx_fail;
	if (len > NETDEV_FRAME_MAX || f->tx_n >= FAKE_MAX_FRAMES)
		return -1;
	memcpy(f->tx[f->tx_n].data, frame, len);
	f->tx[f->tx_n].len = len;
	f->tx_n++;
	f->commits++;
	f->lend_next = (f->lend_next + 1) % f->lend_n;
	f->lend_busy++;
	nd->tx_frames++;
	return 0;
}

static const struct netdev_ops fake_ops = {
	.open = fake_open, .close = fake_close,
	.transmit = fake_transmit, .poll = fake_poll, .wait = NULL,
};

static const struct netdev_ops fake_lend_ops = {
	.open = fake_open, .close = fake_close, .transmit = fake_transmit,
	.tx_slot = fake_tx_slot, .tx_commit = fake_tx_commit,
	.poll = fake_poll, .wait = NULL,
};

/* Lend TX slots from a ring of n (1..FAKE_SLOTS); 0 goes back to copies. */
static inline void fake_lend(struct fakenet *f, unsigned n)
{
	f->lend_n = n > FAKE_SLOTS ? FAKE_SLOTS : n;
	f->lend_next = f->lend_busy = 0;
	f->lent = 0;
	f->nd.ops = n ? &fake_lend_ops : &fake_ops;
}

/* Set up f with MAC 02:00:00:00:00:01, MTU 1500, clock at 1 s. */
static inline void fake_init(struct fakenet *f)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	memset(f, 0, sizeof(*f));
	f->nd.ops = &fake_ops;
	f->nd.priv = f;
	f->nd.name = "fake0";
	memcpy(f->nd.mac, mac, 6);
	f->nd.mtu = 1500;
	f->now_us = 1000000;
	if (FAKE_LEND_DEFAULT)
		fake_lend(f, FAKE_LEND_DEFAULT_SLOTS);
}

static inline struct ll_clock fake_clock(struct fakenet *f)
{
	struct ll_clock c = { .now_us = fake_now, .ctx = f };
	return c;
}

/* Queue a frame for the stack to receive on its next poll. */
static inline int fake_inject(struct fakenet *f, const void *frame, size_t len)
{
	unsigned slot;
	if (len > NETDEV_FRAME_MAX || f->rx_n >= FAKE_MAX_FRAMES)
		return -1;
	slot = (f->rx_head + f->rx_n) % FAKE_MAX_FRAMES;
	memcpy(f->rx[slot].data, frame, len);
	f->rx[slot].len = len;
	f->rx_n++;
	return 0;
}

/* Forget recorded transmissions. */
static inline void fake_tx_clear(struct fakenet *f) { f->tx_n = 0; }

#endif
