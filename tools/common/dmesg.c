/* tools/common/dmesg.c - reads the lockless printk ring buffer of a dead
 * Linux >= 5.10 kernel: descriptors from tail_id to head_id, each one's
 * info (sequence, time stamp, text length) and its text data block. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tools/common/dmesg.h"
#include "dump/kvtop.h"
#include "dump/vmcoreinfo.h"
#include "lib/err.h"

#define SV_STATE_SHIFT 62
#define SV_ID_MASK     ((1ull << SV_STATE_SHIFT) - 1)
#define ST_RESERVED    0
#define ST_COMMITTED   1
#define ST_FINALIZED   2
#define TEXT_MAX       65536u
#define CORRUPT_MAX    4096     /* more bad records: the ring is garbage */

/* What the reader needs, each from one VMCOREINFO line. */
struct prb_facts {
	uint64_t prb;                               /* SYMBOL(prb) */
	uint64_t rb_desc, rb_text;                  /* in printk_ringbuffer */
	uint64_t dr_bits, dr_descs, dr_infos, dr_head, dr_tail;
	uint64_t desc_size, d_state, d_text;        /* prb_desc */
	uint64_t lp_begin, lp_next;                 /* prb_data_blk_lpos */
	uint64_t info_size, i_seq, i_ts, i_len;     /* printk_info */
	uint64_t da_bits, da_data;                  /* prb_data_ring */
	uint64_t counter;                           /* atomic_long_t.counter */
};

struct fkey {
	const char *name;
	size_t off;
};

#define F(n, f) { n, offsetof(struct prb_facts, f) }
static const struct fkey fkeys[] = {
	F("SYMBOL(prb)", prb),
	F("OFFSET(printk_ringbuffer.desc_ring)", rb_desc),
	F("OFFSET(printk_ringbuffer.text_data_ring)", rb_text),
	F("OFFSET(prb_desc_ring.count_bits)", dr_bits),
	F("OFFSET(prb_desc_ring.descs)", dr_descs),
	F("OFFSET(prb_desc_ring.infos)", dr_infos),
	F("OFFSET(prb_desc_ring.head_id)", dr_head),
	F("OFFSET(prb_desc_ring.tail_id)", dr_tail),
	F("SIZE(prb_desc)", desc_size),
	F("OFFSET(prb_desc.state_var)", d_state),
	F("OFFSET(prb_desc.text_blk_lpos)", d_text),
	F("OFFSET(prb_data_blk_lpos.begin)", lp_begin),
	F("OFFSET(prb_data_blk_lpos.next)", lp_next),
	F("SIZE(printk_info)", info_size),
	F("OFFSET(printk_info.seq)", i_seq),
	F("OFFSET(printk_info.ts_nsec)", i_ts),
	F("OFFSET(printk_info.text_len)", i_len),
	F("OFFSET(prb_data_ring.size_bits)", da_bits),
	F("OFFSET(prb_data_ring.data)", da_data),
	F("OFFSET(atomic_long_t.counter)", counter),
};

/* The ring as read from the dead kernel. */
struct ring {
	struct kvtop kv;
	struct prb_facts f;
	uint64_t descs, infos, data;
	uint64_t count, data_size, head, tail;
	unsigned data_bits;
};

static int bad(struct dmesg_stats *st, int rc, const char *what)
{
	snprintf(st->why, sizeof(st->why), "%s", what);
	return rc;
}

/* The value of KEY=... (hex for SYMBOL, decimal else) in the text. */
static int vkey(const char *t, size_t len, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	int hex = !strncmp(key, "SYMBOL(", 7);

	for (const char *p = t, *end = t + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char num[24], *e;

		if (ll > kl + 1 && ll - kl - 1 < sizeof(num) &&
		    !memcmp(p, key, kl) && p[kl] == '=') {
			memcpy(num, p + kl + 1, ll - kl - 1);
			num[ll - kl - 1] = 0;
			*v = strtoull(num, &e, hex ? 16 : 10);
			return *e || e == num ? LL_EPROTO : 0;
		}
		p += ll + 1;
	}
	return LL_ENOENT;
}

