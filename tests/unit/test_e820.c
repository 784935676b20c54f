/* tests/unit/test_e820.c - the E820 carve (splits, overlaps, edges, non-RAM,
 * overflow of out[]), E801/88h clipping, and the INT 15h handler's
 * continuation protocol over a fake BIOS and a fake base memory. */
#include <stdint.h>
#include <string.h>
#include "tests/lib/check.h"
#include "boot/e820.h"
#include "boot/e820_proto.h"
#include "lib/err.h"

#define MIB 0x100000ull
static struct e820_map_entry out[32];

static void test_carve_middle_split(void)
{
	struct e820_map_entry in[] = { { MIB, 1023 * MIB, E820_RAM, 1 } };
	struct e820_range h[] = { { 0x3f000000, 0x100000 } };
	int n = e820_carve(in, 1, h, 1, out, 32);
	CHECK_EQ(n, 3);
	CHECK_EQ(out[0].base, MIB);
	CHECK_EQ(out[0].len, 0x3f000000 - MIB);
	CHECK_EQ(out[0].type, E820_RAM);
	CHECK_EQ(out[1].base, 0x3f000000);
	CHECK_EQ(out[1].len, 0x100000);
	CHECK_EQ(out[1].type, E820_RESERVED);
	CHECK_EQ(out[2].base, 0x3f100000);
	CHECK_EQ(out[2].len, 0x40000000 - 0x3f100000);
	CHECK_EQ(out[2].type, E820_RAM);
	CHECK_EQ(out[2].attr, 1);
}

static void test_carve_edges_and_whole(void)
{
	struct e820_map_entry in[] = {
		{ 0, 0x9fc00, E820_RAM, 1 },
		{ 0x9fc00, 0x400, E820_RESERVED, 1 },
		{ 0xf0000, 0x10000, E820_RESERVED, 1 },
		{ MIB, 15 * MIB, E820_RAM, 1 },
	};
	/* iBFT at the top of base RAM, and all of 1..16 MiB */
	struct e820_range h[] = { { MIB, 15 * MIB }, { 0x9f000, 0xc00 } };
	int n = e820_carve(in, 4, h, 2, out, 32);
	CHECK_EQ(n, 5);
	CHECK_EQ(out[0].base, 0);
	CHECK_EQ(out[0].len, 0x9f000);
	CHECK_EQ(out[0].type, E820_RAM);
	CHECK_EQ(out[1].base, 0x9f000);
	CHECK_EQ(out[1].len, 0xc00);
	CHECK_EQ(out[1].type, E820_RESERVED);
	CHECK_EQ(out[2].base, 0x9fc00);          /* BIOS's own, unchanged */
	CHECK_EQ(out[3].base, 0xf0000);
	CHECK_EQ(out[4].base, MIB);
	CHECK_EQ(out[4].len, 15 * MIB);
	CHECK_EQ(out[4].type, E820_RESERVED);
}

static void test_carve_overlapping_hides_and_outside(void)
{
	struct e820_map_entry in[] = { { 0x1000, 0x9000, E820_RAM, 1 },
				   { 0x100000, 0x100000, E820_ACPI, 1 } };
	/* two overlapping hides, one reaching below the entry, one that
	 * only touches an ACPI range (no change there), one of length 0 */
	struct e820_range h[] = { { 0x4000, 0x2000 }, { 0x0, 0x2000 },
				  { 0x5000, 0x2000 }, { 0x100000, 0x1000 },
				  { 0x8000, 0 } };
	int n = e820_carve(in, 2, h, 5, out, 32);
	CHECK_EQ(n, 6);
	CHECK_EQ(out[0].base, 0x1000);  CHECK_EQ(out[0].len, 0x1000);
	CHECK_EQ(out[0].type, E820_RESERVED);
	CHECK_EQ(out[1].base, 0x2000);  CHECK_EQ(out[1].len, 0x2000);
	CHECK_EQ(out[1].type, E820_RAM);
	CHECK_EQ(out[2].base, 0x4000);  CHECK_EQ(out[2].len, 0x2000);
	CHECK_EQ(out[2].type, E820_RESERVED);
	CHECK_EQ(out[3].base, 0x6000);  CHECK_EQ(out[3].len, 0x1000);
	CHECK_EQ(out[3].type, E820_RESERVED);
	CHECK_EQ(out[4].base, 0x7000);  CHECK_EQ(out[4].len, 0x3000);
	CHECK_EQ(out[4].type, E820_RAM);
	CHECK_EQ(out[5].type, E820_ACPI);
	CHECK_EQ(out[5].len, 0x100000);
}

