/* tests/unit/test_efi_devpath.c - device path bytes (boot/efi_devpath.c):
 * the LUN's path is the NIC's path, then the spec's iSCSI node (messaging
 * 3 / 19) byte for byte, then End Entire; file path nodes for LoadImage;
 * prefix matching; malformed firmware paths refused. */
#include "tests/lib/check.h"
#include "boot/efi_devpath.h"
#include "lib/err.h"
#include "platform/efi/efi_iscsi_dp.h"
#include "iscsi/negotiate.h"
#include "iscsi/rootpath.h"

/* PciRoot(0)/Pci(3,0)/MAC(525400123456)/End, as a firmware hands it. */
static const uint8_t nic[] = {
	0x02, 0x01, 0x0c, 0x00, 0xd0, 0x41, 0x03, 0x0a, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x06, 0x00, 0x00, 0x03,
	0x03, 0x0b, 0x25, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x7f, 0xff, 0x04, 0x00,
};
#define NIC_BODY (sizeof(nic) - 4)
static const char target[] = "iqn.2026-01.org.example:disk";

static long build(uint8_t *out, size_t cap)
{
	struct efi_dp_iscsi n = {
		.lun = { 0, 1 }, .tpgt = 1,
		.login_option = LL_EFI_ISCSI_AUTH_NONE, .target = target,
	};
	return efi_dp_iscsi_build(out, cap, nic, sizeof(nic), &n);
}

static void test_size(void)
{
	uint8_t bad[8] = { 0x01, 0x01, 0x02, 0x00, 0x7f, 0xff, 0x04, 0x00 };

	CHECK_EQ(efi_dp_size(nic, sizeof(nic)), sizeof(nic));
	CHECK_EQ(efi_dp_size(nic, 4096), sizeof(nic));  /* stops at End */
	CHECK_EQ(efi_dp_size(nic, sizeof(nic) - 1), LL_EPROTO);
	CHECK_EQ(efi_dp_size(bad, sizeof(bad)), LL_EPROTO); /* node of 2 bytes */
	bad[2] = 0x40;                                     /* past the cap */
	CHECK_EQ(efi_dp_size(bad, sizeof(bad)), LL_EPROTO);
}

static void test_iscsi_node(void)
{
	uint8_t out[256];
	size_t tl = sizeof(target) - 1, nl = 18 + tl;
	long n = build(out, sizeof(out));
	const uint8_t *node = out + NIC_BODY;

	CHECK_EQ(n, (long)(NIC_BODY + nl + 4));
	CHECK(!memcmp(out, nic, NIC_BODY));
	CHECK_EQ(node[0], 0x03);
	CHECK_EQ(node[1], 0x13);
	CHECK_EQ(node[2] | node[3] << 8, nl);
	CHECK_EQ(node[4] | node[5] << 8, 0);              /* TCP */
	CHECK_EQ(node[6] | node[7] << 8, 0x0800);         /* no auth */
	CHECK_EQ(node[8], 0);
	CHECK_EQ(node[9], 1);                             /* LUN 1 */
	CHECK_EQ(node[16] | node[17] << 8, 1);            /* TPGT */
	CHECK(!memcmp(node + 18, target, tl));
	CHECK(!memcmp(node + nl, "\x7f\xff\x04\x00", 4));
	CHECK_EQ(efi_dp_size(out, sizeof(out)), n);
	CHECK_EQ(build(out, (size_t)n - 1), LL_EMSGSIZE);
	CHECK_EQ(build(out, (size_t)n), n);
}

/* The node of a logged-in LUN carries the TPGT the target declared (not
 * a fixed 1), the root path's LUN and target, CHAP when a name is set. */
static void test_iscsi_node_of_login(void)
{
	struct iscsi_rootpath rp;
	struct iscsi_params p;
	struct efi_dp_iscsi n;
	uint8_t out[256];
	const uint8_t *node = out + NIC_BODY;

	CHECK_EQ(iscsi_rootpath_parse("iscsi:10.0.0.1::3260:5:iqn.2026-01.org.example:disk", &rp), 0);
	memset(&p, 0, sizeof(p));
	p.target_portal_group_tag = 0x1234;
	efi_dp_iscsi_of(&n, &rp, &p, 1);
	CHECK(efi_dp_iscsi_build(out, sizeof(out), nic, sizeof(nic), &n) > 0);
	CHECK_EQ(node[16] | node[17] << 8, 0x1234);       /* TPGT */
	CHECK_EQ(node[6] | node[7] << 8, LL_EFI_ISCSI_CHAP_UNI);
	CHECK_EQ(node[9], 5);                             /* LUN 5 */
	CHECK(!memcmp(node + 18, target, sizeof(target) - 1));
	p.target_portal_group_tag = 7;
	efi_dp_iscsi_of(&n, &rp, &p, 0);
	CHECK(efi_dp_iscsi_build(out, sizeof(out), nic, sizeof(nic), &n) > 0);
	CHECK_EQ(node[16] | node[17] << 8, 7);
	CHECK_EQ(node[6] | node[7] << 8, LL_EFI_ISCSI_AUTH_NONE);
}

static void test_file_node_and_prefix(void)
{
	uint8_t disk[256], file[512], other[256];
	long dn = build(disk, sizeof(disk));
	long fn = efi_dp_file_build(file, sizeof(file), disk, sizeof(disk),
				    "/EFI/boot/x.efi");
	const uint8_t *node = file + dn - 4;

	CHECK(fn > dn);
	CHECK_EQ(node[0], 0x04);
	CHECK_EQ(node[1], 0x04);
	CHECK_EQ(node[2] | node[3] << 8, 4 + 2 * 16);
	CHECK_EQ(node[4], '\\');
	CHECK_EQ(node[5], 0);
	CHECK_EQ(node[6], 'E');
	CHECK_EQ(node[12], '\\');
	CHECK_EQ(node[4 + 2 * 15], 0);                    /* NUL */
	CHECK_EQ(efi_dp_size(file, sizeof(file)), fn);
	CHECK(efi_dp_has_prefix(file, sizeof(file), disk, sizeof(disk)));
	CHECK(efi_dp_has_prefix(disk, sizeof(disk), disk, sizeof(disk)));
	CHECK(efi_dp_has_prefix(disk, sizeof(disk), nic, sizeof(nic)));
	CHECK(!efi_dp_has_prefix(nic, sizeof(nic), disk, sizeof(disk)));
	memcpy(other, disk, (size_t)dn);
	other[NIC_BODY + 9] = 2;                          /* LUN 2 */
	CHECK(!efi_dp_has_prefix(other, sizeof(other), disk, sizeof(disk)));
	CHECK_EQ(efi_dp_file_build(file, 8, disk, sizeof(disk), "/x"), LL_EMSGSIZE);
}

int main(void)
{
	check_suite = "efi_devpath";
	RUN(test_size);
	RUN(test_iscsi_node);
	RUN(test_iscsi_node_of_login);
	RUN(test_file_node_and_prefix);
	return CHECK_DONE();
}
