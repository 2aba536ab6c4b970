#!/bin/sh
# `make test`: host unit tests, the runner's own tests, then every platform
# this machine can run. Prints one closing line over all of them and exits
# non-zero if anything failed.
set -u
MAKE=${MAKE:-make}
mkdir -p build/reports
log=build/reports/make-test.log
: > "$log"

count() { # $1 = file, prints "passed failed skipped" from the last closing line
	sed -n 's/^\([A-Za-z-]*: \)\{0,1\}\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}.*$/\2 \3 \5/p' "$1" | tail -n 1
}

status=0
echo "== host unit tests"
$MAKE --no-print-directory unit 2>&1 | tee build/reports/unit.log || status=1
echo "== fuzz smoke (each fuzz harness from its seeds, the decoder against LLVM)"
$MAKE --no-print-directory fuzz-smoke 2>&1 | tee build/reports/fuzz-smoke.log || status=1
echo "== runner self-tests"
python3 tools/test_anvil.py 2>&1 | tee build/reports/runner-unit.log
[ "$(tail -n 1 build/reports/runner-unit.log)" = "OK" ] || grep -q '^OK' build/reports/runner-unit.log || status=1
# The runner against a kernel that dies on purpose (crash=...): each run must
# be reported as a failure with the right reason, and never hang the runner.
# Runs before the platforms so their reports are the ones left in build/reports.
echo "== runner failure handling (kernel told to crash; each run must FAIL)"
ep=0; ef=0
expect_fail() { # $1 = crash mode, $2 = text the verdict must contain
	out=$(python3 tools/anvil run qemu-x86-grub --timeout 10 --cmdline "crash=$1" 2>&1)
	rc=$?
	if echo "$out" | grep -q "SKIPPED"; then
		echo "crash=$1: platform cannot run here, not checked"
	elif [ $rc -eq 1 ] && echo "$out" | grep -q "FAIL: .*$2"; then
		echo "ok: crash=$1 reported as failure ($2)"; ep=$((ep + 1))
	else
		echo "NOT OK: crash=$1 (runner rc=$rc) not reported as '$2':"; echo "$out" | tail -n 5
		ef=$((ef + 1))
	fi
}
expect_fail panic "Bail out! hypervisor panic: crash=panic"
expect_fail fault "Bail out! hypervisor panic: unexpected #PF"
expect_fail hang "timeout after 10 s"
[ $ef -eq 0 ] || status=1

echo "== platforms"
$MAKE --no-print-directory platforms-test 2>&1 | tee build/reports/platforms.log || status=1

# Board-farm and screen checks (docs/lava.md): the qemu-x86-grub job under
# LAVA's own dispatcher, compared with the runner case by case; the summary
# screen at the end of a run, screendumped and read back from the pixels.
echo "== LAVA (lava-run standalone, results compared with the runner's)"
$MAKE --no-print-directory lava-check 2>&1 | tee build/reports/lava-check.log
lp=0; lf=1
grep -q '^lava-check: \([0-9]*\) of \1 cases agree, 0 problems' build/reports/lava-check.log && { lp=1; lf=0; }
echo "== summary screen (screendump of qemu-x86-grub, read back)"
$MAKE --no-print-directory screenshot-check 2>&1 | tee build/reports/screenshot-check.log
if grep -q 'summary screen displayed: PASS' build/reports/screenshot-check.log; then lp=$((lp + 1)); else lf=$((lf + 1)); fi


set -- $(count build/reports/unit.log) ; up=${1:-0} uf=${2:-1}
set -- $(count build/reports/fuzz-smoke.log) ; zp=${1:-0} zf=${2:-1}
set -- $(count build/reports/platforms.log) ; pp=${1:-0} pf=${2:-1} ps=${3:-0}
rp=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' build/reports/runner-unit.log | tail -n 1)
rf=0; grep -q '^OK' build/reports/runner-unit.log || rf=1
passed=$((up + zp + ${rp:-0} + pp + ep + lp)); failed=$((uf + zf + rf + pf + ef + lf))
[ "$failed" -eq 0 ] || status=1
echo "== summary: unit $up/$((up + uf)), fuzz smoke $zp/$((zp + zf)), runner $([ $rf -eq 0 ] && echo ok || echo FAILED), platforms $pp passed $pf failed $ps skipped, failure handling $ep/$((ep + ef)), lava + screen $lp/$((lp + lf))"
echo "test: $passed passed, $failed failed, $ps skipped"
exit $status
