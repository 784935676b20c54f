/* tests/unit/test_boot_pxe.c - the BIOS PXE boot flow (boot_pxe) on the
 * host, success paths: over UNDI (nic=undi, or no native candidate), over
 * the native e1000 and virtio-net models; each boots the MBR, leaves live
 * INT 13h/15h hooks serving the fake target and an iBFT naming it. */
#include "tests/lib/check.h"
#include "tests/lib/boot_fake.h"

#define IBFT_AT 0x9e000u     /* 40:13 = 636 KiB, minus IBFT_MAX_SIZE */

static const struct ibft_nic *ibft_nic(void)
{
	const struct ibft_table_hdr *h = bf_ibft();

	return h ? (const void *)((const uint8_t *)h + IBFT_OFF_NIC) : NULL;
}

/* Call our hooked handler of vector as a real-mode caller would. */
static void call_hook(uint8_t vector, struct rm_regs *r)
{
	if (bf.vec[vector].hooked)
		bf.vec[vector].fn(r);
	else
		r->flags |= RM_CF;
}

/* Read LBA lba of our drive through the installed INT 13h hook (AH=42h)
 * into 0000:8000; the BIOS's CF. */
static int int13_read(uint8_t drive, uint64_t lba)
{
	struct int13_dap *dap = (void *)(mem + 0x600);
	struct rm_regs r;

	memset(dap, 0, sizeof(*dap));
	dap->dap_size = INT13_DAP_SIZE16;
	dap->dap_count = 1;
	dap->dap_buf_off = 0x8000;
	dap->dap_lba = lba;
	memset(&r, 0, sizeof(r));
	r.eax = 0x4200;
	r.edx = drive;
	r.esi = 0x600;
	call_hook(0x13, &r);
	return r.flags & RM_CF;
}

/* Walk the E820 map through the installed INT 15h hook: the type of the
 * entry holding addr, or 0. */
static uint32_t e820_type_at(uint64_t addr)
{
	struct e820_desc *d = (void *)(mem + 0x500);
	struct rm_regs r;
	uint32_t type = 0;
	int n = 0;

	memset(&r, 0, sizeof(r));
	do {
		r.eax = E820_FUNC;
		r.edx = E820_SMAP;
		r.ecx = E820_DESC_EXT;
		r.es = 0;
		r.edi = 0x500;
		call_hook(0x15, &r);
		if ((r.flags & RM_CF) || r.eax != E820_SMAP)
			return 0;
		if (addr >= d->base && addr - d->base < d->length)
			type = d->type;
	} while (r.ebx && ++n < 64);
	return type;
}

