" KernelScript sources (.ks) and headers (.kh).  Vim's own filetype.vim
" calls *.ks KScript; 'set' rather than 'setfiletype' so that this wins.
autocmd BufRead,BufNewFile *.ks,*.kh set filetype=kernelscript
