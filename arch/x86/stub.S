/* arch/x86/stub.S - the real-mode stub of lifeline.pxe: PXE entry at
 * 0000:7C00, move to the top of base memory, A20, boot page tables, long
 * mode; then, resident, the one door between long mode and real mode (BIOS
 * and PXE calls) and the trampoline taking real-mode interrupt hooks to C.
 * Linked at 0: every 16-bit offset is relative to the stub's segment. */
#include "arch/x86/stub.h"
#include "platform/rm_batch.h"

#define EFER 0xc0000080
#define HF(x) ((x) - STUB_FRAME)

	.section .text.entry, "ax"
	.code16
	.globl stub_start
stub_start:
	jmp	entry16
	.org	STUB_H_MAGIC
	.long	STUB_MAGIC
	.long	call64
	.long	hook_entries
	.long	stub_bounce
	.long	STUB_BOUNCE_SIZE
	.long	__stub_resident
stub_seg:	.word 0
a20_method:	.word 0
stub_linear:	.long 0
lm_cr3:		.long 0
image_linear:	.long 0
lm_rsp_free:	.quad 0
lm_idtr:	.word 0
		.quad 0
rm_sp_free:	.word 0
pxenv_ptr:	.long 0
bangpxe_ptr:	.long 0
entry_sssp:	.long 0
basemem0:	.word 0
basemem1:	.word 0
scratch_linear:	.long 0
e820_count:	.long 0
core_linear:	.long 0
down_off:	.word 0
down_seg:	.word 0
rm_sp_min:	.word 0
		.word	gdt		/* STUB_H_GDT */
lm_rsp_top:	.quad 0
	.org	STUB_H_HOOKFN
hook_fns:	.fill	STUB_HOOKS, 8, 0
	.org	STUB_H_END

	.balign	8
gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* SEL_CODE64 */
	.quad	0x00cf92000000ffff	/* SEL_DATA: flat 4 GiB */
	.quad	0x00cf9a000000ffff	/* SEL_CODE32: flat 4 GiB */
gdt_code16:
	.quad	0x00009a000000ffff	/* SEL_CODE16: base = stub */
gdt_data16:
	.quad	0x000092000000ffff	/* SEL_DATA16: base = stub */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	0
	.if	(gdt_desc - gdt) - STUB_GDT_BYTES
	.error	"stub GDT size differs from STUB_GDT_BYTES"
	.endif
ivt_desc:
	.word	0x3ff
	.long	0

msg_base:	.asciz "lifeline: E2 base memory too small for the image\r\n"
msg_a20:	.asciz "lifeline: E9 cannot enable A20\r\n"
msg_core:	.asciz "lifeline: E1 image damaged (no core header)\r\n"

/* ---- PXE entry: CS:IP = 0000:7C00, ES:BX = PXENV+, [SS:SP+4] = !PXE ---- */
entry16:
	cli
	cld
	call	1f
1:	pop	%si
	sub	$(1b - stub_start), %si
	mov	%cs, %ax
	movzwl	%ax, %eax
	shl	$4, %eax
	movzwl	%si, %esi
	add	%esi, %eax
	mov	%eax, %edi		/* linear of stub_start */
	shr	$4, %eax
	push	%ax
	push	$entry_norm
	lret
