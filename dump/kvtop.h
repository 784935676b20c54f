/* dump/kvtop.h - reads the dead kernel's virtual memory: its own page
 * tables (init_top_pgt from VMCOREINFO, 4- or 5-level, 2 MiB and 1 GiB
 * pages) walked through physmem, with a one-page translation cache. */
#ifndef DUMP_KVTOP_H
#define DUMP_KVTOP_H
#include <stddef.h>
#include <stdint.h>
#include "dump/physmem.h"
#include "dump/vmcoreinfo.h"

#define KV_KERNEL_MAP  0xffffffff80000000ull  /* __START_KERNEL_map */

struct kvtop {
	const struct physmem *mem;
	uint64_t top;          /* physical address of the top table */
	unsigned levels;       /* 4 or 5 */
	uint64_t pte_mask;     /* physical address bits of an entry */
	uint64_t c_vpage, c_ppage;
	int c_valid;
	unsigned long long walks; /* table walks done (the cache missed) */
};

/* Set up from VMCOREINFO: init_top_pgt (or swapper_pg_dir) and phys_base
 * needed; LL_ENOENT when missing, LL_EINVAL when the top table is not
 * readable. */
int kv_init(struct kvtop *kv, const struct physmem *mem, const struct vmci *vi);

/* Physical address of vaddr; LL_ENOENT when not mapped or not canonical,
 * LL_EINVAL when a table cannot be read. */
int kv_to_phys(struct kvtop *kv, uint64_t vaddr, uint64_t *paddr);

/* Copy len bytes at vaddr (may cross pages) to dst; 0 or an error. */
int kv_read(struct kvtop *kv, uint64_t vaddr, void *dst, size_t len);

#endif
