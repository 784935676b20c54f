/* iscsi/login.c - the login phase as a state machine: security stage
 * (AuthMethod, CHAP), operational stage (negotiate.c), transit rules, C-bit
 * continuation both ways, and the Login Response status codes. */
#include "iscsi/login.h"
#include "lib/err.h"
#include "lib/mem.h"

static int fail(struct iscsi_login *l, int err)
{
	l->lg_step = LOGIN_FAILED;
	l->lg_error = err;
	return err;
}

static bool set(const char *s)
{
	return s && s[0];
}

static int check_settings(const struct login_settings *s)
{
	if (!set(s->ls_initiator_name) || strlen(s->ls_initiator_name) > ISCSI_NAME_MAX)
		return LL_ESETTING;
	if (!s->ls_neg.ns_discovery &&
	    (!set(s->ls_target_name) || strlen(s->ls_target_name) > ISCSI_NAME_MAX))
		return LL_ESETTING;
	if (set(s->ls_username) != set(s->ls_password))
		return LL_ESETTING;
	if (set(s->ls_reverse_username) != set(s->ls_reverse_password))
		return LL_ESETTING;
	if (set(s->ls_reverse_username) && !set(s->ls_username))
		return LL_ESETTING;
	if ((set(s->ls_username) && (strlen(s->ls_username) > CHAP_NAME_MAX ||
				     strlen(s->ls_password) > CHAP_SECRET_MAX)) ||
	    (set(s->ls_reverse_username) &&
	     (strlen(s->ls_reverse_username) > CHAP_NAME_MAX ||
	      strlen(s->ls_reverse_password) > CHAP_SECRET_MAX)))
		return LL_ESETTING;
	return 0;
}

/* The leading keys of the first request (section 13.4-13.6, 12.1). */
static int first_request_text(struct iscsi_login *l)
{
	const struct login_settings *s = &l->lg_set;
	struct text_buf tb;
	const char *auth = "None";

	if (set(s->ls_username))
		auth = l->lg_mutual ? "CHAP" : "CHAP,None";
	l->lg_auth_offered_none = !set(s->ls_username) || !l->lg_mutual;
	text_buf_init(&tb, l->lg_tx, sizeof(l->lg_tx));
	text_add(&tb, "InitiatorName", s->ls_initiator_name);
	if (!s->ls_neg.ns_discovery)
		text_add(&tb, "TargetName", s->ls_target_name);
	text_add(&tb, "SessionType", s->ls_neg.ns_discovery ? "Discovery" : "Normal");
	text_add(&tb, "AuthMethod", auth);
	if (tb.tb_overflow)
		return LL_EMSGSIZE;
	l->lg_tx_len = tb.tb_len;
	l->lg_tx_off = 0;
	/* with nothing to authenticate, ask for the operational stage now */
	l->lg_transit = !set(s->ls_username);
	l->lg_nsg = ISCSI_STAGE_OPERATIONAL;
	return 0;
}

int login_init(struct iscsi_login *l, const struct login_settings *s)
{
	int rc = check_settings(s);

	memset(l, 0, sizeof(*l));
	if (rc)
		return fail(l, rc);
	l->lg_set = *s;
	l->lg_csg = ISCSI_STAGE_SECURITY;
	l->lg_cmdsn = s->ls_cmdsn;
	l->lg_expstatsn = s->ls_expstatsn;
	l->lg_tsih = s->ls_tsih;
	l->lg_mutual = set(s->ls_reverse_username);
	chap_prng_seed(&l->lg_prng, s->ls_chap_seed);
	neg_init(&l->lg_neg, &s->ls_neg);
	text_rx_reset(&l->lg_rx);
	rc = first_request_text(l);
	return rc ? fail(l, rc) : 0;
}

