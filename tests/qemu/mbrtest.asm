; tests/qemu/mbrtest.asm - test disk boot code for the qemu tier: exercises the
; INT 13h disk (CHS and EDD reads, writes, geometry), prints checksums the host
; recomputes from the image, times a large EDD read, then asks QEMU to exit.
;
; Layout (LBA): 0 = this MBR (stage 1), 1..S2_SECTORS = stage 2, REGION_LBA..
; = host-written pattern, WRITE_LBA, WRITE_LBA+1 = write tests, BENCH_LBA.. =
; the timed read. Build: nasm -f bin [-DBENCH_SECTORS=n] mbrtest.asm.
;
; Checksum of a run of bytes: h = 0; for each little-endian dword w in order,
; h = rol(h, 5) + w (mod 2^32). Every output line starts with "MBRTEST ".

bits 16
org 0x7c00

%define S2_SECTORS   16            ; stage 2 size (sectors)
%define BUF_SEG      0x1000        ; read buffer 1000:0000 (64 KiB segment)
%define REGION_LBA   1000          ; pattern region: deliberately unaligned
%define REGION_COUNT 2000
%define WRITE_LBA    5000          ; AH=43 here, AH=03 at WRITE_LBA+1
%define SEED43       0x43430001
%define SEED03       0x03030001
%define BENCH_LBA    32768
%ifndef BENCH_SECTORS
%define BENCH_SECTORS 32768        ; 16 MiB
%endif
%define EDD_CHUNK    127           ; the EDD 1.x limit per call
%define PIT_COUNT    59659         ; 50 ms of the 1193182 Hz PIT
%define COM1         0x3f8

; ---------------------------------------------------------------- stage 1
stage1:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	sti
	cld
	jmp 0:.cs_zero
.cs_zero:
	mov [boot_drive], dl
	call serial_init
	mov si, msg_start
	call puts
	mov ax, 0x0200 | S2_SECTORS    ; CHS read of stage 2: c0 h0 s2..
	mov cx, 0x0002
	xor dh, dh
	mov dl, [boot_drive]
	mov bx, stage2
	int 0x13
	jc .s2fail
	jmp stage2
.s2fail:
	mov si, msg_s2fail
	call puts
	jmp halt

; serial_init: COM1 at 115200 8N1, FIFO on, no interrupts.
serial_init:
	mov dx, COM1 + 1
	xor al, al
	out dx, al                     ; IER = 0
	mov dl, 0xfb                   ; LCR
	mov al, 0x80
	out dx, al                     ; DLAB
	mov dl, 0xf8
	mov al, 1
	out dx, al                     ; divisor 1 = 115200
	inc dx
	xor al, al
	out dx, al
	mov dl, 0xfb
	mov al, 3
	out dx, al                     ; 8N1
	dec dx
	mov al, 0xc7
	out dx, al                     ; FIFO on, cleared
	mov dl, 0xfc
	mov al, 3
	out dx, al                     ; DTR RTS
	ret

; putc AL: to COM1 (bounded wait for THR empty) and the screen (INT 10h).
putc:
	pusha
	mov ah, al
	mov dx, COM1 + 5
	mov cx, 0xffff
.wait:
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait
.send:
	mov dl, 0xf8
	mov al, ah
	out dx, al
	mov ah, 0x0e
	mov bx, 0x0007
	int 0x10
	popa
	ret

; puts DS:SI: a zero-terminated string; "\n" goes out as CR LF.
puts:
	push ax
	push si
.next:
	lodsb
	test al, al
	jz .done
	cmp al, 10
	jne .plain
	mov al, 13
	call putc
	mov al, 10
.plain:
	call putc
	jmp .next
.done:
	pop si
	pop ax
	ret

halt:
	cli
	hlt
	jmp halt

boot_drive:  db 0
msg_start:   db "MBRTEST start", 10, 0
msg_s2fail:  db "MBRTEST FAIL stage2 load", 10, 0

	times 446 - ($ - $$) db 0
	times 64 db 0                  ; no partition table
	dw 0xaa55

; ---------------------------------------------------------------- stage 2
stage2:
	mov si, msg_stage2
	call puts
	mov al, [boot_drive]
	call hex8
	call newline
	call do_geometry
	call do_edd_check
	call do_params
	call do_region_chs
	call do_region_edd
	call do_write43
	call do_write03
	call do_bench
	mov si, msg_done
	call puts
	mov dx, 0xf4                   ; isa-debug-exit, when QEMU has it
	xor al, al
	out dx, al
	jmp halt

; fail SI: print "MBRTEST FAIL <SI> ah=XX" and stop.
fail:
	push ax
	push si
	mov si, msg_fail
	call puts
	pop si
	call puts
	mov si, msg_ah
	call puts
	pop ax
	mov al, ah
	call hex8
	call newline
	mov si, msg_done_fail
	call puts
	jmp halt

