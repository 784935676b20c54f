/* dump/writer.h - the streaming dump: the vmcore header (marked incomplete)
 * to LBA 0, every RAM range straight from memory with many large writes in
 * flight, SYNCHRONIZE CACHE, the header rewritten complete, sync again. It
 * allocates nothing: everything lives in struct dump_work, reserved up
 * front by the caller. */
#ifndef DUMP_WRITER_H
#define DUMP_WRITER_H
#include <stddef.h>
#include <stdint.h>
#include "dump/elfcorehdr.h"
#include "dump/physmem.h"
#include "dump/vmcore.h"
#include "lib/clock.h"

#define DUMP_MAX_DEPTH    16     /* writes in flight, at most */
#define DUMP_BLOCK_MAX    4096   /* largest block size supported */

/* One write in flight. The writer fills lba/count/buf; the block writer
 * calls dump_io_done() from its poll once the write has finished. */
struct dump_io {
	uint64_t lba;
	uint32_t count;       /* blocks */
	const void *buf;      /* count * block_size bytes, valid until done */
	unsigned slot;        /* 0..depth-1: lets the block writer find its own request */
	int busy;             /* 1 from write() until dump_io_done() */
	int result;           /* 0 or LL_E*, set by dump_io_done() */
	uint64_t acct;        /* private: data bytes this write carries */
	int queued;           /* private: submitted, not yet reaped */
};

static inline void dump_io_done(struct dump_io *io, int result)
{
	io->result = result;
	io->busy = 0;
}

/* The disk below: the dump LUN (iscsi/blockdev in firmware, a RAM disk in
 * tests). Every call returns 0 or LL_E*. */
struct dump_bw {
	uint32_t block_size;  /* power of two, 512..DUMP_BLOCK_MAX */
	uint64_t blocks;
	uint32_t max_blocks;  /* per write */
	unsigned depth;       /* writes it takes in flight */
	/* Queue one write (non-blocking). */
	int (*write)(void *ctx, struct dump_io *io);
	/* One step of progress; completions call dump_io_done(). A negative
	 * return is fatal (session lost for good). */
	int (*poll)(void *ctx);
	/* SYNCHRONIZE CACHE, blocking until deadline (clock microseconds). */
	int (*sync)(void *ctx, uint64_t deadline);
	/* Withdraw every write still in flight (the writer gives up); after
	 * it the block writer no longer touches their buffers. May be NULL
	 * when writes never outlive poll. */
	void (*cancel)(void *ctx, int err);
	void *ctx;
};

struct dump_opts {
	uint64_t max_bytes;       /* dump-max-mib in bytes; 0: all RAM */
	uint32_t chunk_bytes;     /* bytes per write; 0: DUMP_CHUNK_DEFAULT */
	unsigned depth;           /* writes in flight; 0: DUMP_DEPTH_DEFAULT */
	uint64_t io_timeout_us;   /* no write finishing this long: LL_ETIMEDOUT */
	uint64_t sync_timeout_us;
	uint64_t progress_us;     /* a progress line at most this often */
};
#define DUMP_CHUNK_DEFAULT     (256u * 1024)
#define DUMP_DEPTH_DEFAULT     8
#define DUMP_IO_TIMEOUT_US     (60ull * 1000000)
#define DUMP_SYNC_TIMEOUT_US   (120ull * 1000000)
#define DUMP_PROGRESS_US       1000000ull

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
	unsigned max_inflight;    /* most writes seen in flight */
	unsigned writes;          /* writes submitted */
	int error;
};

struct dump_ctx {
	const struct ech_table *ech;      /* from ech_parse() */
	const struct dump_bw *bw;
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

#endif
