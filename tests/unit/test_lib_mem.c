/* tests/unit/test_lib_mem.c - the freestanding memory/string functions and
 * number parsers of lib/mem.c, compared against hand-checked results and
 * against libc on every small length and misalignment. */
#include "tests/lib/check.h"
#include "lib/mem.h"
#include "lib/err.h"

static unsigned char ref[160], got[160], src[160];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static void test_memcpy_all_alignments(void)
{
	fill(src, sizeof(src), 3);
	for (size_t so = 0; so < 9; so++)
		for (size_t doff = 0; doff < 9; doff++)
			for (size_t n = 0; n < 80; n++) {
				memset(ref, 0xEE, sizeof(ref));
				memset(got, 0xEE, sizeof(got));
				memcpy(ref + doff, src + so, n);
				CHECK(ll_memcpy(got + doff, src + so, n) == got + doff);
				if (memcmp(ref, got, sizeof(got)) != 0) {
					CHECK(!"memcpy mismatch");
					return;
				}
			}
}

static void test_memset_all_alignments(void)
{
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n < 80; n++) {
			memset(ref, 0x11, sizeof(ref));
			memset(got, 0x11, sizeof(got));
			memset(ref + off, 0x1A5, n); /* int truncated to 0xA5 */
			CHECK(ll_memset(got + off, 0x1A5, n) == got + off);
			if (memcmp(ref, got, sizeof(got)) != 0) {
				CHECK(!"memset mismatch");
				return;
			}
		}
}

static void test_memmove_overlap(void)
{
	for (int shift = -9; shift <= 9; shift++)
		for (size_t n = 0; n < 60; n++) {
			fill(ref, sizeof(ref), 5);
			fill(got, sizeof(got), 5);
			memmove(ref + 40 + shift, ref + 40, n);
			ll_memmove(got + 40 + shift, got + 40, n);
			if (memcmp(ref, got, sizeof(got)) != 0) {
				CHECK(!"memmove mismatch");
				return;
			}
		}
	char s[] = "abcdef";
	ll_memmove(s + 1, s, 5);
	CHECK(strcmp(s, "aabcde") == 0);
	char t[] = "abcdef";
	ll_memmove(t, t + 2, 4);
	CHECK(strcmp(t, "cdefef") == 0);
}

static void test_memcmp_sign(void)
{
	CHECK_EQ(ll_memcmp("abc", "abc", 3), 0);
	CHECK(ll_memcmp("abc", "abd", 3) < 0);
	CHECK(ll_memcmp("abd", "abc", 3) > 0);
	CHECK_EQ(ll_memcmp("abc", "xyz", 0), 0);
	/* bytes compare unsigned: 0x80 > 0x7f */
	CHECK(ll_memcmp("\x80", "\x7f", 1) > 0);
}

static void test_strings(void)
{
	CHECK_EQ(ll_strlen(""), 0);
	CHECK_EQ(ll_strlen("iqn.2026-01"), 11);
	CHECK_EQ(ll_strnlen("abcdef", 3), 3);
	CHECK_EQ(ll_strnlen("ab", 10), 2);
	CHECK_EQ(ll_strcmp("a", "a"), 0);
	CHECK(ll_strcmp("a", "ab") < 0);
	CHECK(ll_strcmp("b", "ab") > 0);
	CHECK(ll_strcmp("\xff", "a") > 0);
	CHECK_EQ(ll_strncmp("abcX", "abcY", 3), 0);
	CHECK(ll_strncmp("abcX", "abcY", 4) < 0);
	CHECK_EQ(ll_strncmp("ab", "ab", 10), 0);
	CHECK_EQ(ll_strcasecmp("CHAP_A", "chap_a"), 0);
	CHECK(ll_strcasecmp("None", "CHAP") > 0);
	CHECK(ll_strcasecmp("abc", "ABCD") < 0);
	const char *s = "key=value";
	CHECK(ll_strchr(s, '=') == s + 3);
	CHECK(ll_strchr(s, '\0') == s + 9);
	CHECK(ll_strchr(s, '#') == NULL);
}

static void test_strlcpy(void)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(ll_strlcpy(buf, "hello world", sizeof(buf)), 11);
	CHECK(strcmp(buf, "hello w") == 0);
	CHECK_EQ(ll_strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK(strcmp(buf, "hi") == 0);
	buf[0] = 'Q';
	CHECK_EQ(ll_strlcpy(buf, "abc", 0), 3);
	CHECK_EQ(buf[0], 'Q');
	CHECK_EQ(ll_strlcpy(buf, "abc", 1), 3);
	CHECK_EQ(buf[0], '\0');
}

