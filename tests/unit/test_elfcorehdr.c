/* tests/unit/test_elfcorehdr.c - the elfcorehdr parser on a hand-built
 * header (2 CPUs with zero terminators, VMCOREINFO, 3 RAM ranges, one a
 * backup copy) and on malformed variants; the elfcorehdr= argument. */
#include "tests/lib/check.h"
#include "tests/lib/dump_fake.h"
#include "dump/elfcorehdr.h"

static struct fake_phys phys;
static struct ech_table tab;
static uint64_t ech_size;

static uint8_t *ech(void)
{
	return phys.mem + FK_ECH;
}

static int parse(void)
{
	struct physmem m = fk_physmem(&phys);

	return ech_parse(&tab, &m, FK_ECH, ech_size);
}

/* Rebuild a clean scenario before each malformed variant. */
static void reset(void)
{
	free(phys.mem);
	ech_size = fk_build(&phys);
}

static void test_good(void)
{
	reset();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_prstatus, 2);
	CHECK_EQ(tab.prstatus[0].paddr, FK_NOTE_CPU0);
	CHECK_EQ(tab.prstatus[0].len, 12 + 8 + 336);
	CHECK_EQ(tab.prstatus[1].paddr, FK_NOTE_CPU1);
	CHECK_EQ(tab.vmcoreinfo.paddr, FK_VMCI);
	/* 12 + "VMCOREINFO\0" padded to 12 + text padded to 4 */
	CHECK_EQ(tab.vmcoreinfo.len, 12 + 12 + ((sizeof(fk_vmcoreinfo) - 1 + 3) & ~3u));
	CHECK_EQ(tab.n_noteseg, 3);
	CHECK_EQ(tab.n_load, 3);
	CHECK_EQ(tab.load[0].paddr, 0);
	CHECK_EQ(tab.load[0].src, FK_BACKUP);
	CHECK_EQ(tab.load[0].size, 0x9fc00);
	CHECK_EQ(tab.load[0].vaddr, FK_PAGE_OFFSET);
	CHECK_EQ(tab.load[2].paddr, 0x300000);
	CHECK_EQ(tab.load[2].src, 0x300000);
	CHECK_EQ(tab.load[2].size, 0x80123);
	CHECK_EQ(tab.ram_bytes, 0x9fc00 + 0x100000 + 0x80123);
	CHECK_EQ(tab.drop_othernote, 0);
	CHECK_EQ(tab.drop_phdr, 0);
	/* size unknown (elfcorehdr=ADDR form) parses the same */
	ech_size = 0;
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_load, 3);
}

/* Set byte/field at offset off of the header and expect err. */
static void expect_bad(const char *what, size_t off, const void *v, size_t n, int err)
{
	int rc;

	reset();
	memcpy(ech() + off, v, n);
	rc = parse();
	if (rc != err)
		printf("  variant %s: got %d\n", what, rc);
	CHECK_EQ(rc, err);
}

static void test_bad_ehdr(void)
{
	uint8_t b;
	uint16_t h;
	uint64_t q;

	b = 'X'; expect_bad("magic", 1, &b, 1, LL_EPROTO);
	b = 1; expect_bad("class32", ELF_EI_CLASS, &b, 1, LL_EPROTO);
	b = 2; expect_bad("bigendian", ELF_EI_DATA, &b, 1, LL_EPROTO);
	h = 2; expect_bad("ET_EXEC", 16, &h, 2, LL_EPROTO);
	h = 3; expect_bad("EM_386", 18, &h, 2, LL_EPROTO);
	h = 32; expect_bad("phentsize", 54, &h, 2, LL_EPROTO);
	h = 0; expect_bad("phnum0", 56, &h, 2, LL_EPROTO);
	h = 0xffff; expect_bad("pnxnum", 56, &h, 2, LL_EPROTO);
	h = 7; expect_bad("phnum_past_size", 56, &h, 2, LL_EPROTO);
	q = 0xfffffffffffffff0ull; expect_bad("phoff_wrap", 32, &q, 8, LL_EPROTO);
	q = 8; expect_bad("phoff_in_ehdr", 32, &q, 8, LL_EPROTO);
	/* header itself not mappable */
	reset();
	{
		struct physmem m = fk_physmem(&phys);

		CHECK_EQ(ech_parse(&tab, &m, FAKE_PHYS_SIZE - 10, 0), LL_EINVAL);
		CHECK_EQ(ech_parse(&tab, &m, FK_ECH, 40), LL_EPROTO);
	}
}

