# The arm64 arch's build fragment (see arch/x86_64/arch.mk for what each
# variable means). EL2 hypervisor, EL1 guests, both built for AArch64.

ARCH_TRIPLE        := aarch64-unknown-none-elf
# No FP/SIMD code (the hypervisor owns no FP state and never changes an FP
# register: arch/arm64/cpu.c), and aligned accesses only: the kernel and the guests run with the MMU off
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
# gnu-efi's aarch64 crt0 carries the PE/COFF header itself: the image is the
# raw binary of the shared object, with the subsystem (10: application) given at link time.
ARCH_EFI_OBJCOPY    = $(OBJCOPY)
ARCH_EFI_PE_FLAGS  := -j .dynstr -O binary
ARCH_EFI_LDFLAGS   := --defsym=EFI_SUBSYSTEM=0xa
ARCH_EFI_RELOC     := R_AARCH64_RELATIVE
ARCH_NEWLIB_TARGET := aarch64-elf
