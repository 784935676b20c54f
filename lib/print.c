/* lib/print.c - printf-style formatting without libc (see lib/print.h for
 * the conversions) into a buffer or, 256 bytes at a time, to the console. */
#include <stdint.h>
#include <stdbool.h>
#include "lib/print.h"
#include "lib/mem.h"

/* The one piece of lib state: where console output goes, and where the
 * log's (ll_logf) goes when the entry set a sink of its own. */
static struct ll_console_state {
	ll_console_fn fn, log_fn;
	void *ctx, *log_ctx;
} ll_console_state;

/* Output cursor. With sink == NULL it fills buf[0..cap-2] and drops the
 * rest (snprintf); with a sink, a full buffer is handed to it and reused. */
struct fmt_out {
	char *buf;
	size_t cap;
	size_t pos;
	size_t total;      /* characters produced, stored or not */
	ll_console_fn sink;
	void *sink_ctx;
};

enum {
	FMT_LEFT = 1,      /* '-' */
	FMT_ZERO = 2,      /* '0' */
	FMT_PLUS = 4,      /* '+' */
	FMT_SPACE = 8,     /* ' ' */
	FMT_ALT = 16,      /* '#' */
};

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct fmt_spec {
	unsigned flags;
	int width;
	int prec;          /* -1: none given */
	enum fmt_len len;
	char conv;
};

static void out_char(struct fmt_out *o, char c)
{
	o->total++;
	if (o->sink) {
		if (o->pos == o->cap) {
			o->sink(o->sink_ctx, o->buf, o->pos);
			o->pos = 0;
		}
		o->buf[o->pos++] = c;
	} else if (o->pos + 1 < o->cap) {
		o->buf[o->pos++] = c;
	}
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
	for (; n > 0; n--)
		out_char(o, c);
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

/* A run of n characters padded with spaces to the field width. */
static void out_padded(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s, size_t n)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!(sp->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v;
}

static void parse_flags(const char **fmt, struct fmt_spec *sp)
{
	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-': sp->flags |= FMT_LEFT; break;
		case '0': sp->flags |= FMT_ZERO; break;
		case '+': sp->flags |= FMT_PLUS; break;
		case ' ': sp->flags |= FMT_SPACE; break;
		case '#': sp->flags |= FMT_ALT; break;
		default: return;
		}
	}
}

static void parse_length(const char **fmt, struct fmt_spec *sp)
{
	const char *f = *fmt;

	if (f[0] == 'h' && f[1] == 'h') {
		sp->len = LEN_CHAR;
		f += 2;
	} else if (f[0] == 'h') {
		sp->len = LEN_SHORT;
		f++;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->len = LEN_LLONG;
		f += 2;
	} else if (f[0] == 'l') {
		sp->len = LEN_LONG;
		f++;
	} else if (f[0] == 'z' || f[0] == 'j' || f[0] == 't') {
		sp->len = f[0] == 'j' ? LEN_LLONG : LEN_SIZE;
		f++;
	}
	*fmt = f;
}

/* Parse "%[flags][width][.prec][length]conv" after the '%'. */
static void parse_spec(const char **fmt, va_list *ap, struct fmt_spec *sp)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = LEN_INT;
	parse_flags(fmt, sp);
	if (**fmt == '*') {
		(*fmt)++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= FMT_LEFT;
			sp->width = sp->width == INT32_MIN ? 0 : -sp->width;
		}
	} else {
		sp->width = parse_int(fmt);
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_int(fmt);
		}
	}
	parse_length(fmt, sp);
	sp->conv = **fmt;
	if (**fmt)
		(*fmt)++;
}

static uint64_t fetch_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

/* Digits of v in base 10 or 16, written backwards into the end of buf;
 * returns the count. */
