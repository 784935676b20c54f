/* platform/efi/efi_iscsi_dp.h - the iSCSI device path node (UEFI spec,
 * "iSCSI Device Path": messaging type 3, subtype 19), which GNU-EFI 3.0.15
 * lacks. The target name follows the fixed part, not NUL-terminated. */
#ifndef PLATFORM_EFI_EFI_ISCSI_DP_H
#define PLATFORM_EFI_EFI_ISCSI_DP_H
#include <stdint.h>

#define LL_EFI_DP_MESSAGING        0x03
#define LL_EFI_DP_MSG_ISCSI        0x13
#define LL_EFI_DP_END              0x7f
#define LL_EFI_DP_END_ENTIRE       0xff
#define LL_EFI_ISCSI_PROTO_TCP     0
/* LoginOption bits. */
#define LL_EFI_ISCSI_HDR_DIGEST    0x0002  /* CRC32C on headers */
#define LL_EFI_ISCSI_DATA_DIGEST   0x0008  /* CRC32C on data */
#define LL_EFI_ISCSI_AUTH_NONE     0x0800  /* bit 11: no authentication */
#define LL_EFI_ISCSI_CHAP_UNI      0x1000  /* bit 12: one-way CHAP */

struct ll_efi_dp_hdr {
	uint8_t type, subtype;
	uint8_t length[2];                 /* little endian, whole node */
} __attribute__((packed));

struct ll_efi_dp_iscsi {
	struct ll_efi_dp_hdr hdr;
	uint16_t protocol;                 /* 0: TCP */
	uint16_t login_option;
	uint8_t lun[8];                    /* SAM LUN, wire order */
	uint16_t tpgt;
	/* CHAR8 target name[] follows */
} __attribute__((packed));
_Static_assert(sizeof(struct ll_efi_dp_iscsi) == 18, "iSCSI DP node size");

#endif
