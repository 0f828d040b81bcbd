#!/bin/sh
# SPDX-License-Identifier: MIT
# mq-demo - the mqueue-lab story, step by step (busybox ash or any POSIX sh).
#
#   usage: mq-demo [QUEUE [TEXT [PRIO]]]
#          defaults: queue xyz, text "hello from A", priority 5
#
# Process B (mq-receiver) opens the queue and blocks in receive on it,
# empty.  Process A (mq-sender) sends one message and exits.  The kernel
# hands the message to B, which wakes up, prints it with A's pid and uid,
# and exits.  The queue outlives both: /proc/mqueue-lab still lists it
# until `mqctl rm` removes it.  Exit status 0 when every step worked.
q=${1:-xyz}
text=${2:-hello from A}
prio=${3:-5}

say() { echo "==> $*"; }
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

say "B opens queue $q for reading (O_CREAT: B is first, so B creates it)"
say "B asks for a message; the queue is empty, so B blocks"
mq-receiver "$q" &
b=$!

# Poll (at most ~20 s) until the kernel has put B to sleep in receive.
i=0
while [ "$(waiting_receivers)" != 1 ]; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 $b 2> /dev/null; then
		kill $b 2> /dev/null
		fail "B did not block on queue $q"
	fi
	sleep 0.1
done
say "B is asleep inside the kernel; mqctl stat $q shows it:"
mqctl stat "$q" | grep -E '^(curmsgs|waiting_receivers):'

say "A opens queue $q for writing (O_CREAT without O_EXCL: it exists, A just opens it)"
say "A sends \"$text\" at priority $prio; the kernel hands it straight to the sleeping B and wakes B up"
mq-sender "$text" "$prio" "$q" || { kill $b; fail "A failed"; }

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
mqctl rm "$q" || fail "mqctl rm $q failed"
cat /proc/mqueue-lab
say "the end"
