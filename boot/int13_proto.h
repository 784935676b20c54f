/* boot/int13_proto.h - BIOS INT 13h spec structures (IBM BIOS, Phoenix EDD
 * 3.0, T13 EDD-4): function numbers, status codes, the EDD disk address
 * packet and the AH=48h drive parameter buffer. No logic here. */
#ifndef BOOT_INT13_PROTO_H
#define BOOT_INT13_PROTO_H
#include <stdint.h>

/* Functions (AH) served for our drive. */
#define INT13_RESET          0x00
#define INT13_STATUS         0x01
#define INT13_READ_CHS       0x02
#define INT13_WRITE_CHS      0x03
#define INT13_VERIFY_CHS     0x04
#define INT13_GET_PARAMS     0x08
#define INT13_GET_DISK_TYPE  0x15
#define INT13_EXT_CHECK      0x41
#define INT13_EXT_READ       0x42
#define INT13_EXT_WRITE      0x43
#define INT13_EXT_VERIFY     0x44
#define INT13_EXT_SEEK       0x47
#define INT13_EXT_PARAMS     0x48

/* Status codes (AH on return; CF set when non-zero). */
#define INT13_OK             0x00
#define INT13_E_BAD_COMMAND  0x01 /* invalid function or parameter */
#define INT13_E_ADDR_MARK    0x02
#define INT13_E_WRITE_PROT   0x03
#define INT13_E_NOT_FOUND    0x04 /* sector not found / beyond the end */
#define INT13_E_BOUNDARY     0x09 /* data boundary error */
#define INT13_E_MEDIA        0x0C
#define INT13_E_CONTROLLER   0x20
#define INT13_E_TIMEOUT      0x80 /* drive not ready / timed out */
#define INT13_E_UNDEFINED    0xBB

/* AH=15h: disk types returned in AH. */
#define INT13_TYPE_NONE      0x00
#define INT13_TYPE_FIXED     0x03

/* AH=41h: BX in and out, version in AH, support bitmap in CX. */
#define INT13_EXT_MAGIC_IN   0x55AA
#define INT13_EXT_MAGIC_OUT  0xAA55
#define INT13_EDD_VERSION_30 0x30
#define INT13_EXT_FIXED_ACCESS 0x0001 /* 42h 43h 44h 47h 48h */
#define INT13_EXT_LOCKING      0x0002 /* 45h 46h 48h 49h */
#define INT13_EXT_EDD          0x0004 /* 48h 4Eh: EDD support */

/* Disk address packet (DS:SI for 42h/43h/44h/47h). The 16-byte form ends
 * before dap_buf64; the 24-byte form (EDD 3.0) adds a 64-bit flat address,
 * used when dap_buf_seg:dap_buf_off is FFFF:FFFF. EDD 3.0/EDD-4 state a
 * block count of at most 127 (7Fh); on return the count is set to the
 * number of blocks transferred. */
struct int13_dap {
	uint8_t dap_size;        /* 0x10 or 0x18 */
	uint8_t dap_reserved;
	uint16_t dap_count;      /* blocks */
	uint16_t dap_buf_off;
	uint16_t dap_buf_seg;
	uint64_t dap_lba;
	uint64_t dap_buf64;      /* only in the 24-byte form */
} __attribute__((packed));
_Static_assert(sizeof(struct int13_dap) == 24, "EDD DAP is 24 bytes");
#define INT13_DAP_SIZE16     16
#define INT13_DAP_SIZE24     24
#define INT13_DAP_MAX_COUNT  127
#define INT13_DAP_FLAT_SEGOFF 0xFFFFu

/* AH=48h result buffer; the caller's dp_size says how much it takes:
 * 26 (EDD 1.x), 30 (2.x, + DPTE pointer), 66 (3.0, + device path). */
struct int13_drive_params {
	uint16_t dp_size;
	uint16_t dp_flags;
	uint32_t dp_cylinders;
	uint32_t dp_heads;
	uint32_t dp_spt;
	uint64_t dp_sectors;
	uint16_t dp_sector_size;
	/* EDD 2.x */
	uint16_t dp_dpte_off;
	uint16_t dp_dpte_seg;    /* FFFF:FFFF: no DPTE */
	/* EDD 3.0 */
	uint16_t dp_key;         /* 0xBEDD when device path info follows */
	uint8_t dp_path_len;     /* 36: from dp_key to dp_checksum */
	uint8_t dp_reserved1[3];
	char dp_host_bus[4];     /* "PCI " or "ISA " */
	char dp_iface_type[8];   /* "ATA     ", "SCSI    ", ... */
	uint8_t dp_iface_path[8];
	uint8_t dp_device_path[8];
	uint8_t dp_reserved2;
	uint8_t dp_checksum;     /* bytes dp_key..dp_checksum sum to 0 */
} __attribute__((packed));
_Static_assert(sizeof(struct int13_drive_params) == 66, "EDD 3.0 params");
#define INT13_DP_SIZE_V1     26
#define INT13_DP_SIZE_V2     30
#define INT13_DP_SIZE_V3     66
#define INT13_DP_KEY         0xBEDD
#define INT13_DP_PATH_LEN    36
/* dp_flags bits */
#define INT13_DP_DMA_BOUNDARY_OK 0x0001 /* DMA boundary errors handled */
#define INT13_DP_CHS_VALID       0x0002 /* geometry fields valid */

/* BIOS data area: number of hard disks at 40:75. */
#define BDA_HD_COUNT_LINEAR  0x475

#endif
