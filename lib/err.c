/* lib/err.c - message text for the error codes of lib/err.h, generated from
 * the same X-macro table so numbers and messages cannot drift apart. */
#include "lib/err.h"

const char *ll_strerror(int err)
{
	switch (err) {
	case LL_OK:
		return "ok";
#define LL_X_CASE(name, num, msg) \
	case name:                \
		return msg;
	LL_ERROR_TABLE(LL_X_CASE)
#undef LL_X_CASE
	default:
		return "unknown error";
	}
}
