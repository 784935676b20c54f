/* tests/unit/test_iscsi_session.c - the session against a scripted target
 * (tests/lib/iscsi_fake.h): login, Data-In placement and status, bounds,
 * R2T/Data-Out splitting, unsolicited data, CmdSN window, NOP, reject,
 * digests, malformed PDUs, redirect, reconnect and reissue. */
#include "tests/lib/check.h"
#include "tests/lib/iscsi_fake.h"
#include "iscsi/blockdev.h"

static struct iscsi_session *S;
static uint8_t buf[65536 + 64];

static void open_plain(const char *op_text)
{
	fk_reset();
	fk.op_text = op_text;
	S = fk_open(ISCSI_DIGEST_NONE);
}

static void poll_n(int n)
{
	for (int i = 0; i < n; i++)
		iscsi_poll(S);
}

static void read_task(struct iscsi_task *t, uint32_t len)
{
	memset(t, 0, sizeof(*t));
	t->cdb[0] = 0x28;
	t->cdb_len = 10;
	t->dir = ISCSI_DIR_READ;
	t->buf = buf;
	t->xfer_len = len;
}

static void write_task(struct iscsi_task *t, uint32_t len)
{
	memset(t, 0, sizeof(*t));
	t->cdb[0] = 0x2a;
	t->cdb_len = 10;
	t->dir = ISCSI_DIR_WRITE;
	t->buf = buf;
	t->xfer_len = len;
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
}

static void send_data_in(uint32_t itt, uint32_t off, const uint8_t *d, uint32_t len,
			 uint8_t flags, uint8_t status)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_DATA_IN, .flags = flags, .itt = itt,
			       .ttt = ISCSI_RESERVED_TAG, .buffer_offset = off,
			       .status = status };
	fk_seq(&p, flags & ISCSI_DATA_STATUS);
	fk_send(&p, d, len);
}

static void test_login(void)
{
	open_plain("MaxRecvDataSegmentLength=8192\0DefaultTime2Wait=2\0");
	CHECK(S != NULL);
	if (!S)
		return;
	CHECK_EQ(fk.connects, 1);
	CHECK_EQ(fk.last_ip, 0x0a000001);
	CHECK_EQ(fk.last_port, 3260);
	CHECK_EQ(fk_count(ISCSI_OP_LOGIN_REQ), 2);
	struct fk_pdu *l = fk_find(ISCSI_OP_LOGIN_REQ, 0);
	CHECK_EQ(l->p.isid[0], 0x80);               /* random-qualifier type */
	CHECK_EQ(l->p.tsih, 0);
	CHECK(memcmp(iscsi_session_isid(S), l->p.isid, 6) == 0);
	const struct iscsi_params *p = iscsi_session_params(S);
	CHECK_EQ(p->max_send_dsl, 8192);
	CHECK(p->max_recv_dsl >= 65536);
	CHECK_EQ(p->header_digest, 0);
	CHECK_EQ(p->default_time2wait, 2);
	CHECK_EQ(iscsi_inflight(S), 0);
}

static void test_data_in_placement(void)
{
	struct iscsi_task t;
	uint8_t a[8192], b[8192];

	open_plain("");
	read_task(&t, 16384);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ(c->p.flags, 0x80 | 0x40 | 1);      /* F, R, SIMPLE */
	CHECK_EQ(c->p.xfer_len, 16384);
	CHECK_EQ(c->p.cmdsn, 1);
	CHECK_EQ(c->p.lun[1], 1);
	CHECK_EQ(c->p.cdb[0], 0x28);
	memset(a, 0x11, sizeof(a));
	memset(b, 0x22, sizeof(b));
	send_data_in(t.itt, 0, a, 8192, 0, 0);
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_ACTIVE);
	fk.expcmdsn++;
	send_data_in(t.itt, 8192, b, 8000, 0x81 | 0x02, SAM_STAT_GOOD);
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_DONE);
	CHECK_EQ(t.result, 0);
	CHECK_EQ(buf[0], 0x11);
	CHECK_EQ(buf[8191], 0x11);
	CHECK_EQ(buf[8192], 0x22);
	CHECK_EQ(buf[16191], 0x22);
	CHECK_EQ(buf[16192], 0xee);                 /* never sent */
	CHECK_EQ(buf[16384], 0xee);
	CHECK_EQ(t.data_done, 16192);
	CHECK_EQ(iscsi_session_stats(S)->bytes_in, 16192);
	CHECK_EQ(iscsi_inflight(S), 0);
	/* the direct run: both payloads went from the "frame" into buf, the
	 * second PDU's status through the ring (a task ends outside TCP) */
	if (fk_direct_seg)
		CHECK_EQ(fk.direct_took, 2 * 48 + 8192 + 8000);
	else
		CHECK_EQ(fk.direct_took, 0);
}