entry_norm:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%edi, image_linear
	mov	%bx, pxenv_ptr
	mov	%es, pxenv_ptr + 2
	mov	%sp, entry_sssp
	mov	%ss, entry_sssp + 2
	mov	%sp, %bp
	mov	4(%bp), %ax
	mov	%ax, bangpxe_ptr
	mov	6(%bp), %ax
	mov	%ax, bangpxe_ptr + 2
	/* the core follows the stub in the image; check its header */
	mov	%edi, %eax
	add	$__stub_file_end, %eax
	mov	%eax, core_linear
	shr	$4, %eax
	mov	%ax, %es
	mov	$msg_core, %si
	cmpl	$CORE_MAGIC0, %es:8
	jne	fail16
	cmpl	$CORE_MAGIC1, %es:12
	jne	fail16
	/* scratch: page-aligned after the image */
	mov	core_linear, %eax
	add	%es:16, %eax
	add	$0xfff, %eax
	and	$0xfffff000, %eax
	mov	%eax, scratch_linear
	add	$SCR_SIZE, %eax
	mov	%eax, %ecx		/* end of what we need low */
	/* home: just below the top of base memory */
	xor	%ax, %ax
	mov	%ax, %es
	mov	%es:0x413, %ax
	mov	%ax, basemem0
	sub	$__stub_resident_kib, %ax
	and	$0xfffc, %ax		/* on a page boundary (see stub.ld) */
	mov	%ax, basemem1
	movzwl	%ax, %eax
	shl	$6, %eax		/* KiB to paragraphs */
	mov	%ax, stub_seg
	mov	%ax, down_seg
	shl	$4, %eax
	mov	%eax, stub_linear
	mov	$msg_base, %si
	cmp	%ecx, %eax
	jb	fail16
	/* patch the 16-bit descriptors and the GDTR with the home address */
	mov	%ax, gdt_code16 + 2
	mov	%ax, gdt_data16 + 2
	shr	$16, %eax
	mov	%al, gdt_code16 + 4
	mov	%al, gdt_data16 + 4
	mov	stub_linear, %eax
	add	$gdt, %eax
	mov	%eax, gdt_desc + 2
	/* copy the stub home, lower 40:13, continue there */
	mov	stub_seg, %es
	xor	%si, %si
	xor	%di, %di
	mov	$__stub_file_end, %cx
	rep movsb
	xor	%ax, %ax
	mov	%ax, %es
	mov	basemem1, %ax
	mov	%ax, %es:0x413
	pushw	stub_seg
	push	$entry_home
	lret

entry_home:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$stub_stack_top, %sp
	mov	%sp, rm_sp_free
	movw	$stub_stack, rm_sp_min
	call	a20_enable
	mov	$msg_a20, %si
	jc	fail16
	call	e820_scan
	call	boot_paging
	mov	scratch_linear, %eax
	add	$SCR_STACK, %eax
	mov	%eax, lm_rsp_free
	movl	$0, lm_rsp_free + 4
	mov	$boot64, %ebx
	jmp	go_long

/* Print DS:SI with INT 10h teletype, then INT 18h (next boot device). */
fail16:
	mov	%cs, %ax
	mov	%ax, %ds
1:	lodsb
	test	%al, %al
	jz	2f
	mov	$0x0e, %ah
	mov	$7, %bx
	int	$0x10
	jmp	1b
2:	int	$0x18
3:	hlt
	jmp	3b

/* CF clear when A20 is on: compare 0000:0500 with FFFF:0510. */
a20_test:
	push	%ds
	push	%es
	xor	%ax, %ax
	mov	%ax, %ds
	not	%ax
	mov	%ax, %es
	mov	0x500, %bl
	mov	%es:0x510, %bh
	movb	$0x00, 0x500
	movb	$0xff, %es:0x510
	cmpb	$0xff, 0x500
	mov	%bl, 0x500
	mov	%bh, %es:0x510
	pop	%es
	pop	%ds
	clc
	jne	1f
	stc
1:	ret

/* Enable A20: already on (1), INT 15h AX=2401 (2), port 92h (3). */
a20_enable:
	movw	$1, a20_method
	call	a20_test
	jnc	9f
	movw	$2, a20_method
	mov	$0x2401, %ax
	int	$0x15
	cli
	call	a20_test
	jnc	9f
	movw	$3, a20_method
	in	$0x92, %al
	or	$2, %al
	and	$0xfe, %al
	out	%al, $0x92
	mov	$0x8000, %cx
1:	call	a20_test
	jnc	9f
	loop	1b
	movw	$0, a20_method
	stc
9:	ret

/* E820 into the scratch area (24-byte entries, at most SCR_E820_MAX). */
e820_scan:
	mov	scratch_linear, %eax
	shr	$4, %eax
	mov	%ax, %es
	mov	$SCR_E820, %di
	xor	%ebx, %ebx
	movl	$0, e820_count
