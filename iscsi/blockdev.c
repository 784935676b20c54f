/* iscsi/blockdev.c - a SCSI block device over an iSCSI session: open
 * (TEST UNIT READY, INQUIRY, READ CAPACITY 10/16), the block door's ops
 * (READ/WRITE/VERIFY 10/16, SYNCHRONIZE CACHE as tasks, many in flight),
 * REPORT LUNS, sense text. */
#include "iscsi/blockdev.h"
#include "iscsi/pdu.h"
#include "lib/alloc.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define BLK_CMD_BYTES      (256u << 10) /* largest command */
#define BLK_UA_RETRIES     8
#define BLK_LUNS_MAX       256

/* SCSI opcodes and sense keys (SPC-4, SBC-3). */
#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_INQUIRY         0x12
#define SCSI_READ_CAPACITY10 0x25
#define SCSI_READ10          0x28
#define SCSI_WRITE10         0x2a
#define SCSI_VERIFY10        0x2f
#define SCSI_SYNC_CACHE10    0x35
#define SCSI_READ16          0x88
#define SCSI_WRITE16         0x8a
#define SCSI_VERIFY16        0x8f
#define SCSI_SERVICE_IN16    0x9e
#define SCSI_SA_READ_CAP16   0x10
#define SCSI_VPD_BLOCK_LIMITS 0xb0
#define SCSI_REPORT_LUNS     0xa0
#define SENSE_NOT_READY      0x2
#define SENSE_UNIT_ATTENTION 0x6

/* Run one command to completion (bounded). */
static int run_cmd(struct blockdev *b, struct iscsi_task *t, uint64_t deadline)
{
	int rc;

	t->done = NULL;
	while ((rc = iscsi_submit(b->sess, t)) == LL_EBUSY) {
		rc = iscsi_wait_any(b->sess, deadline);
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	rc = iscsi_wait(b->sess, t, deadline);
	if (t->state != ISCSI_TASK_DONE)
		iscsi_cancel(b->sess, t, rc);
	return rc;
}

static void task_init(struct iscsi_task *t, const uint8_t *cdb, uint8_t len,
		      enum iscsi_dir dir, void *buf, uint32_t xfer)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->cdb, cdb, len);
	t->cdb_len = len;
	t->dir = dir;
	t->buf = buf;
	t->xfer_len = xfer;
}

static int sense_key(const struct iscsi_task *t)
{
	struct scsi_sense ss;

	if (t->result != LL_ESCSI || scsi_sense_parse(t->sense, t->sense_len, &ss))
		return LL_ENOENT;       /* no sense data, so no key */
	return ss.key;
}

/* TEST UNIT READY until it passes; unit attentions (and a short "not
 * ready") after login are normal and retried a bounded number of times. */
static int test_unit_ready(struct blockdev *b, uint64_t deadline)
{
	static const uint8_t cdb[6] = { SCSI_TEST_UNIT_READY };
	struct iscsi_task t;
	int rc = 0;

	for (int i = 0; i < BLK_UA_RETRIES; i++) {
		task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_NONE, NULL, 0);
		rc = run_cmd(b, &t, deadline);
		if (rc != LL_ESCSI)
			return rc;
		int key = sense_key(&t);
		if (key != SENSE_UNIT_ATTENTION && key != SENSE_NOT_READY)
			return rc;
		ll_printf("blk: TEST UNIT READY: sense key %d, retrying\n", key);
	}
	return rc;
}

static void copy_trim(char *dst, const uint8_t *src, unsigned n)
{
	memcpy(dst, src, n);
	dst[n] = 0;
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == 0))
		dst[--n] = 0;
	for (unsigned i = 0; i < n; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e)
			dst[i] = '?';
}

static int inquiry(struct blockdev *b, uint64_t deadline)
{
	uint8_t cdb[6] = { SCSI_INQUIRY, 0, 0, 0, 96, 0 }, data[96];
	struct iscsi_task t;
	int rc;

	memset(data, 0, sizeof(data));
	task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_READ, data, sizeof(data));
	rc = run_cmd(b, &t, deadline);
	if (rc)
		return rc;
	if (t.data_done < 36)
		return LL_EIO;                /* shorter than standard data */
	b->peripheral_type = data[0] & 0x1f;
	copy_trim(b->vendor, data + 8, 8);
	copy_trim(b->product, data + 16, 16);
	copy_trim(b->revision, data + 32, 4);
	return 0;
}

