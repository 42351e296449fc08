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

fail() {
	failed=$((failed + 1))
	echo "[FAIL] $1${2:+: $2}"
}

# compare NAME EXPECTED-FILE ACTUAL-FILE: PASS when equal, FAIL with a diff.
compare() {
	if diff -u "$2" "$3" >"$tmpdir/diff"; then
		return 0
	fi
	sed 's/^/    /' "$tmpdir/diff"
	return 1
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
