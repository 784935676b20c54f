; tests/qemu/fallback.asm - MBR of the small local disk behind the network
; boot: prints "FALLBACK BOOT" on COM1 and ends QEMU through isa-debug-exit
; (port 0xf4), proving the BIOS tried the next boot device.
bits 16
org 0x7c00
	cli
	xor ax, ax
	mov ds, ax
	mov si, msg
.next:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, 0x3fd
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov dx, 0x3f8
	mov al, ah
	out dx, al
	jmp .next
.done:
	mov dx, 0xf4
	mov al, 0x10
	out dx, al
.halt:
	hlt
	jmp .halt
msg:	db "FALLBACK BOOT", 13, 10, 0
	times 510 - ($ - $$) db 0
	dw 0xaa55
