/* net/undi.c - the PXE ROM's API: finding !PXE / PXENV+, the cached
 * DHCPACK, and the UNDI netdev (open, transmit, ISR polling, close). */
#include <stdbool.h>
#include "net/undi.h"
#include "net/pxe_api.h"
#include "net/dhcp.h"       /* DHCP_OFF_* and the cookie, to judge a packet */
#include "arch/x86/realmode.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define BDA_SEG          0x0040
#define BDA_BASEMEM_KIB  0x0013  /* free base memory in KiB */
#define SCAN_LOW_DEFAULT 0x10000u
#define SCAN_HIGH        0xA0000u

static void *to_ptr(const struct pxe_api *api, uint16_t seg, uint16_t off)
{
	return api->to_ptr(seg, off);
}

int pxe_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

/* A valid !PXE at seg:off, or NULL. */
static const struct pxe_bang_pxe *bang_at(const struct pxe_api *api,
					  uint16_t seg, uint16_t off)
{
	if (seg == 0 && off == 0)
		return NULL;
	if ((uint32_t)off + sizeof(struct pxe_bang_pxe) > 0x10000u)
		return NULL;
	const struct pxe_bang_pxe *b = to_ptr(api, seg, off);
	if (memcmp(b->Signature, PXE_BANG_SIGNATURE, 4) != 0)
		return NULL;
	if (b->StructLength < sizeof(*b) ||
	    (uint32_t)off + b->StructLength > 0x10000u)
		return NULL;
	if (!pxe_checksum_ok(b, b->StructLength))
		return NULL;
	if (b->EntryPointSP.segment == 0)
		return NULL;
	return b;
}

/* A valid PXENV+ at seg:off, or NULL. */
static const struct pxe_pxenv *pxenv_at(const struct pxe_api *api,
					uint16_t seg, uint16_t off)
{
	if (seg == 0 && off == 0)
		return NULL;
	if ((uint32_t)off + sizeof(struct pxe_pxenv) > 0x10000u)
		return NULL;
	const struct pxe_pxenv *v = to_ptr(api, seg, off);
	if (memcmp(v->Signature, PXENV_SIGNATURE, 6) != 0)
		return NULL;
	if (v->Length < PXENV_LEN_NO_PXEPTR || v->Length > 0x80)
		return NULL;
	if (!pxe_checksum_ok(v, v->Length))
		return NULL;
	if (v->RMEntry.segment == 0)
		return NULL;
	return v;
}

static void use_bang(struct pxe_api *api, const struct pxe_bang_pxe *b)
{
	api->entry_seg = b->EntryPointSP.segment;
	api->entry_off = b->EntryPointSP.offset;
	api->via_bang_pxe = 1;
}

/* Spec's last resort: !PXE sits on a paragraph between the top of free
 * base memory (40:13) and 0xA0000. */
static const struct pxe_bang_pxe *scan_for_bang(const struct pxe_api *api)
{
	uint16_t kib;
	memcpy(&kib, to_ptr(api, BDA_SEG, BDA_BASEMEM_KIB), sizeof(kib));
	uint32_t lo = (uint32_t)kib * 1024u;
	if (lo < SCAN_LOW_DEFAULT || lo >= SCAN_HIGH)
		lo = SCAN_LOW_DEFAULT;
	for (uint32_t a = lo & ~0xfu; a + sizeof(struct pxe_bang_pxe) <= SCAN_HIGH;
	     a += 16) {
		const struct pxe_bang_pxe *b = bang_at(api, (uint16_t)(a >> 4), 0);
		if (b)
			return b;
	}
	return NULL;
}

int pxe_set_area(struct pxe_api *api, uint16_t seg, uint16_t off, uint32_t size)
{
	if (size > 0x10000u - off)
		size = 0x10000u - off;
	if (size > 0xfff0u)
		size = 0xfff0u;
	if (size < UNDI_AREA_MIN)
		return LL_EINVAL;
	api->area_seg = seg;
	api->area_off = off;
	api->area_size = (uint16_t)size;
	return 0;
}

