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
	if [ "${UPDATE:-}" = 1 ] && [ $status -eq 0 ]; then
		cp "$tmpdir/out" "$name.ast"
	fi
	if [ $status -ne 0 ]; then
		fail "$name" "exit status $status"
		sed 's/^/    /' "$tmpdir/err"
	elif [ ! -f "$name.ast" ]; then
		fail "$name" "no $name.ast"
	elif compare "$name" "$name.ast" "$tmpdir/out"; then
		pass "$name"
	else
		fail "$name"
	fi
done
summary
