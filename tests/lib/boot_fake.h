/* tests/lib/boot_fake.h - the BIOS PXE boot flow (boot_pxe) on the host:
 * the fake PXE ROM, the e1000/virtio models and the scripted iSCSI target
 * wired into one boot_pxe_env, plus host versions of the real-mode hooks,
 * a fake BIOS behind them and an arch_boot_mbr that returns to the test. */
#ifndef TESTS_LIB_BOOT_FAKE_H
#define TESTS_LIB_BOOT_FAKE_H
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#pragma GCC diagnostic push    /* each fake has helpers this test skips */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tests/lib/pxe_fake.h"
#include "tests/lib/iscsi_fake.h"
#include "tests/lib/fake_e1000.h"
#include "tests/lib/fake_virtio.h"
#pragma GCC diagnostic pop
#include "boot/boot.h"
#include "boot/e820_proto.h"
#include "boot/ibft.h"
#include "boot/ibft_proto.h"
#include "boot/int13_proto.h"
#include "lib/print.h"

#define BF_BOOTED      1          /* bf_boot: arch_boot_mbr was reached */
#define BF_TICK_US     1000u      /* each clock read moves time on */
#define BF_BLOCKS      2048u
#define BF_TARGET      "iqn.2026-01.org.example:disk"
#define BF_ROOT_PATH   "iscsi:10.0.0.1::3260:1:" BF_TARGET
#define BF_BIOS_VEC(v) (0xf0000000u | (v))   /* the BIOS's own vectors */
#define BF_E1000_MAC   "\x52\x54\x00\x12\x34\x56"
#define BF_VIRTIO_MAC  "\x52\x54\x00\xab\xcd\xef"

enum bf_nic { BF_NIC_NONE, BF_NIC_E1000, BF_NIC_VIRTIO, BF_NIC_BOTH };

static struct boot_fake {
	jmp_buf jmp;
	int mbr_started;
	uint8_t mbr_drive;
	struct { rm_hook_fn fn; int hooked; } vec[256];
	int fail_vector;          /* rm_hook_install of this vector fails */
	unsigned bios13_calls;
	uint8_t bios13_dl;        /* DL the BIOS's INT 13h last saw */
	char con[32768];
	size_t con_len;
	struct nic_candidate nics[2];
} bf;

static struct boot_pxe_env bf_env;
static struct fake_e1000 bf_fe;
static struct fake_virtio bf_fv;
static int bf_fe_live, bf_fv_live;
static uint8_t bf_disk[BF_BLOCKS * 4096];
static uint8_t bf_arena[2u << 20];

/* ---- platform/realmode.h and boot/boot.h on the host ---- */

int rm_hook_install(uint8_t vector, rm_hook_fn fn, uint32_t *old_vector)
{
	if (vector == bf.fail_vector || bf.vec[vector].hooked)
		return LL_EBUSY;
	bf.vec[vector].fn = fn;
	bf.vec[vector].hooked = 1;
	*old_vector = BF_BIOS_VEC(vector);
	return 0;
}

int rm_hook_remove(uint8_t vector, uint32_t old_vector)
{
	if (!bf.vec[vector].hooked || old_vector != BF_BIOS_VEC(vector))
		return LL_ENOENT;
	bf.vec[vector].hooked = 0;
	bf.vec[vector].fn = NULL;
	return 0;
}

/* The BIOS's E820 map: base memory, the BIOS area, 127 MiB above 1 MiB. */
static const struct e820_desc bf_bios_map[] = {
	{ 0, 0x9fc00, E820_RAM, E820_ATTR_VALID },
	{ 0x9fc00, 0x400, E820_RESERVED, E820_ATTR_VALID },
	{ 0xf0000, 0x10000, E820_RESERVED, E820_ATTR_VALID },
	{ 0x100000, 0x7f00000, E820_RAM, E820_ATTR_VALID },
};
#define BF_BIOS_MAP_N (sizeof(bf_bios_map) / sizeof(bf_bios_map[0]))

