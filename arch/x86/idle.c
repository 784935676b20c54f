/* arch/x86/idle.c - idling politely: halt until the local APIC's one-shot
 * timer fires, so a lifeline waiting for the network gives its (virtual)
 * CPU back instead of spinning; only where the firmware left that timer unused. */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/io.h"
#include "lib/err.h"
#include "lib/print.h"

#define MSR_APIC_BASE   0x1bu
#define APIC_BASE_EN    (1ull << 11)   /* globally enabled */
#define APIC_BASE_X2    (1ull << 10)   /* x2APIC mode: no MMIO */
#define APIC_BASE_MASK  0xffffff000ull
#define LAPIC_EOI       0x0b0u
#define LAPIC_SVR       0x0f0u
#define SVR_ENABLE      0x100u
#define LAPIC_LVT_TIMER 0x320u
#define LVT_MASKED      0x10000u
#define LAPIC_TICR      0x380u         /* initial count */
#define LAPIC_TCCR      0x390u         /* current count */
#define LAPIC_TDCR      0x3e0u         /* divide configuration */
#define TDCR_DIV16      0x3u
#define IDLE_VECTOR     0x20u          /* idt.c: every vector >= 32 EOIs */
#define CAL_US          2000u          /* calibration run */
#define PIC1_DATA       0x21
#define PIC2_DATA       0xa1

/* What isr.S's interrupt entry writes to end an interrupt; 0: no APIC. */
#pragma GCC visibility push(hidden)
uint64_t x86_lapic_eoi;
#pragma GCC visibility pop

/* The layer's one context: the APIC, its timer's rate, what to restore. */
static struct x86_idle {
	volatile uint32_t *apic;
	uint32_t ticks_per_us, lvt_saved, tdcr_saved;
	struct ll_clock clock;   /* the TSC, for calibration */
} idle;

static uint32_t lapic_r(uint32_t reg) { return idle.apic[reg / 4]; }
static void lapic_w(uint32_t reg, uint32_t v) { idle.apic[reg / 4] = v; }

/* Timer ticks (divide by 16) a microsecond: a masked one-shot run of
 * CAL_US timed by the TSC; 0 when the timer does not count. */
static uint32_t idle_calibrate(void)
{
	uint64_t t0, t1;
	uint32_t left;

	lapic_w(LAPIC_TDCR, TDCR_DIV16);
	lapic_w(LAPIC_LVT_TIMER, LVT_MASKED | IDLE_VECTOR);
	t0 = ll_now(&idle.clock);
	lapic_w(LAPIC_TICR, 0xffffffffu);
	do
		t1 = ll_now(&idle.clock);
	while (t1 - t0 < CAL_US);
	left = lapic_r(LAPIC_TCCR);
	lapic_w(LAPIC_TICR, 0);
	lapic_w(LAPIC_LVT_TIMER, idle.lvt_saved);
	lapic_w(LAPIC_TDCR, idle.tdcr_saved);
	return (uint32_t)((0xffffffffu - left) / (t1 - t0));
}

/* Halt with the 8259s masked (their vectors would land on exceptions)
 * until the APIC timer, armed for us microseconds, fires; the firmware's
 * timer state comes back after. A frame arriving meanwhile waits in the
 * NIC's ring; an 8259 tick waits in its IRR for real mode. */
static void idle_halt(void *ctx, uint32_t us)
{
	uint64_t n = (uint64_t)us * idle.ticks_per_us;
	uint8_t m1, m2;

	(void)ctx;
	if (!n)
		return;
	m1 = inb(PIC1_DATA);
	m2 = inb(PIC2_DATA);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	lapic_w(LAPIC_TDCR, TDCR_DIV16);
	lapic_w(LAPIC_LVT_TIMER, IDLE_VECTOR);         /* one-shot, unmasked */
	lapic_w(LAPIC_TICR, n > 0xffffffffu ? 0xffffffffu : (uint32_t)n);
	__asm__ volatile("sti; hlt; cli" : : : "memory");
	lapic_w(LAPIC_TICR, 0);
	lapic_w(LAPIC_LVT_TIMER, idle.lvt_saved);
	lapic_w(LAPIC_TDCR, idle.tdcr_saved);
	outb(PIC2_DATA, m2);
	outb(PIC1_DATA, m1);
}

/* Find and calibrate the timer; 0 or LL_ENOTSUP. */
static int idle_find(const struct ll_clock *clock)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN) || (base & APIC_BASE_X2) ||
	    (base & APIC_BASE_MASK) >= (1ull << 32))
		return LL_ENOTSUP;
	idle.apic = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_MASK);
	idle.lvt_saved = lapic_r(LAPIC_LVT_TIMER);
	idle.tdcr_saved = lapic_r(LAPIC_TDCR);
	if (!(lapic_r(LAPIC_SVR) & SVR_ENABLE) ||
	    !(idle.lvt_saved & LVT_MASKED))    /* someone's timer: leave it */
		return LL_ENOTSUP;
	idle.clock = *clock;
	idle.ticks_per_us = idle_calibrate();
	if (!idle.ticks_per_us)
		return LL_ENOTSUP;
	return 0;
}

int x86_idle_init(struct ll_clock *clock)
{
	int rc = idle_find(clock);

	if (rc) {
		ll_printf("lifeline: waits poll (E%d %s: no free local APIC timer)\n",
			  -rc, ll_strerror(rc));
		return rc;
	}
	x86_lapic_eoi = (uint64_t)(uintptr_t)(idle.apic + LAPIC_EOI / 4);
	clock->idle = idle_halt;
	ll_printf("lifeline: waits halt the CPU between polls (local APIC timer, %u ticks/us)\n",
		  idle.ticks_per_us);
	return 0;
}
