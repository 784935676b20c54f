/* drivers/net/undi.c - the UNDI netdev over the PXE ROM's API
 * (drivers/pxe/pxe_api.h): open, transmit, ISR polling, close. */
#include <stdbool.h>
#include "drivers/net/undi.h"
#include "drivers/pxe/pxe_proto.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

static void *to_ptr(const struct pxe_api *api, uint16_t seg, uint16_t off)
{
	return api->to_ptr(seg, off);
}


static int undi_get_information(struct undi *u)
{
	struct pxe_api *api = u->api;
	struct pxenv_undi_get_information *gi = pxe_param(api, sizeof(*gi));
	if (pxe_param_call(api, PXENV_UNDI_GET_INFORMATION) < 0)
		return LL_EIO;
	if (gi->HwAddrLen != ETH_ALEN) {
		ll_printf("undi: hardware address length %u, not Ethernet\n",
			  gi->HwAddrLen);
		return LL_ENOTSUP;
	}
	static const uint8_t zero[ETH_ALEN];
	const uint8_t *mac = gi->CurrentNodeAddress;
	if (memcmp(mac, zero, ETH_ALEN) == 0)
		mac = gi->PermNodeAddress;
	memcpy(u->nd.mac, mac, ETH_ALEN);
	/* MaxTranUnit is the IP MTU; some ROMs count the 14-byte header. */
	uint16_t mtu = gi->MaxTranUnit;
	u->nd.mtu = (mtu == 0 || mtu > 1500) ? 1500 : mtu;
	return 0;
}

int undi_identify(struct undi *u)
{
	struct pxe_api *api = u->api;

	/* Leave the base code's own TFTP/UDP use; errors mean "not open". */
	pxe_param(api, sizeof(struct pxenv_status_only));
	pxe_param_call_quiet(api, PXENV_TFTP_CLOSE);
	pxe_param(api, sizeof(struct pxenv_status_only));
	pxe_param_call_quiet(api, PXENV_UDP_CLOSE);
	return undi_get_information(u);
}

static int undi_open(struct netdev *nd)
{
	struct undi *u = nd->priv;
	struct pxe_api *api = u->api;
	int rc;

	if (u->tx_slots == 0)
		return LL_ENOMEM;   /* no usable work area (see undi_init) */
	if ((rc = undi_identify(u)) < 0)
		return rc;
	/* Closed first: some ROMs refuse OPEN on an open adapter. */
	pxe_param(api, sizeof(struct pxenv_status_only));
	pxe_param_call_quiet(api, PXENV_UNDI_CLOSE);
	struct pxenv_undi_open *op = pxe_param(api, sizeof(*op));
	op->PktFilter = FLTR_DIRECTED | FLTR_BRDCST;
	if (pxe_param_call(api, PXENV_UNDI_OPEN) < 0)
		return LL_EIO;
	u->opened = 1;
	u->tx_lent = 0;
	u->tx_inflight = 0;
	u->tx_next = 0;
	u->isr_active = 0;
	u->txq_n = 0;
	u->ring_nrec = u->ring_i = 0;
	u->ring_ended = 1;
	u->rx_have = u->rx_expect = 0;
	u->rx_drop = 0;
	u->trips_open = api->trips;
	u->idle_open = u->cnt.trips_idle;
	u->cnt.stats_at = u->cnt.rx_frames + u->cnt.tx_frames;
	ll_printf("undi: open, MAC " LL_MAC_FMT ", MTU %u, via %s\n",
		  LL_MAC_ARGS(nd->mac), nd->mtu,
		  api->via_bang_pxe ? "!PXE" : "PXENV+");
	return 0;
}

static int undi_trip(struct undi *u);

static void undi_close(struct netdev *nd)
{
	struct undi *u = nd->priv;
	u->tx_lent = 0;
	if (!u->opened)
		return;
	if (u->txq_n)
		undi_trip(u);   /* the queued frames go; what comes is dropped */
	pxe_param(u->api, sizeof(struct pxenv_status_only));
	pxe_param_call(u->api, PXENV_UNDI_CLOSE);
	u->opened = 0;
}

