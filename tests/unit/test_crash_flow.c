/* tests/unit/test_crash_flow.c - the crash flow's command-line pieces:
 * dump-action (default reboot, last word wins, unknown -> reboot) and
 * key=value lookup (word boundaries, last occurrence, buffer bounds); the
 * settings come from the caller's source (env->settings, an
 * attach_settings_fn). */
#include "tests/lib/check.h"
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

static int settings_calls, settings_lease_calls, nic_calls;
static int settings_rc;

static int fake_settings(void *ctx, const struct dhcp_lease *lease,
			 struct settings *out, struct settings_err *err)
{
	settings_calls++;
	if (lease)
		settings_lease_calls++;
	CHECK(ctx == (void *)&settings_rc);
	if (settings_rc) {
		memcpy(err->key, "ip", 3);
		return settings_rc;
	}
	settings_init(out);
	out->root_path[0] = 0;
	return 0;
}

static int fake_nic_make(void *ctx, const struct nic_candidate *c,
			 struct pcidev *out)
{
	(void)ctx; (void)c; (void)out;
	nic_calls++;
	return LL_ENODEV;
}

/* The flow takes its settings from env->settings (the entry's source,
 * attach_settings_std in lifeline.elf): a parse error stops it before the
 * NIC probe, a good parse goes on to the NIC. */
static void test_settings_from_caller(void)
{
	static const struct nic_candidate nic = { .vendor = 0x8086, .device = 0x100e };
	struct crash_env env;

	memset(&env, 0, sizeof(env));
	env.cmdline = "ip=1.2.3";
	env.settings = fake_settings;
	env.settings_ctx = &settings_rc;
	env.nics = &nic;
	env.n_nics = 1;
	env.nic_make = fake_nic_make;
	settings_rc = LL_ESETTING;
	CHECK_EQ(crash_flow_bootcheck(&env), LL_ESETTING);
	CHECK_EQ(settings_calls, 1);
	CHECK_EQ(nic_calls, 0);
	settings_rc = 0;
	CHECK(crash_flow_bootcheck(&env) < 0);      /* no NIC opens */
	CHECK_EQ(settings_calls, 2);
	CHECK_EQ(settings_lease_calls, 0);           /* no DHCP got that far */
	CHECK_EQ(nic_calls, 1);
	env.settings = NULL;                         /* no parser: refused */
	CHECK_EQ(crash_flow_bootcheck(&env), LL_ENOTSUP);
	CHECK_EQ(nic_calls, 1);
}

int main(void)
{
	check_suite = "crash_flow";
	RUN(test_action);
	RUN(test_value);
	RUN(test_settings_from_caller);
	return CHECK_DONE();
}
