#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run the libFuzzer harnesses one after the other, each as one process on one
# core (-jobs=1 -workers=1), and print a table: target, executions, exec/s,
# coverage (libFuzzer's cov: and ft:), crashes. Called by tests/fuzz/build.mk.
#
# Usage: FUZZ_DIR=build/fuzz run.sh fuzz SECONDS [RUNS] TARGET...
#        FUZZ_DIR=build/fuzz run.sh smoke 0 RUNS TARGET...
#   fuzz:  SECONDS each (or RUNS executions, if given), growing
#          $FUZZ_DIR/corpus/<target> from $FUZZ_DIR/seeds/<target>
#   smoke: RUNS executions after the seeds, nothing kept but crashes
# Crashes land in $FUZZ_DIR/crashes/<target>/; every one there is listed with
# the command that replays it. Closes with "fuzz: N passed, N failed" (a
# target passes when its run found no crash); exit status 0 only then.
set -u

mode=$1 seconds=$2 runs=$3
shift 3
dir=$(mkdir -p "${FUZZ_DIR:?}" && cd "$FUZZ_DIR" && pwd)
here=$(pwd)
dicts=$here/tests/fuzz/dict

# Inputs larger than this only slow a harness down (ELF payloads are ~40 KiB;
# the unit tests' device trees under 10 KiB; an esr input is 57 bytes; a
# vgic_mmio sequence of 1 KiB is about a hundred accesses).
max_len() {
	case $1 in
	elf) echo 65536 ;;
	mb2 | acpi | dt) echo 16384 ;;
	psf) echo 8192 ;;
	esr) echo 64 ;;
	vgic_mmio) echo 1024 ;;
	*) echo 4096 ;;
	esac
}

# "cov ft" from libFuzzer's last status line.
coverage() {
	sed -n 's/^#[0-9]*[[:space:]]*[A-Z]*[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' "$1" | tail -n 1
}

stat() { # $1 = log, $2 = stat name
	sed -n "s/^stat::$2:[[:space:]]*\\([0-9]*\\).*/\\1/p" "$1" | tail -n 1
}

passed=0 failed=0
table=$dir/$mode-table.txt
printf '%-12s %12s %9s %6s %7s %8s\n' target executions exec/s cov ft crashes >"$table"
for t in "$@"; do
	bin=$dir/bin/fuzz_$t
	crashes=$dir/crashes/$t
	work=$dir/logs/$t
	mkdir -p "$crashes" "$work" "$dir/corpus/$t" "$dir/seeds/$t"
	if [ "$mode" = smoke ]; then
		rm -rf "$dir/smoke/$t"
		mkdir -p "$dir/smoke/$t"
		corpus="$dir/smoke/$t $dir/seeds/$t"
		limit="-runs=$runs -seed=1"
	else
		corpus="$dir/corpus/$t $dir/seeds/$t"
		limit="-max_total_time=$seconds"
		[ -n "$runs" ] && limit="-runs=$runs"
	fi
	dict=
	[ -f "$dicts/$t.dict" ] && dict="-dict=$dicts/$t.dict"
	before=$(ls "$crashes" | wc -l)
	[ "$mode" = fuzz ] && echo "fuzz: $t ($limit)" >&2
	# shellcheck disable=SC2086 # the option lists are split on purpose
	(cd "$work" && rm -f fuzz-0.log &&
		"$bin" -jobs=1 -workers=1 $limit $dict -max_len="$(max_len "$t")" \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$crashes/" $corpus >run.log 2>&1)
	rc=$?
	log=$work/fuzz-0.log
	[ -f "$log" ] || log=$work/run.log
	execs=$(stat "$log" number_of_executed_units)
	speed=$(stat "$log" average_exec_per_sec)
	cov_ft=$(coverage "$log")
	cov=${cov_ft% *} ft=${cov_ft#* }
	[ -n "$cov_ft" ] || { cov=- ft=-; }
	new=$(($(ls "$crashes" | wc -l) - before))
	if [ "$rc" -ne 0 ] || [ "$new" -ne 0 ] || [ -z "$execs" ]; then
		failed=$((failed + 1))
		[ "$new" -eq 0 ] && echo "fuzz: $t: the run failed (status $rc), see $log" >&2
	else
		passed=$((passed + 1))
	fi
	printf '%-12s %12s %9s %6s %7s %8s\n' "$t" "${execs:--}" "${speed:--}" "$cov" "$ft" "$new" >>"$table"
done
cat "$table"
open=$(find "$dir/crashes" -type f | sort)
if [ -n "$open" ]; then
	echo "open crashes (replay one: the harness with the file as its argument):"
	for f in $open; do
		t=$(basename "$(dirname "$f")")
		echo "  $dir/bin/fuzz_$t $f"
	done
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
