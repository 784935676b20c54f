/* tests/unit/test_mb2_info.c - the Multiboot2 information parser on vectors
 * laid out as the spec (3.6) and GRUB 2.06 write them: tags 1, 6, 12, 14,
 * 15, 16, 20, 21 read; truncated, overlong and short tags, a missing end
 * tag and a bad total_size rejected with E35; every vector in an exact-size
 * heap buffer, so a read past its end is an ASan report. */
#include <stdint.h>
#include <stdlib.h>
#include "tests/lib/check.h"
#include "boot/mb2_info.h"
#include "lib/byteorder.h"
#include "lib/err.h"

/* The vector under construction: tags appended 8-aligned. */
static uint8_t vb[4096];
static uint32_t vlen;

static void v_begin(void)
{
	memset(vb, 0xee, sizeof(vb));
	vlen = 8;
	put_le32(vb + 4, 0);
}

/* A tag of type with size 8 + n (payload p), padded to 8. */
static uint8_t *v_tag(uint32_t type, const void *p, uint32_t n)
{
	uint8_t *t = vb + vlen;

	put_le32(t, type);
	put_le32(t + 4, 8 + n);
	if (n)
		memcpy(t + 8, p, n);
	vlen += (8 + n + 7) & ~7u;
	return t;
}

static void v_end(void)
{
	v_tag(MB2_TAG_END, NULL, 0);
	put_le32(vb, vlen);
}

/* Parse the vector from an exact-size copy of its first len bytes (the
 * bound the parser is given is avail). */
static int v_parse_n(uint32_t len, size_t avail, struct mb2_info *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, vb, len);
	rc = mb2_info_parse(copy, avail, m);
	/* pointers into copy are only checked before the free */
	if (rc == 0 && m->cmdline)
		CHECK((const uint8_t *)m->cmdline > copy &&
		      (const uint8_t *)m->cmdline < copy + len);
	free(copy);
	return rc;
}

static int v_parse(struct mb2_info *m)
{
	return v_parse_n(vlen, vlen, m);
}

static void mmap_entry(uint8_t *e, uint64_t base, uint64_t len, uint32_t type)
{
	put_le64(e, base);
	put_le64(e + 8, len);
	put_le32(e + 16, type);
	put_le32(e + 20, 0);
}

/* What BIOS GRUB 2.06 wrote in the QEMU test: command line, boot loader
 * name, memory map of 24-byte entries, ACPI 1.0, load base. */
static void test_bios_grub_info(void)
{
	static const char cmd[] = "root-path=iscsi:10.0.2.2::3260:1:iqn.x ip=10.0.2.15";
	uint8_t mm[8 + 3 * 24], rsdp[20] = "RSD PTR ", lb[4];
	struct mb2_info m;
	uint64_t b, l;
	uint32_t t;

	v_begin();
	v_tag(MB2_TAG_CMDLINE, cmd, sizeof(cmd));
	v_tag(2, "GRUB 2.06", 10);
	put_le32(mm, 24);
	put_le32(mm + 4, 0);
	mmap_entry(mm + 8, 0, 0x9fc00, 1);
	mmap_entry(mm + 32, 0xf0000, 0x10000, 2);
	mmap_entry(mm + 56, 0x100000, 0x1fee0000, 1);
	v_tag(MB2_TAG_MMAP, mm, sizeof(mm));
	v_tag(MB2_TAG_ACPI1, rsdp, sizeof(rsdp));
	put_le32(lb, 0x1000000);
	v_tag(MB2_TAG_LOADBASE, lb, 4);
	v_end();
	CHECK_EQ(v_parse(&m), 0);
	CHECK_EQ(m.total, vlen);
	CHECK_EQ(m.mmap_n, 3);
	CHECK_EQ(m.mmap_esize, 24);
	CHECK_EQ(m.rsdp_rev, 1);
	CHECK_EQ(m.rsdp_len, 20);
	CHECK_EQ(m.has_load_base, 1);
	CHECK_EQ(m.load_base, 0x1000000);
	CHECK(m.ack == NULL && m.efi_st == 0 && m.efi_ih == 0);
	/* the map read back from the source vector's layout */
	CHECK_EQ(mb2_info_parse(vb, vlen, &m), 0);
	CHECK(strcmp(m.cmdline, cmd) == 0);
	mb2_mmap_entry(&m, 2, &b, &l, &t);
	CHECK_EQ(b, 0x100000);
	CHECK_EQ(l, 0x1fee0000);
	CHECK_EQ(t, 1);
	mb2_mmap_entry(&m, 1, &b, &l, &t);
	CHECK_EQ(t, 2);
}

