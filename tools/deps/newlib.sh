#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build newlib's libc for x86_64 freestanding with clang from Debian's
# newlib-source tarball, install headers and libc.a into OUT/{include,lib},
# then prove the result links and works (newlib-check.c, run on this host).
#
# Usage: newlib.sh TARBALL WORK OUT CLANG LD AR [CODEMODEL]
#   WORK: scratch directory (source tree and object tree)
#   CODEMODEL: -fno-pic (default: the kernel, linked at a fixed address) or
#              -fpic (the UEFI front end, a position-independent image)
set -eu

tarball=$1 work=$2 out=$3 clang=$4 ld=$5 ar=$6 codemodel=${7:--fno-pic}
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
target_cc="$clang -target x86_64-unknown-none-elf"
target_cflags="-ffreestanding -mno-red-zone $codemodel -mno-implicit-float -O2 -g \
-Wno-error=implicit-function-declaration -UMISSING_SYSCALL_NAMES"

log="$obj/build.log"
echo "newlib.sh: configuring and building newlib (log: $log)"
(
	cd "$obj"
	"$src/configure" --target=x86_64-elf --prefix="$inst" \
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
cp -R "$inst/x86_64-elf/include" "$out/include"
cp "$inst/x86_64-elf/lib/libc.a" "$inst/x86_64-elf/lib/libm.a" "$out/lib/"

# Proof: a freestanding program using snprintf, printf, malloc, strlen,
# memcpy and setjmp links against libc.a with exactly the syscalls the kernel
# will provide (any other undefined symbol fails the link) and runs.
check="$obj/newlib-check"
$target_cc -ffreestanding -mno-red-zone -fno-pic -O2 -Wall -Wextra -Werror -nostdinc \
	-isystem "$out/include" -isystem "$($clang -print-resource-dir)/include" \
	-c "$here/newlib-check.c" -o "$check.o"
$ld -static -nostdlib -e newlib_check_start "$check.o" "$out/lib/libc.a" -o "$check"
"$check"
