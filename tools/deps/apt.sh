#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages listed in packages.txt that are missing, then
# check that every system file the build, the unit tests, the emulators and
# the runner read exists (required-files.txt, kept beside packages.txt). A
# missing file is reported with the package that should have brought it,
# before any compiler runs.
# Asks apt for nothing when everything is installed (dpkg-query only), so a
# second run costs a few milliseconds and needs no network.
#
# Usage: apt.sh PACKAGES_TXT [REQUIRED_FILES_TXT]
#   REQUIRED_FILES_TXT defaults to required-files.txt beside PACKAGES_TXT.
set -eu

list=$1
files=${2:-$(dirname "$1")/required-files.txt}
wanted=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$' || true)

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

missing=""
for p in $wanted; do
	installed "$p" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "apt.sh: these Debian packages are missing:$missing" >&2
		echo "apt.sh: install them as root:  apt-get install$missing" >&2
		echo "apt.sh: (or run 'make deps' as root)" >&2
		exit 1
	fi
	echo "apt.sh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	apt-get install -y -q --no-install-recommends $missing
fi

# Every line: PATH PACKAGE WHAT-NEEDS-IT. Checked even when nothing was
# installed, so a file deleted by hand is found here too.
[ -f "$files" ] || { echo "apt.sh: $files is missing" >&2; exit 1; }
bad=0
while read -r path pkg why; do
	case $path in '' | '#'*) continue ;; esac
	[ -e "$path" ] && continue
	bad=$((bad + 1))
	if installed "$pkg"; then
		echo "apt.sh: missing $path ($why): package $pkg is installed but did not bring it" >&2
	else
		echo "apt.sh: missing $path ($why): it comes from package $pkg, which is not installed" >&2
		printf '%s\n' "$wanted" | grep -qx "$pkg" ||
			echo "apt.sh:   ($pkg is not in $list: add it there)" >&2
	fi
done <"$files"
if [ "$bad" -ne 0 ]; then
	echo "apt.sh: $bad required file(s) missing; see $files and docs/dependencies.md" >&2
	exit 1
fi
