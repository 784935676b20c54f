/* boot/efi_flow.h - the UEFI boot flow lifeline.efi runs: what the arch
 * entry hands it, and the flow itself. */
#ifndef BOOT_EFI_FLOW_H
#define BOOT_EFI_FLOW_H
#include <stddef.h>
#include <stdint.h>
#include "platform/efi/efi.h"
#include "lib/clock.h"

struct boot_efi_env {
	EFI_HANDLE image;                /* lifeline.efi's own image handle,
					    or its loader's (UEFI GRUB) */
	EFI_SYSTEM_TABLE *st;
	struct ll_clock clock;
	void *arena;                     /* iSCSI session buffers */
	size_t arena_size;
	/* Called from the ExitBootServices notification (arch: the console
	 * goes quiet); may be NULL. */
	void (*on_exit_bs)(void);
	/* The settings text (Multiboot2 command line); NULL: the image's
	 * load options. */
	const char *cmdline;
};

/* SNP of the NIC lifeline was loaded from, the PXE cached DHCPACK, load
 * options -> attach -> iBFT ACPI table -> BlockIo handle -> the LUN's
 * \EFI\BOOT\BOOTX64.EFI (or boot-file=) started. Returns when the loader
 * returns or on failure ("lifeline: E<code> ..." printed), everything it
 * took given back; 0 only when the started image returned success. */
int boot_efi(const struct boot_efi_env *env);

#endif