/* UEFI GRUB: tags 12 and 20 (64-bit pointers), ACPI 2.0 after 1.0 and
 * before it (the newer wins either way). */
static void test_efi_tags(void)
{
	uint8_t st[8], ih[8], r1[20] = "RSD PTR ", r2[36] = "RSD PTR ";
	struct mb2_info m;

	put_le64(st, 0x7fe1e018ull);
	put_le64(ih, 0x7e2c3b98ull);
	v_begin();
	v_tag(MB2_TAG_EFI64_ST, st, 8);
	v_tag(MB2_TAG_ACPI1, r1, sizeof(r1));
	v_tag(MB2_TAG_ACPI2, r2, sizeof(r2));
	v_tag(MB2_TAG_EFI64_IH, ih, 8);
	v_end();
	CHECK_EQ(v_parse(&m), 0);
	CHECK_EQ(m.efi_st, 0x7fe1e018ull);
	CHECK_EQ(m.efi_ih, 0x7e2c3b98ull);
	CHECK_EQ(m.rsdp_rev, 2);
	CHECK_EQ(m.rsdp_len, 36);
	CHECK(m.cmdline == NULL && m.mmap_n == 0);

	v_begin();
	v_tag(MB2_TAG_ACPI2, r2, sizeof(r2));
	v_tag(MB2_TAG_ACPI1, r1, sizeof(r1));
	v_end();
	CHECK_EQ(v_parse(&m), 0);
	CHECK_EQ(m.rsdp_rev, 2);
}

/* Tag 16: GRUB's DHCPACK as it came, any length above 0. */
static void test_network_tag(void)
{
	uint8_t ack[300];
	struct mb2_info m;

	for (unsigned i = 0; i < sizeof(ack); i++)
		ack[i] = (uint8_t)i;
	v_begin();
	v_tag(MB2_TAG_NETWORK, ack, sizeof(ack));
	v_end();
	CHECK_EQ(v_parse(&m), 0);
	CHECK_EQ(m.ack_len, 300);
	CHECK_EQ(m.n_ack, 1);
	CHECK_EQ(mb2_info_parse(vb, vlen, &m), 0);
	CHECK(m.ack == vb + 16 && memcmp(m.ack, ack, 300) == 0);

	/* one tag per interface (GRUB: the newest first): the first kept */
	v_begin();
	v_tag(MB2_TAG_NETWORK, ack, 100);
	v_tag(MB2_TAG_NETWORK, ack + 1, 250);
	v_end();
	CHECK_EQ(mb2_info_parse(vb, vlen, &m), 0);
	CHECK_EQ(m.n_ack, 2);
	CHECK_EQ(m.ack_len, 100);
	CHECK(m.ack == vb + 16);

	v_begin();
	v_tag(MB2_TAG_NETWORK, NULL, 0);    /* empty: damage */
	v_end();
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);
}

/* total_size: short, beyond what may be read, or not reaching the end
 * tag; a buffer too small for a header. */
static void test_total_size(void)
{
	struct mb2_info m;
	uint32_t good;

	v_begin();
	v_tag(MB2_TAG_CMDLINE, "a=b", 4);
	v_end();
	good = vlen;
	CHECK_EQ(v_parse_n(good, good - 1, &m), LL_EMB2INFO); /* overlong */
	CHECK_EQ(v_parse_n(good - 8, good - 8, &m), LL_EMB2INFO);
	put_le32(vb, good - 8);                  /* end tag cut off */
	CHECK_EQ(v_parse_n(good, good, &m), LL_EMB2INFO);
	CHECK(m.cmdline != NULL);                /* tags before it kept */
	put_le32(vb, 8);
	CHECK_EQ(v_parse_n(good, good, &m), LL_EMB2INFO);
	put_le32(vb, 0xffffffffu);
	CHECK_EQ(v_parse_n(good, good, &m), LL_EMB2INFO);
	CHECK_EQ(v_parse_n(4, 4, &m), LL_EMB2INFO);
	CHECK_EQ(mb2_info_parse(NULL, 64, &m), LL_EMB2INFO);
	/* the smallest valid information: header and end tag */
	v_begin();
	v_end();
	CHECK_EQ(vlen, 16);
	CHECK_EQ(v_parse(&m), 0);
}

