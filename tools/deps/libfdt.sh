#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch Debian's device-tree-compiler source (apt-get source; libfdt lives
# in its libfdt/ directory) and build libfdt freestanding with clang for one
# target, against newlib's headers, installing
#   OUT/lib/libfdt.a
#   OUT/include/{libfdt.h,fdt.h,libfdt_env.h}
# Then prove the archive is what the kernel can link: objects for the right
# machine, and no undefined symbol beyond the few string functions newlib
# supplies.
#
# Usage: libfdt.sh SRC_ROOT OUT CLANG TARGET NEWLIB_INCLUDE AR
#   SRC_ROOT        where the source package is unpacked (reused if there)
#   OUT             install directory (replaced)
#   CLANG           e.g. clang-19
#   TARGET          target triple: x86_64-unknown-none-elf or aarch64-unknown-none-elf
#   NEWLIB_INCLUDE  newlib's include directory for TARGET (string.h, stdlib.h, limits.h)
#   AR              e.g. llvm-ar-19 (llvm-nm and llvm-readelf of the same suffix are used too)
#
# Source: `apt-get source device-tree-compiler` (dtc 1.6.1 in Debian 12).
# Where the mirror cannot serve that package's source files (this project's
# machine answers 404 for them), the same library comes from Debian's
# linux-source package instead (Linux carries a copy of libfdt in
# scripts/dtc/libfdt, without fdt_check.c, which lib/dt.c does not need):
# `apt-get download` of the .deb, and only that directory is unpacked.
#
# Flags: -ffreestanding -fno-builtin (no calls the kernel does not have),
# -fno-pic -fno-pie and no stack protector, like the kernel; x86_64 also
# -mno-red-zone -mgeneral-regs-only -mno-implicit-float; aarch64
# -mgeneral-regs-only -mstrict-align (the kernel may parse the tree before
# its MMU is on, when every access is Device memory and must be aligned).
# Warnings in third-party code are shown, never fatal.
set -eu

[ $# -eq 6 ] || { sed -n '3,/^set -eu/p' "$0" | sed '$d' >&2; exit 2; }
src_root=$1 out=$2 clang=$3 target=$4 newlib_inc=$5 ar=$6
here=$(cd "$(dirname "$0")" && pwd)
llvm_suffix=${ar##*-}        # llvm-ar-19 -> 19
nm=llvm-nm-$llvm_suffix
readelf=llvm-readelf-$llvm_suffix
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

case $target in
x86_64-*)  arch_flags="-mno-red-zone -mgeneral-regs-only -mno-implicit-float" machine="X86-64" ;;
aarch64-*) arch_flags="-mgeneral-regs-only -mstrict-align" machine="AArch64" ;;
*) echo "libfdt.sh: unsupported target $target (x86_64-* or aarch64-*)" >&2; exit 2 ;;
esac
[ -f "$newlib_inc/string.h" ] || { echo "libfdt.sh: $newlib_inc/string.h missing (build newlib first)" >&2; exit 1; }

mkdir -p "$src_root" "$out"
src_root=$(cd "$src_root" && pwd)
out=$(cd "$out" && pwd)

# A directory holding libfdt/fdt.c: the dtc source, or Linux's scripts/dtc.
find_src() {
	for d in "$src_root"/device-tree-compiler-*/ "$src_root"/linux-source-*/scripts/dtc/; do
		[ -f "$d/libfdt/fdt.c" ] && { echo "${d%/}"; return 0; }
	done
	return 1
}

fetch_dtc_source() {
	if ! apt-get source --print-uris device-tree-compiler >/dev/null 2>&1; then
		if [ "$(sh "$here/debsrc.sh")" = changed ]; then
			apt-get update -q
		fi
	fi
	(cd "$src_root" && apt-get source -q device-tree-compiler) >"$src_root/apt-source-dtc.log" 2>&1 ||
		{ echo "libfdt.sh: apt-get source device-tree-compiler failed:" \
			"$(grep -m1 '^E:' "$src_root/apt-source-dtc.log")"; return 1; }
}

# Linux's copy: the versioned package the linux-source meta-package names.
fetch_linux_copy() {
	pkg=$(apt-cache depends linux-source 2>/dev/null | awk '/Depends: linux-source-/ { print $2; exit }')
	[ -n "$pkg" ] || { echo "libfdt.sh: no linux-source package known to apt" >&2; return 1; }
	echo "libfdt.sh: device-tree-compiler's source is not available; using libfdt from $pkg"
	(cd "$src_root" && apt-get download -q "$pkg") || return 1
	deb=$(ls "$src_root/${pkg}"_*.deb | head -n 1)
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" | xz -dc |
		tar -x -C "$src_root" --wildcards "$pkg/scripts/dtc/libfdt/*"
	rm -f "$deb"
}

if ! src=$(find_src); then
	fetch_dtc_source || fetch_linux_copy || { echo "libfdt.sh: no libfdt source" >&2; exit 1; }
	src=$(find_src) || { echo "libfdt.sh: no libfdt/fdt.c under $src_root" >&2; exit 1; }
fi
echo "libfdt.sh: building $src/libfdt for $target with $clang"

obj="$out/obj"
rm -rf "$out/include" "$out/lib" "$obj"
mkdir -p "$out/include" "$out/lib" "$obj"
log="$out/build.log"
: >"$log"
cflags="--target=$target -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-pic -fno-pie \
-fno-stack-protector -ffunction-sections -fdata-sections $arch_flags -nostdinc \
-isystem $newlib_inc -isystem $($clang -print-resource-dir)/include -I$src/libfdt"
for c in "$src"/libfdt/*.c; do
	o="$obj/$(basename "$c" .c).o"
	echo "$clang $cflags -c $c -o $o" >>"$log"
	$clang $cflags -c "$c" -o "$o" >>"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
done
"$ar" rcs "$out/lib/libfdt.a" "$obj"/*.o
cp "$src/libfdt/libfdt.h" "$src/libfdt/fdt.h" "$src/libfdt/libfdt_env.h" "$out/include/"
if grep -q 'warning:' "$log"; then
	echo "libfdt.sh: compiler warnings (not fatal), see $log:" >&2
	grep 'warning:' "$log" | sort -u >&2
fi

# Proof 1: every object is for the target machine.
for o in "$obj"/*.o; do
	"$readelf" -h "$o" | grep -q "Machine:.*$machine" ||
		{ echo "libfdt.sh: $o is not an $machine object" >&2; exit 1; }
done
# Proof 2: nothing undefined but the string functions newlib provides.
allowed="memchr memcmp memcpy memmove memset strchr strlen strnlen strrchr strtoul"
# (what one object needs from another is not undefined in the archive)
"$nm" --defined-only "$out/lib/libfdt.a" | awk 'NF == 3 { print $3 }' | sort -u >"$obj/defined"
undef=$("$nm" -u "$out/lib/libfdt.a" | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u |
	comm -23 - "$obj/defined")
for s in $undef; do
	case " $allowed " in
	*" $s "*) ;;
	*) echo "libfdt.sh: libfdt.a needs $s, which is not in the allowed set ($allowed)" >&2; exit 1 ;;
	esac
done
echo "libfdt.sh: $out/lib/libfdt.a ($(ls "$obj" | wc -l) objects, $machine), needs from libc: $(echo $undef)"
