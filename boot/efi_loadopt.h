/* boot/efi_loadopt.h - a UEFI image's load options (UCS-2, from a boot
 * entry or the EFI shell) as the ASCII command line attach reads. */
#ifndef BOOT_EFI_LOADOPT_H
#define BOOT_EFI_LOADOPT_H
#include <stddef.h>
#include <stdint.h>

/* Convert size bytes of UCS-2 (little endian, up to the first NUL) into
 * out (cap bytes, NUL-terminated). Options that are not printable text
 * (a boot entry's binary data) give LL_EPROTO and an empty out; longer
 * than cap - 1 characters gives LL_EMSGSIZE. 0 otherwise (an empty or
 * absent option is 0 with out ""). */
int efi_loadopt_text(const void *opts, size_t size, char *out, size_t cap);

#endif
