/* boot/boot.h - the boot flows of each firmware entry and the hand-off
 * points the arch layer implements. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H
#include <stddef.h>
#include <stdint.h>
#include "lib/clock.h"
#include "boot/rmmem.h"
#include "drivers/net/nicprobe.h"
#include "drivers/pxe/pxe_api.h"

struct iscsi_xport_ops;

#define BOOT_MAX_HIDE 4

struct iscsi_xport_ops;   /* iscsi/session_int.h */

/* What an arch BIOS entry (PXE, Multiboot2) hands the shared flow. */
struct boot_bios_env {
	struct ll_clock clock;
	void *arena;                     /* iSCSI session buffers */
	size_t arena_size;
	/* Memory the OS must not take (the core, its buffers): hidden
	 * through INT 15h E820/E801/88h. The iBFT is added. */
	uint64_t hide_base[BOOT_MAX_HIDE], hide_len[BOOT_MAX_HIDE];
	unsigned n_hide;
	/* 16-byte aligned linear address in 0x80000..0x9FFFF with
	 * IBFT_MAX_SIZE bytes for the iBFT, or 0: the flow takes it from the
	 * top of base memory and lowers 40:13. */
	uint32_t ibft_linear;
	const char *cmdline;             /* NULL on PXE */
	uint8_t settings_block;          /* read the embedded settings block */
	/* Without a firmware NIC: the loader's DHCPACK (GRUB's Multiboot2
	 * network tag), or NULL. */
	const uint8_t *ack;
	size_t ack_len;
	const char *ack_name;            /* "GRUB" */
	/* The network functions on the bus and how to reach one (arch's
	 * pcidev, with DMA memory the OS never gets). With a firmware NIC
	 * (PXE: UNDI) and nic=auto, the native driver for the NIC the ROM
	 * booted from; without one the first that opens. */
	const struct nic_candidate *nics;
	size_t n_nics;
	nicprobe_make_fn nic_make;
	void *nic_ctx;
	/* The iSCSI byte stream: NULL, TCP over the chosen NIC; else this
	 * transport (iscsi/session_int.h; unit tests: a scripted target). */
	const struct iscsi_xport_ops *xport;
	void *xport_ctx;
	/* Real-mode addresses as pointers. Zero (firmware): identity, base
	 * memory is identity mapped; unit tests: a host array. */
	struct rm_mem rm_mem;            /* BDA, iBFT, MBR, INT 13h/15h */
};

/* What the arch PXE entry hands the PXE flow. */
struct boot_pxe_env {
	struct boot_bios_env bios;
	uint16_t pxenv_seg, pxenv_off;   /* ES:BX at entry (0:0 if none) */
	uint16_t bang_seg, bang_off;     /* !PXE from the entry stack */
	pxe_rm_to_ptr_fn rm_to_ptr;      /* seg:off, for the PXE API */
};

struct attach_fw_nic;

/* The BIOS flow every BIOS entry shares: attach (settings, the firmware
 * NIC fw or a native driver, login, the LUN; attach/attach.h), publish
 * the iBFT, hook INT 15h (E820 hiding) and INT 13h, load the LUN's MBR at
 * 0000:7C00 and start it (arch_boot_mbr). fw: NULL, native NICs only.
 * Returns only on failure, with the error printed as "lifeline: E<code>
 * <message>" and everything taken given back (hooks, BDA, session, a
 * native NIC stopped); the arch entry then gives the machine back to the
 * BIOS (INT 18h). */
int boot_bios(const struct boot_bios_env *env, const struct attach_fw_nic *fw);

/* The BIOS PXE flow: find the PXE API, take the cached DHCPACK, then
 * boot_bios with UNDI as the firmware NIC. Returns as boot_bios. */
int boot_pxe(const struct boot_pxe_env *env);

/* arch/x86: jump to 0000:7C00 in real mode with DL = drive (never
 * returns). */
void arch_boot_mbr(uint8_t drive) __attribute__((noreturn));

#endif