static void bf_bios15(struct rm_regs *r)
{
	uint32_t i = r->ebx;

	if ((r->eax & 0xffff) != E820_FUNC || r->edx != E820_SMAP ||
	    i >= BF_BIOS_MAP_N || r->ecx < E820_DESC_MIN) {
		r->flags |= RM_CF;
		return;
	}
	memcpy(mem + rm_linear(r->es, (uint16_t)r->edi), &bf_bios_map[i],
	       E820_DESC_EXT);
	r->eax = E820_SMAP;
	r->ecx = E820_DESC_EXT;
	r->ebx = i + 1 < BF_BIOS_MAP_N ? i + 1 : 0;
	r->flags &= (uint16_t)~RM_CF;
}

void rm_chain(uint32_t old_vector, struct rm_regs *r)
{
	if (old_vector == BF_BIOS_VEC(0x15)) {
		bf_bios15(r);
		return;
	}
	if (old_vector == BF_BIOS_VEC(0x13)) {
		bf.bios13_calls++;
		bf.bios13_dl = (uint8_t)r->edx;
	}
	r->eax = (r->eax & ~0xff00u) | 0x0100u;   /* AH=01h: no such call */
	r->flags |= RM_CF;
}

void arch_boot_mbr(uint8_t drive)
{
	bf.mbr_started = 1;
	bf.mbr_drive = drive;
	longjmp(bf.jmp, 1);
}

/* ---- seams of the environment ---- */

static void *bf_map(void *ctx, uint64_t linear, uint64_t len)
{
	(void)ctx;
	if (linear > sizeof(mem) || len > sizeof(mem) - linear)
		return NULL;
	return mem + linear;
}

static uint64_t bf_now(void *ctx)
{
	(void)ctx;
	return fk.now += BF_TICK_US;   /* one time base with the target */
}

static void bf_console(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (len > sizeof(bf.con) - 1 - bf.con_len)
		len = sizeof(bf.con) - 1 - bf.con_len;
	memcpy(bf.con + bf.con_len, s, len);
	bf.con_len += len;
	bf.con[bf.con_len] = 0;
}

static int bf_saw(const char *s) { return strstr(bf.con, s) != NULL; }

static int bf_make(void *ctx, const struct nic_candidate *c, struct pcidev *out)
{
	(void)ctx;
	if (c->vendor == 0x8086 && bf_fe_live)
		*out = bf_fe.pci;
	else if (c->vendor == VIRTIO_PCI_VENDOR && bf_fv_live)
		*out = bf_fv.pci;
	else
		return LL_ENODEV;
	out->bus = c->bus;
	out->dev = c->dev;
	out->fn = c->fn;
	return 0;
}

/* ---- the cached DHCPACK the ROM holds (type 2) ---- */

static size_t bf_opt(uint8_t *p, uint8_t code, const char *s)
{
	size_t n = strlen(s);

	p[0] = code;
	p[1] = (uint8_t)n;
	memcpy(p + 2, s, n);
	return n + 2;
}

/* root_path / settings (option 224) NULL: left out. */
static void bf_ack(const char *root_path, const char *settings)
{
	static const uint8_t head[] = {
		53, 1, 5, 54, 4, 10, 0, 0, 1, 51, 4, 0, 1, 0x51, 0x80,
		1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1,
	};
	uint8_t *b = fake_ptr(ACK_SEG, 2 * 0x800);
	size_t n = 240;

	memset(b, 0, 0x800);
	b[0] = 2; b[1] = 1; b[2] = 6;
	b[4] = 0x11; b[5] = 0x22;                          /* xid */
	b[16] = 10; b[19] = 5;                             /* yiaddr 10.0.0.5 */
	memcpy(b + 28, rom.mac, 6);
	b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;
	memcpy(b + n, head, sizeof(head));
	n += sizeof(head);
	if (root_path)
		n += bf_opt(b + n, 17, root_path);
	if (settings)
		n += bf_opt(b + n, 224, settings);
	b[n++] = 255;
	rom.ack_len[2] = (uint16_t)(n < 300 ? 300 : n);
}

/* ---- one machine ---- */

static void bf_target(uint32_t bsize)
{
	fk_reset();
	fk.disk = 1;
	fk.bsize = bsize;
	fk.nblocks = BF_BLOCKS;
	fk.cap_last = BF_BLOCKS - 1;
	fk.blocks = bf_disk;
	for (size_t i = 0; i < sizeof(bf_disk); i++)
		bf_disk[i] = (uint8_t)(i * 7 + i / 512);
	bf_disk[510] = 0x55;
	bf_disk[511] = 0xaa;
}

