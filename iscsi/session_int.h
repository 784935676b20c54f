/* iscsi/session_int.h - private state of an iSCSI session (shared by
 * session.c, session_rx.c, session_tx.c) and the transport seam through
 * which tests replace the TCP connection with a scripted peer. */
#ifndef ISCSI_SESSION_INT_H
#define ISCSI_SESSION_INT_H
#include <stdbool.h>
#include <stdint.h>
#include "iscsi/session.h"
#include "iscsi/login.h"
#include "iscsi/pdu.h"

#define SESS_AHS_MAX      256      /* AHS bytes we accept */
#define SESS_RX_DATA_MAX  8192     /* kept bytes of a non-Data-In segment */
#define SESS_PING_MAX     256      /* NOP-In ping data echoed back */
#define SESS_MAX_REISSUE  8        /* reissues of one task before it fails */
#define SESS_LOGOUT_WAIT_US 2000000u
#define SESS_IDLE_STEP_US  1000u   /* longest idle poll while tasks or a logout wait */
#define SESS_LOGIN_STEP_US 10000u  /* longest idle poll in login waits and Time2Wait */
#define SESS_TIME2WAIT_MAX 3600u   /* seconds (RFC 7143 13.15 range) */
#define SESS_LOGIN_TRY_US  10000000u /* one login try of a reconnect */
#define SESS_RETRY_MAX_S   5u      /* back-off between failed logins: 1, 2, 4, 5, 5.. s,
				    * each plus up to half again (lib/backoff.h) */
#define SESS_OUTAGE_NOTE_US 5000000u /* console line while an outage lasts */

/* Tags: task ITTs are (generation << 8 | slot), below 2^31. */
#define SESS_ITT_NOP      0x80000000u /* | sequence: our NOP-Out pings */
#define SESS_ITT_LOGIN    0xa0000000u
#define SESS_ITT_LOGOUT   0xc0000000u

struct iscsi_session;

/* What the session needs of a byte stream. The TCP one is in session.c;
 * unit tests plug in a scripted peer. */
struct iscsi_xport_ops {
	int (*connect)(struct iscsi_session *s, uint32_t ip, uint16_t port,
		       uint64_t deadline);
	void (*abort)(struct iscsi_session *s);
	int (*close)(struct iscsi_session *s, uint64_t deadline);
	long (*write)(struct iscsi_session *s, const void *d, size_t n);
	size_t (*tx_free)(struct iscsi_session *s);
	size_t (*peek)(struct iscsi_session *s, const uint8_t **d);
	void (*consume)(struct iscsi_session *s, size_t n);
	void (*flush)(struct iscsi_session *s);
	int (*status)(struct iscsi_session *s);   /* 0 alive, or LL_E* */
	int (*poll)(struct iscsi_session *s, uint32_t max_us); /* 0: no wait */
	uint64_t (*now)(struct iscsi_session *s);
};

/* Where the data segment of the PDU being received goes. */
enum sess_sink { SINK_NONE = 0, SINK_BUF, SINK_TASK };
enum sess_rx_phase { RX_HDR = 0, RX_DATA, RX_DDIGEST };

/* A pending R2T (or the unsolicited burst, with TTT 0xffffffff). */
struct sess_r2t {
	uint32_t off, len, ttt, datasn;
	bool live;
};

struct iscsi_session {
	const struct iscsi_xport_ops *xo;
	void *xctx;                        /* the fake transport's state */
	struct net_stack *ns;
	struct tcp_conn conn;
	uint8_t *tx_ring, *rx_ring;
	struct iscsi_session_cfg cfg;
	char target_name[ISCSI_NAME_MAX + 1], initiator_name[ISCSI_NAME_MAX + 1];
	char user[CHAP_NAME_MAX + 1], secret[CHAP_SECRET_MAX + 1];
	char ruser[CHAP_NAME_MAX + 1], rsecret[CHAP_SECRET_MAX + 1];

	/* where we log in: the configured portal, or a permanent redirect */
	uint32_t portal_ip;
	uint16_t portal_port;
	struct iscsi_portal portals[1 + ISCSI_ALT_PORTALS]; /* [0]: configured */
	uint8_t n_portals, portal_idx;     /* list length, the one in use */
	uint8_t isid[ISCSI_ISID_LEN];
	uint16_t tsih;
	struct iscsi_login *login;         /* from the arena */
	struct iscsi_params params;
	bool connected;                    /* full feature phase */
	int fatal;                         /* sticky: the session is given up */

	/* sequence numbers (RFC 7143 4.2.2) */
	uint32_t cmdsn, expcmdsn, maxcmdsn, expstatsn;

	/* tasks: slot table by ITT, send queue in submit order */
	struct iscsi_task *slot[ISCSI_MAX_TASKS];
	struct sess_r2t r2t[ISCSI_MAX_TASKS][2]; /* [0] current, [1] next */
	uint8_t reissues[ISCSI_MAX_TASKS];
	struct iscsi_task *q_head, *q_tail; /* QUEUED tasks, oldest first */
	uint32_t itt_gen;
	unsigned ntasks;                   /* slots in use */
	uint32_t completions, completions_seen; /* for iscsi_wait_any */

