/* arch/x86/stub_install.c - lifeline.elf's way to the real-mode door: copy
 * the embedded stub to free base memory below the EBDA (as the PXE entry
 * places it), fill in its header and switch to its GDT. */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/home.h"
#include "arch/x86/stub.h"
#include "arch/x86/stub_install.h"
#include "lib/err.h"
#include "lib/mem.h"

#define BDA_BASEMEM_KB 0x413u

#pragma GCC visibility push(hidden)
extern const uint8_t elf_stub_blob[], elf_stub_blob_end[];
#pragma GCC visibility pop

static void gdt16_base(uint8_t *desc, uint32_t base)
{
	desc[2] = (uint8_t)base;
	desc[3] = (uint8_t)(base >> 8);
	desc[4] = (uint8_t)(base >> 16);
}

/* What stub.S's PXE entry code fills in, for a stub at linear. */
static void header_fill(struct stub_header *h, uint32_t linear, uint16_t kb0,
			uint64_t cr3, uint64_t idt, uint16_t idt_limit)
{
	uint8_t *gdt = (uint8_t *)h + h->gdt_off;

	h->seg = (uint16_t)(linear >> 4);
	h->down_seg = h->seg;
	h->a20 = 1;                     /* GRUB left it on */
	h->linear = linear;
	h->cr3 = (uint32_t)cr3;
	h->image = (uint32_t)(uintptr_t)__image_start;
	h->idt_base = idt;
	h->idt_limit = idt_limit;
	h->lm_top = (uint64_t)(uintptr_t)__stack_top;
	h->lm_rsp = h->lm_top;
	h->rm_sp = (uint16_t)h->bounce_off;          /* stack ends at the bounce */
	h->rm_sp_min = (uint16_t)(h->bounce_off - STUB_RM_STACK);
	h->basemem0 = kb0;
	h->basemem1 = (uint16_t)(linear / 1024);
	gdt16_base(gdt + SEL_CODE16, linear);
	gdt16_base(gdt + SEL_DATA16, linear);
	uint32_t gbase = linear + h->gdt_off;
	memcpy(gdt + STUB_GDT_BYTES + 2, &gbase, 4);
}

/* Load the stub's GDT (same CODE64/DATA selectors as ours) so the door's
 * far returns to its 16-bit selectors find them. Long mode's LGDT takes a
 * 10-byte descriptor (the stub's own is the 6-byte one for its 16/32-bit
 * code). */
static void gdt_switch(const struct stub_header *h)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = {
		STUB_GDT_BYTES - 1,
		(uint64_t)h->linear + h->gdt_off,
	};

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
			 "mov %1, %%fs\n\tmov %1, %%gs\n\t"
			 "pushq %2\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\t"
			 "lretq\n1:"
			 : : "m"(d), "r"((uint32_t)SEL_DATA),
			   "i"(SEL_CODE64) : "rax", "memory");
}

int stub_install(uint64_t idt, uint16_t idt_limit, uint64_t *stub_linear)
{
	const struct stub_header *blob = (const void *)elf_stub_blob;
	size_t len = (size_t)(elf_stub_blob_end - elf_stub_blob);
	uint16_t kb0 = x86_peek16(BDA_BASEMEM_KB), kib;
	uint64_t cr3;
	int rc;

	if (len < STUB_H_END || blob->magic != STUB_MAGIC || blob->size < len)
		return LL_EINVAL;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if (cr3 >> 32)
		return LL_ERANGE;
	rc = stub_place_kib(kb0, blob->size, &kib);
	if (rc < 0)
		return rc;
	uint32_t linear = (uint32_t)kib * 1024;
	uint8_t *dst = (uint8_t *)(uintptr_t)linear;
	__asm__ volatile("" : "+r"(dst)); /* low memory, not a null pointer */
	memcpy(dst, elf_stub_blob, len);
	memset(dst + len, 0, blob->size - len);
	header_fill((struct stub_header *)dst, linear, kb0, cr3, idt, idt_limit);
	x86_poke16(BDA_BASEMEM_KB, kib);
	gdt_switch((const struct stub_header *)dst);
	rm_init(linear);
	*stub_linear = linear;
	return 0;
}
