#!/bin/sh
# Ring buffers in the real kernel: ringbuf/events.ks sends a numbered
# event from a sched_switch tracepoint, each CPU its own numbers, through a
# ring buffer; the loader's handler receives them through dispatch(),
# which ends when the handler returns nonzero; after detach it receives
# the rest.  Every event must arrive, each CPU's in order, none lost to a
# full buffer.  ringbuf/drops.ks fills a buffer nobody reads: dropped()
# must count the failures.  ringbuf/packets.ks sends a record per packet from XDP:
# xdp_run runs it on packets of three sizes and reads the three records.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=ringbuf
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
kt_ensure_tracefs
if ks_build "$T" "$KT_DIR/ringbuf/events.ks" "$kt_tmp/events"; then
	status=0
	timeout 30 "$kt_tmp/events/events" >"$kt_tmp/events.out" 2>"$kt_tmp/events.err" || status=$?
	if [ "$status" != 0 ]; then
		fail "$T: run" "exit status $status" "$kt_tmp/events.out" "$kt_tmp/events.err"
	elif grep -qx "received all: 1, in order: 1, none lost: 1" "$kt_tmp/events.out" &&
	     grep -q "^dispatch returned 1 and [01]$" "$kt_tmp/events.out"; then
		pass "$T: every event arrives, each CPU's in order; dispatch ends with the handler's 1"
	else
		fail "$T: events" "not what was sent" "$kt_tmp/events.out" "$kt_tmp/events.err"
	fi
fi

# a full buffer: events.dropped() counts the failed reserves, read by the
# program itself and by main, and equal to the program's own count
if ks_build "$T: drops" "$KT_DIR/ringbuf/drops.ks" "$kt_tmp/drops"; then
	status=0
	timeout 30 "$kt_tmp/drops/drops" >"$kt_tmp/drops.out" 2>"$kt_tmp/drops.err" || status=$?
	line=$(grep '^dropped=' "$kt_tmp/drops.out")
	dropped=$(echo "$line" | sed -n 's/^dropped=\([0-9]*\) .*/\1/p')
	failed=$(echo "$line" | sed -n 's/.* failed=\([0-9]*\) .*/\1/p')
	seen=$(echo "$line" | sed -n 's/.* seen=\([0-9]*\)$/\1/p')
	if [ "$status" = 0 ] && [ -n "$dropped" ] && [ "$dropped" -gt 0 ] &&
		[ "$dropped" = "$failed" ] && [ "$seen" -gt 0 ] && [ "$seen" -le "$dropped" ]; then
		pass "$T: dropped() counts the reserves a full buffer refused, on both sides ($line)"
	else
		fail "$T: drops" "expected dropped=failed>0 and 0<seen<=dropped" "$kt_tmp/drops.out" \
			"$kt_tmp/drops.err"
	fi
fi

ks_build_for_xdp_run packets "$KT_DIR/ringbuf/packets.ks"
ks_xdp_run packets packets@64,packets@65,packets@100 1 seen
expect_line "three packets, three records" "seen records 3"
expect_line "the first record: 64 bytes" "record 0 64"
expect_line "the second: 65 bytes" "record 1 65"
expect_line "the third: 100 bytes" "record 2 100"
summary
