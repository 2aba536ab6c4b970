#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch Debian's gnu-efi source (apt-get source) and build it for one arch
# (gnu-efi's name: x86_64 or aarch64) with clang, installing headers, crt0,
# libefi.a, libgnuefi.a and the linker script into OUT/{include/efi,lib}.
#
# Usage: gnuefi.sh SRC_ROOT OUT CLANG LD AR [ARCH]
set -eu

src_root=$1 out=$2 clang=$3 ld=$4 ar=$5 arch=${6:-x86_64}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$src_root" "$out"
src_root=$(cd "$src_root" && pwd)
out=$(cd "$out" && pwd)
# The parent make's jobserver and variables must not leak into gnu-efi's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

find_src() {
	for d in "$src_root"/gnu-efi-*/; do
		[ -f "$d/Make.defaults" ] && { echo "${d%/}"; return 0; }
	done
	return 1
}

if ! src=$(find_src); then
	if ! apt-get source --print-uris gnu-efi >/dev/null 2>&1; then
		if [ "$(sh "$here/debsrc.sh")" = changed ]; then
			apt-get update -q
		fi
	fi
	(cd "$src_root" && apt-get source -q gnu-efi)
	src=$(find_src)
fi
echo "gnuefi.sh: building $src for $arch with $clang"

# gnu-efi's Make.defaults treats any compiler whose -dumpversion is >= 4.7 as
# gcc and adds -maccumulate-outgoing-args, which clang rejects; forcing
# GCCNEWENOUGH empty takes its clang branch (-DGNU_EFI_USE_MS_ABI, --std=c11).
# aarch64: gnuefi/reloc_aarch64.c includes the host's <elf.h>, which asks for
# <bits/auxv.h>; an aarch64 target finds it only in the x86_64 multiarch
# directory (the definitions it needs are the same).
cc="$clang --target=$arch-linux-gnu"
[ "$arch" = x86_64 ] || cc="$cc -idirafter /usr/include/x86_64-linux-gnu"
rm -rf "${src:?}/$arch"
make -C "$src" -j2 ARCH=$arch HOSTCC="$clang" CC="$cc" AS="$cc" LD="$ld" \
	AR="$ar" RANLIB="$ar s" GCCNEWENOUGH= lib gnuefi >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; exit 1; }

# Install by hand: gnu-efi's own install target would also build its apps.
rm -rf "$out/include" "$out/lib"
mkdir -p "$out/include/efi/protocol" "$out/include/efi/$arch" "$out/lib"
cp "$src"/inc/*.h "$out/include/efi/"
cp "$src"/inc/protocol/*.h "$out/include/efi/protocol/"
cp "$src"/inc/$arch/*.h "$out/include/efi/$arch/"
cp "$src/$arch/lib/libefi.a" "$src/$arch/gnuefi/libgnuefi.a" \
	"$src/$arch/gnuefi/crt0-efi-$arch.o" "$src/gnuefi/elf_${arch}_efi.lds" \
	"$out/lib/"

for f in include/efi/efi.h include/efi/$arch/efibind.h lib/libefi.a \
	lib/libgnuefi.a lib/crt0-efi-$arch.o lib/elf_${arch}_efi.lds; do
	[ -f "$out/$f" ] || { echo "gnuefi.sh: $out/$f missing" >&2; exit 1; }
done
