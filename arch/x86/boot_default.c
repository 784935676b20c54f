/* arch/x86/boot_default.c - stand-in for boot/'s PXE boot flow, linked
 * only while no boot/ file defines boot_pxe (weak); and the MBR hand-off
 * boot/ calls (arch_boot_mbr). */
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
