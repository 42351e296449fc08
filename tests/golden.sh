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
	golden "$name" 0 $status "$name.c.expected" "$tmpdir/out" "$tmpdir/err"
done
summary
