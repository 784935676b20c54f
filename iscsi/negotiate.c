/* iscsi/negotiate.c - the operational key table of RFC 7143 section 13 and
 * its result functions; one entry per key, one rule per result function. */
#include "iscsi/negotiate.h"
#include "iscsi/iscsi_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

enum key_rule {
	RULE_DIGEST,      /* list of CRC32C / None (13.1) */
	RULE_DECLARE,     /* MaxRecvDataSegmentLength: each side states its own */
	RULE_MIN,
	RULE_MAX,
	RULE_OR,          /* Yes/No */
	RULE_AND,         /* Yes/No */
};

struct neg_key {
	const char *name;
	enum key_rule rule;
	uint32_t dflt, lo, hi;   /* RFC default and range */
	size_t off;              /* field in struct iscsi_params */
	bool discovery;          /* also offered in discovery sessions */
};

#define P(f) offsetof(struct iscsi_params, f)
#define LEN_MAX ISCSI_LEN_KEY_MAX
static const struct neg_key neg_keys[NEG_NKEYS] = {
	{ "HeaderDigest", RULE_DIGEST, 0, 0, 1, P(header_digest), true },
	{ "DataDigest", RULE_DIGEST, 0, 0, 1, P(data_digest), true },
	{ "MaxRecvDataSegmentLength", RULE_DECLARE, ISCSI_MRDSL_DEFAULT,
	  ISCSI_MRDSL_MIN, LEN_MAX, P(max_send_dsl), true },
	{ "MaxBurstLength", RULE_MIN, 262144, 512, LEN_MAX, P(max_burst), false },
	{ "FirstBurstLength", RULE_MIN, 65536, 512, LEN_MAX, P(first_burst), false },
	{ "InitialR2T", RULE_OR, 1, 0, 1, P(initial_r2t), false },
	{ "ImmediateData", RULE_AND, 1, 0, 1, P(immediate_data), false },
	{ "MaxConnections", RULE_MIN, 1, 1, 65535, P(max_connections), false },
	{ "MaxOutstandingR2T", RULE_MIN, 1, 1, 65535, P(max_outstanding_r2t), false },
	{ "DataPDUInOrder", RULE_OR, 1, 0, 1, P(data_pdu_in_order), false },
	{ "DataSequenceInOrder", RULE_OR, 1, 0, 1, P(data_seq_in_order), false },
	{ "DefaultTime2Wait", RULE_MAX, 2, 0, 3600, P(default_time2wait), false },
	{ "DefaultTime2Retain", RULE_MIN, 20, 0, 3600, P(default_time2retain), false },
	{ "ErrorRecoveryLevel", RULE_MIN, 0, 0, 2, P(error_recovery_level), false },
};

static uint32_t *param(struct iscsi_params *p, const struct neg_key *k)
{
	return (uint32_t *)((char *)p + k->off);
}

static uint32_t combine(enum key_rule rule, uint32_t ours, uint32_t theirs)
{
	switch (rule) {
	case RULE_MIN: return ours < theirs ? ours : theirs;
	case RULE_MAX: return ours > theirs ? ours : theirs;
	case RULE_OR:  return ours | theirs;
	case RULE_AND: return ours & theirs;
	default:       return theirs;
	}
}

void neg_settings_default(struct neg_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->ns_header_digest = NEG_DIGEST_NONE;
	s->ns_data_digest = NEG_DIGEST_NONE;
	s->ns_max_recv_dsl = 262144;
	s->ns_max_burst = 16776192;
	s->ns_first_burst = 262144;
	s->ns_max_outstanding_r2t = 1;
	s->ns_initial_r2t = false;
	s->ns_immediate_data = true;
}

static void params_defaults(struct iscsi_params *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < NEG_NKEYS; i++)
		*param(p, &neg_keys[i]) = neg_keys[i].dflt;
	p->max_recv_dsl = ISCSI_MRDSL_DEFAULT;
}

