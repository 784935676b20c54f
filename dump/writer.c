/* dump/writer.c - streams the vmcore to the dump LUN: header first (marked
 * incomplete), RAM ranges from memory with up to depth large writes in
 * flight, sync, header marked complete, sync; progress on the console. */
#include "dump/writer.h"
#include "block/blk_sync.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define MIB (1024ull * 1024)

static void maybe_progress(const struct dump_ctx *c);
static int submit(const struct dump_ctx *c, struct dump_io *io, uint64_t lba,
		  uint32_t count, const void *buf, uint64_t acct);

static uint64_t now(const struct dump_ctx *c)
{
	return ll_now(c->clock);
}

int dump_progress_format(char *buf, size_t cap, uint64_t done, uint64_t total,
			 uint64_t elapsed_us)
{
	uint64_t ms = elapsed_us / 1000, kib = done >> 10;
	uint64_t rate10, eta;

	if (!kib || !ms || done > total)
		return ll_snprintf(buf, cap, "dump: %llu/%llu MiB",
				   (unsigned long long)(done / MIB),
				   (unsigned long long)(total / MIB));
	rate10 = kib * 10000000ull / (elapsed_us * 1024);
	eta = ((total - done) >> 10) * ms / kib / 1000;
	return ll_snprintf(buf, cap, "dump: %llu/%llu MiB, %llu.%llu MiB/s, ETA %llu s",
			   (unsigned long long)(done / MIB),
			   (unsigned long long)(total / MIB),
			   (unsigned long long)(rate10 / 10),
			   (unsigned long long)(rate10 % 10),
			   (unsigned long long)eta);
}

static void progress_line(const struct dump_ctx *c)
{
	struct dump_work *w = c->work;
	char line[128];
	uint64_t away = blk_outage_us(c->dev) / 1000000u;

	if (w->progress)
		w->progress(c, line, sizeof(line));
	else
		dump_progress_format(line, sizeof(line), w->bytes_done,
				     w->layout.data_bytes, now(c) - w->t_start);
	if (away)      /* the target went away and the dump waited for it */
		ll_printf("%s, target away %llu s\n", line, (unsigned long long)away);
	else
		ll_printf("%s\n", line);
	w->t_last_print = now(c);
}

void dump_io_progress(const struct dump_ctx *c, int now_too)
{
	if (now_too)
		progress_line(c);
	else
		maybe_progress(c);
}

static void maybe_progress(const struct dump_ctx *c)
{
	if (now(c) - c->work->t_last_print >= c->opts.progress_us)
		progress_line(c);
}

/* Account for finished writes; the first error sticks. */
static void reap(const struct dump_ctx *c)
{
	struct dump_work *w = c->work;

	for (unsigned i = 0; i < w->depth; i++) {
		struct dump_io *io = &w->io[i];

		if (!io->queued || io->req.busy)
			continue;
		io->queued = 0;
		w->t_last_done = now(c);
		w->outage_last_done = blk_outage_us(c->dev);
		if (io->req.result < 0 && !w->error)
			w->error = io->req.result;
		else if (io->req.result >= 0)
			w->bytes_done += io->acct;
	}
}

static unsigned inflight(const struct dump_work *w)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->depth; i++)
		n += w->io[i].queued != 0;
	return n;
}

/* No write finished for io_timeout_us, outage time not counted. */
static int stalled(const struct dump_ctx *c)
{
	const struct dump_work *w = c->work;
	uint64_t idle = now(c) - w->t_last_done;
	uint64_t away = blk_outage_us(c->dev) - w->outage_last_done;

	return idle - (away < idle ? away : idle) >= c->opts.io_timeout_us;
}

/* Poll until at most `limit` writes are in flight (limit 0: all done);
 * fails on a write error, a poll error, or io_timeout_us with no write
 * finishing. */
int dump_io_wait(const struct dump_ctx *c, unsigned limit)
{
	struct dump_work *w = c->work;

	for (;;) {
		int rc;

		reap(c);
		if (w->error)
			return w->error;
		if (inflight(w) <= limit)
			return 0;
		rc = blk_poll(c->dev, 0);  /* one step: the clock is ours */
		if (rc < 0)
			return rc;
		maybe_progress(c);
		if (stalled(c))
			return LL_ETIMEDOUT;
	}
}

/* A slot neither in flight nor held by a stream; waits (io_timeout_us
 * with no write finishing) when every slot is busy. */
static int free_io(const struct dump_ctx *c, struct dump_io **out)
{
	struct dump_work *w = c->work;

	for (;;) {
		int rc;

		reap(c);
		if (w->error)
			return w->error;
		for (unsigned i = 0; i < w->depth; i++) {
			if (!w->io[i].queued && !w->io[i].held) {
				*out = &w->io[i];
				return 0;
			}
		}
		rc = blk_poll(c->dev, 0);
		if (rc < 0)
			return rc;
		maybe_progress(c);
		if (stalled(c))
			return LL_ETIMEDOUT;
	}
}

