#!/bin/sh
# Differential test of integer arithmetic (see README.md beside this file).
#
# For each seed, gen.py writes a random program of many integer
# expressions and what docs/LANGUAGE.md says each must compute.  The
# userspace variant is compiled with kernelscript, built, run and its
# output compared; the eBPF variant (@xdp programs that store every result
# in an array map) is built, run with BPF_PROG_TEST_RUN by
# tests/kernel/xdp_run.c, and the map compared.
#
#   run.sh [-s SEED] [-n PROGRAMS] [-e ITEMS] [-w FEATURE,...] [-a] [-k]
#          [-l] [-u] [-r ROUNDS] [-b BATCH] [-o DIR]
#	-s SEED     first seed (default 1); program i uses SEED + i
#	-n N        number of programs (default 1; 20 with -l)
#	-e ITEMS    items (expressions) per program (default 150; 400 with -l)
#	-w F,...    leave these features out (gen.py features lists them)
#	-a          also the constructs LANGUAGE.md leaves ambiguous
#	-k          keep going after a program that fails
#	-l          long mode
#	-u          userspace only
#	-r ROUNDS   rounds of taking out items that do not build or crash
#	            (default 12; 30 with -l)
#	-b BATCH    items per @xdp program (default 40)
#	-o DIR      keep the generated programs and logs in DIR
#
# Needs python3, make, cc; for eBPF also root, clang, bpftool and libbpf.
# Without root or a usable bpf() it runs userspace only, and says the
# eBPF side was skipped, with the reason.

here=$(cd "$(dirname "$0")" && pwd)
TESTS_SRCDIR=$here/..
. "$here/../lib.sh"	# KS: the build's kernelscript unless given

seed=1 count="" items="" without="" ambiguous="" keep=0 long=0 useronly=0
rounds="" batch=40 keepdir=""
while getopts s:n:e:w:aklur:b:o: opt; do
	case $opt in
	s) seed=$OPTARG ;;
	n) count=$OPTARG ;;
	e) items=$OPTARG ;;
	w) without=$OPTARG ;;
	a) ambiguous=--ambiguous ;;
	k) keep=1 ;;
	l) long=1 ;;
	u) useronly=1 ;;
	r) rounds=$OPTARG ;;
	b) batch=$OPTARG ;;
	o) keepdir=$OPTARG ;;
	*) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
if [ "$long" = 1 ]; then
	: "${count:=20}" "${items:=400}" "${rounds:=30}"
else
	: "${count:=1}" "${items:=150}" "${rounds:=12}"
fi

for tool in python3 make "${CC:-cc}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip_all "no $tool"
	fi
done
if [ ! -x "$KS" ]; then
	fail diff "no kernelscript compiler at $KS (build it, or set KS)"
	summary
	exit 1
fi

work=${keepdir:-$tmpdir}
mkdir -p "$work" "$tmpdir/t"
# clang leaves its crash reports in TMPDIR
TMPDIR=$tmpdir/t
export TMPDIR
gen="python3 $here/gen.py"
# A program killed by a signal loses what stdio had not written yet; with
# stdbuf (coreutils) every line is written at once, so the output shows
# which item crashed.
unbuffered=""
command -v stdbuf >/dev/null 2>&1 && unbuffered="stdbuf -oL"
compared=0

# ---- can we run eBPF? ----
bpf_why=""
if [ "$useronly" = 1 ]; then
	bpf_why="-u given"
elif [ "$(id -u)" != 0 ]; then
	bpf_why="not root"
else
	for tool in clang bpftool; do
		command -v "$tool" >/dev/null 2>&1 || bpf_why="no $tool"
	done
fi
libs=$(pkg-config --libs libbpf 2>/dev/null || echo "-lbpf -lelf -lz")
if [ -z "$bpf_why" ]; then
	if ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$tmpdir/ktool" "$here/../kernel/ktool.c" \
		>"$tmpdir/ktool.log" 2>&1; then
		bpf_why="cannot build tests/kernel/ktool.c"
	elif ! bpf_probe=$("$tmpdir/ktool" bpf-probe 2>&1); then
		bpf_why="bpf() unusable: $bpf_probe"
	# shellcheck disable=SC2086
	elif ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$tmpdir/xdp_run" \
		"$here/../kernel/xdp_run.c" $libs >"$tmpdir/xdp_run.log" 2>&1; then
		bpf_why="cannot build tests/kernel/xdp_run.c (libbpf?)"
	elif ! bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$tmpdir/vmlinux.h" 2>/dev/null; then
		bpf_why="no kernel BTF (/sys/kernel/btf/vmlinux)"
	fi
