#!/bin/sh
# mkinitramfs.sh ROOT KO OUT - pack the test VM's initramfs.
#
# ROOT already holds what the sub-directories' `make vm-install` put there
# (/opt/mqlab/tests, /usr/bin, /usr/lib).  This adds busybox, /init, the
# runner, the module KO, and every shared library that an ELF in ROOT needs,
# then writes the gzip'd cpio archive OUT.
set -eu
root=$1 ko=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" \
	"$root/dev" "$root/tmp" "$root/opt/mqlab/tests" "$root/usr/bin" \
	"$root/usr/lib"
# BUSYBOX: a static busybox for the guest (the arm64 lane's, tools/arm64/).
cp "${BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
ln -sf busybox "$root/bin/sh"
cp "$here/init" "$root/init"
cp "$here/guest-run.sh" "$here/tap-count.awk" "$here/tap.sh" "$root/opt/mqlab/"
cp "$ko" "$root/opt/mqlab/mqueue_lab.ko"
chmod 755 "$root/init" "$root/opt/mqlab/guest-run.sh"
printf 'root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# The shared libraries of every dynamically linked ELF file in ROOT (and the
# program interpreter), found with readelf rather than ldd: ldd runs the
# program's loader, which fails for 32-bit programs on a host kernel
# without IA32 emulation.  Each library is copied to the same path in ROOT.
# libdirs CLASS: where the loader of that ELF class looks, ROOT's own first.
# An arm ELF (the arm64 lane) looks in the cross libc's directory
# instead, /usr/TRIPLE/lib (see cross_triple), ROOT's own first.
libdirs() {
	t=$(cross_triple "$2")
	[ -n "$t" ] && { echo "$root/usr/lib /usr/$t/lib"; return; }
	case "$1" in
	ELF32) echo "$root/usr/lib32 /lib32 /usr/lib32 /lib/i386-linux-gnu /usr/lib/i386-linux-gnu" ;;
	*) echo "$root/usr/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64" ;;
	esac
}
# cross_triple MACHINE: the Debian cross libc of readelf's Machine, or
# nothing for this machine's own (x86).  Its libraries go to the guest's
# /lib/TRIPLE, where that loader looks, and the loader to /lib.
cross_triple() {
	case "$1" in
	AArch64) echo aarch64-linux-gnu ;;
	ARM) echo arm-linux-gnueabihf ;;
	esac
}
# elf_needs FILE: the interpreter and the libraries FILE names directly.
elf_needs() {
	class=$(readelf -h "$1" 2>/dev/null | awk '/Class:/ { print $2 }')
	machine=$(readelf -h "$1" 2>/dev/null | awk '/Machine:/ { print $2 }')
	t=$(cross_triple "$machine")
	readelf -l "$1" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p' |
		while read -r interp; do
			if [ -n "$t" ]; then echo "/usr/$t/lib/${interp##*/}"; else echo "$interp"; fi
		done
	readelf -d "$1" 2>/dev/null |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | while read -r lib; do
		for d in $(libdirs "$class" "$machine"); do
			[ -e "$d/$lib" ] && { echo "$d/$lib"; break; }
		done
	done
}
list=$(mktemp) todo=$(mktemp) next=$(mktemp)
trap 'rm -f "$list" "$todo" "$next"' EXIT
find "$root" -type f | while read -r f; do
	head -c 4 "$f" 2>/dev/null | grep -q 'ELF' && echo "$f"
done > "$todo"
# Follow the libraries' own needs until nothing new turns up.
while [ -s "$todo" ]; do
	while read -r f; do elf_needs "$f"; done < "$todo" | sort -u > "$next"
	sort -u "$list" | comm -13 - "$next" > "$todo"
	cat "$todo" >> "$list"
done
sort -u "$list" | while read -r lib; do
	case "$lib" in "$root"/*) continue ;; esac
	dst=$lib
	case "$lib" in
	/usr/aarch64-linux-gnu/lib/* | /usr/arm-linux-gnueabihf/lib/*)
		t=${lib#/usr/} t=${t%%/*}
		dst=/lib/$t/${lib##*/}
		case "$lib" in */ld-linux*)
			mkdir -p "$root/lib"
			ln -sf "$t/${lib##*/}" "$root/lib/${lib##*/}" ;;
		esac ;;
	esac
	[ -e "$root$dst" ] && continue
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$lib" "$root$dst"
done

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
