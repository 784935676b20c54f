/* boot/e820.c - INT 15h memory-map filter: a pure carve of the BIOS E820
 * map around hidden ranges, E801/88h clipping, and a thin handler that
 * serves the filtered map with the E820 continuation protocol (EBX = index
 * of the next entry, 0 after the last) and chains everything else. */
#include "boot/e820.h"
#include "boot/e820_proto.h"
#include "boot/regs.h"
#include "lib/err.h"
#include "lib/mem.h"

#define MIB 0x100000ull
#define E820_MAX_CALLS (2 * E820_MAX_ENTRIES) /* BIOS calls per load */
static struct e820_ctx *e820_active;

static uint64_t range_end(uint64_t base, uint64_t len)
{
	return base + len < base ? UINT64_MAX : base + len;
}

/* Hidden ranges sorted by base (insertion sort; n <= E820_MAX_HIDE). */
static unsigned e820_sorted(const struct e820_range *hide, unsigned n,
			    struct e820_range *s)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n && k < E820_MAX_HIDE; i++) {
		unsigned j = k++;
		while (j && s[j - 1].base > hide[i].base) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = hide[i];
	}
	return k;
}

static int e820_emit(struct e820_map_entry *out, unsigned cap, unsigned *n,
		     uint64_t a, uint64_t b, uint32_t type, uint32_t attr)
{
	if (a >= b)
		return 0;
	if (*n >= cap)
		return LL_EMSGSIZE;
	out[*n].base = a;
	out[*n].len = b - a;
	out[*n].type = type;
	out[*n].attr = attr;
	(*n)++;
	return 0;
}

/* One RAM entry split around the sorted hidden ranges. */
static int e820_split(const struct e820_map_entry *e, const struct e820_range *s,
		      unsigned ns, struct e820_map_entry *out, unsigned cap,
		      unsigned *n)
{
	uint64_t cur = e->base, end = range_end(e->base, e->len);
	int rc = 0;

	for (unsigned i = 0; i < ns && cur < end && !rc; i++) {
		uint64_t hs = s[i].base, he = range_end(s[i].base, s[i].len);
		if (he <= cur || hs >= end || s[i].len == 0)
			continue;
		if (hs > cur)
			rc = e820_emit(out, cap, n, cur, hs, E820_RAM, e->attr);
		if (hs < cur)
			hs = cur;
		if (he > end)
			he = end;
		if (!rc)
			rc = e820_emit(out, cap, n, hs, he, E820_RESERVED, e->attr);
		cur = he;
	}
	if (!rc)
		rc = e820_emit(out, cap, n, cur, end, E820_RAM, e->attr);
	return rc;
}

int e820_carve(const struct e820_map_entry *in, unsigned n_in,
	       const struct e820_range *hide, unsigned n_hide,
	       struct e820_map_entry *out, unsigned cap)
{
	struct e820_range s[E820_MAX_HIDE];
	unsigned ns = e820_sorted(hide, n_hide, s), n = 0;
	int rc;

	for (unsigned i = 0; i < n_in; i++) {
		if (in[i].type != E820_RAM) {
			if (n >= cap)
				return LL_EMSGSIZE;
			out[n++] = in[i];
			continue;
		}
		rc = e820_split(&in[i], s, ns, out, cap, &n);
		if (rc)
			return rc;
	}
	return (int)n;
}

/* Lowest hidden byte at or above 1 MiB (UINT64_MAX: none). */
static uint64_t e820_low_hidden(const struct e820_range *hide, unsigned n)
{
	uint64_t low = UINT64_MAX;
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = hide[i].base, b = range_end(a, hide[i].len);
		if (hide[i].len == 0 || b <= MIB)
			continue;
		if (a < MIB)
			a = MIB;
		if (a < low)
			low = a;
	}
	return low;
}

void e820_e801_adjust(const struct e820_range *hide, unsigned n_hide,
		      uint16_t *kb_1m_16m, uint16_t *blocks_above_16m)
{
	uint64_t low = e820_low_hidden(hide, n_hide);

	if (low < 16 * MIB) {
		uint64_t kb = (low - MIB) / 1024;
		if (kb < *kb_1m_16m)
			*kb_1m_16m = (uint16_t)kb;
		*blocks_above_16m = 0;
	} else if (low < 0x100000000ull) {
		uint64_t blocks = (low - 16 * MIB) / 65536;
		if (blocks < *blocks_above_16m)
			*blocks_above_16m = (uint16_t)blocks;
	}
}

uint16_t e820_88_adjust(const struct e820_range *hide, unsigned n_hide,
			uint16_t kb_above_1m)
{
	uint64_t low = e820_low_hidden(hide, n_hide);
	uint64_t kb = low == UINT64_MAX ? kb_above_1m : (low - MIB) / 1024;
	return kb < kb_above_1m ? (uint16_t)kb : kb_above_1m;
}

int e820_hide(struct e820_ctx *c, uint64_t base, uint64_t len)
{
	if (c->n_hide >= E820_MAX_HIDE)
		return LL_ENOMEM;
	c->hide[c->n_hide].base = base;
	c->hide[c->n_hide].len = len;
	c->n_hide++;
	return 0;
}

/* One E820 call to the previous handler with a size-byte descriptor at
 * seg:off (never more than the caller gave us); 1 = entry read, 0 = end. */