static void test_data_in_out_of_bounds(void)
{
	struct iscsi_task t;
	uint8_t d[8192];

	open_plain("");
	read_task(&t, 16384);
	memset(buf, 0xee, sizeof(buf));
	memset(d, 0x33, sizeof(d));
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_data_in(t.itt, 12288, d, 8192, 0, 0);  /* runs 4 KiB past the end */
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_DONE);
	CHECK_EQ(t.result, LL_EPDU);
	CHECK_EQ(buf[12288], 0xee);
	CHECK_EQ(buf[16384], 0xee);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 1);
	/* the stale status for that tag is dropped; connection kept */
	fk_rsp(t.itt, 0, NULL, 0);
	poll_n(1);
	CHECK_EQ(fk.connects, 1);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 2);
	/* a huge offset does not wrap around */
	read_task(&t, 16384);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_data_in(t.itt, 0xfffff000u, d, 8192, 0, 0);
	poll_n(1);
	CHECK_EQ(t.result, LL_EPDU);
	CHECK_EQ(buf[0], 0xee);
}

/* DataPDUInOrder=Yes: a Data-In that does not start where the last one
 * ended (here the first 8 KiB sent twice) drops the connection, counted;
 * the READ is reissued and completes with the true byte count. Before,
 * data_done became 16384 for 8192 distinct bytes and the READ passed. */
static void test_data_in_duplicate(void)
{
	struct iscsi_task t;
	uint8_t a[8192];

	open_plain("DefaultTime2Wait=0\0");
	read_task(&t, 16384);
	memset(buf, 0xee, sizeof(buf));
	memset(a, 0x44, sizeof(a));
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_data_in(t.itt, 0, a, 8192, 0, 0);
	send_data_in(t.itt, 0, a, 8192, 0x80, 0); /* again; then status alone */
	struct iscsi_pdu p = { .opcode = ISCSI_OP_SCSI_RSP, .flags = 0x80, .itt = t.itt };
	fk_seq(&p, 1);
	fk_send(&p, NULL, 0);
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 1);
	CHECK(t.state != ISCSI_TASK_DONE);
	CHECK_EQ(t.data_done, 0);                   /* reset for the reissue */
	poll_n(2);
	CHECK_EQ(fk.connects, 2);
	CHECK_EQ(iscsi_session_stats(S)->reissued, 1);
	fk_data_in(t.itt, a, 8192, 16384);          /* honest short answer */
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_DONE);
	CHECK_EQ(t.data_done, 8192);
	CHECK_EQ(buf[8191], 0x44);
	CHECK_EQ(buf[8192], 0xee);
}

static void test_scsi_rsp_sense(void)
{
	struct iscsi_task t;
	static const uint8_t sense[18] = { 0x70, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00 };
	char msg[80];

	open_plain("");
	read_task(&t, 512);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	fk_rsp(t.itt, SAM_STAT_CHECK_CONDITION, sense, sizeof(sense));
	poll_n(1);
	CHECK_EQ(t.result, LL_ESCSI);
	CHECK_EQ(t.scsi_status, 2);
	CHECK_EQ(t.sense_len, 18);
	CHECK_EQ(t.sense[12], 0x24);
	blk_describe_error(&t, msg, sizeof(msg));
	CHECK(strcmp(msg, "sense 5/24/00: ILLEGAL REQUEST") == 0);
	/* residual from a GOOD response with U */
	read_task(&t, 4096);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct iscsi_pdu p = { .opcode = ISCSI_OP_SCSI_RSP, .flags = 0x82, .itt = t.itt,
			       .residual = 1000 };
	fk_seq(&p, 1);
	fk_send(&p, NULL, 0);
	poll_n(1);
	CHECK_EQ(t.result, 0);
	CHECK_EQ(t.residual, 1000);
}

static void send_r2t(uint32_t itt, uint32_t ttt, uint32_t off, uint32_t len)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_R2T, .flags = 0x80, .itt = itt,
			       .ttt = ttt, .buffer_offset = off, .xfer_len = len };
	fk_seq(&p, 0);
	fk_send(&p, NULL, 0);
}

