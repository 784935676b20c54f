/* tests/unit/test_dmesg.c - the printk ring reader (tools/common/dmesg.c)
 * on a hand-built ring in the synthetic dead kernel: exact lines, ring and
 * id wrap-around, corrupt descriptors and rings, missing facts. */
#include <stdlib.h>
#include "tests/lib/check.h"
#include "tests/lib/kdump_kprintk.h"
#include "tools/common/dmesg.c"

static struct kfake kf;
static struct kprintk kp;
static char vmci[8192];
static size_t vlen;
static char *out;
static struct dmesg_stats st;

static void fresh(void)
{
	int n;

	free(kf.mem);
	kf_build(&kf, 4, NULL);
	kp_init(&kp, &kf);
	n = kf_vmcoreinfo(vmci, sizeof(vmci), 4, NULL);
	vlen = (size_t)n + (size_t)kp_vmcoreinfo(vmci + n, sizeof(vmci) - (size_t)n);
}

static int run(void)
{
	struct physmem pm = kf_physmem(&kf);
	size_t sz;
	FILE *f;
	int rc;

	free(out);
	f = open_memstream(&out, &sz);
	rc = dmesg_print(&pm, vmci, vlen, f, &st);
	fclose(f);
	return rc;
}

static void five(void)
{
	kp_add(&kp, 0, "Linux version 6.1.0-kfake");
	kp_add(&kp, 1234567890ull, "second line");
	kp_add(&kp, 12000001000ull, "tab\there");
	kp_add(&kp, 99999999999ull, "sysrq: Trigger a crash");
	kp_add(&kp, 100000000000ull, "Kernel panic - not syncing: sysrq triggered crash");
	kp_finish(&kp);
}

static const char *five_want =
	"[    0.000000] Linux version 6.1.0-kfake\n"
	"[    1.234567] second line\n"
	"[   12.000001] tab\\x09here\n"
	"[   99.999999] sysrq: Trigger a crash\n"
	"[  100.000000] Kernel panic - not syncing: sysrq triggered crash\n";

static void test_lines(void)
{
	fresh();
	five();
	CHECK_EQ(run(), 0);
	CHECK(!strcmp(out, five_want));
	CHECK_EQ(st.printed, 5);
	CHECK_EQ(st.corrupt, 0);
}

/* 40 records through a 512-byte text ring and 16 descriptors: only the
 * newest survive; ids pass 2^62 and lpos passes 2^64 on the way. */
static void test_wrap(void)
{
	char t[64], want[4096] = "", line[96];
	uint64_t tail, head, wrapped = 0;

	fresh();
	for (int i = 0; i < 40; i++) {
		snprintf(t, sizeof(t), "record %d %.*s", i, i % 23, "xxxxxxxxxxxxxxxxxxxxxxx");
		if ((kp.lpos & (KP_DSIZE - 1)) + ((8 + strlen(t) + 7) & ~7ul) >= KP_DSIZE &&
		    i >= 30)
			wrapped++;
		kp_add(&kp, (uint64_t)i * 1000000000ull + 5000, t);
	}
	tail = kp_finish(&kp);
	head = (kp.id - 1) & KP_MASK62;
	CHECK(kp.lpos < KP_LPOS0);             /* lpos went past 2^64 */
	CHECK(head < KP_ID0);                  /* ids went past 2^62 */
	CHECK(wrapped > 0);                    /* a kept block wraps */
	for (uint64_t id = tail;; id = (id + 1) & KP_MASK62) {
		int i = (int)((id - KP_ID0) & KP_MASK62);

		snprintf(line, sizeof(line), "[%5d.000005] record %d %.*s\n", i, i,
			 i % 23, "xxxxxxxxxxxxxxxxxxxxxxx");
		strcat(want, line);
		if (id == head)
			break;
	}
	CHECK_EQ(run(), 0);
	CHECK(!strcmp(out, want));
	if (strcmp(out, want))
		printf("why=%s\nout=%s\nwant=%s\n", st.why, out, want);
	CHECK(st.printed >= 8);
	CHECK(strstr(out, "record 39 xxxxxxxxxxxxxxxx\n") != NULL);
	CHECK(strstr(out, "] record 0 ") == NULL);
}

static uint64_t desc_of(unsigned nth)
{
	return KP_DESCS + ((KP_ID0 + nth) & (KP_COUNT - 1)) * KP_DESC_SZ;
}

