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
# includes).  /bin/true runs between them, as often: what starting any
# process costs on this machine, which no compiler can go under.  The last
# line takes it off both means, leaving what each compiler does beyond
# starting a process.  A compile that fails is marked "!" and left out of
# the totals.
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

# time_us COMMAND...: wall-clock microseconds of one run, after emptying
# $TMP/out; the exit status goes to $TMP/status.
time_us() {
    local start end status
    rm -rf "$TMP/out"
    start=${EPOCHREALTIME/[.,]/}
    "$@" >/dev/null 2>&1
    status=$?
    end=${EPOCHREALTIME/[.,]/}
    echo "$status" >"$TMP/status"
    echo $((10#$end - 10#$start))
}

# median FILE: the median of the numbers in FILE, a line each.
median() {
    sort -n "$1" | awk '{ t[NR] = $1 } END {
        print NR % 2 ? t[(NR + 1) / 2] : int((t[NR / 2] + t[NR / 2 + 1]) / 2) }'
}

# row FILE: FILE's name, then the medians of /bin/true, ours and the
# reference's ("-" without one), a "!" after a compile that failed.  The
# three run in turn, RUNS times, so that the machine's drift falls on all
# of them alike.
row() {
    local i=0 failed_ours="" failed_ref=""
    : >"$TMP/true"; : >"$TMP/ours"; : >"$TMP/ref"
    cd "$(dirname "$1")" || return
    while [ $i -lt "$RUNS" ]; do
        time_us /bin/true >>"$TMP/true"
        time_us "$KS" compile "$(basename "$1")" -o "$TMP/out" >>"$TMP/ours"
        [ "$(cat "$TMP/status")" = 0 ] || failed_ours="!"
        if [ -n "$REFERENCE" ]; then
            time_us "$REFERENCE" compile "$(basename "$1")" -o "$TMP/out" >>"$TMP/ref"
            [ "$(cat "$TMP/status")" = 0 ] || failed_ref="!"
        fi
        i=$((i + 1))
    done
    echo "${1##*/} $(median "$TMP/true") $(median "$TMP/ours")$failed_ours" \
         "$([ -n "$REFERENCE" ] && echo "$(median "$TMP/ref")$failed_ref" || echo -)"
}

echo "== compile: ms per file, median of $RUNS runs"
echo
if [ -n "$REFERENCE" ]; then
    printf "%-34s %9s %11s %9s\n" "" ours reference "ref/ours"
else
    printf "%-34s %9s\n" "" ours
fi
: >"$TMP/rows"
for f in "$DIR"/*.ks; do
    (row "$f") >>"$TMP/rows"
done
# Columns of a row: name, /bin/true, ours, reference.
awk -v withref="$REFERENCE" '
    function ms(v) { return sprintf("%.2f%s", v / 1000, v ~ /!$/ ? "!" : "") }
    {
        if (withref == "") { printf "%-34s %9s\n", $1, ms($3); }
        else {
            ratio = ($3 !~ /!$/ && $4 !~ /!$/) ? sprintf("%.1f", $4 / $3) : "-"
            printf "%-34s %9s %11s %9s\n", $1, ms($3), ms($4), ratio
        }
        if ($3 !~ /!$/ && (withref == "" || $4 !~ /!$/)) {
            n++; floor += $2; ours += $3; ref += $4
            logr += withref == "" ? 0 : log($4 / $3)
        }
    }
    END {
        if (!n) exit
        if (withref == "") {
            printf "%-34s %9.2f\n", "mean of " n " files", ours / n / 1000
            printf "%-34s %9.2f  (/bin/true: %.2f)\n", "  less the exec of /bin/true",
                   (ours - floor) / n / 1000, floor / n / 1000
        } else {
            printf "%-34s %9.2f %11.2f %9.1f  (geometric mean of the ratios: %.1f)\n",
                   "mean of " n " files both compile", ours / n / 1000, ref / n / 1000,
                   ref / ours, exp(logr / n)
            # what each compiler does beyond starting a process at all
            printf "%-34s %9.2f %11.2f %9.1f  (/bin/true: %.2f)\n",
                   "  less the exec of /bin/true", (ours - floor) / n / 1000,
                   (ref - floor) / n / 1000, (ref - floor) / (ours - floor), floor / n / 1000
        }
    }' "$TMP/rows"
