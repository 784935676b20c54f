/* net/netdev.h - the driver interface: every NIC driver (UNDI, e1000,
 * virtio-net, EFI SNP, host TAP, fault wrapper) offers these hooks and
 * nothing above net/ sees a register. */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN 6
#define NETDEV_FRAME_MAX 1518 /* largest frame handed up or down, no FCS */
/* A lent TX slot (tx_slot below) holds the largest frame plus this much
 * room in front of it, where the stack builds its headers. */
#define NETDEV_TX_HEADROOM 96
#define NETDEV_TX_SLOT_MIN (NETDEV_TX_HEADROOM + NETDEV_FRAME_MAX)

struct netdev;

/* Called by poll for each received frame; the frame is valid only for the
 * duration of the call (the driver reuses its buffer afterwards). */
typedef void (*netdev_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

struct netdev_ops {
	/* Reset and start the device; fills mac and mtu. 0 or error. */
	int (*open)(struct netdev *nd);
	/* Stop the device and release what open took. */
	void (*close)(struct netdev *nd);
	/* Queue one whole Ethernet frame (no FCS). The frame is copied or sent
	 * before return, so the caller may reuse its buffer at once. Returns 0,
	 * LL_EAGAIN when the TX ring is full (caller retries after poll), or
	 * another error. */
	int (*transmit)(struct netdev *nd, const void *frame, size_t len);
	/* Optional pair (both or neither): build a frame in the driver's own
	 * TX memory instead of having transmit copy it there.
	 *
	 * tx_slot lends the buffer of the next free TX slot: *buf, *room with
	 * room >= NETDEV_TX_SLOT_MIN, memory the device reads the frame from.
	 * It does not take the slot: a loan that is never committed just
	 * lapses. The loan ends at tx_commit or at the next call of any other
	 * hook (transmit, poll, tx_slot, close); until then the driver leaves
	 * the slot's bytes alone and the caller may write all of them.
	 * Returns 0; LL_EAGAIN when the ring is full (the caller polls and
	 * asks again, as for transmit); LL_ENOTSUP when it cannot lend now
	 * (the caller copies through transmit); or another error.
	 *
	 * tx_commit queues the len-byte frame at frame, which must lie inside
	 * the lent slot (buf <= frame, frame + len <= buf + room). From then
	 * on the slot is the driver's again. The same checks, counters and
	 * doorbell rules as transmit apply; it never returns LL_EAGAIN (the
	 * slot was free). LL_EINVAL without a loan or outside it, LL_EMSGSIZE
	 * for a bad length, or another error (the frame is then lost). Like
	 * transmit, both may be called from inside poll's rx callback. */
	int (*tx_slot)(struct netdev *nd, uint8_t **buf, size_t *room);
	int (*tx_commit)(struct netdev *nd, const uint8_t *frame, size_t len);
	/* Reap finished TX and hand up to budget received frames through rx.
	 * Returns the number of frames handed up, or a negative error. Never
	 * blocks. */
	int (*poll)(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget);
	/* Optional: sleep at most max_us or until a frame may be ready. Drivers
	 * on real hardware leave it NULL (the caller just polls again). */
	void (*wait)(struct netdev *nd, uint32_t max_us);
};

/* What a driver's open does with a device its previous owner left
 * running (a driver that cannot continue one always resets). */
enum netdev_keep {
	NETDEV_KEEP_NEVER = 0,   /* reset it */
	NETDEV_KEEP_ROM,         /* a PXE ROM's: continue it where the driver can */
	NETDEV_KEEP_MOVABLE,     /* a dead OS's: continue it only where every
				  * ring moves to ours (nothing of the old
				  * owner's memory used), else reset it */
};

struct netdev {
	const struct netdev_ops *ops;
	void *priv;              /* driver state */
	const char *name;        /* for messages */
	uint8_t mac[ETH_ALEN];   /* set by open */
	uint16_t mtu;            /* IP MTU, set by open (1500 for Ethernet) */
	uint64_t tx_frames, rx_frames, tx_errors;
	/* Set by the driver, or 0 for no limit: the most bytes of received
	 * frames the device can hold while the stack is not polling (a ROM's
	 * small receive buffer); TCP offers no larger a window. */
	uint32_t rx_hold;
};

#endif
