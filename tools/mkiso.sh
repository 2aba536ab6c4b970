#!/bin/sh
# Builds a hybrid BIOS+UEFI GRUB ISO that boots the Anvil kernel with multiboot2.
#   tools/mkiso.sh <kernel.elf> <out.iso> [kernel command line]
# Used by `make iso` (command line on_finish=halt) and by tools/anvil for the
# per-run ISOs of the iso platforms. Needs grub-mkrescue (grub-common,
# grub-pc-bin, grub-efi-amd64-bin), xorriso and mtools.
set -eu

usage() {
	echo "usage: $0 <kernel.elf> <out.iso> [cmdline]" >&2
	exit 2
}

[ $# -ge 2 ] && [ $# -le 3 ] || usage
kernel=$1
out=$2
cmdline=${3-}

[ -f "$kernel" ] || { echo "$0: kernel '$kernel' not found" >&2; exit 1; }
case $cmdline in
*[\"\'\`\$\\\;{}]*) echo "$0: the command line may not contain quotes, '\$', '\\', ';' or braces" >&2; exit 1 ;;
esac
for tool in grub-mkrescue xorriso mformat; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is not installed" >&2; exit 1; }
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/anvil-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/anvil.elf"

# timeout=0: boot at once (timeout_style=hidden would cost 3 s on QEMU with
# the serial terminal). GRUB also writes to COM1 so loader errors ("no
# multiboot header") land in the serial log. all_video provides the VBE/GOP
# drivers; gfxpayload=auto (not "text") lets the multiboot2 loader honour the
# kernel's framebuffer request tag, which it turns into a video mode.
cat >"$stage/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_output console serial
insmod all_video
set gfxpayload=auto
menuentry "Anvil" {
	multiboot2 /boot/anvil.elf $cmdline
	boot
}
EOF

mkdir -p "$(dirname "$out")"
# Locales and themes are not needed; leaving them out saves time and space.
if ! log=$(grub-mkrescue --locales= --themes= -o "$out.tmp" "$stage" -- -volid ANVIL 2>&1); then
	printf '%s\n' "$log" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
