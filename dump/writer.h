/* dump/writer.h - the streaming dump: the vmcore header (marked incomplete)
 * to LBA 0, every RAM range straight from memory with many large writes in
 * flight, SYNCHRONIZE CACHE, the header rewritten complete, sync again. It
 * allocates nothing: everything lives in struct dump_work, reserved up
 * front by the caller. Writes are asynchronous block requests (block/blk.h)
 * submitted and polled here directly. */
#ifndef DUMP_WRITER_H
#define DUMP_WRITER_H
#include <stddef.h>
#include <stdint.h>
#include "dump/elfcorehdr.h"
#include "dump/physmem.h"
#include "dump/vmcore.h"
#include "block/blk.h"
#include "lib/clock.h"

#define DUMP_MAX_DEPTH    16     /* writes in flight, at most */
#define DUMP_BLOCK_MAX    4096   /* largest block size supported */

/* One write in flight: a block request on the dump LUN and the range
 * data it carries. */
struct dump_io {
	struct blk_req req;
	uint64_t acct;        /* data bytes this write carries */
	int queued;           /* submitted, not yet reaped */
	int held;             /* taken by a stream (dump_io_take) */
};

struct dump_opts {
	uint64_t max_bytes;       /* dump-max-mib in bytes; 0: all RAM */
	uint32_t chunk_bytes;     /* bytes per write; 0: DUMP_CHUNK_DEFAULT */
	unsigned depth;           /* writes in flight; 0: DUMP_DEPTH_DEFAULT */
	uint64_t io_timeout_us;   /* no write finishing this long: LL_ETIMEDOUT
				   * (time the disk spends in an outage, which
				   * its own outage limit bounds, not counted) */
	uint64_t sync_timeout_us;
	uint64_t progress_us;     /* a progress line at most this often */
};
#define DUMP_CHUNK_DEFAULT     (256u * 1024)
#define DUMP_DEPTH_DEFAULT     8
#define DUMP_IO_TIMEOUT_US     (60ull * 1000000)
#define DUMP_SYNC_TIMEOUT_US   (120ull * 1000000)
#define DUMP_PROGRESS_US       1000000ull

struct dump_ctx;

/* Reserved before the crash (static in the crash flow). */
struct dump_work {
	uint8_t hdr[VMCORE_HDR_MAX];
	uint8_t tail[DUMP_MAX_DEPTH][DUMP_BLOCK_MAX]; /* a range's last block */
	struct dump_io io[DUMP_MAX_DEPTH];
	struct vmcore_layout layout;
	/* state of the run, readable afterwards */
	unsigned depth;
	uint32_t chunk;
	uint64_t bytes_done;      /* range data acknowledged by the disk */
	uint64_t t_start, t_last_done, t_last_print, t_end;
	uint64_t outage_last_done; /* blk_outage_us at t_last_done */
	unsigned max_inflight;    /* most writes seen in flight */
	unsigned writes;          /* writes submitted */
	int error;
	/* NULL: the ELF progress line; else the writer's own (kdump) */
	void (*progress)(const struct dump_ctx *c, char *line, size_t cap);
	void *progress_ctx;
};

struct dump_ctx {
	const struct ech_table *ech;      /* from ech_parse() */
	struct blk_dev *dev;              /* the dump LUN: block size a power
					   * of two, 512..DUMP_BLOCK_MAX */
	const struct physmem *mem;
	const struct ll_clock *clock;
	struct dump_opts opts;
	struct dump_work *work;
};

/* The progress line "dump: 512/1024 MiB, 85.3 MiB/s, ETA 6 s" (rate and
 * ETA left out before the first KiB and the first millisecond), integer
 * math only. Returns the length as ll_snprintf does. */
int dump_progress_format(char *buf, size_t cap, uint64_t done, uint64_t total,
			 uint64_t elapsed_us);

/* Defaults for every option (all RAM, 8 x 256 KiB, 60 s, 120 s, 1 s). */
void dump_opts_init(struct dump_opts *o);

/* Write the whole dump; 0 once the header on disk says complete. On any
 * error the header stays incomplete (e_flags 1) and the error is returned
 * and printed: LL_ERANGE for a dump LUN too small, LL_EINVAL for bad
 * arguments or unmappable memory, LL_ETIMEDOUT, or the disk's error. */
int dump_run(const struct dump_ctx *c);

/* The write engine the ELF and kdump writers share. Offsets and lengths
 * are bytes on the LUN; writes carry `acct` bytes into bytes_done. */
/* Effective depth and write size from the options and the disk. */
int dump_io_setup(const struct dump_ctx *c);
/* Queue len bytes at off (a block multiple), a partial last block zero
 * padded through a bounce buffer; p must stay unchanged until
 * dump_io_wait(c, 0). */
int dump_io_write(const struct dump_ctx *c, uint64_t off, const uint8_t *p,
		  uint32_t len, uint64_t acct);
/* Poll until at most limit writes are in flight; the first write error,
 * a poll error or LL_ETIMEDOUT. */
int dump_io_wait(const struct dump_ctx *c, unsigned limit);
/* Take a free slot for a stream to fill (held until dump_io_put). */
int dump_io_take(const struct dump_ctx *c, unsigned *slot);
/* Write buf (the slot's own buffer: block-multiple off and len) through
 * the held slot and release it. */
int dump_io_put(const struct dump_ctx *c, unsigned slot, uint64_t off,
		const void *buf, uint32_t len, uint64_t acct);
/* SYNCHRONIZE CACHE with the sync deadline. */
int dump_io_sync(const struct dump_ctx *c);
/* A progress line when one is due (now_too: at once). */
void dump_io_progress(const struct dump_ctx *c, int now_too);

#endif
