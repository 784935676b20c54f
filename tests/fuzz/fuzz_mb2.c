/* tests/fuzz/fuzz_mb2.c - the Multiboot2 information parser on arbitrary
 * bytes: whatever total_size and the tags say, mb2_info_parse must stay in
 * the buffer, and what it reports on success must lie inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "boot/mb2_info.h"

static int inside(const void *p, size_t n, const uint8_t *buf, size_t size)
{
	const uint8_t *b = p;

	return b >= buf && b <= buf + size && n <= (size_t)(buf + size - b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_info m;
	uint8_t *copy = malloc(size ? size : 1);   /* exact size: ASan */
	uint64_t base, len;
	uint32_t type;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (mb2_info_parse(copy, size, &m) == 0) {
		if (m.total > size ||
		    (m.cmdline && !inside(m.cmdline, strlen(m.cmdline) + 1, copy, size)) ||
		    (m.mmap && !inside(m.mmap, (size_t)m.mmap_n * m.mmap_esize, copy, size)) ||
		    (m.rsdp && !inside(m.rsdp, m.rsdp_len, copy, size)) ||
		    (m.ack && !inside(m.ack, m.ack_len, copy, size)))
			__builtin_trap();
		for (uint32_t i = 0; i < m.mmap_n; i++)
			mb2_mmap_entry(&m, i, &base, &len, &type);
	}
	free(copy);
	return 0;
}
