/* drivers/net/virtio_net_int.h - what virtio_net.c (bring-up, receive)
 * and virtio_net_tx.c (transmit) share inside the virtio-net driver. */
#ifndef DRIVERS_NET_VIRTIO_NET_INT_H
#define DRIVERS_NET_VIRTIO_NET_INT_H
#include <stddef.h>
#include <stdint.h>
#include "drivers/net/virtio_net.h"

/* virtio_net.c */
uint64_t vn_bus(struct virtio_net *v, const volatile void *va);
/* Put buffer id of q in the avail ring (published by vn_publish). */
void vn_post(struct virtio_vq *q, uint16_t id);
/* Make the posted entries visible to the device (no doorbell). */
void vn_publish(struct virtio_net *v, struct virtio_vq *q);
/* Ring q's doorbell once for everything published since the last kick. */
void vn_kick(struct virtio_net *v, struct virtio_vq *q);

/* virtio_net_tx.c: the netdev TX hooks (net/netdev.h), and reaping */
void vn_reap_tx(struct virtio_net *v);
int vn_transmit(struct netdev *nd, const void *frame, size_t len);
int vn_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room);
int vn_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len);

#endif