static void test_carve_overflow_and_wrap(void)
{
	struct e820_map_entry in[] = { { 0, 0x10000, E820_RAM, 1 } };
	struct e820_range h[] = { { 0x1000, 0x1000 }, { 0x3000, 0x1000 } };
	/* needs 5 entries */
	CHECK_EQ(e820_carve(in, 1, h, 2, out, 4), LL_EMSGSIZE);
	CHECK_EQ(e820_carve(in, 1, h, 2, out, 5), 5);
	/* a hide whose end wraps past 2^64 reserves to the end of RAM */
	struct e820_range w[] = { { 0x8000, UINT64_MAX } };
	CHECK_EQ(e820_carve(in, 1, w, 1, out, 5), 2);
	CHECK_EQ(out[1].base, 0x8000);
	CHECK_EQ(out[1].len, 0x8000);
	/* no hides: identity */
	CHECK_EQ(e820_carve(in, 1, NULL, 0, out, 5), 1);
	CHECK_EQ(out[0].len, 0x10000);
}

static void test_e801_88_adjust(void)
{
	uint16_t ax = 15360, bx = 0x3f00; /* 16 MiB + 0x3f00*64 KiB ~ 1 GiB */
	struct e820_range top[] = { { 0x3f000000, 0x1000000 } };
	e820_e801_adjust(top, 1, &ax, &bx);
	CHECK_EQ(ax, 15360);
	CHECK_EQ(bx, (0x3f000000 - 0x1000000) / 0x10000); /* 0x3e00 */
	struct e820_range low[] = { { 0x800000, 0x1000 } }; /* at 8 MiB */
	ax = 15360; bx = 0x3f00;
	e820_e801_adjust(low, 1, &ax, &bx);
	CHECK_EQ(ax, 7 * 1024);
	CHECK_EQ(bx, 0);
	CHECK_EQ(e820_88_adjust(low, 1, 0xfc00), 7 * 1024);
	CHECK_EQ(e820_88_adjust(top, 1, 0xfc00), 0xfc00);
	struct e820_range base[] = { { 0x9f000, 0x1000 } }; /* below 1 MiB */
	CHECK_EQ(e820_88_adjust(base, 1, 1234), 1234);
	ax = 100; bx = 5;
	e820_e801_adjust(base, 1, &ax, &bx);
	CHECK_EQ(ax, 100);
	CHECK_EQ(bx, 5);
}

/* A fake BIOS with a 3-entry map, 20-byte answers, CF at the end. */
static uint8_t basemem[0x100000];
static const struct e820_map_entry bios_map[] = {
	{ 0, 0x9fc00, E820_RAM, 1 },
	{ 0xf0000, 0x10000, E820_RESERVED, 1 },
	{ MIB, 63 * MIB, E820_RAM, 1 },
};
static int bios_calls, other_calls;
static uint32_t bios_ecx;                      /* ECX of the last E820 call */
static void *fake_map(void *c, uint64_t lin, uint64_t len)
{
	(void)c;
	if (lin > sizeof(basemem) || len > sizeof(basemem) - lin)
		return NULL;
	return basemem + lin;
}
static void fake_bios(uint32_t vec, struct rm_regs *r)
{
	(void)vec;
	if ((r->eax & 0xffff) == 0xe820) {
		uint8_t *d = basemem + ((uint32_t)r->es << 4) + (r->edi & 0xffff);
		const struct e820_map_entry *e = &bios_map[r->ebx];
		bios_calls++;
		bios_ecx = r->ecx;
		memcpy(d, &e->base, 8);
		memcpy(d + 8, &e->len, 8);
		memcpy(d + 16, &e->type, 4);
		r->eax = E820_SMAP;
		r->ecx = 20;
		r->ebx = r->ebx + 1 < 3 ? r->ebx + 1 : 0;
		r->flags &= (uint16_t)~RM_CF;
	} else if ((r->eax & 0xffff) == 0xe801) {
		r->eax = r->ecx = 15360;
		r->ebx = r->edx = (63 * MIB - 15 * MIB) / 65536;
		r->flags &= (uint16_t)~RM_CF;
	} else if (((r->eax >> 8) & 0xff) == 0x88) {
		r->eax = 0xfc00;
	} else {
		other_calls++;
	}
}

