#!/bin/sh
# kernelscript init: every form writes the project it should, its program
# passes 'kernelscript check', its header holds the kernel's types, and
# mistakes are reported without writing or overwriting anything.
#
# Kernel types come from /sys/kernel/btf/vmlinux, or from the file named by
# $KS_BTF_VMLINUX when the running kernel has no BTF.
. "$(dirname "$0")/lib.sh"

btf_flag=
if [ -r /sys/kernel/btf/vmlinux ]; then
	btf=/sys/kernel/btf/vmlinux
elif [ -n "${KS_BTF_VMLINUX:-}" ] && [ -r "$KS_BTF_VMLINUX" ]; then
	btf=$KS_BTF_VMLINUX
	btf_flag=--btf-vmlinux-path=$btf
else
	echo "SKIP: no kernel BTF: /sys/kernel/btf/vmlinux is absent and KS_BTF_VMLINUX names no file"
	exit 77
fi

work=$tmpdir/work
mkdir "$work" || exit 1
cd "$work" || exit 1

# The helpers set plain variables (sh has no locals): name, want, pattern,
# status and the like belong to them.

# run NAME STATUS PATTERN COMMAND...: COMMAND (run in $work) exits with
# STATUS and its output, stdout and stderr together, matches PATTERN (a
# grep pattern; none when empty).  The output stays in $tmpdir/out.
run() {
	name=$1 want=$2 pattern=$3
	shift 3
	status=0
	"$@" >"$tmpdir/out" 2>&1 || status=$?
	if [ "$status" -ne "$want" ]; then
		fail "$name" "exit status $status, expected $want"
		sed 's/^/    /' "$tmpdir/out"
		return 1
	elif [ -n "$pattern" ] && ! grep -q -e "$pattern" "$tmpdir/out"; then
		fail "$name" "output does not match '$pattern'"
		sed 's/^/    /' "$tmpdir/out"
		return 1
	fi
	return 0
}

# has NAME FILE LINE...: FILE holds each LINE (a fixed string) as a line.
has() {
	name=$1 file=$2
	shift 2
	for line; do
		if ! grep -q -x -F -e "$line" "$file"; then
			fail "$name" "$file has no line '$line'"
			return 1
		fi
	done
	pass "$name"
}

# project NAME HEADER ARGS...: 'init ARGS' succeeds, writes NAME/ with
# exactly NAME.ks, HEADER and README.md, and NAME.ks checks cleanly.
# What init printed stays in $tmpdir/init.out.
project() {
	proj=$1 header=$2
	shift 2
	run "init $*" 0 "kernelscript compile $proj/$proj.ks" "$KS" init "$@" $btf_flag || return 1
	cp "$tmpdir/out" "$tmpdir/init.out"
	files=$(cd "$proj" 2>/dev/null && ls | tr '\n' ' ')
	expected=$(printf '%s\n' "$proj.ks" "$header" README.md | LC_ALL=C sort | tr '\n' ' ')
	if [ "$files" != "$expected" ]; then
		fail "init $*" "$proj/ holds '$files', expected '$expected'"
		return 1
	fi
	pass "init $*"
	if run "check $proj.ks" 0 "" "$KS" check "$proj/$proj.ks"; then
		if [ -s "$tmpdir/out" ]; then
			fail "check $proj.ks" "expected no output"
			sed 's/^/    /' "$tmpdir/out"
		else
			pass "check $proj.ks"
		fi
	fi
	has "$proj README.md" "$proj/README.md" "# $proj" "kernelscript compile $proj/$proj.ks"
}

# nothing_written NAME: the last command left $work as it was ($before).
nothing_written() {
	after=$(ls -A)
	if [ "$after" != "$before" ]; then
		fail "$1" "it wrote '$after' (before: '$before')"
	else
		pass "$1"
	fi
}

# error NAME STATUS PATTERN ARGS...: 'init ARGS' fails with STATUS, says
# PATTERN, and writes nothing.
error() {
	name=$1 want=$2 pattern=$3
	shift 3
	before=$(ls -A)
	run "$name" "$want" "$pattern" "$KS" init "$@" && nothing_written "$name"
}

