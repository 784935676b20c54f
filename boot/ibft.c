/* boot/ibft.c - iBFT builder: header, control, initiator, NIC and target
 * structures at fixed 16-byte aligned offsets, strings in a heap after
 * them, checksum last so the table sums to zero. */
#include "boot/ibft.h"
#include "boot/ibft_proto.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

struct ibft_heap {
	uint8_t *base;
	size_t pos, cap;
	int err;
};

/* Address of a (length, offset) pair inside a packed structure. */
#define IBFT_PAIR(p, type, len_member) \
	((uint8_t *)(p) + __builtin_offsetof(type, len_member))

/* Append s to the heap; write its length and offset (little-endian u16s,
 * both 0 for an empty s) at pair. */
static void ibft_str(struct ibft_heap *h, const char *s, uint8_t *pair)
{
	size_t n = s ? strlen(s) : 0;

	put_le16(pair, 0);
	put_le16(pair + 2, 0);
	if (!n)
		return;
	if (n > 0xffff || h->pos + n + 1 > h->cap || h->pos + n + 1 > 0xffff) {
		h->err = LL_EMSGSIZE;
		return;
	}
	memcpy(h->base + h->pos, s, n + 1);
	put_le16(pair, (uint16_t)n);
	put_le16(pair + 2, (uint16_t)h->pos);
	h->pos += n + 1;
}

/* IPv4 (host order) as an IPv4-mapped IPv6 address; 0 stays all-zero. */
static void ibft_ip(uint8_t out[16], uint32_t ip)
{
	memset(out, 0, 16);
	if (!ip)
		return;
	out[10] = 0xff;
	out[11] = 0xff;
	out[12] = (uint8_t)(ip >> 24);
	out[13] = (uint8_t)(ip >> 16);
	out[14] = (uint8_t)(ip >> 8);
	out[15] = (uint8_t)ip;
}