/* Protocol for UNDI_TRANSMIT and the header bytes the ROM will add. */
static uint8_t tx_protocol(const struct undi *u, const uint8_t *frame,
			   size_t *hdr)
{
	*hdr = 0;
	if (!(u->flags & UNDI_TX_BY_PROTOCOL))
		return P_UNKNOWN;
	uint8_t proto;
	switch (get_be16(frame + 12)) {
	case 0x0800: proto = P_IP; break;
	case 0x0806: proto = P_ARP; break;
	case 0x8035: proto = P_RARP; break;
	default: return P_UNKNOWN;
	}
	*hdr = 14;
	return proto;
}

/* Offset in the work area's segment of TX slot i, and its bytes. */
static uint16_t slot_off(const struct undi *u, unsigned i)
{
	return (uint16_t)(u->api->area_off + UNDI_TXBUF_OFF + i * u->tx_room);
}

static uint8_t *slot_ptr(const struct undi *u, unsigned i)
{
	return to_ptr(u->api, u->api->area_seg, slot_off(u, i));
}

/* Opened, and the slot tx_next free? Completions the ROM never reports
 * open the gate for good (isr_run_done). 0 or why not. */
static int undi_tx_ready(struct undi *u)
{
	if (!u->opened)
		return LL_ENETDOWN;
	if (u->txq_n >= u->tx_slots ||
	    (!u->tx_gate_off && u->tx_inflight >= u->tx_slots)) {
		u->cnt.tx_busy++;
		return LL_EAGAIN;
	}
	return 0;
}

/* Queue the len-byte frame at byte at of slot tx_next for the next trip
 * (undi_trip): its TBD and UNDI_TRANSMIT block point into the work area. */
static int undi_send(struct undi *u, uint16_t at, size_t len)
{
	struct pxe_api *api = u->api;
	static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	unsigned slot = u->tx_next;
	uint16_t buf_off = (uint16_t)(slot_off(u, slot) + at);
	uint16_t tbd_off = (uint16_t)(api->area_off + UNDI_TBD_OFF +
				      slot * UNDI_TBD_STRIDE);
	uint8_t *buf = slot_ptr(u, slot) + at;
	size_t hdr;
	uint8_t proto = tx_protocol(u, buf, &hdr);

	struct pxenv_undi_tbd *tbd = to_ptr(api, api->area_seg, tbd_off);
	memset(tbd, 0, sizeof(*tbd));
	tbd->ImmedLength = (uint16_t)(len - hdr);
	tbd->Xmit.segment = api->area_seg;
	tbd->Xmit.offset = (uint16_t)(buf_off + hdr);

	struct pxenv_undi_transmit *tx = to_ptr(api, api->area_seg,
		(uint16_t)(api->area_off + UNDI_TXP_OFF + u->txq_n * RB_TX_STRIDE));
	memset(tx, 0, sizeof(*tx));
	tx->Protocol = proto;
	tx->XmitFlag = (proto != P_UNKNOWN && memcmp(buf, bcast, ETH_ALEN) == 0)
			       ? XMT_BROADCAST : XMT_DESTADDR;
	tx->DestAddr.segment = api->area_seg;   /* the frame's own dest MAC */
	tx->DestAddr.offset = buf_off;
	tx->TBD.segment = api->area_seg;
	tx->TBD.offset = tbd_off;
	u->txq_n++;
	u->tx_next = (slot + 1) % u->tx_slots;
	u->tx_inflight++;
	return 0;
}

static int undi_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct undi *u = nd->priv;
	int rc;

	u->tx_lent = 0;
	if (!u->opened)
		return LL_ENETDOWN;
	if (len < 14 || len > NETDEV_FRAME_MAX)
		return LL_EINVAL;
	if ((rc = undi_tx_ready(u)) != 0)
		return rc;
	memcpy(slot_ptr(u, u->tx_next), frame, len);
	return undi_send(u, 0, len);
}

