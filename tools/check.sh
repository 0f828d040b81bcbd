#!/bin/sh
# check.sh - everything `make check` runs, and the one summary line.
#
# Each step below is one or more TAP results; each VM lane adds its own
# counts and one result line naming its kernel.  The last line is
# "N passed, N failed, N skipped" and the exit status is non-zero when
# anything failed.
#   tools/check.sh               everything, the debug-kernel lane last
#   tools/check.sh --debug-only  only the debug-kernel lane (make check-debug)
#   tools/check.sh --arm64-only  only the arm64 lane (make check ARCH=arm64)
# The debug-kernel lane runs last; MQLAB_CHECK_DEBUG=0 leaves it out (one
# SKIP line says so), for a quick run while developing.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
build=$top/build
mkdir -p "$build"
MAKE=${MAKE:-make}
pass=0 fail=0 skip=0 n=0
# Each failed result, again, for the summary: CI shows the end of a run.
failed=$build/check-failed.txt
: > "$failed"

result() { # result STATUS DESCRIPTION [LOG]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1)); echo "ok $n - $2"
	else
		fail=$((fail + 1)); echo "not ok $n - $2"
		echo "not ok $n - $2" >> "$failed"
		[ -n "${3:-}" ] && tail -n 40 "$3" | sed 's/^/#   /'
	fi
}

# add_tap LOG: fold a TAP log's counts into ours.
add_tap() {
	# shellcheck disable=SC2046 # three numbers
	set -- $(awk -f tools/vm/tap-count.awk "$1")
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
}

# step DESCRIPTION COMMAND...: run COMMAND quietly, one result line.
step() {
	d=$1; shift
	log=$build/step-$((n + 1)).log
	"$@" > "$log" 2>&1
	result $? "$d" "$log"
}

# no_warnings LOG: the build log holds no compiler or sparse warning.
no_warnings() { ! grep -E 'warning:|error:' "$1"; }

# shown LOG SELECT COMMAND...: run COMMAND with its output in LOG, showing
# the lines that match the ERE SELECT as they come (sed -u: mawk would
# hold them back until its input buffer fills), without the terminal
# escapes the VM's firmware prints; COMMAND's status.
shown() {
	log=$1 sel=$2; shift 2
	{ "$@"; echo $? > "$log.st"; } 2>&1 | tee "$log" |
		sed -u -n -E -e 's/\x1b(\[[?0-9;]*[A-Za-z]|c)//g' -e "/$sel/ s/^/    /p"
	st=$(cat "$log.st"); rm -f "$log.st"
	return "$st"
}

# vm_lane NAME LOG MAKE-ARGS...: one VM run; its TAP lines shown, its
# MQLAB-RESULT counts folded into ours, and one result line for NAME.
vm_lane() {
	name=$1 vlog=$2; shift 2
	echo "# $name"
	t0=$(date +%s)
	# shellcheck disable=SC2086 # MAKE may carry arguments (MAKE='make -j2')
	shown "$vlog" '^(ok|not ok|#|MQLAB-RESULT)' $MAKE --no-print-directory "$@"
	st=$?
	res=$(grep -a '^MQLAB-RESULT: ' "$vlog" | tail -n 1)
	if [ -n "$res" ]; then
		# shellcheck disable=SC2046 # three numbers
		set -- $(echo "$res" | awk '{ print $2, $4, $6 }')
		pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
		d="$name: $1 passed, $2 failed, $3 skipped, $(($(date +%s) - t0)) s"
		[ "$st" = 0 ] || d="$d (log: $vlog)"
		result "$st" "$d" "$vlog"
	else
		# Which test was running, and how the guest ended.
		last=$(grep -a '^# ---- ' "$vlog" | tail -n 1)
		result 1 "$name ended without a result line, after '${last#\# ---- }' (log: $vlog)" "$vlog"
		tail -n 15 "$vlog" | sed 's/^/#   /' >> "$failed"
	fi
}

