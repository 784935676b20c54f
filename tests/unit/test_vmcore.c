/* tests/unit/test_vmcore.c - the vmcore header: ELF fields, one PT_NOTE
 * first, PT_LOAD offsets aligned and in order, the notes copied byte for
 * byte, e_flags, dump-max-mib clipping, and reading it back. */
#include "tests/lib/check.h"
#include "tests/lib/dump_fake.h"
#include "dump/elfcorehdr.h"
#include "dump/vmcore.h"
#include "dump/vmcore_read.h"

static struct fake_phys phys;
static struct ech_table tab;
static uint8_t hdr[VMCORE_HDR_MAX];
static struct vmcore_layout lay;

static int build(uint64_t max_bytes)
{
	struct physmem m = fk_physmem(&phys);
	uint64_t sz;

	free(phys.mem);
	sz = fk_build(&phys);
	if (ech_parse(&tab, &m, FK_ECH, sz))
		return -100;
	return vmcore_build(&tab, &m, max_bytes, hdr, sizeof(hdr), &lay);
}

static struct elf64_phdr phdr(unsigned i)
{
	struct elf64_phdr ph;

	memcpy(&ph, hdr + 64 + 56 * i, sizeof(ph));
	return ph;
}

static void test_ehdr(void)
{
	struct elf64_ehdr e;
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

	CHECK_EQ(build(0), 0);
	memcpy(&e, hdr, sizeof(e));
	CHECK(!memcmp(e.e_ident, ident, 16));
	CHECK_EQ(e.e_type, 4);
	CHECK_EQ(e.e_machine, 62);
	CHECK_EQ(e.e_version, 1);
	CHECK_EQ(e.e_entry, 0);
	CHECK_EQ(e.e_phoff, 64);
	CHECK_EQ(e.e_shoff, 0);
	CHECK_EQ(e.e_flags, 1);
	CHECK_EQ(e.e_ehsize, 64);
	CHECK_EQ(e.e_phentsize, 56);
	CHECK_EQ(e.e_phnum, 4);
	CHECK_EQ(e.e_shnum, 0);
	vmcore_mark(hdr, 0);
	memcpy(&e, hdr, sizeof(e));
	CHECK_EQ(e.e_flags, 0);
	CHECK_EQ(hdr[48], 0);
	vmcore_mark(hdr, VMCORE_INCOMPLETE);
	CHECK_EQ(hdr[48], 1);
}

static void test_phdrs(void)
{
	struct elf64_phdr n, l;
	/* notes: 2 x (12 + 8 + 336) + 12 + 12 + text padded to 4 */
	uint64_t vlen = 12 + 12 + ((sizeof(fk_vmcoreinfo) - 1 + 3) & ~3ull);
	uint64_t nlen = 2 * 356 + vlen;
	uint64_t off;

	CHECK_EQ(build(0), 0);
	n = phdr(0);
	CHECK_EQ(n.p_type, ELF_PT_NOTE);
	CHECK_EQ(n.p_offset, 64 + 4 * 56);
	CHECK_EQ(n.p_filesz, nlen);
	CHECK_EQ(n.p_memsz, nlen);
	CHECK_EQ(n.p_align, 0);
	CHECK_EQ(lay.hdr_len, 64 + 4 * 56 + nlen);
	CHECK_EQ(lay.data_start, 4096);
	off = 4096;
	for (unsigned i = 0; i < 3; i++) {
		l = phdr(1 + i);
		CHECK_EQ(l.p_type, ELF_PT_LOAD);
		CHECK_EQ(l.p_flags, 7);
		CHECK_EQ(l.p_paddr, fk_ranges[i][0]);
		CHECK_EQ(l.p_vaddr, FK_PAGE_OFFSET + fk_ranges[i][0]);
		CHECK_EQ(l.p_filesz, fk_ranges[i][1]);
		CHECK_EQ(l.p_memsz, fk_ranges[i][1]);
		CHECK_EQ(l.p_align, 0);
		CHECK_EQ(l.p_offset, off);
		CHECK_EQ(lay.range[i].file_off, off);
		CHECK_EQ(lay.range[i].src, fk_ranges[i][2]);
		off = (off + fk_ranges[i][1] + 4095) & ~4095ull;
	}
	/* hand-computed: 0x1000, 0x1000+0x9fc00 -> 0xa1000, +0x100000 -> 0x1a1000 */
	CHECK_EQ(phdr(1).p_offset, 0x1000);
	CHECK_EQ(phdr(2).p_offset, 0xa1000);
	CHECK_EQ(phdr(3).p_offset, 0x1a1000);
	CHECK_EQ(lay.file_end, 0x1a1000 + 0x80123);
	CHECK_EQ(lay.data_bytes, 0x9fc00 + 0x100000 + 0x80123);
	CHECK_EQ(lay.n_cpu, 2);
	CHECK_EQ(lay.has_vmcoreinfo, 1);
	/* padding between the notes and the data is zero */
	for (uint64_t i = lay.hdr_len; i < lay.data_start; i++)
		if (hdr[i]) {
			CHECK(!"padding not zero");
			break;
		}
}

