/* tests/hosted/mkprintk.c - a vmcore of the synthetic dead kernel with a
 * hand-built printk ring (tests/lib/kdump_kprintk.h), written by the real
 * ELF or kdump-compressed writer; IMAGE.want holds the log it must give.
 *   mkprintk IMAGE elf|kdump [LEVEL] [--corrupt] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/lib/blk_fake.h"
#include "tests/lib/kdump_kprintk.h"
#include "dump/kdump_write.h"
#include "dump/writer.h"
#include "lib/print.h"

#define DISK (32ull << 20)

static void to_stderr(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	fwrite(s, 1, len, stderr);
}

/* 40 records through the 512-byte ring, the crash lines last; the
 * expected log (tail to head) to want, the corrupt one left out. */
static int fill(struct kfake *k, const char *want, int corrupt)
{
	static struct kprintk kp;
	static const char *msg[42];
	static uint64_t ts[42];
	char t[64];
	uint64_t tail, head;
	FILE *f = fopen(want, "w");

	kp_init(&kp, k);
	for (int i = 0; i < 40; i++) {
		snprintf(t, sizeof(t), "boot message %d %.*s", i, i % 19, "abcdefghijklmnopqrs");
		msg[i] = strdup(t);
		ts[i] = (uint64_t)i * 100000000ull + 999;
		kp_add(&kp, ts[i], t);
	}
	msg[40] = "sysrq: Trigger a crash";
	ts[40] = 99999999999ull;
	msg[41] = "Kernel panic - not syncing: sysrq triggered crash";
	ts[41] = 100000000000ull;
	kp_add(&kp, ts[40], msg[40]);
	kp_add(&kp, ts[41], msg[41]);
	tail = kp_finish(&kp);
	head = (kp.id - 1) & KP_MASK62;
	if (corrupt)                             /* the 3rd record: wrong id */
		kf_put64(k, KP_DESCS + ((tail + 2) & (KP_COUNT - 1)) * KP_DESC_SZ,
			 (2ull << 62) | 4242);
	for (uint64_t id = tail, n = 0; f; id = (id + 1) & KP_MASK62, n++) {
		unsigned i = (unsigned)((id - KP_ID0) & KP_MASK62);

		if (!corrupt || n != 2)
			fprintf(f, "[%5llu.%06llu] %s\n",
				(unsigned long long)(ts[i] / 1000000000ull),
				(unsigned long long)(ts[i] % 1000000000ull / 1000), msg[i]);
		if (id == head)
			break;
	}
	return f && !fclose(f) ? kp_note(k) : -1;
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
	char want[4096];
	int kd, rc, corrupt = argc > 3 && !strcmp(argv[argc - 1], "--corrupt");
	unsigned level = argc > 3 && argv[3][0] != '-' ? (unsigned)atoi(argv[3]) : DL_DEFAULT;

	if (argc < 3 || kf_build(&kf, 4, NULL))
		return 2;
	kd = !strcmp(argv[2], "kdump");
	snprintf(want, sizeof(want), "%s.want", argv[1]);
	pm = kf_physmem(&kf);
	if (fill(&kf, want, corrupt) || ech_parse(&ech, &pm, KF_ECH, kf.ech_size))
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
	rc = kd ? kdump_run(&c, level, &kw) : dump_run(&c);
	if (save(argv[1], rd.data, kd ? (kw.data_pos + 4095) & ~4095ull : DISK))
		return 2;
	return rc ? 1 : 0;
}
