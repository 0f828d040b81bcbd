#!/bin/sh
# lint.sh - the linters of `make lint` (and of `make check`), one result
# line each: "ok - lint: NAME" or "not ok - lint: NAME (N findings)",
# the findings after it.  Exit status: non-zero when any linter found
# anything.  The bar is zero findings; every exception is justified in
# a comment where it occurs (in the code, or below for a whole class).
#
#   tools/lint.sh              every linter
#   tools/lint.sh NAME...      only those (names: tools/lint.sh --list)
#
# Needs build/ksrc (checkpatch.pl, .clang-format: the top Makefile
# extracts them from linux-source-6.1) and the packages of tools/deps.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
out=$top/build/lint
mkdir -p "$out"
MAKE=${MAKE:-make}
KSRC=$top/build/ksrc
LINTERS="checkpatch-kernel checkpatch-lib sparse-6.1 sparse-6.12 clang-format cppcheck gcc-analyzer shellcheck"

# The C of the library, and the rest of the user space we ship.
LIB_C="libmqdev/src/*.[ch] libmqdev/include/mqdev.h"
USER_C="$LIB_C tools/mqctl/mqctl.c tests/demo/mq-sender.c tests/demo/mq-receiver.c"
KERNEL_C="kmod/*.[ch] uapi/linux/*.h"

# Every shell script in the tree: *.sh and whatever starts with #!...sh.
shell_scripts() {
	git ls-files | while read -r f; do
		[ -f "$f" ] || continue
		case $f in
		*.sh) echo "$f" ;;
		*) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' && echo "$f" ;;
		esac
	done
}

# The newest installed Debian kernel of a series: 6.1 or 6.12.
kver_of() {
	for d in "/lib/modules/$1".*-amd64 "/lib/modules/$1".*+deb*-amd64; do
		[ -d "$d/build" ] && echo "${d##*/}"
	done | grep -E "^$1\.[0-9]+[-+]" | grep -vE -- '-(rt|cloud)-' | sort -uV | tail -n 1
}

# The module for kernel $1 with sparse and W=1, in a copy of the sources.
sparse_for() {
	kver=$(kver_of "$1")
	[ -n "$kver" ] || { echo "no $1 kernel headers installed (tools/deps.sh)"; return 1; }
	d=$out/sparse-$kver
	rm -rf "$d" && mkdir -p "$d" && cp -r Kbuild kmod uapi "$d/" || return 1
	$MAKE -C "/lib/modules/$kver/build" M="$d" C=2 W=1 modules > "$d.log" 2>&1
	st=$?
	grep -E 'warning:|error:' "$d.log"
	[ "$st" = 0 ] || { tail -n 20 "$d.log"; return 1; }
	return 0
}

# shellcheck disable=SC2086,SC2046 # the file lists are globs, to expand
run_linter() {
	case $1 in
	checkpatch-kernel)
		perl "$KSRC/scripts/checkpatch.pl" --no-tree --strict --quiet --terse \
			--show-types -f Kbuild $KERNEL_C ;;
	checkpatch-lib)
		# The exceptions a user-space library needs (the rest of
		# --strict applies):
		#   PREFER_KERNEL_TYPES  user space has <stdint.h>, not u32
		#   BIT_MACRO            ... and no BIT() macro
		#   ARRAY_SIZE           ... and no ARRAY_SIZE()
		#   CAMELCASE            C11's _Static_assert is CamelCase
		#   USE_NEGATIVE_ERRNO, ENOSYS  the POSIX layer's errno
		#                        values (libmqdev/src/posix_xlate.c)
		perl "$KSRC/scripts/checkpatch.pl" --no-tree --strict --quiet --terse \
			--show-types --ignore PREFER_KERNEL_TYPES,BIT_MACRO,ARRAY_SIZE \
			--ignore CAMELCASE,USE_NEGATIVE_ERRNO,ENOSYS -f $LIB_C ;;
	sparse-6.1 | sparse-6.12)
		sparse_for "${1#sparse-}" ;;
	clang-format)
		# The kernel's own .clang-format, unchanged, dry run.
		cfg=$KSRC/.clang-format
		[ -f "$cfg" ] || { echo "$cfg missing (make build/ksrc/.clang-format)"; return 1; }
		clang-format --style="file:$cfg" --dry-run $KERNEL_C 2>&1 |
			grep -E ': (warning|error):'
		return 0 ;;
	cppcheck)
		# variableScope: the project's style (the kernel's) declares
		# variables at the top of a block, not at first use.
		cppcheck --quiet --std=c11 --language=c --inline-suppr \
			--enable=warning,style,performance,portability \
			--suppress=variableScope --error-exitcode=1 \
			-D_GNU_SOURCE -D__linux__ -D__x86_64__ \
			-I uapi -I libmqdev/include -I libmqdev/src \
			--template='{file}:{line}: {severity}: {message} [{id}]' \
			$(echo $USER_C | tr ' ' '\n' | grep '\.c$') 2>&1 ;;
	gcc-analyzer)
		for f in $USER_C; do
			case $f in *.h) continue ;; esac
			inc="-I uapi -I libmqdev/include"
			case $f in libmqdev/*) inc="$inc -I libmqdev/src -D_GNU_SOURCE" ;; esac
			gcc -std=gnu11 -O2 -fanalyzer -Wall -Wextra $inc -c \
				-o "$out/analyzer.o" "$f" 2>&1 | grep -E 'warning:|error:'
		done
		rm -f "$out/analyzer.o"
		return 0 ;;
	shellcheck)
		shellcheck -f gcc -x $(shell_scripts) ;;
	*) echo "lint.sh: unknown linter $1 (one of: $LINTERS)"; return 2 ;;
	esac
}

[ "${1:-}" = --list ] && { echo "$LINTERS"; exit 0; }
# shellcheck disable=SC2086 # a list of names
[ $# -gt 0 ] || set -- $LINTERS
bad=0
for l in "$@"; do
	log=$out/$l.log
	t0=$(date +%s)
	run_linter "$l" > "$log" 2>&1
	st=$?
	secs=$(($(date +%s) - t0))
	nf=$(grep -cE ':[0-9]+(:[0-9]+)?: ' "$log")
	if [ "$st" = 0 ] && [ "$nf" = 0 ]; then
		echo "ok - lint: $l (${secs}s)"
	else
		bad=1
		echo "not ok - lint: $l ($nf findings, ${secs}s; $log)"
		sed 's/^/#   /' "$log" | head -n 60
	fi
done
exit $bad
