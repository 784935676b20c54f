/* boot/bios_flow.c - the BIOS boot flow every BIOS entry (PXE, Multiboot2)
 * shares: attach -> iBFT -> INT 15h E820 hiding -> INT 13h hook -> MBR at
 * 0000:7C00 -> arch_boot_mbr; on failure everything is given back. */
#include "platform/realmode.h"
#include "boot/boot.h"
#include "boot/e820.h"
#include "boot/ibft.h"
#include "boot/ibft_proto.h"
#include "boot/int13.h"
#include "boot/int13_proto.h"
#include "attach/attach.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define MBR_LINEAR        0x7c00u
#define BDA_BASEMEM_KB    0x413u
#define BOOT_HOOK_13      0x1u
#define BOOT_HOOK_15      0x2u

/* The flow's one context: everything it sets up and that must stay alive
 * while the BIOS and the OS loader call INT 13h. */
struct boot_ctx {
	const struct boot_bios_env *env;
	struct attach_sources src;
	struct attach_env aenv;
	struct attach at;        /* NIC, network, settings, session, LUN */
	struct int13_ctx i13;
	struct e820_ctx e820;
	uint32_t ibft_linear;
	uint8_t rom_san;         /* the ROM SAN-hooked this same LUN itself */
	uint8_t hooked;          /* BOOT_HOOK_*: undone on failure */
	uint8_t bda_hd_count;    /* 40:75 before our drive was counted */
	uint16_t bda_base_kb;    /* 40:13 before the iBFT took its top, or 0 */
};
static struct boot_ctx boot_bios_ctx;

/* Settings DHCP < embedded block (when the entry reads it) < command
 * line; the NIC (attach_env's rule, with or without a firmware NIC), the
 * address, the login, the LUN ready. */
static int boot_attach(struct boot_ctx *b, const struct attach_fw_nic *fw)
{
	const struct boot_bios_env *e = b->env;
	struct attach_env *ae = &b->aenv;

	b->src.cmdline = e->cmdline;
	b->src.block = e->settings_block;
	memset(ae, 0, sizeof(*ae));
	ae->clock = &e->clock;
	ae->settings = attach_settings_std;
	ae->settings_ctx = &b->src;
	ae->fw = fw;
	ae->nics = e->nics;
	ae->n_nics = e->n_nics;
	ae->nic_make = e->nic_make;
	ae->nic_ctx = e->nic_ctx;
	ae->ack = e->ack;
	ae->ack_len = e->ack_len;
	ae->ack_name = e->ack_name;
	ae->path = ATTACH_ROOT_PATH;
	ae->arena = e->arena;
	ae->arena_size = e->arena_size;
	ae->xport = e->xport;
	ae->xport_ctx = e->xport_ctx;
	return attach_run(&b->at, ae);
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
		return attach_fail(LL_ENOMEM, "no base memory for the iBFT");
	b->ibft_linear = (top - IBFT_MAX_SIZE) & ~0xfu;
	b->bda_base_kb = get_le16(kb);
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
	b->rom_san = (uint8_t)ibft_has_target(h, h->length, b->at.rp.rp_target,
					      b->at.rp.rp_lun);
	if (at < 0xa0000u)               /* writable base memory */
		memset((uint8_t *)win + off, 0, 4);
	ll_printf("lifeline: the PXE ROM left an iBFT at 0x%x (it SAN-hooked a drive itself, dead from now on): %s\n",
		  (unsigned)at, at < 0xa0000u ? "cleared" : "read-only, left");
}

static int boot_ibft(struct boot_ctx *b)
{
	struct ibft_info in;
	void *buf;
	int rc = boot_place_ibft(b);

	if (rc < 0)
		return rc;
	boot_rom_ibft(b);
	ibft_info_from_attach(&in, &b->at);
	if (b->at.np.nd) {                 /* native driver: we know the function */
		in.pci_known = 1;
		in.pci_bus = b->at.np.pci.bus;
		in.pci_dev = b->at.np.pci.dev;
		in.pci_fn = b->at.np.pci.fn;
	}
	buf = rm_mem_map(&b->i13.mem, b->ibft_linear, IBFT_MAX_SIZE);
	rc = buf ? ibft_build(buf, IBFT_MAX_SIZE, &in) : LL_EINVAL;
	if (rc < 0)
		return attach_fail(rc, "iBFT");
	ll_printf("lifeline: iBFT at 0x%x (%d bytes)\n", (unsigned)b->ibft_linear, rc);
	return 0;
}