static void test_bad_notes(void)
{
	uint32_t w;
	uint64_t q;

	/* CPU 0's descsz running past its 0x400 buffer */
	reset();
	w = 0x3f8;
	memcpy(phys.mem + FK_NOTE_CPU0 + 4, &w, 4);
	CHECK_EQ(parse(), LL_EPROTO);
	/* namesz huge (would overflow 32 bits when padded) */
	reset();
	w = 0xfffffffe;
	memcpy(phys.mem + FK_NOTE_CPU1, &w, 4);
	CHECK_EQ(parse(), LL_EPROTO);
	/* PT_NOTE segment too big, and one pointing outside memory */
	q = 0x100000; expect_bad("noteseg_big", 64 + 32, &q, 8, LL_EPROTO);
	q = FAKE_PHYS_SIZE - 8; expect_bad("noteseg_unmapped", 64 + 8, &q, 8, LL_EINVAL);
	/* a note of another type is skipped and counted, CPUs still found */
	reset();
	w = 6;  /* NT_AUXV */
	memcpy(phys.mem + FK_NOTE_CPU1 + 8, &w, 4);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_prstatus, 1);
	CHECK_EQ(tab.drop_othernote, 1);
	/* without the terminator the walk stops at the segment's end: put a
	 * second CPU note right after CPU 0's, before its end */
	reset();
	memcpy(phys.mem + FK_NOTE_CPU0 + 356, phys.mem + FK_NOTE_CPU1, 356);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_prstatus, 3);
	CHECK_EQ(tab.prstatus[1].paddr, FK_NOTE_CPU0 + 356);
	/* and notes after a zero terminator are not read */
	reset();
	memcpy(phys.mem + FK_NOTE_CPU0 + 356 + 12, phys.mem + FK_NOTE_CPU1, 356);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_prstatus, 2);
	/* name "COREX" is not a CPU note */
	reset();
	memcpy(phys.mem + FK_NOTE_CPU1 + 12, "CORX", 4);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_prstatus, 1);
	/* no VMCOREINFO: still parses, vmcoreinfo.len 0 */
	reset();
	memcpy(phys.mem + FK_VMCI + 12, "VMCOREINFX", 10);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.vmcoreinfo.len, 0);
}

static void test_bad_loads(void)
{
	uint64_t q;
	uint32_t w;
	size_t l0 = 64 + 3 * 56;

	/* filesz != memsz */
	q = 0x1000; expect_bad("memsz", l0 + 40, &q, 8, LL_EPROTO);
	/* p_offset + size wraps */
	q = 0xfffffffffffff000ull; expect_bad("offset_wrap", l0 + 8, &q, 8, LL_EPROTO);
	/* ends above 2^52 (x86-64 MAXPHYADDR), and a size of all ones */
	q = (1ull << 52) - 0x1000; expect_bad("offset_52", l0 + 8, &q, 8, LL_EPROTO);
	q = (1ull << 52) - 0x9fc00; expect_bad("paddr_52_ok", l0 + 24, &q, 8, 0);
	q = (1ull << 52) - 0x9fbff; expect_bad("paddr_52", l0 + 24, &q, 8, LL_EPROTO);
	reset();
	q = ~0ull;
	memcpy(ech() + l0 + 32, &q, 8);
	memcpy(ech() + l0 + 40, &q, 8);
	q = 0;
	memcpy(ech() + l0 + 8, &q, 8);
	CHECK_EQ(parse(), LL_EPROTO);
	/* p_paddr + size wraps */
	q = 0xffffffffffffff00ull; expect_bad("paddr_wrap", l0 + 24, &q, 8, LL_EPROTO);
	/* an empty PT_LOAD is dropped with a count; PT_NULL counted */
	reset();
	q = 0;
	memcpy(ech() + l0 + 32, &q, 8);
	memcpy(ech() + l0 + 40, &q, 8);
	w = ELF_PT_NULL;
	memcpy(ech() + l0 + 56, &w, 4);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(tab.n_load, 1);
	CHECK_EQ(tab.drop_emptyload, 1);
	CHECK_EQ(tab.drop_phdr, 1);
	CHECK_EQ(tab.load[0].paddr, 0x300000);
}

