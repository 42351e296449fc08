#!/bin/sh
# The Vim files: a .ks file gets the kernelscript filetype, and the syntax
# file loads without an error and marks each kind of token as it should.
. "$(dirname "$0")/lib.sh"

vimfiles=$TESTS_SRCDIR/../editors/vim
if ! command -v vim >/dev/null 2>&1; then
	skip_all "no vim (apt-get install vim) to load the syntax file in"
fi
if ! vim -u NONE -i NONE -N -es -c 'if !has("syntax") | cquit | endif' -c 'qa!' </dev/null; then
	skip_all "this vim has no syntax highlighting (vim-tiny?)"
fi

# run_vim NAME SCRIPT WANT GOT VAR=VALUE...: runs SCRIPT in vim with the
# syntax files and the variables in its environment (KS_OUT=GOT too); NAME
# passes when SCRIPT wrote GOT equal to WANT.
run_vim() {
	name=$1 script=$2 want=$3 got=$4
	shift 4
	status=0
	env "$@" KS_OUT="$got" vim -u NONE -i NONE -N -es --cmd "set rtp^=$vimfiles" \
		-S "$script" </dev/null >"$tmpdir/vim.out" 2>&1 || status=$?
	if [ "$status" -ne 0 ] || [ ! -f "$got" ]; then
		fail "$name" "vim exited with $status"
		sed 's/^/    /' "$tmpdir/vim.out"
	elif compare "$name" "$want" "$got"; then
		pass "$name"
	else
		fail "$name"
	fi
}

cat >"$tmpdir/probe.ks" <<'KS'
// Counts packets. TODO: more
include "xdp.kh"
var hits: hash<u32, u64>(1024)
@xdp on eth0
fn count(ctx: *xdp_md) -> xdp_action {
    var c = 'a'
    hits[0x10] += 1
    var bad = 12ab
    return XDP_PASS /* done */
}
KS

# For each "LINE:TEXT", the syntax group at TEXT's first character.
cat >"$tmpdir/check.vim" <<'VIM'
filetype on
syntax on
edit $KS_FILE
let out = ['filetype ' . &filetype, 'syntax ' . get(b:, 'current_syntax', 'none')]
for [lnum, text] in [[1, 'Counts'], [1, 'TODO'], [2, 'include'], [2, '"xdp'],
		\ [3, 'var'], [3, 'hash'], [3, 'u32'], [3, '1024'], [4, '@xdp'],
		\ [5, 'fn'], [6, "'a'"], [7, '0x10'], [8, '12ab'], [9, 'return'],
		\ [9, '/*']]
	let col = stridx(getline(lnum), text) + 1
	call add(out, text . ' ' . synIDattr(synID(lnum, col, 1), 'name'))
endfor
call add(out, 'errors ' . (v:errmsg == '' ? 'none' : v:errmsg))
call writefile(out, $KS_OUT)
qa!
VIM

cat >"$tmpdir/want" <<'WANT'
filetype kernelscript
syntax kernelscript
Counts ksComment
TODO ksTodo
include ksKeyword
"xdp ksString
var ksStorage
hash ksMapType
u32 ksType
1024 ksNumber
@xdp ksAttribute
fn ksKeyword
'a' ksCharacter
0x10 ksNumber
12ab ksBadNumber
return ksStatement
/* ksComment
errors none
WANT

run_vim syntax "$tmpdir/check.vim" "$tmpdir/want" "$tmpdir/got" KS_FILE="$tmpdir/probe.ks"

# Every example highlighted from top to bottom without an error.
cat >"$tmpdir/examples.vim" <<'VIM'
filetype on
syntax on
let out = []
for f in split(glob($KS_EXAMPLES . '/*.ks'), "\n")
	execute 'edit ' . fnameescape(f)
	let groups = {}
	for lnum in range(1, line('$'))
		for col in range(1, len(getline(lnum)))
			let groups[synIDattr(synID(lnum, col, 1), 'name')] = 1
		endfor
	endfor
	call add(out, fnamemodify(f, ':t') . ' ' . &filetype . ' ' .
		\ (has_key(groups, 'ksKeyword') && has_key(groups, 'ksComment') ? 'highlighted' : 'plain'))
endfor
call add(out, 'errors ' . (v:errmsg == '' ? 'none' : v:errmsg))
call writefile(out, $KS_OUT)
qa!
VIM
for f in "$TESTS_SRCDIR"/../examples/*.ks; do
	echo "$(basename "$f") kernelscript highlighted"
done >"$tmpdir/want-examples"
echo "errors none" >>"$tmpdir/want-examples"
run_vim examples "$tmpdir/examples.vim" "$tmpdir/want-examples" "$tmpdir/got-examples" \
	KS_EXAMPLES="$TESTS_SRCDIR/../examples"

summary
