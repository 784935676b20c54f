/* tools/common/kdump_info.c - kdump-compressed header, bitmaps and page
 * descriptors read with pread, counted without holding them whole. */
#include <string.h>
#include <unistd.h>
#include "tools/common/kdump_info.h"
#include "dump/kdump_format.h"
#include "lib/err.h"

#define CHUNK (1u << 20)

static int rd(int fd, void *p, size_t n, uint64_t off)
{
	return pread(fd, p, n, (off_t)off) == (ssize_t)n ? 0 : LL_EIO;
}

static int header(int fd, struct kdump_info *ki)
{
	uint8_t h[KDH_SIZE], s[KDS_SIZE];

	if (rd(fd, h, sizeof(h), 0))
		return LL_ENOENT;
	if (memcmp(h, KD_SIGNATURE, 8))
		return LL_ENOENT;
	memcpy(ki->release, h + KDH_UTSNAME + 2 * KD_UTS_LEN, KD_UTS_LEN);
	ki->release[KD_UTS_LEN - 1] = 0;
	ki->status = kd_get32(h, KDH_STATUS);
	ki->block_size = kd_get32(h, KDH_BLOCK_SIZE);
	ki->sub_blocks = kd_get32(h, KDH_SUB_HDR_SIZE);
	ki->bitmap_blocks = kd_get32(h, KDH_BITMAP_BLOCKS);
	ki->nr_cpus = (int32_t)kd_get32(h, KDH_NR_CPUS);
	if (ki->block_size < 512 || ki->block_size > 65536 ||
	    (ki->block_size & (ki->block_size - 1)) || !ki->sub_blocks ||
	    !ki->bitmap_blocks || (ki->bitmap_blocks & 1))
		return LL_EPROTO;
	if (rd(fd, s, sizeof(s), ki->block_size))
		return LL_EIO;
	ki->level = (int32_t)kd_get32(s, KDS_DUMP_LEVEL);
	ki->max_mapnr = kd_get64(s, KDS_MAX_MAPNR_64);
	ki->vmci_off = kd_get64(s, KDS_OFF_VMCOREINFO);
	ki->vmci_len = kd_get64(s, KDS_SIZE_VMCOREINFO);
	return 0;
}

static uint64_t bits(const uint8_t *p, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcount(p[i]);
	return c;
}

/* Bits set in the half-bitmap starting at off, len bytes. */
static int count_bits(int fd, uint64_t off, uint64_t len, uint64_t *out)
{
	static uint8_t buf[CHUNK];

	*out = 0;
	for (uint64_t d = 0; d < len;) {
		size_t n = len - d > CHUNK ? CHUNK : (size_t)(len - d);

		if (rd(fd, buf, n, off + d))
			return LL_EIO;
		*out += bits(buf, n);
		d += n;
	}
	return 0;
}

static void one_desc(struct kdump_info *ki, const uint8_t *d, uint64_t *zoff,
		     uint64_t *zcount)
{
	uint64_t off = kd_get64(d, 0);
	uint32_t size = kd_get32(d, 8), fl = kd_get32(d, 12);

	if (off + size > ki->file_end)
		ki->file_end = off + size;
	if (fl & KD_COMPRESSED_LZO)
		ki->pages_lzo++;
	if (off < *zoff) {
		*zoff = off;
		*zcount = 0;
	}
	if (off == *zoff)
		(*zcount)++;
	if (!fl)
		ki->pages_raw++;
}

static int descs(int fd, struct kdump_info *ki, uint64_t off)
{
	static uint8_t buf[CHUNK / KD_DESC_SIZE * KD_DESC_SIZE];
	uint64_t len = ki->pages_dumped * KD_DESC_SIZE, zoff = UINT64_MAX, zc = 0;

	ki->file_end = off + len;
	for (uint64_t d = 0; d < len;) {
		size_t n = len - d > sizeof(buf) ? sizeof(buf) : (size_t)(len - d);

		if (rd(fd, buf, n, off + d))
			return LL_EIO;
		for (size_t i = 0; i < n; i += KD_DESC_SIZE)
			one_desc(ki, buf + i, &zoff, &zc);
		d += n;
	}
	/* the shared zero page: the lowest offset, named more than once */
	ki->pages_zero = zc > 1 ? zc : 0;
	if (ki->pages_zero)
		ki->pages_raw -= zc;
	return 0;
}

int kdump_info_read(int fd, struct kdump_info *ki)
{
	uint64_t bs, half, bm;
	int rc;

	memset(ki, 0, sizeof(*ki));
	rc = header(fd, ki);
	if (rc)
		return rc;
	bs = ki->block_size;
	half = (uint64_t)ki->bitmap_blocks / 2 * bs;
	bm = (1ull + ki->sub_blocks) * bs;
	rc = count_bits(fd, bm, half, &ki->pages_ram);
	if (!rc)
		rc = count_bits(fd, bm + half, half, &ki->pages_dumped);
	if (!rc)
		rc = descs(fd, ki, bm + 2 * half);
	return rc;
}
