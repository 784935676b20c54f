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
	u->rx_have = u->rx_expect = 0;
	u->rx_drop = 0;
	ll_printf("undi: open, MAC " LL_MAC_FMT ", MTU %u, via %s\n",
		  LL_MAC_ARGS(nd->mac), nd->mtu,
		  api->via_bang_pxe ? "!PXE" : "PXENV+");
	return 0;
}

static void undi_close(struct netdev *nd)
{
	struct undi *u = nd->priv;
	u->tx_lent = 0;
	if (!u->opened)
		return;
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
	if (!u->tx_gate_off && u->tx_inflight >= u->tx_slots) {
		u->cnt.tx_busy++;
		return LL_EAGAIN;
	}
	return 0;
}

/* UNDI_TRANSMIT of the len-byte frame at byte at of slot tx_next: its TBD
 * and the parameter block point into the work area. 0 or LL_EIO. */
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

	struct pxenv_undi_transmit *tx = pxe_param(api, sizeof(*tx));
	tx->Protocol = proto;
	tx->XmitFlag = (proto != P_UNKNOWN && memcmp(buf, bcast, ETH_ALEN) == 0)
			       ? XMT_BROADCAST : XMT_DESTADDR;
	tx->DestAddr.segment = api->area_seg;   /* the frame's own dest MAC */
	tx->DestAddr.offset = buf_off;
	tx->TBD.segment = api->area_seg;
	tx->TBD.offset = tbd_off;
	if (pxe_param_call(api, PXENV_UNDI_TRANSMIT) < 0) {
		u->cnt.tx_errors++;
		u->nd.tx_errors++;
		return LL_EIO;
	}
	u->tx_next = (slot + 1) % u->tx_slots;
	u->tx_inflight++;
	u->cnt.tx_frames++;
	u->nd.tx_frames++;
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
static bool rx_fragment(struct undi *u, const struct pxenv_undi_isr *isr)
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
	if (!u->rx_drop)
		memcpy(u->rx_buf + u->rx_have,
		       to_ptr(u->api, isr->Frame.segment, isr->Frame.offset),
		       isr->BufferLength);
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

/* One UNDI_ISR call with flag in; the FuncFlag out, or LL_EIO. */
static int isr_call(struct undi *u, uint16_t flag, struct pxenv_undi_isr *out)
{
	struct pxenv_undi_isr *isr = pxe_param(u->api, sizeof(*isr));
	isr->FuncFlag = flag;
	u->cnt.isr_calls++;
	if (pxe_param_call(u->api, PXENV_UNDI_ISR) < 0)
		return LL_EIO;
	memcpy(out, isr, sizeof(*out));
	return out->FuncFlag;
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

static int undi_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx,
		     unsigned budget)
{
	struct undi *u = nd->priv;
	struct pxenv_undi_isr out;
	unsigned frames = 0, calls = 0, max_calls = budget * 4 + 8;
	int flag;

	u->tx_lent = 0;
	if (!u->opened)
		return LL_ENETDOWN;
	if (budget == 0)
		return 0;
	if (u->isr_active) {
		flag = PXENV_UNDI_ISR_IN_GET_NEXT;
	} else {
		/* Interrupts are off: START asks the NIC whether it has
		 * anything for us, as the ROM's ISR would. */
		if (!(u->flags & UNDI_POLL_NO_START)) {
			flag = isr_call(u, PXENV_UNDI_ISR_IN_START, &out);
			if (flag < 0)
				return flag;
			calls++;
			if (flag != PXENV_UNDI_ISR_OUT_OURS) {
				u->cnt.isr_not_ours++;
				return 0;
			}
		}
		u->isr_active = 1;
		flag = PXENV_UNDI_ISR_IN_PROCESS;
	}
	while (frames < budget && calls < max_calls) {
		int got = isr_call(u, (uint16_t)flag, &out);
		calls++;
		if (got < 0) {
			u->isr_active = 0;
			rx_reset(u);
			return got;
		}
		flag = PXENV_UNDI_ISR_IN_GET_NEXT;
		switch (got) {
		case PXENV_UNDI_ISR_OUT_DONE:
			isr_run_done(u);
			return (int)frames;
		case PXENV_UNDI_ISR_OUT_TRANSMIT:
			u->cnt.tx_done++;
			if (u->tx_inflight)
				u->tx_inflight--;
			break;
		case PXENV_UNDI_ISR_OUT_RECEIVE:
			if (rx_fragment(u, &out)) {
				uint16_t len = u->rx_have;
				rx_reset(u);
				u->cnt.rx_frames++;
				nd->rx_frames++;
				frames++;
				rx(ctx, u->rx_buf, len);
			}
			break;
		case PXENV_UNDI_ISR_OUT_BUSY:
			u->cnt.isr_busy++;
			isr_run_done(u);
			return (int)frames;
		default:
			u->cnt.isr_unknown++;
			isr_run_done(u);
			return (int)frames;
		}
	}
	return (int)frames;   /* budget used: the run goes on next poll */
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
	unsigned slots = 0;
	u->tx_room = UNDI_TXBUF_STRIDE;
	if (api->area_size >= UNDI_AREA_MIN) {
		slots = (api->area_size - UNDI_TXBUF_OFF) / UNDI_TXBUF_STRIDE;
		if (slots == 0) {   /* one slot for copied frames only */
			slots = 1;
			u->tx_room = api->area_size - UNDI_TXBUF_OFF;
		}
	}
	u->tx_slots = slots > UNDI_TX_SLOTS ? UNDI_TX_SLOTS : slots;
}
