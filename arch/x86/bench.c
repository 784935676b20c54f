/* arch/x86/bench.c - micro-benchmark of the per-byte helpers on the data
 * paths (ll_memcpy at the alignments TCP payloads meet, inet_sum), timed
 * by the TSC on the target when the image's test flags ask (LX_FLAG_BENCH). */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/io.h"
#include "platform/realmode.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "net/ipv4.h"

#define BENCH_BUF (1u << 20)  /* per pass */
#define BENCH_PASSES 16       /* 16 MiB in all */

/* MiB/s * 100 for bytes moved in ticks at hz. */
static uint64_t bench_rate(uint64_t bytes, uint64_t ticks, uint64_t hz)
{
	uint64_t us = hz ? ticks / (hz / 1000000 ? hz / 1000000 : 1) : 0;

	if (!us)
		return 0;
	return (bytes * 100 >> 20) * 1000000 / us;
}

static void bench_line(const char *what, uint64_t ticks, uint64_t hz)
{
	uint64_t r = bench_rate((uint64_t)BENCH_BUF * BENCH_PASSES, ticks, hz);

	ll_printf("lifeline: bench %s %llu.%02llu MiB/s\n", what,
		  (unsigned long long)(r / 100), (unsigned long long)(r % 100));
}

static void bench_copy(const char *what, uint8_t *dst, const uint8_t *src,
		       uint64_t hz)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < BENCH_PASSES; i++)
		ll_memcpy(dst, src, BENCH_BUF);
	bench_line(what, rdtsc() - t0, hz);
}

/* One trip through the real-mode door (INT 12h, the cheapest BIOS call):
 * what each UNDI call and each INT 13h request pays at least twice. */
static void bench_rm_call(uint64_t hz)
{
	struct rm_regs r;
	uint64_t t0 = rdtsc(), mhz = hz / 1000000 ? hz / 1000000 : 1;

	for (int i = 0; i < 1000; i++) {
		memset(&r, 0, sizeof(r));
		rm_int(0x12, &r);
	}
	ll_printf("lifeline: bench rm_int %llu ns/call\n",
		  (unsigned long long)((rdtsc() - t0) / mhz));
}

/* Times 16 MiB of ll_memcpy (same and different alignment) and of
 * inet_sum in the arena at area (at least 2 MiB + 64 bytes), and a
 * real-mode call. */
void x86_bench(uint8_t *area, uint64_t hz)
{
	uint8_t *a = area, *b = area + BENCH_BUF + 32;
	volatile uint32_t sink = 0;
	uint64_t t0;

	for (uint32_t i = 0; i < BENCH_BUF + 16; i++)
		a[i] = (uint8_t)(i * 131u + (i >> 9));
	bench_copy("memcpy-aligned", b, a, hz);
	bench_copy("memcpy-src+6", b, a + 6, hz);
	bench_copy("memcpy-dst+3", b + 3, a, hz);
	t0 = rdtsc();
	for (int i = 0; i < BENCH_PASSES; i++)
		sink += inet_sum(a + (i & 1), BENCH_BUF, 0);
	bench_line("inet_sum", rdtsc() - t0, hz);
	bench_rm_call(hz);
	ll_printf("lifeline: bench sum %x\n", sink);
}
