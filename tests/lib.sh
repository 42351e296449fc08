# Shared by the test drivers: counters, results and the summary, in TAP
# (make check's summary counts each result: passed, failed, skipped).
# Drivers get KS, KS2C and TESTS_SRCDIR from 'make check' (or set them).
set -u
LC_ALL=C
export LC_ALL

: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"
: "${KS:=$TESTS_SRCDIR/../kernelscript}"
: "${KS2C:=$TESTS_SRCDIR/../ks2c}"
# KS as an absolute path or a command found now: drivers change directory
case $KS in
/*) ;;
*/*) KS=$(pwd)/$KS ;;
*) KS=$(command -v "$KS" || echo "$KS") ;;
esac

passed=0
failed=0
skipped=0
results=0
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT

pass() {
	passed=$((passed + 1))
	results=$((results + 1))
	echo "ok $results - $1"
}

# fail NAME [WHY]: also shows the diff of the last failed compare.
fail() {
	failed=$((failed + 1))
	results=$((results + 1))
	echo "not ok $results - $1${2:+: $2}"
	if [ -s "$tmpdir/diff" ]; then
		sed 's/^/    /' "$tmpdir/diff"
		: >"$tmpdir/diff"
	fi
}

# compare NAME EXPECTED-FILE ACTUAL-FILE: true when equal; otherwise the
# diff is kept for fail to show.
compare() {
	diff -u "$2" "$3" >"$tmpdir/diff"
}

# golden NAME WANT STATUS EXPECTED ACTUAL [SHOW]: the verdict of one golden
# test, whose command exited with STATUS and wrote ACTUAL.  It passes when
# STATUS is WANT and ACTUAL is exactly EXPECTED.  On a wrong status, SHOW
# (default ACTUAL) is printed.  UPDATE=1 rewrites EXPECTED from a run with
# the right status (review the diff before committing).
golden() {
	g_name=$1 g_want=$2 g_status=$3 g_expected=$4 g_actual=$5 g_show=${6:-$5}
	if [ "${UPDATE:-}" = 1 ] && [ "$g_status" -eq "$g_want" ]; then
		cp "$g_actual" "$g_expected"
	fi
	if [ "$g_status" -ne "$g_want" ]; then
		fail "$g_name" "exit status $g_status, expected $g_want"
		sed 's/^/    /' "$g_show"
	elif [ ! -f "$g_expected" ]; then
		fail "$g_name" "no $g_expected"
	elif compare "$g_name" "$g_expected" "$g_actual"; then
		pass "$g_name"
	else
		fail "$g_name"
	fi
}

# The checker reads a syscall's arguments from tracefs (syscall probes):
# mount it when it is missing and we may, as the generated loaders do.
# Without it (not root), skip_syscall_probe skips the programs that have them.
have_tracefs=1
ensure_tracefs() {
	[ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ] && return 0
	if [ "$(id -u)" = 0 ] && mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; then
		return 0
	fi
	have_tracefs=0
	echo "note: no tracefs (and cannot mount it): the syscall probe programs are skipped"
}

# skip_syscall_probe NAME FILE.ks: true (and says so) when FILE.ks has a
# syscall probe and there is no tracefs to check its parameters against.
skip_syscall_probe() {
	[ "$have_tracefs" = 0 ] && grep -q '@probe("sys_' "$2" || return 1
	skip "$1" "a syscall probe, and no tracefs"
}

# skip NAME WHY: NAME cannot be tested here, for the reason WHY.
skip() {
	skipped=$((skipped + 1))
	results=$((results + 1))
	echo "ok $results - $1 # SKIP $2"
}

# skip_all WHY: nothing in this file can be tested here; exits.
skip_all() {
	echo "1..0 # SKIP $1"
	echo "0 passed, 0 failed, 0 skipped"
	exit 0
}

summary() {
	echo "1..$results"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