static void test_r2t_data_out(void)
{
	struct iscsi_task t;

	open_plain("InitialR2T=Yes\0ImmediateData=Yes\0MaxRecvDataSegmentLength=8192\0");
	write_task(&t, 20000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 0);
	CHECK_EQ(c->p.flags, 0x80 | 0x20 | 1);      /* F, W: no unsolicited Data-Out */
	CHECK_EQ(c->p.data_len, 8192);              /* immediate: min(FB, MaxSendDSL) */
	CHECK(memcmp(fk_data(c), buf, 8192) == 0);
	send_r2t(t.itt, 0xabc, 8192, 11808);
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 2);
	struct fk_pdu *d0 = fk_find(ISCSI_OP_DATA_OUT, 0), *d1 = fk_find(ISCSI_OP_DATA_OUT, 1);
	CHECK_EQ(d0->p.ttt, 0xabc);
	CHECK_EQ(d0->p.itt, t.itt);
	CHECK_EQ(d0->p.buffer_offset, 8192);
	CHECK_EQ(d0->p.data_len, 8192);
	CHECK_EQ(d0->p.datasn, 0);
	CHECK_EQ(d0->p.flags, 0);
	CHECK_EQ(d1->p.buffer_offset, 16384);
	CHECK_EQ(d1->p.data_len, 3616);
	CHECK_EQ(d1->p.datasn, 1);
	CHECK_EQ(d1->p.flags, 0x80);
	CHECK(memcmp(fk_data(d1), buf + 16384, 3616) == 0);
	fk_rsp(t.itt, 0, NULL, 0);
	poll_n(1);
	CHECK_EQ(t.result, 0);
	CHECK_EQ(t.data_done, 20000);
	/* an R2T beyond the buffer fails the task, sends nothing */
	write_task(&t, 4096);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_r2t(t.itt, 0xabd, 4096, 4096);
	poll_n(1);
	CHECK_EQ(t.result, LL_EPDU);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 2);
}

static void test_unsolicited_data(void)
{
	struct iscsi_task t;

	open_plain("InitialR2T=No\0ImmediateData=Yes\0FirstBurstLength=16384\0"
		   "MaxRecvDataSegmentLength=4096\0");
	CHECK_EQ(iscsi_session_params(S)->initial_r2t, 0);
	write_task(&t, 40000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 0);
	CHECK_EQ(c->p.flags & 0x80, 0);             /* unsolicited Data-Out follows */
	CHECK_EQ(c->p.data_len, 4096);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 3);
	for (int i = 0; i < 3; i++) {
		struct fk_pdu *d = fk_find(ISCSI_OP_DATA_OUT, i);
		CHECK_EQ(d->p.ttt, ISCSI_RESERVED_TAG);
		CHECK_EQ(d->p.buffer_offset, 4096u * (uint32_t)(i + 1));
		CHECK_EQ(d->p.datasn, i);
		CHECK_EQ(d->p.flags, i == 2 ? 0x80 : 0);
	}
	send_r2t(t.itt, 0x99, 16384, 23616);
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 9);
	struct fk_pdu *l = fk_find(ISCSI_OP_DATA_OUT, 8);
	CHECK_EQ(l->p.ttt, 0x99);
	CHECK_EQ(l->p.datasn, 5);
	CHECK_EQ(l->p.buffer_offset, 16384 + 5 * 4096);
	CHECK_EQ(l->p.data_len, 23616 - 5 * 4096);
	CHECK_EQ(l->p.flags, 0x80);
}

/* The command goes out, then the write of its unsolicited Data-Out fails:
 * the task is sent (ACTIVE) and must leave the send queue, or the
 * reconnect that requeues every ACTIVE task links it in twice (a cycle)
 * and the command is sent again and again. */
static void test_unsolicited_write_fails(void)
{
	struct iscsi_task t;

	open_plain("InitialR2T=No\0ImmediateData=Yes\0FirstBurstLength=16384\0"
		   "MaxRecvDataSegmentLength=4096\0DefaultTime2Wait=0\0");
	write_task(&t, 40000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	fk.fail_write = fk.writes + 3;               /* BHS, immediate data, Data-Out */
	int ncmd = fk_count(ISCSI_OP_SCSI_CMD);
	poll_n(1);
	CHECK_EQ(fk.connects, 2);                     /* dropped, logged in again */
	CHECK_EQ(t.state, ISCSI_TASK_ACTIVE);
	/* the fake drops what the lost connection carried: only the reissue
	 * is logged, and it must be there once (with the cycle: twice) */
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - ncmd, 1);
	poll_n(2);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD) - ncmd, 1);
	CHECK_EQ(iscsi_session_stats(S)->reissued, 1);
	CHECK_EQ(iscsi_inflight(S), 1);
}

static void test_cmdsn_window(void)
{
	struct iscsi_task t[5];

	fk_reset();
	fk.window = 2;                               /* MaxCmdSN = ExpCmdSN + 1 */
	S = fk_open(ISCSI_DIGEST_NONE);
	for (int i = 0; i < 5; i++) {
		read_task(&t[i], 512);
		CHECK_EQ(iscsi_submit(S, &t[i]), 0);
	}
	poll_n(3);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 2);
	CHECK_EQ(iscsi_inflight(S), 5);
	/* a stale MaxCmdSN (behind) must not move the window back */
	struct iscsi_pdu n = { .opcode = ISCSI_OP_NOP_IN, .flags = 0x80,
			       .itt = ISCSI_RESERVED_TAG, .ttt = ISCSI_RESERVED_TAG };
	fk_seq(&n, 0);
	n.maxcmdsn -= 5;
	fk_send(&n, NULL, 0);
	poll_n(2);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 2);
	/* the target completes one and opens the window by 3 */
	fk.window = 4;
	fk_rsp(t[0].itt, 0, NULL, 0);
	poll_n(2);
	CHECK_EQ(t[0].state, ISCSI_TASK_DONE);
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(fk_find(ISCSI_OP_SCSI_CMD, i)->p.cmdsn, (uint32_t)(1 + i));
	CHECK_EQ(fk_find(ISCSI_OP_SCSI_CMD, 4)->p.itt, t[4].itt);
}

