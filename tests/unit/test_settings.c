/* tests/unit/test_settings.c - key=value parsing (quotes, unknown keys,
 * errors naming the key), validation of paths/IPs/masks/drive, the DHCP
 * lease source, precedence, and the embedded block (magic, CRC, limits). */
#include <stdint.h>
#include <string.h>
#include "tests/lib/check.h"
#include "attach/settings.h"
#include "lib/err.h"
#include "lib/print.h"
#include "net/dhcp.h"

#define RP "iscsi:10.0.2.100::3260:1:iqn.2026-01.org.example:disk1"

static int kv(struct settings *s, const char *t, unsigned fl,
	      struct settings_err *e)
{
	return settings_parse_kv(s, t, strlen(t), fl, e);
}

static void test_kv_basic(void)
{
	struct settings s;
	struct settings_err e;
	settings_init(&s);
	CHECK_EQ(s.drive, 0x80);
	CHECK_EQ(kv(&s, "root-path=" RP "  initiator-iqn=iqn.2026-01.org.example:c1"
		    "\tip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2 "
		    "dns=10.0.2.3 drive=0x81 nic=undi username=alice "
		    "password=\"pass word 12\" reverse-username='tgt' "
		    "reverse-password=s3cr3t-s3cr3t dump-level=17 dump-format=elf outage-limit=240 boot-file=/EFI/a/b.efi alt-portals=10.0.3.1", 0, &e), 0);
	CHECK(strcmp(s.root_path, RP) == 0);
	CHECK(strcmp(s.initiator_iqn, "iqn.2026-01.org.example:c1") == 0);
	CHECK_EQ(s.ip, 0x0a00020f);
	CHECK_EQ(s.netmask, 0xffffff00);
	CHECK_EQ(s.gateway, 0x0a000202);
	CHECK_EQ(s.dns, 0x0a000203);
	CHECK_EQ(s.drive, 0x81);
	CHECK_EQ(s.nic, SETTINGS_NIC_UNDI);
	CHECK(strcmp(s.username, "alice") == 0);
	CHECK(strcmp(s.password, "pass word 12") == 0);
	CHECK(strcmp(s.reverse_username, "tgt") == 0);
	CHECK(strcmp(s.reverse_password, "s3cr3t-s3cr3t") == 0);
	CHECK_EQ(s.dump_level, 17);
	CHECK_EQ(s.dump_format, SETTINGS_DUMP_ELF);
	CHECK_EQ(s.outage_limit_s, 240);
	CHECK(strcmp(s.boot_file, "/EFI/a/b.efi") == 0);
	CHECK_EQ(s.set, (1u << SET_KEY_COUNT) - 1 - (1u << SET_DUMP_PATH));
	CHECK_EQ(kv(&s, "drive=next password= nic=auto outage-limit=", 0, &e), 0);
	CHECK_EQ(s.outage_limit_s, SETTINGS_OUTAGE_DEFAULT_S);
	CHECK_EQ(s.drive, 0);
	CHECK_EQ(s.nic, SETTINGS_NIC_AUTO);
	CHECK_EQ(kv(&s, "nic=native", 0, &e), 0);
	CHECK_EQ(s.nic, SETTINGS_NIC_NATIVE);
	CHECK_EQ(kv(&s, "nic=snp", 0, &e), 0);
	CHECK_EQ(s.nic, SETTINGS_NIC_UNDI);
	CHECK(kv(&s, "nic=natives", 0, &e) < 0);
	CHECK_EQ(s.password[0], 0);
	CHECK_EQ(s.set & (1u << SET_PASSWORD), 0);
}

/* dump-level 0..31 decimal, default 31 (also after clearing);
 * dump-format kdump|elf. */
