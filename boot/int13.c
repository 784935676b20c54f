/* boot/int13.c - INT 13h for the iSCSI drive: one flat switch on AH to
 * int13_XX() handlers named after the function numbers; every transfer
 * is one blk_run on the block device, verify (04h/44h) included. Other
 * drives pass through to the previous vector.
 * Buffers are taken linearly from their seg:off (no DMA, so 64 KiB
 * physical boundaries do not apply); a buffer that is not addressable
 * (e.g. runs past the end of base memory in tests) gets status 09h, one
 * that touches lifeline's own hidden memory 01h (invalid parameter). */
#include "boot/int13.h"
#include "boot/int13_proto.h"
#include "boot/regs.h"
#include "block/blk_sync.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

static struct int13_ctx *int13_active;

static void int13_geom_init(struct int13_geom *g, uint64_t blocks)
{
	uint64_t cyl = blocks / (INT13_HEADS * INT13_SPT);

	g->heads = INT13_HEADS;
	g->spt = INT13_SPT;
	if (cyl > INT13_MAX_CYL)
		cyl = INT13_MAX_CYL;
	g->cylinders = cyl ? (uint32_t)cyl : 1;
}

int int13_setup(struct int13_ctx *c, struct blk_dev *d, uint8_t want_drive)
{
	uint8_t *count = rm_mem_map(&c->mem, BDA_HD_COUNT_LINEAR, 1);
	uint8_t n;

	if (!count || *count >= 0x7f)
		return LL_ERANGE;
	n = *count;
	if (want_drive && (want_drive < 0x80 || want_drive > 0x80 + n))
		return LL_EINVAL;
	c->dev = d;
	c->drive = want_drive ? want_drive : (uint8_t)(0x80 + n);
	c->shift = c->drive < 0x80 + n;
	c->hd_count = (uint8_t)(n + 1);
	if (c->replace && c->shift) {   /* its number is ours, nobody moves */
		c->shift = 0;
		c->hd_count = n;
	}
	c->last_status = 0;
	int13_geom_init(&c->geom, d->blocks);
	*count = c->hd_count;
	return 0;
}

int int13_disk_io(struct int13_ctx *c, enum blk_op op, uint64_t lba,
		  uint32_t count, void *buf)
{
	if (!blk_in_range(c->dev, lba, count)) {
		c->st.out_of_range++;
		return LL_ERANGE;
	}
	return blk_run(c->dev, op, lba, count, buf,
		       blk_now(c->dev) + INT13_IO_TIMEOUT_US);
}

/* Map a int13_disk_io error to an INT 13h status. */
static uint8_t int13_status_of(int rc)
{
	switch (rc) {
	case 0: return INT13_OK;
	case LL_ERANGE: return INT13_E_NOT_FOUND;
	case LL_EINVAL: return INT13_E_BAD_COMMAND;
	case LL_ETIMEDOUT: return INT13_E_TIMEOUT;
	default: return INT13_E_CONTROLLER;
	}
}

static uint64_t int13_end(uint64_t base, uint64_t len)
{
	return base + len < base ? UINT64_MAX : base + len;
}

/* Does [linear, linear+len) overlap one of our hidden ranges? */
static int int13_hits_hidden(const struct int13_ctx *c, uint64_t linear,
			     uint64_t len)
{
	uint64_t end = int13_end(linear, len);

	for (unsigned i = 0; i < c->n_hide && c->hide; i++) {
		uint64_t hb = c->hide[i].base, he = int13_end(hb, c->hide[i].len);

		if (c->hide[i].len && linear < he && hb < end)
			return 1;
	}
	return 0;
}

