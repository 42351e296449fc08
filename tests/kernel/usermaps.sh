#!/bin/sh
# Userspace access to maps and globals, in the real kernel (LANGUAGE.md,
# "Meaning"): the programs of usermaps/ are compiled, built and run.
#
# - before_load.ks: a hash map, a per-CPU map of u32, a global and a config
#   written before load(): read back before and after load, and seen by the
#   loaded tracepoint program.
# - failures.ks: a full hash map (before load) and an array index out of
#   range (after load) end the program with the map's name, the error and
#   exit status 1; absent keys are no failure.
# - entries.ks: writes through if (var x = m[k]), m[k].f = v and
#   m[k].f += v reach the map, an absent entry stays absent, and a loop
#   that deletes keys visits each key once; before and after load.
# - pinned.ks, run twice under a name of its own: pin var globals (one
#   written by userspace, one by the eBPF program) and a pinned map count on
#   across the runs, from /sys/fs/bpf/NAME/globals/pinned_globals and
#   /sys/fs/bpf/NAME/kept, which are removed at the end.
# - maps_only.ks: a program with maps and no eBPF program builds an object
#   holding only its maps, and uses them.
# - imported.ks: functions of an imported module, given the program's maps,
#   write and sum them before and after load; the eBPF program reads them.
# - array_keys.ks: maps keyed by a u8[6] and a str(16), written, read,
#   iterated and deleted from before load; the eBPF program adds a key.
# - percpu_values.ks: per-CPU maps of a struct and of an array read from
#   userspace as sums of their integers (a bool kept), while the program
#   counts on every CPU.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=usermaps
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
kt_ensure_tracefs

# run NAME ARGS...: runs the built NAME; stdout in $kt_tmp/NAME.out, stderr
# in .err, the exit status in STATUS.
run() {
	name=$1
	shift
	STATUS=0
	"$kt_tmp/$name/$name" "$@" >"$kt_tmp/$name.out" 2>"$kt_tmp/$name.err" || STATUS=$?
}

# expect_output TEST NAME EXPECTED: stdout is exactly EXPECTED, stderr empty,
# exit status 0.
expect_output() {
	printf '%s\n' "$3" >"$kt_tmp/$2.expected"
	if [ "$STATUS" != 0 ]; then
		fail "$1" "exit status $STATUS" "$kt_tmp/$2.out" "$kt_tmp/$2.err"
	elif ! cmp -s "$kt_tmp/$2.expected" "$kt_tmp/$2.out"; then
		diff "$kt_tmp/$2.expected" "$kt_tmp/$2.out" >"$kt_tmp/$2.diff"
		fail "$1" "unexpected output (- expected, + printed)" "$kt_tmp/$2.diff"
	elif [ -s "$kt_tmp/$2.err" ]; then
		fail "$1" "stderr not empty" "$kt_tmp/$2.err"
	else
		pass "$1"
	fi
}

test_before_load() {
	t="$T: before load"
	ks_build "$t" "$KT_DIR/usermaps/before_load.ks" "$kt_tmp/before_load" || return
	run before_load
	expect_output "$t: written before load, read back before and after, seen by the program" \
		before_load "before load: table[7]=700 small[1]=9 limit=42 factor=3
after load: table[7]=700 small[1]=9 limit=42 factor=3
seen by eBPF: limit=42 factor=3 table[7]=700
per-CPU: small[2]=77 small[3]=11
per-CPU: the program counted in small[0]"
}

# failure TEST WHEN MESSAGE LAST: failures --when=WHEN exits 1 with exactly
# MESSAGE on stderr, after printing LAST and nothing after it.
failure() {
	run failures --when="$2"
	if [ "$STATUS" != 1 ]; then
		fail "$1" "exit status $STATUS, expected 1" "$kt_tmp/failures.out" "$kt_tmp/failures.err"
	elif [ "$(cat "$kt_tmp/failures.err")" != "$3" ]; then
		fail "$1" "stderr is not '$3'" "$kt_tmp/failures.err"
	elif [ "$(tail -n 1 "$kt_tmp/failures.out")" != "$4" ]; then
		fail "$1" "the last line printed is not '$4'" "$kt_tmp/failures.out"
	else
		pass "$1: exit status 1, \"$3\""
	fi
	if grep -q '^absent key reads 0$' "$kt_tmp/failures.out" &&
		grep -q '^deleting an absent key is fine$' "$kt_tmp/failures.out"; then
		pass "$1: an absent key reads 0 and deletes without failing"
	else
		fail "$1: absent keys" "not read as 0 or not deleted quietly" "$kt_tmp/failures.out"
	fi
}

test_failures() {
	t="$T: failures"
	ks_build "$t" "$KT_DIR/usermaps/failures.ks" "$kt_tmp/failures" || return
	failure "$t: a third entry in a hash map of two, before load" 0 \
		"Failed to update map tiny: Argument list too long" "two entries written"
	failure "$t: an array index out of range, after load" 1 \
		"Failed to update map slots: Argument list too long" "loaded pass"
}

