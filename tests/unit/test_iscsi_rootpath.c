/* tests/unit/test_iscsi_rootpath.c - RFC 4173 root paths: blank fields,
 * hex LUNs to SAM LUN bytes, target names with colons, and garbage. */
#include "tests/lib/check.h"
#include "iscsi/rootpath.h"
#include "lib/err.h"

static void test_full(void)
{
	struct iscsi_rootpath rp;
	CHECK_EQ(iscsi_rootpath_parse("iscsi:10.0.0.1:6:3261:1:iqn.2026-01.org.example:disk", &rp), 0);
	CHECK_EQ(rp.rp_server, 0x0a000001);
	CHECK_EQ(rp.rp_port, 3261);
	CHECK(memcmp(rp.rp_lun, "\x00\x01\x00\x00\x00\x00\x00\x00", 8) == 0);
	CHECK(strcmp(rp.rp_target, "iqn.2026-01.org.example:disk") == 0);
}

static void test_blank_fields(void)
{
	struct iscsi_rootpath rp;
	CHECK_EQ(iscsi_rootpath_parse("iscsi:192.168.1.20::::iqn.x", &rp), 0);
	CHECK_EQ(rp.rp_server, 0xc0a80114);
	CHECK_EQ(rp.rp_port, 3260);
	CHECK(memcmp(rp.rp_lun, "\0\0\0\0\0\0\0\0", 8) == 0);
	CHECK(strcmp(rp.rp_target, "iqn.x") == 0);
	/* the design brief's example */
	CHECK_EQ(iscsi_rootpath_parse("iscsi:10.0.0.1::3260:2:iqn.2026-01.org.example:dumps", &rp), 0);
	CHECK_EQ(rp.rp_lun[1], 2);
	CHECK(strcmp(rp.rp_target, "iqn.2026-01.org.example:dumps") == 0);
}

static void test_hex_lun(void)
{
	struct iscsi_rootpath rp;
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::1f:t", &rp), 0);
	CHECK(memcmp(rp.rp_lun, "\x00\x1f\0\0\0\0\0\0", 8) == 0);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::10:t", &rp), 0);   /* hex 16 */
	CHECK_EQ(rp.rp_lun[1], 0x10);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::4752-3A4F-6b7e-2F99:t", &rp), 0);
	CHECK(memcmp(rp.rp_lun, "\x47\x52\x3a\x4f\x6b\x7e\x2f\x99", 8) == 0);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::4001-2:t", &rp), 0);
	CHECK(memcmp(rp.rp_lun, "\x40\x01\x00\x02\0\0\0\0", 8) == 0);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::12345:t", &rp), LL_EROOTPATH);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::1-2-3-4-5:t", &rp), LL_EROOTPATH);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::1--2:t", &rp), LL_EROOTPATH);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::-1:t", &rp), LL_EROOTPATH);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::1-:t", &rp), LL_EROOTPATH);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::0x1:t", &rp), LL_EROOTPATH);
}

static void test_target_with_colons(void)
{
	struct iscsi_rootpath rp;
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4::::iqn.a:b:c::d", &rp), 0);
	CHECK(strcmp(rp.rp_target, "iqn.a:b:c::d") == 0);
	CHECK_EQ(iscsi_rootpath_parse("iscsi:1.2.3.4:::::", &rp), 0);    /* target ":" */
	CHECK(strcmp(rp.rp_target, ":") == 0);
	char longname[300] = "iscsi:1.2.3.4::::";
	size_t n = strlen(longname);
	memset(longname + n, 'a', 223);
	longname[n + 223] = '\0';
	CHECK_EQ(iscsi_rootpath_parse(longname, &rp), 0);
	CHECK_EQ(strlen(rp.rp_target), 223);
	longname[n + 223] = 'a';
	longname[n + 224] = '\0';
	CHECK_EQ(iscsi_rootpath_parse(longname, &rp), LL_EROOTPATH);
}

static void test_garbage(void)
{
	struct iscsi_rootpath rp;
	memset(&rp, 0x5a, sizeof(rp));
	static const char *const bad[] = {
		"", "iscsi:", "iscsi:1.2.3.4", "iscsi:1.2.3.4:::0", /* too few fields */
		"iscsi:1.2.3.4::::",                     /* empty target */
		"iSCSI:1.2.3.4::::t", "nfs:1.2.3.4::::t",
		"iscsi:::::t",                            /* no server */
		"iscsi:target.example.com::::t",          /* DNS not supported */
		"iscsi:[fe80::1]::::t",                   /* IPv6 not supported */
		"iscsi:1.2.3.256::::t", "iscsi:1.2.3::::t",
		"iscsi:1.2.3.4:17:::t",                   /* UDP */
		"iscsi:1.2.3.4::0::t", "iscsi:1.2.3.4::65536::t", "iscsi:1.2.3.4::32x::t",
		"iscsi:1.2.3.4::-1::t", "iscsi:1.2.3.4::0003260::t",
		"iscsi:1.2.3.4:::g:t", "iscsi:1.2.3.4::::has space",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = iscsi_rootpath_parse(bad[i], &rp);
		if (rc != LL_EROOTPATH)
			printf("  accepted: %s\n", bad[i]);
		CHECK_EQ(rc, LL_EROOTPATH);
	}
	CHECK_EQ(rp.rp_port, 0x5a5a);            /* untouched on failure */
	CHECK_EQ(iscsi_rootpath_parse(NULL, &rp), LL_EROOTPATH);
}

int main(void)
{
	check_suite = "iscsi_rootpath";
	RUN(test_full);
	RUN(test_blank_fields);
	RUN(test_hex_lun);
	RUN(test_target_with_colons);
	RUN(test_garbage);
	return CHECK_DONE();
}
