/* boot/e820_proto.h - INT 15h memory-size spec facts: E820 (ACPI address
 * range descriptors), E801 and AH=88h. No logic here. */
#ifndef BOOT_E820_PROTO_H
#define BOOT_E820_PROTO_H
#include <stdint.h>

#define E820_FUNC        0xE820u  /* AX */
#define E801_FUNC        0xE801u  /* AX */
#define INT15_EXTMEM_88  0x88u    /* AH */
#define E820_SMAP        0x534D4150u /* 'SMAP' in EDX in, EAX out */

/* Address range types (ACPI). */
#define E820_RAM         1
#define E820_RESERVED    2
#define E820_ACPI        3
#define E820_NVS         4
#define E820_UNUSABLE    5

/* Descriptor at ES:DI: 20 bytes, or 24 with ACPI 3.0 extended attributes
 * (bit 0: entry valid; an entry with it clear is to be ignored). */
struct e820_desc {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t ext_attr;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_desc) == 24, "E820 descriptor");
#define E820_DESC_MIN    20
#define E820_DESC_EXT    24
#define E820_ATTR_VALID  0x1u

/* E801: AX/CX = KiB between 1 MiB and 16 MiB (max 15360), BX/DX = 64 KiB
 * blocks above 16 MiB. AH=88h: AX = KiB above 1 MiB. */
#define E801_MAX_LOW_KB  15360u

#endif
