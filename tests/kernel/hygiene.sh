#!/bin/sh
# Hygiene in the real kernel: programs of hygiene/ give their maps,
# globals, configs, helpers, functions, types, parameters and locals the
# names the generated C uses for its own purposes (map accessors and
# their parameters, temporaries, the loader's functions and variables,
# the license, libbpf's, the runtime's, vmlinux.h's and bpftool's
# skeleton's names).  Each is compiled and built warning-free, its XDP or
# tc program is run with BPF_PROG_TEST_RUN (xdp_run.c) and its maps read
# back, and its loader is run: every value must be what the program's
# meaning says (LANGUAGE.md).
#
# - xdp_names.ks: maps named key, value, entry, skel, LICENSE,
#   IPPROTO_TCP; helpers named counts_add, counts_get, counts_set,
#   counts_sub, counts_lookup, counts_delete beside a map counts, and
#   ks_div_s32, ks_cmp_s64_u64, iphdr; if-var bindings reused in one
#   block; locals hiding locals.
# - entry_local.ks: a local entry beside m[k].f = entry + 1; locals ctx,
#   key, value, more, place, v_absent, w_key; members pad1, pad2, pad3.
# - config_names.ks: configs named LICENSE and skel, structs named like
#   the configs' C structs.
# - loader_names.ks: userspace functions cleanup, ks_main, load_program,
#   attach_program, skel, counts_find; locals beside for (k, v) in m,
#   m[k].f op= v and if-var; main's option named skel.
# - probe_names.ks: kprobes and a syscall probe with parameters and locals
#   named ctx and regs (only loaded: attaching them is probe.sh's and
#   syscall_probe.sh's business).
# - tc_macro_names.ks, percpu_aliases.ks, skeleton_names.ks,
#   internal_maps.ks (compiled under a name of its own, its pins removed),
#   btf_names.ks, syscall_names.ks,
#   runtime_macro_members.ks, kernel_struct_global.ks, bpf_header_tags.ks,
#   bpf_builtins.ks: more names, one kind of clash each.
# - program_names.ks, program_names_user.ks: one program compiled under
#   names its files take (time.ks makes time.h, vmlinux.ks vmlinux.h,
#   clean.ks a program named like a target of its Makefile).
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=hygiene
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
kt_ensure_tracefs

# shellcheck disable=SC2046
if ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$kt_tmp/xdp_run" "$KT_DIR/xdp_run.c" \
	$(kt_libbpf_libs) >"$kt_tmp/xdp_run.log" 2>&1; then
	fail "$T" "cannot build xdp_run.c" "$kt_tmp/xdp_run.log"
	summary
	exit
fi

# build NAME: hygiene/NAME.ks compiled and built in $kt_tmp/NAME.
build() {
	ks_build "$T: $1" "$KT_DIR/hygiene/$1.ks" "$kt_tmp/$1"
}

# The results of the program NAME are shown as $shown, or NAME.
shown=""

# test_run NAME PROGRAM RUNS MAP...: runs PROGRAM of NAME's object RUNS
# times with BPF_PROG_TEST_RUN; what xdp_run prints (the last verdict,
# then every entry of each MAP) goes to $kt_tmp/NAME.run.
test_run() {
	name=$1
	shift
	if "$kt_tmp/xdp_run" "$kt_tmp/$name/.output/$name.bpf.o" "$@" \
		>"$kt_tmp/$name.run" 2>"$kt_tmp/$name.run.err"; then
		pass "$T: ${shown:-$name}: the verifier accepts it, BPF_PROG_TEST_RUN runs it ($2 runs)"
		return 0
	fi
	fail "$T: ${shown:-$name}: BPF_PROG_TEST_RUN" "xdp_run failed" "$kt_tmp/$name.run.err"
	return 1
}

# expect NAME WHAT LINE...: every LINE is a line of NAME's xdp_run output.
expect() {
	name=$1 what=$2
	shift 2
	absent=""
	for line in "$@"; do
		grep -qxF "$line" "$kt_tmp/$name.run" || absent="$absent '$line'"
	done
	if [ -z "$absent" ]; then
		pass "$T: ${shown:-$name}: $what"
	else
		fail "$T: ${shown:-$name}: $what" "no line$absent" "$kt_tmp/$name.run"
	fi
}

