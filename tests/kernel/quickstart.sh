#!/bin/sh
# The quick start, as the documentation and 'kernelscript init' give it, in
# the real kernel:
#
#	kernelscript init xdp hello_world
#	kernelscript compile hello_world/hello_world.ks
#	cd hello_world && make && ./hello_world --interface=IF
#
# IF is the host end of a veth pair whose other end is in a network
# namespace.  Datagrams sent from the namespace must be counted by the XDP
# program (in its map, and in the lines the program prints) and still
# arrive (it passes everything); SIGINT must end the program with status 0,
# leaving no XDP program on IF and none of its programs in the kernel.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

N=25		# datagrams sent
PORT=7100	# where a receiver counts them
T="quick start"

run_quickstart() {
	missing=$(ks_need_build_tools) || {
		fail "$T" "$missing"
		return
	}
	mkdir "$kt_tmp/qs" && cd "$kt_tmp/qs" || return

	if "$KS" init xdp hello_world >init.log 2>&1 &&
		[ -f hello_world/hello_world.ks ] && [ -f hello_world/xdp.kh ]; then
		pass "$T: kernelscript init xdp hello_world"
	else
		fail "$T: kernelscript init xdp hello_world" "failed" init.log
		return
	fi
	# what it says to do next is what this test does, the compile as it is
	# printed (by the path of this kernelscript: it is not installed)
	next=$(sed -n 's|^  \(.*kernelscript compile hello_world/hello_world\.ks\)$|\1|p' init.log)
	if [ -n "$next" ] &&
		grep -qxF '  cd hello_world && make && sudo ./hello_world --interface=eth0' init.log; then
		pass "$T: init names the next steps: compile, then cd hello_world && make && ./hello_world"
	else
		fail "$T: init's next steps" "not the quick start this test runs" init.log
		return
	fi
	if sh -c "$next" >compile.log 2>&1 &&
		[ -f hello_world/Makefile ] && [ -f hello_world/hello_world.bpf.c ] &&
		[ -f hello_world/hello_world.c ]; then
		pass "$T: $next writes the project into hello_world/"
	else
		fail "$T: $next" "failed" compile.log
		return
	fi
	if (cd hello_world && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make) >make.log 2>&1 &&
		[ -x hello_world/hello_world ]; then
		pass "$T: cd hello_world && make"
	else
		fail "$T: cd hello_world && make" "failed" make.log
		return
	fi

	kt_veth_create || { fail "$T" "cannot create the veth pair"; return; }
	QS_OUT=$kt_tmp/hello_world.out
	cd hello_world || return
	kt_bg "$QS_OUT" ./hello_world --interface="$KT_IF_HOST"
	QS_PID=$KT_BG_PID
	cd "$kt_tmp" || return
	if ! ks_wait_links "$QS_PID" 1; then
		fail "$T: ./hello_world --interface=$KT_IF_HOST" "did not attach" "$QS_OUT" "$QS_OUT.err"
		return
	fi
	xdp_id=$(ip link show dev "$KT_IF_HOST" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	if [ -n "$xdp_id" ] && echo "$KS_PROG_IDS" | grep -qx "$xdp_id"; then
		pass "$T: ./hello_world --interface=$KT_IF_HOST attaches its XDP program (ip link: prog/xdp id $xdp_id)"
	else
		fail "$T: attach" "ip link shows no XDP program of hello_world on $KT_IF_HOST"
		ip link show dev "$KT_IF_HOST" | sed 's/^/    | /'
	fi

	kt_udp_send "$KT_NS" "$KT_IP_HOST" $((PORT + 1)) 1	# resolves ARP first
	if kt_udp_recv_start host "$KT_IP_HOST" "$PORT" "$N" 3000 "$kt_tmp/recv"; then
		kt_udp_send "$KT_NS" "$KT_IP_HOST" "$PORT" "$N"
		kt_udp_received "$kt_tmp/recv"
		if [ "$KT_RECEIVED" = "$N" ]; then
			pass "$T: all $N datagrams sent from the namespace arrive (XDP_PASS)"
		else
			fail "$T: datagrams" "received '$KT_RECEIVED' of $N"
		fi
	else
		fail "$T: receiver" "did not start" "$kt_tmp/recv.err"
	fi

	map=$(ks_map_id "$QS_PID" packets)
	seen=$(ks_map_value "$map" 0)
	if [ -n "$seen" ] && [ "$seen" -ge $((N + 1)) ]; then
		pass "$T: the packets map counts them: $seen >= $((N + 1))"
	else
		fail "$T: the packets map" "packets[0] is '$seen', expected at least $((N + 1))"
	fi

	ks_stop "$T" "$QS_PID" "$QS_OUT" || return
	# stdout is a file: the lines come out at exit
	if head -n 1 "$QS_OUT" | grep -qx "Counting packets on $KT_IF_HOST; press Ctrl-C to stop."; then
		pass "$T: it prints \"Counting packets on $KT_IF_HOST; press Ctrl-C to stop.\""
	else
		fail "$T: first line" "not the template's greeting" "$QS_OUT"
	fi
	last=$(sed -n 's/^\([0-9][0-9]*\) packets$/\1/p' "$QS_OUT" | tail -n 1)
	others=$(sed -e 1d -e '/^[0-9][0-9]* packets$/d' "$QS_OUT")
	if [ -n "$last" ] && [ -n "$seen" ] && [ "$last" -ge "$seen" ] && [ -z "$others" ]; then
		pass "$T: its last line, \"$last packets\", reports them (>= $seen)"
	else
		fail "$T: the lines it prints" "expected 'N packets' lines ending with N >= '$seen'" "$QS_OUT"
	fi
	[ -s "$QS_OUT.err" ] && fail "$T: stderr" "not empty" "$QS_OUT.err"
	ks_nothing_left "$T" "$KT_IF_HOST"
}

run_quickstart
summary
