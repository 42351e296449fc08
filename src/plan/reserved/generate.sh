#!/bin/sh
# Writes the lists of names the generated C cannot give to a program's own
# functions, globals and types, because the headers it includes declare
# them: bpf.names (libbpf's eBPF headers; vmlinux.h is read from BTF when
# compiling) and bpf.tags, and for the loader's libc, Linux and libbpf headers
# user.names (functions, variables, typedefs and enumerators),
# user.macros and user.tags (struct, union and enum names), and for the
# kernel module's headers module.names, module.macros and module.tags.  A
# maintainer runs it when the headers the output includes change; the
# lists are committed.  Needs clang, gcc, python3, bpftool and a kernel
# build tree (KDIR, as for building modules).
#
#   src/plan/reserved/generate.sh [VMLINUX_BTF [KDIR]]
#
# builtins.names is kept by hand: the C library functions gcc and clang
# know without a header (a program's function named log or round would
# conflict with the builtin), on both sides.
#
# Names C reserves for the implementation (starting with "__" or "_" and a
# capital letter) are left out: a program has no business using them.
set -e
dir=$(cd "$(dirname "$0")" && pwd)
btf=${1:-/sys/kernel/btf/vmlinux}
kdir=${2:-/lib/modules/$(uname -r)/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

bpftool btf dump file "$btf" format c >vmlinux.h
printf '#include "vmlinux.h"\n' >vmlinux.c
cat >bpf.c <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
EOF
# what the generated loader and skeleton/ks_runtime.h include
cat >user.c <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/types.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
EOF

for f in vmlinux bpf; do
	clang -target bpf -D__TARGET_ARCH_x86 -I. -E -dM $f.c >$f.macros
	clang -target bpf -D__TARGET_ARCH_x86 -I. -fsyntax-only -Xclang -ast-dump=json $f.c >$f.json
done
clang -E -dM user.c >user.macros
clang -fsyntax-only -Xclang -ast-dump=json user.c >user.json

# what the generated NAME_kfuncs.c includes, compiled as Kbuild compiles a
# module: its command line, from a module built for the purpose
mkdir module
cat >module/probe.c <<'EOF2'
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
MODULE_LICENSE("GPL");
EOF2
echo 'obj-m := probe.o' >module/Kbuild
make -s -C "$kdir" M="$tmp/module" modules >/dev/null
flags=$(sed -n 's/^savedcmd_[^ ]* := *[^ ]*gcc[^ ]* //p' module/.probe.o.cmd |
	sed 's/-Wp,-MMD,[^ ]*//; s/ -c -o .*//')
(cd "$kdir" && eval "gcc $flags -E -dM '$tmp/module/probe.c'") >module.macros
# clang reads the same headers for their declarations, without gcc's
# code-generation options
cflags=$(printf '%s\n' $flags | grep -E "^-(I|include|D|std=|nostdinc|isystem)|^'?[^-]" |
	tr '\n' ' ')
(cd "$kdir" && eval "clang $cflags -fsyntax-only -Wno-everything -Xclang -ast-dump=json \
	'$tmp/module/probe.c'") >module.json

python3 - "$dir" <<'EOF'
import json, re, sys
out = sys.argv[1]

def declared(path):
    """Names declared at file scope: (ordinary identifiers, struct/union/enum tags)."""
    ordinary, tags = set(), set()
    for node in json.load(open(path))['inner']:
        kind, name = node.get('kind'), node.get('name')
        if node.get('isImplicit'):
            continue
        if kind in ('FunctionDecl', 'VarDecl', 'TypedefDecl') and name:
            ordinary.add(name)
        if kind in ('RecordDecl', 'EnumDecl') and name:
            tags.add(name)
        if kind == 'EnumDecl':
            for m in node.get('inner', []):
                if m.get('kind') == 'EnumConstantDecl':
                    ordinary.add(m['name'])
    return ordinary, tags

def macros(path):
    return {re.split(r'[ (]', line)[1] for line in open(path) if line.startswith('#define ')}

def public(names):
    return sorted(n for n in names if not re.match(r'__|_[A-Z]', n))

def write(name, names):
    with open(f'{out}/{name}', 'w') as f:
        f.write(''.join(n + '\n' for n in public(names)))

vo, vt = declared('vmlinux.json')
bo, bt = declared('bpf.json')
write('bpf.names', (bo - vo) | (macros('bpf.macros') - macros('vmlinux.macros')))
write('bpf.tags', bt - vt)
uo, ut = declared('user.json')
write('user.names', uo)
write('user.macros', macros('user.macros'))
write('user.tags', ut)
mo, mt = declared('module.json')
write('module.names', mo)
write('module.macros', macros('module.macros'))
write('module.tags', mt)
EOF
