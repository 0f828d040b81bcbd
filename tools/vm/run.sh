#!/bin/sh
# run.sh KVER INITRD MODE [FILTER] - boot the test VM and report.
#
# Boots Debian's kernel KVER (/boot/vmlinuz-KVER, or the image VM_KERNEL)
# under qemu TCG with the initramfs INITRD.  MODE is check, demo, bench,
# shell or bugs (the debug lane's detector proof, tests/kernel/; reported
# like check).  The guest's console is copied to stdout.  Exit status: 0
# only when the guest printed its result line with no failure (check,
# bugs) or the demo or the benchmark ended with status 0 (demo, bench).
# VM_ICOUNT=1: one vCPU whose clock counts guest instructions, 1 ns each,
# and skips idle time (-icount shift=0,sleep=off): timings that repeat.
# VM_MEM (default 1G) sizes the guest; VM_APPEND adds to its command line.
# A guest that panics, hangs (VM_TIMEOUT seconds, default 1800) or never
# prints its result line fails.
set -u
kver=$1 initrd=$2 mode=$3 filter=${4:-*}
kernel=${VM_KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "run.sh: no readable $kernel" >&2; exit 1; }
log=${VM_LOG:-$(mktemp)}
smp=${VM_SMP:-2}
accel=tcg,thread=multi icount=
if [ "${VM_ICOUNT:-}" = 1 ]; then
	accel=tcg,thread=single icount="-icount shift=0,sleep=off" smp=1
fi

# VM_ARCH=arm64: Debian's arm64 kernel (the arm64 lane, tools/arm64/) on
# the emulated board "virt", its console on the PL011 UART.
qemu=qemu-system-x86_64 board='' console=ttyS0
if [ "${VM_ARCH:-}" = arm64 ]; then
	qemu=qemu-system-aarch64 board="-M virt -cpu cortex-a57" console=ttyAMA0
fi

# demo and shell: no default devices (no NIC, so no iPXE; no VGA, so
# SeaBIOS writes nothing to the serial line), only the console: the
# output is the story alone.
display=-nographic
case "$mode" in
demo|shell) display="-nodefaults -no-user-config -display none -serial mon:stdio" ;;
esac
# shellcheck disable=SC2086
set -- $qemu $board -accel "$accel" $icount -smp "$smp" -m "${VM_MEM:-1G}" \
	$display -no-reboot -kernel "$kernel" -initrd "$initrd" \
	-append "console=$console quiet panic=-1 mqlab.mode=$mode mqlab.filter=$filter${VM_APPEND:+ $VM_APPEND}"
if [ "$mode" = shell ]; then
	exec "$@"
fi
# The demo shows the story only: not the result line, nor the kernel's
# messages (its "reboot: Power down"); the log keeps everything.
show() {
	if [ "$mode" = demo ]; then
		grep -av -e '^MQLAB-DEMO-EXIT: ' -e '^\[ *[0-9]*\.[0-9]*\] '
	else
		cat
	fi
}
timeout "${VM_TIMEOUT:-1800}" "$@" < /dev/null 2>&1 | tr -d '\r' | tee "$log" | show
case "$mode" in
check|bugs)
	res=$(grep -a '^MQLAB-RESULT: ' "$log" | tail -n 1)
	if [ -z "$res" ]; then
		echo "run.sh: the VM ended without a result line (panic, hang or crash)"
		exit 1
	fi
	echo "$res" | grep -q ' 0 failed' || exit 1 ;;
demo)
	grep -aq '^MQLAB-DEMO-EXIT: 0$' "$log" || exit 1 ;;
bench)
	grep -aq '^MQLAB-BENCH-EXIT: 0$' "$log" || exit 1 ;;
esac
[ "${VM_LOG:-}" ] || rm -f "$log"
exit 0