# ---- each form --------------------------------------------------------

project hello_world xdp.kh xdp hello_world
has "xdp.kh: xdp_md" hello_world/xdp.kh "struct xdp_md {" "    data: u32," \
	"    data_end: u32," "    ingress_ifindex: u32," "    egress_ifindex: u32,"
has "xdp.kh: xdp_action" hello_world/xdp.kh "enum xdp_action {" "    XDP_DROP = 1," \
	"    XDP_PASS = 2,"
has "xdp program" hello_world/hello_world.ks 'include "xdp.kh"' "@xdp" \
	"fn count_packets(ctx: *xdp_md) -> xdp_action {" "    return XDP_PASS" \
	"    interface: str(16)," "fn main(args: Args) -> i32 {" \
	"    var prog = load(count_packets)" "    attach(prog, args.interface, 0)" \
	"    while (true) {" "        sleep(1000)"
has "init's next steps" "$tmpdir/init.out" "  kernelscript compile hello_world/hello_world.ks" \
	"  cd hello_world && make && sudo ./hello_world --interface=eth0"

project tc_default tc.kh tc tc_default
has "tc: ingress by default" tc_default/tc_default.ks '@tc("ingress")' \
	"fn count_packets(ctx: *__sk_buff) -> i32 {" "    return TC_ACT_OK" \
	"    attach(prog, args.interface, 0)"
has "tc.kh: __sk_buff" tc_default/tc.kh "struct __sk_buff {" "    len: u32," \
	"    protocol: u32," "    data: u32," "    data_end: u32," "    cb: u32[5],"
has "tc.kh: verdicts" tc_default/tc.kh "    TC_ACT_UNSPEC = -1," \
	"    TC_ACT_OK = 0,          // let the packet through" \
	"    TC_ACT_SHOT = 2,        // drop it" "    TC_ACT_REDIRECT = 7,"

project tc_in tc.kh tc/ingress tc_in
has "tc/ingress" tc_in/tc_in.ks '@tc("ingress")'
project tc_out tc.kh tc/egress tc_out
has "tc/egress" tc_out/tc_out.ks '@tc("egress")'

project switches tracepoint.kh tracepoint sched/sched_switch switches
has "tracepoint program" switches/switches.ks 'include "tracepoint.kh"' \
	'@tracepoint("sched/sched_switch")' \
	"fn on_sched_switch(ctx: *trace_event_raw_sched_switch) -> i32 {" \
	"    var prog = load(on_sched_switch)" '    attach(prog, "sched/sched_switch", 0)'
has "tracepoint.kh: sched_switch" switches/tracepoint.kh \
	"struct trace_event_raw_sched_switch {" "    ent: trace_entry," \
	"    prev_comm: char[16]," "    prev_pid: i32," "    next_comm: char[16]," \
	"    next_pid: i32," "struct trace_entry {" "    pid: i32,"

project reads tracepoint.kh tracepoint/syscalls/sys_enter_read reads
has "syscall tracepoint" reads/reads.ks '@tracepoint("syscalls/sys_enter_read")' \
	"fn on_sys_enter_read(ctx: *trace_event_raw_sys_enter) -> i32 {"
has "tracepoint.kh: sys_enter" reads/tracepoint.kh "struct trace_event_raw_sys_enter {" \
	"    id: i64," "    args: u64[6],"

project opens tracepoint.kh tracepoint syscalls/sys_exit_openat opens
has "tracepoint.kh: sys_exit" opens/tracepoint.kh "struct trace_event_raw_sys_exit {" \
	"    ret: i64,"

# An event of a shared class.  With BTF alone init guesses the class and
# says so; the program checks either way.
run "init with --btf-vmlinux-path first" 0 "" \
	"$KS" init --btf-vmlinux-path "$btf" tracepoint sched/sched_wakeup wakeups &&
	has "init with --btf-vmlinux-path first" wakeups/wakeups.ks \
		'@tracepoint("sched/sched_wakeup")'