/* Transfer count blocks at lba to/from the linear buffer address. */
static uint8_t int13_xfer(struct int13_ctx *c, enum blk_op op, uint64_t lba,
			  uint32_t count, uint64_t linear)
{
	uint64_t len = (uint64_t)count * c->dev->block_size;
	void *buf = NULL;

	if (op != BLK_VERIFY && count) {
		if (int13_hits_hidden(c, linear, len)) {
			c->st.hidden_buffers++;
			return INT13_E_BAD_COMMAND;
		}
		buf = rm_mem_map(&c->mem, linear, len);
		if (!buf)
			return INT13_E_BOUNDARY;
	}
	return int13_status_of(int13_disk_io(c, op, lba, count, buf));
}

static uint8_t int13_00(struct int13_ctx *c, struct rm_regs *r)
{
	(void)c; (void)r;
	return INT13_OK;
}

static uint8_t int13_01(struct int13_ctx *c, struct rm_regs *r)
{
	reg_set_lo(&r->eax, c->last_status); /* some callers read AL */
	return c->last_status;
}

/* CHS in CX/DH to an LBA; sector numbers count from 1. */
static int int13_chs_lba(const struct int13_ctx *c, const struct rm_regs *r,
			 uint64_t *lba)
{
	uint32_t cl = reg_lo(r->ecx), ch = reg_hi(r->ecx);
	uint32_t cyl = ch | ((cl & 0xc0u) << 2), sec = cl & 0x3fu;
	uint32_t head = reg_hi(r->edx);

	if (sec == 0 || sec > c->geom.spt || head >= c->geom.heads ||
	    cyl >= c->geom.cylinders)
		return LL_ERANGE;
	*lba = ((uint64_t)cyl * c->geom.heads + head) * c->geom.spt + sec - 1;
	return 0;
}

static uint8_t int13_chs(struct int13_ctx *c, struct rm_regs *r,
			 enum blk_op op)
{
	uint32_t count = reg_lo(r->eax);
	uint64_t lba;
	uint8_t st;

	if (int13_chs_lba(c, r, &lba)) {
		reg_set_lo(&r->eax, 0);
		return INT13_E_NOT_FOUND;
	}
	st = int13_xfer(c, op, lba, count,
			rm_seg_linear((uint16_t)r->es, (uint16_t)r->ebx));
	reg_set_lo(&r->eax, st ? 0 : (uint8_t)count);
	return st;
}

static uint8_t int13_02(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_chs(c, r, BLK_READ);
}

static uint8_t int13_03(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_chs(c, r, BLK_WRITE);
}

/* 04h: the blocks are checked on the medium; ES:BX is not used. */
static uint8_t int13_04(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_chs(c, r, BLK_VERIFY);
}

static uint8_t int13_08(struct int13_ctx *c, struct rm_regs *r)
{
	uint32_t maxcyl = c->geom.cylinders - 1;

	reg_set_hi(&r->ecx, (uint8_t)maxcyl);
	reg_set_lo(&r->ecx, (uint8_t)(c->geom.spt | ((maxcyl >> 2) & 0xc0u)));
	reg_set_hi(&r->edx, (uint8_t)(c->geom.heads - 1));
	reg_set_lo(&r->edx, c->hd_count);
	reg_set_lo(&r->eax, 0);
	reg_set_lo(&r->ebx, 0);
	return INT13_OK;
}

/* AH=15h returns the disk type in AH, not a status. */
static void int13_15(struct int13_ctx *c, struct rm_regs *r)
{
	uint64_t n = c->dev->blocks;
	uint32_t n32 = n > 0xffffffffu ? 0xffffffffu : (uint32_t)n;

	reg_set16(&r->ecx, (uint16_t)(n32 >> 16));
	reg_set16(&r->edx, (uint16_t)n32);
	reg_set_hi(&r->eax, INT13_TYPE_FIXED);
	reg_set_cf(r, 0);
}

static uint8_t int13_41(struct int13_ctx *c, struct rm_regs *r)
{
	(void)c;
	if ((uint16_t)r->ebx != INT13_EXT_MAGIC_IN)
		return INT13_E_BAD_COMMAND;
	reg_set16(&r->ebx, INT13_EXT_MAGIC_OUT);
	reg_set16(&r->ecx, INT13_EXT_FIXED_ACCESS | INT13_EXT_EDD);
	reg_set_hi(&r->eax, INT13_EDD_VERSION_30);
	return INT13_OK; /* AH is overwritten below: see int13_dispatch */
}

