/* arch/x86/isr.S - the 32 exception entry points, 16 bytes apart: push a
 * zero error code where the CPU pushes none, the vector, every GPR, then
 * call x86_trap(frame) (which does not return); and the one entry of every
 * interrupt vector: end the interrupt at the local APIC, return. */
	.text
	.code64
	.balign	16
	.globl	x86_isr_table
x86_isr_table:
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign	16
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	nop
	nop
	.else
	pushq	$0
	.endif
	pushq	$\v
	jmp	isr_common
	.endr

isr_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	and	$-16, %rsp
	cld
	call	x86_trap
1:	cli
	hlt
	jmp	1b

/* Any interrupt (idle.c's one-shot timer, or a stray one while idle.c
 * halts with IF set): EOI at the local APIC if idle.c found one, iretq. */
	.balign	16
	.globl	x86_irq_entry
x86_irq_entry:
	push	%rax
	mov	x86_lapic_eoi(%rip), %rax
	test	%rax, %rax
	jz	1f
	movl	$0, (%rax)
1:	pop	%rax
	iretq