grep -q "warning: the kernel's BTF does not say which struct" "$tmpdir/out" &&
	pass "BTF alone: a guessed class is a warning" ||
	fail "BTF alone: a guessed class is a warning" "$(cat "$tmpdir/out")"
run "check wakeups.ks" 0 "" "$KS" check wakeups/wakeups.ks && pass "check wakeups.ks"

run "init with --btf-vmlinux-path=FILE last" 0 "" \
	"$KS" init xdp flagged --btf-vmlinux-path="$btf" &&
	has "init with --btf-vmlinux-path=FILE last" flagged/xdp.kh "    XDP_PASS = 2,"

run "init --help" 0 "^Usage: kernelscript init TYPE NAME" "$KS" init --help &&
	pass "init --help"

# ---- mistakes ---------------------------------------------------------

mkdir existing && echo mine >existing/keep
error "existing directory" 1 "kernelscript: error: 'existing' already exists" \
	xdp existing $btf_flag
[ "$(ls existing)" = keep ] && [ "$(cat existing/keep)" = mine ] &&
	pass "existing directory untouched" || fail "existing directory untouched"
echo mine >taken
error "existing file" 1 "kernelscript: error: 'taken' already exists" \
	tracepoint sched/sched_switch taken $btf_flag
[ "$(cat taken)" = mine ] && pass "existing file untouched" || fail "existing file untouched"

error "unknown tracepoint" 1 "kernelscript: error: no tracepoint 'sched/no_such_event'" \
	tracepoint sched/no_such_event nope $btf_flag
grep -q "note: list the tracepoints with 'sudo ls /sys/kernel/tracing/events/sched/'" \
	"$tmpdir/out" && pass "unknown tracepoint: how to list them" ||
	fail "unknown tracepoint: how to list them"
error "unknown tracepoint, BTF alone" 1 "no tracepoint 'sched/no_such_event' in the kernel's BTF" \
	tracepoint sched/no_such_event nope --btf-vmlinux-path "$btf"
error "unknown syscall" 1 "no tracepoint 'syscalls/sys_enter_no_such_call'" \
	tracepoint/syscalls/sys_enter_no_such_call nope $btf_flag
error "tracepoint without event" 1 "needs its CATEGORY/EVENT" tracepoint nope $btf_flag
error "malformed tracepoint" 1 "'sched_switch' is not a tracepoint" \
	tracepoint sched_switch nope $btf_flag
error "unknown type" 1 \
	"unknown program type 'kprobes'; the types are: xdp, tc/ingress (or tc), tc/egress, tracepoint" \
	kprobes nope $btf_flag
error "probe not yet" 1 "'init probe' is not available yet" probe/do_exit nope $btf_flag
error "perf_event not yet" 1 "'init perf_event' is not available yet" perf_event nope $btf_flag
error "struct_ops not yet" 1 "'init tcp_congestion_ops' is not available yet" \
	tcp_congestion_ops nope $btf_flag
error "xdp takes no target" 1 "unknown program type 'xdp/eth0'" xdp/eth0 nope $btf_flag
error "bad tc direction" 1 "unknown tc direction 'sideways'" tc/sideways nope $btf_flag
error "name with a slash" 1 "'a/b' cannot name a project" xdp a/b $btf_flag
error "name with dots" 1 "'..' cannot name a project" xdp .. $btf_flag
error "no name" 2 "missing the project NAME" xdp $btf_flag
error "no arguments" 2 "missing the program TYPE" $btf_flag
error "extra argument" 2 "unexpected argument 'more'" xdp nope more $btf_flag
error "bad option" 2 "bad option" xdp nope --frobnicate
error "missing BTF file" 1 "kernelscript: error: cannot read '$tmpdir/none': No such file" \
	xdp nope --btf-vmlinux-path "$tmpdir/none"
echo "not BTF" >"$tmpdir/junk"
error "not a BTF file" 1 "cannot read BTF from '$tmpdir/junk': not a BTF file" \
	xdp nope --btf-vmlinux-path "$tmpdir/junk"

summary
