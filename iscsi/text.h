/* iscsi/text.h - iSCSI text key=value data (RFC 7143 section 6): parse
 * NUL-separated pairs, build them into a bounded buffer, and reassemble
 * text split across PDUs with the C (continue) bit. */
#ifndef ISCSI_TEXT_H
#define ISCSI_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_VALUE_MAX   4096   /* longest value accepted (CHAP_C in hex fits) */
#define TEXT_BUF_MAX     8192   /* one reassembled text, all PDUs together */

/* Special values (section 6.2). */
#define TEXT_NOT_UNDERSTOOD "NotUnderstood"
#define TEXT_REJECT         "Reject"
#define TEXT_IRRELEVANT     "Irrelevant"

enum text_special {
	TEXT_VALUE = 0,           /* an ordinary value */
	TEXT_IS_NOT_UNDERSTOOD,
	TEXT_IS_REJECT,
	TEXT_IS_IRRELEVANT,
};

/* One pair, pointing into the parsed buffer (not NUL-terminated there;
 * key_len/val_len give the lengths). */
struct text_pair {
	const char *key, *val;
	size_t key_len, val_len;
};

/* Iterate over pairs in buf[0..len). *pos starts at 0. Returns 1 with *kv
 * set, 0 at the end, LL_EPDU for a malformed pair (no '=', empty or
 * over-long key, bad key character, over-long value, missing final NUL).
 * Empty strings between NULs are skipped. */
int text_next(const char *buf, size_t len, size_t *pos, struct text_pair *kv);

/* Compare a pair's key or value with a C string. */
bool text_key_is(const struct text_pair *kv, const char *key);
bool text_val_is(const struct text_pair *kv, const char *val);
/* Classify the value (NotUnderstood / Reject / Irrelevant / ordinary). */
enum text_special text_val_special(const struct text_pair *kv);
/* Parse the value as a number (decimal, or 0x hex); LL_EINVAL/LL_ERANGE. */
int text_val_u32(const struct text_pair *kv, uint32_t *out);
/* Parse "Yes"/"No"; LL_EINVAL otherwise. */
int text_val_bool(const struct text_pair *kv, bool *out);

/* A bounded output buffer of pairs. A failed add leaves it unchanged and
 * sets tb_overflow, so callers may check once at the end. */
struct text_buf {
	char *tb_data;
	size_t tb_cap, tb_len;
	bool tb_overflow;
};
void text_buf_init(struct text_buf *tb, char *data, size_t cap);
/* Append "key=val\0"; LL_EMSGSIZE when it does not fit, LL_EINVAL for a
 * key that is not a valid key name. */
int text_add(struct text_buf *tb, const char *key, const char *val);
/* Same with the value given by pointer and length. */
int text_add_n(struct text_buf *tb, const char *key, const char *val, size_t vlen);
int text_add_u32(struct text_buf *tb, const char *key, uint32_t val);
int text_add_bool(struct text_buf *tb, const char *key, bool val);

/* Reassembly of one text across PDUs: feed each PDU's data segment with
 * its C bit; the text is complete after a PDU with C clear. */
struct text_rx {
	char tr_data[TEXT_BUF_MAX];
	size_t tr_len;
	bool tr_complete;
};
void text_rx_reset(struct text_rx *rx);
/* LL_EMSGSIZE when the total passes TEXT_BUF_MAX. Feeding after
 * completion starts a new text. */
int text_rx_feed(struct text_rx *rx, const void *data, size_t len, bool cont);

/* Format an unsigned decimal into buf (cap >= 11); returns the length. */
size_t text_fmt_u32(char *buf, uint32_t v);

#endif
