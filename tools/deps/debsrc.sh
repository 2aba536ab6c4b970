#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Give apt a deb-src entry so `apt-get source` works, by copying the machine's
# own deb entries (same URIs, suites, components, keys) with the type changed.
# No mirror address ever lives in the project: whatever mirror this machine
# already trusts is the one we use.
#
# Usage: debsrc.sh [APT_ETC]   (APT_ETC defaults to /etc/apt; tests pass a
#                               scratch directory)
# Exit status 0 when a deb-src entry exists afterwards. Prints "changed" on
# stdout when it wrote a new file, so the caller knows to run apt-get update.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
etc=${1:-/etc/apt}
out="$etc/sources.list.d/anvil-deb-src.sources"

# Every file apt reads: sources.list plus *.list / *.sources in sources.list.d
# (apt ignores other extensions, e.g. *.disabled).
list_files() {
	[ -f "$etc/sources.list" ] && echo "$etc/sources.list"
	for f in "$etc"/sources.list.d/*.list; do [ -f "$f" ] && echo "$f"; done
	for f in "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$out" ] && echo "$f"
	done
	return 0
}

has_foreign_deb_src() {
	for f in $(list_files); do
		case "$f" in
		*.sources) grep -qiE '^Types:.*(^|[[:space:]])deb-src([[:space:]]|$)' "$f" && return 0 ;;
		*) grep -qE '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0 ;;
		esac
	done
	return 1
}

if has_foreign_deb_src; then
	exit 0
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	echo "# Written by Anvil's tools/deps/debsrc.sh: the deb entries of this"
	echo "# machine, copied with Types: deb-src, so that apt-get source works."
	sh "$here/apt-sources.sh" --type deb-src --skip "$out" "$etc" || true
} >"$tmp"

if ! grep -q '^URIs:' "$tmp"; then
	echo "debsrc.sh: no deb entry found in $etc to copy into a deb-src entry" >&2
	exit 1
fi

if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
	exit 0
fi
if [ ! -w "$etc/sources.list.d" ]; then
	echo "debsrc.sh: cannot write $out (not root?); as root run: make deps" >&2
	exit 1
fi
cp "$tmp" "$out"
chmod 644 "$out"
echo changed
