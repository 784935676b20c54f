/* arch/x86/stub.h - layout of the real-mode stub that stays in base memory
 * (header fields, GDT selectors, call frame), shared by stub.S and C. */
#ifndef ARCH_X86_STUB_H
#define ARCH_X86_STUB_H

/* Memory after the PXE entry (the image is stub.bin then core.bin):
 *   0000:7C00        the image as the ROM loaded it, then the scratch
 *                    area (boot page tables, E820 copy, stack): free again
 *                    once the core runs high.
 *   40:13 - size     the resident stub (header, GDT and entry code; the
 *                    per-call code on its own page; 4 KiB real-mode stack,
 *                    8 KiB bounce buffer): 40:13 lowered by its size in
 *                    whole KiB (45 KiB today), then down to a 4 KiB
 *                    boundary, so code and written data never share a
 *                    page (QEMU TCG retranslates a page's code on a write).
 *   top of the RAM extent at 1 MiB (below 4 GiB), 64 KiB aligned: the
 *                    core (image, bss with page tables, IDT and a 64 KiB
 *                    stack) and the 8 MiB heap; hidden by boot/ via E820.
 */

#define STUB_MAGIC       0x54534c4c /* "LLST" */
#define CORE_MAGIC0      0x4f434c4c /* "LLCO" */
#define CORE_MAGIC1      0x31304552 /* "RE01" */

/* GDT selectors (the GDT lives in the stub). CODE16/DATA16 have the
 * stub's linear address as base so stub offsets work in 16-bit PM. */
#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_CODE32 0x18
#define SEL_CODE16 0x20
#define SEL_DATA16 0x28

/* Stub header: byte offsets from the stub's first byte. */
#define STUB_H_MAGIC     8   /* u32 */
#define STUB_H_CALL64    12  /* u32 offset of the 64-bit thunk */
#define STUB_H_HOOKENT   16  /* u32 offset of hook entry 0 */
#define STUB_H_BOUNCE    20  /* u32 offset of the bounce buffer */
#define STUB_H_BOUNCE_SZ 24  /* u32 */
#define STUB_H_SIZE      28  /* u32 resident bytes (whole KiB) */
#define STUB_H_SEG       32  /* u16 real-mode segment of the stub */
#define STUB_H_A20       34  /* u16 how A20 was enabled */
#define STUB_H_LINEAR    36  /* u32 */
#define STUB_H_CR3       40  /* u32 page tables used in long mode */
#define STUB_H_IMAGE     44  /* u32 where the PXE ROM loaded the image */
#define STUB_H_LM_RSP    48  /* u64 long-mode stack for the next entry */
#define STUB_H_IDTR      56  /* u16 limit + u64 base, long-mode IDT */
#define STUB_H_RM_SP     66  /* u16 free top of the real-mode stack */
#define STUB_H_PXENV     68  /* u32 seg:off, ES:BX at entry */
#define STUB_H_BANGPXE   72  /* u32 seg:off, from SS:SP+4 at entry */
#define STUB_H_ENTRY_SP  76  /* u32 SS:SP at entry */
#define STUB_H_BASEMEM0  80  /* u16 KiB in 40:13 before the stub */
#define STUB_H_BASEMEM1  82  /* u16 KiB in 40:13 after */
#define STUB_H_SCRATCH   84  /* u32 linear of the boot scratch area */
#define STUB_H_E820N     88  /* u32 entries the entry code read */
#define STUB_H_CORE      92  /* u32 linear of the core's low copy */
#define STUB_H_DOWN      96  /* u16 off, u16 seg: real-mode landing */
#define STUB_H_RM_SP_MIN 100 /* u16 bottom of the real-mode stack */
#define STUB_H_GDT       102 /* u16 offset of the GDT (STUB_GDT_BYTES, then
			      * its 6-byte descriptor): for stub_install */
#define STUB_H_LM_TOP    104 /* u64 long-mode stack top (idle) */
#define STUB_H_HOOKFN    112 /* u64[STUB_HOOKS] C handlers */
#define STUB_HOOKS       8
#define STUB_H_END       (STUB_H_HOOKFN + 8 * STUB_HOOKS)
#define STUB_HOOK_STRIDE 8

