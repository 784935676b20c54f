/* iscsi/negotiate.h - operational key negotiation (RFC 7143 section 13):
 * what we offer, how each answer or target offer combines with ours
 * (list, min, max, OR, AND, declarative), and the resulting parameters. */
#ifndef ISCSI_NEGOTIATE_H
#define ISCSI_NEGOTIATE_H
#include <stdbool.h>
#include <stdint.h>
#include "iscsi/text.h"

enum neg_digest {
	NEG_DIGEST_NONE = 0,      /* offer "None" */
	NEG_DIGEST_PREFER,        /* offer "CRC32C,None" */
	NEG_DIGEST_REQUIRE,       /* offer "CRC32C"; None -> LL_ENEGOTIATE */
};

/* What we want; neg_settings_default() fills sensible values. */
struct neg_settings {
	enum neg_digest ns_header_digest, ns_data_digest;
	uint32_t ns_max_recv_dsl;     /* we declare it; >= 64 KiB by default */
	uint32_t ns_max_burst, ns_first_burst;
	uint32_t ns_max_outstanding_r2t;
	bool ns_initial_r2t, ns_immediate_data;
	bool ns_discovery;            /* SessionType=Discovery: fewer keys */
};
void neg_settings_default(struct neg_settings *s);

/* The negotiated session/connection parameters (RFC defaults until a
 * value is agreed). Booleans are 0/1. */
struct iscsi_params {
	uint32_t header_digest;       /* 1 = CRC32C */
	uint32_t data_digest;
	uint32_t max_send_dsl;        /* target's MaxRecvDataSegmentLength (8192 if unstated) */
	uint32_t max_recv_dsl;        /* ours, as declared */
	uint32_t max_burst;
	uint32_t first_burst;
	uint32_t initial_r2t;
	uint32_t immediate_data;
	uint32_t max_connections;
	uint32_t max_outstanding_r2t;
	uint32_t data_pdu_in_order;
	uint32_t data_seq_in_order;
	uint32_t default_time2wait;
	uint32_t default_time2retain;
	uint32_t error_recovery_level;
	uint32_t target_portal_group_tag;
	char target_alias[256];
};

#define NEG_NKEYS 14

struct iscsi_neg {
	struct neg_settings ng_set;
	struct iscsi_params ng_ours;  /* values we offer */
	struct iscsi_params ng_res;   /* agreed so far */
	uint32_t ng_offered;          /* bit per key: we sent it */
	uint32_t ng_settled;          /* bit per key: value agreed */
};

void neg_init(struct iscsi_neg *n, const struct neg_settings *s);
/* Append every operational key not yet offered or settled. */
int neg_offer(struct iscsi_neg *n, struct text_buf *out);
/* Take one key from a Login/Text Response: an answer to our offer, or an
 * offer of the target's, which gets our answer appended to reply. Unknown
 * keys get "NotUnderstood". LL_ENEGOTIATE for values out of range, not
 * among what we offered, or a key settled twice. */
int neg_consume(struct iscsi_neg *n, const struct text_pair *kv,
		struct text_buf *reply);
/* True when the key is one of the operational keys handled here. */
bool neg_key_known(const struct text_pair *kv);
/* Finish: keys never answered take the result of the RFC default with our
 * offer; FirstBurstLength is capped at MaxBurstLength; a required digest
 * that ended as None is LL_ENEGOTIATE. */
int neg_finish(struct iscsi_neg *n, struct iscsi_params *out);

#endif
