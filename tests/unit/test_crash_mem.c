/* tests/unit/test_crash_mem.c - the kexec entry's heap search: busy ranges
 * (image, boot_params) cut out, the elfcorehdr and its backup copy too,
 * page rounding, the identity-map limit, too small a region. */
#include "tests/lib/check.h"
#include "tests/lib/dump_fake.h"
#include "dump/crash_mem.h"
#include "lib/err.h"

static struct fake_phys phys;

static int find(const struct crash_span *ram, unsigned n_ram,
		const struct crash_span *busy, unsigned n_busy,
		const char *cl, uint64_t limit, struct crash_span *out)
{
	struct physmem m = fk_physmem(&phys);

	return crash_heap_find(ram, n_ram, busy, n_busy, cl, &m, limit, out);
}

/* 8 MiB region holding the backup copy (0x200000), the elfcorehdr
 * (0x2b0000), the image and boot_params: the piece after them. */
static void test_region(void)
{
	struct crash_span ram[] = { { 0x1000, 0x95000 }, { 0x200000, 0x800000 } };
	struct crash_span busy[] = { { 0x300000, 0x158000 }, { 0x458000, 0x1000 } };
	struct crash_span got;

	CHECK_EQ(find(ram, 2, busy, 2, "x elfcorehdr=0x2b0000 y", ~0ull, &got), 0);
	CHECK_EQ(got.base, 0x459000);
	CHECK_EQ(got.len, 0xa00000 - 0x459000);
	/* the limit (end of the identity map) cuts the piece */
	CHECK_EQ(find(ram, 2, busy, 2, "elfcorehdr=0x2b0000", 0x800000, &got), 0);
	CHECK_EQ(got.len, 0x800000 - 0x459000);
	/* the limit leaves too little */
	CHECK_EQ(find(ram, 2, busy, 2, "elfcorehdr=0x2b0000", 0x600000, &got),
		 LL_ECRASHMEM);
	CHECK_EQ(got.base, 0x459000);
	CHECK_EQ(got.len, 0x600000 - 0x459000);
}

/* The image at the top: the piece below it would hold the backup copy
 * and the elfcorehdr, which stay out (too small then); with no
 * elfcorehdr on the command line only the busy ranges count. */
static void test_backup_kept(void)
{
	struct crash_span ram[] = { { 0x200000, 0x400000 } };
	struct crash_span busy[] = { { 0x500000, 0x100000 } };
	struct crash_span got;

	CHECK_EQ(find(ram, 1, busy, 1, "elfcorehdr=0x2b0000", ~0ull, &got),
		 LL_ECRASHMEM);
	CHECK_EQ(got.base, 0x2c0000);          /* after the 64 KiB guess */
	CHECK_EQ(got.len, 0x240000);
	CHECK_EQ(find(ram, 1, busy, 1, "elfcorehdr=4096@0x2b0000", ~0ull, &got),
		 LL_ECRASHMEM);
	CHECK_EQ(got.base, 0x2b1000);
	CHECK_EQ(find(ram, 1, busy, 1, "", ~0ull, &got), 0);
	CHECK_EQ(got.base, 0x200000);
	CHECK_EQ(got.len, 0x300000);
	/* an unreadable header: its own bytes out, nothing else */
	CHECK_EQ(find(ram, 1, busy, 1, "elfcorehdr=0x7f000000", ~0ull, &got), 0);
	CHECK_EQ(got.len, 0x300000);
}

/* Unaligned RAM and busy ends round inwards; overlapping busy ranges. */
static void test_rounding(void)
{
	struct crash_span ram[] = { { 0x100800, 0x3ff000 } };
	struct crash_span busy[] = { { 0x100800, 0x800 }, { 0x100000, 0x2000 },
				     { 0x101800, 0x10 } };
	struct crash_span got;

	CHECK_EQ(find(ram, 1, busy, 3, 0, ~0ull, &got), 0);
	CHECK_EQ(got.base, 0x102000);
	CHECK_EQ(got.len, 0x4ff000 - 0x102000);
	CHECK_EQ(find(ram, 1, 0, 0, 0, ~0ull, &got), 0);
	CHECK_EQ(got.base, 0x101000);
	CHECK_EQ(got.len, 0x4ff000 - 0x101000);
	CHECK_EQ(find(0, 0, busy, 3, 0, ~0ull, &got), LL_ECRASHMEM);
	CHECK_EQ(got.len, 0);
}

int main(void)
{
	check_suite = "crash_mem";
	fk_build(&phys);
	RUN(test_region);
	RUN(test_backup_kept);
	RUN(test_rounding);
	free(phys.mem);
	return CHECK_DONE();
}
