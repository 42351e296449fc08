#!/bin/sh
# Hot upgrade, in the kernel (ks_state.h).  upgrade/v1..v4 are versions of
# one program, kt_upgrade: an XDP and a tc ingress program on the host end
# of a veth pair, counting into maps.
#   - v1 runs; its state is pinned in /sys/fs/bpf/kt_upgrade/run-state;
#   - 600 pings of 1000 bytes, 10 ms apart, from the other end, while
#     'v2 --upgrade' takes over: not one is lost; the XDP and tcx links keep
#     their ids and run new programs; v1 exits 0 by itself; the counter goes
#     on from v1's value; v2's programs count what v1's did not (big
#     packets); a map v2 lacks is unpinned, a map new in v2 pinned; a
#     program v2 lacks is detached, a program new in v2 attached;
#   - --status names version 2 and the previous one;
#   - a second start while v2 runs says it keeps no state, and runs;
#   - v4, which exits before it ever waits, leaves v2's programs in place;
#   - v3, whose map holds a struct where v2's holds a u64 of the same size,
#     is refused with the map and the change, and v2 runs on;
#   - --rollback puts v1's programs back into the same links: big packets
#     are no longer counted, the counter still goes on; the link new in v2
#     is removed;
#   - SIGINT stops it and removes everything: state, links, programs;
#   - after a SIGKILL, the next start removes what the killed one left.
# upgrade/tp1 and tp2, a tracepoint program with no main, upgrade the same
# way (a new link, the old one dropped at the hand-over) and roll back.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=upgrade
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; }
kt_ensure_bpffs
kt_ensure_tracefs
S=/sys/fs/bpf/kt_upgrade/run-state

for v in v1 v2 v3 v4; do
	ks_build "$T: $v" "$KT_DIR/upgrade/$v/kt_upgrade.ks" "$kt_tmp/$v" || summary
done
for v in tp1 tp2; do
	ks_build "$T: $v" "$KT_DIR/upgrade/$v/kt_upgrade_tp.ks" "$kt_tmp/$v" || summary
done
kt_veth_create || { fail "$T: veth pair" "cannot create it"; summary; }
IF=$KT_IF_HOST

# up_value MAP KEY: the value of a pinned u64 map at a u32 key.
up_value() {
	# shellcheck disable=SC2046
	bpftool -j map lookup pinned "$S/maps/$1" key $(ks_u32_key "$2") 2>/dev/null |
		sed -n 's/.*"formatted":{"key":[0-9]*,"value":\([0-9]*\)}.*/\1/p'
}

