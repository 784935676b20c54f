/* attach/settings.h - lifeline's settings, one name each, from three
 * sources applied in this order (a later one overrides an earlier one):
 * DHCP (options 17, 203, 224 and the lease's addresses) < the settings
 * block embedded in the image < the command line. */
#ifndef ATTACH_SETTINGS_H
#define ATTACH_SETTINGS_H
#include <stddef.h>
#include <stdint.h>
#include "iscsi/iscsi_proto.h"

#define SETTINGS_PATH_MAX   256   /* root-path, dump-path */
#define SETTINGS_CHAP_MAX   256   /* CHAP names and secrets */
#define SETTINGS_KEY_MAX    24

/* Bits of settings.set: which keys were given by any source. */
enum settings_key {
	SET_ROOT_PATH, SET_INITIATOR_IQN, SET_USERNAME, SET_PASSWORD,
	SET_REVERSE_USERNAME, SET_REVERSE_PASSWORD, SET_DUMP_PATH,
	SET_IP, SET_NETMASK, SET_GATEWAY, SET_DNS, SET_DRIVE, SET_NIC,
	SET_DUMP_LEVEL, SET_DUMP_FORMAT, SET_OUTAGE_LIMIT, SET_BOOT_FILE,
	SET_ALT_PORTALS,
	SET_KEY_COUNT
};

/* alt-portals: further portals of the root-path and dump-path targets,
 * tried in order after the path's own server ("IP[:port],IP[:port]"). */
#define SETTINGS_ALT_PORTALS 3
struct settings_portals {
	uint32_t ip[SETTINGS_ALT_PORTALS];   /* host order */
	uint16_t port[SETTINGS_ALT_PORTALS]; /* 0: 3260 */
	uint8_t n;
};

struct settings {
	char root_path[SETTINGS_PATH_MAX];
	char initiator_iqn[ISCSI_NAME_MAX + 1];
	char username[SETTINGS_CHAP_MAX];
	char password[SETTINGS_CHAP_MAX];
	char reverse_username[SETTINGS_CHAP_MAX];
	char reverse_password[SETTINGS_CHAP_MAX];
	char dump_path[SETTINGS_PATH_MAX];
	char boot_file[SETTINGS_PATH_MAX]; /* UEFI: the loader on the LUN's
					     * ESP; empty: \EFI\BOOT\BOOTX64.EFI */
	uint32_t ip, netmask, gateway, dns;  /* host order; 0: unset */
	uint8_t drive;       /* INT 13h number: 0x80 (default) .. 0xFF, or
			      * 0 ("drive=next"): the next free number */
	uint8_t nic;         /* SETTINGS_NIC_*: which driver carries the data */
	uint32_t outage_limit_s; /* outage-limit: seconds a LUN's target may be
				  * unreachable before its I/O fails */
	uint8_t dump_level;  /* makedumpfile's bits 0..31 (default 31) */
	uint8_t dump_format; /* SETTINGS_DUMP_* (default kdump-compressed) */
	struct settings_portals alt_portals;
	uint32_t set;        /* 1 << enum settings_key */
	uint32_t unknown_keys; /* ignored (command line only) */
};

/* Values of nic=: auto (default) is the entry's choice (PXE: the native
 * driver, e1000 family or virtio-net, of the NIC the ROM booted from when
 * there is one, else UNDI; UEFI: see attach_fw_nic.auto_fw); undi (or
 * its UEFI name snp) always uses the firmware's driver (UNDI, SNP);
 * native takes the native driver where there is one. */
#define SETTINGS_NIC_AUTO   0
#define SETTINGS_NIC_UNDI   1     /* the firmware's: UNDI or SNP */
#define SETTINGS_NIC_NATIVE 2

/* Values of dump-format=: kdump (kdump-compressed, filtered by
 * dump-level; default) or elf (every byte of RAM, dump-level ignored). */
#define SETTINGS_DUMP_KDUMP 0
#define SETTINGS_DUMP_ELF   1
#define SETTINGS_DUMP_LEVEL_DEFAULT 31

/* outage-limit: default and bounds, seconds. */
#define SETTINGS_OUTAGE_DEFAULT_S 180
#define SETTINGS_OUTAGE_MIN_S     10
#define SETTINGS_OUTAGE_MAX_S     3600

/* Which key failed, for "lifeline: E40 bad setting: <key>". */
struct settings_err {
	char key[SETTINGS_KEY_MAX];
};

/* Parse flags. */
#define SETTINGS_IGNORE_UNKNOWN 0x1 /* command line: skip unknown keys */

void settings_init(struct settings *s);
/* Set one key from a value (value need not be NUL-terminated). Empty
 * value clears the key. 0 or LL_ESETTING (unknown key, bad value, value
 * too long) with the key named in err. */
int settings_set(struct settings *s, const char *key, size_t klen,
		 const char *val, size_t vlen, struct settings_err *err);
/* Space-separated key=value pairs; values may be "double" or 'single'
 * quoted (to hold spaces). Pairs before an error stay applied. */
/* Print "lifeline: WHAT: TEXT" with CHAP secrets' values shown as ***. */
void settings_print_redacted(const char *what, const char *text);

int settings_parse_kv(struct settings *s, const char *text, size_t len,
		      unsigned flags, struct settings_err *err);

struct dhcp_lease;
/* Options 17 / 203 / 224 and yiaddr, netmask, router, dns of a lease.
 * The lease's addresses are recorded without marking them as set. */
int settings_from_lease(struct settings *s, const struct dhcp_lease *l,
			struct settings_err *err);

/* The embedded settings block: a fixed-size structure with a magic that
 * the host tool finds in the image file and rewrites in place. */
#define SETTINGS_BLOCK_SIZE    1024
#define SETTINGS_BLOCK_VERSION 1
#define SETTINGS_MAGIC_LEN     10   /* "LLSETTINGS" */
struct settings_block {
	char sb_magic[SETTINGS_MAGIC_LEN];
	uint8_t sb_version;
	uint8_t sb_reserved;
	uint16_t sb_length;          /* bytes of sb_text used */
	uint32_t sb_crc;             /* CRC32C of sb_text[0..sb_length) */
	char sb_text[SETTINGS_BLOCK_SIZE - 18]; /* key=value ..., NUL padded */
} __attribute__((packed));
_Static_assert(sizeof(struct settings_block) == SETTINGS_BLOCK_SIZE,
	       "settings block size");
#define SETTINGS_TEXT_MAX (SETTINGS_BLOCK_SIZE - 18 - 1) /* keep a NUL */

/* The block in this image (attach/settings_block.c, own section). */
extern struct settings_block lifeline_settings_block;

/* Check a block in memory (len bytes at p): magic, version, length, CRC.
 * 0 or LL_ENOENT (no magic), LL_ENOTSUP (version), LL_ECHECKSUM. */
int settings_block_check(const void *p, size_t len);
/* Apply a checked block (strict: unknown keys are errors). */
int settings_from_block(struct settings *s, const struct settings_block *b,
			struct settings_err *err);
/* Fill b with text (an empty string clears it): magic, version, length,
 * CRC. LL_EMSGSIZE when text is longer than SETTINGS_TEXT_MAX. */
int settings_block_write(struct settings_block *b, const char *text, size_t len);

#endif
