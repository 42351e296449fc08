# Shared by the kernel tests (tests/kernel/*.sh): they load, attach and run
# eBPF programs in the running kernel, so they need root.  POSIX sh.
#
# A test script does:
#	. "$(dirname "$0")/lib.sh"
#	need_root_and_bpf		# or: the file is skipped, with the reason
#	... pass NAME / fail NAME WHY / skip NAME WHY ...
#	summary				# "N passed, N failed, N skipped"; exit status
#
# Results are TAP, so that make check's summary counts each one.
#
# Packets are sent and received by ktool (ktool.c beside this file), a small
# C program built here with cc: the tests need neither ping nor python.
#
# Everything a test creates (temporary files, background processes, network
# namespaces, veth pairs) is removed when the script exits, however it exits.

set -u
LC_ALL=C
export LC_ALL

: "${KT_DIR:=$(cd "$(dirname "$0")" && pwd)}"	# tests/kernel
KT_TOP=$(cd "$KT_DIR/../.." && pwd)		# the source tree
: "${KT_SKELETON:=$KT_TOP/skeleton}"
KT_NAME=$(basename "$0" .sh)

kt_passed=0
kt_failed=0
kt_skipped=0
kt_results=0
KT_BPF_OK=0		# set by need_root_and_bpf once bpf() is known to work
KT_PIDS=""		# background processes to end at exit
KT_NETNS=""		# network namespaces to delete at exit
KT_LINKS=""		# host-side interfaces to delete at exit
KT_TOOL=""
kt_veth_count=0

kt_tmp=$(mktemp -d "${TMPDIR:-/tmp}/kt-$KT_NAME.XXXXXX") || exit 99

kt_cleanup() {
	for pid in $KT_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $KT_PIDS; do
		n=0
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 20 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in $KT_NETNS; do
		ip netns delete "$ns" 2>/dev/null
	done
	for link in $KT_LINKS; do
		ip link delete "$link" 2>/dev/null
	done
	rm -rf "$kt_tmp"
}
trap 'kt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- results ----

pass() {
	kt_passed=$((kt_passed + 1))
	kt_results=$((kt_results + 1))
	echo "ok $kt_results - $1"
}

# fail NAME WHY [FILE...]: the files (logs) are shown indented.
fail() {
	kt_failed=$((kt_failed + 1))
	kt_results=$((kt_results + 1))
	echo "not ok $kt_results - $1: $2"
	shift 2
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/    | /' "$f"
	done
	return 0
}

skip() {
	kt_skipped=$((kt_skipped + 1))
	kt_results=$((kt_results + 1))
	echo "ok $kt_results - $1 # SKIP $2"
}

# check NAME WHY-IF-FALSE TEST...: pass when the test command succeeds.
check() {
	name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# Prints the summary and exits: 0 when nothing failed, 1 otherwise.  No
# silent skips: when bpf() works but every test of the file skipped, the
# machine is missing something the tests need, and that is a failure.
summary() {
	if [ "$KT_BPF_OK" = 1 ] && [ "$kt_passed" -eq 0 ] && [ "$kt_failed" -eq 0 ] &&
		[ "$kt_skipped" -gt 0 ]; then
		fail "$KT_NAME" "bpf() works but every test skipped (no silent skips)"
	fi
	echo "1..$kt_results"
	echo "$kt_passed passed, $kt_failed failed, $kt_skipped skipped"
	[ "$kt_failed" -eq 0 ] || exit 1
	exit 0
}

# The whole file cannot run here: a TAP plan that says so, with the reason.
kt_skip_all() {
	echo "1..0 # SKIP $KT_NAME: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

# ---- prerequisites ----

# Builds ktool once (into the temporary directory); sets KT_TOOL.
kt_build_tool() {
	[ -n "$KT_TOOL" ] && return 0
	if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
		echo "no C compiler (${CC:-cc}) to build ktool"
		return 1
	fi
	if ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$kt_tmp/ktool" \
		"$KT_DIR/ktool.c" >"$kt_tmp/ktool.log" 2>&1; then
		echo "cannot build ktool:"
		cat "$kt_tmp/ktool.log"
		return 1
	fi
	KT_TOOL=$kt_tmp/ktool
}

# Skips the whole file unless we are root and bpf() really loads a program
# (a trivial XDP program, loaded by ktool with the raw system call).
need_root_and_bpf() {
	if [ "$(id -u)" != 0 ]; then
		kt_skip_all "not root (kernel tests load eBPF programs and create network namespaces)"
	fi
	kt_build_tool >"$kt_tmp/why" || kt_skip_all "$(cat "$kt_tmp/why")"
	why=$("$KT_TOOL" bpf-probe 2>&1) || kt_skip_all "bpf() unusable: $why"
	KT_BPF_OK=1
}

# need_tools TOOL...: true when every tool is on PATH; otherwise prints
# which are missing and is false (the caller skips its tests).
need_tools() {
	missing=""
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] && return 0
	echo "missing:$missing"
	return 1
}

# Mounts bpffs at /sys/fs/bpf when it is not mounted there.
kt_ensure_bpffs() {
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] && return 0
	mount -t bpf bpf /sys/fs/bpf
}

