/* platform/realmode.h - the one door to real mode: call a BIOS interrupt or
 * a real-mode far entry (PXE/UNDI) from the 64-bit core with a register
 * block, and take real-mode interrupt hooks (INT 13h, INT 15h) into C. */
#ifndef PLATFORM_REALMODE_H
#define PLATFORM_REALMODE_H
#include <stdint.h>

/* Register block passed both ways. Flags: CF is bit 0. */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es, fs, gs;
	uint16_t flags;
};

#define RM_CF 0x0001u

/* Real-mode address helpers: base memory is identity mapped. */
static inline uint32_t rm_linear(uint16_t seg, uint16_t off)
{
	return ((uint32_t)seg << 4) + off;
}
static inline void *rm_ptr(uint16_t seg, uint16_t off)
{
	return (void *)(uintptr_t)rm_linear(seg, off);
}

/* Call INT n in real mode with r; r gets the registers back. */
void rm_int(uint8_t n, struct rm_regs *r);
/* PXE API: far call seg:off in real mode with the stack holding
 * (opcode, param_off, param_seg) as the !PXE calling convention wants;
 * returns AX. Also used for the PXENV+ entry (BX = opcode, ES:DI = param). */
uint16_t rm_pxe_call(uint16_t seg, uint16_t off, uint16_t opcode,
		     uint16_t param_seg, uint16_t param_off);

/* A real-mode interrupt hook: the stub in base memory saves the caller's
 * registers into r, switches to long mode and calls fn; on return r's
 * registers (and CF in flags) go back to the caller, who resumes after
 * its INT. chain: the previous vector, for passing calls through. */
typedef void (*rm_hook_fn)(struct rm_regs *r);
int rm_hook_install(uint8_t vector, rm_hook_fn fn, uint32_t *old_vector);
/* Undo rm_hook_install: put old_vector back and free the slot. 0, or
 * LL_EBUSY when someone hooked the vector after us (left in place),
 * LL_ENOENT when it is not hooked. */
int rm_hook_remove(uint8_t vector, uint32_t old_vector);
/* One UNDI batch trip: the real-mode loop of platform/rm_batch.h on the
 * block at seg:off (its parameter blocks and ring in segment seg). 0, or
 * LL_ENOMEM when the real-mode stack is exhausted by nesting. */
int rm_undi_batch(uint16_t seg, uint16_t off);
/* Call the previous handler of a hooked vector with r (pass-through). */
void rm_chain(uint32_t old_vector, struct rm_regs *r);
/* Bounce buffer in base memory (seg:0), for BIOS calls needing one. */
uint16_t rm_bounce_seg(void);
uint32_t rm_bounce_size(void);

/* Leave for good: load r, SS:SP = ss:sp, interrupts on, jump to cs:ip
 * in real mode (an MBR at 0000:7C00 with DL set). Hooks stay live. */
void rm_jump(uint16_t cs, uint16_t ip, uint16_t ss, uint16_t sp,
	     const struct rm_regs *r) __attribute__((noreturn));

#endif
