/* iscsi/text.c - iSCSI key=value text: a bounds-checked pair iterator, a
 * bounded builder, and C-bit reassembly (RFC 7143 sections 6.1-6.3). */
#include "iscsi/text.h"
#include "iscsi/iscsi_proto.h"
#include "lib/err.h"
#include "lib/mem.h"

/* key-name characters (6.1): letters, digits, '.', '-', '+', '@', '_' */
static bool key_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
	       c == '@' || c == '_';
}

static bool key_ok(const char *key, size_t len)
{
	if (len == 0 || len > ISCSI_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!key_char_ok(key[i]))
			return false;
	return true;
}

int text_next(const char *buf, size_t len, size_t *pos, struct text_pair *kv)
{
	size_t p = *pos, end, eq;

	while (p < len && buf[p] == '\0')
		p++;
	if (p >= len) {
		*pos = len;
		return 0;
	}
	for (end = p; end < len && buf[end] != '\0'; end++)
		;
	if (end == len)
		return LL_EPDU;           /* last pair lacks its NUL */
	for (eq = p; eq < end && buf[eq] != '='; eq++)
		;
	if (eq == end || !key_ok(buf + p, eq - p) || end - eq - 1 > TEXT_VALUE_MAX)
		return LL_EPDU;
	kv->key = buf + p;
	kv->key_len = eq - p;
	kv->val = buf + eq + 1;
	kv->val_len = end - eq - 1;
	*pos = end + 1;
	return 1;
}

static bool span_is(const char *s, size_t n, const char *c)
{
	size_t cl = strlen(c);
	return n == cl && memcmp(s, c, n) == 0;
}

bool text_key_is(const struct text_pair *kv, const char *key)
{
	return span_is(kv->key, kv->key_len, key);
}

bool text_val_is(const struct text_pair *kv, const char *val)
{
	return span_is(kv->val, kv->val_len, val);
}

enum text_special text_val_special(const struct text_pair *kv)
{
	if (text_val_is(kv, TEXT_NOT_UNDERSTOOD))
		return TEXT_IS_NOT_UNDERSTOOD;
	if (text_val_is(kv, TEXT_REJECT))
		return TEXT_IS_REJECT;
	if (text_val_is(kv, TEXT_IRRELEVANT))
		return TEXT_IS_IRRELEVANT;
	return TEXT_VALUE;
}

int text_val_u32(const struct text_pair *kv, uint32_t *out)
{
	char tmp[24];
	uint64_t v;
	int rc;

	if (kv->val_len == 0 || kv->val_len >= sizeof(tmp))
		return LL_EINVAL;
	memcpy(tmp, kv->val, kv->val_len);
	tmp[kv->val_len] = '\0';
	rc = ll_strtou64(tmp, NULL, 0, &v);
	if (rc)
		return rc;
	if (v > 0xffffffffu)
		return LL_ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int text_val_bool(const struct text_pair *kv, bool *out)
{
	if (text_val_is(kv, "Yes"))
		*out = true;
	else if (text_val_is(kv, "No"))
		*out = false;
	else
		return LL_EINVAL;
	return 0;
}

/* A value may not hold a NUL: it would end the pair early. */
static bool memchr_nul(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

void text_buf_init(struct text_buf *tb, char *data, size_t cap)
{
	tb->tb_data = data;
	tb->tb_cap = cap;
	tb->tb_len = 0;
	tb->tb_overflow = false;
}

int text_add_n(struct text_buf *tb, const char *key, const char *val, size_t vlen)
{
	size_t klen = strlen(key);
	size_t need = klen + 1 + vlen + 1;

	if (!key_ok(key, klen) || vlen > TEXT_VALUE_MAX || memchr_nul(val, vlen))
		return LL_EINVAL;
	if (need > tb->tb_cap - tb->tb_len) {
		tb->tb_overflow = true;
		return LL_EMSGSIZE;
	}
	memcpy(tb->tb_data + tb->tb_len, key, klen);
	tb->tb_data[tb->tb_len + klen] = '=';
	memcpy(tb->tb_data + tb->tb_len + klen + 1, val, vlen);
	tb->tb_data[tb->tb_len + need - 1] = '\0';
	tb->tb_len += need;
	return 0;
}

int text_add(struct text_buf *tb, const char *key, const char *val)
{
	return text_add_n(tb, key, val, strlen(val));
}

size_t text_fmt_u32(char *buf, uint32_t v)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

int text_add_u32(struct text_buf *tb, const char *key, uint32_t val)
{
	char num[12];
	size_t n = text_fmt_u32(num, val);
	return text_add_n(tb, key, num, n);
}

int text_add_bool(struct text_buf *tb, const char *key, bool val)
{
	return text_add(tb, key, val ? "Yes" : "No");
}

void text_rx_reset(struct text_rx *rx)
{
	rx->tr_len = 0;
	rx->tr_complete = false;
}

int text_rx_feed(struct text_rx *rx, const void *data, size_t len, bool cont)
{
	if (rx->tr_complete)
		text_rx_reset(rx);
	if (len > sizeof(rx->tr_data) - rx->tr_len)
		return LL_EMSGSIZE;
	if (len)
		memcpy(rx->tr_data + rx->tr_len, data, len);
	rx->tr_len += len;
	rx->tr_complete = !cont;
	return 0;
}
