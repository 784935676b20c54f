/* arch/x86/efi_mb2.c - lifeline.elf started by UEFI GRUB (Multiboot2 tags 7 +
 * 9: boot services kept, 64-bit EFI entry): the information's command line,
 * system table and image handle handed to efi_run, the same UEFI flow
 * lifeline.efi runs; at its end, Exit() on GRUB's image handle back to the
 * firmware's boot manager. Firmware GDT, IDT and page tables stay in use. */
#include <stdint.h>
#include "arch/x86/efi_entry.h"
#include "arch/x86/elf_entry.h"
#include "boot/mb2_info.h"
#include "lib/err.h"
#include "lib/print.h"

/* GRUB called us without StartImage, so the running image is still GRUB,
 * started by the boot manager: Exit() on GRUB's handle (tag 20) unwinds
 * that StartImage, as GRUB's own `exit` does, and the boot manager goes
 * on with its next boot option (BootOrder). GRUB's state is not kept for
 * a return into it. Only a refused Exit leaves us halted. */
static void mb2_efi_exit(EFI_SYSTEM_TABLE *st, EFI_HANDLE grub, int rc)
{
	EFI_STATUS s = efi_status_of(rc);

	if (rc < 0)
		ll_printf("lifeline: E%d %s; back to the boot manager (Exit of GRUB's image)\n",
			  -rc, ll_strerror(rc));
	else
		ll_printf("lifeline: the started image returned; back to the boot manager (Exit of GRUB's image)\n");
	s = st->BootServices->Exit(grub, s, 0, NULL);
	ll_printf("lifeline: Exit refused (status 0x%llx); halted\n",
		  (unsigned long long)s);
}

/* From elf_head.S's EFI entry (our stack, bss zeroed, relocated). Without
 * a system table there is no console: nothing to say, halted. */
void mb2_efi_main(uint64_t info, uint32_t magic);
void mb2_efi_main(uint64_t info, uint32_t magic)
{
	struct mb2_info m;
	EFI_SYSTEM_TABLE *st;
	int prc, rc;

	if (magic != MB2_BOOT_MAGIC || !info)
		return;
	prc = mb2_info_parse((const void *)(uintptr_t)info, MB2_INFO_MAX, &m);
	st = (EFI_SYSTEM_TABLE *)(uintptr_t)m.efi_st;
	if (!st)
		return;
	if (prc < 0 || !m.efi_ih) {
		efi_console_init(st);
		rc = prc < 0 ? prc : LL_EMB2EFI;
		ll_printf("\nlifeline: Multiboot2 EFI entry (UEFI GRUB): E%d %s\n",
			  -rc, ll_strerror(rc));
		if (m.efi_ih)
			mb2_efi_exit(st, (EFI_HANDLE)(uintptr_t)m.efi_ih, rc);
		return;
	}
	rc = efi_run((EFI_HANDLE)(uintptr_t)m.efi_ih, st,
		     m.cmdline ? m.cmdline : "", "Multiboot2 EFI entry (UEFI GRUB)");
	mb2_efi_exit(st, (EFI_HANDLE)(uintptr_t)m.efi_ih, rc);
}
