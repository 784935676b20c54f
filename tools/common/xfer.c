/* tools/common/xfer.c - the pipelined sequential transfer of lifeline-iscsi
 * (xfer.h): requests complete in any order and are taken in LBA order. */
#include <stdio.h>
#include <string.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define GUARD_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define GUARD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define GUARD_POISON(p, n)   ((void)(p), (void)(n))
#define GUARD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
#include "lib/err.h"
#include "lib/mem.h"
#include "tools/common/hostnet.h"
#include "tools/common/xfer.h"

#define DEFAULT_REQ    (128u * 1024)
#define PROGRESS_BYTES (8ull << 20)
/* Guard zones before and after every request buffer: a fixed pattern,
 * checked after each request (and poisoned under ASan), so a write outside
 * the buffer the initiator was given is caught, not silently absorbed by
 * the arena around it. */
#define GUARD_BYTES    4096u
#define GUARD_FILL     0xa5

static void slot_done(void *ctx, struct blk_req *r)
{
	(void)r;
	((struct xfer_slot *)ctx)->done = 1;
}

/* Report a failed request, with its sense when the target sent one. */
static int req_error(struct xfer_slot *s)
{
	char sense[128], what[192];

	if (s->req.result == LL_ESCSI &&
	    blk_describe_error(blk_iscsi_task(&s->req), sense, sizeof(sense)) >= 0)
		snprintf(what, sizeof(what), "%s LBA %llu: %s",
			 s->req.op == BLK_READ ? "read" : "write",
			 (unsigned long long)s->req.lba, sense);
	else
		snprintf(what, sizeof(what), "%s LBA %llu",
			 s->req.op == BLK_READ ? "read" : "write",
			 (unsigned long long)s->req.lba);
	return hostnet_fail(s->req.result, what);
}

/* Guard slot s for a request of used bytes: everything from the end of the
 * request to the end of the back guard zone holds GUARD_FILL. */
static void guard_arm(struct xfer_slot *s, size_t used)
{
	size_t n = s->len - used + GUARD_BYTES;

	GUARD_UNPOISON(s->buf + used, n);
	memset(s->buf + used, GUARD_FILL, n);
	GUARD_POISON(s->buf + used, n);
	s->used = used;
}

static int zone_intact(uint8_t *z, size_t n)
{
	int ok = 1;

	GUARD_UNPOISON(z, n);
	for (size_t i = 0; i < n && ok; i++)
		ok = z[i] == GUARD_FILL;
	GUARD_POISON(z, n);
	return ok;
}

/* 0 when nothing was written before or after the request's bytes. */
static int guard_check(struct xfer_slot *s)
{
	if (zone_intact(s->buf - GUARD_BYTES, GUARD_BYTES) &&
	    zone_intact(s->buf + s->used, s->len - s->used + GUARD_BYTES))
		return 0;
	return hostnet_fail(LL_EIO, "write outside the request buffer (guard bytes changed)");
}

/* After a transfer the whole of every buffer is the caller's again. */
static void guard_release(struct xfer_pool *pool, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		if (pool->slots[i].buf)
			GUARD_UNPOISON(pool->slots[i].buf, pool->slots[i].len);
}

/* Give slot s the next piece of the transfer and queue it. */
static int slot_submit(struct xfer *x, struct xfer_slot *s)
{
	uint64_t left = x->lba + x->blocks - x->next_lba;
	int rc;

	s->blocks = left < x->req_blocks ? (uint32_t)left : x->req_blocks;
	memset(&s->req, 0, sizeof(s->req));
	s->req.op = x->op;
	s->req.lba = x->next_lba;
	s->req.count = s->blocks;
	s->req.buf = s->buf;
	s->req.done = slot_done;
	s->req.ctx = s;
	s->done = 0;
	GUARD_UNPOISON(s->buf, s->len);
	if (x->op == BLK_WRITE && x->produce &&
	    (rc = x->produce(x, s->buf, (size_t)s->blocks * x->pool->bd->block_size)) < 0)
		return rc;
	guard_arm(s, (size_t)s->blocks * x->pool->bd->block_size);
	rc = blk_submit(&x->pool->bd->dev, &s->req);
	if (rc < 0)
		return hostnet_fail(rc, "submit");
	x->next_lba += s->blocks;
	return 0;
}

/* Poll until slot s completed (its result may be an error). */
static int slot_wait(struct xfer_pool *pool, struct xfer_slot *s, uint64_t deadline)
{
	int rc;

	while (!s->done) {
		if (ll_expired(&pool->ns->clock, deadline))
			return hostnet_fail(LL_ETIMEDOUT, "waiting for a request");
		rc = blk_poll(&pool->bd->dev, net_now(pool->ns) + 200000);
		if (rc < 0 && !s->done)
			return hostnet_fail(rc, "session");
	}
	return 0;
}