int pxe_find_api(struct pxe_api *api, uint16_t pxenv_seg, uint16_t pxenv_off,
		 uint16_t bang_seg, uint16_t bang_off, pxe_rm_to_ptr_fn fn)
{
	memset(api, 0, sizeof(*api));
	api->to_ptr = fn ? fn : rm_ptr;
	const struct pxe_bang_pxe *b = bang_at(api, bang_seg, bang_off);
	const struct pxe_pxenv *v = pxenv_at(api, pxenv_seg, pxenv_off);
	if (v)
		api->pxenv_version = v->Version;
	if (!b && v && v->Version >= PXENV_VERSION_2_1 &&
	    v->Length >= sizeof(struct pxe_pxenv))
		b = bang_at(api, v->PXEPtr.segment, v->PXEPtr.offset);
	if (b) {
		use_bang(api, b);
	} else if (v) {
		api->entry_seg = v->RMEntry.segment;
		api->entry_off = v->RMEntry.offset;
	} else if ((b = scan_for_bang(api)) != NULL) {
		use_bang(api, b);
		api->found_by_scan = 1;
	} else {
		ll_printf("pxe: no valid !PXE or PXENV+ structure\n");
		return LL_ENODEV;
	}
	if (pxe_set_area(api, rm_bounce_seg(), 0, rm_bounce_size()) < 0) {
		ll_printf("pxe: bounce buffer too small for UNDI\n");
		return LL_ENOMEM;
	}
	return 0;
}

/* Issue opcode; 0 on success, else LL_EIO with api->last_status set. */
static int pxe_call_quiet(struct pxe_api *api, uint16_t opcode, uint16_t seg,
			  uint16_t off, uint16_t *ax_out)
{
	uint16_t status;
	uint16_t ax = rm_pxe_call(api->entry_seg, api->entry_off, opcode, seg, off);
	memcpy(&status, to_ptr(api, seg, off), sizeof(status));
	api->calls++;
	*ax_out = ax;
	if (ax == PXENV_EXIT_SUCCESS && status == PXENV_STATUS_SUCCESS)
		return 0;
	api->failures++;
	api->last_status = status;
	return LL_EIO;
}

int pxe_call(struct pxe_api *api, uint16_t opcode, uint16_t seg, uint16_t off)
{
	uint16_t ax;
	int rc = pxe_call_quiet(api, opcode, seg, off, &ax);
	if (rc == 0)
		return 0;
	unsigned slot = opcode & 0x7f, word = slot / 32, bit = slot % 32;
	if (opcode < 0x80 && !(api->printed[word] & (1u << bit))) {
		api->printed[word] |= 1u << bit;
		ll_printf("pxe: call 0x%04x failed: AX %u, status 0x%04x\n",
			  opcode, ax, api->last_status);
	}
	return rc;
}

/* The parameter block in the work area. */
static void *param(struct pxe_api *api, size_t len)
{
	void *p = to_ptr(api, api->area_seg, api->area_off + UNDI_PARAM_OFF);
	memset(p, 0, len);
	return p;
}

static int param_call(struct pxe_api *api, uint16_t opcode)
{
	return pxe_call(api, opcode, api->area_seg, api->area_off + UNDI_PARAM_OFF);
}

static int param_call_quiet(struct pxe_api *api, uint16_t opcode)
{
	uint16_t ax;
	return pxe_call_quiet(api, opcode, api->area_seg,
			      api->area_off + UNDI_PARAM_OFF, &ax);
}

/* A BOOTREPLY with the DHCP cookie: worth handing to dhcp_use_ack. */
static bool looks_like_reply(const uint8_t *pkt, size_t len)
{
	return len >= DHCP_OFF_OPTIONS && pkt[0] == BOOTREPLY &&
	       get_be32(pkt + DHCP_OFF_COOKIE) == DHCP_COOKIE;
}

/* One GET_CACHED_INFO of type; first asking for the ROM's own copy, then
 * (if that gives nothing) having it copied into the work area. */
static int cached_packet(struct pxe_api *api, uint16_t type, uint8_t *buf,
			 size_t cap)
{
	struct pxenv_get_cached_info *gc = param(api, sizeof(*gc));
	gc->PacketType = type;
	int rc = param_call_quiet(api, PXENV_GET_CACHED_INFO);
	size_t len = 0;
	if (rc == 0 && gc->Buffer.segment != 0 && gc->BufferSize != 0) {
		len = gc->BufferSize < cap ? gc->BufferSize : cap;
		if ((uint32_t)gc->Buffer.offset + len > 0x10000u)
			len = 0x10000u - gc->Buffer.offset;
		memcpy(buf, to_ptr(api, gc->Buffer.segment, gc->Buffer.offset), len);
		if (looks_like_reply(buf, len))
			return (int)len;
	}
	size_t room = api->area_size - UNDI_TXBUF_OFF;
	if (room > cap)
		room = cap;
	uint16_t off = (uint16_t)(api->area_off + UNDI_TXBUF_OFF);
	gc = param(api, sizeof(*gc));
	gc->PacketType = type;
	gc->BufferSize = (uint16_t)room;
	gc->Buffer.segment = api->area_seg;
	gc->Buffer.offset = off;
	if ((rc = param_call(api, PXENV_GET_CACHED_INFO)) < 0)
		return rc;
	len = gc->BufferSize < room ? gc->BufferSize : room;
	memcpy(buf, to_ptr(api, api->area_seg, off), len);
	return looks_like_reply(buf, len) ? (int)len : LL_ENOENT;
}

