#!/bin/sh
# Golden tests of generated C: tests/golden/NAME.ks through ks2c must print
# exactly tests/golden/NAME.c.expected.  The kernel tests prove the C works;
# these show, in review, every change to what it looks like.
# UPDATE=1 rewrites the expected files (review the diff before committing).
. "$(dirname "$0")/lib.sh"

cd "$TESTS_SRCDIR/golden" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	status=0
	"$KS2C" "$ks" >"$tmpdir/out" 2>"$tmpdir/err" || status=$?
	if [ "${UPDATE:-}" = 1 ] && [ $status -eq 0 ]; then
		cp "$tmpdir/out" "$name.c.expected"
	fi
	if [ $status -ne 0 ]; then
		fail "$name" "exit status $status"
		sed 's/^/    /' "$tmpdir/err"
	elif compare "$name" "$name.c.expected" "$tmpdir/out"; then
		pass "$name"
	else
		fail "$name"
	fi
done
summary
