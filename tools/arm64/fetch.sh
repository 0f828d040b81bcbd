#!/bin/sh
# fetch.sh - what the arm64 VM lane needs beyond tools/deps.sh.
#
# Debian's arm64 kernel image and headers and an arm64 busybox-static are
# downloaded (apt-get download) and unpacked (dpkg-deb -x) into a cache
# outside the repo, never installed: an arm64 linux-image would run this
# machine's kernel hooks, and busybox-static:arm64 would replace the
# amd64 /bin/busybox.  The headers are used as unpacked, with this
# machine's linux-headers-ABI-common (arch all) and linux-kbuild-6.1
# (Multi-Arch: foreign, so its amd64 fixdep and modpost serve arm64) put
# where their symlinks point.  The arm64 Check and subunit libraries
# (Multi-Arch: same) are installed with apt, for the static link of
# tests/lib.  dpkg --add-architecture arm64 first, as root or through
# sudo; otherwise the exact lines are printed and this fails.
#   tools/arm64/fetch.sh         fetch once; prints nothing when cached
#   tools/arm64/fetch.sh --dir   print the cache directory
# The cache holds kver (the kernel release), root/ (the unpacked
# packages) and complete.
set -eu
cache=${MQLAB_ARM64_CACHE:-${HOME:-/root}/.cache/mqueue-lab/arm64}
if [ "${1:-}" = --dir ]; then
	echo "$cache"
	exit 0
fi
[ -f "$cache/complete" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	SUDO=none
fi
# as_root COMMAND...: run it as root, or print it and fail.
as_root() {
	if [ "$SUDO" = none ]; then
		echo "fetch.sh: run this as root, then try again:"
		echo "  $*"
		exit 1
	fi
	$SUDO "$@"
}
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	as_root dpkg --add-architecture arm64
	as_root apt-get update -q
fi
libs="check:arm64 libsubunit-dev:arm64"
for p in $libs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' && continue
	# shellcheck disable=SC2086 # one word per package
	as_root apt-get install -y -q --no-install-recommends $libs
	break
done

# The kernel linux-image-arm64 points to, e.g. linux-image-6.1.0-57-arm64.
image=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/.*Depends: \(linux-image-[0-9][^:]*-arm64\).*/\1/p' | head -n 1)
[ -n "$image" ] || { echo "fetch.sh: no linux-image-arm64:arm64 in apt's lists"; exit 1; }
kver=${image#linux-image-}
abi=${kver%-arm64}
common=/usr/src/linux-headers-$abi-common
kbuild=$(readlink -f "/usr/lib/modules/$abi-amd64/build/scripts" 2>/dev/null || true)
kbuild=${kbuild%/scripts}
[ -d "$common" ] || as_root apt-get install -y -q --no-install-recommends \
	"linux-headers-$abi-common"
[ -d "$kbuild" ] || { echo "fetch.sh: no linux-kbuild for $abi (install linux-headers-$abi-amd64)"; exit 1; }

rm -rf "$cache" && mkdir -p "$cache/debs" "$cache/root"
# _apt cannot write to a directory of ours: fetch as ourselves.
(cd "$cache/debs" && apt-get download -o APT::Sandbox::User="$(id -un)" \
	"$image:arm64" "linux-headers-$kver:arm64" busybox-static:arm64)
for d in "$cache"/debs/*.deb; do
	dpkg-deb -x "$d" "$cache/root"
done
mkdir -p "$cache/root/usr/lib" "$cache/root/usr/src"
ln -sfn "$kbuild" "$cache/root/usr/lib/$(basename "$kbuild")"
ln -sfn "$common" "$cache/root/usr/src/$(basename "$common")"
rm -rf "$cache/debs"
echo "$kver" > "$cache/kver"
echo "$kver $(date -u '+%Y-%m-%d')" > "$cache/complete"
echo "fetch.sh: $kver unpacked into $cache/root"
