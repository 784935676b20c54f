/* iscsi/session.h - one iSCSI session over one polled TCP connection
 * (RFC 7143, ERL 0): login (with redirects), SCSI tasks within the CmdSN
 * window, immediate and unsolicited data, R2T/Data-Out, Data-In, NOP,
 * Async, Reject, Logout, and reconnect-and-reissue after a lost connection. */
#ifndef ISCSI_SESSION_H
#define ISCSI_SESSION_H
#include <stdint.h>
#include <stddef.h>
#include "net/net.h"
#include "iscsi/login.h"
#include "lib/alloc.h"

#define ISCSI_MAX_TASKS      64   /* tasks in flight at once */
#define ISCSI_MAX_REDIRECTS  4
#define ISCSI_SENSE_MAX      32

enum iscsi_dir { ISCSI_DIR_NONE = 0, ISCSI_DIR_READ, ISCSI_DIR_WRITE };

struct iscsi_task;
typedef void (*iscsi_done_fn)(void *ctx, struct iscsi_task *t);

/* A SCSI command; the caller owns it until its done callback ran. */
struct iscsi_task {
	/* filled by the caller */
	uint8_t cdb[16];
	uint8_t cdb_len;
	enum iscsi_dir dir;
	uint8_t *buf;            /* data in or out */
	uint32_t xfer_len;       /* expected data transfer length */
	iscsi_done_fn done;      /* may be NULL: poll t->state instead */
	void *ctx;
	uint8_t hold;            /* ISCSI_HOLD_*: a READ with no buffer yet */
	/* results, valid once state == ISCSI_TASK_DONE */
	int result;              /* 0, LL_ESCSI (see sense), or another error */
	uint8_t scsi_status;
	uint8_t sense[ISCSI_SENSE_MAX];
	uint8_t sense_len;
	uint32_t residual;       /* under-run bytes */
	/* session-private */
	int state;
	uint32_t itt, cmdsn;
	uint32_t data_done;      /* Data-In bytes placed / Data-Out bytes sent */
	uint32_t r2t_off, r2t_len, r2t_ttt; /* the R2T being answered */
	int r2t_pending;
	uint64_t deadline;
	struct iscsi_task *next;
};

enum { ISCSI_TASK_FREE = 0, ISCSI_TASK_QUEUED, ISCSI_TASK_ACTIVE, ISCSI_TASK_DONE };
/* A read-ahead: a READ submitted with hold = ISCSI_HOLD_PARK and no buffer.
 * Its Data-In waits in the transport (and the stream behind it) until
 * iscsi_task_bind names the buffer; bound to NULL, its data is dropped
 * (ISCSI_HOLD_DROP). */
enum { ISCSI_HOLD_NONE = 0, ISCSI_HOLD_PARK, ISCSI_HOLD_DROP };

enum iscsi_digest_pref { ISCSI_DIGEST_NONE = 0, ISCSI_DIGEST_PREFER, ISCSI_DIGEST_REQUIRE };

/* Further portals of the same target (setting alt-portals): a login that
 * fails at the portal in use moves to the next one, in order, wrapping. */
#define ISCSI_ALT_PORTALS 3
struct iscsi_portal {
	uint32_t ip;                 /* host order */
	uint16_t port;               /* 0: 3260 */
};

struct iscsi_session_cfg {
	uint32_t target_ip;          /* host order */
	uint16_t target_port;        /* 0: 3260 */
	const char *target_name;
	const char *initiator_name;
	const char *username, *password;                 /* NULL: no CHAP */
	const char *reverse_username, *reverse_password; /* mutual CHAP */
	uint8_t lun[8];              /* SAM LUN */
	enum iscsi_digest_pref digest;
	uint32_t io_timeout_us;      /* per command, before the session is reset;
				      * 0: ISCSI_IO_TIMEOUT_US */
	uint32_t nop_interval_us;    /* our NOP-Out keepalive when idle;
				      * 0: ISCSI_NOP_INTERVAL_US */
	uint32_t reconnect_limit_us; /* an outage (from the lost connection
				      * to the next login) longer than this
				      * gives the session up (setting
				      * outage-limit); 0: ISCSI_RECONNECT_LIMIT_US */
	uint32_t tx_ring, rx_ring;   /* TCP ring sizes (powers of two); 0: 1 MiB */
	struct iscsi_portal alt[ISCSI_ALT_PORTALS]; /* after target_ip:port */
	uint8_t n_alt;               /* entries of alt[] used */
	uint32_t retry_seed;         /* jitters the reconnect delays (lib/backoff.h,
				      * from the MAC and clock); 0: from the ISID */
	bool no_direct;              /* tests: Data-In always through TCP's ring
				      * (default: from the frame into the task's
				      * buffer where it can, sess_rx_direct) */
};

