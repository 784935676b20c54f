/* arch/x86/efi_entry.h - what the UEFI entry pieces (efi_main, efi_console,
 * efi_timer) offer each other; lifeline.efi only. */
#ifndef ARCH_X86_EFI_ENTRY_H
#define ARCH_X86_EFI_ENTRY_H
#include <stdint.h>
#include "platform/efi/efi.h"
#include "lib/clock.h"

/* efi_console.c: ll_printf into ConOut ('\n' as CR LF; under OVMF ConOut
 * is also the serial port). efi_console_off: nothing more is printed
 * (ExitBootServices took ConOut away). */
void efi_console_init(EFI_SYSTEM_TABLE *st);
void efi_console_off(void);

/* efi_timer.c: the TSC calibrated against BootServices->Stall; 0, or
 * LL_ETIMEDOUT with a fallback rate. */
int efi_timer_init(EFI_BOOT_SERVICES *bs, struct ll_clock *clock, uint64_t *hz);

#endif