static void test_nop_in_answered(void)
{
	open_plain("");
	struct iscsi_pdu n = { .opcode = ISCSI_OP_NOP_IN, .flags = 0x80,
			       .itt = ISCSI_RESERVED_TAG, .ttt = 0x5555 };
	fk_seq(&n, 0);
	fk_send(&n, "ping1234x", 9);
	struct iscsi_pdu q = { .opcode = ISCSI_OP_NOP_IN, .flags = 0x80,
			       .itt = ISCSI_RESERVED_TAG, .ttt = ISCSI_RESERVED_TAG };
	fk_seq(&q, 0);
	fk_send(&q, NULL, 0);                         /* needs no answer */
	poll_n(2);
	CHECK_EQ(fk_count(ISCSI_OP_NOP_OUT), 1);
	struct fk_pdu *o = fk_find(ISCSI_OP_NOP_OUT, 0);
	CHECK(o != NULL);
	if (!o)
		return;
	CHECK_EQ(o->p.ttt, 0x5555);
	CHECK_EQ(o->p.itt, ISCSI_RESERVED_TAG);
	CHECK(o->p.immediate);
	CHECK_EQ(o->p.data_len, 9);
	CHECK(memcmp(fk_data(o), "ping1234x", 9) == 0);
	CHECK_EQ(iscsi_session_stats(S)->nops_answered, 1);
}

static void test_keepalive_and_dead_peer(void)
{
	open_plain("DefaultTime2Wait=0\0");
	fk.now += 10000000;                           /* idle for nop_interval */
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_NOP_OUT), 1);
	struct fk_pdu *o = fk_find(ISCSI_OP_NOP_OUT, 0);
	CHECK(o->p.itt != ISCSI_RESERVED_TAG);
	CHECK_EQ(o->p.ttt, ISCSI_RESERVED_TAG);
	CHECK_EQ(iscsi_session_stats(S)->nops_sent, 1);
	/* answered: fine */
	struct iscsi_pdu n = { .opcode = ISCSI_OP_NOP_IN, .flags = 0x80,
			       .itt = o->p.itt, .ttt = ISCSI_RESERVED_TAG };
	fk_seq(&n, 1);
	fk_send(&n, NULL, 0);
	poll_n(1);
	fk.now += 5000000;
	poll_n(1);
	CHECK_EQ(fk.connects, 1);
	/* next ping unanswered: the connection is declared dead */
	fk.now += 5000000;
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_NOP_OUT), 2);
	fk.now += 10000000;
	poll_n(1);
	CHECK_EQ(fk.connects, 2);
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 1);
}

static void test_reject(void)
{
	struct iscsi_task t;

	open_plain("");
	read_task(&t, 512);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 0);
	uint8_t hdr[48];
	memcpy(hdr, fk.tx + c->data_off - 48, 48);
	struct iscsi_pdu r = { .opcode = ISCSI_OP_REJECT, .flags = 0x80,
			       .itt = ISCSI_RESERVED_TAG, .response = ISCSI_REJECT_PROTOCOL_ERROR };
	fk_seq(&r, 1);
	fk_send(&r, hdr, 48);
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_DONE);
	CHECK_EQ(t.result, LL_EREJECT);
	CHECK_EQ(iscsi_session_stats(S)->rejects, 1);
	CHECK_EQ(fk.connects, 1);
}

/* Direct delivery only: a READ whose data and status were taken in place
 * completes, with its data, even when the connection fails before the
 * session's parser runs (sess_fail_conn finishes it first); nothing is
 * reissued for it. */
