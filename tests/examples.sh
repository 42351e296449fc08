#!/bin/sh
# Every program in examples/ passes the front end.
. "$(dirname "$0")/lib.sh"

cd "$TESTS_SRCDIR/../examples" || exit 1
for ks in *.ks; do
	if "$KS" check "$ks" >"$tmpdir/out" 2>&1; then
		pass "${ks%.ks}"
	else
		fail "${ks%.ks}"
		sed 's/^/    /' "$tmpdir/out"
	fi
done
summary
