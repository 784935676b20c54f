/* tests/unit/test_lib_alloc.c - the arena allocator: alignment, exhaustion,
 * coalescing after free, double/foreign free ignored, peak tracking, and a
 * random alloc/free run checked against its own bookkeeping. */
#include <stdint.h>
#include "tests/lib/check.h"
#include "lib/alloc.h"
#include "lib/err.h"

static unsigned char mem[64 * 1024 + 64] __attribute__((aligned(4096)));

static void test_init(void)
{
	struct ll_arena a;
	CHECK_EQ(ll_arena_init(&a, mem, 8), LL_EINVAL);
	CHECK_EQ(ll_arena_init(&a, mem + 3, 40), LL_EINVAL);
	CHECK_EQ(ll_arena_init(&a, mem + 3, 1000), 0);
	CHECK_EQ((uintptr_t)a.base % 16, 0);
	CHECK(a.base == mem + 16);
	CHECK_EQ(a.size, 976); /* 987 usable rounded down to 16 */
	CHECK_EQ(ll_arena_free_bytes(&a), a.size);
	CHECK_EQ(a.used, 0);
}

static void test_alignment(void)
{
	struct ll_arena a;
	void *p[40];
	CHECK_EQ(ll_arena_init(&a, mem, 64 * 1024), 0);
	for (int i = 0; i < 20; i++) {
		p[i] = ll_alloc(&a, (size_t)(i * 7 + 1));
		CHECK(p[i] != NULL);
		CHECK_EQ((uintptr_t)p[i] % 16, 0);
	}
	static const size_t aligns[] = { 1, 8, 32, 64, 256, 512, 4096 };
	for (int i = 0; i < 7; i++) {
		p[20 + i] = ll_alloc_aligned(&a, 100, aligns[i]);
		CHECK(p[20 + i] != NULL);
		CHECK_EQ((uintptr_t)p[20 + i] % (aligns[i] < 16 ? 16 : aligns[i]), 0);
	}
	CHECK(ll_alloc_aligned(&a, 16, 48) == NULL);   /* not a power of two */
	CHECK(ll_alloc_aligned(&a, 16, 8192) == NULL); /* above the limit */
	/* blocks must not overlap: fill each, then verify each */
	for (int i = 0; i < 27; i++)
		memset(p[i], i + 1, i < 20 ? (size_t)(i * 7 + 1) : 100);
	for (int i = 0; i < 27; i++) {
		size_t n = i < 20 ? (size_t)(i * 7 + 1) : 100;
		for (size_t k = 0; k < n; k++)
			if (((unsigned char *)p[i])[k] != i + 1) {
				CHECK(!"blocks overlap");
				return;
			}
	}
	CHECK_EQ(a.used + ll_arena_free_bytes(&a), a.size);
}

static void test_exhaustion(void)
{
	struct ll_arena a;
	int n = 0;
	CHECK_EQ(ll_arena_init(&a, mem, 16 * 1024), 0);
	CHECK(ll_alloc(&a, 16 * 1024) == NULL); /* header does not fit */
	CHECK(ll_alloc(&a, SIZE_MAX) == NULL);
	CHECK(ll_alloc(&a, SIZE_MAX - 8) == NULL);
	/* 1008 + 16 header = 1024: exactly 16 fit */
	while (ll_alloc(&a, 1008) != NULL)
		n++;
	CHECK_EQ(n, 16);
	CHECK_EQ(ll_arena_free_bytes(&a), 0);
	CHECK(ll_alloc(&a, 1) == NULL);
	CHECK(ll_zalloc(&a, 1) == NULL);
	CHECK_EQ(a.used, 16 * 1024);
}

static void test_coalesce(void)
{
	struct ll_arena a;
	void *p[16];
	CHECK_EQ(ll_arena_init(&a, mem, 16 * 1024), 0);
	for (int i = 0; i < 16; i++)
		CHECK((p[i] = ll_alloc(&a, 1008)) != NULL);
	/* free evens then odds: merges happen with prev, next and both */
	for (int i = 0; i < 16; i += 2)
		ll_free(&a, p[i]);
	CHECK_EQ(ll_arena_free_bytes(&a), 8 * 1024);
	CHECK(ll_alloc(&a, 2000) == NULL); /* free space is fragmented */
	for (int i = 1; i < 16; i += 2)
		ll_free(&a, p[i]);
	CHECK_EQ(ll_arena_free_bytes(&a), 16 * 1024);
	CHECK_EQ(a.used, 0);
	void *big = ll_alloc(&a, 16 * 1024 - 16);
	CHECK(big == a.base + 16);
	ll_free(&a, big);
	CHECK_EQ(ll_arena_free_bytes(&a), 16 * 1024);
}

