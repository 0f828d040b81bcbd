# SPDX-License-Identifier: GPL-2.0
# arm64.mk - the arm64 VM lane, included by the top Makefile.
#
#   make vm-module-arm64   only the module, cross-built (C=2 W=1 work too)
#   make vm-check-arm64 [T=GLOB]   cross-build the module and every test
#                   program for arm64 (32-bit ones for arm32, the compat
#                   path), boot Debian's arm64 kernel under
#                   qemu-system-aarch64 -M virt (TCG) and run the suite
#
# tools/arm64/fetch.sh puts the kernel, its headers and busybox into a
# cache outside the repo.  The user-space Makefiles build in the source
# directories, so the cross build runs in a copy of the tracked files
# (git ls-files), never over this tree's host build.

ARM64_CACHE := $(shell sh $(TOP)/tools/arm64/fetch.sh --dir)
ARM64_KVER = $(shell cat $(ARM64_CACHE)/kver 2>/dev/null)
ARM64_SRC := $(BUILD)/arm64-src.$(shell echo $$PPID)
ARM64_KSFT := $(BUILD)/arm64-ksft
# Everything for arm64: kbuild's CROSS_COMPILE (the headers' Makefile
# sets ARCH=arm64 itself), user space's CC and AR, the arm32 compiler
# for the -32 kselftests, the guest's busybox and run.sh's board.
ARM64_VARS = KVER=$(ARM64_KVER) \
	VM_KERNEL=$(ARM64_CACHE)/root/boot/vmlinuz-$(ARM64_KVER) \
	VM_KDIR=$(ARM64_CACHE)/root/usr/src/linux-headers-$(ARM64_KVER) \
	CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-gcc \
	AR=aarch64-linux-gnu-ar CC32=arm-linux-gnueabihf-gcc \
	BUSYBOX=$(ARM64_CACHE)/root/bin/busybox VM_ARCH=arm64 \
	KSFT_INC=$(ARM64_KSFT)

.PHONY: vm-check-arm64 vm-module-arm64 arm64-fetch

arm64-fetch:
	@sh tools/arm64/fetch.sh

vm-module-arm64: arm64-fetch
	$(MAKE) vm-module $(ARM64_VARS)

vm-check-arm64: arm64-fetch $(KSFT_HDRS)
	@rm -rf $(ARM64_SRC) $(ARM64_KSFT) && mkdir -p $(ARM64_SRC) $(ARM64_KSFT)
	@cp $(KSFT_HDRS) $(ARM64_KSFT)/
	@git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' - | \
		xargs -0 cp --parents -t $(ARM64_SRC)
	$(MAKE) -C $(ARM64_SRC) vm-check $(ARM64_VARS) T='$(T)'; \
		st=$$?; rm -rf $(ARM64_SRC); exit $$st
