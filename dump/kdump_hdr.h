/* dump/kdump_hdr.h - the kdump-compressed main header and sub-header:
 * built into the header buffer (block 0, then the sub-header blocks with
 * the CPU notes and VMCOREINFO), marked incomplete until the end. */
#ifndef DUMP_KDUMP_HDR_H
#define DUMP_KDUMP_HDR_H
#include <stddef.h>
#include <stdint.h>
#include "dump/kdump_format.h"
#include "dump/pagefilter.h"

struct kd_hdr_in {
	struct pagefilter *pf;   /* ech, memory, VMCOREINFO, applied level */
	uint64_t max_pfn;
	uint32_t bm_blocks;      /* blocks of ONE bitmap */
	uint32_t codec;          /* KD_COMPRESSED_* of the status field */
};

/* Build into buf (cap bytes, >= 2 blocks); *sub_blocks is the sub-header
 * size in blocks. Marked KD_INCOMPLETE. LL_EPROTO when the notes do not
 * fit, LL_EINVAL when they cannot be mapped, LL_EMSGSIZE for a small buf. */
int kd_build_header(const struct kd_hdr_in *in, uint8_t *buf, size_t cap,
		    uint32_t *sub_blocks);

/* Set or clear KD_INCOMPLETE in a built header. */
void kd_mark(uint8_t *hdr, int incomplete);

#endif
