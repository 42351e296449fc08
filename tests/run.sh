#!/bin/sh
# Userspace programs built and run: each tests/run/NAME.ks is compiled with
# 'kernelscript compile', built with its generated Makefile, and run; it
# must exit with status 0 and print exactly tests/run/NAME.out.  These
# programs have no eBPF side, so they need neither root nor bpf().
. "$(dirname "$0")/lib.sh"

for tool in make "${CC:-cc}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: no $tool"
		exit 77
	fi
done

cd "$TESTS_SRCDIR/run" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	out=$tmpdir/$name
	if ! "$KS" compile "$ks" -o "$out" >"$tmpdir/log" 2>&1; then
		fail "$name" "kernelscript compile failed"
		sed 's/^/    /' "$tmpdir/log"
		continue
	fi
	if ! env -u MAKEFLAGS -u MFLAGS make -C "$out" >"$tmpdir/log" 2>&1; then
		fail "$name" "make failed"
		sed 's/^/    /' "$tmpdir/log"
		continue
	fi
	status=0
	"$out/$name" >"$tmpdir/stdout" 2>&1 || status=$?
	golden "$name" 0 $status "$name.out" "$tmpdir/stdout"
done
summary