# The debug-kernel lane: Debian's linux-source-6.1 with KASAN, lockdep,
# kmemleak, UBSAN, DEBUG_LIST, DEBUG_OBJECTS, fault injection
# (tests/kernel/debug.config), built once into a cache outside the repo by
# tools/kernel/build-debug.sh; the module built against it without
# warnings, the whole VM suite on it, and the proof that each detector
# fires and fails the run (tests/kernel/).
debug_lane() {
	kcache=$(sh tools/kernel/build-debug.sh --dir)
	kdir=$kcache/build
	echo "# debug kernel: $kcache"
	log=$build/debug-kernel.log
	if ! shown "$log" '^build-debug:' sh tools/kernel/build-debug.sh; then
		result 1 "debug kernel build (its log: $kcache/build.log)" "$log"
		return
	fi
	krel=$(cat "$kdir/include/config/kernel.release")
	how=built
	grep -q '^build-debug: cached' "$log" && how=cached
	result 0 "debug kernel $how: $(cat "$kcache/complete")"
	kvars="KVER=$krel VM_KERNEL=$kdir/arch/x86/boot/bzImage VM_KDIR=$kdir"
	log=$build/build-$krel.log
	# shellcheck disable=SC2086
	$MAKE vm-module $kvars > "$log" 2>&1
	st=$?
	[ $st = 0 ] && no_warnings "$log" > /dev/null
	result $? "module builds without warnings for $krel" "$log"
	# KASAN needs memory; every report, not only the first; room in
	# dmesg for the reports of a whole test program.
	export VM_MEM="${VM_MEM:-2G}"
	export VM_APPEND="kasan_multi_shot log_buf_len=8M${VM_APPEND:+ $VM_APPEND}"
	# shellcheck disable=SC2086
	vm_lane "VM suite on $krel" "$build/vm-$krel.log" vm-check $kvars
	# shellcheck disable=SC2086
	vm_lane "detector proof on $krel" "$build/bugs-$krel.log" vm-bugs $kvars
}

# The arm64 lane (tools/arm64/): Debian's arm64 kernel, its headers and
# busybox fetched into a cache, the module cross-built with sparse and
# W=1, and the whole VM suite, cross-built (the -32 programs for arm32,
# the compat path there), under qemu-system-aarch64 -M virt (TCG).
arm64_lane() {
	log=$build/arm64-fetch.log
	if ! sh tools/arm64/fetch.sh > "$log" 2>&1; then
		result 1 "arm64: fetch the kernel, headers and busybox (tools/arm64/fetch.sh)" "$log"
		return
	fi
	k=$(cat "$(sh tools/arm64/fetch.sh --dir)/kver")
	log=$build/build-$k.log
	$MAKE vm-module-arm64 C=2 W=1 > "$log" 2>&1
	st=$?
	[ $st = 0 ] && no_warnings "$log" > /dev/null
	result $? "module cross-builds without warnings for $k (sparse C=2, W=1)" "$log"
	vm_lane "VM suite on $k" "$build/vm-$k.log" vm-check-arm64
}

summary() {
	if [ -s "$failed" ]; then
		echo "# what failed, again (each with its log above):"
		sed 's/^/# /' "$failed"
	fi
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
}

if [ "${1:-}" = --arm64-only ]; then
	arm64_lane
	summary
	exit
fi

if [ "${1:-}" = --debug-only ]; then
	debug_lane
	summary
	exit
fi

echo "# mqueue-lab check, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
# shellcheck disable=SC2086 # MAKE may carry arguments
step "build: module and user space" $MAKE all
kver=$($MAKE -s --no-print-directory -f Makefile print-KVER 2>/dev/null)

# make lint: one result line per linter (tools/lint.sh; sparse C=2 W=1
# and checkpatch --strict among them).
for l in $(sh tools/lint.sh --list); do
	# shellcheck disable=SC2086 # MAKE may carry arguments
	step "lint: $l" $MAKE --no-print-directory lint L="$l"
done

# The syzkaller description describes every ioctl and struct of the uapi
# header (tests/syzkaller/check.sh; under a second).
step "syzkaller description matches the uapi header (tests/syzkaller)" \
	sh tests/syzkaller/check.sh

# The second LTS kernel: Debian's 6.12 (tools/deps.sh installs it).
kver612=$(for d in /lib/modules/6.12.*; do echo "${d##*/}"; done |
	grep '^6\.12\.[0-9]*+deb[0-9]*-amd64$' | sort -V | tail -n 1)
if [ -n "$kver612" ]; then
	log=$build/build-$kver612.log
	$MAKE vm-module KVER="$kver612" > "$log" 2>&1
	st=$?
	[ $st = 0 ] && no_warnings "$log" > /dev/null
	result $? "module builds without warnings for $kver612" "$log"
else
	result 1 "no 6.12 kernel installed (tools/deps.sh installs it)"
fi

# The PREEMPT_RT kernels (tools/deps.sh installs them): spinlock_t is a
# sleeping lock there, so the module is built with sparse and W=1 against
# each and the whole VM suite runs on each (its dmesg check catches
# "sleeping function called from invalid context" and the like).  The
# flavour is named: -rt sorts after the generic version.
kvers_rt=""
for re in '^6\.1\.[0-9]*-[0-9]*-rt-amd64$' '^6\.12\.[0-9]*+deb[0-9]*-rt-amd64$'; do
	k=$(cd /lib/modules 2>/dev/null && printf "%s\n" * | grep "$re" | sort -V | tail -n 1)
	if [ -z "$k" ]; then
		result 1 "no kernel matching $re installed (tools/deps.sh installs it)"
		continue
	fi
	kvers_rt="$kvers_rt $k"
	log=$build/build-$k.log
	$MAKE vm-module KVER="$k" C=2 W=1 > "$log" 2>&1
	st=$?
	[ $st = 0 ] && no_warnings "$log" > /dev/null
	result $? "module builds without warnings for $k (sparse C=2, W=1)" "$log"
