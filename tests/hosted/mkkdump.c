/* tests/hosted/mkkdump.c - writes a kdump-compressed image with the real
 * writer from the synthetic dead kernel (tests/lib/kdump_kfake.h), for
 * Debian's makedumpfile and crash to read; the kernel's RAM goes to
 * IMAGE.mem so a test can compare.   mkkdump IMAGE [LEVEL] */
#include <stdio.h>
#include <stdlib.h>
#include "tests/lib/blk_fake.h"
#include "tests/lib/kdump_kfake.h"
#include "dump/kdump_write.h"
#include "lib/print.h"

#define DISK (32ull << 20)

static void to_stderr(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	fwrite(s, 1, len, stderr);
}

static int save(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct kfake kf;
	static struct ech_table ech;
	static struct dump_work work;
	static struct kdump_work kw;
	static struct ramdisk rd;
	struct physmem pm;
	struct dump_ctx c;
	char mem[4096];
	int rc;

	if (argc < 2 || kf_build(&kf, 4, NULL))
		return 2;
	pm = kf_physmem(&kf);
	if (ech_parse(&ech, &pm, KF_ECH, kf.ech_size))
		return 2;
	rd_init(&rd, DISK, 512);
	memset(&c, 0, sizeof(c));
	c.ech = &ech;
	c.dev = rd_dev(&rd, 128, 8);
	c.mem = &pm;
	c.clock = &rd.clock;
	dump_opts_init(&c.opts);
	c.work = &work;
	ll_console_set(to_stderr, NULL);
	rc = kdump_run(&c, argc > 2 ? (unsigned)atoi(argv[2]) : DL_DEFAULT, &kw);
	snprintf(mem, sizeof(mem), "%s.mem", argv[1]);
	if (save(argv[1], rd.data, (kw.data_pos + 4095) & ~4095ull) ||
	    save(mem, kf.mem, KF_SIZE))
		return 2;
	return rc ? 1 : 0;
}
