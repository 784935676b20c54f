/* tests/lib/iscsi_fake.h - a scripted iSCSI target behind the session's
 * transport seam: answers logins (optionally redirecting), logs every PDU
 * the session sends, lets a test inject target PDUs, and can act as a
 * small in-memory disk (INQUIRY, READ CAPACITY, READ/WRITE with R2T). */
#ifndef TESTS_LIB_ISCSI_FAKE_H
#define TESTS_LIB_ISCSI_FAKE_H
#include <stdlib.h>
#include <string.h>
#include "iscsi/session_int.h"
#include "lib/byteorder.h"
#include "lib/crc32c.h"
#include "lib/err.h"

#define FK_LOG_MAX 8192
#define FK_TX_MAX  (8u << 20)
#define FK_RX_MAX  (8u << 20)

struct fk_pdu {
	struct iscsi_pdu p;
	uint32_t data_off;              /* into fk.tx */
	int conn;                       /* which connection (1-based) */
	int digest_ok;
};

struct fake {
	uint64_t now;
	uint8_t *tx; size_t tx_len, tx_parsed;
	uint8_t *rx; size_t rx_len, rx_off;
	size_t delivered;               /* rx bytes the "TCP ring" got (see fk_deliver) */
	size_t direct_took;             /* of those, taken by sess_rx_direct */
	size_t peek_chunk;              /* 0: everything at once */
	int status;                     /* error the transport reports */
	int connect_error;
	uint32_t dead_ip[2];            /* portals refusing every connect (0: none) */
	unsigned writes;                /* write calls so far */
	unsigned fail_write;            /* this write call fails (LL_EIO), 0: none */
	int connects;
	uint32_t last_ip; uint16_t last_port;
	int ffp;                        /* full feature phase on this connection */
	int hd, dd;                     /* digests on in FFP */
	const char *op_text;            /* operational keys the target states */
	int redirects;                  /* redirect this many logins */
	uint16_t redirect_status;
	uint32_t statsn, expcmdsn, window;
	struct fk_pdu log[FK_LOG_MAX];
	int nlog;
	/* disk mode */
	int disk;
	uint8_t *blocks; uint32_t nblocks, bsize;
	uint64_t cap_last;              /* reported last LBA */
	uint8_t rc16_tail[3];           /* READ CAPACITY 16 bytes 13..15 */
	int no_rc16;                    /* READ CAPACITY 16: ILLEGAL REQUEST */
	int vpd_b0;                     /* answer the Block Limits page ... */
	uint16_t vpd_gran;              /* ... with this granularity */
	int ua_pending;                 /* UNIT ATTENTION answers to TEST UNIT READY */
	int rw_ua_pending;              /* ... and to READ/WRITE 10/16 */
	unsigned max_outstanding, outstanding;
	unsigned max_batch;             /* commands sent before reading a reply */
	struct { uint32_t itt, off, len, got; uint64_t lba; int live; } w[64];
};

static struct fake fk;
/* 0: every byte the target sent is readable at once (peek/consume only);
 * else new bytes reach the session as TCP hands them over: in pieces of
 * this many, each offered to sess_rx_direct first while nothing waits
 * unread. Kept across fk_reset (a suite runs twice, once each way). */
static size_t fk_direct_seg;
/* A suite's cases twice (tests/lib/check.h's check_suite): read from the
 * ring only as SUITE, then offered to sess_rx_direct first as TCP does
 * (1448-byte segments) as SUITE_direct, which stays set afterwards. */
#define FK_RUN_BOTH(suite, all) do {                                         \
		check_suite = suite;                                          \
		all();                                                        \
		check_suite = suite "_direct";                                \
		fk_direct_seg = 1448;                                         \
		all();                                                        \
	} while (0)

static void fk_reset(void)
{
	uint8_t *tx = fk.tx, *rx = fk.rx;

	memset(&fk, 0, sizeof(fk));
	fk.tx = tx ? tx : malloc(FK_TX_MAX);
	fk.rx = rx ? rx : malloc(FK_RX_MAX);
	fk.now = 1000000;
	fk.statsn = 500;
	fk.expcmdsn = 1;
	fk.window = 64;
	fk.op_text = "";
	fk.redirect_status = 0x0101;
}

