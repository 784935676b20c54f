/* dump/vmcoreinfo.c - table-driven reader of the VMCOREINFO text: each
 * known key fills one field of struct vmci and sets its present bit. */
#include "dump/vmcoreinfo.h"
#include "dump/elf_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

enum kind { HEX, DEC };

struct key {
	const char *name;
	enum kind kind;
	enum vmci_fact fact;
	size_t off;               /* of the uint64_t field in struct vmci */
};

#define K(n, k, f, fld) { n, k, f, offsetof(struct vmci, fld) }
static const struct key keys[] = {
	K("PAGESIZE", DEC, VI_PAGESIZE, pagesize),
	K("NUMBER(phys_base)", DEC, VI_PHYS_BASE, phys_base),
	K("SYMBOL(init_top_pgt)", HEX, VI_TOP_PGT, top_pgt),
	K("SYMBOL(swapper_pg_dir)", HEX, VI_SWAPPER_PGD, swapper_pgd),
	K("NUMBER(pgtable_l5_enabled)", DEC, VI_L5, l5),
	K("NUMBER(sme_mask)", DEC, VI_SME, sme_mask),
	K("SYMBOL(mem_section)", HEX, VI_MEMSEC, mem_section),
	K("LENGTH(mem_section)", DEC, VI_MEMSEC_LEN, memsec_len),
	K("SIZE(mem_section)", DEC, VI_MEMSEC_SIZE, memsec_size),
	K("OFFSET(mem_section.section_mem_map)", DEC, VI_MEMSEC_MAP, off_secmap),
	K("NUMBER(SECTION_SIZE_BITS)", DEC, VI_SECBITS, section_bits),
	K("SIZE(page)", DEC, VI_PAGE_SIZE, page_size),
	K("OFFSET(page.flags)", DEC, VI_OFF_FLAGS, off_flags),
	K("OFFSET(page.mapping)", DEC, VI_OFF_MAPPING, off_mapping),
	K("OFFSET(page._mapcount)", DEC, VI_OFF_MAPCOUNT, off_mapcount),
	K("OFFSET(page.private)", DEC, VI_OFF_PRIVATE, off_private),
	K("OFFSET(page.compound_head)", DEC, VI_OFF_HEAD, off_head),
	K("NUMBER(PG_lru)", DEC, VI_PG_LRU, pg_lru),
	K("NUMBER(PG_private)", DEC, VI_PG_PRIVATE, pg_private),
	K("NUMBER(PG_swapcache)", DEC, VI_PG_SWAPCACHE, pg_swapcache),
	K("NUMBER(PG_swapbacked)", DEC, VI_PG_SWAPBACKED, pg_swapbacked),
	K("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", DEC, VI_BUDDY, buddy),
	K("SYMBOL(init_uts_ns)", HEX, VI_UTS, uts),
	K("OFFSET(uts_namespace.name)", DEC, VI_OFF_UTS, off_uts),
	K("CRASHTIME", DEC, VI_CRASHTIME, crashtime),
};

/* A number of the given kind in [p, end): hex digits (no 0x, as the kernel
 * prints them) or a decimal with an optional '-' (kept two's complement).
 * 0 or LL_EINVAL (empty, stray character, overflow). */
static int parse_num(const char *p, const char *end, enum kind k, uint64_t *out)
{
	uint64_t v = 0, base = k == HEX ? 16 : 10;
	int neg = 0, d;

	if (k == DEC && p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end)
		return LL_EINVAL;
	for (; p < end; p++) {
		d = ll_hexval((unsigned char)*p);
		if (d < 0 || (uint64_t)d >= base || v > (UINT64_MAX - (uint64_t)d) / base)
			return LL_EINVAL;
		v = v * base + (uint64_t)d;
	}
	*out = neg ? (uint64_t)0 - v : v;
	return 0;
}

static void take_line(const char *p, const char *end, struct vmci *v)
{
	const char *eq = p;
	size_t kl;

	while (eq < end && *eq != '=')
		eq++;
	if (eq == end)
		return;
	kl = (size_t)(eq - p);
	if (kl == 9 && !memcmp(p, "OSRELEASE", 9)) {
		size_t n = (size_t)(end - eq - 1);
		if (n >= sizeof(v->osrelease))
			n = sizeof(v->osrelease) - 1;
		memcpy(v->osrelease, eq + 1, n);
		v->osrelease[n] = 0;
		v->have |= 1ull << VI_OSRELEASE;
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		uint64_t val;

		if (ll_strlen(k->name) != kl || memcmp(k->name, p, kl))
			continue;
		if (parse_num(eq + 1, end, k->kind, &val))
			return;
		memcpy((uint8_t *)v + k->off, &val, sizeof(val));
		v->have |= 1ull << k->fact;
		return;
	}
}

int vmci_parse(const char *text, size_t len, struct vmci *out)
{
	const char *p, *end;

	if (!out || (!text && len))
		return LL_EINVAL;
	memset(out, 0, sizeof(*out));
	p = text;
	end = text + len;
	while (p < end) {
		const char *nl = p;

		while (nl < end && *nl != '\n' && *nl != 0)
			nl++;
		take_line(p, nl, out);
		if (nl < end && *nl == 0)
			break;
		p = nl + 1;
	}
	return 0;
}

int vmci_note_text(const struct physmem *mem, const struct ech_note *n,
		   const char **text, size_t *len)
{
	const uint8_t *note;
	struct elf64_nhdr h;
	uint64_t name_pad, need;

	if (!n->len)
		return LL_ENOENT;
	if (n->len < ELF64_NHDR_SIZE)
		return LL_EPROTO;
	note = physmem_map(mem, n->paddr, n->len);
	if (!note)
		return LL_EINVAL;
	memcpy(&h, note, sizeof(h));
	name_pad = ((uint64_t)h.n_namesz + 3) & ~3ull;
	need = ELF64_NHDR_SIZE + name_pad + h.n_descsz;
	if (need > n->len)
		return LL_EPROTO;
	*text = (const char *)note + ELF64_NHDR_SIZE + name_pad;
	*len = h.n_descsz;
	return 0;
}
