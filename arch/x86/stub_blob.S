/* arch/x86/stub_blob.S - the real-mode stub (build/stub.bin, linked at 0 by
 * stub.ld) carried inside lifeline.elf, for stub_install (Multiboot2). */
	.section .rodata.stub_blob, "a"
	.balign	16
	.globl	elf_stub_blob, elf_stub_blob_end
	.hidden	elf_stub_blob, elf_stub_blob_end
elf_stub_blob:
	.incbin	STUB_BIN
elf_stub_blob_end:
	.section .note.GNU-stack, "", @progbits
