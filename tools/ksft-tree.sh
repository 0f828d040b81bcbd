#!/bin/sh
# ksft-tree.sh - tests/kselftest as a kselftest collection in a kernel tree.
#
# Copies tests/kselftest to build/ksrc/tools/testing/selftests/mqueue-lab/
# (build/ksrc: the parts of Debian's linux-source-6.1 that the top
# Makefile extracts, the kselftest build system among them) and builds it
# there the kernel's way:
#   make -C tools/testing/selftests TARGETS=mqueue-lab KHDR_INCLUDES=...
# with <linux/mqueue_lab.h> from uapi/ (the tree has no make headers
# output).  Every TEST_GEN_PROGS program must come out; the outputs stay
# in build/ksft-tree-out/, which make check hands to the VM lanes
# (KSFT_TREE_OUT=...: tests/kselftest installs two of them as 11-tree-*).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
sel=$top/build/ksrc/tools/testing/selftests
out=$top/build/ksft-tree-out
MAKE=${MAKE:-make}
[ -f "$sel/lib.mk" ] || { echo "$sel/lib.mk missing (make ksft-tree extracts it)"; exit 1; }
rm -rf "$sel/mqueue-lab" "$out" "$out.tmp"
mkdir -p "$sel/mqueue-lab" "$out.tmp"
# The sources only (git ls-files): no in-project build outputs.
git ls-files tests/kselftest | while read -r f; do
	cp "$f" "$sel/mqueue-lab/"
done
$MAKE -C "$sel" TARGETS=mqueue-lab KHDR_INCLUDES="-isystem $top/uapi" || exit 1
progs=$($MAKE -s --no-print-directory -C "$sel/mqueue-lab" -f Makefile \
	-f - print-progs <<'MK'
print-progs:
	@echo $(notdir $(TEST_GEN_PROGS))
MK
)
[ -n "$progs" ] || { echo "no TEST_GEN_PROGS in the kernel-tree Makefile"; exit 1; }
# Every test program of the project: one per *_test.c.
for c in tests/kselftest/*_test.c; do
	c=${c##*/}
	echo " $progs " | grep -q " ${c%.c} " ||
		{ echo "${c%.c} is not in the kernel-tree TEST_GEN_PROGS"; exit 1; }
done
for p in $progs; do
	[ -x "$sel/mqueue-lab/$p" ] || { echo "$p was not built"; exit 1; }
	cp "$sel/mqueue-lab/$p" "$out.tmp/"
done
for f in config settings; do
	[ -f "$sel/mqueue-lab/$f" ] || { echo "no $f file"; exit 1; }
done
grep -q '^timeout=[0-9][0-9]*$' "$sel/mqueue-lab/settings" ||
	{ echo "settings has no timeout=N line"; exit 1; }
# Complete: only now for the VM lanes.
mv "$out.tmp" "$out"
echo "ksft-tree: built $(echo "$progs" | wc -w) programs in $sel/mqueue-lab: $progs"
