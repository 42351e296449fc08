#!/bin/sh
# What needs a kernel this machine's does not have, run in a virtual
# machine: kernel modules of kfuncs, and probes as fentry programs and
# kprobes.
#
# Kernel modules of kfuncs: guest/kmodule.ks has @kfunc and @private
# functions, which kernelscript compiles into kmodule_kfuncs.c and Kbuild.
#
# On this machine: make builds the module against a kernel build tree
# (KDIR), checks it has BTF and a filled kfunc set, and says it skipped the
# module when there is no tree; against a tree without vmlinux (Debian's
# 6.1 headers, when installed) the C compiles and make refuses the .ko.  The loader, where the kernel cannot load
# modules or the .ko is missing, fails with a message that says what to do.
#
# In a virtual machine (qemu, software emulation): a kernel that loads
# modules boots with the module, the loader and busybox in its initramfs.
# The loader loads the module, an XDP program on lo (with ping traffic) and
# a tracepoint program call the kfuncs, and main prints values only the
# module computes; the module prints into the kernel log; the loader
# removes the module when it exits.
#
# Probes: guest/probes.ks probes a function the loader's own sleep() calls
# with @probe (which must run as an fentry program there), @kprobe and
# @fentry; each must count the sleeps.
#
# The guest kernel: KS_VM_KERNEL (a bzImage) and KS_VM_KDIR (its build tree,
# with vmlinux and resolve_btfids, as Debian's linux-headers packages have),
# or else the newest /boot/vmlinuz-RELEASE whose /lib/modules/RELEASE/build
# has vmlinux.  Needs qemu-system-x86_64, a static busybox and cpio.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=guest
B=$kt_tmp/kmodule
P=$kt_tmp/probes

# The guest kernel and its build tree, when none is given.
vm_kernel=${KS_VM_KERNEL:-}
vm_kdir=${KS_VM_KDIR:-}
if [ -z "$vm_kernel" ]; then
	for image in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V); do
		release=${image#/boot/vmlinuz-}
		if [ -f "/lib/modules/$release/build/vmlinux" ]; then
			vm_kernel=$image
			vm_kdir=/lib/modules/$release/build
		fi
	done
fi

missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; }
if ! "$KS" compile "$KT_DIR/guest/kmodule.ks" -o "$B" >"$B.compile.log" 2>&1; then
	fail "$T: kernelscript compile kmodule.ks" "failed" "$B.compile.log"
	summary
fi
check "$T: the project has the module's source and Kbuild" "kmodule_kfuncs.c or Kbuild missing" \
	test -s "$B/kmodule_kfuncs.c" -a -s "$B/Kbuild"

# Without a kernel tree, make builds the program and says it skipped the module.
kmake() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$B" "$@"
}
if kmake KDIR="$kt_tmp/no-such-tree" >"$B.make0.log" 2>&1 &&
	grep -q 'SKIP *kmodule_kfuncs.ko: no kernel build tree' "$B.make0.log" && [ -x "$B/kmodule" ]; then
	pass "$T: make without a kernel tree builds the program and says it skipped the module"
else
	fail "$T: make without a kernel tree" "expected the program and a SKIP line" "$B.make0.log"
fi

# Where the kernel cannot load modules, or the .ko is not there, the loader says so.
if ! "$B/kmodule" >"$B.run0.out" 2>"$B.run0.err" && grep -q 'Failed to open the kernel module' "$B.run0.err" &&
	grep -q 'build it with make' "$B.run0.err"; then
	pass "$T: the loader without the .ko says how to build it, and fails"
else
	fail "$T: the loader without the .ko" "expected a failure naming the module" "$B.run0.err"
fi
if [ -d /sys/module ] && [ ! -e /proc/modules ]; then	# this kernel loads no modules
	: >"$kt_tmp/empty.ko"
	if ! "$B/kmodule" --kfunc-module="$kt_tmp/empty.ko" >"$B.run1.out" 2>"$B.run1.err" &&
		grep -q "Failed to load the kernel module $kt_tmp/empty.ko" "$B.run1.err" &&
		grep -q 'cannot load modules' "$B.run1.err"; then
		pass "$T: on a kernel without modules the loader says so, and fails"
	else
		fail "$T: the loader on a kernel without modules" "expected a clear failure" "$B.run1.err"
	fi
