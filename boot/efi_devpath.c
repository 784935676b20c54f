/* boot/efi_devpath.c - device path bytes (UEFI spec, "Device Path
 * Protocol"): nodes of type, subtype, 16-bit little-endian length, ending
 * in End Entire (7F FF 04 00). No firmware calls: built and checked here
 * so unit tests can run them on the host. */
#include "boot/efi_devpath.h"
#include "platform/efi/efi_iscsi_dp.h"
#include "iscsi/negotiate.h"
#include "iscsi/rootpath.h"
#include "lib/err.h"
#include "lib/mem.h"

#define DP_HDR         4
#define DP_MEDIA       0x04
#define DP_MEDIA_FILE  0x04
#define DP_NODE_MAX    0xffff

static size_t dp_len(const uint8_t *n)
{
	return (size_t)n[2] | ((size_t)n[3] << 8);
}

static void dp_hdr(uint8_t *n, uint8_t type, uint8_t sub, size_t len)
{
	n[0] = type;
	n[1] = sub;
	n[2] = (uint8_t)len;
	n[3] = (uint8_t)(len >> 8);
}

long efi_dp_size(const void *p, size_t cap)
{
	const uint8_t *b = p;
	size_t off = 0;

	while (off + DP_HDR <= cap) {
		size_t len = dp_len(b + off);
		if (len < DP_HDR || len > cap - off)
			return LL_EPROTO;
		if (b[off] == LL_EFI_DP_END && b[off + 1] == LL_EFI_DP_END_ENTIRE)
			return (long)(off + len);
		off += len;
	}
	return LL_EPROTO;
}

/* Copy the path without its End node; its length or LL_E*. */
static long dp_copy_body(uint8_t *out, size_t cap, const void *p, size_t p_cap)
{
	long n = efi_dp_size(p, p_cap);

	if (n < 0)
		return n;
	n -= DP_HDR;                     /* End Entire is 4 bytes */
	if ((size_t)n > cap)
		return LL_EMSGSIZE;
	memcpy(out, p, (size_t)n);
	return n;
}

static long dp_finish(uint8_t *out, size_t cap, size_t off)
{
	if (off + DP_HDR > cap)
		return LL_EMSGSIZE;
	dp_hdr(out + off, LL_EFI_DP_END, LL_EFI_DP_END_ENTIRE, DP_HDR);
	return (long)(off + DP_HDR);
}

void efi_dp_iscsi_of(struct efi_dp_iscsi *n, const struct iscsi_rootpath *rp,
		     const struct iscsi_params *p, int chap)
{
	memset(n, 0, sizeof(*n));
	memcpy(n->lun, rp->rp_lun, 8);
	n->tpgt = (uint16_t)p->target_portal_group_tag;   /* <= 65535 (negotiate.c) */
	n->login_option = chap ? LL_EFI_ISCSI_CHAP_UNI : LL_EFI_ISCSI_AUTH_NONE;
	n->target = rp->rp_target;
}

long efi_dp_iscsi_build(void *out, size_t cap, const void *nic, size_t nic_cap,
			const struct efi_dp_iscsi *n)
{
	uint8_t *o = out;
	size_t tlen = n->target ? ll_strlen(n->target) : 0;
	size_t nlen = sizeof(struct ll_efi_dp_iscsi) + tlen;
	struct ll_efi_dp_iscsi node;
	long off = dp_copy_body(o, cap, nic, nic_cap);

	if (off < 0)
		return off;
	if (nlen > DP_NODE_MAX || (size_t)off + nlen > cap)
		return LL_EMSGSIZE;
	memset(&node, 0, sizeof(node));
	dp_hdr((uint8_t *)&node.hdr, LL_EFI_DP_MESSAGING, LL_EFI_DP_MSG_ISCSI, nlen);
	node.protocol = LL_EFI_ISCSI_PROTO_TCP;
	node.login_option = n->login_option;
	memcpy(node.lun, n->lun, 8);
	node.tpgt = n->tpgt;
	memcpy(o + off, &node, sizeof(node));
	memcpy(o + off + sizeof(node), n->target, tlen);
	return dp_finish(o, cap, (size_t)off + nlen);
}

long efi_dp_file_build(void *out, size_t cap, const void *dev, size_t dev_cap,
		       const char *path)
{
	uint8_t *o = out;
	size_t plen = ll_strlen(path);
	size_t nlen = DP_HDR + 2 * (plen + 1);
	long off = dp_copy_body(o, cap, dev, dev_cap);

	if (off < 0)
		return off;
	if (nlen > DP_NODE_MAX || (size_t)off + nlen > cap)
		return LL_EMSGSIZE;
	dp_hdr(o + off, DP_MEDIA, DP_MEDIA_FILE, nlen);
	for (size_t i = 0; i <= plen; i++) {
		char c = path[i] == '/' ? '\\' : path[i];
		o[off + DP_HDR + 2 * i] = (uint8_t)c;
		o[off + DP_HDR + 2 * i + 1] = 0;
	}
	return dp_finish(o, cap, (size_t)off + nlen);
}

int efi_dp_has_prefix(const void *p, size_t p_cap, const void *prefix,
		      size_t prefix_cap)
{
	long pl = efi_dp_size(p, p_cap), xl = efi_dp_size(prefix, prefix_cap);

	if (pl < 0 || xl < 0 || xl > pl)
		return 0;
	return !ll_memcmp(p, prefix, (size_t)xl - DP_HDR);
}
