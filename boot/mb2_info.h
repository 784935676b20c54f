/* boot/mb2_info.h - the Multiboot2 boot information GRUB hands lifeline.elf
 * (spec 3.6): one bounded parser for every entry that reads it. */
#ifndef BOOT_MB2_INFO_H
#define BOOT_MB2_INFO_H
#include <stddef.h>
#include <stdint.h>

/* Tag types (spec 3.6.x). */
#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_MMAP     6
#define MB2_TAG_EFI64_ST 12
#define MB2_TAG_ACPI1    14
#define MB2_TAG_ACPI2    15
#define MB2_TAG_NETWORK  16
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOADBASE 21
/* A bound on total_size: GRUB's information is a few KiB (an EFI memory
 * map of a large machine ~16 KiB); more is taken as damage. */
#define MB2_INFO_MAX     (1u << 20)
#define MB2_RSDP1_LEN    20
#define MB2_RSDP2_LEN    36

/* What the tags say; pointers point into the information. NULL / 0 for a
 * tag that is absent. */
struct mb2_info {
	uint32_t total;             /* total_size */
	const char *cmdline;        /* tag 1, NUL-terminated inside the tag */
	const uint8_t *mmap;        /* tag 6: the first entry */
	uint32_t mmap_esize, mmap_n;
	const uint8_t *rsdp;        /* tag 15 if present, else 14: the copy */
	uint32_t rsdp_len;
	unsigned rsdp_rev;          /* 1 or 2 */
	/* tag 16: the loader's DHCPACK. GRUB writes one per network
	 * interface that has one, its most recently configured first (e.g.
	 * `net_bootp`'s before the PXE ROM's): the first is kept. */
	const uint8_t *ack;
	uint32_t ack_len;
	uint32_t n_ack;             /* how many tags 16 there were */
	uint64_t efi_st, efi_ih;    /* tags 12, 20 */
	uint32_t load_base;         /* tag 21 */
	int has_load_base;
};

/* Parse the information at info, of which at most avail bytes may be read
 * (the bound when the caller has no other: MB2_INFO_MAX). 0 when every tag
 * up to the end tag is whole. LL_EMB2INFO when total_size is short, beyond
 * avail, or a tag is truncated, overlong, lacks its fields (a command line
 * without its NUL, a memory map with a bad entry size...) or the end tag is
 * missing: parsing stops there, the tags before it stay in m. Nothing
 * outside [info, info + min(total, avail)) is read. */
int mb2_info_parse(const void *info, size_t avail, struct mb2_info *m);

/* Memory map entry i (i < m->mmap_n): base, length, type (1 RAM). */
void mb2_mmap_entry(const struct mb2_info *m, uint32_t i, uint64_t *base,
		    uint64_t *len, uint32_t *type);

#endif