/* A tag whose size runs past total_size, one below 8, one whose aligned
 * size leaves no room for the end tag, an end tag with a wrong size. */
static void test_bad_tag_sizes(void)
{
	struct mb2_info m;

	v_begin();
	v_tag(MB2_TAG_CMDLINE, "a=b", 4);
	v_end();
	put_le32(vb + 12, vlen);                 /* cmdline size: too big */
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);
	put_le32(vb + 12, 4);                    /* below the header */
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);
	put_le32(vb + 12, 0xfffffff9u);
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);
	put_le32(vb + 12, vlen - 8 - 1);         /* to the last byte */
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);

	v_begin();
	v_end();
	put_le32(vb + 12, 16);                   /* end tag of 16 */
	put_le32(vb, 24);
	CHECK_EQ(v_parse_n(24, 24, &m), LL_EMB2INFO);
}

/* Known tags too short for their fields. */
static void test_short_fields(void)
{
	static const uint8_t z[40];
	uint8_t mm[8 + 24];
	struct mb2_info m;

	v_begin();
	v_tag(MB2_TAG_CMDLINE, "no-nul", 6);     /* no NUL inside */
	v_end();
	CHECK_EQ(v_parse(&m), LL_EMB2INFO);
	CHECK(m.cmdline == NULL);

	uint32_t shorts[][2] = {
		{ MB2_TAG_EFI64_ST, 4 }, { MB2_TAG_EFI64_IH, 7 },
		{ MB2_TAG_ACPI1, 19 }, { MB2_TAG_ACPI2, 20 },
		{ MB2_TAG_LOADBASE, 3 }, { MB2_TAG_MMAP, 7 },
	};
	for (unsigned i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		v_begin();
		v_tag(shorts[i][0], z, shorts[i][1]);
		v_end();
		CHECK_EQ(v_parse(&m), LL_EMB2INFO);
	}
	/* memory map entry sizes: below 24, not a multiple of 8 */
	for (uint32_t es = 0; es < 40; es++) {
		memset(mm, 0, sizeof(mm));
		put_le32(mm, es);
		v_begin();
		v_tag(MB2_TAG_MMAP, mm, sizeof(mm));
		v_end();
		CHECK_EQ(v_parse(&m), es >= 24 && es % 8 == 0 ? 0 : LL_EMB2INFO);
		if (es == 24)
			CHECK_EQ(m.mmap_n, 1);
		if (es == 32)
			CHECK_EQ(m.mmap_n, 0);           /* 24 bytes: no whole entry */
	}
}

/* Unknown tags are stepped over; every prefix of a good vector, given as
 * the whole buffer, is rejected without a read past it. */
static void test_unknown_and_prefixes(void)
{
	uint8_t st[8] = { 1 }, blob[13] = { 0 };
	struct mb2_info m;

	v_begin();
	v_tag(99, blob, sizeof(blob));
	v_tag(MB2_TAG_EFI64_ST, st, 8);
	v_tag(MB2_TAG_CMDLINE, "k=v", 4);
	v_end();
	CHECK_EQ(v_parse(&m), 0);
	CHECK_EQ(m.efi_st, 1);
	for (uint32_t n = 0; n < vlen; n++)
		CHECK_EQ(v_parse_n(n, n, &m), LL_EMB2INFO);
}

int main(void)
{
	check_suite = "mb2_info";
	RUN(test_bios_grub_info);
	RUN(test_efi_tags);
	RUN(test_network_tag);
	RUN(test_total_size);
	RUN(test_bad_tag_sizes);
	RUN(test_short_fields);
	RUN(test_unknown_and_prefixes);
	return CHECK_DONE();
}
