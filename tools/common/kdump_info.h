/* tools/common/kdump_info.h - reads a kdump-compressed vmcore (at offset 0
 * of a file or dump LUN image) for lifeline-dumpinfo: header facts, pages
 * in the bitmaps and descriptors, where the file ends. Host only. */
#ifndef TOOLS_COMMON_KDUMP_INFO_H
#define TOOLS_COMMON_KDUMP_INFO_H
#include <stdint.h>

struct kdump_info {
	uint32_t status, block_size, sub_blocks, bitmap_blocks;
	int32_t nr_cpus, level;
	uint64_t max_mapnr;
	uint64_t pages_ram, pages_dumped, pages_zero, pages_lzo, pages_raw;
	uint64_t file_end;          /* furthest byte any part reaches */
	uint64_t vmci_off, vmci_len;
	char release[65];
};

/* 0; LL_ENOENT when there is no KDUMP signature at offset 0; LL_EPROTO for
 * a header whose sizes do not hold together; LL_EIO on a read error. */
int kdump_info_read(int fd, struct kdump_info *ki);

#endif
