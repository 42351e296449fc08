# Shared by the test drivers: counters, PASS/FAIL lines and the summary.
# Drivers get KS, KS2C and TESTS_SRCDIR from 'make check' (or set them).
set -u
LC_ALL=C
export LC_ALL

: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"
: "${KS:=$TESTS_SRCDIR/../kernelscript}"
: "${KS2C:=$TESTS_SRCDIR/../ks2c}"

passed=0
failed=0
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT

pass() {
	passed=$((passed + 1))
	echo "[PASS] $1"
}

# fail NAME [WHY]: also shows the diff of the last failed compare.
fail() {
	failed=$((failed + 1))
	echo "[FAIL] $1${2:+: $2}"
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

# The checker reads a syscall's arguments from tracefs (syscall probes):
# mount it when it is missing and we may, as the generated loaders do.
ensure_tracefs() {
	[ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ] && return 0
	if [ "$(id -u)" = 0 ] && mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; then
		return 0
	fi
	echo "note: no tracefs (and cannot mount it): the syscall probe programs will differ"
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
