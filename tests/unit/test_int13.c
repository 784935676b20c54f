/* tests/unit/test_int13.c - INT 13h over a RAM disk and a fake 1 MiB base
 * memory: CHS and EDD reads/writes, bounds, geometry, 41h/48h/15h, and the
 * pass-through with renumbering and the BDA disk count. */
#include <stdint.h>
#include <string.h>
#include "tests/lib/check.h"
#include "tests/lib/blk_fake.h"
#include "boot/int13.h"
#include "boot/int13_proto.h"
#include "lib/err.h"

#define BASE_SIZE 0x100000u
static uint8_t base[BASE_SIZE];
static uint8_t ram[4096 * 512];      /* 4096-block RAM disk */
#define RAM_BLOCKS 4096u
static struct ramdisk rd;            /* the block device over ram[] */
static struct int13_ctx ctx;
static struct rm_regs last_chained;
static int chained;

static void *fake_map(void *c, uint64_t lin, uint64_t len)
{
	(void)c;
	if (lin > BASE_SIZE || len > BASE_SIZE - lin)
		return NULL;
	return base + lin;
}
static void fake_chain(uint32_t vec, struct rm_regs *r)
{
	CHECK_EQ(vec, 0xf000e3feu);
	chained++;
	last_chained = *r;
	r->eax &= ~0xff00u;             /* AH = 0: success */
	r->flags &= (uint16_t)~RM_CF;
	if (((r->eax >> 8) & 0xff) == 0 && (uint8_t)(last_chained.eax >> 8) == 8)
		r->edx = (r->edx & ~0xffu) | 1; /* BIOS says: 1 hard disk */
}

static void setup(uint8_t bda_disks, uint8_t want)
{
	memset(base, 0, sizeof(base));
	for (uint32_t i = 0; i < sizeof(ram); i++)
		ram[i] = (uint8_t)(i * 7 + (i >> 9));
	rd_init_on(&rd, ram, sizeof(ram), 512);
	rd_dev(&rd, 256, 8);
	memset(&ctx, 0, sizeof(ctx));
	ctx.mem.map = fake_map;
	ctx.chain = fake_chain;
	ctx.old_vector = 0xf000e3feu;
	base[0x475] = bda_disks;
	chained = 0;
	CHECK_EQ(int13_setup(&ctx, &rd.dev, want), 0);
}

static struct rm_regs call(uint8_t ah, uint8_t dl)
{
	struct rm_regs r;
	memset(&r, 0, sizeof(r));
	r.eax = (uint32_t)ah << 8;
	r.edx = dl;
	r.flags = 0x0202;
	return r;
}
#define AH(r) (((r).eax >> 8) & 0xff)
#define CF(r) ((r).flags & RM_CF)

static void test_setup_takes_0x80_and_shifts(void)
{
	setup(1, 0x80);
	CHECK_EQ(ctx.drive, 0x80);
	CHECK_EQ(ctx.shift, 1);
	CHECK_EQ(base[0x475], 2);
	CHECK_EQ(ctx.geom.cylinders, 1); /* 4096 / (255*63) = 0 -> 1 */
	setup(2, 0);                     /* next free number */
	CHECK_EQ(ctx.drive, 0x82);
	CHECK_EQ(ctx.shift, 0);
	CHECK_EQ(base[0x475], 3);
	base[0x475] = 1;
	CHECK_EQ(int13_setup(&ctx, &rd.dev, 0x83), LL_EINVAL); /* past 0x81 */
}

static void test_chs_read_write(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	/* CHS 0/1/5 = LBA (0*255+1)*63 + 4 = 67; 3 sectors to 1000:0010 */
	r = call(0x02, 0x80);
	r.eax |= 3;
	r.ecx = 0x0005;                  /* CH=0 cyl, CL=5 sector */
	r.edx |= 0x0100;                 /* DH=1 head */
	r.es = 0x1000; r.ebx = 0x0010;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK_EQ(r.eax & 0xff, 3);
	CHECK(memcmp(base + 0x10010, ram + 67 * 512, 3 * 512) == 0);
	/* write 1 sector of 0xA5 to CHS 0/0/2 = LBA 1 */
	memset(base + 0x20000, 0xa5, 512);
	r = call(0x03, 0x80);
	r.eax |= 1; r.ecx = 0x0002; r.es = 0x2000; r.ebx = 0;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK_EQ(ram[512], 0xa5);
	CHECK_EQ(ram[1023], 0xa5);
	CHECK(ram[1024] != 0xa5 || ram[1025] != 0xa5);
	CHECK_EQ(rd.dev.st.blocks_written, 1);
}

