#!/bin/sh
# SPDX-License-Identifier: MIT
# 60-bench-smoke: the benchmark (tests/bench/mqbench) once at tiny sizes,
# with the module as the VM suite loaded it, so that it cannot rot.  One
# TAP line per row: every path ran every workload and printed positive,
# finite figures; the rows of a missing feature (batching) say n/a with
# the expected reason.  Nothing here is about speed.
exec /usr/bin/mqbench --smoke --clock=smoke \
	--preload=/usr/lib/libmqdev-posix.so
