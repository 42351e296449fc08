#!/bin/sh
# skeleton/ks_runtime.h in the real kernel.
#
# Builds runtime/runtime.bpf.c (clang -target bpf), its bpftool skeleton and
# runtime/loader.c (cc -Wall -Wextra -Werror, with ks_runtime.h), then runs
# the loader against a veth pair whose other end is in a fresh network
# namespace, and checks, with the kernel's own tools (ip, tc, bpftool):
#   - XDP in each mode: attached, real datagrams counted, the drop port
#     really dropped (a receiver gets nothing), nothing left after exit;
#   - tc ingress and egress, through tcx links and through the clsact qdisc;
#   - the sched_switch tracepoint, with tracefs mounted by the runtime itself;
#   - bpffs mounted by the runtime itself for a pinned map;
#   - ks_detach() of each program leaves nothing attached while the process
#     still runs; SIGINT/SIGTERM end ks_sleep_ms() at once, the loader detaches
#     everything and exits 0; no program of the test remains afterwards.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
need_root_and_bpf

N=20			# datagrams per burst
PASS_PORT=7000		# ksrt_xdp lets these through
DROP_PORT=7001		# and drops these
OTHER_PORT=7009		# no receiver: warms up ARP, counts for tc
RT=$KT_DIR/runtime
B=$kt_tmp/build
mkdir -p "$B"

# ---- build ----

built=0
build() {
	missing=$(need_tools clang bpftool "${CC:-cc}" ip tc nsenter unshare) || {
		skip build "$missing"
		return 1
	}
	printf '#include "ks_runtime.h"\nint main(void)\n{\n\treturn 0;\n}\n' >"$B/alone.c"
	for c in "${CC:-cc}" clang; do
		if "$c" -Wall -Wextra -Werror -I"$KT_SKELETON" -c "$B/alone.c" \
			-o "$B/alone.o" >"$B/alone.log" 2>&1; then
			pass "build: ks_runtime.h alone, unused functions and all, is warning-free with $c"
		else
			fail "build: ks_runtime.h alone with $c" "warnings or errors" "$B/alone.log"
		fi
	done

	if ! kt_vmlinux_h "$B" 2>"$B/vmlinux.log"; then
		fail "build: vmlinux.h" "bpftool btf dump failed" "$B/vmlinux.log"
		return 1
	fi
	if ! clang -g -O2 -Wall -Wextra -Werror -target bpf \
		-D__TARGET_ARCH_"$(kt_target_arch)" -I"$B" -I"$RT" \
		-c "$RT/runtime.bpf.c" -o "$B/runtime.bpf.o" >"$B/bpf.log" 2>&1; then
		fail "build: runtime.bpf.c" "clang -target bpf failed" "$B/bpf.log"
		return 1
	fi
	if ! bpftool gen skeleton "$B/runtime.bpf.o" name runtime_bpf \
		>"$B/runtime.skel.h" 2>"$B/skel.log"; then
		fail "build: skeleton" "bpftool gen skeleton failed" "$B/skel.log"
		return 1
	fi
	# shellcheck disable=SC2046
	if ! "${CC:-cc}" -g -O2 -Wall -Wextra -Werror -I"$B" -I"$RT" -I"$KT_SKELETON" \
		"$RT/loader.c" -o "$B/loader" $(kt_libbpf_libs) >"$B/loader.log" 2>&1; then
		fail "build: loader.c" "cc -Wall -Wextra -Werror failed" "$B/loader.log"
		return 1
	fi
	pass "build: runtime.bpf.o, runtime.skel.h and the loader, warning-free"
	built=1
}
build

# ---- helpers ----

# start_loader NAME WHERE ARGS...: the loader in the background (in network
# namespace WHERE unless it is "host"), until it says "ready".
start_loader() {
	LOADER_OUT=$kt_tmp/$1.out
	where=$2
	shift 2
	if [ "$where" = host ]; then
		kt_bg "$LOADER_OUT" "$B/loader" "$@"
	else
		kt_bg "$LOADER_OUT" nsenter --net="/run/netns/$where" -- "$B/loader" "$@"
	fi
	LOADER_PID=$KT_BG_PID
	kt_wait_line "$LOADER_OUT" '^ready' 20 "$LOADER_PID"
}

