/* attach/settings.c - parse and validate settings from key=value text (DHCP
 * option 224, the embedded block, the command line) and from a DHCP lease.
 * Every rejected value names its key. */
#include "attach/settings.h"
#include "iscsi/rootpath.h"
#include "lib/crc32c.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "net/dhcp.h"

enum settings_type { ST_STR, ST_NAME, ST_PATH, ST_IP, ST_MASK, ST_DRIVE, ST_NIC,
		     ST_LEVEL, ST_FORMAT, ST_SECS, ST_PORTALS };

struct settings_def {
	const char *name;
	enum settings_type type;
	size_t off, size;
};

#define SDEF(n, t, f) { n, t, offsetof(struct settings, f), \
			sizeof(((struct settings *)0)->f) }
static const struct settings_def settings_defs[SET_KEY_COUNT] = {
	[SET_ROOT_PATH] = SDEF("root-path", ST_PATH, root_path),
	[SET_INITIATOR_IQN] = SDEF("initiator-iqn", ST_NAME, initiator_iqn),
	[SET_USERNAME] = SDEF("username", ST_STR, username),
	[SET_PASSWORD] = SDEF("password", ST_STR, password),
	[SET_REVERSE_USERNAME] = SDEF("reverse-username", ST_STR, reverse_username),
	[SET_REVERSE_PASSWORD] = SDEF("reverse-password", ST_STR, reverse_password),
	[SET_DUMP_PATH] = SDEF("dump-path", ST_PATH, dump_path),
	[SET_IP] = SDEF("ip", ST_IP, ip),
	[SET_NETMASK] = SDEF("netmask", ST_MASK, netmask),
	[SET_GATEWAY] = SDEF("gateway", ST_IP, gateway),
	[SET_DNS] = SDEF("dns", ST_IP, dns),
	[SET_DRIVE] = SDEF("drive", ST_DRIVE, drive),
	[SET_NIC] = SDEF("nic", ST_NIC, nic),
	[SET_DUMP_LEVEL] = SDEF("dump-level", ST_LEVEL, dump_level),
	[SET_DUMP_FORMAT] = SDEF("dump-format", ST_FORMAT, dump_format),
	[SET_OUTAGE_LIMIT] = SDEF("outage-limit", ST_SECS, outage_limit_s),
	[SET_BOOT_FILE] = SDEF("boot-file", ST_NAME, boot_file),
	[SET_ALT_PORTALS] = SDEF("alt-portals", ST_PORTALS, alt_portals),
};

void settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->drive = 0x80;
	s->dump_level = SETTINGS_DUMP_LEVEL_DEFAULT;
	s->outage_limit_s = SETTINGS_OUTAGE_DEFAULT_S;
}

static int settings_fail(struct settings_err *err, const char *key, size_t klen)
{
	if (err) {
		if (klen >= sizeof(err->key))
			klen = sizeof(err->key) - 1;
		memcpy(err->key, key, klen);
		err->key[klen] = 0;
	}
	return LL_ESETTING;
}

static int settings_find(const char *key, size_t klen)
{
	for (int i = 0; i < SET_KEY_COUNT; i++)
		if (ll_strlen(settings_defs[i].name) == klen &&
		    !ll_strncmp(settings_defs[i].name, key, klen))
			return i;
	return LL_ENOENT;
}

/* Printable ASCII without spaces (iSCSI names, paths). */
static int settings_word(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] >= 0x7f)
			return 0;
	return 1;
}

static int settings_text(const struct settings_def *d, char *dst,
			 const char *v, size_t n)
{
	struct iscsi_rootpath rp;

	if (n >= d->size)
		return LL_EMSGSIZE;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < ' ' || v[i] == 0x7f)
			return LL_EINVAL;
	if (d->type != ST_STR && !settings_word(v, n))
		return LL_EINVAL;
	memcpy(dst, v, n);
	dst[n] = 0;
	if (d->type == ST_PATH && n && iscsi_rootpath_parse(dst, &rp) < 0)
		return LL_EROOTPATH;
	return 0;
}

