" Vim syntax file
" Language:	KernelScript (kernelscript's .ks and .kh files)
" Keywords follow the compiler's scanner; attributes are any @name.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn keyword ksKeyword		fn extern include import from impl type config as sizeof new delete
syn keyword ksStorage		var const pin local
syn keyword ksStructure		struct enum
syn keyword ksConditional	if else match
syn keyword ksRepeat		for while in break continue
syn keyword ksStatement		return
syn keyword ksException		try catch throw defer
syn keyword ksLabel		default
syn keyword ksBoolean		true false
syn keyword ksConstant		null
" Type names are identifiers to the compiler, but read as types.
syn keyword ksType		u8 u16 u32 u64 i8 i16 i32 i64 bool char void str size_t ssize_t
syn keyword ksMapType		hash array percpu_hash percpu_array lru_hash lru_percpu_hash ringbuf
syn keyword ksBuiltin		print load attach detach sleep read exec test daemon dispatch register

" @xdp, @tc("ingress"), @probe on do_exit, @flags(...), @test ...
syn match ksAttribute		"@\h\w*"

" Letters straight after the digits are an error to the compiler; the
" valid forms come after, so they win.
syn match ksBadNumber		"\<\d\w*\>"
syn match ksNumber		"\<\d\+\>"
syn match ksNumber		"\<0[xX]\x\+\>"
syn match ksNumber		"\<0[bB][01]\+\>"
syn match ksNumber		"\<0[oO]\o\+\>"

syn match ksEscape		contained "\\[ntr0\\'\"]\|\\x\x\x"
syn region ksString		start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=ksEscape
syn match ksCharacter		"'\%(\\[ntr0\\'\"]\|\\x\x\x\|[^\\']\)'" contains=ksEscape

syn keyword ksTodo		contained TODO FIXME XXX NOTE
syn match ksComment		"//.*$" contains=ksTodo,@Spell
" Block comments do not nest.
syn region ksComment		start="/\*" end="\*/" contains=ksTodo,@Spell

hi def link ksKeyword		Keyword
hi def link ksStorage		StorageClass
hi def link ksStructure		Structure
hi def link ksConditional	Conditional
hi def link ksRepeat		Repeat
hi def link ksStatement		Statement
hi def link ksException		Exception
hi def link ksLabel		Label
hi def link ksBoolean		Boolean
hi def link ksConstant		Constant
hi def link ksType		Type
hi def link ksMapType		Type
hi def link ksBuiltin		Function
hi def link ksAttribute		PreProc
hi def link ksNumber		Number
hi def link ksBadNumber		Error
hi def link ksEscape		SpecialChar
hi def link ksString		String
hi def link ksCharacter		Character
hi def link ksTodo		Todo
hi def link ksComment		Comment

let b:current_syntax = 'kernelscript'

let &cpo = s:cpo_save
unlet s:cpo_save
