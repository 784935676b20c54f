/* dump/kvtop.c - x86-64 page table walk over the dead kernel's memory:
 * top level from init_top_pgt - __START_KERNEL_map + phys_base, then down
 * to a 4 KiB, 2 MiB or 1 GiB leaf. */
#include "dump/kvtop.h"
#include "lib/err.h"
#include "lib/mem.h"

#define PTE_PRESENT  1ull
#define PTE_PS       (1ull << 7)
#define PTE_ADDR     0x000ffffffffff000ull
#define PAGE_4K      4096ull

int kv_init(struct kvtop *kv, const struct physmem *mem, const struct vmci *vi)
{
	uint64_t sym;

	memset(kv, 0, sizeof(*kv));
	if (vmci_has(vi, VI_TOP_PGT))
		sym = vi->top_pgt;
	else if (vmci_has(vi, VI_SWAPPER_PGD))
		sym = vi->swapper_pgd;
	else
		return LL_ENOENT;
	if (!vmci_has(vi, VI_PHYS_BASE) || sym < KV_KERNEL_MAP)
		return LL_ENOENT;
	kv->mem = mem;
	kv->top = sym - KV_KERNEL_MAP + vi->phys_base;
	kv->levels = vmci_has(vi, VI_L5) && vi->l5 ? 5 : 4;
	kv->pte_mask = PTE_ADDR & ~(vmci_has(vi, VI_SME) ? vi->sme_mask : 0);
	if ((kv->top & (PAGE_4K - 1)) || !physmem_map(mem, kv->top, PAGE_4K))
		return LL_EINVAL;
	return 0;
}

static int canonical(uint64_t va, unsigned levels)
{
	unsigned bits = 12 + 9 * levels;            /* 48 or 57 */
	uint64_t top = va >> (bits - 1);

	return top == 0 || top == (UINT64_MAX >> (bits - 1));
}

static int read_entry(const struct kvtop *kv, uint64_t table, unsigned idx,
		      uint64_t *e)
{
	const void *p = physmem_map(kv->mem, table + idx * 8ull, 8);

	if (!p)
		return LL_EINVAL;
	memcpy(e, p, 8);
	return 0;
}

static int walk(struct kvtop *kv, uint64_t va, uint64_t *pa)
{
	uint64_t table = kv->top, e;

	kv->walks++;
	for (unsigned lvl = kv->levels; lvl >= 1; lvl--) {
		unsigned shift = 12 + 9 * (lvl - 1);
		int rc = read_entry(kv, table, (unsigned)((va >> shift) & 511), &e);

		if (rc)
			return rc;
		if (!(e & PTE_PRESENT))
			return LL_ENOENT;
		if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & PTE_PS))) {
			uint64_t size = 1ull << shift;
			uint64_t base = e & kv->pte_mask & ~(size - 1);

			*pa = base | (va & (size - 1));
			return 0;
		}
		table = e & kv->pte_mask;
	}
	return LL_ENOENT;
}

int kv_to_phys(struct kvtop *kv, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t vpage = vaddr & ~(PAGE_4K - 1), pa;
	int rc;

	if (!kv->mem || !canonical(vaddr, kv->levels))
		return LL_ENOENT;
	if (kv->c_valid && kv->c_vpage == vpage) {
		*paddr = kv->c_ppage | (vaddr & (PAGE_4K - 1));
		return 0;
	}
	rc = walk(kv, vpage, &pa);
	if (rc)
		return rc;
	kv->c_vpage = vpage;
	kv->c_ppage = pa;
	kv->c_valid = 1;
	*paddr = pa | (vaddr & (PAGE_4K - 1));
	return 0;
}

int kv_read(struct kvtop *kv, uint64_t vaddr, void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint64_t pa, n = PAGE_4K - (vaddr & (PAGE_4K - 1));
		const void *src;
		int rc = kv_to_phys(kv, vaddr, &pa);

		if (rc)
			return rc;
		if (n > len)
			n = len;
		src = physmem_map(kv->mem, pa, n);
		if (!src)
			return LL_EINVAL;
		memcpy(d, src, n);
		d += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}
