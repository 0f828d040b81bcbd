#!/bin/sh
# SPDX-License-Identifier: MIT
# solutions-check.sh - the proof that the lab exercise checks can pass,
# and fail: a scratch copy of the tree (the tracked files as they are in
# the work tree) with solutions applied, and the exercises' checks run on
# it in the VM.
#   sh tests/lab/solutions-check.sh [MAKE-ARGS...]
#       the reference solutions, tests/lab/solutions/exN-*.patch: every
#       check of an exercise solved (70-lab-N) and the solution's own
#       kselftest (10-purge) must pass, none may SKIP
#   sh tests/lab/solutions-check.sh --wrong [MAKE-ARGS...]
#       wrong solutions: tests/lab/solutions/wrong/exN-*.patch, and what
#       docs/LAB.md has the student do to exercises 4 and 5 (apply
#       docs/lab/broken-handoff.patch; "priority 6)" in 50-demo): each
#       exercise's check must fail (not ok), never pass or SKIP
# In the main tree the 70-lab-N checks SKIP (exercise not done yet).
# One build and one VM boot each: 6 to 11 minutes measured on a loaded
# 2-core machine, most of it building the scratch copy.  The last line says "solutions-check: passed" or why not.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
MAKE=${MAKE:-make}
want=pass
if [ "${1:-}" = --wrong ]; then
	want=fail
	shift
fi
scratch=$top/build/lab-solutions-$want
rm -rf "$scratch" && mkdir -p "$scratch" || exit 1
git ls-files -z | xargs -0 cp -a --parents -t "$scratch" || exit 1
# The kselftest headers, when already extracted (that takes a while).
if [ -d build/ksft ]; then
	mkdir -p "$scratch/build" && cp -a build/ksft "$scratch/build/"
fi

# git apply in a directory inside this work tree would patch paths of
# the work tree (and skip the ignored build/): it must not see the
# repository above the scratch copy.
GIT_CEILING_DIRECTORIES=$(dirname "$scratch")
export GIT_CEILING_DIRECTORIES
apply() { # apply PATCH: in the scratch copy, or fail loudly
	(cd "$scratch" && git apply --whitespace=nowarn "$top/$1" &&
		git apply -R --check "$top/$1") ||
		{ echo "solutions-check: $1 no longer applies: refresh it"; exit 1; }
	echo "solutions-check: applied $1"
}

tests=""
if [ $want = pass ]; then
	dir=tests/lab/solutions
else
	dir=tests/lab/solutions/wrong
fi
for p in "$dir"/ex*.patch; do
	[ -f "$p" ] || { echo "solutions-check: no $dir/ex*.patch"; exit 1; }
	apply "$p"
	n=${p##*/ex}
	tests="$tests 70-lab-${n%%-*}"
done
if [ $want = pass ]; then
	tests="$tests 10-purge"
	# 70-lab-* and 10-purge(-32); no other test's name matches.
	filter='*0-[lp][au][br]*'
else
	apply docs/lab/broken-handoff.patch
	# shellcheck disable=SC2016 # $prio: the text of 50-demo.sh
	sed -i 's/grep -F "priority $prio)"/grep -F "priority 6)"/' \
		"$scratch/tests/demo/50-demo.sh"
	grep -q 'grep -F "priority 6)"' "$scratch/tests/demo/50-demo.sh" ||
		{ echo "solutions-check: exercise 5's line is not in 50-demo.sh"; exit 1; }
	echo "solutions-check: exercise 5's change made to tests/demo/50-demo.sh"
	tests="$tests 10-wake 50-demo"
	# 70-lab-*, 10-wake(-32) and 50-demo; no other test's name matches.
	filter='*0-[lpwd][auae][brkm]*'
fi

log=$scratch/vm.log
# shellcheck disable=SC2086 # MAKE may carry arguments
$MAKE -C "$scratch" --no-print-directory vm-check T="$filter" "$@" > "$log" 2>&1
grep -a -E '^(ok|not ok|#|MQLAB-RESULT)' "$log"
res=$(grep -a '^MQLAB-RESULT: ' "$log" | tail -n 1)
if [ -z "$res" ]; then
	tail -n 30 "$log"
	echo "solutions-check: the VM run gave no result (log: $log)"
	exit 1
fi
bad=""
for t in $tests; do
	# The runner's line per program: "# ---- NAME: P passed, F failed, S skipped, ..."
	line=$(grep -a "^# ---- $t: " "$log" | tail -n 1)
	if [ $want = pass ]; then
		echo "$line" | grep -q ' [1-9][0-9]* passed, 0 failed, 0 skipped'
	else
		echo "$line" | grep -q ' [1-9][0-9]* failed'
	fi || bad="$bad $t (${line:-not run})"
done
if [ $want = pass ] && ! echo "$res" | grep -q ' 0 failed, 0 skipped'; then
	bad="$bad [$res]"
fi
if [ -n "$bad" ]; then
	echo "solutions-check: not as wanted ($want):$bad (log: $log)"
	exit 1
fi
echo "solutions-check: passed ($want:$tests)"
