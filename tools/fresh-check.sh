#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make fresh-check: prove that the README's two commands work on a machine
# where nothing was installed by hand. Builds a minimal Debian root with
# debootstrap (the mirror and suites this machine's apt already uses; no host
# name lives in the project), caches it as a tarball under build/, clones the
# committed HEAD into a fresh copy of it, mounts /proc, /sys and /dev for the
# emulators, and runs `make run` then `make test` inside it with no standard
# input and a clean environment. Prints, per command, its exit status, its
# closing "N passed, N failed, N skipped" line and its wall time; exits 0 only
# when both passed. The mounts and the working root are removed on every exit
# path (success, failure, Ctrl-C, SIGTERM, a timeout).
#
# Usage: tools/fresh-check.sh [--keep] [--rebuild-root] [--timeout SECONDS]
#   --keep           leave the working root (build/fresh-check/root) for a look
#                    inside; its mounts are still removed
#   --rebuild-root   ignore the cached pristine root and debootstrap again
#   --timeout S      wall-clock limit per command (default 1800 s)
# Environment: FRESH_CHECK_DIR (default build/fresh-check under the repo).
set -u

prog=fresh-check
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=0 rebuild=0 limit=1800
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--rebuild-root) rebuild=1 ;;
	--timeout)
		shift
		case ${1:-} in '' | *[!0-9]*) echo "$prog: --timeout needs a number of seconds" >&2; exit 2 ;; esac
		limit=$1 ;;
	-h | --help) sed -n '3,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "$prog: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done

if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: must run as root: it runs debootstrap, chroot and mount (try: sudo make fresh-check)" >&2
	exit 2
fi

top=${FRESH_CHECK_DIR:-$repo/build/fresh-check}
root=$top/root
logs=$top/logs
mkdir -p "$top" "$logs" || exit 1
top=$(cd "$top" && pwd) root=$top/root logs=$top/logs

say() { echo "$prog: $*"; }
die() { echo "$prog: $*" >&2; exit 1; }

# ---- cleanup: every exit path ends here ----

