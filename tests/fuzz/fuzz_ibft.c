/* tests/fuzz/fuzz_ibft.c - the iBFT reader on arbitrary memory: what the
 * PXE flow runs over the 512 KiB - 1 MiB window a ROM may have written.
 * ibft_find must stay inside the buffer and only report tables whose
 * length fits and whose bytes sum to zero; ibft_has_target must never read
 * outside the table it is given, whatever its offsets say. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "boot/ibft.h"
#include "lib/byteorder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t lun[8] = { 0, 1 };
	uint8_t *copy;
	long off;

	/* an exact-size heap copy: ASan sees any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	off = ibft_find(copy, size);
	if (off >= 0) {
		uint32_t len = get_le32(copy + off + 4);
		if ((size_t)off % 16 || len < 48 || len > size - (size_t)off ||
		    memcmp(copy + off, "iBFT", 4) || ibft_sum(copy + off, len))
			__builtin_trap();
		(void)ibft_has_target(copy + off, len, "iqn.2026-01.org.example:disk1", lun);
	}
	/* the target check on the raw bytes as a table of any length */
	(void)ibft_has_target(copy, size, "t", lun);
	free(copy);
	return 0;
}
