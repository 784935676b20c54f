/* tests/unit/test_x86_home.c - where the PXE entry puts the core: the top of
 * the RAM extent holding 1 MiB (QEMU's map, split and unsorted entries, a
 * reserved hole, RAM above 4 GiB, no room); where lifeline.elf puts the
 * real-mode stub (below 40:13). arch/ is firmware-only, so the
 * pure file is compiled in here. */
#include <stdint.h>
#include "tests/lib/check.h"
#include "arch/x86/home.c"

#define NEED (9 * MIB)  /* ~ image + 8 MiB heap */

/* QEMU -m 512 with iPXE's own hiding, as the serial log showed it. */
static void test_qemu_map(void)
{
	struct e820_entry m[] = {
		{ 0, 0x9c400, 1, 1 },
		{ 0xf0000, 0x10000, 2, 1 },
		{ MIB, 0x1ff25000 - MIB, 1, 1 },
		{ 0x1ffe0000, 0x20000, 2, 1 },
		{ 0xfffc0000, 0x40000, 2, 1 },
		{ 0xfd00000000ull, 0x300000000ull, 2, 1 },
	};
	uint64_t h = lx_home_from_map(m, 6, NEED);
	CHECK_EQ(h, (0x1ff25000 - NEED) & ~0xffffull);
	CHECK_EQ(h, 0x1f620000);
	CHECK(h + NEED <= 0x1ff25000);
}

/* Adjacent RAM entries, out of order, are one extent. */
static void test_split_unsorted(void)
{
	struct e820_entry m[] = {
		{ 64 * MIB, 64 * MIB, 1, 1 },
		{ 0, 0x9f000, 1, 1 },
		{ MIB, 63 * MIB, 1, 1 },
	};
	CHECK_EQ(lx_home_from_map(m, 3, NEED), 128 * MIB - NEED);
}

/* A reserved range inside the extent ends it (the ISA hole at 15 MiB). */
static void test_reserved_hole(void)
{
	struct e820_entry m[] = {
		{ MIB, 1023 * MIB, 1, 1 },
		{ 15 * MIB, MIB, 2, 1 },
	};
	CHECK_EQ(lx_home_from_map(m, 2, NEED), 15 * MIB - NEED);
}

/* RAM running past 4 GiB: the home stays below it. */
static void test_cap_4g(void)
{
	struct e820_entry m[] = { { MIB, 0x200000000ull, 1, 1 } };
	uint64_t h = lx_home_from_map(m, 1, NEED);
	CHECK_EQ(h, (0x100000000ull - NEED) & ~0xffffull);
}

/* Too small, nothing at 1 MiB, empty map, absurd need: 0. */
static void test_no_room(void)
{
	struct e820_entry small[] = { { MIB, 8 * MIB, 1, 1 } };
	struct e820_entry high[] = { { 16 * MIB, 512 * MIB, 1, 1 } };
	struct e820_entry wrap[] = { { MIB, ~0ull, 1, 1 } };
	CHECK_EQ(lx_home_from_map(small, 1, NEED), 0);
	CHECK_EQ(lx_home_from_map(high, 1, NEED), 0);
	CHECK_EQ(lx_home_from_map(small, 0, NEED), 0);
	CHECK_EQ(lx_home_from_map(small, 1, ~0ull), 0);
	CHECK_EQ(lx_home_from_map(wrap, 1, NEED), 0);
}

/* lifeline.elf's stub below 40:13: whole pages, under 640 KiB, not low. */
static void test_stub_place(void)
{
	uint16_t kb = 0;

	CHECK_EQ(stub_place_kib(639, 20 * 1024, &kb), 0);   /* QEMU: EBDA at 639 */
	CHECK_EQ(kb, 616);                                  /* 619 down to 4 KiB */
	CHECK_EQ(stub_place_kib(640, 20 * 1024, &kb), 0);
	CHECK_EQ(kb, 620);
	CHECK_EQ(stub_place_kib(0xffff, 20 * 1024, &kb), 0); /* capped at 640 */
	CHECK_EQ(kb, 620);
	kb = 7;
	CHECK_EQ(stub_place_kib(80, 20 * 1024, &kb), LL_ENOMEM); /* below 64 KiB */
	CHECK_EQ(stub_place_kib(10, 20 * 1024, &kb), LL_ENOMEM);
	CHECK_EQ(stub_place_kib(639, 1000, &kb), LL_ENOMEM);     /* not whole KiB */
	CHECK_EQ(kb, 7);
}

int main(void)
{
	check_suite = "x86_home";
	RUN(test_qemu_map);
	RUN(test_split_unsorted);
	RUN(test_reserved_hole);
	RUN(test_cap_4g);
	RUN(test_no_room);
	RUN(test_stub_place);
	return CHECK_DONE();
}
