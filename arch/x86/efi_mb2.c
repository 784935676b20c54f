/* arch/x86/efi_mb2.c - lifeline.elf started by UEFI GRUB (Multiboot2 tags 7 +
 * 9: boot services kept, 64-bit EFI entry): the information's command line,
 * system table and image handle handed to efi_run, the same UEFI flow
 * lifeline.efi runs. Firmware GDT, IDT and page tables stay in use. */
#include <stdint.h>
#include "arch/x86/efi_entry.h"
#include "arch/x86/elf_entry.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define MB2_TAG_CMDLINE 1
#define MB2_TAG_EFI64_ST 12
#define MB2_TAG_EFI64_IH 20
#define MB2_INFO_MAX (1u << 20)   /* a sane bound on total_size */

struct mb2_efi {
	const char *cmdline;
	EFI_SYSTEM_TABLE *st;
	EFI_HANDLE image;
};

static uint64_t tag_u64(const uint8_t *t)
{
	uint64_t v;

	memcpy(&v, t + 8, sizeof(v));
	return v;
}

/* Tags after an 8-byte header, each 8-byte aligned, up to the end tag. */
static void mb2_efi_tags(const uint8_t *info, struct mb2_efi *m)
{
	uint32_t total, off = 8;

	memcpy(&total, info, sizeof(total));
	if (total > MB2_INFO_MAX)
		total = MB2_INFO_MAX;
	while (off + 8 <= total) {
		uint32_t type, size;

		memcpy(&type, info + off, 4);
		memcpy(&size, info + off + 4, 4);
		if (type == 0 || size < 8 || size > total - off)
			break;
		if (type == MB2_TAG_CMDLINE && size > 8)
			m->cmdline = (const char *)info + off + 8;
		else if (type == MB2_TAG_EFI64_ST && size >= 16)
			m->st = (EFI_SYSTEM_TABLE *)(uintptr_t)tag_u64(info + off);
		else if (type == MB2_TAG_EFI64_IH && size >= 16)
			m->image = (EFI_HANDLE)(uintptr_t)tag_u64(info + off);
		off += (size + 7) & ~7u;
	}
}

/* From elf_head.S's EFI entry (our stack, bss zeroed, relocated). There is
 * nothing to return to: a failed boot stops here, said on the console. */
void mb2_efi_main(uint64_t info, uint32_t magic);
void mb2_efi_main(uint64_t info, uint32_t magic)
{
	struct mb2_efi m = { 0 };
	int rc;

	if (magic != MB2_BOOT_MAGIC || !info)
		return;
	mb2_efi_tags((const uint8_t *)(uintptr_t)info, &m);
	if (!m.st || !m.image)
		return;
	rc = efi_run(m.image, m.st, m.cmdline ? m.cmdline : "",
		     "Multiboot2 EFI entry (UEFI GRUB)");
	ll_printf("lifeline: E%d %s: nothing to return to, halted\n",
		  rc < 0 ? -rc : 0, rc < 0 ? ll_strerror(rc) : "loader returned");
}