static void test_chs_bad_sector_and_status(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	r = call(0x02, 0x80);
	r.eax |= 1; r.ecx = 0x0000;      /* sector 0 does not exist */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	CHECK(CF(r));
	CHECK_EQ(r.eax & 0xff, 0);
	r = call(0x01, 0x80);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	CHECK_EQ(r.eax & 0xff, 0x04);
	CHECK(CF(r));
	r = call(0x00, 0x80);            /* reset clears it */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	r = call(0x01, 0x80);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	/* a buffer running past base memory: 09h, nothing transferred */
	r = call(0x02, 0x80);
	r.eax |= 2; r.ecx = 0x0001; r.es = 0xffff; r.ebx = 0xff00;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x09);
	CHECK(CF(r));
	r = call(0x77, 0x80);            /* unknown function */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x01);
	CHECK(CF(r));
}

static void test_get_params_08(void)
{
	struct rm_regs r;
	setup(1, 0x80);
	rd.dev.blocks = 2000u * 255 * 63;  /* more than 1024 cylinders */
	ctx.geom.cylinders = 0;
	CHECK_EQ(int13_setup(&ctx, &rd.dev, 0x80), 0); /* BDA now 3 */
	r = call(0x08, 0x80);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	/* max cyl 1023 = 0x3FF: CH=0xFF, CL = 63 | 0xC0 = 0xFF */
	CHECK_EQ((r.ecx >> 8) & 0xff, 0xff);
	CHECK_EQ(r.ecx & 0xff, 0xff);
	CHECK_EQ((r.edx >> 8) & 0xff, 254);
	CHECK_EQ(r.edx & 0xff, 3);
}

static void test_disk_type_15_and_check_41(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	r = call(0x15, 0x80);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 3);
	CHECK(!CF(r));
	CHECK_EQ(r.ecx & 0xffff, 0);
	CHECK_EQ(r.edx & 0xffff, 4096);
	r = call(0x41, 0x80);
	r.ebx = 0x55aa;
	int13_dispatch(&ctx, &r);
	CHECK(!CF(r));
	CHECK_EQ(AH(r), 0x30);
	CHECK_EQ(r.ebx & 0xffff, 0xaa55);
	CHECK_EQ(r.ecx & 0xffff, 0x0005);
	r = call(0x41, 0x80);
	r.ebx = 0x1234;
	int13_dispatch(&ctx, &r);
	CHECK(CF(r));
	CHECK_EQ(AH(r), 1);
}

/* Build a DAP at 0000:0600 (hand-placed bytes, not the struct). */
static void put_dap(uint8_t size, uint16_t count, uint16_t off, uint16_t seg,
		    uint64_t lba, uint64_t flat)
{
	uint8_t *d = base + 0x600;
	memset(d, 0, 24);
	d[0] = size;
	d[2] = (uint8_t)count; d[3] = (uint8_t)(count >> 8);
	d[4] = (uint8_t)off; d[5] = (uint8_t)(off >> 8);
	d[6] = (uint8_t)seg; d[7] = (uint8_t)(seg >> 8);
	for (int i = 0; i < 8; i++) {
		d[8 + i] = (uint8_t)(lba >> (8 * i));
		d[16 + i] = (uint8_t)(flat >> (8 * i));
	}
}
static struct rm_regs dap_call(uint8_t ah)
{
	struct rm_regs r = call(ah, 0x80);
	r.ds = 0; r.esi = 0x600;
	return r;
}

