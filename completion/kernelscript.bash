# bash completion for kernelscript and ks2c.
# Works with bash-completion's helpers when they are loaded, and without
# them too (plain compgen), so sourcing this file alone is enough.
# COMPREPLY=($(compgen ...)) splits on purpose: the words hold no spaces,
# and file names are split at newlines only.
# shellcheck disable=SC2207

# Where tracepoint events are listed; tracefs is mounted in one of these.
_kernelscript_tracefs_dirs=${_kernelscript_tracefs_dirs:-/sys/kernel/tracing /sys/kernel/debug/tracing}

# Sets words, cword, cur and prev, as bash-completion's _init_completion does.
_kernelscript_init() {
	if declare -F _init_completion >/dev/null; then
		_init_completion -n =: || return 1
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]}
		prev=
		((cword > 0)) && prev=${words[cword - 1]}
	fi
	return 0
}

# Files whose names end in .$1 (any file without $1), and directories.
_kernelscript_files() {
	if declare -F _filedir >/dev/null; then
		_filedir "$1"
		return
	fi
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	if [[ $1 ]]; then
		COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X "!*.$1" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

_kernelscript_dirs() {
	if declare -F _filedir >/dev/null; then
		_filedir -d
		return
	fi
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -d -- "$cur"))
}

# The events directory of the first readable tracefs, or nothing.
_kernelscript_events() {
	local dir
	for dir in $_kernelscript_tracefs_dirs; do
		if [[ -d $dir/events && -r $dir/events ]]; then
			printf '%s\n' "$dir/events"
			return 0
		fi
	done
	return 1
}

# Tracepoints for the word $1 after the prefix $2 ("tracepoint/" or ""):
# CATEGORY/ first, then CATEGORY/EVENT once a category is typed.
_kernelscript_tracepoints() {
	local word=$1 prefix=$2 events category path names=()
	events=$(_kernelscript_events) || return
	if [[ $word == */* ]]; then
		category=${word%%/*}
		for path in "$events/$category"/*/; do
			[[ -d $path ]] || continue
			path=${path%/}
			names+=("$category/${path##*/}")
		done
	else
		for path in "$events"/*/; do
			[[ -d $path ]] || continue
			path=${path%/}
			names+=("${path##*/}/")
		done
	fi
	local IFS=$'\n'
	COMPREPLY=($(compgen -P "$prefix" -W "${names[*]}" -- "$word"))
	[[ ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
}

# Kernel functions that can be probed, from tracefs when it lets us read
# them (it usually needs root); nothing otherwise.
_kernelscript_functions() {
	local word=$1 prefix=$2 dir
	[[ $word ]] || return
	for dir in $_kernelscript_tracefs_dirs; do
		[[ -r $dir/available_filter_functions ]] || continue
		COMPREPLY=($(awk -v w="$word" -v p="$prefix" \
			'index($1, w) == 1 { print p $1 }' \
			"$dir/available_filter_functions" 2>/dev/null | sort -u | head -n 200))
		return
	done
}

# init TYPE NAME: the program types, and the word after a two-word type.
_kernelscript_init_args() {
	local i arg args=()
	for ((i = 2; i < cword; i++)); do
		arg=${words[i]}
		case $arg in
		--btf-vmlinux-path) ((i++)) ;;
		-*) ;;
		*) args+=("$arg") ;;
		esac
	done
	case ${#args[@]} in
	0)
		case $cur in
		tracepoint/*) _kernelscript_tracepoints "${cur#tracepoint/}" tracepoint/ ;;
		probe/*) _kernelscript_functions "${cur#probe/}" probe/ ;;
		*)
			COMPREPLY=($(compgen -W 'xdp tc tc/ingress tc/egress tracepoint
				tracepoint/ probe probe/ perf_event struct_ops
				struct_ops/tcp_congestion_ops tcp_congestion_ops' -- "$cur"))
			[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == */ ]] &&
				compopt -o nospace 2>/dev/null
			;;
		esac
		;;
	1)
		case ${args[0]} in
		tracepoint) _kernelscript_tracepoints "$cur" "" ;;
		probe) _kernelscript_functions "$cur" "" ;;
		struct_ops) COMPREPLY=($(compgen -W tcp_congestion_ops -- "$cur")) ;;
		esac
		;;
	esac
}

_kernelscript() {
	local cur prev words cword
	_kernelscript_init || return
	COMPREPLY=()

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'check compile test init' -- "$cur"))
		fi
		return
	fi

	local command=${words[1]}
	# --diagnostics-format=FORMAT: one word with bash-completion, three
	# ("--diagnostics-format", "=", FORMAT) without
	if [[ $cur == --diagnostics-format=* ]]; then
		COMPREPLY=($(compgen -P --diagnostics-format= -W 'json text' -- "${cur#*=}"))
		return
	elif [[ $prev == = && ${words[cword - 2]} == --diagnostics-format ]]; then
		COMPREPLY=($(compgen -W 'json text' -- "$cur"))
		return
	fi
	case $prev in
	-o | --output)
		_kernelscript_dirs
		return
		;;
	--btf-vmlinux-path)
		_kernelscript_files
		return
		;;
	--filter)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		local options
		case $command in
		check) options='--parse-only --dump-ast -Werror --btf-vmlinux-path --diagnostics-format= --help' ;;
		compile) options='-o --output -v --verbose --test -Werror --btf-vmlinux-path --diagnostics-format= --help' ;;
		test) options='--filter -o --output --btf-vmlinux-path --help' ;;
		init) options='--btf-vmlinux-path --help' ;;
		esac
		COMPREPLY=($(compgen -W "$options" -- "$cur"))
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi

	case $command in
	check | compile | test) _kernelscript_files ks ;;
	init) _kernelscript_init_args ;;
	esac
}
complete -F _kernelscript kernelscript

_ks2c() {
	local cur prev words cword
	_kernelscript_init || return
	COMPREPLY=()
	if [[ $prev == -o ]]; then
		_kernelscript_dirs
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--bpf --user --types -o -h --help -V --version' -- "$cur"))
	else
		_kernelscript_files ks
	fi
}
complete -F _ks2c ks2c
