#!/bin/sh
# build-debug.sh - build (once) the debug kernel the check-debug lane boots.
#
#   tools/kernel/build-debug.sh          build it unless the cache has it
#   tools/kernel/build-debug.sh --dir    print its cache directory, build nothing
#
# The kernel is Debian's linux-source-6.1 configured as x86_64 defconfig +
# kernel/configs/kvm_guest.config + tests/kernel/debug.config (KASAN,
# lockdep, kmemleak, ...).  It lives outside the repo, in DIR =
#   ${MQLAB_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqueue-lab/kernel}/6.1-VERSION-KEY
# where VERSION is the source package's and KEY hashes the fragment's
# CONFIG_ lines, VERSION, the compiler and RECIPE below: only the first
# run pays for the build.  DIR/build is the O= tree (external modules
# build against it), DIR/build.log its log, and DIR/complete the stamp
# written when everything is built; a directory without the stamp is never
# taken as a kernel (an interrupted build resumes, and starts over once if
# the resumed build fails).
# Progress goes to stderr: the stage, and every minute the number of
# files compiled so far.  MQLAB_KJOBS sets make's -j (default: nproc).
set -eu

# Bump when this recipe changes what it builds.
RECIPE=1
top=$(cd "$(dirname "$0")/../.." && pwd)
frag=$top/tests/kernel/debug.config
tar=/usr/src/linux-source-6.1.tar.xz
root=${MQLAB_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqueue-lab/kernel}

say() { echo "build-debug: $*" >&2; }
die() { say "$*"; exit 1; }
# fail WHAT: the end of the log, then WHAT and where the whole log is.
fail() {
	tail -n 25 "$log" | sed 's/^/build-debug: | /' >&2
	die "$1; the whole log: $log"
}

[ -r "$tar" ] || die "no $tar: run tools/deps.sh (linux-source-6.1)"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed: run tools/deps.sh"
key=$( { echo "recipe $RECIPE"; echo "source $pkgver"; ${CC:-gcc} --version | head -n 1;
	grep -E '^(CONFIG_|# CONFIG_)' "$frag"; } | sha256sum | cut -c1-12)
dir=$root/6.1-$pkgver-$key
out=$dir/build
log=$dir/build.log
if [ "${1:-}" = --dir ]; then
	echo "$dir"
	exit 0
fi
if [ -f "$dir/complete" ]; then
	say "cached: $dir ($(cat "$dir/complete"))"
	exit 0
fi

for t in flex bison bc gcc make; do
	command -v $t > /dev/null || die "$t is missing: run tools/deps.sh"
done
[ -f /usr/include/gelf.h ] || die "libelf-dev is missing: run tools/deps.sh"

mkdir -p "$root" "$dir"
# One builder per cache directory; a second run waits for the first.
exec 9> "$dir.lock"
if ! flock -n 9; then
	say "another build of $dir is running; waiting for it"
	flock 9
fi
if [ -f "$dir/complete" ]; then
	say "cached: $dir ($(cat "$dir/complete"))"
	exit 0
fi

start=$(date +%s)
elapsed() { echo "$(( ($(date +%s) - start) / 60 ))m$(( ($(date +%s) - start) % 60 ))s"; }
say "building the debug kernel in $dir (log: $log)"

# 1. The source, unpacked once per package version, renamed when whole.
src=$root/src-$pkgver
if [ ! -f "$src/Makefile" ]; then
	say "[1/4] unpacking $tar"
	rm -rf "$src.part"
	mkdir -p "$src.part"
	tar -xJf "$tar" -C "$src.part" --strip-components=1
	mv "$src.part" "$src"
else
	say "[1/4] source already unpacked: $src"
fi

kmake() { nice -n 19 make -C "$src" O="$out" "$@"; }

# 2. The configuration, and a check that Kconfig kept every line we asked for.
say "[2/4] configuring: defconfig + kvm_guest.config + ${frag#"$top"/}"
mkdir -p "$out"
{
	kmake defconfig
	"$src/scripts/kconfig/merge_config.sh" -m \
		-O "$out" "$out/.config" "$src/kernel/configs/kvm_guest.config" "$frag"
	kmake olddefconfig
} > "$log" 2>&1 || fail "configuring failed"
bad=$(grep -E '^(CONFIG_|# CONFIG_)' "$frag" | while IFS= read -r l; do
	case "$l" in
	"# CONFIG_"*" is not set")
		s=${l#"# "}; s=${s%% *}
		if grep -q "^$s=" "$out/.config"; then
			echo "$s: wanted off, is $(grep "^$s=" "$out/.config")"
		fi ;;
	*)
		if ! grep -qxF "$l" "$out/.config"; then
			echo "${l%%=*}: wanted ${l#*=}, is" \
				"$(grep "^${l%%=*}=" "$out/.config" || echo off)"
		fi ;;
	esac
done)
[ -z "$bad" ] || die "Kconfig did not keep these lines of ${frag#"$top"/}:
$bad"

# 3. vmlinux, bzImage, the modules and Module.symvers (what M= builds need).
jobs=${MQLAB_KJOBS:-$(nproc)}
build() {
	kmake -j"$jobs" all >> "$log" 2>&1 &
	pid=$!
	while kill -0 $pid 2> /dev/null; do
		i=0
		while [ $i -lt 60 ] && kill -0 $pid 2> /dev/null; do
			sleep 1; i=$((i + 1))
		done
		kill -0 $pid 2> /dev/null || break
		say "  ... $(elapsed): $(grep -c '^  CC ' "$log") files compiled" \
			"(a whole build compiles about 1500)"
	done
	wait $pid
}
say "[3/4] building vmlinux, bzImage and modules with make -j$jobs (nice 19)"
if [ -f "$dir/started" ]; then
	say "  resuming an interrupted build"
	if ! build; then
		say "  the resumed build failed; starting over"
		rm -rf "$out"
		exec "$0" "$@"
	fi
else
	touch "$dir/started"
	build || fail "the kernel build failed after $(elapsed)"
fi

# 4. Everything there: write the stamp.
for f in arch/x86/boot/bzImage vmlinux Module.symvers scripts/mod/modpost; do
	[ -f "$out/$f" ] || fail "the build left no $out/$f"
done
rel=$(kmake -s kernelrelease 2> /dev/null)
echo "$rel, built in $(elapsed) with -j$jobs on $(date -u '+%Y-%m-%d %H:%M UTC')" > "$dir/complete.part"
mv "$dir/complete.part" "$dir/complete"
say "[4/4] done: $rel in $(elapsed); bzImage: $out/arch/x86/boot/bzImage"
