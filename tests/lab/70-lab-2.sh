#!/bin/sh
# SPDX-License-Identifier: MIT
# 70-lab-2 - lab exercise 2 (docs/LAB.md): a trace event
# mqueue_lab:mqlab_unblock with fields queue, pid and ret, when a blocked
# task gives up without its operation done (timeout, signal).
# shellcheck source=tests/lab/lab.sh
. /opt/mqlab/lab.sh
ev=$T/events/mqueue_lab/mqlab_unblock
[ -d "$ev" ] || not_done "no event mqueue_lab:mqlab_unblock"
echo "1..3"
trace_start lab2 mqlab_unblock
mqctl recv "$q" --timeout 0.2 2> /dev/null &
pid=$!
wait $pid
line=$(grep "mqlab_unblock: .*queue=$q " "$inst/trace")
echo "# $line"
check "a receive that times out traces mqlab_unblock" [ -n "$line" ]
check "with the receiver's pid $pid" \
	[ -n "$(echo "$line" | grep " pid=$pid ")" ]
check "and ret=-110 (ETIMEDOUT)" [ -n "$(echo "$line" | grep "ret=-110")" ]
trace_stop
