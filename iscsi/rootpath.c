/* iscsi/rootpath.c - RFC 4173 root path parser: split on the first five
 * colons, default the blank fields, turn the hex LUN into the SAM LUN. */
#include "iscsi/rootpath.h"
#include "lib/err.h"
#include "lib/mem.h"

#define ROOTPATH_PREFIX "iscsi:"
#define ROOTPATH_FIELDS 5            /* server, protocol, port, LUN, target */
#define PROTO_TCP       6

struct span {
	const char *s;
	size_t n;
};

/* Decimal, no sign, no leading junk; an empty span keeps *out. */
static int parse_dec(struct span f, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (f.n == 0)
		return 0;
	if (f.n > 5)
		return LL_EROOTPATH;
	for (size_t i = 0; i < f.n; i++) {
		if (f.s[i] < '0' || f.s[i] > '9')
			return LL_EROOTPATH;
		v = v * 10 + (uint32_t)(f.s[i] - '0');
	}
	if (v > max)
		return LL_EROOTPATH;
	*out = v;
	return 0;
}

/* RFC 4173 LUN: up to 4 groups of 1..4 hex digits joined by '-'. */
static int parse_lun(struct span f, uint8_t lun[8])
{
	size_t group = 0, digits = 0;
	uint32_t v = 0;

	memset(lun, 0, 8);
	if (f.n == 0)
		return 0;
	for (size_t i = 0; i <= f.n; i++) {
		if (i == f.n || f.s[i] == '-') {
			if (digits == 0 || group >= 4)
				return LL_EROOTPATH;
			lun[2 * group] = (uint8_t)(v >> 8);
			lun[2 * group + 1] = (uint8_t)v;
			group++;
			digits = 0;
			v = 0;
			continue;
		}
		int d = ll_hexval(f.s[i]);
		if (d < 0 || ++digits > 4)
			return LL_EROOTPATH;
		v = (v << 4) | (uint32_t)d;
	}
	return 0;
}

static int parse_fields(const char *s, struct span f[ROOTPATH_FIELDS])
{
	size_t plen = strlen(ROOTPATH_PREFIX), len = strlen(s);
	const char *p, *end = s + len;

	if (len < plen || ll_strncmp(s, ROOTPATH_PREFIX, plen) != 0)
		return LL_EROOTPATH;
	p = s + plen;
	for (int i = 0; i < ROOTPATH_FIELDS - 1; i++) {
		const char *c = p;
		while (c < end && *c != ':')
			c++;
		if (c == end)
			return LL_EROOTPATH;   /* fewer than five colons */
		f[i].s = p;
		f[i].n = (size_t)(c - p);
		p = c + 1;
	}
	f[ROOTPATH_FIELDS - 1].s = p;      /* target: the rest, colons and all */
	f[ROOTPATH_FIELDS - 1].n = (size_t)(end - p);
	return 0;
}

int iscsi_rootpath_parse(const char *s, struct iscsi_rootpath *rp)
{
	struct span f[ROOTPATH_FIELDS];
	struct iscsi_rootpath r;
	uint32_t proto = PROTO_TCP, port = ISCSI_DEFAULT_PORT;

	memset(&r, 0, sizeof(r));
	if (!s || parse_fields(s, f))
		return LL_EROOTPATH;
	if (f[0].n == 0 || ll_parse_ipv4(f[0].s, f[0].n, &r.rp_server))
		return LL_EROOTPATH;
	if (parse_dec(f[1], 255, &proto) || proto != PROTO_TCP)
		return LL_EROOTPATH;
	if (parse_dec(f[2], 65535, &port) || port == 0)
		return LL_EROOTPATH;
	r.rp_port = (uint16_t)port;
	if (parse_lun(f[3], r.rp_lun))
		return LL_EROOTPATH;
	if (f[4].n == 0 || f[4].n > ISCSI_NAME_MAX)
		return LL_EROOTPATH;
	for (size_t i = 0; i < f[4].n; i++)
		if ((unsigned char)f[4].s[i] <= ' ')
			return LL_EROOTPATH;   /* no spaces or control bytes */
	memcpy(r.rp_target, f[4].s, f[4].n);
	r.rp_target[f[4].n] = '\0';
	*rp = r;
	return 0;
}
