/* tests/unit/test_outage.c - a target outage during an INT 13h read, through
 * the real block device and iSCSI session on the fake transport and clock:
 * 40 s and 170 s outages are invisible to the caller (data right, one
 * reconnect, console lines while waiting); 200 s ends in E58 just after
 * the 180 s default limit; outage-limit moves that bound. */
#include "tests/lib/check.h"
#include "tests/lib/outage_fake.h"
#include "boot/int13.h"
#include "boot/int13_proto.h"
#include "iscsi/blockdev.h"
#include "lib/backoff.h"

#define NBLK 8192                       /* 4 MiB: 16 READs of 256 KiB */
#define SEC 1000000ull
static uint8_t store[NBLK * 512];
static uint8_t buf[NBLK * 512];
static struct blockdev B;
static struct iscsi_session *S;
static struct int13_ctx IC;

/* The fake disk with a pattern, a session on the outage transport, the
 * LUN open, and an INT 13h context on it. */
static int setup(uint32_t limit_us)
{
	fk_reset();
	fk.op_text = "MaxBurstLength=262144\0";
	fk.disk = 1;
	fk.blocks = store;
	fk.nblocks = NBLK;
	fk.bsize = 512;
	fk.cap_last = NBLK - 1;
	for (size_t i = 0; i < sizeof(store); i++)
		store[i] = (uint8_t)(i * 31 + (i >> 9));
	S = fo_open(limit_us);
	if (!S || blk_open(&B, S, fk.now + 10 * SEC))
		return -1;
	memset(&IC, 0, sizeof(IC));
	IC.dev = &B.dev;
	memset(buf, 0xee, sizeof(buf));
	return 0;
}

/* An outage of len_us after 1 MiB of the read: the read still returns
 * the disk's data, the session reconnected once, soon after the target
 * came back, and the console said what lifeline was waiting for. */
static void ride_out(uint64_t len_us)
{
	CHECK_EQ(setup(0), 0);
	fo_arm(1u << 20, len_us);
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 0, NBLK, buf), 0);
	CHECK(memcmp(buf, store, sizeof(buf)) == 0);
	CHECK(fo.began != 0);                          /* the outage happened */
	CHECK(fk.now >= fo.until);
	/* back-off cap, plus its jitter (lib/backoff.h) */
	CHECK(fk.now - fo.until <= SESS_RETRY_MAX_S * SEC * 3 / 2 + SEC);
	CHECK_EQ(iscsi_session_stats(S)->reconnects, 1);
	CHECK(fo.refused >= 4);
	CHECK(blk_outage_us(&B.dev) >= len_us);
	/* a line every 5 s while waiting, and the end of it */
	CHECK(fo_count("iscsi: target unreachable for ") >= (int)(len_us / (5 * SEC)) - 1);
	CHECK(fo_count("iscsi: target unreachable for ") <= (int)(len_us / (5 * SEC)) + 1);
	CHECK_EQ(fo_count("iscsi: reconnected after "), 1);
	CHECK_EQ(fo_count("giving up"), 0);
	/* the next call is served as usual */
	memset(buf, 0, 4096);
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 100, 8, buf), 0);
	CHECK(memcmp(buf, store + 100 * 512, 4096) == 0);
	iscsi_session_close(S, fk.now + SEC);
}

static void test_outage_40s_invisible(void) { ride_out(40 * SEC); }
static void test_outage_170s_invisible(void) { ride_out(170 * SEC); }

/* Past the limit: E58 (session lost) soon after it, never success; the
 * session stays given up, later calls fail at once with the same code. */
static void give_up(uint32_t limit_us, uint64_t len_us, uint64_t want_limit)
{
	uint64_t t;

	CHECK_EQ(setup(limit_us), 0);
	fo_arm(1u << 20, len_us);
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 0, NBLK, buf), LL_ESESSION);
	CHECK(fk.now - fo.began >= want_limit);
	CHECK(fk.now - fo.began <= want_limit + SEC);
	CHECK(fk.now < fo.until);                      /* before the target returned */
	CHECK_EQ(fo_count("giving up on the session E58"), 1);
	CHECK_EQ(fo_count("iscsi: reconnected after "), 0);
	t = fk.now;
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 0, 8, buf), LL_ESESSION);
	CHECK(fk.now - t < SEC);
}

static void test_outage_200s_fails_after_limit(void)
{
	give_up(0, 200 * SEC, ISCSI_RECONNECT_LIMIT_US);
	CHECK_EQ(ISCSI_RECONNECT_LIMIT_US, 180 * SEC);
}

/* outage-limit=60 (what attach passes as reconnect_limit_us). */
static void test_outage_limit_setting(void)
{
	give_up(60 * SEC, 70 * SEC, 60 * SEC);
	CHECK_EQ(setup(60 * SEC), 0);
	fo_arm(1u << 20, 50 * SEC);
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 0, NBLK, buf), 0);
	CHECK(memcmp(buf, store, sizeof(buf)) == 0);
}

/* A target that hangs (commands unanswered, connection up), then
 * restarts: the per-command limit (30 s) resets the connection before
 * INT 13h's own limit, and the outage that follows is waited for. */
