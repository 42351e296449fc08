#!/bin/sh
# Code generation errors: each tests/compile_errors/NAME.ks passes the
# checker but holds a construct this version cannot generate.
# 'kernelscript compile' must exit with status 1, print exactly
# tests/compile_errors/NAME.err on stderr and leave nothing behind: not
# even the output directory.
# UPDATE=1 rewrites the .err files (review the diff before committing).
. "$(dirname "$0")/lib.sh"

cd "$TESTS_SRCDIR/compile_errors" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	out=$tmpdir/out
	rm -rf "$out"
	status=0
	"$KS" compile "$ks" -o "$out" >/dev/null 2>"$tmpdir/err" || status=$?
	if [ "${UPDATE:-}" = 1 ] && [ $status -eq 1 ]; then
		cp "$tmpdir/err" "$name.err"
	fi
	left=$( [ -e "$out" ] && ls -A "$out")
	if [ $status -ne 1 ]; then
		fail "$name" "exit status $status, expected 1"
		sed 's/^/    /' "$tmpdir/err"
	elif [ ! -f "$name.err" ]; then
		fail "$name" "no $name.err"
	elif [ -n "$left" ]; then
		fail "$name" "files left in the output directory: $(echo $left)"
	elif compare "$name" "$name.err" "$tmpdir/err"; then
		pass "$name"
	else
		fail "$name"
	fi
done
summary