static void test_strtou64_ok(void)
{
	uint64_t v = 1;
	const char *end;
	CHECK_EQ(ll_strtou64("0", NULL, 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(ll_strtou64("3260", NULL, 10, &v), 0);
	CHECK_EQ(v, 3260);
	CHECK_EQ(ll_strtou64("0x1F", NULL, 0, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(ll_strtou64("ffFF", NULL, 16, &v), 0);
	CHECK_EQ(v, 65535);
	CHECK_EQ(ll_strtou64("0X10", NULL, 16, &v), 0);
	CHECK_EQ(v, 16);
	CHECK_EQ(ll_strtou64("18446744073709551615", NULL, 0, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(ll_strtou64("0xffffffffffffffff", NULL, 0, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(ll_strtou64("0012", NULL, 0, &v), 0);
	CHECK_EQ(v, 12);
	CHECK_EQ(ll_strtou64("512:rest", &end, 10, &v), 0);
	CHECK_EQ(v, 512);
	CHECK_EQ(*end, ':');
}

static void test_strtou64_bad(void)
{
	uint64_t v = 77;
	const char *end = NULL;
	CHECK_EQ(ll_strtou64("", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("-1", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("+1", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64(" 1", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("1 ", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("12a", NULL, 10, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("0x", NULL, 0, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("0x1F", NULL, 10, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("10", NULL, 8, &v), LL_EINVAL);
	CHECK_EQ(ll_strtou64("18446744073709551616", NULL, 0, &v), LL_ERANGE);
	CHECK_EQ(ll_strtou64("0x10000000000000000", NULL, 0, &v), LL_ERANGE);
	CHECK_EQ(ll_strtou64("99999999999999999999999", NULL, 10, &v), LL_ERANGE);
	CHECK_EQ(ll_strtou64("x", &end, 0, &v), LL_EINVAL);
	CHECK_EQ(v, 77); /* untouched on failure */
}

static void test_parse_ipv4(void)
{
	uint32_t a = 0;
	const char *s = "10.0.2.15:3260";
	CHECK_EQ(ll_parse_ipv4("192.168.1.200", 13, &a), 0);
	CHECK(a == 0xC0A801C8u);
	CHECK_EQ(ll_parse_ipv4("0.0.0.0", 7, &a), 0);
	CHECK(a == 0);
	CHECK_EQ(ll_parse_ipv4("255.255.255.255", 15, &a), 0);
	CHECK(a == 0xFFFFFFFFu);
	CHECK_EQ(ll_parse_ipv4(s, 9, &a), 0); /* length bounds the parse */
	CHECK(a == 0x0A00020Fu);
	a = 42;
	CHECK_EQ(ll_parse_ipv4(s, 10, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("256.1.1.1", 9, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3", 5, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3.4.5", 9, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1..3.4", 6, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("01.2.3.4", 8, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3.4 ", 8, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3.", 6, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3.1000", 10, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("a.b.c.d", 7, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("", 0, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2.3.4", 4, &a), LL_EINVAL);
	CHECK_EQ(ll_parse_ipv4("1.2\0.3.4", 8, &a), LL_EINVAL);
	CHECK_EQ(a, 42);
}

static void test_hexval(void)
{
	const char *digits = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		CHECK_EQ(ll_hexval(digits[i]), i);
		if (i >= 10)
			CHECK_EQ(ll_hexval(digits[i] - 'a' + 'A'), i);
	}
	CHECK_EQ(ll_hexval('g'), -1);
	CHECK_EQ(ll_hexval('G'), -1);
	CHECK_EQ(ll_hexval('/'), -1);
	CHECK_EQ(ll_hexval(':'), -1);
	CHECK_EQ(ll_hexval('@'), -1);
	CHECK_EQ(ll_hexval('`'), -1);
	CHECK_EQ(ll_hexval(' '), -1);
	CHECK_EQ(ll_hexval(0), -1);
	CHECK_EQ(ll_hexval('x'), LL_EINVAL);    /* -1 is the table's code */
	CHECK_EQ(ll_hexval(0x80), LL_EINVAL);
}

int main(void)
{
	check_suite = "lib_mem";
	RUN(test_memcpy_all_alignments);
	RUN(test_memset_all_alignments);
	RUN(test_memmove_overlap);
	RUN(test_memcmp_sign);
	RUN(test_strings);
	RUN(test_strlcpy);
	RUN(test_strtou64_ok);
	RUN(test_strtou64_bad);
	RUN(test_parse_ipv4);
	RUN(test_hexval);
	return CHECK_DONE();
}
