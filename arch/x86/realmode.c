/* arch/x86/realmode.c - the C side of the one door to real mode: BIOS
 * interrupts, PXE far calls, jumps and interrupt hooks, all through the
 * 64-bit thunk of the resident stub (arch/x86/stub.S). */
#include <stddef.h>
#include "platform/realmode.h"
#include "arch/x86/arch.h"
#include "arch/x86/stub.h"
#include "lib/err.h"
#include "lib/mem.h"

/* The layer's one context: the stub and the hooks installed in it. */
static struct rm_state {
	struct stub_header *stub;
	stub_call_fn call;
	uint32_t failures;       /* calls refused: real-mode stack exhausted */
	uint8_t hook_vector[STUB_HOOKS];
	uint8_t hook_used[STUB_HOOKS];
} rm;

void rm_init(uint64_t stub)
{
	rm.stub = (struct stub_header *)(uintptr_t)stub;
	rm.call = (stub_call_fn)(uintptr_t)(stub + rm.stub->call64_off);
}

static uint32_t ivt_get(uint8_t n)
{
	return x86_peek32((uint32_t)n * 4);
}

static int far_call(uint16_t kind, uint32_t target, struct rm_regs *r,
		    const uint16_t arg[3])
{
	struct stub_call c;
	memset(&c, 0, sizeof(c));
	c.regs = *r;
	c.kind = kind;
	c.seg = (uint16_t)(target >> 16);
	c.off = (uint16_t)target;
	if (arg)
		memcpy(c.arg, arg, sizeof(c.arg));
	if (rm.call(&c) != 0) {
		rm.failures++;
		r->flags |= RM_CF;
		return LL_ENOMEM;
	}
	*r = c.regs;
	return 0;
}

void rm_int(uint8_t n, struct rm_regs *r)
{
	far_call(KIND_INT, ivt_get(n), r, NULL);
}

void rm_chain(uint32_t old_vector, struct rm_regs *r)
{
	far_call(KIND_INT, old_vector, r, NULL);
}

uint16_t rm_pxe_call(uint16_t seg, uint16_t off, uint16_t opcode,
		     uint16_t param_seg, uint16_t param_off)
{
	struct rm_regs r;
	uint16_t arg[3] = { opcode, param_off, param_seg };
	memset(&r, 0, sizeof(r));
	r.ebx = opcode;
	r.es = param_seg;
	r.edi = param_off;
	r.ds = param_seg;
	r.eax = 0xffff;
	far_call(KIND_FAR, ((uint32_t)seg << 16) | off, &r, arg);
	return (uint16_t)r.eax;
}

int rm_undi_batch(uint16_t seg, uint16_t off)
{
	struct rm_regs r;
	memset(&r, 0, sizeof(r));
	return far_call(KIND_UNDI_BATCH, ((uint32_t)seg << 16) | off, &r, NULL);
}

void rm_jump(uint16_t cs, uint16_t ip, uint16_t ss, uint16_t sp,
	     const struct rm_regs *r)
{
	struct stub_call c;
	memset(&c, 0, sizeof(c));
	c.regs = *r;
	c.kind = KIND_JUMP;
	c.seg = cs;
	c.off = ip;
	c.arg[1] = sp;
	c.ss = ss;
	rm.call(&c);
	for (;;)
		__asm__ volatile("cli; hlt");
}

int rm_hook_install(uint8_t vector, rm_hook_fn fn, uint32_t *old_vector)
{
	for (unsigned i = 0; i < STUB_HOOKS; i++) {
		if (rm.hook_used[i])
			continue;
		rm.hook_used[i] = 1;
		rm.hook_vector[i] = vector;
		rm.stub->hook_fn[i] = (uint64_t)(uintptr_t)fn;
		if (old_vector)
			*old_vector = ivt_get(vector);
		x86_poke32((uint32_t)vector * 4,
			   ((uint32_t)rm.stub->seg << 16) |
			   (rm.stub->hookent_off + i * STUB_HOOK_STRIDE));
		return 0;
	}
	return LL_EBUSY;
}

int rm_hook_remove(uint8_t vector, uint32_t old_vector)
{
	for (unsigned i = 0; i < STUB_HOOKS; i++) {
		uint32_t ours = ((uint32_t)rm.stub->seg << 16) |
				(rm.stub->hookent_off + i * STUB_HOOK_STRIDE);
		if (!rm.hook_used[i] || rm.hook_vector[i] != vector)
			continue;
		if (ivt_get(vector) != ours)
			return LL_EBUSY;
		x86_poke32((uint32_t)vector * 4, old_vector);
		rm.stub->hook_fn[i] = 0;
		rm.hook_used[i] = 0;
		return 0;
	}
	return LL_ENOENT;
}

uint16_t rm_bounce_seg(void)
{
	return (uint16_t)(rm.stub->seg + (rm.stub->bounce_off >> 4));
}

uint32_t rm_bounce_size(void)
{
	return rm.stub->bounce_size;
}
