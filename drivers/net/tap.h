/* drivers/net/tap.h - host-only netdev over a Linux TAP interface (/dev/net/tun,
 * IFF_TAP | IFF_NO_PI), so the real stack runs in user space for tests. */
#ifndef DRIVERS_NET_TAP_H
#define DRIVERS_NET_TAP_H
#include <stdint.h>
#include "net/netdev.h"

#define TAP_IFNAME_MAX 16   /* IFNAMSIZ */
#define TAP_RX_BUF 65536    /* a read never truncates; oversize is dropped */
#define TAP_TX_WAIT_US 10000 /* a commit waits this long for a full queue */

struct tap_dev {
	int fd;                        /* -1 while closed */
	char ifname[TAP_IFNAME_MAX];
	uint8_t mac[ETH_ALEN];         /* what open reports as our MAC */
	uint32_t rx_oversize;          /* frames longer than NETDEV_FRAME_MAX */
	uint32_t tx_eagain;            /* writes refused with EAGAIN */
	uint8_t tx_lent;               /* txbuf is lent (netdev.h tx_slot) */
	/* buffers last: create clears only what comes before them */
	uint8_t txbuf[NETDEV_TX_SLOT_MIN] __attribute__((aligned(16)));
	uint8_t rxbuf[TAP_RX_BUF];
};

/* Bind nd to t for interface ifname (which must exist, e.g. made by
 * `ip tuntap add dev tap0 mode tap`; it is attached at open). mac NULL
 * picks the locally administered 02:4c:4c:00:00:02. 0 or LL_EINVAL. */
int tap_netdev_create(struct netdev *nd, struct tap_dev *t, const char *ifname,
		      const uint8_t *mac);
/* Parse "aa:bb:cc:dd:ee:ff" into mac. 0 or LL_EINVAL. */
int tap_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);

#endif
