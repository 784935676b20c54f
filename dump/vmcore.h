/* dump/vmcore.h - the ELF vmcore lifeline writes: its header (one PT_NOTE
 * first, holding every CPU's NT_PRSTATUS and VMCOREINFO, then one PT_LOAD
 * per RAM range) and where each range's data goes in the file. */
#ifndef DUMP_VMCORE_H
#define DUMP_VMCORE_H
#include <stddef.h>
#include <stdint.h>
#include "dump/elfcorehdr.h"

/* On-disk layout, from LBA 0 of the dump LUN:
 *   0                ELF header (e_flags VMCORE_INCOMPLETE until the end)
 *   64               program headers: PT_NOTE, then PT_LOAD x n
 *   64 + 56 (n + 1)  the notes: NT_PRSTATUS per CPU, then VMCOREINFO
 *   data_start       (header rounded up to VMCORE_ALIGN) first range's data
 *   each range starts at a VMCORE_ALIGN boundary, in elfcorehdr order;
 *   the gap after a range is zero-filled up to the next block. */
#define VMCORE_HDR_MAX     65536  /* header + notes, rounded, at most */
#define VMCORE_ALIGN       4096   /* file offset of every range's data */
#define VMCORE_INCOMPLETE  1      /* e_flags while the dump is written */

struct vmcore_range {
	uint64_t src;       /* physical address holding the data */
	uint64_t file_off;  /* multiple of VMCORE_ALIGN */
	uint64_t size;
};

struct vmcore_layout {
	size_t hdr_len;        /* ELF header + phdrs + notes */
	uint64_t data_start;   /* hdr_len rounded up to VMCORE_ALIGN */
	unsigned n_range;
	struct vmcore_range range[ECH_MAX_LOADS];
	uint64_t data_bytes;   /* sum of range sizes */
	uint64_t file_end;     /* end of the last range's data */
	unsigned n_cpu;        /* NT_PRSTATUS notes in the PT_NOTE */
	int has_vmcoreinfo;
	unsigned clipped;      /* ranges shortened or left out by max_bytes */
};

/* Build the header into buf (cap >= VMCORE_HDR_MAX bytes; the bytes up to
 * data_start are written, zero padded) marked incomplete. max_bytes > 0
 * keeps only that much RAM (whole ranges first, then a part of one).
 * Returns 0, LL_EMSGSIZE when the header would not fit, LL_EINVAL when a
 * note cannot be mapped. */
int vmcore_build(const struct ech_table *t, const struct physmem *mem,
		 uint64_t max_bytes, uint8_t *buf, size_t cap,
		 struct vmcore_layout *out);

/* Set e_flags in a built header: VMCORE_INCOMPLETE or 0. */
void vmcore_mark(uint8_t *hdr, uint32_t flags);

#endif
