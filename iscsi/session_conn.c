/* iscsi/session_conn.c - a session's connection: the TCP transport, the
 * ISID, connect + login (through login.c, following redirects), and the
 * ERL 0 reconnect: wait Time2Wait, log in again, reissue every task. */
#include "iscsi/session_int.h"
#include "lib/backoff.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/hash.h"
#include "lib/mem.h"
#include "lib/print.h"

/* ---- the TCP transport ---- */

static int tcp_op_connect(struct iscsi_session *s, uint32_t ip, uint16_t port,
			  uint64_t deadline)
{
	int rc;

	tcp_abort(&s->conn);
	rc = tcp_conn_init(&s->conn, s->tx_ring, s->cfg.tx_ring, s->rx_ring, s->cfg.rx_ring);
	if (rc)
		return rc;
	if (!s->cfg.no_direct) {
		s->conn.rx_direct = sess_rx_direct;
		s->conn.rx_direct_ctx = s;
	}
	return tcp_connect(s->ns, &s->conn, ip, port, deadline);
}

static void tcp_op_abort(struct iscsi_session *s) { tcp_abort(&s->conn); }
static int tcp_op_close(struct iscsi_session *s, uint64_t deadline)
{
	return tcp_close(&s->conn, deadline);
}
static long tcp_op_write(struct iscsi_session *s, const void *d, size_t n)
{
	return tcp_write(&s->conn, d, n);
}
static size_t tcp_op_tx_free(struct iscsi_session *s) { return tcp_tx_free(&s->conn); }
static size_t tcp_op_peek(struct iscsi_session *s, const uint8_t **d)
{
	return tcp_rx_peek(&s->conn, d);
}
static void tcp_op_consume(struct iscsi_session *s, size_t n) { tcp_rx_consume(&s->conn, n); }
static void tcp_op_flush(struct iscsi_session *s) { tcp_flush(&s->conn); }

static int tcp_op_status(struct iscsi_session *s)
{
	const struct tcp_conn *c = &s->conn;

	if (c->error)
		return c->error;
	if (c->fin_rcvd && tcp_rx_avail(c) == 0)
		return LL_ESHUTDOWN;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return LL_ENOTCONN;
	return 0;
}

static int tcp_op_poll(struct iscsi_session *s, uint32_t max_us)
{
	return max_us ? net_poll_wait(s->ns, max_us) : net_poll(s->ns);
}

static uint64_t tcp_op_now(struct iscsi_session *s) { return net_now(s->ns); }

const struct iscsi_xport_ops sess_tcp_ops = {
	.connect = tcp_op_connect, .abort = tcp_op_abort, .close = tcp_op_close,
	.write = tcp_op_write, .tx_free = tcp_op_tx_free, .peek = tcp_op_peek,
	.consume = tcp_op_consume, .flush = tcp_op_flush, .status = tcp_op_status,
	.poll = tcp_op_poll, .now = tcp_op_now,
};

/* ---- set-up ---- */

/* ISID of the "random" type (T = 10b, RFC 7143 11.12.5), derived from the
 * initiator name, target name and LUN so it is the same on every login of
 * this session and differs between two sessions (boot and dump LUN). */
static void make_isid(struct iscsi_session *s)
{
	uint32_t h = ll_hash_bytes(0, s->initiator_name, strlen(s->initiator_name));

	h = ll_hash_bytes(h, s->target_name, strlen(s->target_name));
	h = ll_hash_bytes(h, s->cfg.lun, sizeof(s->cfg.lun));
	s->isid[0] = 0x80;
	s->isid[1] = (uint8_t)(h >> 24);
	s->isid[2] = (uint8_t)(h >> 16);
	s->isid[3] = (uint8_t)(h >> 8);
	h = ll_hash_bytes(h, "lifeline", 8);
	put_be16(s->isid + 4, (uint16_t)(h ^ (h >> 16)));
}

static int copy_str(char *dst, size_t cap, const char *src)
{
	if (!src) {
		dst[0] = 0;
		return 0;
	}
	return ll_strlcpy(dst, src, cap) < cap ? 0 : LL_ESETTING;
}

static uint32_t or_default(uint32_t v, uint32_t dflt) { return v ? v : dflt; }

