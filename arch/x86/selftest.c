/* arch/x86/selftest.c - checks of the real-mode door run on the target when
 * the image's test flags ask (tests/qemu/pxe_entry.sh): an INT 12h hook
 * whose C handler chains to the BIOS from inside the hook. */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/realmode.h"
#include "lib/mem.h"
#include "lib/print.h"

#define HOOK_MARK 0x4c4cu

/* The self-test's one context. */
static struct x86_selftest {
	uint32_t old12;
	uint32_t calls;
} st;

static void hook12(struct rm_regs *r)
{
	st.calls++;
	rm_chain(st.old12, r);   /* a real-mode call nested in the hook */
	r->ebx = HOOK_MARK;
	r->flags |= RM_CF;
}

void x86_selftest_hook(void)
{
	struct rm_regs r;
	int rc = rm_hook_install(0x12, hook12, &st.old12);
	if (rc) {
		ll_printf("lifeline: hook self-test: install failed (%d)\n", rc);
		return;
	}
	memset(&r, 0, sizeof(r));
	rm_int(0x12, &r);
	rc = rm_hook_remove(0x12, st.old12);
	ll_printf("lifeline: hook self-test: INT 12h hooked, %u call(s), chained AX=%u KiB, BX=%04x, CF=%u, unhooked %d\n",
		  st.calls, r.eax & 0xffff, r.ebx & 0xffff, r.flags & RM_CF,
		  rc);
	memset(&r, 0, sizeof(r));
	rm_int(0x12, &r);
	ll_printf("lifeline: hook self-test: after unhook %u call(s), AX=%u KiB\n",
		  st.calls, r.eax & 0xffff);
}