static void test_direct_status_then_drop(void)
{
	struct iscsi_task r;
	uint8_t d[4096];

	open_plain("DefaultTime2Wait=0\0");
	read_task(&r, sizeof(d));
	memset(buf, 0, sizeof(d));
	CHECK_EQ(iscsi_submit(S, &r), 0);
	poll_n(1);
	int cmds = fk_count(ISCSI_OP_SCSI_CMD);
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 5 + 1);
	fk.expcmdsn++;
	send_data_in(r.itt, 0, d, sizeof(d), 0x81, SAM_STAT_GOOD);
	fk.status = LL_ECONNRESET;    /* seen right after the poll took the frames */
	iscsi_poll(S);
	CHECK_EQ(r.state, ISCSI_TASK_DONE);
	CHECK_EQ(r.result, 0);
	CHECK_EQ(memcmp(buf, d, sizeof(d)), 0);
	CHECK_EQ(fk.direct_took, 48 + sizeof(d));
	poll_n(2);
	CHECK_EQ(fk.connects, 2);     /* the connection came back ... */
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), cmds); /* ... with nothing to resend */
	CHECK_EQ(iscsi_session_stats(S)->reissued, 0);
}

static void test_reconnect_reissue(void)
{
	struct iscsi_task r, w;

	open_plain("DefaultTime2Wait=2\0InitialR2T=Yes\0");
	uint8_t isid[6];
	memcpy(isid, fk_find(ISCSI_OP_LOGIN_REQ, 0)->p.isid, 6);
	read_task(&r, 4096);
	CHECK_EQ(iscsi_submit(S, &r), 0);
	write_task(&w, 20000);
	w.buf = buf + 32768;
	CHECK_EQ(iscsi_submit(S, &w), 0);
	poll_n(1);
	send_r2t(w.itt, 0x10, 8192, 11808);
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_DATA_OUT), 2);
	uint64_t t0 = fk.now;
	int nlog = fk.nlog;
	fk.status = LL_ECONNRESET;
	poll_n(1);
	CHECK_EQ(fk.connects, 2);
	CHECK(fk.now - t0 >= 2000000);                /* DefaultTime2Wait */
	struct fk_pdu *l = fk_find(ISCSI_OP_LOGIN_REQ, 2);
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK(memcmp(l->p.isid, isid, 6) == 0);
	CHECK_EQ(l->p.tsih, 0);
	poll_n(1);
	/* both reissued whole, in CmdSN order, with new CmdSNs */
	struct fk_pdu *c0 = NULL, *c1 = NULL;
	for (int i = nlog; i < fk.nlog; i++)
		if (fk.log[i].p.opcode == ISCSI_OP_SCSI_CMD) {
			if (!c0) c0 = &fk.log[i]; else if (!c1) c1 = &fk.log[i];
		}
	CHECK(c0 && c1);
	if (!c0 || !c1)
		return;
	CHECK_EQ(c0->p.itt, r.itt);
	CHECK_EQ(c1->p.itt, w.itt);
	CHECK_EQ(c1->p.data_len, 8192);               /* immediate data again */
	CHECK_EQ(c1->p.cmdsn, c0->p.cmdsn + 1);
	CHECK_EQ(c0->p.cmdsn, 3);
	CHECK_EQ(w.data_done, 8192);
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 1);
	CHECK_EQ(iscsi_session_stats(S)->reissued, 2);
	fk_rsp(w.itt, 0, NULL, 0);
	fk_data_in(r.itt, buf + 32768, 4096, 4096);
	poll_n(1);
	CHECK_EQ(r.result, 0);
	CHECK_EQ(w.result, 0);
	CHECK(memcmp(buf, buf + 32768, 4096) == 0);
}

static void test_digests(void)
{
	struct iscsi_task t;
	uint8_t d[1000];

	fk_reset();
	fk.op_text = "HeaderDigest=CRC32C\0DataDigest=CRC32C\0";
	fk.hd = fk.dd = 1;
	S = fk_open(ISCSI_DIGEST_PREFER);
	CHECK(S != NULL);
	if (!S)
		return;
	CHECK_EQ(iscsi_session_params(S)->header_digest, 1);
	CHECK_EQ(iscsi_session_params(S)->data_digest, 1);
	write_task(&t, 1000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	struct fk_pdu *c = fk_find(ISCSI_OP_SCSI_CMD, 0);
	CHECK(c && c->digest_ok);
	CHECK_EQ(c->p.data_len, 1000);
	fk_rsp(t.itt, 0, NULL, 0);
	read_task(&t, 1000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	memset(d, 0x5a, sizeof(d));
	send_data_in(t.itt, 0, d, 1000, 0x81, 0);
	poll_n(1);
	CHECK_EQ(t.result, 0);
	CHECK_EQ(buf[999], 0x5a);
	/* a flipped data byte: digest error, connection dropped, task reissued */
	read_task(&t, 1000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_data_in(t.itt, 0, d, 1000, 0x81, 0);
	fk.rx[fk.rx_len - 10] ^= 1;
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->digest_errors, 1);
	CHECK_EQ(fk.connects, 2);
	CHECK_EQ(t.state, ISCSI_TASK_ACTIVE);
	/* a flipped header byte */
	send_data_in(t.itt, 0, d, 1000, 0x81, 0);
	fk.rx[fk.rx_len - 1000 - 4 - 4 - 48 + 20] ^= 1;
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->digest_errors, 2);
	CHECK_EQ(fk.connects, 3);
}

static void test_bad_pdus(void)
{
	open_plain("");
	uint8_t junk[48];
	memset(junk, 0, sizeof(junk));
	junk[0] = 0x01;                               /* an initiator opcode */
	memcpy(fk.rx + fk.rx_len, junk, 48);
	fk.rx_len += 48;
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 1);
	CHECK_EQ(fk.connects, 2);
	junk[0] = 0x3c;                               /* unknown */
	memcpy(fk.rx + fk.rx_len, junk, 48);
	fk.rx_len += 48;
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 2);
	/* SCSI Response with a DataSegmentLength beyond our MaxRecvDSL */
	junk[0] = 0x21; junk[1] = 0x80; junk[5] = 0x10;
	memcpy(fk.rx + fk.rx_len, junk, 48);
	fk.rx_len += 48;
	poll_n(1);
	CHECK_EQ(iscsi_session_stats(S)->bad_pdus, 3);
	CHECK_EQ(fk.connects, 4);
}

