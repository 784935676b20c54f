/* drivers/net/virtio_net_tx.c - virtio-net transmit: reap finished
 * buffers, queue a frame copied in (transmit) or built in place in a buffer
 * lent to the stack (tx_slot / tx_commit), one doorbell per burst. */
#include "drivers/net/virtio_net.h"
#include "drivers/net/virtio_net_int.h"
#include "lib/err.h"
#include "lib/mem.h"

#define VNET_TX_ROOM_POLLS 200 /* x 10 us for a TX buffer on a full ring */
_Static_assert(VNET_BUF_SIZE - VIRTIO_NET_HDR_V1 >= NETDEV_TX_SLOT_MIN,
	       "TX buffer too small to lend");

void vn_reap_tx(struct virtio_net *v)
{
	struct virtio_vq *q = &v->txq;

	while (q->used_last != q->used->idx) {
		uint32_t id;
		v->pci->ops->mb(v->pci);
		id = q->used->ring[q->used_last % q->size].id;
		q->used_last++;
		if (id >= q->nbuf || !v->tx_busy[id]) {
			v->cnt.tx_bad_id++;
			continue;
		}
		v->tx_busy[id] = 0;
		v->tx_free[v->tx_nfree++] = (uint16_t)id;
	}
}

/* A free TX buffer, reaping first. On a full ring: the doorbell, then a
 * bounded moment for the device. It may work in another host thread (QEMU
 * sends from a bottom half), and a caller that just polls again would
 * find the ring still full and drop the frame (eth gives up after a few
 * tries), costing TCP a retransmission. */
static int vn_tx_room(struct virtio_net *v)
{
	int i;

	vn_reap_tx(v);
	if (v->tx_nfree)
		return 1;
	vn_kick(v, &v->txq);
	for (i = 0; i < VNET_TX_ROOM_POLLS && !v->tx_nfree; i++) {
		v->pci->ops->udelay(v->pci, 10);
		vn_reap_tx(v);
	}
	return v->tx_nfree != 0;
}

/* The frame length transmit and tx_commit accept; counted when not. */
static int vn_tx_len_ok(struct virtio_net *v, size_t len)
{
	if (len == 0 || len > NETDEV_FRAME_MAX) {
		v->cnt.tx_oversize++;
		v->nd.tx_errors++;
		return 0;
	}
	return 1;
}

/* Buffer of TX descriptor id. */
static uint8_t *vn_tx_buf(struct virtio_net *v, uint16_t id)
{
	return v->txq.buf + (size_t)id * VNET_BUF_SIZE;
}

/* Queue the free buffer on top of tx_free, whose frame of len bytes sits
 * at hdr + hdr_len: zero the virtio-net header in front of it (no
 * checksum or segmentation offload) and post one descriptor for both. */
static void vn_tx_queue(struct virtio_net *v, uint8_t *hdr, size_t len)
{
	uint16_t id = v->tx_free[--v->tx_nfree];

	v->tx_busy[id] = 1;
	memset(hdr, 0, v->hdr_len);
	v->txq.desc[id].addr = vn_bus(v, hdr);
	v->txq.desc[id].len = (uint32_t)(v->hdr_len + len);
	v->txq.desc[id].flags = 0;
	vn_post(&v->txq, id);
	vn_publish(v, &v->txq);
	/* One doorbell per burst: at the next poll, or now when the ring is
	 * full. (Measured under QEMU TCG: fewer, later doorbells beat a kick
	 * every 16 frames; each one hands work to another host thread.) */
	if (!v->tx_nfree)
		vn_kick(v, &v->txq);
	v->nd.tx_frames++;
}

/* Opened, and a TX buffer free (see vn_tx_room)? 0 or why not. */
static int vn_tx_ready(struct virtio_net *v)
{
	if (!v->opened)
		return LL_ENETDOWN;
	if (!vn_tx_room(v)) {
		v->cnt.tx_full++;
		return LL_EAGAIN;
	}
	return 0;
}

int vn_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct virtio_net *v = nd->priv;
	uint8_t *b;
	int rc;

	v->tx_lent = 0;
	if (!v->opened)
		return LL_ENETDOWN;
	if (!vn_tx_len_ok(v, len))
		return LL_EMSGSIZE;
	if ((rc = vn_tx_ready(v)) != 0)
		return rc;
	b = vn_tx_buf(v, v->tx_free[v->tx_nfree - 1]);
	memcpy(b + v->hdr_len, frame, len);
	vn_tx_queue(v, b, len);
	return 0;
}

/* Lend the free TX buffer on top of tx_free, past room for the header. */
int vn_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room)
{
	struct virtio_net *v = nd->priv;
	int rc;

	v->tx_lent = 0;
	if ((rc = vn_tx_ready(v)) != 0)
		return rc;
	*buf = vn_tx_buf(v, v->tx_free[v->tx_nfree - 1]) + v->hdr_len;
	*room = VNET_BUF_SIZE - v->hdr_len;
	v->tx_lent = 1;
	return 0;
}

/* The frame may start anywhere in the lent part: its header goes right
 * in front of it, still inside the buffer. */
int vn_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct virtio_net *v = nd->priv;
	uint8_t *b, *end;

	if (!v->tx_lent || !v->opened || !v->tx_nfree)
		return LL_EINVAL;
	v->tx_lent = 0;
	if (!vn_tx_len_ok(v, len))
		return LL_EMSGSIZE;
	b = vn_tx_buf(v, v->tx_free[v->tx_nfree - 1]);
	end = b + VNET_BUF_SIZE;
	if (frame < b + v->hdr_len || frame > end ||
	    len > (size_t)(end - frame))
		return LL_EINVAL;
	vn_tx_queue(v, b + (frame - b) - v->hdr_len, len);
	return 0;
}
