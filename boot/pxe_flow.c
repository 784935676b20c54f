/* boot/pxe_flow.c - the BIOS PXE boot flow: PXE API -> cached DHCPACK ->
 * settings -> UNDI netdev -> iSCSI login -> INT 13h + INT 15h hooks ->
 * iBFT -> MBR at 0000:7C00 -> arch_boot_mbr. One step per function; each
 * failure is printed with its stable code and returned. */
#include "platform/realmode.h"
#include "boot/boot.h"
#include "boot/e820.h"
#include "boot/ibft.h"
#include "boot/ibft_proto.h"
#include "boot/int13.h"
#include "boot/int13_proto.h"
#include "attach/settings.h"
#include "iscsi/blockdev.h"
#include "iscsi/rootpath.h"
#include "iscsi/session_int.h"   /* iscsi_session_open_xport */
#include "lib/alloc.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "net/dhcp.h"
#include "net/net.h"
#include "drivers/net/undi.h"

#define MBR_LINEAR        0x7c00u
#define BDA_BASEMEM_KB    0x413u
#define LOGIN_TIMEOUT_US  30000000ull
#define DHCP_TIMEOUT_US   30000000ull   /* own DHCP when the ROM's ACK lacks 17 */
#define BOOT_HOOK_13      0x1u
#define BOOT_HOOK_15      0x2u
#define DEFAULT_IQN_FMT   "iqn.2026-01.org.lifeline:%02x%02x%02x%02x%02x%02x"

/* The boot layer's one context: everything the flow sets up and that must
 * stay alive while the BIOS and the OS loader call INT 13h. */
struct boot_ctx {
	const struct boot_pxe_env *env;
	struct pxe_api api;
	struct undi undi;
	struct nic_probe np;     /* the native driver, when one took over */
	struct net_stack ns;
	struct dhcp_lease lease;
	struct settings set;
	struct iscsi_rootpath rp;
	struct ll_arena arena;
	struct iscsi_session *sess;
	struct blockdev bd;
	struct int13_ctx i13;
	struct e820_ctx e820;
	uint32_t ibft_linear;
	uint8_t rom_san;         /* the ROM SAN-hooked this same LUN itself */
	uint8_t hooked;          /* BOOT_HOOK_*: undone on failure */
	uint8_t bda_hd_count;    /* 40:75 before our drive was counted */
	uint8_t ack[1500];
};
static struct boot_ctx boot_pxe_ctx;

static int boot_fail(int rc, const char *what)
{
	ll_printf("lifeline: E%d %s: %s\n", -rc, ll_strerror(rc), what);
	return rc;
}

static int boot_find_net(struct boot_ctx *b)
{
	const struct boot_pxe_env *e = b->env;
	int rc = pxe_find_api(&b->api, e->pxenv_seg, e->pxenv_off, e->bang_seg,
			      e->bang_off, e->rm_to_ptr);
	if (rc < 0)
		return boot_fail(rc, "no PXE API (PXENV+ / !PXE)");
	/* Bound to UNDI (not yet open) until boot_nic picks the driver. */
	undi_init(&b->undi, &b->api, 0);
	net_init(&b->ns, &b->undi.nd, &e->clock);
	return 0;
}

static int boot_undi_open(struct boot_ctx *b)
{
	int rc = b->undi.nd.ops->open(&b->undi.nd);

	if (rc < 0)
		return boot_fail(rc, "UNDI open");
	ll_printf("lifeline: UNDI open, MAC " LL_MAC_FMT "\n",
		  LL_MAC_ARGS(b->undi.nd.mac));
	return 0;
}

static int boot_lease(struct boot_ctx *b)
{
	int len = pxe_get_cached_dhcpack(&b->api, b->ack, sizeof(b->ack));
	int rc;

	if (len < 0)
		return boot_fail(len, "no cached DHCPACK from the PXE ROM");
	rc = dhcp_use_ack(&b->ns, b->ack, (size_t)len, &b->lease);
	if (rc < 0)
		return boot_fail(rc, "cached DHCPACK unusable");
	ll_printf("lifeline: address " LL_IPV4_FMT " from the PXE DHCPACK\n",
		  LL_IPV4_ARGS(b->ns.ip.addr));
	return 0;
}

