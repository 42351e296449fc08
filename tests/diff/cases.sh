#!/bin/sh
# The regression cases of the differential test (tests/diff/cases): each
# NAME.ks is compiled with kernelscript and built with its generated
# Makefile.  A userspace case is run and must print exactly NAME.out.  A
# case named bpf_NAME.ks holds an @xdp program 'run' and an array map
# 'out': tests/kernel/xdp_run.c runs it once with BPF_PROG_TEST_RUN, and
# what it prints (the verdict and the map) must be exactly NAME.out; these
# need root and bpf(), and are skipped without them.
#
#   cases.sh [NAME...]      (default: every case)

here=$(cd "$(dirname "$0")" && pwd)
TESTS_SRCDIR=$here/..
. "$here/../lib.sh"	# KS: the build's kernelscript unless given

mkdir -p "$tmpdir/t"
TMPDIR=$tmpdir/t	# clang's crash reports
export TMPDIR

bpf_why=""
if [ "$(id -u)" != 0 ]; then
	bpf_why="not root"
elif ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$tmpdir/ktool" "$here/../kernel/ktool.c" \
	>/dev/null 2>&1 || ! "$tmpdir/ktool" bpf-probe >/dev/null 2>&1; then
	bpf_why="bpf() unusable"
# shellcheck disable=SC2046
elif ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$tmpdir/xdp_run" "$here/../kernel/xdp_run.c" \
	$(pkg-config --libs libbpf 2>/dev/null || echo "-lbpf -lelf -lz") >/dev/null 2>&1; then
	bpf_why="cannot build tests/kernel/xdp_run.c"
fi

cd "$here/cases" || exit 1
if [ $# -eq 0 ]; then
	set -- $(ls ./*.ks | sed 's|^\./||; s|\.ks$||')
fi
for name in "$@"; do
	case $name in
	bpf_*)
		if [ -n "$bpf_why" ]; then
			skip "$name" "$bpf_why"
			continue
		fi ;;
	esac
	out=$tmpdir/$name
	if ! "$KS" compile "$name.ks" -o "$out" >"$tmpdir/log" 2>&1; then
		fail "$name" "kernelscript compile failed"
		grep -i 'error' "$tmpdir/log" | sed 's/^/    | /'
		continue
	fi
	if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$out" >"$tmpdir/log" 2>&1; then
		fail "$name" "make failed"
		grep -i 'error' "$tmpdir/log" | grep -v '^ *#' | head -n 8 | sed 's/^/    | /'
		continue
	fi
	status=0
	case $name in
	bpf_*)
		"$tmpdir/xdp_run" "$out/.output/$name.bpf.o" run 1 out >"$tmpdir/stdout" \
			2>"$tmpdir/stderr" || status=$?
		[ "$status" = 0 ] || sed 's/^/    | /' "$tmpdir/stderr" | tail -n 8 ;;
	*)
		"$out/$name" >"$tmpdir/stdout" 2>&1 || status=$? ;;
	esac
	golden "$name" 0 "$status" "$name.out" "$tmpdir/stdout"
done
summary
