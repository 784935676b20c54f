/* dump/crash_mem.c - the kexec entry's heap from the free part of the RAM
 * it was handed (dump/crash_mem.h): busy ranges cut out, largest piece. */
#include "dump/crash_mem.h"
#include "dump/elfcorehdr.h"
#include "lib/err.h"

#define PAGE 4096ull
#define ECH_GUESS (64ull * 1024)  /* header length when elfcorehdr= has none */

/* Parsed once here for its busy ranges; the crash flow parses again. */
static struct ech_table cm_ech;

struct cm_busy {
	struct crash_span s[CRASH_SPAN_MAX];
	unsigned n;
};

static void busy_add(struct cm_busy *b, uint64_t base, uint64_t len)
{
	if (len && b->n < CRASH_SPAN_MAX)
		b->s[b->n++] = (struct crash_span){ base, len };
}

/* The elfcorehdr's own bytes and the data of each range kept elsewhere. */
static void busy_from_ech(struct cm_busy *b, const char *cmdline,
			  const struct physmem *mem)
{
	uint64_t addr, size;

	if (!cmdline || ech_from_cmdline(cmdline, &addr, &size) < 0)
		return;
	busy_add(b, addr, size ? size : ECH_GUESS);
	if (ech_parse(&cm_ech, mem, addr, size) < 0)
		return;
	for (unsigned i = 0; i < cm_ech.n_load; i++)
		if (cm_ech.load[i].src != cm_ech.load[i].paddr)
			busy_add(b, cm_ech.load[i].src, cm_ech.load[i].size);
}

/* The busy range overlapping [cur, end) that starts first, or NULL. */
static const struct crash_span *first_busy(const struct cm_busy *b,
					   uint64_t cur, uint64_t end)
{
	const struct crash_span *hit = 0;

	for (unsigned i = 0; i < b->n; i++) {
		const struct crash_span *s = &b->s[i];
		if (s->base < end && s->base + s->len > cur &&
		    (!hit || s->base < hit->base))
			hit = s;
	}
	return hit;
}

/* Keep [lo, hi) page-aligned in *best when it is larger. */
static void consider(uint64_t lo, uint64_t hi, struct crash_span *best)
{
	lo = (lo + PAGE - 1) & ~(PAGE - 1);
	hi &= ~(PAGE - 1);
	if (hi > lo && hi - lo > best->len)
		*best = (struct crash_span){ lo, hi - lo };
}

/* The free pieces of one RAM range, walked in address order. */
static void scan_range(const struct cm_busy *b, uint64_t cur, uint64_t end,
		       struct crash_span *best)
{
	const struct crash_span *s;

	while (cur < end && (s = first_busy(b, cur, end))) {
		if (s->base > cur)
			consider(cur, s->base, best);
		cur = s->base + s->len;
	}
	if (cur < end)
		consider(cur, end, best);
}

int crash_heap_find(const struct crash_span *ram, unsigned n_ram,
		    const struct crash_span *busy, unsigned n_busy,
		    const char *cmdline, const struct physmem *mem,
		    uint64_t limit, struct crash_span *out)
{
	struct cm_busy b = { .n = 0 };

	for (unsigned i = 0; i < n_busy; i++)
		busy_add(&b, busy[i].base, busy[i].len);
	busy_from_ech(&b, cmdline, mem);
	*out = (struct crash_span){ 0, 0 };
	for (unsigned i = 0; i < n_ram; i++) {
		uint64_t end = ram[i].base + ram[i].len;
		if (end < ram[i].base || end > limit)
			end = limit;
		if (ram[i].base < end)
			scan_range(&b, ram[i].base, end, out);
	}
	return out->len >= CRASH_HEAP_MIN ? 0 : LL_ECRASHMEM;
}
