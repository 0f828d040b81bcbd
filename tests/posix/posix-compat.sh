#!/bin/sh
# SPDX-License-Identifier: MIT
#
# 30-posix-compat: run the POSIX <mqueue.h> conformance test twice, on the
# kernel's own message queues and on /dev/mqueue-lab through
# LD_PRELOAD=libmqdev-posix.so, and require identical results.
# Runs under busybox ash.

BIN=${MQCONF_BIN:-/usr/bin/mq_conformance}
LIB=${MQCONF_LIB:-/usr/lib/libmqdev-posix.so}
PROC=/proc/mqueue-lab
RUN_TIMEOUT=${MQCONF_TIMEOUT:-180}
D=$(mktemp -d /tmp/posix-compat.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT

echo "TAP version 13"
echo "1..5"
failed=0

# Print a file as TAP comment lines, each prefixed with $2.
comment() {
	sed "s/^/# $2/" "$1"
}

# Result of one run: ok when it exited 0, printed the plan and all its
# cases, and none of them failed.
check_run() {
	out=$1 rc=$2
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$out")
	nok=$(grep -c '^ok ' "$out")
	nnot=$(grep -c '^not ok ' "$out")
	[ "$rc" = 0 ] && [ -n "$plan" ] && [ "$nok" = "$plan" ] &&
		[ "$nnot" = 0 ]
}

summary() {
	echo "# $1: exit $2, $(grep -c '^ok ' "$3") ok," \
		"$(grep -c '^not ok ' "$3") not ok"
}

# --- probes: where does a new queue's descriptor point? ----------------
"$BIN" --probe >"$D/probe.kernel" 2>&1
LD_PRELOAD=$LIB "$BIN" --probe >"$D/probe.preload" 2>&1

kernel_native=0
if ! grep -q '^fd: /dev/mqueue-lab' "$D/probe.kernel" &&
   ! grep -q '^proc: listed' "$D/probe.kernel" &&
   ! grep -q '^open:' "$D/probe.kernel"; then
	kernel_native=1
fi
preloaded=0
if grep -q '^proc: listed' "$D/probe.preload" &&
   ! grep -q '^open:' "$D/probe.preload"; then
	preloaded=1
fi

# Run one conformance pass: CMD... (the test binary, perhaps behind
# env LD_PRELOAD=) writes $D/NAME.out and $D/NAME.err, both are shown as
# comments, and TAP case N passes when WHERE_OK is 1 (the descriptors
# point where they should, else print "# expected WHERE_MSG") and every
# case of the run passed.  Sets rc to the run's exit status.
# Usage: conformance_run NAME N WHERE_OK WHERE_MSG DESC CMD...
conformance_run() {
	name=$1 n=$2 where_ok=$3 where_msg=$4 desc=$5
	shift 5
	"$@" >"$D/$name.out" 2>"$D/$name.err"
	rc=$?
	summary "$name run" $rc "$D/$name.out"
	comment "$D/$name.out" "[$name] "
	comment "$D/$name.err" "[$name stderr] "
	if [ "$where_ok" = 1 ] && check_run "$D/$name.out" $rc; then
		echo "ok $n - $desc"
	else
		failed=1
		echo "not ok $n - $desc"
		[ "$where_ok" = 1 ] || echo "# expected $where_msg"
		check_run "$D/$name.out" "$rc" ||
			echo "# expected all cases to pass got exit $rc"
	fi
}

# --- run 1: the kernel's POSIX message queues --------------------------
conformance_run kernel 1 $kernel_native \
	"a kernel mq descriptor got a device one" \
	"kernel POSIX mq: all conformance cases pass" \
	timeout "$RUN_TIMEOUT" "$BIN"
krc=$rc

# --- run 2: /dev/mqueue-lab through the preloaded library --------------
conformance_run preload 2 $preloaded \
	"the preloaded library got kernel mq" \
	"LD_PRELOAD=libmqdev-posix.so: all conformance cases pass" \
	env "LD_PRELOAD=$LIB" timeout "$RUN_TIMEOUT" "$BIN"
prc=$rc

# --- 3: the two runs print the same lines -------------------------------
if cmp -s "$D/kernel.out" "$D/preload.out" && [ "$krc" = "$prc" ] &&
   [ -s "$D/kernel.out" ]; then
	echo "ok 3 - identical output on kernel mq and /dev/mqueue-lab"
else
	failed=1
	echo "not ok 3 - identical output on kernel mq and /dev/mqueue-lab"
	echo "# expected identical output got differences" \
		"(exit $krc vs $prc):"
	diff -u "$D/kernel.out" "$D/preload.out" > "$D/diff"
	comment "$D/diff" ""
fi

# --- 4: LD_PRELOAD really redirected mq_open to the device --------------
comment "$D/probe.kernel" "[probe kernel] "
comment "$D/probe.preload" "[probe preload] "
if [ $preloaded = 1 ] && [ $kernel_native = 1 ]; then
	echo "ok 4 - LD_PRELOAD puts queues in $PROC, plain run does not"
else
	failed=1
	echo "not ok 4 - LD_PRELOAD puts queues in $PROC, plain run does not"
	echo "# expected preload probe 'proc: listed', plain probe not" \
		"(see the probe lines above)"
fi

# --- 5: no test queue left behind ---------------------------------------
: > "$D/left"
if [ -r $PROC ]; then
	grep 'mqconf-' $PROC | sed 's/^/# left in device: /' >> "$D/left"
fi
mkdir -p "$D/mqfs"
if mount -t mqueue none "$D/mqfs" 2>/dev/null; then
	for f in "$D"/mqfs/*mqconf-*; do
		[ -e "$f" ] && echo "# left in kernel: ${f##*/}"
	done >> "$D/left"
	umount "$D/mqfs"
fi
if [ ! -s "$D/left" ]; then
	echo "ok 5 - no test queue left behind"
else
	failed=1
	echo "not ok 5 - no test queue left behind"
	cat "$D/left"
fi
exit $failed