# Makes tracefs reachable where libbpf looks: /sys/kernel/debug/tracing
# when debugfs is mounted, else /sys/kernel/tracing (mounted here if needed).
kt_ensure_tracefs() {
	[ -e /sys/kernel/debug/tracing ] && return 0
	[ "$(stat -f -c %T /sys/kernel/tracing 2>/dev/null)" = tracefs ] && return 0
	mount -t tracefs tracefs /sys/kernel/tracing
}

# ---- building eBPF code ----

# The -D__TARGET_ARCH_ value for clang -target bpf.
kt_target_arch() {
	case $(uname -m) in
	x86_64 | i?86) echo x86 ;;
	aarch64) echo arm64 ;;
	arm*) echo arm ;;
	ppc64*) echo powerpc ;;
	s390x) echo s390 ;;
	riscv64) echo riscv ;;
	loongarch64) echo loongarch ;;
	*) uname -m ;;
	esac
}

# kt_vmlinux_h DIR: DIR/vmlinux.h from the running kernel's BTF.
kt_vmlinux_h() {
	[ -s "$1/vmlinux.h" ] && return 0
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$1/vmlinux.h.tmp" &&
		mv "$1/vmlinux.h.tmp" "$1/vmlinux.h"
}

# The flags to link a loader against libbpf.
kt_libbpf_libs() {
	pkg-config --libs libbpf 2>/dev/null || echo "-lbpf -lelf -lz"
}

# ---- processes ----

# kt_bg OUT CMD...: runs CMD in the background, stdout in OUT, stderr in
# OUT.err; sets KT_BG_PID.  The process is ended at exit if still running.
kt_bg() {
	out=$1
	shift
	# emptied here, before the start, so that no one reads an old file
	: >"$out"
	: >"$out.err"
	"$@" >>"$out" 2>>"$out.err" &
	KT_BG_PID=$!
	KT_PIDS="$KT_PIDS $KT_BG_PID"
}