int sess_setup(struct iscsi_session *s, const struct iscsi_session_cfg *cfg)
{
	int rc = 0;

	s->cfg = *cfg;
	s->cfg.target_port = (uint16_t)or_default(cfg->target_port, ISCSI_DEFAULT_PORT);
	s->cfg.io_timeout_us = or_default(cfg->io_timeout_us, ISCSI_IO_TIMEOUT_US);
	s->cfg.nop_interval_us = or_default(cfg->nop_interval_us, ISCSI_NOP_INTERVAL_US);
	s->cfg.reconnect_limit_us = or_default(cfg->reconnect_limit_us,
					       ISCSI_RECONNECT_LIMIT_US);
	s->cfg.tx_ring = or_default(cfg->tx_ring, 1u << 20);
	s->cfg.rx_ring = or_default(cfg->rx_ring, 1u << 20);
	if (!cfg->target_name || !cfg->initiator_name || s->cfg.tx_ring < 4096)
		return LL_ESETTING;
	rc |= copy_str(s->target_name, sizeof(s->target_name), cfg->target_name);
	rc |= copy_str(s->initiator_name, sizeof(s->initiator_name), cfg->initiator_name);
	rc |= copy_str(s->user, sizeof(s->user), cfg->username);
	rc |= copy_str(s->secret, sizeof(s->secret), cfg->password);
	rc |= copy_str(s->ruser, sizeof(s->ruser), cfg->reverse_username);
	rc |= copy_str(s->rsecret, sizeof(s->rsecret), cfg->reverse_password);
	if (rc)
		return LL_ESETTING;
	if (cfg->n_alt > ISCSI_ALT_PORTALS)
		return LL_ESETTING;
	s->portals[0].ip = cfg->target_ip;
	s->portals[0].port = s->cfg.target_port;
	for (unsigned i = 0; i < cfg->n_alt; i++) {
		s->portals[i + 1].ip = cfg->alt[i].ip;
		s->portals[i + 1].port = (uint16_t)or_default(cfg->alt[i].port,
							      ISCSI_DEFAULT_PORT);
	}
	s->n_portals = (uint8_t)(1 + cfg->n_alt);
	s->portal_ip = cfg->target_ip;
	s->portal_port = s->cfg.target_port;
	s->cmdsn = 1;
	make_isid(s);
	s->retry_seed = cfg->retry_seed ? cfg->retry_seed :
			ll_jitter_seed(s->isid, sizeof(s->isid), s->xo->now(s));
	sess_rx_reset(s);
	return 0;
}

static void fill_login(struct iscsi_session *s, struct login_settings *ls)
{
	static const enum neg_digest map[] = {
		[ISCSI_DIGEST_NONE] = NEG_DIGEST_NONE,
		[ISCSI_DIGEST_PREFER] = NEG_DIGEST_PREFER,
		[ISCSI_DIGEST_REQUIRE] = NEG_DIGEST_REQUIRE,
	};
	enum neg_digest d = s->cfg.digest <= ISCSI_DIGEST_REQUIRE ?
			    map[s->cfg.digest] : NEG_DIGEST_NONE;

	memset(ls, 0, sizeof(*ls));
	ls->ls_initiator_name = s->initiator_name;
	ls->ls_target_name = s->target_name;
	memcpy(ls->ls_isid, s->isid, ISCSI_ISID_LEN);
	ls->ls_tsih = 0;                  /* ERL 0: always a new session */
	ls->ls_itt = SESS_ITT_LOGIN;
	ls->ls_cmdsn = s->cmdsn;
	ls->ls_username = s->user[0] ? s->user : NULL;
	ls->ls_password = s->secret[0] ? s->secret : NULL;
	ls->ls_reverse_username = s->ruser[0] ? s->ruser : NULL;
	ls->ls_reverse_password = s->rsecret[0] ? s->rsecret : NULL;
	ls->ls_chap_seed = s->xo->now(s) ^ ((uint64_t)get_be32(s->isid) << 32);
	neg_settings_default(&ls->ls_neg);
	ls->ls_neg.ns_header_digest = d;
	ls->ls_neg.ns_data_digest = d;
	if (ls->ls_neg.ns_max_recv_dsl > SESS_RX_DATA_MAX * 32)
		ls->ls_neg.ns_max_recv_dsl = SESS_RX_DATA_MAX * 32;
}

