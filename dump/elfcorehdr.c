/* dump/elfcorehdr.c - strict parser of the crashed kernel's ELF core
 * header (elfcorehdr=): ident and sizes checked, every PT_NOTE walked for
 * NT_PRSTATUS and VMCOREINFO notes, PT_LOAD ranges collected. */
#include "dump/elfcorehdr.h"
#include "dump/elf_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

static uint64_t align4(uint64_t v)
{
	return (v + (ELF_NOTE_ALIGN - 1)) & ~(uint64_t)(ELF_NOTE_ALIGN - 1);
}

static int check_ident(const struct elf64_ehdr *e)
{
	if (memcmp(e->e_ident, ELF_MAG, ELF_MAG_LEN) ||
	    e->e_ident[ELF_EI_CLASS] != ELF_CLASS64 ||
	    e->e_ident[ELF_EI_DATA] != ELF_DATA2LSB ||
	    e->e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return LL_EPROTO;
	if (e->e_type != ELF_ET_CORE || e->e_machine != ELF_EM_X86_64 ||
	    e->e_version != ELF_EV_CURRENT || e->e_ehsize != ELF64_EHDR_SIZE ||
	    e->e_phentsize != ELF64_PHDR_SIZE)
		return LL_EPROTO;
	if (e->e_phnum == 0 || e->e_phnum == ELF_PN_XNUM ||
	    e->e_phnum > ECH_MAX_PHDRS || e->e_phoff < ELF64_EHDR_SIZE)
		return LL_EPROTO;
	return 0;
}

/* The note at p (avail bytes left in its segment): its whole length, 0
 * for the zero terminator, LL_EPROTO when it runs past the segment. */
static int64_t note_len(const uint8_t *p, uint64_t avail)
{
	struct elf64_nhdr n;
	uint64_t len;

	memcpy(&n, p, sizeof(n));
	if (n.n_namesz == 0 && n.n_descsz == 0)
		return 0;
	len = ELF64_NHDR_SIZE + align4(n.n_namesz) + align4(n.n_descsz);
	if (len > avail || len > ECH_MAX_NOTE)
		return LL_EPROTO;
	return (int64_t)len;
}

static int name_is(const uint8_t *note, const char *name)
{
	uint32_t namesz;
	size_t n = strlen(name);

	memcpy(&namesz, note, sizeof(namesz));
	if (namesz != n + 1 && namesz != n)
		return 0;
	if (memcmp(note + ELF64_NHDR_SIZE, name, n))
		return 0;
	return namesz == n || note[ELF64_NHDR_SIZE + n] == 0;
}

static void keep_note(struct ech_table *t, const uint8_t *note,
		      uint64_t paddr, uint32_t len)
{
	uint32_t type;

	memcpy(&type, note + 8, sizeof(type));
	if (name_is(note, "VMCOREINFO") && t->vmcoreinfo.len == 0) {
		t->vmcoreinfo.paddr = paddr;
		t->vmcoreinfo.len = len;
	} else if (type == ELF_NT_PRSTATUS && name_is(note, "CORE")) {
		if (t->n_prstatus < ECH_MAX_CPUS) {
			t->prstatus[t->n_prstatus].paddr = paddr;
			t->prstatus[t->n_prstatus].len = len;
			t->n_prstatus++;
		} else {
			t->drop_prstatus++;
		}
	} else {
		t->drop_othernote++;
	}
}

/* Walk one PT_NOTE segment up to its end or its zero terminator. */
static int walk_notes(struct ech_table *t, const struct physmem *mem,
		      const struct elf64_phdr *ph)
{
	const uint8_t *seg;
	uint64_t off = 0;

	if (ph->p_filesz > ECH_MAX_NOTESEG)
		return LL_EPROTO;
	seg = physmem_map(mem, ph->p_offset, ph->p_filesz);
	if (!seg && ph->p_filesz)
		return LL_EINVAL;
	while (ph->p_filesz - off >= ELF64_NHDR_SIZE) {
		int64_t len = note_len(seg + off, ph->p_filesz - off);

		if (len < 0)
			return (int)len;
		if (len == 0)
			break;
		keep_note(t, seg + off, ph->p_offset + off, (uint32_t)len);
		off += (uint64_t)len;
	}
	t->n_noteseg++;
	return 0;
}

static int add_load(struct ech_table *t, const struct elf64_phdr *ph)
{
	struct ech_load *l;

	if (ph->p_filesz != ph->p_memsz || ph->p_filesz > ECH_PHYS_LIMIT ||
	    ph->p_offset > ECH_PHYS_LIMIT - ph->p_filesz ||
	    ph->p_paddr > ECH_PHYS_LIMIT - ph->p_memsz)
		return LL_EPROTO;
	if (ph->p_filesz == 0) {
		t->drop_emptyload++;
		return 0;
	}
	if (t->n_load >= ECH_MAX_LOADS)
		return LL_ERANGE;
	l = &t->load[t->n_load++];
	l->paddr = ph->p_paddr;
	l->vaddr = ph->p_vaddr;
	l->src = ph->p_offset;
	l->size = ph->p_filesz;
	t->ram_bytes += l->size;
	return 0;
}

int ech_parse(struct ech_table *t, const struct physmem *mem, uint64_t addr,
	      uint64_t size)
{
	const uint8_t *base;
	struct elf64_ehdr e;
	uint64_t ph_end;
	int rc;

	memset(t, 0, sizeof(*t));
	if (size && size < ELF64_EHDR_SIZE)
		return LL_EPROTO;
	base = physmem_map(mem, addr, ELF64_EHDR_SIZE);
	if (!base)
		return LL_EINVAL;
	memcpy(&e, base, sizeof(e));
	rc = check_ident(&e);
	if (rc)
		return rc;
	if (e.e_phoff > UINT64_MAX - (uint64_t)e.e_phnum * ELF64_PHDR_SIZE)
		return LL_EPROTO;
	ph_end = e.e_phoff + (uint64_t)e.e_phnum * ELF64_PHDR_SIZE;
	if (size && ph_end > size)
		return LL_EPROTO;
	base = physmem_map(mem, addr, ph_end);
	if (!base)
		return LL_EINVAL;
	for (unsigned i = 0; i < e.e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, base + e.e_phoff + (uint64_t)i * ELF64_PHDR_SIZE,
		       sizeof(ph));
		if (ph.p_type == ELF_PT_NOTE)
			rc = walk_notes(t, mem, &ph);
		else if (ph.p_type == ELF_PT_LOAD)
			rc = add_load(t, &ph);
		else
			t->drop_phdr++;
		if (rc)
			return rc;
	}
	return 0;
}

