/* tests/unit/test_ibft.c - build an iBFT and read it back at the spec's
 * byte offsets (written out here by hand, not taken from the header):
 * checksum, header, control, initiator, NIC, target, CHAP strings. */
#include <stdint.h>
#include <string.h>
#include "tests/lib/check.h"
#include "boot/ibft.h"
#include "lib/err.h"

static uint8_t tab[4096] __attribute__((aligned(16)));

static unsigned u16(unsigned off) { return tab[off] | tab[off + 1] << 8; }
static uint32_t u32(unsigned off) { return u16(off) | (uint32_t)u16(off + 2) << 16; }
static const char *str(unsigned len_off)
{
	return u16(len_off + 2) ? (const char *)tab + u16(len_off + 2) : "";
}
static int is_mapped(unsigned off, const uint8_t v4[4])
{
	static const uint8_t pre[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
	return memcmp(tab + off, pre, 12) == 0 && memcmp(tab + off + 12, v4, 4) == 0;
}

static struct ibft_info base_info(void)
{
	struct ibft_info in;
	memset(&in, 0, sizeof(in));
	in.initiator_iqn = "iqn.2026-01.org.example:client1";
	in.ip = 0x0a000205;            /* 10.0.2.5 */
	in.netmask = 0xffffff00;
	in.gateway = 0x0a000202;
	in.dns1 = 0x0a000203;
	in.dhcp_server = 0x0a000202;
	in.from_dhcp = 1;
	memcpy(in.mac, "\x52\x54\x00\x12\x34\x56", 6);
	in.pci_known = 1; in.pci_bus = 0; in.pci_dev = 3; in.pci_fn = 0;
	in.target_ip = 0x0a000264;     /* 10.0.2.100 */
	in.target_port = 3261;
	in.lun[1] = 1;
	in.target_name = "iqn.2026-01.org.example:disk1";
	return in;
}

static void test_header_and_checksum(void)
{
	struct ibft_info in = base_info();
	int len = ibft_build(tab, sizeof(tab), &in);
	CHECK(len > 0x150);
	CHECK_EQ(len % 16, 0);
	CHECK(memcmp(tab, "iBFT", 4) == 0);
	CHECK_EQ(u32(4), (uint32_t)len);
	CHECK_EQ(tab[8], 1);                       /* revision */
	uint8_t sum = 0;
	for (int i = 0; i < len; i++)
		sum = (uint8_t)(sum + tab[i]);
	CHECK_EQ(sum, 0);
	CHECK_EQ(ibft_sum(tab, (size_t)len), 0);
	/* control at 48: id 1, version 1, length 18, then the offsets */
	CHECK_EQ(tab[48], 1);
	CHECK_EQ(tab[49], 1);
	CHECK_EQ(u16(50), 18);
	unsigned ini = u16(48 + 8), nic = u16(48 + 10), tgt = u16(48 + 12);
	CHECK_EQ(u16(48 + 14), 0);                 /* no NIC 1 */
	CHECK_EQ(u16(48 + 16), 0);                 /* no target 1 */
	CHECK_EQ(ini % 16, 0); CHECK_EQ(nic % 16, 0); CHECK_EQ(tgt % 16, 0);
	CHECK(ini >= 48 + 18);
	CHECK(nic >= ini + 74);
	CHECK(tgt >= nic + 102);
	/* initiator: id 2, length 74, valid + boot, name at 70/72 */
	CHECK_EQ(tab[ini], 2);
	CHECK_EQ(u16(ini + 2), 74);
	CHECK_EQ(tab[ini + 5], 0x03);
	CHECK_EQ(u16(ini + 70), strlen(in.initiator_iqn));
	CHECK(strcmp(str(ini + 70), in.initiator_iqn) == 0);
	CHECK(u16(ini + 72) >= tgt + 54);          /* heap after structures */
}

static void test_nic_fields(void)
{
	struct ibft_info in = base_info();
	CHECK(ibft_build(tab, sizeof(tab), &in) > 0);
	unsigned nic = u16(48 + 10);
	CHECK_EQ(tab[nic], 3);
	CHECK_EQ(tab[nic + 1], 1);
	CHECK_EQ(u16(nic + 2), 102);
	CHECK_EQ(tab[nic + 5], 0x07);              /* valid, boot, global */
	CHECK(is_mapped(nic + 6, (const uint8_t *)"\x0a\x00\x02\x05"));
	CHECK_EQ(tab[nic + 22], 24);               /* prefix */
	CHECK_EQ(tab[nic + 23], 3);                /* origin: DHCP */
	CHECK(is_mapped(nic + 24, (const uint8_t *)"\x0a\x00\x02\x02"));
	CHECK(is_mapped(nic + 40, (const uint8_t *)"\x0a\x00\x02\x03"));
	for (int i = 0; i < 16; i++)
		CHECK_EQ(tab[nic + 56 + i], 0);        /* no secondary DNS */
	CHECK(is_mapped(nic + 72, (const uint8_t *)"\x0a\x00\x02\x02"));
	CHECK_EQ(u16(nic + 88), 0);                /* VLAN */
	CHECK(memcmp(tab + nic + 90, "\x52\x54\x00\x12\x34\x56", 6) == 0);
	CHECK_EQ(u16(nic + 96), 0x0018);           /* 00:03.0 */
	CHECK_EQ(u16(nic + 98), 0);                /* no hostname */
	CHECK_EQ(u16(nic + 100), 0);
}

static void test_target_no_chap(void)
{
	struct ibft_info in = base_info();
	CHECK(ibft_build(tab, sizeof(tab), &in) > 0);
	unsigned t = u16(48 + 12);
	CHECK_EQ(tab[t], 4);
	CHECK_EQ(u16(t + 2), 54);
	CHECK_EQ(tab[t + 5], 0x03);
	CHECK(is_mapped(t + 6, (const uint8_t *)"\x0a\x00\x02\x64"));
	CHECK_EQ(u16(t + 22), 3261);
	CHECK(memcmp(tab + t + 24, "\x00\x01\x00\x00\x00\x00\x00\x00", 8) == 0);
	CHECK_EQ(tab[t + 32], 0);                  /* no CHAP */
	CHECK_EQ(tab[t + 33], 0);                  /* NIC 0 */
	CHECK(strcmp(str(t + 34), in.target_name) == 0);
	for (unsigned o = 38; o < 54; o++)
		CHECK_EQ(tab[t + o], 0);
}

static void test_target_mutual_chap(void)
{
	struct ibft_info in = base_info();
	in.chap_user = "alice";
	in.chap_secret = "secretsecret1";
	in.rchap_user = "tgt";
	in.rchap_secret = "othersecret12";
	in.target_port = 0;
	int len = ibft_build(tab, sizeof(tab), &in);
	CHECK(len > 0);
	CHECK_EQ(ibft_sum(tab, (size_t)len), 0);
	unsigned t = u16(48 + 12);
	CHECK_EQ(u16(t + 22), 3260);
	CHECK_EQ(tab[t + 32], 2);
	CHECK_EQ(u16(t + 38), 5);
	CHECK(strcmp(str(t + 38), "alice") == 0);
	CHECK(strcmp(str(t + 42), "secretsecret1") == 0);
	CHECK(strcmp(str(t + 46), "tgt") == 0);
	CHECK(strcmp(str(t + 50), "othersecret12") == 0);
	CHECK_EQ(u16(t + 50), 13);
	/* one-way only: secrets for reverse left out */
	in.rchap_secret = NULL;
	CHECK(ibft_build(tab, sizeof(tab), &in) > 0);
	CHECK_EQ(tab[t + 32], 1);
	CHECK_EQ(u16(t + 46), 0);
	CHECK_EQ(u16(t + 48), 0);
}

/* alt-portals: the second target structure (control's target1 offset)
 * names the same target, LUN and CHAP at the other portal, index 1, not
 * flagged boot; without one, target1's offset stays 0. */
static void test_second_target(void)
{
	struct ibft_info in = base_info();
	CHECK(ibft_build(tab, sizeof(tab), &in) > 0);
	CHECK_EQ(u16(48 + 16), 0);                 /* no target1 */
	in.alt_ip = 0x0a000365;                    /* 10.0.3.101 */
	in.alt_port = 0;
	in.chap_user = "alice";
	in.chap_secret = "secretsecret1";
	int len = ibft_build(tab, sizeof(tab), &in);
	CHECK(len > 0);
	CHECK_EQ(ibft_sum(tab, (size_t)len), 0);
	unsigned t0 = u16(48 + 12), t1 = u16(48 + 16);
	CHECK(t1 != 0 && t1 % 16 == 0 && t1 + 54 <= (unsigned)len);
	CHECK(t1 >= t0 + 54);
	CHECK_EQ(tab[t1], 4);
	CHECK_EQ(u16(t1 + 2), 54);
	CHECK_EQ(tab[t1 + 4], 1);                  /* index 1 */
	CHECK_EQ(tab[t1 + 5], 0x01);               /* valid, not boot */
	CHECK_EQ(tab[t0 + 5], 0x03);
	CHECK(is_mapped(t1 + 6, (const uint8_t *)"\x0a\x00\x03\x65"));
	CHECK(is_mapped(t0 + 6, (const uint8_t *)"\x0a\x00\x02\x64"));
	CHECK_EQ(u16(t1 + 22), 3260);
	CHECK_EQ(u16(t0 + 22), 3261);
	CHECK(memcmp(tab + t1 + 24, tab + t0 + 24, 8) == 0);
	CHECK_EQ(tab[t1 + 32], 1);                 /* one-way CHAP too */
	CHECK(strcmp(str(t1 + 34), in.target_name) == 0);
	CHECK(strcmp(str(t1 + 38), "alice") == 0);
	CHECK(strcmp(str(t1 + 42), "secretsecret1") == 0);
	/* the strings of both targets and the initiator's do not overlap
	 * the structures */
	CHECK(u16(t1 + 36) >= t1 + 54 && u16(t0 + 36) >= t1 + 54);
	CHECK(ibft_has_target(tab, (size_t)len, in.target_name, in.lun));
}

static void test_errors(void)
{
	struct ibft_info in = base_info();
	CHECK_EQ(ibft_build(tab, 0x100, &in), LL_EMSGSIZE);
	CHECK_EQ(ibft_build(tab, 0x160, &in), LL_EMSGSIZE); /* heap too small */
	in.target_name = "";
	CHECK_EQ(ibft_build(tab, sizeof(tab), &in), LL_EINVAL);
	in = base_info();
	in.initiator_iqn = NULL;
	CHECK_EQ(ibft_build(tab, sizeof(tab), &in), LL_EINVAL);
	/* static, link-local: origin manual, no global flag */
	in = base_info();
	in.from_dhcp = 0;
	in.ip = 0xa9fe0102;
	CHECK(ibft_build(tab, sizeof(tab), &in) > 0);
	unsigned nic = u16(48 + 10);
	CHECK_EQ(tab[nic + 23], 1);
	CHECK_EQ(tab[nic + 5], 0x03);
}

/* A table found in a 512 KiB window (as the flow scans for a ROM's):
 * decoys with a bad checksum or a length past the window are skipped;
 * the target check names target and LUN and survives bad offsets. */
static void test_find_and_target(void)
{
	static uint8_t win[0x80000] __attribute__((aligned(16)));
	struct ibft_info in = base_info();
	uint8_t lun[8] = { 0, 1 }, lun2[8] = { 0, 2 };

	memset(win, 0x5a, sizeof(win));
	CHECK_EQ(ibft_find(win, sizeof(win)), LL_ENOENT);
	memcpy(win + 0x100, "iBFT", 4);                 /* bad checksum */
	memcpy(win + 0x200, "iBFT\xff\xff\x00\x00", 8); /* length too big */
	int len = ibft_build(win + 0x1e620, 4096, &in);
	CHECK(len > 0);
	CHECK_EQ(ibft_find(win, sizeof(win)), 0x1e620);
	CHECK_EQ(ibft_find(win, 0x1e620 + (size_t)len - 16), LL_ENOENT); /* cut off */
	const uint8_t *t = win + 0x1e620;
	CHECK_EQ(ibft_has_target(t, (size_t)len, in.target_name, lun), 1);
	CHECK_EQ(ibft_has_target(t, (size_t)len, in.target_name, lun2), 0);
	CHECK_EQ(ibft_has_target(t, (size_t)len, "iqn.2026-01.org.example:disk2",
				 lun), 0);
	CHECK_EQ(ibft_has_target(t, (size_t)len, "iqn.2026-01.org.example:disk",
				 lun), 0);                    /* a prefix */
	CHECK_EQ(ibft_has_target(t, 0x60, in.target_name, lun), 0); /* short */
	uint8_t bad[4096];
	memcpy(bad, t, (size_t)len);
	bad[48 + 12] = 0xff;                             /* target0 offset */
	bad[48 + 13] = 0x0f;
	CHECK_EQ(ibft_has_target(bad, (size_t)len, in.target_name, lun), 0);
	memcpy(bad, t, (size_t)len);
	unsigned tg = bad[48 + 12] | bad[48 + 13] << 8;
	CHECK_EQ(ibft_has_target(bad, (size_t)len, in.target_name, lun), 1);
	bad[tg + 5] = 0;                                 /* not valid */
	CHECK_EQ(ibft_has_target(bad, (size_t)len, in.target_name, lun), 0);
}

int main(void)
{
	check_suite = "ibft";
	RUN(test_find_and_target);
	RUN(test_header_and_checksum);
	RUN(test_nic_fields);
	RUN(test_target_no_chap);
	RUN(test_target_mutual_chap);
	RUN(test_errors);
	RUN(test_second_target);
	return CHECK_DONE();
}
