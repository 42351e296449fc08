#!/bin/sh
# A tracepoint program compiled from KernelScript, in the real kernel:
# tracepoint/tracepoint.ks counts sched/sched_switch events, split by the
# record's next_pid (to the idle task or not), and the switches away from
# one process (prev_pid == --pid); main counts for --ms milliseconds,
# detaches and prints the counts.
#
# The watched process is ktool sending 100 datagrams 2 ms apart: it sleeps
# between them, so it is switched away from at least 100 times.  The counts
# must be > 0 and consistent (switches == to_idle + to_task), the watched
# process's at least 100; SIGINT during the wait must end it early with the
# same output and status 0; nothing of it may remain afterwards.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

SENDS=100		# datagrams the watched process sends, 2 ms apart
B=$kt_tmp/tracepoint
T=tracepoint

built=0
missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/tracepoint/tracepoint.ks" "$B"; then
	built=1
fi

# counts TEST OUT [MIN-FROM-PID]: checks the line main printed.
counts() {
	line=$(grep '^switches=' "$2")
	# shellcheck disable=SC2046
	set -- "$1" "$2" "${3:--}" $(echo "$line" |
		sed -n 's/^switches=\([0-9]*\) to_idle=\([0-9]*\) to_task=\([0-9]*\) from_pid=\([0-9]*\)$/\1 \2 \3 \4/p')
	if [ $# != 7 ]; then
		fail "$1: output" "no 'switches=N to_idle=N to_task=N from_pid=N' line" "$2" "$2.err"
		return
	fi
	if [ "$4" -gt 0 ] && [ "$6" -gt 0 ] && [ "$4" = $(($5 + $6)) ] && [ "$7" -le "$4" ]; then
		pass "$1: \"$line\": switches > 0, switches == to_idle + to_task"
	else
		fail "$1: counts" "inconsistent: $line"
	fi
	[ "$3" = - ] && return
	if [ "$7" -ge "$3" ]; then
		pass "$1: from_pid = $7 >= $3"
	else
		fail "$1: from_pid" "$7, expected at least $3 (prev_pid not read right?)"
	fi
}

# The loader; attached once it holds a link.  Sets TP_PID, TP_OUT.
start() {
	TP_OUT=$kt_tmp/$1.out
	shift
	kt_bg "$TP_OUT" "$B/tracepoint" "$@"
	TP_PID=$KT_BG_PID
	if ! ks_wait_links "$TP_PID" 1; then
		fail "$t: attach" "the loader did not attach" "$TP_OUT" "$TP_OUT.err"
		return 1
	fi
	if bpftool prog show id "$KS_PROG_IDS" | grep -q '^[0-9]*: tracepoint  name on_switch '; then
		pass "$t: on_switch is loaded as a tracepoint program and linked (link $(ks_list "$KS_LINK_IDS"))"
	else
		fail "$t: attach" "program $KS_PROG_IDS is not the tracepoint program on_switch"
	fi
}

test_counts() {
	t="$T: --ms=2000"
	# the watched process: waits for the go, then is ktool (same pid)
	go=$kt_tmp/go
	# shellcheck disable=SC2016
	kt_bg "$kt_tmp/watched.out" sh -c 'while [ ! -e "$0" ]; do sleep 0.05; done; exec "$1" udp-send 127.0.0.1 9 "$2"' \
		"$go" "$KT_TOOL" "$SENDS"
	watched=$KT_BG_PID
	start counts --pid="$watched" --ms=2000 || return
	: >"$go"
	kt_wait_exit "$TP_PID" 10
	if [ "$KT_STATUS" = 0 ]; then
		pass "$t: main sleeps, detaches, prints and exits 0"
	else
		fail "$t: exit" "status $KT_STATUS" "$TP_OUT" "$TP_OUT.err"
	fi
	if grep -qx "counting for 2000 ms" "$TP_OUT"; then
		pass "$t: it prints \"counting for 2000 ms\""
	else
		fail "$t: first line" "not what main prints" "$TP_OUT"
	fi
	counts "$t" "$TP_OUT" "$SENDS"
	[ -s "$TP_OUT.err" ] && fail "$t: stderr" "not empty" "$TP_OUT.err"
	ks_nothing_left "$t"
}

# SIGINT ends sleep(60000) at once; main still detaches and prints.
test_sigint() {
	t="$T: SIGINT during sleep"
	start sigint --pid=1 --ms=60000 || return
	sleep 0.5
	ks_stop "$t" "$TP_PID" "$TP_OUT" || return
	counts "$t" "$TP_OUT"
	ks_nothing_left "$t"
}

if [ "$built" = 1 ]; then
	test_counts
	test_sigint
fi
summary
