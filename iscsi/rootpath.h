/* iscsi/rootpath.h - parse an RFC 4173 iSCSI root path:
 *   iscsi:<servername>:<protocol>:<port>:<LUN>:<targetname>
 * Blank fields take defaults (protocol 6 = TCP, port 3260, LUN 0). The
 * server must be a dotted IPv4 address: lifeline has no DNS resolver and
 * no IPv6, so names and [IPv6] literals are refused. */
#ifndef ISCSI_ROOTPATH_H
#define ISCSI_ROOTPATH_H
#include <stdint.h>
#include "iscsi/iscsi_proto.h"

struct iscsi_rootpath {
	uint32_t rp_server;          /* IPv4, host order */
	uint16_t rp_port;
	uint8_t rp_lun[8];           /* SAM 8-byte LUN, as on the wire */
	char rp_target[ISCSI_NAME_MAX + 1];
};

/* Parse s (NUL-terminated). LUN: RFC 4173 hex, up to four '-'-separated
 * groups of up to 4 hex digits, each filling the next 2 bytes of the SAM
 * LUN ("1" -> 00 01 00.., "4752-3A4F-6b7e-2F99"). Target: everything after
 * the fifth colon (names may hold colons), 1..223 bytes. LL_EROOTPATH on
 * any error; *rp is written only on success. */
int iscsi_rootpath_parse(const char *s, struct iscsi_rootpath *rp);

#endif
