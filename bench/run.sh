#!/bin/bash
# Benchmarks kernelscript and the code it generates. Prints figures; checks
# nothing.
#
#  1. The XDP filter of examples/xdp_filter.ks: for the hand-written libbpf
#     twin in xdp_filter/ and, when given, the object our compiler produced
#     from the .ks: the instructions the verifier processed, the translated
#     and JITed sizes, and the ns/packet BPF_PROG_TEST_RUN reports for an
#     allowed IPv4 packet, a packet from a blocked source and an ARP packet.
#     With both objects it prints both columns and ours/twin. Also the
#     calls to bpf_map_lookup_elem and bpf_map_update_elem in the code.
#  1b. The same for the map counter of counter/counter.ks against its
#     hand-written twin counter/counter.bpf.c: lookups reused.
#  1c. The XDP filter's blocklist as a tc classifier (tc_filter/tc_filter.ks)
#     against its twin tc_filter/tc_filter.bpf.c.
#  1d. A chain of three XDP programs joined by tail calls (tail_chain/),
#     run from its entry.
#  1e. A tracepoint counter with per-CPU maps (tp_counter/): instructions
#     only, since the kernel cannot test-run a tracepoint program.
#  1f. A struct_ops congestion control (struct_ops_cc/): the instructions
#     of each function.
#  1g. A fixed-size ring buffer record written with bpf_ringbuf_reserve
#     and submit (ringbuf/plain.bpf.c, what kernelscript generates) and
#     with the dynptr functions (ringbuf/dynptr.bpf.c); then the producer
#     kernelscript generates from ringbuf/record.ks against plain.bpf.c.
#  1h. The loaders of the XDP filter, ours and the twin's: source lines,
#     code size, the time from exec to attached and waiting, peak memory.
#  2. The time and peak memory kernelscript takes for examples/xdp_filter.ks
#     (compile when it works, check until then), how they grow with a
#     program of 10, 100 and 1000 maps and helpers, and compile.sh's
#     figures for every example (side by side with REFERENCE, another
#     compiler of the language, when it is set).
#
# Usage: bench/run.sh [--ours FILE.bpf.o] [-n REPEAT] [-t TRIALS] [-r RUNS]
#
#   --ours FILE   our xdp_filter.bpf.o, built from examples/xdp_filter.ks
#                 (or OURS=FILE). Without it, run.sh tries to compile the .ks
#                 with $KS and build the project it writes; if that fails,
#                 only the twin is measured.
#   -n REPEAT     runs per BPF_PROG_TEST_RUN (REPEAT, default 100000)
#   -t TRIALS     test runs per packet kind and object (TRIALS, default
#                 101); the mean of the middle half of their times is
#                 printed
#   -r RUNS       runs of kernelscript per .ks file, median printed
#                 (RUNS, default 10)
#
# Environment: KS, the kernelscript binary (default ../kernelscript from
# this directory); BUILD, where to build (default bench/build); CPU, a CPU
# to run the measurements on; KS_MODE=check|compile to force the command
# timed in part 2.
#
# Needs root (or CAP_BPF and CAP_PERFMON), clang, bpftool and libbpf.

set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$BENCH"

OURS=${OURS:-}
REPEAT=${REPEAT:-100000}
TRIALS=${TRIALS:-101}
RUNS=${RUNS:-10}
KS=${KS:-../kernelscript}
BUILD=${BUILD:-$BENCH/build}
CPU=${CPU:-}
KS_MODE=${KS_MODE:-}

usage() {
    sed -n 's/^# \{0,1\}//; /^Usage:/,/^Needs root/p' "$0"
}

while [ $# -gt 0 ]; do
    case $1 in
    --ours) OURS=$2; shift 2 ;;
    --ours=*) OURS=${1#--ours=}; shift ;;
    -n) REPEAT=$2; shift 2 ;;
    -t) TRIALS=$2; shift 2 ;;
    -r) RUNS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done

