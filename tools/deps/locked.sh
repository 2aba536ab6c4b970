#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run one dependency step under a lock, then touch its stamp.
# Several makes may run in the same tree at once (a developer's `make unit`
# next to `make deps`); the lock serialises them, and a make that waited
# finds the stamp fresh and does nothing instead of rebuilding under the
# first one's feet.
#
# Usage: locked.sh STAMP [PREREQ...] -- COMMAND [ARG...]
set -eu

stamp=$1
shift
mkdir -p "$(dirname "$stamp")"
exec 9>"$stamp.lock"
flock 9

fresh=1
[ -f "$stamp" ] || fresh=0
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	[ "$fresh" = 1 ] && [ "$1" -nt "$stamp" ] && fresh=0
	shift
done
[ $# -gt 0 ] && shift # the --
[ "$fresh" = 1 ] && exit 0

rm -f "$stamp"
"$@"
touch "$stamp"
