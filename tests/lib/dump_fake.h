/* tests/lib/dump_fake.h - fakes for the dump tests: "physical memory" in
 * a host buffer, a hand-built elfcorehdr (2 CPUs, VMCOREINFO, 3 RAM ranges
 * one of which is a backup copy), and the RAM disk of tests/lib/blk_fake.h
 * whose log tells the vmcore header's two states apart. */
#ifndef TESTS_DUMP_FAKE_H
#define TESTS_DUMP_FAKE_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dump/elf_proto.h"
#include "dump/physmem.h"
#include "dump/writer.h"
#include "lib/err.h"
#include "tests/lib/blk_fake.h"

/* ---- fake physical memory: paddr p is mem[p] ---- */
#define FAKE_PHYS_SIZE 0x400000ull
struct fake_phys {
	uint8_t *mem;
	uint64_t size;
};

static inline const void *fake_map(void *ctx, uint64_t paddr, uint64_t len)
{
	struct fake_phys *f = ctx;

	if (paddr > f->size || len > f->size - paddr)
		return NULL;
	return f->mem + paddr;
}

/* ---- the scenario laid out in it ---- */
#define FK_PAGE_OFFSET 0xffff888000000000ull
#define FK_NOTE_CPU0   0x2a0000ull   /* crash_notes of CPU 0 */
#define FK_NOTE_CPU1   0x2a1000ull
#define FK_NOTE_SEG    0x400ull      /* per-CPU note buffer size */
#define FK_VMCI        0x2a2000ull   /* VMCOREINFO note */
#define FK_ECH         0x2b0000ull   /* the elfcorehdr */
#define FK_BACKUP      0x200000ull   /* copy of 0..640K */
#define FK_PRSTATUS_SZ 336           /* x86-64 struct elf_prstatus */
static const char fk_vmcoreinfo[] =
	"OSRELEASE=6.1.0-lifeline-test\nPAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffffffff82a0a000\nNUMBER(phys_base)=0\n";
/* RAM ranges: paddr, size, src */
static const uint64_t fk_ranges[3][3] = {
	{ 0x0, 0x9fc00, FK_BACKUP },
	{ 0x100000, 0x100000, 0x100000 },
	{ 0x300000, 0x80123, 0x300000 },     /* odd size: a partial block */
};

static inline uint8_t fk_byte(uint64_t a)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ull;

	return (uint8_t)(x >> 56);
}

static inline size_t fk_put_note(uint8_t *p, const char *name, uint32_t type,
			  const void *desc, uint32_t descsz)
{
	struct elf64_nhdr n = { (uint32_t)strlen(name) + 1, descsz, type };
	size_t nl = (n.n_namesz + 3) & ~3u, dl = (descsz + 3) & ~3u;

	memcpy(p, &n, sizeof(n));
	memcpy(p + 12, name, n.n_namesz);
	memcpy(p + 12 + nl, desc, descsz);
	return 12 + nl + dl;
}

/* The desc of CPU cpu's NT_PRSTATUS: recognisable bytes. */
static inline void fk_prstatus(uint8_t *d, int cpu)
{
	for (int i = 0; i < FK_PRSTATUS_SZ; i++)
		d[i] = (uint8_t)(cpu * 0x40 + i);
}

static inline void fk_phdr(uint8_t *at, uint32_t type, uint64_t off, uint64_t paddr,
		    uint64_t vaddr, uint64_t sz)
{
	struct elf64_phdr ph = { type, 7, off, vaddr, paddr, sz, sz, 0 };

	memcpy(at, &ph, sizeof(ph));
}

/* Fill memory (pattern, notes, elfcorehdr); returns the header's size. */
static inline uint64_t fk_build(struct fake_phys *f)
{
	uint8_t d[FK_PRSTATUS_SZ], *h;
	struct elf64_ehdr e;
	uint64_t vl;

	f->size = FAKE_PHYS_SIZE;
	f->mem = calloc(1, FAKE_PHYS_SIZE);
	for (uint64_t a = 0; a < FAKE_PHYS_SIZE; a++)
		f->mem[a] = fk_byte(a);
	memset(f->mem + 0x2a0000, 0, 0x20000);
	for (int cpu = 0; cpu < 2; cpu++) {
		fk_prstatus(d, cpu);
		/* note then a zero terminator (the rest of the buffer is 0) */
		fk_put_note(f->mem + FK_NOTE_CPU0 + cpu * 0x1000ull, "CORE",
			    ELF_NT_PRSTATUS, d, sizeof(d));
	}
	vl = fk_put_note(f->mem + FK_VMCI, "VMCOREINFO", 0, fk_vmcoreinfo,
			 sizeof(fk_vmcoreinfo) - 1);
	h = f->mem + FK_ECH;
	memset(&e, 0, sizeof(e));
	memcpy(e.e_ident, ELF_MAG, 4);
	e.e_ident[ELF_EI_CLASS] = ELF_CLASS64;
	e.e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	e.e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	e.e_type = ELF_ET_CORE;
	e.e_machine = ELF_EM_X86_64;
	e.e_version = ELF_EV_CURRENT;
	e.e_phoff = 64;
	e.e_ehsize = 64;
	e.e_phentsize = 56;
	e.e_phnum = 6;
	memcpy(h, &e, sizeof(e));
	fk_phdr(h + 64, ELF_PT_NOTE, FK_NOTE_CPU0, FK_NOTE_CPU0, 0, FK_NOTE_SEG);
	fk_phdr(h + 120, ELF_PT_NOTE, FK_NOTE_CPU1, FK_NOTE_CPU1, 0, FK_NOTE_SEG);
	fk_phdr(h + 176, ELF_PT_NOTE, FK_VMCI, FK_VMCI, 0, vl);
	for (int i = 0; i < 3; i++)
		fk_phdr(h + 232 + 56 * i, ELF_PT_LOAD, fk_ranges[i][2],
			fk_ranges[i][0], FK_PAGE_OFFSET + fk_ranges[i][0],
			fk_ranges[i][1]);
	return 64 + 6 * 56;
}

static inline struct physmem fk_physmem(struct fake_phys *f)
{
	struct physmem m = { fake_map, f };

	return m;
}

/* ---- a clock the RAM disk moves ---- */
static inline uint64_t fk_clock_now(void *ctx)
{
	return *(uint64_t *)ctx;
}

/* ---- RAM disk: the log says 'H'/'h' for the header written at LBA 0
 * incomplete/complete (e_flags), 'W' for other writes, 'S' for syncs ---- */
static inline char rd_dump_mark(const struct ramdisk *r, const struct blk_req *q)
{
	uint32_t fl;

	if (q->lba != 0)
		return 'W';
	memcpy(&fl, r->data + 48, 4);
	return fl ? 'H' : 'h';
}

/* The dump LUN: the RAM disk's door with the dump's log marks. */
static inline struct blk_dev *rd_bw(struct ramdisk *r, uint32_t max_blocks, unsigned depth)
{
	r->write_mark = rd_dump_mark;
	return rd_dev(r, max_blocks, depth);
}

#endif
