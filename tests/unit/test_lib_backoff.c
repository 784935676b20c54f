/* tests/unit/test_lib_backoff.c - the retry jitter (lib/backoff.h): a rack
 * of clients (different MACs, the same clock) failing their first login at
 * the same instant get pauses spread over the jitter window, each inside
 * its bound, and the same inputs give the same pause. */
#include "tests/lib/check.h"
#include "lib/backoff.h"
#include "attach/attach.h"

#define N 64
#define MS 1000ull

/* Client i's MAC: QEMU's prefix, a rack's worth of serial numbers. */
static void mac_of(unsigned i, uint8_t m[6])
{
	m[0] = 0x52; m[1] = 0x54; m[2] = 0x00; m[3] = 0x79;
	m[4] = (uint8_t)(i >> 8); m[5] = (uint8_t)i;
}

/* Pauses of N clients at the first retry of the first login: all in
 * [pause, 1.5 pause), spread over at least 2/3 of that window, no 100 ms
 * slice holding more than a fifth of them (together they would retry as
 * one burst). */
static void test_first_login_spread(void)
{
	uint64_t d[N], lo = ~0ull, hi = 0, t0 = 123456789;
	unsigned slice[16] = { 0 }, most = 0;
	uint8_t m[6];

	for (unsigned i = 0; i < N; i++) {
		mac_of(i + 0x10, m);
		d[i] = ll_jitter_us(ll_jitter_seed(m, 6, t0), 1, ATTACH_RETRY_PAUSE_US);
		CHECK(d[i] >= ATTACH_RETRY_PAUSE_US);
		CHECK(d[i] < ATTACH_RETRY_PAUSE_US * 3 / 2);
		lo = d[i] < lo ? d[i] : lo;
		hi = d[i] > hi ? d[i] : hi;
		slice[((d[i] - ATTACH_RETRY_PAUSE_US) / (100 * MS)) & 15]++;
	}
	CHECK(hi - lo >= ATTACH_RETRY_PAUSE_US / 2 * 2 / 3);
	for (unsigned k = 0; k < 16; k++)
		most = slice[k] > most ? slice[k] : most;
	CHECK(most <= N / 5);
}

/* Two clients that pause alike once must not pause alike every time:
 * the draws of consecutive attempts are independent, so of the ~80 pairs
 * (of 2016) within 20 ms of each other at one attempt only ~3 are again
 * at the next (the same draw every attempt would keep all ~80). */
static void test_attempts_differ(void)
{
	uint32_t seed[N];
	uint8_t m[6];
	unsigned twice = 0;

	for (unsigned i = 0; i < N; i++) {
		mac_of(i, m);
		seed[i] = ll_jitter_seed(m, 6, 42);
		CHECK(seed[i] != 0);
	}
	for (unsigned i = 0; i < N; i++)
		for (unsigned j = i + 1; j < N; j++) {
			unsigned same = 0;
			for (unsigned a = 1; a <= 2; a++) {
				uint64_t x = ll_jitter_us(seed[i], a, 2000 * MS);
				uint64_t y = ll_jitter_us(seed[j], a, 2000 * MS);
				same += (x > y ? x - y : y - x) < 20 * MS;
			}
			twice += same == 2;
		}
	CHECK(twice <= 15);
}

/* Deterministic, bounded, and the clock moves the seed (two boots of one
 * machine differ); no jitter on a zero delay. */
static void test_bounds_and_determinism(void)
{
	uint8_t m[6];

	mac_of(1, m);
	CHECK_EQ(ll_jitter_seed(m, 6, 7), ll_jitter_seed(m, 6, 7));
	CHECK(ll_jitter_seed(m, 6, 7) != ll_jitter_seed(m, 6, 8));
	CHECK(ll_jitter_seed(m, 6, 7) != ll_jitter_seed(m, 6, 7 + (1ull << 32)));
	CHECK_EQ(ll_jitter_us(99, 3, 0), 0);
	CHECK_EQ(ll_jitter_us(99, 3, 1), 1);
	for (uint32_t s = 1; s < 5000; s++) {
		uint64_t d = ll_jitter_us(s * 2654435761u, s % 7, 3600ull * 1000000);
		CHECK(d >= 3600ull * 1000000 && d < 5400ull * 1000000);
		CHECK_EQ(d, ll_jitter_us(s * 2654435761u, s % 7, 3600ull * 1000000));
	}
}

int main(void)
{
	check_suite = "lib_backoff";
	RUN(test_first_login_spread);
	RUN(test_attempts_differ);
	RUN(test_bounds_and_determinism);
	return CHECK_DONE();
}
