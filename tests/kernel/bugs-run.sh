#!/bin/sh
# bugs-run.sh - the check-debug lane's detector proof, inside the VM
# (busybox ash; /init runs it for mqlab.mode=bugs).
#
# Loads mqlab_bugs.ko and triggers its bugs one by one.  Each must make its
# detector print its own report AND be counted as a failure by the very
# checks the suite's runner applies (guest-run.sh's has_report and
# kmemleak_leaks).  A detector that stays silent, or a report the runner
# would let pass, is a "not ok".  Lockdep goes first: the first KASAN
# report turns lockdep off.  Also checks that the debug kernel is the one
# the lane asks for: the fault-injection knobs exist and memory is not
# zeroed on allocation (stack locals hold a pattern, the heap is left as is).
# The last line is "MQLAB-RESULT: P passed, F failed, S skipped".
# shellcheck disable=SC2034  # read by guest-run.sh
MQLAB_SOURCE_ONLY=1
# shellcheck source=tools/vm/guest-run.sh
. /opt/mqlab/guest-run.sh
TRIGGER=/sys/kernel/debug/mqlab_bugs/trigger

# expect BUG REPORT DETECTOR: trigger BUG; dmesg must hold REPORT (an ERE)
# and the runner must call it a kernel error report.
expect() {
	mark "bug $1"
	echo "$1" > "$TRIGGER"
	if ! dmesg_since "mqlab-marker: bug $1" | grep -Eq "$2"; then
		notok "$3 does not report bug '$1' (no '$2' in dmesg)"
		dmesg_since "mqlab-marker: bug $1" | sed 's/^/# dmesg: /'
	elif ! has_report "mqlab-marker: bug $1"; then
		notok "$3 reports bug '$1' but the runner's check lets it pass"
	else
		ok "$3 reports bug '$1' and the runner fails on it"
		dmesg_since "mqlab-marker: bug $1" | grep -Em 1 "$2" | sed 's/^/# /'
	fi
}

if [ ! -w "$KMEMLEAK" ]; then
	notok "this kernel has no kmemleak: not the debug kernel"
	echo "MQLAB-RESULT: $pass passed, $fail failed, $skip skipped"
	exit 1
fi

missing=""
for k in failslab fail_page_alloc fail_usercopy fail_function; do
	[ -d "/sys/kernel/debug/$k" ] || missing="$missing $k"
done
if [ -z "$missing" ]; then
	ok "fault injection knobs: failslab fail_page_alloc fail_usercopy fail_function"
else
	notok "fault injection knobs missing:$missing"
fi
if dmesg | grep -q 'mem auto-init: stack:all(pattern), heap alloc:off'; then
	ok "memory is not zeroed: stack locals 0xAA, heap as left (init_on_alloc off)"
else
	notok "memory auto-init is not stack:all(pattern), heap alloc:off:" \
		"$(dmesg | grep 'mem auto-init')"
fi

kmemleak_clear
mark "load bugs"
if insmod /opt/mqlab/mqlab_bugs.ko && [ -w "$TRIGGER" ] &&
	! has_report "mqlab-marker: load bugs"; then
	ok "mqlab_bugs loads with no report (the checks are not always true)"
else
	notok "mqlab_bugs loads with no report"
	dmesg_since "mqlab-marker: load bugs" | sed 's/^/# dmesg: /'
	echo "MQLAB-RESULT: $pass passed, $fail failed, $skip skipped"
	exit 1
fi

expect lockdep 'possible circular locking dependency detected' lockdep
expect atomic-sleep 'BUG: sleeping function called from invalid context' \
	DEBUG_ATOMIC_SLEEP
expect list 'list_del corruption' DEBUG_LIST
expect objects 'ODEBUG: free active .* object type: timer_list' DEBUG_OBJECTS
expect ubsan 'UBSAN: array-index-out-of-bounds' UBSAN
expect kasan-oob 'BUG: KASAN: slab-out-of-bounds' KASAN
expect kasan-uaf 'BUG: KASAN: use-after-free' 'KASAN (multi-shot)'

mark "bug kmemleak"
echo kmemleak > "$TRIGGER"
if kmemleak_leaks > /tmp/leaks; then
	if grep -q 'bug_kmemleak' /tmp/leaks; then
		ok "kmemleak reports bug 'kmemleak' and the runner fails on it"
		echo "# $(grep -c 'unreferenced object' /tmp/leaks) unreferenced objects"
	else
		notok "kmemleak reports leaks, but not those of bug 'kmemleak'"
		sed 's/^/# kmemleak: /' /tmp/leaks
	fi
else
	notok "kmemleak does not report bug 'kmemleak'"
fi

if rmmod mqlab_bugs; then
	ok "mqlab_bugs unloads"
else
	notok "mqlab_bugs unloads"
fi
echo "MQLAB-RESULT: $pass passed, $fail failed, $skip skipped"