1:	movl	$1, %es:20(%di)
	mov	$0xe820, %eax
	mov	$24, %ecx
	mov	$0x534d4150, %edx
	int	$0x15
	cli
	jc	9f
	cmp	$0x534d4150, %eax
	jne	9f
	cmp	$20, %cx
	jb	2f
	incl	e820_count
	add	$24, %di
	cmpl	$SCR_E820_MAX, e820_count
	jae	9f
2:	test	%ebx, %ebx
	jnz	1b
9:	ret

/* Identity page tables for the first 4 GiB (2 MiB pages) in scratch. */
boot_paging:
	mov	scratch_linear, %eax
	shr	$4, %eax
	mov	%ax, %es
	xor	%di, %di
	xor	%eax, %eax
	mov	$(SCR_E820 / 4), %cx
	rep stosl
	mov	scratch_linear, %eax
	mov	%eax, lm_cr3
	lea	(SCR_PDPT + 3)(%eax), %edx
	mov	%edx, %es:SCR_PML4
	mov	$SCR_PDPT, %di
	lea	(SCR_PD + 3)(%eax), %edx
	mov	$4, %cx
1:	mov	%edx, %es:(%di)
	add	$0x1000, %edx
	add	$8, %di
	loop	1b
	mov	$SCR_PD, %di
	mov	$0x83, %edx
	mov	$2048, %cx
2:	mov	%edx, %es:(%di)
	add	$0x200000, %edx
	add	$8, %di
	loop	2b
	ret

/* Everything below runs on every call: its own page (see stub.ld), apart
 * from the header, stack and bounce buffer written on every call (under
 * QEMU TCG a write to a page holding translated code drops that code). */
	.section .hot, "ax"
/* ---- real mode to long mode: EBX = landing offset, EDI = parameter ---- */
go_long:
	mov	stub_linear, %esi
	add	%ebx, %esi
	lgdtl	gdt_desc
	mov	lm_cr3, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$EFER, %ecx
	rdmsr
	or	$0x100, %eax		/* LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax	/* PG | PE */
	mov	%eax, %cr0
	pushl	$SEL_CODE64
	pushl	%esi
	lretl

/* ---- long mode to real mode, entered by a far return to SEL_CODE16;
 * lands at down_seg:down_off with EBX, EDI, ESI kept ---- */
down16:
	mov	$SEL_DATA16, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	%cr0, %eax
	and	$0x7fffffff, %eax	/* paging off: long mode inactive */
	mov	%eax, %cr0
	mov	$EFER, %ecx
	rdmsr
	and	$0xfffffeff, %eax
	wrmsr
	mov	%cr0, %eax
	and	$0xfffffffe, %eax
	mov	%eax, %cr0
	ljmpw	*down_off

/* ---- the thunk, real-mode half: frame at CS:DI ---- */
call_real16:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	%di, %sp
	lidtl	ivt_desc
	mov	%sp, %bp
	cmpw	$KIND_JUMP, F_KIND(%bp)
	je	do_jump
	cmpw	$KIND_UNDI_BATCH, F_KIND(%bp)
	je	do_batch
	pushw	F_ARG2(%bp)
	pushw	F_ARG1(%bp)
	pushw	F_ARG0(%bp)
	cmpw	$KIND_INT, F_KIND(%bp)
	jne	1f
	mov	F_FLAGS(%bp), %ax	/* the flags the handler's IRET pops */
	and	$0x08d5, %ax
	or	$0x0200, %ax
	push	%ax
1:	push	%cs
	push	$call_back16
	pushw	F_SEG(%bp)
	pushw	F_OFF(%bp)
	call	load_regs
	cmpw	$KIND_INT, F_KIND(%bp)
	je	2f
	mov	F_EBP(%bp), %ebp
	sti
	lret
2:	mov	F_EBP(%bp), %ebp	/* entered like an INT: IF off */
	lret

