/* arch/x86/boot_default.c - stand-in for boot/'s PXE boot flow, linked
 * only while no boot/ file defines boot_pxe (weak); and the MBR hand-off
 * boot/ calls (arch_boot_mbr); the give-up to the BIOS (INT 18h). */
#include "arch/x86/arch.h"
#include "platform/realmode.h"
#include "boot/boot.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

__attribute__((weak)) int boot_pxe(const struct boot_pxe_env *env)
{
	(void)env;
	ll_printf("lifeline: no boot flow yet\n");
	return LL_ENOTSUP;
}

void arch_boot_mbr(uint8_t drive)
{
	struct rm_regs r;
	memset(&r, 0, sizeof(r));
	r.edx = drive;
	rm_jump(0x0000, 0x7c00, 0x0000, 0x7c00, &r);
}

/* A BIOS entry's end on failure: the coded line, then INT 18h from real
 * mode (the BIOS tries its next boot device). Never returns. */
void x86_bios_give_up(int rc)
{
	struct rm_regs r;
	ll_printf("lifeline: E%d %s; back to the BIOS (INT 18h)\n", -rc,
		  ll_strerror(rc));
	memset(&r, 0, sizeof(r));
	rm_int(0x18, &r);
	ll_printf("lifeline: INT 18h returned; halted\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