/* Defaults of the timing fields above, in microseconds. */
#define ISCSI_IO_TIMEOUT_US      30000000u /* 30 s */
#define ISCSI_NOP_INTERVAL_US    10000000u /* 10 s */
#define ISCSI_RECONNECT_LIMIT_US 180000000u /* 180 s */

/* The session context (one per LUN connection). Its fields are private to
 * iscsi/session*.c; callers only use the functions below and read st. */
struct iscsi_session;

struct iscsi_stats {
	uint64_t cmds, bytes_in, bytes_out, nops_answered, nops_sent,
		 async_msgs, rejects, reconnects, reissued, digest_errors,
		 redirects, bad_pdus, portal_moves;
};

/* Connect and log in (following at most ISCSI_MAX_REDIRECTS redirects).
 * Buffers come from arena (taken once; nothing allocated later).
 * Errors: LL_EAUTH, LL_ENOTARGET, LL_EREDIRECT, LL_ENEGOTIATE, LL_ELOGIN,
 * LL_ETIMEDOUT, LL_ECONNREFUSED, LL_EHOSTUNREACH, LL_ENOMEM. */
int iscsi_session_open(struct iscsi_session **out, struct net_stack *ns,
		       const struct iscsi_session_cfg *cfg,
		       struct ll_arena *arena, uint64_t deadline);
/* Queue a task (non-blocking); it is sent as soon as the CmdSN window and
 * the connection allow. LL_EBUSY when ISCSI_MAX_TASKS are in flight. */
int iscsi_submit(struct iscsi_session *s, struct iscsi_task *t);
/* One step: poll the network, parse PDUs, send what is queued, run
 * timers (NOP, per-task deadlines, reconnect). Returns 0 or the session's
 * fatal error (after reconnecting failed). A reconnect runs inside this
 * call (Time2Wait, then login; bounded by cfg->reconnect_limit_us). */
int iscsi_poll(struct iscsi_session *s);
/* Poll until t is done or deadline; returns t->result or LL_ETIMEDOUT.
 * A reconnect inside stops at deadline too (and goes on at the next
 * poll or wait, its Time2Wait and reconnect_limit_us kept). */
int iscsi_wait(struct iscsi_session *s, struct iscsi_task *t, uint64_t deadline);
/* Poll until any task completes (or at once if one completed since the
 * last call) or deadline; returns 0, the session's fatal error, or
 * LL_ETIMEDOUT. */
int iscsi_wait_any(struct iscsi_session *s, uint64_t deadline);
/* Withdraw a task that is not done (e.g. its caller's deadline passed):
 * it completes at once with result err; later PDUs for it are dropped. */
void iscsi_cancel(struct iscsi_session *s, struct iscsi_task *t, int err);
/* The ISID used on every login of this session (for the iBFT). */
const uint8_t *iscsi_session_isid(const struct iscsi_session *s);
/* The portal logins go to now (0: target_ip:port, 1..: alt[i-1]). */
unsigned iscsi_session_portal(const struct iscsi_session *s);
/* Tasks not yet done. */
unsigned iscsi_inflight(const struct iscsi_session *s);
/* Give a parked READ its buffer (xfer_len bytes), or drop its data (buf
 * NULL: it completes when its status comes, its bytes skipped). Its
 * deadline starts again: the caller may have been away a long time. Call
 * before the next poll. */
void iscsi_task_bind(struct iscsi_session *s, struct iscsi_task *t, uint8_t *buf);
/* Microseconds the session has spent without a connection since it
 * opened: every finished outage plus the one going on (monotonic), so
 * callers can keep a reconnect out of their own deadlines. */
uint64_t iscsi_outage_us(struct iscsi_session *s);
/* The session's clock (microseconds), for callers' deadlines. */
uint64_t iscsi_session_now(struct iscsi_session *s);
/* Logout (bounded) and close the connection. */
int iscsi_session_close(struct iscsi_session *s, uint64_t deadline);
const struct iscsi_stats *iscsi_session_stats(const struct iscsi_session *s);
/* Negotiated parameters, for messages and tests. */
const struct iscsi_params *iscsi_session_params(const struct iscsi_session *s);

#endif
