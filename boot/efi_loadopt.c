/* boot/efi_loadopt.c - UEFI load options to a command line: UCS-2 text is
 * narrowed to ASCII; anything else (binary option data) is refused. */
#include "boot/efi_loadopt.h"
#include "lib/err.h"

static int loadopt_char_ok(uint16_t c)
{
	return c == '\t' || (c >= 0x20 && c < 0x7f);
}

int efi_loadopt_text(const void *opts, size_t size, char *out, size_t cap)
{
	const uint8_t *p = opts;
	size_t n = 0;

	if (!cap)
		return LL_EINVAL;
	out[0] = 0;
	if (!opts || size < 2)
		return 0;
	for (size_t i = 0; i + 1 < size; i += 2) {
		uint16_t c = (uint16_t)(p[i] | (p[i + 1] << 8));
		if (!c)
			break;
		if (!loadopt_char_ok(c)) {
			out[0] = 0;
			return LL_EPROTO;
		}
		if (n + 1 >= cap) {
			out[0] = 0;
			return LL_EMSGSIZE;
		}
		out[n++] = c == '\t' ? ' ' : (char)c;
	}
	out[n] = 0;
	return 0;
}
