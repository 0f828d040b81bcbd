#!/bin/sh
# guest-run.sh - the test runner inside the VM (busybox ash).
#
# For each test program in /opt/mqlab/tests whose name matches $1:
#   - write a marker to /dev/kmsg,
#   - run it under `timeout` (NAME.timeout holds seconds, default 120),
#   - count its TAP/KTAP lines: "ok N", "not ok N", "ok N ... # SKIP",
#   - fail it when it exits non-zero without a "not ok" line, when it times
#     out, or when dmesg after its marker holds a kernel error report.
# The module is loaded and unloaded twice first, then MQLAB_CYCLES (50)
# times with queues and messages left behind, and unloaded last, after
# checks that it cannot be unloaded while an fd is open or a task blocked.  A program with
# a NAME.params file runs in a load of its own with those parameters.  On a
# kernel with kmemleak (the debug lane's), leak suspects from boot are
# cleared first and any leak found by two scans after the last unload fails
# the run.
# The last line is "MQLAB-RESULT: P passed, F failed, S skipped".
# With MQLAB_SOURCE_ONLY set, sourcing this file only defines the checks
# (tests/kernel/bugs-run.sh proves them on purpose-made bugs).
filter=${1:-*}
KO=/opt/mqlab/mqueue_lab.ko
DEV=/dev/mqueue-lab
pass=0 fail=0 skip=0
# What counts as a kernel error report in dmesg.
BAD='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kmemleak|lockdep|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked|Call Trace:'
BAD="$BAD|kernel BUG at|sleeping function called from invalid context|scheduling while atomic|list_add corruption|list_del corruption|list_add double add|ODEBUG:"
KMEMLEAK=/sys/kernel/debug/kmemleak
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug 2> /dev/null

ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }

# dmesg_since MARKER: kernel messages printed after MARKER.
dmesg_since() {
	dmesg | awk -v m="$1" 'index($0, m) { on = 1; next } on'
}

# has_report MARKER: dmesg after MARKER holds a kernel error report.
has_report() { dmesg_since "$1" | grep -Eq "$BAD"; }

# check_dmesg MARKER WHAT: fail WHAT when the kernel reported an error.
check_dmesg() {
	if has_report "$1"; then
		notok "$2: kernel error report in dmesg"
		dmesg_since "$1" | sed 's/^/# dmesg: /'
		return 1
	fi
	return 0
}

mark() { echo "mqlab-marker: $1" > /dev/kmsg; }

# kmemleak_clear: forget the leak suspects found so far (boot's).
kmemleak_clear() {
	[ -w "$KMEMLEAK" ] || return 0
	echo scan > "$KMEMLEAK" && echo clear > "$KMEMLEAK"
}

# kmemleak_leaks: scan twice (an object younger than 5 s is never
# reported) and print what kmemleak reports; true when it reports any.
kmemleak_leaks() {
	sleep 6
	echo scan > "$KMEMLEAK"
	sleep 2
	echo scan > "$KMEMLEAK"
	cat "$KMEMLEAK" > /tmp/kmemleak.$$
	grep -q 'unreferenced object' /tmp/kmemleak.$$ && cat /tmp/kmemleak.$$
	st=$?
	rm -f /tmp/kmemleak.$$
	return $st
}

[ "${MQLAB_SOURCE_ONLY:-}" ] && return 0

kmemleak_clear

# Two load/unload cycles: the device appears and goes away each time.
for i in 1 2; do
	mark "load-$i"
	if insmod "$KO" && [ -c "$DEV" ] && rmmod mqueue_lab && [ ! -e "$DEV" ]; then
		check_dmesg "mqlab-marker: load-$i" "load/unload cycle $i" &&
			ok "load/unload cycle $i"
	else
		notok "load/unload cycle $i"
	fi
done

# MQLAB_CYCLES (default 50) more cycles, each leaving a named queue that
# holds messages for rmmod to free, and unlinking one that holds a
# message (kmemleak at the end checks that both were freed).
cycles=${MQLAB_CYCLES:-50}
mark "cycles"
start=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ "$i" -lt "$cycles" ]; do
	if ! { insmod "$KO" && mqctl create mqlab-cycle > /dev/null &&
		mqctl send mqlab-cycle a && mqctl send mqlab-cycle -p 3 bb &&
		mqctl create mqlab-gone > /dev/null && mqctl send mqlab-gone c &&
		mqctl rm mqlab-gone && rmmod mqueue_lab && [ ! -e "$DEV" ]; }; then
		break
	fi
	i=$((i + 1))
done
end=$(cut -d' ' -f1 /proc/uptime)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ "$i" = "$cycles" ]; then
	check_dmesg "mqlab-marker: cycles" "$cycles load/unload cycles" &&
		ok "$cycles load/unload cycles with queues and messages left, ${secs}s"
else
	notok "load/unload cycle $((i + 1)) of $cycles (queues and messages left)"
	rmmod mqueue_lab 2> /dev/null
fi

mark "load-tests"
if ! insmod "$KO"; then
	notok "insmod for the test run"
	echo "MQLAB-RESULT: $pass passed, $fail failed, $skip skipped"
	exit 1
fi
ok "insmod for the test run"

# The module follows the kernel's POSIX mq limits too (kernel_limits=1):
# open them up to the kernel's hard maxima, so that the tests of the
# device's own limits meet those.  10-limits sets, and restores, the
# kernel limits it tests.
# shellcheck disable=SC3045 # busybox ash has ulimit -q (RLIMIT_MSGQUEUE)
if ulimit -q unlimited && echo 65536 > /proc/sys/fs/mqueue/msg_max &&
	echo 16777216 > /proc/sys/fs/mqueue/msgsize_max &&
	echo 65536 > /proc/sys/fs/mqueue/queues_max; then
	ok "kernel mq limits raised for the suite"