/* DHCP < embedded block < command line. 0 also without a root path. */
static int boot_settings_read(struct boot_ctx *b)
{
	struct settings *s = &b->set;
	struct settings_err err = { "" };
	const char *cl = b->env->cmdline;
	int rc;

	settings_init(s);
	rc = settings_from_lease(s, &b->lease, &err);
	if (!rc && settings_block_check(&lifeline_settings_block,
					sizeof(lifeline_settings_block)) == 0)
		rc = settings_from_block(s, &lifeline_settings_block, &err);
	if (!rc && cl)
		rc = settings_parse_kv(s, cl, ll_strlen(cl),
				       SETTINGS_IGNORE_UNKNOWN, &err);
	return rc < 0 ? boot_fail(rc, err.key) : 0;
}

/* The ROM's DHCPACK named no root path (a ROM that boots us without
 * option 17, e.g. an iPXE kept from SAN-hooking the LUN itself): ask the
 * DHCP server ourselves over UNDI, bounded, and take that lease. */
static int boot_own_dhcp(struct boot_ctx *b)
{
	uint64_t deadline = ll_now(&b->env->clock) + DHCP_TIMEOUT_US;
	int rc;

	ll_printf("lifeline: no root path from the PXE DHCPACK, asking DHCP\n");
	memset(&b->ns.ip, 0, sizeof(b->ns.ip));
	rc = dhcp_run(&b->ns, &b->lease, deadline);
	if (rc < 0)
		return boot_fail(rc, "DHCP over UNDI");
	ll_printf("lifeline: address " LL_IPV4_FMT " from our own DHCP\n",
		  LL_IPV4_ARGS(b->ns.ip.addr));
	return boot_settings_read(b);
}

static int boot_settings(struct boot_ctx *b)
{
	struct settings *s = &b->set;
	int rc = 0;

	if (!s->root_path[0])
		rc = boot_own_dhcp(b);
	if (rc < 0)
		return rc;
	if (!s->root_path[0])
		return boot_fail(LL_ESETTING, "root-path (none from DHCP option 17 or settings)");
	if (iscsi_rootpath_parse(s->root_path, &b->rp) < 0)
		return boot_fail(LL_EROOTPATH, s->root_path);
	if (!s->initiator_iqn[0])
		ll_snprintf(s->initiator_iqn, sizeof(s->initiator_iqn),
			    DEFAULT_IQN_FMT, LL_MAC_ARGS(b->ns.dev->mac));
	return 0;
}

/* The NIC driver: with nic=auto, a native polled driver for the NIC the
 * ROM booted from (found by the MAC UNDI reports; an e1000 the ROM left
 * running is continued, not reset), else the ROM's UNDI. The address
 * from the cached DHCPACK stays. */
static int boot_nic(struct boot_ctx *b)
{
	const struct boot_pxe_env *e = b->env;
	struct net_ipcfg ip = b->ns.ip;
	struct nicprobe_want want;
	size_t i;
	int rc;

	if (b->set.nic == SETTINGS_NIC_UNDI || !e->n_nics)
		return boot_undi_open(b);
	for (i = 0; i < e->n_nics; i++)
		if (nicprobe_driver_for(e->nics[i].vendor, e->nics[i].device))
			break;
	if (i == e->n_nics)
		return boot_undi_open(b);  /* no native driver for this NIC */
	if ((rc = undi_identify(&b->undi)) < 0)
		return boot_fail(rc, "UNDI GET_INFORMATION");
	memset(&want, 0, sizeof(want));
	want.use_mac = 1;
	want.keep_running = 1;
	memcpy(want.mac, b->undi.nd.mac, ETH_ALEN);
	rc = nicprobe(&b->np, e->nics, e->n_nics, e->nic_make, e->nic_ctx, &want);
	if (rc < 0) {
		if (b->np.last_error)
			rc = b->np.last_error;
		ll_printf("lifeline: E%d %s: no native driver for MAC " LL_MAC_FMT
			  ", using UNDI\n", -rc, ll_strerror(rc),
			  LL_MAC_ARGS(want.mac));
		return boot_undi_open(b);
	}
	net_init(&b->ns, b->np.nd, &e->clock);
	b->ns.ip = ip;
	ll_printf("lifeline: NIC %02x:%02x.%u %04x:%04x %s (native driver, %s), MAC "
		  LL_MAC_FMT "\n", b->np.pci.bus, b->np.pci.dev, b->np.pci.fn,
		  b->np.pci.vendor, b->np.pci.device, b->np.driver,
		  b->np.kept ? "continued from the ROM" : "reset",
		  LL_MAC_ARGS(b->np.nd->mac));
	return 0;
}