; ------------------------------------------------------------ printing
newline:
	push si
	mov si, msg_nl
	call puts
	pop si
	ret

; hex32 EAX / hex16 AX / hex8 AL: print in hex, no prefix.
hex32:
	push cx
	mov cx, 8
	jmp hexn
hex16:
	push cx
	shl eax, 16
	mov cx, 4
	jmp hexn
hex8:
	push cx
	shl eax, 24
	mov cx, 2
hexn:
	push eax
.digit:
	rol eax, 4
	push eax
	and al, 0x0f
	add al, '0'
	cmp al, '9'
	jbe .out
	add al, 'a' - '9' - 1
.out:
	call putc
	pop eax
	loop .digit
	pop eax
	pop cx
	ret

; field SI, EAX: print " <SI>=" then EAX in hex (32 bits).
field32:
	call puts
	jmp hex32

; ------------------------------------------------------------ disk calls
; AH=08: geometry -> [spt], [heads], [cyls]
do_geometry:
	mov ah, 0x08
	mov dl, [boot_drive]
	xor di, di
	push es
	int 0x13
	pop es
	mov si, msg_f08
	jc fail
	xor ax, ax
	mov al, cl
	and al, 0x3f
	mov [spt], ax
	mov al, dh
	inc ax
	mov [heads], ax
	mov al, cl
	shr al, 6
	mov ah, al
	mov al, ch
	inc ax
	mov [cyls], ax
	mov si, msg_geom
	call puts
	movzx eax, word [cyls]
	mov si, msg_cyls
	call field32
	movzx eax, word [heads]
	mov si, msg_heads
	call field32
	movzx eax, word [spt]
	mov si, msg_spt
	call field32
	call newline
	cmp word [spt], 0
	mov si, msg_fspt
	je fail
	ret

; AH=41: EDD present?
do_edd_check:
	mov ah, 0x41
	mov bx, 0x55aa
	mov dl, [boot_drive]
	int 0x13
	mov si, msg_f41
	jc fail
	cmp bx, 0xaa55
	jne fail
	push cx
	mov si, msg_edd
	call puts
	mov al, ah
	call hex8
	mov si, msg_api
	call puts
	pop ax
	call hex16
	call newline
	ret

; AH=48: drive parameters (total sectors, bytes per sector)
do_params:
	mov word [params], 0x1a
	mov ah, 0x48
	mov dl, [boot_drive]
	mov si, params
	int 0x13
	mov si, msg_f48
	jc fail
	mov si, msg_params
	call puts
	mov eax, [params + 0x14]
	call hex32
	mov eax, [params + 0x10]
	call hex32
	mov si, msg_bps
	call puts
	mov ax, [params + 0x18]
	call hex16
	call newline
	ret

; lba_to_chs EAX = lba, CX = wanted count: CH/CL/DH for the BIOS,
; [chs_count] = min(count, sectors left on the track).
lba_to_chs:
	push ebx
	push eax
	mov [chs_count], cl
	movzx ebx, word [spt]
	xor edx, edx
	div ebx                        ; eax = lba / spt, edx = sector - 1
	mov bx, [spt]
	sub bx, dx                     ; sectors left on this track
	cmp bx, cx
	jae .fits
	mov [chs_count], bl
.fits:
	inc dx
	mov cl, dl                     ; sector (1-based)
	movzx ebx, word [heads]
	xor edx, edx
	div ebx                        ; eax = cylinder, edx = head
	mov dh, dl
	mov ch, al
	shl ah, 6
	or cl, ah
	pop eax
	pop ebx
	ret

; hash_buf CX = sectors, EBX = running hash: fold BUF_SEG:0.. into EBX.
hash_buf:
	push ds
	push si
	push cx
	push ax
	mov ax, BUF_SEG
	mov ds, ax
	xor si, si
	shl cx, 7                      ; dwords
.next:
	rol ebx, 5
	add ebx, [si]
	add si, 4
	loop .next
	pop ax
	pop cx
	pop si
	pop ds
	ret

; Pattern region through CHS reads (AH=02), as many per call as the track has.
do_region_chs:
	xor ebx, ebx
	mov dword [cur_lba], REGION_LBA
	mov word [left], REGION_COUNT
.next:
	mov cx, [left]
	cmp cx, 63
	jbe .ask
	mov cx, 63
.ask:
	mov eax, [cur_lba]
	call chs_read
	mov si, msg_f02
	jc fail
	movzx cx, byte [chs_count]
	call hash_buf
	movzx eax, cx
	add [cur_lba], eax
	sub [left], cx
	jnz .next
	mov si, msg_chs
	jmp print_region