static void test_fragmented_stream(void)
{
	struct iscsi_task t;
	uint8_t d[3000];

	open_plain("");
	fk.peek_chunk = 7;                            /* headers split across peeks */
	for (int i = 0; i < 3000; i++)
		d[i] = (uint8_t)(i ^ 0x5c);
	read_task(&t, 3000);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	send_data_in(t.itt, 0, d, 1000, 0, 0);
	send_data_in(t.itt, 1000, d + 1000, 2000, 0x81, 0);
	poll_n(1);
	CHECK_EQ(t.result, 0);
	CHECK(memcmp(buf, d, 3000) == 0);
}

static void test_redirect(void)
{
	fk_reset();
	fk.redirects = 1;
	fk.redirect_status = 0x0101;
	S = fk_open(ISCSI_DIGEST_NONE);
	CHECK(S != NULL);
	CHECK_EQ(fk.connects, 2);
	CHECK_EQ(fk.last_ip, 0x0a090901);
	CHECK_EQ(fk.last_port, 3261);
	CHECK_EQ(iscsi_session_stats(S)->redirects, 1);
	fk_reset();
	fk.redirects = 100;
	CHECK(fk_open(ISCSI_DIGEST_NONE) == NULL);
	CHECK_EQ(fk.connects, ISCSI_MAX_REDIRECTS + 1);
}

static void test_async_and_give_up(void)
{
	struct iscsi_task t;

	open_plain("DefaultTime2Wait=0\0");
	struct iscsi_pdu a = { .opcode = ISCSI_OP_ASYNC_MSG, .flags = 0x80,
			       .itt = ISCSI_RESERVED_TAG, .async_event = 2 };
	a.async_param[1] = 1;                         /* Time2Wait 1 s */
	fk_seq(&a, 1);
	fk_send(&a, NULL, 0);
	uint64_t t0 = fk.now;
	poll_n(1);
	CHECK_EQ(fk.connects, 2);
	CHECK(fk.now - t0 >= 1000000);
	CHECK_EQ(iscsi_session_stats(S)->async_msgs, 1);
	/* event 1: logout first, then a new login */
	int lo = fk_count(ISCSI_OP_LOGOUT_REQ);
	a.async_event = 1;
	fk_seq(&a, 1);
	fk_send(&a, NULL, 0);
	poll_n(1);
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), lo + 1);
	CHECK_EQ(fk.connects, 3);
	/* the target is gone: give up after reconnect_limit */
	read_task(&t, 512);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	fk.status = LL_ECONNRESET;
	fk.connect_error = LL_ECONNREFUSED;
	poll_n(1);
	CHECK_EQ(t.state, ISCSI_TASK_DONE);
	CHECK_EQ(t.result, LL_ESESSION);
	CHECK_EQ(iscsi_poll(S), LL_ESESSION);
	CHECK_EQ(iscsi_submit(S, &t), LL_ESESSION);
}

/* The target is unreachable: a wait returns LL_ETIMEDOUT by its own
 * deadline instead of sitting in the reconnect (Time2Wait 2 s, then up to
 * reconnect_limit_us); the outage goes on across waits (Time2Wait and the
 * 1 s between failed logins kept, each plus its jitter of lib/backoff.h),
 * and a later poll reconnects. */
