/* iscsi/login.h - the iSCSI login phase (RFC 7143 sections 6.3, 11.12,
 * 11.13) as a network-free state machine: it produces each Login Request
 * (BHS + text) and consumes each Login Response, through the security
 * stage (None or CHAP, one-way or mutual), the operational stage and into
 * the full feature phase. The session layer moves the bytes over TCP. */
#ifndef ISCSI_LOGIN_H
#define ISCSI_LOGIN_H
#include <stdbool.h>
#include <stdint.h>
#include "iscsi/chap.h"
#include "iscsi/negotiate.h"
#include "iscsi/pdu.h"
#include "iscsi/text.h"

/* Data segment of one Login PDU: 8192 is every side's
 * MaxRecvDataSegmentLength until the login is over. */
#define LOGIN_PDU_DATA_MAX  ISCSI_MRDSL_DEFAULT
/* Login Request/Response exchanges before we give up (T=0 rounds and
 * continuations included): a target can't keep us in login forever. */
#define LOGIN_MAX_ROUNDS    32

struct login_settings {
	const char *ls_initiator_name;   /* IQN, required */
	const char *ls_target_name;      /* required unless discovery */
	uint8_t ls_isid[ISCSI_ISID_LEN]; /* keep stable across reconnects */
	uint16_t ls_tsih;                /* 0: new session */
	uint16_t ls_cid;
	uint32_t ls_itt;
	uint32_t ls_cmdsn;               /* CmdSN of every Login Request */
	uint32_t ls_expstatsn;           /* for the first request */
	const char *ls_username;         /* CHAP name/secret; NULL: no CHAP */
	const char *ls_password;
	const char *ls_reverse_username; /* set both for mutual CHAP */
	const char *ls_reverse_password;
	uint64_t ls_chap_seed;           /* seeds our mutual CHAP challenge */
	struct neg_settings ls_neg;      /* digests, lengths, discovery */
};

enum login_step {
	LOGIN_SEC_START = 0,     /* first request not yet answered */
	LOGIN_SEC_CHAP_A,        /* sent CHAP_A, awaiting CHAP_I/CHAP_C */
	LOGIN_SEC_CHAP_R,        /* sent CHAP_R, awaiting transit (+ mutual) */
	LOGIN_SEC_AUTHED,        /* authenticated, awaiting transit */
	LOGIN_OPERATIONAL,
	LOGIN_FULL_FEATURE,
	LOGIN_FAILED,
};

/* What login_rx asks of the caller next. */
enum login_next {
	LOGIN_SEND = 1,          /* call login_tx and send that PDU */
	LOGIN_DONE = 2,          /* full feature phase; read lg_params */
	LOGIN_REDIRECTED = 3,    /* reconnect to lg_redirect_ip/port */
};

struct iscsi_login {
	struct login_settings lg_set;
	enum login_step lg_step;
	unsigned lg_csg;                 /* current stage */
	bool lg_transit;                 /* T bit we want in our next request */
	unsigned lg_nsg;
	int lg_rounds;

	/* outgoing text; may take several PDUs (C bit). Twice the incoming
	 * bound: "X=NotUnderstood" answers outgrow the keys they answer. */
	char lg_tx[2 * TEXT_BUF_MAX];
	size_t lg_tx_len, lg_tx_off;
	/* incoming text reassembly; lg_rx_more: the target has more (C=1) */
	struct text_rx lg_rx;
	bool lg_rx_more;

	/* sequence numbers as of the last response */
	uint32_t lg_cmdsn, lg_expstatsn, lg_expcmdsn, lg_maxcmdsn;
	uint16_t lg_tsih;

	/* CHAP */
	struct chap_prng lg_prng;
	bool lg_auth_offered_none;       /* AuthMethod list held None */
	bool lg_mutual;
	bool lg_authed;
	bool lg_chap_a_sent;
	bool lg_have_a, lg_have_i, lg_have_c;
	uint8_t lg_chap_id;
	uint8_t lg_chap_c[ISCSI_CHAP_CHALLENGE_MAX];
	size_t lg_chap_c_len;
	uint8_t lg_our_id;
	uint8_t lg_our_chal[CHAP_OUR_CHAL_LEN];

	struct iscsi_neg lg_neg;
	struct iscsi_params lg_params;   /* valid after LOGIN_DONE */

	uint16_t lg_status;              /* last class << 8 | detail */
	uint32_t lg_redirect_ip;         /* after LOGIN_REDIRECTED */
	uint16_t lg_redirect_port;
	int lg_error;                    /* sticky once failed */
};

/* Check settings and prepare the first request. LL_ESETTING for a missing
 * initiator/target name, a password without a user name (or the reverse
 * pair without the forward one), or over-long secrets. */
int login_init(struct iscsi_login *l, const struct login_settings *s);

/* Produce the next Login Request: the 48-byte BHS and its text in data
 * (cap >= LOGIN_PDU_DATA_MAX). *data_len gets the unpadded length; the
 * caller pads to 4 with zeros on the wire. */
int login_tx(struct iscsi_login *l, uint8_t bhs[ISCSI_BHS_LEN],
	     uint8_t *data, size_t cap, uint32_t *data_len);

/* Consume one Login Response (BHS + data_len bytes of data, digests
 * already stripped). Returns enum login_next or a negative error:
 * LL_EAUTH (status 0x0201 or a CHAP failure, including a wrong mutual
 * response), LL_ENOTARGET (0x0203, 0x0204), LL_EREDIRECT (redirect
 * without a usable TargetAddress), LL_ENEGOTIATE, LL_EPDU, or LL_ELOGIN
 * for every other refusal. */
int login_rx(struct iscsi_login *l, const uint8_t bhs[ISCSI_BHS_LEN],
	     const uint8_t *data, uint32_t data_len);

/* Map a Login Response status to an error code (0 for success). */
int login_status_error(uint8_t status_class, uint8_t status_detail);

/* Parse a TargetAddress value "a.b.c.d[:port][,tpgt]" (IPv4 only). */
int login_parse_target_address(const char *val, size_t len, uint32_t *ip,
			       uint16_t *port);

#endif
