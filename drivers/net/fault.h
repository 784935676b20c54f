/* drivers/net/fault.h - a netdev that wraps another and injects faults (drop,
 * duplicate, reorder, corrupt) on receive and transmit at seeded per-mille
 * rates, so tests exercise recovery paths over a real link. Only IPv4
 * frames are corrupted (what checksums catch; ARP has none). It lends no
 * TX slot (netdev.h tx_slot): every frame comes through transmit, where it
 * can be held back, duplicated or corrupted, and the stack copies. */
#ifndef DRIVERS_NET_FAULT_H
#define DRIVERS_NET_FAULT_H
#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"

/* A held (reordered) frame that no later frame pushed out is released
 * after this many polls of the wrapper that found nothing new. */
#define FAULT_HOLD_POLLS 8

/* Rates in per mille (0..1000) for one direction; rolls are independent. */
struct fault_rates {
	uint16_t drop, dup, reorder, corrupt;
};

struct fault_cfg {
	struct fault_rates rx, tx;
	uint64_t seed;             /* 0 is replaced by a fixed non-zero seed */
};

struct fault_counts {
	uint32_t frames, dropped, duplicated, reordered, corrupted;
};

/* One held-back frame (reorder) for one direction. */
struct fault_hold {
	uint8_t data[NETDEV_FRAME_MAX];
	size_t len;                /* 0: empty */
	unsigned idle_polls;
};

struct fault_dev {
	struct netdev *lower;
	struct fault_cfg cfg;
	uint64_t prng;
	struct fault_counts rx_cnt, tx_cnt;
	struct fault_hold rx_hold, tx_hold;
	uint8_t scratch[NETDEV_FRAME_MAX]; /* corrupted copy of a frame */
	/* the caller's receive hook, valid during fault_poll only */
	netdev_rx_fn up_rx;
	void *up_ctx;
	int up_handed;
};

/* Bind nd to f wrapping lower (not yet opened; nd's open opens it).
 * Rates above 1000 are LL_EINVAL. */
int fault_netdev_create(struct netdev *nd, struct fault_dev *f,
			struct netdev *lower, const struct fault_cfg *cfg);
/* The generator itself (xorshift64), exposed for tests. */
uint64_t fault_rand(uint64_t *state);

#endif
