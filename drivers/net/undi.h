/* drivers/net/undi.h - the NIC through the PXE ROM's UNDI as a netdev
 * (open / transmit / ISR polling / close), over drivers/pxe/pxe_api.h;
 * parameter blocks and frames live in the API's base-memory work area. */
#ifndef DRIVERS_NET_UNDI_H
#define DRIVERS_NET_UNDI_H
#include <stddef.h>
#include <stdint.h>
#include "drivers/pxe/pxe_api.h"
#include "net/netdev.h"
#include "platform/rm_batch.h"

/* Work-area layout: parameter block, TX descriptors, the batch trip's
 * TRANSMIT blocks, ISR block and control block (platform/rm_batch.h), TX
 * frame slots, then the ring the batch trip fills. A slot holds a frame
 * with the stack's header room in front of it, so the stack can build
 * frames there (tx_slot); a work area too small for one such slot gets one
 * slot of what there is, for copied frames only. */
#define UNDI_TBD_OFF     0x100
#define UNDI_TBD_STRIDE  0x50
#define UNDI_TX_SLOTS    4
#define UNDI_TXP_OFF     0x240   /* UNDI_TX_SLOTS * RB_TX_STRIDE */
#define UNDI_ISRP_OFF    0x2c0
#define UNDI_CB_OFF      0x2e0
#define UNDI_TXBUF_OFF   0x300
#define UNDI_TXBUF_STRIDE 0x680  /* 1664 >= NETDEV_TX_SLOT_MIN */
#define UNDI_COPY_SLOT   0x600   /* a slot for copied frames only */
#define UNDI_AREA_MIN    (UNDI_TXBUF_OFF + UNDI_COPY_SLOT + RB_REC_ROOM)
#define UNDI_REC_MAX     64      /* ISR answers per trip */
#define UNDI_RX_HOLD     (4 * 1460) /* TCP window: what a ROM's receive
				     * buffer (8 KiB on the rtl8139) holds */
#define UNDI_TRIPS_PER_POLL 4    /* while the ROM's run stays open */
#define UNDI_STATS_EVERY 1024 /* frames between two stats lines */

/* Flags for undi_init. */
#define UNDI_TX_BY_PROTOCOL 0x1 /* IPv4/ARP/RARP frames go out as P_IP /
				 * P_ARP / P_RARP with the header stripped
				 * (for ROMs that mishandle P_UNKNOWN) */
#define UNDI_POLL_NO_START  0x2 /* poll with PROCESS only, no ISR START
				 * (for ROMs whose START only works from a
				 * real interrupt) */

struct undi_counters {
	uint32_t tx_frames, tx_busy, tx_done, tx_errors;
	uint32_t rx_frames, rx_fragments;
	uint32_t rx_oversize;   /* FrameLength > NETDEV_FRAME_MAX */
	uint32_t rx_bad_frag;   /* fragment overruns its frame, or len 0 */
	uint32_t rx_partial;    /* frame abandoned before its last fragment */
	uint32_t isr_calls, isr_not_ours, isr_busy, isr_unknown;
	uint32_t tx_ungated;    /* ROM never reports TX completion */
	uint32_t trips;         /* batch trips to real mode */
	uint32_t stats_at;      /* frames at the last stats line */
	uint32_t trips_idle;    /* trips that found nothing to do */
};

/* The UNDI netdev: one per PXE ROM. nd is what net/ uses. */
struct undi {
	struct netdev nd;
	struct pxe_api *api;
	unsigned flags;
	unsigned tx_slots;      /* frame slots that fit the work area */
	unsigned tx_room;       /* bytes of each slot */
	uint8_t tx_lent;        /* slot tx_next is lent (netdev.h tx_slot) */
	unsigned tx_next;       /* slot for the next frame */
	unsigned tx_inflight;   /* sent, completion not yet seen */
	uint8_t tx_gate_off;    /* completions never come: do not wait */
	uint8_t opened;
	uint8_t isr_active;     /* in a PROCESS/GET_NEXT run: continue it */
	unsigned txq_n;         /* frames queued for the next trip */
	uint16_t ring_off, ring_size;  /* in the work area */
	uint16_t ring_pos, ring_nrec, ring_i; /* records left from a trip */
	uint16_t ring_last;     /* isr_last of that trip */
	uint8_t ring_ended;     /* ring_last acted on */
	uint16_t rx_have, rx_expect;
	uint8_t rx_drop;        /* current frame is being discarded */
	struct undi_counters cnt;
	uint32_t trips_open;    /* api->trips when opened */
	uint32_t idle_open;     /* cnt.trips_idle when opened */
	uint8_t rx_buf[NETDEV_FRAME_MAX];
};

/* Set up u as a netdev on api with UNDI_* flags; then nd.ops->open. */
void undi_init(struct undi *u, struct pxe_api *api, unsigned flags);
/* Without opening the adapter: end the base code's TFTP/UDP use and read
 * the MAC and MTU (GET_INFORMATION) into u->nd, for a caller that may
 * drive the NIC with its own driver instead. 0 or an error. */
int undi_identify(struct undi *u);

#endif