/* One memparse-style number: base from its prefix, then a binary suffix. */
static int parse_mem(const char *s, const char **end, uint64_t *out)
{
	static const char suffixes[] = "KMGTPE";
	uint64_t v = 0;
	unsigned base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0')
		base = 8;
	for (;; s++, digits++) {
		unsigned d;
		char c = *s;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return LL_ERANGE;
		v = v * base + d;
	}
	if (!digits)
		return LL_EINVAL;
	for (unsigned i = 0; suffixes[i]; i++) {
		if (*s == suffixes[i] || *s == suffixes[i] + ('a' - 'A')) {
			unsigned shift = 10 * (i + 1);

			if (v > (UINT64_MAX >> shift))
				return LL_ERANGE;
			v <<= shift;
			s++;
			break;
		}
	}
	*end = s;
	*out = v;
	return 0;
}

static int word_end(char c)
{
	return c == 0 || c == ' ' || c == '\t' || c == '\n';
}

int ech_parse_arg(const char *val, uint64_t *addr, uint64_t *size)
{
	const char *p;
	uint64_t a, sz = 0;
	int rc;

	rc = parse_mem(val, &p, &a);
	if (rc)
		return rc;
	if (*p == '@') {
		sz = a;
		rc = parse_mem(p + 1, &p, &a);
		if (rc)
			return rc;
	}
	if (!word_end(*p))
		return LL_EINVAL;
	*addr = a;
	*size = sz;
	return 0;
}

int ech_from_cmdline(const char *cmdline, uint64_t *addr, uint64_t *size)
{
	static const char key[] = "elfcorehdr=";
	const char *last = 0;

	for (const char *p = cmdline; *p; p++) {
		if ((p == cmdline || word_end(p[-1])) &&
		    !ll_strncmp(p, key, sizeof(key) - 1))
			last = p + sizeof(key) - 1;
	}
	if (!last)
		return LL_ENOENT;
	return ech_parse_arg(last, addr, size);
}