static int settings_drive(const char *v, size_t n, uint8_t *out)
{
	char buf[8];
	uint64_t x;

	if (n == 4 && !ll_strncmp(v, "next", 4)) {
		*out = 0;
		return 0;
	}
	if (n == 0 || n >= sizeof(buf))
		return LL_EINVAL;
	memcpy(buf, v, n);
	buf[n] = 0;
	if (ll_strtou64(buf, NULL, 0, &x) < 0 || x < 0x80 || x > 0xff)
		return LL_ERANGE;
	*out = (uint8_t)x;
	return 0;
}

/* dump-level: decimal 0..31 (makedumpfile's bits). */
static int settings_level(const char *v, size_t n, uint8_t *out)
{
	unsigned x = 0;

	if (n == 0 || n > 2)
		return LL_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return LL_EINVAL;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	if (x > 31)
		return LL_ERANGE;
	*out = (uint8_t)x;
	return 0;
}

static int settings_format(const char *v, size_t n, uint8_t *out)
{
	if (n == 5 && !ll_strncmp(v, "kdump", 5))
		*out = SETTINGS_DUMP_KDUMP;
	else if (n == 3 && !ll_strncmp(v, "elf", 3))
		*out = SETTINGS_DUMP_ELF;
	else
		return LL_EINVAL;
	return 0;
}

/* outage-limit: decimal seconds, SETTINGS_OUTAGE_MIN_S..MAX_S. */
static int settings_secs(const char *v, size_t n, uint32_t *out)
{
	char buf[12];
	const char *end;
	uint64_t x;

	if (n == 0 || n >= sizeof(buf))
		return LL_EINVAL;
	memcpy(buf, v, n);
	buf[n] = 0;
	if (ll_strtou64(buf, &end, 10, &x) < 0 || *end)
		return LL_EINVAL;
	if (x < SETTINGS_OUTAGE_MIN_S || x > SETTINGS_OUTAGE_MAX_S)
		return LL_ERANGE;
	*out = (uint32_t)x;
	return 0;
}

/* One "IP[:port]" of alt-portals (port 1..65535). */
static int settings_portal(const char *v, size_t n, uint32_t *ip, uint16_t *port)
{
	size_t c = 0;
	uint32_t x = 0;

	while (c < n && v[c] != ':')
		c++;
	if (ll_parse_ipv4(v, c, ip) < 0 || !*ip)
		return LL_EINVAL;
	*port = 0;
	if (c == n)
		return 0;
	if (c + 1 == n || n - c - 1 > 5)
		return LL_EINVAL;
	for (size_t i = c + 1; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return LL_EINVAL;
		x = x * 10 + (uint32_t)(v[i] - '0');
	}
	if (x == 0 || x > 0xffff)
		return LL_ERANGE;
	*port = (uint16_t)x;
	return 0;
}

/* alt-portals: 1..SETTINGS_ALT_PORTALS entries, comma-separated. */
static int settings_portals(const char *v, size_t n, struct settings_portals *out)
{
	struct settings_portals p;
	size_t i = 0;

	memset(&p, 0, sizeof(p));
	while (i <= n) {
		size_t e = i;
		int rc;

		while (e < n && v[e] != ',')
			e++;
		if (p.n == SETTINGS_ALT_PORTALS)
			return LL_ERANGE;
		rc = settings_portal(v + i, e - i, &p.ip[p.n], &p.port[p.n]);
		if (rc < 0)
			return rc;
		p.n++;
		i = e + 1;
	}
	*out = p;
	return 0;
}

static int settings_nic(const char *v, size_t n, uint8_t *out)
{
	if (n == 4 && !ll_strncmp(v, "auto", 4))
		*out = SETTINGS_NIC_AUTO;
	else if ((n == 4 && !ll_strncmp(v, "undi", 4)) ||
		 (n == 3 && !ll_strncmp(v, "snp", 3)))
		*out = SETTINGS_NIC_UNDI;
	else if (n == 6 && !ll_strncmp(v, "native", 6))
		*out = SETTINGS_NIC_NATIVE;
	else
		return LL_EINVAL;
	return 0;
}

