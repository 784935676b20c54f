/* arch/x86/elf_head.S - the entries of lifeline.elf: the Multiboot2 header
 * and 32-bit entry (GRUB), and the 64-bit kexec entry (e_entry). Both end in
 * elf_common: our GDT, bss zeroed, relocations applied, elf_main(info, how). */
#include "arch/x86/elf_entry.h"

	/* Multiboot2 header (spec 3.1): 8-byte aligned, in the first 32 KiB
	 * of the file; tags 8-byte aligned; the address tag makes GRUB load
	 * the image at its link address, the entry address tag names the
	 * 32-bit entry (e_entry is the 64-bit kexec one). */
	.section .mb2.header, "ax"
	.balign	8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	0				/* architecture: i386 */
	.long	mb2_header_end - mb2_header
	.long	-(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.balign	8
	/* address tag: GRUB loads the file flat (from the header's file
	 * offset, the header at ELF_LINK_BASE) instead of as an ELF, which
	 * it refuses for an ELF with relocations. The ends are written as
	 * differences from the header (PC-relative, resolved by ld): no
	 * dynamic relocation is added, and they are link addresses. */
	.word	2, 0
	.long	24
	.long	ELF_LINK_BASE			/* header_addr */
	.long	ELF_LINK_BASE			/* load_addr */
	.long	ELF_LINK_BASE + (__rela_end - mb2_header) /* load_end_addr */
	/* bss_end_addr: GRUB also reserves (and zeroes) the Multiboot2
	 * entry's heap after _end, which kexec's memsz leaves out */
	.long	ELF_LINK_BASE + (_end - mb2_header) + ELF_MB2_HEAP
	.balign	8
	.word	3, 0				/* entry address tag */
	.long	12
	/* linked (= GRUB's load) address; the header opens the image */
	.long	ELF_LINK_BASE + (lx_elf_mb2_entry - mb2_header)
	.balign	8
	/* UEFI GRUB: keep boot services (tag 7) and enter in 64-bit mode at
	 * the EFI amd64 entry (tag 9); both optional (flags 1) so a BIOS
	 * GRUB ignores them. */
	.word	7, 1
	.long	8
	.word	9, 1
	.long	12
	.long	ELF_LINK_BASE + (lx_elf_mb2_efi_entry - mb2_header)
	.balign	8
	.word	0, 0				/* end tag */
	.long	8
mb2_header_end:

/* Multiboot2 (GRUB): 32-bit protected mode, paging off, EAX = magic,
 * EBX = info. Identity-map 4 GiB with 2 MiB pages in the boot tables,
 * enable long mode, continue in elf_common. Addresses are found from
 * EIP (call/pop) and link-time differences, so no absolute relocation. */
	.code32
	.globl	lx_elf_mb2_entry
lx_elf_mb2_entry:
	cli
	cld
	mov	%ebx, %edi			/* info */
	mov	%eax, %esi			/* magic */
	call	mb2_here
mb2_here:
	pop	%ebp				/* EBP = address of mb2_here */
	mov	%ebp, %esp
	add	(rel_stack - mb2_here)(%ebp), %esp
	add	$(rel_stack - mb2_here), %esp	/* ESP = our stack top */
	mov	%ebp, %ebx
	add	(rel_tables - mb2_here)(%ebp), %ebx
	add	$(rel_tables - mb2_here), %ebx	/* EBX = boot page tables */
	/* zero 6 pages: PML4, PDPT, 4 PDs */
	push	%edi
	mov	%ebx, %edi
	mov	$(6 * 4096 / 4), %ecx
	xor	%eax, %eax
	rep stosl
	pop	%edi
	lea	4096(%ebx), %eax		/* PML4[0] -> PDPT */
	or	$3, %eax
	mov	%eax, (%ebx)
	xor	%ecx, %ecx			/* PDPT[0..3] -> PD0..3 */
3:	mov	%ecx, %eax
	add	$2, %eax
	shl	$12, %eax
	add	%ebx, %eax
	or	$3, %eax
	mov	%eax, 4096(%ebx,%ecx,8)
	inc	%ecx
	cmp	$4, %ecx
	jb	3b
	xor	%ecx, %ecx			/* 2048 PDEs of 2 MiB */
4:	mov	%ecx, %eax
	shl	$21, %eax
	or	$0x83, %eax
	mov	%eax, 8192(%ebx,%ecx,8)
	mov	%ecx, %eax
	shr	$11, %eax
	mov	%eax, 8196(%ebx,%ecx,8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	4b
	mov	%ebx, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax			/* PAE */
	mov	%eax, %cr4
	mov	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax		/* PG | PE */
	mov	%eax, %cr0
	/* a GDT with a 64-bit code segment, its base from EIP */
	mov	%ebp, %eax
	add	(rel_gdt - mb2_here)(%ebp), %eax
	add	$(rel_gdt - mb2_here), %eax
	sub	$8, %esp
	movw	$(elf_gdt_end - elf_gdt - 1), (%esp)
	mov	%eax, 2(%esp)
	lgdt	(%esp)
	add	$8, %esp
	mov	%ebp, %eax
	add	$(5f - mb2_here), %eax
	pushl	$ELF_SEL_CODE64
	push	%eax
	lret
	.code64
5:	mov	%edi, %r12d			/* zero-extended */
	mov	%esp, %esp
	cmp	$MB2_BOOT_MAGIC, %esi
	mov	$ELF_HOW_MB2, %r13d
	je	mb2_move
	mov	$ELF_HOW_MB2_BADMAGIC, %r13d
	jmp	elf_common

/* Move the image to the home lx_mb2_home picks (pure C, runs before
 * relocation on the stack in the old bss) and continue in elf_common
 * there: it clears the new bss and relocates for the new base. The page
 * tables stay those in the old bss until elf_main loads its own. */
mb2_move:
	mov	%r12, %rdi
	call	lx_mb2_home
	test	%rax, %rax
	jz	elf_common
	mov	%rax, %rbx
	mov	%rax, %rdi
	lea	__image_start(%rip), %rsi
	lea	__file_end(%rip), %rcx
	sub	%rsi, %rcx
	cld
	rep movsb
	lea	elf_common(%rip), %rax
	lea	__image_start(%rip), %rcx
	sub	%rcx, %rax
	add	%rbx, %rax
	jmp	*%rax

	.balign	4
rel_tables:
	.long	elf_boot_tables - rel_tables
rel_gdt:
	.long	elf_gdt - rel_gdt
rel_stack:
	.long	__stack_top - rel_stack


	.text
	.code64
	.globl	lx_elf_kexec_entry
/* kexec -p (elf-x86_64, --args-linux): long mode, RSI = boot_params,
 * interrupts off, GDTR/IDTR unusable. */
lx_elf_kexec_entry:
	cli
	cld
	mov	%rsi, %r12
	mov	$ELF_HOW_KEXEC, %r13d
	jmp	elf_common

/* Multiboot2 EFI amd64 entry (UEFI GRUB, boot services kept): long mode
 * on the firmware's GDT, IDT and page tables, which stay; EAX = magic,
 * RBX = info. Our stack, bss zeroed, relocated (GRUB loaded the image at
 * its link address), then mb2_efi_main (arch/x86/efi_mb2.c). */
	.globl	lx_elf_mb2_efi_entry
lx_elf_mb2_efi_entry:
	cld
	mov	%rbx, %r12
	mov	%eax, %r13d
	lea	__stack_top(%rip), %rsp
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	lea	__image_start(%rip), %rdi
	mov	$ELF_LINK_BASE, %rax
	sub	%rax, %rdi
	call	lx_relocate
	test	%eax, %eax
	jnz	9f
	mov	%r12, %rdi
	mov	%r13d, %esi
	call	mb2_efi_main
9:	cli
	hlt
	jmp	9b

/* Common 64-bit path, R12 = info pointer, R13 = how we came. Nothing
 * here may use the stack before it is ours. */
elf_common:
	lea	__stack_top(%rip), %rsp
	lea	elf_gdt(%rip), %rax
	sub	$16, %rsp
	movw	$(elf_gdt_end - elf_gdt - 1), (%rsp)
	mov	%rax, 2(%rsp)
	lgdt	(%rsp)
	add	$16, %rsp
	mov	$ELF_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	lea	1f(%rip), %rax
	pushq	$ELF_SEL_CODE64
	push	%rax
	lretq
1:	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	lea	__image_start(%rip), %rdi
	mov	$ELF_LINK_BASE, %rax
	sub	%rax, %rdi
	call	lx_relocate
	test	%eax, %eax
	jnz	9f
	mov	%r12, %rdi
	mov	%r13d, %esi
	call	elf_main
9:	cli
	hlt
	jmp	9b

	.section .rodata
	.balign	16
elf_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
elf_gdt_end:
