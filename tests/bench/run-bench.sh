#!/bin/sh
# SPDX-License-Identifier: MIT
# run-bench.sh [MQBENCH-ARGS...] - load mqueue_lab with the benchmark's
# parameters, run mqbench, unload what we loaded.  Runs under busybox ash.
#
# In the VM, /init runs it as /opt/mqlab/bench.sh with the words of the
# kernel argument mqlab.bench= ('+' between words).  `make bench HOST=1`
# runs it on this machine with MQBENCH_KO, MQBENCH_BIN and MQBENCH_LIB
# pointing into the tree.
KO=${MQBENCH_KO:-/opt/mqlab/mqueue_lab.ko}
BIN=${MQBENCH_BIN:-/usr/bin/mqbench}
LIB=${MQBENCH_LIB:-/usr/lib/libmqdev-posix.so}
# bind+unlink keeps 100,000 queues (1 message of 16 bytes each) besides
# the one it measures; the default max_queues is 256.  Each is charged
# about 1.1 KiB, so 100,000 need more than the default max_total_bytes
# (64 MiB, which stops them at about 60,000): 256 MiB.
PARAMS=${MQBENCH_PARAMS:-max_queues=200000 max_total_bytes=268435456}
P=/sys/module/mqueue_lab/parameters

loaded=0
err=$(mktemp)
# shellcheck disable=SC2086 # PARAMS: name=value words, split at blanks
if [ -d /sys/module/mqueue_lab ]; then
	echo "# mqueue_lab is loaded already: using it as it is" \
		"(max_queues=$(cat $P/max_queues))"
elif insmod "$KO" $PARAMS 2> "$err"; then
	loaded=1
	echo "# insmod $KO $PARAMS"
else
	echo "# insmod $KO $PARAMS refused: $(cat "$err")"
	if insmod "$KO" 2> "$err"; then
		loaded=1
		echo "# loaded with the default parameters instead: the rows" \
			"past them say why"
	else
		echo "# insmod $KO refused: $(cat "$err"): the device rows say n/a"
	fi
fi
rm -f "$err"
echo "mqlab-bench: start" > /dev/kmsg 2> /dev/null
"$BIN" --preload="$LIB" "$@"
rc=$?
if [ $loaded = 1 ]; then
	rmmod mqueue_lab || rc=1
fi
# A run that made the kernel complain is no result (the VM suite's rule).
if dmesg 2> /dev/null | awk '/mqlab-bench: start/ { on = 1; next } on' |
	grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|lockdep|Call Trace:' \
	> /dev/null; then
	echo "# the kernel reported an error during the run:"
	dmesg | awk '/mqlab-bench: start/ { on = 1; next } on' | sed 's/^/# dmesg: /'
	rc=1
fi
exit $rc
