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
cp /bin/busybox "$root/bin/busybox"
ln -sf busybox "$root/bin/sh"
cp "$here/init" "$root/init"
cp "$here/guest-run.sh" "$here/tap-count.awk" "$root/opt/mqlab/"
cp "$ko" "$root/opt/mqlab/mqueue_lab.ko"
chmod 755 "$root/init" "$root/opt/mqlab/guest-run.sh"
printf 'root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# The shared libraries of every dynamically linked ELF file in ROOT, at the
# paths ldd names (the loader too), searched with the guest's library path.
find "$root" -type f | while read -r f; do
	head -c 4 "$f" 2>/dev/null | grep -q 'ELF' || continue
	LD_LIBRARY_PATH="$root/usr/lib" ldd "$f" 2>/dev/null || true
done | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
	sort -u | while read -r lib; do
	case "$lib" in "$root"/*) continue ;; esac
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
