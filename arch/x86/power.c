/* arch/x86/power.c - the end of lifeline.elf's run with no BIOS to return
 * to: reset (keyboard controller pulse, then the 0xCF9 reset register, then
 * a triple fault) or halt. */
#include "arch/x86/elf_entry.h"
#include "arch/x86/io.h"

#define KBC_STATUS 0x64
#define KBC_IBF 0x02
#define KBC_PULSE_RESET 0xfe
#define KBC_POLLS 100000
#define RST_CNT 0xcf9
#define SPIN_RESET 10000000u  /* give a reset this many pause loops */

static void spin(void)
{
	for (volatile unsigned i = 0; i < SPIN_RESET; i++)
		__asm__ volatile("pause");
}

void x86_reboot(void)
{
	__asm__ volatile("cli");
	for (unsigned i = 0; i < KBC_POLLS; i++)
		if (!(inb(KBC_STATUS) & KBC_IBF))
			break;
	outb(KBC_STATUS, KBC_PULSE_RESET);
	spin();
	outb(RST_CNT, 0x02);
	outb(RST_CNT, 0x06);   /* full reset */
	spin();
	/* triple fault: no IDT, then an exception */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	cpu_halt_forever();
	__builtin_unreachable();
}

void x86_halt(void)
{
	cpu_halt_forever();
	__builtin_unreachable();
}
