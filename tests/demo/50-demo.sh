#!/bin/sh
# SPDX-License-Identifier: MIT
# 50-demo - run the mqueue-lab story (mq-demo) and check what it showed
# (TAP, busybox ash): B received A's text with A's priority, pid and uid,
# /proc/mqueue-lab listed the queue after both processes had exited,
# `mqctl rm` removed it at the end, and the kernel's side (mq-timeline,
# from the trace events) told the hand-off in order.
q=xyz
text="hello from A"
prio=5
out=/tmp/50-demo.$$

# shellcheck source=tools/vm/tap.sh
. /opt/mqlab/tap.sh

if [ ! -c /dev/mqueue-lab ]; then
	echo "1..1"
	echo "ok 1 mqueue-lab story # SKIP /dev/mqueue-lab is missing"
	exit 0
fi
echo "1..13"

mq-demo "$q" "$text" "$prio" > "$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
check "mq-demo exits with status 0 (status $rc)" [ "$rc" = 0 ]

# A prints:  A (pid PID): sending "TEXT" with priority PRIO to queue Q
apid=$(sed -n 's/^A (pid \([0-9][0-9]*\)): sending .*/\1/p' "$out")
check "A reported its pid ($apid)" [ -n "$apid" ]
# The order of the story: A had B asleep before it sent.
check "B was asleep when A sent" \
	[ -n "$(sed -n '/^A: waiting until a receiver/,/^A (pid [0-9]*): sending/p' "$out" |
		grep -F 'B (pid')" ]
# B prints:  B: got "TEXT" (LEN bytes, priority PRIO) from pid PID uid UID
got=$(grep '^B: got ' "$out")
check "B printed A's text" \
	[ -n "$(echo "$got" | grep -F "\"$text\" (${#text} bytes")" ]
check "B printed A's priority $prio" \
	[ -n "$(echo "$got" | grep -F "priority $prio)")" ]
check "B printed A's pid as the sender" \
	[ -n "$apid" -a -n "$(echo "$got" | grep -F "from pid $apid uid")" ]
check "B printed A's uid ($(id -u)) as the sender" \
	[ -n "$(echo "$got" | grep -E "uid $(id -u)\$")" ]

# The /proc/mqueue-lab listing printed after A and B had exited (between
# the "lives on" and the "mqctl rm" narration lines) names the queue.
listing=$(sed -n '/^==> A and B have exited/,/^==> mqctl rm/p' "$out" |
	grep -v '^==>')
check "/proc/mqueue-lab lists $q after A and B exited" \
	[ -n "$(echo "$listing" | grep -E "^${q}[[:space:]]|[[:space:]]${q}([[:space:]]|\$)")" ]

# The last step removed it.
check "mqctl rm removed $q at the end" \
	[ -z "$(grep -E "^${q}[[:space:]]|[[:space:]]${q}([[:space:]]|\$)" /proc/mqueue-lab)" ]

# The timeline, after its narration line: A's send enters the kernel,
# the message is handed to B, who was blocked; A wakes B; B's receive
# returns A's message.  Line numbers give the order.
tl=$(sed -n '/^==> the same story from the kernel/,/^==> the end/p' "$out")
# before X Y: both lines were found, X first.
before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
at() { echo "$tl" | grep -n -F "$1" | head -n 1 | cut -d: -f1; }
blocks=$(at "B blocks in receive: the queue is empty")
enters=$(at "A's send enters the kernel: ${#text} bytes at priority $prio")
handed=$(at "the message is handed straight to B, who was blocked")
wakes=$(at "A wakes B, blocked in receive")
returns=$(at "B's receive returns 0: ${#text} bytes, priority $prio, from A")
check "timeline: B blocks before A's send enters the kernel ($blocks < $enters)" \
	before "$blocks" "$enters"
check "timeline: the message is handed to B after A's send entered ($enters < $handed)" \
	before "$enters" "$handed"
check "timeline: A wakes B after the hand-off ($handed < $wakes)" \
	before "$handed" "$wakes"
check "timeline: B's receive returns A's message after the wake-up ($wakes < $returns)" \
	before "$wakes" "$returns"
rm -f "$out"
