/* dump/crash_flow.h - the crash flow of lifeline.elf's kexec entry: settings
 * and elfcorehdr from the command line, the native NIC, the network, the
 * dump LUN (dump-path, never root-path), dump_run, logout; and the boot
 * check of the Multiboot2 entry (the same minus the dump). arch/x86 hands
 * in what only it can find and carries out the final action. */
#ifndef DUMP_CRASH_FLOW_H
#define DUMP_CRASH_FLOW_H
#include <stddef.h>
#include <stdint.h>
#include "dump/physmem.h"
#include "lib/clock.h"
#include "drivers/net/nicprobe.h"

/* What the flow needs of lifeline's settings. boot/ owns the settings
 * parser (command line, DHCP options); dump/ sits beside boot/, not above
 * it, so the caller parses and hands the values in. Strings are
 * NUL-terminated, "" when unset, and stay valid for the flow. */
struct crash_settings {
	const char *root_path, *dump_path, *initiator_iqn;
	const char *username, *password, *reverse_username, *reverse_password;
	int static_ip;                       /* ip= given: no DHCP */
	uint32_t ip, netmask, gateway, dns;  /* host order */
};

struct dhcp_lease;
/* Fill *out from the command line; with a lease, from the lease's options
 * under the command line (which still wins). 0, or an error with *what
 * naming the bad key (*out untouched then). */
typedef int (*crash_settings_fn)(void *ctx, const struct dhcp_lease *lease,
				 struct crash_settings *out, const char **what);

/* dump-action=reboot|poweroff|halt (default reboot). */
enum crash_action { CRASH_REBOOT = 0, CRASH_POWEROFF, CRASH_HALT };

#define CRASH_LOGIN_TRIES     3
#define CRASH_LOGIN_TIMEOUT_US (8ull * 1000000)   /* per try */
#define CRASH_RETRY_PAUSE_US   (3ull * 1000000)   /* between tries */
#define CRASH_DHCP_TIMEOUT_US  (30ull * 1000000)

struct crash_env {
	const struct ll_clock *clock;
	const char *cmdline;                 /* NUL-terminated, may be "" */
	crash_settings_fn settings;          /* parses the settings */
	void *settings_ctx;
	const struct nic_candidate *nics;    /* PCI network functions */
	size_t n_nics;
	nicprobe_make_fn nic_make;
	void *nic_ctx;
	const struct physmem *mem;           /* the dead system's RAM */
	void *arena;                         /* iSCSI session buffers */
	size_t arena_size;
};

/* The kexec entry: the whole dump. Returns 0 once the vmcore on the LUN is
 * complete and the session logged out, else the error (already printed as
 * "lifeline: E<code> ..."). *action is the configured final action in
 * every case (reboot when the command line is unusable). */
int crash_flow_run(const struct crash_env *env, enum crash_action *action);

/* The Multiboot2 entry: settings, NIC, network, and a login to root-path
 * (when set) with its capacity printed, then logout. 0 or the error. */
int crash_flow_bootcheck(const struct crash_env *env);

/* The final action from a command line ("dump-action=..."); unknown or
 * absent values give CRASH_REBOOT. */
enum crash_action crash_action_from_cmdline(const char *cmdline);

/* Copy the value of the last "key=" word of cmdline (unquoted, up to the
 * next space) into buf (NUL-terminated); its length, or LL_ENOENT, or
 * LL_EMSGSIZE when it does not fit. */
int crash_cmdline_value(const char *cmdline, const char *key, char *buf,
			size_t cap);

#endif