static void test_notes_exact(void)
{
	uint8_t want[2048], d[FK_PRSTATUS_SZ];
	size_t n = 0;

	CHECK_EQ(build(0), 0);
	memset(want, 0, sizeof(want));
	for (int cpu = 0; cpu < 2; cpu++) {
		fk_prstatus(d, cpu);
		n += fk_put_note(want + n, "CORE", ELF_NT_PRSTATUS, d, sizeof(d));
	}
	n += fk_put_note(want + n, "VMCOREINFO", 0, fk_vmcoreinfo,
			 sizeof(fk_vmcoreinfo) - 1);
	CHECK_EQ(phdr(0).p_filesz, n);
	CHECK(!memcmp(hdr + phdr(0).p_offset, want, n));
	/* first bytes spelled out: namesz 5, descsz 336, type 1, "CORE\0" */
	CHECK_EQ(hdr[288], 5);
	CHECK_EQ(hdr[292], 0x50);
	CHECK_EQ(hdr[293], 1);
	CHECK_EQ(hdr[296], 1);
	CHECK(!memcmp(hdr + 300, "CORE\0\0\0", 8));
}

static void test_max_bytes(void)
{
	/* 1 MiB: range 0 whole, range 1 cut to 1 MiB - 0x9fc00, range 2 out */
	CHECK_EQ(build(0x100000), 0);
	CHECK_EQ(lay.n_range, 2);
	CHECK_EQ(lay.clipped, 2);
	CHECK_EQ(lay.range[1].size, 0x100000 - 0x9fc00);
	CHECK_EQ(lay.data_bytes, 0x100000);
	CHECK_EQ(phdr(0).p_offset, 64 + 3 * 56);
	CHECK_EQ(phdr(2).p_filesz, 0x60400);
	CHECK_EQ(hdr[56], 3); /* e_phnum */
	/* exactly the first range */
	CHECK_EQ(build(0x9fc00), 0);
	CHECK_EQ(lay.n_range, 1);
	CHECK_EQ(lay.clipped, 2);
}

static void test_read_back(void)
{
	struct vmcore_info vi;
	char v[64];

	CHECK_EQ(build(0), 0);
	CHECK_EQ(vmcore_read(hdr, lay.data_start, &vi), 0);
	CHECK_EQ(vi.e_flags, 1);
	CHECK_EQ(vi.n_cpu, 2);
	CHECK(vi.vmcoreinfo_len == sizeof(fk_vmcoreinfo) - 1);
	CHECK_EQ(vi.n_range, 3);
	CHECK_EQ(vi.range[0].paddr, 0);
	CHECK_EQ(vi.range[0].file_off, 0x1000);
	CHECK_EQ(vi.range[2].size, 0x80123);
	CHECK_EQ(vi.file_end, 0x1a1000 + 0x80123);
	CHECK_EQ(vmcore_info_get(hdr, &vi, "OSRELEASE", v, sizeof(v)), 0);
	CHECK(!strcmp(v, "6.1.0-lifeline-test"));
	CHECK_EQ(vmcore_info_get(hdr, &vi, "PAGESIZE", v, sizeof(v)), 0);
	CHECK(!strcmp(v, "4096"));
	CHECK_EQ(vmcore_info_get(hdr, &vi, "PAGESIZ", v, sizeof(v)), LL_ENOENT);
	CHECK_EQ(vmcore_info_get(hdr, &vi, "OSRELEASE", v, 4), 0);
	CHECK(!strcmp(v, "6.1"));
	/* not a vmcore, truncated, second phdr not PT_LOAD */
	CHECK_EQ(vmcore_read((const uint8_t *)"hello", 5, &vi), LL_ENOENT);
	CHECK_EQ(vmcore_read(hdr, 100, &vi), LL_EPROTO);
	hdr[64 + 56] = ELF_PT_NOTE;
	CHECK_EQ(vmcore_read(hdr, lay.data_start, &vi), LL_EPROTO);
}

/* A header that cannot fit the buffer is refused, not overrun. */
static void test_too_big(void)
{
	static uint8_t small[512];
	struct physmem m = fk_physmem(&phys);

	CHECK_EQ(build(0), 0);
	CHECK_EQ(vmcore_build(&tab, &m, 0, small, sizeof(small), &lay), LL_EMSGSIZE);
	CHECK_EQ(vmcore_build(&tab, &m, 0, small, 300, &lay), LL_EMSGSIZE);
}

int main(void)
{
	check_suite = "vmcore";
	RUN(test_ehdr);
	RUN(test_phdrs);
	RUN(test_notes_exact);
	RUN(test_max_bytes);
	RUN(test_read_back);
	RUN(test_too_big);
	free(phys.mem);
	return CHECK_DONE();
}