#define STUB_GDT_BYTES   48   /* null, CODE64, DATA, CODE32, CODE16, DATA16 */
#define STUB_RM_STACK    4096 /* real-mode stack bytes */
#define STUB_RM_SLICE    1024 /* real-mode stack a nested call leaves */
#define STUB_BOUNCE_SIZE 32768

/* Scratch area after the loaded image, used only until the core runs
 * high: boot page tables (4 GiB, 2 MiB pages), E820 copy, stack. */
#define SCR_PML4   0x0000
#define SCR_PDPT   0x1000
#define SCR_PD     0x2000
#define SCR_E820   0x6000
#define SCR_E820_MAX 32
#define SCR_STACK  0x9000
#define SCR_SIZE   0x9000

/* Call frame on the real-mode stack: struct rm_regs first, then the call
 * (kind, target, stack words) and state saved around it. */
#define F_EAX    0
#define F_EBX    4
#define F_ECX    8
#define F_EDX    12
#define F_ESI    16
#define F_EDI    20
#define F_EBP    24
#define F_DS     28
#define F_ES     30
#define F_FS     32
#define F_GS     34
#define F_FLAGS  36
#define F_KIND   40
#define F_SEG    42
#define F_OFF    44
#define F_ARG0   46 /* [sp] at the call; hook: slot number */
#define F_ARG1   48 /* jump: new SP */
#define F_ARG2   50
#define F_SPFREE 52
#define F_SS     54 /* hook: caller's SS; jump: new SS */
#define F_GDTR   56
#define F_IDTR   62
#define F_CR4    68
#define STUB_FRAME 72

#define KIND_INT  0 /* pushf + far call (an INT or a chained vector) */
#define KIND_FAR  1 /* far call with ARG0..2 on the stack (PXE API) */
#define KIND_JUMP 2 /* load registers, SS:SP, jump; never returns */
#define KIND_UNDI_BATCH 3 /* the UNDI loop on the block at SEG:OFF
			    * (platform/rm_batch.h) */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "platform/realmode.h"

struct stub_header {
	uint8_t jmp[8];
	uint32_t magic, call64_off, hookent_off, bounce_off, bounce_size;
	uint32_t size;
	uint16_t seg, a20;
	uint32_t linear, cr3, image;
	uint64_t lm_rsp;
	uint16_t idt_limit;
	uint64_t idt_base;
	uint16_t rm_sp;
	uint32_t pxenv, bangpxe, entry_sssp;
	uint16_t basemem0, basemem1;
	uint32_t scratch, e820n, core;
	uint16_t down_off, down_seg;
	uint16_t rm_sp_min, gdt_off;
	uint64_t lm_top;
	uint64_t hook_fn[STUB_HOOKS];
} __attribute__((packed));

struct stub_call {
	struct rm_regs regs;
	uint16_t kind, seg, off, arg[3], spfree, ss;
	uint8_t saved[16];
} __attribute__((packed));

_Static_assert(sizeof(struct rm_regs) == 40, "rm_regs layout");
_Static_assert(sizeof(struct stub_call) == STUB_FRAME, "frame layout");
_Static_assert(__builtin_offsetof(struct stub_header, hook_fn) ==
	       STUB_H_HOOKFN, "stub header layout");
_Static_assert(__builtin_offsetof(struct stub_header, rm_sp) ==
	       STUB_H_RM_SP, "stub header layout");
_Static_assert(__builtin_offsetof(struct stub_header, gdt_off) ==
	       STUB_H_GDT, "stub header layout");
_Static_assert(__builtin_offsetof(struct stub_header, lm_top) ==
	       STUB_H_LM_TOP, "stub header layout");

/* One BIOS E820 entry as the entry code stores it (24 bytes). */
struct e820_entry {
	uint64_t base, len;
	uint32_t type, attr;
} __attribute__((packed));

/* The 64-bit thunk in the stub: 0, or LL_ENOMEM (-2, lib/err.h; set in
 * stub.S) when the real-mode stack is exhausted by nesting. */
typedef int (*stub_call_fn)(struct stub_call *c);
#endif

#endif
