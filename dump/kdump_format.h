/* dump/kdump_format.h - the kdump-compressed (diskdump) file layout that
 * crash and makedumpfile read, from the format's description: field
 * offsets of the main header and sub-header, flag values, page
 * descriptor size. All multi-byte fields little-endian (x86-64). */
#ifndef DUMP_KDUMP_FORMAT_H
#define DUMP_KDUMP_FORMAT_H
#include <stddef.h>
#include <stdint.h>

/* Layout, in blocks of KD_BLOCK bytes (the page size):
 *   block 0                 main header
 *   blocks 1..sub           sub-header, then the ELF notes (CPU registers
 *                           and VMCOREINFO)
 *   next bitmap_blocks      bitmap 1 (page is RAM), then bitmap 2 (page
 *                           is in the dump), one bit per pfn, LSB first
 *   then                    one KD_DESC_SIZE descriptor per bitmap-2 bit,
 *                           in pfn order
 *   then (block aligned)    page data, each page compressed or raw */
#define KD_BLOCK            4096u
#define KD_SIGNATURE        "KDUMP   "
#define KD_HEADER_VERSION   6

/* main header field offsets */
#define KDH_SIGNATURE       0
#define KDH_VERSION         8
#define KDH_UTSNAME         12     /* 6 strings of KD_UTS_LEN */
#define KD_UTS_LEN          65
#define KDH_TV_SEC          408
#define KDH_TV_USEC         416
#define KDH_STATUS          424
#define KDH_BLOCK_SIZE      428
#define KDH_SUB_HDR_SIZE    432    /* blocks */
#define KDH_BITMAP_BLOCKS   436    /* both bitmaps */
#define KDH_MAX_MAPNR       440    /* 32-bit copy */
#define KDH_TOTAL_RAM       444
#define KDH_DEVICE_BLOCKS   448
#define KDH_WRITTEN_BLOCKS  452
#define KDH_CURRENT_CPU     456
#define KDH_NR_CPUS         460
#define KDH_SIZE            464

/* sub-header field offsets (from its block) */
#define KDS_PHYS_BASE       0
#define KDS_DUMP_LEVEL      8
#define KDS_SPLIT           12
#define KDS_START_PFN       16
#define KDS_END_PFN         24
#define KDS_OFF_VMCOREINFO  32
#define KDS_SIZE_VMCOREINFO 40
#define KDS_OFF_NOTE        48
#define KDS_SIZE_NOTE       56
#define KDS_OFF_ERASEINFO   64
#define KDS_SIZE_ERASEINFO  72
#define KDS_START_PFN_64    80
#define KDS_END_PFN_64      88
#define KDS_MAX_MAPNR_64    96
#define KDS_SIZE            104

/* status flags (main header) and page descriptor flags */
#define KD_COMPRESSED_ZLIB   0x1u
#define KD_COMPRESSED_LZO    0x2u
#define KD_COMPRESSED_SNAPPY 0x4u
#define KD_INCOMPLETE        0x8u
#define KD_COMPRESSED_ZSTD   0x20u

/* page descriptor: offset u64, size u32, flags u32, page_flags u64 */
#define KD_DESC_SIZE        24

static inline void kd_put32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static inline void kd_put64(uint8_t *p, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t kd_get32(const uint8_t *p, size_t off)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[off + i];
	return v;
}

static inline uint64_t kd_get64(const uint8_t *p, size_t off)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[off + i];
	return v;
}

#endif