load_regs:
	mov	F_EAX(%bp), %eax
	mov	F_EBX(%bp), %ebx
	mov	F_ECX(%bp), %ecx
	mov	F_EDX(%bp), %edx
	mov	F_ESI(%bp), %esi
	mov	F_EDI(%bp), %edi
	mov	F_ES(%bp), %es
	mov	F_FS(%bp), %fs
	mov	F_GS(%bp), %gs
	mov	F_DS(%bp), %ds
	ret

call_back16:
	cli
	pushf
	push	%ebp
	mov	%sp, %bp
	/* [bp] ebp, [bp+4] flags, [bp+6] three words left, [bp+12] frame */
	mov	%eax, 12 + F_EAX(%bp)
	mov	%ebx, 12 + F_EBX(%bp)
	mov	%ecx, 12 + F_ECX(%bp)
	mov	%edx, 12 + F_EDX(%bp)
	mov	%esi, 12 + F_ESI(%bp)
	mov	%edi, 12 + F_EDI(%bp)
	mov	(%bp), %eax
	mov	%eax, 12 + F_EBP(%bp)
	mov	4(%bp), %ax
	mov	%ax, 12 + F_FLAGS(%bp)
	mov	%ds, 12 + F_DS(%bp)
	mov	%es, 12 + F_ES(%bp)
	mov	%fs, 12 + F_FS(%bp)
	mov	%gs, 12 + F_GS(%bp)
	add	$12, %bp
	mov	%bp, %sp
	mov	%cs, %ax
	mov	%ax, %ds
	mov	F_SPFREE(%bp), %ax
	mov	%ax, rm_sp_free
	movzwl	%sp, %edi
	mov	$back64, %ebx
	jmp	go_long

do_jump:
	mov	F_SPFREE(%bp), %ax
	mov	%ax, rm_sp_free
	mov	lm_rsp_top, %eax
	mov	%eax, lm_rsp_free
	mov	lm_rsp_top + 4, %eax
	mov	%eax, lm_rsp_free + 4
	mov	F_SS(%bp), %ax
	mov	F_ARG1(%bp), %cx
	mov	%ax, %ss
	mov	%cx, %sp
	pushw	%cs:F_SEG(%bp)
	pushw	%cs:F_OFF(%bp)
	mov	%cs:F_EAX(%bp), %eax
	mov	%cs:F_EBX(%bp), %ebx
	mov	%cs:F_ECX(%bp), %ecx
	mov	%cs:F_EDX(%bp), %edx
	mov	%cs:F_ESI(%bp), %esi
	mov	%cs:F_EDI(%bp), %edi
	mov	%cs:F_ES(%bp), %es
	mov	%cs:F_FS(%bp), %fs
	mov	%cs:F_GS(%bp), %gs
	mov	%cs:F_DS(%bp), %ds
	mov	%cs:F_EBP(%bp), %ebp
	sti
	lret

/* ---- the UNDI batch trip (platform/rm_batch.h): many ROM calls, one
 * switch of mode. The frame is at SS:BP; the block's far pointer is kept
 * in batch_block (bss) and reloaded into ES:DI after every ROM call, as
 * the ROM may change any register but SS:SP. ---- */
#define OP_TRANSMIT 0x0008	/* PXENV_UNDI_TRANSMIT */
#define OP_ISR      0x0014	/* PXENV_UNDI_ISR */
#define ISR_START   1
#define ISR_PROCESS 2
#define ISR_GETNEXT 3
#define ISR_OURS    0
#define ISR_TX      2
#define ISR_RX      3
do_batch:
	sub	$6, %sp			/* the three words call_back16 skips */
	mov	F_OFF(%bp), %ax
	mov	%ax, %cs:batch_block
	mov	F_SEG(%bp), %ax
	mov	%ax, %cs:batch_block + 2
	les	%cs:batch_block, %di
	xor	%ax, %ax
	mov	%ax, %es:RB_TX_SENT(%di)
	mov	%ax, %es:RB_TX_FAIL_AX(%di)
	mov	%ax, %es:RB_RING_USED(%di)
	mov	%ax, %es:RB_NREC(%di)
	mov	%ax, %es:RB_CALLS(%di)