; chs_read EAX = lba, CX = count: AH=02 of min(count, rest of track).
chs_read:
	call lba_to_chs
	push es
	push bx
	mov bx, BUF_SEG
	mov es, bx
	xor bx, bx
	mov ah, 0x02
	mov al, [chs_count]
	mov dl, [boot_drive]
	int 0x13
	pop bx
	pop es
	ret

; chs_write EAX = lba (one sector): AH=03.
chs_write:
	mov cx, 1
	call lba_to_chs
	push es
	push bx
	mov bx, BUF_SEG
	mov es, bx
	xor bx, bx
	mov ax, 0x0301
	mov dl, [boot_drive]
	int 0x13
	pop bx
	pop es
	ret

; Pattern region through EDD reads (AH=42), EDD_CHUNK sectors a call.
do_region_edd:
	xor ebx, ebx
	mov dword [cur_lba], REGION_LBA
	mov word [left], REGION_COUNT
.next:
	mov cx, [left]
	cmp cx, EDD_CHUNK
	jbe .ask
	mov cx, EDD_CHUNK
.ask:
	push cx
	mov eax, [cur_lba]
	call edd_read
	pop cx
	mov si, msg_f42
	jc fail
	call hash_buf
	movzx eax, cx
	add [cur_lba], eax
	sub [left], cx
	jnz .next
	mov si, msg_edd42

; print_region SI: "MBRTEST <SI> lba=.. count=.. sum=<EBX>"
print_region:
	call puts
	mov eax, REGION_LBA
	mov si, msg_lba
	call field32
	mov eax, REGION_COUNT
	mov si, msg_count
	call field32
	mov eax, ebx
	mov si, msg_sum
	call field32
	jmp newline

; edd_read / edd_write EAX = lba, CX = count: AH=42 / AH=43 through the
; DAP, buffer BUF_SEG:0. CF and AH as the BIOS left them.
edd_read:
	mov byte [edd_op], 0x42
	jmp edd_go
edd_write:
	mov byte [edd_op], 0x43
edd_go:
	mov [dap_lba], eax
	mov dword [dap_lba + 4], 0
	mov [dap_count], cx
	mov word [dap_buf], 0
	mov word [dap_buf + 2], BUF_SEG
	mov ah, [edd_op]
	xor al, al                     ; AH=43: no verify
	mov dl, [boot_drive]
	mov si, dap
	int 0x13
	ret

; fill_buf EAX = seed: one sector at BUF_SEG:0, dword i = i * 0x9e3779b9 + seed.
fill_buf:
	push es
	push di
	push cx
	push edx
	mov dx, BUF_SEG
	mov es, dx
	xor di, di
	mov cx, 128
.next:
	stosd
	add eax, 0x9e3779b9
	loop .next
	pop edx
	pop cx
	pop di
	pop es
	ret

; clear_buf: zero the first sector of the buffer.
clear_buf:
	push es
	push di
	push cx
	push eax
	mov ax, BUF_SEG
	mov es, ax
	xor di, di
	xor eax, eax
	mov cx, 128
	rep stosd
	pop eax
	pop cx
	pop di
	pop es
	ret

; AH=43 write, AH=42 read back, checksum.
do_write43:
	mov eax, SEED43
	call fill_buf
	mov eax, WRITE_LBA
	mov cx, 1
	call edd_write
	mov si, msg_f43
	jc fail
	call clear_buf
	mov eax, WRITE_LBA
	mov cx, 1
	call edd_read
	mov si, msg_f42
	jc fail
	mov si, msg_w43
	mov eax, WRITE_LBA
	jmp print_write

; AH=03 write, AH=02 read back, checksum.
do_write03:
	mov eax, SEED03
	call fill_buf
	mov eax, WRITE_LBA + 1
	call chs_write
	mov si, msg_f03
	jc fail
	call clear_buf
	mov eax, WRITE_LBA + 1
	mov cx, 1
	call chs_read
	mov si, msg_f02
	jc fail
	mov si, msg_w03
	mov eax, WRITE_LBA + 1

; print_write SI, EAX = lba: "MBRTEST <SI> lba=.. sum=.." of the buffer.
print_write:
	push eax
	call puts
	pop eax
	mov si, msg_lba
	call field32
	xor ebx, ebx
	mov cx, 1
	call hash_buf
	mov eax, ebx
	mov si, msg_sum
	call field32
	jmp newline