/* READ CAPACITY (16) parameter data (SBC-3): bytes 0-7 the last LBA,
 * 8-11 the block length, byte 13 bits 3-0 the logical blocks per physical
 * block exponent, bytes 14-15 bits 13-0 the lowest aligned LBA. */
int scsi_rc16_parse(const uint8_t *d, size_t len, struct scsi_capacity *c)
{
	memset(c, 0, sizeof(*c));
	if (len < 12)
		return LL_EIO;
	c->last_lba = get_be64(d);
	c->block_size = get_be32(d + 8);
	if (len < 16)
		return 0;            /* a short answer: the fields stay 0 */
	c->phys_exp = d[13] & 0x0f;
	c->lowest_aligned = ((uint16_t)(d[14] & 0x3f) << 8) | d[15];
	return 0;
}

/* Block Limits VPD page (SBC-3, page B0h): byte 1 the page code, bytes
 * 2-3 the page length, bytes 6-7 OPTIMAL TRANSFER LENGTH GRANULARITY. */
int scsi_vpd_b0_parse(const uint8_t *d, size_t len, uint32_t *gran)
{
	if (len < 8 || d[1] != SCSI_VPD_BLOCK_LIMITS || get_be16(d + 2) < 4)
		return LL_ENOENT;
	*gran = get_be16(d + 6);
	return 0;
}

static int read_capacity16(struct blockdev *b, struct scsi_capacity *c,
			   uint64_t deadline)
{
	uint8_t cdb[16] = { SCSI_SERVICE_IN16, SCSI_SA_READ_CAP16 }, data[32];
	struct iscsi_task t;
	int rc;

	memset(data, 0, sizeof(data));
	put_be32(cdb + 10, sizeof(data));
	task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_READ, data, sizeof(data));
	rc = run_cmd(b, &t, deadline);
	if (rc)
		return rc;
	return scsi_rc16_parse(data, t.data_done < sizeof(data) ? t.data_done
					 : sizeof(data), c);
}

/* The alignment fields of READ CAPACITY (16) where they agree with what
 * (10) said; a target without (16) leaves them at 1 block, LBA 0. */
static void take_alignment(struct blockdev *b, const struct scsi_capacity *c)
{
	if (c->last_lba + 1 != b->blocks || c->block_size != b->block_size ||
	    c->lowest_aligned >> c->phys_exp)
		return;              /* inconsistent: keep the defaults */
	b->dev.phys_blocks = 1u << c->phys_exp;
	b->dev.lowest_aligned = c->lowest_aligned;
}

static int read_capacity(struct blockdev *b, uint64_t deadline)
{
	uint8_t cdb[10] = { SCSI_READ_CAPACITY10 }, data[8];
	struct scsi_capacity c;
	struct iscsi_task t;
	uint64_t last;
	uint32_t bs;
	int rc, rc16;

	task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_READ, data, sizeof(data));
	rc = run_cmd(b, &t, deadline);
	if (rc)
		return rc;
	if (t.data_done < sizeof(data))
		return LL_EIO;
	last = get_be32(data);
	bs = get_be32(data + 4);
	rc16 = read_capacity16(b, &c, deadline);
	if (last == 0xffffffffu) {
		if (rc16)
			return rc16;
		last = c.last_lba;
		bs = c.block_size;
	}
	if (bs == 0 || bs > (1u << 20) || last == UINT64_MAX)
		return LL_EIO;
	b->blocks = last + 1;
	b->block_size = bs;
	b->dev.phys_blocks = 1;
	if (!rc16)
		take_alignment(b, &c);
	return 0;
}

/* OPTIMAL TRANSFER LENGTH GRANULARITY from the Block Limits page; a
 * target without the page (or any answer but the page) leaves it 0. */
static void block_limits(struct blockdev *b, uint64_t deadline)
{
	uint8_t cdb[6] = { SCSI_INQUIRY, 1, SCSI_VPD_BLOCK_LIMITS, 0, 64, 0 };
	uint8_t data[64];
	struct iscsi_task t;
	uint32_t gran = 0;

	memset(data, 0, sizeof(data));
	task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_READ, data, sizeof(data));
	if (run_cmd(b, &t, deadline) == 0 &&
	    scsi_vpd_b0_parse(data, t.data_done < sizeof(data) ? t.data_done
				       : sizeof(data), &gran) == 0)
		b->dev.opt_blocks = gran;
}