/* Put one target PDU on the wire to the session. */
static void fk_send(struct iscsi_pdu *p, const void *data, uint32_t len)
{
	uint8_t *o = fk.rx + fk.rx_len;
	int hd = fk.ffp && fk.hd, dd = fk.ffp && fk.dd;

	p->data_len = len;
	iscsi_pdu_encode(p, o);
	o += 48;
	if (hd) {
		iscsi_digest_put(o, iscsi_header_digest(o - 48, 48));
		o += 4;
	}
	memset(o, 0, iscsi_pad4(len));
	if (len)
		memcpy(o, data, len);
	o += iscsi_pad4(len);
	if (dd && len) {
		iscsi_digest_put(o, iscsi_data_digest(data, len));
		o += 4;
	}
	fk.rx_len = (size_t)(o - fk.rx);
}

static void fk_seq(struct iscsi_pdu *p, int status)
{
	p->statsn = status ? fk.statsn++ : fk.statsn;
	p->expcmdsn = fk.expcmdsn;
	p->maxcmdsn = fk.expcmdsn + fk.window - 1;
}

static void fk_login_rsp(const struct iscsi_pdu *q)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_LOGIN_RSP, .itt = q->itt };
	char text[1024];
	size_t n = 0;

	memcpy(p.isid, q->isid, 6);
	fk_seq(&p, 1);
	if (iscsi_login_csg(q->flags) == ISCSI_STAGE_SECURITY) {
		if (fk.redirects > 0) {
			fk.redirects--;
			p.status_class = (uint8_t)(fk.redirect_status >> 8);
			p.status_detail = (uint8_t)fk.redirect_status;
			n = (size_t)snprintf(text, sizeof(text), "TargetAddress=10.9.9.%d:3261,1", fk.connects) + 1;
		} else {
			p.flags = 0x81;
			n = sizeof("AuthMethod=None\0TargetPortalGroupTag=1");
			memcpy(text, "AuthMethod=None\0TargetPortalGroupTag=1", n);
		}
	} else {
		p.flags = 0x87;
		p.tsih = (uint16_t)(0x100 + fk.connects);
		n = 0;
		for (const char *k = fk.op_text; *k; k += strlen(k) + 1) {
			memcpy(text + n, k, strlen(k) + 1);
			n += strlen(k) + 1;
		}
		fk_send(&p, text, (uint32_t)n);
		fk.ffp = 1;                     /* digests start after this PDU */
		return;
	}
	fk_send(&p, text, (uint32_t)n);
}

static void fk_disk_cmd(const struct fk_pdu *e);
static void fk_disk_data_out(const struct fk_pdu *e);

/* Parse what the session wrote; log each PDU; answer logins. */
static void fk_parse(void)
{
	unsigned batch = 0;

	for (;;) {
		size_t left = fk.tx_len - fk.tx_parsed;
		uint8_t *b = fk.tx + fk.tx_parsed;
		struct fk_pdu e;
		int hd = fk.ffp && fk.hd, dd = fk.ffp && fk.dd;
		size_t need;

		if (left < 48)
			break;
		memset(&e, 0, sizeof(e));
		if (iscsi_pdu_decode(b, 48, 1u << 24, 0, &e.p))
			abort();                /* the session wrote garbage */
		need = iscsi_pdu_wire_len(0, e.p.data_len, hd, dd);
		if (left < need)
			break;
		e.data_off = (uint32_t)(fk.tx_parsed + 48 + (hd ? 4 : 0));
		e.conn = fk.connects;
		e.digest_ok = 1;
		if (hd && iscsi_digest_get(b + 48) != iscsi_header_digest(b, 48))
			e.digest_ok = 0;
		if (dd && e.p.data_len &&
		    iscsi_digest_get(fk.tx + e.data_off + iscsi_pad4(e.p.data_len)) !=
		    iscsi_data_digest(fk.tx + e.data_off, e.p.data_len))
			e.digest_ok = 0;
		fk.tx_parsed += need;
		if (fk.nlog < FK_LOG_MAX)
			fk.log[fk.nlog++] = e;
		batch += e.p.opcode == ISCSI_OP_SCSI_CMD;
		if (e.p.opcode == ISCSI_OP_LOGIN_REQ)
			fk_login_rsp(&e.p);
		else if (fk.disk && e.p.opcode == ISCSI_OP_SCSI_CMD)
			fk_disk_cmd(&e);
		else if (fk.disk && e.p.opcode == ISCSI_OP_DATA_OUT)
			fk_disk_data_out(&e);
	}
	if (batch > fk.max_batch)
		fk.max_batch = batch;
}