# Processes whose root directory is the working root (make, QEMU, Bochs...).
root_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in "$root" | "$root"/*) echo "${p#/proc/}" ;; esac
	done
}

mounts_under_root() {
	# /proc/self/mountinfo field 5 is the mount point (octal escapes for spaces).
	awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo
}

# Stop everything running inside the working root, unmount what is mounted
# under it, and remove it (unless --keep). Safe to call more than once.
release_root() {
	local sig pids i m
	[ -n "${job:-}" ] && kill "$job" 2>/dev/null
	for sig in TERM KILL; do
		pids=$(root_pids)
		[ -z "$pids" ] && break
		# shellcheck disable=SC2086 # one word per pid
		kill -s "$sig" $pids 2>/dev/null
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(root_pids)" ] && break
			sleep 0.5
		done
	done
	[ -d "$root" ] || return 0
	# Deepest first; a busy one is detached lazily so nothing stays mounted.
	for m in $(mounts_under_root | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	if [ -n "$(mounts_under_root)" ]; then
		echo "$prog: could not unmount everything under $root; not removing it:" >&2
		mounts_under_root >&2
		return 1
	fi
	if [ "${1:-}" = keep ]; then
		say "kept the working root $root (--keep)"
	else
		rm -rf --one-file-system "$root"
	fi
}

cleaned=0
cleanup() {
	[ "$cleaned" = 1 ] && return
	cleaned=1
	release_root "$([ "$keep" = 1 ] && echo keep)"
	rm -rf "$top/mkroot.$$" "$top/cache.tmp.$$"
}
on_signal() {
	echo "$prog: interrupted by SIG$1; cleaning up" >&2
	cleanup
	exit 130
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# ---- host tools ----

for tool in git tar chroot mount timeout; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed on this machine"
done
if ! command -v debootstrap >/dev/null 2>&1; then
	say "installing debootstrap on this machine (needed only by fresh-check)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >"$logs/debootstrap-install.log" 2>&1 ||
		{ tail -n 20 "$logs/debootstrap-install.log" >&2; die "could not install debootstrap"; }
fi

# ---- what to build: this machine's own Debian sources ----

# shellcheck disable=SC1091 # the host's os-release
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "/etc/os-release names no VERSION_CODENAME; is this Debian?"
sources=$(sh "$repo/tools/deps/apt-sources.sh" --suite "$codename") ||
	die "could not read this machine's apt sources for '$codename' (see above)"
# debootstrap takes the base suite from the first entry that has it.
base=$(printf '%s\n\n' "$sources" | awk -v want="$codename" '
	/^$/ { if (hit && uri != "") { print uri; print comps; exit } hit = 0; uri = ""; comps = ""; next }
	$1 == "URIs:" { uri = $2 }
	$1 == "Components:" { $1 = ""; sub(/^ /, ""); gsub(/ /, ","); comps = $0 }
	$1 == "Suites:" { for (i = 2; i <= NF; i++) if ($i == want) hit = 1 }')
mirror=$(printf '%s\n' "$base" | sed -n 1p)
components=$(printf '%s\n' "$base" | sed -n 2p)
[ -n "$mirror" ] || die "no deb entry for suite '$codename' in this machine's apt sources"
dpkg_arch=$(dpkg --print-architecture)
dbs_version=$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)
key=$(printf '%s %s %s %s %s\n' "$codename" "$dpkg_arch" "$mirror" "$components" "$dbs_version" | sha256sum | cut -c1-12)
cache=$top/debian-$codename-$dpkg_arch-minbase-$key.tar

head=$(git -C "$repo" rev-parse HEAD) || die "$repo is not a git checkout"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
	say "note: the working tree has uncommitted changes; only the committed HEAD is checked"
fi
say "checking HEAD $(git -C "$repo" log -1 --format='%h %s' "$head")"

# ---- the pristine root, cached ----

if [ "$rebuild" = 1 ] || [ ! -f "$cache" ]; then
	say "debootstrap --variant=minbase $codename from $mirror (components: ${components:-main})"
	t0=$SECONDS
	mk=$top/mkroot.$$
	rm -rf "$mk"
	if ! debootstrap --variant=minbase ${components:+--components="$components"} \
		"$codename" "$mk" "$mirror" >"$logs/debootstrap.log" 2>&1; then
		tail -n 20 "$logs/debootstrap.log" >&2
		die "debootstrap failed (log: $logs/debootstrap.log)"
	fi
	rm -f "$top"/debian-"$codename"-"$dpkg_arch"-minbase-*.tar
	tar -C "$mk" --numeric-owner -cf "$top/cache.tmp.$$" . || die "could not write the root tarball"
	mv "$top/cache.tmp.$$" "$cache"
	rm -rf "$mk"
	say "pristine root cached as $cache ($((SECONDS - t0)) s)"
else
	say "pristine root from cache $cache"
fi

# ---- the working root ----

# A /dev of its own (tmpfs with the usual nodes, a private devpts and shm)
# rather than a bind mount of the host's: nothing done inside the root, and
# no `rm -rf` of a root left behind, can touch the host's device nodes.
make_dev() {
	local d=$1
	mount -t tmpfs -o mode=755,nosuid tmpfs "$d" || return 1
	mknod -m 666 "$d/null" c 1 3 && mknod -m 666 "$d/zero" c 1 5 &&
		mknod -m 666 "$d/full" c 1 7 && mknod -m 666 "$d/random" c 1 8 &&
		mknod -m 666 "$d/urandom" c 1 9 && mknod -m 666 "$d/tty" c 5 0 || return 1
	mkdir -p "$d/pts" "$d/shm"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$d/pts" || return 1
	ln -s pts/ptmx "$d/ptmx"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$d/shm" || return 1
	ln -s /proc/self/fd "$d/fd"
	ln -s /proc/self/fd/0 "$d/stdin"
	ln -s /proc/self/fd/1 "$d/stdout"
	ln -s /proc/self/fd/2 "$d/stderr"
}

if [ -e "$root" ]; then
	say "removing a working root left by an earlier run"
	release_root || die "could not remove the old working root $root"
fi
mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$cache" || die "could not unpack $cache"

# The machine's Debian suites (debootstrap itself wrote only the base suite).
rm -f "$root/etc/apt/sources.list"
printf '%s\n' "$sources" >"$root/etc/apt/sources.list.d/debian.sources"
for k in $(printf '%s\n' "$sources" | awk '$1 == "Signed-By:" && $2 ~ /^\// { print $2 }'); do
	[ -f "$root$k" ] || { mkdir -p "$(dirname "$root$k")" && cp "$k" "$root$k"; }
done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# Packages must not start services inside a chroot (Debian's policy-rc.d).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

git clone -q --no-hardlinks "$repo" "$root/root/anvil" || die "git clone into the root failed"
git -C "$root/root/anvil" checkout -q --detach "$head" || die "could not check out $head"

mount -t proc proc "$root/proc" || die "mount /proc failed"
mount -t sysfs sysfs "$root/sys" || die "mount /sys failed"
make_dev "$root/dev" || die "could not set up /dev in the root"

# ---- the two commands ----

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

closing_line() { # $1 = log; the last "N passed, N failed, N skipped" line
	grep -E '[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$1" | tail -n 1 | sed 's/\r$//'
}

status=0
summary=""
# run_in_root LOG-NAME LABEL counted|uncounted COMMAND: COMMAND runs in the
# root's shell from the clone; "counted" steps must also end with a closing
# line that reports 0 failed.
run_in_root() {
	local log=$logs/$1.log label=$2 counted=$3 cmd=$4 t0 rc line failed verdict dt
	say "== $label (log: $log)"
	t0=$SECONDS
	# In the background so that a signal reaches our trap at once (a
	# foreground wait would defer it until the command ended).
	(
		env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
			timeout -k 30 "$limit" chroot "$root" /bin/sh -c "cd /root/anvil && $cmd" \
			</dev/null 2>&1 | tee "$log"
		exit "${PIPESTATUS[0]}"
	) &
	job=$!
	wait "$job"
	rc=$?
	job=""
	last_rc=$rc
	dt=$((SECONDS - t0))
	line=""
	[ "$counted" = counted ] && line=$(closing_line "$log")
	case $rc in 124 | 137) line="TIMEOUT after $limit s${line:+ (last: $line)}" ;; esac
	failed=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed,.*/\1/p')
	verdict=PASS
	if [ "$rc" != 0 ] || { [ "$counted" = counted ] && [ "${failed:-none}" != 0 ]; }; then
		verdict=FAIL
		status=1
	fi
	[ "$counted" = counted ] && [ -z "$line" ] && line="no closing line"
	summary="$summary$(printf '%-12s %s  rc=%s  %s  (%s)' "$label" "$verdict" "$rc" "$line" "$(fmt_time "$dt")")