static void test_ext_read_write_verify_seek(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	put_dap(16, 127, 0x0000, 0x3000, 100, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK(memcmp(base + 0x30000, ram + 100 * 512, 127 * 512) == 0);
	CHECK_EQ(base[0x602], 127);
	/* 24-byte DAP with FFFF:FFFF -> flat address 0x50000 */
	put_dap(24, 2, 0xffff, 0xffff, 4094, 0x50000);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(memcmp(base + 0x50000, ram + 4094u * 512, 1024) == 0);
	/* write through 43h, read back from the RAM disk */
	memset(base + 0x40000, 0x3c, 1024);
	put_dap(16, 2, 0x0000, 0x4000, 10, 0);
	r = dap_call(0x43);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK_EQ(ram[10 * 512], 0x3c);
	CHECK_EQ(ram[12 * 512 - 1], 0x3c);
	/* verify and seek in range */
	put_dap(16, 8, 0, 0x4000, 4088, 0);
	r = dap_call(0x44);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	r = dap_call(0x47);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
}

/* 44h and 04h verify for real: one VERIFY request per call reaches the
 * disk, no data moves (the DAP's / ES:BX buffer is untouched), and the
 * disk's answer is the status. */
static void test_verify_is_a_request(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	memset(base + 0x40000, 0xee, 8 * 512);
	put_dap(16, 8, 0, 0x4000, 4088, 0);
	r = dap_call(0x44);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK_EQ(rd.verifies, 1);
	CHECK_EQ(rd.dev.st.verifies, 1);
	CHECK_EQ(rd.dev.st.reads, 0);
	CHECK(!strcmp(rd.log, "V"));
	CHECK_EQ(base[0x40000], 0xee);
	CHECK_EQ(base[0x40000 + 8 * 512 - 1], 0xee);
	CHECK_EQ(base[0x602], 8);
	/* the disk says the blocks are bad: controller error, count 0 */
	rd.fail_verify = 2;
	r = dap_call(0x44);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x20);
	CHECK(CF(r));
	CHECK_EQ(base[0x602], 0);
	/* past the end: not found, nothing sent */
	put_dap(16, 9, 0, 0x4000, 4088, 0);
	r = dap_call(0x44);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	CHECK_EQ(rd.verifies, 2);
	/* 04h: CHS 0/0/1, 5 sectors; AL says how many were verified */
	r = call(0x04, 0x80);
	r.eax |= 5;
	r.ecx = 0x0001;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK_EQ(r.eax & 0xff, 5);
	CHECK_EQ(rd.verifies, 3);
	CHECK_EQ(ctx.st.out_of_range, 1);
}

/* The disk's errors come back through the one door as statuses: a failed
 * read 20h, a disk that never answers 80h after INT13_IO_TIMEOUT_US with
 * its request withdrawn (nothing left to land in the caller's buffer). */
static void test_disk_errors(void)
{
	struct rm_regs r;
	uint64_t t0;
	setup(0, 0x80);
	rd.fail_read = 1;
	put_dap(16, 4, 0, 0x3000, 0, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x20);
	CHECK(CF(r));
	CHECK_EQ(base[0x602], 0);
	CHECK_EQ(rd.dev.st.errors, 1);
	r = call(0x01, 0x80);                /* and 01h remembers it */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x20);
	rd.stall = 1;
	rd.us_per_poll = 100000;
	t0 = rd.now_us;
	memset(base + 0x30000, 0x11, 512);
	put_dap(16, 1, 0, 0x3000, 0, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x80);
	CHECK(CF(r));
	CHECK(rd.now_us - t0 >= INT13_IO_TIMEOUT_US);
	CHECK(rd.now_us - t0 <= INT13_IO_TIMEOUT_US + 100000);
	CHECK_EQ(rd.npending, 0);
	CHECK_EQ(rd.cancels, 1);
	CHECK_EQ(base[0x30000], 0x11);
	/* the MBR read of the flow goes the same way */
	rd.stall = 0;
	CHECK_EQ(int13_disk_io(&ctx, BLK_READ, 0, 1, base + 0x7c00), 0);
	CHECK(!memcmp(base + 0x7c00, ram, 512));
	CHECK_EQ(int13_disk_io(&ctx, BLK_READ, RAM_BLOCKS, 1, base + 0x7c00), LL_ERANGE);
}

