/* dump/kdump_write.c - the kdump-compressed dump: header (incomplete),
 * pass 1 the two bitmaps window by window, pass 2 the descriptors and the
 * page data side by side, sync, header complete, sync. */
#include "dump/kdump_write.h"
#include "dump/kdump_hdr.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"
#include <lzo/lzo1x.h>

#define MIB (1024ull * 1024)

_Static_assert(KD_LZO_WORK >= LZO1X_1_MEM_COMPRESS, "LZO work memory");
_Static_assert(KD_STAGE % KD_BLOCK == 0, "stage holds whole blocks");

static uint64_t now(const struct dump_ctx *c)
{
	return ll_now(c->clock);
}

/* ---- streams: sequential file regions filled through held slots ---- */

static void stream_at(struct kd_stream *s, uint64_t off)
{
	memset(s, 0, sizeof(*s));
	s->off = off;
}

/* Send the buffer; a partial one (the stream's end) is zero padded to
 * the LUN block. */
static int stream_flush(const struct dump_ctx *c, struct kdump_work *kw,
			struct kd_stream *s)
{
	uint32_t bs = c->dev->block_size, len;
	uint8_t *b;
	int rc;

	if (!s->have)
		return 0;
	b = kw->stage[s->slot];
	len = (s->fill + bs - 1) & ~(bs - 1);
	memset(b + s->fill, 0, len - s->fill);
	rc = dump_io_put(c, s->slot, s->off, b, len, s->fill);
	s->have = 0;
	s->off += len;
	s->fill = 0;
	return rc;
}

/* Append len bytes (p NULL: zeroes). */
static int stream_put(const struct dump_ctx *c, struct kdump_work *kw,
		      struct kd_stream *s, const void *p, uint32_t len)
{
	while (len) {
		uint32_t n;
		int rc;

		if (!s->have) {
			rc = dump_io_take(c, &s->slot);
			if (rc)
				return rc;
			s->have = 1;
			s->fill = 0;
		}
		n = KD_STAGE - s->fill;
		if (n > len)
			n = len;
		if (p)
			memcpy(kw->stage[s->slot] + s->fill, p, n);
		else
			memset(kw->stage[s->slot] + s->fill, 0, n);
		s->fill += n;
		len -= n;
		p = p ? (const uint8_t *)p + n : NULL;
		if (s->fill == KD_STAGE && (rc = stream_flush(c, kw, s)))
			return rc;
	}
	return 0;
}

/* Give back slots still held after an error. */
static void stream_drop(const struct dump_ctx *c, struct kdump_work *kw)
{
	for (int i = 0; i < 2; i++)
		if (kw->s[i].have)
			c->work->io[kw->s[i].slot].held = 0;
}

/* ---- progress ---- */

static void progress(const struct dump_ctx *c, char *line, size_t cap)
{
	const struct kdump_work *kw = c->work->progress_ctx;
	uint64_t us = now(c) - c->work->t_start, total = kw->st.present;
	uint64_t rate10 = us ? (c->work->bytes_done >> 10) * 10000000ull / (us * 1024) : 0;
	uint64_t eta = kw->pages_done && kw->pages_done < total ?
		       (total - kw->pages_done) * (us / 1000) / kw->pages_done / 1000 : 0;

	ll_snprintf(line, cap, "dump: %llu/%llu pages seen, %llu kept, %llu MiB written, %llu.%llu MiB/s, ETA %llu s",
		    (unsigned long long)kw->pages_done, (unsigned long long)total,
		    (unsigned long long)(kw->n_desc - kw->n_zero),
		    (unsigned long long)(c->work->bytes_done / MIB),
		    (unsigned long long)(rate10 / 10), (unsigned long long)(rate10 % 10),
		    (unsigned long long)eta);
}

/* ---- pass 1: bitmaps ---- */

static uint32_t popcount_block(const uint8_t *b)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < KD_BLOCK; i++)
		for (unsigned v = b[i]; v; v &= v - 1)
			n++;
	return n;
}

static int pass_bitmaps(const struct dump_ctx *c, struct kdump_work *kw)
{
	int rc = 0;

	stream_at(&kw->s[0], kw->bm_off);
	stream_at(&kw->s[1], kw->bm_off + (uint64_t)kw->bm_blocks * KD_BLOCK);
	for (uint32_t b = 0; !rc && b < kw->bm_blocks; b++) {
		pf_window(&kw->pf, (uint64_t)b * KD_WIN_PFNS, KD_WIN_PFNS, kw->win1,
			  kw->win2, &kw->st);
		kw->n_kept += popcount_block(kw->win2);
		rc = stream_put(c, kw, &kw->s[0], kw->win1, KD_BLOCK);
		if (!rc)
			rc = stream_put(c, kw, &kw->s[1], kw->win2, KD_BLOCK);
		dump_io_progress(c, 0);
	}
	if (!rc)
		rc = stream_flush(c, kw, &kw->s[0]);
	if (!rc)
		rc = stream_flush(c, kw, &kw->s[1]);
	return rc;
}

