#!/bin/sh
# tc programs compiled from KernelScript, in the real kernel: tc/tc.ks has
# an @tc("ingress") program that counts IPv4 packets and drops UDP to one
# port (--drop_port), and an @tc("egress") one that counts; main attaches
# both to one interface and prints the counts at Ctrl-C.
#
# On the host end of a veth pair: datagrams from the namespace to the
# dropped port must not arrive, others must; datagrams from the host to the
# namespace, to the same port, must arrive (egress only counts); both
# counts must grow, the drops must be exact, and SIGINT must leave nothing
# attached.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

N=20			# datagrams per burst
PASS_PORT=7300
DROP_PORT=7301
WARM_PORT=7302		# no receiver: resolves ARP first
B=$kt_tmp/tc
T=tc

built=0
missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/tc/tc.ks" "$B"; then
	built=1
fi

# tc_attached IF: both programs are on IF, as tcx links (kernel 6.6 and
# later) or as filters on the clsact qdisc (older kernels).
tc_attached() {
	[ "$(ks_fd_ids "$TC_PID" link_id | wc -l)" -ge 2 ] && return 0
	[ -n "$(tc filter show dev "$1" ingress 2>/dev/null)" ] &&
		[ -n "$(tc filter show dev "$1" egress 2>/dev/null)" ]
}

# tcx_of PROG: "DIRECTION IFINDEX" of the loader's tcx link to its program
# named PROG, as the kernel shows it in the link's fdinfo.
tcx_of() {
	for f in /proc/"$TC_PID"/fdinfo/*; do
		grep -q '^link_type:[[:space:]]*tcx$' "$f" 2>/dev/null || continue
		bpftool prog show id "$(sed -n 's/^prog_id:[[:space:]]*//p' "$f")" |
			grep -q " name $1 " || continue
		echo "$(sed -n 's/^attach_type:.*(\(.*\))$/\1/p' "$f") $(sed -n 's/^ifindex:[[:space:]]*//p' "$f")"
	done
}

# recv_check TEST WHERE ADDR PORT EXPECTED: a receiver must have got
# EXPECTED datagrams (its output is $kt_tmp/PORT.WHERE).
recv_check() {
	kt_udp_received "$kt_tmp/$4.$2"
	if [ "$KT_RECEIVED" = "$5" ]; then
		pass "$1"
	else
		fail "$1" "received '$KT_RECEIVED', expected $5"
	fi
}

