/* net/eth.c - Ethernet II: validate received frames and dispatch them by
 * ethertype; prepend our header to outgoing frames and hand them to the
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

/* Receive callback for the reaping poll below: budget 0 asks the driver
 * for no frames, but a frame handed up anyway is dropped here rather than
 * processed while a frame sits in the TX buffer. */
static void eth_rx_discard(void *ctx, const uint8_t *frame, size_t len)
{
	(void)frame;
	(void)len;
	((struct net_stack *)ctx)->cnt.rx_not_us++;
}

/* Hand one frame to the driver; on a full TX ring let it reap finished
 * transmissions (budget 0: no received frame is handed up, so nothing can
 * overwrite the TX buffer meanwhile) and try again, a bounded number of
 * times. */
static int eth_transmit(struct net_stack *ns, const uint8_t *frame, size_t len)
{
	struct netdev *nd = ns->dev;
	int tries, rc = LL_EAGAIN;

	for (tries = 0; tries < ETH_TX_RETRIES; tries++) {
		rc = nd->ops->transmit(nd, frame, len);
		if (rc != LL_EAGAIN)
			break;
		nd->ops->poll(nd, eth_rx_discard, ns, 0);
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
	uint8_t *buf_end = ns->txbuf + sizeof(ns->txbuf);
	uint8_t *frame = payload - ETH_HLEN;
	size_t flen = len + ETH_HLEN;

	if (payload < ns->txbuf + ETH_HLEN || payload > buf_end ||
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
	return eth_transmit(ns, frame, flen);
}
