#!/bin/sh
# Run every host unit-test binary given as an argument, show its output, and
# close with one line `unit: N passed, N failed` summed over all cmocka test
# cases. A binary that is missing (did not build) or dies without cmocka's
# summary counts its unfinished cases (at least one) as failed.
# Exit status: 0 only if nothing failed.

total_pass=0
total_fail=0

for bin in "$@"; do
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		echo "unit: $name: not built (see the compiler errors above)"
		total_fail=$((total_fail + 1))
		continue
	fi
	log="$bin.log"
	CMOCKA_MESSAGE_OUTPUT=stdout "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	# Sum over all groups in the binary; cmocka 1.1 prints
	#   [==========] Running N test(s).   [       OK ] name
	#   [  PASSED  ] N test(s).           [  FAILED  ] N test(s), listed below:
	read -r planned ok passed failed <<-END
	$(awk '
		/^\[==========\] Running [0-9]+ test/ { planned += $3 }
		/^\[       OK \]/                      { ok++ }
		/^\[  PASSED  \] [0-9]+ test/          { passed += $4 }
		/^\[  FAILED  \] [0-9]+ test/          { failed += $4 }
		END { printf "%d %d %d %d\n", planned, ok, passed, failed }' "$log")
	END
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		# Crashed (sanitizer abort, signal) before cmocka could summarise.
		passed=$ok
		failed=$((planned - ok))
		[ "$failed" -lt 1 ] && failed=1
		echo "unit: $name: exited with status $rc before finishing; counting $failed case(s) as failed"
	fi
	total_pass=$((total_pass + passed))
	total_fail=$((total_fail + failed))
done

echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
