/* arch/x86/efi_console.c - the UEFI console: ll_printf's text converted to
 * UCS-2 and written through SystemTable->ConOut, a line at a time. */
#include "arch/x86/efi_entry.h"
#include "lib/print.h"

#define CON_CHUNK 126   /* UCS-2 characters per OutputString */

static struct efi_con {
	SIMPLE_TEXT_OUTPUT_INTERFACE *out;
} con;

static void con_flush(CHAR16 *buf, unsigned *n)
{
	buf[*n] = 0;
	if (*n && con.out)
		(void)con.out->OutputString(con.out, buf);
	*n = 0;
}

static void con_write(void *ctx, const char *s, size_t len)
{
	CHAR16 buf[CON_CHUNK + 2];
	unsigned n = 0;

	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		if (n >= CON_CHUNK - 1)
			con_flush(buf, &n);
		if (s[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = (CHAR16)(uint8_t)s[i];
	}
	con_flush(buf, &n);
}

void efi_console_init(EFI_SYSTEM_TABLE *st)
{
	con.out = st->ConOut;
	ll_console_set(con_write, NULL);
}

void efi_console_off(void)
{
	con.out = NULL;
}
