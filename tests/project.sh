#!/bin/sh
# The generated project's workflow: where compile writes without -o, and
# the Makefile compiling the .ks again when it (or a file it includes) is
# newer, rebuilding only what changed.  A program with no eBPF side, so
# that only a C compiler is needed.
. "$(dirname "$0")/lib.sh"

if ! command -v make >/dev/null || ! command -v cc >/dev/null; then
	skip_all "needs make and cc to build the generated project"
fi

# check NAME COMMAND...: pass when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@" >"$tmpdir/out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/    /' "$tmpdir/out"
	fi
}

# newer FILE THAN: FILE's time stamp is later than THAN's.
newer() {
	[ -n "$(find "$1" -newer "$2")" ]
}

# the project's own make, not the make running the tests
unset MAKEFLAGS MAKELEVEL
proj=$tmpdir/hello
mkdir "$proj"
cat >"$proj/greeting.kh" <<'EOF'
const ANSWER: u32 = 42
EOF
cat >"$proj/hello.ks" <<'EOF'
include "greeting.kh"

fn main() -> i32 {
    print("answer %d", ANSWER)
    return 0
}
EOF

# Inside a directory named after the file (as init makes it), compile
# writes there: the program make builds is ./hello, never a directory.
check default-dir-in-project sh -c "cd '$proj' && '$KS' compile hello.ks"
check default-dir-wrote-here test -f "$proj/Makefile" -a -f "$proj/hello.c"
check make-builds make -s -C "$proj" KERNELSCRIPT="$KS"
check program-runs sh -c "'$proj/hello' | grep -q 'answer 42'"
# once built, its Makefile is ours: compiling again there writes there too
check default-dir-beside-program sh -c "cd '$proj' && '$KS' compile hello.ks"
check nothing-to-do sh -c "make -C '$proj' KERNELSCRIPT='$KS' >'$tmpdir/make' &&
	grep -q 'Nothing to be done' '$tmpdir/make'"

# Elsewhere, NAME/ in the current directory, as before.
mkdir "$tmpdir/elsewhere" "$tmpdir/cwd"
cp "$proj/hello.ks" "$proj/greeting.kh" "$tmpdir/elsewhere/"
check default-dir-name sh -c "cd '$tmpdir/cwd' && '$KS' compile ../elsewhere/hello.ks &&
	test -f hello/Makefile"
check make-finds-sources grep -q '^Makefile: \.\./\.\./elsewhere/hello\.ks \.\./\.\./elsewhere/greeting\.kh$' \
	"$tmpdir/cwd/hello/Makefile"

# An include changed: make compiles again, then builds what changed.
sleep 1
sed -i 's/42/43/' "$proj/greeting.kh"
check make-recompiles sh -c "make -C '$proj' KERNELSCRIPT='$KS' >'$tmpdir/make' &&
	grep -q 'KS.*hello.ks' '$tmpdir/make'"
check program-rebuilt sh -c "'$proj/hello' | grep -q 'answer 43'"

# A change that leaves the C as it was rebuilds nothing.
sleep 1
touch "$proj/hello.ks"
check same-c-kept sh -c "make -C '$proj' KERNELSCRIPT='$KS' >'$tmpdir/make' &&
	grep -q 'KS' '$tmpdir/make' && ! grep -q 'CC' '$tmpdir/make'"
check makefile-newer newer "$proj/Makefile" "$proj/hello.ks"

# Without a compiler to run, make says what to do.
sleep 1
touch "$proj/hello.ks"
if make -C "$proj" KERNELSCRIPT=/nonexistent/kernelscript >"$tmpdir/out" 2>&1; then
	fail missing-compiler "make succeeded"
elif grep -q "run make KERNELSCRIPT=/path/to/kernelscript" "$tmpdir/out"; then
	pass missing-compiler
else
	fail missing-compiler "no hint"
	sed 's/^/    /' "$tmpdir/out"
fi

# Options given to compile are given again.
"$KS" compile -Werror "$proj/hello.ks" -o "$tmpdir/strict" >/dev/null 2>&1
check flags-replayed grep -q 'compile "\$<" -o \. -Werror$' "$tmpdir/strict/Makefile"
summary
