#!/bin/sh
# Robustness tests: whatever the input, 'kernelscript check' must not crash.
# It exits 0 or 1 (never 2 or more, never killed by a signal), writes nothing
# on stdout, keeps its stderr small, and an error starts with a well-formed
# diagnostic line.  The inputs are generated here, into $tmpdir, from fixed
# seeds, so every run sees the same bytes.
. "$(dirname "$0")/lib.sh"

dump=
diag_re='^[^:]+:[0-9]+:[0-9]+: error: '
unreadable_re="^kernelscript: error: cannot read '"

# A guard against hangs only (no time is asserted): a run that takes longer
# than this is reported rather than blocking the suite.
if command -v timeout >/dev/null 2>&1; then
	guard="timeout 600"
else
	guard=
fi

# run FILE [OPTION]: runs 'kernelscript check [OPTION] FILE'; sets $status,
# with stdout and stderr in $tmpdir/out and $tmpdir/err.
run() {
	status=0
	$guard "$KS" check ${2:+"$2"} "$1" >"$tmpdir/out" 2>"$tmpdir/err" || status=$?
}

# verdict: why the last run is broken whatever the expected status, or
# nothing.  MAX is the largest stderr allowed, in bytes.
verdict() {
	if [ -n "$guard" ] && [ "$status" -eq 124 ]; then
		echo "timed out (hang?)"
	elif [ "$status" -gt 128 ]; then
		echo "killed by signal $((status - 128)) (crash)"
	elif [ "$status" -gt 1 ]; then
		echo "exit status $status"
	elif [ -s "$tmpdir/out" ] && [ "${dump:-}" != 1 ]; then
		echo "wrote on stdout"
	elif [ "$(wc -c <"$tmpdir/err")" -ge "$max" ]; then
		echo "stderr has $(wc -c <"$tmpdir/err") bytes (limit $max)"
	elif [ "$status" -eq 1 ] && ! head -n 1 "$tmpdir/err" | grep -Eq "$first_re"; then
		echo "first line of stderr is not a diagnostic: $(head -n 1 "$tmpdir/err" | cut -c 1-200)"
	elif [ "$status" -eq 0 ] && grep -q ': error: ' "$tmpdir/err"; then
		echo "exit status 0 after an error"
	fi
}

# check NAME FILE EXPECT [MAX]: EXPECT is 0, 1 or any (0 or 1).
check() {
	name=$1 file=$2 expect=$3 max=${4:-65536}
	: "${first_re:=$diag_re}"
	run "$file" ${dump:+--dump-ast}
	why=$(verdict)
	if [ -z "$why" ] && [ "$expect" != any ] && [ "$status" -ne "$expect" ]; then
		why="exit status $status, expected $expect"
	fi
	if [ -z "$why" ] && [ "$expect" = 0 ] && [ -s "$tmpdir/err" ]; then
		why="unexpected output on stderr"
	fi
	if [ -n "$why" ]; then
		fail "$name" "$why"
		head -n 6 "$tmpdir/err" | cut -c 1-200 | sed 's/^/    /'
	else
		pass "$name"
	fi
	first_re=
}

# first_line_is NAME TEXT: the first line of the last run's stderr is TEXT.
first_line_is() {
	if [ "$(head -n 1 "$tmpdir/err")" = "$2" ]; then
		pass "$1"
	else
		fail "$1" "first line: $(head -n 1 "$tmpdir/err" | cut -c 1-200), expected: $2"
	fi
}

# bytes COUNT SEED: COUNT pseudo-random bytes (all 256 values occur) from a
# linear congruential generator, the same with every awk.
bytes() {
	awk -v n="$1" -v x="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			x = (x * 75 + 74) % 65537
			line = line sprintf("\\%03o", x % 256)
			if (i % 512 == 511 || i == n - 1) {
				print line
				line = ""
			}
		}
	}' | while IFS= read -r chunk; do
		printf "$chunk"
	done
}

# repeat COUNT TEXT: TEXT written COUNT times.
repeat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

cd "$tmpdir" || exit 1

# ---- trivial files ----------------------------------------------------------
: >empty.ks
check empty_file empty.ks 0

printf '// a line comment\n\n/* a block\n   comment */\n\n;\n\n// the last line has no newline' >comments.ks
check comments_and_newlines_only comments.ks 0