/* The DAP at DS:SI, or NULL (status 01h). */
static struct int13_dap *int13_dap(struct int13_ctx *c, struct rm_regs *r)
{
	struct int13_dap *dap = rm_mem_map(&c->mem,
		rm_seg_linear(r->ds, (uint16_t)r->esi), INT13_DAP_SIZE16);

	if (!dap || dap->dap_size < INT13_DAP_SIZE16)
		return NULL;
	if (dap->dap_size >= INT13_DAP_SIZE24 &&
	    !rm_mem_map(&c->mem, rm_seg_linear(r->ds, (uint16_t)r->esi),
			INT13_DAP_SIZE24))
		return NULL;
	return dap;
}

static uint64_t int13_dap_buffer(const struct int13_dap *dap)
{
	if (dap->dap_buf_seg == INT13_DAP_FLAT_SEGOFF &&
	    dap->dap_buf_off == INT13_DAP_FLAT_SEGOFF &&
	    dap->dap_size >= INT13_DAP_SIZE24)
		return dap->dap_buf64;
	return rm_seg_linear(dap->dap_buf_seg, dap->dap_buf_off);
}

/* 42h/43h/44h: one DAP transfer; the count is set to blocks done. */
static uint8_t int13_ext(struct int13_ctx *c, struct rm_regs *r,
			 enum blk_op op)
{
	struct int13_dap *dap = int13_dap(c, r);
	uint8_t st;

	if (!dap)
		return INT13_E_BAD_COMMAND;
	st = int13_xfer(c, op, dap->dap_lba, dap->dap_count,
			int13_dap_buffer(dap));
	if (st)
		dap->dap_count = 0;
	return st;
}

static uint8_t int13_42(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_ext(c, r, BLK_READ);
}

static uint8_t int13_43(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_ext(c, r, BLK_WRITE);
}

static uint8_t int13_44(struct int13_ctx *c, struct rm_regs *r)
{
	return int13_ext(c, r, BLK_VERIFY);
}

static uint8_t int13_47(struct int13_ctx *c, struct rm_regs *r)
{
	struct int13_dap *dap = int13_dap(c, r);

	if (!dap)
		return INT13_E_BAD_COMMAND;
	return dap->dap_lba < c->dev->blocks ? INT13_OK : INT13_E_NOT_FOUND;
}

/* 48h: EDD 1.x/2.x parameters; a 3.0-sized buffer gets the 2.x fields and
 * dp_size 30 (no device path: an iSCSI LUN has no host bus path). */
static uint8_t int13_48(struct int13_ctx *c, struct rm_regs *r)
{
	uint64_t lin = rm_seg_linear(r->ds, (uint16_t)r->esi);
	struct int13_drive_params *dp = rm_mem_map(&c->mem, lin, 2);
	uint16_t size;

	if (!dp || dp->dp_size < INT13_DP_SIZE_V1)
		return INT13_E_BAD_COMMAND;
	size = dp->dp_size >= INT13_DP_SIZE_V2 ? INT13_DP_SIZE_V2
					       : INT13_DP_SIZE_V1;
	if (!rm_mem_map(&c->mem, lin, size))
		return INT13_E_BAD_COMMAND;
	dp->dp_size = size;
	/* Geometry is meaningful only up to 15,482,880 sectors (EDD). */
	dp->dp_flags = c->dev->blocks <= 15482880u ? INT13_DP_CHS_VALID : 0;
	dp->dp_flags |= INT13_DP_DMA_BOUNDARY_OK;
	dp->dp_cylinders = c->geom.cylinders;
	dp->dp_heads = c->geom.heads;
	dp->dp_spt = c->geom.spt;
	dp->dp_sectors = c->dev->blocks;
	dp->dp_sector_size = (uint16_t)c->dev->block_size;
	if (size >= INT13_DP_SIZE_V2) {
		dp->dp_dpte_off = 0xffff;
		dp->dp_dpte_seg = 0xffff;
	}
	return INT13_OK;
}

