/* tests/fuzz/fuzz_elfcorehdr.c - the elfcorehdr parser on arbitrary
 * "physical memory" (the fuzz input after one mode byte, header at 0);
 * what parses must build a vmcore header that reads back with the same
 * CPUs and ranges. Mode bit 1: the input is a command line instead; bit
 * 2: it is a vmcore image for vmcore_read (what lifeline-dumpinfo reads). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dump/elfcorehdr.h"
#include "dump/vmcore.h"
#include "dump/vmcore_read.h"

struct image {
	const uint8_t *p;
	uint64_t n;
};

static const void *img_map(void *ctx, uint64_t paddr, uint64_t len)
{
	struct image *im = ctx;

	if (paddr > im->n || len > im->n - paddr)
		return NULL;
	return im->p + paddr;
}

static void cmdline(const uint8_t *d, size_t n)
{
	char s[512];
	uint64_t a, sz;

	if (n > sizeof(s) - 1)
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = 0;
	ech_from_cmdline(s, &a, &sz);
}

static void round_trip(const struct ech_table *t, const struct physmem *m)
{
	static uint8_t hdr[VMCORE_HDR_MAX];
	static struct vmcore_layout lay;
	static struct vmcore_info vi;

	if (vmcore_build(t, m, 0, hdr, sizeof(hdr), &lay))
		return;
	if (vmcore_read(hdr, lay.data_start, &vi) != 0 ||
	    vi.n_cpu != t->n_prstatus || vi.n_range != t->n_load ||
	    vi.e_flags != VMCORE_INCOMPLETE || vi.data_bytes != t->ram_bytes ||
	    lay.data_start % VMCORE_ALIGN || lay.data_start < lay.hdr_len)
		__builtin_trap();
	for (unsigned i = 0; i < vi.n_range; i++)
		if (vi.range[i].paddr != t->load[i].paddr ||
		    vi.range[i].size != t->load[i].size ||
		    vi.range[i].file_off % VMCORE_ALIGN)
			__builtin_trap();
}

static void read_image(const uint8_t *d, size_t n)
{
	static struct vmcore_info vi;
	char v[64];

	if (vmcore_read(d, n, &vi))
		return;
	if (vi.vmcoreinfo_off + vi.vmcoreinfo_len > n || vi.n_range > ECH_MAX_LOADS)
		__builtin_trap();
	vmcore_info_get(d, &vi, "OSRELEASE", v, sizeof(v));
	vmcore_info_get(d, &vi, "PAGESIZE", v, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ech_table t;
	struct image im;
	struct physmem m = { img_map, &im };

	if (size < 1)
		return 0;
	if (data[0] & 4) {
		read_image(data + 1, size - 1);
		return 0;
	}
	if (data[0] & 2) {
		cmdline(data + 1, size - 1);
		return 0;
	}
	im.p = data + 1;
	im.n = size - 1;
	if (ech_parse(&t, &m, 0, (data[0] & 1) ? im.n : 0) == 0)
		round_trip(&t, &m);
	return 0;
}
