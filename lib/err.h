/* lib/err.h - the one error table of lifeline: negative codes, each with a
 * stable number and a message. Every function returns 0 or one of these. */
#ifndef LIB_ERR_H
#define LIB_ERR_H

/* X(name, number, message). Numbers are stable: never renumber, only append. */
#define LL_ERROR_TABLE(X)                                                    \
	X(LL_EINVAL,      1, "invalid argument")                             \
	X(LL_ENOMEM,      2, "out of memory (arena exhausted)")              \
	X(LL_ETIMEDOUT,   3, "timed out")                                    \
	X(LL_EAGAIN,      4, "try again (no data or no room yet)")           \
	X(LL_ERANGE,      5, "value out of range")                           \
	X(LL_EMSGSIZE,    6, "message too long for buffer")                  \
	X(LL_EPROTO,      7, "protocol error (malformed input)")             \
	X(LL_ENOTSUP,     8, "not supported")                                \
	X(LL_EIO,         9, "device I/O error")                             \
	X(LL_ENODEV,     10, "no such device")                               \
	X(LL_EBUSY,      11, "resource busy")                                \
	X(LL_ENOENT,     12, "not found")                                    \
	X(LL_ECHECKSUM,  13, "checksum or digest mismatch")                  \
	X(LL_ENETDOWN,   20, "network interface is down")                    \
	X(LL_EHOSTUNREACH, 21, "host unreachable (no ARP reply)")            \
	X(LL_ECONNREFUSED, 22, "connection refused (RST on SYN)")            \
	X(LL_ECONNRESET, 23, "connection reset by peer")                     \
	X(LL_ECONNABORTED, 24, "connection aborted (retransmissions exhausted)") \
	X(LL_ENOTCONN,   25, "not connected")                                \
	X(LL_ESHUTDOWN,  26, "peer closed the connection")                   \
	X(LL_EADDRINUSE, 27, "port or slot already in use")                  \
	X(LL_ENOLEASE,   28, "no DHCP lease obtained")                       \
	X(LL_EDHCPNAK,   29, "DHCP server answered NAK")                     \
	X(LL_EMB2INFO,   35, "malformed Multiboot2 information")            \
	X(LL_EMB2EFI,    36, "no EFI system table or image handle from GRUB") \
	X(LL_ESETTING,   40, "bad setting")                                  \
	X(LL_EROOTPATH,  41, "bad root path")                                \
	X(LL_ELOGIN,     50, "iSCSI login failed")                           \
	X(LL_EAUTH,      51, "iSCSI authentication failed (wrong CHAP secret?)") \
	X(LL_ENOTARGET,  52, "iSCSI target not found")                       \
	X(LL_EREDIRECT,  53, "iSCSI redirect loop or too many redirects")    \
	X(LL_ENEGOTIATE, 54, "iSCSI negotiation failed")                     \
	X(LL_EPDU,       55, "malformed iSCSI PDU")                          \
	X(LL_EREJECT,    56, "iSCSI target rejected a PDU")                  \
	X(LL_ESCSI,      57, "SCSI command failed (see sense)")              \
	X(LL_ESESSION,   58, "iSCSI session lost")                           \
	X(LL_EDUMP,      70, "dump failed")                                  \
	X(LL_EDUMPBOOT,  71, "dump-path is the boot LUN")                   \
	X(LL_ECRASHMEM,  75, "crash region too small for the heap")

enum ll_err {
	LL_OK = 0,
#define LL_X_ENUM(name, num, msg) name = -(num),
	LL_ERROR_TABLE(LL_X_ENUM)
#undef LL_X_ENUM
};

/* Message for an error code (0 gives "ok"; unknown codes "unknown error"). */
const char *ll_strerror(int err);

#endif