static void test_wait_deadline_bounds_reconnect(void)
{
	struct iscsi_task t;
	uint64_t dl;

	open_plain("DefaultTime2Wait=2\0");
	read_task(&t, 512);
	CHECK_EQ(iscsi_submit(S, &t), 0);
	poll_n(1);
	fk.status = LL_ECONNRESET;
	fk.connect_error = LL_ECONNREFUSED;
	dl = fk.now + 500000;
	CHECK_EQ(iscsi_wait(S, &t, dl), LL_ETIMEDOUT);
	CHECK(fk.now <= dl);
	CHECK_EQ(fk.connects, 1);                   /* still in Time2Wait */
	dl = fk.now + 500000;
	CHECK_EQ(iscsi_wait_any(S, dl), LL_ETIMEDOUT);
	CHECK(fk.now <= dl);
	CHECK_EQ(fk.connects, 1);
	dl = fk.now + 2000000;                      /* Time2Wait (2..3 s with the
						     * jitter) ends inside */
	CHECK_EQ(iscsi_wait(S, &t, dl), LL_ETIMEDOUT);
	CHECK(fk.now <= dl);
	CHECK_EQ(fk.connects, 2);                   /* one refused login */
	CHECK_EQ(t.state, ISCSI_TASK_ACTIVE);
	fk.connect_error = 0;                       /* the target is back */
	uint64_t t0 = fk.now;
	CHECK_EQ(iscsi_poll(S), 0);
	CHECK_EQ(fk.connects, 3);
	CHECK(fk.now - t0 >= 1000000);              /* 1 s after the failed one */
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 1);
	CHECK_EQ(iscsi_session_stats(S)->reissued, 1);
	fk_rsp(t.itt, 0, NULL, 0);
	CHECK_EQ(iscsi_wait(S, &t, fk.now + 1000000), 0);
}

/* alt-portals: 10.0.0.1 dies for good with a read and a write in flight;
 * the refused login there moves the session to 10.0.0.2:3262, which logs
 * in and gets both commands again whole (same ITTs, new CmdSNs); the data
 * comes back right. Then 10.0.0.2 dies too and the list wraps to 10.0.0.1. */
static void test_portal_failover(void)
{
	struct iscsi_session_cfg c;
	struct iscsi_task r, w;

	fk_reset();
	fk.op_text = "DefaultTime2Wait=2\0InitialR2T=Yes\0";
	fk_cfg(&c);
	c.alt[0].ip = 0x0a000002;
	c.alt[0].port = 3262;
	c.n_alt = 1;
	ll_arena_init(&fk_arena, fk_arena_mem, sizeof(fk_arena_mem));
	CHECK_EQ(iscsi_session_open_xport(&S, &fk_ops, &fk, &c, &fk_arena,
					  fk.now + 5000000), 0);
	if (!S)
		return;
	CHECK_EQ(fk.last_ip, 0x0a000001);
	CHECK_EQ(iscsi_session_portal(S), 0);
	read_task(&r, 4096);
	CHECK_EQ(iscsi_submit(S, &r), 0);
	write_task(&w, 8192);
	w.buf = buf + 32768;
	CHECK_EQ(iscsi_submit(S, &w), 0);
	poll_n(1);
	int nlog = fk.nlog;
	fk.status = LL_ECONNRESET;
	fk.dead_ip[0] = 0x0a000001;
	uint64_t t0 = fk.now;
	poll_n(1);
	CHECK_EQ(fk.connects, 3);                 /* refused at 1, then 2 */
	CHECK_EQ(fk.last_ip, 0x0a000002);
	CHECK_EQ(fk.last_port, 3262);
	CHECK_EQ(iscsi_session_portal(S), 1);
	CHECK(fk.now - t0 >= 4000000);            /* Time2Wait 2 s, refused, 2 s */
	CHECK(fk.now - t0 < 6000000);             /* each plus < 1 s of jitter, not more */
	CHECK_EQ(iscsi_session_stats(S)->portal_moves, 1);
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 1);
	CHECK_EQ(iscsi_session_stats(S)->reissued, 2);
	struct fk_pdu *c0 = NULL, *c1 = NULL;
	for (int i = nlog; i < fk.nlog; i++)
		if (fk.log[i].p.opcode == ISCSI_OP_SCSI_CMD && fk.log[i].conn == 3) {
			if (!c0) c0 = &fk.log[i]; else if (!c1) c1 = &fk.log[i];
		}
	CHECK(c0 && c1);
	if (!c0 || !c1)
		return;
	CHECK_EQ(c0->p.itt, r.itt);
	CHECK_EQ(c1->p.itt, w.itt);
	CHECK_EQ(c1->p.cmdsn, c0->p.cmdsn + 1);
	CHECK_EQ(c1->p.data_len, 8192);           /* the write's data again */
	CHECK(memcmp(fk_data(c1), buf + 32768, 8192) == 0);
	fk_rsp(w.itt, 0, NULL, 0);
	for (uint32_t i = 0; i < 4096; i++)
		buf[40960 + i] = (uint8_t)(i ^ 0x5a);
	fk_data_in(r.itt, buf + 40960, 4096, 4096);
	poll_n(1);
	CHECK_EQ(r.result, 0);
	CHECK_EQ(w.result, 0);
	CHECK(memcmp(buf, buf + 40960, 4096) == 0);
	/* the second portal dies, the first is back: the list wraps */
	fk.dead_ip[0] = 0x0a000002;
	fk.status = LL_ECONNRESET;
	read_task(&r, 512);
	CHECK_EQ(iscsi_submit(S, &r), 0);
	poll_n(2);
	CHECK_EQ(fk.last_ip, 0x0a000001);
	CHECK_EQ(iscsi_session_portal(S), 0);
	CHECK_EQ(iscsi_session_stats(S)->portal_moves, 2);
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 2);
	CHECK_EQ(r.state, ISCSI_TASK_ACTIVE);
}

