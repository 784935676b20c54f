/* tests/fuzz/fuzz_pagefilter.c - the VMCOREINFO / mem_map reader on
 * untrusted input: the synthetic dead kernel of tests/lib/kdump_kfake.h
 * with its VMCOREINFO text replaced by the input's first part (up to a NUL)
 * and its page tables, mem_section and struct pages patched by the rest
 * (records: 3-byte offset, 1-byte length, bytes). Kept pages must be RAM,
 * RAM pages must be present, nothing may read outside memory (ASan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/kdump_kfake.h"
#include "dump/elfcorehdr.h"
#include "dump/pagefilter.h"

#define PATCH_LO  KF_PHYS_BASE
#define PATCH_HI  (KF_PAGES + KF_NPFN * 64)

static struct kfake kf;
static uint8_t *pristine;
static struct ech_table ech;
static struct pagefilter pf;

static void patch(const uint8_t *d, size_t n)
{
	while (n >= 4) {
		uint64_t off = PATCH_LO + (((uint64_t)d[0] << 16 | d[1] << 8 | d[2]) %
					   (PATCH_HI - PATCH_LO));
		size_t len = d[3];

		d += 4;
		n -= 4;
		if (len > n)
			len = n;
		if (len > PATCH_HI - off)
			len = PATCH_HI - off;
		memcpy(kf.mem + off, d, len);
		d += len;
		n -= len;
	}
}

static void check_window(uint64_t pfn0, uint32_t n)
{
	uint8_t b1[64], b2[64];

	pf_window(&pf, pfn0, n, b1, b2, NULL);
	for (uint32_t i = 0; i < n / 8; i++) {
		if (b2[i] & ~b1[i])
			__builtin_trap();
		for (int b = 0; b < 8; b++) {
			uint64_t a = (pfn0 + i * 8 + b) * 4096;
			int ram = a < KF_HOLE_LO || (a >= KF_HOLE_HI && a < KF_SIZE);
			if (((b1[i] >> b) & 1) != ram)
				__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct physmem pm;
	const uint8_t *nul = memchr(d, 0, n);
	size_t tl = nul ? (size_t)(nul - d) : n;
	char text[4000];

	if (!kf.mem) {
		kf_build(&kf, 4, NULL);
		pristine = malloc(KF_SIZE);
		memcpy(pristine, kf.mem, KF_SIZE);
	}
	memcpy(kf.mem + PATCH_LO, pristine + PATCH_LO, PATCH_HI - PATCH_LO);
	if (tl > sizeof(text))
		tl = sizeof(text);
	memcpy(text, d, tl);
	if (nul)
		patch(nul + 1, n - (size_t)(nul - d) - 1);
	/* after the patches: the elfcorehdr (its own fuzzer's input) and the
	 * VMCOREINFO note stay as built, so the RAM the checks expect holds */
	kf_ech(&kf, text, tl);
	pm = kf_physmem(&kf);
	if (ech_parse(&ech, &pm, KF_ECH, kf.ech_size))
		return 0;
	pf_init(&pf, &ech, &pm, DL_ALL);
	for (uint64_t p = 0x400; p < 0x800; p += 512)
		check_window(p, 512);
	check_window(KF_HOLE_LO / 4096 - 256, 512);
	if (pf_page(&pf, KF_HOLE_LO / 4096) || !pf_page(&pf, 0))
		__builtin_trap();
	return 0;
}