# ---- bytes ------------------------------------------------------------------
bytes 65536 1 >random.ks
if [ "$(wc -c <random.ks)" -ne 65536 ]; then
	fail random_64k "generated $(wc -c <random.ks) bytes, not 65536"
else
	check random_64k random.ks any
fi

# Every byte value alone in a file.
bad_bytes=
i=0
while [ $i -lt 256 ]; do
	printf "\\$(printf %03o $i)" >byte.ks
	max=65536 first_re=$diag_re
	run byte.ks
	why=$(verdict)
	if [ -n "$why" ] || [ "$(wc -c <byte.ks)" -ne 1 ]; then
		fail "single_byte_$i" "${why:-the file is not one byte}"
		bad_bytes="$bad_bytes $i"
	fi
	i=$((i + 1))
done
[ -z "$bad_bytes" ] && pass "single_byte_files (0-255)"

# NUL bytes inside a string (fine) and inside an identifier (stray).
printf 'fn main() -> i32 {\n    var s = "a\000b"\n    var a\000b = 1\n    return 0\n}\n' >nul.ks
check nul_bytes nul.ks 1
first_line_is nul_bytes_message "nul.ks:3:10: error: stray '\\x00' in program"

# Not valid UTF-8: stray continuation bytes, truncated and overlong
# sequences, bytes that never occur in UTF-8, in code, comments and strings.
printf '// \377\376 comment\nfn main() -> i32 {\n    var s = "\303\050 \300\257 \355\240\200"\n    var t = 1 + \342\202\n    return \200 0 \370\210\200\200\200\n}\n' >utf8.ks
check invalid_utf8 utf8.ks 1

printf '\357\273\277fn main() -> i32 {\n    return 0\n}\n' >bom.ks
check utf8_byte_order_mark bom.ks any

# ---- deep nesting -----------------------------------------------------------
{ printf 'fn main() -> i32 {\n    var x = '; repeat 10000 '('; printf 1; repeat 10000 ')'
  printf '\n    return x\n}\n'; } >parens.ks
check nested_parens_10000 parens.ks any

{ printf 'fn main() -> i32 {\n'; repeat 10000 '{\n'; repeat 10000 '}\n'
  printf '    return 0\n}\n'; } >braces.ks
check nested_braces_10000 braces.ks any

{ printf 'fn main() -> i32 {\n    var x = '; repeat 10000 '-'
  printf '1\n    return x\n}\n'; } >minus.ks
check nested_unary_minus_10000 minus.ks any

{ printf 'fn main() -> i32 {\n    var x = '; repeat 10000 '['; printf 1; repeat 10000 ']'
  printf '\n    return 0\n}\n'; } >brackets.ks
check nested_brackets_10000 brackets.ks any

{ printf 'fn main() -> i32 {\n'; repeat 10000 'if (true) {\n'; repeat 10000 '}\n'
  printf '    return 0\n}\n'; } >ifs.ks
check nested_if_10000 ifs.ks any

# 10,000 calls left open, one per line.
{ printf 'fn main() -> i32 {\n'; repeat 10000 '    f(\n'; printf '}\n'; } >unclosed.ks
check unclosed_calls_10000 unclosed.ks 1

# Accepted nesting, printed by --dump-ast (the printer recurses).
{ printf 'fn main() -> i32 {\n'; repeat 1000 '{\n'; printf '    var x = '
  repeat 1000 '-('; printf 1; repeat 1000 ')'; printf '\n'; repeat 1000 '}\n'
  printf '    return 0\n}\n'; } >deep_ok.ks
dump=1
check nested_1000_dump_ast deep_ok.ks 0
dump=

# ---- size -------------------------------------------------------------------
# A 1 MB line, one long expression, with an error at its very end: the
# report points there and stays small.
terms=262134
{ printf 'fn main() -> i32 {\n    var x = 1'; repeat $terms ' + 1'
  printf ' +)\n    return x\n}\n'; } >long_line.ks
check long_line_1mb long_line.ks 1 65536
col=$((13 + 4 * terms + 3))
# Such a chain is also too deep an expression: both errors are reported.
if grep -q "^long_line.ks:2:$col: error: " "$tmpdir/err" &&
   grep -q "^long_line.ks:2:13: error: expression nested more than 1000 levels deep" "$tmpdir/err"; then
	pass long_line_1mb_position