# stop_loader TEST SIGNAL: sends SIGNAL; the loader must end its 60 s sleep
# at once, print its counters and exit 0 within 5 s.
stop_loader() {
	kill -"$2" "$LOADER_PID"
	kt_wait_exit "$LOADER_PID" 5
	if [ "$KT_STATUS" = 124 ]; then
		fail "$1: SIG$2 ends the loader" "still running 5 s after SIG$2" "$LOADER_OUT.err"
	elif [ "$KT_STATUS" != 0 ]; then
		fail "$1: SIG$2 ends the loader" "exit status $KT_STATUS" "$LOADER_OUT" "$LOADER_OUT.err"
	elif ! grep -q '^sleep interrupted' "$LOADER_OUT" || ! grep -q '^exit$' "$LOADER_OUT"; then
		fail "$1: SIG$2 ends the loader" "ks_sleep_ms() was not interrupted" "$LOADER_OUT"
	else
		pass "$1: SIG$2 interrupts ks_sleep_ms(), the loader detaches and exits 0"
		return 0
	fi
	return 1
}

# The id of a program of the running (or last) loader.
prog_id() {
	sed -n "s/^prog $1 //p" "$LOADER_OUT"
}

counter() {
	kt_value "$LOADER_OUT" "$1"
}

# at_least TEST NAME MIN: counter NAME must be >= MIN.
at_least() {
	v=$(counter "$2")
	if [ -n "$v" ] && [ "$v" -ge "$3" ]; then
		pass "$1: $2 = $v (>= $3)"
	else
		fail "$1: $2" "got '${v}', expected at least $3" "$LOADER_OUT"
	fi
}

exactly() {
	v=$(counter "$2")
	if [ "$v" = "$3" ]; then
		pass "$1: $2 = $v"
	else
		fail "$1: $2" "got '${v}', expected $3" "$LOADER_OUT"
	fi
}

# progs_gone FILE...: none of the programs that the loaders with these
# outputs loaded ("prog NAME ID" lines) is still in the kernel; waits up to
# 3 s for it to free them.
progs_gone() {
	ids=$(sed -n 's/^prog [a-z_]* //p' "$@" | sort -u)
	n=0
	for id in $ids; do
		while bpftool prog show id "$id" >/dev/null 2>&1; do
			[ $n -ge 30 ] && return 1
			sleep 0.1
			n=$((n + 1))
		done
	done
}

# Is a bpf link to program id $1 in the kernel?
has_link_to() {
	bpftool link show 2>/dev/null | grep -q "prog $1\$\|prog $1 "
}

# Is XDP attached to interface $1, as 'bpftool net' sees it?
xdp_on() {
	bpftool net show dev "$1" 2>/dev/null | sed -n '/^xdp:/,/^tc:/p' | grep -q " id "
}

has_clsact() {
	tc qdisc show dev "$1" 2>/dev/null | grep -q clsact
}

# tc_filter IF ingress|egress: any filter there?
tc_filter() {
	[ -n "$(tc filter show dev "$1" "$2" 2>/dev/null)" ]
}

# after_exit TEST IF: nothing of the test is left on IF or in the kernel.
after_exit() {
	left=""
	xdp_on "$2" && left="$left XDP,"
	tc_filter "$2" ingress && left="$left tc ingress filter,"
	tc_filter "$2" egress && left="$left tc egress filter,"
	ip link show dev "$2" | grep -q 'prog/xdp' && left="$left ip-link xdp,"
	progs_gone "$LOADER_OUT" || left="$left programs still loaded,"
	if [ -z "$left" ]; then
		pass "$1: after exit nothing is attached to $2 and its programs are unloaded"
	else
		fail "$1: after exit" "left behind:$left"
		bpftool net show dev "$2" | sed 's/^/    | /'
	fi
}

# xdp_traffic TEST WHERE-FROM ADDR RECV-WHERE: N datagrams to the pass port
# and N to the drop port; the receivers must get N and 0.
xdp_traffic() {
	kt_udp_send "$2" "$3" "$OTHER_PORT" 1		# resolves ARP first
	kt_udp_recv_start "$4" "$3" "$PASS_PORT" "$N" 3000 "$kt_tmp/$1.pass" &&
		kt_udp_recv_start "$4" "$3" "$DROP_PORT" "$N" 1500 "$kt_tmp/$1.drop" || {
		fail "$1: receivers" "did not start" "$kt_tmp/$1.pass.err" "$kt_tmp/$1.drop.err"
		return
	}
	kt_udp_send "$2" "$3" "$PASS_PORT" "$N"
	kt_udp_send "$2" "$3" "$DROP_PORT" "$N"
	kt_udp_received "$kt_tmp/$1.pass"
	if [ "$KT_RECEIVED" = "$N" ]; then
		pass "$1: all $N datagrams to port $PASS_PORT arrive"
	else
		fail "$1: port $PASS_PORT" "received '$KT_RECEIVED' of $N"
	fi
	kt_udp_received "$kt_tmp/$1.drop"
	if [ "$KT_RECEIVED" = 0 ]; then
		pass "$1: none of $N datagrams to port $DROP_PORT arrives (dropped by XDP)"
	else
		fail "$1: port $DROP_PORT" "received '$KT_RECEIVED' of $N, expected 0"
	fi
}

