#!/bin/sh
# SPDX-License-Identifier: MIT
# lab.sh - shared by the lab exercise checks 70-lab-N (busybox ash):
# TAP helpers, and not_done, which reports an exercise not done yet as
# a SKIP (so that `make check` stays green) that `make check-lab N`
# counts as a failure.
# shellcheck source=tools/vm/tap.sh
. /opt/mqlab/tap.sh
# not_done WHY: the exercise is not done yet.
not_done() {
	echo "1..1"
	echo "ok 1 exercise not done yet # SKIP $1"
	exit 0
}
[ -c /dev/mqueue-lab ] || not_done "/dev/mqueue-lab is missing"
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2> /dev/null
# trace_start TAG EVENT: record mqueue_lab:EVENT in a trace instance of
# our own, $inst; queue $TAG (re)created empty.  trace_stop undoes both.
trace_start() {
	q=$1
	inst=$T/instances/$1.$$
	mkdir "$inst" && echo 1 > "$inst/events/mqueue_lab/$2/enable"
	mqctl rm "$q" 2> /dev/null
	mqctl create "$q"
}
trace_stop() {
	mqctl rm "$q"
	rmdir "$inst"
}