/* ---- the transport ops ---- */

static int fk_connect(struct iscsi_session *s, uint32_t ip, uint16_t port, uint64_t dl)
{
	(void)s; (void)dl;
	fk.connects++;
	fk.last_ip = ip;
	fk.last_port = port;
	fk.rx_len = fk.rx_off = fk.delivered = 0;
	fk.tx_parsed = fk.tx_len;
	fk.ffp = 0;
	fk.status = 0;
	fk.outstanding = 0;
	memset(fk.w, 0, sizeof(fk.w));
	if (ip && (ip == fk.dead_ip[0] || ip == fk.dead_ip[1]))
		return LL_ECONNREFUSED;
	return fk.connect_error;
}
static void fk_abort(struct iscsi_session *s) { (void)s; fk.ffp = 0; }
static int fk_close(struct iscsi_session *s, uint64_t dl) { (void)s; (void)dl; return 0; }
static long fk_write(struct iscsi_session *s, const void *d, size_t n)
{
	(void)s;
	if (fk.status)
		return fk.status;
	if (++fk.writes == fk.fail_write)
		return LL_EIO;
	if (n > FK_TX_MAX - fk.tx_len)
		abort();
	memcpy(fk.tx + fk.tx_len, d, n);
	fk.tx_len += n;
	return (long)n;
}
static size_t fk_tx_free(struct iscsi_session *s) { (void)s; return 1u << 20; }
static void fk_flush(struct iscsi_session *s) { (void)s; fk_parse(); }
/* What the session's TCP would do with the bytes sent since the last
 * call: the in-order reader first while the ring is empty, then the ring. */
static void fk_deliver(struct iscsi_session *s)
{
	while (fk.delivered < fk.rx_len) {
		size_t k = fk.rx_len - fk.delivered;

		if (fk_direct_seg && k > fk_direct_seg)
			k = fk_direct_seg;
		if (fk_direct_seg && fk.rx_off == fk.delivered) {
			size_t took = sess_rx_direct(s, fk.rx + fk.delivered, k);

			if (took > k)
				abort();
			fk.rx_off += took;
			fk.direct_took += took;
		}
		fk.delivered += k;
	}
}
static size_t fk_peek(struct iscsi_session *s, const uint8_t **d)
{
	size_t n;

	fk_parse();                      /* the target answers what it got */
	fk_deliver(s);
	n = fk.delivered - fk.rx_off;
	if (fk.peek_chunk && n > fk.peek_chunk)
		n = fk.peek_chunk;
	*d = fk.rx + fk.rx_off;
	return n;
}
static void fk_consume(struct iscsi_session *s, size_t n) { (void)s; fk.rx_off += n; }
static int fk_status(struct iscsi_session *s) { (void)s; return fk.status; }
static int fk_poll(struct iscsi_session *s, uint32_t us)
{
	fk.now += us;
	fk_deliver(s);
	return 0;
}
static uint64_t fk_now(struct iscsi_session *s) { (void)s; return fk.now; }

static const struct iscsi_xport_ops fk_ops = {
	fk_connect, fk_abort, fk_close, fk_write, fk_tx_free, fk_peek,
	fk_consume, fk_flush, fk_status, fk_poll, fk_now,
};

static uint8_t fk_arena_mem[8u << 20];
static struct ll_arena fk_arena;

static void fk_cfg(struct iscsi_session_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->target_ip = 0x0a000001;
	c->target_name = "iqn.2026-01.org.example:disk";
	c->initiator_name = "iqn.2026-01.org.example:host1";
	c->lun[1] = 1;
}

