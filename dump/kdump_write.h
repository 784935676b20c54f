/* dump/kdump_write.h - the filtered, compressed dump: kdump-compressed
 * format (dump/kdump_format.h) written as two passes over the page filter
 * (bitmaps, then descriptors + page data), streamed through the shared
 * write engine (dump/writer.h). Pages compressed one by one with LZO1X-1
 * (Debian's liblzo2, linked in), raw where that does not shrink them. Every
 * buffer is in struct kdump_work, reserved before the crash. */
#ifndef DUMP_KDUMP_WRITE_H
#define DUMP_KDUMP_WRITE_H
#include <stdint.h>
#include "dump/kdump_format.h"
#include "dump/pagefilter.h"
#include "dump/writer.h"

#define KD_STAGE      (32u * 1024)    /* one stream buffer (per write slot) */
#define KD_LZO_WORK   (16384u * 8)    /* LZO1X_1_MEM_COMPRESS on LP64 */
#define KD_CBUF       (KD_BLOCK + KD_BLOCK / 16 + 64 + 3)
#define KD_WIN_PFNS   (KD_BLOCK * 8)  /* pfns per bitmap block */

/* A sequential region of the file being filled through held slots. */
struct kd_stream {
	uint64_t off;      /* file offset of the current buffer */
	unsigned slot;
	uint32_t fill;
	int have;          /* a slot is held */
};

struct kdump_work {
	uint8_t stage[DUMP_MAX_DEPTH][KD_STAGE];
	uint8_t lzo_work[KD_LZO_WORK] __attribute__((aligned(16)));
	uint8_t cbuf[KD_CBUF];
	uint8_t win1[KD_BLOCK], win2[KD_BLOCK];
	struct pagefilter pf;
	struct pf_stats st;
	struct kd_stream s[2];
	/* the layout and the run */
	uint64_t max_pfn;
	uint32_t sub_blocks, bm_blocks;   /* bm_blocks: one bitmap */
	uint64_t bm_off, desc_off, data_off, data_pos;
	uint64_t n_kept;                  /* bits in bitmap 2 */
	uint64_t n_desc, n_zero, n_raw;   /* written in pass 2 */
	uint64_t pages_done;              /* RAM pages visited in pass 2 */
	uint64_t zero_off;                /* the shared zero page, 0: none */
};

/* Write the dump at dump level `level` (DL_* bits) with c's LUN, memory and
 * options (max_bytes is not used: the filter decides). 0 once the header on
 * the LUN says complete; else the error, printed, and the header left
 * marked incomplete (KD_INCOMPLETE): LL_ERANGE when the LUN cannot hold
 * the worst case (every kept page raw), LL_EINVAL for bad arguments or
 * memory that cannot be mapped, LL_EPROTO when VMCOREINFO/notes do not fit
 * the header, the disk's errors. */
int kdump_run(const struct dump_ctx *c, unsigned level, struct kdump_work *kw);

#endif