static uint32_t pick_max_blocks(const struct blockdev *b)
{
	const struct iscsi_params *p = iscsi_session_params(b->sess);
	uint32_t bytes = BLK_CMD_BYTES;

	if (p->max_burst && p->max_burst < bytes)
		bytes = p->max_burst;
	return bytes / b->block_size ? bytes / b->block_size : 1;
}

/* ---- the block door: requests as SCSI tasks ---- */

static struct blockdev *bdev_of(struct blk_dev *d)
{
	return (struct blockdev *)((uint8_t *)d - offsetof(struct blockdev, dev));
}

/* A READ/WRITE/VERIFY answered UNIT ATTENTION was not executed: queue it
 * again (bounded). Submitting from a done callback is safe: the session
 * releases the task's slot before it calls done. true when requeued. */
static bool req_retry_ua(struct blk_req *r, struct iscsi_task *t, struct iscsi_session *s)
{
	struct scsi_sense ss;

	if (r->op == BLK_SYNC || r->retries >= BLK_REQ_UA_RETRIES ||
	    sense_key(t) != SENSE_UNIT_ATTENTION ||
	    scsi_sense_parse(t->sense, t->sense_len, &ss))
		return false;
	r->retries++;
	ll_printf("blk: unit attention %02x/%02x on LBA %llu, retry %u\n", ss.asc,
		  ss.ascq, (unsigned long long)r->lba, r->retries);
	return iscsi_submit(s, t) == 0;
}

static void ra_start(struct blockdev *b, uint64_t lba, uint32_t count);

static void req_done(void *ctx, struct iscsi_task *t)
{
	struct blk_iscsi_slot *sl = ctx;
	struct blk_req *r = sl->req;
	int result = t->result;

	if (result == LL_ESCSI && req_retry_ua(r, t, bdev_of(r->dev)->sess))
		return;
	/* the target returned less: said so (residual), or not (a GOOD status
	 * after fewer Data-In bytes would leave stale bytes in the buffer) */
	if (result == 0 && r->op == BLK_READ &&
	    (t->residual || t->data_done < t->xfer_len))
		result = LL_EIO;
	sl->req = NULL;
	if (r->op == BLK_READ && result == 0)
		ra_start(bdev_of(r->dev), r->lba, r->count);
	blk_complete(r, result);
}

/* READ/WRITE/VERIFY 10, or 16 when the LBA or count needs it. */
static void lba_cdb(struct iscsi_task *t, uint8_t op10, uint8_t op16,
		    uint64_t lba, uint32_t count)
{
	bool big = count > 0xffff || lba + count > (1ull << 32);

	if (big) {
		t->cdb[0] = op16;
		put_be32(t->cdb + 2, (uint32_t)(lba >> 32));
		put_be32(t->cdb + 6, (uint32_t)lba);
		put_be32(t->cdb + 10, count);
		t->cdb_len = 16;
	} else {
		t->cdb[0] = op10;
		put_be32(t->cdb + 2, (uint32_t)lba);
		put_be16(t->cdb + 7, (uint16_t)count);
		t->cdb_len = 10;
	}
}

/* The task for r (checked by blk_submit). VERIFY goes with BYTCHK 0: the
 * target checks its own medium, no data moves. */
static void req_task(struct iscsi_task *t, const struct blk_req *r, uint32_t bs)
{
	memset(t, 0, sizeof(*t));
	switch (r->op) {
	case BLK_READ:
		lba_cdb(t, SCSI_READ10, SCSI_READ16, r->lba, r->count);
		t->dir = ISCSI_DIR_READ;
		break;
	case BLK_WRITE:
		lba_cdb(t, SCSI_WRITE10, SCSI_WRITE16, r->lba, r->count);
		t->dir = ISCSI_DIR_WRITE;
		break;
	case BLK_VERIFY:
		lba_cdb(t, SCSI_VERIFY10, SCSI_VERIFY16, r->lba, r->count);
		t->dir = ISCSI_DIR_NONE;
		return;
	case BLK_SYNC:
		t->cdb[0] = SCSI_SYNC_CACHE10;
		t->cdb_len = 10;
		t->dir = ISCSI_DIR_NONE;
		return;
	}
	t->buf = r->buf;
	t->xfer_len = r->count * bs;
}