static void test_bad_free_ignored(void)
{
	struct ll_arena a;
	int local;
	CHECK_EQ(ll_arena_init(&a, mem, 4096), 0);
	unsigned char *x = ll_alloc(&a, 100);
	unsigned char *y = ll_alloc(&a, 100);
	CHECK(x && y);
	size_t free_before = ll_arena_free_bytes(&a);
	ll_free(&a, x);
	size_t after_one = ll_arena_free_bytes(&a);
	CHECK(after_one > free_before);
	ll_free(&a, x);          /* double free */
	ll_free(&a, &local);     /* foreign pointer */
	ll_free(&a, y + 16);     /* interior pointer */
	ll_free(&a, y + 1);      /* misaligned */
	ll_free(&a, NULL);
	ll_free(&a, mem + 8192); /* past the arena */
	CHECK_EQ(ll_arena_free_bytes(&a), after_one);
	/* a block carved again over x's old spot works normally */
	unsigned char *z = ll_alloc(&a, 100);
	CHECK(z == x);
	ll_free(&a, y);
	ll_free(&a, z);
	ll_free(&a, y);
	CHECK_EQ(ll_arena_free_bytes(&a), 4096);
	CHECK_EQ(a.used, 0);
}

static void test_peak_and_zalloc(void)
{
	struct ll_arena a;
	memset(mem, 0xAB, sizeof(mem));
	CHECK_EQ(ll_arena_init(&a, mem, 8192), 0);
	unsigned char *p = ll_alloc(&a, 1000);  /* 1024 with header */
	unsigned char *q = ll_zalloc(&a, 2000); /* 2016 */
	CHECK(p && q);
	CHECK_EQ(a.used, 1024 + 2016);
	for (int i = 0; i < 2000; i++)
		if (q[i]) {
			CHECK(!"zalloc not zeroed");
			break;
		}
	ll_free(&a, q);
	CHECK_EQ(a.used, 1024);
	CHECK_EQ(a.peak, 1024 + 2016);
	ll_free(&a, p);
	CHECK_EQ(a.peak, 1024 + 2016);
	CHECK_EQ(a.used, 0);
}

/* Random sizes, alignments and frees; content of live blocks must stay
 * intact and used + free must always equal the arena size. */
static void test_random_run(void)
{
	struct ll_arena a;
	struct { unsigned char *p; size_t n; unsigned char v; } live[64];
	uint32_t rnd = 12345;
	int fails = 0;
	memset(live, 0, sizeof(live));
	CHECK_EQ(ll_arena_init(&a, mem, 64 * 1024), 0);
	for (int step = 0; step < 20000 && !fails; step++) {
		rnd = rnd * 1103515245u + 12345u;
		int slot = (int)((rnd >> 8) % 64);
		if (live[slot].p) {
			for (size_t k = 0; k < live[slot].n; k++)
				if (live[slot].p[k] != live[slot].v)
					fails++;
			ll_free(&a, live[slot].p);
			live[slot].p = NULL;
		} else {
			size_t n = (rnd >> 16) % 3000;
			size_t al = (size_t)1 << ((rnd >> 4) % 13);
			unsigned char *p = ll_alloc_aligned(&a, n, al);
			if (p) {
				if ((uintptr_t)p % (al < 16 ? 16 : al))
					fails++;
				live[slot].p = p;
				live[slot].n = n;
				live[slot].v = (unsigned char)step;
				memset(p, live[slot].v, n);
			}
		}
		if (a.used + ll_arena_free_bytes(&a) != a.size)
			fails++;
	}
	CHECK_EQ(fails, 0);
	for (int i = 0; i < 64; i++)
		ll_free(&a, live[i].p);
	CHECK_EQ(ll_arena_free_bytes(&a), a.size);
	CHECK(ll_alloc(&a, a.size - 16) != NULL); /* fully coalesced again */
	CHECK(a.peak > a.size / 4);
}

int main(void)
{
	check_suite = "lib_alloc";
	RUN(test_init);
	RUN(test_alignment);
	RUN(test_exhaustion);
	RUN(test_coalesce);
	RUN(test_bad_free_ignored);
	RUN(test_peak_and_zalloc);
	RUN(test_random_run);
	return CHECK_DONE();
}
