#!/bin/sh
# SPDX-License-Identifier: MIT
# mq-timeline - the kernel's side of a story, from the mqueue_lab trace
# events, in words (busybox ash and awk, or any POSIX sh).
#
#   usage: mq-timeline [-f TRACEFILE] QUEUE [NAME=PID ...]
#          e.g. mq-timeline xyz A=812 B=815
#
# Reads the trace buffer (default /sys/kernel/tracing/trace; the events
# are enabled with `echo 1 > /sys/kernel/tracing/events/mqueue_lab/enable`,
# or trace-cmd record -e mqueue_lab; `trace-cmd report` output works too)
# and prints one line per event of queue QUEUE: the time since the first
# one, who (NAME when its pid was given, else the program's name and pid)
# and what happened.  Exit status 1 when no event of QUEUE was found.
file=/sys/kernel/tracing/trace
if [ "${1:-}" = -f ]; then
	file=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: mq-timeline [-f TRACEFILE] QUEUE [NAME=PID ...]" >&2; exit 2; }
q=$1
shift
[ -r "$file" ] || { echo "mq-timeline: cannot read $file" >&2; exit 1; }

awk -v q="$q" -v names="$*" '
BEGIN {
	n = split(names, nv, " ")
	for (i = 1; i <= n; i++) {
		split(nv[i], kv, "=")
		who[kv[2]] = kv[1]
	}
}
# name(PID, COMM): "A (pid 812)" the first time, "A" after that.
function name(pid, comm,   s) {
	s = (pid in who) ? who[pid] : comm
	if (!(pid in seen)) {
		seen[pid] = 1
		return s " (pid " pid ")"
	}
	return s
}
function dir(d) { return d == "send" ? "send" : "receive" }
{
	ev = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^mqlab_[a-z_]+:$/) {
			ev = substr($i, 1, length($i) - 1)
			ts = $(i - 1)
			sub(/:$/, "", ts)
			task = $1
			break
		}
	}
	if (ev == "")
		next
	delete f
	for (j = i + 1; j <= NF; j++) {
		eq = index($j, "=")
		if (eq)
			f[substr($j, 1, eq - 1)] = substr($j, eq + 1)
	}
	if (f["queue"] != q)
		next
	comm = task
	sub(/-[0-9]+$/, "", comm)
	if (t0 == "")
		t0 = ts
	ms = (ts - t0) * 1000
	me = name(f["pid"], comm)
	if (ev == "mqlab_queue_create")
		s = me " creates queue \"" q "\" (room for " f["maxmsg"] \
		    " messages of up to " f["msgsize"] " bytes)"
	else if (ev == "mqlab_receive")
		s = me "\x27s receive enters the kernel (a " f["len"] "-byte buffer)"
	else if (ev == "mqlab_block")
		s = me " blocks in " dir(f["in"]) ": the queue " \
		    (f["in"] == "send" ? "is full" : "is empty") "; " me " sleeps"
	else if (ev == "mqlab_send")
		s = me "\x27s send enters the kernel: " f["len"] " bytes at priority " f["prio"]
	else if (ev == "mqlab_handoff")
		s = "the message is handed straight to " name(f["receiver"], "?") \
		    ", who was blocked (it never waits in the queue)"
	else if (ev == "mqlab_enqueue")
		s = "the message (" f["len"] " bytes, priority " f["prio"] \
		    ") waits in the queue: " f["curmsgs"] " queued"
	else if (ev == "mqlab_dequeue")
		s = me " takes a message (" f["len"] " bytes, priority " \
		    f["prio"] ") out of the queue: " f["curmsgs"] " left"
	else if (ev == "mqlab_wake")
		s = me " wakes " name(f["woken"], "?") ", blocked in " dir(f["in"])
	else if (ev == "mqlab_send_return")
		s = me "\x27s send returns " f["ret"]
	else if (ev == "mqlab_receive_return")
		s = me "\x27s receive returns " (f["ret"] == 0 ? "0: " f["len"] \
		    " bytes, priority " f["prio"] ", from " name(f["sender"], "?") : f["ret"])
	else if (ev == "mqlab_notify")
		s = "the queue was empty: a notification (" f["action"] ") goes to " \
		    name(f["owner"], "?")
	else if (ev == "mqlab_queue_unlink")
		s = me " removes the name \"" q "\" (" f["curmsgs"] " messages in it)"
	else if (ev == "mqlab_queue_free")
		s = "nothing refers to the queue any more: it is freed"
	else
		s = ev
	printf "  %9.3f ms  %s\n", ms, s
	found = 1
}
END { exit found ? 0 : 1 }
' "$file"
