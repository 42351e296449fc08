#!/bin/sh
# Diagnostic tests: each tests/errors/NAME.ks must make 'kernelscript check'
# exit with status 1 and print exactly tests/errors/NAME.err on stderr,
# source lines and carets included.  A warn_NAME.ks has warnings only: it
# must pass (status 0) with exactly its warnings.
# UPDATE=1 rewrites the .err files (review the diff before committing).
. "$(dirname "$0")/lib.sh"
ensure_tracefs

cd "$TESTS_SRCDIR/errors" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	skip_syscall_probe "$name" "$ks" && continue
	want=1
	case $name in warn_*) want=0 ;; esac
	status=0
	"$KS" check "$ks" >/dev/null 2>"$tmpdir/err" || status=$?
	golden "$name" $want $status "$name.err" "$tmpdir/err"
done
summary
