/* drivers/net/fault.c - fault-injecting netdev wrapper: each frame passing in either
 * direction may be dropped, corrupted (one byte flipped), duplicated or held
 * back behind the next frame, decided by a seeded xorshift64 generator. */
#include "drivers/net/fault.h"
#include "lib/err.h"
#include "lib/mem.h"

#define FAULT_DEFAULT_SEED 0x9e3779b97f4a7c15ull

uint64_t fault_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* True with probability permille / 1000. */
static int fault_roll(struct fault_dev *f, uint16_t permille)
{
	if (permille == 0)
		return 0;
	return (fault_rand(&f->prng) >> 11) % 1000 < permille;
}

/* Corruption models damage that got past the link's FCS, which the IPv4,
 * TCP and UDP checksums must catch; ARP carries no checksum (a real link
 * would have dropped the frame), so only IPv4 frames are corrupted. */
static int fault_corruptible(const uint8_t *frame, size_t len)
{
	return len > 14 && frame[12] == 0x08 && frame[13] == 0x00;
}

/* Copy frame into scratch and flip one byte (never to the same value). */
static const uint8_t *fault_corrupt(struct fault_dev *f, const uint8_t *frame,
				    size_t len)
{
	uint64_t r = fault_rand(&f->prng);
	size_t at = (size_t)((r >> 16) % len);
	uint8_t flip = (uint8_t)(r & 0xff);

	memcpy(f->scratch, frame, len);
	f->scratch[at] ^= flip ? flip : 0x01;
	return f->scratch;
}

static void fault_hold_put(struct fault_hold *h, const uint8_t *frame, size_t len)
{
	memcpy(h->data, frame, len);
	h->len = len;
	h->idle_polls = 0;
}

/* What to do with one frame: returns the frame to pass (maybe a corrupted
 * copy) or NULL when dropped; *copies is 1 or 2, *hold set to keep it back. */
static const uint8_t *fault_decide(struct fault_dev *f, const struct fault_rates *r,
				   struct fault_counts *cnt, struct fault_hold *h,
				   const uint8_t *frame, size_t len,
				   int *copies, int *hold)
{
	cnt->frames++;
	*copies = 1;
	*hold = 0;
	if (len == 0 || fault_roll(f, r->drop)) {
		cnt->dropped++;
		return NULL;
	}
	if (fault_corruptible(frame, len) && fault_roll(f, r->corrupt)) {
		cnt->corrupted++;
		frame = fault_corrupt(f, frame, len);
	}
	if (fault_roll(f, r->dup)) {
		cnt->duplicated++;
		*copies = 2;
	}
	if (h->len == 0 && fault_roll(f, r->reorder)) {
		cnt->reordered++;
		*hold = 1;
	}
	return frame;
}

/* ---- receive ---- */

static void fault_up(struct fault_dev *f, const uint8_t *frame, size_t len)
{
	f->up_rx(f->up_ctx, frame, len);
	f->up_handed++;
}

static void fault_rx_release(struct fault_dev *f)
{
	struct fault_hold *h = &f->rx_hold;
	size_t len = h->len;

	if (len == 0)
		return;
	h->len = 0;
	fault_up(f, h->data, len);
}

static void fault_rx_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct fault_dev *f = ctx;
	int copies, hold;
	const uint8_t *out = fault_decide(f, &f->cfg.rx, &f->rx_cnt, &f->rx_hold,
					  frame, len, &copies, &hold);
	if (!out)
		return;
	if (hold) {
		fault_hold_put(&f->rx_hold, out, len);
		if (copies == 2)
			fault_up(f, out, len);
		return;
	}
	for (int i = 0; i < copies; i++)
		fault_up(f, out, len);
	fault_rx_release(f);
}

/* ---- transmit ---- */

static int fault_tx_release(struct fault_dev *f)
{
	struct fault_hold *h = &f->tx_hold;
	int rc;

	if (h->len == 0)
		return 0;
	rc = f->lower->ops->transmit(f->lower, h->data, h->len);
	if (rc != LL_EAGAIN)
		h->len = 0;        /* sent or failed for good: forget it */
	return rc;
}

static int fault_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct fault_dev *f = nd->priv;
	int copies, hold, rc = 0;
	const uint8_t *out;

	if (len > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	out = fault_decide(f, &f->cfg.tx, &f->tx_cnt, &f->tx_hold, frame, len,
			   &copies, &hold);
	if (!out)
		return 0;          /* "sent" into the void */
	if (hold) {
		fault_hold_put(&f->tx_hold, out, len);
		copies--;          /* a duplicate still goes out now */
	}
	for (int i = 0; i < copies && rc == 0; i++)
		rc = f->lower->ops->transmit(f->lower, out, len);
	if (rc == 0 && !hold)
		(void)fault_tx_release(f);
	if (rc == 0)
		nd->tx_frames++;
	return rc;
}

/* ---- netdev hooks ---- */

static int fault_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	struct fault_dev *f = nd->priv;
	int got;

	f->up_rx = rx;
	f->up_ctx = ctx;
	f->up_handed = 0;
	got = f->lower->ops->poll(f->lower, fault_rx_frame, f, budget);
	if (got < 0)
		return got;
	if (got == 0) {
		if (f->rx_hold.len && ++f->rx_hold.idle_polls >= FAULT_HOLD_POLLS)
			fault_rx_release(f);
		if (f->tx_hold.len && ++f->tx_hold.idle_polls >= FAULT_HOLD_POLLS)
			(void)fault_tx_release(f);
	}
	nd->rx_frames += (uint64_t)f->up_handed;
	return f->up_handed;
}

static void fault_wait(struct netdev *nd, uint32_t max_us)
{
	struct fault_dev *f = nd->priv;

	if (f->rx_hold.len || f->tx_hold.len)
		return;            /* keep polling so held frames leave soon */
	if (f->lower->ops->wait)
		f->lower->ops->wait(f->lower, max_us);
}

static int fault_open(struct netdev *nd)
{
	struct fault_dev *f = nd->priv;
	int rc = f->lower->ops->open(f->lower);

	if (rc < 0)
		return rc;
	memcpy(nd->mac, f->lower->mac, ETH_ALEN);
	nd->mtu = f->lower->mtu;
	return 0;
}

static void fault_close(struct netdev *nd)
{
	struct fault_dev *f = nd->priv;

	f->rx_hold.len = 0;
	f->tx_hold.len = 0;
	f->lower->ops->close(f->lower);
}

static const struct netdev_ops fault_ops = {
	.open = fault_open, .close = fault_close, .transmit = fault_transmit,
	.poll = fault_poll, .wait = fault_wait,
};

static int fault_rates_ok(const struct fault_rates *r)
{
	return r->drop <= 1000 && r->dup <= 1000 && r->reorder <= 1000 &&
	       r->corrupt <= 1000;
}

int fault_netdev_create(struct netdev *nd, struct fault_dev *f,
			struct netdev *lower, const struct fault_cfg *cfg)
{
	if (!lower || !cfg || !fault_rates_ok(&cfg->rx) || !fault_rates_ok(&cfg->tx))
		return LL_EINVAL;
	memset(nd, 0, sizeof(*nd));
	memset(f, 0, sizeof(*f));
	f->lower = lower;
	f->cfg = *cfg;
	f->prng = cfg->seed ? cfg->seed : FAULT_DEFAULT_SEED;
	nd->ops = &fault_ops;
	nd->priv = f;
	nd->name = lower->name;
	nd->rx_hold = lower->rx_hold;   /* the device's limit stays */
	return 0;
}