static void bf_nics(enum bf_nic nic)
{
	size_t n = 0;

	bf_fe_live = nic == BF_NIC_E1000 || nic == BF_NIC_BOTH;
	bf_fv_live = nic == BF_NIC_VIRTIO || nic == BF_NIC_BOTH;
	if (bf_fe_live) {
		fake_e1000_init(&bf_fe, 0x100e, E1000_DMA_SIZE);
		bf.nics[n++] = (struct nic_candidate){ 0x8086, 0x100e, 0, 3, 0 };
	}
	if (bf_fv_live) {
		fake_virtio_init(&bf_fv, 0x1000, 1, 256, VIRTIO_NET_DMA_SIZE);
		bf.nics[n++] = (struct nic_candidate){ VIRTIO_PCI_VENDOR, 0x1000, 0, 4, 0 };
	}
	bf_env.bios.nics = bf.nics;
	bf_env.bios.n_nics = n;
	bf_env.bios.nic_make = bf_make;
}

/* A machine the PXE ROM booted us on: the ROM with a cached DHCPACK that
 * names the target, one local hard disk, the target with 512-byte blocks
 * and an MBR, the NICs asked for. Frees the previous machine's models. */
static void bf_setup(enum bf_nic nic)
{
	if (bf_fe_live)
		fake_e1000_free(&bf_fe);
	if (bf_fv_live)
		fake_virtio_free(&bf_fv);
	reset();                               /* pxe_fake: mem and ROM */
	memset(&bf, 0, sizeof(bf));
	bf.fail_vector = -1;
	ll_console_set(bf_console, NULL);
	mem[BDA_HD_COUNT_LINEAR] = 1;
	bf_target(512);
	bf_ack(BF_ROOT_PATH, NULL);
	memset(&bf_env, 0, sizeof(bf_env));
	bf_env.pxenv_seg = (uint16_t)(PXENV_LIN >> 4);
	bf_env.pxenv_off = PXENV_LIN & 15;
	bf_env.bang_seg = (uint16_t)(BANG_LIN >> 4);
	bf_env.bios.clock.now_us = bf_now;
	bf_env.bios.arena = bf_arena;
	bf_env.bios.arena_size = sizeof(bf_arena);
	bf_env.bios.hide_base[0] = 0x200000;        /* "the core, moved high" */
	bf_env.bios.hide_len[0] = 0x100000;
	bf_env.bios.n_hide = 1;
	bf_env.bios.xport = &fk_ops;
	bf_env.bios.xport_ctx = &fk;
	bf_env.bios.settings_block = 1;
	bf_env.rm_to_ptr = fake_ptr;
	bf_env.bios.rm_mem.map = bf_map;
	bf_nics(nic);
}

/* Run the flow: BF_BOOTED when it started the MBR, else its return. */
static int bf_boot(void)
{
	if (setjmp(bf.jmp))
		return BF_BOOTED;
	return boot_pxe(&bf_env);
}

static int bf_hooked_count(void)
{
	int n = 0;

	for (int v = 0; v < 256; v++)
		n += bf.vec[v].hooked;
	return n;
}

/* The iBFT in the window the OS scans, or NULL. */
static const struct ibft_table_hdr *bf_ibft(void)
{
	long off = ibft_find(mem + IBFT_BIOS_LOW, IBFT_BIOS_HIGH - IBFT_BIOS_LOW);

	return off < 0 ? NULL : (const void *)(mem + IBFT_BIOS_LOW + off);
}

static int bf_ibft_names_target(void)
{
	static const uint8_t lun[8] = { 0, 1 };
	const struct ibft_table_hdr *h = bf_ibft();

	return h && ibft_has_target(h, h->length, BF_TARGET, lun);
}

static int bf_nic_closed_e1000(void)
{
	return !(bf_fe.cfg[1] & PCI_CMD_MASTER) &&
	       !(bf_fe.regs[E1000_RCTL / 4] & E1000_RCTL_EN);
}

#endif