static void test_handler_protocol(void)
{
	static struct e820_ctx c;
	struct rm_regs r;
	uint32_t ebx = 0;
	int k = 0;
	uint64_t got_base[8], got_len[8];
	uint32_t got_type[8];

	memset(&c, 0, sizeof(c));
	c.mem.map = fake_map;
	c.chain = fake_bios;
	CHECK_EQ(e820_hide(&c, 0x3000000, 0x200000), 0);   /* 48..50 MiB */
	do {
		memset(&r, 0, sizeof(r));
		r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 24; r.ebx = ebx;
		r.es = 0x0800; r.edi = 0x10;
		e820_dispatch(&c, &r);
		CHECK(!(r.flags & RM_CF));
		CHECK_EQ(r.eax, E820_SMAP);
		CHECK_EQ(r.ecx, 24);
		uint8_t *d = basemem + 0x8010;
		memcpy(&got_base[k], d, 8);
		memcpy(&got_len[k], d + 8, 8);
		memcpy(&got_type[k], d + 16, 4);
		CHECK_EQ(d[20], 1);                /* extended attr: valid */
		ebx = r.ebx;
		k++;
	} while (ebx && k < 8);
	CHECK_EQ(k, 5);
	CHECK_EQ(bios_calls, 3);                   /* loaded once */
	CHECK_EQ(got_base[2], MIB);
	CHECK_EQ(got_len[2], 47 * MIB);
	CHECK_EQ(got_type[2], 1);
	CHECK_EQ(got_base[3], 48 * MIB);
	CHECK_EQ(got_len[3], 2 * MIB);
	CHECK_EQ(got_type[3], 2);
	CHECK_EQ(got_base[4], 50 * MIB);
	CHECK_EQ(got_len[4], 14 * MIB);
	/* past the end: CF; bad signature: CF; 20-byte caller gets 20 */
	memset(&r, 0, sizeof(r));
	r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 20; r.ebx = 9;
	e820_dispatch(&c, &r);
	CHECK(r.flags & RM_CF);
	r.eax = 0xe820; r.edx = 0x1234; r.ecx = 20; r.ebx = 0;
	r.flags = 0;
	e820_dispatch(&c, &r);
	CHECK(r.flags & RM_CF);
	memset(basemem + 0x100, 0xee, 32);
	r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 20; r.ebx = 1;
	r.es = 0; r.edi = 0x100; r.flags = 0;
	e820_dispatch(&c, &r);
	CHECK_EQ(r.ecx, 20);
	CHECK_EQ(basemem[0x100 + 16], 2);
	CHECK_EQ(basemem[0x100 + 20], 0xee);
	CHECK_EQ(r.ebx, 2);
	/* E801 and 88h clipped at 48 MiB; others chained */
	memset(&r, 0, sizeof(r));
	r.eax = 0xe801;
	e820_dispatch(&c, &r);
	CHECK_EQ(r.eax & 0xffff, 15360);
	CHECK_EQ(r.ebx & 0xffff, (32 * MIB) / 65536);
	CHECK_EQ(r.edx & 0xffff, (32 * MIB) / 65536);
	r.eax = 0x8800;
	e820_dispatch(&c, &r);
	CHECK_EQ(r.eax & 0xffff, 47 * 1024);
	r.eax = 0xc000;
	e820_dispatch(&c, &r);
	CHECK_EQ(other_calls, 1);
	CHECK_EQ(c.st.chained, 1);
}

/* A caller with a 20-byte buffer makes the first call (the one that loads
 * the BIOS map through its buffer): nothing past byte 20 may be written,
 * by us or by the BIOS we ask. */
static void test_first_call_20_byte_buffer(void)
{
	static struct e820_ctx c;
	struct rm_regs r;

	memset(&c, 0, sizeof(c));
	c.mem.map = fake_map;
	c.chain = fake_bios;
	bios_ecx = 0;
	memset(basemem + 0x200, 0xee, 32);
	memset(&r, 0, sizeof(r));
	r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 20; r.ebx = 0;
	r.es = 0; r.edi = 0x200;
	e820_dispatch(&c, &r);
	CHECK(!(r.flags & RM_CF));
	CHECK_EQ(r.ecx, 20);
	CHECK_EQ(bios_ecx, 20);                    /* the BIOS was asked for 20 */
	CHECK_EQ(c.n_map, 3);
	CHECK_EQ(basemem[0x200 + 20], 0xee);       /* caller's bytes 20..23 kept */
	CHECK_EQ(basemem[0x200 + 23], 0xee);
	CHECK_EQ(r.ebx, 1);
}

/* A BIOS whose list never ends, every entry marked invalid (ACPI 3.0
 * attribute bit 0 clear): loading must stop by itself. */