static int e820_bios_next(struct e820_ctx *c, uint16_t seg, uint16_t off,
			  uint32_t size, uint32_t *cont, struct e820_map_entry *e)
{
	struct rm_regs r;
	struct e820_desc *d;

	memset(&r, 0, sizeof(r));
	r.eax = E820_FUNC;
	r.edx = E820_SMAP;
	r.ebx = *cont;
	r.ecx = size;
	r.es = seg;
	r.edi = off;
	d = rm_mem_map(&c->mem, rm_seg_linear(seg, off), size);
	if (!d)
		return LL_EINVAL;
	memset(d, 0, size);
	if (size >= E820_DESC_EXT)
		d->ext_attr = E820_ATTR_VALID;
	c->chain(c->old_vector, &r);
	if ((r.flags & RM_CF) || r.eax != E820_SMAP || r.ecx < E820_DESC_MIN)
		return 0;
	e->base = d->base;
	e->len = d->length;
	e->type = d->type;
	e->attr = size >= E820_DESC_EXT && r.ecx >= E820_DESC_EXT ?
		  d->ext_attr : E820_ATTR_VALID;
	*cont = r.ebx;
	return 1;
}

/* Read the BIOS map with size-byte descriptors. Bounded: ignored entries
 * count against the calls too, so a BIOS that never ends its list can't
 * keep us here. */
static int e820_load_sized(struct e820_ctx *c, uint16_t seg, uint16_t off,
			   uint32_t size)
{
	struct e820_map_entry bios[E820_MAX_ENTRIES], e;
	unsigned n = 0, calls = 0;
	uint32_t cont = 0;
	int rc;

	if (!c->chain)
		return LL_ENOTSUP;
	do {
		rc = e820_bios_next(c, seg, off, size, &cont, &e);
		if (rc <= 0)
			break;
		c->st.bios_entries++;
		if (!(e.attr & E820_ATTR_VALID)) {
			c->st.ignored_entries++;
			continue;
		}
		bios[n++] = e;
	} while (cont && n < E820_MAX_ENTRIES && ++calls < E820_MAX_CALLS);
	if (rc < 0)
		return rc;
	if (n == 0)
		return LL_ENOENT;
	rc = e820_carve(bios, n, c->hide, c->n_hide, c->map, E820_MAP_MAX);
	if (rc < 0)
		return rc;
	c->n_map = (unsigned)rc;
	c->loaded = 1;
	return 0;
}

int e820_load(struct e820_ctx *c, uint16_t seg, uint16_t off)
{
	return e820_load_sized(c, seg, off, E820_DESC_EXT);
}

static void e820_fail(struct e820_ctx *c, struct rm_regs *r)
{
	c->st.bad_calls++;
	reg_set_hi(&r->eax, 0x86); /* function not supported */
	reg_set_cf(r, 1);
}

/* AX=E820h: entry EBX of the filtered map into ES:DI. */
static void int15_e820(struct e820_ctx *c, struct rm_regs *r)
{
	uint32_t idx = r->ebx, size = r->ecx >= E820_DESC_EXT ? E820_DESC_EXT
							       : E820_DESC_MIN;
	struct e820_desc *d;

	c->st.e820_calls++;
	if (!c->loaded && r->ecx >= E820_DESC_MIN &&
	    e820_load_sized(c, r->es, (uint16_t)r->edi, size) < 0)
		return e820_fail(c, r);
	d = rm_mem_map(&c->mem, rm_seg_linear(r->es, (uint16_t)r->edi), size);
	if (r->edx != E820_SMAP || r->ecx < E820_DESC_MIN || !d ||
	    idx >= c->n_map)
		return e820_fail(c, r);
	d->base = c->map[idx].base;
	d->length = c->map[idx].len;
	d->type = c->map[idx].type;
	if (size == E820_DESC_EXT)
		d->ext_attr = c->map[idx].attr;
	r->eax = E820_SMAP;
	r->ecx = size;
	r->ebx = idx + 1 < c->n_map ? idx + 1 : 0;
	reg_set_cf(r, 0);
}

static void int15_e801(struct e820_ctx *c, struct rm_regs *r)
{
	uint16_t ax, bx, cx, dx;

	c->st.e801_calls++;
	c->chain(c->old_vector, r);
	if (r->flags & RM_CF)
		return;
	ax = (uint16_t)r->eax; bx = (uint16_t)r->ebx;
	cx = (uint16_t)r->ecx; dx = (uint16_t)r->edx;
	e820_e801_adjust(c->hide, c->n_hide, &ax, &bx);
	e820_e801_adjust(c->hide, c->n_hide, &cx, &dx);
	reg_set16(&r->eax, ax); reg_set16(&r->ebx, bx);
	reg_set16(&r->ecx, cx); reg_set16(&r->edx, dx);
}

static void int15_88(struct e820_ctx *c, struct rm_regs *r)
{
	c->st.ah88_calls++;
	c->chain(c->old_vector, r);
	if (!(r->flags & RM_CF))
		reg_set16(&r->eax, e820_88_adjust(c->hide, c->n_hide,
						  (uint16_t)r->eax));
}

void e820_dispatch(struct e820_ctx *c, struct rm_regs *r)
{
	if (!c->chain)
		return e820_fail(c, r);
	if ((uint16_t)r->eax == E820_FUNC)
		int15_e820(c, r);
	else if ((uint16_t)r->eax == E801_FUNC)
		int15_e801(c, r);
	else if (reg_hi(r->eax) == INT15_EXTMEM_88)
		int15_88(c, r);
	else {
		c->st.chained++;
		c->chain(c->old_vector, r);
	}
}

void e820_activate(struct e820_ctx *c)
{
	e820_active = c;
}

void e820_handler(struct rm_regs *r)
{
	if (e820_active)
		e820_dispatch(e820_active, r);
}