static struct blk_iscsi_slot *free_slot(struct blockdev *b)
{
	for (unsigned i = 0; i < BLK_ISCSI_SLOTS; i++)
		if (!b->slot[i].req)
			return &b->slot[i];
	return NULL;
}

/* ---- read-ahead ---- */

/* The read-ahead's task ended: adopted, a request's completion; else its
 * slot is free again (its data, if any, was dropped). */
static void ra_done(void *ctx, struct iscsi_task *t)
{
	struct blk_iscsi_slot *sl = ctx;
	struct blockdev *b = bdev_of(sl->req->dev);

	if (sl->req != &b->ra_req) {
		req_done(ctx, t);
		return;
	}
	sl->req = NULL;
	if (b->ra == sl)
		b->ra = NULL;
}

/* After READ r (lba, count) completed well: read the next as many blocks
 * ahead when this READ followed the last one and nothing else is out. */
static void ra_start(struct blockdev *b, uint64_t lba, uint32_t count)
{
	bool seq = lba == b->ra_next;
	struct blk_iscsi_slot *sl;

	b->ra_next = lba + count;
	if (!b->readahead || !seq || b->ra || iscsi_inflight(b->sess) ||
	    count > b->blocks || lba + 2ull * count > b->blocks ||
	    !(sl = free_slot(b)))
		return;
	b->ra_req = (struct blk_req){ .op = BLK_READ, .lba = lba + count,
				      .count = count, .dev = &b->dev };
	req_task(&sl->task, &b->ra_req, b->block_size);
	sl->task.hold = ISCSI_HOLD_PARK;
	sl->task.done = ra_done;
	sl->task.ctx = sl;
	sl->req = &b->ra_req;
	if (iscsi_submit(b->sess, &sl->task)) {
		sl->req = NULL;
		return;
	}
	b->ra = sl;
}

/* A request came while a read-ahead is parked: 1 when it is exactly that
 * READ (the read-ahead becomes it), else 0 (the read-ahead's data is
 * dropped; its slot frees itself when its status comes). */
static int ra_take(struct blockdev *b, struct blk_req *r)
{
	struct blk_iscsi_slot *sl = b->ra;

	b->ra = NULL;
	if (r->op != BLK_READ || r->lba != b->ra_req.lba ||
	    r->count != b->ra_req.count || !r->buf) {
		b->ra_drops++;
		iscsi_task_bind(b->sess, &sl->task, NULL);
		return 0;
	}
	if (++b->ra_hits % 256 == 0)
		ll_logf("blk: read-ahead %u taken, %u dropped\n", b->ra_hits, b->ra_drops);
	sl->req = r;
	r->priv = sl;
	iscsi_task_bind(b->sess, &sl->task, r->buf);
	return 1;
}

static int bdev_submit(struct blk_dev *d, struct blk_req *r)
{
	struct blockdev *b = bdev_of(d);
	struct blk_iscsi_slot *sl;
	int rc;

	if (b->ra && ra_take(b, r))
		return 0;
	sl = free_slot(b);
	if (!sl)
		return LL_EBUSY;
	req_task(&sl->task, r, d->block_size);
	sl->task.done = req_done;
	sl->task.ctx = sl;
	sl->req = r;
	r->priv = sl;
	rc = iscsi_submit(b->sess, &sl->task);
	if (rc)
		sl->req = NULL;
	return rc;
}

/* A deadline already passed (0: the dump writer's tight loop, no clock
 * read): one session step; else wait (idling) for a completion until
 * deadline. */
static int bdev_poll(struct blk_dev *d, uint64_t deadline)
{
	struct iscsi_session *s = bdev_of(d)->sess;
	int rc;

	if (!deadline || deadline <= iscsi_session_now(s))
		return iscsi_poll(s);
	rc = iscsi_wait_any(s, deadline);
	return rc == LL_ETIMEDOUT ? 0 : rc;
}