static int to_digits(uint64_t v, unsigned base, bool upper, char *buf_end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--buf_end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

/* [spaces][sign/prefix][zeros][digits][spaces] */
static void out_number(struct fmt_out *o, const struct fmt_spec *sp,
		       uint64_t v, const char *prefix, unsigned base)
{
	char digits[24];
	int nd = to_digits(v, base, sp->conv == 'X', digits + sizeof(digits));
	int np = (int)ll_strlen(prefix), zeros = 0, pad;

	if (sp->prec == 0 && v == 0)
		nd = 0; /* "%.0d" of 0 prints no digits */
	if (sp->prec > nd)
		zeros = sp->prec - nd;
	pad = sp->width - np - zeros - nd;
	if ((sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT) && sp->prec < 0 &&
	    pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, (size_t)np);
	out_repeat(o, '0', zeros);
	out_mem(o, digits + sizeof(digits) - nd, (size_t)nd);
	if (sp->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

static void out_signed(struct fmt_out *o, const struct fmt_spec *sp,
		       int64_t v)
{
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	const char *sign = "";

	if (v < 0)
		sign = "-";
	else if (sp->flags & FMT_PLUS)
		sign = "+";
	else if (sp->flags & FMT_SPACE)
		sign = " ";
	out_number(o, sp, mag, sign, 10);
}

static void out_string(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? ll_strnlen(s, (size_t)sp->prec) : ll_strlen(s);
	out_padded(o, sp, s, n);
}

/* %I: host-order IPv4 address as a.b.c.d. */
static void out_ipv4(struct fmt_out *o, const struct fmt_spec *sp,
		     uint32_t ip)
{
	char buf[16];
	int n = 0;

	for (int shift = 24; shift >= 0; shift -= 8) {
		char d[4];
		int nd = to_digits((ip >> shift) & 0xff, 10, false, d + 4);
		ll_memcpy(buf + n, d + 4 - nd, (size_t)nd);
		n += nd;
		if (shift)
			buf[n++] = '.';
	}
	out_padded(o, sp, buf, (size_t)n);
}

/* %M: six bytes as aa:bb:cc:dd:ee:ff. */
static void out_mac(struct fmt_out *o, const struct fmt_spec *sp,
		    const uint8_t *mac)
{
	const char *hex = "0123456789abcdef";
	char buf[17];

	if (!mac) {
		out_string(o, sp, NULL);
		return;
	}
	for (int i = 0; i < 6; i++) {
		buf[i * 3] = hex[mac[i] >> 4];
		buf[i * 3 + 1] = hex[mac[i] & 15];
		if (i < 5)
			buf[i * 3 + 2] = ':';
	}
	out_padded(o, sp, buf, sizeof(buf));
}

static void out_conversion(struct fmt_out *o, struct fmt_spec *sp,
			   va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		out_signed(o, sp, fetch_signed(ap, sp->len));
		break;
	case 'u':
		out_number(o, sp, fetch_unsigned(ap, sp->len), "", 10);
		break;
	case 'x':
	case 'X': {
		uint64_t v = fetch_unsigned(ap, sp->len);
		const char *pre = (sp->flags & FMT_ALT) && v ?
				  (sp->conv == 'X' ? "0X" : "0x") : "";
		out_number(o, sp, v, pre, 16);
		break;
	}
	case 'p':
		sp->conv = 'x';
		out_number(o, sp, (uintptr_t)va_arg(*ap, void *), "0x", 16);
		break;
	case 's':
		out_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		out_padded(o, sp, &c, 1);
		break;
	case 'I':
		out_ipv4(o, sp, va_arg(*ap, uint32_t));
		break;
	case 'M':
		out_mac(o, sp, va_arg(*ap, const uint8_t *));
		break;
	case '%':
		out_char(o, '%');
		break;
	default: /* unknown or truncated: show it, consume nothing */
		out_char(o, '%');
		if (sp->conv)
			out_char(o, sp->conv);
		break;
	}
}

static void format_all(struct fmt_out *o, const char *fmt, va_list ap)
{
	struct fmt_spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &args, &sp);
		out_conversion(o, &sp, &args);
	}
	va_end(args);
}

int ll_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .cap = size };

	format_all(&o, fmt, ap);
	if (size)
		buf[o.pos] = '\0';
	return o.total > INT32_MAX ? INT32_MAX : (int)o.total;
}

int ll_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ll_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void ll_console_set(ll_console_fn fn, void *ctx)
{
	ll_console_state.fn = fn;
	ll_console_state.ctx = ctx;
}

void ll_log_set(ll_console_fn fn, void *ctx)
{
	ll_console_state.log_fn = fn;
	ll_console_state.log_ctx = ctx;
}

static int print_to(ll_console_fn sink, void *ctx, const char *fmt, va_list ap)
{
	char chunk[256];
	struct fmt_out o = {
		.buf = chunk,
		.cap = sizeof(chunk),
		.sink = sink,
		.sink_ctx = ctx,
	};

	if (!o.sink)
		return 0;
	format_all(&o, fmt, ap);
	if (o.pos)
		o.sink(o.sink_ctx, chunk, o.pos);
	return o.total > INT32_MAX ? INT32_MAX : (int)o.total;
}

int ll_vprintf(const char *fmt, va_list ap)
{
	return print_to(ll_console_state.fn, ll_console_state.ctx, fmt, ap);
}

int ll_logf(const char *fmt, ...)
{
	struct ll_console_state *c = &ll_console_state;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = c->log_fn ? print_to(c->log_fn, c->log_ctx, fmt, ap)
		      : print_to(c->fn, c->ctx, fmt, ap);
	va_end(ap);
	return n;
}

int ll_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ll_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