int pxe_get_cached_dhcpack(struct pxe_api *api, uint8_t *buf, size_t cap)
{
	if (cap < DHCP_OFF_OPTIONS)
		return LL_EINVAL;
	int rc = cached_packet(api, PXENV_PACKET_TYPE_DHCP_ACK, buf, cap);
	if (rc >= 0)
		return rc;
	int rc3 = cached_packet(api, PXENV_PACKET_TYPE_CACHED_REPLY, buf, cap);
	if (rc3 >= 0)
		return rc3;
	ll_printf("pxe: no cached DHCPACK from the ROM\n");
	return rc == LL_EIO && rc3 == LL_EIO ? LL_EIO : LL_ENOENT;
}

/* ---- the UNDI netdev ---- */

static int undi_get_information(struct undi *u)
{
	struct pxe_api *api = u->api;
	struct pxenv_undi_get_information *gi = param(api, sizeof(*gi));
	if (param_call(api, PXENV_UNDI_GET_INFORMATION) < 0)
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
	param(api, sizeof(struct pxenv_status_only));
	param_call_quiet(api, PXENV_TFTP_CLOSE);
	param(api, sizeof(struct pxenv_status_only));
	param_call_quiet(api, PXENV_UDP_CLOSE);
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
	param(api, sizeof(struct pxenv_status_only));
	param_call_quiet(api, PXENV_UNDI_CLOSE);
	struct pxenv_undi_open *op = param(api, sizeof(*op));
	op->PktFilter = FLTR_DIRECTED | FLTR_BRDCST;
	if (param_call(api, PXENV_UNDI_OPEN) < 0)
		return LL_EIO;
	u->opened = 1;
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
	if (!u->opened)
		return;
	param(u->api, sizeof(struct pxenv_status_only));
	param_call(u->api, PXENV_UNDI_CLOSE);
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

static int undi_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct undi *u = nd->priv;
	struct pxe_api *api = u->api;
	static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (!u->opened)
		return LL_ENETDOWN;
	if (len < 14 || len > NETDEV_FRAME_MAX)
		return LL_EINVAL;
	if (!u->tx_gate_off && u->tx_inflight >= u->tx_slots) {
		u->cnt.tx_busy++;
		return LL_EAGAIN;
	}
	unsigned slot = u->tx_next;
	uint16_t buf_off = (uint16_t)(api->area_off + UNDI_TXBUF_OFF +
				      slot * UNDI_TXBUF_STRIDE);
	uint16_t tbd_off = (uint16_t)(api->area_off + UNDI_TBD_OFF +
				      slot * UNDI_TBD_STRIDE);
	uint8_t *buf = to_ptr(api, api->area_seg, buf_off);
	memcpy(buf, frame, len);
	size_t hdr;
	uint8_t proto = tx_protocol(u, buf, &hdr);

	struct pxenv_undi_tbd *tbd = to_ptr(api, api->area_seg, tbd_off);
	memset(tbd, 0, sizeof(*tbd));
	tbd->ImmedLength = (uint16_t)(len - hdr);
	tbd->Xmit.segment = api->area_seg;
	tbd->Xmit.offset = (uint16_t)(buf_off + hdr);

	struct pxenv_undi_transmit *tx = param(api, sizeof(*tx));
	tx->Protocol = proto;
	tx->XmitFlag = (proto != P_UNKNOWN && memcmp(buf, bcast, ETH_ALEN) == 0)
			       ? XMT_BROADCAST : XMT_DESTADDR;
	tx->DestAddr.segment = api->area_seg;   /* the frame's own dest MAC */
	tx->DestAddr.offset = buf_off;
	tx->TBD.segment = api->area_seg;
	tx->TBD.offset = tbd_off;
	if (param_call(api, PXENV_UNDI_TRANSMIT) < 0) {
		u->cnt.tx_errors++;
		nd->tx_errors++;
		return LL_EIO;
	}
	u->tx_next = (slot + 1) % u->tx_slots;
	u->tx_inflight++;
	u->cnt.tx_frames++;
	nd->tx_frames++;
	return 0;
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
	struct pxenv_undi_isr *isr = param(u->api, sizeof(*isr));
	isr->FuncFlag = flag;
	u->cnt.isr_calls++;
	if (param_call(u->api, PXENV_UNDI_ISR) < 0)
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
	if (api->area_size >= UNDI_AREA_MIN)
		slots = (api->area_size - UNDI_TXBUF_OFF) / UNDI_TXBUF_STRIDE;
	u->tx_slots = slots > UNDI_TX_SLOTS ? UNDI_TX_SLOTS : slots;
}
