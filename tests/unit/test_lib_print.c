/* tests/unit/test_lib_print.c - ll_vsnprintf conversions against
 * hand-written expected strings (and libc where the two must agree),
 * truncation and return values, %I / %M, and the chunked console sink. */
#include <stdint.h>
#include <stdarg.h>
#include "tests/lib/check.h"
#include "lib/print.h"

static char out[512];

/* Not format-checked on purpose, so %I and %M can be passed. */
static int fmt(const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = ll_vsnprintf(out, sizeof(out), f, ap);
	va_end(ap);
	return n;
}

#define EXPECT(want, ...)                                                    \
	do {                                                                 \
		int _n = fmt(__VA_ARGS__);                                   \
		if (strcmp(out, want) != 0 || _n != (int)strlen(want)) {     \
			printf("  got \"%s\" (%d) want \"%s\"\n", out, _n,   \
			       want);                                        \
			CHECK(!"format mismatch");                           \
		}                                                            \
	} while (0)

static void test_integers(void)
{
	EXPECT("0", "%d", 0);
	EXPECT("-42", "%d", -42);
	EXPECT("-2147483648", "%d", (int)INT32_MIN);
	EXPECT("4294967295", "%u", 4294967295u);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	EXPECT("12345678901", "%zu", (size_t)12345678901ull);
	EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	EXPECT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT("-1 255", "%hhd %hhu", 0xff, 0x1ff);
	EXPECT("-1 65535", "%hd %hu", 0xffff, 0x1ffff);
	EXPECT("7 7", "%i %ji", 7, (intmax_t)7);
}

static void test_width_flags(void)
{
	EXPECT("[   42]", "[%5d]", 42);
	EXPECT("[42   ]", "[%-5d]", 42);
	EXPECT("[00042]", "[%05d]", 42);
	EXPECT("[-0042]", "[%05d]", -42);
	EXPECT("[  -42]", "[%5d]", -42);
	EXPECT("[+42]", "[%+d]", 42);
	EXPECT("[ 42]", "[% d]", 42);
	EXPECT("[  007]", "[%5.3d]", 7);
	EXPECT("[  007]", "[%05.3d]", 7); /* precision disables '0' */
	EXPECT("[]", "[%.0d]", 0);
	EXPECT("[   ]", "[%3.0u]", 0);
	EXPECT("[0x1f]", "[%#x]", 31);
	EXPECT("[0X1F]", "[%#X]", 31);
	EXPECT("[0]", "[%#x]", 0);
	EXPECT("[0x0001f]", "[%#07x]", 31);
	EXPECT("[    2a]", "[%*x]", 6, 42);
	EXPECT("[2a    ]", "[%*x]", -6, 42);
	EXPECT("[0042]", "[%.*d]", 4, 42);
	EXPECT("[42]", "[%.*d]", -3, 42);
	EXPECT("[002a]", "[%04hhx]", 0x12a);
}

static void test_strings_chars(void)
{
	EXPECT("hello", "%s", "hello");
	EXPECT("[  abc]", "[%5s]", "abc");
	EXPECT("[abc  ]", "[%-5s]", "abc");
	EXPECT("[ab]", "[%.2s]", "abcdef");
	EXPECT("[   ab]", "[%5.2s]", "abcdef");
	EXPECT("[abc]", "[%.*s]", 3, "abcdef");
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("x", "%c", 'x');
	EXPECT("[  x]", "[%3c]", 'x');
	EXPECT("100%", "100%%");
	/* precision bounds the read: no terminator needed */
	static const char unterminated[3] = { 'a', 'b', 'c' };
	EXPECT("abc", "%.3s", unterminated);
}

static void test_pointer(void)
{
	EXPECT("0x1000", "%p", (void *)0x1000);
	EXPECT("0xffff800000000000", "%p", (void *)0xffff800000000000ull);
	EXPECT("0x0", "%p", (void *)0);
}

static void test_ipv4_mac(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xCD, 0x0f };
	EXPECT("10.0.2.15", "%I", (uint32_t)0x0A00020F);
	EXPECT("255.255.255.255", "%I", (uint32_t)0xFFFFFFFF);
	EXPECT("0.0.0.0", "%I", (uint32_t)0);
	EXPECT("[  192.168.1.1]", "[%13I]", (uint32_t)0xC0A80101);
	EXPECT("[1.2.3.4  ]", "[%-9I]", (uint32_t)0x01020304);
	EXPECT("52:54:00:ab:cd:0f", "%M", mac);
	EXPECT("mac 52:54:00:ab:cd:0f ip 10.0.0.1 end",
	       "mac %M ip %I end", mac, (uint32_t)0x0A000001);
	EXPECT("(null)", "%M", (uint8_t *)NULL);
	/* the checked spellings from print.h give the same text */
	ll_snprintf(out, sizeof(out), LL_IPV4_FMT "/" LL_MAC_FMT,
		    LL_IPV4_ARGS(0x0A00020Fu), LL_MAC_ARGS(mac));
	CHECK(strcmp(out, "10.0.2.15/52:54:00:ab:cd:0f") == 0);
}

