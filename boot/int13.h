/* boot/int13.h - the INT 13h disk service for the iSCSI drive: which
 * number it takes, how other drives are renumbered and passed through.
 * Every transfer is one blocking block request (block/blk_sync.h). */
#ifndef BOOT_INT13_H
#define BOOT_INT13_H
#include <stdint.h>
#include "platform/realmode.h"
#include "block/blk.h"
#include "boot/e820.h"
#include "boot/rmmem.h"

/* Synthesized geometry for CHS calls. */
struct int13_geom {
	uint32_t cylinders;       /* clamped to 1024 */
	uint32_t heads;           /* 255 */
	uint32_t spt;             /* 63 */
};
#define INT13_HEADS     255
#define INT13_SPT       63
#define INT13_MAX_CYL   1024

/* One INT 13h call waits at most this long for a disk that answers
 * nothing, plus the time the disk spends in an outage (blk_run keeps it
 * out; the device's outage limit, outage-limit=, bounds that). Longer
 * than the iSCSI per-command limit (30 s) so a target gone silent is
 * reset and waited for instead of failing the call. */
#define INT13_IO_TIMEOUT_US (60ull * 1000000)

struct int13_stats {
	uint32_t calls, chained, errors;
	uint32_t hidden_buffers;  /* refused: buffer in our hidden memory */
	uint32_t out_of_range;    /* refused: past the last block */
	/* Time of our drive's calls (us): inside lifeline's C handler, and
	 * from one call's return to the next call (the caller's code and
	 * the trips between real and long mode); a stats line every 64. */
	uint64_t inside_us, between_us, last_exit;
};

/* The INT 13h layer's one context. */
struct int13_ctx {
	struct blk_dev *dev;      /* the drive's block device */
	struct rm_mem mem;        /* seg:off -> pointer seam */
	uint8_t drive;            /* our number (0x80..) */
	uint8_t shift;            /* 1: drives >= drive were renumbered up */
	uint8_t hd_count;         /* hard disks, us included (BDA 40:75) */
	uint8_t replace;          /* set before setup: take over the drive at
				   * want_drive (a ROM's dead SAN drive of the
				   * same LUN) instead of shifting it up */
	uint8_t last_status;      /* for AH=01h */
	struct int13_geom geom;
	const struct e820_range *hide; /* our memory (hidden through E820): */
	unsigned n_hide;          /* no caller buffer may touch it */
	uint32_t old_vector;      /* previous INT 13h, for pass-through */
	void (*chain)(uint32_t old_vector, struct rm_regs *r); /* rm_chain */
	struct int13_stats st;
};

/* want_drive: 0x80.. to take that number (drives at and above it shift up
 * by one), or 0 for the next free number. Reads and increments the BDA
 * hard disk count at 40:75 through c->mem (set mem first). 0, or
 * LL_EINVAL when want_drive lies past the next free number, or
 * LL_ERANGE when 40:75 is not addressable or full. */
int int13_setup(struct int13_ctx *c, struct blk_dev *d, uint8_t want_drive);
/* A transfer as INT 13h makes it (bounds, INT13_IO_TIMEOUT_US), for the
 * flow's own reads (the MBR): 0, LL_ERANGE past the end, or the disk's
 * error. */
int int13_disk_io(struct int13_ctx *c, enum blk_op op, uint64_t lba,
		  uint32_t count, void *buf);
/* Serve one INT 13h call (the testable core of the hook). */
void int13_dispatch(struct int13_ctx *c, struct rm_regs *r);
/* The hook itself (rm_hook_fn): dispatches to the active context. */
void int13_activate(struct int13_ctx *c);
void int13_handler(struct rm_regs *r);

#endif