/* Lend slot tx_next, when it is big enough to build a frame in. */
static int undi_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room)
{
	struct undi *u = nd->priv;
	int rc;

	u->tx_lent = 0;
	if ((rc = undi_tx_ready(u)) != 0)
		return rc;
	if (u->tx_room < NETDEV_TX_SLOT_MIN)
		return LL_ENOTSUP;
	*buf = slot_ptr(u, u->tx_next);
	*room = u->tx_room;
	u->tx_lent = 1;
	return 0;
}

static int undi_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct undi *u = nd->priv;
	const uint8_t *slot = slot_ptr(u, u->tx_next);

	if (!u->tx_lent || !u->opened)
		return LL_EINVAL;
	u->tx_lent = 0;
	if (len < 14 || len > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	if (frame < slot || frame > slot + u->tx_room ||
	    len > (size_t)(slot + u->tx_room - frame))
		return LL_EINVAL;
	return undi_send(u, (uint16_t)(frame - slot), len);
}

static void rx_reset(struct undi *u)
{
	u->rx_have = u->rx_expect = 0;
	u->rx_drop = 0;
}

/* One RECEIVE piece; true when a whole frame is ready in rx_buf. */
static bool rx_fragment(struct undi *u, const struct pxenv_undi_isr *isr,
			const uint8_t *src, uint16_t copied)
{
	u->cnt.rx_fragments++;
	if (u->rx_have != 0 && isr->FrameLength != u->rx_expect) {
		u->cnt.rx_partial++;
		rx_reset(u);
	}
	if (u->rx_have == 0) {
		u->rx_expect = isr->FrameLength;
		u->rx_drop = isr->FrameLength > NETDEV_FRAME_MAX;
	}
	if (isr->FrameLength == 0 || isr->BufferLength == 0 ||
	    (uint32_t)u->rx_have + isr->BufferLength > u->rx_expect ||
	    (uint32_t)isr->Frame.offset + isr->BufferLength > 0x10000u) {
		u->cnt.rx_bad_frag++;
		rx_reset(u);
		return false;
	}
	if (!u->rx_drop && copied != isr->BufferLength) {
		u->cnt.rx_bad_frag++;   /* the trip could not copy it */
		rx_reset(u);
		return false;
	}
	if (!u->rx_drop)
		memcpy(u->rx_buf + u->rx_have, src, isr->BufferLength);
	u->rx_have = (uint16_t)(u->rx_have + isr->BufferLength);
	if (u->rx_have < u->rx_expect)
		return false;
	if (u->rx_drop) {
		u->cnt.rx_oversize++;
		rx_reset(u);
		return false;
	}
	return true;
}

/* End of a PROCESS/GET_NEXT run. A ROM that never reported a finished
 * send while the ring is full will never do so: stop waiting for it. */
static void isr_run_done(struct undi *u)
{
	u->isr_active = 0;
	if (u->rx_have != 0) {
		u->cnt.rx_partial++;
		rx_reset(u);
	}
	if (!u->tx_gate_off && u->tx_inflight >= u->tx_slots &&
	    u->cnt.tx_done == 0) {
		u->tx_gate_off = 1;
		u->cnt.tx_ungated++;
		ll_printf("undi: ROM reports no transmit completions\n");
	}
}

/* Every UNDI_STATS_EVERY frames (received + sent), one console line with
 * the trips to real mode per frame since open: the cost UNDI pays. */
static void undi_stats(struct undi *u)
{
	uint32_t frames = u->cnt.rx_frames + u->cnt.tx_frames;
	if (frames - u->cnt.stats_at < UNDI_STATS_EVERY)
		return;
	u->cnt.stats_at = frames;
	uint32_t trips = u->api->trips - u->trips_open;
	uint32_t idle = u->cnt.trips_idle - u->idle_open;
	uint32_t per100 = (uint32_t)((uint64_t)(trips - idle) * 100 / frames);
	ll_logf("undi: %u frames (rx %u, tx %u), %u trips to real mode "
		  "(%u idle), %u.%02u busy per frame\n", frames, u->cnt.rx_frames,
		  u->cnt.tx_frames, trips, idle, per100 / 100, per100 % 100);
}

