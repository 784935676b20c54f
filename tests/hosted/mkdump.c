/* tests/hosted/mkdump.c - writes a dump LUN image with the real dump
 * writer: the unit tests' fake physical memory (2 CPUs, VMCOREINFO, 3
 * ranges) dumped to a RAM disk, saved as IMAGE, and the memory as
 * IMAGE.mem so a test can compare.
 *   mkdump IMAGE [--fail-write N] [--max-bytes N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/dump_fake.h"
#include "dump/writer.h"
#include "lib/err.h"
#include "lib/print.h"

#define DISK_BYTES (4u << 20)

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
	static struct fake_phys phys;
	static struct ech_table tab;
	static struct dump_work work;
	static struct ramdisk rd;
	struct physmem m;
	struct blk_dev *bw;
	struct ll_clock clk;
	struct dump_ctx c;
	char mempath[4096];
	uint64_t sz;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: mkdump IMAGE [--fail-write N] [--max-bytes N]\n");
		return 1;
	}
	sz = fk_build(&phys);
	m = fk_physmem(&phys);
	if (ech_parse(&tab, &m, FK_ECH, sz))
		return 1;
	rd_init(&rd, DISK_BYTES, 512);
	memset(&c, 0, sizeof(c));
	dump_opts_init(&c.opts);
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--fail-write"))
			rd.fail_write = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-bytes"))
			c.opts.max_bytes = strtoull(argv[i + 1], NULL, 0);
	}
	bw = rd_bw(&rd, 256, 8);
	clk.now_us = fk_clock_now;
	clk.ctx = &rd.now_us;
	c.ech = &tab;
	c.dev = bw;
	c.mem = &m;
	c.clock = &clk;
	c.work = &work;
	ll_console_set(to_stderr, NULL);
	rc = dump_run(&c);
	snprintf(mempath, sizeof(mempath), "%s.mem", argv[1]);
	if (save(argv[1], rd.data, DISK_BYTES) || save(mempath, phys.mem, phys.size)) {
		fprintf(stderr, "mkdump: cannot write %s\n", argv[1]);
		return 1;
	}
	printf("mkdump: dump_run %d\n", rc);
	return 0;
}