/* More PT_LOADs than the table holds: LL_ERANGE, not an overrun. */
static void test_too_many_loads(void)
{
	uint16_t n = ECH_MAX_LOADS + 4;

	reset();
	for (unsigned i = 3; i < n; i++)
		fk_phdr(ech() + 64 + 56 * i, ELF_PT_LOAD, 0x100000 + i * 0x1000ull,
			0x100000 + i * 0x1000ull, 0, 0x1000);
	memcpy(ech() + 56, &n, 2);
	ech_size = 0;
	CHECK_EQ(parse(), LL_ERANGE);
}

static void test_arg(void)
{
	uint64_t a, s;

	CHECK_EQ(ech_parse_arg("0x7f000000", &a, &s), 0);
	CHECK_EQ(a, 0x7f000000);
	CHECK_EQ(s, 0);
	CHECK_EQ(ech_parse_arg("4K@2088960K", &a, &s), 0);
	CHECK_EQ(a, 2088960ull * 1024);
	CHECK_EQ(s, 4096);
	CHECK_EQ(ech_parse_arg("0x1000@0x3ff00000 rest", &a, &s), 0);
	CHECK_EQ(a, 0x3ff00000);
	CHECK_EQ(s, 0x1000);
	CHECK_EQ(ech_parse_arg("1g", &a, &s), 0);
	CHECK_EQ(a, 1ull << 30);
	CHECK_EQ(ech_parse_arg("010", &a, &s), 0);   /* octal, as memparse */
	CHECK_EQ(a, 8);
	CHECK_EQ(ech_parse_arg("", &a, &s), LL_EINVAL);
	CHECK_EQ(ech_parse_arg("12Q", &a, &s), LL_EINVAL);
	CHECK_EQ(ech_parse_arg("@5", &a, &s), LL_EINVAL);
	CHECK_EQ(ech_parse_arg("5@", &a, &s), LL_EINVAL);
	CHECK_EQ(ech_parse_arg("0x", &a, &s), LL_EINVAL);
	CHECK_EQ(ech_parse_arg("99999999999999999999", &a, &s), LL_ERANGE);
	CHECK_EQ(ech_parse_arg("0x100000000000000P", &a, &s), LL_ERANGE);
	CHECK_EQ(ech_from_cmdline("ro console=ttyS0 elfcorehdr=0x1000@2048K x=1", &a, &s), 0);
	CHECK_EQ(a, 2048 * 1024);
	CHECK_EQ(s, 0x1000);
	CHECK_EQ(ech_from_cmdline("xelfcorehdr=5 elfcorehdr=6M", &a, &s), 0);
	CHECK_EQ(a, 6 << 20);
	CHECK_EQ(ech_from_cmdline("elfcorehdr=1 elfcorehdr=2", &a, &s), 0);
	CHECK_EQ(a, 2);
	CHECK_EQ(ech_from_cmdline("noelfcorehdr=5", &a, &s), LL_ENOENT);
	CHECK_EQ(ech_from_cmdline("", &a, &s), LL_ENOENT);
}

int main(void)
{
	check_suite = "elfcorehdr";
	RUN(test_good);
	RUN(test_bad_ehdr);
	RUN(test_bad_notes);
	RUN(test_bad_loads);
	RUN(test_too_many_loads);
	RUN(test_arg);
	free(phys.mem);
	return CHECK_DONE();
}
