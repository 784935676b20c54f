/* tests/fuzz/fuzz_session.c - libFuzzer target for a logged-in session's
 * receive path: the input is the target's byte stream to a session with a
 * READ, a parked read-ahead and a WRITE in flight, read through the ring
 * or offered first to sess_rx_direct in pieces (as TCP does). No input may
 * crash it, write past a task's buffer or claim more data than asked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/iscsi_fake.h"

#define RD_LEN 16384u
#define RA_LEN 8192u
#define WR_LEN 4096u

static struct iscsi_task rd, ra, wr;
static uint8_t *rd_buf, *ra_buf, *wr_buf;   /* exact sizes: ASan sees overruns */

static void task(struct iscsi_task *t, uint8_t op, enum iscsi_dir dir,
		 uint8_t *buf, uint32_t len)
{
	memset(t, 0, sizeof(*t));
	t->cdb[0] = op;
	t->cdb_len = 10;
	t->dir = dir;
	t->buf = buf;
	t->xfer_len = len;
}

/* A Data-In header for rd (so the fuzzer starts past header checks). */
static void lead_in(uint32_t len, uint8_t flags)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_DATA_IN, .flags = flags,
			       .itt = rd.itt, .ttt = ISCSI_RESERVED_TAG };
	uint8_t *o = fk.rx + fk.rx_len;

	fk_seq(&p, flags & ISCSI_DATA_STATUS);
	p.data_len = len;
	iscsi_pdu_encode(&p, o);
	fk.rx_len += ISCSI_BHS_LEN;
}

static void check_task(const struct iscsi_task *t)
{
	if (t->dir == ISCSI_DIR_READ && t->data_done > t->xfer_len)
		abort();
	if (t->state == ISCSI_TASK_DONE && t->result == 0 && t->scsi_status != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct iscsi_session *s;
	uint8_t mode;

	(void)fk_find;                          /* the fake's helpers for tests */
	(void)fk_count;
	if (len < 1 || len > (1u << 20))
		return 0;
	if (!rd_buf) {
		rd_buf = malloc(RD_LEN);
		ra_buf = malloc(RA_LEN);
		wr_buf = calloc(1, WR_LEN);
	}
	mode = in[0];
	in++, len--;
	fk_direct_seg = (mode & 3) == 0 ? 0 : (mode & 3) == 1 ? 1 : (mode & 3) == 2 ? 48 : 1448;
	fk_reset();
	s = fk_open(ISCSI_DIGEST_NONE);
	if (!s)
		abort();
	task(&rd, 0x28, ISCSI_DIR_READ, rd_buf, RD_LEN);
	task(&ra, 0x28, ISCSI_DIR_READ, NULL, RA_LEN);
	ra.hold = ISCSI_HOLD_PARK;
	task(&wr, 0x2a, ISCSI_DIR_WRITE, wr_buf, WR_LEN);
	if (iscsi_submit(s, &rd) || iscsi_submit(s, &ra) || iscsi_submit(s, &wr))
		abort();
	iscsi_poll(s);                          /* commands out */
	if (mode & 4)        /* the first half its data, the rest what follows */
		lead_in((uint32_t)(len / 2 < RD_LEN ? len / 2 & ~3u : RD_LEN),
			mode & 8 ? 0x81 : 0);
	memcpy(fk.rx + fk.rx_len, in, len);
	fk.rx_len += len;
	for (int i = 0; i < 4; i++)
		iscsi_poll(s);
	if (ra.state == ISCSI_TASK_ACTIVE)     /* the next call names it, or not */
		iscsi_task_bind(s, &ra, mode & 16 ? ra_buf : NULL);
	for (int i = 0; i < 4; i++)
		iscsi_poll(s);
	check_task(&rd);
	check_task(&ra);
	check_task(&wr);
	return 0;
}
