#!/bin/sh
# Programs that attach by themselves (@xdp on lo, @tracepoint on
# sched/sched_switch), with no main: direct/direct.ks.  The generated
# program attaches each where its attribute says and says so; ten UDP
# datagrams to 127.0.0.1:9999 are counted; at SIGINT it detaches and prints
# the maps, as bpftrace does, and exits 0, leaving nothing attached.
# --interface names another interface (one that is not there is reported
# with the attribute's line), --on a program that is not there is a usage
# error.  direct/with_main.ks: attach(prog) with no target attaches where
# the attribute says.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=direct
D=$kt_tmp/direct
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; }
kt_ensure_tracefs
if ks_build "$T" "$KT_DIR/direct/direct.ks" "$D"; then
	kt_bg "$D.out" "$D/direct"
	pid=$KT_BG_PID
	if kt_wait_line "$D.out" '^on_switch attached to sched/sched_switch$' 10 "$pid"; then
		check "$T: on_packet says it attached to lo" "$(cat "$D.out")" \
			grep -q '^on_packet attached to lo$' "$D.out"
		ip link set lo up 2>/dev/null
		"$KT_TOOL" udp-send 127.0.0.1 9999 10 >/dev/null 2>&1
		sleep 0.2
		kill -INT "$pid"
		kt_wait_exit "$pid" 10
		check "$T: SIGINT ends it with status 0" "exit status $KT_STATUS" test "$KT_STATUS" = 0
		n=$(sed -n 's/^@counts\[0\]: \([0-9]*\)$/\1/p' "$D.out")
		if [ -n "$n" ] && [ "$n" -ge 10 ]; then
			pass "$T: at exit it prints the maps: the datagrams counted (@counts[0]: $n)"
		else
			fail "$T: maps at exit" "expected @counts[0] of at least 10" "$D.out" "$D.out.err"
		fi
		check "$T: a struct value is printed with its members" "$(grep '^@flows' "$D.out")" \
			grep -q '^@flows\[9999\]: { packets: [1-9][0-9]*, bytes: [1-9][0-9]* }$' "$D.out"
		check "$T: the tracepoint counted" "$(grep '^@counts\[1\]' "$D.out")" \
			grep -q '^@counts\[1\]: [1-9][0-9]*$' "$D.out"
		check "$T: nothing stays attached to lo" "$(ip link show lo)" \
			sh -c "! ip link show lo | grep -q xdp"
	else
		fail "$T: attach" "the programs did not say they attached" "$D.out" "$D.out.err"
	fi

	status=0
	"$D/direct" --interface=nosuch0 >"$D.bad.out" 2>"$D.bad.err" || status=$?
	if [ "$status" = 1 ] && grep -q '^direct.ks:15: on_packet attaches on nosuch0, and there is no network interface nosuch0' "$D.bad.err"; then
		pass "$T: --interface names an interface that is not there: the attribute's line and the reason"
	else
		fail "$T: --interface=nosuch0" "exit status $status" "$D.bad.err"
	fi
	status=0
	"$D/direct" --on bogus=lo >"$D.on.out" 2>"$D.on.err" || status=$?
	check "$T: --on with a program that is not there is a usage error" \
		"exit status $status: $(cat "$D.on.err")" \
		sh -c "[ $status = 2 ] && grep -q \"no program here is named 'bogus'\" '$D.on.err'"
fi

W=$kt_tmp/with_main
if ks_build "$T: with main" "$KT_DIR/direct/with_main.ks" "$W"; then
	status=0
	"$W/with_main" >"$W.out" 2>"$W.err" || status=$?
	check "$T: attach(prog) with no target attaches where the attribute says" \
		"exit status $status: $(cat "$W.out" "$W.err")" \
		sh -c "[ $status = 0 ] && grep -q '^switches: [1-9][0-9]*$' '$W.out'"
fi
summary