static void test_truncation(void)
{
	char b[8];
	memset(b, 'Z', sizeof(b));
	CHECK_EQ(ll_snprintf(b, 5, "%s", "abcdefgh"), 8);
	CHECK(strcmp(b, "abcd") == 0);
	CHECK_EQ(b[5], 'Z');
	CHECK_EQ(ll_snprintf(b, 1, "%d", 12345), 5);
	CHECK_EQ(b[0], '\0');
	b[0] = 'Q';
	CHECK_EQ(ll_snprintf(b, 0, "%d", 12345), 5);
	CHECK_EQ(b[0], 'Q');
	CHECK_EQ(ll_snprintf(NULL, 0, "%05d|%s", 1, "xy"), 8);
	CHECK_EQ(ll_snprintf(b, sizeof(b), "%s", ""), 0);
	CHECK_EQ(b[0], '\0');
}

static void test_matches_libc(void)
{
	static const long long vals[] = { 0, 1, -1, 9, 10, 255, -256, 65536,
		2147483647LL, -2147483648LL, 1099511627776LL, INT64_MAX };
	static const char *fmts[] = { "%lld", "%5lld", "%-7lld|", "%08lld",
		"%+lld", "% lld", "%.3lld", "%10.4lld", "%llx", "%#llX",
		"%012llx", "%-#9llx|", "%llu" };
	char ref[64], got[64];
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			int rn = snprintf(ref, sizeof(ref), fmts[f], vals[v]);
			int gn = ll_snprintf(got, sizeof(got), fmts[f], vals[v]);
			if (rn != gn || strcmp(ref, got) != 0) {
				printf("  %s: libc \"%s\" ours \"%s\"\n",
				       fmts[f], ref, got);
				CHECK(!"differs from libc");
			}
		}
}

/* Console sink that records the chunks it is handed. */
static struct {
	char text[2048];
	size_t len;
	int calls;
	size_t max_chunk;
} sink;

static void record_sink(void *ctx, const char *s, size_t len)
{
	CHECK(ctx == &sink);
	if (sink.len + len < sizeof(sink.text)) {
		memcpy(sink.text + sink.len, s, len);
		sink.len += len;
		sink.text[sink.len] = '\0';
	}
	sink.calls++;
	if (len > sink.max_chunk)
		sink.max_chunk = len;
}

static void test_console(void)
{
	char big[1001];
	memset(&sink, 0, sizeof(sink));
	CHECK_EQ(ll_printf("dropped %d\n", 1), 0); /* no sink yet */
	ll_console_set(record_sink, &sink);
	CHECK_EQ(ll_printf("step %s: %d\n", "dhcp", 3), 13);
	CHECK(strcmp(sink.text, "step dhcp: 3\n") == 0);
	CHECK_EQ(sink.calls, 1);

	memset(&sink, 0, sizeof(sink));
	for (int i = 0; i < 1000; i++)
		big[i] = (char)('a' + i % 26);
	big[1000] = '\0';
	CHECK_EQ(ll_printf("<%s>", big), 1002);
	CHECK_EQ(sink.len, 1002);
	CHECK(sink.text[0] == '<' && sink.text[1001] == '>');
	CHECK(memcmp(sink.text + 1, big, 1000) == 0);
	CHECK(sink.calls >= 4);
	CHECK(sink.max_chunk <= 256);
	ll_console_set(NULL, NULL);
	sink.calls = 0;
	ll_printf("gone");
	CHECK_EQ(sink.calls, 0);
}

/* ll_logf: to the console until a log sink is set, then to it alone. */
static char log_text[64];
static int log_calls;

static void log_sink(void *ctx, const char *s, size_t len)
{
	CHECK(ctx == log_text);
	if (len < sizeof(log_text)) {
		memcpy(log_text, s, len);
		log_text[len] = '\0';
	}
	log_calls++;
}

static void test_log(void)
{
	memset(&sink, 0, sizeof(sink));
	ll_console_set(record_sink, &sink);
	CHECK_EQ(ll_logf("n %u\n", 7u), 4);
	CHECK(strcmp(sink.text, "n 7\n") == 0);
	ll_log_set(log_sink, log_text);
	CHECK_EQ(ll_logf("tcp: %u segs\n", 12u), 13);
	CHECK(strcmp(log_text, "tcp: 12 segs\n") == 0);
	CHECK_EQ(log_calls, 1);
	CHECK_EQ(sink.calls, 1);                   /* not on the console */
	ll_printf("x");
	CHECK_EQ(sink.calls, 2);
	CHECK_EQ(log_calls, 1);
	ll_log_set(NULL, NULL);
	ll_console_set(NULL, NULL);
}

int main(void)
{
	check_suite = "lib_print";
	RUN(test_integers);
	RUN(test_width_flags);
	RUN(test_strings_chars);
	RUN(test_pointer);
	RUN(test_ipv4_mac);
	RUN(test_truncation);
	RUN(test_matches_libc);
	RUN(test_console);
	RUN(test_log);
	return CHECK_DONE();
}
