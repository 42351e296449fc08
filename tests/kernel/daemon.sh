#!/bin/sh
# daemon() in the real kernel: daemon/background.ks attaches a tracepoint
# program, prints a line and calls daemon().  The command must come back at
# once with status 0 while the program serves on in the background with its
# link; SIGTERM must end the background process, and nothing of it may
# remain afterwards.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=daemon
B=$kt_tmp/background
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
ks_build "$T" "$KT_DIR/daemon/background.ks" "$B" || { summary; exit; }

# the background process: the one whose executable is the built program
background_pid() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$B/background" ] && echo "${p#/proc/}" && return
	done
}

status=0
timeout 10 "$B/background" >"$kt_tmp/out" 2>"$kt_tmp/err" || status=$?
if [ "$status" = 0 ] && grep -qx "attached, going into the background" "$kt_tmp/out"; then
	pass "$T: the command prints its line and comes back with status 0"
else
	fail "$T: foreground" "status $status" "$kt_tmp/out" "$kt_tmp/err"
	summary
	exit
fi

pid=""
n=0
while [ -z "$pid" ] && [ $n -lt 50 ]; do
	pid=$(background_pid)
	[ -n "$pid" ] || sleep 0.1
	n=$((n + 1))
done
if [ -z "$pid" ]; then
	fail "$T: background" "no process runs $B/background"
	summary
	exit
fi
KT_PIDS="$KT_PIDS $pid"	# killed at the end if the test fails before
if ks_wait_links "$pid" 1 && bpftool prog show id "$KS_PROG_IDS" | grep -q 'tracepoint  name on_switch '; then
	pass "$T: the background process $pid serves with on_switch linked (link $(ks_list "$KS_LINK_IDS"))"
else
	fail "$T: background" "process $pid holds no link to on_switch"
fi
if [ "$(readlink "/proc/$pid/fd/0" 2>/dev/null)" = /dev/null ]; then
	pass "$T: it left the terminal (stdin is /dev/null)"
else
	fail "$T: background" "stdin is $(readlink "/proc/$pid/fd/0" 2>/dev/null)"
fi

kill -TERM "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	fail "$T: SIGTERM" "process $pid still runs 5 s after SIGTERM"
else
	pass "$T: SIGTERM ends the background process"
fi
ks_nothing_left "$T"
summary
