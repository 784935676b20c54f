/* arch/x86/selftest.c - checks of the real-mode door run on the target when
 * the image's test flags ask (tests/qemu/pxe_entry.sh): an INT 12h hook
 * whose C handler chains to the BIOS from inside the hook; rm_jump to
 * real-mode code that calls the hook with no long-mode call pending. */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "platform/realmode.h"
#include "lib/mem.h"
#include "lib/print.h"

#define HOOK_MARK 0x4c4cu

/* The self-test's one context. */
static struct x86_selftest {
	uint32_t old12;
	uint32_t calls;
} st;

/* Real-mode code for the jump test: INT 12h with BX=1, then BX=2, then
 * INT 18h (the BIOS's next boot device). */
static const uint8_t jump_code[] = {
	0xbb, 0x01, 0x00,       /* mov $1, %bx */
	0xcd, 0x12,             /* int $0x12 */
	0xbb, 0x02, 0x00,       /* mov $2, %bx */
	0xcd, 0x12,             /* int $0x12 */
	0xcd, 0x18,             /* int $0x18 */
	0xf4, 0xeb, 0xfd,       /* 1: hlt; jmp 1b */
};

static void hook12_idle(struct rm_regs *r)
{
	uint16_t bx = (uint16_t)r->ebx;
	st.calls++;
	rm_chain(st.old12, r);
	ll_printf("lifeline: jump self-test: INT 12h from real mode, BX=%u, AX=%u KiB\n",
		  bx, r->eax & 0xffff);
}

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

void x86_selftest_jump(void)
{
	struct rm_regs r;
	uint16_t seg = rm_bounce_seg();
	int rc = rm_hook_install(0x12, hook12_idle, &st.old12);
	if (rc) {
		ll_printf("lifeline: jump self-test: install failed (%d)\n", rc);
		return;
	}
	memcpy(rm_ptr(seg, 0), jump_code, sizeof(jump_code));
	memset(&r, 0, sizeof(r));
	ll_printf("lifeline: jump self-test: rm_jump to %04x:0000\n", seg);
	rm_jump(seg, 0, 0x0000, 0x7c00, &r);
}
