/* arch/x86/efi_timer.c - the UEFI clock: TSC ticks across a firmware Stall
 * of CAL_US, the shorter of two runs, then arch/x86/tsc.c reads it. */
#include "arch/x86/arch.h"
#include "arch/x86/efi_entry.h"
#include "arch/x86/io.h"
#include "lib/err.h"

#define CAL_US 10000u
#define TSC_FALLBACK_HZ 1000000000ull

int efi_timer_init(EFI_BOOT_SERVICES *bs, struct ll_clock *clock, uint64_t *hz)
{
	uint64_t best = 0, rate;
	int rc = 0;

	for (int i = 0; i < 2; i++) {
		uint64_t t0 = rdtsc();
		if (bs->Stall(CAL_US) != EFI_SUCCESS)
			continue;
		uint64_t d = rdtsc() - t0;
		if (!best || d < best)
			best = d;
	}
	rate = best * (1000000ull / CAL_US);
	if (rate < 1000000) {
		rate = TSC_FALLBACK_HZ;
		rc = LL_ETIMEDOUT;
	}
	x86_tsc_use(clock, rate);
	*hz = rate;
	return rc;
}
