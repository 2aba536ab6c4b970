#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Print this machine's enabled apt "deb" entries as deb822 stanzas (apt's
# sources(5) "DEB822-STYLE FORMAT"), with their type changed to TYPE and,
# with --suite, only the suites of that Debian release (CODENAME and
# CODENAME-*, e.g. bookworm, bookworm-updates, bookworm-security).
# Used by debsrc.sh (a deb-src entry for `apt-get source`) and by
# fresh-check.sh (the same mirror and suites for a bare root). No mirror
# address ever lives in the project: whatever this machine trusts is used.
#
# Usage: apt-sources.sh [--type TYPE] [--suite CODENAME] [--skip FILE] [APT_ETC]
#   TYPE defaults to deb; APT_ETC to /etc/apt (tests pass a scratch directory);
#   --skip FILE leaves out one file (debsrc.sh's own output).
# Exit status 1 (with a message) when no entry is left.
set -eu

type=deb suite="" skip="" etc=/etc/apt
while [ $# -gt 0 ]; do
	case $1 in
	--type) type=$2; shift ;;
	--suite) suite=$2; shift ;;
	--skip) skip=$2; shift ;;
	-*) echo "apt-sources.sh: unknown option $1" >&2; exit 2 ;;
	*) etc=$1 ;;
	esac
	shift
done

# Every file apt reads: sources.list plus *.list / *.sources in sources.list.d
# (apt ignores other extensions, e.g. *.disabled).
list_files() {
	[ -f "$etc/sources.list" ] && echo "$etc/sources.list"
	for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$skip" ] && echo "$f"
	done
	return 0
}

# Suite filter shared by both formats: a suite is kept when no --suite was
# given, or when it is CODENAME or CODENAME-<something>.
AWK_KEEP='function keep(s) { return want == "" || s == want || index(s, want "-") == 1 }'

# deb822: stanzas separated by blank lines, '#' comments, continuation lines
# start with white space (Signed-By may embed a whole key that way, so
# continuations are copied verbatim).
convert_deb822() {
	awk -v type="$type" -v want="$suite" "$AWK_KEEP"'
	function reset() { n = 0; has_deb = 0; enabled = 1; skip_cont = 0; suites = "" }
	function flush(  i) {
		if (n > 0 && has_deb && enabled && suites != "") {
			if (emitted++) print ""
			for (i = 0; i < n; i++) print (line[i] == "@SUITES@" ? "Suites:" suites : line[i])
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
			line[n++] = "Types: " type
			skip_cont = 1
			next
		}
		if (key == "suites") {
			ns = split(val, s, /[ \t]+/)
			for (i = 1; i <= ns; i++) if (s[i] != "" && keep(s[i])) suites = suites " " s[i]
			line[n++] = "@SUITES@"
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
# every type and are dropped; the options that matter for trust are kept.
convert_one_line() {
	awk -v type="$type" -v want="$suite" "$AWK_KEEP"'
	/^[ \t]*deb[ \t]/ {
		sub(/^[ \t]*deb[ \t]+/, "")
		opts = ""
		if (substr($0, 1, 1) == "[") {
			opts = substr($0, 2, index($0, "]") - 2)
			$0 = substr($0, index($0, "]") + 1)
		}
		nf = split($0, w, /[ \t]+/)
		k = 1; if (w[1] == "") k = 2
		uri = w[k]; s = w[k + 1]; comps = ""
		if (!keep(s)) next
		for (i = k + 2; i <= nf; i++) if (w[i] != "") comps = comps " " w[i]
		if (emitted++) print ""
		print "Types: " type
		print "URIs: " uri
		print "Suites: " s
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

out=$(
	for f in $(list_files); do
		case "$f" in
		*.sources) convert_deb822 "$f" ;;
		*) convert_one_line "$f" ;;
		esac
		echo ""
	done | awk 'NF || prev_nf { print } { prev_nf = NF }'
)

if ! printf '%s\n' "$out" | grep -q '^URIs:'; then
	echo "apt-sources.sh: no enabled deb entry${suite:+ for $suite} in $etc" >&2
	exit 1
fi
printf '%s\n' "$out"
