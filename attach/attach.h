/* attach/attach.h - the one attach path every firmware entry takes: settings
 * -> NIC -> address -> root path -> initiator IQN -> login (bounded tries)
 * -> a ready LUN; its timeouts and retry policy; the one failure report. */
#ifndef ATTACH_ATTACH_H
#define ATTACH_ATTACH_H
#include <stddef.h>
#include <stdint.h>
#include "attach/settings.h"
#include "drivers/net/nicprobe.h"
#include "iscsi/blockdev.h"
#include "iscsi/rootpath.h"
#include "iscsi/session.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "net/dhcp.h"
#include "net/net.h"

/* The policy (docs/settings.md, "Timeouts and retries"). */
#define ATTACH_LOGIN_TRIES     3                  /* logins before giving up */
#define ATTACH_LOGIN_TRY_US    (8ull * 1000000)   /* connect + login, one try */
#define ATTACH_READY_US        (10ull * 1000000)  /* TEST UNIT READY .. capacity */
#define ATTACH_RETRY_PAUSE_US  (3ull * 1000000)   /* between tries, plus up to half
						   * again of jitter (lib/backoff.h) */
#define ATTACH_DHCP_US         (30ull * 1000000)  /* our own DHCP exchange */
#define ATTACH_DHCP_IQN_US     (10ull * 1000000)  /* the same, only for option 203 */
#define ATTACH_LOGOUT_US       (5ull * 1000000)   /* logout, also after a failed open */
/* The initiator name when no source gives one: the NIC's MAC. */
#define ATTACH_DEFAULT_IQN_FMT "iqn.2026-01.org.lifeline:%02x%02x%02x%02x%02x%02x"

struct iscsi_xport_ops;

/* Print "lifeline: E<code> <message>: <what>" and return rc (< 0). */
int attach_fail(int rc, const char *what);

/* Where the settings come from: fill *out (settings_init first) from the
 * lease's options when lease is not NULL, under the entry's own sources.
 * 0, or an error with err->key naming the bad key. */
typedef int (*attach_settings_fn)(void *ctx, const struct dhcp_lease *lease,
				  struct settings *out, struct settings_err *err);

/* The usual sources for attach_settings_std: DHCP < the embedded block
 * (when block is set and the block checks) < the command line. */
struct attach_sources {
	const char *cmdline;      /* NULL or NUL-terminated */
	uint8_t block;            /* read lifeline_settings_block */
};
int attach_settings_std(void *ctx, const struct dhcp_lease *lease,
			struct settings *out, struct settings_err *err);

/* A NIC the firmware drives (UNDI, EFI SNP), bound but not yet open. */
struct attach_fw_nic {
	struct netdev *nd;
	const char *name;             /* "UNDI": "<name> open, MAC ..." */
	/* MAC into nd->mac without opening it, so a native driver can take
	 * the same NIC (NULL: no native takeover). 0 or an error. */
	int (*identify)(void *ctx);
	void *ctx;
	const char *identify_what;    /* its failure report, "UNDI GET_INFORMATION" */
	/* The native probe failed after identify: make nd usable again (the
	 * firmware's driver reconnected). 0, or the error that ends attach.
	 * NULL: nothing to undo. */
	int (*native_failed)(void *ctx);
	/* nic=auto keeps this firmware NIC (the native driver only with
	 * nic=native). */
	uint8_t auto_fw;
	/* The DHCPACK the firmware got (NULL: none) and whose it is ("PXE"). */
	const uint8_t *ack;
	size_t ack_len;
	const char *ack_name;
	/* The ACK holds only the options the firmware asked for (EDK2's
	 * PXE does not ask for 203): with no initiator-iqn from any source,
	 * attach asks DHCP itself once, and keeps the firmware's address
	 * when that fails. */
	uint8_t ack_partial;
};

/* Which LUN: root-path (boot) or dump-path (dump). */
enum attach_path { ATTACH_ROOT_PATH = 0, ATTACH_DUMP_PATH };

/* What an entry hands attach_run. NIC rule: with fw, nic=undi (or
 * nic=auto where fw->auto_fw) or no
 * native driver for any candidate takes fw; otherwise the native driver
 * for the MAC fw reports (a device fw left running is continued), and fw
 * when that fails. Without fw: the first native NIC that opens. */
struct attach_env {
	const struct ll_clock *clock;
	attach_settings_fn settings;       /* NULL: refused (LL_ENOTSUP) */
	void *settings_ctx;
	const struct attach_fw_nic *fw;    /* NULL: native only */
	const struct nic_candidate *nics;  /* PCI network functions */
	uint8_t nic_keep;                  /* without fw: enum netdev_keep for a
					    * NIC found running (crash flow:
					    * NETDEV_KEEP_MOVABLE) */
	size_t n_nics;
	nicprobe_make_fn nic_make;
	void *nic_ctx;
	/* Without fw: a DHCPACK a loader got for this machine (GRUB's
	 * Multiboot2 network tag), NULL: none. Its address and options are
	 * used as a firmware's would be; the entry's sources stay above it. */
	const uint8_t *ack;
	size_t ack_len;
	const char *ack_name;              /* "GRUB" */
	enum attach_path path;
	uint8_t path_optional;             /* no path: 0 without a session */
	void *arena;                       /* iSCSI session buffers */
	size_t arena_size;
	/* iSCSI over this transport instead of TCP (tests); NULL: TCP. */
	const struct iscsi_xport_ops *xport;
	void *xport_ctx;
};

/* The attached LUN and everything that keeps it alive (the caller owns
 * it, statically: nothing is allocated outside arena). Read-only after
 * attach_run for the caller: the iBFT, INT 13h and the dump use it. */
struct attach {
	const struct attach_env *env;
	struct settings set;
	struct nic_probe np;               /* np.nd: a native driver carries the data */
	struct net_stack ns;               /* ns.dev: the NIC in use */
	struct dhcp_lease lease;
	uint8_t have_lease;                /* lease holds a DHCPACK (firmware's or ours) */
	struct iscsi_rootpath rp;
	struct ll_arena arena;
	struct iscsi_session *sess;        /* NULL: not logged in */
	uint32_t retry_seed;               /* jitter of login retries (MAC, clock) */
	struct blockdev bd;
};

/* The whole path. 0 with a->sess logged in and a->bd open ("lifeline:
 * logged in to T, N blocks of B bytes" printed), or 0 with a->sess NULL
 * when env->path_optional and no path is set; else the error, already
 * reported. */
int attach_run(struct attach *a, const struct attach_env *env);

/* The LUN behind a logged-in session: blk_open (TEST UNIT READY,
 * INQUIRY, capacity) by deadline, then the one "logged in" line; when it
 * fails the session is logged out (bounded) and closed. 0 or the error. */
int attach_open_lun(struct blockdev *b, struct iscsi_session *s,
		    const char *target, uint64_t deadline);

/* Logout (bounded by ATTACH_LOGOUT_US) and "lifeline: logged out". */
void attach_logout(struct attach *a);
/* Stop a native NIC (no DMA into memory the next owner gets). */
void attach_release(struct attach *a);

#endif
