/* net/undi.h - the PXE ROM's API for a BIOS PXE boot: find it (!PXE or
 * PXENV+), take the DHCPACK the ROM already got, and drive the NIC through
 * UNDI as a netdev (open / transmit / ISR polling / close). All calls go
 * through arch/x86/realmode.h (rm_pxe_call); parameter blocks and frames
 * live in a base-memory work area (the bounce buffer by default). */
#ifndef NET_UNDI_H
#define NET_UNDI_H
#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"

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
	uint32_t calls, failures;      /* pxe_call counts */
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
/* Use another base-memory work area (at least UNDI_AREA_MIN bytes).
 * 0 or LL_EINVAL. */
int pxe_set_area(struct pxe_api *api, uint16_t seg, uint16_t off,
		 uint32_t size);
/* Byte sum of len bytes is zero (PXE structure checksums). */
int pxe_checksum_ok(const void *p, size_t len);

/* One API call with the parameter block at seg:off. 0 when AX says
 * success and the Status word is 0; else LL_EIO (the first failure of
 * each opcode is printed with its status). */
int pxe_call(struct pxe_api *api, uint16_t opcode, uint16_t seg, uint16_t off);

/* Copy the cached DHCPACK (GET_CACHED_INFO type 2, falling back to type 3,
 * the cached reply) into buf. Returns its length (>= 240: BOOTP header and
 * cookie) or LL_ENOENT / LL_EIO. Hand it to dhcp_use_ack. */
int pxe_get_cached_dhcpack(struct pxe_api *api, uint8_t *buf, size_t cap);

/* Work-area layout: parameter block, TX descriptors, TX frame slots. */
#define UNDI_PARAM_OFF   0x000
#define UNDI_PARAM_SIZE  0x100
#define UNDI_TBD_OFF     0x100
#define UNDI_TBD_STRIDE  0x50
#define UNDI_TX_SLOTS    4
#define UNDI_TXBUF_OFF   0x280
#define UNDI_TXBUF_STRIDE 0x600  /* 1536 >= NETDEV_FRAME_MAX */
#define UNDI_AREA_MIN    (UNDI_TXBUF_OFF + UNDI_TXBUF_STRIDE)

/* Flags for undi_init. */
#define UNDI_TX_BY_PROTOCOL 0x1 /* IPv4/ARP/RARP frames go out as P_IP /
				 * P_ARP / P_RARP with the header stripped
				 * (for ROMs that mishandle P_UNKNOWN) */
#define UNDI_POLL_NO_START  0x2 /* poll with PROCESS only, no ISR START
				 * (for ROMs whose START only works from a
				 * real interrupt) */

struct undi_counters {
	uint32_t tx_frames, tx_busy, tx_done, tx_errors;
	uint32_t rx_frames, rx_fragments;
	uint32_t rx_oversize;   /* FrameLength > NETDEV_FRAME_MAX */
	uint32_t rx_bad_frag;   /* fragment overruns its frame, or len 0 */
	uint32_t rx_partial;    /* frame abandoned before its last fragment */
	uint32_t isr_calls, isr_not_ours, isr_busy, isr_unknown;
	uint32_t tx_ungated;    /* ROM never reports TX completion */
};

/* The UNDI netdev: one per PXE ROM. nd is what net/ uses. */
struct undi {
	struct netdev nd;
	struct pxe_api *api;
	unsigned flags;
	unsigned tx_slots;      /* frame slots that fit the work area */
	unsigned tx_next;       /* slot for the next frame */
	unsigned tx_inflight;   /* sent, completion not yet seen */
	uint8_t tx_gate_off;    /* completions never come: do not wait */
	uint8_t opened;
	uint8_t isr_active;     /* in a PROCESS/GET_NEXT run: continue it */
	uint16_t rx_have, rx_expect;
	uint8_t rx_drop;        /* current frame is being discarded */
	struct undi_counters cnt;
	uint8_t rx_buf[NETDEV_FRAME_MAX];
};

/* Set up u as a netdev on api with UNDI_* flags; then nd.ops->open. */
void undi_init(struct undi *u, struct pxe_api *api, unsigned flags);
/* Without opening the adapter: end the base code's TFTP/UDP use and read
 * the MAC and MTU (GET_INFORMATION) into u->nd, for a caller that may
 * drive the NIC with its own driver instead. 0 or an error. */
int undi_identify(struct undi *u);

#endif