fi
# the eBPF side is skipped, saying why; the userspace side runs
[ -n "$bpf_why" ] && [ "$useronly" = 0 ] && skip "diff eBPF" "$bpf_why (userspace only)"

# show FILE [N]: the first N (20) lines of FILE, indented.
show() {
	[ -s "$1" ] && head -n "${2:-20}" "$1" | sed 's/^/    | /'
	return 0
}

# build S DIR PROG: kernelscript compile and make, taking out (with
# --drop) the items that the errors point at, at most ROUNDS times.  A FAIL
# line for each round that took items out.  Sets $built (0 or 1).
build() {
	b_seed=$1 b_dir=$2 b_prog=$3
	b_label="seed $b_seed $(label "$b_prog")"
	b_round=0
	built=0
	while :; do
		rm -rf "$b_dir/$b_prog.out"
		b_log=$b_dir/$b_prog.build.log
		b_what=""
		if ! "$KS" compile "$b_dir/$b_prog.ks" -o "$b_dir/$b_prog.out" >"$b_log" 2>&1; then
			b_what="kernelscript compile failed"
		else
			if [ "$b_prog" = diffk ]; then
				mkdir -p "$b_dir/$b_prog.out/.output"
				cp "$tmpdir/vmlinux.h" "$b_dir/$b_prog.out/.output/"
			fi
			# every error at once, not clang's first 20
			if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$b_dir/$b_prog.out" \
				CLANG="clang -ferror-limit=0" >"$b_log" 2>&1; then
				b_what="make failed"
			fi
		fi
		if [ -z "$b_what" ]; then
			built=1
			return 0
		fi
		b_items=$($gen locate "$b_dir" "$b_prog" "$b_log" \
			"$b_dir/$b_prog.out/$b_prog.c" "$b_dir/$b_prog.out/$b_prog.bpf.c" \
			"$b_dir/$b_prog.out/$b_prog.h")
		if [ -z "$b_items" ]; then
			fail "$b_label" "$b_what, at no item"
			grep -i -m 12 'error' "$b_log" | sed 's/^/    | /'
			return 1
		fi
		fail "$b_label" "$b_what at item(s) $b_items"
		grep -i 'error' "$b_log" | grep -v '^ *[0-9]* |' | sed 's/^/    | /' | head -n 12
		for i in $b_items; do
			sed -n "s/^item $i \[/    item $i [/p" "$b_dir/items"
		done
		b_round=$((b_round + 1))
		if [ "$b_round" -ge "$rounds" ]; then
			fail "$b_label" "still does not build after $rounds rounds (see -w, -r)"
			return 1
		fi
		drop_more "$b_items"
	done
}

label() {
	case $1 in
	diffu) echo userspace ;;
	diffk) echo eBPF ;;
	esac
}

# drop_more ITEMS: regenerate the program without these items as well.
drop_more() {
	for i in $1; do
		dropped="$dropped${dropped:+,}$i"
	done
	generate "$g_seed" "$g_dir"
}

# generate S DIR: the programs of seed S (without the items in $dropped).
generate() {
	# shellcheck disable=SC2086
	$gen gen --seed "$1" --items "$items" --batch "$batch" --out "$2" \
		${without:+--without "$without"} $ambiguous ${dropped:+--drop "$dropped"}
}

# verdict LABEL DIR KIND ACTUAL [STATUS]: compare and a PASS or FAIL line.
verdict() {
	v_n=$(grep -c . "$2/$(expected_of "$3")")
	compared=$((compared + v_n))
	if $gen compare "$2" "$3" "$4" >"$2/$3.cmp" 2>&1 && [ "${5:-0}" = 0 ]; then
		pass "$1: $v_n results as LANGUAGE.md says"
		return 0
	fi
	if [ "${5:-0}" != 0 ]; then
		fail "$1" "exit status $5; $(tail -n 1 "$2/$3.cmp")"
	else
		fail "$1" "$(tail -n 1 "$2/$3.cmp")"
	fi
	sed '$d' "$2/$3.cmp"
	return 1
}

expected_of() {
	case $1 in
	user) echo diffu.expected ;;
	kuser) echo diffk.user.expected ;;
	out) echo diffk.expected ;;
	esac
}