int dump_io_take(const struct dump_ctx *c, unsigned *slot)
{
	struct dump_io *io;
	int rc = free_io(c, &io);

	if (rc)
		return rc;
	io->held = 1;
	*slot = (unsigned)(io - c->work->io);
	return 0;
}

int dump_io_put(const struct dump_ctx *c, unsigned slot, uint64_t off,
		const void *buf, uint32_t len, uint64_t acct)
{
	struct dump_io *io = &c->work->io[slot];
	uint32_t bs = c->dev->block_size;

	io->held = 0;
	if (!len)
		return 0;
	if ((off | len) & (bs - 1))
		return LL_EINVAL;
	return submit(c, io, off / bs, len / bs, buf, acct);
}

/* Queue one write of count blocks at lba from buf carrying acct data bytes. */
static int submit(const struct dump_ctx *c, struct dump_io *io, uint64_t lba,
		  uint32_t count, const void *buf, uint64_t acct)
{
	struct dump_work *w = c->work;
	int rc;

	memset(&io->req, 0, sizeof(io->req));
	io->req.op = BLK_WRITE;
	io->req.lba = lba;
	io->req.count = count;
	io->req.buf = (void *)(uintptr_t)buf; /* only read for a WRITE */
	io->acct = acct;
	rc = blk_submit(c->dev, &io->req);
	if (rc < 0)
		return rc;
	io->queued = 1;
	w->writes++;
	if (inflight(w) > w->max_inflight)
		w->max_inflight = inflight(w);
	return 0;
}

/* Write len bytes from p at byte offset off (a block multiple): whole
 * blocks straight from p, a partial last block through a slot's bounce
 * buffer, zero padded. */
int dump_io_write(const struct dump_ctx *c, uint64_t off, const uint8_t *p,
		  uint32_t len, uint64_t acct)
{
	uint32_t bs = c->dev->block_size, full = len & ~(bs - 1);
	struct dump_io *io;
	unsigned slot;
	int rc;

	if (full) {
		rc = free_io(c, &io);
		if (rc)
			return rc;
		rc = submit(c, io, off / bs, full / bs, p, acct ? full : 0);
		if (rc)
			return rc;
	}
	if (len == full)
		return 0;
	rc = free_io(c, &io);
	if (rc)
		return rc;
	slot = (unsigned)(io - c->work->io);
	memset(c->work->tail[slot], 0, bs);
	memcpy(c->work->tail[slot], p + full, len - full);
	return submit(c, io, (off + full) / bs, 1, c->work->tail[slot],
		      acct ? len - full : 0);
}

/* One RAM range, chunk by chunk, mapped as it goes. */
static int write_range(const struct dump_ctx *c, const struct vmcore_range *r)
{
	uint64_t done = 0;

	while (done < r->size) {
		uint64_t len = r->size - done;
		const uint8_t *p;
		int rc;

		if (len > c->work->chunk)
			len = c->work->chunk;
		p = physmem_map(c->mem, r->src + done, len);
		if (!p) {
			ll_printf("dump: cannot map memory at 0x%llx\n",
				  (unsigned long long)(r->src + done));
			return LL_EINVAL;
		}
		rc = dump_io_write(c, r->file_off + done, p, (uint32_t)len, 1);
		if (rc)
			return rc;
		done += len;
	}
	return 0;
}

