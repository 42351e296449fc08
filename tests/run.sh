#!/bin/sh
# Userspace programs built and run: each tests/run/NAME.ks is compiled with
# 'kernelscript compile', built with its generated Makefile, and run; it
# must exit with status 0 and print exactly tests/run/NAME.out.  These
# programs have no eBPF side: they need no root, but for those with a map.
#
# The command line: each line of NAME.runs (if there is one) holds the
# arguments of one more run, ./NAME ARGUMENTS from its directory.  What
# these runs show (stdout, stderr, exit status; see transcript) must be
# exactly NAME.runs.out.
. "$(dirname "$0")/lib.sh"

for tool in make "${CC:-cc}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip_all "no $tool"
	fi
done

# transcript NAME DIR: runs DIR/NAME with the arguments of each line of
# NAME.runs, and writes what a terminal would show: the command, its
# stdout, its stderr (each line marked "stderr: "), its exit status.
transcript() {
	set -f	# the arguments are words, not patterns
	while read -r t_args; do
		case $t_args in '' | '#'*) continue ;; esac
		t_status=0
		# shellcheck disable=SC2086	# the words of the line
		(cd "$2" && "./$1" $t_args </dev/null) >"$tmpdir/stdout" 2>"$tmpdir/stderr" ||
			t_status=$?
		echo "\$ ./$1 $t_args"
		cat "$tmpdir/stdout"
		sed 's/^/stderr: /' "$tmpdir/stderr"
		echo "exit $t_status"
		echo
	done <"$1.runs"
	set +f
}

cd "$TESTS_SRCDIR/run" || exit 1
for ks in *.ks; do
	name=${ks%.ks}
	out=$tmpdir/$name
	# a program that imports Python embeds CPython: it needs python3-dev
	if grep -q '^import .* from ".*\.py"' "$ks" &&
	   ! pkg-config --exists python3-embed 2>/dev/null; then
		skip "$name" "imports Python, and pkg-config knows no python3-embed (python3-dev)"
		continue
	fi
	# a map is created with bpf(), which needs root
	if [ "$(id -u)" != 0 ] && grep -q '^var [A-Za-z_0-9]*: *[a-z_]*<' "$ks"; then
		skip "$name" "has a map, and bpf() needs root"
		continue
	fi
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
	if [ -f "$name.runs" ]; then
		transcript "$name" "$out" >"$tmpdir/runs"
		golden "$name: the command lines of $name.runs" 0 0 "$name.runs.out" "$tmpdir/runs"
	fi
done
summary
