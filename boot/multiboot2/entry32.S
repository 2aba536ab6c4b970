/*
 * Multiboot2 entry: GRUB leaves us in 32-bit protected mode, paging off,
 * EAX = bootloader magic, EBX = physical address of the boot information
 * (Multiboot2 spec 3.3). We build a temporary identity map of the first
 * 4 GiB with 2 MiB pages, enter long mode and call mb2_kmain(magic, mbi).
 * The kernel replaces these tables with its own once it has a memory map.
 */
#define CR0_PE        (1 << 0)
#define CR0_WP        (1 << 16)
#define CR0_PG        (1 << 31)
#define CR4_PAE       (1 << 5)
#define MSR_EFER      0xc0000080
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define PTE_P         (1 << 0)
#define PTE_W         (1 << 1)
#define PTE_PS        (1 << 7)
#define CPUID_EXT_LM  (1 << 29)
#define COM1          0x3f8

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
early_pml4:	.skip 4096
early_pdpt:	.skip 4096
early_pd:	.skip 4096 * 4

	.section .bss
	.balign 8
	.globl mb2_handoff_tsc
mb2_handoff_tsc: .skip 8

	.section .rodata
	.balign 8
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL0 */
	.quad 0x00cf92000000ffff	/* 0x10: data */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt
no_lm_msg:
	.asciz "Bail out! anvil: this CPU has no long mode (CPUID 0x80000001 EDX[29]=0); cannot boot\r\n"

	.section .text.boot, "ax"
	.code32
	.globl mb2_entry32
mb2_entry32:
	cli
	cld
	mov	%eax, %edi
	mov	%ebx, %esi
	rdtsc
	mov	%eax, mb2_handoff_tsc
	mov	%edx, mb2_handoff_tsc + 4
	mov	$early_stack_top, %esp

	/* Long mode present? Otherwise say so on COM1 and stop. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	.Lno_long_mode
	mov	$0x80000001, %eax
	cpuid
	test	$CPUID_EXT_LM, %edx
	jz	.Lno_long_mode

	/* PML4[0] -> PDPT, PDPT[0..3] -> PD[0..3], each PD 512 x 2 MiB. */
	mov	$early_pdpt, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, early_pml4
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$12, %eax
	add	$early_pd, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, early_pdpt(,%ecx,8)
	inc	%ecx
	cmp	$4, %ecx
	jne	1b
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_W | PTE_PS), %eax
	mov	%eax, early_pd(,%ecx,8)
	mov	%ecx, %eax
	shr	$11, %eax		/* high dword: bits 32+ of the address */
	mov	%eax, early_pd + 4(,%ecx,8)
	inc	%ecx
	cmp	$2048, %ecx
	jne	2b

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$early_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE | CR0_WP), %eax
	mov	%eax, %cr0
	lgdt	early_gdt_ptr
	ljmp	$0x08, $mb2_entry64

.Lno_long_mode:
	mov	$no_lm_msg, %esi
3:	lodsb
	test	%al, %al
	jz	5f
	mov	%al, %bl
	mov	$(COM1 + 5), %dx
4:	inb	%dx, %al
	test	$0x20, %al
	jz	4b
	mov	$COM1, %dx
	mov	%bl, %al
	outb	%al, %dx
	jmp	3b
5:	hlt
	jmp	5b

	.code64
mb2_entry64:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%ax, %ax
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$early_stack_top, %rsp
	xor	%ebp, %ebp
	/* edi = magic, esi = mbi (zero-extended by the 32-bit moves above) */
	mov	%esi, %esi
	call	mb2_kmain
6:	cli
	hlt
	jmp	6b

