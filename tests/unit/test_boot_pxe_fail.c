/* tests/unit/test_boot_pxe_fail.c - the BIOS PXE boot flow (boot_pxe) on
 * the host, failure paths: each returns its error, prints one
 * "lifeline: E<code>" report (after the login, one per try and the
 * "giving up" line), starts no MBR, leaves no hook and no extra
 * hard disk in 40:75, and stops a native NIC it had opened. */
#include "tests/lib/check.h"
#include "tests/lib/boot_fake.h"
#include "attach/attach.h"

#define CHAP_SECRET "verysecret12"

/* What every failure shows: rc, the one error line (code and what),
 * nothing started, nothing hooked, the BIOS's disk count back. */
static void check_failed(int rc, int want, const char *what)
{
	char line[256];

	snprintf(line, sizeof(line), "lifeline: E%d %s: %s\n", -want,
		 ll_strerror(want), what);
	CHECK_EQ(rc, want);
	if (!bf_saw(line))
		printf("  expected \"%s\" in:\n%s", line, bf.con);
	CHECK(bf_saw(line));
	CHECK_EQ(bf.mbr_started, 0);
	CHECK(!bf_saw("booting the MBR"));
	CHECK_EQ(bf_hooked_count(), 0);
	CHECK_EQ(mem[BDA_HD_COUNT_LINEAR], 1);
}

static void test_no_pxe_api(void)
{
	bf_setup(BF_NIC_NONE);
	bf_env.pxenv_seg = bf_env.pxenv_off = 0;
	bf_env.bang_seg = bf_env.bang_off = 0;
	memset(mem + BANG_LIN, 0, 4);             /* the scan finds nothing */
	int rc = bf_boot();

	check_failed(rc, LL_ENODEV, "no PXE API (PXENV+ / !PXE)");
	CHECK_EQ(rom.nlog, 0);                    /* the ROM was never called */
	CHECK_EQ(fk.connects, 0);
}

static void test_no_cached_dhcpack(void)
{
	bf_setup(BF_NIC_NONE);
	rom.ack_len[2] = 0;
	int rc = bf_boot();

	check_failed(rc, LL_EIO, "no cached DHCPACK from the PXE ROM");
	CHECK_EQ(rom.opened, 0);
	CHECK_EQ(fk.connects, 0);
}

/* A DISCOVER/REQUEST of ours among the frames UNDI sent. */
static unsigned dhcp_frames_sent(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < rom.ntx && i < 16; i++) {
		const uint8_t *f = rom.tx[i].data;

		n += rom.tx[i].len > 42 && f[12] == 0x08 && f[13] == 0 &&
		     f[23] == 17 && f[36] == 0 && f[37] == 67;
	}
	return n;
}

static void test_no_root_path_own_dhcp_times_out(void)
{
	bf_setup(BF_NIC_NONE);
	bf_ack(NULL, NULL);                        /* an ACK without option 17 */
	uint64_t t0 = fk.now;
	int rc = bf_boot();

	check_failed(rc, LL_ETIMEDOUT, "DHCP over UNDI");
	CHECK(bf_saw("lifeline: no root path from the PXE DHCPACK, asking DHCP\n"));
	CHECK_EQ(rom.opened, 1);
	CHECK(dhcp_frames_sent() >= 2);            /* asked, and asked again */
	CHECK(fk.now - t0 >= 30 * 1000000ull);     /* the whole bound... */
	CHECK(fk.now - t0 < 40 * 1000000ull);      /* ...and no more */
	CHECK_EQ(fk.connects, 0);
}

/* The settings layer checks a root path when it is read (whichever
 * source), so the flow reports it as a bad setting. */
static void test_bad_root_path(void)
{
	bf_setup(BF_NIC_NONE);
	bf_ack("iscsi:10.0.0.1::3260:1:", NULL);   /* no target name */
	int rc = bf_boot();

	check_failed(rc, LL_ESETTING, "root-path");
	CHECK_EQ(rom.opened, 0);                   /* before any NIC */
	CHECK_EQ(fk.connects, 0);

	bf_setup(BF_NIC_NONE);
	bf_ack("nfs:10.0.0.1:/srv/root", NULL);
	rc = bf_boot();
	check_failed(rc, LL_ESETTING, "root-path");
}