/* ---- pass 2: descriptors and page data ---- */

static int put_desc(const struct dump_ctx *c, struct kdump_work *kw,
		    uint64_t off, uint32_t size, uint32_t flags)
{
	uint8_t d[KD_DESC_SIZE];

	if (kw->n_desc >= kw->n_kept)
		return LL_EPROTO;   /* memory changed under us: refuse */
	kd_put64(d, 0, off);
	kd_put32(d, 8, size);
	kd_put32(d, 12, flags);
	kd_put64(d, 16, 0);
	kw->n_desc++;
	return stream_put(c, kw, &kw->s[0], d, KD_DESC_SIZE);
}

static int all_zero(const uint8_t *p)
{
	uint64_t acc = 0, v;

	for (uint32_t i = 0; i < KD_BLOCK; i += 8) {
		memcpy(&v, p + i, 8);
		acc |= v;
	}
	return acc == 0;
}

/* One kept page: the shared zero page, LZO1X-1 data, or raw. */
static int put_page(const struct dump_ctx *c, struct kdump_work *kw, uint64_t pfn)
{
	const uint8_t *p = pf_page(&kw->pf, pfn);
	lzo_uint clen = KD_CBUF;
	int rc;

	if (!p)
		return LL_EINVAL;
	if (kw->zero_off && all_zero(p)) {
		kw->n_zero++;
		return put_desc(c, kw, kw->zero_off, KD_BLOCK, 0);
	}
	if (lzo1x_1_compress(p, KD_BLOCK, kw->cbuf, &clen, kw->lzo_work) == LZO_E_OK &&
	    clen < KD_BLOCK) {
		rc = put_desc(c, kw, kw->data_pos, (uint32_t)clen, KD_COMPRESSED_LZO);
		if (!rc)
			rc = stream_put(c, kw, &kw->s[1], kw->cbuf, (uint32_t)clen);
		kw->data_pos += clen;
		return rc;
	}
	kw->n_raw++;
	rc = put_desc(c, kw, kw->data_pos, KD_BLOCK, 0);
	if (!rc)
		rc = stream_put(c, kw, &kw->s[1], p, KD_BLOCK);
	kw->data_pos += KD_BLOCK;
	return rc;
}

static int pass_pages(const struct dump_ctx *c, struct kdump_work *kw)
{
	int rc = 0;

	stream_at(&kw->s[0], kw->desc_off);
	stream_at(&kw->s[1], kw->data_off);
	kw->data_pos = kw->data_off;
	if (kw->pf.level & DL_ZERO) {
		kw->zero_off = kw->data_pos;
		kw->data_pos += KD_BLOCK;
		rc = stream_put(c, kw, &kw->s[1], NULL, KD_BLOCK);
	}
	for (uint32_t b = 0; !rc && b < kw->bm_blocks; b++) {
		uint64_t pfn0 = (uint64_t)b * KD_WIN_PFNS;

		pf_window(&kw->pf, pfn0, KD_WIN_PFNS, kw->win1, kw->win2, NULL);
		for (uint32_t i = 0; !rc && i < KD_WIN_PFNS; i++) {
			kw->pages_done += (kw->win1[i >> 3] >> (i & 7)) & 1;
			if (!(i & 255))
				dump_io_progress(c, 0);
			if (!((kw->win2[i >> 3] >> (i & 7)) & 1))
				continue;
			rc = put_page(c, kw, pfn0 + i);
		}
	}
	if (!rc)
		rc = stream_flush(c, kw, &kw->s[0]);
	if (!rc)
		rc = stream_flush(c, kw, &kw->s[1]);
	if (!rc && kw->n_desc != kw->n_kept)
		rc = LL_EPROTO;
	if (!rc)
		rc = dump_io_wait(c, 0);
	if (!rc)
		dump_io_progress(c, 1);
	return rc;
}

/* ---- the run ---- */

static int check_space(const struct dump_ctx *c, uint64_t need)
{
	uint64_t have = c->dev->blocks * c->dev->block_size;

	if (need <= have)
		return 0;
	ll_printf("dump: error E%d: dump LUN too small: need up to %llu MiB, has %llu MiB\n",
		  -LL_ERANGE, (unsigned long long)((need + MIB - 1) / MIB),
		  (unsigned long long)(have / MIB));
	return LL_ERANGE;
}