static void test_corrupt_desc(void)
{
	fresh();
	five();
	kf_put64(&kf, desc_of(1), (2ull << 62) | 12345);     /* wrong id */
	kf_put64(&kf, desc_of(2) + 16, 0x7fffffffffffull);   /* wild lpos */
	CHECK_EQ(run(), LL_EPROTO);
	CHECK(!strcmp(out, "[    0.000000] Linux version 6.1.0-kfake\n"
		      "[   99.999999] sysrq: Trigger a crash\n"
		      "[  100.000000] Kernel panic - not syncing: sysrq triggered crash\n"));
	CHECK_EQ(st.corrupt, 2);
	CHECK(strstr(st.why, "2 corrupt") != NULL);
	/* text_len past its block; the block's id not the record's */
	fresh();
	five();
	memset(kf.mem + KP_INFOS + ((KP_ID0 + 3) & 15) * KP_INFO_SZ + 16, 0xff, 2);
	kf_put64(&kf, KP_DATA + (KP_LPOS0 & (KP_DSIZE - 1)), 777);
	CHECK_EQ(run(), LL_EPROTO);
	CHECK_EQ(st.corrupt, 2);
	CHECK_EQ(st.printed, 3);
}

static void test_states(void)
{
	fresh();
	five();
	kf_put64(&kf, desc_of(4), KP_ID0 + 4);            /* reserved: in flight */
	kf_put64(&kf, desc_of(1) + 8, 3);                  /* data-less */
	kf_put64(&kf, desc_of(1) + 16, 3);
	CHECK_EQ(run(), 0);
	CHECK(!strcmp(out, "[    0.000000] Linux version 6.1.0-kfake\n"
		      "[    1.234567] \n"
		      "[   12.000001] tab\\x09here\n"
		      "[   99.999999] sysrq: Trigger a crash\n"));
	CHECK_EQ(st.missing, 1);
}

static void test_bad_ring(void)
{
	fresh();
	five();
	kf.mem[KP_RB] = 60;                                  /* count_bits */
	CHECK_EQ(run(), LL_EPROTO);
	CHECK(strstr(st.why, "sizes") != NULL);
	kf.mem[KP_RB] = KP_CBITS;
	kf_put64(&kf, KP_RB + 32, 0x1234);                   /* tail far off */
	CHECK_EQ(run(), LL_EPROTO);
	kf_put64(&kf, KP_PRB, 0xffffc90000000000ull);        /* not mapped */
	CHECK_EQ(run(), LL_EINVAL);
	kf_put64(&kf, KP_PRB, kp_kva(KP_RB));
	kf_put64(&kf, KP_RB + 8, KF_DM + KF_HOLE_LO);        /* descs in a hole */
	kf_put64(&kf, KP_RB + 32, KP_ID0);
	CHECK(run() != 0);                                   /* kfake maps holes */
	CHECK_EQ(st.printed, 0);
	/* 16384 descriptors of garbage: stops after CORRUPT_MAX bad ones */
	kf.mem[KP_RB] = 14;
	kf_put64(&kf, KP_RB + 8, KF_DM + 0x800000);
	kf_put64(&kf, KP_RB + 16, KF_DM + 0x900000);
	kf_put64(&kf, KP_RB + 24, 16000);
	kf_put64(&kf, KP_RB + 32, 0);
	CHECK_EQ(run(), LL_EPROTO);
	CHECK(strstr(st.why, "too many") != NULL);
	CHECK_EQ(st.corrupt, CORRUPT_MAX + 1);
}

static void test_missing_fact(void)
{
	char *p;

	fresh();
	five();
	p = strstr(vmci, "OFFSET(prb_desc.text_blk_lpos)");
	p[0] = 'X';
	CHECK_EQ(run(), LL_ENOENT);
	CHECK(strstr(st.why, "lacks OFFSET(prb_desc.text_blk_lpos)") != NULL);
	fresh();
	p = strstr(vmci, "SIZE(printk_info)=88");
	memcpy(p, "SIZE(printk_info)=8x", 20);
	CHECK_EQ(run(), LL_EPROTO);
	fresh();
	p = strstr(vmci, "SYMBOL(init_top_pgt)");
	p[0] = 'X';
	CHECK_EQ(run(), LL_ENOENT);
	CHECK(strstr(st.why, "page tables") != NULL);
}

int main(void)
{
	check_suite = "dmesg";
	RUN(test_lines);
	RUN(test_wrap);
	RUN(test_corrupt_desc);
	RUN(test_states);
	RUN(test_bad_ring);
	RUN(test_missing_fact);
	free(kf.mem);
	free(out);
	return CHECK_DONE();
}