void neg_init(struct iscsi_neg *n, const struct neg_settings *s)
{
	struct iscsi_params *o = &n->ng_ours;

	memset(n, 0, sizeof(*n));
	n->ng_set = *s;
	params_defaults(o);
	params_defaults(&n->ng_res);
	o->header_digest = s->ns_header_digest != NEG_DIGEST_NONE;
	o->data_digest = s->ns_data_digest != NEG_DIGEST_NONE;
	o->max_recv_dsl = s->ns_max_recv_dsl;
	o->max_burst = s->ns_max_burst;
	o->first_burst = s->ns_first_burst;
	o->initial_r2t = s->ns_initial_r2t;
	o->immediate_data = s->ns_immediate_data;
	o->max_connections = 1;
	o->max_outstanding_r2t = s->ns_max_outstanding_r2t;
	o->default_time2wait = 0;    /* log straight back in after a drop */
	o->default_time2retain = 0;  /* ERL 0: nothing to retain */
	o->error_recovery_level = 0;
}

static enum neg_digest digest_policy(const struct iscsi_neg *n, int i)
{
	return i == 0 ? n->ng_set.ns_header_digest : n->ng_set.ns_data_digest;
}

static const char *digest_offer(enum neg_digest d)
{
	switch (d) {
	case NEG_DIGEST_PREFER:  return "CRC32C,None";
	case NEG_DIGEST_REQUIRE: return "CRC32C";
	default:                 return "None";
	}
}

static int offer_key(struct iscsi_neg *n, int i, struct text_buf *out)
{
	const struct neg_key *k = &neg_keys[i];
	uint32_t v = *param(&n->ng_ours, k);

	switch (k->rule) {
	case RULE_DIGEST:
		return text_add(out, k->name, digest_offer(digest_policy(n, i)));
	case RULE_DECLARE:
		return text_add_u32(out, k->name, n->ng_ours.max_recv_dsl);
	case RULE_OR: case RULE_AND:
		return text_add_bool(out, k->name, v);
	default:
		return text_add_u32(out, k->name, v);
	}
}

int neg_offer(struct iscsi_neg *n, struct text_buf *out)
{
	for (int i = 0; i < NEG_NKEYS; i++) {
		uint32_t bit = 1u << i;
		int rc;

		if ((n->ng_offered | n->ng_settled) & bit)
			continue;
		if (n->ng_set.ns_discovery && !neg_keys[i].discovery)
			continue;
		rc = offer_key(n, i, out);
		if (rc)
			return rc;
		n->ng_offered |= bit;
	}
	return 0;
}

/* Index of kv's key in neg_keys, or LL_ENOENT for a key we do not negotiate. */
static int key_index(const struct text_pair *kv)
{
	for (int i = 0; i < NEG_NKEYS; i++)
		if (text_key_is(kv, neg_keys[i].name))
			return i;
	return LL_ENOENT;
}

static bool digest_ok(enum neg_digest d, const char *tok, size_t len)
{
	bool crc = len == 6 && memcmp(tok, "CRC32C", 6) == 0;
	bool none = len == 4 && memcmp(tok, "None", 4) == 0;
	return (crc && d != NEG_DIGEST_NONE) || (none && d != NEG_DIGEST_REQUIRE);
}

/* A target's own digest list: answer with the first entry we accept. */
static int digest_from_offer(struct iscsi_neg *n, int i, const struct text_pair *kv,
			     struct text_buf *reply)
{
	enum neg_digest d = digest_policy(n, i);
	size_t s = 0;

	while (s <= kv->val_len) {
		size_t e = s;
		while (e < kv->val_len && kv->val[e] != ',')
			e++;
		if (digest_ok(d, kv->val + s, e - s)) {
			bool crc = kv->val[s] == 'C';
			*param(&n->ng_res, &neg_keys[i]) = crc;
			return text_add(reply, neg_keys[i].name, crc ? "CRC32C" : "None");
		}
		s = e + 1;
	}
	*param(&n->ng_res, &neg_keys[i]) = 0;
	return text_add(reply, neg_keys[i].name, TEXT_REJECT);
}

static int consume_digest(struct iscsi_neg *n, int i, const struct text_pair *kv,
			  struct text_buf *reply, bool answer)
{
	if (!answer)
		return digest_from_offer(n, i, kv, reply);
	if (!digest_ok(digest_policy(n, i), kv->val, kv->val_len))
		return LL_ENEGOTIATE;     /* not one of the values we offered */
	*param(&n->ng_res, &neg_keys[i]) = kv->val[0] == 'C';
	return 0;
}

