#!/bin/sh
# kernelscript init: every form writes the project it should, its program
# passes 'kernelscript check' (a struct_ops 'impl' checks: compiling it is
# for a later version), its signatures and header hold the kernel's types
# from BTF, and mistakes are reported without writing or overwriting
# anything.
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
	skip_all "no kernel BTF: /sys/kernel/btf/vmlinux is absent and KS_BTF_VMLINUX names no file"
fi

# How init's next steps run kernelscript: by name when PATH finds this one,
# else by the path of this one (a build tree before make install).
found=$(command -v kernelscript 2>/dev/null || true)
if [ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$KS")" ]; then
	ks_cmd=kernelscript
else
	ks_cmd=$(readlink -f "$KS")
fi
work=$tmpdir/cwd
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

# written NAME HEADER ARGS...: 'init ARGS' succeeds and writes NAME/ with
# exactly NAME.ks, HEADER and README.md.  What init printed stays in
# $tmpdir/init.out.
written() {
	proj=$1 header=$2
	shift 2
	run "init $*" 0 "^Created $proj/$" "$KS" init "$@" $btf_flag || return 1
	cp "$tmpdir/out" "$tmpdir/init.out"
	files=$(cd "$proj" 2>/dev/null && ls | tr '\n' ' ')
	expected=$(printf '%s\n' "$proj.ks" "$header" README.md | LC_ALL=C sort | tr '\n' ' ')
	if [ "$files" != "$expected" ]; then
		fail "init $*" "$proj/ holds '$files', expected '$expected'"
		return 1
	fi
	pass "init $*"
}

