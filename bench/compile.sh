#!/bin/bash
# How long `kernelscript compile` takes per file, and, when REFERENCE names
# another KernelScript compiler taking the same command line (the OCaml
# reference implementation, built outside this tree), how long that one
# takes on the same files, side by side.  Prints figures; checks nothing.
#
#   bench/compile.sh [DIR]          # the .ks files of DIR, else examples/
#   KS=path/to/kernelscript REFERENCE=path/to/other RUNS=21 bench/compile.sh DIR
#
# Each figure is the median wall-clock time of RUNS runs of one compile
# into an empty directory, run from the file's directory (for its
# includes).  "exec" is the same for /bin/true: what starting any process
# costs on this machine, which no compiler can go under; the last line
# takes it off both means, leaving what each compiler does beyond starting
# a process.  A compile that fails is marked "!" and left out of the
# totals.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/examples}
KS=${KS:-kernelscript}
REFERENCE=${REFERENCE:-}
RUNS=${RUNS:-21}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! command -v "$KS" >/dev/null; then
    echo "kernelscript not found: set KS=path/to/kernelscript" >&2
    exit 1
fi
if [ -n "$REFERENCE" ] && ! command -v "$REFERENCE" >/dev/null; then
    echo "REFERENCE=$REFERENCE: not found" >&2
    exit 1
fi

# median_us COMMAND...: median wall-clock microseconds of RUNS runs; the
# last run's exit status in $TMP/status.
median_us() {
    local i=0 start end status
    : >"$TMP/times"
    while [ $i -lt "$RUNS" ]; do
        rm -rf "$TMP/out"
        start=${EPOCHREALTIME/[.,]/}
        "$@" >/dev/null 2>&1
        status=$?
        end=${EPOCHREALTIME/[.,]/}
        echo $((10#$end - 10#$start)) >>"$TMP/times"
        i=$((i + 1))
    done
    echo "$status" >"$TMP/status"
    sort -n "$TMP/times" | awk '{ t[NR] = $1 } END {
        print NR % 2 ? t[(NR + 1) / 2] : int((t[NR / 2] + t[NR / 2 + 1]) / 2) }'
}

# compile_us COMPILER FILE: the median, with "!" after it when it failed.
compile_us() {
    local us
    us=$(cd "$(dirname "$2")" && median_us "$1" compile "$(basename "$2")" -o "$TMP/out")
    [ "$(cat "$TMP/status")" = 0 ] && echo "$us" || echo "$us!"
}

floor=$(median_us /bin/true)
echo "== compile: ms per file, median of $RUNS runs (exec of /bin/true: $(awk -v u="$floor" 'BEGIN { printf "%.2f", u / 1000 }') ms)"
echo
if [ -n "$REFERENCE" ]; then
    printf "%-34s %9s %11s %9s\n" "" ours reference "ref/ours"
else
    printf "%-34s %9s\n" "" ours
fi
: >"$TMP/rows"
for f in "$DIR"/*.ks; do
    ours=$(compile_us "$KS" "$f")
    ref=-
    [ -n "$REFERENCE" ] && ref=$(compile_us "$REFERENCE" "$f")
    echo "${f##*/} $ours $ref" >>"$TMP/rows"
done
awk -v withref="$REFERENCE" -v floor="$floor" '
    function ms(v) { return sprintf("%.2f%s", v / 1000, v ~ /!$/ ? "!" : "") }
    {
        if (withref == "") { printf "%-34s %9s\n", $1, ms($2); }
        else {
            ratio = ($2 !~ /!$/ && $3 !~ /!$/) ? sprintf("%.1f", $3 / $2) : "-"
            printf "%-34s %9s %11s %9s\n", $1, ms($2), ms($3), ratio
        }
        if ($2 !~ /!$/ && (withref == "" || $3 !~ /!$/)) {
            n++; ours += $2; ref += $3; logr += withref == "" ? 0 : log($3 / $2)
        }
    }
    END {
        if (!n) exit
        if (withref == "") {
            printf "%-34s %9.2f\n", "mean of " n " files", ours / n / 1000
            printf "%-34s %9.2f\n", "  less the exec of /bin/true", (ours / n - floor) / 1000
        } else {
            printf "%-34s %9.2f %11.2f %9.1f  (geometric mean of the ratios: %.1f)\n",
                   "mean of " n " files both compile", ours / n / 1000, ref / n / 1000,
                   ref / ours, exp(logr / n)
            # what each compiler does beyond starting a process at all
            printf "%-34s %9.2f %11.2f %9.1f\n", "  less the exec of /bin/true",
                   (ours / n - floor) / 1000, (ref / n - floor) / 1000,
                   (ref / n - floor) / (ours / n - floor)
        }
    }' "$TMP/rows"