/* Our drive: the flat table of functions. */
static void int13_ours(struct int13_ctx *c, struct rm_regs *r)
{
	uint8_t ah = reg_hi(r->eax), st;

	switch (ah) {
	case INT13_RESET:      st = int13_00(c, r); break;
	case INT13_STATUS:     st = int13_01(c, r); break;
	case INT13_READ_CHS:   st = int13_02(c, r); break;
	case INT13_WRITE_CHS:  st = int13_03(c, r); break;
	case INT13_VERIFY_CHS: st = int13_04(c, r); break;
	case INT13_GET_PARAMS: st = int13_08(c, r); break;
	case INT13_GET_DISK_TYPE: int13_15(c, r); c->last_status = 0; return;
	case INT13_EXT_CHECK:
		st = int13_41(c, r);
		if (!st) {         /* AH holds the version, not a status */
			reg_set_cf(r, 0);
			c->last_status = 0;
			return;
		}
		break;
	case INT13_EXT_READ:   st = int13_42(c, r); break;
	case INT13_EXT_WRITE:  st = int13_43(c, r); break;
	case INT13_EXT_VERIFY: st = int13_44(c, r); break;
	case INT13_EXT_SEEK:   st = int13_47(c, r); break;
	case INT13_EXT_PARAMS: st = int13_48(c, r); break;
	default:               st = INT13_E_BAD_COMMAND; break;
	}
	if (ah != INT13_STATUS)
		c->last_status = st;
	if (st)
		c->st.errors++;
	reg_set_hi(&r->eax, st);
	reg_set_cf(r, st != 0);
}

/* Someone else's drive: renumber if we shifted drives up, chain, and put
 * DL back (08h returns the hard disk count there, 15h a size in DX). */
static void int13_pass(struct int13_ctx *c, struct rm_regs *r)
{
	uint8_t dl = reg_lo(r->edx), ah = reg_hi(r->eax);

	c->st.chained++;
	if (!c->chain) {
		reg_set_hi(&r->eax, INT13_E_BAD_COMMAND);
		reg_set_cf(r, 1);
		return;
	}
	if (c->shift && dl > c->drive)
		reg_set_lo(&r->edx, (uint8_t)(dl - 1));
	c->chain(c->old_vector, r);
	if (ah == INT13_GET_PARAMS && (dl & 0x80) && !(r->flags & RM_CF))
		reg_set_lo(&r->edx, c->hd_count);
	else if (ah != INT13_GET_PARAMS && ah != INT13_GET_DISK_TYPE)
		reg_set_lo(&r->edx, dl);
}

/* Our drive's call, timed (int13_stats). */
static void int13_timed(struct int13_ctx *c, struct rm_regs *r)
{
	struct int13_stats *st = &c->st;
	uint64_t t0 = ll_now(c->dev->clock);

	if (st->last_exit)
		st->between_us += t0 - st->last_exit;
	int13_ours(c, r);
	st->last_exit = ll_now(c->dev->clock);
	st->inside_us += st->last_exit - t0;
	if (st->calls % 64 == 0)
		ll_logf("int13: %u calls, %u us inside, %u us between\n",
			  st->calls, (uint32_t)st->inside_us,
			  (uint32_t)st->between_us);
}

void int13_dispatch(struct int13_ctx *c, struct rm_regs *r)
{
	c->st.calls++;
	if (reg_lo(r->edx) == c->drive)
		int13_timed(c, r);
	else
		int13_pass(c, r);
}

void int13_activate(struct int13_ctx *c)
{
	int13_active = c;
}

void int13_handler(struct rm_regs *r)
{
	if (int13_active)
		int13_dispatch(int13_active, r);
}