int login_tx(struct iscsi_login *l, uint8_t bhs[ISCSI_BHS_LEN],
	     uint8_t *data, size_t cap, uint32_t *data_len)
{
	struct iscsi_pdu p;
	size_t left = l->lg_tx_len - l->lg_tx_off, chunk = left;
	bool cont, transit;

	if (l->lg_step == LOGIN_FAILED)
		return l->lg_error;
	if (l->lg_step == LOGIN_FULL_FEATURE || cap < LOGIN_PDU_DATA_MAX)
		return LL_EINVAL;
	if (l->lg_rx_more)
		chunk = 0;                    /* empty request: "send the rest" */
	if (chunk > LOGIN_PDU_DATA_MAX)
		chunk = LOGIN_PDU_DATA_MAX;
	cont = chunk < left && !l->lg_rx_more;
	memset(&p, 0, sizeof(p));
	p.opcode = ISCSI_OP_LOGIN_REQ;
	p.immediate = true;
	transit = l->lg_transit && !cont && !l->lg_rx_more;
	/* NSG means something only with T set; send 0 otherwise */
	p.flags = iscsi_login_flags(transit, cont, l->lg_csg,
				    transit ? l->lg_nsg : 0);
	p.data_len = (uint32_t)chunk;
	memcpy(p.isid, l->lg_set.ls_isid, ISCSI_ISID_LEN);
	p.tsih = l->lg_tsih;
	p.itt = l->lg_set.ls_itt;
	p.cid = l->lg_set.ls_cid;
	p.cmdsn = l->lg_cmdsn;
	p.expstatsn = l->lg_expstatsn;
	if (chunk)
		memcpy(data, l->lg_tx + l->lg_tx_off, chunk);
	l->lg_tx_off += chunk;
	*data_len = (uint32_t)chunk;
	return iscsi_pdu_encode(&p, bhs);
}

int login_status_error(uint8_t status_class, uint8_t status_detail)
{
	uint16_t st = (uint16_t)(status_class << 8 | status_detail);

	if (status_class == ISCSI_STATUS_SUCCESS)
		return 0;
	switch (st) {
	case ISCSI_LOGIN_AUTH_FAILED:
		return LL_EAUTH;
	case ISCSI_LOGIN_NOT_FOUND:
	case ISCSI_LOGIN_TARGET_REMOVED:
		return LL_ENOTARGET;
	default:
		return status_class == ISCSI_STATUS_REDIRECT ? LL_EREDIRECT : LL_ELOGIN;
	}
}

int login_parse_target_address(const char *val, size_t len, uint32_t *ip,
			       uint16_t *port)
{
	size_t host = 0, end = len;
	uint32_t p = ISCSI_DEFAULT_PORT;

	for (size_t i = 0; i < len; i++)
		if (val[i] == ',') {
			end = i;                  /* ",tpgt" is not ours to use */
			break;
		}
	while (host < end && val[host] != ':')
		host++;
	if (host < end) {
		size_t digits = end - host - 1;
		if (digits == 0 || digits > 5)
			return LL_EINVAL;
		p = 0;
		for (size_t i = host + 1; i < end; i++) {
			if (val[i] < '0' || val[i] > '9')
				return LL_EINVAL;
			p = p * 10 + (uint32_t)(val[i] - '0');
		}
		if (p == 0 || p > 65535)
			return LL_EINVAL;
	}
	if (ll_parse_ipv4(val, host, ip))
		return LL_EINVAL;
	*port = (uint16_t)p;
	return 0;
}

/* Status class 1: find TargetAddress in the (complete) text. */
static int handle_redirect(struct iscsi_login *l)
{
	size_t pos = 0;
	struct text_pair kv;

	while (text_next(l->lg_rx.tr_data, l->lg_rx.tr_len, &pos, &kv) == 1)
		if (text_key_is(&kv, "TargetAddress") &&
		    login_parse_target_address(kv.val, kv.val_len, &l->lg_redirect_ip,
					       &l->lg_redirect_port) == 0)
			return LOGIN_REDIRECTED;
	return fail(l, LL_EREDIRECT);
}

/* ---- security stage ---- */

