/* tools/common/vmfile.h - a vmcore file (ELF or kdump-compressed, at
 * offset 0 of an image) as the dead system's physical memory and its
 * VMCOREINFO text, for host tools. Host only. */
#ifndef TOOLS_COMMON_VMFILE_H
#define TOOLS_COMMON_VMFILE_H
#include <stddef.h>
#include <stdint.h>
#include "dump/physmem.h"
#include "dump/vmcore_read.h"

#define VF_SLOTS 8
#define VF_PAGE  4096u

struct vmfile {
	int fd, kdump;
	struct vmcore_info vi;          /* ELF: the ranges */
	uint8_t *ram_bm, *dump_bm;      /* kdump: both bitmaps */
	uint64_t nbits, desc_off, *rank;
	char *vmci;
	size_t vmci_len;
	uint64_t tag[VF_SLOTS];         /* pfn + 1 of each slot; 0 empty */
	unsigned next;
	uint8_t slot[VF_SLOTS][VF_PAGE];
	uint8_t cbuf[VF_PAGE];
};

/* Open the vmcore in fd (kept open, not owned). 0; LL_ENOENT when there
 * is no vmcore; LL_EPROTO when its header does not hold together;
 * LL_ENOMEM; LL_EIO. */
int vmfile_open(struct vmfile *vf, int fd);

/* Its memory: map() serves ranges inside one 4 KiB page, from a small
 * cache (a pointer is good until VF_SLOTS more pages were mapped). Pages
 * filtered out of a kdump read as zeroes; pages not in it, NULL. */
struct physmem vmfile_physmem(struct vmfile *vf);

void vmfile_close(struct vmfile *vf);

#endif
