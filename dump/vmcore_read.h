/* dump/vmcore_read.h - reads back the header of a vmcore lifeline wrote
 * (from the start of a dump LUN image): complete or not, CPUs, VMCOREINFO,
 * ranges. Used by tools/lifeline-dumpinfo and the tests. */
#ifndef DUMP_VMCORE_READ_H
#define DUMP_VMCORE_READ_H
#include <stddef.h>
#include <stdint.h>
#include "dump/elfcorehdr.h"

struct vmcore_info_range {
	uint64_t paddr, vaddr, file_off, size;
};

struct vmcore_info {
	uint32_t e_flags;            /* 0 complete, 1 (VMCORE_INCOMPLETE) not */
	uint64_t note_off, note_len;
	unsigned n_cpu;              /* NT_PRSTATUS notes */
	unsigned n_othernote;
	uint64_t vmcoreinfo_off;     /* the VMCOREINFO text in buf */
	uint32_t vmcoreinfo_len;     /* 0: none */
	unsigned n_range;
	struct vmcore_info_range range[ECH_MAX_LOADS];
	uint64_t data_bytes;
	uint64_t file_end;           /* end of the furthest range's data */
};

/* Parse the header in buf (the first len bytes of the image; reading
 * VMCORE_HDR_MAX bytes is always enough for lifeline's dumps). LL_ENOENT
 * when there is no ELF header at all; LL_EPROTO when it is not a core
 * file of this shape (ET_CORE x86-64, one PT_NOTE first, PT_LOADs). */
int vmcore_read(const uint8_t *buf, size_t len, struct vmcore_info *vi);

/* Copy the value of "KEY=value" from the VMCOREINFO text into out (NUL
 * terminated, cut to cap - 1). 0, LL_ENOENT, or LL_EINVAL for cap 0. */
int vmcore_info_get(const uint8_t *buf, const struct vmcore_info *vi,
		    const char *key, char *out, size_t cap);

#endif