else
	fail long_line_1mb_position "expected errors at long_line.ks:2:13 and 2:$col, got: $(cut -c 1-100 "$tmpdir/err")"
fi

# Long chains of binary and postfix operators build deep trees without
# deepening the parser's stack: they are cut at 1000 levels, so printing
# the tree cannot run out of stack.
for chain in ' + 1' '.a' '[0]' '()' ' as u32' '->b'; do
	{ printf 'fn main() -> i32 {\n    var x = y'; repeat 200000 "$chain"
	  printf '\n    return 0\n}\n'; } >chain.ks
	dump=1
	check "long_chain_dump_ast '$chain'" chain.ks 1
	dump=
	if ! grep -q "^chain.ks:2:13: error: expression nested more than 1000 levels deep" "$tmpdir/err"; then
		fail "long_chain_depth_error '$chain'" "$(head -n 1 "$tmpdir/err" | cut -c 1-100)"
	else
		pass "long_chain_depth_error '$chain'"
	fi
done

# A 1 MB identifier followed by an error, and a 1 MB unterminated string.
{ printf 'fn main() -> i32 {\n    var '; repeat 65536 'abcdefghijklmnop'
  printf ' = 1 2\n    return 0\n}\n'; } >long_name.ks
check long_identifier_1mb long_name.ks 1 65536

{ printf 'fn main() -> i32 {\n    var s = "'; repeat 65536 'abcdefghijklmno\n'; } >long_string.ks
check unterminated_string_1mb long_string.ks 1 65536

# 100,000 lines of a valid program.
{ printf 'fn main() -> i32 {\n    var x: u64 = 0\n'
  awk 'BEGIN { for (i = 0; i < 99996; i++) printf "    x = x + %d\n", i }'
  printf '    return 0\n}\n'; } >lines.ks
if [ "$(wc -l <lines.ks)" -ne 100000 ]; then
	fail lines_100000 "generated $(wc -l <lines.ks) lines"
else
	check lines_100000 lines.ks 0
	dump=1
	check lines_100000_dump_ast lines.ks 0
	dump=
fi

# Thousands of errors: 20 are reported, then the "too many errors" line.
repeat 10000 'var x = 1 2\n$\n' >many.ks
check many_errors many.ks 1 65536
if [ "$(grep -c ': error: ' "$tmpdir/err")" -eq 20 ] &&
   [ "$(tail -n 1 "$tmpdir/err")" = "kernelscript: too many errors (20); stopping" ]; then
	pass many_errors_capped
else
	fail many_errors_capped "$(grep -c ': error: ' "$tmpdir/err") errors, last line: $(tail -n 1 "$tmpdir/err")"
fi

# ---- token soup ---------------------------------------------------------------
# Random sequences of KernelScript tokens, from fixed seeds.
soup_failed=
seed=1
while [ $seed -le 200 ]; do
	awk -v seed=$seed -v count=$((seed * 3 + 5)) 'BEGIN {
		n = split("fn extern include import from pin local type struct enum " \
			"impl config var const if else for in while return break " \
			"continue delete try catch throw defer match default new " \
			"sizeof as str true false null x y Foo u32 hash 0 1 0x1f " \
			"\047a\047 \"s\" -> .. == != <= >= && || << >> += -= = + - * " \
			"/ % & | ^ ~ ! < > . , : ? @ ( ) { } [ ] ; NL NL NL NL // /* */",
			tok, " ")
		srand(seed)
		for (i = 0; i < count; i++) {
			t = tok[int(rand() * n) + 1]
			printf "%s ", t == "NL" ? "\n" : t
		}
		printf "\n"
	}' >soup.ks
	max=65536 first_re=$diag_re
	run soup.ks
	why=$(verdict)
	if [ -n "$why" ]; then
		fail "token_soup_$seed" "$why"
		soup_failed=1
	fi
	seed=$((seed + 1))
done
[ -z "$soup_failed" ] && pass "token_soup (200 seeds)"

# ---- files that cannot be read ------------------------------------------------
first_re=$unreadable_re
check missing_file "$tmpdir/no-such-file.ks" 1
first_re=$unreadable_re
mkdir dir.ks
check directory dir.ks 1

summary
