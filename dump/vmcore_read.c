/* dump/vmcore_read.c - validates a vmcore header read back from disk and
 * lists its notes and ranges; every offset is checked against the buffer. */
#include "dump/vmcore_read.h"
#include "dump/elf_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

static int check_ehdr(const struct elf64_ehdr *e, size_t len)
{
	uint64_t ph_end;

	if (e->e_ident[ELF_EI_CLASS] != ELF_CLASS64 ||
	    e->e_ident[ELF_EI_DATA] != ELF_DATA2LSB ||
	    e->e_type != ELF_ET_CORE || e->e_machine != ELF_EM_X86_64 ||
	    e->e_phentsize != ELF64_PHDR_SIZE || e->e_phnum < 1 ||
	    e->e_phnum > ECH_MAX_LOADS + 1 || e->e_phoff > len)
		return LL_EPROTO;
	ph_end = e->e_phoff + (uint64_t)e->e_phnum * ELF64_PHDR_SIZE;
	return ph_end > len ? LL_EPROTO : 0;
}

static int name_is(const uint8_t *n, uint32_t namesz, const char *name)
{
	size_t l = strlen(name);

	return (namesz == l + 1 || namesz == l) && !memcmp(n, name, l) &&
	       (namesz == l || n[l] == 0);
}

/* Walk the PT_NOTE: count CPUs, find VMCOREINFO. */
static int walk_notes(const uint8_t *buf, struct vmcore_info *vi)
{
	uint64_t off = 0, end = vi->note_len;

	while (end - off >= ELF64_NHDR_SIZE) {
		const uint8_t *p = buf + vi->note_off + off;
		struct elf64_nhdr n;
		uint64_t name_len, desc_len;

		memcpy(&n, p, sizeof(n));
		if (n.n_namesz == 0 && n.n_descsz == 0)
			break;
		name_len = align4(n.n_namesz);
		desc_len = align4(n.n_descsz);
		if (ELF64_NHDR_SIZE + name_len + desc_len > end - off)
			return LL_EPROTO;
		if (n.n_type == ELF_NT_PRSTATUS &&
		    name_is(p + ELF64_NHDR_SIZE, n.n_namesz, "CORE")) {
			vi->n_cpu++;
		} else if (!vi->vmcoreinfo_len &&
			   name_is(p + ELF64_NHDR_SIZE, n.n_namesz, "VMCOREINFO")) {
			vi->vmcoreinfo_off = vi->note_off + off + ELF64_NHDR_SIZE + name_len;
			vi->vmcoreinfo_len = n.n_descsz;
		} else {
			vi->n_othernote++;
		}
		off += ELF64_NHDR_SIZE + name_len + desc_len;
	}
	return 0;
}

static int add_range(struct vmcore_info *vi, const struct elf64_phdr *ph)
{
	struct vmcore_info_range *r = &vi->range[vi->n_range++];

	if (ph->p_filesz != ph->p_memsz ||
	    ph->p_offset + ph->p_filesz < ph->p_offset)
		return LL_EPROTO;
	r->paddr = ph->p_paddr;
	r->vaddr = ph->p_vaddr;
	r->file_off = ph->p_offset;
	r->size = ph->p_filesz;
	vi->data_bytes += r->size;
	if (r->file_off + r->size > vi->file_end)
		vi->file_end = r->file_off + r->size;
	return 0;
}

int vmcore_read(const uint8_t *buf, size_t len, struct vmcore_info *vi)
{
	struct elf64_ehdr e;
	struct elf64_phdr ph;
	int rc;

	memset(vi, 0, sizeof(*vi));
	if (len < ELF64_EHDR_SIZE || memcmp(buf, ELF_MAG, ELF_MAG_LEN))
		return LL_ENOENT;
	memcpy(&e, buf, sizeof(e));
	rc = check_ehdr(&e, len);
	if (rc)
		return rc;
	vi->e_flags = e.e_flags;
	memcpy(&ph, buf + e.e_phoff, sizeof(ph));
	if (ph.p_type != ELF_PT_NOTE || ph.p_offset > len ||
	    ph.p_filesz > len - ph.p_offset)
		return LL_EPROTO;
	vi->note_off = ph.p_offset;
	vi->note_len = ph.p_filesz;
	rc = walk_notes(buf, vi);
	for (unsigned i = 1; !rc && i < e.e_phnum; i++) {
		memcpy(&ph, buf + e.e_phoff + (uint64_t)i * ELF64_PHDR_SIZE,
		       sizeof(ph));
		if (ph.p_type != ELF_PT_LOAD)
			return LL_EPROTO;
		rc = add_range(vi, &ph);
	}
	if (!rc && vi->file_end < vi->note_off + vi->note_len)
		vi->file_end = vi->note_off + vi->note_len;
	return rc;
}

int vmcore_info_get(const uint8_t *buf, const struct vmcore_info *vi,
		    const char *key, char *out, size_t cap)
{
	const char *t = (const char *)buf + vi->vmcoreinfo_off;
	size_t n = vi->vmcoreinfo_len, kl = strlen(key), i = 0;

	if (!cap)
		return LL_EINVAL;
	while (i < n) {
		size_t e = i;

		while (e < n && t[e] != '\n' && t[e] != 0)
			e++;
		if (e - i > kl && !memcmp(t + i, key, kl) && t[i + kl] == '=') {
			size_t vl = e - i - kl - 1;

			if (vl > cap - 1)
				vl = cap - 1;
			memcpy(out, t + i + kl + 1, vl);
			out[vl] = 0;
			return 0;
		}
		i = e + 1;
	}
	return LL_ENOENT;
}