	/* receive state machine */
	enum sess_rx_phase rx_phase;
	uint8_t rx_hdr[ISCSI_BHS_LEN + SESS_AHS_MAX + ISCSI_DIGEST_LEN];
	uint32_t rx_have, rx_need;         /* bytes of the current part */
	struct iscsi_pdu rx_pdu;
	enum sess_sink rx_sink;
	struct iscsi_task *rx_task;        /* SINK_TASK target */
	uint32_t rx_seg;                   /* padded data bytes on the wire */
	uint32_t rx_crc;                   /* running data digest */
	uint8_t rx_ddig[ISCSI_DIGEST_LEN];
	uint8_t *rx_data;                  /* SESS_RX_DATA_MAX, from the arena */
	uint32_t rx_kept;                  /* bytes of the segment in rx_data */
	/* tasks whose last Data-In (with status) sess_rx_direct took whole:
	 * completed outside TCP's receive path by sess_rx_finish_direct */
	struct sess_done { struct iscsi_task *t; uint32_t itt; int result; }
		rx_done[ISCSI_MAX_TASKS];
	unsigned rx_done_n;

	/* keepalive */
	uint64_t last_rx;
	uint32_t nop_seq;
	bool nop_out_pending;              /* our ping awaits its NOP-In */
	uint64_t nop_deadline;
	uint8_t ping[SESS_PING_MAX];       /* a target ping awaiting our answer */
	uint32_t ping_len, ping_ttt;
	bool ping_owed;

	/* logout / reconnect */
	bool logout_wanted;                /* Async event 1 */
	bool logout_done;
	int drop_reason;                   /* nonzero: reconnect at next poll */
	uint32_t time2wait_s;              /* for the next reconnect */
	uint64_t fail_since;               /* first failure of this outage */
	uint64_t retry_at;                 /* next login attempt of this outage */
	uint32_t attempts;                 /* failed logins in this outage */
	uint32_t retry_seed;               /* jitter of the retry delays */
	uint64_t note_at;                  /* next "target unreachable" line */
	uint64_t outage_total;             /* us without a connection, finished outages */

	struct iscsi_stats st;
};

/* Open over a given transport (unit tests; iscsi_session_open uses TCP). */
int iscsi_session_open_xport(struct iscsi_session **out,
			     const struct iscsi_xport_ops *xo, void *xctx,
			     const struct iscsi_session_cfg *cfg,
			     struct ll_arena *arena, uint64_t deadline);

/* session_conn.c */
int sess_login(struct iscsi_session *s, uint64_t deadline);
/* Reconnect (Time2Wait, then login), bounded by the session's
 * reconnect_limit_us and by the caller's deadline: LL_ETIMEDOUT when the
 * deadline comes first (the outage goes on at the next call). */
int sess_reconnect(struct iscsi_session *s, uint64_t deadline);
int sess_setup(struct iscsi_session *s, const struct iscsi_session_cfg *cfg);
/* The first login: each portal in turn (the time left shared among the
 * portals not yet tried) until one logs in or an answer is final. */
int sess_login_first(struct iscsi_session *s, uint64_t deadline);
extern const struct iscsi_xport_ops sess_tcp_ops;

/* session.c */
void sess_requeue_all(struct iscsi_session *s);
void sess_fail_all(struct iscsi_session *s, int result);
void sess_fail_conn(struct iscsi_session *s, int reason);
void sess_task_done(struct iscsi_session *s, struct iscsi_task *t, int result);
struct iscsi_task *sess_task_by_itt(struct iscsi_session *s, uint32_t itt);
/* The task's slot in the table (from its ITT), or LL_ENOENT. */
int sess_slot_of(const struct iscsi_task *t);

/* session_tx.c */
int sess_send_pdu(struct iscsi_session *s, const struct iscsi_pdu *p,
		  const uint8_t *data, uint32_t data_len);
int sess_tx_step(struct iscsi_session *s);
int sess_send_nop_out(struct iscsi_session *s, uint32_t itt, uint32_t ttt,
		      const uint8_t *data, uint32_t len);
int sess_send_logout(struct iscsi_session *s);
void sess_task_reset(struct iscsi_session *s, struct iscsi_task *t);

/* session_rx.c */
int sess_rx_step(struct iscsi_session *s);
/* The transport's in-order reader (tcp_conn.rx_direct): Data-In payload
 * straight into its task's buffer, nothing else; bytes taken. */
size_t sess_rx_direct(void *ctx, const uint8_t *d, size_t n);
/* Complete the tasks sess_rx_direct finished (sess_rx_step and
 * sess_fail_conn do this first). */
void sess_rx_finish_direct(struct iscsi_session *s);
void sess_rx_reset(struct iscsi_session *s);
void sess_note_seq(struct iscsi_session *s, const struct iscsi_pdu *p,
		   bool status_pdu);

#endif
