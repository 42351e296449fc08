#!/bin/sh
# The bash completion: what it offers after real command lines, on its
# own and again with bash-completion's helpers loaded when they are here.
. "$(dirname "$0")/lib.sh"

script=$TESTS_SRCDIR/../completion/kernelscript.bash
if ! command -v bash >/dev/null 2>&1; then
	skip_all "no bash to complete in"
fi

# A directory to complete in, and a tracefs of three events.
mkdir -p "$tmpdir/cwd/sub" "$tmpdir/tracefs/events/sched/sched_switch" \
	"$tmpdir/tracefs/events/sched/sched_wakeup" "$tmpdir/tracefs/events/net/netif_rx"
: >"$tmpdir/cwd/a.ks"
: >"$tmpdir/cwd/b.txt"

# complete LOADER LINE: the completions for LINE, the cursor at its end,
# sorted on one line.  LOADER is a file sourced first (or /dev/null).
complete_line() {
	(cd "$tmpdir/cwd" && LOADER=$1 LINE=$2 SCRIPT=$script \
		TRACEFS="$tmpdir/tracefs" bash --norc --noprofile -c '
		. "$LOADER" >/dev/null 2>&1
		_kernelscript_tracefs_dirs=${TRACEFS_DIRS-$TRACEFS}
		. "$SCRIPT"
		read -ra COMP_WORDS <<<"$LINE"
		[[ $LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		fn=$(complete -p "${COMP_WORDS[0]}" | sed "s/.*-F \([^ ]*\).*/\1/")
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
	')
}

# expect LOADER NAME LINE WANT: the completions of LINE are exactly WANT.
expect() {
	got=$(complete_line "$1" "$3")
	if [ "$got" = "$4" ]; then
		pass "$2"
	else
		fail "$2" "'$3' gave '$got', expected '$4'"
	fi
}

run_cases() {
	l=$1 m=$2
	expect "$l" "$m-commands" "kernelscript " "check compile init test"
	expect "$l" "$m-command-prefix" "kernelscript co" "compile"
	expect "$l" "$m-top-options" "kernelscript -" "--help --version -V -h"
	expect "$l" "$m-check-files" "kernelscript check " "a.ks sub"
	expect "$l" "$m-test-files" "kernelscript test --filter x " "a.ks sub"
	expect "$l" "$m-filter-value" "kernelscript test a.ks --filter " ""
	expect "$l" "$m-output-dirs" "kernelscript compile a.ks -o " "sub"
	expect "$l" "$m-compile-options" "kernelscript compile a.ks --" \
		"--btf-vmlinux-path --diagnostics-format= --help --output --test --verbose"
	expect "$l" "$m-check-options" "kernelscript check -" \
		"--btf-vmlinux-path --diagnostics-format= --dump-ast --help --parse-only -Werror"
	expect "$l" "$m-btf-file" "kernelscript check --btf-vmlinux-path " "a.ks b.txt sub"
	expect "$l" "$m-diagnostics-format" "kernelscript check --diagnostics-format=j" \
		"--diagnostics-format=json"
	expect "$l" "$m-init-types" "kernelscript init " \
		"perf_event probe probe/ struct_ops struct_ops/tcp_congestion_ops tc tc/egress tc/ingress tcp_congestion_ops tracepoint tracepoint/ xdp"
	expect "$l" "$m-init-tc" "kernelscript init tc/" "tc/egress tc/ingress"
	expect "$l" "$m-init-after-option" "kernelscript init --btf-vmlinux-path f x" "xdp"
	expect "$l" "$m-init-name" "kernelscript init xdp " ""
	expect "$l" "$m-tracepoint-categories" "kernelscript init tracepoint/" \
		"tracepoint/net/ tracepoint/sched/"
	expect "$l" "$m-tracepoint-events" "kernelscript init tracepoint/sched/sched_s" \
		"tracepoint/sched/sched_switch"
	expect "$l" "$m-tracepoint-two-words" "kernelscript init tracepoint n" "net/"
	expect "$l" "$m-tracepoint-two-words-event" "kernelscript init tracepoint net/" \
		"net/netif_rx"
	expect "$l" "$m-struct-ops" "kernelscript init struct_ops " "tcp_congestion_ops"
	expect "$l" "$m-ks2c-options" "ks2c --" "--bpf --help --types --user --version"
	expect "$l" "$m-ks2c-files" "ks2c " "a.ks sub"
	expect "$l" "$m-ks2c-output" "ks2c -o " "sub"
	TRACEFS_DIRS="$tmpdir/none" expect "$l" "$m-no-tracefs" "kernelscript init tracepoint/" ""
}

run_cases /dev/null plain

# bash-completion's helpers (_init_completion, _filedir) when installed.
bc=$(pkg-config --variable=prefix bash-completion 2>/dev/null)/share/bash-completion/bash_completion
[ -f "$bc" ] || bc=/usr/share/bash-completion/bash_completion
if [ -f "$bc" ]; then
	run_cases "$bc" bash-completion
else
	echo "note: bash-completion is not installed: its helpers are not tried"
fi

# The running kernel's tracefs, when it can be read.
events=
for dir in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -r "$dir/events/sched/sched_switch" ] && { events=$dir; break; }
done
if [ -n "$events" ]; then
	TRACEFS_DIRS=$events expect /dev/null kernel-tracefs \
		"kernelscript init tracepoint/sched/sched_swi" "tracepoint/sched/sched_switch"
else
	echo "note: no readable tracefs with sched/sched_switch: the kernel's events are not tried"
fi

summary
