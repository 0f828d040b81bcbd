#!/bin/sh
# SPDX-License-Identifier: MIT
# 70-lab-1 - lab exercise 1 (docs/LAB.md): /proc/mqueue-lab has a
# "handoffs" column, the messages given straight to a blocked receiver.
# shellcheck source=tests/lab/lab.sh
. /opt/mqlab/lab.sh
q=lab1
hdr=$(head -n 1 /proc/mqueue-lab)
col=$(echo "$hdr" | tr ' ' '\n' | grep -n -x handoffs | cut -d: -f1)
[ -n "$col" ] || not_done "no handoffs column in /proc/mqueue-lab"
echo "1..3"
# handoffs QUEUE: the column of that queue's line.
handoffs() { awk -v q="$1" -v c="$col" '$1 == q { print $c }' /proc/mqueue-lab; }
mqctl rm $q 2> /dev/null
mqctl create $q
check "a new queue has handoffs 0 ($(handoffs $q))" [ "$(handoffs $q)" = 0 ]
mqctl recv "$q" --timeout 20 > /dev/null &
r=$!
i=0
until mqctl stat $q | grep -q 'waiting_receivers: 1'; do
	i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.1
done
mqctl send "$q" "to the sleeper"
wait $r
check "a send to a blocked receiver counts 1 ($(handoffs $q))" [ "$(handoffs $q)" = 1 ]
mqctl send "$q" "queued"
mqctl recv "$q" > /dev/null
check "a queued message does not count ($(handoffs $q))" [ "$(handoffs $q)" = 1 ]
mqctl rm $q