# expect_absent NAME WHAT KEY: the map entry KEY ("counts[5]") is absent.
expect_absent() {
	if grep -qF "$3 " "$kt_tmp/$1.run"; then
		fail "$T: ${shown:-$1}: $2" "$3 is there" "$kt_tmp/$1.run"
	else
		pass "$T: ${shown:-$1}: $2 ($3 absent)"
	fi
}

# loader WHAT DIR NAME EXPECTED [ARGS...]: runs DIR/NAME with ARGS; its
# stdout must be exactly EXPECTED, its stderr empty, its status 0.
loader() {
	what=$1 dir=$2 name=$3 expected=$4
	shift 4
	status=0
	"$dir/$name" "$@" >"$dir.out" 2>"$dir.err" || status=$?
	printf '%s\n' "$expected" >"$dir.expected"
	if [ "$status" != 0 ]; then
		fail "$T: $what" "exit status $status" "$dir.out" "$dir.err"
	elif ! cmp -s "$dir.expected" "$dir.out"; then
		diff "$dir.expected" "$dir.out" >"$dir.diff"
		fail "$T: $what" "unexpected output (- expected, + printed)" "$dir.diff"
	elif [ -s "$dir.err" ]; then
		fail "$T: $what" "stderr not empty" "$dir.err"
	else
		pass "$T: $what"
	fi
}

test_xdp_names() {
	n=xdp_names
	build $n || return
	if test_run $n hygiene 3 out counts key value entry stats; then
		expect $n "XDP_PASS" "verdict 2"
		expect $n "helpers named counts_add, counts_get, counts_set beside the map counts" \
			"out[0] 6" "out[1] 1006" "counts[1] 6" "counts[2] 64"
		expect $n "maps named key and value, a global named operand" \
			"key[2] 18" "out[2] 8" "value[1] 36" "value[2] 3"
		expect $n "maps named skel and LICENSE, a global named first" \
			"out[3] 7" "out[4] 10" "out[5] 3"
		expect $n "m[k].f = v on a map named entry; a local entry beside m[k].f = entry + 1" \
			"entry[1] 65 5" "stats[1] 3 129"
		expect $n "if (var v = m[k]) twice in one block, and in an else-if" \
			"counts[3] 41" "counts[4] 42"
		expect_absent $n "an if-var of an absent key creates nothing" "counts[5]"
		expect $n "locals hiding locals, in a block and in a loop" \
			"out[6] 20" "out[7] 10" "out[8] 200"
		expect $n "an entry variable beside locals named e_absent and e_found" \
			"out[9] 19" "out[10] 15"
		expect_absent $n "an entry variable given a value of its own" "stats[9]"
		expect $n "divisions beside helpers named ks_div_s32 and ks_div_u32, locals a, b, q, r" \
			"out[11] 997" "out[12] 998" "out[13] 988" "out[14] 14" "out[15] 700"
		expect $n "a shift by a variable count, taken modulo the width" "out[16] 200"
		expect $n "locals named u32, pid_t, XDP_DROP, iphdr, bpf_map_lookup_elem, SEC, NULL, int" \
			"out[17] 78"
		expect $n "a global pid_t, a map IPPROTO_TCP, helpers iphdr and task_struct" "out[18] 10"
		expect $n "a struct value read beside a global named copy" "out[19] 8"
		expect $n "an i64 compared with a u64 beside a helper named ks_cmp_s64_u64" "out[20] 77"
		expect $n "helpers named counts_sub, counts_lookup beside the map counts" \
			"counts[6] 50" "out[21] 2050"
		expect_absent $n "a helper named counts_delete deletes" "counts[7]"
	fi
	loader "$n: the loader writes and reads the maps key, value, LICENSE, skel, entry" \
		"$kt_tmp/$n" $n \
		"key[1]=7 value[3]=8 LICENSE[2]=9 skel[1]=10 entry[4]=1/42"
}