static int con_count(const char *s)
{
	int n = 0;

	for (const char *p = bf.con; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

/* What every successful boot shows; errs: "lifeline: E" lines expected. */
static void check_booted(int rc, int errs)
{
	CHECK_EQ(rc, BF_BOOTED);
	CHECK_EQ(bf.mbr_drive, 0x80);
	CHECK(memcmp(mem + 0x7c00, bf_disk, 512) == 0);
	CHECK(bf.vec[0x13].hooked && bf.vec[0x15].hooked);
	CHECK_EQ(bf_hooked_count(), 2);
	CHECK_EQ(mem[BDA_HD_COUNT_LINEAR], 2);          /* the local disk + us */
	CHECK_EQ(mem[0x413] | mem[0x414] << 8, 632);    /* iBFT taken off */
	CHECK(bf_ibft() == (const void *)(mem + IBFT_AT));
	CHECK(bf_ibft_names_target());
	CHECK_EQ(fk.connects, 1);
	CHECK(bf_saw("lifeline: logged in to " BF_TARGET ", 2048 blocks of 512 bytes\n"));
	CHECK(bf_saw("lifeline: iBFT at 0x9e000"));
	CHECK(bf_saw("lifeline: INT 13h drive 0x80 (2 hard disks)\n"));
	CHECK(bf_saw("lifeline: booting the MBR from drive 0x80\n"));
	CHECK_EQ(con_count("lifeline: E"), errs);
}

/* The hooks left for the OS loader serve the target and hide our memory. */
static void check_hooks_live(void)
{
	CHECK_EQ(int13_read(0x80, 5), 0);
	CHECK(memcmp(mem + 0x8000, bf_disk + 5 * 512, 512) == 0);
	CHECK_EQ(int13_read(0x81, 0), RM_CF);           /* the local disk... */
	CHECK_EQ(bf.bios13_calls, 1);
	CHECK_EQ(bf.bios13_dl, 0x80);                   /* ...moved up by one */
	CHECK_EQ(e820_type_at(IBFT_AT), E820_RESERVED);
	CHECK_EQ(e820_type_at(0x250000), E820_RESERVED); /* env's hide range */
	CHECK_EQ(e820_type_at(0x1000), E820_RAM);
	CHECK_EQ(e820_type_at(0x400000), E820_RAM);
}

static void test_undi_setting_boots_mbr(void)
{
	bf_setup(BF_NIC_E1000);                  /* a native NIC is there... */
	bf_ack(BF_ROOT_PATH, "nic=undi");        /* ...but the setting says UNDI */
	int rc = bf_boot();

	check_booted(rc, 0);
	check_hooks_live();
	CHECK_EQ(rom.opened, 1);
	CHECK_EQ(rom.filter != 0, 1);
	CHECK(bf_saw("lifeline: UNDI open, MAC 52:54:00:12:34:56\n"));
	CHECK(bf_saw("lifeline: address 10.0.0.5 from the PXE DHCPACK\n"));
	CHECK(!bf_saw("native driver"));
	CHECK_EQ(bf_fe.resets, 1);               /* the e1000 was never touched */
	CHECK(bf_fe.cfg[1] & PCI_CMD_MASTER);
	CHECK_EQ(ibft_nic()->pci_bdf, 0);     /* UNDI: function unknown */
	CHECK(memcmp(ibft_nic()->mac, rom.mac, 6) == 0);
}

static void test_no_candidates_boots_over_undi(void)
{
	bf_setup(BF_NIC_NONE);
	int rc = bf_boot();

	check_booted(rc, 0);
	CHECK_EQ(rom.opened, 1);
	CHECK(bf_saw("lifeline: UNDI open"));
	/* the default initiator name comes from the MAC */
	CHECK_EQ(fk.nlog > 0, 1);
	CHECK(memmem(fk.tx, fk.tx_len, "InitiatorName=iqn.2026-01.org.lifeline:525400123456",
		     51) != NULL);
}

static void test_e1000_boots_mbr(void)
{
	bf_setup(BF_NIC_E1000);
	int rc = bf_boot();

	check_booted(rc, 0);
	check_hooks_live();
	CHECK_EQ(rom.opened, 0);                 /* UNDI identified, never opened */
	CHECK(bf_saw("lifeline: NIC 00:03.0 8086:100e e1000 (native driver, "));
	CHECK(bf_saw("MAC 52:54:00:12:34:56\n"));
	CHECK(!bf_saw("UNDI open"));
	CHECK(bf_fe.cfg[1] & PCI_CMD_MASTER);    /* still running for the OS loader */
	CHECK(bf_fe.regs[E1000_RCTL / 4] & E1000_RCTL_EN);
	CHECK_EQ(ibft_nic()->pci_bdf, 3 << 3);
	CHECK(memcmp(ibft_nic()->mac, BF_E1000_MAC, 6) == 0);
}

static void test_virtio_boots_mbr(void)
{
	bf_setup(BF_NIC_BOTH);
	memcpy(rom.mac, BF_VIRTIO_MAC, 6);       /* the ROM booted from virtio */
	bf_ack(BF_ROOT_PATH, NULL);
	int rc = bf_boot();

	check_booted(rc, 0);
	check_hooks_live();
	CHECK_EQ(rom.opened, 0);
	CHECK(bf_saw("lifeline: NIC 00:04.0 1af4:1000 virtio-net (native driver, reset), MAC 52:54:00:ab:cd:ef\n"));
	CHECK(bf_fv.status & VIRTIO_STATUS_DRIVER_OK);
	CHECK(bf_nic_closed_e1000());            /* opened for its MAC, closed */
	CHECK_EQ(ibft_nic()->pci_bdf, 4 << 3);
	CHECK(memcmp(ibft_nic()->mac, BF_VIRTIO_MAC, 6) == 0);
}

/* nic=auto, but no native NIC has the MAC the ROM booted from. */
static void test_no_mac_match_falls_back_to_undi(void)
{
	bf_setup(BF_NIC_VIRTIO);
	int rc = bf_boot();

	check_booted(rc, 1);
	CHECK(bf_saw("lifeline: E12 not found: no native driver for MAC 52:54:00:12:34:56, using UNDI\n"));
	CHECK_EQ(rom.opened, 1);
	CHECK_EQ(bf_fv.status, 0);               /* opened for its MAC, closed */
}

/* drive=next and an explicit address: the next free number, the iBFT
 * says "manual". */
static void test_settings_drive_and_static_ip(void)
{
	bf_setup(BF_NIC_NONE);
	bf_ack(BF_ROOT_PATH, "drive=next ip=10.0.0.77");
	int rc = bf_boot();

	CHECK_EQ(rc, BF_BOOTED);
	CHECK_EQ(bf.mbr_drive, 0x81);
	CHECK(bf_saw("lifeline: INT 13h drive 0x81 (2 hard disks)\n"));
	CHECK_EQ(int13_read(0x81, 0), 0);
	CHECK_EQ(int13_read(0x80, 0), RM_CF);    /* the local disk keeps 0x80 */
	CHECK_EQ(bf.bios13_dl, 0x80);
	CHECK(bf_ibft_names_target());
	CHECK_EQ(ibft_nic()->ip[15], 77);
}

/* The ROM SAN-hooked the same LUN itself (its iBFT names it, its drive
 * 0x80 is counted in 40:75): its table is cleared, its number taken over. */
static void test_rom_san_drive_taken_over(void)
{
	struct ibft_info in = { .initiator_iqn = "iqn.rom:x", .target_name = BF_TARGET,
				.target_ip = 0x0a000001, .lun = { 0, 1 } };

	bf_setup(BF_NIC_NONE);
	CHECK(ibft_build(mem + 0x88000, IBFT_MAX_SIZE, &in) > 0);
	int rc = bf_boot();

	CHECK_EQ(rc, BF_BOOTED);
	CHECK_EQ(bf.mbr_drive, 0x80);
	CHECK(bf_saw("lifeline: the PXE ROM left an iBFT at 0x88000 (it SAN-hooked a drive itself, dead from now on): cleared\n"));
	CHECK(bf_saw("lifeline: INT 13h drive 0x80 (1 hard disks), taking over the ROM's SAN drive of this LUN\n"));
	CHECK_EQ(mem[BDA_HD_COUNT_LINEAR], 1);          /* nobody moved */
	CHECK(bf_ibft() == (const void *)(mem + IBFT_AT)); /* ours is the one */
	CHECK_EQ(int13_read(0x80, 3), 0);
	CHECK(memcmp(mem + 0x8000, bf_disk + 3 * 512, 512) == 0);
	CHECK_EQ(bf.bios13_calls, 0);
}

int main(void)
{
	check_suite = "boot_pxe";
	RUN(test_undi_setting_boots_mbr);
	RUN(test_no_candidates_boots_over_undi);
	RUN(test_e1000_boots_mbr);
	RUN(test_virtio_boots_mbr);
	RUN(test_no_mac_match_falls_back_to_undi);
	RUN(test_settings_drive_and_static_ip);
	RUN(test_rom_san_drive_taken_over);
	return CHECK_DONE();
}