/* Explicit network settings override the lease's. */
static void boot_static_net(struct boot_ctx *b)
{
	const struct settings *s = &b->set;

	if (s->set & (1u << SET_IP))
		b->ns.ip.addr = s->ip;
	if (s->set & (1u << SET_NETMASK))
		b->ns.ip.netmask = s->netmask;
	if (s->set & (1u << SET_GATEWAY))
		b->ns.ip.gateway = s->gateway;
	if (s->set & (1u << SET_DNS))
		b->ns.ip.dns = s->dns;
}

/* The same login over env->xport instead of TCP (unit tests). */
static int boot_login_xport(struct boot_ctx *b,
			    const struct iscsi_session_cfg *cfg,
			    uint64_t deadline)
{
	const struct boot_pxe_env *e = b->env;
	int rc = ll_arena_init(&b->arena, e->arena, e->arena_size);

	if (!rc)
		rc = iscsi_session_open_xport(&b->sess, e->xport, e->xport_ctx,
					      cfg, &b->arena, deadline);
	if (!rc)
		rc = blk_open_logged(&b->bd, b->sess, cfg->target_name,
				     deadline);
	if (rc < 0)
		b->sess = NULL;
	return rc;
}

static int boot_login(struct boot_ctx *b)
{
	struct iscsi_session_cfg cfg;
	const struct settings *s = &b->set;
	uint64_t deadline = ll_now(&b->env->clock) + LOGIN_TIMEOUT_US;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.target_ip = b->rp.rp_server;
	cfg.target_port = b->rp.rp_port;
	cfg.target_name = b->rp.rp_target;
	cfg.initiator_name = s->initiator_iqn;
	cfg.username = s->username[0] ? s->username : NULL;
	cfg.password = s->password[0] ? s->password : NULL;
	cfg.reverse_username = s->reverse_username[0] ? s->reverse_username : NULL;
	cfg.reverse_password = s->reverse_password[0] ? s->reverse_password : NULL;
	memcpy(cfg.lun, b->rp.rp_lun, 8);
	if (b->env->xport)
		rc = boot_login_xport(b, &cfg, deadline);
	else
		rc = blk_login_open(&b->bd, &b->sess, &b->ns, &cfg, &b->arena,
				    b->env->arena, b->env->arena_size, deadline,
				    deadline);
	return rc < 0 ? boot_fail(rc, b->rp.rp_target) : 0;
}

/* Take IBFT_MAX_SIZE from the top of base memory unless arch placed it. */
static int boot_place_ibft(struct boot_ctx *b)
{
	uint8_t *kb = rm_mem_map(&b->i13.mem, BDA_BASEMEM_KB, 2); /* odd address */
	uint32_t top;

	if (b->env->ibft_linear) {
		b->ibft_linear = b->env->ibft_linear;
		return 0;
	}
	top = kb ? (uint32_t)get_le16(kb) * 1024 : 0;
	if (top > 0xa0000)
		top = 0xa0000;
	if (top < IBFT_BIOS_LOW + IBFT_MAX_SIZE)
		return boot_fail(LL_ENOMEM, "no base memory for the iBFT");
	b->ibft_linear = (top - IBFT_MAX_SIZE) & ~0xfu;
	put_le16(kb, (uint16_t)(b->ibft_linear / 1024));
	return 0;
}