/* ---- login over the stream (no digests yet, data padded to 4) ---- */

static int wait_step(struct iscsi_session *s, uint64_t deadline)
{
	uint64_t now = s->xo->now(s);
	int rc = s->xo->status(s);

	if (rc)
		return rc;
	if (now >= deadline)
		return LL_ETIMEDOUT;
	s->xo->poll(s, deadline - now < SESS_LOGIN_STEP_US ?
		    (uint32_t)(deadline - now) : SESS_LOGIN_STEP_US);
	return 0;
}

static int read_exact(struct iscsi_session *s, uint8_t *buf, uint32_t n,
		      uint64_t deadline)
{
	uint32_t got = 0;

	while (got < n) {
		const uint8_t *d;
		size_t k = s->xo->peek(s, &d);
		int rc;

		if (k) {
			if (k > n - got)
				k = n - got;
			if (buf)
				memcpy(buf + got, d, k);
			s->xo->consume(s, k);
			got += (uint32_t)k;
			continue;
		}
		rc = wait_step(s, deadline);
		if (rc)
			return rc;
	}
	return 0;
}

static int login_send(struct iscsi_session *s, uint64_t deadline)
{
	struct iscsi_pdu p;
	uint32_t len;
	int rc = login_tx(s->login, s->rx_hdr, s->rx_data, SESS_RX_DATA_MAX, &len);

	if (rc)
		return rc;
	if (iscsi_pdu_decode(s->rx_hdr, ISCSI_BHS_LEN, ISCSI_DSL_MAX, 0, &p))
		return LL_EPDU;
	while ((rc = sess_send_pdu(s, &p, s->rx_data, len)) == LL_EAGAIN)
		if ((rc = wait_step(s, deadline)) != 0)
			return rc;
	s->xo->flush(s);
	return rc;
}

static int login_recv(struct iscsi_session *s, uint64_t deadline)
{
	uint32_t dlen, ahs;
	int rc = read_exact(s, s->rx_hdr, ISCSI_BHS_LEN, deadline);

	if (rc)
		return rc;
	ahs = (uint32_t)s->rx_hdr[BHS_TOTAL_AHS_LEN] * ISCSI_AHS_WORD;
	dlen = (uint32_t)s->rx_hdr[BHS_DATA_SEG_LEN] << 16 |
	       get_be16(s->rx_hdr + BHS_DATA_SEG_LEN + 1);
	if (dlen > LOGIN_PDU_DATA_MAX || dlen > SESS_RX_DATA_MAX || ahs > SESS_AHS_MAX)
		return LL_EPDU;
	rc = read_exact(s, NULL, ahs, deadline);
	if (!rc)
		rc = read_exact(s, s->rx_data, iscsi_pad4(dlen), deadline);
	return rc ? rc : login_rx(s->login, s->rx_hdr, s->rx_data, dlen);
}

/* Enter the full feature phase with what the login agreed. */
static void full_feature(struct iscsi_session *s)
{
	struct iscsi_login *l = s->login;

	s->params = l->lg_params;
	s->tsih = l->lg_tsih;
	s->cmdsn = l->lg_cmdsn;
	s->expcmdsn = l->lg_expcmdsn;
	s->maxcmdsn = l->lg_maxcmdsn;
	s->expstatsn = l->lg_expstatsn;
	s->time2wait_s = s->params.default_time2wait;
	s->connected = true;
	s->drop_reason = 0;
	s->logout_wanted = false;
	s->nop_out_pending = s->ping_owed = false;
	s->last_rx = s->xo->now(s);
	sess_rx_reset(s);
	ll_printf("iscsi: logged in to %s (TSIH %u, digests %s/%s, MaxRecvDSL %u ours %u theirs)\n",
		  s->target_name, s->tsih, s->params.header_digest ? "CRC32C" : "None",
		  s->params.data_digest ? "CRC32C" : "None", s->params.max_recv_dsl,
		  s->params.max_send_dsl);
}

