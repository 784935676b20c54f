/* arch/x86/console.c - the BIOS console: COM1 at 115200 8N1 by port I/O,
 * mirrored into the VGA text buffer at 0xB8000 (scrolling, BIOS cursor in
 * the BDA kept in step so later INT 10h output continues below ours); the
 * log (counters, ll_logf) to COM1 alone. */
#include <stddef.h>
#include "arch/x86/arch.h"
#include "arch/x86/io.h"
#include "lib/mem.h"
#include "lib/print.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define UART_TX_POLLS 100000 /* ~ 10 ms of port reads per byte at most */

#define VGA_TEXT 0xb8000u
#define BDA_MODE 0x449
#define BDA_COLS 0x44a
#define BDA_CURSOR 0x450
#define BDA_CRTC 0x463
#define VGA_ATTR 0x07

/* The layer's one context: where the screen cursor is. */
static struct x86_console {
	uint8_t screen;      /* text mode found */
	uint16_t cols, rows, col, row, crtc;
	uint32_t serial_drops;
} con;

static void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);      /* DLAB */
	outb(COM1 + 0, 1);                /* divisor 1: 115200 */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);      /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7);
	outb(COM1 + UART_MCR, 0x03);
}

static void serial_putc(char c)
{
	for (unsigned i = 0; i < UART_TX_POLLS; i++) {
		if (inb(COM1 + UART_LSR) & LSR_THRE) {
			outb(COM1 + UART_THR, (uint8_t)c);
			return;
		}
	}
	con.serial_drops++;
}

static volatile uint16_t *vga_cell(unsigned row, unsigned col)
{
	return (volatile uint16_t *)(uintptr_t)VGA_TEXT +
	       row * con.cols + col;
}

static void screen_scroll(void)
{
	for (unsigned r = 1; r < con.rows; r++)
		for (unsigned c = 0; c < con.cols; c++)
			*vga_cell(r - 1, c) = *vga_cell(r, c);
	for (unsigned c = 0; c < con.cols; c++)
		*vga_cell(con.rows - 1, c) = (VGA_ATTR << 8) | ' ';
	con.row = con.rows - 1;
}

static void screen_putc(char c)
{
	if (c == '\n') {
		con.col = 0;
		con.row++;
	} else if (c == '\r') {
		con.col = 0;
	} else {
		*vga_cell(con.row, con.col) = (uint16_t)((VGA_ATTR << 8) |
							 (uint8_t)c);
		if (++con.col >= con.cols) {
			con.col = 0;
			con.row++;
		}
	}
	if (con.row >= con.rows)
		screen_scroll();
}

static void screen_sync_cursor(void)
{
	uint16_t pos = (uint16_t)(con.row * con.cols + con.col);
	x86_poke16(BDA_CURSOR, (uint16_t)((con.row << 8) | con.col));
	outb(con.crtc, 0x0e);
	outb((uint16_t)(con.crtc + 1), (uint8_t)(pos >> 8));
	outb(con.crtc, 0x0f);
	outb((uint16_t)(con.crtc + 1), (uint8_t)pos);
}

static void console_write(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		if (con.screen)
			screen_putc(s[i]);
	}
	if (con.screen)
		screen_sync_cursor();
}

/* The log (lib/print.h ll_logf): the serial port alone. */
static void log_write(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void x86_console_init(void)
{
	uint16_t cursor = x86_peek16(BDA_CURSOR);
	uint8_t mode = (uint8_t)x86_peek16(BDA_MODE);
	serial_init();
	con.cols = x86_peek16(BDA_COLS);
	con.rows = 25;
	con.crtc = x86_peek16(BDA_CRTC);
	con.col = cursor & 0xff;
	con.row = cursor >> 8;
	con.screen = (mode == 2 || mode == 3) && con.cols == 80 &&
		     con.crtc == 0x3d4;
	if (con.row >= con.rows || con.col >= con.cols) {
		con.row = 0;
		con.col = 0;
	}
	ll_console_set(console_write, NULL);
	ll_log_set(log_write, NULL);
}