/* A ROM that SAN-hooked the LUN itself (iPXE given option 17 with a boot
 * file) left its own iBFT for a session that dies once lifeline drives the
 * NIC. The OS takes the first table it finds: clear that one's signature
 * (when in writable base memory) so ours is the one it reads. When it
 * names our target and LUN, its drive is taken over (boot_hook_disk). */
static void boot_rom_ibft(struct boot_ctx *b)
{
	const uint8_t *win = rm_mem_map(&b->i13.mem, IBFT_BIOS_LOW,
					IBFT_BIOS_HIGH - IBFT_BIOS_LOW);
	long off = win ? ibft_find(win, IBFT_BIOS_HIGH - IBFT_BIOS_LOW) : -1;
	uint32_t at = IBFT_BIOS_LOW + (uint32_t)off;

	if (off < 0)
		return;
	const struct ibft_table_hdr *h = (const void *)(win + off);
	b->rom_san = (uint8_t)ibft_has_target(h, h->length, b->rp.rp_target,
					      b->rp.rp_lun);
	if (at < 0xa0000u)               /* writable base memory */
		memset((uint8_t *)win + off, 0, 4);
	ll_printf("lifeline: the PXE ROM left an iBFT at 0x%x (it SAN-hooked a drive itself, dead from now on): %s\n",
		  (unsigned)at, at < 0xa0000u ? "cleared" : "read-only, left");
}

static int boot_ibft(struct boot_ctx *b)
{
	struct ibft_info in;
	const struct settings *s = &b->set;
	void *buf;
	int rc = boot_place_ibft(b);

	if (rc < 0)
		return rc;
	boot_rom_ibft(b);
	memset(&in, 0, sizeof(in));
	in.initiator_iqn = s->initiator_iqn;
	in.ip = b->ns.ip.addr;
	in.netmask = b->ns.ip.netmask;
	in.gateway = b->ns.ip.gateway;
	in.dns1 = b->ns.ip.dns;
	in.dhcp_server = b->lease.server_id;
	in.from_dhcp = !(s->set & (1u << SET_IP));
	memcpy(in.mac, b->ns.dev->mac, 6);
	if (b->np.nd) {                 /* native driver: we know the function */
		in.pci_known = 1;
		in.pci_bus = b->np.pci.bus;
		in.pci_dev = b->np.pci.dev;
		in.pci_fn = b->np.pci.fn;
	}
	in.target_ip = b->rp.rp_server;
	in.target_port = b->rp.rp_port;
	memcpy(in.lun, b->rp.rp_lun, 8);
	in.target_name = b->rp.rp_target;
	in.chap_user = s->username;
	in.chap_secret = s->password;
	in.rchap_user = s->reverse_username;
	in.rchap_secret = s->reverse_password;
	buf = rm_mem_map(&b->i13.mem, b->ibft_linear, IBFT_MAX_SIZE);
	rc = buf ? ibft_build(buf, IBFT_MAX_SIZE, &in) : LL_EINVAL;
	if (rc < 0)
		return boot_fail(rc, "iBFT");
	ll_printf("lifeline: iBFT at 0x%x (%d bytes)\n", (unsigned)b->ibft_linear, rc);
	return 0;
}

static int boot_hide_memory(struct boot_ctx *b)
{
	const struct boot_pxe_env *e = b->env;
	int rc = 0;

	b->e820.chain = rm_chain;
	for (unsigned i = 0; i < e->n_hide && !rc; i++)
		rc = e820_hide(&b->e820, e->hide_base[i], e->hide_len[i]);
	if (!rc)
		rc = e820_hide(&b->e820, b->ibft_linear, IBFT_MAX_SIZE);
	if (!rc)
		rc = rm_hook_install(0x15, e820_handler, &b->e820.old_vector);
	if (!rc)
		b->hooked |= BOOT_HOOK_15;
	if (!rc)
		rc = e820_load(&b->e820, rm_bounce_seg(), 0);
	if (rc < 0)
		return boot_fail(rc, "INT 15h E820 hiding");
	e820_activate(&b->e820);
	return 0;
}