static void test_hung_target_then_back(void)
{
	uint64_t t0;

	CHECK_EQ(setup(0), 0);
	CHECK(INT13_IO_TIMEOUT_US > ISCSI_IO_TIMEOUT_US);
	fk.disk = 0;
	fo.hung = 1;
	t0 = fk.now;
	fo.until = t0 + 45 * SEC;                      /* back 45 s from now */
	CHECK_EQ(int13_disk_io(&IC, BLK_READ, 0, NBLK, buf), 0);
	CHECK(memcmp(buf, store, sizeof(buf)) == 0);
	CHECK(fk.now - t0 >= 45 * SEC);
	CHECK(fo_count("timed out") >= 1);
	CHECK_EQ(fo_count("iscsi: reconnected after "), 1);
}

/* The whole INT 13h call (AH=42h, 127 blocks into 3000:0000 of a fake
 * base memory): a 40 s outage gives AH=0, CF clear and the disk's data;
 * a 200 s one AH=20h (controller failure: E58 mapped), CF set. */
static uint8_t basemem[0x100000];
static void *base_map(void *c, uint64_t lin, uint64_t len)
{
	(void)c;
	return lin > sizeof(basemem) || len > sizeof(basemem) - lin ? NULL : basemem + lin;
}

static struct rm_regs edd_read(uint64_t lba)
{
	struct rm_regs r;
	uint8_t *d = basemem + 0x600;

	memset(d, 0, 16);
	d[0] = 16;
	d[2] = 127;                                    /* blocks */
	d[6] = 0x00; d[7] = 0x30;                      /* 3000:0000 */
	for (int i = 0; i < 8; i++)
		d[8 + i] = (uint8_t)(lba >> (8 * i));
	memset(&r, 0, sizeof(r));
	r.eax = 0x4200;
	r.edx = 0x80;
	r.esi = 0x600;
	int13_dispatch(&IC, &r);
	return r;
}

static void edd_case(uint64_t len_us, uint8_t want_ah)
{
	struct rm_regs r;

	CHECK_EQ(setup(0), 0);
	memset(basemem, 0, sizeof(basemem));
	IC.mem.map = base_map;
	CHECK_EQ(int13_setup(&IC, &B.dev, 0x80), 0);
	fo_arm(16u << 10, len_us);                     /* 16 KiB into the call */
	r = edd_read(200);
	CHECK(fo.began != 0);                          /* the outage happened */
	CHECK_EQ((r.eax >> 8) & 0xff, want_ah);
	CHECK_EQ(!!(r.flags & RM_CF), want_ah != 0);
	if (!want_ah)
		CHECK(memcmp(basemem + 0x30000, store + 200 * 512, 127 * 512) == 0);
}

static void test_int13_call_outage(void)
{
	edd_case(40 * SEC, 0);
	edd_case(200 * SEC, INT13_E_CONTROLLER);
}

/* A boot storm's reconnect: 16 clients (different MACs, the same clock)
 * lose the target at the same instant for 20 s. Each rides it out as
 * alone (data right, one reconnect, within the cap after the target is
 * back), and at each of the first 3 retries their connect times spread
 * over most of the jitter window (without jitter all would be equal). */
#define STORM_N 16
static void test_storm_retries_spread(void)
{
	uint64_t at[STORM_N][3];
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x79, 0x00, 0x10 };

	for (unsigned i = 0; i < STORM_N; i++) {
		mac[5] = (uint8_t)(0x10 + i);
		fk_reset();                                /* the same clock for all */
		fo_retry_seed = ll_jitter_seed(mac, 6, fk.now);
		ride_out(20 * SEC);
		CHECK(fo.nconn >= 4);
		for (unsigned k = 0; k < 3; k++)
			at[i][k] = fo.conn_at[k] - fo.began;
	}
	fo_retry_seed = 0;
	for (unsigned k = 0; k < 3; k++) {
		uint64_t lo = ~0ull, hi = 0, prev_lo = k ? ~0ull : 0;
		for (unsigned i = 0; i < STORM_N; i++) {
			lo = at[i][k] < lo ? at[i][k] : lo;
			hi = at[i][k] > hi ? at[i][k] : hi;
			if (k)
				prev_lo = at[i][k - 1] < prev_lo ? at[i][k - 1] : prev_lo;
		}
		/* Time2Wait 2 s: each wait is 2..3 s, the spread grows */
		CHECK(lo >= prev_lo + 2 * SEC);
		CHECK(hi - lo >= SEC / 2);
		CHECK(hi <= (k + 1) * 3 * SEC + SEC);
	}
}

int main(void)
{
	check_suite = "outage";
	(void)fk_open;                                 /* fo_open instead */
	(void)fk_find;
	(void)fk_count;
	RUN(test_outage_40s_invisible);
	RUN(test_outage_170s_invisible);
	RUN(test_outage_200s_fails_after_limit);
	RUN(test_outage_limit_setting);
	RUN(test_hung_target_then_back);
	RUN(test_int13_call_outage);
	RUN(test_storm_retries_spread);
	return CHECK_DONE();
}
