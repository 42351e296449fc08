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
	left=$( [ -e "$out" ] && ls -A "$out")
	if [ $status -eq 1 ] && [ -n "$left" ]; then
		fail "$name" "files left in the output directory: $(echo $left)"
	else
		golden "$name" 1 $status "$name.err" "$tmpdir/err"
	fi
done
summary