static void test_ext_bounds(void)
{
	struct rm_regs r;
	setup(0, 0x80);
	uint64_t reads = rd.dev.st.reads;
	/* last block + 1: sector not found, count zeroed, nothing read */
	put_dap(16, 2, 0, 0x3000, 4095, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	CHECK(CF(r));
	CHECK_EQ(base[0x602], 0);
	CHECK_EQ(rd.dev.st.reads, reads);
	CHECK_EQ(ctx.st.out_of_range, 1);
	/* exactly the last block is fine */
	put_dap(16, 1, 0, 0x3000, 4095, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	/* huge LBA that would wrap lba + count */
	put_dap(16, 2, 0, 0x3000, UINT64_MAX, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	/* count 0: success, nothing transferred */
	put_dap(16, 0, 0, 0x3000, 5, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK_EQ(rd.dev.st.reads, reads + 1);
	/* DAP size below 16: invalid */
	put_dap(8, 1, 0, 0x3000, 5, 0);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x01);
	CHECK(CF(r));
	/* seek past the end */
	put_dap(16, 1, 0, 0x3000, 4096, 0);
	r = dap_call(0x47);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x04);
	/* flat buffer outside memory */
	put_dap(24, 1, 0xffff, 0xffff, 0, 0x200000);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x09);
}

/* A buffer (flat or seg:off) overlapping lifeline's hidden memory is
 * refused with 01h, CF, nothing read or written; one just outside passes.
 * Before, the RAM disk's blocks were copied over the hidden range. */
static void test_buffer_in_hidden_memory(void)
{
	static const struct e820_range hide[] = { { 0x60000, 0x1000 },
						  { 0x9f000, 0x1000 } };
	struct rm_regs r;

	setup(0, 0x80);
	ctx.hide = hide;
	ctx.n_hide = 2;
	memset(base + 0x5f000, 0xaa, 0x3000);
	uint64_t reads = rd.dev.st.reads;
	/* flat: last byte of the read lands on the first hidden byte */
	put_dap(24, 2, 0xffff, 0xffff, 0, 0x60000 - 1023);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x01);
	CHECK(CF(r));
	CHECK_EQ(base[0x602], 0);
	CHECK_EQ(base[0x60000], 0xaa);
	CHECK_EQ(base[0x60000 - 1023], 0xaa);
	CHECK_EQ(rd.dev.st.reads, reads);
	/* seg:off inside the second range, CHS write: refused too */
	r = call(0x03, 0x80);
	r.eax |= 1;
	r.ecx = 1;                               /* C0 S1 */
	r.es = 0x9f00; r.ebx = 0x800;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0x01);
	CHECK(CF(r));
	CHECK_EQ(ctx.st.hidden_buffers, 2);
	/* ending exactly where the hidden range begins: fine */
	put_dap(24, 2, 0xffff, 0xffff, 0, 0x60000 - 1024);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK(memcmp(base + 0x60000 - 1024, ram, 1024) == 0);
	CHECK_EQ(base[0x60000], 0xaa);
	/* starting right after it: fine */
	put_dap(24, 1, 0xffff, 0xffff, 0, 0x61000);
	r = dap_call(0x42);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK_EQ(ctx.st.hidden_buffers, 2);
}

static void test_params_48(void)
{
	struct rm_regs r;
	uint8_t *b = base + 0x700;
	setup(0, 0x80);
	memset(b, 0xee, 80);
	b[0] = 66; b[1] = 0;            /* EDD 3.0 caller */
	r = call(0x48, 0x80);
	r.ds = 0x0070; r.esi = 0;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 0);
	CHECK(!CF(r));
	CHECK_EQ(b[0], 30);              /* we return the 2.x form */
	CHECK_EQ(b[2] & 0x02, 0x02);     /* CHS valid for a small disk */
	CHECK_EQ(b[4] | b[5] << 8, 1);   /* cylinders */
	CHECK_EQ(b[8], 255);
	CHECK_EQ(b[12], 63);
	CHECK_EQ(b[16] | b[17] << 8, 4096); /* total sectors at 0x10 */
	CHECK_EQ(b[20] | b[21] | b[22] | b[23], 0);
	CHECK_EQ(b[24] | b[25] << 8, 512);  /* bytes per sector at 0x18 */
	CHECK_EQ(b[26] & b[27] & b[28] & b[29], 0xff); /* no DPTE */
	CHECK_EQ(b[30], 0xee);           /* untouched past 30 */
	b[0] = 26;
	r = call(0x48, 0x80);
	r.ds = 0x0070; r.esi = 0;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(b[0], 26);
	b[0] = 20;                       /* too small */
	r = call(0x48, 0x80);
	r.ds = 0x0070; r.esi = 0;
	int13_dispatch(&ctx, &r);
	CHECK_EQ(AH(r), 1);
	CHECK(CF(r));
}