static struct iscsi_session *fk_open(int digest)
{
	struct iscsi_session_cfg c;
	struct iscsi_session *s = NULL;

	fk_cfg(&c);
	c.digest = digest;
	ll_arena_init(&fk_arena, fk_arena_mem, sizeof(fk_arena_mem));
	if (iscsi_session_open_xport(&s, &fk_ops, &fk, &c, &fk_arena, fk.now + 5000000))
		return NULL;
	return s;
}

/* The n-th logged PDU with this opcode (from index from), or NULL. */
static struct fk_pdu *fk_find(uint8_t opcode, int nth)
{
	for (int i = 0; i < fk.nlog; i++)
		if (fk.log[i].p.opcode == opcode && nth-- == 0)
			return &fk.log[i];
	return NULL;
}

static int fk_count(uint8_t opcode)
{
	int n = 0;

	for (int i = 0; i < fk.nlog; i++)
		n += fk.log[i].p.opcode == opcode;
	return n;
}

static const uint8_t *fk_data(const struct fk_pdu *e) { return fk.tx + e->data_off; }

/* ---- disk mode ---- */

static void fk_rsp(uint32_t itt, uint8_t status, const uint8_t *sense, uint32_t sl)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_SCSI_RSP, .flags = 0x80, .itt = itt,
			       .status = status };
	uint8_t d[64];

	fk.expcmdsn++;
	fk_seq(&p, 1);
	put_be16(d, (uint16_t)sl);
	if (sl)
		memcpy(d + 2, sense, sl);
	fk_send(&p, d, sl ? sl + 2 : 0);
}

static void fk_data_in(uint32_t itt, const uint8_t *d, uint32_t len, uint32_t edtl)
{
	uint32_t off = 0;

	fk.expcmdsn++;
	do {
		uint32_t seg = len - off < 8192 ? len - off : 8192;
		int last = off + seg == len;
		struct iscsi_pdu p = { .opcode = ISCSI_OP_DATA_IN, .itt = itt,
				       .ttt = ISCSI_RESERVED_TAG, .buffer_offset = off,
				       .datasn = off / 8192 };

		if (last) {
			p.flags = 0x81 | (len < edtl ? 0x02 : 0);
			p.residual = edtl - len;
		}
		fk_seq(&p, last);
		fk_send(&p, d + off, seg);
		off += seg;
	} while (off < len);
}

static uint64_t fk_cdb_lba(const uint8_t *c, uint32_t *count)
{
	if (c[0] == 0x28 || c[0] == 0x2a) {
		*count = get_be16(c + 7);
		return get_be32(c + 2);
	}
	*count = get_be32(c + 10);
	return get_be64(c + 2);
}

static void fk_write_progress(int i);