static void test_login_wrong_chap(void)
{
	bf_setup(BF_NIC_NONE);
	bf_ack(BF_ROOT_PATH, "username=alice password=" CHAP_SECRET);
	fk.redirects = 1;                          /* the target's answer: */
	fk.redirect_status = ISCSI_LOGIN_AUTH_FAILED;
	int rc = bf_boot();

	check_failed(rc, LL_EAUTH, "giving up on the target");
	CHECK(bf_saw("lifeline: E51 iSCSI authentication failed (wrong CHAP secret?): login to " BF_TARGET "\n"));
	CHECK_EQ(fk.connects, 1);                  /* a final answer: no retry */
	CHECK(memmem(fk.tx, fk.tx_len, "AuthMethod=CHAP", 15) != NULL);
	CHECK(!bf_saw(CHAP_SECRET));               /* secrets never print */
	CHECK(!bf_saw("lifeline: iBFT"));
}

static void test_login_target_error(void)
{
	bf_setup(BF_NIC_NONE);
	fk.redirects = ATTACH_LOGIN_TRIES;         /* a target error every try */
	fk.redirect_status = ISCSI_LOGIN_TARGET_ERROR;
	int rc = bf_boot();

	check_failed(rc, LL_ELOGIN, "giving up on the target");
	CHECK_EQ(fk.connects, ATTACH_LOGIN_TRIES);  /* retried, bounded */
	CHECK_EQ(fk_count(ISCSI_OP_SCSI_CMD), 0);

	bf_setup(BF_NIC_NONE);
	fk.redirects = 1;                          /* once: the next try boots */
	fk.redirect_status = ISCSI_LOGIN_TARGET_ERROR;
	rc = bf_boot();
	CHECK_EQ(rc, BF_BOOTED);
	CHECK(bf_saw("lifeline: E50 iSCSI login failed: login to " BF_TARGET "\n"));
	CHECK(bf_saw("login try 2 of 3"));
	CHECK_EQ(fk.connects, 2);

	bf_setup(BF_NIC_NONE);
	fk.redirects = 1;
	fk.redirect_status = ISCSI_LOGIN_NOT_FOUND;
	rc = bf_boot();
	check_failed(rc, LL_ENOTARGET, "giving up on the target");
	CHECK_EQ(fk.connects, 1);                  /* a final answer: no retry */
}

static void test_lun_never_ready(void)
{
	bf_setup(BF_NIC_NONE);
	fk.ua_pending = 1000;                      /* TEST UNIT READY never passes */
	int rc = bf_boot();

	CHECK(rc < 0);
	CHECK(bf_saw("lifeline: E57 SCSI command failed (see sense): login to " BF_TARGET "\n"));
	CHECK(bf_saw("giving up on the target\n"));
	CHECK_EQ(bf.mbr_started, 0);
	CHECK_EQ(bf_hooked_count(), 0);
	CHECK(bf_saw("blk: TEST UNIT READY: sense key 6, retrying\n"));
	CHECK(fk_count(ISCSI_OP_SCSI_CMD) >= 2);   /* retried... */
	CHECK(fk_count(ISCSI_OP_SCSI_CMD) <= 16 * ATTACH_LOGIN_TRIES); /* bounded */
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), ATTACH_LOGIN_TRIES); /* each logged out */
	CHECK(!bf_saw("lifeline: logged in"));
}

static void test_mbr_without_55aa(void)
{
	bf_setup(BF_NIC_NONE);
	unsigned base_kb = mem[0x413] | mem[0x414] << 8;

	CHECK_EQ(base_kb, 636);
	bf_disk[511] = 0;
	int rc = bf_boot();

	check_failed(rc, LL_ENOENT, "no 55AA boot signature in the MBR");
	CHECK(bf_saw("lifeline: INT 13h drive 0x80 (2 hard disks)\n")); /* had hooked */
	CHECK(memcmp(mem + 0x7c00, bf_disk, 512) == 0);  /* the MBR was read */
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), 1);  /* the session logged out */
	/* the fake target never answers a Logout: the bounded wait reports it */
	CHECK(bf_saw("lifeline: logged out\n") || bf_saw(": logout\n"));
	CHECK_EQ(mem[0x413] | mem[0x414] << 8, base_kb); /* iBFT's memory back */
}

