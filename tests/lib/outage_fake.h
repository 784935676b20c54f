/* tests/lib/outage_fake.h - a target outage on the fake iSCSI transport
 * (tests/lib/iscsi_fake.h): once armed, the connection breaks after a given
 * number of received bytes and every connect is refused until the outage
 * has lasted its length in fake time; the target then reports a reset
 * (UNIT ATTENTION) as tgtd does after a restart. Console lines are kept. */
#ifndef TESTS_LIB_OUTAGE_FAKE_H
#define TESTS_LIB_OUTAGE_FAKE_H
#include "tests/lib/iscsi_fake.h"
#include "lib/print.h"

struct outage {
	int armed;
	uint64_t trigger;          /* received bytes before the break */
	uint64_t rx;               /* received bytes so far */
	uint64_t len_us;           /* how long the target stays away */
	uint64_t began, until;     /* fake time of the break and of its end */
	int refused;               /* connects refused */
	int hung;                  /* the disk answers nothing until the next
				    * connect (a hung target that restarts) */
	uint64_t conn_at[32];      /* fake times of the connects since the break */
	int nconn;
	char console[65536];
	size_t con_len;
};

static struct outage fo;
static uint32_t fo_retry_seed;     /* the next fo_open's cfg.retry_seed */

static void fo_console(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n > sizeof(fo.console) - 1 - fo.con_len)
		n = sizeof(fo.console) - 1 - fo.con_len;
	memcpy(fo.console + fo.con_len, s, n);
	fo.con_len += n;
	fo.console[fo.con_len] = 0;
}

/* Break the connection once trigger more bytes came in; away len_us. */
static void fo_arm(uint64_t trigger, uint64_t len_us)
{
	fo.armed = 1;
	fo.trigger = fo.rx + trigger;
	fo.len_us = len_us;
	fo.refused = 0;
	fo.con_len = 0;
	fo.console[0] = 0;
}

static int fo_connect(struct iscsi_session *s, uint32_t ip, uint16_t port, uint64_t dl)
{
	int rc = fk_connect(s, ip, port, dl);

	if (fo.began && fo.nconn < 32)
		fo.conn_at[fo.nconn++] = fk.now;
	if (!rc && fo.until && fk.now < fo.until) {
		fo.refused++;
		return LL_ECONNREFUSED;
	}
	if (!rc && fo.hung) {
		fo.hung = 0;
		fk.disk = 1;
	}
	return rc;
}

static size_t fo_peek(struct iscsi_session *s, const uint8_t **d)
{
	if (fk.status)             /* a dead connection delivers nothing more */
		return 0;
	return fk_peek(s, d);
}

static void fo_consume(struct iscsi_session *s, size_t n)
{
	fk_consume(s, n);
	fo.rx += n;
	if (fo.armed && fo.rx >= fo.trigger) {
		fo.armed = 0;
		fo.began = fk.now;
		fo.until = fk.now + fo.len_us;
		fk.status = LL_ECONNRESET;
		fk.rw_ua_pending = 1;   /* the new nexus hears of the reset */
	}
}

static const struct iscsi_xport_ops fo_ops = {
	fo_connect, fk_abort, fk_close, fk_write, fk_tx_free, fo_peek,
	fo_consume, fk_flush, fk_status, fk_poll, fk_now,
};

/* A session on the outage transport (reconnect_limit_us 0: the default). */
static struct iscsi_session *fo_open(uint32_t reconnect_limit_us)
{
	struct iscsi_session_cfg c;
	struct iscsi_session *s = NULL;

	memset(&fo, 0, sizeof(fo));
	ll_console_set(fo_console, NULL);
	fk_cfg(&c);
	c.reconnect_limit_us = reconnect_limit_us;
	c.retry_seed = fo_retry_seed;
	ll_arena_init(&fk_arena, fk_arena_mem, sizeof(fk_arena_mem));
	if (iscsi_session_open_xport(&s, &fo_ops, &fk, &c, &fk_arena, fk.now + 5000000))
		return NULL;
	return s;
}

/* Lines of the console that contain needle. */
static int fo_count(const char *needle)
{
	int n = 0;

	for (const char *p = fo.console; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

#endif