xdp_counts() {
	at_least "$1" xdp_udp $((2 * N))
	exactly "$1" xdp_dropped "$N"
}

# run NAME FUNCTION ARGS...
run() {
	name=$1
	shift
	if [ "$built" = 1 ]; then
		"$@"
	else
		skip "$name" "the loader was not built"
	fi
}

# ---- tests ----

test_unknown_interface() {
	t="unknown interface"
	"$B/loader" -x ktnosuch0 -s 0 >"$kt_tmp/nosuch.out" 2>"$kt_tmp/nosuch.err"
	status=$?
	expected="Failed to find network interface 'ktnosuch0': No such device"
	if [ $status = 1 ] && grep -qxF "$expected" "$kt_tmp/nosuch.err"; then
		pass "$t: exit 1 and \"$expected\""
	else
		fail "$t" "exit $status, stderr:" "$kt_tmp/nosuch.err"
	fi
}

# test_xdp MODE SIGNAL: the loader on the host end, datagrams from the
# namespace.  MODE link (flags 0: a bpf_link) or skb (generic, netlink).
test_xdp() {
	t="xdp $1"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	if ! start_loader "xdp$1" host -x "$KT_IF_HOST" -m "$1" -d "$DROP_PORT"; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	id=$(prog_id ksrt_xdp)
	case $1 in
	link) want="driver id $id" ;;
	skb) want="generic id $id" ;;
	esac
	if bpftool net show dev "$KT_IF_HOST" | grep -q "$want" &&
		ip link show dev "$KT_IF_HOST" | grep -q "prog/xdp id $id"; then
		pass "$t: attached ($want, as bpftool net and ip link see it)"
	else
		fail "$t: attach" "bpftool net does not show '$want'"
	fi
	if [ "$1" = link ]; then
		check "$t: attached through a bpf_link" "no link to program $id" has_link_to "$id"
	fi
	xdp_traffic "$t" "$KT_NS" "$KT_IP_HOST" host
	stop_loader "$t" "$2" && xdp_counts "$t"
	after_exit "$t" "$KT_IF_HOST"
	kt_veth_destroy
}

# Native (driver) mode through netlink, with the loader inside the namespace.
test_xdp_drv_in_netns() {
	t="xdp drv in a netns"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	if ! start_loader xdpdrv "$KT_NS" -x "$KT_IF_NS" -m drv -d "$DROP_PORT"; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	id=$(prog_id ksrt_xdp)
	if kt_in_ns "$KT_NS" bpftool net show dev "$KT_IF_NS" | grep -q "driver id $id"; then
		pass "$t: attached in driver mode on $KT_IF_NS"
	else
		fail "$t: attach" "bpftool net in the namespace does not show 'driver id $id'"
	fi
	xdp_traffic "$t" host "$KT_IP_NS" "$KT_NS"
	stop_loader "$t" INT && xdp_counts "$t"
	if kt_in_ns "$KT_NS" sh -c "bpftool net show dev $KT_IF_NS | grep -q 'id '"; then
		fail "$t: after exit" "XDP still attached to $KT_IF_NS"
	else
		pass "$t: after exit no XDP on $KT_IF_NS"
	fi
	kt_veth_destroy
}

# tc_traffic TEST: N datagrams in (namespace to host) and N out.
tc_traffic() {
	kt_udp_send "$KT_NS" "$KT_IP_HOST" "$OTHER_PORT" "$N"
	kt_udp_send host "$KT_IP_NS" "$OTHER_PORT" "$N"
}

tc_counts() {
	at_least "$1" tc_in_udp "$N"
	at_least "$1" tc_eg_udp "$N"
}

# Flags 0: tcx links on this kernel, no qdisc.
test_tc_tcx() {
	t="tc tcx"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	if ! start_loader tcx host -i "$KT_IF_HOST" -e "$KT_IF_HOST"; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	in_id=$(prog_id ksrt_tc_in)
	eg_id=$(prog_id ksrt_tc_eg)
	if has_link_to "$in_id" && has_link_to "$eg_id" && ! has_clsact "$KT_IF_HOST"; then
		pass "$t: ingress and egress attached as tcx links, no clsact qdisc"
	elif has_clsact "$KT_IF_HOST"; then
		skip "$t" "this kernel has no tcx: the runtime fell back to the clsact qdisc"
	else
		fail "$t: attach" "no tcx links to programs $in_id and $eg_id"
	fi
	tc_traffic
	stop_loader "$t" INT && tc_counts "$t"
	if has_link_to "$in_id" || has_link_to "$eg_id"; then
		fail "$t: after exit" "a tcx link remains"
	else
		pass "$t: after exit no tcx link remains"
	fi
	after_exit "$t" "$KT_IF_HOST"
	kt_veth_destroy
}

