/* arch/x86/reloc.c - the core moving itself: choose a home high from the
 * E820 map the entry code read, apply our own R_X86_64_RELATIVE entries.
 * Runs before relocation: no pointers in data, no globals written. */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/elf_entry.h" /* ELF_MB2_HEAP */
#include "arch/x86/home.h"
#include "arch/x86/stub.h"
#include "boot/mb2_info.h"
#include "lib/byteorder.h"
#include "lib/err.h"

struct elf64_rela {
	uint64_t r_offset, r_info;
	int64_t r_addend;
};
#define R_X86_64_NONE 0
#define R_X86_64_RELATIVE 8

#pragma GCC visibility push(hidden)
extern const struct elf64_rela __rela_start[], __rela_end[];
#pragma GCC visibility pop

/* Home: the top of the extent at 1 MiB, so E801/88h can hide it by
 * shortening that extent. 0 when it does not fit. */
uint64_t lx_pick_home(uint64_t stub, uint64_t image)
{
	const struct stub_header *h = (const void *)(uintptr_t)stub;
	const struct e820_entry *e =
		(const void *)(uintptr_t)(h->scratch + SCR_E820);
	uint64_t need = (uint64_t)(_end - __image_start) + LX_HEAP_SIZE;
	(void)image;
	return lx_home_from_map(e, h->e820n, need);
}

/* 0, or LL_ENOTSUP on a relocation type we do not handle (head.S and
 * elf_head.S halt on any non-zero value). */
int lx_relocate(uint64_t base)
{
	for (const struct elf64_rela *r = __rela_start; r < __rela_end; r++) {
		uint32_t type = (uint32_t)r->r_info;
		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE)
			return LL_ENOTSUP;
		*(uint64_t *)(uintptr_t)(base + r->r_offset) =
			base + (uint64_t)r->r_addend;
	}
	return 0;
}

/* Before the console exists: INT 10h teletype, then INT 18h. */
void lx_early_fail(uint64_t stub)
{
	const struct stub_header *h = (const void *)(uintptr_t)stub;
	stub_call_fn call = (stub_call_fn)(uintptr_t)(stub + h->call64_off);
	static const char msg[] =
		"lifeline: E2 no room for the core below 4 GiB\r\n";
	struct stub_call c;
	for (const char *p = msg; *p; p++) {
		__builtin_memset(&c, 0, sizeof(c));
		c.regs.eax = 0x0e00u | (uint8_t)*p;
		c.regs.ebx = 7;
		c.kind = KIND_INT;
		c.seg = x86_peek16(0x10 * 4 + 2);
		c.off = x86_peek16(0x10 * 4);
		call(&c);
	}
	__builtin_memset(&c, 0, sizeof(c));
	c.kind = KIND_INT;
	c.seg = x86_peek16(0x18 * 4 + 2);
	c.off = x86_peek16(0x18 * 4);
	call(&c);
}

#define MB2_HOME_MAX 64

/* The memory map tag's entries as E820 entries (boot/mb2_info.c, pure
 * code); their count. 0 for damaged information: stay where GRUB put us
 * (elf_main reports the damage). */
static uint32_t mb2_map(const uint8_t *p, struct e820_entry *e)
{
	struct mb2_info m;
	uint64_t base, len;
	uint32_t n, type;

	if (mb2_info_parse(p, MB2_INFO_MAX, &m) < 0)
		return 0;
	for (n = 0; n < m.mmap_n && n < MB2_HOME_MAX; n++) {
		mb2_mmap_entry(&m, n, &base, &len, &type);
		e[n] = (struct e820_entry){ base, len, type, 1 };
	}
	return n;
}

/* lifeline.elf under GRUB: a home like the PXE core's (the top of the RAM
 * extent at 1 MiB, below 4 GiB) from the Multiboot2 memory map, so the OS
 * keeps 16 MiB (where a Linux without KASLR decompresses itself) and
 * E801/88h can hide us by shortening that extent. 0: stay where GRUB put
 * us (no map, no room, or the move would overwrite the information). */
uint64_t lx_mb2_home(uint64_t mbi)
{
	struct e820_entry e[MB2_HOME_MAX];
	const uint8_t *p = (const uint8_t *)(uintptr_t)mbi;
	uint64_t need = (uint64_t)(_end - __image_start) + ELF_MB2_HEAP, home;
	uint64_t total;
	uint32_t n = mb2_map(p, e);

	total = get_le32(p);

	home = n ? lx_home_from_map(e, n, need) : 0;
	if (home < (uint64_t)(uintptr_t)_end)
		return 0;
	if (mbi < home + need && mbi + total > home)
		return 0;
	return home;
}
