/* tools/common/vmfile.c - physical pages of a vmcore file: ELF PT_LOAD
 * ranges, or the kdump-compressed bitmaps, page descriptors and LZO
 * pages; a few pages cached. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lzo/lzo1x.h>
#include "tools/common/vmfile.h"
#include "tools/common/kdump_info.h"
#include "dump/kdump_format.h"
#include "dump/vmcore.h"
#include "lib/err.h"

#define RANK_BITS 4096u
#define BM_MAX    (256ull << 20)

static int rd(int fd, void *p, size_t n, uint64_t off)
{
	return pread(fd, p, n, (off_t)off) == (ssize_t)n ? 0 : LL_EIO;
}

static int open_elf(struct vmfile *vf)
{
	static uint8_t hdr[VMCORE_HDR_MAX];
	ssize_t got = pread(vf->fd, hdr, sizeof(hdr), 0);
	int rc;

	if (got < 0)
		return LL_EIO;
	rc = vmcore_read(hdr, (size_t)got, &vf->vi);
	if (rc)
		return rc;
	vf->vmci_len = vf->vi.vmcoreinfo_len;
	vf->vmci = malloc(vf->vmci_len + 1);
	if (!vf->vmci)
		return LL_ENOMEM;
	memcpy(vf->vmci, hdr + vf->vi.vmcoreinfo_off, vf->vmci_len);
	return 0;
}

static int open_kdump(struct vmfile *vf, const struct kdump_info *ki)
{
	uint64_t half = (uint64_t)ki->bitmap_blocks / 2 * ki->block_size;
	uint64_t bm = (1ull + ki->sub_blocks) * ki->block_size, n = 0;

	if (ki->block_size != VF_PAGE || half > BM_MAX || ki->vmci_len > (1u << 20))
		return LL_EPROTO;
	vf->kdump = 1;
	vf->nbits = half * 8;
	vf->desc_off = bm + 2 * half;
	vf->ram_bm = malloc(half);
	vf->dump_bm = malloc(half);
	vf->rank = malloc((vf->nbits / RANK_BITS + 1) * sizeof(uint64_t));
	vf->vmci = malloc(ki->vmci_len + 1);
	vf->vmci_len = ki->vmci_len;
	if (!vf->ram_bm || !vf->dump_bm || !vf->rank || !vf->vmci)
		return LL_ENOMEM;
	if (rd(vf->fd, vf->ram_bm, half, bm) || rd(vf->fd, vf->dump_bm, half, bm + half) ||
	    rd(vf->fd, vf->vmci, vf->vmci_len, ki->vmci_off))
		return LL_EIO;
	for (uint64_t b = 0; b < vf->nbits; b += 8) {
		if (!(b % RANK_BITS))
			vf->rank[b / RANK_BITS] = n;
		n += (uint64_t)__builtin_popcount(vf->dump_bm[b / 8]);
	}
	return 0;
}

int vmfile_open(struct vmfile *vf, int fd)
{
	static struct kdump_info ki;
	int rc;

	memset(vf, 0, sizeof(*vf));
	vf->fd = fd;
	rc = kdump_info_read(fd, &ki);
	if (!rc)
		rc = open_kdump(vf, &ki);
	else if (rc == LL_ENOENT)
		rc = open_elf(vf);
	if (rc)
		vmfile_close(vf);
	else
		vf->vmci[vf->vmci_len] = 0;
	return rc;
}

static int bit(const uint8_t *bm, uint64_t i)
{
	return (bm[i / 8] >> (i % 8)) & 1;
}

/* The kdump page pfn into buf; LL_ENOENT when not in the dump. */
static int kdump_page(struct vmfile *vf, uint64_t pfn, uint8_t *buf)
{
	uint64_t idx, off;
	uint8_t d[KD_DESC_SIZE];
	uint32_t size, fl;
	lzo_uint out = VF_PAGE;

	if (pfn >= vf->nbits || !bit(vf->ram_bm, pfn))
		return LL_ENOENT;
	if (!bit(vf->dump_bm, pfn)) {
		memset(buf, 0, VF_PAGE);             /* filtered out */
		return 0;
	}
	idx = vf->rank[pfn / RANK_BITS];
	for (uint64_t b = pfn / RANK_BITS * RANK_BITS; b < pfn; b++)
		idx += (uint64_t)bit(vf->dump_bm, b);
	if (rd(vf->fd, d, sizeof(d), vf->desc_off + idx * KD_DESC_SIZE))
		return LL_EIO;
	off = kd_get64(d, 0);
	size = kd_get32(d, 8);
	fl = kd_get32(d, 12);
	if (!fl)
		return size == VF_PAGE ? rd(vf->fd, buf, VF_PAGE, off) : LL_EPROTO;
	if (fl != KD_COMPRESSED_LZO || !size || size > VF_PAGE)
		return LL_ENOTSUP;
	if (rd(vf->fd, vf->cbuf, size, off))
		return LL_EIO;
	if (lzo1x_decompress_safe(vf->cbuf, size, buf, &out, NULL) != LZO_E_OK ||
	    out != VF_PAGE)
		return LL_EPROTO;
	return 0;
}

/* The ELF page pfn: the parts ranges cover, zeroes between. */
static int elf_page(struct vmfile *vf, uint64_t pfn, uint8_t *buf)
{
	uint64_t lo = pfn * VF_PAGE, hi = lo + VF_PAGE;
	int found = 0;

	memset(buf, 0, VF_PAGE);
	for (unsigned i = 0; i < vf->vi.n_range; i++) {
		const struct vmcore_info_range *r = &vf->vi.range[i];
		uint64_t a = r->paddr > lo ? r->paddr : lo;
		uint64_t b = r->paddr + r->size < hi ? r->paddr + r->size : hi;

		if (a >= b)
			continue;
		if (rd(vf->fd, buf + (a - lo), b - a, r->file_off + (a - r->paddr)))
			return LL_EIO;
		found = 1;
	}
	return found ? 0 : LL_ENOENT;
}

static const void *vf_map(void *ctx, uint64_t paddr, uint64_t len)
{
	struct vmfile *vf = ctx;
	uint64_t pfn = paddr / VF_PAGE;
	unsigned s;

	if (!len || (paddr % VF_PAGE) + len > VF_PAGE)
		return NULL;
	for (s = 0; s < VF_SLOTS; s++)
		if (vf->tag[s] == pfn + 1)
			return vf->slot[s] + paddr % VF_PAGE;
	s = vf->next++ % VF_SLOTS;
	vf->tag[s] = 0;
	if (vf->kdump ? kdump_page(vf, pfn, vf->slot[s]) : elf_page(vf, pfn, vf->slot[s]))
		return NULL;
	vf->tag[s] = pfn + 1;
	return vf->slot[s] + paddr % VF_PAGE;
}

struct physmem vmfile_physmem(struct vmfile *vf)
{
	struct physmem m = { vf_map, vf };
	return m;
}

void vmfile_close(struct vmfile *vf)
{
	free(vf->ram_bm);
	free(vf->dump_bm);
	free(vf->rank);
	free(vf->vmci);
	vf->ram_bm = vf->dump_bm = NULL;
	vf->rank = NULL;
	vf->vmci = NULL;
}