# up_link FIELD PIN: the link's id or prog_id, from bpftool.
up_link() {
	bpftool -j link show pinned "$2" 2>/dev/null | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# ---- v1 runs ----
kt_bg "$kt_tmp/v1.out" "$kt_tmp/v1/kt_upgrade" --interface="$IF"
V1=$KT_BG_PID
if ! kt_wait_line "$kt_tmp/v1.out" '^version 1 runs$' 10 "$V1"; then
	fail "$T: v1 starts" "it did not" "$kt_tmp/v1.out" "$kt_tmp/v1.out.err"
	summary
fi
check "$T: v1 pins its links and maps in $S" "$(ls -R $S 2>&1)" \
	sh -c "[ -e $S/version ] && [ -e '$S/links/count@$IF' ] && [ -e '$S/links/count_tc@$IF' ] &&
	       [ -e $S/maps/counts ] && [ -e $S/maps/gone ]"
xdp_link=$(up_link id "$S/links/count@$IF")
tc_link=$(up_link id "$S/links/count_tc@$IF")
v1_prog=$(up_link prog_id "$S/links/count@$IF")
v1_tc_prog=$(up_link prog_id "$S/links/count_tc@$IF")
out_link=$(up_link id "$S/links/count_out@$IF")

# ---- 600 pings across the upgrade to v2 ----
kt_bg "$kt_tmp/ping.out" nsenter --net="/run/netns/$KT_NS" -- \
	"$KT_TOOL" ping "$KT_IP_HOST" 600 10 1000
PING=$KT_BG_PID
sleep 2
kt_bg "$kt_tmp/v2.out" "$kt_tmp/v2/kt_upgrade" --upgrade --interface="$IF"
V2=$KT_BG_PID
kt_wait_line "$kt_tmp/v2.out" '^version 2 runs$' 10 "$V2"
kt_wait_exit "$V1" 5
check "$T: v1 exits 0 by itself once v2 took over" \
	"exit status $KT_STATUS: $(cat "$kt_tmp/v1.out.err")" \
	sh -c "[ $KT_STATUS = 0 ] && grep -q 'version 2 (pid $V2) took over; exiting' '$kt_tmp/v1.out.err'"
check "$T: v2 says it took over from version 1" "$(cat "$kt_tmp/v2.out.err")" \
	grep -q "^kt_upgrade: version 2 (source [0-9a-f]*) took over from version 1 (pid $V1)$" \
	"$kt_tmp/v2.out.err"
kt_wait_exit "$PING" 20
check "$T: 600 pings at 10 ms across the upgrade: none lost" "$(cat "$kt_tmp/ping.out")" \
	grep -q '^sent 600 received 600$' "$kt_tmp/ping.out"
check "$T: the XDP and tcx links are the same links (ids $xdp_link, $tc_link)" \
	"now $(up_link id "$S/links/count@$IF"), $(up_link id "$S/links/count_tc@$IF")" \
	sh -c "[ -n '$xdp_link' ] && [ '$(up_link id "$S/links/count@$IF")' = '$xdp_link' ] &&
	       [ '$(up_link id "$S/links/count_tc@$IF")' = '$tc_link' ]"
v2_prog=$(up_link prog_id "$S/links/count@$IF")
check "$T: ... running new programs" "XDP $v1_prog -> $v2_prog, tc $v1_tc_prog -> $(up_link prog_id "$S/links/count_tc@$IF")" \
	sh -c "[ -n '$v2_prog' ] && [ '$v2_prog' != '$v1_prog' ] &&
	       [ '$(up_link prog_id "$S/links/count_tc@$IF")' != '$v1_tc_prog' ]"
total=$(up_value counts 0) big=$(up_value counts 1)
seen1=$(up_value xdp_seen 1) seen2=$(up_value xdp_seen 2)
check "$T: the counter goes on from v1's value: both versions counted into it" \
	"counts[0]=$total, by v1 $seen1, by v2 $seen2" \
	sh -c "[ '${total:-0}' -ge 600 ] && [ '${seen1:-0}' -gt 0 ] && [ '${seen2:-0}' -gt 0 ] &&
	       [ '${total:-0}' -ge $((${seen1:-0} + ${seen2:-0} - 5)) ]"
check "$T: v2 counts big packets, which v1 did not" "counts[1]=$big, v2 saw $seen2" \
	sh -c "[ '${big:-0}' -gt 0 ] && [ '${big:-0}' -le '${seen2:-0}' ]"
check "$T: tc: v2's program counts now" "tc_seen[2]=$(up_value tc_seen 2)" \
	sh -c "[ '$(up_value tc_seen 2)' -gt 0 ]"
check "$T: the map v2 lacks is unpinned, the new one pinned" "$(ls $S/maps)" \
	sh -c "[ ! -e $S/maps/gone ] && [ -e $S/maps/fresh ]"
ks_waited=0
check "$T: the program v2 lacks is detached (link $out_link), the new one attached and counting" \
	"$(ls $S/links); out_seen[2]=$(up_value out_seen 2)" \
	sh -c "[ -n '$out_link' ] && [ ! -e '$S/links/count_out@$IF' ] && [ -e '$S/links/watch_out@$IF' ] &&
	       [ '$(up_value out_seen 2)' -gt 0 ] && ! bpftool link show id $out_link >/dev/null 2>&1 ||
	       { sleep 3; ! bpftool link show id $out_link >/dev/null 2>&1; }"
"$kt_tmp/v2/kt_upgrade" --status >"$kt_tmp/status.out" 2>&1
check "$T: --status: version 2, its pid, the previous version, links and maps" \
	"$(cat "$kt_tmp/status.out")" \
	sh -c "grep -q '^kt_upgrade: version 2 (source [0-9a-f]*), pid $V2, since ' '$kt_tmp/status.out' &&
	       grep -q '^  previous: version 1 ' '$kt_tmp/status.out' &&
	       grep -q '^  link count@$IF .*id $xdp_link, program id $v2_prog (count)$' '$kt_tmp/status.out' &&
	       grep -q '^  map  counts .* array of 2 entries$' '$kt_tmp/status.out'"

# ---- a second instance, a version that gives up, a refused version ----
kt_bg "$kt_tmp/second.out" "$kt_tmp/v2/kt_upgrade" --interface=lo
SECOND=$KT_BG_PID
kt_wait_line "$kt_tmp/second.out" '^version 2 runs$' 10 "$SECOND"
check "$T: a second start while v2 runs says it keeps no state" \
	"$(cat "$kt_tmp/second.out.err")" \
	grep -q "^note: kt_upgrade already runs as pid $V2 (version 2 .*): this one keeps no state" \
	"$kt_tmp/second.out.err"
kill -INT "$SECOND"
kt_wait_exit "$SECOND" 5
check "$T: ... and its stop leaves v2's state alone" "$(ls $S 2>&1)" \
	sh -c "[ -e $S/version ] && [ -e '$S/links/count@$IF' ] && kill -0 $V2"

"$kt_tmp/v4/kt_upgrade" --upgrade --interface="$IF" >"$kt_tmp/v4.out" 2>"$kt_tmp/v4.err" || status=$?
check "$T: a version that exits before it waits: the upgrade does not complete" \
	"exit status $status: $(cat "$kt_tmp/v4.err")" \
	sh -c "[ $status = 1 ] && grep -q 'the upgrade did not complete; version 2 (pid $V2) runs on' '$kt_tmp/v4.err'"
check "$T: ... the link runs v2's program again, v2 runs, v4's new map is unpinned" \
	"program $(up_link prog_id "$S/links/count@$IF"), v2's $v2_prog; maps: $(ls $S/maps)" \
	sh -c "[ '$(up_link prog_id "$S/links/count@$IF")' = '$v2_prog' ] && kill -0 $V2 &&
	       [ ! -e $S/maps/attempts ] &&
	       nsenter --net=/run/netns/$KT_NS '$KT_TOOL' ping $KT_IP_HOST 5 10 100 | grep -q 'received 5'"

status=0
"$kt_tmp/v3/kt_upgrade" --upgrade --interface="$IF" >"$kt_tmp/v3.out" 2>"$kt_tmp/v3.err" || status=$?
check "$T: v3 changed a map's value type: refused, naming the map and the change" \
	"exit status $status: $(cat "$kt_tmp/v3.err")" \
	sh -c "[ $status = 1 ] && grep -q '^Failed to upgrade kt_upgrade: its maps changed since the running version 2:' '$kt_tmp/v3.err' &&
	       grep -q '^  map counts: its value type was __u64 (8 bytes), it is struct Pair (8 bytes) in this version$' '$kt_tmp/v3.err'"
check "$T: ... and v2 runs on untouched" "program $(up_link prog_id "$S/links/count@$IF")" \
	sh -c "[ '$(up_link prog_id "$S/links/count@$IF")' = '$v2_prog' ] && kill -0 $V2"

# ---- rollback ----
before=$(up_value counts 0) big_before=$(up_value counts 1) out_before=$(up_value out_seen 2)
status=0
"$kt_tmp/v2/kt_upgrade" --rollback >"$kt_tmp/rollback.out" 2>&1 || status=$?
check "$T: --rollback" "exit status $status: $(cat "$kt_tmp/rollback.out")" \
	sh -c "[ $status = 0 ] && grep -q '^kt_upgrade: rolled back to version 1 (2 links)$' '$kt_tmp/rollback.out' &&
	       grep -q '^kt_upgrade: link watch_out@$IF is new since version 1: removed$' '$kt_tmp/rollback.out'"
nsenter --net="/run/netns/$KT_NS" -- "$KT_TOOL" ping "$KT_IP_HOST" 50 10 1000 >"$kt_tmp/ping2.out"
after=$(up_value counts 0) big_after=$(up_value counts 1) out_after=$(up_value out_seen 2)
check "$T: ... v1's programs run in the same links: big packets are not counted, the counter goes on" \
	"counts[0] $before -> $after, counts[1] $big_before -> $big_after, link $(up_link id "$S/links/count@$IF") program $(up_link prog_id "$S/links/count@$IF"); $(cat "$kt_tmp/ping2.out")" \
	sh -c "[ '$(up_link prog_id "$S/links/count@$IF")' = '$v1_prog' ] &&
	       [ '$(up_link id "$S/links/count@$IF")' = '$xdp_link' ] &&
	       [ '${after:-0}' -ge $((${before:-0} + 50)) ] && [ '$big_after' = '$big_before' ]"
check "$T: ... and v2's new egress program no longer runs" \
	"out_seen[2] $out_before -> $out_after; $(ls $S/links)" \
	sh -c "[ '$out_after' = '$out_before' ] && [ ! -e '$S/links/watch_out@$IF' ]"
"$kt_tmp/v2/kt_upgrade" --status >"$kt_tmp/status2.out" 2>&1
check "$T: --status after the rollback: version 1, nothing to roll back to" \
	"$(cat "$kt_tmp/status2.out")" \
	sh -c "grep -q '^kt_upgrade: version 1 ' '$kt_tmp/status2.out' && ! grep -q previous '$kt_tmp/status2.out'"

# ---- a normal stop removes everything ----
ks_stop "$T: v2" "$V2" "$kt_tmp/v2.out"
left=""
for id in "$v1_prog" "$v2_prog"; do
	ks_waited=0
	ks_still_there prog "$id" && left="$left program $id"
done
ks_waited=0
ks_still_there link "$xdp_link" && left="$left link $xdp_link"
[ -e $S ] && left="$left $S"
ip link show dev "$IF" | grep -q xdp && left="$left XDP on $IF"
check "$T: the stop removes the state, the links and both versions' programs" "left:$left" \
	test -z "$left"
status=0
"$kt_tmp/v2/kt_upgrade" --status >"$kt_tmp/status3.out" 2>&1 || status=$?
check "$T: --status when it is not running: exit status 1" \
	"exit status $status: $(cat "$kt_tmp/status3.out")" \
	sh -c "[ $status = 1 ] && grep -q 'kt_upgrade is not running' '$kt_tmp/status3.out'"
status=0
"$kt_tmp/v2/kt_upgrade" --upgrade --interface="$IF" >"$kt_tmp/none.out" 2>&1 || status=$?
check "$T: --upgrade when it is not running: refused" \
	"exit status $status: $(cat "$kt_tmp/none.out")" \
	sh -c "[ $status = 1 ] && grep -q 'Failed to upgrade kt_upgrade: it is not running' '$kt_tmp/none.out'"

# ---- what a killed process leaves ----
kt_bg "$kt_tmp/k1.out" "$kt_tmp/v1/kt_upgrade" --interface="$IF"
K1=$KT_BG_PID
kt_wait_line "$kt_tmp/k1.out" '^version 1 runs$' 10 "$K1"
kill -KILL "$K1"
kt_wait_exit "$K1" 5
check "$T: after SIGKILL the programs stay attached through their pins" "$(ip link show dev "$IF")" \
	sh -c "ip link show dev '$IF' | grep -q xdp && [ -e '$S/links/count@$IF' ]"
kt_bg "$kt_tmp/k2.out" "$kt_tmp/v1/kt_upgrade" --interface="$IF"
K2=$KT_BG_PID
kt_wait_line "$kt_tmp/k2.out" '^version 1 runs$' 10 "$K2"
check "$T: the next start removes what the killed one left, and runs" \
	"$(cat "$kt_tmp/k2.out.err")" \
	sh -c "grep -q 'note: removing what version 1 .* left in $S when pid $K1 ended' '$kt_tmp/k2.out.err' &&
	       kill -0 $K2"
ks_stop "$T: the restarted v1" "$K2" "$kt_tmp/k2.out"

# ---- a tracepoint program, with no main ----
P=/sys/fs/bpf/kt_upgrade_tp/run-state
tp_value() {
	# shellcheck disable=SC2046
	bpftool -j map lookup pinned "$P/maps/seen" key $(ks_u32_key "$1") 2>/dev/null |
		sed -n 's/.*"formatted":{"key":[0-9]*,"value":\([0-9]*\)}.*/\1/p'
}
kt_bg "$kt_tmp/tp1.out" "$kt_tmp/tp1/kt_upgrade_tp"
TP1=$KT_BG_PID
kt_wait_line "$kt_tmp/tp1.out" 'attached to sched/sched_switch' 10 "$TP1"
tp_link=$(up_link id "$P/links/on_switch@sched:sched_switch")
kt_bg "$kt_tmp/tp2.out" "$kt_tmp/tp2/kt_upgrade_tp" --upgrade
TP2=$KT_BG_PID
kt_wait_line "$kt_tmp/tp2.out.err" 'took over from version 1' 10 "$TP2"
kt_wait_exit "$TP1" 5
check "$T: tracepoint: v1 exits 0 once v2 took over" "exit status $KT_STATUS" test "$KT_STATUS" = 0
sleep 0.3
a1=$(tp_value 1) a2=$(tp_value 2)
sleep 0.5
b1=$(tp_value 1) b2=$(tp_value 2)
check "$T: tracepoint: v2's program counts, v1's no longer runs" \
	"seen[1] $a1 -> $b1, seen[2] $a2 -> $b2; link $tp_link -> $(up_link id "$P/links/on_switch@sched:sched_switch")" \
	sh -c "[ '$a1' = '$b1' ] && [ '${b1:-0}' -gt 0 ] && [ '${b2:-0}' -gt '${a2:-0}' ]"
status=0
"$kt_tmp/tp2/kt_upgrade_tp" --rollback >"$kt_tmp/tprb.out" 2>&1 || status=$?
sleep 0.5
c1=$(tp_value 1) c2=$(tp_value 2)
sleep 0.5
d1=$(tp_value 1) d2=$(tp_value 2)
check "$T: tracepoint: --rollback gives the tracepoint v1's program back, and v2's stops" \
	"exit status $status: $(cat "$kt_tmp/tprb.out"); seen[1] $c1 -> $d1, seen[2] $c2 -> $d2" \
	sh -c "[ $status = 0 ] && [ '${d1:-0}' -gt '${c1:-0}' ] && [ '$c2' = '$d2' ]"
ks_stop "$T: tracepoint v2" "$TP2" "$kt_tmp/tp2.out"
check "$T: tracepoint: nothing left" "$(ls -R /sys/fs/bpf/kt_upgrade_tp 2>&1)" \
	test ! -e "$P"
summary
