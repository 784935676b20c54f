/* arch/x86/efi_entry.h - what the UEFI entry pieces (efi_main, efi_console,
 * efi_timer, efi_mb2) offer each other. */
#ifndef ARCH_X86_EFI_ENTRY_H
#define ARCH_X86_EFI_ENTRY_H
#include <stdint.h>
#include "platform/efi/efi.h"
#include "lib/clock.h"

/* efi_main.c: the set-up every UEFI entry runs (console, clock, arena)
 * and the one UEFI flow. image: the handle whose LoadedImage names the
 * boot device (lifeline.efi's own, or GRUB's); cmdline: the settings text,
 * or NULL to take the image's load options; how: named in the banner.
 * The flow's result (0 or a negative code). */
int efi_run(EFI_HANDLE image, EFI_SYSTEM_TABLE *st, const char *cmdline,
	    const char *how);
/* The EFI_STATUS an entry hands back for efi_run's result: SUCCESS,
 * OUT_OF_RESOURCES, NOT_FOUND or DEVICE_ERROR. */
EFI_STATUS efi_status_of(int rc);

/* efi_console.c: ll_printf into ConOut ('\n' as CR LF; under OVMF ConOut
 * is also the serial port). efi_console_off: nothing more is printed
 * (ExitBootServices took ConOut away). */
void efi_console_init(EFI_SYSTEM_TABLE *st);
void efi_console_off(void);

/* efi_timer.c: the TSC calibrated against BootServices->Stall; 0, or
 * LL_ETIMEDOUT with a fallback rate. */
int efi_timer_init(EFI_BOOT_SERVICES *bs, struct ll_clock *clock, uint64_t *hz);

#endif
