/* dump/kdump_hdr.c - builds the kdump-compressed main header and
 * sub-header (with the ELF notes and VMCOREINFO) into the header buffer. */
#include "dump/kdump_hdr.h"
#include "dump/elf_proto.h"
#include "dump/vmcoreinfo.h"
#include "lib/err.h"
#include "lib/mem.h"

/* Copy the CPU notes and then VMCOREINFO after the sub-header; where the
 * VMCOREINFO text landed goes to *vi_off / *vi_len (file offsets). */
static int put_notes(const struct ech_table *t, const struct physmem *mem,
		     uint8_t *buf, size_t cap, size_t *off, uint64_t *vi_off,
		     uint64_t *vi_len)
{
	const char *text;
	size_t tl;

	for (unsigned i = 0; i <= t->n_prstatus; i++) {
		const struct ech_note *n = i < t->n_prstatus ? &t->prstatus[i] :
						&t->vmcoreinfo;
		const void *src;

		if (!n->len)
			continue;
		if (n->len > cap - *off)
			return LL_EPROTO;
		src = physmem_map(mem, n->paddr, n->len);
		if (!src)
			return LL_EINVAL;
		memcpy(buf + *off, src, n->len);
		if (i == t->n_prstatus && !vmci_note_text(mem, n, &text, &tl)) {
			*vi_off = *off + (uint64_t)(text - (const char *)src);
			*vi_len = tl;
		}
		*off += n->len;
	}
	return 0;
}

/* The six utsname strings: from init_uts_ns when readable, else Linux /
 * OSRELEASE / x86_64. */
static void put_uts(struct pagefilter *pf, uint8_t *h)
{
	uint8_t *u = h + KDH_UTSNAME;
	const struct vmci *v = &pf->vi;

	if (vmci_has(v, VI_UTS) && vmci_has(v, VI_OFF_UTS) && pf->kv.mem &&
	    !kv_read(&pf->kv, v->uts + v->off_uts, u, 6 * KD_UTS_LEN)) {
		for (int i = 0; i < 6; i++)
			u[i * KD_UTS_LEN + KD_UTS_LEN - 1] = 0;
		return;
	}
	memset(u, 0, 6 * KD_UTS_LEN);
	memcpy(u, "Linux", 5);
	memcpy(u + 2 * KD_UTS_LEN, v->osrelease, ll_strlen(v->osrelease));
	memcpy(u + 4 * KD_UTS_LEN, "x86_64", 6);
}

int kd_build_header(const struct kd_hdr_in *in, uint8_t *buf, size_t cap,
		    uint32_t *sub_blocks)
{
	size_t off = KD_BLOCK + KDS_SIZE, end;
	uint64_t vi_off = 0, vi_len = 0;
	uint8_t *h = buf, *s = buf + KD_BLOCK;
	struct pagefilter *pf = in->pf;
	int rc;

	if (cap < 2 * KD_BLOCK)
		return LL_EMSGSIZE;
	memset(buf, 0, cap);
	rc = put_notes(pf->ech, pf->mem, buf, cap, &off, &vi_off, &vi_len);
	if (rc)
		return rc;
	end = (off + KD_BLOCK - 1) / KD_BLOCK * KD_BLOCK;
	if (end > cap)
		return LL_EPROTO;
	*sub_blocks = (uint32_t)(end / KD_BLOCK - 1);
	memcpy(h + KDH_SIGNATURE, KD_SIGNATURE, 8);
	kd_put32(h, KDH_VERSION, KD_HEADER_VERSION);
	put_uts(pf, h);
	kd_put64(h, KDH_TV_SEC, vmci_has(&pf->vi, VI_CRASHTIME) ? pf->vi.crashtime : 0);
	kd_put32(h, KDH_STATUS, in->codec | KD_INCOMPLETE);
	kd_put32(h, KDH_BLOCK_SIZE, KD_BLOCK);
	kd_put32(h, KDH_SUB_HDR_SIZE, *sub_blocks);
	kd_put32(h, KDH_BITMAP_BLOCKS, 2 * in->bm_blocks);
	kd_put32(h, KDH_MAX_MAPNR, in->max_pfn > UINT32_MAX ? UINT32_MAX :
				   (uint32_t)in->max_pfn);
	kd_put32(h, KDH_NR_CPUS, pf->ech->n_prstatus);
	kd_put64(s, KDS_PHYS_BASE, pf->vi.phys_base);
	kd_put32(s, KDS_DUMP_LEVEL, pf->level);
	kd_put64(s, KDS_END_PFN, in->max_pfn);
	kd_put64(s, KDS_OFF_VMCOREINFO, vi_len ? vi_off : 0);
	kd_put64(s, KDS_SIZE_VMCOREINFO, vi_len);
	kd_put64(s, KDS_OFF_NOTE, KD_BLOCK + KDS_SIZE);
	kd_put64(s, KDS_SIZE_NOTE, off - (KD_BLOCK + KDS_SIZE));
	kd_put64(s, KDS_END_PFN_64, in->max_pfn);
	kd_put64(s, KDS_MAX_MAPNR_64, in->max_pfn);
	return 0;
}

void kd_mark(uint8_t *hdr, int incomplete)
{
	uint32_t st = kd_get32(hdr, KDH_STATUS) & ~KD_INCOMPLETE;

	kd_put32(hdr, KDH_STATUS, st | (incomplete ? KD_INCOMPLETE : 0));
}
