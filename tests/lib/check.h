/* tests/lib/check.h - the tiny unit-test harness: CHECK() records a
 * failure with its line; RUN() prints one PASS/FAIL line per test case,
 * which tests/run.sh counts. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_cases_failed;
static const char *check_suite = "unit";

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			check_failures++;                                    \
			fprintf(stdout, "  check failed: %s:%d: %s\n",        \
				__FILE__, __LINE__, #cond);                  \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long _a = (long long)(a), _b = (long long)(b);          \
		if (_a != _b) {                                              \
			check_failures++;                                    \
			fprintf(stdout, "  check failed: %s:%d: %s == %s "   \
				"(%lld != %lld)\n", __FILE__, __LINE__, #a,  \
				#b, _a, _b);                                 \
		}                                                            \
	} while (0)

#define RUN(fn)                                                              \
	do {                                                                 \
		int _before = check_failures;                                \
		fn();                                                        \
		if (check_failures == _before)                               \
			printf("PASS %s/%s\n", check_suite, #fn);            \
		else {                                                       \
			printf("FAIL %s/%s\n", check_suite, #fn);            \
			check_cases_failed++;                                \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

#define CHECK_DONE() (check_cases_failed ? 1 : 0)

#endif
