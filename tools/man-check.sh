#!/bin/sh
# man-check.sh - the man pages keep up with the code (make check).
#
#   tools/man-check.sh ioctls   mqueue-lab(4) and uapi/linux/mqueue_lab.h
#       name the same ioctls; each ioctl's section in the page names the
#       errnos its paragraph in the header's opening comment names (the
#       page may add those of the header's "Conventions for every
#       command"), and shows the fields of its argument struct; every
#       module parameter (module_param_named in kmod/) is in the page;
#       the page renders without warnings.
#   tools/man-check.sh man3     every function libmqdev.so exports has a
#       page in libmqdev/man/man3 (after make)
#   tools/man-check.sh mqctl    every subcommand `mqctl --help` lists has
#       its .TP entry in tools/mqctl/mqctl.1 (after make)
# Prints each finding, one a line; exit status 1 if any.
set -uf
cd "$(dirname "$0")/.." || exit 1
HDR=uapi/linux/mqueue_lab.h
MAN4=kmod/mqueue-lab.4
bad=0
finding() { echo "$*"; bad=1; }

# The errno names of the C library, to tell them from other E words.
errnos=$(printf '#include <errno.h>\n' | cpp -dM | awk '$2 ~ /^E[A-Z0-9]+$/ { print $2 }' |
	sort -u)
# errnos_in: the errno names in stdin, sorted, one a line.
errnos_in() {
	grep -oE '\bE[A-Z0-9]{2,}\b' | sort -u > "$tmp/words"
	echo "$errnos" | grep -Fx -f "$tmp/words" || true
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The header's opening comment (up to the first */), without " * ".
hdr_comment() { awk 'NR > 1 && /\*\// { exit } NR > 1 { sub(/^ \* ?/, ""); print }' "$HDR"; }
# Its paragraph for ioctl $1: from "$1  (" to the next unindented line.
hdr_section() {
	hdr_comment | awk -v n="$1" '
		on && /^[^ \t]/ { exit }
		$1 == n && $2 ~ /^\(/ { on = 1 }
		on { print }'
}
# The page's section for ioctl $1: from ".SS $1" to the next .SS or .SH.
man_section() {
	awk -v n="$1" 'on && /^\.S[SH] / { exit } $1 == ".SS" && $2 == n { on = 1 } on { print }' "$MAN4"
}

check_ioctls() {
	sed -n 's/^#define \(MQLAB_IOC_[A-Z0-9_]*\)[[:space:]]*_IO.*/\1/p' "$HDR" | sort > "$tmp/hdr"
	awk '$1 == ".SS" && $2 ~ /^MQLAB_IOC_/ { print $2 }' "$MAN4" | sort > "$tmp/man"
	for i in $(comm -23 "$tmp/hdr" "$tmp/man"); do
		finding "$MAN4: $i (declared in $HDR) has no .SS section"
	done
	for i in $(comm -13 "$tmp/hdr" "$tmp/man"); do
		finding "$MAN4: documents $i, which $HDR does not declare"
	done
	hdr_comment | awk '/^Conventions for every command/ { on = 1; next }
		on && /^[^ \t]/ { exit } on' | errnos_in > "$tmp/conv"
	for i in $(comm -12 "$tmp/hdr" "$tmp/man"); do
		hdr_section "$i" | errnos_in > "$tmp/he"
		man_section "$i" | errnos_in > "$tmp/me"
		[ -s "$tmp/he" ] || finding "$HDR: the opening comment has no errors for $i"
		for e in $(comm -23 "$tmp/he" "$tmp/me"); do
			finding "$MAN4: $i: $e is in $HDR but not in the page"
		done
		for e in $(comm -13 "$tmp/he" "$tmp/me" | comm -23 - "$tmp/conv"); do
			finding "$MAN4: $i: $e is in the page but not in $HDR"
		done
		# The fields of the argument struct, each in the section.
		st=$(sed -n "s/^#define ${i}[[:space:]].*struct \([a-z0-9_]*\))$/\1/p" "$HDR")
		[ -n "$st" ] || continue
		awk -v s="struct $st {" '$0 == s { on = 1; next } on && /^};/ { exit }
			on && $1 !~ /^\/\*/ { sub(/;.*/, ""); sub(/\[.*/, ""); print $NF }' "$HDR" > "$tmp/fields"
		while read -r f; do
			grep -qE "struct $st \{" "$MAN4" || { finding "$MAN4: $i: struct $st is not shown"; break; }
			awk -v s="struct $st {" '$0 == s { on = 1; next } on && /^};/ { exit } on' "$MAN4" |
				grep -qE "[ *]$f(\[|;)" ||
				finding "$MAN4: $i: struct $st has no field $f in the page"
		done < "$tmp/fields"
	done
	# Module parameters: each named in the page's Module parameters.
	grep -rh --include='*.c' '^module_param_named(' kmod | sed 's/^module_param_named(\([a-z_0-9]*\),.*/\1/' | sort -u > "$tmp/params"
	awk '/^\.SS Module parameters/ { on = 1; next } on && /^\.S[SH] / { exit } on' "$MAN4" > "$tmp/psec"
	while read -r p; do
		grep -qE "^\.IR? $p( |$)|, \"? ?$p " "$tmp/psec" ||
			finding "$MAN4: module parameter $p is not under Module parameters"
	done < "$tmp/params"
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 "$MAN4" 2>&1 > /dev/null)
	[ -z "$w" ] || finding "$MAN4: $w"
}

check_man3() {
	so=libmqdev/libmqdev.so
	[ -e "$so" ] || { finding "$so: not built (make)"; return; }
	for fn in $(nm -D --defined-only "$so" | awk '$3 ~ /^mqdev_/ { sub(/@.*/, "", $3); print $3 }' | sort -u); do
		[ -f "libmqdev/man/man3/$fn.3" ] ||
			finding "libmqdev/man/man3/$fn.3: missing for the exported $fn"
	done
}

check_mqctl() {
	m=tools/mqctl/mqctl
	[ -x "$m" ] || { finding "$m: not built (make)"; return; }
	cmds=$("$m" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
		on && /^  [a-z]/ { print $1 }')
	[ -n "$cmds" ] || finding "$m --help lists no commands"
	for c in $cmds; do
		awk -v c="$c" 'prev == ".TP" && $1 == ".B" && ($2 == c || $2 ~ "^" c "\\\\") { f = 1 }
			{ prev = $1 } END { exit !f }' tools/mqctl/mqctl.1 ||
			finding "tools/mqctl/mqctl.1: the subcommand $c has no .TP entry"
	done
}

case ${1:-} in
ioctls) check_ioctls ;;
man3) check_man3 ;;
mqctl) check_mqctl ;;
*) echo "usage: $0 ioctls|man3|mqctl"; exit 2 ;;
esac
exit $bad