static int prepare(const struct dump_ctx *c, unsigned level, struct kdump_work *kw)
{
	struct kd_hdr_in in;
	char why[128];
	int rc;

	rc = pf_init(&kw->pf, c->ech, c->mem, level);
	if (rc)
		return rc;
	kw->max_pfn = kw->pf.max_pfn;
	if (!kw->max_pfn)
		return LL_EINVAL;
	kw->bm_blocks = (uint32_t)((kw->max_pfn + KD_WIN_PFNS - 1) / KD_WIN_PFNS);
	in.pf = &kw->pf;
	in.max_pfn = kw->max_pfn;
	in.bm_blocks = kw->bm_blocks;
	in.codec = KD_COMPRESSED_LZO;
	rc = kd_build_header(&in, c->work->hdr, sizeof(c->work->hdr), &kw->sub_blocks);
	if (rc)
		return rc;
	kw->bm_off = (1ull + kw->sub_blocks) * KD_BLOCK;
	kw->desc_off = kw->bm_off + 2ull * kw->bm_blocks * KD_BLOCK;
	ll_printf("dump: kdump-compressed (lzo), dump level %u requested, %u applied, %u CPUs, %llu MiB of pfns\n",
		  kw->pf.level_req, kw->pf.level, c->ech->n_prstatus,
		  (unsigned long long)(kw->max_pfn * KD_BLOCK / MIB));
	pf_explain(&kw->pf, why, sizeof(why));
	if (why[0])
		ll_printf("dump: %s\n", why);
	return check_space(c, kw->desc_off);
}

static int finish(const struct dump_ctx *c)
{
	int rc = dump_io_wait(c, 0);

	if (!rc)
		rc = dump_io_sync(c);
	if (rc)
		return rc;
	kd_mark(c->work->hdr, 0);
	rc = dump_io_write(c, 0, c->work->hdr, KD_BLOCK, 0);
	if (!rc)
		rc = dump_io_wait(c, 0);
	if (!rc)
		rc = dump_io_sync(c);
	return rc;
}

static int stream_all(const struct dump_ctx *c, struct kdump_work *kw)
{
	int rc = dump_io_write(c, 0, c->work->hdr, (uint32_t)kw->bm_off, 0);

	if (!rc)
		rc = pass_bitmaps(c, kw);
	if (rc)
		return rc;
	ll_printf("dump: bitmaps: %llu of %llu pages to keep, %llu ms\n",
		  (unsigned long long)kw->n_kept, (unsigned long long)kw->st.present,
		  (unsigned long long)((now(c) - c->work->t_start) / 1000));
	kw->data_off = (kw->desc_off + kw->n_kept * KD_DESC_SIZE + KD_BLOCK - 1) &
		       ~(uint64_t)(KD_BLOCK - 1);
	rc = check_space(c, kw->data_off + (kw->n_kept + 1) * KD_BLOCK);
	if (rc) {
		dump_io_wait(c, 0);   /* the incomplete header lands */
		return rc;
	}
	rc = pass_pages(c, kw);
	if (!rc)
		rc = finish(c);
	return rc;
}

static void finish_line(const struct dump_ctx *c, const struct kdump_work *kw)
{
	const struct dump_work *w = c->work;
	uint64_t ms = (w->t_end - w->t_start) / 1000;

	ll_printf("dump: complete, level %u: %llu of %llu pages kept (%llu zero, %llu raw), left out %llu cache, %llu user, %llu free; %llu MiB in %llu.%03llu s\n",
		  kw->pf.level, (unsigned long long)(kw->n_desc - kw->n_zero),
		  (unsigned long long)kw->st.present, (unsigned long long)kw->n_zero,
		  (unsigned long long)kw->n_raw, (unsigned long long)kw->st.cache,
		  (unsigned long long)kw->st.user, (unsigned long long)kw->st.free,
		  (unsigned long long)((kw->data_pos + MIB - 1) / MIB),
		  (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

static void reset(const struct dump_ctx *c, struct kdump_work *kw)
{
	struct dump_work *w = c->work;

	memset(&kw->st, 0, sizeof(kw->st));
	kw->n_kept = kw->n_desc = kw->n_zero = kw->n_raw = 0;
	kw->pages_done = kw->zero_off = kw->data_pos = 0;
	memset(kw->s, 0, sizeof(kw->s));
	memset(&w->layout, 0, sizeof(w->layout));
	w->bytes_done = 0;
	w->max_inflight = w->writes = 0;
	w->error = 0;
	w->progress = progress;
	w->progress_ctx = kw;
}

int kdump_run(const struct dump_ctx *c, unsigned level, struct kdump_work *kw)
{
	struct dump_work *w = c->work;
	int rc;

	reset(c, kw);
	rc = dump_io_setup(c);
	if (!rc && w->depth < 2)
		rc = LL_EINVAL;
	if (!rc)
		rc = prepare(c, level, kw);
	if (rc)
		goto fail;
	w->t_start = w->t_last_done = w->t_last_print = now(c);
	rc = stream_all(c, kw);
	w->t_end = now(c);
	if (rc)
		goto fail_cancel;
	finish_line(c, kw);
	return 0;

fail_cancel:
	stream_drop(c, kw);
	blk_cancel_all(c->dev, rc);
	w->error = rc;
	ll_printf("dump: error E%d: %s; dump left marked incomplete\n", -rc,
		  ll_strerror(rc));
	return rc;
fail:
	w->error = rc;
	ll_printf("dump: error E%d: %s; nothing written\n", -rc, ll_strerror(rc));
	return rc;
}
