#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages listed in packages.txt that are missing.
# Asks apt for nothing when everything is installed (dpkg-query only), so a
# second run costs a few milliseconds and needs no network.
#
# Usage: apt.sh PACKAGES_TXT
set -eu

list=$1
wanted=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=""
for p in $wanted; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

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
