/* tests/lib/kdump_kprintk.h - a hand-built lockless printk ring buffer
 * (6.1 x86-64 layout) in the synthetic dead kernel of kdump_kfake.h:
 * 16 descriptors, a 512-byte text ring that crosses a page, ids and
 * logical positions that wrap, and the VMCOREINFO lines that find it. */
#ifndef TESTS_KDUMP_KPRINTK_H
#define TESTS_KDUMP_KPRINTK_H
#include "tests/lib/kdump_kfake.h"

#define KP_PRB      0x260000ull   /* struct printk_ringbuffer *prb */
#define KP_RB       0x261000ull   /* the ring buffer (kernel map) */
#define KP_DESCS    0x262000ull   /* direct map from here on */
#define KP_INFOS    0x263000ull
#define KP_DATA     0x264f00ull   /* crosses into the next page */
#define KP_CBITS    4
#define KP_COUNT    (1u << KP_CBITS)
#define KP_DBITS    9
#define KP_DSIZE    (1u << KP_DBITS)
#define KP_DESC_SZ  24
#define KP_INFO_SZ  88
#define KP_ID0      ((1ull << 62) - 5)            /* ids wrap through 0 */
#define KP_LPOS0    ((uint64_t)0 - 2 * KP_DSIZE + 40) /* lpos wraps 2^64 */
#define KP_MASK62   ((1ull << 62) - 1)

struct kprintk {
	struct kfake *k;
	uint64_t id, lpos;               /* next id, next lpos */
	uint64_t begin[KP_COUNT], first; /* per slot; the first id */
};

static inline uint64_t kp_kva(uint64_t pa)
{
	return KF_KMAP + (pa - KF_PHYS_BASE);
}

static inline void kp_init(struct kprintk *p, struct kfake *k)
{
	memset(p, 0, sizeof(*p));
	p->k = k;
	p->id = p->first = KP_ID0;
	p->lpos = KP_LPOS0;
	memset(k->mem + KP_PRB, 0, 0x6000);
	kf_put64(k, KP_PRB, kp_kva(KP_RB));
	k->mem[KP_RB] = KP_CBITS;                       /* desc_ring.count_bits */
	kf_put64(k, KP_RB + 8, KF_DM + KP_DESCS);
	kf_put64(k, KP_RB + 16, KF_DM + KP_INFOS);
	k->mem[KP_RB + 48] = KP_DBITS;                  /* text_data_ring */
	kf_put64(k, KP_RB + 56, KF_DM + KP_DATA);
}

/* Append one finalized record with this time stamp and text. */
static inline void kp_add(struct kprintk *p, uint64_t ts, const char *t)
{
	uint16_t tl = (uint16_t)strlen(t);
	uint64_t sz = (8 + tl + 7) & ~7ull, begin = p->lpos, next, at;
	uint64_t slot = p->id & (KP_COUNT - 1), d = KP_DESCS + slot * KP_DESC_SZ;
	uint64_t in = KP_INFOS + slot * KP_INFO_SZ, mask = KP_DSIZE - 1;

	if ((begin & mask) + sz >= KP_DSIZE) {   /* not before the end: wraps */
		next = (begin | mask) + 1 + sz;
		at = 0;
	} else {
		next = begin + sz;
		at = begin & mask;
	}
	kf_put64(p->k, KP_DATA + at, p->id);
	memcpy(p->k->mem + KP_DATA + at + 8, t, tl);
	kf_put64(p->k, d, (2ull << 62) | p->id);       /* finalized */
	kf_put64(p->k, d + 8, begin);
	kf_put64(p->k, d + 16, next);
	kf_put64(p->k, in, p->id - KP_ID0);             /* seq */
	kf_put64(p->k, in + 8, ts);
	memcpy(p->k->mem + in + 16, &tl, 2);
	p->begin[slot] = begin;
	kf_put64(p->k, KP_RB + 24, p->id);              /* head_id */
	p->lpos = next;
	p->id = (p->id + 1) & KP_MASK62;
}

/* Set tail_id to the oldest record whose slot and text are still there;
 * its id. */
static inline uint64_t kp_finish(struct kprintk *p)
{
	uint64_t head = (p->id - 1) & KP_MASK62, tail = head;

	for (unsigned n = 1; n < KP_COUNT; n++) {
		uint64_t id = (head - n) & KP_MASK62;

		if (((head - p->first) & KP_MASK62) < n ||
		    p->lpos - p->begin[id & (KP_COUNT - 1)] > KP_DSIZE)
			break;
		tail = id;
	}
	kf_put64(p->k, KP_RB + 32, tail);
	return tail;
}

/* The VMCOREINFO lines a 6.1 x86-64 kernel writes for its printk ring. */
static inline int kp_vmcoreinfo(char *buf, size_t cap)
{
	return snprintf(buf, cap,
		"SYMBOL(prb)=%llx\nSYMBOL(printk_rb_static)=%llx\n"
		"SYMBOL(clear_seq)=%llx\n"
		"SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
		"OFFSET(printk_ringbuffer.text_data_ring)=48\n"
		"OFFSET(printk_ringbuffer.fail)=80\nSIZE(prb_desc_ring)=48\n"
		"OFFSET(prb_desc_ring.count_bits)=0\nOFFSET(prb_desc_ring.descs)=8\n"
		"OFFSET(prb_desc_ring.infos)=16\nOFFSET(prb_desc_ring.head_id)=24\n"
		"OFFSET(prb_desc_ring.tail_id)=32\nSIZE(prb_desc)=24\n"
		"OFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
		"SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\n"
		"OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\n"
		"OFFSET(printk_info.seq)=0\nOFFSET(printk_info.ts_nsec)=8\n"
		"OFFSET(printk_info.text_len)=16\nOFFSET(printk_info.caller_id)=20\n"
		"OFFSET(printk_info.dev_info)=24\nSIZE(dev_printk_info)=64\n"
		"SIZE(prb_data_ring)=32\nOFFSET(prb_data_ring.size_bits)=0\n"
		"OFFSET(prb_data_ring.data)=8\nOFFSET(prb_data_ring.head_lpos)=16\n"
		"OFFSET(prb_data_ring.tail_lpos)=24\nSIZE(atomic_long_t)=8\n"
		"OFFSET(atomic_long_t.counter)=0\nSIZE(latched_seq)=24\n"
		"OFFSET(latched_seq.val)=8\n",
		(unsigned long long)kp_kva(KP_PRB), (unsigned long long)kp_kva(KP_RB),
		(unsigned long long)kp_kva(KP_RB + 0x100));
}

/* The whole VMCOREINFO (kfake's + the printk lines) into the note. */
static inline int kp_note(struct kfake *k)
{
	static char v[8192];
	int n = kf_vmcoreinfo(v, sizeof(v), k->levels, NULL), m;

	if (n < 0)
		return -1;
	m = kp_vmcoreinfo(v + n, sizeof(v) - (size_t)n);
	kf_ech(k, v, (size_t)(n + m));
	return 0;
}

#endif