/* Connect to ip:port and run one login there. 1: redirected. */
static int login_at(struct iscsi_session *s, uint32_t ip, uint16_t port,
		    uint64_t deadline)
{
	struct login_settings ls;
	int rc;

	ll_printf("iscsi: connecting to " LL_IPV4_FMT ":%u\n", LL_IPV4_ARGS(ip), port);
	s->connected = false;
	rc = s->xo->connect(s, ip, port, deadline);
	if (rc)
		return rc;
	fill_login(s, &ls);
	rc = login_init(s->login, &ls);
	while (rc == 0) {
		rc = login_send(s, deadline);
		if (rc == 0)
			rc = login_recv(s, deadline);
		if (rc == LOGIN_SEND)
			rc = 0;
	}
	if (rc == LOGIN_DONE) {
		full_feature(s);
		return 0;
	}
	s->xo->abort(s);
	return rc == LOGIN_REDIRECTED ? 1 : rc;
}

/* Log in at the portal, following at most ISCSI_MAX_REDIRECTS redirects. */
int sess_login(struct iscsi_session *s, uint64_t deadline)
{
	uint32_t ip = s->portal_ip;
	uint16_t port = s->portal_port;

	for (int hops = 0;; hops++) {
		int rc = login_at(s, ip, port, deadline);

		if (rc <= 0) {
			if (rc)
				ll_printf("iscsi: login failed E%d (%s)\n", -rc, ll_strerror(rc));
			return rc;
		}
		if (hops >= ISCSI_MAX_REDIRECTS) {
			ll_printf("iscsi: too many redirects E%d\n", -LL_EREDIRECT);
			return LL_EREDIRECT;
		}
		ip = s->login->lg_redirect_ip;
		port = s->login->lg_redirect_port;
		s->st.redirects++;
		if (s->login->lg_status == ISCSI_LOGIN_MOVED_PERM) {
			s->portal_ip = ip;
			s->portal_port = port;
		}
		ll_printf("iscsi: redirected to " LL_IPV4_FMT ":%u\n", LL_IPV4_ARGS(ip), port);
	}
}

/* ---- portals ---- */

/* Answers a new login does not change. A target not found is not one of
 * them here: the target was there, and one restarting (tgtd) listens
 * before its targets are configured again. */
static bool permanent_error(int rc)
{
	return rc == LL_EAUTH || rc == LL_ENEGOTIATE || rc == LL_ESETTING;
}

/* A login at the portal in use failed (rc): the next portal of the list
 * takes over (a permanent redirect found on the old one is dropped). */
static void next_portal(struct iscsi_session *s, int rc)
{
	const struct iscsi_portal *p;

	if (s->n_portals < 2)
		return;
	s->portal_idx = (uint8_t)((s->portal_idx + 1) % s->n_portals);
	p = &s->portals[s->portal_idx];
	s->portal_ip = p->ip;
	s->portal_port = p->port;
	s->st.portal_moves++;
	ll_printf("iscsi: login failed E%d, moving to portal %u of %u: " LL_IPV4_FMT ":%u\n",
		  -rc, s->portal_idx + 1, s->n_portals, LL_IPV4_ARGS(p->ip), p->port);
}

int sess_login_first(struct iscsi_session *s, uint64_t deadline)
{
	int rc = LL_ETIMEDOUT;

	for (unsigned left = s->n_portals; left > 0; left--) {
		uint64_t now = s->xo->now(s);
		uint64_t end = now < deadline ? now + (deadline - now) / left : now;

		rc = sess_login(s, end);
		if (!rc || permanent_error(rc) || rc == LL_ENOTARGET || left == 1)
			break;
		next_portal(s, rc);
	}
	return rc;
}

/* ---- ERL 0 reconnect ---- */

static unsigned secs(uint64_t us) { return (unsigned)(us / 1000000u); }

/* The outage going on ends (reconnected or given up). */
static void outage_end(struct iscsi_session *s)
{
	s->outage_total += s->xo->now(s) - s->fail_since;
	s->fail_since = 0;
	s->attempts = 0;
}

static void give_up(struct iscsi_session *s, int rc)
{
	unsigned down = secs(s->xo->now(s) - s->fail_since);

	outage_end(s);
	s->fatal = LL_ESESSION;
	ll_printf("iscsi: target unreachable for %u s (outage limit %u s): giving up on "
		  "the session E%d (last error E%d)\n", down,
		  secs(s->cfg.reconnect_limit_us), -LL_ESESSION, -rc);
	sess_fail_all(s, LL_ESESSION);
}

