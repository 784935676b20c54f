/* platform/rm_batch.h - the control block of one UNDI batch trip
 * (rm_undi_batch in platform/realmode.h): offsets shared by the real-mode
 * loop in arch/x86/stub.S and the UNDI driver, and the ring records. */
#ifndef PLATFORM_RM_BATCH_H
#define PLATFORM_RM_BATCH_H

/* One trip, all in real mode, everything in the block's segment:
 *  1. UNDI_TRANSMIT of the tx_n parameter blocks at tx_param +
 *     i * RB_TX_STRIDE, in order, stopping at the first that fails
 *     (tx_sent says how many went, tx_fail_ax the failing call's AX; its
 *     Status stays in its block).
 *  2. UNDI_ISR with the parameter block at isr_param: first isr_in (START:
 *     go on with PROCESS only when the answer is OURS; 0: no ISR at all),
 *     then GET_NEXT while the answers are TRANSMIT or RECEIVE, each one
 *     appended to the ring as a record (RECEIVE with its bytes). Before
 *     each call other than START: stop (isr_last = RB_LAST_MORE, the ROM's
 *     run still open) when rec_max records are in or the ring has less
 *     than RB_REC_ROOM bytes left. Any other answer ends the trip with it
 *     in isr_last; a failed call (AX or Status not 0) with RB_LAST_FAILED.
 * calls counts the ROM calls made. */
#define RB_ENTRY      0   /* u16 off, u16 seg: the PXE API entry */
#define RB_VIA_BANG   4   /* 1: !PXE (args on the stack); 0: PXENV+ */
#define RB_ISR_IN     6   /* 0, START, PROCESS or GET_NEXT */
#define RB_ISR_PARAM  8
#define RB_TX_N       10
#define RB_TX_PARAM   12
#define RB_RING_OFF   14
#define RB_RING_SIZE  16
#define RB_REC_MAX    18
#define RB_TX_SENT    20  /* out */
#define RB_TX_FAIL_AX 22  /* out */
#define RB_RING_USED  24  /* out */
#define RB_NREC       26  /* out */
#define RB_ISR_LAST   28  /* out */
#define RB_CALLS      30  /* out */
#define RB_SIZE       32

#define RB_TX_STRIDE  32  /* >= sizeof(struct pxenv_undi_transmit) */
#define RB_LAST_MORE   0xffff
#define RB_LAST_FAILED 0xfffe
#define RB_LAST_NOT_OURS 0xfffd /* driver side: START said not ours */

/* Ring record: a 16-byte header, then copied bytes, padded to 4. A
 * RECEIVE piece longer than RB_COPY_MAX, or one whose Frame.offset +
 * BufferLength passes the segment's end, is recorded with copied 0. */
#define RR_FLAG       0   /* FuncFlag: TRANSMIT or RECEIVE */
#define RR_BUFLEN     2
#define RR_FRAMELEN   4
#define RR_FOFF       6   /* the ROM's Frame.offset */
#define RR_FSEG       8
#define RR_PROT       10  /* ProtType, PktType */
#define RR_COPIED     12  /* bytes that follow the header */
#define RR_PAD        14
#define RR_HDR        16
#define RB_COPY_MAX   1520
#define RB_REC_ROOM   (RR_HDR + RB_COPY_MAX)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct rm_batch {
	uint16_t entry_off, entry_seg, via_bang, isr_in, isr_param;
	uint16_t tx_n, tx_param, ring_off, ring_size, rec_max;
	uint16_t tx_sent, tx_fail_ax, ring_used, nrec, isr_last, calls;
} __attribute__((packed));

struct rm_batch_rec {
	uint16_t flag, buflen, framelen, foff, fseg, prot, copied, pad;
} __attribute__((packed));

_Static_assert(sizeof(struct rm_batch) == RB_SIZE, "batch block");
_Static_assert(__builtin_offsetof(struct rm_batch, calls) == RB_CALLS,
	       "batch block");
_Static_assert(sizeof(struct rm_batch_rec) == RR_HDR, "batch record");

/* Bytes a record with copied bytes takes in the ring. */
static inline uint16_t rm_batch_rec_size(uint16_t copied)
{
	return (uint16_t)((RR_HDR + copied + 3u) & ~3u);
}
#endif

#endif
