#!/bin/sh
# @test functions run in the kernel: `kernelscript test FILE.ks` builds the
# runner and runs it.  testrun/packets.ks tests an XDP filter on a byte
# array, a struct laid out as the frame, a zeroed packet of a given size
# (packet_size) and maps set before and read after: all pass, one line
# each, then the counts.  --filter runs a subset.  testrun/failing.ks has a
# test that fails: the runner says which and exits 1, and main is not run.
# testrun/skipped.ks tests a tracepoint program, which the kernel cannot
# test-run: a warning at compile time, SKIP with the reason at run time.
# compile --test writes the runner's project.  Every example with @test
# functions passes its tests.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=testrun
D=$kt_tmp/testrun
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; }
mkdir -p "$D"
ks_test() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$KS" test "$@"
}

status=0
ks_test "$KT_DIR/testrun/packets.ks" >"$D/all.out" 2>"$D/all.err" || status=$?
if [ "$status" = 0 ] && [ "$(grep -c '^PASS ' "$D/all.out")" = 5 ] &&
	grep -q '^5 passed, 0 failed$' "$D/all.out"; then
	pass "$T: packets.ks: the five tests pass in the kernel"
else
	fail "$T: packets.ks" "exit status $status" "$D/all.out" "$D/all.err"
fi
for t in test_bytes_to_discard_dropped test_struct_frame_passed test_struct_frame_dropped \
	test_zeroed_packet_passed test_maps_before_and_after; do
	check "$T: $t" "no PASS line" grep -q "^PASS $t\$" "$D/all.out"
done

status=0
ks_test "$KT_DIR/testrun/packets.ks" --filter zeroed >"$D/one.out" 2>"$D/one.err" || status=$?
check "$T: --filter runs the tests whose names hold it" "$(cat "$D/one.out" "$D/one.err")" \
	sh -c "[ $status = 0 ] && [ \"\$(grep -c '^PASS ' '$D/one.out')\" = 1 ] &&
		grep -q '^PASS test_zeroed_packet_passed$' '$D/one.out' &&
		grep -q '^1 passed, 0 failed$' '$D/one.out'"

status=0
ks_test "$KT_DIR/testrun/failing.ks" >"$D/fail.out" 2>"$D/fail.err" || status=$?
check "$T: a failing test: FAIL with its name, the counts, exit status 1" \
	"exit status $status: $(cat "$D/fail.out" "$D/fail.err")" \
	sh -c "[ $status = 1 ] && grep -q '^FAIL test_expects_drop$' '$D/fail.out' &&
		grep -q '^PASS test_passes$' '$D/fail.out' &&
		grep -q '^1 passed, 1 failed$' '$D/fail.out' &&
		! grep -q 'main is not run' '$D/fail.out'"

status=0
ks_test "$KT_DIR/testrun/skipped.ks" >"$D/skip.out" 2>"$D/skip.err" || status=$?
check "$T: a program the kernel cannot test-run: SKIP with the reason, the others run, exit 0" \
	"exit status $status: $(cat "$D/skip.out" "$D/skip.err")" \
	sh -c "[ $status = 0 ] &&
		grep -q '^SKIP test_switch_counts: this kernel cannot run tracepoint programs (on_switch) on test data$' '$D/skip.out' &&
		grep -q '^PASS test_passes$' '$D/skip.out' &&
		grep -q '^1 passed, 0 failed, 1 skipped$' '$D/skip.out' &&
		grep -q 'warning: .*the test will be reported as skipped' '$D/skip.err'"

if "$KS" compile --test "$KT_DIR/testrun/failing.ks" -o "$D/runner" >"$D/runner.log" 2>&1 &&
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$D/runner" >>"$D/runner.log" 2>&1 &&
	"$D/runner/failing" --help >"$D/help.out" 2>&1 &&
	grep -q -- '--filter=NAME' "$D/help.out"; then
	pass "$T: compile --test writes the runner's project; its --help has --filter"
else
	fail "$T: compile --test" "no runner" "$D/runner.log" "$D/help.out"
fi

for ks in "$KT_TOP"/examples/*.ks; do
	grep -q '^@test' "$ks" || continue
	name=$(basename "$ks" .ks)
	status=0
	ks_test "$ks" >"$D/$name.out" 2>"$D/$name.err" || status=$?
	check "$T: examples/$name.ks: its tests pass ($(tail -n 1 "$D/$name.out"))" \
		"exit status $status" sh -c "[ $status = 0 ]"
done
summary