static void bdev_cancel(struct blk_dev *d, struct blk_req *r, int err)
{
	struct blockdev *b = bdev_of(d);

	for (unsigned i = 0; i < BLK_ISCSI_SLOTS; i++) {
		struct blk_iscsi_slot *sl = &b->slot[i];

		if (sl->req && (!r || sl->req == r))
			iscsi_cancel(b->sess, &sl->task, err); /* req_done runs */
	}
}

static uint64_t bdev_outage_us(struct blk_dev *d)
{
	return iscsi_outage_us(bdev_of(d)->sess);
}

static const struct blk_dev_ops bdev_ops = {
	.submit = bdev_submit, .poll = bdev_poll, .cancel = bdev_cancel,
	.outage_us = bdev_outage_us,
};

static uint64_t bdev_now(void *ctx)
{
	return iscsi_session_now(ctx);
}

/* After a good open: the door over what READ CAPACITY said. */
static void bdev_init(struct blockdev *b)
{
	b->clock.now_us = bdev_now;
	b->clock.ctx = b->sess;
	b->dev.ops = &bdev_ops;
	b->dev.name = "iscsi";
	b->dev.blocks = b->blocks;
	b->dev.block_size = b->block_size;
	b->dev.max_blocks = pick_max_blocks(b);
	b->dev.depth = BLK_ISCSI_SLOTS;
	b->dev.clock = &b->clock;
	b->ra_next = UINT64_MAX;          /* no READ yet */
}

const struct iscsi_task *blk_iscsi_task(const struct blk_req *r)
{
	const struct blk_iscsi_slot *sl = r->priv;

	return sl ? &sl->task : NULL;
}

int blk_open(struct blockdev *b, struct iscsi_session *s, uint64_t deadline)
{
	int rc;

	memset(b, 0, sizeof(*b));
	b->sess = s;
	rc = test_unit_ready(b, deadline);
	if (!rc)
		rc = inquiry(b, deadline);
	if (!rc)
		rc = read_capacity(b, deadline);
	if (!rc)
		block_limits(b, deadline);
	if (rc) {
		ll_printf("blk: open failed E%d (%s)\n", -rc, ll_strerror(rc));
		return rc;
	}
	bdev_init(b);
	ll_printf("blk: %s %s %s type %u, %llu blocks of %u bytes (%llu MiB)\n",
		  b->vendor, b->product, b->revision, b->peripheral_type,
		  (unsigned long long)b->blocks, b->block_size,
		  (unsigned long long)((b->blocks * b->block_size) >> 20));
	return 0;
}

int blk_report_luns(struct blockdev *b, uint8_t (*luns)[8], unsigned *n, uint64_t deadline)
{
	uint8_t cdb[12] = { SCSI_REPORT_LUNS }, data[8 + 8 * 64];
	struct iscsi_task t;
	uint32_t list, got;
	int rc;

	put_be32(cdb + 6, sizeof(data));
	task_init(&t, cdb, sizeof(cdb), ISCSI_DIR_READ, data, sizeof(data));
	rc = run_cmd(b, &t, deadline);
	if (rc)
		return rc;
	got = t.data_done < sizeof(data) ? t.data_done : (uint32_t)sizeof(data);
	if (got < 8)
		return LL_EIO;
	list = get_be32(data) / 8;
	if (list > (got - 8) / 8)
		list = (got - 8) / 8;
	if (list > *n)
		list = *n;
	for (uint32_t i = 0; i < list; i++)
		memcpy(luns[i], data + 8 + 8 * i, 8);
	*n = list;
	return 0;
}

static const char *const sense_key_names[16] = {
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
	"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
	"BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED", "ABORTED COMMAND",
	"RESERVED", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
};

int blk_describe_error(const struct iscsi_task *t, char *buf, unsigned len)
{
	struct scsi_sense ss;

	if (t->result == LL_ESCSI && t->sense_len &&
	    scsi_sense_parse(t->sense, t->sense_len, &ss) == 0)
		return ll_snprintf(buf, len, "sense %x/%02x/%02x: %s", ss.key, ss.asc,
				   ss.ascq, sense_key_names[ss.key & 0xf]);
	if (t->result == LL_ESCSI)
		return ll_snprintf(buf, len, "SCSI status 0x%02x", t->scsi_status);
	return ll_snprintf(buf, len, "E%d: %s", -t->result, ll_strerror(t->result));
}