# project NAME HEADER ARGS...: written, and NAME.ks checks cleanly.
project() {
	proj=$1
	written "$@" || return 1
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
has "init's next steps" "$tmpdir/init.out" "  $ks_cmd compile hello_world/hello_world.ks" \
	"  cd hello_world && make && sudo ./hello_world --interface=eth0"

# Before make install, the next steps name this kernelscript by its path;
# once PATH finds it, by its name: both work as printed.
mkdir "$tmpdir/bin" "$tmpdir/nobin"
ln -s "$(readlink -f "$KS")" "$tmpdir/bin/kernelscript"
PATH=$tmpdir/bin:$PATH "$KS" init xdp $btf_flag on_path >"$tmpdir/init.out" 2>&1
has "next steps: installed" "$tmpdir/init.out" "  kernelscript compile on_path/on_path.ks"
PATH=$tmpdir/nobin "$KS" init xdp $btf_flag off_path >"$tmpdir/init.out" 2>&1
has "next steps: not installed" "$tmpdir/init.out" \
	"  $(readlink -f "$KS") compile off_path/off_path.ks"

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

# ---- probes: the parameters are the kernel function's, from BTF --------

# 'next_steps NAME': init said how to go on: compile, make and run when this
# version compiles the program, check and why not otherwise.
next_steps() {
	if grep -q -x -F "  $ks_cmd compile $1/$1.ks" "$tmpdir/init.out"; then
		pass "$1: next steps"
	elif grep -q -x -F "  $ks_cmd check $1/$1.ks" "$tmpdir/init.out" &&
		grep -q "^Compiling it needs a later version of kernelscript: this one says \"..*\"\.$" \
			"$tmpdir/init.out" &&
		grep -q -x -F "//   kernelscript check $1/$1.ks" "$1/$1.ks" &&
		grep -q -F "This version of kernelscript checks the program (\`kernelscript check $1/$1.ks\`)" \
			"$1/README.md"; then
		pass "$1: next steps: check it, compiling needs a later version"
	else
		fail "$1: next steps" "$(cat "$tmpdir/init.out")"
	fi
}

project exits probe.kh probe/do_exit exits
has "probe program" exits/exits.ks 'include "probe.kh"' '@probe("do_exit")' \
	"fn exits_probe(code: i64) -> i32 {" "    calls[0] += 1" "    return 0" \
	"    var prog = load(exits_probe)" '    attach(prog, "do_exit", 0)' \
	'        print("%llu calls", calls[0])' "//   do_exit(code: i64) -> void"
has "probe.kh: do_exit" exits/probe.kh "//   do_exit(code: i64) -> void" \
	"// The parameters of do_exit are plain values: there are no kernel types to"
next_steps exits

project sends probe.kh probe tcp_sendmsg sends
has "probe: pointers to kernel structs" sends/sends.ks '@probe("tcp_sendmsg")' \
	"fn sends_probe(sk: *sock, msg: *msghdr, size: u64) -> i32 {" \
	'    attach(prog, "tcp_sendmsg", 0)'
has "probe.kh: what they point to" sends/probe.kh \
	"//   tcp_sendmsg(sk: *sock, msg: *msghdr, size: u64) -> i32" "struct sock {" \
	"struct msghdr {"

# A parameter named with a keyword ('type') gets a '_'; a long list is one
# parameter a line.  A '-' in NAME is a '_' in the program's name.
project sock-create probe.kh probe __sock_create sock-create
has "probe: keyword parameters renamed" sock-create/sock-create.ks \
	"fn sock_create_probe(" "    net: *net," "    family: i32," "    type_: i32," \
	"    protocol: i32," "    res: **socket," "    kern: i32" ") -> i32 {" \
	"// Here type is type_: KernelScript names every parameter, and not with a"

# Kernel types C names by a typedef of an anonymous struct (pmd_t), and
# kernel members named like keywords (task_struct reaches restart_block.fn):
# the header declares them all, and the program checks against it.
project splits probe.kh probe __split_huge_pmd splits
has "probe.kh: a typedef of an anonymous struct" splits/probe.kh \
	"// pmd_t is a typedef of an anonymous struct in C" "struct pmd_t {" "    pmd: u64,"
project forks probe.kh probe wake_up_new_task forks
has "probe.kh: a member named like a keyword" forks/probe.kh "struct restart_block {" \
	"    fn: *void,"
if grep -q "not declared here" splits/probe.kh forks/probe.kh; then
	fail "probe.kh: every type declared" "$(grep -h -A3 'not declared here' splits/probe.kh forks/probe.kh)"
else
	pass "probe.kh: every type declared"
fi

# ---- perf_event --------------------------------------------------------

project samples perf_event.kh perf_event samples
has "perf_event program" samples/samples.ks 'include "perf_event.kh"' "@perf_event" \
	"fn samples_sample(ctx: *bpf_perf_event_data) -> i32 {" "    samples[0] += 1" \
	"    var prog = load(samples_sample)"
has "perf_event.kh" samples/perf_event.kh "struct bpf_perf_event_data {" \
	"    sample_period: u64," "    addr: u64,"
# main attaches with perf options when this version checks that, and says
# that attaching needs them otherwise (the project checked either way).
if grep -q -x -F "    attach(prog, perf_options {" samples/samples.ks; then
	has "perf_event: attached with perf options" samples/samples.ks \
		"        perf_type: perf_type_software," "        perf_config: context_switches,"
elif grep -q '^ *attach(' samples/samples.ks; then
	fail "perf_event: main" "attaches without perf options"
else
	has "perf_event: attaching needs perf options" samples/samples.ks \
		"    // Attaching a perf_event program needs perf options, which say what to" \
		"    //   attach(prog, perf_options {"
fi
next_steps samples

# ---- struct_ops: tcp_congestion_ops -------------------------------------

# The files are written with the signatures of the kernel's function
# pointers, check and compile.
congestion() {
	cc=$1
	shift
	written "$cc" tcp_congestion_ops.kh "$@" || return 1
	has "$cc: impl" "$cc/$cc.ks" 'include "tcp_congestion_ops.kh"' \
		'@struct_ops("tcp_congestion_ops")' "impl $cc {" \
		"    fn ssthresh(sk: *sock) -> u32 {" "        return tcp_reno_ssthresh(sk)" \
		"    fn cong_avoid(sk: *sock, ack: u32, acked: u32) -> void {" \
		"        tcp_reno_cong_avoid(sk, ack, acked)" \
		"    fn undo_cwnd(sk: *sock) -> u32 {" "        return tcp_reno_undo_cwnd(sk)" \
		"    //   fn set_state(sk: *sock, new_state: u8) -> void" \
		"    //   fn cwnd_event(sk: *sock, ev: tcp_ca_event) -> void" \
		"    name: \"$cc\"," "    var result = register($cc)" \
		"extern tcp_reno_ssthresh(sk: *sock) -> u32" \
		"extern tcp_reno_cong_avoid(sk: *sock, ack: u32, acked: u32) -> void" \
		"extern tcp_reno_undo_cwnd(sk: *sock) -> u32"
	has "$cc: tcp_congestion_ops.kh" "$cc/tcp_congestion_ops.kh" \
		"struct tcp_congestion_ops {" "    ssthresh: fn(sk: *sock) -> u32," \
		"    cong_avoid: fn(sk: *sock, ack: u32, acked: u32) -> void," \
		"    set_state: fn(sk: *sock, new_state: u8) -> void," \
		"    undo_cwnd: fn(sk: *sock) -> u32," "    name: char[16]," \
		"    list: list_head," "struct list_head {" "struct sock {"
	run "$cc: parses" 0 "" "$KS" check --parse-only "$cc/$cc.ks" && pass "$cc: parses"
	run "$cc: checks" 0 "" "$KS" check "$cc/$cc.ks" && pass "$cc: checks"
	next_steps "$cc"
	run "$cc: compiles" 0 "" "$KS" compile "$cc/$cc.ks" -o "$tmpdir/$cc.out" &&
		pass "$cc: compiles"
}
congestion reno struct_ops reno
congestion reno2 tcp_congestion_ops reno2
congestion reno3 struct_ops/tcp_congestion_ops reno3
has "struct_ops: the sysctl that uses it" reno/reno.ks \
	"//   sudo sysctl net.ipv4.tcp_congestion_control=reno"

# The header holds declarations that check.
cat >uses_ops.ks <<'KS'
include "reno/tcp_congestion_ops.kh"

fn main() -> i32 {
    return 0
}
KS
run "tcp_congestion_ops.kh checks" 0 "" "$KS" check uses_ops.ks && pass "tcp_congestion_ops.kh checks"

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
	"unknown program type 'kprobes'; the types are: xdp, tc/ingress (or tc), tc/egress, tracepoint CATEGORY/EVENT (or tracepoint/CATEGORY/EVENT), probe FUNCTION (or probe/FUNCTION), perf_event, struct_ops (or tcp_congestion_ops)" \
	kprobes nope $btf_flag

error "unknown function" 1 \
	"kernelscript: error: the kernel's BTF ($btf) has no function 'do_exitt'" \
	probe do_exitt nope $btf_flag
grep -q "^kernelscript: note: functions with a similar name: do_exit" "$tmpdir/out" &&
	pass "unknown function: similar names" ||
	fail "unknown function: similar names" "$(cat "$tmpdir/out")"
grep -q -F "kernelscript: note: the kernel's functions are the FUNC entries of its BTF; list them with 'bpftool btf dump file $btf | grep \"] FUNC \"'" \
	"$tmpdir/out" && pass "unknown function: how to list them" ||
	fail "unknown function: how to list them" "$(cat "$tmpdir/out")"
error "unknown function, reference form" 1 "has no function 'no_such_function_at_all'" \
	probe/no_such_function_at_all nope $btf_flag
error "variadic function" 1 \
	"'snprintf' takes a variable number of arguments (it ends with ...), which a @probe cannot receive: it cannot be probed this way" \
	probe snprintf nope $btf_flag
error "probe without function" 1 "a probe project needs the kernel FUNCTION it probes" \
	probe nope $btf_flag
error "probe at an offset" 1 "'vfs_read+109' is not a kernel function's name" \
	probe vfs_read+109 nope $btf_flag
error "probe: extra argument" 2 "unexpected argument 'more'" probe do_exit nope more $btf_flag
error "perf_event takes no target" 1 "unknown program type 'perf_event/cycles'" \
	perf_event/cycles nope $btf_flag
error "other struct_ops not yet" 1 \
	"'init struct_ops sched_ext_ops' is not available yet; this version starts struct_ops projects for tcp_congestion_ops" \
	struct_ops sched_ext_ops nope $btf_flag
error "sched_ext_ops not yet" 1 "'init sched_ext_ops' is not available yet" \
	sched_ext_ops nope $btf_flag
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