test_entry_local() {
	n=entry_local
	build $n || return
	if test_run $n entry_local 3 flows totals; then
		expect $n "m[k].f = entry + 1 beside a local entry, outside and inside a block" \
			"flows[1] 101 3" "flows[2] 15 266"
		expect $n "a helper with parameters key, value and a local entry" "totals[5] 165"
		expect_absent $n "m[k].f op= v on an absent key creates nothing" "flows[3]"
		expect $n "locals named key, value, operand, first" "totals[4] 63"
		expect $n "an entry variable beside a local named v_absent" "totals[6] 14"
		expect $n "divisions whose place has effects beside a local named place" "totals[7] 705"
		expect $n "an entry variable looked up again beside a local named w_key" \
			"totals[8] 80" "totals[9] 66"
		expect $n "a key with padding beside members named pad1, pad2, pad3" "totals[10] 31"
		expect_absent $n "an entry variable given a value of its own" "flows[6]"
	fi
	loader "$n: the loader's entry variables, a key with padding" \
		"$kt_tmp/$n" $n "flows[1]=7/10 padded=31 w=12"
}

test_config_names() {
	n=config_names
	build $n || return
	if test_run $n config_names 1 out; then
		expect $n "configs named LICENSE and skel, members named default, key, SEC, value" \
			"out[0] 11" "out[1] 7" "out[2] 8" "out[3] 9"
	fi
	loader "$n: the loader sets the configs LICENSE and skel and reads them back" \
		"$kt_tmp/$n" $n "1 2 5 60 7 9 27"
}

test_loader_names() {
	n=loader_names
	build $n || return
	loader "$n: functions cleanup, ks_main, load_program, skel, ...; locals beside the loader's temporaries" \
		"$kt_tmp/$n" $n "locals: 1 2 3 4 5 6 7
options: skel=3 cli=1 status=4
functions: 2 2 3 4 5 6 7 8 11 3 9 10
accessors' names: 12 13 14 15 16
own types: 8 9 aliased[1]=7
0: more=450 sum=45 counts_keys=3 k_keys=4
0: pairs[1]=9/115 pairs[2]=2/20 w_found=41 counts[3]=30
0: per[1]=10 per[2]=4 ncpus=2 cpu=5
counts[10]=105 counts[9]=0
1: more=465 sum=46 counts_keys=3 k_keys=4
1: pairs[1]=9/115 pairs[2]=2/20 w_found=41 counts[3]=30
1: per[1]=10 per[2]=8 ncpus=2 cpu=5
attached: 0" --skel=3 --cli --status 4
}

test_probe_names() {
	n=probe_names
	build $n || return
	# the loader, not bpftool: it loads each probe's fentry program or its
	# kprobe twin, whichever this kernel attaches
	loader "$n: the verifier accepts probes with parameters and locals named ctx and regs" \
		"$kt_tmp/$n" $n "loaded"
}

test_syscall_names() {
	n=syscall_names
	build $n || return
	pin=/sys/fs/bpf/kt_hygiene_$$
	ks_load "$T: $n" "$kt_tmp/$n/.output/$n.bpf.o" "$pin" \
		"the verifier accepts a syscall probe beside a map named LINUX_HAS_SYSCALL_WRAPPER"
	rm -rf "$pin"
	loader "$n: the loader writes and reads the map" "$kt_tmp/$n" $n "loaded, [5]=50"
}

test_runtime_macro_members() {
	n=runtime_macro_members
	build $n || return
	if test_run $n runtime_macro_members 1 out; then
		expect $n "members named KS_MAX_ATTACHMENTS and KS_BPFFS_DIR" "out[0] 7" "out[1] 5"
	fi
	loader "$n: the loader reads the members" "$kt_tmp/$n" $n "1 2 6"
}

test_kernel_struct_global() {
	n=kernel_struct_global
	build $n || return
	if test_run $n kernel_struct_global 1 out; then
		expect $n "a global of the kernel's struct iphdr" "out[0] 81"
	fi
	loader "$n: the loader loads it" "$kt_tmp/$n" $n "loaded"
}

test_tc_macro_names() {
	n=tc_macro_names
	build $n || return
	if test_run $n tc_macro_names 1 seen; then
		expect $n "TC_ACT_OK" "verdict 0"
		expect $n "a local and a member named TC_ACT_OK beside the verdict TC_ACT_OK" \
			"seen[0] 10" "seen[1] 4" "seen[2] 2"
	fi
	loader "$n: the loader loads it" "$kt_tmp/$n" $n "loaded"
}