static void test_dump_level_format(void)
{
	struct settings s;
	struct settings_err e;

	settings_init(&s);
	CHECK_EQ(s.dump_level, 31);
	CHECK_EQ(s.dump_format, SETTINGS_DUMP_KDUMP);
	CHECK_EQ(kv(&s, "dump-level=0 dump-format=kdump", 0, &e), 0);
	CHECK_EQ(s.dump_level, 0);
	CHECK_EQ(kv(&s, "dump-level=", 0, &e), 0);
	CHECK_EQ(s.dump_level, 31);
	CHECK_EQ(kv(&s, "dump-level=32", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "dump-level") == 0);
	CHECK_EQ(kv(&s, "dump-level=0x1f", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "dump-level=-1", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "dump-level=100", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "dump-format=zstd", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "dump-format") == 0);
	CHECK_EQ(s.dump_level, 31);
	CHECK_EQ(s.dump_format, SETTINGS_DUMP_KDUMP);
}

static void test_kv_errors_name_key(void)
{
	struct settings s;
	struct settings_err e;
	settings_init(&s);
	memset(&e, 0, sizeof(e));
	CHECK_EQ(kv(&s, "ip=10.0.2.15 root-path=nfs:1.2.3.4:/x", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "root-path") == 0);
	CHECK_EQ(s.ip, 0x0a00020f);              /* earlier pairs applied */
	CHECK_EQ(kv(&s, "gateway=10.0.2", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "gateway") == 0);
	CHECK_EQ(kv(&s, "netmask=255.0.255.0", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "netmask") == 0);
	CHECK_EQ(kv(&s, "drive=0x7f", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "drive") == 0);
	CHECK_EQ(kv(&s, "drive=0x100", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "nic=e1000", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "nic") == 0);
	CHECK_EQ(kv(&s, "outage-limit=9", 0, &e), LL_ESETTING);   /* below 10 s */
	CHECK(strcmp(e.key, "outage-limit") == 0);
	CHECK_EQ(kv(&s, "outage-limit=3601", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "outage-limit=180s", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "outage-limit=0x40", 0, &e), LL_ESETTING);
	CHECK_EQ(s.outage_limit_s, SETTINGS_OUTAGE_DEFAULT_S);     /* untouched */
	CHECK_EQ(kv(&s, "colour=blue", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "colour") == 0);
	CHECK_EQ(kv(&s, "password=\"open", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "password") == 0);
	CHECK_EQ(kv(&s, "initiator-iqn=\"has space\"", 0, &e), LL_ESETTING);
	CHECK_EQ(kv(&s, "quiet", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "quiet") == 0);
	CHECK_EQ(kv(&s, "username", 0, &e), LL_ESETTING); /* known, no '=' */
	CHECK(strcmp(e.key, "username") == 0);
	CHECK_EQ(kv(&s, "password=\"x\"y", 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "password") == 0);
	CHECK_EQ(kv(&s, "dump-path=iscsi:host.example::3260:2:iqn.x:d", 0, &e),
		 LL_ESETTING);                      /* names are refused */
	char big[400];
	memset(big, 'a', sizeof(big));
	memcpy(big, "username=", 9);
	big[sizeof(big) - 1] = 0;
	CHECK_EQ(kv(&s, big, 0, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "username") == 0);
}

static void test_cmdline_ignores_unknown(void)
{
	struct settings s;
	struct settings_err e;
	settings_init(&s);
	CHECK_EQ(kv(&s, "console=ttyS0,115200 quiet elfcorehdr=0x1000 "
		    "dump-path=\"iscsi:10.0.0.1::3260:2:iqn.2026-01.org.example:dumps\" "
		    "panic=1", SETTINGS_IGNORE_UNKNOWN, &e), 0);
	CHECK(strcmp(s.dump_path, "iscsi:10.0.0.1::3260:2:iqn.2026-01.org.example:dumps") == 0);
	CHECK_EQ(s.unknown_keys, 4);
	/* a known key with a bad value is still an error */
	CHECK_EQ(kv(&s, "quiet ip=1.2.3", SETTINGS_IGNORE_UNKNOWN, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "ip") == 0);
	/* a bare word is skipped even when it spells a key */
	s.unknown_keys = 0;
	CHECK_EQ(kv(&s, "username", SETTINGS_IGNORE_UNKNOWN, &e), 0);
	CHECK_EQ(s.unknown_keys, 1);
	CHECK_EQ(s.username[0], 0);
}