test_tc() {
	t="$T"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	TC_OUT=$kt_tmp/tc.out
	kt_bg "$TC_OUT" "$B/tc" --interface="$KT_IF_HOST" --drop_port="$DROP_PORT"
	TC_PID=$KT_BG_PID
	n=0
	while ! tc_attached "$KT_IF_HOST"; do
		if [ $n -ge 100 ] || ! kill -0 "$TC_PID" 2>/dev/null; then
			fail "$t: attach" "the programs were not attached within 10 s" "$TC_OUT" "$TC_OUT.err"
			return
		fi
		sleep 0.1
		n=$((n + 1))
	done
	KS_PROG_IDS=$(ks_fd_ids "$TC_PID" prog_id)
	KS_LINK_IDS=$(ks_fd_ids "$TC_PID" link_id)
	ifindex=$(cat "/sys/class/net/$KT_IF_HOST/ifindex")
	if [ -n "$KS_LINK_IDS" ]; then
		in_at=$(tcx_of count_in)
		out_at=$(tcx_of count_out)
		if [ "$in_at" = "ingress $ifindex" ] && [ "$out_at" = "egress $ifindex" ]; then
			pass "$t: tcx links: count_in on $KT_IF_HOST ingress, count_out on its egress"
		else
			fail "$t: attach" "count_in at '$in_at', count_out at '$out_at', expected ingress and egress of ifindex $ifindex"
		fi
	elif tc filter show dev "$KT_IF_HOST" ingress | grep -q 'count_in' &&
		tc filter show dev "$KT_IF_HOST" egress | grep -q 'count_out'; then
		pass "$t: clsact filters (no tcx here): count_in on $KT_IF_HOST ingress, count_out on its egress"
	else
		fail "$t: attach" "the clsact filters are not count_in on ingress and count_out on egress"
	fi

	# ingress: from the namespace to the host
	kt_udp_send "$KT_NS" "$KT_IP_HOST" "$WARM_PORT" 1
	kt_udp_send host "$KT_IP_NS" "$WARM_PORT" 1
	if ! kt_udp_recv_start host "$KT_IP_HOST" "$PASS_PORT" "$N" 3000 "$kt_tmp/$PASS_PORT.host" ||
		! kt_udp_recv_start host "$KT_IP_HOST" "$DROP_PORT" "$N" 1500 "$kt_tmp/$DROP_PORT.host" ||
		! kt_udp_recv_start "$KT_NS" "$KT_IP_NS" "$DROP_PORT" "$N" 3000 "$kt_tmp/$DROP_PORT.$KT_NS"; then
		fail "$t: receivers" "did not start"
		return
	fi
	kt_udp_send "$KT_NS" "$KT_IP_HOST" "$PASS_PORT" "$N"
	kt_udp_send "$KT_NS" "$KT_IP_HOST" "$DROP_PORT" "$N"
	# egress: from the host to the namespace, to the port dropped on ingress
	kt_udp_send host "$KT_IP_NS" "$DROP_PORT" "$N"
	recv_check "$t: ingress: all $N datagrams to port $PASS_PORT arrive" \
		host "$KT_IP_HOST" "$PASS_PORT" "$N"
	recv_check "$t: ingress: none of $N datagrams to port $DROP_PORT arrives (TC_ACT_SHOT)" \
		host "$KT_IP_HOST" "$DROP_PORT" 0
	recv_check "$t: egress: all $N datagrams to port $DROP_PORT leave (dropping is on ingress only)" \
		"$KT_NS" "$KT_IP_NS" "$DROP_PORT" "$N"

	map=$(ks_map_id "$TC_PID" counts)
	in_map=$(ks_map_value "$map" 0)
	out_map=$(ks_map_value "$map" 1)
	dropped_map=$(ks_map_value "$map" 2)
	if [ -n "$in_map" ] && [ "$in_map" -ge $((2 * N + 1)) ] &&
		[ -n "$out_map" ] && [ "$out_map" -ge $((N + 1)) ] && [ "$dropped_map" = "$N" ]; then
		pass "$t: the counts map: ingress $in_map >= $((2 * N + 1)), egress $out_map >= $((N + 1)), dropped $N"
	else
		fail "$t: the counts map" "ingress '$in_map', egress '$out_map', dropped '$dropped_map'"
	fi

	ks_stop "$t" "$TC_PID" "$TC_OUT" || return
	if head -n 1 "$TC_OUT" | grep -qx "attached to $KT_IF_HOST, dropping UDP port $DROP_PORT"; then
		pass "$t: it prints \"attached to $KT_IF_HOST, dropping UDP port $DROP_PORT\""
	else
		fail "$t: first line" "not what main prints" "$TC_OUT"
	fi
	line=$(grep '^ingress=' "$TC_OUT")
	in_n=$(echo "$line" | sed -n 's/^ingress=\([0-9]*\) egress=[0-9]* dropped=[0-9]*$/\1/p')
	out_n=$(echo "$line" | sed -n 's/^ingress=[0-9]* egress=\([0-9]*\) dropped=[0-9]*$/\1/p')
	dropped_n=$(echo "$line" | sed -n 's/^ingress=[0-9]* egress=[0-9]* dropped=\([0-9]*\)$/\1/p')
	if [ -n "$in_n" ] && [ -n "$in_map" ] && [ "$in_n" -ge "$in_map" ] &&
		[ -n "$out_n" ] && [ -n "$out_map" ] && [ "$out_n" -ge "$out_map" ] &&
		[ "$dropped_n" = "$N" ]; then
		pass "$t: at exit it prints \"$line\" (counts > 0 both ways, $N dropped)"
	else
		fail "$t: at exit" "expected ingress >= '$in_map', egress >= '$out_map', dropped=$N" "$TC_OUT"
	fi
	[ -s "$TC_OUT.err" ] && fail "$t: stderr" "not empty" "$TC_OUT.err"
	ks_nothing_left "$t" "$KT_IF_HOST"
}

[ "$built" = 1 ] && test_tc
summary
