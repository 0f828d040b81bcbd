#!/bin/sh
# SPDX-License-Identifier: MIT
# 70-lab-6 - lab exercise 6 (docs/LAB.md): mqlab_wake has a field
# waited_ns, how long the woken task slept (from mqlab_block to the wake).
# shellcheck source=tests/lab/lab.sh
. /opt/mqlab/lab.sh
grep -q waited_ns "$T"/events/mqueue_lab/mqlab_wake/format 2> /dev/null ||
	not_done "mqlab_wake has no field waited_ns"
echo "1..2"
trace_start lab6 mqlab_wake
mqctl recv "$q" --timeout 20 > /dev/null &
r=$!
sleep 1
mqctl send "$q" "wake up"
wait $r
line=$(grep "mqlab_wake: .*queue=$q " "$inst/trace")
echo "# $line"
ns=$(echo "$line" | sed -n 's/.*waited_ns=\([0-9]*\).*/\1/p')
check "mqlab_wake prints waited_ns ($ns)" [ -n "$ns" ]
# The receiver slept about 1 s; TCG is slow, so allow 0.5 .. 30 s.
about_a_second() { [ -n "$1" ] && [ "$1" -gt 500000000 ] && [ "$1" -lt 30000000000 ]; }
check "about the second the receiver slept" about_a_second "$ns"
trace_stop
