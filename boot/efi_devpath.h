/* boot/efi_devpath.h - UEFI device paths as bytes: length of a path, the
 * LUN's path (the NIC's path + the spec's iSCSI node), a file path node
 * appended (for LoadImage), and whether one path starts with another. */
#ifndef BOOT_EFI_DEVPATH_H
#define BOOT_EFI_DEVPATH_H
#include <stddef.h>
#include <stdint.h>

/* Bytes of the path at p up to and including its End Entire node, at
 * most cap bytes read; LL_EPROTO for a node shorter than 4 bytes or no
 * end inside cap. */
long efi_dp_size(const void *p, size_t cap);

struct efi_dp_iscsi {
	uint8_t lun[8];             /* wire order */
	uint16_t tpgt;
	uint16_t login_option;      /* LL_EFI_ISCSI_* */
	const char *target;         /* the target's IQN */
};

struct iscsi_rootpath;
struct iscsi_params;
/* The node's fields for a logged-in LUN: the root path's LUN and target,
 * the TargetPortalGroupTag the target declared during the login, CHAP
 * when chap (a username was set), else no authentication. */
void efi_dp_iscsi_of(struct efi_dp_iscsi *n, const struct iscsi_rootpath *rp,
		     const struct iscsi_params *p, int chap);

/* out = nic path without its end + iSCSI node + End Entire. Returns the
 * length, or LL_EPROTO (bad nic path), LL_EMSGSIZE (cap too small or a
 * node over 64 KiB). */
long efi_dp_iscsi_build(void *out, size_t cap, const void *nic, size_t nic_cap,
			const struct efi_dp_iscsi *n);

/* out = dev path without its end + a media file path node holding path
 * (ASCII, '/' turned into '\') in UCS-2 + End Entire. Length or LL_E*. */
long efi_dp_file_build(void *out, size_t cap, const void *dev, size_t dev_cap,
		       const char *path);

/* 1 when path p begins with every node of prefix (its end excluded). */
int efi_dp_has_prefix(const void *p, size_t p_cap, const void *prefix,
		      size_t prefix_cap);

#endif
