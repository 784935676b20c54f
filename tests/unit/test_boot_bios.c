/* tests/unit/test_boot_bios.c - the shared BIOS flow (boot_bios) as the
 * Multiboot2 entry runs it: no firmware NIC (native drivers only), the
 * settings from the command line, GRUB's DHCPACK under them; it boots the
 * MBR with live hooks, or fails with one coded line and gives everything
 * back (hooks, 40:75, 40:13, a native NIC stopped, the ROM untouched). */
#include "tests/lib/check.h"
#pragma GCC diagnostic push    /* bf_boot: the PXE tests' entry */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tests/lib/boot_fake.h"
#pragma GCC diagnostic pop

#define CMD_STATIC "root-path=" BF_ROOT_PATH " ip=10.0.0.7 gateway=10.0.0.1"
#define OTHER_PATH "iscsi:10.0.0.1::3260:1:iqn.2026-01.org.example:other"

/* The MB2 entry's env: the fake machine without the PXE part. */
static void mb_setup(enum bf_nic nic, const char *cmdline)
{
	bf_setup(nic);
	bf_env.bios.settings_block = 0;
	bf_env.bios.cmdline = cmdline;
}

/* GRUB's DHCPACK (tag 16): the ACK the fake ROM holds, as bytes. */
static void mb_loader_ack(const char *root_path)
{
	bf_ack(root_path, NULL);
	bf_env.bios.ack = fake_ptr(ACK_SEG, 2 * 0x800);
	bf_env.bios.ack_len = rom.ack_len[2];
	bf_env.bios.ack_name = "GRUB";
}

static int mb_boot(void)
{
	if (setjmp(bf.jmp))
		return BF_BOOTED;
	return boot_bios(&bf_env.bios, NULL);
}

static unsigned base_kb(void)
{
	return mem[0x413] | mem[0x414] << 8;
}

static void check_booted(int rc)
{
	CHECK_EQ(rc, BF_BOOTED);
	CHECK_EQ(bf.mbr_drive, 0x80);
	CHECK(memcmp(mem + 0x7c00, bf_disk, 512) == 0);
	CHECK(bf.vec[0x13].hooked && bf.vec[0x15].hooked);
	CHECK_EQ(mem[BDA_HD_COUNT_LINEAR], 2);          /* the local disk + us */
	CHECK(bf_ibft_names_target());
	CHECK(bf_saw("lifeline: booting the MBR from drive 0x80\n"));
	CHECK_EQ(rom.nlog, 0);                          /* no PXE ROM used */
	CHECK(!bf_saw("UNDI"));
}

static void check_given_back(int rc, int want, unsigned kb)
{
	CHECK_EQ(rc, want);
	CHECK_EQ(bf.mbr_started, 0);
	CHECK_EQ(bf_hooked_count(), 0);
	CHECK_EQ(mem[BDA_HD_COUNT_LINEAR], 1);
	CHECK_EQ(base_kb(), kb);
	CHECK_EQ(rom.nlog, 0);
}

static void test_native_static_boots(void)
{
	mb_setup(BF_NIC_E1000, CMD_STATIC);
	int rc = mb_boot();

	check_booted(rc);
	CHECK(bf_saw("lifeline: NIC 00:03.0 8086:100e e1000, MAC 52:54:00:12:34:56\n"));
	CHECK(bf_saw("lifeline: address 10.0.0.7 gateway 10.0.0.1 (static)\n"));
	CHECK(!bf_saw("DHCPACK"));
}

/* No root path on the command line: GRUB's DHCPACK gives the address and
 * option 17. */
static void test_loader_ack_fills_in(void)
{
	mb_setup(BF_NIC_VIRTIO, "");
	mb_loader_ack(BF_ROOT_PATH);
	int rc = mb_boot();

	check_booted(rc);
	CHECK(bf_saw("lifeline: address 10.0.0.5 from the GRUB DHCPACK\n"));
	CHECK(bf_saw("virtio-net"));
}

/* The command line wins over the DHCPACK's option 17 (and its address). */
static void test_cmdline_wins_over_loader_ack(void)
{
	mb_setup(BF_NIC_E1000, CMD_STATIC);
	mb_loader_ack(OTHER_PATH);
	int rc = mb_boot();

	check_booted(rc);                          /* the iBFT names BF_TARGET */
	CHECK(bf_saw("lifeline: logged in to " BF_TARGET ", "));
	CHECK(!bf_saw("other"));
	const struct ibft_nic *n = (const void *)((const uint8_t *)bf_ibft() +
						  IBFT_OFF_NIC);
	CHECK(memcmp(n->ip + 12, "\x0a\x00\x00\x07", 4) == 0); /* ip= wins */
}

/* A damaged DHCPACK is reported and not used; DHCP is not needed with
 * ip= given. */
static void test_bad_loader_ack_ignored(void)
{
	static const uint8_t junk[40] = { 2, 1, 6 };

	mb_setup(BF_NIC_E1000, CMD_STATIC);
	bf_env.bios.ack = junk;
	bf_env.bios.ack_len = sizeof(junk);
	bf_env.bios.ack_name = "GRUB";
	int rc = mb_boot();

	check_booted(rc);
	CHECK(bf_saw("the GRUB DHCPACK, not used\n"));
}

/* No NIC with a native driver (a NIC the firmware would drive is not
 * there either): a coded line, nothing taken. */
static void test_no_native_nic(void)
{
	mb_setup(BF_NIC_NONE, CMD_STATIC);
	unsigned kb = base_kb();
	int rc = mb_boot();

	CHECK(rc < 0);
	check_given_back(rc, rc, kb);
	CHECK(bf_saw("no usable NIC (e1000 family, virtio-net)\n"));
}

/* Wrong target: no login, nothing hooked, the NIC stopped. */
static void test_wrong_target_gives_back(void)
{
	mb_setup(BF_NIC_E1000, CMD_STATIC);
	unsigned kb = base_kb();
	fk.redirects = 1;
	fk.redirect_status = ISCSI_LOGIN_NOT_FOUND;
	int rc = mb_boot();

	check_given_back(rc, LL_ENOTARGET, kb);
	CHECK(bf_saw("lifeline: E52 "));
	CHECK(bf_nic_closed_e1000());
}

/* A failure after the hooks (no 55AA): unhooked, 40:13 and 40:75 back,
 * logged out, the NIC stopped. */
static void test_no_55aa_gives_back(void)
{
	mb_setup(BF_NIC_E1000, CMD_STATIC);
	unsigned kb = base_kb();
	bf_disk[511] = 0;
	int rc = mb_boot();

	check_given_back(rc, LL_ENOENT, kb);
	CHECK(bf_saw("lifeline: INT 13h drive 0x80 (2 hard disks)\n"));
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), 1);
	CHECK(bf_nic_closed_e1000());
}

int main(void)
{
	check_suite = "boot_bios";
	RUN(test_native_static_boots);
	RUN(test_loader_ack_fills_in);
	RUN(test_cmdline_wins_over_loader_ack);
	RUN(test_bad_loader_ack_ignored);
	RUN(test_no_native_nic);
	RUN(test_wrong_target_gives_back);
	RUN(test_no_55aa_gives_back);
	return CHECK_DONE();
}