static int boot_hide_memory(struct boot_ctx *b)
{
	const struct boot_bios_env *e = b->env;
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
		return attach_fail(rc, "INT 15h E820 hiding");
	e820_activate(&b->e820);
	return 0;
}

static int boot_hook_disk(struct boot_ctx *b)
{
	uint8_t want = b->at.set.drive;
	uint8_t *count = rm_mem_map(&b->i13.mem, BDA_HD_COUNT_LINEAR, 1);
	int rc;

	b->i13.chain = rm_chain;
	b->i13.hide = b->e820.hide;            /* no caller buffer in there */
	b->i13.n_hide = b->e820.n_hide;
	b->i13.replace = b->rom_san && want == 0x80; /* the ROM's drive 0x80 */
	b->bda_hd_count = count ? *count : 0;
	b->at.bd.readahead = true;             /* a caller waits on each call */
	rc = int13_setup(&b->i13, &b->at.bd.dev, want);
	if (!rc)
		rc = rm_hook_install(0x13, int13_handler, &b->i13.old_vector);
	if (!rc)
		b->hooked |= BOOT_HOOK_13;
	if (rc < 0)
		return attach_fail(rc, "INT 13h hook (drive setting?)");
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

	if (b->at.bd.dev.block_size != 512)
		return attach_fail(LL_ENOTSUP, "boot LUN block size is not 512");
	rc = mbr ? int13_disk_io(&b->i13, BLK_READ, 0, 1, mbr) : LL_EINVAL;
	if (rc < 0)
		return attach_fail(rc, "reading the MBR");
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return attach_fail(LL_ENOENT, "no 55AA boot signature in the MBR");
	ll_printf("lifeline: booting the MBR from drive 0x%x\n",
		  (unsigned)b->i13.drive);
	return 0;
}

/* Give the BIOS back its vectors: our INT 13h and INT 15h hooks go, 40:75
 * no longer counts our drive (int13_setup counted it) and 40:13 gets the
 * base memory the iBFT took. */
static void boot_unhook(struct boot_ctx *b)
{
	uint8_t *count = rm_mem_map(&b->i13.mem, BDA_HD_COUNT_LINEAR, 1);
	uint8_t *kb = rm_mem_map(&b->i13.mem, BDA_BASEMEM_KB, 2);

	if (b->hooked & BOOT_HOOK_13)
		(void)rm_hook_remove(0x13, b->i13.old_vector);
	if (b->i13.dev && count)
		*count = b->bda_hd_count;
	if (b->hooked & BOOT_HOOK_15)
		(void)rm_hook_remove(0x15, b->e820.old_vector);
	if (b->bda_base_kb && kb)
		put_le16(kb, b->bda_base_kb);
	b->hooked = 0;
	b->bda_base_kb = 0;
}

int boot_bios(const struct boot_bios_env *env, const struct attach_fw_nic *fw)
{
	struct boot_ctx *b = &boot_bios_ctx;
	int rc;

	memset(b, 0, sizeof(*b));
	b->env = env;
	b->i13.mem = b->e820.mem = env->rm_mem;
	if ((rc = boot_attach(b, fw)) < 0 || (rc = boot_ibft(b)) < 0 ||
	    (rc = boot_hide_memory(b)) < 0 || (rc = boot_hook_disk(b)) < 0 ||
	    (rc = boot_mbr(b)) < 0)
		goto fail;
	arch_boot_mbr(b->i13.drive);
fail:
	/* Back to the BIOS: its vectors and BDA as they were; a session the
	 * flow logged in to is logged out (bounded), not left to the target's
	 * timeout; a native driver stops the device (no DMA into memory the
	 * next boot device may use); a firmware NIC (UNDI) is the ROM's own. */
	boot_unhook(b);
	attach_logout(&b->at);
	attach_release(&b->at);
	return rc;
}
