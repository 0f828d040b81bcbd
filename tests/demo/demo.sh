#!/bin/sh
# SPDX-License-Identifier: MIT
# mq-demo - the mqueue-lab story, step by step (busybox ash or any POSIX sh).
#
#   usage: mq-demo [QUEUE [TEXT [PRIO]]]
#          defaults: queue xyz, text "hello from A", priority 5
#
# Process A (mq-sender) creates the queue.  Process B (mq-receiver) opens
# it and blocks in receive on it, empty.  A sends one message and exits.
# The kernel hands the message to B, which wakes up, prints it with A's
# pid and uid, and exits.  The queue outlives both: /proc/mqueue-lab still lists it
# until `mqctl rm` removes it.  Then the same story from the kernel's
# side: the mqueue_lab trace events of the queue, recorded in a trace
# instance of the demo's own and told by mq-timeline.  Exit status 0 when
# every step worked.
q=${1:-xyz}
text=${2:-hello from A}
prio=${3:-5}

say() { echo "==> $*"; }
tracefs=/sys/kernel/tracing
inst=""

# trace_on: record the mqueue_lab events in an instance of our own.
trace_on() {
	[ -d $tracefs/events ] ||
		mount -t tracefs nodev $tracefs 2> /dev/null || return 1
	[ -d $tracefs/events/mqueue_lab ] || return 1
	inst=$tracefs/instances/mq-demo.$$
	mkdir "$inst" 2> /dev/null &&
		echo 1 > "$inst/events/mqueue_lab/enable" && return 0
	inst=""
	return 1
}
fail() { echo "mq-demo: $*" >&2; exit 1; }

# waiting_receivers of the queue, from `mqctl stat` (empty if no queue).
waiting_receivers() {
	mqctl stat "$q" 2>/dev/null |
		awk '$1 == "waiting_receivers:" { print $2 }'
}

[ -c /dev/mqueue-lab ] || fail "/dev/mqueue-lab is missing: load mqueue_lab.ko"

# A queue left over from an earlier run could hold old messages.
if mqctl stat "$q" > /dev/null 2>&1; then
	say "removing queue $q, left over from an earlier run"
	mqctl rm "$q" || fail "cannot remove the old queue $q"
fi

trace_on || say "(no tracefs or no mqueue_lab events: the kernel's side is not shown)"

say "A creates queue $q in the kernel and will send once a receiver sleeps on it"
mq-sender -w "$text" "$prio" "$q" &
a=$!

# Poll (at most ~20 s) until A has created the queue.
i=0
until mqctl stat "$q" > /dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 $a 2> /dev/null; then
		kill $a 2> /dev/null
		fail "A did not create queue $q"
	fi
	sleep 0.1
done

say "B opens queue $q for reading and asks for a message; it is empty, so B blocks"
mq-receiver "$q" &
b=$!

# A sends as soon as the kernel has put B to sleep; A then exits.
wait $a || { kill $b 2> /dev/null; fail "A failed"; }
say "A saw B asleep (waiting_receivers 1) and sent \"$text\" at priority $prio;"
say "the kernel handed it straight to B and woke B up"

# Wait for B to print and exit, but not forever (at most ~20 s).
i=0
while kill -0 $b 2> /dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ]; then
		kill $b
		fail "B did not wake up"
	fi
	sleep 0.1
done
wait $b || fail "B failed"

say "A and B have exited; the queue lives on in the kernel (cat /proc/mqueue-lab):"
cat /proc/mqueue-lab || fail "cannot read /proc/mqueue-lab"

say "mqctl rm $q removes it:"
# In a shell of its own, to know its pid: the VM records no task names
# (tools/vm/init), so the timeline is told this one.
sh -c 'echo $$ > /tmp/mq-demo-rm.pid; exec mqctl rm "$1"' sh "$q" ||
	fail "mqctl rm $q failed"
rm_pid=$(cat /tmp/mq-demo-rm.pid 2> /dev/null)
rm -f /tmp/mq-demo-rm.pid
cat /proc/mqueue-lab

if [ -n "$inst" ]; then
	say "the same story from the kernel's side (the trace events of $q):"
	echo 0 > "$inst/events/mqueue_lab/enable"
	mq-timeline -f "$inst/trace" "$q" A=$a B=$b ${rm_pid:+mqctl=$rm_pid} ||
		{ rmdir "$inst"; fail "no trace event of $q"; }
	rmdir "$inst"
fi
say "the end"
