#!/bin/sh
# check.sh - the syzkaller description (dev_mqueue_lab.txt) is in step
# with the uapi header.  syzkaller cannot run here (see the .txt), so this
# is what keeps the description from rotting:
#   - every "#define MQLAB_IOC_<X> _IO*(...)" of the header has a call
#     ioctl$MQLAB_IOC_<X>(... cmd const[MQLAB_IOC_<X>] ...) in the .txt,
#     and the .txt has no ioctl$ call for a command the header lacks;
#   - every "struct mqlab_<y> {" of the header is described in the .txt
#     ("mqlab_<y> {"), with the same field names in the same order (so
#     a field added, removed or renamed fails), and the .txt describes
#     no mqlab_ struct the header lacks.
# Each mismatch is one line on stderr; the exit status is 1 when there is
# any.  Takes well under a second.
#   sh tests/syzkaller/check.sh [HEADER [TXT]]
set -u
here=$(dirname "$0")
hdr=${1:-$here/../../uapi/linux/mqueue_lab.h}
txt=${2:-$here/dev_mqueue_lab.txt}

for f in "$hdr" "$txt"; do
	[ -r "$f" ] || { echo "syzkaller check: cannot read $f" >&2; exit 1; }
done

# The header as lines "cmd NAME" and "struct NAME field field ...".
hdr_items() {
	awk '
	{ sub(/\/\*.*\*\//, "") }	# one-line comments, even inside structs
	/^#define[ \t]+MQLAB_IOC_[A-Z0-9_]+[ \t]+_IO/ { print "cmd", $2; next }
	/^struct mqlab_[a-z0-9_]+ \{/ { name = $2; fields = ""; next }
	name != "" && /^\};/ { print "struct", name fields; name = ""; next }
	name != "" && /;/ {
		l = $0
		sub(/;.*/, "", l)
		sub(/\[.*/, "", l)
		n = split(l, w, /[ \t*]+/)
		fields = fields " " w[n]
	}
	' "$hdr"
}

# The .txt as the same lines.
txt_items() {
	awk '
	/^[ \t]*#/ { next }
	/^ioctl\$MQLAB_IOC_[A-Z0-9_]+\(/ {
		c = $0
		sub(/^ioctl\$/, "", c)
		sub(/\(.*/, "", c)
		want = "cmd const[" c "]"
		if (index($0, want))
			print "cmd", c
		else
			print "badcmd", c
		next
	}
	/^mqlab_[a-z0-9_]+ \{/ { name = $1; fields = ""; next }
	name != "" && /^\}/ { print "struct", name fields; name = ""; next }
	name != "" && NF { fields = fields " " $1 }
	' "$txt"
}

h=$(hdr_items)
t=$(txt_items)
bad=0
say() { echo "syzkaller check: $*" >&2; bad=1; }

echo "$h" | grep -q '^cmd ' || say "no MQLAB_IOC_* command found in $hdr"
for c in $(echo "$h" | awk '$1 == "cmd" { print $2 }'); do
	echo "$t" | grep -qx "cmd $c" ||
		say "$c of the header has no ioctl\$$c(... cmd const[$c] ...) in $txt"
done
for c in $(echo "$t" | awk '$1 == "badcmd" { print $2 }'); do
	say "ioctl\$$c in $txt does not pass cmd const[$c]"
done
for c in $(echo "$t" | awk '$1 == "cmd" { print $2 }'); do
	echo "$h" | grep -qx "cmd $c" ||
		say "ioctl\$$c in $txt: no such command in $hdr"
done

echo "$h" | awk '$1 == "struct"' | while read -r _ name fields; do
	line=$(echo "$t" | awk -v n="$name" '$1 == "struct" && $2 == n')
	if [ -z "$line" ]; then
		echo "syzkaller check: struct $name of the header is not described in $txt" >&2
		echo bad
		continue
	fi
	tf=$(echo "$line" | cut -d' ' -f3-)
	if [ "$tf" != "$fields" ]; then
		echo "syzkaller check: $name: the header has $(echo "$fields" | wc -w) fields ($fields), $txt has $(echo "$tf" | wc -w) ($tf)" >&2
		echo bad
	fi
done | grep -q bad && bad=1
for s in $(echo "$t" | awk '$1 == "struct" { print $2 }'); do
	echo "$h" | awk '$1 == "struct" { print $2 }' | grep -qx "$s" ||
		say "$s is described in $txt but is no struct of $hdr"
done

if [ "$bad" = 0 ]; then
	echo "syzkaller check: $(echo "$h" | grep -c '^cmd ') commands and $(echo "$h" | grep -c '^struct ') structs of $(basename "$hdr") described in $(basename "$txt")"
fi
exit $bad
