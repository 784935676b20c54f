/* net/eth.c - Ethernet II: validate received frames and dispatch them by
 * ethertype; pick the buffer an outgoing frame is built in (a TX slot the
 * driver lends, else our own), prepend our header and hand it to the
 * driver, retrying a bounded number of times while its TX ring is full. */
#include "net/net.h"
#include "net/eth.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

#define ETH_MIN_FRAME 60      /* without FCS; shorter frames are padded */
#define ETH_TX_RETRIES 16     /* polls while the driver says LL_EAGAIN */

const uint8_t eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Accept our unicast address and broadcast; count and refuse the rest. */
static int eth_dst_ok(struct net_stack *ns, const uint8_t *dst)
{
	if (memcmp(dst, ns->dev->mac, ETH_ALEN) == 0)
		return 1;
	if (memcmp(dst, eth_broadcast, ETH_ALEN) == 0)
		return 1;
	if (dst[0] & 1)
		ns->cnt.rx_multicast++;
	else
		ns->cnt.rx_not_us++;
	return 0;
}

void eth_input(struct net_stack *ns, const uint8_t *frame, size_t len)
{
	uint16_t type;

	if (len < ETH_HLEN) {
		ns->cnt.rx_short++;
		return;
	}
	if (!eth_dst_ok(ns, frame))
		return;
	type = get_be16(frame + 12);
	switch (type) {
	case ETH_TYPE_ARP:
		arp_input(ns, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_TYPE_IPV4:
		ipv4_input(ns, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		ns->cnt.rx_ethertype++;
		break;
	}
}

/* Receive callback for the reaping polls below: budget 0 asks the driver
 * for no frames, but a frame handed up anyway is dropped here rather than
 * processed while a frame is under construction. */
static void eth_rx_discard(void *ctx, const uint8_t *frame, size_t len)
{
	(void)frame;
	(void)len;
	((struct net_stack *)ctx)->cnt.rx_not_us++;
}

/* Let the driver reap finished transmissions (budget 0: no received frame
 * is handed up, so nothing can overwrite the frame being built). */
static void eth_reap(struct net_stack *ns)
{
	ns->dev->ops->poll(ns->dev, eth_rx_discard, ns, 0);
}

void net_tx_end(struct net_stack *ns)
{
	ns->tx.buf = ns->txbuf;
	ns->tx.size = sizeof(ns->txbuf);
	ns->tx.mode = NET_TX_IDLE;
}

uint8_t *net_tx_begin(struct net_stack *ns)
{
	const struct netdev_ops *ops = ns->dev->ops;
	int tries, rc = LL_ENOTSUP;
	uint8_t *buf = NULL;
	size_t room = 0;

	net_tx_end(ns);
	ns->tx.mode = NET_TX_OWN;
	if (!ops->tx_slot || !ops->tx_commit)
		return ns->tx.buf;
	for (tries = 0; tries < ETH_TX_RETRIES; tries++) {
		rc = ops->tx_slot(ns->dev, &buf, &room);
		if (rc != LL_EAGAIN)
			break;
		eth_reap(ns);
	}
	if (rc == 0 && buf && room >= NET_TX_BUF_SIZE) {
		ns->tx.buf = buf;
		ns->tx.size = room;
		ns->tx.mode = NET_TX_LENT;
	} else if (rc == LL_EAGAIN) {
		ns->tx.mode = NET_TX_REFUSED;
	}
	return ns->tx.buf;      /* other errors: transmit will report them */
}

/* Copy one frame out through the driver's transmit; on a full TX ring let
 * it reap and try again, a bounded number of times. */
static int eth_transmit(struct net_stack *ns, const uint8_t *frame, size_t len)
{
	struct netdev *nd = ns->dev;
	int tries, rc = LL_EAGAIN;

	for (tries = 0; tries < ETH_TX_RETRIES; tries++) {
		rc = nd->ops->transmit(nd, frame, len);
		if (rc != LL_EAGAIN)
			break;
		eth_reap(ns);
	}
	return rc;
}

/* Hand the finished frame to the driver the way net_tx_begin chose, and
 * end it. */
static int eth_send(struct net_stack *ns, const uint8_t *frame, size_t len)
{
	enum net_tx_mode mode = ns->tx.mode;
	int rc;

	net_tx_end(ns);
	if (mode == NET_TX_LENT) {
		rc = ns->dev->ops->tx_commit(ns->dev, frame, len);
		if (rc == 0)
			ns->cnt.tx_lent++;
	} else if (mode == NET_TX_REFUSED) {
		rc = LL_EAGAIN;
	} else {
		rc = eth_transmit(ns, frame, len);
		if (rc == 0)
			ns->cnt.tx_copied++;
	}
	if (rc < 0) {
		ns->cnt.tx_errors++;   /* the driver counts its own in nd */
		return rc;
	}
	return 0;
}

int eth_output(struct net_stack *ns, const uint8_t dst[6], uint16_t type,
	       uint8_t *payload, size_t len)
{
	uint8_t *buf_end = ns->tx.buf + ns->tx.size;
	uint8_t *frame = payload - ETH_HLEN;
	size_t flen = len + ETH_HLEN;

	if (payload < ns->tx.buf + ETH_HLEN || payload > buf_end ||
	    len > (size_t)(buf_end - payload))
		return LL_EINVAL;
	if (flen > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	if (flen < ETH_MIN_FRAME) {
		if ((size_t)(buf_end - frame) < ETH_MIN_FRAME)
			return LL_EINVAL;
		memset(payload + len, 0, ETH_MIN_FRAME - flen);
		flen = ETH_MIN_FRAME;
	}
	memcpy(frame, dst, ETH_ALEN);
	memcpy(frame + ETH_ALEN, ns->dev->mac, ETH_ALEN);
	put_be16(frame + 12, type);
	return eth_send(ns, frame, flen);
}
