/* dump/crash_flow.h - the crash flow of lifeline.elf's kexec entry: the
 * elfcorehdr from the command line, attach to the dump LUN (dump-path,
 * never root-path; attach/attach.h), dump_run, logout; and the boot check
 * of the Multiboot2 entry (attach to root-path, logout). arch/x86 hands in
 * what only it can find and carries out the final action. */
#ifndef DUMP_CRASH_FLOW_H
#define DUMP_CRASH_FLOW_H
#include <stddef.h>
#include <stdint.h>
#include "attach/attach.h"
#include "dump/physmem.h"
#include "lib/clock.h"

/* dump-action=reboot|poweroff|halt (default reboot). */
enum crash_action { CRASH_REBOOT = 0, CRASH_POWEROFF, CRASH_HALT };

struct crash_env {
	const struct ll_clock *clock;
	const char *cmdline;                 /* NUL-terminated, may be "" */
	/* The settings (attach_settings_std over the command line, or a
	 * test's); NULL: refused. Called again with the lease after DHCP. */
	attach_settings_fn settings;
	void *settings_ctx;
	const struct nic_candidate *nics;    /* PCI network functions */
	size_t n_nics;
	nicprobe_make_fn nic_make;
	void *nic_ctx;
	const struct physmem *mem;           /* the dead system's RAM */
	void *arena;                         /* iSCSI session buffers */
	size_t arena_size;
	/* iSCSI over this transport instead of TCP (tests); NULL: TCP. */
	const struct iscsi_xport_ops *xport;
	void *xport_ctx;
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