1:	mov	%es:RB_TX_SENT(%di), %ax
	cmp	%es:RB_TX_N(%di), %ax
	jae	3f
	shl	$5, %ax			/* RB_TX_STRIDE */
	add	%es:RB_TX_PARAM(%di), %ax
	mov	%ax, %dx
	mov	$OP_TRANSMIT, %ax
	call	batch_rom
	jc	2f
	incw	%es:RB_TX_SENT(%di)
	jmp	1b
2:	mov	%ax, %es:RB_TX_FAIL_AX(%di)
3:	mov	%es:RB_ISR_IN(%di), %ax
	test	%ax, %ax
	jz	8f
	cmp	$ISR_START, %ax
	jne	4f
	call	batch_isr
	jc	7f
	cmp	$ISR_OURS, %ax
	jne	8f
	mov	$ISR_PROCESS, %ax
4:	mov	%es:RB_NREC(%di), %cx
	cmp	%es:RB_REC_MAX(%di), %cx
	jae	6f
	mov	%es:RB_RING_SIZE(%di), %cx
	sub	%es:RB_RING_USED(%di), %cx
	cmp	$RB_REC_ROOM, %cx
	jb	6f
	call	batch_isr
	jc	7f
	cmp	$ISR_TX, %ax
	je	5f
	cmp	$ISR_RX, %ax
	jne	8f
5:	call	batch_record
	mov	$ISR_GETNEXT, %ax
	jmp	4b
6:	mov	$RB_LAST_MORE, %ax
	jmp	8f
7:	mov	$RB_LAST_FAILED, %ax
8:	mov	%ax, %es:RB_ISR_LAST(%di)
	jmp	call_back16

/* UNDI_ISR with FuncFlag AX: CF on failure, else AX = FuncFlag out. */
batch_isr:
	mov	%es:RB_ISR_PARAM(%di), %bx
	movw	$0, %es:(%bx)
	mov	%ax, %es:2(%bx)
	xor	%ax, %ax
	mov	%ax, %es:4(%bx)
	mov	%ax, %es:6(%bx)
	mov	%ax, %es:8(%bx)
	mov	%ax, %es:10(%bx)
	mov	%ax, %es:12(%bx)
	mov	%ax, %es:14(%bx)
	mov	%bx, %dx
	mov	$OP_ISR, %ax
	call	batch_rom
	jc	1f
	mov	%es:RB_ISR_PARAM(%di), %bx
	mov	%es:2(%bx), %ax
1:	ret

/* ROM call AX = opcode, parameter block at ES:DX. Back: ES:DI = the
 * block, AX = the ROM's AX, CF when AX or the Status word is not 0. */
batch_rom:
	incw	%es:RB_CALLS(%di)
	push	%dx
	push	%es
	pop	%ds
	cmpw	$0, %es:RB_VIA_BANG(%di)
	je	1f
	push	%es
	push	%dx
	push	%ax
	sti
	lcallw	*%es:RB_ENTRY(%di)
	cli
	add	$6, %sp
	jmp	2f
1:	pushw	%es:RB_ENTRY + 2(%di)
	pushw	%es:RB_ENTRY(%di)
	mov	%ax, %bx
	mov	%dx, %di
	mov	%sp, %bp
	sti
	lcallw	*(%bp)
	cli
	add	$4, %sp
2:	cld
	les	%cs:batch_block, %di
	pop	%bx
	test	%ax, %ax
	jnz	3f
	cmpw	$0, %es:(%bx)
	jne	3f
	clc
	ret
3:	stc
	ret

/* Append the ISR answer AX (TRANSMIT or RECEIVE) to the ring; a RECEIVE
 * piece's bytes are copied when they fit (RB_COPY_MAX, segment end). */