; ------------------------------------------------------------ bench
; TSC ticks in PIT_COUNT PIT periods (PIT channel 2, mode 0, gate on,
; polled through port 61h bit 5) -> [cal_tsc]. Bounded wait.
pit_calibrate:
	in al, 0x61
	and al, 0xfc
	or al, 0x01                    ; gate 2 on, speaker off
	out 0x61, al
	mov al, 0xb0                   ; channel 2, lo/hi, mode 0, binary
	out 0x43, al
	mov al, PIT_COUNT & 0xff
	out 0x42, al
	mov al, PIT_COUNT >> 8
	out 0x42, al
	rdtsc
	mov [tsc0], eax
	mov [tsc0 + 4], edx
	mov ecx, 50000000
.wait:
	in al, 0x61
	test al, 0x20
	jnz .done
	dec ecx
	jnz .wait
.done:
	rdtsc
	sub eax, [tsc0]
	mov [cal_tsc], eax
	ret

; Timed EDD read of BENCH_SECTORS from BENCH_LBA: TSC and BIOS-tick deltas.
do_bench:
	call pit_calibrate
	push ds
	push word 0x40
	pop ds
	mov eax, [0x6c]
	pop ds
	mov [tick0], eax
	rdtsc
	mov [tsc0], eax
	mov [tsc0 + 4], edx
	mov dword [cur_lba], BENCH_LBA
	mov dword [bleft], BENCH_SECTORS
.next:
	mov ecx, [bleft]
	cmp ecx, EDD_CHUNK
	jbe .ask
	mov cx, EDD_CHUNK
.ask:
	push cx
	mov eax, [cur_lba]
	call edd_read
	pop cx
	mov si, msg_f42
	jc fail
	movzx eax, cx
	add [cur_lba], eax
	sub [bleft], eax
	jnz .next
	rdtsc
	sub eax, [tsc0]
	sbb edx, [tsc0 + 4]
	mov [tsc1], eax
	mov [tsc1 + 4], edx
	push ds
	push word 0x40
	pop ds
	mov eax, [0x6c]
	pop ds
	sub eax, [tick0]
	mov [tick0], eax
	mov si, msg_bench
	call puts
	mov eax, BENCH_SECTORS
	mov si, msg_sectors
	call field32
	mov eax, [tsc1 + 4]
	mov si, msg_tsc
	call field32
	mov eax, [tsc1]
	call hex32
	mov eax, [cal_tsc]
	mov si, msg_cal
	call field32
	mov eax, PIT_COUNT
	mov si, msg_pit
	call field32
	mov eax, [tick0]
	mov si, msg_ticks
	call field32
	jmp newline

; ------------------------------------------------------------ data
msg_stage2:   db "MBRTEST stage2 drive=", 0
msg_done:     db "MBRTEST DONE", 10, 0
msg_done_fail: db "MBRTEST DONE (failed)", 10, 0
msg_fail:     db "MBRTEST FAIL ", 0
msg_ah:       db " ah=", 0
msg_nl:       db 10, 0
msg_f08:      db "int13-08", 0
msg_fspt:     db "int13-08-spt0", 0
msg_f41:      db "int13-41", 0
msg_f48:      db "int13-48", 0
msg_f02:      db "int13-02", 0
msg_f03:      db "int13-03", 0
msg_f42:      db "int13-42", 0
msg_f43:      db "int13-43", 0
msg_geom:     db "MBRTEST geometry", 0
msg_cyls:     db " cyls=", 0
msg_heads:    db " heads=", 0
msg_spt:      db " spt=", 0
msg_edd:      db "MBRTEST edd version=", 0
msg_api:      db " api=", 0
msg_params:   db "MBRTEST params sectors=", 0
msg_bps:      db " bps=", 0
msg_chs:      db "MBRTEST read02", 0
msg_edd42:    db "MBRTEST read42", 0
msg_w43:      db "MBRTEST write43", 0
msg_w03:      db "MBRTEST write03", 0
msg_lba:      db " lba=", 0
msg_count:    db " count=", 0
msg_sum:      db " sum=", 0
msg_bench:    db "MBRTEST bench", 0
msg_sectors:  db " sectors=", 0
msg_tsc:      db " tsc=", 0
msg_cal:      db " caltsc=", 0
msg_pit:      db " pit=", 0
msg_ticks:    db " ticks=", 0

align 4
dap:          db 16, 0
dap_count:    dw 0
dap_buf:      dw 0, 0
dap_lba:      dd 0, 0
params:       times 0x1e db 0
align 4
spt:          dw 0
heads:        dw 0
cyls:         dw 0
chs_count:    db 0
edd_op:       db 0
left:         dw 0
cur_lba:      dd 0
bleft:        dd 0
tick0:        dd 0
cal_tsc:      dd 0
tsc0:         dd 0, 0
tsc1:         dd 0, 0

	times 512 * (S2_SECTORS + 1) - ($ - $$) db 0
