/* drivers/pxe/pxe_api.h - the PXE ROM's API: find it (!PXE or PXENV+),
 * call it through platform/realmode.h (rm_pxe_call) with parameter blocks
 * in a base-memory work area, and copy out the cached DHCPACK. */
#ifndef DRIVERS_PXE_API_H
#define DRIVERS_PXE_API_H
#include <stddef.h>
#include <stdint.h>

/* Work-area layout shared with the UNDI driver: the parameter block first,
 * then room the driver uses for TX descriptors and frames (also scratch
 * for GET_CACHED_INFO, which runs before UNDI transmits). */
#define PXE_PARAM_OFF    0x000
#define PXE_PARAM_SIZE   0x100
#define PXE_SCRATCH_OFF  0x280
#define PXE_AREA_MIN     (PXE_SCRATCH_OFF + 0x600) /* one frame of scratch */

/* seg:off to a pointer the core can use. Firmware: rm_ptr (base memory is
 * identity mapped). Tests: a host array standing in for the first MiB. */
typedef void *(*pxe_rm_to_ptr_fn)(uint16_t seg, uint16_t off);

/* How the API was found; the one context of the PXE layer. */
struct pxe_api {
	uint16_t entry_seg, entry_off; /* far entry point used by pxe_call */
	uint8_t via_bang_pxe;          /* 1: !PXE EntryPointSP; 0: PXENV+ */
	uint8_t found_by_scan;         /* !PXE came from the memory scan */
	uint16_t pxenv_version;        /* PXENV+ Version, 0 if none valid */
	pxe_rm_to_ptr_fn to_ptr;
	/* Base-memory work area for parameter blocks and frames: must lie
	 * inside one segment (area_off + area_size <= 0x10000). */
	uint16_t area_seg, area_off;
	uint16_t area_size;
	uint32_t calls, failures;      /* ROM calls made, and failed */
	uint32_t trips;                /* trips to real mode (a call or a batch) */
	uint32_t printed[4];           /* opcodes whose failure was printed */
	uint16_t last_status;          /* Status word of the last failure */
};

/* Find the API from the PXENV+ pointer (ES:BX at entry) and the !PXE
 * pointer (far pointer on the stack at entry); either may be 0:0. Checks
 * signatures, lengths and checksums; prefers !PXE (directly or through
 * PXENV+.PXEPtr when Version >= 2.1), else PXENV+ RMEntry; when both are
 * bad, scans base memory from the 40:13 top of memory up to 0xA0000 for
 * !PXE on 16-byte boundaries. to_ptr NULL means rm_ptr. Sets the work
 * area to rm_bounce_seg():0 (up to 64 KiB). 0 or LL_ENODEV. */
int pxe_find_api(struct pxe_api *api, uint16_t pxenv_seg, uint16_t pxenv_off,
		 uint16_t bang_seg, uint16_t bang_off, pxe_rm_to_ptr_fn to_ptr);
/* Use another base-memory work area (at least PXE_AREA_MIN bytes).
 * 0 or LL_EINVAL. */
int pxe_set_area(struct pxe_api *api, uint16_t seg, uint16_t off,
		 uint32_t size);
/* Byte sum of len bytes is zero (PXE structure checksums). */
int pxe_checksum_ok(const void *p, size_t len);

/* One API call with the parameter block at seg:off. 0 when AX says
 * success and the Status word is 0; else LL_EIO (the first failure of
 * each opcode is printed with its status). */
int pxe_call(struct pxe_api *api, uint16_t opcode, uint16_t seg, uint16_t off);

/* One UNDI batch trip (platform/rm_batch.h) on the block at off in the
 * work area's segment: fills in the entry, runs it through rm_undi_batch,
 * counts the trip and its ROM calls. 0 or the door's error. */
int pxe_batch(struct pxe_api *api, uint16_t off);

/* Copy the cached DHCPACK (GET_CACHED_INFO type 2, falling back to type 3,
 * the cached reply) into buf. Returns its length (>= 240: BOOTP header and
 * cookie) or LL_ENOENT / LL_EIO. Hand it to dhcp_use_ack. */
int pxe_get_cached_dhcpack(struct pxe_api *api, uint8_t *buf, size_t cap);

/* The parameter block in the work area, zeroed for len bytes. */
void *pxe_param(struct pxe_api *api, size_t len);
/* pxe_call with the parameter block; the _quiet form prints nothing. */
int pxe_param_call(struct pxe_api *api, uint16_t opcode);
int pxe_param_call_quiet(struct pxe_api *api, uint16_t opcode);

#endif