/* After a trip: the frames it sent, and the one that failed (lost: its
 * slot is free again; those behind it stay queued for the next trip). */
static void tx_after_trip(struct undi *u, const struct rm_batch *b)
{
	unsigned sent = b->tx_sent < u->txq_n ? b->tx_sent : u->txq_n;
	u->cnt.tx_frames += sent;
	u->nd.tx_frames += sent;
	if (sent == u->txq_n) {
		u->txq_n = 0;
		return;
	}
	u->cnt.tx_errors++;
	u->nd.tx_errors++;
	if (u->tx_inflight)
		u->tx_inflight--;
	unsigned left = u->txq_n - sent - 1;
	uint8_t *txp = to_ptr(u->api, u->api->area_seg,
			      (uint16_t)(u->api->area_off + UNDI_TXP_OFF));
	memmove(txp, txp + (sent + 1) * RB_TX_STRIDE, left * RB_TX_STRIDE);
	u->txq_n = left;
}

/* One trip to real mode: send the queued frames, then run the ROM's ISR
 * until it is empty or the ring full; the ring is read by ring_drain. */
static int undi_trip(struct undi *u)
{
	struct pxe_api *api = u->api;
	uint16_t cb = (uint16_t)(api->area_off + UNDI_CB_OFF);
	struct rm_batch *b = to_ptr(api, api->area_seg, cb);
	int rc;

	memset(b, 0, sizeof(*b));
	b->isr_in = u->isr_active ? PXENV_UNDI_ISR_IN_GET_NEXT
		    : (u->flags & UNDI_POLL_NO_START) ? PXENV_UNDI_ISR_IN_PROCESS
		    : PXENV_UNDI_ISR_IN_START;
	b->isr_param = (uint16_t)(api->area_off + UNDI_ISRP_OFF);
	b->tx_n = (uint16_t)u->txq_n;
	b->tx_param = (uint16_t)(api->area_off + UNDI_TXP_OFF);
	b->ring_off = (uint16_t)(api->area_off + u->ring_off);
	b->ring_size = u->ring_size;
	b->rec_max = UNDI_REC_MAX;
	u->cnt.trips++;
	if ((rc = pxe_batch(api, cb)) < 0)
		return rc;
	tx_after_trip(u, b);
	if (b->tx_n == 0 && b->nrec == 0)
		u->cnt.trips_idle++;   /* nothing sent, nothing came */
	u->cnt.isr_calls += b->calls - b->tx_sent -
			    (b->tx_sent < b->tx_n ? 1 : 0);
	u->ring_nrec = b->nrec < UNDI_REC_MAX ? b->nrec : UNDI_REC_MAX;
	u->ring_i = 0;
	u->ring_pos = 0;
	u->ring_last = b->isr_last;
	u->ring_ended = 0;
	u->isr_active = b->isr_last == RB_LAST_MORE;
	if (b->isr_last == PXENV_UNDI_ISR_OUT_NOT_OURS && b->nrec == 0 &&
	    b->isr_in == PXENV_UNDI_ISR_IN_START)
		u->ring_last = RB_LAST_NOT_OURS;
	return 0;
}

/* The trip's ending, once its records are read: 0 or LL_EIO. */
static int ring_end(struct undi *u)
{
	u->ring_ended = 1;
	switch (u->ring_last) {
	case RB_LAST_MORE:
		return 0;
	case RB_LAST_NOT_OURS:
		u->cnt.isr_not_ours++;
		return 0;
	case RB_LAST_FAILED:
		rx_reset(u);
		u->isr_active = 0;
		return LL_EIO;
	case PXENV_UNDI_ISR_OUT_DONE:
		break;
	case PXENV_UNDI_ISR_OUT_BUSY:
		u->cnt.isr_busy++;
		break;
	default:
		u->cnt.isr_unknown++;
		break;
	}
	isr_run_done(u);
	return 0;
}