static void test_block_size_not_512(void)
{
	bf_setup(BF_NIC_NONE);
	bf_target(4096);
	int rc = bf_boot();

	check_failed(rc, LL_ENOTSUP, "boot LUN block size is not 512");
	CHECK(bf_saw("blocks of 4096 bytes"));
	CHECK_EQ(mem[0x7c00], 0);                  /* nothing read into 7C00 */
}

static void test_ibft_no_base_memory(void)
{
	bf_setup(BF_NIC_NONE);
	mem[0x413] = 0x00;                         /* 40:13 = 512 KiB: the */
	mem[0x414] = 0x02;                         /* iBFT would sit below 0x80000 */
	int rc = bf_boot();

	check_failed(rc, LL_ENOMEM, "no base memory for the iBFT");
	CHECK_EQ(mem[0x413] | mem[0x414] << 8, 512); /* not lowered */
	CHECK(bf_ibft() == NULL);
}

static void test_int13_hook_fails(void)
{
	bf_setup(BF_NIC_NONE);
	bf.fail_vector = 0x13;
	int rc = bf_boot();

	check_failed(rc, LL_EBUSY, "INT 13h hook (drive setting?)");
	CHECK(bf_ibft_names_target());             /* got that far */

	bf_setup(BF_NIC_NONE);                     /* a drive number past the */
	bf_ack(BF_ROOT_PATH, "drive=0x83");        /* next free one */
	rc = bf_boot();
	check_failed(rc, LL_EINVAL, "INT 13h hook (drive setting?)");
}

static void test_int15_hook_fails(void)
{
	bf_setup(BF_NIC_NONE);
	bf.fail_vector = 0x15;
	int rc = bf_boot();

	check_failed(rc, LL_EBUSY, "INT 15h E820 hiding");
	CHECK(!bf_saw("INT 13h drive"));
}

/* A native driver stops its device when the flow gives up. */
static void test_native_nic_closed_on_failure(void)
{
	bf_setup(BF_NIC_E1000);
	bf_disk[510] = 0;
	int rc = bf_boot();

	check_failed(rc, LL_ENOENT, "no 55AA boot signature in the MBR");
	CHECK(bf_saw("e1000 (native driver"));
	CHECK(bf_fe.resets >= 2);                  /* opened, reset on close */
	CHECK(bf_nic_closed_e1000());

	bf_setup(BF_NIC_VIRTIO);
	memcpy(rom.mac, BF_VIRTIO_MAC, 6);
	bf_ack(BF_ROOT_PATH, NULL);
	fk.redirects = 1;
	fk.redirect_status = ISCSI_LOGIN_AUTH_FAILED;
	rc = bf_boot();
	check_failed(rc, LL_EAUTH, "giving up on the target");
	CHECK(bf_saw("virtio-net (native driver"));
	CHECK_EQ(bf_fv.status, 0);                 /* reset */
	CHECK_EQ(bf_fv.cfg[4] & PCI_CMD_MASTER, 0);
}

int main(void)
{
	check_suite = "boot_pxe_fail";
	RUN(test_no_pxe_api);
	RUN(test_no_cached_dhcpack);
	RUN(test_no_root_path_own_dhcp_times_out);
	RUN(test_bad_root_path);
	RUN(test_login_wrong_chap);
	RUN(test_login_target_error);
	RUN(test_lun_never_ready);
	RUN(test_mbr_without_55aa);
	RUN(test_block_size_not_512);
	RUN(test_ibft_no_base_memory);
	RUN(test_int13_hook_fails);
	RUN(test_int15_hook_fails);
	RUN(test_native_nic_closed_on_failure);
	return CHECK_DONE();
}