int xfer_alloc_slots(struct xfer_pool *pool, unsigned depth, uint32_t req_blocks)
{
	size_t len = (size_t)req_blocks * pool->bd->block_size;

	for (unsigned i = 0; i < depth; i++) {
		struct xfer_slot *s = &pool->slots[i];
		uint8_t *p;

		if (s->buf)
			continue;
		p = ll_alloc_aligned(pool->arena, len + 2 * GUARD_BYTES, 4096);
		if (!p)
			return hostnet_fail(LL_ENOMEM, "request buffers (lower --depth)");
		memset(p, GUARD_FILL, GUARD_BYTES);
		memset(p + GUARD_BYTES + len, GUARD_FILL, GUARD_BYTES);
		s->buf = p + GUARD_BYTES;
		s->len = s->used = len;
		GUARD_POISON(p, GUARD_BYTES);
		GUARD_POISON(s->buf + len, GUARD_BYTES);
	}
	if (!pool->scratch && !(pool->scratch = ll_alloc_aligned(pool->arena, len, 4096)))
		return hostnet_fail(LL_ENOMEM, "scratch buffer");
	return 0;
}

static void note_progress(struct xfer *x, uint64_t bytes)
{
	uint64_t before = x->done_bytes / PROGRESS_BYTES;

	x->done_bytes += bytes;
	if (x->progress && x->done_bytes / PROGRESS_BYTES != before)
		printf("progress: mib=%llu of=%llu\n",
		       (unsigned long long)(x->done_bytes >> 20),
		       (unsigned long long)((x->blocks * x->pool->bd->block_size) >> 20));
}

/* Run x to its end: requests complete in any order, are taken in LBA
 * order (head of the ring), and each taken slot is refilled at once. */
static int run_slots(struct xfer *x, uint64_t deadline)
{
	struct xfer_pool *pool = x->pool;
	uint32_t block_size = pool->bd->block_size;
	unsigned head = 0, queued = 0, depth = x->depth;
	int rc;

	if ((rc = xfer_alloc_slots(pool, depth, x->req_blocks)) < 0)
		return rc;
	x->next_lba = x->lba;
	while (queued < depth && x->next_lba < x->lba + x->blocks)
		if ((rc = slot_submit(x, &pool->slots[queued++])) < 0)
			return rc;
	while (queued) {
		struct xfer_slot *s = &pool->slots[head];
		if ((rc = slot_wait(pool, s, deadline)) < 0 || (rc = guard_check(s)) < 0)
			return rc;
		if (s->req.result < 0)   /* after blk's own UNIT ATTENTION retries */
			return req_error(s);
		if (x->op == BLK_READ && x->consume &&
		    (rc = x->consume(x, s->req.lba, s->buf,
				     (size_t)s->blocks * block_size)) < 0)
			return rc;
		queued--;
		note_progress(x, (uint64_t)s->blocks * block_size);
		if (x->next_lba < x->lba + x->blocks) {
			if ((rc = slot_submit(x, s)) < 0)
				return rc;
			queued++;
		}
		head = (head + 1) % depth;
	}
	return 0;
}

int xfer_run(struct xfer *x, uint64_t deadline)
{
	int rc = run_slots(x, deadline);

	guard_release(x->pool, x->depth);
	return rc;
}

void xfer_init(struct xfer *x, struct xfer_pool *pool, enum blk_op op,
	       uint64_t lba, uint64_t blocks, unsigned depth)
{
	uint32_t max = pool->bd->dev.max_blocks ? pool->bd->dev.max_blocks : 256;

	memset(x, 0, sizeof(*x));
	x->pool = pool;
	x->op = op;
	x->lba = lba;
	x->blocks = blocks;
	x->req_blocks = DEFAULT_REQ / pool->bd->block_size;
	if (x->req_blocks == 0)
		x->req_blocks = 1;
	if (x->req_blocks > max)
		x->req_blocks = max;
	x->depth = depth;
	x->progress = 1;
	md5_init(&x->md5);
}

/* ---- producers and consumers ---- */

int xfer_produce_pattern(struct xfer *x, uint8_t *buf, size_t len)
{
	pattern_fill(&x->pat, buf, len);
	md5_update(&x->md5, buf, len);
	return 0;
}

int xfer_produce_file(struct xfer *x, uint8_t *buf, size_t len)
{
	if (fread(buf, 1, len, x->file) != len)
		return hostnet_fail(LL_EIO, "reading the input file");
	md5_update(&x->md5, buf, len);
	return 0;
}

int xfer_consume_md5(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	(void)lba;
	md5_update(&x->md5, buf, len);
	return 0;
}

int xfer_consume_verify(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	md5_update(&x->md5, buf, len);
	pattern_fill(&x->vpat, x->pool->scratch, len);
	if (!x->mismatch && memcmp(buf, x->pool->scratch, len) != 0) {
		size_t i = 0;
		while (buf[i] == x->pool->scratch[i])
			i++;
		x->mismatch = 1;
		x->mismatch_lba = lba + i / x->pool->bd->block_size;
	}
	return 0;
}

int xfer_consume_file(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	(void)lba;
	md5_update(&x->md5, buf, len);
	if (fwrite(buf, 1, len, x->file) != len)
		return hostnet_fail(LL_EIO, "writing the output file");
	return 0;
}