static void test_pass_through_renumbered(void)
{
	struct rm_regs r;
	setup(1, 0x80);
	/* the old 0x80 is now 0x81: chained as 0x80, DL restored */
	r = call(0x02, 0x81);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(chained, 1);
	CHECK_EQ(last_chained.edx & 0xff, 0x80);
	CHECK_EQ(r.edx & 0xff, 0x81);
	/* floppies unchanged */
	r = call(0x02, 0x00);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(last_chained.edx & 0xff, 0x00);
	/* AH=08 on a hard disk reports our count (2), not the BIOS's 1 */
	r = call(0x08, 0x81);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(r.edx & 0xff, 2);
	CHECK_EQ(chained, 3);
	/* next-free mode: no renumbering */
	setup(1, 0);
	r = call(0x02, 0x80);
	int13_dispatch(&ctx, &r);
	CHECK_EQ(last_chained.edx & 0xff, 0x80);
	CHECK_EQ(ctx.st.chained, 1);
}

/* replace: the drive at 0x80 was the ROM's own (dead) SAN drive of the
 * same LUN: we take its number, nothing shifts, the count stays, and no
 * call for 0x80 reaches the ROM any more. */
static void test_replace_rom_drive(void)
{
	struct rm_regs r;
	memset(&ctx, 0, sizeof(ctx));
	setup(2, 0x80);                     /* without replace: shift, 3 */
	CHECK_EQ(base[0x475], 3);
	base[0x475] = 2;
	memset(&ctx, 0, sizeof(ctx));
	ctx.mem.map = fake_map;
	ctx.chain = fake_chain;
	ctx.old_vector = 0xf000e3feu;
	ctx.replace = 1;
	CHECK_EQ(int13_setup(&ctx, &rd.dev, 0x80), 0);
	CHECK_EQ(ctx.drive, 0x80);
	CHECK_EQ(ctx.shift, 0);
	CHECK_EQ(ctx.hd_count, 2);
	CHECK_EQ(base[0x475], 2);
	chained = 0;
	r = call(0x08, 0x80);               /* ours */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(chained, 0);
	CHECK_EQ(r.edx & 0xff, 2);
	r = call(0x02, 0x81);               /* the other disk keeps 0x81 */
	int13_dispatch(&ctx, &r);
	CHECK_EQ(chained, 1);
	CHECK_EQ(last_chained.edx & 0xff, 0x81);
	/* replace only matters when something would shift */
	memset(&ctx, 0, sizeof(ctx));
	ctx.mem.map = fake_map;
	ctx.chain = fake_chain;
	ctx.old_vector = 0xf000e3feu;
	ctx.replace = 1;
	base[0x475] = 1;
	CHECK_EQ(int13_setup(&ctx, &rd.dev, 0), 0);
	CHECK_EQ(ctx.drive, 0x81);
	CHECK_EQ(base[0x475], 2);
}

int main(void)
{
	check_suite = "int13";
	RUN(test_replace_rom_drive);
	RUN(test_setup_takes_0x80_and_shifts);
	RUN(test_chs_read_write);
	RUN(test_chs_bad_sector_and_status);
	RUN(test_get_params_08);
	RUN(test_disk_type_15_and_check_41);
	RUN(test_ext_read_write_verify_seek);
	RUN(test_verify_is_a_request);
	RUN(test_disk_errors);
	RUN(test_ext_bounds);
	RUN(test_buffer_in_hidden_memory);
	RUN(test_params_48);
	RUN(test_pass_through_renumbered);
	return CHECK_DONE();
}
