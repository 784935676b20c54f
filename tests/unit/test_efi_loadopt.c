/* tests/unit/test_efi_loadopt.c - UEFI load options (boot/efi_loadopt.c) as
 * the command line: UCS-2 text narrowed, binary option data refused, the
 * length bounded; the result read by the one settings parser with the
 * shell's program name ignored, boot-file= included. */
#include "tests/lib/check.h"
#include "attach/settings.h"
#include "boot/efi_loadopt.h"
#include "lib/err.h"

static size_t ucs2(uint8_t *out, const char *s)
{
	size_t n = 0;
	for (; *s; s++, n += 2) {
		out[n] = (uint8_t)*s;
		out[n + 1] = 0;
	}
	return n;
}

static void test_text(void)
{
	uint8_t u[256];
	char out[128];
	size_t n = ucs2(u, "lifeline.efi root-path=iscsi:10.0.0.1::::iqn.x\tnic=undi");

	CHECK_EQ(efi_loadopt_text(u, n, out, sizeof(out)), 0);
	CHECK(!strcmp(out, "lifeline.efi root-path=iscsi:10.0.0.1::::iqn.x nic=undi"));
	u[n] = u[n + 1] = 0;                  /* a NUL ends it early */
	u[n + 2] = 'x';
	u[n + 3] = 0;
	CHECK_EQ(efi_loadopt_text(u, n + 4, out, sizeof(out)), 0);
	CHECK_EQ(strlen(out), n / 2);
	CHECK_EQ(efi_loadopt_text(NULL, 0, out, sizeof(out)), 0);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(efi_loadopt_text(u, 1, out, sizeof(out)), 0);   /* half a char */
	CHECK_EQ(out[0], 0);
}

static void test_refused(void)
{
	uint8_t bin[8] = { 0x01, 0x00, 0x00, 0x2e, 0x41, 0x00, 0x42, 0x00 };
	uint8_t u[64];
	char out[8];

	CHECK_EQ(efi_loadopt_text(bin, sizeof(bin), out, sizeof(out)), LL_EPROTO);
	CHECK_EQ(out[0], 0);
	bin[0] = 'A';                         /* U+2E00: not ASCII */
	CHECK_EQ(efi_loadopt_text(bin, sizeof(bin), out, sizeof(out)), LL_EPROTO);
	CHECK_EQ(efi_loadopt_text(u, ucs2(u, "12345678"), out, sizeof(out)),
		 LL_EMSGSIZE);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(efi_loadopt_text(u, ucs2(u, "1234567"), out, sizeof(out)), 0);
	CHECK_EQ(efi_loadopt_text(u, 2, out, 0), LL_EINVAL);
}

static void test_settings_from_options(void)
{
	uint8_t u[256];
	char out[128];
	struct settings s;
	struct settings_err err;

	CHECK_EQ(efi_loadopt_text(u, ucs2(u, "lifeline.efi boot-file=/EFI/debian/grubx64.efi"),
				  out, sizeof(out)), 0);
	settings_init(&s);
	CHECK_EQ(settings_parse_kv(&s, out, strlen(out), SETTINGS_IGNORE_UNKNOWN,
				   &err), 0);
	CHECK(!strcmp(s.boot_file, "/EFI/debian/grubx64.efi"));
	CHECK(s.set & (1u << SET_BOOT_FILE));
	CHECK_EQ(s.unknown_keys, 1);          /* the program name */
	CHECK_EQ(settings_parse_kv(&s, "boot-file=\"a b\"", 15, 0, &err),
		 LL_ESETTING);
	CHECK(!strcmp(err.key, "boot-file"));
}

int main(void)
{
	check_suite = "efi_loadopt";
	RUN(test_text);
	RUN(test_refused);
	RUN(test_settings_from_options);
	return CHECK_DONE();
}