# KS_TC_F_LEGACY: filters on a clsact qdisc that the runtime creates (and
# so removes), or finds (and so keeps).
test_tc_legacy() {
	t="tc legacy${1:+ ($1)}"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	if [ -n "${1:-}" ]; then
		tc qdisc add dev "$KT_IF_HOST" clsact
	fi
	if ! start_loader "tclegacy${1:+2}" host -l -i "$KT_IF_HOST" -e "$KT_IF_HOST"; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	in_id=$(prog_id ksrt_tc_in)
	eg_id=$(prog_id ksrt_tc_eg)
	if tc filter show dev "$KT_IF_HOST" ingress | grep -q "direct-action.* id $in_id " &&
		tc filter show dev "$KT_IF_HOST" egress | grep -q "direct-action.* id $eg_id "; then
		pass "$t: direct-action filters on clsact ingress and egress"
	else
		fail "$t: attach" "tc filter show does not list programs $in_id and $eg_id"
		tc filter show dev "$KT_IF_HOST" ingress | sed 's/^/    | /'
	fi
	tc_traffic
	stop_loader "$t" INT && tc_counts "$t"
	if [ -n "${1:-}" ]; then
		check "$t: the clsact qdisc the runtime found is kept" \
			"the existing clsact qdisc was removed" has_clsact "$KT_IF_HOST"
	else
		if has_clsact "$KT_IF_HOST"; then
			fail "$t: after exit" "the clsact qdisc the runtime created remains"
		else
			pass "$t: the clsact qdisc the runtime created is removed"
		fi
	fi
	after_exit "$t" "$KT_IF_HOST"
	kt_veth_destroy
}

# ks_detach() of each program while the loader still runs: nothing is left
# attached, though the programs are still loaded.  $1: legacy or links.
test_detach_each() {
	t="ks_detach ($1)"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	if [ "$1" = legacy ]; then
		set -- -x "$KT_IF_HOST" -m skb -l
	else
		set -- -x "$KT_IF_HOST"
	fi
	if ! start_loader "detach$1" host "$@" -i "$KT_IF_HOST" -e "$KT_IF_HOST" \
		-t sched/sched_switch -D; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	ids="$(prog_id ksrt_xdp) $(prog_id ksrt_tc_in) $(prog_id ksrt_tc_eg) $(prog_id ksrt_sched)"
	attached=""
	xdp_on "$KT_IF_HOST" && attached="$attached xdp"
	{ tc_filter "$KT_IF_HOST" ingress || has_link_to "$(prog_id ksrt_tc_in)"; } &&
		attached="$attached tc-in"
	{ tc_filter "$KT_IF_HOST" egress || has_link_to "$(prog_id ksrt_tc_eg)"; } &&
		attached="$attached tc-eg"
	has_link_to "$(prog_id ksrt_sched)" && attached="$attached tracepoint"
	if [ "$attached" = " xdp tc-in tc-eg tracepoint" ]; then
		pass "$t: XDP, tc ingress, tc egress and the tracepoint attached"
	else
		fail "$t: attach" "attached:$attached"
	fi
	kill -INT "$LOADER_PID"
	if ! kt_wait_line "$LOADER_OUT" '^detached' 5 "$LOADER_PID"; then
		fail "$t" "the loader did not report 'detached'" "$LOADER_OUT" "$LOADER_OUT.err"
		kt_veth_destroy
		return
	fi
	left=""
	xdp_on "$KT_IF_HOST" && left="$left XDP,"
	tc_filter "$KT_IF_HOST" ingress && left="$left tc ingress filter,"
	tc_filter "$KT_IF_HOST" egress && left="$left tc egress filter,"
	has_clsact "$KT_IF_HOST" && left="$left clsact qdisc,"
	loaded=0
	for id in $ids; do
		has_link_to "$id" && left="$left link to program $id,"
		bpftool prog show id "$id" >/dev/null 2>&1 && loaded=$((loaded + 1))
	done
	if [ -z "$left" ] && [ $loaded = 4 ]; then
		pass "$t: after ks_detach() nothing is attached, the 4 programs still loaded"
	else
		fail "$t: after ks_detach()" "left:$left; $loaded of 4 programs loaded"
	fi
	kill -USR1 "$LOADER_PID"
	kt_wait_exit "$LOADER_PID" 5
	if [ "$KT_STATUS" = 0 ] && grep -q '^exit$' "$LOADER_OUT"; then
		pass "$t: then ks_detach_all() twice and exit 0"
	else
		fail "$t: exit" "exit status $KT_STATUS" "$LOADER_OUT.err"
	fi
	after_exit "$t" "$KT_IF_HOST"
	kt_veth_destroy
}