static int chap_key(struct iscsi_login *l, const struct text_pair *kv)
{
	uint32_t v;

	if (text_key_is(kv, "CHAP_A")) {
		if (l->lg_step != LOGIN_SEC_CHAP_A || text_val_u32(kv, &v) ||
		    v != ISCSI_CHAP_MD5)
			return LL_EAUTH;
		l->lg_have_a = true;
	} else if (text_key_is(kv, "CHAP_I")) {
		if (l->lg_step != LOGIN_SEC_CHAP_A || text_val_u32(kv, &v) || v > 255)
			return LL_EAUTH;
		l->lg_chap_id = (uint8_t)v;
		l->lg_have_i = true;
	} else if (text_key_is(kv, "CHAP_C")) {
		if (l->lg_step != LOGIN_SEC_CHAP_A ||
		    chap_decode_binary(kv->val, kv->val_len, l->lg_chap_c,
				       sizeof(l->lg_chap_c), &l->lg_chap_c_len))
			return LL_EAUTH;
		l->lg_have_c = true;
	} else if (text_key_is(kv, "CHAP_N")) {
		if (l->lg_mutual && !text_val_is(kv, l->lg_set.ls_reverse_username))
			return LL_EAUTH;
	} else { /* CHAP_R: the target proving it knows the reverse secret */
		const char *sec = l->lg_set.ls_reverse_password;
		if (!l->lg_mutual || l->lg_step != LOGIN_SEC_CHAP_R ||
		    chap_verify(l->lg_our_id, sec, strlen(sec), l->lg_our_chal,
				CHAP_OUR_CHAL_LEN, kv->val, kv->val_len))
			return LL_EAUTH;
		l->lg_authed = true;
	}
	return 0;
}

static int auth_method_key(struct iscsi_login *l, const struct text_pair *kv)
{
	if (l->lg_step != LOGIN_SEC_START)
		return LL_EAUTH;              /* chosen once */
	if (text_val_is(kv, "CHAP") && set(l->lg_set.ls_username)) {
		l->lg_step = LOGIN_SEC_CHAP_A;
		return 0;
	}
	if (text_val_is(kv, "None") && l->lg_auth_offered_none) {
		l->lg_step = LOGIN_SEC_AUTHED;
		l->lg_authed = true;
		return 0;
	}
	return LL_EAUTH;
}

static bool is_chap_key(const struct text_pair *kv)
{
	return text_key_is(kv, "CHAP_A") || text_key_is(kv, "CHAP_I") ||
	       text_key_is(kv, "CHAP_C") || text_key_is(kv, "CHAP_N") ||
	       text_key_is(kv, "CHAP_R");
}

/* Our CHAP_N/CHAP_R (and for mutual CHAP our CHAP_I/CHAP_C). */
static int chap_answer(struct iscsi_login *l, struct text_buf *tb)
{
	const struct login_settings *s = &l->lg_set;
	uint8_t r[CHAP_DIGEST_LEN];
	char hex[CHAP_HEX_LEN(CHAP_OUR_CHAL_LEN)];

	if (!l->lg_have_a || !l->lg_have_i || !l->lg_have_c || l->lg_chap_c_len == 0)
		return LL_EAUTH;
	chap_response(l->lg_chap_id, s->ls_password, strlen(s->ls_password),
		      l->lg_chap_c, l->lg_chap_c_len, r);
	text_add(tb, "CHAP_N", s->ls_username);
	chap_encode_hex(r, CHAP_DIGEST_LEN, hex, sizeof(hex));
	text_add(tb, "CHAP_R", hex);
	if (l->lg_mutual) {
		chap_make_challenge(&l->lg_prng, &l->lg_our_id, l->lg_our_chal);
		/* a target echoing our challenge back is a reflection attack */
		if (l->lg_chap_c_len == CHAP_OUR_CHAL_LEN &&
		    memcmp(l->lg_chap_c, l->lg_our_chal, CHAP_OUR_CHAL_LEN) == 0)
			return LL_EAUTH;
		text_add_u32(tb, "CHAP_I", l->lg_our_id);
		chap_encode_hex(l->lg_our_chal, CHAP_OUR_CHAL_LEN, hex, sizeof(hex));
		text_add(tb, "CHAP_C", hex);
	} else {
		l->lg_authed = true;          /* the target judges our answer */
	}
	l->lg_step = l->lg_mutual ? LOGIN_SEC_CHAP_R : LOGIN_SEC_AUTHED;
	l->lg_transit = true;
	l->lg_nsg = ISCSI_STAGE_OPERATIONAL;
	return 0;
}