static void test_lease_and_precedence(void)
{
	static struct dhcp_lease l;
	struct settings s;
	struct settings_err e;
	static struct settings_block b;
	memset(&l, 0, sizeof(l));
	l.yiaddr = 0x0a00020f; l.netmask = 0xffffff00; l.router = 0x0a000202;
	l.dns = 0x0a000203;
	strcpy(l.root_path, RP);
	strcpy(l.initiator_iqn, "iqn.2026-01.org.example:dhcp");
	strcpy(l.settings, "username=fromdhcp dump-path=iscsi:10.0.0.1::::iqn.x:d");
	settings_init(&s);
	CHECK_EQ(settings_from_lease(&s, &l, &e), 0);
	CHECK(strcmp(s.root_path, RP) == 0);
	CHECK(strcmp(s.username, "fromdhcp") == 0);
	CHECK_EQ(s.gateway, 0x0a000202);
	CHECK_EQ(s.set & (1u << SET_IP), 0);     /* lease address not "set" */
	/* embedded overrides DHCP, command line overrides both */
	const char *emb = "username=fromblock initiator-iqn=iqn.2026-01.org.example:emb";
	CHECK_EQ(settings_block_write(&b, emb, strlen(emb)), 0);
	CHECK_EQ(settings_from_block(&s, &b, &e), 0);
	CHECK(strcmp(s.username, "fromblock") == 0);
	CHECK(strcmp(s.initiator_iqn, "iqn.2026-01.org.example:emb") == 0);
	CHECK_EQ(kv(&s, "username=fromcmd", SETTINGS_IGNORE_UNKNOWN, &e), 0);
	CHECK(strcmp(s.username, "fromcmd") == 0);
	CHECK(strcmp(s.root_path, RP) == 0);
	/* a bad option 17 is named */
	strcpy(l.root_path, "iscsi:");
	settings_init(&s);
	CHECK_EQ(settings_from_lease(&s, &l, &e), LL_ESETTING);
	CHECK(strcmp(e.key, "root-path") == 0);
}

static void test_block(void)
{
	static struct settings_block b;
	struct settings s;
	struct settings_err e;
	const char *t = "root-path=" RP;
	CHECK_EQ(sizeof(b), 1024);
	CHECK_EQ(settings_block_write(&b, t, strlen(t)), 0);
	CHECK(memcmp(b.sb_magic, "LLSETTINGS", 10) == 0);
	CHECK_EQ(b.sb_version, 1);
	CHECK_EQ(b.sb_length, strlen(t));
	CHECK_EQ(settings_block_check(&b, sizeof(b)), 0);
	settings_init(&s);
	CHECK_EQ(settings_from_block(&s, &b, &e), 0);
	CHECK(strcmp(s.root_path, RP) == 0);
	b.sb_text[3] ^= 1;                        /* corrupt: CRC */
	CHECK_EQ(settings_block_check(&b, sizeof(b)), LL_ECHECKSUM);
	b.sb_text[3] ^= 1;
	b.sb_length = 2000;
	CHECK_EQ(settings_block_check(&b, sizeof(b)), LL_ECHECKSUM);
	b.sb_version = 2;
	CHECK_EQ(settings_block_check(&b, sizeof(b)), LL_ENOTSUP);
	b.sb_magic[0] = 'X';
	CHECK_EQ(settings_block_check(&b, sizeof(b)), LL_ENOENT);
	CHECK_EQ(settings_block_check(&b, 100), LL_ENOENT);
	char big[1100];
	memset(big, 'x', sizeof(big));
	CHECK_EQ(settings_block_write(&b, big, SETTINGS_TEXT_MAX + 1), LL_EMSGSIZE);
	CHECK_EQ(settings_block_write(&b, big, SETTINGS_TEXT_MAX), 0);
	CHECK_EQ(b.sb_text[SETTINGS_TEXT_MAX], 0);
	/* the image's own block: valid and empty */
	CHECK_EQ(settings_block_check(&lifeline_settings_block, 1024), 0);
	CHECK_EQ(lifeline_settings_block.sb_length, 0);
	/* CRC32C of "123456789" as text: hand-checked constant */
	CHECK_EQ(settings_block_write(&b, "123456789", 9), 0);
	CHECK_EQ(b.sb_crc, 0xE3069283u);
}