# The tracepoint in a private mount namespace where neither tracefs nor
# debugfs is mounted: ks_attach_tracepoint() must mount tracefs itself.
test_tracepoint() {
	t="tracepoint"
	# shellcheck disable=SC2016
	kt_bg "$kt_tmp/tp.out" unshare --mount --propagation private sh -c '
		umount -l /sys/kernel/debug 2>/dev/null
		while [ "$(stat -f -c %T /sys/kernel/tracing)" = tracefs ]; do
			umount -l /sys/kernel/tracing || exit 3
		done
		if [ -e /sys/kernel/debug/tracing ]; then
			echo "cannot unmount debugfs" >&2
			exit 3
		fi
		exec "$0" "$@"' "$B/loader" -t sched/sched_switch
	LOADER_PID=$KT_BG_PID
	LOADER_OUT=$kt_tmp/tp.out
	if ! kt_wait_line "$LOADER_OUT" '^ready' 20 "$LOADER_PID"; then
		fail "$t: attach" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		return
	fi
	if awk '$5 == "/sys/kernel/tracing" && $0 ~ / - tracefs /' "/proc/$LOADER_PID/mountinfo" | grep -q .; then
		pass "$t: ks_attach_tracepoint() mounted tracefs at /sys/kernel/tracing"
	else
		fail "$t: tracefs" "not mounted in the loader's mount namespace"
	fi
	if has_link_to "$(prog_id ksrt_sched)"; then
		pass "$t: attached (a bpf link to ksrt_sched)"
	else
		fail "$t: attach" "no link to ksrt_sched"
	fi
	sleep 1
	stop_loader "$t" INT && at_least "$t" sched_switches 1
	if progs_gone "$LOADER_OUT"; then
		pass "$t: after exit its programs are unloaded"
	else
		fail "$t: after exit" "programs still loaded"
	fi
}

# A pinned map in a private mount namespace without bpffs: ks_ensure_bpffs()
# must mount it.
test_bpffs() {
	t="bpffs"
	pin=ksrt_counters_$$
	# shellcheck disable=SC2016
	kt_bg "$kt_tmp/bpffs.out" unshare --mount --propagation private sh -c '
		while [ "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs ]; do
			umount -l /sys/fs/bpf || exit 3
		done
		exec "$0" "$@"' "$B/loader" -p "$pin"
	LOADER_PID=$KT_BG_PID
	LOADER_OUT=$kt_tmp/bpffs.out
	if ! kt_wait_line "$LOADER_OUT" '^ready' 20 "$LOADER_PID"; then
		fail "$t" "the loader did not get ready" "$LOADER_OUT" "$LOADER_OUT.err"
		return
	fi
	if awk '$5 == "/sys/fs/bpf" && $0 ~ / - bpf /' "/proc/$LOADER_PID/mountinfo" | grep -q . &&
		[ -e "/proc/$LOADER_PID/root/sys/fs/bpf/$pin" ]; then
		pass "$t: ks_ensure_bpffs() mounted bpffs at /sys/fs/bpf and the map is pinned there"
	else
		fail "$t" "no bpffs or no pinned map in the loader's mount namespace"
	fi
	stop_loader "$t" TERM
}

run "unknown interface" test_unknown_interface
run "xdp link" test_xdp link INT
run "xdp skb" test_xdp skb TERM
run "xdp drv in a netns" test_xdp_drv_in_netns
run "tc tcx" test_tc_tcx
run "tc legacy" test_tc_legacy
run "tc legacy (existing clsact)" test_tc_legacy "existing clsact"
run "ks_detach (legacy)" test_detach_each legacy
run "ks_detach (links)" test_detach_each links
run "tracepoint" test_tracepoint
run "bpffs" test_bpffs

if [ "$built" = 1 ]; then
	if progs_gone "$kt_tmp"/*.out; then
		pass "end: none of the programs the loaders loaded remains in the kernel"
	else
		fail "end" "programs of the test remain loaded"
	fi
fi
summary
