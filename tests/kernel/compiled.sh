# shellcheck shell=sh disable=SC2153,SC2154 # KT_*, kt_tmp: from lib.sh
# Shared by the kernel tests of compiled KernelScript programs (quickstart.sh,
# xdp_filter.sh, tc.sh, tracepoint.sh, seed.sh).  Sourced after lib.sh:
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/compiled.sh"
#
# A test compiles a .ks file with kernelscript, builds the C project with
# its own Makefile (clang, bpftool, cc -Wall -Wextra -Werror), runs the
# loader as root, and checks what it did with the kernel's own tools.
#
# The loader's stdout goes to a file, where it is block-buffered: its lines
# are read once it has exited.  While it runs, the tests follow it in the
# kernel instead, through the bpf objects it holds (/proc/PID/fdinfo).

# The compiler: from 'make check', or the one built beside the sources.
: "${KS:=$KT_DIR/../../kernelscript}"
case $KS in
/*) ;;
*/*) KS=$(pwd)/$KS ;;	# the tests change directory
*) KS=$(command -v "$KS" || echo "$KS") ;;
esac

# ks_need_build_tools: true when the compiler and every tool a generated
# project needs to build and run are here; otherwise prints what is
# missing and is false.
ks_need_build_tools() {
	if [ ! -x "$KS" ]; then
		echo "no kernelscript compiler at $KS (build it first, or set KS)"
		return 1
	fi
	need_tools make clang bpftool "${CC:-cc}" ip tc nsenter
}

# ks_build TEST FILE.ks DIR: kernelscript compile FILE.ks -o DIR, then make
# -C DIR, as a user would (the MAKEFLAGS of an enclosing 'make check' do not
# reach the project's Makefile).  One PASS or FAIL line.
ks_build() {
	if ! "$KS" compile "$2" -o "$3" >"$3.compile.log" 2>&1; then
		fail "$1: kernelscript compile $(basename "$2")" "failed" "$3.compile.log"
		return 1
	fi
	if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$3" >"$3.make.log" 2>&1; then
		fail "$1: make" "the generated project does not build" "$3.make.log"
		return 1
	fi
	pass "$1: kernelscript compile $(basename "$2") and make build it warning-free"
}

# ks_load TEST OBJECT PIN WHAT: bpftool prog loadall OBJECT into the bpffs
# directory PIN (mounting bpffs first when it is missing).  PASS "TEST: WHAT"
# when the verifier accepts every program, else FAIL with bpftool's log and
# false.  The programs stay pinned for the caller, which removes PIN.
ks_load() {
	kt_ensure_bpffs
	if bpftool prog loadall "$2" "$3" >"$2.load.log" 2>&1; then
		pass "$1: $4"
	else
		fail "$1: load" "bpftool prog loadall failed" "$2.load.log"
		return 1
	fi
}

# ks_fd_ids PID KIND: the ids (KIND prog_id, map_id or link_id) of the bpf
# objects that process PID holds, one a line.
ks_fd_ids() {
	grep -h "^$2:" /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}

# ks_wait_links PID COUNT [SECONDS]: waits (default 10 s) until process PID
# holds COUNT bpf links (XDP and tcx attachments and tracepoints are links),
# then records the ids of its programs and links in KS_PROG_IDS and
# KS_LINK_IDS, for ks_nothing_left.  False when PID ends or time runs out.
ks_wait_links() {
	n=0
	limit=$(( ${3:-10} * 10 ))
	KS_PROG_IDS=""
	KS_LINK_IDS=""
	while [ "$(ks_fd_ids "$1" link_id | wc -l)" -lt "$2" ]; do
		if [ $n -ge $limit ] || ! kill -0 "$1" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
		n=$((n + 1))
	done
	KS_PROG_IDS=$(ks_fd_ids "$1" prog_id)
	KS_LINK_IDS=$(ks_fd_ids "$1" link_id)
}

# ks_map_id PID NAME: the id of map NAME of process PID (empty if none).
ks_map_id() {
	for m in $(ks_fd_ids "$1" map_id); do
		if bpftool map show id "$m" 2>/dev/null | grep -q " name $2 "; then
			echo "$m"
			return 0
		fi
	done
}