test_entries() {
	t="$T: entries"
	ks_build "$t" "$KT_DIR/usermaps/entries.ks" "$kt_tmp/entries" || return
	run entries
	rounds=""
	for when in 0 1; do
		rounds="$rounds$when: if-var wrote a=42 b=3
$when: m[k] = v inside the binding, then y.b += 10: a=5 b=16
$when: m[k].f = v, m[k].f += v: a=7 b=116
$when: m[k].f = v leaves an absent entry absent
$when: a deleted entry stays deleted after a write through its binding
$when: delete in the loop: 20 visits, sum 1900, 0 left
$when: deleting another key: 10 visits, 10 left
"
	done
	expect_output "$t: changed through if-var, m[k].f, deleted while iterated" entries \
		"${rounds%?}"
}

# pinned_run TEST RUN: runs the pinned program; sets HITS_START and
# HITS_END from what it prints.
pinned_run() {
	run "$PIN"
	HITS_START=$(sed -n 's/^before load: .* hits=\([0-9]*\)$/\1/p' "$kt_tmp/$PIN.out")
	HITS_END=$(sed -n 's/^at exit: .* hits=\([0-9]*\)$/\1/p' "$kt_tmp/$PIN.out")
	runs=$((100 + $2))
	if [ "$STATUS" = 0 ] && [ ! -s "$kt_tmp/$PIN.err" ] && [ -n "$HITS_START" ] &&
		grep -qx "before load: runs=$runs kept\[1\]=$2 hits=$HITS_START" "$kt_tmp/$PIN.out" &&
		grep -qx "the program counted on from $HITS_START" "$kt_tmp/$PIN.out" &&
		grep -qx "at exit: runs=$runs kept\[1\]=$2 hits=$HITS_END" "$kt_tmp/$PIN.out" &&
		[ "$HITS_END" -gt "$HITS_START" ]; then
		pass "$1: run $2 starts at runs=$runs kept[1]=$2 hits=$HITS_START, the program counts on to $HITS_END"
		return 0
	fi
	fail "$1: run $2" "expected runs=$runs kept[1]=$2, hits counted on, status 0" \
		"$kt_tmp/$PIN.out" "$kt_tmp/$PIN.err"
	return 1
}

test_pinned() {
	t="$T: pinned"
	# a name of its own: the pins live in /sys/fs/bpf/NAME
	PIN=kt_pinned_$$
	PIN_DIR=/sys/fs/bpf/$PIN
	GLOBALS=$PIN_DIR/globals/pinned_globals
	trap 'rm -rf "$PIN_DIR"; kt_cleanup' EXIT
	cp "$KT_DIR/usermaps/pinned.ks" "$kt_tmp/$PIN.ks"
	ks_build "$t" "$kt_tmp/$PIN.ks" "$kt_tmp/$PIN" || return
	pinned_run "$t" 1 || return
	first_end=$HITS_END
	bpftool -j map show pinned "$GLOBALS" >"$kt_tmp/globals.json" 2>&1
	if grep -q '"type":"array","name":"pinned_globals",.*"max_entries":1,' "$kt_tmp/globals.json"; then
		pass "$t: the pinned globals are a one-entry array map at $GLOBALS"
	else
		fail "$t: $GLOBALS" "no one-entry array map pinned_globals there" "$kt_tmp/globals.json"
	fi
	pinned_run "$t" 2 || return
	if [ "$HITS_START" -ge "$first_end" ]; then
		pass "$t: hits, counted by the eBPF program, starts run 2 where run 1 left it ($HITS_START >= $first_end)"
	else
		fail "$t: hits" "run 2 starts at $HITS_START, run 1 ended at $first_end"
	fi
	if bpftool -j map dump pinned "$GLOBALS" 2>/dev/null | grep -q '"runs":102'; then
		pass "$t: bpftool reads runs=102 from the pinned map, by name"
	else
		fail "$t: bpftool map dump" "no \"runs\":102 in $GLOBALS"
	fi
	rm -rf "$PIN_DIR"
	if [ -e "$PIN_DIR" ]; then
		fail "$t: cleanup" "cannot remove $PIN_DIR"
	else
		pass "$t: $PIN_DIR removed"
	fi
}

test_maps_only() {
	t="$T: maps only"
	ks_build "$t" "$KT_DIR/usermaps/maps_only.ks" "$kt_tmp/maps_only" || return
	run maps_only
	expect_output "$t: an object of maps alone, used from userspace" maps_only \
		"counts[1]=42 total=49"
}

test_imported() {
	t="$T: imported module"
	ks_build "$t" "$KT_DIR/usermaps/imported.ks" "$kt_tmp/imported" || return
	run imported
	expect_output "$t: a module's functions on the program's maps" imported \
		"hits 42, misses 11
seen by eBPF: misses[9]=42"
}

test_array_keys() {
	t="$T: array keys"
	ks_build "$t" "$KT_DIR/usermaps/array_keys.ks" "$kt_tmp/array_keys" || return
	run array_keys
	expect_output "$t: maps keyed by arrays and strings" array_keys \
		"before load: 42 7 3 9
iterated: 504
after load: 42 1 1"
}

test_before_load
test_maps_only
test_percpu_values() {
	t="$T: per-CPU structs"
	ks_build "$t" "$KT_DIR/usermaps/percpu_values.ks" "$kt_tmp/percpu_values" || return
	run percpu_values
	expect_output "$t: summed member by member over CPUs" percpu_values \
		"before: 10 5 3 1
after: 1 1 5 1 1"
}

test_imported
test_array_keys
test_percpu_values
test_failures
test_entries
test_pinned
summary
