#!/bin/sh
# Programs that follow the rules: each tests/good/NAME.ks must pass
# 'kernelscript check' with status 0 and print nothing, no warning either.
# Together with tests/errors/ they pin down both sides of every rule.
. "$(dirname "$0")/lib.sh"
ensure_tracefs

cd "$TESTS_SRCDIR/good" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	skip_syscall_probe "$name" "$ks" && continue
	status=0
	"$KS" check "$ks" >"$tmpdir/out" 2>&1 || status=$?
	if [ $status -ne 0 ]; then
		fail "$name" "exit status $status, expected 0"
		sed 's/^/    /' "$tmpdir/out"
	elif [ -s "$tmpdir/out" ]; then
		fail "$name" "expected no output"
		sed 's/^/    /' "$tmpdir/out"
	else
		pass "$name"
	fi
done
summary