test_percpu_aliases() {
	n=percpu_aliases
	build $n || return
	loader "$n: per-CPU maps of aliases named value and ncpus, from userspace" \
		"$kt_tmp/$n" $n "per[1]=35 slots[1]=42"
}

test_skeleton_names() {
	n=skeleton_names
	build $n || return
	loader "$n: a struct and a function named like the skeleton's" \
		"$kt_tmp/$n" $n "5 1 2 4 0"
}

test_internal_maps() {
	# a name of its own: the pinned globals live in /sys/fs/bpf/NAME
	n=kt_internal_$$
	PIN_DIR=/sys/fs/bpf/$n
	trap 'rm -rf "$PIN_DIR"; kt_cleanup' EXIT
	shown=internal_maps
	cp "$KT_DIR/hygiene/internal_maps.ks" "$kt_tmp/$n.ks"
	if ks_build "$T: $shown" "$kt_tmp/$n.ks" "$kt_tmp/$n"; then
		if test_run $n internal_maps 1 out; then
			expect $n "maps named bss, data, data_pinned, kconfig beside such sections" \
				"out[0] 1" "out[1] 8" "out[2] 1" "out[3] 9"
		fi
		loader "$shown: the loader writes and reads the maps and the globals" \
			"$kt_tmp/$n" $n "bss[2]=20 data[2]=30 kconfig[2]=40 data_pinned[2]=50
zeroed=0 seven=7 runs=0"
	fi
	shown=""
	rm -rf "$PIN_DIR"
}

test_btf_names() {
	n=btf_names
	build $n || return
	if test_run $n btf_names 1 hits; then
		expect $n "a const named BTF_MAGIC" "hits[0] 7"
	fi
	loader "$n: functions and consts named like bpf/btf.h's and linux/btf.h's" \
		"$kt_tmp/$n" $n "7 3 2 4 4 6"
}

test_bpf_header_tags() {
	n=bpf_header_tags
	build $n || return
	if test_run $n bpf_header_tags 1 out; then
		expect $n "structs and an enum named like libbpf's eBPF headers' tags" "out[0] 14"
	fi
	loader "$n: the loader uses the types" "$kt_tmp/$n" $n "3 5 1"
}

test_bpf_builtins() {
	n=bpf_builtins
	build $n || return
	if test_run $n bpf_builtins 3 out; then
		expect $n "globals named printf, index, memcpy, abort" "out[0] 9"
		expect $n "a map named log" "out[1] 15"
	fi
	loader "$n: the loader uses the map log and the globals" "$kt_tmp/$n" $n \
		"log[1]=10 printf=20 index=2 memcpy=3 abort=0"
}

# program_name NAME SOURCE EXPECTED: hygiene/SOURCE.ks compiled as NAME.ks
# (in a directory of SOURCE's), built and run; it prints EXPECTED.
program_name() {
	dir=$kt_tmp/$2
	mkdir -p "$dir"
	cp "$KT_DIR/hygiene/$2.ks" "$dir/$1.ks"
	ks_build "$T: $2.ks as $1.ks" "$dir/$1.ks" "$dir/$1" || return
	# a program named like its Makefile or one of its targets gets a '_'
	program=$1
	case $1 in Makefile|clean) program=${1}_ ;; esac
	loader "$2.ks as $1.ks: it runs" "$dir/$1" "$program" "$3"
}

test_program_names() {
	for name in time signal vmlinux ks_runtime; do
		program_name $name program_names "x=3 y=4 hits[1]=7"
	done
	for name in time string errno Makefile clean; do
		program_name $name program_names_user "x=3 y=4 sum=7"
	done
}

test_xdp_names
test_entry_local
test_config_names
test_loader_names
test_probe_names
test_tc_macro_names
test_percpu_aliases
test_skeleton_names
test_internal_maps
test_btf_names
test_syscall_names
test_runtime_macro_members
test_kernel_struct_global
test_bpf_header_tags
test_bpf_builtins
test_program_names
summary
