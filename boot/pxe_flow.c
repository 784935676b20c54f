/* boot/pxe_flow.c - the BIOS PXE entry's part of the boot: the PXE API,
 * UNDI bound to it and the ROM's cached DHCPACK, handed to the shared BIOS
 * flow (boot/bios_flow.c) as the firmware NIC. */
#include "boot/boot.h"
#include "attach/attach.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "drivers/net/undi.h"

/* What the PXE entry keeps alive while the BIOS flow runs (UNDI carries
 * the stack until a native driver takes the NIC). */
struct boot_pxe_ctx {
	struct pxe_api api;
	struct undi undi;
	struct attach_fw_nic fw;
	uint8_t ack[1500];
};
static struct boot_pxe_ctx boot_pxe_ctx;

static int boot_undi_identify(void *ctx)
{
	return undi_identify(ctx);
}

/* The PXE API, UNDI bound to it (not yet open) and the ROM's DHCPACK:
 * the firmware NIC attach starts from. */
static int boot_find_net(struct boot_pxe_ctx *p, const struct boot_pxe_env *e)
{
	int len, rc = pxe_find_api(&p->api, e->pxenv_seg, e->pxenv_off,
				   e->bang_seg, e->bang_off, e->rm_to_ptr);

	if (rc < 0)
		return attach_fail(rc, "no PXE API (PXENV+ / !PXE)");
	undi_init(&p->undi, &p->api, 0);
	len = pxe_get_cached_dhcpack(&p->api, p->ack, sizeof(p->ack));
	if (len < 0)
		return attach_fail(len, "no cached DHCPACK from the PXE ROM");
	p->fw = (struct attach_fw_nic){
		.nd = &p->undi.nd, .name = "UNDI",
		.identify = boot_undi_identify, .ctx = &p->undi,
		.identify_what = "UNDI GET_INFORMATION",
		.ack = p->ack, .ack_len = (size_t)len, .ack_name = "PXE",
	};
	return 0;
}

int boot_pxe(const struct boot_pxe_env *env)
{
	struct boot_pxe_ctx *p = &boot_pxe_ctx;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = boot_find_net(p, env);
	if (rc < 0)
		return rc;
	return boot_bios(&env->bios, &p->fw);
}