static int facts(const char *t, size_t len, struct prb_facts *f,
		 struct dmesg_stats *st)
{
	uint64_t dummy;

	for (size_t i = 0; i < sizeof(fkeys) / sizeof(fkeys[0]); i++) {
		uint64_t v;
		int rc = vkey(t, len, fkeys[i].name, &v);

		if (rc) {
			snprintf(st->why, sizeof(st->why), "VMCOREINFO %s %s%s",
				 rc == LL_ENOENT ? "lacks" : "has a bad", fkeys[i].name,
				 !vkey(t, len, "SYMBOL(log_buf)", &dummy) &&
				 rc == LL_ENOENT ? " (a kernel before 5.10: not supported)" : "");
			return rc == LL_ENOENT ? LL_ENOENT : LL_EPROTO;
		}
		if (i && v > 4096)
			return bad(st, LL_EPROTO, "VMCOREINFO printk offset out of range");
		memcpy((uint8_t *)f + fkeys[i].off, &v, 8);
	}
	if (f->desc_size > 256 || f->info_size > 1024 ||
	    f->d_state + 8 > f->desc_size ||
	    f->d_text + f->lp_begin + 8 > f->desc_size ||
	    f->d_text + f->lp_next + 8 > f->desc_size ||
	    f->i_seq + 8 > f->info_size || f->i_ts + 8 > f->info_size ||
	    f->i_len + 2 > f->info_size)
		return bad(st, LL_EPROTO, "VMCOREINFO printk sizes do not hold together");
	return 0;
}

static int rd64(struct ring *r, uint64_t va, uint64_t *v)
{
	return kv_read(&r->kv, va, v, 8);
}

static int rd32(struct ring *r, uint64_t va, uint32_t *v)
{
	return kv_read(&r->kv, va, v, 4);
}

/* prb -> the ring buffer -> its descriptor ring and text data ring. */
static int ring_open(struct ring *r, struct dmesg_stats *st)
{
	const struct prb_facts *f = &r->f;
	uint64_t rb, dr, da;
	uint32_t cbits, dbits;

	if (rd64(r, f->prb, &rb))
		return bad(st, LL_EINVAL, "cannot read the prb pointer");
	dr = rb + f->rb_desc;
	da = rb + f->rb_text;
	if (rd32(r, dr + f->dr_bits, &cbits) || rd64(r, dr + f->dr_descs, &r->descs) ||
	    rd64(r, dr + f->dr_infos, &r->infos) ||
	    rd64(r, dr + f->dr_head + f->counter, &r->head) ||
	    rd64(r, dr + f->dr_tail + f->counter, &r->tail) ||
	    rd32(r, da + f->da_bits, &dbits) || rd64(r, da + f->da_data, &r->data))
		return bad(st, LL_EINVAL, "cannot read the printk ring buffer");
	if (cbits > 30 || dbits < 4 || dbits > 40)
		return bad(st, LL_EPROTO, "printk ring sizes out of range");
	r->count = 1ull << cbits;
	r->data_bits = dbits;
	r->data_size = 1ull << dbits;
	r->head &= SV_ID_MASK;
	r->tail &= SV_ID_MASK;
	if (((r->head - r->tail) & SV_ID_MASK) >= r->count)
		return bad(st, LL_EPROTO, "printk ring head and tail ids too far apart");
	return 0;
}

/* Where the text block of [begin, next) is in the data ring: its offset
 * and length (with the leading id); LL_EPROTO when not a valid block. */
static int block(const struct ring *r, uint64_t begin, uint64_t next,
		 uint64_t *off, uint64_t *len)
{
	uint64_t wb = begin >> r->data_bits, wn = next >> r->data_bits;
	uint64_t mask = r->data_size - 1;

	if (wb == wn && next > begin) {
		*off = begin & mask;
		*len = next - begin;
	} else if (((begin + r->data_size) >> r->data_bits) == wn) {
		*off = 0;            /* wrapped: the block is at the start */
		*len = next & mask;
	} else {
		return LL_EPROTO;
	}
	return *len < 8 || *off + *len > r->data_size ? LL_EPROTO : 0;
}