/* After the keys of a security-stage response: what do we send next? */
static int security_next(struct iscsi_login *l, struct text_buf *tb)
{
	enum login_step before = l->lg_step;

	switch (before) {
	case LOGIN_SEC_START:
		return LL_EAUTH;              /* no AuthMethod in the answer */
	case LOGIN_SEC_CHAP_A:
		if (!l->lg_chap_a_sent) {     /* AuthMethod=CHAP just chosen */
			l->lg_chap_a_sent = true;
			return text_add_u32(tb, "CHAP_A", ISCSI_CHAP_MD5);
		}
		return chap_answer(l, tb);
	case LOGIN_SEC_AUTHED:
		l->lg_transit = true;
		l->lg_nsg = ISCSI_STAGE_OPERATIONAL;
		return 0;
	case LOGIN_SEC_CHAP_R:
		/* mutual CHAP: the answer to our CHAP_C must carry the target's
		 * CHAP_N/CHAP_R; a target that skips them has not proven itself */
		return l->lg_authed ? 0 : LL_EAUTH;
	default:
		return 0;
	}
}

static int security_key(struct iscsi_login *l, const struct text_pair *kv,
			struct text_buf *tb)
{
	if (text_key_is(kv, "AuthMethod"))
		return auth_method_key(l, kv);
	if (is_chap_key(kv))
		return chap_key(l, kv);
	if (text_key_is(kv, "TargetAddress"))
		return 0;
	return neg_consume(&l->lg_neg, kv, tb);
}

/* ---- response processing ---- */

static int check_response(struct iscsi_login *l, const struct iscsi_pdu *p)
{
	if (p->opcode != ISCSI_OP_LOGIN_RSP || p->itt != l->lg_set.ls_itt)
		return LL_EPDU;
	/* a refusal may not echo the ISID (tgtd zeroes it): its status is
	 * what matters then, as for the stage fields */
	if (p->status_class != ISCSI_STATUS_SUCCESS)
		return 0;
	if (memcmp(p->isid, l->lg_set.ls_isid, ISCSI_ISID_LEN) != 0)
		return LL_EPDU;
	if (p->version_min != ISCSI_VERSION || iscsi_login_csg(p->flags) != l->lg_csg)
		return LL_ELOGIN;
	/* transit only where we asked to go, and only when we asked */
	if ((p->flags & ISCSI_LOGIN_TRANSIT) &&
	    (!l->lg_transit || iscsi_login_nsg(p->flags) != l->lg_nsg))
		return LL_ELOGIN;
	return 0;
}

static int process_keys(struct iscsi_login *l, struct text_buf *tb)
{
	size_t pos = 0;
	struct text_pair kv;
	int rc;

	l->lg_have_a = l->lg_have_i = l->lg_have_c = false;
	while ((rc = text_next(l->lg_rx.tr_data, l->lg_rx.tr_len, &pos, &kv)) == 1) {
		if (l->lg_csg == ISCSI_STAGE_SECURITY)
			rc = security_key(l, &kv, tb);
		else if (text_key_is(&kv, "TargetAddress"))
			rc = 0;
		else
			rc = neg_consume(&l->lg_neg, &kv, tb);
		if (rc)
			return rc;
	}
	if (rc < 0)
		return rc;
	return tb->tb_overflow ? LL_EMSGSIZE : 0;
}

