/* drivers/pxe/pxe_api.c - the PXE ROM's API itself: find !PXE or PXENV+,
 * call it through the real-mode door, and take the DHCPACK the ROM cached.
 * The UNDI netdev (drivers/net/undi.c) and the PXE boot flow use it. */
#include <stdbool.h>
#include "drivers/pxe/pxe_api.h"
#include "drivers/pxe/pxe_proto.h"
#include "platform/realmode.h"
#include "platform/rm_batch.h"
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
	if (size < PXE_AREA_MIN)
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
	api->trips++;
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

int pxe_batch(struct pxe_api *api, uint16_t off)
{
	struct rm_batch *b = to_ptr(api, api->area_seg, off);
	b->entry_off = api->entry_off;
	b->entry_seg = api->entry_seg;
	b->via_bang = api->via_bang_pxe;
	api->trips++;
	int rc = rm_undi_batch(api->area_seg, off);
	if (rc < 0)
		return rc;
	api->calls += b->calls;
	return 0;
}

/* The parameter block in the work area. */
void *pxe_param(struct pxe_api *api, size_t len)
{
	void *p = to_ptr(api, api->area_seg, api->area_off + PXE_PARAM_OFF);
	memset(p, 0, len);
	return p;
}

int pxe_param_call(struct pxe_api *api, uint16_t opcode)
{
	return pxe_call(api, opcode, api->area_seg, api->area_off + PXE_PARAM_OFF);
}

int pxe_param_call_quiet(struct pxe_api *api, uint16_t opcode)
{
	uint16_t ax;
	return pxe_call_quiet(api, opcode, api->area_seg,
			      api->area_off + PXE_PARAM_OFF, &ax);
}

/* A BOOTREPLY with the DHCP cookie: worth handing to dhcp_use_ack. */
static bool looks_like_reply(const uint8_t *pkt, size_t len)
{
	return len >= PXE_BOOTP_MIN && pkt[0] == PXE_BOOTP_REPLY &&
	       get_be32(pkt + PXE_BOOTP_COOKIE_OFF) == PXE_BOOTP_COOKIE;
}

/* One GET_CACHED_INFO of type; first asking for the ROM's own copy, then
 * (if that gives nothing) having it copied into the work area. */
static int cached_packet(struct pxe_api *api, uint16_t type, uint8_t *buf,
			 size_t cap)
{
	struct pxenv_get_cached_info *gc = pxe_param(api, sizeof(*gc));
	gc->PacketType = type;
	int rc = pxe_param_call_quiet(api, PXENV_GET_CACHED_INFO);
	size_t len = 0;
	if (rc == 0 && gc->Buffer.segment != 0 && gc->BufferSize != 0) {
		len = gc->BufferSize < cap ? gc->BufferSize : cap;
		if ((uint32_t)gc->Buffer.offset + len > 0x10000u)
			len = 0x10000u - gc->Buffer.offset;
		memcpy(buf, to_ptr(api, gc->Buffer.segment, gc->Buffer.offset), len);
		if (looks_like_reply(buf, len))
			return (int)len;
	}
	size_t room = api->area_size - PXE_SCRATCH_OFF;
	if (room > cap)
		room = cap;
	uint16_t off = (uint16_t)(api->area_off + PXE_SCRATCH_OFF);
	gc = pxe_param(api, sizeof(*gc));
	gc->PacketType = type;
	gc->BufferSize = (uint16_t)room;
	gc->Buffer.segment = api->area_seg;
	gc->Buffer.offset = off;
	if ((rc = pxe_param_call(api, PXENV_GET_CACHED_INFO)) < 0)
		return rc;
	len = gc->BufferSize < room ? gc->BufferSize : room;
	memcpy(buf, to_ptr(api, api->area_seg, off), len);
	return looks_like_reply(buf, len) ? (int)len : LL_ENOENT;
}

int pxe_get_cached_dhcpack(struct pxe_api *api, uint8_t *buf, size_t cap)
{
	if (cap < PXE_BOOTP_MIN)
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

