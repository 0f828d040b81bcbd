#!/bin/sh
# deps.sh - install the Debian packages mqueue-lab needs, or say how.
#
# Runs as root (apt-get directly), through sudo when that works without a
# password prompt, or else prints the exact apt-get line and fails.
# Usage: tools/deps.sh [KVER]   (KVER: an extra kernel, e.g. 6.12 headers)
set -eu

# One list, one place.  Each line: package, and why we need it.
PKGS="
gcc                     compiler
make                    build driver
libc6-dev               user-space headers
gcc-12-multilib         32-bit test builds (compat_ioctl; not gcc-multilib: tests/m32.mk)
pkg-config              finds Check and installs libmqdev.pc
check                   host unit tests
cpio                    packs the VM's initramfs
gzip                    compresses it
xz-utils                unpacks linux-source for kselftest_harness.h
busybox-static          the VM's user land
qemu-system-x86         the VM
linux-image-amd64       the VM's kernel (Debian stock 6.1)
linux-headers-amd64     builds the module for that kernel
linux-image-6.12-amd64  the second LTS kernel the VM suite runs on
linux-headers-6.12-amd64  builds the module for it
linux-image-rt-amd64    PREEMPT_RT 6.1: spinlock_t sleeps there (VM lane)
linux-headers-rt-amd64  builds the module for it
linux-image-6.12-rt-amd64  PREEMPT_RT 6.12 (VM lane)
linux-headers-6.12-rt-amd64  builds the module for it
gcc-aarch64-linux-gnu   cross-builds the module and the tests for arm64
gcc-arm-linux-gnueabihf  the 32-bit (arm32 compat) tests of the arm64 lane
libc6-dev-arm64-cross   their C libraries (only recommended by the compilers)
libc6-dev-armhf-cross   the same for arm32
qemu-system-arm         the arm64 VM (qemu-system-aarch64 -M virt)
linux-source-6.1        kselftest_harness.h, checkpatch.pl, the debug kernel's source
flex                    the debug kernel's build (tools/kernel/): Kconfig's lexer
bison                   its Kconfig parser
libelf-dev              its objtool (ORC unwinder, ftrace call sites)
bc                      its kernel/time/timeconst.h
sparse                  make sparse (C=2)
man-db                  man page checks
trace-cmd               make shell: the lab's tracing tool, carried into the VM
dkms                    make dkms-install, and the check that dkms builds it
shellcheck              make lint: every shell script
cppcheck                make lint: user space
clang-format            make lint: the kernel's .clang-format on kmod/, uapi/
"

names=$(printf '%s\n' "$PKGS" | awk 'NF { print $1 }')
missing=""
for p in $names; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "deps: run this as root, then try again:"
	echo "  apt-get update && $line"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
