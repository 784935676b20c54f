/* arch/x86/tsc.c - the firmware clock: the TSC, calibrated once against
 * PIT channel 2 (gate on port 61h, one-shot count, OUT2 polled) or by the
 * entry (UEFI: Stall), read as microseconds through a 32.32 fixed-point factor. */
#include "arch/x86/arch.h"
#include "arch/x86/io.h"
#include "lib/err.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define CAL_TICKS 3580u         /* 3 ms of PIT: 0.03% per PIT tick */
#define CAL_MAX_POLLS 50000000u /* bound on the wait for OUT2 */
#define TSC_FALLBACK_HZ 1000000000ull

/* The layer's one context: the calibration. */
static struct x86_tsc {
	uint64_t hz, base, us_mult; /* us = (tsc - base) * us_mult >> 32 */
} tsc;

static uint64_t tsc_now_us(void *ctx)
{
	(void)ctx;
	unsigned __int128 d = rdtsc() - tsc.base;
	return (uint64_t)((d * tsc.us_mult) >> 32);
}

/* TSC ticks during CAL_TICKS of PIT channel 2, 0 when OUT2 never rose. */
static uint64_t tsc_measure(void)
{
	uint8_t b = inb(PORT_B);
	outb(PORT_B, (uint8_t)((b & ~0x02) & ~0x01)); /* gate low, no beep */
	outb(PIT_CMD, 0xb0);                          /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, CAL_TICKS & 0xff);
	outb(PIT_CH2, CAL_TICKS >> 8);
	uint64_t t0 = rdtsc();
	outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01));  /* gate high: count */
	uint32_t polls = 0;
	while (!(inb(PORT_B) & 0x20))
		if (++polls >= CAL_MAX_POLLS)
			break;
	uint64_t t1 = rdtsc();
	outb(PORT_B, b);
	return polls >= CAL_MAX_POLLS ? 0 : t1 - t0;
}

int x86_tsc_init(struct ll_clock *clock, uint64_t *hz)
{
	uint64_t best = 0;
	int rc = 0;
	for (int i = 0; i < 2; i++) {  /* the shorter run had fewer stalls */
		uint64_t d = tsc_measure();
		if (d && (!best || d < best))
			best = d;
	}
	if (best)
		tsc.hz = best * PIT_HZ / CAL_TICKS;
	if (!best || tsc.hz < 1000000) {
		tsc.hz = TSC_FALLBACK_HZ;
		rc = LL_ETIMEDOUT;
	}
	x86_tsc_use(clock, tsc.hz);
	*hz = tsc.hz;
	return rc;
}

void x86_tsc_use(struct ll_clock *clock, uint64_t hz)
{
	tsc.hz = hz;
	tsc.us_mult = (1000000ull << 32) / tsc.hz;
	tsc.base = rdtsc();
	clock->now_us = tsc_now_us;
	clock->ctx = &tsc;
}