static int consume_value(struct iscsi_neg *n, int i, const struct text_pair *kv,
			 struct text_buf *reply, bool answer)
{
	const struct neg_key *k = &neg_keys[i];
	uint32_t theirs, result;
	bool b;

	if (k->rule == RULE_OR || k->rule == RULE_AND) {
		if (text_val_bool(kv, &b))
			return LL_ENEGOTIATE;
		theirs = b;
	} else if (text_val_u32(kv, &theirs) || theirs < k->lo || theirs > k->hi) {
		return LL_ENEGOTIATE;
	}
	result = combine(k->rule, *param(&n->ng_ours, k), theirs);
	*param(&n->ng_res, k) = result;
	if (answer || k->rule == RULE_DECLARE)
		return 0;
	if (k->rule == RULE_OR || k->rule == RULE_AND)
		return text_add_bool(reply, k->name, result);
	return text_add_u32(reply, k->name, result);
}

/* Declarations a target makes that need no answer (TargetAddress is the
 * login's business, not handled here). */
static int consume_target_decl(struct iscsi_neg *n, const struct text_pair *kv)
{
	uint32_t tag;

	if (text_key_is(kv, "TargetAlias")) {
		size_t l = kv->val_len;
		if (l >= sizeof(n->ng_res.target_alias))
			l = sizeof(n->ng_res.target_alias) - 1;
		memcpy(n->ng_res.target_alias, kv->val, l);
		n->ng_res.target_alias[l] = '\0';
		return 0;
	}
	/* TargetPortalGroupTag */
	if (text_val_u32(kv, &tag) || tag > 65535)
		return LL_ENEGOTIATE;
	n->ng_res.target_portal_group_tag = tag;
	return 0;
}

static bool is_target_decl(const struct text_pair *kv)
{
	return text_key_is(kv, "TargetAlias") || text_key_is(kv, "TargetPortalGroupTag");
}

bool neg_key_known(const struct text_pair *kv)
{
	return key_index(kv) >= 0 || is_target_decl(kv);
}

static int not_understood(const struct text_pair *kv, struct text_buf *reply)
{
	char key[ISCSI_KEY_MAX + 1];

	if (kv->key_len > ISCSI_KEY_MAX)
		return LL_EPDU;
	memcpy(key, kv->key, kv->key_len);
	key[kv->key_len] = '\0';
	return text_add(reply, key, TEXT_NOT_UNDERSTOOD);
}

int neg_consume(struct iscsi_neg *n, const struct text_pair *kv,
		struct text_buf *reply)
{
	int i = key_index(kv), rc;
	uint32_t bit;
	bool answer;

	if (i < 0)
		return is_target_decl(kv) ? consume_target_decl(n, kv)
					  : not_understood(kv, reply);
	bit = 1u << i;
	if (n->ng_settled & bit)
		return LL_ENEGOTIATE;        /* a key is negotiated once */
	answer = n->ng_offered & bit;
	if (text_val_special(kv) != TEXT_VALUE) {
		n->ng_offered |= bit;        /* default applies at finish */
		return 0;
	}
	if (neg_keys[i].rule == RULE_DIGEST)
		rc = consume_digest(n, i, kv, reply, answer);
	else
		rc = consume_value(n, i, kv, reply, answer);
	if (rc == 0)
		n->ng_settled |= bit;
	return rc;
}

int neg_finish(struct iscsi_neg *n, struct iscsi_params *out)
{
	struct iscsi_params *r = &n->ng_res;

	for (int i = 0; i < NEG_NKEYS; i++) {
		const struct neg_key *k = &neg_keys[i];
		if (n->ng_settled & (1u << i))
			continue;
		if (k->rule == RULE_DIGEST || k->rule == RULE_DECLARE)
			*param(r, k) = k->dflt;
		else
			*param(r, k) = combine(k->rule, *param(&n->ng_ours, k), k->dflt);
	}
	r->max_recv_dsl = n->ng_ours.max_recv_dsl;
	if (r->first_burst > r->max_burst)
		r->first_burst = r->max_burst;
	if ((n->ng_set.ns_header_digest == NEG_DIGEST_REQUIRE && !r->header_digest) ||
	    (n->ng_set.ns_data_digest == NEG_DIGEST_REQUIRE && !r->data_digest))
		return LL_ENEGOTIATE;
	*out = *r;
	return 0;
}