fi

# A kernel tree without vmlinux (Debian's 6.1 headers): the module's C
# builds with that kernel's macros (BTF_SET8_START, no __bpf_kfunc), and
# make refuses the .ko, which would have no BTF, saying why.
old_kdir=
for tree in /lib/modules/*/build; do
	[ -f "$tree/Makefile" ] && [ ! -f "$tree/vmlinux" ] && old_kdir=$tree
done
if [ -n "$old_kdir" ]; then
	O=$kt_tmp/old_tree
	if "$KS" compile "$KT_DIR/guest/kmodule.ks" -o "$O" >"$O.compile.log" 2>&1 &&
		! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$O" KDIR="$old_kdir" >"$O.make.log" 2>&1 &&
		[ -f "$O/kmodule_kfuncs.o" ] && [ ! -f "$O/kmodule_kfuncs.ko" ] &&
		grep -q 'kmodule_kfuncs.ko has no BTF, so its kfuncs cannot be found' "$O.make.log"; then
		pass "$T: against $old_kdir (no vmlinux) the module compiles, and make refuses it for want of BTF"
	else
		fail "$T: a tree without vmlinux ($old_kdir)" "expected the C to compile and make to refuse the .ko" \
			"$O.compile.log" "$O.make.log"
	fi
fi

if [ -z "$vm_kernel" ] || [ ! -f "$vm_kernel" ] || [ ! -f "$vm_kdir/vmlinux" ]; then
	skip "$T: in a virtual machine" "no guest kernel with a build tree that has vmlinux (install linux-image-6.12-amd64 and linux-headers-6.12-amd64, or set KS_VM_KERNEL and KS_VM_KDIR)"
	summary
fi
busybox=$(command -v busybox || echo /bin/busybox)
if ! missing=$(need_tools qemu-system-x86_64 cpio gzip objcopy od) ||
	! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	skip "$T: in a virtual machine" "${missing:-no static busybox} (install qemu-system-x86 busybox-static cpio)"
	summary
fi

if ks_build "$T: probes" "$KT_DIR/guest/probes.ks" "$P"; then
	check "$T: @probe is an fentry program with a kprobe twin, @kprobe and @fentry one form" \
		"$(grep -c '^SEC' "$P/probes.bpf.c") programs" \
		sh -c "grep -q '^int BPF_PROG(on_sleep,' '$P/probes.bpf.c' &&
			grep -q '^int BPF_KPROBE(on_sleep_kprobe,' '$P/probes.bpf.c' &&
			grep -q '^int BPF_KPROBE(by_kprobe,' '$P/probes.bpf.c' &&
			grep -q '^int BPF_PROG(by_fentry,' '$P/probes.bpf.c'"
fi
if kmake KDIR="$vm_kdir" >"$B.make.log" 2>&1 && [ -f "$B/kmodule_kfuncs.ko" ]; then
	pass "$T: make KDIR=... builds kmodule_kfuncs.ko, with BTF and its kfunc set"
else
	fail "$T: make KDIR=$vm_kdir" "the module does not build" "$B.make.log"
	summary
fi
objcopy --dump-section .BTF_ids="$B.ids" "$B/kmodule_kfuncs.ko" "$B.tmp.ko" 2>/dev/null
check "$T: the module's kfunc set has the 4 kfuncs" "set count $(od -An -tu4 -N4 "$B.ids")" \
	test "$(od -An -tu4 -N4 "$B.ids" | tr -d ' ')" = 4

# The initramfs: busybox, the loader with the libraries it links, the module.
root=$kt_tmp/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/kmodule" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$B/kmodule" "$B/kmodule_kfuncs.ko" "$root/kmodule/"
[ -x "$P/probes" ] && cp "$P/probes" "$root/kmodule/"
for lib in $(ldd "$B/kmodule" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
mknod "$root/dev/console" c 5 1
mknod "$root/dev/null" c 1 3
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
ip link set lo up
echo KS_BOOTED
ping -c 50 -i 0.1 127.0.0.1 >/dev/null 2>&1 &
/kmodule/kmodule
echo "KS_STATUS $?"
if [ -d /sys/module/kmodule_kfuncs ]; then echo KS_MODULE_LEFT; else echo KS_MODULE_GONE; fi
dmesg | grep 'kmodule note'
if [ -x /kmodule/probes ]; then
	/kmodule/probes -v 2>&1 | grep -v '^libbpf: '
	echo "KS_PROBES_STATUS $?"
fi
echo KS_DONE
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$kt_tmp/initrd.gz"

timeout 300 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nic none -kernel "$vm_kernel" \
	-initrd "$kt_tmp/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
	-nographic -no-reboot </dev/null >"$B.vm.raw" 2>&1
# SeaBIOS's escape sequences come first: keep what the guest printed
tr -d '\r' <"$B.vm.raw" | sed -n '/KS_BOOTED/,$p' >"$B.vm.log"

if ! grep -q KS_DONE "$B.vm.log"; then
	fail "$T: the guest runs the loader" "no KS_DONE in the guest's output" "$B.vm.raw"
	summary
fi
check "$T: in the guest the loader loads the module, runs and exits 0" "$(grep KS_STATUS "$B.vm.log")" \
	grep -q '^KS_STATUS 0$' "$B.vm.log"
# score = mix(7, length) = 7 * 31 + length, tally = length + 2 * length,
# sum = length + 1000
line=$(grep '^xdp score=' "$B.vm.log")
score=$(echo "$line" | sed -n 's/.*score=\([0-9]*\).*/\1/p')
length=$(echo "$line" | sed -n 's/.*length=\([0-9]*\).*/\1/p')
tally=$(echo "$line" | sed -n 's/.*tally=\([0-9]*\).*/\1/p')
sum=$(echo "$line" | sed -n 's/.*sum=\([0-9]*\).*/\1/p')
if [ -n "$length" ] && [ "$length" -gt 0 ] && [ "$score" = $((217 + length)) ] &&
	[ "$tally" = $((3 * length)) ] && [ "$sum" = $((length + 1000)) ]; then
	pass "$T: the XDP program on lo got the kfuncs' values ($line)"
