/* boot/ibft_attach.c - what an attached LUN puts into the iBFT, for every
 * entry that publishes one (BIOS PXE, UEFI): initiator, addresses, MAC,
 * targets (the path's portal, and the first alt-portals entry as the
 * second target), CHAP names. The NIC's PCI location is the entry's to add. */
#include "boot/ibft.h"
#include "attach/attach.h"
#include "lib/mem.h"

void ibft_info_from_attach(struct ibft_info *in, const struct attach *a)
{
	const struct settings *s = &a->set;

	memset(in, 0, sizeof(*in));
	in->initiator_iqn = s->initiator_iqn;
	in->ip = a->ns.ip.addr;
	in->netmask = a->ns.ip.netmask;
	in->gateway = a->ns.ip.gateway;
	in->dns1 = a->ns.ip.dns;
	in->dhcp_server = a->lease.server_id;
	in->from_dhcp = !(s->set & (1u << SET_IP));
	memcpy(in->mac, a->ns.dev->mac, 6);
	in->target_ip = a->rp.rp_server;
	in->target_port = a->rp.rp_port;
	memcpy(in->lun, a->rp.rp_lun, 8);
	in->target_name = a->rp.rp_target;
	in->chap_user = s->username;
	in->chap_secret = s->password;
	in->rchap_user = s->reverse_username;
	in->rchap_secret = s->reverse_password;
	if (s->alt_portals.n) {
		in->alt_ip = s->alt_portals.ip[0];
		in->alt_port = s->alt_portals.port[0];
	}
}