/* alt-portals: ordered list, optional ports, bounds named by the key. */
static void test_alt_portals(void)
{
	struct settings s;
	struct settings_err e;

	settings_init(&s);
	CHECK_EQ(kv(&s, "alt-portals=10.0.3.1", 0, &e), 0);
	CHECK_EQ(s.alt_portals.n, 1);
	CHECK_EQ(s.alt_portals.ip[0], 0x0a000301);
	CHECK_EQ(s.alt_portals.port[0], 0);
	CHECK_EQ(kv(&s, "alt-portals=10.0.3.1:3261,10.0.4.1,10.0.5.9:65535", 0, &e), 0);
	CHECK_EQ(s.alt_portals.n, 3);
	CHECK_EQ(s.alt_portals.port[0], 3261);
	CHECK_EQ(s.alt_portals.ip[1], 0x0a000401);
	CHECK_EQ(s.alt_portals.port[1], 0);
	CHECK_EQ(s.alt_portals.ip[2], 0x0a000509);
	CHECK_EQ(s.alt_portals.port[2], 65535);
	CHECK(s.set & (1u << SET_ALT_PORTALS));
	static const char *bad[] = {
		"alt-portals=10.0.3.1,10.0.3.2,10.0.3.3,10.0.3.4", /* four */
		"alt-portals=10.0.3.1:0", "alt-portals=10.0.3.1:65536",
		"alt-portals=10.0.3.1:", "alt-portals=10.0.3.1:32a",
		"alt-portals=10.0.3", "alt-portals=10.0.3.1,,10.0.3.2",
		"alt-portals=10.0.3.1,", "alt-portals=0.0.0.0",
		"alt-portals=host:3260",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		CHECK_EQ(kv(&s, bad[i], 0, &e), LL_ESETTING);
		CHECK(strcmp(e.key, "alt-portals") == 0);
	}
	CHECK_EQ(s.alt_portals.n, 3);            /* a bad value changes nothing */
	CHECK_EQ(kv(&s, "alt-portals=", 0, &e), 0);
	CHECK_EQ(s.alt_portals.n, 0);
	CHECK(!(s.set & (1u << SET_ALT_PORTALS)));
}

static char cap[512];
static size_t cap_len;

static void cap_sink(void *ctx, const char *t, size_t n)
{
	(void)ctx;
	if (cap_len + n < sizeof(cap)) {
		memcpy(cap + cap_len, t, n);
		cap_len += n;
		cap[cap_len] = 0;
	}
}

static const char *redacted(const char *text)
{
	cap_len = 0;
	cap[0] = 0;
	ll_console_set(cap_sink, NULL);
	settings_print_redacted("command line", text);
	ll_console_set(NULL, NULL);
	return cap;
}

/* A command line printed on the console never shows a CHAP secret. */
static void test_print_redacted(void)
{
	CHECK(!strcmp(redacted("root-path=" RP " password=s3cretXYZ username=u"),
		     "lifeline: command line: root-path=" RP
		     " password=*** username=u\n"));
	CHECK(!strcmp(redacted("reverse-password='a b c' drive=next"),
		     "lifeline: command line: reverse-password=*** drive=next\n"));
	CHECK(!strstr(redacted("password=\"top secret\""), "secret"));
	CHECK(!strstr(redacted("x=1 reverse-password=zz9 y"), "zz9"));
	CHECK(!strcmp(redacted("a=1 b='open password=q"),
		     "lifeline: command line: a=1 (rest not shown: malformed)\n"));
	CHECK(!strcmp(redacted(""), "lifeline: command line:\n"));
}

int main(void)
{
	check_suite = "settings";
	RUN(test_alt_portals);
	RUN(test_kv_basic);
	RUN(test_dump_level_format);
	RUN(test_kv_errors_name_key);
	RUN(test_cmdline_ignores_unknown);
	RUN(test_lease_and_precedence);
	RUN(test_block);
	RUN(test_print_redacted);
	return CHECK_DONE();
}
