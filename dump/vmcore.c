/* dump/vmcore.c - builds the ELF64 core header lifeline writes: ET_CORE for
 * x86-64, one PT_NOTE first (every CPU's notes merged with VMCOREINFO), one
 * PT_LOAD per RAM range at real, aligned file offsets. */
#include "dump/vmcore.h"
#include "dump/elf_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void put_ehdr(uint8_t *buf, unsigned phnum)
{
	struct elf64_ehdr e;

	memset(&e, 0, sizeof(e));
	memcpy(e.e_ident, ELF_MAG, ELF_MAG_LEN);
	e.e_ident[ELF_EI_CLASS] = ELF_CLASS64;
	e.e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	e.e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	e.e_ident[ELF_EI_OSABI] = ELF_OSABI_SYSV;
	e.e_type = ELF_ET_CORE;
	e.e_machine = ELF_EM_X86_64;
	e.e_version = ELF_EV_CURRENT;
	e.e_phoff = ELF64_EHDR_SIZE;
	e.e_flags = VMCORE_INCOMPLETE;
	e.e_ehsize = ELF64_EHDR_SIZE;
	e.e_phentsize = ELF64_PHDR_SIZE;
	e.e_phnum = (uint16_t)phnum;
	memcpy(buf, &e, sizeof(e));
}

static void put_phdr(uint8_t *buf, unsigned i, const struct elf64_phdr *ph)
{
	memcpy(buf + ELF64_EHDR_SIZE + (size_t)i * ELF64_PHDR_SIZE, ph,
	       sizeof(*ph));
}

/* Copy one note from memory to buf + *off; LL_EMSGSIZE / LL_EINVAL. */
static int copy_note(const struct physmem *mem, const struct ech_note *n,
		     uint8_t *buf, size_t cap, size_t *off)
{
	const void *src;

	if (n->len > cap - *off)
		return LL_EMSGSIZE;
	src = physmem_map(mem, n->paddr, n->len);
	if (!src)
		return LL_EINVAL;
	memcpy(buf + *off, src, n->len);
	*off += n->len;
	return 0;
}

static int put_notes(const struct ech_table *t, const struct physmem *mem,
		     uint8_t *buf, size_t cap, size_t *off)
{
	int rc;

	for (unsigned i = 0; i < t->n_prstatus; i++) {
		rc = copy_note(mem, &t->prstatus[i], buf, cap, off);
		if (rc)
			return rc;
	}
	if (t->vmcoreinfo.len)
		return copy_note(mem, &t->vmcoreinfo, buf, cap, off);
	return 0;
}

/* How many ranges (a prefix of the table) max_bytes keeps. */
static unsigned kept_ranges(const struct ech_table *t, uint64_t max_bytes)
{
	uint64_t sum = 0;
	unsigned n = 0;

	if (max_bytes == 0)
		return t->n_load;
	while (n < t->n_load && sum < max_bytes)
		sum += t->load[n++].size;
	return n;
}

/* Lay the ranges out after the header, keeping at most max_bytes. */
static void place_ranges(const struct ech_table *t, uint64_t max_bytes,
			 struct vmcore_layout *out)
{
	uint64_t off = out->data_start, left = max_bytes ? max_bytes : UINT64_MAX;

	out->n_range = 0;
	for (unsigned i = 0; i < t->n_load; i++) {
		struct vmcore_range *r = &out->range[out->n_range];
		uint64_t size = t->load[i].size;

		if (left == 0) {
			out->clipped++;
			continue;
		}
		if (size > left) {
			size = left;
			out->clipped++;
		}
		r->src = t->load[i].src;
		r->file_off = off;
		r->size = size;
		out->n_range++;
		out->data_bytes += size;
		out->file_end = off + size;
		off = align_up(off + size, VMCORE_ALIGN);
		left -= size;
	}
}

static void put_load_phdrs(const struct ech_table *t, uint8_t *buf,
			   const struct vmcore_layout *out)
{
	for (unsigned i = 0; i < out->n_range; i++) {
		struct elf64_phdr ph;

		memset(&ph, 0, sizeof(ph));
		ph.p_type = ELF_PT_LOAD;
		ph.p_flags = ELF_PF_R | ELF_PF_W | ELF_PF_X;
		ph.p_offset = out->range[i].file_off;
		ph.p_vaddr = t->load[i].vaddr;
		ph.p_paddr = t->load[i].paddr;
		ph.p_filesz = out->range[i].size;
		ph.p_memsz = out->range[i].size;
		ph.p_align = 0;
		put_phdr(buf, 1 + i, &ph);
	}
}

int vmcore_build(const struct ech_table *t, const struct physmem *mem,
		 uint64_t max_bytes, uint8_t *buf, size_t cap,
		 struct vmcore_layout *out)
{
	struct elf64_phdr note;
	size_t note_off, off;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cap > VMCORE_HDR_MAX)
		cap = VMCORE_HDR_MAX;
	note_off = ELF64_EHDR_SIZE +
		   (size_t)(kept_ranges(t, max_bytes) + 1) * ELF64_PHDR_SIZE;
	if (t->n_load > ECH_MAX_LOADS || note_off > cap)
		return LL_EMSGSIZE;
	memset(buf, 0, cap);
	off = note_off;
	rc = put_notes(t, mem, buf, cap, &off);
	if (rc)
		return rc;
	out->hdr_len = off;
	out->data_start = align_up(off, VMCORE_ALIGN);
	if (out->data_start > cap)
		return LL_EMSGSIZE;
	out->n_cpu = t->n_prstatus;
	out->has_vmcoreinfo = t->vmcoreinfo.len != 0;
	place_ranges(t, max_bytes, out);

	memset(&note, 0, sizeof(note));
	note.p_type = ELF_PT_NOTE;
	note.p_offset = note_off;
	note.p_filesz = off - note_off;
	note.p_memsz = note.p_filesz;
	put_ehdr(buf, 1 + out->n_range);
	put_phdr(buf, 0, &note);
	put_load_phdrs(t, buf, out);
	return 0;
}

void vmcore_mark(uint8_t *hdr, uint32_t flags)
{
	memcpy(hdr + offsetof(struct elf64_ehdr, e_flags), &flags, sizeof(flags));
}