"
	[ "$verdict" = FAIL ] && summary="$summary$(why_failed "$log" | sed 's/^/      /')
"
}

# The lines that say why a step failed: the dependency check's own messages
# when there are any (a missing package or file), else the log's last lines.
why_failed() {
	local why
	why=$(grep -E '^apt\.sh: ' "$1" | grep -v '^apt\.sh: installing:' | awk '!seen[$0]++' | head -n 8)
	[ -n "$why" ] || why=$(tail -n 5 "$1")
	printf '%s\n' "$why"
}

# What the README asks a user to have before the two commands: the clone
# (made above, from outside) and make. Nothing else is installed by hand.
run_in_root prerequisite "make (apt)" uncounted \
	"apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make"
if [ "$status" = 0 ]; then
	run_in_root make-run "make run" counted "make run"
	# A command killed by the time limit leaves the root half-installed:
	# running the second one there would report that, not the project.
	if [ "$last_rc" = 124 ] || [ "$last_rc" = 137 ]; then
		summary="${summary}make test    NOT RUN  (make run hit the time limit)
"
	else
		run_in_root make-test "make test" counted "make test"
	fi
fi

echo
say "summary (Debian $codename minbase root, HEAD ${head%"${head#???????}"}):"
printf '%s' "$summary" | sed "s/^/$prog:   /"
if [ "$status" = 0 ]; then
	say "PASS: both commands work on a bare machine"
else
	say "FAIL (logs: $logs)"
fi
exit $status
