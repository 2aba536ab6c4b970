# The x86_64 arch's build fragment, included first by the top Makefile: how
# this arch's kernel, guests and boot front ends are compiled, which of its
# virtualization backends and boot front ends are built, and which
# third-party builds it needs (tools/deps/deps.mk). Another arch supplies the
# same variables in arch/<arch>/arch.mk; nothing outside these fragments
# names an arch.

ARCH_TRIPLE        := x86_64-unknown-none-elf
# Kernel and guests: no red zone (interrupts and exits use the stack), no
# SSE/x87 (neither the hypervisor nor the payloads own FPU state).
ARCH_CFLAGS        := -mno-red-zone -mgeneral-regs-only
ARCH_ELF_MACHINE   := x86_64
# Virtualization backends: one directory each (arch/x86_64/<backend>/);
# backends.c lists the same ones for the run-time probe.
ARCH_BACKENDS      := svm vmx
# Boot front ends compiled into the kernel image (boot/<name>/*.S, *.c).
ARCH_KERNEL_BOOT   := multiboot2 efi/kernel
# The kernel image the runner and the ISO boot, and whether GRUB's
# multiboot2 ISO exists for this arch (tools/mkiso.sh).
ARCH_KERNEL_IMAGE  := anvil.elf
ARCH_HAS_ISO       := yes
# UEFI front end (boot/efi): gnu-efi's arch name, the application's name on
# the ESP, which objcopy makes the PE image and how (x86_64: GNU objcopy
# writes PE32+ itself; llvm-objcopy cannot), extra link flags, the one relocation type crt0 applies.
ARCH_EFI_GNUEFI    := x86_64
ARCH_EFI_APP       := BOOTX64.EFI
ARCH_EFI_OBJCOPY    = objcopy
ARCH_EFI_PE_FLAGS  := --target efi-app-x86_64 --subsystem=10
ARCH_EFI_LDFLAGS   :=
ARCH_EFI_RELOC     := R_X86_64_RELATIVE
# newlib's configure target.
ARCH_NEWLIB_TARGET := x86_64-elf
