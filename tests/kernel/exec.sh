#!/bin/sh
# exec() in the real kernel: exec/handover.ks attaches a tracepoint program
# and an XDP program on lo, writes maps, and replaces itself with python3
# running exec/analyse.py.
# The script, through the NAME.py module kernelscript generates, reads and
# writes the maps (a struct value, a bool, a per-CPU array, absent keys,
# deletion, iteration) and sees the program count on: the link was handed
# over too; the running program's pins are gone (nothing would remove
# them after the script), and the XDP program is still attached.  Its exit status is the process's; when it ends, nothing of
# the program remains attached.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=exec
B=$kt_tmp/handover
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
missing=$(need_tools python3) || { fail "$T" "$missing"; summary; exit; }
kt_ensure_tracefs
ks_build "$T" "$KT_DIR/exec/handover.ks" "$B" || { summary; exit; }

status=0
(cd "$KT_DIR/exec" && timeout 30 "$B/handover") >"$kt_tmp/out" 2>"$kt_tmp/err" || status=$?
cat >"$kt_tmp/expected" <<'END'
counting before exec
flows[7]: 41 6 tcp
flows: [(7, 41, 'tcp'), (8, 5, 'udp'), (9, 1, 'icmp')]
9 in flows: False len: 2
absent: 100
marks[-3]: True
still counting: True
state pinned: False
XDP still on lo: True
per-CPU: a value per CPU: True counted: True
per-CPU set: {9}
END
if [ "$status" != 3 ]; then
	fail "$T: the script's exit status" "$status, not 3" "$kt_tmp/out" "$kt_tmp/err"
elif ! cmp -s "$kt_tmp/expected" "$kt_tmp/out"; then
	diff "$kt_tmp/expected" "$kt_tmp/out" >"$kt_tmp/diff"
	fail "$T: what the script saw (- expected, + printed)" "" "$kt_tmp/diff" "$kt_tmp/err"
elif [ -s "$kt_tmp/err" ]; then
	fail "$T: stderr not empty" "" "$kt_tmp/err"
else
	pass "$T: the Python script reads and writes every map, sees the program counting, and its exit status is the process's"
fi

# The kernel frees a program whose last reference went after an RCU grace
# period, in the background: give it up to three seconds.
for i in 1 2 3 4 5 6; do
	bpftool prog show 2>/dev/null | grep -q ' name on_switch \| name on_lo ' || break
	sleep 0.5
done
if bpftool prog show 2>/dev/null | grep -q ' name on_switch \| name on_lo '; then
	fail "$T: after the script" "on_switch or on_lo is still loaded after 3 s"
else
	pass "$T: when the script ends, the program is gone with its link"
fi

# A script that cannot be found: python3 says so, and the status is not 0.
sed 's/exec("analyse.py")/exec("missing.py")/' "$KT_DIR/exec/handover.ks" >"$kt_tmp/missing.ks"
if ks_build "$T: missing script" "$kt_tmp/missing.ks" "$kt_tmp/missing"; then
	status=0
	(cd "$kt_tmp" && timeout 30 "$kt_tmp/missing/missing") >"$kt_tmp/out" 2>"$kt_tmp/err" || status=$?
	if [ "$status" != 0 ] && grep -q "missing.py" "$kt_tmp/err"; then
		pass "$T: a missing script fails with status $status and says which"
	else
		fail "$T: missing script" "status $status" "$kt_tmp/out" "$kt_tmp/err"
	fi
fi
summary