done

# Host unit tests (Check, TAP on stdout).
log=$build/unit.log
$MAKE -s --no-print-directory -C tests/unit check-host TOP="$top" \
	KSFT_INC="$build/ksft" > "$log" 2>&1
st=$?
sed 's/^/    /' "$log"
add_tap "$log"
# shellcheck disable=SC2046 # three numbers
set -- $(awk -f tools/vm/tap-count.awk "$log")
[ $st != 0 ] && [ "$2" = 0 ] && result 1 "host unit tests exited with $st" "$log"

# make install lays out a conventional tree that pkg-config can use.
dest=$build/install-test
rm -rf "$dest"
log=$build/install.log
if $MAKE install DESTDIR="$dest" PREFIX=/usr/local > "$log" 2>&1; then
	missing=""
	for f in bin/mqctl include/mqdev.h include/linux/mqueue_lab.h \
		lib/libmqdev.so.1 lib/libmqdev.so lib/libmqdev.a \
		lib/libmqdev-posix.so lib/pkgconfig/libmqdev.pc \
		share/man/man1/mqctl.1 share/man/man3/mqdev_open.3 \
		share/man/man4/mqueue-lab.4; do
		[ -e "$dest/usr/local/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || echo "missing:$missing" >> "$log"
	[ -z "$missing" ]
	result $? "make install DESTDIR= lays out lib, include, pkgconfig, bin, man" "$log"
	printf '#include <mqdev.h>\nint main(void) { return mqdev_fd((void *)0) == -2; }\n' > "$build/pc.c"
	PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig \
		sh -c 'cc -o "$0.out" "$0" $(pkg-config --cflags --libs libmqdev)' \
		"$build/pc.c" > "$log" 2>&1
	result $? "a program builds and links with pkg-config libmqdev" "$log"
else
	result 1 "make install DESTDIR=" "$log"
fi

# Packaging: the man pages keep up with the code, the tools run from the
# tree, install/uninstall round-trip, DKMS builds (tools/man-check.sh,
# tools/pkg-check.sh).
step "man: mqueue-lab(4) and the uapi header name the same ioctls, errnos, fields" \
	sh tools/man-check.sh ioctls
step "man: every exported libmqdev function has a man3 page" sh tools/man-check.sh man3
step "man: every mqctl subcommand is in mqctl.1" sh tools/man-check.sh mqctl
step "in-tree mqctl, mq-sender, mq-receiver run without LD_LIBRARY_PATH" \
	sh tools/pkg-check.sh intree
step "make install / make uninstall round-trip in a DESTDIR, no runpath installed" \
	sh tools/pkg-check.sh install
step "modinfo: MODULE_VERSION is dkms.conf's, every parameter has a description" \
	sh tools/pkg-check.sh modinfo
step "dkms build against Debian's 6.1 headers" sh tools/pkg-check.sh dkms

# tests/kselftest in a kernel tree (linux-source-6.1's kselftest build
# system); two of its programs then run in each VM lane as 11-tree-*.
# shellcheck disable=SC2086 # MAKE may carry arguments
step "kselftest builds in a kernel tree (make -C tools/testing/selftests TARGETS=mqueue-lab)" \
	$MAKE --no-print-directory ksft-tree
tree_out=""
[ -d "$build/ksft-tree-out" ] && tree_out="KSFT_TREE_OUT=$build/ksft-tree-out"

# The VM suite, on each LTS kernel: the module, the library and the tools.
[ -n "$kver" ] || result 1 "no 6.1 VM kernel installed (tools/deps.sh installs it)"
for k in $kver $kver612 $kvers_rt; do
	# shellcheck disable=SC2086 # tree_out: empty or one word
	vm_lane "VM suite on $k" "$build/vm-$k.log" vm-check KVER="$k" $tree_out
done
# The lab exercise checks, which SKIP above (no exercise done), pass
# with the reference solutions (tests/lab/solutions): a scratch copy
# built and booted once, 6 to 11 minutes measured on a loaded 2-core
# machine, most of it the build.  MQLAB_CHECK_LAB=0 leaves it out.
if [ "${MQLAB_CHECK_LAB:-1}" = 0 ]; then
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n - lab solutions lane # SKIP MQLAB_CHECK_LAB=0 (make check-lab-solutions runs it alone)"
else
	vm_lane "lab exercise checks with the reference solutions" \
		"$build/lab-solutions.log" check-lab-solutions
fi
arm64_lane

if [ "${MQLAB_CHECK_DEBUG:-1}" = 0 ]; then
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n - debug-kernel lane # SKIP MQLAB_CHECK_DEBUG=0 (make check-debug runs it alone)"
else
	debug_lane
fi
summary
