/* arch/x86/head.S - first 64-bit code of the core, entered by the stub with
 * RDI = stub linear address and a stack in base memory: pick a home high,
 * copy the core there, zero bss, apply relocations, call pxe_main. */
	.section .head.text, "ax"
	.code64
	.globl	lx_core_head
lx_core_head:
	jmp	core_start
	.org	8

	.text
core_start:
	cld
	mov	%rdi, %r12		/* stub */
	lea	__image_start(%rip), %r13	/* where we run now */
	mov	%r12, %rdi
	mov	%r13, %rsi
	call	lx_pick_home
	test	%rax, %rax
	jz	8f
	mov	%rax, %r14		/* home */
	mov	%rax, %rdi
	mov	%r13, %rsi
	lea	__file_end(%rip), %rcx
	sub	%r13, %rcx
	rep movsb
	lea	__bss_start(%rip), %rdi
	sub	%r13, %rdi
	add	%r14, %rdi
	lea	_end(%rip), %rcx
	lea	__bss_start(%rip), %rdx
	sub	%rdx, %rcx
	xor	%eax, %eax
	rep stosb
	lea	high_start(%rip), %rax
	sub	%r13, %rax
	add	%r14, %rax
	jmp	*%rax
high_start:
	lea	__stack_top(%rip), %rsp
	lea	__image_start(%rip), %rdi
	call	lx_relocate
	test	%eax, %eax
	jnz	8f
	mov	%r12, %rdi
	call	pxe_main
8:	mov	%r12, %rdi
	call	lx_early_fail
9:	hlt
	jmp	9b