/* Both portals dead for good: the outage limit still ends the session
 * (rotation does not reset it), every task fails E58. A dead first portal
 * at open: the open moves on to the second at once. */
static void test_portals_all_dead(void)
{
	struct iscsi_session_cfg c;
	struct iscsi_task r;

	fk_reset();
	fk.op_text = "DefaultTime2Wait=2\0";
	fk_cfg(&c);
	c.alt[0].ip = 0x0a000002;
	c.n_alt = 1;
	c.reconnect_limit_us = 20000000;
	fk.dead_ip[0] = 0x0a000001;
	ll_arena_init(&fk_arena, fk_arena_mem, sizeof(fk_arena_mem));
	CHECK_EQ(iscsi_session_open_xport(&S, &fk_ops, &fk, &c, &fk_arena,
					  fk.now + 5000000), 0);
	if (!S)
		return;
	CHECK_EQ(fk.connects, 2);
	CHECK_EQ(fk.last_ip, 0x0a000002);
	CHECK_EQ(fk.last_port, 3260);
	CHECK_EQ(iscsi_session_portal(S), 1);
	read_task(&r, 512);
	CHECK_EQ(iscsi_submit(S, &r), 0);
	poll_n(1);
	fk.dead_ip[1] = 0x0a000002;
	fk.status = LL_ECONNRESET;
	uint64_t t0 = fk.now;
	CHECK_EQ(iscsi_poll(S), LL_ESESSION);
	CHECK(fk.now - t0 >= 20000000 && fk.now - t0 < 21000000);
	CHECK_EQ(r.result, LL_ESESSION);
	CHECK(iscsi_session_stats(S)->portal_moves >= 4); /* back and forth */
	/* both dead at open: the open fails with the refusal */
	fk_reset();
	fk.dead_ip[0] = 0x0a000001;
	fk.dead_ip[1] = 0x0a000002;
	ll_arena_init(&fk_arena, fk_arena_mem, sizeof(fk_arena_mem));
	S = NULL;
	CHECK_EQ(iscsi_session_open_xport(&S, &fk_ops, &fk, &c, &fk_arena,
					  fk.now + 5000000), LL_ECONNREFUSED);
	CHECK_EQ(fk.connects, 2);
}

static void test_logout(void)
{
	open_plain("");
	struct iscsi_pdu r = { .opcode = ISCSI_OP_LOGOUT_RSP, .flags = 0x80,
			       .itt = SESS_ITT_LOGOUT };
	fk_seq(&r, 1);
	fk_send(&r, NULL, 0);                         /* answer ready in the stream */
	CHECK_EQ(iscsi_session_close(S, fk.now + 1000000), 0);
	struct fk_pdu *l = fk_find(ISCSI_OP_LOGOUT_REQ, 0);
	CHECK(l != NULL);
	if (l)
		CHECK_EQ(l->p.flags, 0x80);               /* reason 0: close session */
	/* no answer: bounded */
	open_plain("");
	CHECK_EQ(iscsi_session_close(S, fk.now + 1000000), LL_ETIMEDOUT);
}

static void run_all(void)
{
	RUN(test_login);
	RUN(test_data_in_placement);
	RUN(test_data_in_out_of_bounds);
	RUN(test_data_in_duplicate);
	RUN(test_scsi_rsp_sense);
	RUN(test_r2t_data_out);
	RUN(test_unsolicited_data);
	RUN(test_unsolicited_write_fails);
	RUN(test_cmdsn_window);
	RUN(test_nop_in_answered);
	RUN(test_keepalive_and_dead_peer);
	RUN(test_reject);
	RUN(test_reconnect_reissue);
	RUN(test_portal_failover);
	RUN(test_portals_all_dead);
	RUN(test_digests);
	RUN(test_bad_pdus);
	RUN(test_fragmented_stream);
	RUN(test_redirect);
	RUN(test_async_and_give_up);
	RUN(test_wait_deadline_bounds_reconnect);
	RUN(test_logout);
}

int main(void)
{
	FK_RUN_BOTH("iscsi_session", run_all);
	RUN(test_direct_status_then_drop);
	return CHECK_DONE();
}