/* Move to the stage the target granted. */
static int enter_stage(struct iscsi_login *l, unsigned nsg, struct text_buf *tb)
{
	int rc;

	if (nsg == ISCSI_STAGE_FULL_FEATURE) {
		rc = neg_finish(&l->lg_neg, &l->lg_params);
		if (rc)
			return rc;
		l->lg_step = LOGIN_FULL_FEATURE;
		return LOGIN_DONE;
	}
	if (!l->lg_authed)
		return LL_EAUTH;              /* e.g. mutual CHAP never proven */
	l->lg_csg = ISCSI_STAGE_OPERATIONAL;
	l->lg_step = LOGIN_OPERATIONAL;
	l->lg_transit = true;
	l->lg_nsg = ISCSI_STAGE_FULL_FEATURE;
	rc = neg_offer(&l->lg_neg, tb);
	return rc ? rc : LOGIN_SEND;
}

/* A complete response text with status success. */
static int handle_text(struct iscsi_login *l, const struct iscsi_pdu *p)
{
	struct text_buf tb;
	int rc;

	text_buf_init(&tb, l->lg_tx, sizeof(l->lg_tx));
	l->lg_tx_len = l->lg_tx_off = 0;
	rc = process_keys(l, &tb);
	if (rc == 0 && l->lg_csg == ISCSI_STAGE_SECURITY)
		rc = security_next(l, &tb);
	if (rc == 0 && (p->flags & ISCSI_LOGIN_TRANSIT)) {
		if (l->lg_step == LOGIN_SEC_CHAP_R && !l->lg_authed)
			rc = LL_EAUTH;        /* transit without mutual proof */
		else
			rc = enter_stage(l, iscsi_login_nsg(p->flags), &tb);
	} else if (rc == 0) {
		rc = LOGIN_SEND;
	}
	if (tb.tb_overflow)
		rc = LL_EMSGSIZE;
	l->lg_tx_len = tb.tb_len;
	return rc;
}

static void note_sequence(struct iscsi_login *l, const struct iscsi_pdu *p)
{
	l->lg_expstatsn = p->statsn + 1;
	l->lg_expcmdsn = p->expcmdsn;
	l->lg_maxcmdsn = p->maxcmdsn;
	if (p->tsih)
		l->lg_tsih = p->tsih;
}

int login_rx(struct iscsi_login *l, const uint8_t bhs[ISCSI_BHS_LEN],
	     const uint8_t *data, uint32_t data_len)
{
	struct iscsi_pdu p;
	int rc;

	if (l->lg_step == LOGIN_FAILED)
		return l->lg_error;
	if (l->lg_step == LOGIN_FULL_FEATURE || ++l->lg_rounds > LOGIN_MAX_ROUNDS)
		return fail(l, LL_ELOGIN);
	rc = iscsi_pdu_decode(bhs, ISCSI_BHS_LEN, LOGIN_PDU_DATA_MAX, 0, &p);
	if (rc == 0 && p.data_len != data_len)
		rc = LL_EPDU;
	if (rc == 0)
		rc = check_response(l, &p);
	if (rc)
		return fail(l, rc);
	note_sequence(l, &p);
	l->lg_status = (uint16_t)(p.status_class << 8 | p.status_detail);
	if (text_rx_feed(&l->lg_rx, data, data_len, p.flags & ISCSI_LOGIN_CONTINUE))
		return fail(l, LL_EPDU);
	l->lg_rx_more = !l->lg_rx.tr_complete;
	if (l->lg_rx_more)
		return LOGIN_SEND;            /* ask for the rest first */
	if (p.status_class == ISCSI_STATUS_REDIRECT)
		return handle_redirect(l);
	if (p.status_class != ISCSI_STATUS_SUCCESS)
		return fail(l, login_status_error(p.status_class, p.status_detail));
	if (l->lg_tx_off < l->lg_tx_len)
		return LOGIN_SEND;            /* target took a C=1 piece of ours */
	rc = handle_text(l, &p);
	return rc < 0 ? fail(l, rc) : rc;
}