# ks_u32_key N: the four bytes of N as bpftool takes a u32 key (this host's
# byte order: the tests run on little-endian machines).
ks_u32_key() {
	echo "$(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))"
}

# ks_ip_u32 A.B.C.D: the address as a .ks reads it from a packet, a u32 on
# a little-endian host: the first byte is the lowest.
ks_ip_u32() {
	echo "$1" | awk -F. '{ printf "%u\n", $1 + $2 * 256 + $3 * 65536 + $4 * 16777216 }'
}

# ks_add_second_address: a second address for the namespace end of the
# veth pair (made by kt_veth_create), unique like the pair's own, with a
# host route to it.  Sets KS_IP_NS2.
ks_add_second_address() {
	KS_IP_NS2=10.249.${KT_IP_NS#10.250.}
	kt_in_ns "$KT_NS" ip addr add "$KS_IP_NS2/32" dev "$KT_IF_NS" &&
		ip route add "$KS_IP_NS2/32" dev "$KT_IF_HOST"
}

# ks_two_sources TEST COUNT PASS-PORT BLOCK-PORT: COUNT datagrams to the
# host from KS_IP_NS2 (ks_add_second_address), to PASS-PORT, must all
# arrive; then COUNT from KT_IP_NS, to BLOCK-PORT, must not.  The first are
# sent through a host route in the namespace whose preferred source is
# KS_IP_NS2; one datagram before them resolves ARP.
ks_two_sources() {
	kt_in_ns "$KT_NS" ip route add "$KT_IP_HOST/32" dev "$KT_IF_NS" src "$KS_IP_NS2"
	kt_udp_send "$KT_NS" "$KT_IP_HOST" $(($3 + 2)) 1
	if kt_udp_recv_start host "$KT_IP_HOST" "$3" "$2" 3000 "$kt_tmp/$3.recv"; then
		kt_udp_send "$KT_NS" "$KT_IP_HOST" "$3" "$2"
		kt_udp_received "$kt_tmp/$3.recv"
		if [ "$KT_RECEIVED" = "$2" ]; then
			pass "$1: all $2 datagrams from $KS_IP_NS2 arrive"
		else
			fail "$1: from $KS_IP_NS2" "received '$KT_RECEIVED' of $2"
		fi
	else
		fail "$1: receiver" "did not start" "$kt_tmp/$3.recv.err"
	fi
	kt_in_ns "$KT_NS" ip route del "$KT_IP_HOST/32" dev "$KT_IF_NS"
	if kt_udp_recv_start host "$KT_IP_HOST" "$4" "$2" 1500 "$kt_tmp/$4.recv"; then
		kt_udp_send "$KT_NS" "$KT_IP_HOST" "$4" "$2"
		kt_udp_received "$kt_tmp/$4.recv"
		if [ "$KT_RECEIVED" = 0 ]; then
			pass "$1: none of $2 datagrams from $KT_IP_NS arrives (dropped by XDP)"
		else
			fail "$1: from $KT_IP_NS" "received '$KT_RECEIVED' of $2, expected 0"
		fi
	else
		fail "$1: receiver" "did not start" "$kt_tmp/$4.recv.err"
	fi
}

# ks_map_value MAP-ID U32-KEY: the value at the key, as bpftool formats it
# with the map's BTF (a plain, not per-CPU, map of integers); empty when
# the key is absent.
ks_map_value() {
	# shellcheck disable=SC2046
	bpftool -j map lookup id "$1" key $(ks_u32_key "$2") 2>/dev/null |
		sed -n 's/.*"formatted":{"key":[0-9]*,"value":\([0-9]*\)}.*/\1/p'
}

# ks_stop TEST PID OUT: SIGINT, as Ctrl-C; the loader must exit 0 within 5 s.
ks_stop() {
	kill -INT "$2"
	kt_wait_exit "$2" 5
	if [ "$KT_STATUS" = 0 ]; then
		pass "$1: SIGINT: the program exits 0"
		return 0
	fi
	if [ "$KT_STATUS" = 124 ]; then
		fail "$1: SIGINT" "still running 5 s after SIGINT" "$3" "$3.err"
	else
		fail "$1: SIGINT" "exit status $KT_STATUS" "$3" "$3.err"
	fi
	return 1
}

# ks_list LIST: the lines of LIST with commas between them.
ks_list() {
	echo "$1" | paste -s -d, -
}

# ks_still_there KIND ID: true when bpftool still shows the KIND (prog or
# link) ID, after waiting for it to go; the waits of one ks_nothing_left
# share 3 s in all (ks_waited counts tenths).
ks_still_there() {
	while bpftool "$1" show id "$2" >/dev/null 2>&1 && [ "$ks_waited" -lt 30 ]; do
		sleep 0.1
		ks_waited=$((ks_waited + 1))
	done
	bpftool "$1" show id "$2" >/dev/null 2>&1
}

# ks_nothing_left TEST [IF]: after the loader's exit, none of the programs
# and links recorded by ks_wait_links is in the kernel (the kernel frees
# them within 3 s), and, given an interface, no XDP program and no tc
# filter is attached to it (a tcx attachment is a link, checked above).
ks_nothing_left() {
	t=$1
	left=""
	ks_waited=0
	for id in $KS_PROG_IDS; do
		ks_still_there prog "$id" && left="$left program $id,"
	done
	for id in $KS_LINK_IDS; do
		ks_still_there link "$id" && left="$left link $id,"
	done
	if_=${2:-}
	if [ -n "$if_" ]; then
		ip link show dev "$if_" | grep -q 'xdp' && left="$left XDP on $if_,"
		bpftool net show dev "$if_" | grep -q 'id [0-9]' &&
			left="$left bpf programs on $if_ (bpftool net),"
		[ -n "$(tc filter show dev "$if_" ingress 2>/dev/null)" ] &&
			left="$left tc ingress filter on $if_,"
		[ -n "$(tc filter show dev "$if_" egress 2>/dev/null)" ] &&
			left="$left tc egress filter on $if_,"
	fi
	if [ -z "$KS_PROG_IDS" ]; then
		fail "$t: after exit" "no program ids were recorded"
	elif [ -z "$left" ]; then
		pass "$t: after exit none of its programs ($(ks_list "$KS_PROG_IDS")) and links ($(ks_list "$KS_LINK_IDS")) remains${if_:+, nothing attached to $if_}"
	else
		fail "$t: after exit" "left behind:$left"
	fi
}

# For a test that runs an XDP program with BPF_PROG_TEST_RUN: compiles
# and builds SOURCE (a .ks) into $kt_tmp/NAME, then builds xdp_run into
# $kt_tmp; a failure is recorded and ends the script.
#   ks_build_for_xdp_run NAME SOURCE
ks_build_for_xdp_run() {
	missing=$(ks_need_build_tools) || { fail "$1" "$missing"; summary; exit; }
	ks_build "$1" "$2" "$kt_tmp/$1" || { summary; exit; }
	# shellcheck disable=SC2046
	if ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$kt_tmp/xdp_run" "$KT_DIR/xdp_run.c" \
		$(kt_libbpf_libs) >"$kt_tmp/xdp_run.log" 2>&1; then
		fail "$1" "cannot build xdp_run.c" "$kt_tmp/xdp_run.log"
		summary
		exit
	fi
}

# After ks_build_for_xdp_run: runs PROGRAM of NAME's object REPEAT times
# with BPF_PROG_TEST_RUN, and prints the maps MAP... into $kt_tmp/run.out.
#   ks_xdp_run NAME PROGRAM REPEAT MAP...
ks_xdp_run() {
	x_name=$1 x_prog=$2 x_repeat=$3
	shift 3
	if "$kt_tmp/xdp_run" "$kt_tmp/$x_name/.output/$x_name.bpf.o" "$x_prog" "$x_repeat" "$@" \
		>"$kt_tmp/run.out" 2>"$kt_tmp/run.err"; then
		pass "$x_name: the verifier accepts it and it runs $x_repeat time(s)"
	else
		fail "$x_name: BPF_PROG_TEST_RUN" "xdp_run failed" "$kt_tmp/run.err"
	fi
}

# The line LINE is among what ks_xdp_run printed (test $T).
#   expect_line WHAT LINE
expect_line() {
	if grep -qxF "$2" "$kt_tmp/run.out"; then
		pass "$T: $1 ($2)"
	else
		fail "$T: $1" "no line '$2'" "$kt_tmp/run.out"
	fi
}
