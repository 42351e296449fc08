#!/bin/sh
# The command line of generated loaders, in the real kernel
# (loader_cli/*.ks):
#	counter		a tracepoint counter whose main takes no arguments
#			and runs until Ctrl-C
#	xdp_count	XDP, main(args: Args) attaching to args.interface
#	tp_count	a tracepoint attached to args.tp
# --help answers at once (exit 0, its text exactly loader_cli/NAME.help)
# and loads nothing; mistakes on the command line exit 2 with one line; a
# missing target names its option; as an unprivileged user, loading says
# that it needs root; libbpf's messages appear with -v only, and a failure
# without -v says that -v shows them.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

D=$KT_DIR/loader_cli
B=$kt_tmp/build
# the loaders again, where an unprivileged user may run them
PUB=$kt_tmp/pub

# loader OUT DIR PROGRAM ARGS...: runs ./PROGRAM ARGS from DIR, stdout in
# OUT and stderr in OUT.err, for at most 10 s; sets KT_STATUS (124: it
# was still running).
loader() {
	l_out=$1 l_dir=$2 l_prog=$3
	shift 3
	kt_bg "$l_out" env -C "$l_dir" "./$l_prog" "$@"
	kt_wait_exit "$KT_BG_PID" 10
}

# unprivileged OUT PROGRAM ARGS...: the same as user and group nobody
# (65534), without supplementary groups, from PUB.
unprivileged() {
	l_out=$1 l_prog=$2
	shift 2
	kt_bg "$l_out" setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -C "$PUB" "./$l_prog" "$@"
	kt_wait_exit "$KT_BG_PID" 10
}

# exactly TEST FILE TEXT: FILE holds TEXT and nothing else.
exactly() {
	printf '%s\n' "$3" >"$2.want"
	if diff -u "$2.want" "$2" >"$2.diff"; then
		pass "$1"
	else
		fail "$1" "not the expected text" "$2.diff"
	fi
}

# status TEST WANT OUT: the loader's exit status was WANT.
status() {
	if [ "$KT_STATUS" = "$2" ]; then
		return 0
	fi
	if [ "$KT_STATUS" = 124 ]; then
		fail "$1" "still running after 10 s" "$3" "$3.err"
	else
		fail "$1" "exit status $KT_STATUS, expected $2" "$3" "$3.err"
	fi
	return 1
}

# has_line FILE TEXT: a line of FILE is exactly TEXT.
has_line() {
	grep -qxF -- "$2" "$1"
}

# libbpf_lines FILE: how many of its lines come from libbpf.
libbpf_lines() {
	grep -c '^libbpf: ' "$1"
}

# test_help NAME: --help at once, with the text of loader_cli/NAME.help,
# as root and unprivileged; nothing loaded (strace sees no bpf() call).
test_help() {
	t="$1 --help"
	lc_out=$kt_tmp/$1.help
	loader "$lc_out" "$B/$1" "$1" --help
	if status "$t" 0 "$lc_out" && diff -u "$D/$1.help" "$lc_out" >"$lc_out.diff" && [ ! -s "$lc_out.err" ]; then
		pass "$t: exits 0 at once, printing loader_cli/$1.help"
	elif [ "$KT_STATUS" = 0 ]; then
		fail "$t" "not loader_cli/$1.help, or stderr not empty" "$lc_out.diff" "$lc_out.err"
	fi
	unprivileged "$lc_out.nobody" "$1" -h
	# a load as this user would fail, with a message and status 1
	if status "$t: -h unprivileged" 0 "$lc_out.nobody" &&
		cmp -s "$lc_out" "$lc_out.nobody" && [ ! -s "$lc_out.nobody.err" ]; then
		pass "$t: -h unprivileged: the same help, exit 0, nothing on stderr (nothing was loaded)"
	elif [ "$KT_STATUS" = 0 ]; then
		fail "$t: -h unprivileged" "a different help, or stderr not empty" "$lc_out.nobody" "$lc_out.nobody.err"
	fi
	if ! command -v strace >/dev/null 2>&1; then
		skip "$t: strace" "no strace to see that no bpf() call is made"
		return
	fi
	(cd "$B/$1" && timeout 10 strace -f -e trace=bpf,perf_event_open -o "$lc_out.strace" \
		"./$1" --help) >/dev/null 2>&1
	if [ -s "$lc_out.strace" ] && ! grep -q 'bpf(\|perf_event_open(' "$lc_out.strace"; then
		pass "$t: makes no bpf() or perf_event_open() call (strace)"
	else
		fail "$t: strace" "bpf() or perf_event_open() called, or no trace" "$lc_out.strace"
	fi
}

# test_usage_error NAME LINE ARGS...: exit 2, nothing on stdout, LINE on stderr.
test_usage_error() {
	t="$1 $3"
	lc_out=$kt_tmp/$1.usage
	prog=$1 line=$2
	shift 2
	loader "$lc_out" "$B/$prog" "$prog" "$@"
	status "$t" 2 "$lc_out" || return
	if [ -s "$lc_out" ]; then
		fail "$t: stdout" "not empty" "$lc_out"
	else
		exactly "$t: exit 2 and \"$line\"" "$lc_out.err" "$line"
	fi
}

# The issue's program: main takes no arguments and runs until Ctrl-C.
test_counter() {
	test_help counter
	test_usage_error counter "./counter: unknown option '--bogus'; try './counter --help'" --bogus
	test_usage_error counter "./counter: unexpected argument 'extra'; try './counter --help'" extra
	test_usage_error counter "./counter: unknown option '-x'; try './counter --help'" -vx
}