# run_user S DIR: build, run with the inputs on the command line, compare.
# A run that crashes (division by zero) takes out the first item that did
# not print and runs again.
run_user() {
	crashes=0
	while :; do
		build "$1" "$2" diffu || return 1
		status=0
		# shellcheck disable=SC2046
		$unbuffered timeout 60 "$2/diffu.out/diffu" $(cat "$2/diffu.args") >"$2/diffu.stdout" \
			2>"$2/diffu.stderr" || status=$?
		if [ "$status" -lt 128 ] || [ "$crashes" -ge "$rounds" ]; then
			break
		fi
		missing=$(first_missing "$2/diffu.expected" "$2/diffu.stdout")
		[ -n "$missing" ] || break
		fail "seed $1 userspace" "killed by signal $((status - 128)) at item $missing"
		sed -n "s/^item $missing \[/    item $missing [/p" "$2/items"
		crashes=$((crashes + 1))
		drop_more "$missing"
	done
	verdict "seed $1 userspace" "$2" user "$2/diffu.stdout" "$status"
}

# first_missing EXPECTED OUTPUT: the index of the first item of EXPECTED
# that OUTPUT does not have (the one a crash stopped at), or nothing.
first_missing() {
	cut -d' ' -f1 "$2" >"$2.keys"
	cut -d' ' -f1 "$1" | grep -vxF -f "$2.keys" | head -n 1 | sed 's/^e//'
}

# run_bpf S DIR: build, run the @xdp programs, compare the map; run the
# loader, whose main does the map items in userspace, and compare.  A
# loader killed by a signal loses the item that did not print, as in
# run_user.
run_bpf() {
	crashes=0
	while :; do
		build "$1" "$2" diffk || return 1
		obj=$2/diffk.out/.output/diffk.bpf.o
		progs=$(paste -s -d, "$2/diffk.progs")
		run_ok=1
		if [ -z "$progs" ]; then
			: >"$2/diffk.map"
		elif ! "$tmpdir/xdp_run" "$obj" "$progs" 1 out >"$2/diffk.map" 2>"$2/diffk.run.err"; then
			run_ok=0
		fi
		status=0
		[ -s "$2/diffk.user.expected" ] || break
		$unbuffered timeout 60 "$2/diffk.out/diffk" >"$2/diffk.stdout" 2>"$2/diffk.stderr" ||
			status=$?
		if [ "$status" -lt 128 ] || [ "$crashes" -ge "$rounds" ]; then
			break
		fi
		missing=$(first_missing "$2/diffk.user.expected" "$2/diffk.stdout")
		[ -n "$missing" ] || break
		fail "seed $1 eBPF maps from userspace" "killed by signal $((status - 128)) at item $missing"
		sed -n "s/^item $missing \[/    item $missing [/p" "$2/items"
		crashes=$((crashes + 1))
		drop_more "$missing"
	done
	r=0
	if [ "$run_ok" = 0 ]; then
		fail "seed $1 eBPF: load and run" "xdp_run failed"
		grep -v '^[0-9]*: \|^; ' "$2/diffk.run.err" | tail -n 15 | sed 's/^/    | /'
		r=1
	else
		verdict "seed $1 eBPF" "$2" out "$2/diffk.map" || r=1
	fi
	if [ -s "$2/diffk.user.expected" ]; then
		[ "$status" = 0 ] || show "$2/diffk.stderr" 5
		verdict "seed $1 eBPF maps from userspace" "$2" kuser "$2/diffk.stdout" "$status" || r=1
	fi
	return $r
}

nprog=0
while [ "$nprog" -lt "$count" ]; do
	s=$((seed + nprog))
	d=$work/s$s
	rm -rf "$d"
	mkdir -p "$d"
	before=$failed
	g_seed=$s g_dir=$d dropped=""
	if ! generate "$s" "$d" >"$d/gen.log" 2>&1; then
		fail "seed $s: gen.py" "failed"
		show "$d/gen.log"
	else
		run_user "$s" "$d"
		if [ -z "$bpf_why" ]; then
			dropped=""
			generate "$s" "$d"
			run_bpf "$s" "$d"
		fi
	fi
	if [ "$failed" -gt "$before" ]; then
		echo "    reproduce: $0 -s $s -n 1 -e $items${without:+ -w $without}${ambiguous:+ -a} -b $batch -o DIR"
		[ "$keep" = 1 ] || break
	fi
	nprog=$((nprog + 1))
done

echo "compared $compared results"
summary
