#!/bin/sh
# pkg-check.sh - packaging checks of make check (after make all).
#
#   tools/pkg-check.sh intree    mqctl, mq-sender and mq-receiver run from
#                                the tree, without LD_LIBRARY_PATH
#   tools/pkg-check.sh install   make install DESTDIR= then uninstall: no
#                                installed binary carries a runpath, to the
#                                build tree or any (readelf -d; the debug
#                                info names the sources, as in any
#                                unstripped build), uninstall leaves what
#                                was there before
#   tools/pkg-check.sh modinfo   MODULE_VERSION is dkms.conf's version and
#                                every parameter has a description
#   tools/pkg-check.sh dkms      dkms build against an installed Debian
#                                kernel's headers, in a tree under build/
# Prints what is wrong; exit status 1 if anything is.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
build=$top/build
MAKE=${MAKE:-make}
bad=0
finding() { echo "$*"; bad=1; }
dkms_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

check_intree() {
	for p in tools/mqctl/mqctl tests/demo/mq-sender tests/demo/mq-receiver; do
		[ -x "$p" ] || { finding "$p: not built"; continue; }
		# mq-sender/mq-receiver have no --help: they must get past the
		# dynamic loader and fail on the device that is not here.
		out=$(env -u LD_LIBRARY_PATH "./$p" --help 2>&1)
		st=$?
		case $out in
		*"cannot open shared object"* | *"error while loading"*)
			finding "$p: $out" ;;
		esac
		[ "$p" = tools/mqctl/mqctl ] && [ "$st" != 0 ] &&
			finding "$p --help exited with $st: $out"
	done
}

check_install() {
	dest=$build/install-roundtrip
	rm -rf "$dest" && mkdir -p "$dest/usr/local/lib" || return 1
	# Something of somebody else's, which uninstall must leave.
	echo other > "$dest/usr/local/lib/other.so"
	(cd "$dest" && find . | sort) > "$build/install-before.txt"
	$MAKE --no-print-directory install DESTDIR="$dest" PREFIX=/usr/local \
		> "$build/install-roundtrip.log" 2>&1 ||
		{ finding "make install failed ($build/install-roundtrip.log)"; return; }
	ko=$(cd "$dest" && find lib/modules -name mqueue_lab.ko)
	[ -n "$ko" ] || finding "make install put no mqueue_lab.ko under lib/modules"
	for f in "$dest"/usr/local/bin/* "$dest"/usr/local/lib/*.so*; do
		[ -L "$f" ] && continue
		readelf -d "$f" 2>/dev/null | grep -E 'R(UN)?PATH' |
			sed "s|^|${f#"$dest"}: |" | grep . && finding "${f#"$dest"} carries a runpath"
	done
	$MAKE --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr/local \
		>> "$build/install-roundtrip.log" 2>&1 ||
		{ finding "make uninstall failed"; return; }
	(cd "$dest" && find . ! -type d | sort) > "$build/install-after.txt"
	left=$(comm -13 "$build/install-before.txt" "$build/install-after.txt")
	[ -z "$left" ] || finding "make uninstall left: $(echo "$left" | tr '\n' ' ')"
	[ -f "$dest/usr/local/lib/other.so" ] || finding "make uninstall removed other.so"
}

check_modinfo() {
	ko=mqueue_lab.ko
	[ -f "$ko" ] || { finding "$ko: not built"; return; }
	v=$(modinfo -F version "$ko")
	[ "$v" = "$dkms_ver" ] ||
		finding "$ko: MODULE_VERSION '$v', dkms.conf PACKAGE_VERSION '$dkms_ver'"
	params=$(grep -rh --include='*.c' '^module_param_named(' kmod |
		sed 's/^module_param_named(\([a-z_0-9]*\),.*/\1/' | sort -u)
	for p in $params; do
		modinfo -F parm "$ko" | grep -qE "^$p:[^(]+ \(" ||
			finding "$ko: modinfo shows no description for parameter $p"
	done
}

check_dkms() {
	command -v dkms > /dev/null || { finding "dkms is not installed (tools/deps.sh)"; return; }
	k=$($MAKE -s --no-print-directory print-KREL KDIR="/lib/modules/$($MAKE -s --no-print-directory print-KVER)/build")
	[ -n "$k" ] || { finding "no Debian kernel headers installed"; return; }
	d=$build/dkms
	rm -rf "$d" && mkdir -p "$d/src/mqueue-lab-$dkms_ver" "$d/tree" "$d/inst"
	cp -r Kbuild kmod uapi dkms.conf "$d/src/mqueue-lab-$dkms_ver/"
	dkms build --dkmstree "$d/tree" --sourcetree "$d/src" --installtree "$d/inst" \
		-m mqueue-lab -v "$dkms_ver" -k "$k" > "$d/build.log" 2>&1 ||
		{ tail -n 20 "$d/build.log"; finding "dkms build failed for $k ($d/build.log)"; return; }
	ko=$d/tree/mqueue-lab/$dkms_ver/$k/x86_64/module/mqueue_lab.ko
	[ -f "$ko" ] || { finding "dkms build made no $ko"; return; }
	vm=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
	[ "$vm" = "$k" ] || finding "$ko: vermagic $vm, not $k"
	echo "dkms built mqueue-lab $dkms_ver for $k"
}

case ${1:-} in
intree) check_intree ;;
install) check_install ;;
modinfo) check_modinfo ;;
dkms) check_dkms ;;
*) echo "usage: $0 intree|install|modinfo|dkms"; exit 2 ;;
esac
exit $bad
