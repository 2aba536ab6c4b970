# The arm64 arch's build fragment (see arch/x86_64/arch.mk for what each
# variable means). EL2 hypervisor, EL1 guests, both built for AArch64.

ARCH_TRIPLE        := aarch64-unknown-none-elf
# No FP/SIMD anywhere (the hypervisor owns no FP state; CPTR_EL2 traps it),
# and aligned accesses only: the kernel and the guests run with the MMU off
# at first, where every access is Device memory and must be aligned.
ARCH_CFLAGS        := -mgeneral-regs-only -mstrict-align
ARCH_ELF_MACHINE   := aarch64
ARCH_BACKENDS      := el2
# The kernel carries an arm64 Image header (boot/image): QEMU -kernel and
# boot loaders that speak the Linux arm64 boot protocol start it at EL2.
ARCH_KERNEL_BOOT   := image efi/kernel
ARCH_KERNEL_IMAGE  := anvil.bin
ARCH_HAS_ISO       := no
ARCH_EFI_GNUEFI    := aarch64
ARCH_EFI_APP       := BOOTAA64.EFI
ARCH_EFI_PE_TARGET := efi-app-aarch64
ARCH_EFI_RELOC     := R_AARCH64_RELATIVE
ARCH_NEWLIB_TARGET := aarch64-elf
