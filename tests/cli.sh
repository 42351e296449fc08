#!/bin/sh
# The command line: help, version, usage errors, and commands that are not
# there yet saying so instead of pretending to work.
. "$(dirname "$0")/lib.sh"

# expect NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and its
# output (stdout and stderr together) matches the grep pattern PATTERN, or
# is empty when PATTERN is.
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	status=0
	"$@" >"$tmpdir/out" 2>&1 || status=$?
	if [ "$status" -ne "$want" ]; then
		fail "$name" "exit status $status, expected $want"
		sed 's/^/    /' "$tmpdir/out"
	elif [ -z "$pattern" ] && [ -s "$tmpdir/out" ]; then
		fail "$name" "expected no output"
		sed 's/^/    /' "$tmpdir/out"
	elif [ -n "$pattern" ] && ! grep -q -e "$pattern" "$tmpdir/out"; then
		fail "$name" "output does not match '$pattern'"
		sed 's/^/    /' "$tmpdir/out"
	else
		pass "$name"
	fi
}

printf 'fn main() -> i32 {\n    return 0\n}\n' >"$tmpdir/ok.ks"
printf 'fn main() -> i32 {\n    return (0\n}\n' >"$tmpdir/bad.ks"

expect help 0 '^Usage: kernelscript COMMAND' "$KS" --help
expect help-short 0 '^Usage: kernelscript COMMAND' "$KS" -h
expect version 0 '^kernelscript [0-9]' "$KS" --version
expect no-command 2 'missing command' "$KS"
expect unknown-command 2 "unknown command 'frobnicate'" "$KS" frobnicate
expect check-help 0 '^Usage: kernelscript check' "$KS" check --help
expect check-no-file 2 'expected exactly one FILE.ks' "$KS" check
expect check-bad-option 2 'bad option' "$KS" check --frobnicate x.ks
expect check-ok 0 '' "$KS" check "$tmpdir/ok.ks"
expect check-error 1 'bad.ks:3:1: error: ' "$KS" check "$tmpdir/bad.ks"
expect check-missing-file 1 "kernelscript: error: cannot read '$tmpdir/none.ks': No such file or directory" \
	"$KS" check "$tmpdir/none.ks"
printf 'fn main() -> i32 {\n    var wide: u64 = 1 << 40\n    var narrow: u32 = wide\n    return narrow as i32\n}\n' >"$tmpdir/narrow.ks"
expect check-warning 0 'narrow.ks:3:23: warning: u64 into u32 may lose data' "$KS" check "$tmpdir/narrow.ks"
expect check-werror 1 'narrow.ks:3:23: error: u64 into u32 may lose data' "$KS" check -Werror "$tmpdir/narrow.ks"
expect compile-werror 1 'narrow.ks:3:23: error: u64 into u32' "$KS" compile -Werror "$tmpdir/narrow.ks" -o "$tmpdir/narrow"
expect check-bad-warning-option 2 'unknown warning option -Wall' "$KS" check -Wall "$tmpdir/narrow.ks"
if [ -r /sys/kernel/btf/vmlinux ]; then
	expect check-btf-path 0 '' "$KS" check --btf-vmlinux-path /sys/kernel/btf/vmlinux "$tmpdir/ok.ks"
else
	skip check-btf-path "this kernel has no /sys/kernel/btf/vmlinux"
fi
expect check-bad-btf-path 1 "kernelscript: error: cannot read '$tmpdir/none.btf'" \
	"$KS" check --btf-vmlinux-path "$tmpdir/none.btf" "$tmpdir/ok.ks"
# --diagnostics-format=json: GCC's shape, notes as children, [] when clean.
json_check() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d[0]
assert len(d) == 1 and e["kind"] == "error", d
assert e["message"].startswith("'"'"'second'"'"' (260 bytes)"), e
c = e["locations"][0]["caret"]
assert c["file"].endswith("check_bpf_stack_limit.ks") and c["line"] == 9 and c["column"] == 9, c
assert e["locations"][0]["finish"]["column"] == 14, e
assert [n["kind"] for n in e["children"]] == ["note"], e
' "$1"
}
stack_ks=$TESTS_SRCDIR/errors/check_bpf_stack_limit.ks
status=0
"$KS" check --diagnostics-format=json "$stack_ks" 2>"$tmpdir/json" >/dev/null || status=$?
if [ "$status" = 1 ] && json_check "$tmpdir/json"; then
	pass check-json
else
	fail check-json "exit status $status"
	sed 's/^/    /' "$tmpdir/json"
fi
expect check-json-clean 0 '^\[\]$' "$KS" check --diagnostics-format=json "$tmpdir/ok.ks"
expect check-json-compile 1 '"kind": "error"' \
	"$KS" compile --diagnostics-format=json "$tmpdir/bad.ks" -o "$tmpdir/bad"
expect check-bad-format 2 "unknown diagnostics format 'xml'" \
	"$KS" check --diagnostics-format=xml "$tmpdir/ok.ks"