else
	fail "$T: XDP and the kfuncs" "expected score=217+length, tally=3*length, sum=length+1000" "$B.vm.log"
fi
check "$T: the tracepoint program got the kfunc's value (score=222)" "$(grep '^tracepoint' "$B.vm.log")" \
	grep -q '^tracepoint score=222$' "$B.vm.log"
check "$T: a kfunc's print() reaches the kernel log" "no 'kmodule note 222' in dmesg" \
	grep -q 'kmodule note 222' "$B.vm.log"
check "$T: the loader removes the module it loaded when it exits" "the module is still loaded" \
	grep -q '^KS_MODULE_GONE$' "$B.vm.log"
if [ -x "$P/probes" ]; then
	check "$T: @probe runs as an fentry program where the kernel attaches one" \
		"$(grep '^on_sleep' "$B.vm.log")" \
		grep -q '^on_sleep: an fentry program on hrtimer_nanosleep$' "$B.vm.log"
	line=$(grep '^sleeps ' "$B.vm.log")
	for form in probe kprobe fentry; do
		n=$(echo "$line" | sed -n "s/.* $form=\([0-9]*\).*/\1/p")
		if [ -n "$n" ] && [ "$n" -ge 10 ]; then
			pass "$T: the $form form counts the loader's 10 sleeps ($form=$n)"
		else
			fail "$T: the $form form" "expected at least 10 sleeps counted: ${line:-no line}" "$B.vm.log"
		fi
	done
fi
summary