static int settings_value(const struct settings_def *d, void *field,
			  const char *v, size_t n)
{
	uint32_t ip;

	switch (d->type) {
	case ST_STR: case ST_NAME: case ST_PATH:
		return settings_text(d, field, v, n);
	case ST_IP: case ST_MASK:
		if (ll_parse_ipv4(v, n, &ip) < 0)
			return LL_EINVAL;
		/* a mask is ones then zeros: ~mask + 1 is a power of two */
		if (d->type == ST_MASK && ((~ip + 1) & ~ip))
			return LL_EINVAL;
		*(uint32_t *)field = ip;
		return 0;
	case ST_DRIVE:
		return settings_drive(v, n, field);
	case ST_NIC:
		return settings_nic(v, n, field);
	case ST_LEVEL:
		return settings_level(v, n, field);
	case ST_FORMAT:
		return settings_format(v, n, field);
	case ST_SECS:
		return settings_secs(v, n, field);
	case ST_PORTALS:
		return settings_portals(v, n, field);
	}
	return LL_EINVAL;
}

int settings_set(struct settings *s, const char *key, size_t klen,
		 const char *val, size_t vlen, struct settings_err *err)
{
	int k = settings_find(key, klen);
	const struct settings_def *d;
	void *field;

	if (k < 0)
		return settings_fail(err, key, klen);
	d = &settings_defs[k];
	field = (char *)s + d->off;
	if (vlen == 0) {                 /* clear */
		memset(field, 0, d->size);
		if (k == SET_DRIVE)
			s->drive = 0x80;
		if (k == SET_DUMP_LEVEL)
			s->dump_level = SETTINGS_DUMP_LEVEL_DEFAULT;
		if (k == SET_OUTAGE_LIMIT)
			s->outage_limit_s = SETTINGS_OUTAGE_DEFAULT_S;
		s->set &= ~(1u << k);
		return 0;
	}
	if (settings_value(d, field, val, vlen) < 0)
		return settings_fail(err, key, klen);
	s->set |= 1u << k;
	return 0;
}

static int settings_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One token at text[*i]: key [= value]. Returns 0 (*v NULL for a bare
 * word, a key without '='), or LL_EPROTO when malformed. */
static int settings_token(const char *t, size_t len, size_t *i,
			  const char **k, size_t *kl, const char **v, size_t *vl)
{
	size_t p = *i;

	*k = t + p;
	while (p < len && t[p] != '=' && !settings_space(t[p]) && t[p])
		p++;
	*kl = (size_t)(t + p - *k);
	*v = NULL;
	*vl = 0;
	if (p >= len || t[p] != '=') {   /* a bare word: no value */
		*i = p;
		return *kl ? 0 : LL_EPROTO;
	}
	p++;
	if (p < len && (t[p] == '"' || t[p] == '\'')) {
		char q = t[p++];
		*v = t + p;
		while (p < len && t[p] != q && t[p])
			p++;
		if (p >= len || t[p] != q)
			return LL_EPROTO;    /* unterminated quote */
		*vl = (size_t)(t + p - *v);
		p++;
	} else {
		*v = t + p;
		while (p < len && !settings_space(t[p]) && t[p])
			p++;
		*vl = (size_t)(t + p - *v);
	}
	*i = p;
	return (p < len && !settings_space(t[p]) && t[p]) ? LL_EPROTO : 0;
}

