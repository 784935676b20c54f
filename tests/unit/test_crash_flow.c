/* tests/unit/test_crash_flow.c - the crash flow's command-line pieces:
 * dump-action (default reboot, last word wins, unknown -> reboot) and
 * key=value lookup (word boundaries, last occurrence, buffer bounds). */
#include "tests/unit/check.h"
#include "dump/crash_flow.h"
#include "lib/err.h"
#include <string.h>

static void test_action(void)
{
	CHECK_EQ(crash_action_from_cmdline(""), CRASH_REBOOT);
	CHECK_EQ(crash_action_from_cmdline(NULL), CRASH_REBOOT);
	CHECK_EQ(crash_action_from_cmdline("a=1 dump-action=halt"), CRASH_HALT);
	CHECK_EQ(crash_action_from_cmdline("dump-action=poweroff x=y"),
		 CRASH_POWEROFF);
	CHECK_EQ(crash_action_from_cmdline("dump-action=reboot"), CRASH_REBOOT);
	/* last word wins; prefixes and longer words do not match */
	CHECK_EQ(crash_action_from_cmdline("dump-action=halt dump-action=poweroff"),
		 CRASH_POWEROFF);
	CHECK_EQ(crash_action_from_cmdline("dump-action=halted"), CRASH_REBOOT);
	CHECK_EQ(crash_action_from_cmdline("dump-action=hal"), CRASH_REBOOT);
	CHECK_EQ(crash_action_from_cmdline("xdump-action=halt"), CRASH_REBOOT);
	CHECK_EQ(crash_action_from_cmdline("dump-action=bogus"), CRASH_REBOOT);
}

static void test_value(void)
{
	char b[8];
	const char *cl = "elfcorehdr=1M dump-max-mib=64 ip=10.0.2.15 dump-max-mib=128";
	CHECK_EQ(crash_cmdline_value(cl, "dump-max-mib", b, sizeof(b)), 3);
	CHECK(!strcmp(b, "128"));
	CHECK_EQ(crash_cmdline_value(cl, "elfcorehdr", b, sizeof(b)), 2);
	CHECK(!strcmp(b, "1M"));
	CHECK_EQ(crash_cmdline_value(cl, "max-mib", b, sizeof(b)), LL_ENOENT);
	CHECK_EQ(crash_cmdline_value(cl, "ip", b, sizeof(b)), LL_EMSGSIZE);
	char big[16];
	CHECK_EQ(crash_cmdline_value(cl, "ip", big, sizeof(big)), 9);
	CHECK(!strcmp(big, "10.0.2.15"));
	CHECK_EQ(crash_cmdline_value("k=", "k", b, sizeof(b)), 0);
	CHECK_EQ(b[0], 0);
	CHECK_EQ(crash_cmdline_value("", "k", b, sizeof(b)), LL_ENOENT);
	CHECK_EQ(crash_cmdline_value("k", "k", b, sizeof(b)), LL_ENOENT);
}

int main(void)
{
	check_suite = "crash_flow";
	RUN(test_action);
	RUN(test_value);
	return CHECK_DONE();
}