expect dump-ast 0 '^1:1 fn main() -> i32$' "$KS" check --dump-ast "$tmpdir/ok.ks"
expect compile-help 0 '^Usage: kernelscript compile' "$KS" compile --help
expect compile-no-file 2 'expected exactly one FILE.ks' "$KS" compile
expect compile-error 1 'bad.ks:3:1: error: ' "$KS" compile "$tmpdir/bad.ks" -o "$tmpdir/bad"
expect compile-ok 0 '' "$KS" compile "$tmpdir/ok.ks" -o "$tmpdir/ok"
for f in ok.h ok.c Makefile README.md; do
	if [ -s "$tmpdir/ok/$f" ]; then pass "compile-writes-$f"; else fail "compile-writes-$f"; fi
done
if [ -e "$tmpdir/bad" ]; then fail compile-error-writes-nothing; else pass compile-error-writes-nothing; fi
(cd "$tmpdir" && "$KS" compile ok.ks >/dev/null 2>&1)
if [ -s "$tmpdir/ok/ok.c" ]; then pass compile-default-dir; else fail compile-default-dir; fi
# A file whose text is the same is not written again (make sees no change);
# one whose text changed is.
touch -d '2000-01-01' "$tmpdir/ok/ok.c" "$tmpdir/ok/ok.h"
"$KS" compile "$tmpdir/ok.ks" -o "$tmpdir/ok" >/dev/null 2>&1
printf 'fn main() -> i32 {\n    return 1\n}\n' >"$tmpdir/ok1.ks"
if [ -n "$(find "$tmpdir/ok/ok.c" -newermt 2001-01-01)" ]; then
	fail compile-same-text-kept "ok.c was written again"
else
	pass compile-same-text-kept
fi
cp "$tmpdir/ok1.ks" "$tmpdir/ok.ks"
"$KS" compile "$tmpdir/ok.ks" -o "$tmpdir/ok" >/dev/null 2>&1
if [ -n "$(find "$tmpdir/ok/ok.c" -newermt 2001-01-01)" ] && grep -q 'return 1' "$tmpdir/ok/ok.c"; then
	pass compile-changed-text-written
else
	fail compile-changed-text-written "ok.c kept its old text"
fi

# The runtime headers hold what the loader uses: an XDP loader has the XDP
# attach and not the tc one; the full headers come back when it uses both.
xdp_ks=$TESTS_SRCDIR/../examples/xdp_filter.ks
if "$KS" compile "$xdp_ks" -o "$tmpdir/xdp" >/dev/null 2>&1 &&
   grep -q '^static inline int ks_attach_xdp(' "$tmpdir/xdp/ks_runtime.h" &&
   ! grep -q 'ks_attach_tc' "$tmpdir/xdp/ks_runtime.h" &&
   grep -q '^#endif /\* KS_RUNTIME_H \*/' "$tmpdir/xdp/ks_runtime.h" &&
   grep -q '^#define KS_RUNTIME_H$' "$tmpdir/xdp/ks_runtime.h"; then
	pass compile-trims-runtime
else
	fail compile-trims-runtime "ks_runtime.h is not what an XDP loader uses"
fi

# Headers read from $KERNELSCRIPT_TEMPLATES are trimmed the same way, from
# tables made at run time rather than by the build: the same project, less
# a declaration added that no loader uses.
mkdir -p "$tmpdir/templates/skeleton"
for h in ks_runtime.h ks_state.h ks_options.h; do
	cp "$TESTS_SRCDIR/../skeleton/$h" "$tmpdir/templates/skeleton/"
done
sed -i 's|^#endif /\* KS_RUNTIME_H \*/|/* not for any loader */\nstatic inline int ks_used_by_none(void)\n{\n\treturn 0;\n}\n\n&|' \
	"$tmpdir/templates/skeleton/ks_runtime.h"
if grep -q ks_used_by_none "$tmpdir/templates/skeleton/ks_runtime.h" &&
   KERNELSCRIPT_TEMPLATES=$tmpdir/templates "$KS" compile "$xdp_ks" -o "$tmpdir/xdp-read" \
	>"$tmpdir/out" 2>&1 &&
   diff -r "$tmpdir/xdp" "$tmpdir/xdp-read" >"$tmpdir/diff"; then
	pass compile-trims-templates-read
else
	fail compile-trims-templates-read "the headers read are not trimmed as the built-in ones"
	sed 's/^/    /' "$tmpdir/out"
fi

expect ks2c-help 0 '^Usage: ks2c' "$KS2C" --help
expect ks2c-version 0 '^ks2c (kernelscript) [0-9]' "$KS2C" --version
expect ks2c-no-file 2 'expected one FILE.ks' "$KS2C"
expect ks2c-error 1 'bad.ks:3:1: error: ' "$KS2C" "$tmpdir/bad.ks"
expect ks2c-prints-c 0 '^/\* ==== ok.c ==== \*/$' "$KS2C" "$tmpdir/ok.ks"
expect ks2c-user-only 0 '^static __s32 ks_main(void);$' "$KS2C" --user "$tmpdir/ok.ks"
summary