static int endless_calls;
static void endless_bios(uint32_t vec, struct rm_regs *r)
{
	uint8_t *d = basemem + ((uint32_t)r->es << 4) + (r->edi & 0xffff);

	(void)vec;
	endless_calls++;
	memset(d, 0, 24);
	d[16] = E820_RAM;                          /* attr (byte 20) stays 0 */
	r->eax = E820_SMAP;
	r->ecx = 24;
	r->ebx = 1;
	r->flags &= (uint16_t)~RM_CF;
}

static void test_load_endless_invalid_list(void)
{
	static struct e820_ctx c;

	memset(&c, 0, sizeof(c));
	c.mem.map = fake_map;
	c.chain = endless_bios;
	endless_calls = 0;
	CHECK_EQ(e820_load(&c, 0, 0x300), LL_ENOENT);
	CHECK(endless_calls > 0);
	CHECK(endless_calls <= 2 * E820_MAX_ENTRIES);
	CHECK_EQ(c.st.ignored_entries, (uint32_t)endless_calls);
	CHECK(!c.loaded);
}

/* A BIOS with a full-size map: E820_MAX_ENTRIES RAM entries of 1 MiB at
 * 2 MiB steps from 16 MiB, 24-byte answers. */
static void full_bios(uint32_t vec, struct rm_regs *r)
{
	uint8_t *d = basemem + ((uint32_t)r->es << 4) + (r->edi & 0xffff);
	uint64_t base = 16 * MIB + (uint64_t)r->ebx * 2 * MIB, len = MIB;
	uint32_t type = E820_RAM, attr = 1;

	(void)vec;
	memcpy(d, &base, 8);
	memcpy(d + 8, &len, 8);
	memcpy(d + 16, &type, 4);
	memcpy(d + 20, &attr, 4);
	r->eax = E820_SMAP;
	r->ecx = 24;
	r->ebx = r->ebx + 1 < E820_MAX_ENTRIES ? r->ebx + 1 : 0;
	r->flags &= (uint16_t)~RM_CF;
}

/* Every hidden range splits one entry in three: the filtered map is
 * E820_MAX_ENTRIES + 2 * E820_MAX_HIDE long and every index answers
 * (the old map had room for E820_MAX_ENTRIES only: every call failed). */
static void test_full_map_with_splits(void)
{
	static struct e820_ctx c;
	struct rm_regs r;
	unsigned want = E820_MAX_ENTRIES + 2 * E820_MAX_HIDE, last = want - 1;
	uint64_t base;

	memset(&c, 0, sizeof(c));
	c.mem.map = fake_map;
	c.chain = full_bios;
	for (unsigned i = 0; i < E820_MAX_HIDE; i++)   /* 64 KiB inside entry 10i */
		CHECK_EQ(e820_hide(&c, 16 * MIB + 20 * i * MIB + 0x40000, 0x10000), 0);
	memset(&r, 0, sizeof(r));
	r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 24; r.ebx = 0;
	r.es = 0; r.edi = 0x400;
	e820_dispatch(&c, &r);
	CHECK(!(r.flags & RM_CF));
	CHECK_EQ(c.n_map, want);
	CHECK_EQ(r.ebx, 1);
	/* entry 1: the first hide, reserved */
	CHECK_EQ(c.map[1].base, 16 * MIB + 0x40000);
	CHECK_EQ(c.map[1].len, 0x10000);
	CHECK_EQ(c.map[1].type, E820_RESERVED);
	CHECK_EQ(c.map[2].base, 16 * MIB + 0x50000);
	CHECK_EQ(c.map[2].type, E820_RAM);
	/* the last index answers with the BIOS's last entry, EBX = 0 */
	memset(&r, 0, sizeof(r));
	r.eax = 0xe820; r.edx = E820_SMAP; r.ecx = 24; r.ebx = last;
	r.es = 0; r.edi = 0x400;
	e820_dispatch(&c, &r);
	CHECK(!(r.flags & RM_CF));
	CHECK_EQ(r.ebx, 0);
	memcpy(&base, basemem + 0x400, 8);
	CHECK_EQ(base, 16 * MIB + (uint64_t)(E820_MAX_ENTRIES - 1) * 2 * MIB);
}

int main(void)
{
	check_suite = "e820";
	RUN(test_carve_middle_split);
	RUN(test_carve_edges_and_whole);
	RUN(test_carve_overlapping_hides_and_outside);
	RUN(test_carve_overflow_and_wrap);
	RUN(test_e801_88_adjust);
	RUN(test_handler_protocol);
	RUN(test_first_call_20_byte_buffer);
	RUN(test_load_endless_invalid_list);
	RUN(test_full_map_with_splits);
	return CHECK_DONE();
}
