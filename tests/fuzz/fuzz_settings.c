/* tests/fuzz/fuzz_settings.c - the settings parsers on arbitrary bytes:
 * first byte picks strict key=value (DHCP/embedded), lenient (command
 * line), or an embedded block image (magic/CRC check then parse); a
 * written block must always check and parse back to the same settings. */
#include <stdint.h>
#include <string.h>
#include "attach/settings.h"
#include "lib/crc32c.h"
#include "lib/err.h"

static void round_trip(const uint8_t *d, size_t n)
{
	static struct settings_block b;
	struct settings s1, s2;
	struct settings_err e;

	settings_init(&s1);
	if (settings_parse_kv(&s1, (const char *)d, n, 0, &e) < 0)
		return;
	if (settings_block_write(&b, (const char *)d, n) < 0)
		return;
	if (settings_block_check(&b, sizeof(b)) != 0)
		__builtin_trap();
	settings_init(&s2);
	/* text after a NUL is ignored by both, so the results must agree */
	if (settings_from_block(&s2, &b, &e) != 0 || memcmp(&s1, &s2, sizeof(s1)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct settings_block blk;
	struct settings s;
	struct settings_err e;

	if (size < 1)
		return 0;
	settings_init(&s);
	switch (data[0] % 3) {
	case 0:
		settings_parse_kv(&s, (const char *)data + 1, size - 1, 0, &e);
		round_trip(data + 1, size - 1);
		break;
	case 1:
		settings_parse_kv(&s, (const char *)data + 1, size - 1,
				  SETTINGS_IGNORE_UNKNOWN, &e);
		break;
	case 2:
		memset(&blk, 0, sizeof(blk));
		memcpy(&blk, data + 1, size - 1 < sizeof(blk) ? size - 1 : sizeof(blk));
		if (size > 1 + 18 && data[1] == '!') {  /* make header valid */
			memcpy(blk.sb_magic, "LLSETTINGS", 10);
			blk.sb_version = SETTINGS_BLOCK_VERSION;
			blk.sb_length %= SETTINGS_TEXT_MAX + 1;
			blk.sb_crc = crc32c(0, blk.sb_text, blk.sb_length);
		}
		settings_from_block(&s, &blk, &e);
		break;
	}
	return 0;
}
