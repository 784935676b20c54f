/* tests/unit/test_lib_err.c - the error table: every code has its own
 * non-empty message, numbers are negative and distinct, unknown codes are
 * handled. */
#include "tests/lib/check.h"
#include "lib/err.h"

#define LL_X_CODE(name, num, msg) name,
static const int all_codes[] = { LL_ERROR_TABLE(LL_X_CODE) };
#undef LL_X_CODE
#define N_CODES (sizeof(all_codes) / sizeof(all_codes[0]))

static void test_messages_distinct(void)
{
	for (size_t i = 0; i < N_CODES; i++) {
		const char *m = ll_strerror(all_codes[i]);
		CHECK(m != NULL);
		CHECK(m && m[0] != '\0');
		CHECK(strcmp(m, "unknown error") != 0);
		CHECK(strcmp(m, "ok") != 0);
		for (size_t j = 0; j < i; j++) {
			CHECK(all_codes[i] != all_codes[j]);
			CHECK(strcmp(m, ll_strerror(all_codes[j])) != 0);
		}
	}
}

static void test_codes_negative(void)
{
	for (size_t i = 0; i < N_CODES; i++)
		CHECK(all_codes[i] < 0);
	CHECK_EQ(LL_EINVAL, -1);
	CHECK_EQ(LL_ECHECKSUM, -13);
	CHECK_EQ(LL_EDUMP, -70);
}

static void test_known_and_unknown(void)
{
	CHECK(strcmp(ll_strerror(0), "ok") == 0);
	CHECK(strcmp(ll_strerror(LL_ETIMEDOUT), "timed out") == 0);
	CHECK(strcmp(ll_strerror(-14), "unknown error") == 0);
	CHECK(strcmp(ll_strerror(-9999), "unknown error") == 0);
	CHECK(strcmp(ll_strerror(5), "unknown error") == 0);
	CHECK(strcmp(ll_strerror(-2147483647 - 1), "unknown error") == 0);
}

int main(void)
{
	check_suite = "lib_err";
	RUN(test_messages_distinct);
	RUN(test_codes_negative);
	RUN(test_known_and_unknown);
	return CHECK_DONE();
}