batch_record:
	mov	%es:RB_ISR_PARAM(%di), %bx
	mov	%es:RB_RING_OFF(%di), %si
	add	%es:RB_RING_USED(%di), %si
	mov	%ax, %es:RR_FLAG(%si)
	mov	%es:4(%bx), %cx
	mov	%cx, %es:RR_BUFLEN(%si)
	mov	%es:6(%bx), %dx
	mov	%dx, %es:RR_FRAMELEN(%si)
	mov	%es:10(%bx), %dx
	mov	%dx, %es:RR_FOFF(%si)
	mov	%es:12(%bx), %dx
	mov	%dx, %es:RR_FSEG(%si)
	mov	%es:14(%bx), %dx
	mov	%dx, %es:RR_PROT(%si)
	movw	$0, %es:RR_COPIED(%si)
	movw	$0, %es:RR_PAD(%si)
	cmp	$ISR_RX, %ax
	jne	2f
	cmp	$RB_COPY_MAX, %cx
	ja	2f
	mov	%es:RR_FOFF(%si), %dx
	add	%cx, %dx
	jnc	1f
	test	%dx, %dx
	jnz	2f
1:	mov	%cx, %es:RR_COPIED(%si)
	push	%si
	lea	RR_HDR(%si), %di
	mov	%es:RR_FSEG(%si), %ds
	mov	%es:RR_FOFF(%si), %si
	cld
	rep movsb
	pop	%si
	les	%cs:batch_block, %di
2:	mov	%es:RR_COPIED(%si), %cx
	add	$(RR_HDR + 3), %cx
	and	$0xfffc, %cx
	add	%cx, %es:RB_RING_USED(%di)
	incw	%es:RB_NREC(%di)
	ret

/* ---- hooks: IVT entries point at hook_entries + slot * 8 ---- */
	.balign	STUB_HOOK_STRIDE
hook_entries:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	pushw	$\n
	jmp	hook_common
	.balign	STUB_HOOK_STRIDE
	.endr

hook_common:
	push	%ebp
	mov	%sp, %bp
	/* [bp] ebp, [bp+4] slot, [bp+6] ip, [bp+8] cs, [bp+10] flags */
	sub	$STUB_FRAME, %sp
	mov	%eax, HF(F_EAX)(%bp)
	mov	%ebx, HF(F_EBX)(%bp)
	mov	%ecx, HF(F_ECX)(%bp)
	mov	%edx, HF(F_EDX)(%bp)
	mov	%esi, HF(F_ESI)(%bp)
	mov	%edi, HF(F_EDI)(%bp)
	mov	(%bp), %eax
	mov	%eax, HF(F_EBP)(%bp)
	mov	%ds, HF(F_DS)(%bp)
	mov	%es, HF(F_ES)(%bp)
	mov	%fs, HF(F_FS)(%bp)
	mov	%gs, HF(F_GS)(%bp)
	mov	10(%bp), %ax
	mov	%ax, HF(F_FLAGS)(%bp)
	mov	4(%bp), %ax
	mov	%ax, HF(F_ARG0)(%bp)
	mov	%ss, HF(F_SS)(%bp)
	sgdtl	HF(F_GDTR)(%bp)
	sidtl	HF(F_IDTR)(%bp)
	mov	%cr4, %eax
	mov	%eax, HF(F_CR4)(%bp)
	mov	%cs, %ax
	mov	%ax, %ds
	mov	rm_sp_free, %ax
	mov	%ax, HF(F_SPFREE)(%bp)
	/* nested inside our own call: later calls go below this frame */
	mov	%ss, %ax
	cmp	stub_seg, %ax
	jne	1f
	cmp	rm_sp_free, %sp
	jae	1f
	mov	%sp, rm_sp_free
1:	movzwl	%ax, %edi
	shl	$4, %edi
	movzwl	%sp, %eax
	add	%eax, %edi		/* frame linear */
	mov	$hook64, %ebx
	jmp	go_long