/* Hand up the ring's frames, up to budget (TRANSMIT answers are read
 * whatever the budget). 0 or the trip's error. */
static int ring_drain(struct undi *u, netdev_rx_fn rx, void *ctx,
		      unsigned budget, unsigned *frames)
{
	struct pxe_api *api = u->api;
	while (u->ring_i < u->ring_nrec) {
		uint16_t at = (uint16_t)(api->area_off + u->ring_off + u->ring_pos);
		const struct rm_batch_rec *r = to_ptr(api, api->area_seg, at);
		if (r->flag == PXENV_UNDI_ISR_OUT_RECEIVE && *frames >= budget)
			return 0;
		u->ring_i++;
		u->ring_pos = (uint16_t)(u->ring_pos + rm_batch_rec_size(r->copied));
		if (r->flag == PXENV_UNDI_ISR_OUT_TRANSMIT) {
			u->cnt.tx_done++;
			if (u->tx_inflight > u->txq_n)
				u->tx_inflight--;
			continue;
		}
		struct pxenv_undi_isr isr = {
			.FuncFlag = r->flag, .BufferLength = r->buflen,
			.FrameLength = r->framelen,
			.Frame = { .offset = r->foff, .segment = r->fseg } };
		if (rx_fragment(u, &isr, (const uint8_t *)(r + 1), r->copied)) {
			uint16_t len = u->rx_have;
			rx_reset(u);
			u->cnt.rx_frames++;
			u->nd.rx_frames++;
			(*frames)++;
			rx(ctx, u->rx_buf, len);
		}
	}
	return u->ring_ended ? 0 : ring_end(u);
}

static int undi_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx,
		     unsigned budget)
{
	struct undi *u = nd->priv;
	unsigned frames = 0;
	int rc;

	u->tx_lent = 0;
	if (!u->opened)
		return LL_ENETDOWN;
	undi_stats(u);
	rc = ring_drain(u, rx, ctx, budget, &frames);
	/* a trip when the ring is empty; more while the ROM's run is open
	 * (the ring was full) and the budget allows */
	for (unsigned t = 0; rc == 0 && u->ring_i == u->ring_nrec &&
	     t < UNDI_TRIPS_PER_POLL; t++) {
		if (t > 0 && (!u->isr_active || frames >= budget))
			break;
		if ((rc = undi_trip(u)) < 0)
			break;
		rc = ring_drain(u, rx, ctx, budget, &frames);
	}
	return frames ? (int)frames : rc;
}

static const struct netdev_ops undi_ops = {
	.open = undi_open,
	.close = undi_close,
	.transmit = undi_transmit,
	.tx_slot = undi_tx_slot,
	.tx_commit = undi_tx_commit,
	.poll = undi_poll,
	.wait = NULL,
};

void undi_init(struct undi *u, struct pxe_api *api, unsigned flags)
{
	memset(u, 0, sizeof(*u));
	u->api = api;
	u->flags = flags;
	u->nd.ops = &undi_ops;
	u->nd.priv = u;
	u->nd.name = "undi";
	u->nd.mtu = 1500;
	u->nd.rx_hold = UNDI_RX_HOLD;
	unsigned slots = 0;
	u->tx_room = UNDI_TXBUF_STRIDE;
	u->ring_ended = 1;
	if (api->area_size >= UNDI_AREA_MIN) {
		unsigned room = api->area_size - UNDI_TXBUF_OFF - RB_REC_ROOM;
		slots = room / UNDI_TXBUF_STRIDE;
		if (slots == 0) {   /* one slot for copied frames only */
			slots = 1;
			u->tx_room = UNDI_COPY_SLOT;
		}
	}
	u->tx_slots = slots > UNDI_TX_SLOTS ? UNDI_TX_SLOTS : slots;
	u->ring_off = (uint16_t)(UNDI_TXBUF_OFF + u->tx_slots * u->tx_room);
	if (api->area_size > u->ring_off)
		u->ring_size = (uint16_t)(api->area_size - u->ring_off);
}