else
	notok "kernel mq limits raised for the suite"
fi

for t in /opt/mqlab/tests/*; do
	name=${t##*/}
	case "$name" in *.timeout|*.params) continue ;; esac
	# shellcheck disable=SC2254
	case "$name" in $filter) ;; *) continue ;; esac
	[ -x "$t" ] || continue
	secs=120
	[ -f "$t.timeout" ] && secs=$(cat "$t.timeout")
	echo "# ---- $name (timeout ${secs}s)"
	mark "[test $name]"
	params=
	if [ -f "$t.params" ]; then
		params=$(cat "$t.params")
		echo "# reload: insmod mqueue_lab.ko $params"
		# shellcheck disable=SC2086 # one word per parameter
		if ! { rmmod mqueue_lab && insmod "$KO" $params; }; then
			notok "$name: reload with $params"
		fi
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout "$secs" "$t" > /tmp/out.$$ 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	if [ -n "$params" ]; then
		if ! { rmmod mqueue_lab && insmod "$KO"; }; then
			notok "$name: reload with the default parameters"
		fi
	fi
	cat /tmp/out.$$
	# shellcheck disable=SC2046 # three numbers
	set -- $(awk -f /opt/mqlab/tap-count.awk /tmp/out.$$)
	p=$1 f=$2 s=$3
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$rc" = 124 ] || [ "$rc" = 143 ]; then
		notok "$name: timed out after ${secs}s"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		notok "$name: exited with status $rc and no failing case"
	elif [ $((p + f + s)) = 0 ]; then
		notok "$name: printed no test result"
	fi
	check_dmesg "mqlab-marker: [test $name]" "$name"
	echo "# ---- $name: $p passed, $f failed, $s skipped, status $rc," \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')s"
done
rm -f /tmp/out.$$

# .owner = THIS_MODULE: rmmod is refused while any fd is open.
exec 3< "$DEV"
if rmmod mqueue_lab 2> /dev/null; then
	notok "rmmod is refused while an fd is open"
	insmod "$KO"
else
	ok "rmmod is refused while an fd is open"
fi
exec 3<&-

# ... and while a task is blocked in the device (it holds an fd too, but
# this is the case that must never free a queue under a sleeper).
mark "blocked"
if mqctl create mqlab-blocked > /dev/null; then
	mqctl recv mqlab-blocked > /dev/null &
	rpid=$!
	n=0
	until mqctl stat mqlab-blocked | grep -q '^waiting_receivers: *1$'; do
		n=$((n + 1))
		[ "$n" -gt 100 ] && break
		sleep 0.1
	done
	if [ "$n" -gt 100 ]; then
		notok "rmmod is refused while a task is blocked: no blocked receiver"
	elif rmmod mqueue_lab 2> /dev/null; then
		notok "rmmod is refused while a task is blocked"
		insmod "$KO"
	else
		ok "rmmod is refused while a task is blocked"
	fi
	mqctl send mqlab-blocked wake
	wait "$rpid"
	mqctl rm mqlab-blocked
	check_dmesg "mqlab-marker: blocked" "rmmod while blocked"
else
	notok "rmmod is refused while a task is blocked: mqctl create"
fi

# Unload with a named queue left that still holds messages: rmmod frees
# the queue and its messages (a debug kernel's kmemleak would see a leak).
mark "unload"
# Where the module was: after rmmod, kmemleak shows its frames as bare
# addresses.
text=$(cat /sys/module/mqueue_lab/sections/.text 2> /dev/null)
if mqctl create mqlab-leftover > /dev/null && mqctl send mqlab-leftover a &&
	mqctl send mqlab-leftover -p 9 b && rmmod mqueue_lab && [ ! -e "$DEV" ]; then
	check_dmesg "mqlab-marker: unload" "final rmmod" &&
		ok "final rmmod frees a queue that still holds messages"
else
	notok "final rmmod frees a queue that still holds messages"
fi

# kernel_limits: on by default a queue must fit RLIMIT_MSGQUEUE; with
# kernel_limits=0 only the device's own limits apply.
mark "kernel-limits"
# shellcheck disable=SC3045 # busybox ash has ulimit -q
limited() { (ulimit -q 100 && mqctl create mqlab-rlimit --maxmsg 2 --msgsize 8); }
if insmod "$KO" && ! limited 2> /dev/null && rmmod mqueue_lab &&
	insmod "$KO" kernel_limits=0 && limited && mqctl rm mqlab-rlimit &&
	! mqctl --version | grep -q kernel-limits && rmmod mqueue_lab; then
	check_dmesg "mqlab-marker: kernel-limits" "kernel_limits" &&
		ok "RLIMIT_MSGQUEUE applies by default, not with kernel_limits=0"
else
	notok "RLIMIT_MSGQUEUE applies by default, not with kernel_limits=0"
	rmmod mqueue_lab 2> /dev/null
fi

# Last, after the module's last unload.
if [ -w "$KMEMLEAK" ]; then
	if kmemleak_leaks > /tmp/leaks.$$; then
		notok "kmemleak: $(grep -c 'unreferenced object' /tmp/leaks.$$) objects leaked"
		echo "# kmemleak: mqueue_lab's .text was at ${text:-?}"
		sed 's/^/# kmemleak: /' /tmp/leaks.$$
	else
		ok "kmemleak: no leak after the last rmmod"
	fi
	rm -f /tmp/leaks.$$
fi
echo "MQLAB-RESULT: $pass passed, $fail failed, $skip skipped"