hook_ret16:
	mov	%bx, %ss
	mov	%di, %sp
	mov	%sp, %bp
	mov	%cs, %ax
	mov	%ax, %ds
	mov	F_SPFREE(%bp), %ax
	mov	%ax, rm_sp_free
	lgdtl	F_GDTR(%bp)
	lidtl	F_IDTR(%bp)
	mov	F_CR4(%bp), %eax
	mov	%eax, %cr4
	/* the caller's flags with CF, PF, AF, ZF, SF, OF from the handler */
	mov	F_FLAGS(%bp), %ax
	and	$0x08d5, %ax
	mov	STUB_FRAME + 10(%bp), %bx
	and	$0xf72a, %bx
	or	%ax, %bx
	mov	%bx, STUB_FRAME + 10(%bp)
	mov	F_EBP(%bp), %eax
	mov	%eax, STUB_FRAME(%bp)
	call	load_regs
	add	$STUB_FRAME, %sp
	pop	%ebp
	add	$2, %sp
	iret

/* ---- 64-bit halves ---- */
	.code64
boot64:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	lm_rsp_free(%rip), %rsp
	mov	stub_linear(%rip), %edi
	mov	core_linear(%rip), %eax
	jmp	*%rax

/* int call64(struct stub_call *c): run c in real mode, registers back. */
call64:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$16, %rsp
	sidt	(%rsp)
	pushq	lm_rsp_free(%rip)
	push	%rdi
	movzwl	rm_sp_free(%rip), %eax
	movzwl	rm_sp_min(%rip), %ecx
	add	$(STUB_FRAME + STUB_RM_SLICE), %ecx
	cmp	%ecx, %eax
	jb	9f
	mov	%rsp, lm_rsp_free(%rip)
	sub	$STUB_FRAME, %eax
	mov	%eax, %ebx		/* frame offset */
	mov	stub_linear(%rip), %edx
	lea	(%rdx,%rbx), %r8
	mov	%rdi, %rsi
	mov	%r8, %rdi
	mov	$STUB_FRAME, %ecx
	cld
	rep movsb
	movzwl	rm_sp_free(%rip), %eax
	mov	%ax, F_SPFREE(%r8)
	lea	-STUB_RM_SLICE(%rbx), %eax
	mov	%ax, rm_sp_free(%rip)
	movw	$call_real16, down_off(%rip)
	mov	%ebx, %edi
	pushq	$SEL_CODE16
	pushq	$down16
	lretq
9:	pop	%rdi
	add	$24, %rsp
	mov	$-2, %eax		/* LL_ENOMEM of lib/err.h: no stack slice */
	jmp	1f
back64:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	lm_rsp_free(%rip), %rsp
	mov	%edi, %esi
	mov	stub_linear(%rip), %eax
	add	%rax, %rsi
	pop	%rdi
	mov	$40, %ecx
	cld
	rep movsb
	popq	lm_rsp_free(%rip)
	lidt	(%rsp)
	add	$16, %rsp
	xor	%eax, %eax
1:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/* A hooked interrupt in long mode: call hook_fns[slot](frame). */
hook64:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	lm_rsp_free(%rip), %rsp
	and	$-16, %rsp
	mov	%edi, %edi
	push	%rdi
	push	%rdi
	lidt	lm_idtr(%rip)
	movzwl	F_ARG0(%rdi), %eax
	lea	hook_fns(%rip), %rcx
	mov	(%rcx,%rax,8), %rax
	test	%rax, %rax
	jz	1f
	cld
	call	*%rax
1:	pop	%rdi
	pop	%rdi
	movzwl	F_SS(%rdi), %ebx
	mov	%ebx, %eax
	shl	$4, %eax
	sub	%eax, %edi
	movw	$hook_ret16, down_off(%rip)
	pushq	$SEL_CODE16
	pushq	$down16
	lretq

	.balign	16
	.section .bss, "aw", @nobits
	.balign	16
stub_stack:
	.skip	STUB_RM_STACK
stub_stack_top:
	.balign	16
stub_bounce:
	.skip	STUB_BOUNCE_SIZE
batch_block:			/* far pointer of the UNDI batch block */
	.skip	4
