#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build newlib's libc freestanding with clang from Debian's newlib-source
# tarball, for one of Anvil's arches, install headers and libc.a into
# OUT/{include,lib}, then prove the result links and works (newlib-check.c,
# run on this host; x86_64 only, the host's arch).
#
# Usage: newlib.sh TARBALL WORK OUT CLANG LD AR [CODEMODEL [ARCH]]
#   WORK: scratch directory (source tree and object tree)
#   CODEMODEL: -fno-pic (default: the kernel, linked at a fixed address) or
#              -fpic (the UEFI front end, a position-independent image)
#   ARCH: x86_64 (default) or arm64
set -eu

tarball=$1 work=$2 out=$3 clang=$4 ld=$5 ar=$6 codemodel=${7:--fno-pic} arch=${8:-x86_64}
here=$(cd "$(dirname "$0")" && pwd)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

[ -f "$tarball" ] || { echo "newlib.sh: $tarball missing (package newlib-source)" >&2; exit 1; }
mkdir -p "$work" "$out"
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)
src="$work/newlib-src" obj="$work/newlib-obj" inst="$work/newlib-inst"
llvm_suffix=${ar##*-}        # llvm-ar-19 -> 19

if [ ! -f "$src/newlib/configure" ]; then
	rm -rf "$src" && mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
fi
rm -rf "$obj" "$inst" && mkdir -p "$obj"

# Target flags. -mno-implicit-float keeps the compiler from using SSE
# registers on its own (vectorised loops, struct copies): the kernel is built
# -mgeneral-regs-only and may run before (or without) enabling SSE.
# -Wno-error=implicit-function-declaration: newlib 3.3.0's libm/complex
# long-double files call functions x86_64 newlib never declares; gcc merely
# warned, clang >= 16 errors. Those functions are never called by Anvil.
# -UMISSING_SYSCALL_NAMES: configure.host defines it for every target without
# a sys/ directory (x86_64-elf among them), which makes libc call write(),
# sbrk(), ...; undefining it (it comes earlier on the command line) makes libc
# call the underscore names _write, _sbrk, ... that the kernel supplies.
# arm64: -mstrict-align (the kernel runs with the MMU off at first, where
# unaligned accesses fault), and PREFER_SIZE_OVER_SPEED, which makes newlib's
# aarch64 string functions the C ones instead of its SIMD assembly (the
# hypervisor owns no FP/SIMD state; CPTR_EL2 traps it).
case $arch in
x86_64) triple=x86_64-unknown-none-elf cfg_target=x86_64-elf arch_flags="-mno-red-zone" ;;
arm64) triple=aarch64-unknown-none-elf cfg_target=aarch64-elf arch_flags="-mstrict-align -DPREFER_SIZE_OVER_SPEED" ;;
*) echo "newlib.sh: unknown arch '$arch' (x86_64 or arm64)" >&2; exit 1 ;;
esac
target_cc="$clang -target $triple"
target_cflags="-ffreestanding $arch_flags $codemodel -mno-implicit-float -O2 -g \
-Wno-error=implicit-function-declaration -UMISSING_SYSCALL_NAMES"

log="$obj/build.log"
echo "newlib.sh: configuring and building newlib (log: $log)"
(
	cd "$obj"
	"$src/configure" --target=$cfg_target --prefix="$inst" \
		--disable-multilib --disable-libgloss --disable-nls \
		--disable-newlib-supplied-syscalls \
		--disable-newlib-multithread \
		--enable-newlib-reent-small \
		--enable-newlib-nano-malloc \
		--disable-newlib-io-float \
		--enable-newlib-io-long-long \
		--enable-newlib-io-c99-formats \
		--disable-newlib-fvwrite-in-streamio \
		--disable-newlib-wide-orient \
		--enable-newlib-global-atexit \
		--enable-lite-exit \
		CC="$clang" \
		CC_FOR_TARGET="$target_cc" AS_FOR_TARGET="$target_cc" \
		CFLAGS_FOR_TARGET="$target_cflags" \
		AR_FOR_TARGET="$ar" LD_FOR_TARGET="$ld" \
		RANLIB_FOR_TARGET="llvm-ranlib-$llvm_suffix" \
		NM_FOR_TARGET="llvm-nm-$llvm_suffix" \
		OBJCOPY_FOR_TARGET="llvm-objcopy-$llvm_suffix" \
		OBJDUMP_FOR_TARGET="llvm-objdump-$llvm_suffix" \
		READELF_FOR_TARGET="llvm-readelf-$llvm_suffix" \
		STRIP_FOR_TARGET="llvm-strip-$llvm_suffix" \
		MAKEINFO=true
	# MAKEINFO=true: no texinfo needed, the manuals are not built.
	make -j2 all-target-newlib MAKEINFO=true
	make install-target-newlib MAKEINFO=true
) >"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }

rm -rf "$out/include" "$out/lib"
mkdir -p "$out/lib"
cp -R "$inst/$cfg_target/include" "$out/include"
cp "$inst/$cfg_target/lib/libc.a" "$inst/$cfg_target/lib/libm.a" "$out/lib/"

if [ "$arch" != x86_64 ]; then
	# newlib-check.c makes Linux system calls of this (x86_64) host; the
	# kernel's own link proves the rest for other arches.
	echo "newlib.sh: $arch libc.a installed in $out (not run: not the host's arch)"
	exit 0
fi

# Proof: a freestanding program using snprintf, printf, malloc, strlen,
# memcpy and setjmp links against libc.a with exactly the syscalls the kernel
# will provide (any other undefined symbol fails the link) and runs.
check="$obj/newlib-check"
$target_cc -ffreestanding -mno-red-zone -fno-pic -O2 -Wall -Wextra -Werror -nostdinc \
	-isystem "$out/include" -isystem "$($clang -print-resource-dir)/include" \
	-c "$here/newlib-check.c" -o "$check.o"
$ld -static -nostdlib -e newlib_check_start "$check.o" "$out/lib/libc.a" -o "$check"
"$check"