test_xdp_count() {
	test_help xdp_count
	test_usage_error xdp_count \
		"./xdp_count: unknown option '--interfaces'; try './xdp_count --help'" --interfaces=lo
	test_usage_error xdp_count \
		"./xdp_count: --seconds: '-1' is not a number from 0 to 4294967295; try './xdp_count --help'" \
		--seconds=-1

	for args in "" "--interface="; do
		t="xdp_count${args:+ $args}: no interface"
		lc_out=$kt_tmp/xdp_count.missing
		# shellcheck disable=SC2086	# no argument, or one
		loader "$lc_out" "$B/xdp_count" xdp_count $args
		status "$t" 1 "$lc_out" &&
			exactly "$t: exit 1 and the option to give, nothing else" "$lc_out.err" \
				"missing network interface: give --interface=NAME"
	done

	# unprivileged: the load fails with EPERM, and says what to do
	t="xdp_count unprivileged"
	lc_out=$kt_tmp/xdp_count.eperm
	unprivileged "$lc_out" xdp_count --interface=lo
	if status "$t" 1 "$lc_out"; then
		if has_line "$lc_out.err" "Failed to load BPF object: Operation not permitted" &&
			has_line "$lc_out.err" "  this needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON): run it with sudo" &&
			grep -q '^  run it with -v ' "$lc_out.err" && [ "$(libbpf_lines "$lc_out.err")" = 0 ]; then
			pass "$t: exit 1, \"Operation not permitted\", \"needs root (CAP_BPF, ...)\", -v named, no libbpf lines"
		else
			fail "$t" "not the failure, the advice and the -v hint alone" "$lc_out.err"
		fi
	fi
	t="xdp_count unprivileged -v"
	unprivileged "$lc_out" xdp_count -v --interface=lo
	if status "$t" 1 "$lc_out"; then
		if [ "$(libbpf_lines "$lc_out.err")" -gt 0 ] &&
			has_line "$lc_out.err" "  this needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON): run it with sudo" &&
			! grep -q '^  run it with -v ' "$lc_out.err"; then
			pass "$t: libbpf's messages ($(libbpf_lines "$lc_out.err") lines), then the advice"
		else
			fail "$t" "no libbpf messages, or no advice" "$lc_out.err"
		fi
	fi
}

test_tp_count() {
	test_help tp_count
	t="tp_count: no --tp"
	lc_out=$kt_tmp/tp_count.missing
	loader "$lc_out" "$B/tp_count" tp_count --ms=10
	status "$t" 1 "$lc_out" &&
		exactly "$t: exit 1 and the option to give" "$lc_out.err" \
			"missing tracepoint: give --tp=CATEGORY/EVENT"

	t="tp_count --tp=syscalls/sys_enter_getpid"
	lc_out=$kt_tmp/tp_count.ok
	loader "$lc_out" "$B/tp_count" tp_count --tp=syscalls/sys_enter_getpid --ms=100
	if status "$t" 0 "$lc_out"; then
		if [ -s "$lc_out.err" ]; then
			fail "$t: stderr" "not empty: libbpf's messages need -v" "$lc_out.err"
		else
			pass "$t: loads, attaches, exits 0, nothing on stderr"
		fi
	fi
	t="tp_count -v --tp=syscalls/sys_enter_getpid"
	loader "$lc_out" "$B/tp_count" tp_count -v --tp=syscalls/sys_enter_getpid --ms=100
	if status "$t" 0 "$lc_out"; then
		if has_line "$lc_out.err" "libbpf: loading object 'tp_count_bpf' from buffer"; then
			pass "$t: libbpf's debug messages ($(libbpf_lines "$lc_out.err") lines)"
		else
			fail "$t" "no libbpf debug message" "$lc_out.err"
		fi
	fi

	# attaching fails: libbpf warns, but only -v shows it
	t="tp_count --tp=nosuch/event"
	lc_out=$kt_tmp/tp_count.nosuch
	loader "$lc_out" "$B/tp_count" tp_count --tp=nosuch/event --ms=10
	if status "$t" 1 "$lc_out"; then
		exactly "$t: exit 1, what failed and how to see more, no libbpf lines" "$lc_out.err" \
			"Failed to attach tracepoint program on_event to nosuch/event: No such file or directory
  run it with -v to see libbpf's messages (and the verifier's log, if it rejected a program)"
	fi
	t="tp_count -v --tp=nosuch/event"
	loader "$lc_out" "$B/tp_count" tp_count -v --tp=nosuch/event --ms=10
	if status "$t" 1 "$lc_out"; then
		if grep -q "^libbpf: .*nosuch/event" "$lc_out.err" &&
			has_line "$lc_out.err" "Failed to attach tracepoint program on_event to nosuch/event: No such file or directory" &&
			! grep -q '^  run it with -v ' "$lc_out.err"; then
			pass "$t: libbpf's warnings about nosuch/event, then the failure"
		else
			fail "$t" "no libbpf warning, or no failure line" "$lc_out.err"
		fi
	fi
}

missing=$(ks_need_build_tools) || fail "loader cli" "$missing"
if [ -z "$missing" ] && ! missing=$(need_tools setpriv env); then
	fail "loader cli" "$missing"
fi
if [ -z "$missing" ]; then
	mkdir -p "$B" "$PUB" && chmod 711 "$kt_tmp" && chmod 755 "$PUB"
	for p in counter xdp_count tp_count; do
		if ks_build "$p" "$D/$p.ks" "$B/$p"; then
			cp "$B/$p/$p" "$PUB/" && chmod 755 "$PUB/$p"
			"test_$p"
		fi
	done
fi
summary
