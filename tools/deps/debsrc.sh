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

# deb822 (apt's sources(5) "DEB822-STYLE FORMAT"): stanzas separated by blank
# lines, '#' comments, continuation lines start with white space (Signed-By may
# embed a whole key that way, so continuations are copied verbatim).
convert_deb822() {
	awk '
	function reset() { n = 0; has_deb = 0; enabled = 1; skip_cont = 0 }
	function flush(  i) {
		if (n > 0 && has_deb && enabled) {
			if (emitted++) print ""
			for (i = 0; i < n; i++) print line[i]
		}
		reset()
	}
	BEGIN { reset() }
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^[ \t]/ { if (!skip_cont) line[n++] = $0; next }
	{
		key = tolower(substr($0, 1, index($0, ":") - 1))
		val = substr($0, index($0, ":") + 1)
		skip_cont = 0
		if (key == "types") {
			has_deb = (val ~ /(^|[ \t])deb([ \t]|$)/)
			line[n++] = "Types: deb-src"
			skip_cont = 1
			next
		}
		if (key == "enabled" && tolower(val) ~ /no/) enabled = 0
		line[n++] = $0
	}
	END { flush() }
	' "$@"
}

# One-line format (sources.list(5)): deb [opt=val ...] URI SUITE [COMPONENT...]
# becomes a deb822 stanza. Architecture/language options do not apply to
# source packages and are dropped; the options that matter for trust are kept.
convert_one_line() {
	awk '
	/^[ \t]*deb[ \t]/ {
		sub(/^[ \t]*deb[ \t]+/, "")
		opts = ""
		if (substr($0, 1, 1) == "[") {
			opts = substr($0, 2, index($0, "]") - 2)
			$0 = substr($0, index($0, "]") + 1)
		}
		nf = split($0, w, /[ \t]+/)
		k = 1; if (w[1] == "") k = 2
		uri = w[k]; suite = w[k + 1]; comps = ""
		for (i = k + 2; i <= nf; i++) if (w[i] != "") comps = comps " " w[i]
		if (emitted++) print ""
		print "Types: deb-src"
		print "URIs: " uri
		print "Suites: " suite
		if (comps != "") print "Components:" comps
		no = split(opts, o, /[ \t]+/)
		for (i = 1; i <= no; i++) {
			eq = index(o[i], "=")
			if (eq == 0) continue
			name = substr(o[i], 1, eq - 1); v = substr(o[i], eq + 1)
			if (name == "signed-by") print "Signed-By: " v
			else if (name == "trusted") print "Trusted: " v
			else if (name == "check-valid-until") print "Check-Valid-Until: " v
		}
	}
	' "$@"
}

if has_foreign_deb_src; then
	exit 0
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	echo "# Written by Anvil's tools/deps/debsrc.sh: the deb entries of this"
	echo "# machine, copied with Types: deb-src, so that apt-get source works."
	for f in $(list_files); do
		case "$f" in
		*.sources) convert_deb822 "$f" ;;
		*) convert_one_line "$f" ;;
		esac
		echo ""
	done
} | awk 'NF || prev_nf { print } { prev_nf = NF }' >"$tmp"

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