case $KS in
/*) ;;
*) KS=$BENCH/$KS ;;
esac
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
case $OURS in
''|/*) ;;
*) OURS=$(pwd)/$OURS ;;
esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

echo "== building the twin and measure"
make -s BUILD="$BUILD" >"$TMP/make.log" 2>&1 || {
    cat "$TMP/make.log" >&2
    exit 1
}

ks_works=no
if [ -x "$KS" ]; then
    ks_works=yes
    if [ -z "$KS_MODE" ]; then
        if "$KS" compile "$ROOT/examples/xdp_filter.ks" -o "$TMP/ours" \
                >/dev/null 2>&1; then
            KS_MODE=compile
        else
            KS_MODE=check
        fi
    fi
fi

# Without --ours, build our object from the project kernelscript writes.
ours_note=
if [ -z "$OURS" ]; then
    if [ "$ks_works" = yes ] && [ -d "$TMP/ours" ]; then
        if make -s -C "$TMP/ours" >"$TMP/ours.log" 2>&1; then
            OURS=$(find "$TMP/ours" -name xdp_filter.bpf.o | head -n 1)
        fi
        if [ -n "$OURS" ]; then
            ours_note="built from kernelscript compile examples/xdp_filter.ks"
        else
            ours_note="could not build the project kernelscript compile wrote (--ours FILE measures a given object)"
        fi
    else
        ours_note="kernelscript compile is not available yet (--ours FILE measures a given object)"
    fi
fi
if [ -n "$OURS" ] && [ ! -f "$OURS" ]; then
    echo "run.sh: $OURS: no such file" >&2
    exit 1
fi
[ -n "$OURS" ] && [ -z "$ours_note" ] && ours_note=$OURS

# Prints the table measure makes for the twin object $2 and ours, $3 when
# given, for the program of $1; $4 is measure's -m (the blocklist map, or -).
# After them, measure's other options; LABELS="first second" names the
# two columns otherwise (the ratio is second/first).
compare() {
    local title=$1 twin=$2 ours=$3 map=$4 labels=${LABELS:-twin ours}
    shift 4
    local options=("$@")
    set -- "${labels% *}=$twin"
    [ -n "$ours" ] && set -- "$@" "${labels#* }=$ours"
    "$BUILD/measure" -m "$map" -n "$REPEAT" -t "$TRIALS" ${CPU:+-c "$CPU"} \
        "${options[@]}" "$@" >"$TMP/measure.tsv"
    echo
    # Transpose: one row per figure, one column per object, then ours/twin.
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; nf = NF; next }
        { n++; for (i = 1; i <= NF; i++) v[n, i] = $i }
        END {
            label["lookups"] = "map lookups in the code"
            label["updates"] = "map updates in the code"
            label["verified"] = "verified insns"
            label["xlated"] = "xlated insns"
            label["jited_bytes"] = "jited bytes"
            label["ns_pass"] = "ns/packet, allowed IPv4"
            label["ns_blocked"] = "ns/packet, blocked IPv4"
            label["ns_other"] = "ns/packet, ARP"
            printf "%-26s", ""
            for (j = 1; j <= n; j++) printf "%16s", v[j, 1]
            if (n == 2) printf "%14s", v[2, 1] "/" v[1, 1]
            printf "\n"
            for (i = 2; i <= nf; i++) {
                if (name[i] ~ /^act_/) continue
                printf "%-26s", label[name[i]]
                for (j = 1; j <= n; j++) printf "%16s", v[j, i]
                if (n == 2 && v[1, i] > 0)
                    printf "%13.2fx", v[2, i] / v[1, i]
                else if (n == 2)
                    printf "%14s", "-"
                printf "\n"
            }
            printf "%-26s", "action allowed/blocked/ARP"
            for (j = 1; j <= n; j++) {
                a = ""
                for (i = 2; i <= nf; i++)
                    if (name[i] ~ /^act_/) a = a (a == "" ? "" : "/") v[j, i]
                printf "%16s", a
            }
            printf "\n"
        }' "$TMP/measure.tsv"
}

echo
echo "== XDP filter (examples/xdp_filter.ks): BPF_PROG_TEST_RUN, kernel $(uname -r)"
echo "   ns/packet: the kernel's figure; mean of the middle half of $TRIALS test runs of $REPEAT repeats"
[ -n "$ours_note" ] && echo "   ours: $ours_note"
compare "XDP filter" "$BUILD/xdp_filter.bpf.o" "$OURS" blocklist

# ours_object FILE.ks: the eBPF object kernelscript compiles FILE.ks (a path
# below bench/) into, built with the project's Makefile in $TMP; nothing
# when it cannot.
ours_object() {
    local name
    name=$(basename "$1" .ks)
    [ "$ks_works" = yes ] &&
        "$KS" compile "$BENCH/$1" -o "$TMP/$name" >/dev/null 2>&1 &&
        make -s -C "$TMP/$name" >"$TMP/$name.log" 2>&1 &&
        find "$TMP/$name" -name "$name.bpf.o" | head -n 1
}

# The counter: lookups reused (one lookup, then an atomic add or an insert).
counter_ours=$(ours_object counter/counter.ks || :)
echo
echo "== Map counter (counter/counter.ks): one lookup, an atomic add or an insert"
[ -z "$counter_ours" ] && echo "   ours: could not compile and build counter/counter.ks"
compare "counter" "$BUILD/counter.bpf.o" "$counter_ours" -

# The same blocklist as a tc classifier.
tc_ours=$(ours_object tc_filter/tc_filter.ks || :)
echo
echo "== tc filter (tc_filter/tc_filter.ks): the XDP filter's blocklist as a tc classifier"
[ -z "$tc_ours" ] && echo "   ours: could not compile and build tc_filter/tc_filter.ks"
compare "tc filter" "$BUILD/tc_filter.bpf.o" "$tc_ours" blocklist

# A chain of tail calls: measure loads every program (-a), so that libbpf
# fills the program array, and runs the entry.
chain_ours=$(ours_object tail_chain/tail_chain.ks || :)
echo
echo "== Tail-call chain (tail_chain/tail_chain.ks): entry -> parse -> finish; the entry's code"
[ -z "$chain_ours" ] && echo "   ours: could not compile and build tail_chain/tail_chain.ks"
compare "tail-call chain" "$BUILD/tail_chain.bpf.o" "$chain_ours" - -a -p entry

# A tracepoint counter with per-CPU maps: instructions only, since the
# kernel cannot test-run a tracepoint program.
tp_ours=$(ours_object tp_counter/tp_counter.ks || :)
echo
echo "== Tracepoint counter (tp_counter/tp_counter.ks): per-CPU maps; instructions only"
[ -z "$tp_ours" ] && echo "   ours: could not compile and build tp_counter/tp_counter.ks"
compare "tracepoint counter" "$BUILD/tp_counter.bpf.o" "$tp_ours" - -p tp_counter

# A struct_ops congestion control: the instructions of each function, as
# the verifier loads them (nothing is registered).
cc_ours=$(ours_object struct_ops_cc/cc.ks || :)
echo
echo "== struct_ops congestion control (struct_ops_cc/cc.ks): xlated instructions per function"
echo
if [ -z "$cc_ours" ]; then
    echo "   ours: could not compile and build struct_ops_cc/cc.ks"
else
    printf "%-26s%16s%16s%14s\n" "" twin ours ours/twin
    for f in ssthresh undo_cwnd cong_avoid init; do
        "$BUILD/measure" -a -p "ks_bench_cc_$f" -m - -n 1 -t 1 \
            "twin=$BUILD/cc.bpf.o" "ours=$cc_ours" >"$TMP/cc.tsv"
        awk -F '\t' -v f="$f" 'NR == 2 { t = $5 } NR == 3 { o = $5 }
            END { printf "%-26s%16s%16s%13.2fx\n", f, t, o, o / t }' "$TMP/cc.tsv"
    done
fi

# A fixed-size record through a ring buffer: plain reserve/submit, which
# kernelscript generates, against the dynptr functions. Few repeats: the
# ring buffer is not read, and every record of the run must fit.
echo
echo "== Ring buffer record (ringbuf/): bpf_ringbuf_reserve against the dynptr functions"
echo "   ns/packet: the kernel's figure; mean of the middle half of $TRIALS test runs of 1000 repeats"
LABELS="plain dynptr" REPEAT=1000 compare "ring buffer" "$BUILD/ringbuf_plain.bpf.o" \
    "$BUILD/ringbuf_dynptr.bpf.o" - -p record

# The producer kernelscript generates from ringbuf/record.ks, against the
# plain one as its twin.
rb_ours=$(ours_object ringbuf/record.ks || :)
echo
echo "== Ring buffer producer (ringbuf/record.ks) against ringbuf/plain.bpf.c"
[ -z "$rb_ours" ] && echo "   ours: could not compile and build ringbuf/record.ks"
REPEAT=1000 compare "ring buffer producer" "$BUILD/ringbuf_plain.bpf.o" "$rb_ours" - -p record

# The loaders of the XDP filter: ours (the project kernelscript wrote)
# and the hand-written twin, attached to lo.  "ms to ready" is the time
# from exec to the first sleep of the loop that follows the attach (strace
# timestamps; strace slows both alike), median of five runs.
loader_figures() {
    local label=$1 binary=$2 lines=$3 i=0 ms rss
    : >"$TMP/ready"
    while [ $i -lt 5 ]; do
        strace -f -ttt -e trace=execve,nanosleep,clock_nanosleep -o "$TMP/strace" \
            timeout -s INT 1 "$binary" --interface=lo --block=16777226 >/dev/null 2>&1 || :
        awk -v b="$binary" 'index($0, "execve(\"" b "\"") && !t0 { t0 = $2 }
            /nanosleep/ && t0 && !t1 { t1 = $2 }
            END { if (t1) printf "%.1f\n", (t1 - t0) * 1000 }' "$TMP/strace" >>"$TMP/ready"
        i=$((i + 1))
    done
    ms=$(sort -n "$TMP/ready" | awk '{ t[NR] = $1 } END { print NR ? t[int((NR + 1) / 2)] : "-" }')
    rss=-
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$TMP/rss" timeout -s INT 1 "$binary" --interface=lo \
            --block=16777226 >/dev/null 2>&1 || :
        # (GNU time says first that timeout's status was not 0)
        rss=$(awk 'END { printf "%.1f", $1 / 1024 }' "$TMP/rss")
    fi
    printf "%-10s%14s%14s%16s%14s\n" "$label" "$lines" \
        "$(size "$binary" | awk 'NR == 2 { print $1 }')" "$ms" "$rss"
}
if [ -d "$TMP/ours" ] && [ -x "$TMP/ours/xdp_filter" ] && command -v strace >/dev/null; then
    echo
    echo "== The XDP filter's loader: ours (NAME.c and the headers it includes) and the twin's"
    echo
    printf "%-10s%14s%14s%16s%14s\n" "" "source lines" "text bytes" "ms to ready" "peak MB"
    loader_figures ours "$TMP/ours/xdp_filter" "$(cat "$TMP"/ours/xdp_filter.c "$TMP"/ours/*.h | wc -l)"
    loader_figures twin "$BUILD/xdp_filter" "$(wc -l <"$BENCH/xdp_filter/xdp_filter.c")"
fi

echo
if [ "$ks_works" = no ]; then
    echo "== kernelscript: $KS not found (set KS=path/to/kernelscript)"
    exit 0
fi
echo "== kernelscript $KS_MODE: ms per file (median of $RUNS runs) and peak memory"
echo
# Wall-clock time of one run of the compiler, in microseconds.
run_us() {
    local start end
    rm -rf "$TMP/out"
    if [ "$KS_MODE" = compile ]; then
        start=${EPOCHREALTIME/[.,]/}
        "$KS" compile "$1" -o "$TMP/out" >/dev/null 2>&1 || :
    else
        start=${EPOCHREALTIME/[.,]/}
        "$KS" check "$1" >/dev/null 2>&1 || :
    fi
    end=${EPOCHREALTIME/[.,]/}
    echo $((10#$end - 10#$start))
}
# Peak resident memory of one run of the compiler, in MB (GNU time).
peak_mb() {
    rm -rf "$TMP/out"
    if [ ! -x /usr/bin/time ]; then
        echo "-"
    elif [ "$KS_MODE" = compile ]; then
        /usr/bin/time -f %M -o "$TMP/rss" "$KS" compile "$1" -o "$TMP/out" >/dev/null 2>&1 || :
        awk 'END { printf "%.1f\n", $1 / 1024 }' "$TMP/rss"
    else
        /usr/bin/time -f %M -o "$TMP/rss" "$KS" check "$1" >/dev/null 2>&1 || :
        awk 'END { printf "%.1f\n", $1 / 1024 }' "$TMP/rss"
    fi
}
# ms (median of RUNS) and peak MB of the compiler on .ks file $1, named $2.
time_file() {
    local i=0
    : >"$TMP/times"
    while [ $i -lt "$RUNS" ]; do
        run_us "$1" >>"$TMP/times"
        i=$((i + 1))
    done
    sort -n "$TMP/times" | awk -v f="$2" -v mb="$(peak_mb "$1")" \
        '{ t[NR] = $1 } END {
            m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%-34s %8.2f %9s\n", f, m / 1000, mb }'
}
printf "%-34s %8s %9s\n" "" ms "peak MB"
time_file "$ROOT/examples/xdp_filter.ks" "examples/xdp_filter.ks"

# How time and memory grow with the program: N maps, each counted by a
# helper that an XDP program calls.
for n in 10 100 1000; do
    {
        i=0
        while [ $i -lt $n ]; do
            echo "var m$i: hash<u32, u64>(64)"
            echo "@helper fn bump$i(k: u32) { m$i[k] += 1 }"
            i=$((i + 1))
        done
        echo "@xdp fn prog(ctx: *xdp_md) -> xdp_action {"
        i=0
        while [ $i -lt $n ]; do
            echo "    bump$i(ctx->rx_queue_index)"
            i=$((i + 1))
        done
        echo "    return XDP_PASS"
        echo "}"
    } >"$TMP/grow$n.ks"
    time_file "$TMP/grow$n.ks" "$n maps and helpers"
done

# Every example, side by side with REFERENCE when it is set.
if [ "$KS_MODE" = compile ]; then
    echo
    KS=$KS RUNS=$RUNS "$BENCH/compile.sh" "$ROOT/examples"
fi