int settings_parse_kv(struct settings *s, const char *text, size_t len,
		      unsigned flags, struct settings_err *err)
{
	size_t i = 0;
	const char *k, *v;
	size_t kl, vl;
	int rc;

	while (i < len && text[i]) {
		if (settings_space(text[i])) {
			i++;
			continue;
		}
		rc = settings_token(text, len, &i, &k, &kl, &v, &vl);
		if (rc == 0 && !v && (flags & SETTINGS_IGNORE_UNKNOWN)) {
			s->unknown_keys++;   /* e.g. "quiet" on a command line */
			continue;
		}
		if (rc < 0 || !v)
			return settings_fail(err, k, kl ? kl : 1);
		if ((flags & SETTINGS_IGNORE_UNKNOWN) && settings_find(k, kl) < 0) {
			s->unknown_keys++;
			continue;
		}
		rc = settings_set(s, k, kl, v, vl, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int settings_from_lease(struct settings *s, const struct dhcp_lease *l,
			struct settings_err *err)
{
	int rc = 0;
	size_t n;

	s->ip = l->yiaddr;
	s->netmask = l->netmask;
	s->gateway = l->router;
	s->dns = l->dns;
	n = ll_strnlen(l->root_path, sizeof(l->root_path));
	if (n)
		rc = settings_set(s, "root-path", 9, l->root_path, n, err);
	n = ll_strnlen(l->initiator_iqn, sizeof(l->initiator_iqn));
	if (!rc && n)
		rc = settings_set(s, "initiator-iqn", 13, l->initiator_iqn, n, err);
	n = ll_strnlen(l->settings, sizeof(l->settings));
	if (!rc && n)
		rc = settings_parse_kv(s, l->settings, n, 0, err);
	return rc;
}

static int settings_magic_ok(const char *m)
{
	/* spelt in two halves so the image holds the whole magic only once,
	 * in the block itself */
	return !ll_memcmp(m, "LLSET", 5) && !ll_memcmp(m + 5, "TINGS", 5);
}

int settings_block_check(const void *p, size_t len)
{
	const struct settings_block *b = p;

	if (len < sizeof(*b) || !settings_magic_ok(b->sb_magic))
		return LL_ENOENT;
	if (b->sb_version != SETTINGS_BLOCK_VERSION)
		return LL_ENOTSUP;
	if (b->sb_length > SETTINGS_TEXT_MAX ||
	    crc32c(0, b->sb_text, b->sb_length) != b->sb_crc)
		return LL_ECHECKSUM;
	return 0;
}

int settings_from_block(struct settings *s, const struct settings_block *b,
			struct settings_err *err)
{
	int rc = settings_block_check(b, sizeof(*b));

	if (rc < 0)
		return rc;
	return settings_parse_kv(s, b->sb_text, b->sb_length, 0, err);
}

int settings_block_write(struct settings_block *b, const char *text, size_t len)
{
	if (len > SETTINGS_TEXT_MAX)
		return LL_EMSGSIZE;
	memset(b, 0, sizeof(*b));
	memcpy(b->sb_magic, "LLSET", 5);
	memcpy(b->sb_magic + 5, "TINGS", 5);
	b->sb_version = SETTINGS_BLOCK_VERSION;
	memcpy(b->sb_text, text, len);
	b->sb_length = (uint16_t)len;
	b->sb_crc = crc32c(0, b->sb_text, len);
	return 0;
}

static int settings_secret_key(const char *k, size_t kl)
{
	int i = settings_find(k, kl);

	return i == SET_PASSWORD || i == SET_REVERSE_PASSWORD;
}

/* Print "lifeline: WHAT: TEXT" with the value of every CHAP secret shown as
 * "***": a command line or load options never put a secret on the console.
 * From a malformed token on, the rest is left out rather than guessed at. */
void settings_print_redacted(const char *what, const char *text)
{
	size_t len = ll_strlen(text), i = 0, kl, vl, start;
	const char *k, *v;

	ll_printf("lifeline: %s:", what);
	while (i < len) {
		while (i < len && settings_space(text[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		if (settings_token(text, len, &i, &k, &kl, &v, &vl) < 0) {
			ll_printf(" (rest not shown: malformed)");
			break;
		}
		if (v && settings_secret_key(k, kl))
			ll_printf(" %.*s=***", (int)kl, k);
		else
			ll_printf(" %.*s", (int)(i - start), text + start);
	}
	ll_printf("\n");
}
