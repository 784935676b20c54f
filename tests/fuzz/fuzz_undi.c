/* tests/fuzz/fuzz_undi.c - fuzz drivers/net/undi against the fake PXE ROM of
 * tests/lib/pxe_fake.h: mode 0 puts the input where PXENV+ / !PXE lie
 * and runs pxe_find_api; mode 1 turns it into a script of UNDI_ISR answers
 * (kind, BufferLength, FrameLength, Frame offset) over ROM memory that
 * holds the input, and polls; mode 2 serves it as the cached DHCPACK. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/pxe_fake.h"
#include "drivers/net/undi.h"
#include "lib/err.h"

static struct undi und;
static size_t rx_total;

static void rx_check(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	if (len == 0 || len > NETDEV_FRAME_MAX)
		abort();
	rx_total += frame[0] + frame[len - 1];   /* touch both ends */
}

static void fuzz_find(const uint8_t *d, size_t n)
{
	struct pxe_api api;
	size_t k = n < 0x200 ? n : 0x200;
	memcpy(mem + BANG_LIN, d, k);
	uint16_t bs = n > 2 ? (uint16_t)(d[0] | d[1] << 8) : 0;
	int rc = pxe_find_api(&api, (uint16_t)(PXENV_LIN >> 4), PXENV_LIN & 15,
			      bs, (uint16_t)(n > 3 ? d[2] : 0), fake_ptr);
	if (rc != 0 && rc != LL_ENODEV)
		abort();
}

static void fuzz_isr(const uint8_t *d, size_t n)
{
	struct pxe_api api;
	memcpy(fake_ptr(ROMBUF_SEG, 0), d, n < 0x10000 ? n : 0x10000);
	if (find_default(&api) != 0)
		abort();
	undi_init(&und, &api, n && (d[0] & 1) ? UNDI_POLL_NO_START : 0);
	if (und.nd.ops->open(&und.nd) != 0)
		abort();
	unsigned budget = n > 1 ? d[1] % 9 : 4;
	for (size_t i = 2; i + 7 <= n && rom.ev_n < 120; i += 7) {
		static const uint16_t kinds[] = {EV_TX, EV_RX, EV_RX, EV_RX,
						 EV_BUSY, 7, EV_RX, EV_TX};
		push_ev(kinds[d[i] & 7], (uint16_t)(d[i + 1] | d[i + 2] << 8),
			(uint16_t)(d[i + 3] | d[i + 4] << 8),
			(uint16_t)(d[i + 5] | d[i + 6] << 8));
	}
	for (int round = 0; round < 40; round++) {
		int got = und.nd.ops->poll(&und.nd, rx_check, NULL, budget);
		if (got < 0 || (unsigned)got > budget)
			abort();
		if (rom.ev_n == 0 && !und.isr_active)
			break;
	}
}

static void fuzz_cached(const uint8_t *d, size_t n)
{
	struct pxe_api api;
	uint8_t buf[1500];
	size_t k = n < 0x800 ? n : 0x800;
	memcpy(fake_ptr(ACK_SEG, 0x1000), d, k);
	rom.ack_len[2] = (uint16_t)k;
	rom.no_pointer_mode = n && (d[0] & 1);
	if (find_default(&api) != 0)
		abort();
	int rc = pxe_get_cached_dhcpack(&api, buf, sizeof(buf));
	if (rc >= 0 && (rc < 240 || (size_t)rc > k))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	reset();
	ll_console_set(NULL, NULL);
	switch (data[0] % 3) {
	case 0: fuzz_find(data + 1, size - 1); break;
	case 1: fuzz_isr(data + 1, size - 1); break;
	default: fuzz_cached(data + 1, size - 1); break;
	}
	return 0;
}