/* The header region [0, len) from the header buffer. */
static int write_header(const struct dump_ctx *c, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += c->work->chunk) {
		uint64_t n = len - off;
		int rc;

		if (n > c->work->chunk)
			n = c->work->chunk;
		rc = dump_io_write(c, off, c->work->hdr + off, (uint32_t)n, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* SYNCHRONIZE CACHE: one request, waited for (deadline in the disk's clock). */
int dump_io_sync(const struct dump_ctx *c)
{
	return blk_flush(c->dev, blk_now(c->dev) + c->opts.sync_timeout_us);
}

/* Effective depth and write size from the options and the disk. */
int dump_io_setup(const struct dump_ctx *c)
{
	const struct blk_dev *d = c->dev;
	struct dump_work *w = c->work;
	uint32_t bs = d->block_size;
	uint64_t chunk = c->opts.chunk_bytes ? c->opts.chunk_bytes : DUMP_CHUNK_DEFAULT;

	if (bs < 512 || bs > DUMP_BLOCK_MAX || (bs & (bs - 1)) || !d->max_blocks ||
	    !d->depth || !c->opts.io_timeout_us || !c->opts.sync_timeout_us)
		return LL_EINVAL;
	w->depth = c->opts.depth ? c->opts.depth : DUMP_DEPTH_DEFAULT;
	if (w->depth > d->depth)
		w->depth = d->depth;
	if (w->depth > DUMP_MAX_DEPTH)
		w->depth = DUMP_MAX_DEPTH;
	if (chunk > (uint64_t)d->max_blocks * bs)
		chunk = (uint64_t)d->max_blocks * bs;
	if (chunk > 0x40000000u)
		chunk = 0x40000000u;
	w->chunk = (uint32_t)chunk & ~(bs - 1);
	if (!w->chunk)
		return LL_EINVAL;
	memset(w->io, 0, sizeof(w->io));
	return 0;
}

static int check_space(const struct dump_ctx *c)
{
	uint32_t bs = c->dev->block_size;
	const struct vmcore_layout *l = &c->work->layout;
	uint64_t end = l->file_end > l->data_start ? l->file_end : l->data_start;
	uint64_t need = (end + bs - 1) / bs;

	if (need <= c->dev->blocks)
		return 0;
	ll_printf("dump: error E%d: dump LUN too small: need %llu MiB, has %llu MiB\n",
		  -LL_ERANGE, (unsigned long long)((need * bs + MIB - 1) / MIB),
		  (unsigned long long)(c->dev->blocks * bs / MIB));
	return LL_ERANGE;
}

static void announce(const struct dump_ctx *c)
{
	const struct vmcore_layout *l = &c->work->layout;

	ll_printf("dump: %u CPUs, VMCOREINFO %s, %u ranges, %llu MiB%s\n",
		  l->n_cpu, l->has_vmcoreinfo ? "yes" : "no", l->n_range,
		  (unsigned long long)(l->data_bytes / MIB),
		  l->clipped ? " (cut by dump-max-mib)" : "");
}

/* Everything after the header is built: stream, sync, finalise. */
static int stream(const struct dump_ctx *c)
{
	struct dump_work *w = c->work;
	int rc;

	rc = write_header(c, w->layout.data_start);
	for (unsigned i = 0; !rc && i < w->layout.n_range; i++)
		rc = write_range(c, &w->layout.range[i]);
	if (!rc)
		rc = dump_io_wait(c, 0);
	if (rc)
		return rc;
	progress_line(c);
	rc = dump_io_sync(c);
	if (rc)
		return rc;
	vmcore_mark(w->hdr, 0);
	rc = write_header(c, c->dev->block_size);
	if (!rc)
		rc = dump_io_wait(c, 0);
	if (!rc)
		rc = dump_io_sync(c);
	return rc;
}

static void finish_line(const struct dump_ctx *c)
{
	struct dump_work *w = c->work;
	uint64_t ms = (w->t_end - w->t_start) / 1000;
	uint64_t rate10 = ms ? (w->bytes_done >> 10) * 10000 / (ms * 1024) : 0;

	ll_printf("dump: complete, %llu MiB in %llu.%03llu s, %llu.%llu MiB/s\n",
		  (unsigned long long)(w->bytes_done / MIB),
		  (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000),
		  (unsigned long long)(rate10 / 10), (unsigned long long)(rate10 % 10));
}

void dump_opts_init(struct dump_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->chunk_bytes = DUMP_CHUNK_DEFAULT;
	o->depth = DUMP_DEPTH_DEFAULT;
	o->io_timeout_us = DUMP_IO_TIMEOUT_US;
	o->sync_timeout_us = DUMP_SYNC_TIMEOUT_US;
	o->progress_us = DUMP_PROGRESS_US;
}

int dump_run(const struct dump_ctx *c)
{
	struct dump_work *w = c->work;
	int rc;

	memset(&w->layout, 0, sizeof(w->layout));
	w->bytes_done = 0;
	w->max_inflight = w->writes = 0;
	w->error = 0;
	w->progress = NULL;
	rc = dump_io_setup(c);
	if (!rc)
		rc = vmcore_build(c->ech, c->mem, c->opts.max_bytes, w->hdr,
				  sizeof(w->hdr), &w->layout);
	if (!rc)
		rc = check_space(c);
	if (rc)
		goto fail;
	announce(c);
	w->t_start = w->t_last_done = w->t_last_print = now(c);
	w->outage_last_done = blk_outage_us(c->dev);
	rc = stream(c);
	w->t_end = now(c);
	if (rc)
		goto fail_cancel;
	finish_line(c);
	return 0;

fail_cancel:
	blk_cancel_all(c->dev, rc);
	w->error = rc;
	ll_printf("dump: error E%d: %s; dump left marked incomplete\n", -rc,
		  ll_strerror(rc));
	return rc;
fail:
	w->error = rc;
	ll_printf("dump: error E%d: %s; nothing written\n", -rc, ll_strerror(rc));
	return rc;
}
