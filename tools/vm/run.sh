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

# shellcheck disable=SC2086
set -- qemu-system-x86_64 -accel "$accel" $icount -smp "$smp" -m "${VM_MEM:-1G}" \
	-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 mqlab.mode=$mode mqlab.filter=$filter${VM_APPEND:+ $VM_APPEND}"
if [ "$mode" = shell ]; then
	exec "$@"
fi
timeout "${VM_TIMEOUT:-1800}" "$@" < /dev/null 2>&1 | tr -d '\r' | tee "$log"
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
