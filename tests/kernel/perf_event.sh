#!/bin/sh
# A @perf_event program compiled from KernelScript, in the real kernel:
# perf_event/perf_event.ks attaches to a software perf event (the task
# clock of its own process, a sample every 100 us), works for a while,
# then prints the counter read() gave and the samples its program counted.
# Both must be > 0, the samples about the counter / 100 us, and nothing of
# it may remain afterwards.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

B=$kt_tmp/perf_event
T=perf_event

missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/perf_event/perf_event.ks" "$B"; then
	status=0
	"$B/perf_event" >"$B.out" 2>"$B.err" || status=$?
	line=$(grep '^task clock ' "$B.out")
	ns=$(echo "$line" | sed -n 's/^task clock \([0-9]*\) ns, samples \([0-9]*\),.*/\1/p')
	samples=$(echo "$line" | sed -n 's/^task clock \([0-9]*\) ns, samples \([0-9]*\),.*/\2/p')
	if [ "$status" -ne 0 ] || [ -z "$ns" ]; then
		fail "$T: run" "exit status $status, output: $line" "$B.err"
	else
		check "$T: read() gives the task clock" "read() gave $ns ns" [ "$ns" -gt 1000000 ]
		# a sample per 100 us of CPU time, give or take a factor of two
		expected=$((ns / 100000))
		plausible() {
			[ "$samples" -gt 0 ] && [ "$samples" -ge $((expected / 2)) ] &&
				[ "$samples" -le $((expected * 2 + 2)) ]
		}
		check "$T: the program sampled ($samples samples, about $expected expected)" \
			"samples $samples for $ns ns" plausible
		if bpftool prog show 2>/dev/null | grep -q 'name on_fault'; then
			fail "$T: cleanup" "its program is still loaded after exit"
		else
			pass "$T: nothing left after exit"
		fi
	fi
fi
summary