# kt_wait_line FILE PATTERN [SECONDS]: waits until a line of FILE matches
# the grep pattern (default timeout 10 s).  PID, if given as 4th argument,
# must stay alive meanwhile.
kt_wait_line() {
	n=0
	limit=$(( ${3:-10} * 10 ))
	while ! grep -q "$2" "$1" 2>/dev/null; do
		if [ $n -ge $limit ]; then
			return 1
		fi
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			grep -q "$2" "$1" 2>/dev/null
			return
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

# kt_wait_exit PID [SECONDS]: waits for a background process to end (default
# 10 s) and sets KT_STATUS to its exit status; 124 (and killed) on timeout.
kt_wait_exit() {
	n=0
	limit=$(( ${2:-10} * 10 ))
	while kill -0 "$1" 2>/dev/null && [ $n -lt $limit ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		KT_STATUS=124
		return 1
	fi
	KT_STATUS=0
	# shellcheck disable=SC2034	# read by the callers
	wait "$1" || KT_STATUS=$?
}

# kt_value FILE NAME: the value of the "NAME=VALUE" line of FILE (or empty).
kt_value() {
	sed -n "s/^$2=//p" "$1" | head -n 1
}

# ---- network namespaces and veth pairs ----

# kt_in_ns NS CMD...: runs CMD in network namespace NS.  nsenter only
# switches the network namespace, so /sys/fs/bpf stays visible (which
# 'ip netns exec' hides by remounting /sys).
kt_in_ns() {
	ns=$1
	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

# kt_veth_create: a veth pair, one end in this namespace and the other in a
# fresh network namespace, both up, with IPv4 addresses (a /30 of
# 10.250.0.0/16 chosen from the process id) and IPv6 off to keep the wire
# quiet.  Names are unique per run and per call.  Sets:
#	KT_NS		the namespace (for kt_in_ns)
#	KT_IF_HOST	the end in this namespace, address KT_IP_HOST
#	KT_IF_NS	the end in KT_NS, address KT_IP_NS
# Removed at exit, or earlier with kt_veth_destroy.
kt_veth_create() {
	kt_veth_count=$((kt_veth_count + 1))
	id=$$$kt_veth_count
	KT_NS=ktns$id
	KT_IF_HOST=kth$id
	KT_IF_NS=ktn$id
	n=$(( ($$ * 8 + kt_veth_count) % 16384 ))
	KT_IP_HOST=10.250.$((n / 64)).$((n % 64 * 4 + 1))
	KT_IP_NS=10.250.$((n / 64)).$((n % 64 * 4 + 2))

	ip netns add "$KT_NS" || return 1
	KT_NETNS="$KT_NETNS $KT_NS"
	ip link add "$KT_IF_HOST" type veth peer name "$KT_IF_NS" netns "$KT_NS" || return 1
	KT_LINKS="$KT_LINKS $KT_IF_HOST"
	echo 1 >"/proc/sys/net/ipv6/conf/$KT_IF_HOST/disable_ipv6" 2>/dev/null
	kt_in_ns "$KT_NS" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$KT_IF_NS/disable_ipv6" 2>/dev/null
	ip addr add "$KT_IP_HOST/30" dev "$KT_IF_HOST" &&
		ip link set "$KT_IF_HOST" up &&
		kt_in_ns "$KT_NS" ip addr add "$KT_IP_NS/30" dev "$KT_IF_NS" &&
		kt_in_ns "$KT_NS" ip link set "$KT_IF_NS" up &&
		kt_in_ns "$KT_NS" ip link set lo up
}

kt_veth_destroy() {
	ip netns delete "$KT_NS" 2>/dev/null	# takes the pair with it
	ip link delete "$KT_IF_HOST" 2>/dev/null
	return 0
}

# ---- traffic (ktool) ----

# kt_udp_send WHERE ADDR PORT COUNT: sends COUNT UDP datagrams from WHERE
# ("host", or a namespace name).
kt_udp_send() {
	where=$1
	shift
	if [ "$where" = host ]; then
		"$KT_TOOL" udp-send "$@" >/dev/null
	else
		kt_in_ns "$where" "$KT_TOOL" udp-send "$@" >/dev/null
	fi
}

# kt_udp_recv_start WHERE ADDR PORT EXPECT TIMEOUT_MS OUT: a receiver in the
# background, listening once this returns; kt_udp_received OUT waits for it
# to end (after EXPECT datagrams or the timeout) and sets KT_RECEIVED.
kt_udp_recv_start() {
	where=$1 out=$6
	if [ "$where" = host ]; then
		kt_bg "$out" "$KT_TOOL" udp-recv "$2" "$3" "$4" "$5"
	else
		kt_bg "$out" nsenter --net="/run/netns/$where" -- "$KT_TOOL" udp-recv "$2" "$3" "$4" "$5"
	fi
	echo "$KT_BG_PID" >"$out.pid"
	kt_wait_line "$out" '^listening' 5 "$KT_BG_PID"
}

kt_udp_received() {
	kt_wait_exit "$(cat "$1.pid")" 15
	KT_RECEIVED=$(sed -n 's/^received //p' "$1")
	[ -n "$KT_RECEIVED" ]
}
