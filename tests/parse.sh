#!/bin/sh
# Golden parse tests: each tests/parse/NAME.ks is checked with --dump-ast,
# must succeed, and must print exactly tests/parse/NAME.ast.
# UPDATE=1 rewrites the .ast files (review the diff before committing).
. "$(dirname "$0")/lib.sh"

cd "$TESTS_SRCDIR/parse" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	status=0
	"$KS" check --parse-only --dump-ast "$ks" >"$tmpdir/out" 2>"$tmpdir/err" || status=$?
	golden "$name" 0 $status "$name.ast" "$tmpdir/out" "$tmpdir/err"
done
summary