static void emit(FILE *out, uint64_t ts, const unsigned char *t, size_t n)
{
	fprintf(out, "[%5llu.%06llu] ", (unsigned long long)(ts / 1000000000ull),
		(unsigned long long)(ts % 1000000000ull / 1000));
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\n' || (t[i] >= 0x20 && t[i] < 0x7f))
			fputc(t[i], out);
		else
			fprintf(out, "\\x%02x", t[i]);
	}
	fputc('\n', out);
}

/* The text of one finalized record; 1 when corrupt, <0 on a read error. */
static int text(struct ring *r, uint64_t id, const uint8_t *d, uint16_t tl,
		unsigned char *buf)
{
	const struct prb_facts *f = &r->f;
	uint64_t begin, next, off, len, bid;

	memcpy(&begin, d + f->d_text + f->lp_begin, 8);
	memcpy(&next, d + f->d_text + f->lp_next, 8);
	if (begin & 1)                   /* data-less: an empty or lost line */
		return 0;
	if (block(r, begin, next, &off, &len) || tl > len - 8)
		return 1;
	if (rd64(r, r->data + off, &bid) ||
	    kv_read(&r->kv, r->data + off + 8, buf, tl))
		return LL_EINVAL;
	return (bid & SV_ID_MASK) != id;
}

static int one(struct ring *r, uint64_t id, FILE *out, struct dmesg_stats *st,
	       unsigned char *buf)
{
	const struct prb_facts *f = &r->f;
	uint64_t idx = id & (r->count - 1), sv, ts;
	uint8_t d[256], in[1024];
	uint16_t tl;
	int rc;

	if (kv_read(&r->kv, r->descs + idx * f->desc_size, d, f->desc_size) ||
	    kv_read(&r->kv, r->infos + idx * f->info_size, in, f->info_size))
		return bad(st, LL_EINVAL, "cannot read a printk descriptor");
	memcpy(&sv, d + f->d_state, 8);
	if ((sv & SV_ID_MASK) != id) {
		st->corrupt++;
		return 0;
	}
	if ((sv >> SV_STATE_SHIFT) != ST_COMMITTED &&
	    (sv >> SV_STATE_SHIFT) != ST_FINALIZED) {
		st->missing++;
		return 0;
	}
	memcpy(&ts, in + f->i_ts, 8);
	memcpy(&tl, in + f->i_len, 2);
	rc = text(r, id, d, tl, buf);
	if (rc < 0)
		return bad(st, rc, "cannot read printk text data");
	if (rc) {
		st->corrupt++;
		return 0;
	}
	memcpy(&sv, d + f->d_text + f->lp_begin, 8);
	emit(out, ts, buf, sv & 1 ? 0 : tl);
	st->printed++;
	return 0;
}

int dmesg_print(const struct physmem *mem, const char *vmci, size_t len,
		FILE *out, struct dmesg_stats *st)
{
	static struct ring r;
	static unsigned char buf[TEXT_MAX];
	struct vmci vi;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&r, 0, sizeof(r));
	rc = facts(vmci, len, &r.f, st);
	if (rc)
		return rc;
	vmci_parse(vmci, len, &vi);
	rc = kv_init(&r.kv, mem, &vi);
	if (rc)
		return bad(st, rc, "cannot walk the kernel's page tables "
			   "(VMCOREINFO init_top_pgt, phys_base)");
	rc = ring_open(&r, st);
	for (uint64_t id = r.tail; !rc; id = (id + 1) & SV_ID_MASK) {
		rc = one(&r, id, out, st, buf);
		if (id == r.head)
			break;
		if (st->corrupt > CORRUPT_MAX)
			return bad(st, LL_EPROTO, "printk ring corrupt (too many bad records)");
	}
	if (!rc && st->corrupt) {
		snprintf(st->why, sizeof(st->why), "%llu corrupt printk records skipped",
			 st->corrupt);
		rc = LL_EPROTO;
	}
	return rc;
}