static void fk_disk_cmd(const struct fk_pdu *e)
{
	const uint8_t *c = e->p.cdb;
	uint8_t d[96];
	static const uint8_t ua[18] = { 0x70, 0, 6, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29, 0 };

	if (++fk.outstanding > fk.max_outstanding)
		fk.max_outstanding = fk.outstanding;
	memset(d, 0, sizeof(d));
	int rw = c[0] == 0x28 || c[0] == 0x88 || c[0] == 0x2a || c[0] == 0x8a;

	if ((fk.ua_pending && c[0] == 0x00) || (fk.rw_ua_pending && rw)) {
		if (rw)
			fk.rw_ua_pending--;
		else
			fk.ua_pending--;
		fk.outstanding--;
		fk_rsp(e->p.itt, SAM_STAT_CHECK_CONDITION, ua, sizeof(ua));
		return;
	}
	static const uint8_t illegal[18] = { 0x70, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0 };

	if ((c[0] == 0x12 && (c[1] & 1) && !(fk.vpd_b0 && c[2] == 0xb0)) ||
	    (c[0] == 0x9e && fk.no_rc16)) {
		fk.outstanding--;
		fk_rsp(e->p.itt, SAM_STAT_CHECK_CONDITION, illegal, sizeof(illegal));
	} else if (c[0] == 0x12 && (c[1] & 1)) {
		d[1] = 0xb0;
		d[3] = 0x3c;
		put_be16(d + 6, fk.vpd_gran);
		fk.outstanding--;
		fk_data_in(e->p.itt, d, 64, e->p.xfer_len);
	} else if (c[0] == 0x12) {
		d[0] = 0;
		d[4] = 91;
		memcpy(d + 8, "LIFETEST", 8);
		memcpy(d + 16, "FAKEDISK        ", 16);
		memcpy(d + 32, "0001", 4);
		fk.outstanding--;
		fk_data_in(e->p.itt, d, 96, e->p.xfer_len);
	} else if (c[0] == 0x25) {
		put_be32(d, fk.cap_last > 0xfffffffe ? 0xffffffff : (uint32_t)fk.cap_last);
		put_be32(d + 4, fk.bsize);
		fk.outstanding--;
		fk_data_in(e->p.itt, d, 8, e->p.xfer_len);
	} else if (c[0] == 0x9e) {
		put_be64(d, fk.cap_last);
		put_be32(d + 8, fk.bsize);
		memcpy(d + 13, fk.rc16_tail, 3);
		fk.outstanding--;
		fk_data_in(e->p.itt, d, 32, e->p.xfer_len);
	} else if (c[0] == 0xa0) {
		put_be32(d, 16);
		d[8 + 1] = 0;                   /* LUN 0 and LUN 1 */
		d[16 + 1] = 1;
		fk.outstanding--;
		fk_data_in(e->p.itt, d, 24, e->p.xfer_len);
	} else if (c[0] == 0x28 || c[0] == 0x88) {
		uint32_t n;
		uint64_t lba = fk_cdb_lba(c, &n) % fk.nblocks;

		fk.outstanding--;
		fk_data_in(e->p.itt, fk.blocks + lba * fk.bsize, n * fk.bsize, e->p.xfer_len);
	} else if (c[0] == 0x2a || c[0] == 0x8a) {
		uint32_t n, i = e->p.itt & 63;
		uint64_t lba = fk_cdb_lba(c, &n) % fk.nblocks;

		fk.w[i].itt = e->p.itt;
		fk.w[i].lba = lba;
		fk.w[i].len = n * fk.bsize;
		fk.w[i].got = e->p.data_len;
		fk.w[i].off = e->p.data_len;
		fk.w[i].live = 1;
		memcpy(fk.blocks + lba * fk.bsize, fk_data(e), e->p.data_len);
		fk_write_progress((int)i);
	} else {
		fk.outstanding--;
		fk_rsp(e->p.itt, SAM_STAT_GOOD, NULL, 0);
	}
}

/* Ask for the rest of a write (one R2T of up to 64 KiB at a time). */
static void fk_write_progress(int i)
{
	if (fk.w[i].got == fk.w[i].len) {
		fk.w[i].live = 0;
		fk.outstanding--;
		fk_rsp(fk.w[i].itt, SAM_STAT_GOOD, NULL, 0);
		return;
	}
	if (fk.w[i].off > fk.w[i].got)
		return;                         /* the current R2T is not done */
	struct iscsi_pdu p = { .opcode = ISCSI_OP_R2T, .flags = 0x80, .itt = fk.w[i].itt,
			       .ttt = 0x7000 + (uint32_t)i, .buffer_offset = fk.w[i].off };
	p.xfer_len = fk.w[i].len - fk.w[i].off < 65536 ? fk.w[i].len - fk.w[i].off : 65536;
	fk.w[i].off += p.xfer_len;
	fk_seq(&p, 0);
	fk_send(&p, NULL, 0);
}

static void fk_disk_data_out(const struct fk_pdu *e)
{
	int i = (int)(e->p.itt & 63);

	if (!fk.w[i].live || fk.w[i].itt != e->p.itt)
		abort();
	memcpy(fk.blocks + fk.w[i].lba * fk.bsize + e->p.buffer_offset, fk_data(e),
	       e->p.data_len);
	fk.w[i].got += e->p.data_len;
	if (e->p.flags & ISCSI_FLAG_FINAL)
		fk_write_progress(i);
}

#endif
