/* attach/settings_block.c - the settings block embedded in the image, in its
 * own section so the linker script can place it and tools/lifeline-settings
 * can find it by its magic and patch it without rebuilding. Empty text:
 * length 0, CRC32C of nothing = 0. */
#include "attach/settings.h"

__attribute__((section(".lifeline.settings"), used, aligned(16)))
struct settings_block lifeline_settings_block = {
	.sb_magic = { 'L', 'L', 'S', 'E', 'T', 'T', 'I', 'N', 'G', 'S' },
	.sb_version = SETTINGS_BLOCK_VERSION,
	.sb_length = 0,
	.sb_crc = 0,
};