static int boot_hook_disk(struct boot_ctx *b)
{
	uint8_t want = b->set.drive;
	uint8_t *count = rm_mem_map(&b->i13.mem, BDA_HD_COUNT_LINEAR, 1);
	int rc;

	b->i13.chain = rm_chain;
	b->i13.hide = b->e820.hide;            /* no caller buffer in there */
	b->i13.n_hide = b->e820.n_hide;
	b->i13.replace = b->rom_san && want == 0x80; /* the ROM's drive 0x80 */
	b->bda_hd_count = count ? *count : 0;
	rc = int13_setup(&b->i13, &b->bd.dev, want);
	if (!rc)
		rc = rm_hook_install(0x13, int13_handler, &b->i13.old_vector);
	if (!rc)
		b->hooked |= BOOT_HOOK_13;
	if (rc < 0)
		return boot_fail(rc, "INT 13h hook (drive setting?)");
	int13_activate(&b->i13);
	ll_printf("lifeline: INT 13h drive 0x%x (%u hard disks)%s\n",
		  (unsigned)b->i13.drive, (unsigned)b->i13.hd_count,
		  b->i13.replace ? ", taking over the ROM's SAN drive of this LUN" : "");
	return 0;
}

static int boot_mbr(struct boot_ctx *b)
{
	uint8_t *mbr = rm_mem_map(&b->i13.mem, MBR_LINEAR, 512);
	int rc;

	if (b->bd.dev.block_size != 512)
		return boot_fail(LL_ENOTSUP, "boot LUN block size is not 512");
	rc = mbr ? int13_disk_io(&b->i13, BLK_READ, 0, 1, mbr) : LL_EINVAL;
	if (rc < 0)
		return boot_fail(rc, "reading the MBR");
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return boot_fail(LL_ENOENT, "no 55AA boot signature in the MBR");
	ll_printf("lifeline: booting the MBR from drive 0x%x\n",
		  (unsigned)b->i13.drive);
	return 0;
}

/* Give the BIOS back its vectors: our INT 13h and INT 15h hooks go, and
 * 40:75 no longer counts our drive (int13_setup counted it). */
static void boot_unhook(struct boot_ctx *b)
{
	uint8_t *count = rm_mem_map(&b->i13.mem, BDA_HD_COUNT_LINEAR, 1);

	if (b->hooked & BOOT_HOOK_13)
		(void)rm_hook_remove(0x13, b->i13.old_vector);
	if (b->i13.dev && count)
		*count = b->bda_hd_count;
	if (b->hooked & BOOT_HOOK_15)
		(void)rm_hook_remove(0x15, b->e820.old_vector);
	b->hooked = 0;
}

int boot_pxe(const struct boot_pxe_env *env)
{
	struct boot_ctx *b = &boot_pxe_ctx;
	int rc;

	memset(b, 0, sizeof(*b));
	b->env = env;
	b->i13.mem = b->e820.mem = env->rm_mem;
	if ((rc = boot_find_net(b)) < 0 || (rc = boot_lease(b)) < 0 ||
	    (rc = boot_settings_read(b)) < 0 || (rc = boot_nic(b)) < 0 ||
	    (rc = boot_settings(b)) < 0)
		goto fail;
	boot_static_net(b);
	if ((rc = boot_login(b)) < 0 || (rc = boot_ibft(b)) < 0 ||
	    (rc = boot_hide_memory(b)) < 0 || (rc = boot_hook_disk(b)) < 0 ||
	    (rc = boot_mbr(b)) < 0)
		goto fail;
	arch_boot_mbr(b->i13.drive);
fail:
	/* Back to the BIOS: its vectors as they were; a native driver stops
	 * the device (no DMA into memory the next boot device may use);
	 * UNDI is the ROM's own. */
	boot_unhook(b);
	if (b->np.nd)
		b->np.nd->ops->close(b->np.nd);
	return rc;
}
