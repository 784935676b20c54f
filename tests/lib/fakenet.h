/* tests/lib/fakenet.h - a fake NIC and a settable clock for unit tests:
 * frames the stack transmits are recorded; frames a test injects are handed
 * up on the next poll. Header-only (static) so each test binary owns one. */
#ifndef TESTS_FAKENET_H
#define TESTS_FAKENET_H
#include <stdint.h>
#include <string.h>
#include "net/netdev.h"
#include "lib/clock.h"

#define FAKE_MAX_FRAMES 256

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
};

static uint64_t fake_now(void *ctx) { return ((struct fakenet *)ctx)->now_us; }

static int fake_open(struct netdev *nd) { (void)nd; return 0; }
static void fake_close(struct netdev *nd) { (void)nd; }

static int fake_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct fakenet *f = nd->priv;
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

static const struct netdev_ops fake_ops = {
	.open = fake_open, .close = fake_close,
	.transmit = fake_transmit, .poll = fake_poll, .wait = NULL,
};

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
}

static inline struct ll_clock fake_clock(struct fakenet *f)
{
	struct ll_clock c = { fake_now, f };
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
