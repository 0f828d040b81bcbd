#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tap.sh - TAP helpers for the guest's shell checks (busybox ash), sourced
# from /opt/mqlab/tap.sh: ok DESC, notok DESC, check DESC COMMAND...
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); echo "not ok $n $1"; }
# check DESC COMMAND...: one TAP line for the exit status of COMMAND.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
