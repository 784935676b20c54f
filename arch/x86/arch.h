/* arch/x86/arch.h - what the x86 entry pieces offer each other: image
 * layout symbols, moving the core high, paging, IDT, TSC, console. */
#ifndef ARCH_X86_ARCH_H
#define ARCH_X86_ARCH_H
#include <stdint.h>
#include "lib/clock.h"

#pragma GCC visibility push(hidden)
/* From arch/x86/lifeline.ld (addresses only). */
extern char __image_start[], __file_end[], _end[];
extern char __stack_bottom[], __stack_top[];
extern uint32_t __core_flags[];
#pragma GCC visibility pop

/* The arena the core keeps after _end (hidden with the core). */
#define LX_HEAP_SIZE (8u << 20)
/* __core_flags[0] bits, patched in the image by tests. */
#define LX_FLAG_TEST_UD 0x1   /* raise #UD after the entry lines */
#define LX_FLAG_TEST_HOOK 0x2 /* run x86_selftest_hook first */
#define LX_FLAG_TEST_JUMP 0x4 /* end in x86_selftest_jump */
#define LX_FLAG_BENCH 0x8     /* time memcpy / inet_sum (x86_bench) */

/* reloc.c: run before relocation, so they touch no pointer data. */
uint64_t lx_pick_home(uint64_t stub, uint64_t image);
int lx_relocate(uint64_t base);
/* The Multiboot2 entry's new base from GRUB's memory map, or 0 (stay). */
uint64_t lx_mb2_home(uint64_t mbi);
void lx_early_fail(uint64_t stub);

/* paging.c: identity map of the first 4 GiB (2 MiB pages); returns CR3. */
uint64_t x86_paging_init(void);
/* idt.c: exception vectors with a register dump; returns the IDT base
 * and sets *limit, for the stub to load on hook entry. */
uint64_t x86_idt_init(uint16_t *limit);
/* idt.c: after the dump, call fn instead of INT 18h (entries with no BIOS
 * to go back to; fn should not return). */
void x86_idt_set_fatal(void (*fn)(void));
/* tsc.c: calibrate against PIT channel 2; 0 or LL_ETIMEDOUT. */
int x86_tsc_init(struct ll_clock *clock, uint64_t *hz);
/* tsc.c: the clock from a TSC rate the entry measured itself. */
void x86_tsc_use(struct ll_clock *clock, uint64_t hz);
/* idle.c: when the firmware left the local APIC's timer unused (xAPIC,
 * enabled, timer masked), calibrate it against clock and set clock->idle
 * to a halt the timer ends; 0, or LL_ENOTSUP (clock->idle stays NULL). */
int x86_idle_init(struct ll_clock *clock);
/* console.c: COM1 115200 8N1 mirrored to the VGA text screen, set as
 * the ll_printf sink. */
void x86_console_init(void);

/* selftest.c: hook INT 12h, call it, chain from the hook, unhook. */
void x86_selftest_hook(void);
/* selftest.c: hook INT 12h, rm_jump to code calling it twice, INT 18h;
 * returns only when the hook cannot be installed. */
void x86_selftest_jump(void);
/* bench.c: time ll_memcpy and inet_sum over 16 MiB in area (2 MiB + 64
 * bytes of scratch) with the TSC at hz; one line each. */
void x86_bench(uint8_t *area, uint64_t hz);

/* boot_default.c: "lifeline: E<code> ...; back to the BIOS (INT 18h)",
 * INT 18h through the real-mode door; never returns. */
void x86_bios_give_up(int rc) __attribute__((noreturn));

/* realmode.c: bind rm_* to the stub at this linear address. */
void rm_init(uint64_t stub);

/* Read / write low memory (IVT, BDA) by linear address: asm so the
 * compiler never treats page-zero addresses as null pointers. */
static inline uint16_t x86_peek16(uint32_t linear)
{
	uint16_t v;
	__asm__ volatile("movw (%1), %0" : "=r"(v) : "r"((uint64_t)linear)
			 : "memory");
	return v;
}
static inline uint32_t x86_peek32(uint32_t linear)
{
	uint32_t v;
	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"((uint64_t)linear)
			 : "memory");
	return v;
}
static inline void x86_poke16(uint32_t linear, uint16_t v)
{
	__asm__ volatile("movw %0, (%1)" : : "r"(v), "r"((uint64_t)linear)
			 : "memory");
}
static inline void x86_poke32(uint32_t linear, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"((uint64_t)linear)
			 : "memory");
}

#endif