static uint8_t ibft_prefix(uint32_t mask)
{
	uint8_t n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

static void ibft_hdr(struct ibft_struct_hdr *h, uint8_t id, uint16_t len,
		     uint8_t flags)
{
	h->id = id;
	h->version = 1;
	h->length = len;
	h->index = 0;
	h->flags = flags;
}

static void ibft_fill_nic(struct ibft_nic *n, const struct ibft_info *in,
			  struct ibft_heap *h)
{
	int link_local = (in->ip >> 16) == 0xa9fe; /* 169.254/16 */

	ibft_hdr(&n->hdr, IBFT_ID_NIC, sizeof(*n), IBFT_FL_VALID |
		 IBFT_FL_BOOT | (link_local ? 0 : IBFT_FL_NIC_GLOBAL));
	ibft_ip(n->ip, in->ip);
	n->prefix_len = ibft_prefix(in->netmask);
	n->origin = in->from_dhcp ? IBFT_ORIGIN_DHCP : IBFT_ORIGIN_MANUAL;
	ibft_ip(n->gateway, in->gateway);
	ibft_ip(n->dns1, in->dns1);
	ibft_ip(n->dns2, in->dns2);
	ibft_ip(n->dhcp, in->dhcp_server);
	n->vlan = in->vlan;
	memcpy(n->mac, in->mac, 6);
	n->pci_bdf = in->pci_known ? (uint16_t)(in->pci_bus << 8 |
			(in->pci_dev & 0x1f) << 3 | (in->pci_fn & 7)) : 0;
	ibft_str(h, in->hostname, IBFT_PAIR(n, struct ibft_nic, hostname_len));
}

#define TGT_PAIR(t, m) IBFT_PAIR(t, struct ibft_target, m)

/* Target structure index idx: the booted portal (0, flagged boot) or the
 * alternate one (1) of the same target name, LUN and CHAP. */
static void ibft_fill_target(struct ibft_target *t, const struct ibft_info *in,
			     struct ibft_heap *h, uint8_t idx)
{
	int chap = in->chap_user && *in->chap_user && in->chap_secret &&
		   *in->chap_secret;
	int mutual = chap && in->rchap_user && *in->rchap_user &&
		     in->rchap_secret && *in->rchap_secret;

	uint16_t port = idx ? in->alt_port : in->target_port;

	ibft_hdr(&t->hdr, IBFT_ID_TARGET, sizeof(*t),
		 IBFT_FL_VALID | (idx ? 0 : IBFT_FL_BOOT));
	t->hdr.index = idx;
	ibft_ip(t->ip, idx ? in->alt_ip : in->target_ip);
	t->port = port ? port : 3260;
	memcpy(t->lun, in->lun, 8);
	t->chap_type = mutual ? IBFT_CHAP_MUTUAL : chap ? IBFT_CHAP_ONEWAY
						      : IBFT_CHAP_NONE;
	t->nic_assoc = 0;
	ibft_str(h, in->target_name, TGT_PAIR(t, name_len));
	if (chap) {
		ibft_str(h, in->chap_user, TGT_PAIR(t, chap_name_len));
		ibft_str(h, in->chap_secret, TGT_PAIR(t, chap_secret_len));
	}
	if (mutual) {
		ibft_str(h, in->rchap_user, TGT_PAIR(t, rchap_name_len));
		ibft_str(h, in->rchap_secret, TGT_PAIR(t, rchap_secret_len));
	}
}

uint8_t ibft_sum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

int ibft_build(void *buf, size_t cap, const struct ibft_info *in)
{
	uint8_t *b = buf;
	struct ibft_table_hdr *th = buf;
	struct ibft_control *ctl = (void *)(b + IBFT_OFF_CONTROL);
	struct ibft_initiator *ini = (void *)(b + IBFT_OFF_INITIATOR);
	struct ibft_heap h = { b, IBFT_OFF_HEAP, cap, 0 };
	size_t len;

	if (!in->target_name || !*in->target_name || !in->initiator_iqn ||
	    !*in->initiator_iqn)
		return LL_EINVAL;
	if (cap < IBFT_OFF_HEAP)
		return LL_EMSGSIZE;
	memset(b, 0, cap);
	ibft_hdr(&ctl->hdr, IBFT_ID_CONTROL, sizeof(*ctl), 0);
	ctl->initiator_off = IBFT_OFF_INITIATOR;
	ctl->nic0_off = IBFT_OFF_NIC;
	ctl->target0_off = IBFT_OFF_TARGET;
	ibft_hdr(&ini->hdr, IBFT_ID_INITIATOR, sizeof(*ini),
		 IBFT_FL_VALID | IBFT_FL_BOOT);
	ibft_str(&h, in->initiator_iqn,
		 IBFT_PAIR(ini, struct ibft_initiator, name_len));
	ibft_fill_nic((void *)(b + IBFT_OFF_NIC), in, &h);
	ibft_fill_target((void *)(b + IBFT_OFF_TARGET), in, &h, 0);
	if (in->alt_ip) {
		ctl->target1_off = IBFT_OFF_TARGET1;
		ibft_fill_target((void *)(b + IBFT_OFF_TARGET1), in, &h, 1);
	}
	if (h.err)
		return h.err;
	len = (h.pos + IBFT_ALIGN - 1) & ~(size_t)(IBFT_ALIGN - 1);
	if (len > cap)
		len = h.pos;
	memcpy(th->sig, IBFT_SIGNATURE, 4);
	th->length = (uint32_t)len;
	th->revision = IBFT_REVISION;
	memcpy(th->oem_id, "LIFELN", 6);
	memcpy(th->oem_table_id, "LIFELINE", 8);
	th->checksum = (uint8_t)(0x100 - ibft_sum(b, len));
	return (int)len;
}

long ibft_find(const void *mem, size_t len)
{
	const uint8_t *m = mem;

	for (size_t off = 0; off + 48 <= len; off += IBFT_ALIGN) {
		const uint8_t *t = m + off;
		uint32_t tl;

		if (memcmp(t, IBFT_SIGNATURE, 4) != 0)
			continue;
		tl = get_le32(t + 4);
		if (tl >= 48 && tl <= len - off && ibft_sum(t, tl) == 0)
			return (long)off;
	}
	return LL_ENOENT;
}

/* Target structure at off: 1 when valid and naming target/lun. */
static int ibft_target_is(const uint8_t *t, size_t len, uint16_t off,
			  const char *target, const uint8_t lun[8])
{
	const struct ibft_target *tg;
	size_t nlen = ll_strlen(target);
	uint16_t name_len, name_off;

	if (!off || (size_t)off + sizeof(*tg) > len)
		return 0;
	tg = (const struct ibft_target *)(t + off);
	if (tg->hdr.id != IBFT_ID_TARGET || !(tg->hdr.flags & IBFT_FL_VALID))
		return 0;
	name_len = get_le16(&tg->name_len);
	name_off = get_le16(&tg->name_off);
	if (name_len != nlen || !name_off || (size_t)name_off + name_len > len)
		return 0;
	return memcmp(t + name_off, target, nlen) == 0 &&
	       memcmp(tg->lun, lun, 8) == 0;
}

int ibft_has_target(const void *tbl, size_t len, const char *target,
		    const uint8_t lun[8])
{
	const uint8_t *t = tbl;
	const struct ibft_control *c;

	if (len < IBFT_OFF_CONTROL + sizeof(*c) || !target)
		return 0;
	c = (const struct ibft_control *)(t + IBFT_OFF_CONTROL);
	if (c->hdr.id != IBFT_ID_CONTROL)
		return 0;
	return ibft_target_is(t, len, get_le16(&c->target0_off), target, lun) ||
	       ibft_target_is(t, len, get_le16(&c->target1_off), target, lun);
}