/* Idle until t (polling the network), but not past limit. */
static void sleep_until(struct iscsi_session *s, uint64_t t, uint64_t limit)
{
	uint64_t now;

	if (t > limit)
		t = limit;
	while ((now = s->xo->now(s)) < t)
		s->xo->poll(s, t - now < SESS_LOGIN_STEP_US ?
			    (uint32_t)(t - now) : SESS_LOGIN_STEP_US);
}

/* The next login: Time2Wait from now, or after a failed one the back-off
 * (1, 2, 4 s, then every SESS_RETRY_MAX_S), whichever is longer, plus the
 * client's jitter (up to half again): a fleet that lost its gateway at
 * once does not come back in one burst. */
static void schedule_retry(struct iscsi_session *s, bool failed)
{
	uint32_t t2w = s->time2wait_s > SESS_TIME2WAIT_MAX ? SESS_TIME2WAIT_MAX : s->time2wait_s;
	uint32_t back = 0;
	uint64_t us;

	if (failed) {
		s->attempts++;
		back = s->attempts < 4 ? 1u << (s->attempts - 1) : SESS_RETRY_MAX_S;
		if (back > SESS_RETRY_MAX_S)
			back = SESS_RETRY_MAX_S;
	}
	if (t2w < back)
		t2w = back;
	us = ll_jitter_us(s->retry_seed, s->attempts, (uint64_t)t2w * 1000000u);
	s->retry_at = s->xo->now(s) + us;
	ll_printf("iscsi: reconnecting in %u.%u s\n", secs(us), (unsigned)(us / 100000u % 10));
}

/* The console line every SESS_OUTAGE_NOTE_US while the target is away. */
static void note_outage(struct iscsi_session *s, uint64_t now)
{
	if (now < s->note_at)
		return;
	ll_printf("iscsi: target unreachable for %u s, waiting up to %u s (%u logins failed)\n",
		  secs(now - s->fail_since), secs(s->cfg.reconnect_limit_us), s->attempts);
	s->note_at = now + SESS_OUTAGE_NOTE_US;
}

static void outage_begin(struct iscsi_session *s)
{
	s->fail_since = s->xo->now(s);
	s->note_at = s->fail_since + SESS_OUTAGE_NOTE_US;
	s->attempts = 0;
	schedule_retry(s, false);
}

/* One login try of the outage, bounded by end and by SESS_LOGIN_TRY_US
 * (a silent portal must not eat the whole outage in one try). */
static void reconnect_try(struct iscsi_session *s, uint64_t deadline, uint64_t end,
			  uint64_t limit)
{
	uint64_t try_end = s->xo->now(s) + SESS_LOGIN_TRY_US;
	int rc = sess_login(s, try_end < end ? try_end : end);

	if (rc < 0 && !s->connected) {
		s->drop_reason = rc;
		if (s->xo->now(s) < deadline || s->xo->now(s) >= limit) {
			if (!permanent_error(rc))
				next_portal(s, rc);
			schedule_retry(s, true);   /* else: cut short by the caller */
		}
	}
}

int sess_reconnect(struct iscsi_session *s, uint64_t deadline)
{
	uint64_t limit, end;

	if (!s->fail_since)
		outage_begin(s);
	limit = s->fail_since + s->cfg.reconnect_limit_us;
	end = deadline < limit ? deadline : limit;
	while (!s->connected) {
		uint64_t now = s->xo->now(s);
		int rc = s->drop_reason ? s->drop_reason : LL_ESESSION;

		if (permanent_error(rc) || now >= limit) {
			give_up(s, rc);
			return s->fatal;
		}
		if (now >= deadline)
			return LL_ETIMEDOUT;
		note_outage(s, now);
		if (now < s->retry_at) {
			sleep_until(s, s->retry_at < s->note_at ? s->retry_at : s->note_at, end);
			continue;
		}
		reconnect_try(s, deadline, end, limit);
	}
	ll_printf("iscsi: reconnected after %u s (portal %u of %u), reissuing %u tasks\n",
		  secs(s->xo->now(s) - s->fail_since), s->portal_idx + 1,
		  s->n_portals, s->ntasks);
	outage_end(s);
	s->st.reconnects++;
	sess_requeue_all(s);
	return 0;
}

uint64_t iscsi_outage_us(struct iscsi_session *s)
{
	return s->outage_total + (s->fail_since ? s->xo->now(s) - s->fail_since : 0);
}
