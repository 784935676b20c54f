/* arch/x86/efi_main.c - the C entry of lifeline.efi (GNU-EFI's crt0 relocates
 * the image and calls efi_main) and efi_run, the set-up both UEFI entries
 * share (lifeline.efi, lifeline.elf under UEFI GRUB): console, clock, the
 * session arena from AllocatePages, then the one UEFI flow. */
#include "arch/x86/efi_entry.h"
#include "boot/efi_flow.h"
#include "lib/err.h"
#include "lib/print.h"

#define EFI_ARENA_SIZE (8u << 20)
#define EFI_PAGE       4096u

static struct boot_efi_env env;

EFI_STATUS efi_status_of(int rc)
{
	if (rc == 0)
		return EFI_SUCCESS;
	if (rc == LL_ENOMEM)
		return EFI_OUT_OF_RESOURCES;
	if (rc == LL_ENOENT)
		return EFI_NOT_FOUND;
	return EFI_DEVICE_ERROR;
}

int efi_run(EFI_HANDLE image, EFI_SYSTEM_TABLE *st, const char *cmdline,
	    const char *how)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_PHYSICAL_ADDRESS arena = 0;
	UINTN pages = EFI_ARENA_SIZE / EFI_PAGE;
	uint64_t hz;
	int rc;

	efi_console_init(st);
	ll_printf("\nlifeline: %s, image handle %p, UEFI %u.%u\n",
		  how, image, (unsigned)(st->Hdr.Revision >> 16),
		  (unsigned)(st->Hdr.Revision & 0xffff) / 10);
	rc = efi_timer_init(bs, &env.clock, &hz);
	ll_printf("lifeline: TSC %llu kHz (firmware Stall%s)\n",
		  (unsigned long long)(hz / 1000), rc ? ", failed: assumed" : "");
	if (bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages,
			      &arena) != EFI_SUCCESS) {
		ll_printf("lifeline: E%d %s: %u MiB arena\n", -LL_ENOMEM,
			  ll_strerror(LL_ENOMEM), EFI_ARENA_SIZE >> 20);
		return LL_ENOMEM;
	}
	env.image = image;
	env.st = st;
	env.arena = (void *)(uintptr_t)arena;
	env.arena_size = EFI_ARENA_SIZE;
	env.on_exit_bs = efi_console_off;
	env.cmdline = cmdline;
	rc = boot_efi(&env);
	ll_printf("lifeline: back to the firmware (%s)\n",
		  rc ? "boot failed" : "the started image returned");
	(void)bs->FreePages(arena, pages);
	return rc;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	return efi_status_of(efi_run(image, st, NULL, "UEFI entry"));
}
