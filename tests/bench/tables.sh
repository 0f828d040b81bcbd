#!/bin/sh
# SPDX-License-Identifier: MIT
# tables.sh IN - the BENCH lines of a benchmark run (the console log of
# `make bench`, or those lines alone) as Markdown tables, one per
# workload, in the order of the run: what docs/PERFORMANCE.md shows.
set -eu
awk -F '\t' '
function flush() {
	if (cur == "")
		return
	print "#### " title[cur]
	print ""
	print "| size | " plabel[cur] " | path | " unit " | ctxt/msg | x kmq | spread | count |"
	print "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
	printf "%s", rows
	print ""
	rows = ""
}
BEGIN {
	title["stream"] = "stream: one sender, one receiver"
	title["memcpy"] = "floor: one user-space memcpy of the message size"
	title["pingpong"] = "ping-pong: 64-byte request and reply"
	title["4x4"] = "4 producers, 4 consumers, one queue"
	title["churn"] = "create+close+unlink one queue while N others exist"
	title["wake"] = "64 receivers blocked on one queue"
	title["mem"] = "kernel memory per queued 64-byte message: slab (all pages)"
	plabel["churn"] = "queues"
	plabel["mem"] = plabel["memcpy"] = ""
}
$1 != "BENCH" || $2 == "work" { next }
{
	if ($2 != cur) {
		flush()
		cur = $2
		unit = $8
		if (!(cur in plabel))
			plabel[cur] = "depth"
	}
	par = plabel[cur] == "" ? "" : $4
	if ($7 == "n/a") {
		rows = rows sprintf("| %s | %s | %s | n/a: %s | | | | %s |\n",
				    $3, par, $5, $13, $6)
		next
	}
	val = $7
	spread = $11 "%"
	if (cur == "mem") {
		val = val " (" $12 ")"
		spread = "-"	# one run: slab accounting repeats to the byte
	}
	if (cur == "wake")
		val = val " (" $12 " ns/msg)"
	rows = rows sprintf("| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			    $3, par, $5, val, sprintf("%.2f", $9),
			    $10 == "-" || $10 == "-0.000" ? "" : sprintf("%.2f", $10),
			    spread, $6)
}
END { flush() }' "$1"
